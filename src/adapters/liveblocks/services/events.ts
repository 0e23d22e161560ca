import { inject, injectable } from 'inversify';
import type { CallOptions } from '../../../core/model/common.js';
import type { EventService } from '../../../core/services/events.js';
import { LIVEBLOCKS_TOKENS, type LiveblocksContext } from './context.js';

/** Room broadcasts over `POST /v2/rooms/{id}/broadcast-event` (listeners see `connectionId: -1`). */
@injectable()
export class LiveblocksEventService implements EventService {
  constructor(@inject(LIVEBLOCKS_TOKENS.Context) private readonly ctx: LiveblocksContext) {}

  /** Broadcasts any JSON value (at most 1 MB, Liveblocks' limit) to everyone connected to the room. */
  async broadcast(roomId: string, payload: unknown, options?: CallOptions): Promise<void> {
    await this.ctx.client.broadcastEvent(roomId, payload, options?.signal);
  }
}
