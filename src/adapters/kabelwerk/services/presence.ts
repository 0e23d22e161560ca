import { inject, injectable } from 'inversify';
import { UnsupportedFeatureError } from '../../../core/errors.js';
import type { CallOptions } from '../../../core/model/common.js';
import type { PresenceEntry, SetPresenceInput } from '../../../core/model/presence.js';
import type { PresenceService } from '../../../core/services/presence.js';
import { KABELWERK_TOKENS, type KabelwerkContext } from './context.js';

/** Kabelwerk has no presence or typing state (§5): every method throws `UnsupportedFeatureError`. */
@injectable()
export class KabelwerkPresenceService implements PresenceService {
  constructor(@inject(KABELWERK_TOKENS.Context) private readonly ctx: KabelwerkContext) {}

  async list(_roomId: string, _options?: CallOptions): Promise<PresenceEntry[]> {
    return this.unsupported('presence.list');
  }

  async set(_input: SetPresenceInput, _options?: CallOptions): Promise<void> {
    return this.unsupported('presence.set');
  }

  async clear(_roomId: string, _userId: string, _options?: CallOptions): Promise<void> {
    return this.unsupported('presence.clear');
  }

  private unsupported(key: 'presence.list' | 'presence.set' | 'presence.clear'): never {
    throw new UnsupportedFeatureError(this.ctx.provider, key, this.ctx.capabilities.notes[key]);
  }
}
