/**
 * Liveblocks active users -> core presence entries.
 * @module
 */
import type { PresenceEntry } from '../../../core/model/presence.js';
import type { LbActiveUsers } from '../schemas.js';

/**
 * Active users as presence entries. Anonymous connections (`id: null`) are left out: the core entry
 * is keyed by user id. Liveblocks' REST API does not return presence data, only user info.
 */
export function toPresenceEntries(wire: LbActiveUsers): PresenceEntry[] {
  const out: PresenceEntry[] = [];
  for (const user of wire.data) {
    if (typeof user.id !== 'string' || user.id === '') continue;
    const entry: PresenceEntry = { userId: user.id, connectionId: String(user.connectionId), status: 'online' };
    if (user.info) entry.info = user.info;
    out.push(entry);
  }
  return out;
}
