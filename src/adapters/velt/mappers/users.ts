/**
 * Velt users -> core users (§6).
 * @module
 */
import type { User } from '../../../core/model/user.js';
import { redact } from '../../../core/redact.js';
import type { VeltUser } from '../schemas.js';
import { USER_RESERVED_KEYS, pickMetadata } from './metadata.js';

/** A Velt user -> core User. `photoUrl` is `avatarUrl`; metadata is every non-reserved key. */
export function toUser(user: VeltUser): User {
  const out: User = { id: user.userId, metadata: pickMetadata(user, USER_RESERVED_KEYS), raw: redact(user) };
  if (typeof user.name === 'string') out.name = user.name;
  if (typeof user.email === 'string') out.email = user.email;
  if (typeof user.photoUrl === 'string') out.avatarUrl = user.photoUrl;
  return out;
}
