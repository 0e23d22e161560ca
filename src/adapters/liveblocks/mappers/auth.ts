/**
 * Core token room grants -> Liveblocks permissions.
 * @module
 */
import { ValidationError } from '../../../core/errors.js';
import { permissionsOf } from './rooms.js';

const PROVIDER = 'liveblocks';

/** Room patterns an access token accepts: an id (at most 128 characters) optionally ending in `*`, or `*` alone. */
const ROOM_PATTERN = /^([*]|[^*]{1,128}[*]?)$/;
/** `@liveblocks/node` refuses more than 10 room patterns per token (the API answers 422). */
export const MAX_TOKEN_ROOMS = 10;

/**
 * The `permissions` of `POST /v2/authorize-user`: `write` -> `["room:write"]`, `read` ->
 * `["room:read", "room:presence:write"]` (the reference's read-only access).
 */
export function tokenPermissions(rooms: Record<string, 'read' | 'write'> | undefined, operation: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let count = 0;
  for (const pattern in rooms) {
    if (!ROOM_PATTERN.test(pattern)) {
      throw new ValidationError(`rooms.${pattern}`, 'must be a room id, a prefix ending in *, or *', { provider: PROVIDER, operation });
    }
    if (++count > MAX_TOKEN_ROOMS) {
      throw new ValidationError('rooms', `Liveblocks tokens allow at most ${MAX_TOKEN_ROOMS} rooms or patterns`, { provider: PROVIDER, operation });
    }
    out[pattern] = permissionsOf(rooms[pattern]!);
  }
  return out;
}
