import { inject, injectable } from 'inversify';
import { UnsupportedFeatureError } from '../../../core/errors.js';
import type { CallOptions } from '../../../core/model/common.js';
import type { PresenceEntry, SetPresenceInput } from '../../../core/model/presence.js';
import type { PresenceService } from '../../../core/services/presence.js';
import type { VeltUserRef } from '../schemas.js';
import { VELT_TOKENS, type VeltContext } from './context.js';

/**
 * Server-set presence (§10): `/presence/add` and `/presence/delete`. Velt documents no presence read
 * endpoint, so `list` is `no`; Velt stores only name, email and status, so `data` and `ttlSeconds` are
 * not kept (`presence.set` is `partial`).
 */
@injectable()
export class VeltPresenceService implements PresenceService {
  constructor(@inject(VELT_TOKENS.Context) private readonly ctx: VeltContext) {}

  async list(_roomId: string, _options?: CallOptions): Promise<PresenceEntry[]> {
    throw new UnsupportedFeatureError('velt', 'presence.list', this.ctx.capabilities.notes['presence.list']);
  }

  async set(input: SetPresenceInput, options?: CallOptions): Promise<void> {
    const op = 'presence.set';
    const user: VeltUserRef & { status: 'online' } = { userId: input.userId, status: 'online' };
    if (typeof input.info?.name === 'string' && input.info.name !== '') user.name = input.info.name;
    if (typeof input.info?.email === 'string' && input.info.email !== '') user.email = input.info.email;
    await this.ctx.client.addPresence({ organizationId: this.ctx.tenantOf(options), documentId: input.roomId, users: [user] }, op, this.ctx.call(options));
  }

  async clear(roomId: string, userId: string, options?: CallOptions): Promise<void> {
    const op = 'presence.clear';
    await this.ctx.client.deletePresence({ organizationId: this.ctx.tenantOf(options), documentId: roomId, userIds: [userId] }, op, this.ctx.call(options));
  }
}
