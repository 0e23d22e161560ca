import type { CallOptions } from '../model/common.js';

/** Ephemeral room events. */
export interface EventService {
  /** Broadcasts a JSON payload to everyone connected to a room. */
  broadcast(roomId: string, payload: unknown, options?: CallOptions): Promise<void>;
}
