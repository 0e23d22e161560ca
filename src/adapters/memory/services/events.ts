import { inject, injectable } from 'inversify';
import { ValidationError } from '../../../core/errors.js';
import type { CallOptions } from '../../../core/model/common.js';
import type { EventService } from '../../../core/services/events.js';
import type { BroadcastListener } from '../store.js';
import { MEMORY_TOKENS, type MemoryContext } from './context.js';

/** Broadcasts of the embedded provider, delivered to in-process listeners (`subscribe`). */
@injectable()
export class MemoryEventService implements EventService {
  constructor(@inject(MEMORY_TOKENS.Context) private readonly ctx: MemoryContext) {}

  async broadcast(roomId: string, payload: unknown, options?: CallOptions): Promise<void> {
    const op = 'events.broadcast';
    this.ctx.room(roomId, op, options);
    let json: string | undefined;
    try {
      json = JSON.stringify(payload);
    } catch {
      json = undefined;
    }
    // Core has checked the payload is JSON, but it hands over the caller's own value (not a copy): the
    // round trip gives listeners a private copy, and a Proxy that answered core's walk differently can
    // still throw here or stringify to undefined.
    if (json === undefined) throw new ValidationError('payload', 'must be JSON-serialisable', { provider: 'memory', operation: op });
    if (json.length > 1_000_000) throw new ValidationError('payload', 'must be at most 1 MB as JSON', { provider: 'memory', operation: op });
    this.ctx.store.broadcast(this.ctx.tenantOf(options), roomId, JSON.parse(json));
  }

  /** Memory only: listens to a room's broadcasts in this process. Returns the unsubscribe function. */
  subscribe(roomId: string, listener: BroadcastListener, options?: CallOptions): () => void {
    return this.ctx.store.onBroadcast(this.ctx.tenantOf(options), roomId, listener);
  }
}
