/**
 * Kabelwerk users as core users: Kabelwerk stores a key and a name, nothing else (§1.5.1).
 * @module
 */
import type { User } from '../../../core/model/user.js';
import { redact } from '../../../core/redact.js';
import type { KabelwerkUserRef } from '../schemas.js';

/**
 * The `users.upsert` metadata flag that creates the user as a hub user (care team) of the call's hub
 * instead of an end user. It is read on creation only (Kabelwerk cannot move a user between sides) and
 * is not stored.
 */
export const HUB_USER_FLAG = 'kabelwerk:hubUser';

/** A REST user answer as a core user. */
export function userFromKabelwerk(user: KabelwerkUserRef): User {
  return { id: user.key, name: user.name, metadata: {}, raw: redact(user) };
}
