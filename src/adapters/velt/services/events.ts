import { inject, injectable } from 'inversify';
import { ValidationError } from '../../../core/errors.js';
import type { CallOptions } from '../../../core/model/common.js';
import type { EventService } from '../../../core/services/events.js';
import { VELT_TOKENS, type VeltContext } from './context.js';

/** The live-state channel (`liveStateDataId`) broadcasts are written to. */
export const BROADCAST_CHANNEL = 'unicollab-broadcast';

/**
 * Broadcasts through Velt live state (`/livestate/broadcast`, §10.1): the payload replaces the
 * document's `unicollab-broadcast` live state, which every client subscribed to it receives. Velt live
 * state data is a JSON object, so other payloads are a `ValidationError`.
 */
@injectable()
export class VeltEventService implements EventService {
  constructor(@inject(VELT_TOKENS.Context) private readonly ctx: VeltContext) {}

  async broadcast(roomId: string, payload: unknown, options?: CallOptions): Promise<void> {
    const op = 'events.broadcast';
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      throw new ValidationError('payload', 'must be a JSON object (Velt live state data is an object)', { provider: 'velt', operation: op });
    }
    let json: string;
    try {
      json = JSON.stringify(payload);
    } catch {
      throw new ValidationError('payload', 'must be JSON-serialisable', { provider: 'velt', operation: op });
    }
    if (json.length > 1_000_000) throw new ValidationError('payload', 'must be at most 1 MB as JSON', { provider: 'velt', operation: op });
    await this.ctx.client.broadcast(
      { organizationId: this.ctx.tenantOf(options), documentId: roomId, liveStateDataId: BROADCAST_CHANNEL, data: JSON.parse(json) as Record<string, unknown>, merge: false },
      op,
      this.ctx.call(options),
    );
  }
}
