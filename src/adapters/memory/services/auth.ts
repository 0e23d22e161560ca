import { nodeCrypto } from '../../../core/node-crypto.js';
import { inject, injectable } from 'inversify';
import type { IssuedToken, IssueTokenInput } from '../../../core/model/auth.js';
import type { CallOptions } from '../../../core/model/common.js';
import { registerSecret } from '../../../core/redact.js';
import type { AuthService } from '../../../core/services/auth.js';
import { MEMORY_TOKENS, type MemoryContext } from './context.js';

/** Lifetime of issued tokens (as Liveblocks access tokens). */
const TOKEN_TTL_SECONDS = 3600;

/** `jose` is imported when the first token is issued: most apps on the embedded provider never issue one, and loading it costs as much as the rest of the adapter. */
let signer: Promise<typeof import('jose').SignJWT> | undefined;

/**
 * Client tokens of the embedded provider: HS256 JWTs signed with a per-instance secret
 * (or `tokenSecret` from config, so a separate process can verify them).
 */
@injectable()
export class MemoryAuthService implements AuthService {
  private readonly key: Uint8Array;

  constructor(@inject(MEMORY_TOKENS.Context) private readonly ctx: MemoryContext) {
    const secret = ctx.config.tokenSecret ?? nodeCrypto().randomBytes(32).toString('base64url');
    registerSecret(secret);
    this.key = new TextEncoder().encode(secret);
  }

  async issueToken(input: IssueTokenInput, options?: CallOptions): Promise<IssuedToken> {
    const issuedAt = Math.floor(this.ctx.store.now() / 1000);
    const expiresAt = issuedAt + TOKEN_TTL_SECONDS;
    const claims: Record<string, unknown> = { tid: this.ctx.tenantOf(options), mode: input.mode ?? 'access' };
    if (input.rooms) claims.perms = input.rooms;
    if (input.userInfo) claims.info = input.userInfo;
    if (input.groupIds) claims.gids = input.groupIds;
    const SignJWT = await (signer ??= import('jose').then((jose) => jose.SignJWT));
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(input.userId)
      .setIssuer('unicollab:memory')
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(this.key);
    return { token, expiresAt: new Date(expiresAt * 1000) };
  }
}
