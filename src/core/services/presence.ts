import type { CallOptions } from '../model/common.js';
import type { PresenceEntry, SetPresenceInput } from '../model/presence.js';

/** Who is in a room right now. */
export interface PresenceService {
  /** Lists the users present in a room. */
  list(roomId: string, options?: CallOptions): Promise<PresenceEntry[]>;
  /** Sets a user's presence from the server side; it expires after `ttlSeconds`. */
  set(input: SetPresenceInput, options?: CallOptions): Promise<void>;
  /** Removes a user's server-set presence now. */
  clear(roomId: string, userId: string, options?: CallOptions): Promise<void>;
}
