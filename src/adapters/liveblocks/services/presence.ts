import { inject, injectable } from 'inversify';
import { ValidationError } from '../../../core/errors.js';
import type { CallOptions } from '../../../core/model/common.js';
import { type PresenceEntry, type SetPresenceInput, SetPresenceInputSchema } from '../../../core/model/presence.js';
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
    const op = 'presence.list';
    this.ctx.assert(op);
    return toPresenceEntries(await this.ctx.client.getActiveUsers(this.ctx.id(roomId, 'roomId', op), options?.signal));
  }

  /** Sets a user's presence for `ttlSeconds` (2-3599, Liveblocks' default 60); `info` becomes the user info. */
  async set(input: SetPresenceInput, options?: CallOptions): Promise<void> {
    const op = 'presence.set';
    this.ctx.assert(op);
    const data = this.ctx.validate(SetPresenceInputSchema, input, '', op);
    if (data.ttlSeconds !== undefined && data.ttlSeconds > MAX_TTL) {
      throw new ValidationError('ttlSeconds', `Liveblocks presence lasts at most ${MAX_TTL} seconds`, { provider: this.ctx.provider, operation: op });
    }
    const body: LbSetPresenceBody = { userId: data.userId, data: data.data ?? {} };
    if (data.info !== undefined) body.userInfo = data.info;
    if (data.ttlSeconds !== undefined) body.ttl = data.ttlSeconds;
    await this.ctx.client.setPresence(data.roomId, body, op, options?.signal);
  }

  /**
   * Liveblocks has no endpoint that removes presence, so this re-sets the user's server-set presence
   * (empty data) with the minimum TTL: the user is gone within 2 seconds. A user connected over
   * WebSocket cannot be removed from the server side.
   */
  async clear(roomId: string, userId: string, options?: CallOptions): Promise<void> {
    const op = 'presence.clear';
    this.ctx.assert(op);
    const room = this.ctx.id(roomId, 'roomId', op);
    const user = this.ctx.id(userId, 'userId', op);
    await this.ctx.client.setPresence(room, { userId: user, data: {}, ttl: MIN_TTL }, op, options?.signal);
  }
}
