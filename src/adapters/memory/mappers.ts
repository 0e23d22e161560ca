import { ValidationError } from '../../core/errors.js';
import { decodeListCursor, encodeListCursor } from '../../core/paging.js';
import type { Comment } from '../../core/model/comment.js';
import type { Page } from '../../core/model/common.js';
import type { Notification } from '../../core/model/notification.js';
import type { Room } from '../../core/model/room.js';
import type { Thread } from '../../core/model/thread.js';
import type { User } from '../../core/model/user.js';
import type { StoredComment, StoredNotification, StoredRoom, StoredThread, StoredUser } from './schemas.js';

// Entities are deep copies: callers may mutate what they get without touching the store.

/** Stored room -> core Room. */
export function toRoom(room: StoredRoom): Room {
  const { threads: _threads, seq: _seq, ...rest } = room;
  const out: Room = { id: room.id, metadata: structuredClone(room.metadata), createdAt: new Date(room.createdAt), raw: structuredClone(rest) };
  if (room.name !== undefined) out.name = room.name;
  if (room.access !== undefined) out.access = structuredClone(room.access);
  return out;
}

/** Stored user -> core User. */
export function toUser(user: StoredUser): User {
  const { seq: _seq, ...rest } = user;
  const out: User = { id: user.id, metadata: structuredClone(user.metadata), raw: structuredClone(rest) };
  if (user.name !== undefined) out.name = user.name;
  if (user.email !== undefined) out.email = user.email;
  if (user.avatarUrl !== undefined) out.avatarUrl = user.avatarUrl;
  return out;
}

/** Stored comment -> core Comment. */
export function toComment(comment: StoredComment): Comment {
  const out: Comment = {
    id: comment.id,
    threadId: comment.threadId,
    roomId: comment.roomId,
    authorId: comment.authorId,
    body: structuredClone(comment.body),
    createdAt: new Date(comment.createdAt),
    reactions: comment.reactions.map((r) => ({ emoji: r.emoji, userIds: [...r.userIds], createdAt: new Date(r.createdAt) })),
    metadata: structuredClone(comment.metadata),
    raw: structuredClone(comment),
  };
  if (comment.editedAt) out.editedAt = new Date(comment.editedAt);
  return out;
}

/** Stored thread -> core Thread. */
export function toThread(thread: StoredThread): Thread {
  const { comments: _comments, seq: _seq, ...rest } = thread;
  return {
    id: thread.id,
    roomId: thread.roomId,
    resolved: thread.resolved,
    metadata: structuredClone(thread.metadata),
    comments: thread.comments.map(toComment),
    createdAt: new Date(thread.createdAt),
    updatedAt: new Date(thread.updatedAt),
    raw: structuredClone(rest),
  };
}

/** Stored notification -> core Notification. */
export function toNotification(n: StoredNotification): Notification {
  const { seq: _seq, ...rest } = n;
  const out: Notification = {
    id: n.id,
    userId: n.userId,
    kind: n.kind,
    notifiedAt: new Date(n.notifiedAt),
    readAt: n.readAt ? new Date(n.readAt) : null,
    raw: structuredClone(rest),
  };
  if (n.customKind !== undefined) out.customKind = n.customKind;
  if (n.roomId !== undefined) out.roomId = n.roomId;
  if (n.threadId !== undefined) out.threadId = n.threadId;
  if (n.subjectId !== undefined) out.subjectId = n.subjectId;
  if (n.data !== undefined) out.data = structuredClone(n.data);
  return out;
}

/** Where a page starts and which listing it belongs to. */
export interface PageOptions {
  /** The operation, for errors. */
  operation: string;
  /** The listing's identity (`listKey(...)`): a cursor from another listing is refused. */
  list: string;
  /** Page size when the query gives none (default 50). */
  defaultLimit?: number;
  /** Newest first. */
  descending?: boolean;
}

/**
 * One page of `items` ordered by `seq` (ascending, or newest first with `descending`) after the cursor.
 * Cursors hold the last seq seen and are bound to their listing (tenant, parent and filter), so pages
 * stay exact when items are added or removed between calls (each item present throughout is visited
 * exactly once), and a cursor of another listing is a `ValidationError` on `cursor`.
 */
export function paginate<T extends { seq: number }, R>(items: Iterable<T>, query: { limit?: number; cursor?: string }, map: (item: T) => R, options: PageOptions): Page<R> {
  const descending = options.descending ?? false;
  const after = query.cursor ? decodeSeq(query.cursor, options) : undefined;
  const limit = query.limit ?? options.defaultLimit ?? 50;
  const sorted = [...items]
    .filter((i) => after === undefined || (descending ? i.seq < after : i.seq > after))
    .sort((a, b) => (descending ? b.seq - a.seq : a.seq - b.seq));
  const page = sorted.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map(map), nextCursor: sorted.length > limit && last ? encodeListCursor(options.list, last.seq) : null };
}

function decodeSeq(cursor: string, options: PageOptions): number {
  const position = decodeListCursor(cursor, options.list, { provider: 'memory', operation: options.operation });
  if (typeof position === 'number' && Number.isSafeInteger(position)) return position;
  throw new ValidationError('cursor', 'is not a cursor returned by this provider', { provider: 'memory', operation: options.operation });
}
