import { inject, injectable } from 'inversify';
import type { IssuedToken, IssueTokenInput } from '../../../core/model/auth.js';
import type { CallOptions } from '../../../core/model/common.js';
import type { AuthService } from '../../../core/services/auth.js';
import { KABELWERK_TOKENS, type KabelwerkContext } from './context.js';

/**
 * User tokens for Kabelwerk's client SDKs (§2.1): an RS256 JWT with `sub` = the user's key and `exp`,
 * signed with `privateKey`. Kabelwerk decides access itself (an end user reaches its own rooms, a hub
 * user its hub's), so `rooms`, `groupIds`, `userInfo` and `mode` do not change the token.
 */
@injectable()
export class KabelwerkAuthService implements AuthService {
  constructor(@inject(KABELWERK_TOKENS.Context) private readonly ctx: KabelwerkContext) {}

  async issueToken(input: IssueTokenInput, _options?: CallOptions): Promise<IssuedToken> {
    const minted = await this.ctx.realtime('auth.issueToken').mint(input.userId);
    return { token: minted.token, expiresAt: minted.expiresAt };
  }
}
