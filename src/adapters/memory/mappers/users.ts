/**
 * Stored users -> core users (deep copies: callers may mutate what they get without touching the store).
 * @module
 */
import { cloneJson } from '../../../core/clone.js';
import type { User } from '../../../core/model/user.js';
import type { StoredUser } from '../schemas.js';

/** Stored user -> core User. */
export function toUser(user: StoredUser): User {
  const { seq: _seq, ...rest } = user;
  const out: User = { id: user.id, metadata: cloneJson(user.metadata), raw: cloneJson(rest) };
  if (user.name !== undefined) out.name = user.name;
  if (user.email !== undefined) out.email = user.email;
  if (user.avatarUrl !== undefined) out.avatarUrl = user.avatarUrl;
  return out;
}
