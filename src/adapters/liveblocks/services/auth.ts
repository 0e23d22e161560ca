import { inject, injectable } from 'inversify';
import { ValidationError } from '../../../core/errors.js';
import type { IssuedToken, IssueTokenInput } from '../../../core/model/auth.js';
import type { CallOptions } from '../../../core/model/common.js';
import type { AuthService } from '../../../core/services/auth.js';
import { jwtExpiry } from '../../../core/jwt.js';
import { tokenPermissions } from '../mappers/auth.js';
import type { LbAuthorizeBody, LbIdentifyBody } from '../schemas.js';
import { LIVEBLOCKS_TOKENS, type LiveblocksContext } from './context.js';

/**
 * Client tokens for `@liveblocks/client`.
 *
 * - `access` mode (default): `POST /v2/authorize-user`, the token carries the permissions of `rooms`
 *   (`write` -> `room:write`, `read` -> `room:read` + `room:presence:write`; at most 10 rooms/patterns).
 *   `groupIds` are not part of access tokens and are ignored.
 * - `id` mode (`mode: 'id'`, or `tokenMode: 'id'` in config): `POST /v2/identify-user`, an identity
 *   token; Liveblocks checks the room's accesses when it is used, so `rooms` is rejected.
 *
 * `expiresAt` is read from the token's `exp` claim when it has one.
 */
@injectable()
export class LiveblocksAuthService implements AuthService {
  private readonly defaultMode: 'access' | 'id';

  constructor(@inject(LIVEBLOCKS_TOKENS.Context) private readonly ctx: LiveblocksContext) {
    this.defaultMode = ctx.config.tokenMode ?? 'access';
  }

  async issueToken(input: IssueTokenInput, options?: CallOptions): Promise<IssuedToken> {
    const op = 'auth.issueToken';
    const organizationId = this.ctx.tenantOf(options);
    let token: string;
    if ((input.mode ?? this.defaultMode) === 'id') {
      if (input.rooms !== undefined && Object.keys(input.rooms).length > 0) {
        throw new ValidationError('rooms', 'ID tokens carry no permissions: grant room access with rooms.create/update (access.users, access.groups)', {
          provider: this.ctx.provider,
          operation: op,
        });
      }
      const body: LbIdentifyBody = { userId: input.userId };
      if (input.groupIds !== undefined) body.groupIds = input.groupIds;
      if (input.userInfo !== undefined) body.userInfo = input.userInfo;
      if (organizationId !== undefined) body.organizationId = organizationId;
      token = (await this.ctx.client.identifyUser(body, options?.signal)).token;
    } else {
      const body: LbAuthorizeBody = { userId: input.userId, permissions: tokenPermissions(input.rooms, op) };
      if (input.userInfo !== undefined) body.userInfo = input.userInfo;
      if (organizationId !== undefined) body.organizationId = organizationId;
      token = (await this.ctx.client.authorizeUser(body, options?.signal)).token;
    }
    const expiresAt = await jwtExpiry(token);
    return expiresAt !== undefined ? { token, expiresAt } : { token };
  }
}
