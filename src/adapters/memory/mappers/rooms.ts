/**
 * Stored rooms -> core rooms (deep copies: callers may mutate what they get without touching the store).
 * @module
 */
import { cloneJson } from '../../../core/clone.js';
import type { Room } from '../../../core/model/room.js';
import type { StoredRoom } from '../schemas.js';

/** Stored room -> core Room. */
export function toRoom(room: StoredRoom): Room {
  const { threads: _threads, seq: _seq, content: _content, ...rest } = room;
  const out: Room = { id: room.id, metadata: cloneJson(room.metadata), createdAt: new Date(room.createdAt), raw: cloneJson(rest) };
  if (room.name !== undefined) out.name = room.name;
  if (room.access !== undefined) out.access = cloneJson(room.access);
  out.archived = room.archived === true;
  return out;
}
