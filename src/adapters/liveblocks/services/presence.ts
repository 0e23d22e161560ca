import { inject, injectable } from 'inversify';
import { ValidationError } from '../../../core/errors.js';
import type { CallOptions } from '../../../core/model/common.js';
import type { PresenceEntry, SetPresenceInput } from '../../../core/model/presence.js';
import type { PresenceService } from '../../../core/services/presence.js';
import { toPresenceEntries } from '../mappers/presence.js';
import type { LbSetPresenceBody } from '../schemas.js';
import { LIVEBLOCKS_TOKENS, type LiveblocksContext } from './context.js';

/** Liveblocks' TTL range for server-set presence, in seconds ([NODE] setPresence: 2-3599, default 60). */
const MIN_TTL = 2;
const MAX_TTL = 3599;

/**
 * Presence over `GET /v2/rooms/{id}/active-users` (WebSocket users and server-set presence) and
 * `POST /v2/rooms/{id}/presence` (server-set presence with a TTL).
 */
@injectable()
export class LiveblocksPresenceService implements PresenceService {
  constructor(@inject(LIVEBLOCKS_TOKENS.Context) private readonly ctx: LiveblocksContext) {}

  /**
   * Lists the users present: one entry per connection (a user with two tabs appears twice), with
   * `connectionId` and `info`. Anonymous connections are left out, and `data` is never set: the REST
   * API does not return presence data. Liveblocks asks not to poll this more than every 10 s.
   */
  async list(roomId: string, options?: CallOptions): Promise<PresenceEntry[]> {
    return toPresenceEntries(await this.ctx.client.getActiveUsers(roomId, options?.signal));
  }

  /** Sets a user's presence for `ttlSeconds` (2-3599, Liveblocks' default 60); `info` becomes the user info. */
  async set(input: SetPresenceInput, options?: CallOptions): Promise<void> {
    const op = 'presence.set';
    if (input.ttlSeconds !== undefined && input.ttlSeconds > MAX_TTL) {
      throw new ValidationError('ttlSeconds', `Liveblocks presence lasts at most ${MAX_TTL} seconds`, { provider: this.ctx.provider, operation: op });
    }
    const body: LbSetPresenceBody = { userId: input.userId, data: input.data ?? {} };
    if (input.info !== undefined) body.userInfo = input.info;
    if (input.ttlSeconds !== undefined) body.ttl = input.ttlSeconds;
    await this.ctx.client.setPresence(input.roomId, body, op, options?.signal);
  }

  /**
   * Liveblocks has no endpoint that removes presence, so this re-sets the user's server-set presence
   * (empty data) with the minimum TTL: the user is gone within 2 seconds. A user connected over
   * WebSocket cannot be removed from the server side.
   */
  async clear(roomId: string, userId: string, options?: CallOptions): Promise<void> {
    await this.ctx.client.setPresence(roomId, { userId, data: {}, ttl: MIN_TTL }, 'presence.clear', options?.signal);
  }
}
