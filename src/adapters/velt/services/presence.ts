import { inject, injectable } from 'inversify';
import { UnsupportedFeatureError } from '../../../core/errors.js';
import type { CallOptions } from '../../../core/model/common.js';
import { type PresenceEntry, type SetPresenceInput, SetPresenceInputSchema } from '../../../core/model/presence.js';
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
    this.ctx.assert('presence.list');
    throw new UnsupportedFeatureError('velt', 'presence.list', this.ctx.capabilities.notes['presence.list']);
  }

  async set(input: SetPresenceInput, options?: CallOptions): Promise<void> {
    const op = 'presence.set';
    this.ctx.assert('presence.set');
    const data = this.ctx.validate(SetPresenceInputSchema, input, '', op);
    const user: VeltUserRef & { status: 'online' } = { userId: data.userId, status: 'online' };
    if (typeof data.info?.name === 'string' && data.info.name !== '') user.name = data.info.name;
    if (typeof data.info?.email === 'string' && data.info.email !== '') user.email = data.info.email;
    await this.ctx.client.addPresence({ organizationId: this.ctx.tenantOf(options), documentId: data.roomId, users: [user] }, op, this.ctx.call(options));
  }

  async clear(roomId: string, userId: string, options?: CallOptions): Promise<void> {
    const op = 'presence.clear';
    this.ctx.assert('presence.clear');
    this.ctx.id(roomId, 'roomId', op);
    this.ctx.id(userId, 'userId', op);
    await this.ctx.client.deletePresence({ organizationId: this.ctx.tenantOf(options), documentId: roomId, userIds: [userId] }, op, this.ctx.call(options));
  }
}
