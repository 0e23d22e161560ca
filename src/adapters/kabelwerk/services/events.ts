import { inject, injectable } from 'inversify';
import { UnsupportedFeatureError } from '../../../core/errors.js';
import type { CallOptions } from '../../../core/model/common.js';
import type { EventService } from '../../../core/services/events.js';
import { KABELWERK_TOKENS, type KabelwerkContext } from './context.js';

/** Kabelwerk rooms carry messages only (§5): broadcasting throws `UnsupportedFeatureError`. */
@injectable()
export class KabelwerkEventService implements EventService {
  constructor(@inject(KABELWERK_TOKENS.Context) private readonly ctx: KabelwerkContext) {}

  async broadcast(_roomId: string, _payload: unknown, _options?: CallOptions): Promise<void> {
    throw new UnsupportedFeatureError(this.ctx.provider, 'events.broadcast', this.ctx.capabilities.notes['events.broadcast']);
  }
}
