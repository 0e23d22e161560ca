import { inject, injectable } from 'inversify';
import type { IssuedToken, IssueTokenInput } from '../../../core/model/auth.js';
import type { CallOptions } from '../../../core/model/common.js';
import type { AuthService } from '../../../core/services/auth.js';
import { jwtExpiry } from '../../../core/jwt.js';
import { tokenResources } from '../mappers/auth.js';
import { VELT_TOKENS, type VeltContext } from './context.js';

/** Velt user tokens last 48 hours (§11.1); used when the token's own `exp` cannot be read. */
const TOKEN_TTL_MS = 48 * 3600 * 1000;

/**
 * Client tokens from `/auth/generate_token` (§11.1) with permissions for the rooms asked: a room id is
 * a `document` resource, `*` the whole organization; prefixes other than `*` cannot be expressed and are
 * not granted (see the capability note). In `id` mode no resources are sent: Velt checks its stored
 * permissions. Velt requires a name and an email: taken from `userInfo`, else the user id and an
 * address under the reserved `.invalid` domain (RFC 2606), which can never receive mail.
 */
@injectable()
export class VeltAuthService implements AuthService {
  constructor(@inject(VELT_TOKENS.Context) private readonly ctx: VeltContext) {}

  async issueToken(input: IssueTokenInput, options?: CallOptions): Promise<IssuedToken> {
    const op = 'auth.issueToken';
    const info = input.userInfo ?? {};
    const name = typeof info.name === 'string' && info.name !== '' ? info.name : input.userId;
    const email = typeof info.email === 'string' && info.email !== '' ? info.email : `${encodeURIComponent(input.userId)}@users.invalid`;
    const userProperties: { name: string; email: string; isAdmin?: boolean } = { name, email };
    if (typeof info.isAdmin === 'boolean') userProperties.isAdmin = info.isAdmin;
    const { resources } = input.mode === 'id' ? { resources: [] } : tokenResources(input.rooms, this.ctx.tenantOf(options));
    const token = await this.ctx.client.generateToken({ userId: input.userId, userProperties, permissions: { resources } }, op, this.ctx.call(options));
    return { token, expiresAt: (await jwtExpiry(token)) ?? new Date(Date.now() + TOKEN_TTL_MS) };
  }
}
