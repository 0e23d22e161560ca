/**
 * Liveblocks threads, comments and reactions -> core ones; thread metadata out; client-side thread pages and their cursor.
 * @module
 */
import { isoDate } from '../../../core/iso-date.js';
import { decodeCursor, encodeCursor } from '../../../core/cursor.js';
import { ValidationError } from '../../../core/errors.js';
import type { Comment, Reaction } from '../../../core/model/comment.js';
import type { Metadata, MetadataPatch, Page } from '../../../core/model/common.js';
import type { Thread } from '../../../core/model/thread.js';
import type { LbComment, LbThread } from '../schemas.js';
import { fromWireBody } from './bodies.js';

const PROVIDER = 'liveblocks';

function toReaction(r: LbComment['reactions'][number]): Reaction {
  const out: Reaction = { emoji: r.emoji, userIds: r.users.map((u) => u.id) };
  if (r.createdAt !== undefined) out.createdAt = isoDate(r.createdAt);
  return out;
}

/**
 * A Liveblocks comment as a core `Comment`. A deleted comment (Liveblocks keeps it in its thread
 * without a body, section 3.4) gets an empty body and `deletedAt`.
 */
export function toComment(c: LbComment): Comment {
  const out: Comment = {
    id: c.id,
    threadId: c.threadId,
    roomId: c.roomId,
    authorId: c.userId,
    body: c.body !== undefined ? fromWireBody(c.body) : { version: 1, content: [] },
    createdAt: isoDate(c.createdAt),
    reactions: c.reactions.map(toReaction),
    metadata: { ...c.metadata },
    raw: c,
  };
  if (c.editedAt !== undefined) out.editedAt = isoDate(c.editedAt);
  if (c.deletedAt !== undefined) out.deletedAt = isoDate(c.deletedAt);
  return out;
}

/** A Liveblocks thread (with its comments, oldest first) as a core `Thread`. */
export function toThread(t: LbThread): Thread {
  const out: Thread = {
    id: t.id,
    roomId: t.roomId,
    resolved: t.resolved,
    metadata: { ...t.metadata },
    comments: t.comments.map(toComment),
    createdAt: isoDate(t.createdAt),
    raw: t,
  };
  if (t.updatedAt !== undefined) out.updatedAt = isoDate(t.updatedAt);
  return out;
}

/** Thread and comment metadata values Liveblocks stores: string, number, boolean (no lists). */
export function toWireThreadMetadata(metadata: Metadata, field: string, operation: string): Record<string, string | number | boolean>;
export function toWireThreadMetadata(metadata: MetadataPatch, field: string, operation: string): Record<string, string | number | boolean | null>;
export function toWireThreadMetadata(metadata: MetadataPatch, field: string, operation: string): Record<string, string | number | boolean | null> {
  for (const key in metadata) {
    const value = metadata[key];
    if (Array.isArray(value)) {
      throw new ValidationError(`${field}.${key}`, 'Liveblocks thread and comment metadata values must be strings, numbers or booleans', { provider: PROVIDER, operation });
    }
  }
  return metadata as Record<string, string | number | boolean | null>;
}

/** Position of a thread in client-side pagination: creation time, then id (stable whatever the API order). */
type ThreadKey = readonly [number, string];

function compareKeys(a: ThreadKey, b: ThreadKey): number {
  return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
}

/** An opaque `threads.list` cursor: the position of the last thread of a page. */
export function encodeThreadCursor(key: ThreadKey): string {
  return encodeCursor(key);
}

/** Decodes a `threads.list` cursor; `ValidationError` on anything `encodeThreadCursor` did not make. */
export function decodeThreadCursor(cursor: string, operation: string): ThreadKey {
  const key = decodeCursor(cursor);
  if (Array.isArray(key) && key.length === 2 && typeof key[0] === 'number' && typeof key[1] === 'string') return [key[0], key[1]];
  throw new ValidationError('query.cursor', 'is not a cursor returned by threads.list', { provider: PROVIDER, operation });
}

/**
 * One page of a room's threads. Liveblocks returns every thread at once, so pages are cut here:
 * threads are ordered by creation (then id) and the cursor is the position of the last one, which
 * stays valid when threads are created or deleted between pages. Only the page is mapped.
 *
 * @param threads - Every thread the API returned.
 * @param limit - Page size; all remaining threads when absent.
 * @param after - The decoded cursor of the previous page.
 */
export function pageThreads(threads: readonly LbThread[], limit: number | undefined, after: ThreadKey | undefined): Page<Thread> {
  const keyed = threads.map((t) => ({ t, key: [Date.parse(t.createdAt), t.id] as ThreadKey })).sort((a, b) => compareKeys(a.key, b.key));
  let start = 0;
  if (after !== undefined) {
    while (start < keyed.length && compareKeys(keyed[start]!.key, after) <= 0) start++;
  }
  const end = limit === undefined ? keyed.length : Math.min(keyed.length, start + limit);
  const items: Thread[] = [];
  for (let i = start; i < end; i++) items.push(toThread(keyed[i]!.t));
  return { items, nextCursor: end < keyed.length && end > start ? encodeThreadCursor(keyed[end - 1]!.key) : null };
}

/** Every thread, in the order `pageThreads` uses. */
export function sortedThreads(threads: readonly LbThread[]): Thread[] {
  return pageThreads(threads, undefined, undefined).items;
}
