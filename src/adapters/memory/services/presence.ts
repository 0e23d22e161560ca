import { inject, injectable } from 'inversify';
import type { CallOptions } from '../../../core/model/common.js';
import type { PresenceEntry, SetPresenceInput } from '../../../core/model/presence.js';
import type { PresenceService } from '../../../core/services/presence.js';
import type { StoredPresence } from '../store.js';
import { MEMORY_TOKENS, type MemoryContext } from './context.js';

/** Presence of the embedded provider: server-set entries that expire after their TTL. */
@injectable()
export class MemoryPresenceService implements PresenceService {
  private readonly defaultTtl: number;

  constructor(@inject(MEMORY_TOKENS.Context) private readonly ctx: MemoryContext) {
    this.defaultTtl = ctx.config.presenceTtlSeconds ?? 60;
  }

  async list(roomId: string, options?: CallOptions): Promise<PresenceEntry[]> {
    const op = 'presence.list';
    this.ctx.room(roomId, op, options);
    const entries = this.entries(roomId, options);
    const now = this.ctx.store.now();
    const out: PresenceEntry[] = [];
    for (const [userId, entry] of entries) {
      // Expired entries are dropped lazily: no timers to keep the process alive.
      if (entry.expiresAt <= now) {
        entries.delete(userId);
        continue;
      }
      const item: PresenceEntry = { userId, status: 'online' };
      if (entry.data) item.data = structuredClone(entry.data);
      if (entry.info) item.info = structuredClone(entry.info);
      out.push(item);
    }
    return out;
  }

  async set(input: SetPresenceInput, options?: CallOptions): Promise<void> {
    const op = 'presence.set';
    this.ctx.room(input.roomId, op, options);
    const entries = this.entries(input.roomId, options);
    const isNew = !entries.has(input.userId) || entries.get(input.userId)!.expiresAt <= this.ctx.store.now();
    const entry: StoredPresence = { userId: input.userId, expiresAt: this.ctx.store.now() + (input.ttlSeconds ?? this.defaultTtl) * 1000 };
    if (input.data) entry.data = structuredClone(input.data);
    if (input.info) entry.info = structuredClone(input.info);
    entries.set(input.userId, entry);
    if (isNew) this.ctx.changed({ type: 'user.entered', roomId: input.roomId, userId: input.userId }, options);
    await this.ctx.commit(op); // presence is not saved, but the webhook deliveries it queued are
  }

  async clear(roomId: string, userId: string, options?: CallOptions): Promise<void> {
    const op = 'presence.clear';
    this.ctx.room(roomId, op, options);
    if (this.entries(roomId, options).delete(userId)) this.ctx.changed({ type: 'user.left', roomId, userId }, options);
    await this.ctx.commit(op);
  }

  private entries(roomId: string, options?: CallOptions): Map<string, StoredPresence> {
    const key = `${this.ctx.tenantOf(options)}\u0000${roomId}`;
    let map = this.ctx.store.presence.get(key);
    if (!map) this.ctx.store.presence.set(key, (map = new Map()));
    return map;
  }
}
