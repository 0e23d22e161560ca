/**
 * `exportData`: a provider's data as a stream of `unicollab-export/1` lines, walking the `iterate()`
 * and paged `list()` APIs one page at a time, so memory stays flat whatever the size of the dataset.
 * @module
 */
import type { Collab } from '../core/container.js';
import { AbortedError, CollabError } from '../core/errors.js';
import type { Room } from '../core/model/room.js';
import type { Thread } from '../core/model/thread.js';
import type { Notification } from '../core/model/notification.js';
import type { User } from '../core/model/user.js';
import { emptyCounts, isoDate, LineHasher, type RecordCounts, serializeLine } from './format.js';
import {
  type CommentRecord,
  type DocumentRecord,
  EXPORT_FORMAT,
  type ExportLine,
  type ExportRecord,
  type HeaderLine,
  type NotificationRecord,
  type RecordKind,
  type RoomRecord,
  type SharedTypeRecord,
  type ThreadRecord,
  type UserRecord,
} from './schemas.js';

/** A progress event of an export, an import or a migration. */
export interface PortabilityProgress {
  /** `scan`: the first pass of an import (validation, loss check, counting); `export`, `import`: the data pass. */
  phase: 'scan' | 'export' | 'import';
  /** The kind of record just handled. */
  kind: RecordKind;
  /** Records of that kind handled so far in this phase. */
  done: number;
  /** Records of that kind in the whole source, when known (after a scan). */
  total?: number;
}

/** Options of `exportData`. */
export interface ExportOptions {
  /** Only these rooms (by id), their threads, documents, and the notifications about them. Default: every room. */
  rooms?: readonly string[];
  /** Only threads active (updated, or with a comment) and notifications sent at or after this date. Rooms, users and documents are always exported. */
  since?: Date | string;
  /** Stops the export (the iterator throws `AbortedError`). */
  signal?: AbortSignal;
  /** Called after each record. */
  onProgress?: (event: PortabilityProgress) => void;
  /** Page size of the listings (default 100). */
  pageSize?: number;
  /**
   * Users whose notifications to export, for a source that lists notifications per user but cannot list
   * its users (Liveblocks has no user store): without it such a source exports no notifications. Where
   * the source can read a user (`users.get`), their user records are exported too. Ignored when the
   * source lists its users.
   */
  users?: readonly string[];
}

const OPERATION = 'portability.export';

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw AbortedError.from(signal, { operation: OPERATION });
}

/** A room as a record. */
export function roomRecord(room: Room): RoomRecord {
  return {
    kind: 'room',
    id: room.id,
    ...(room.name !== undefined ? { name: room.name } : {}),
    metadata: { ...room.metadata },
    ...(room.access !== undefined ? { access: room.access } : {}),
    ...(room.archived !== undefined ? { archived: room.archived } : {}),
    ...(room.createdAt !== undefined ? { createdAt: isoDate(room.createdAt) } : {}),
  };
}

/** A user as a record. */
export function userRecord(user: User): UserRecord {
  return {
    kind: 'user',
    id: user.id,
    ...(user.name !== undefined ? { name: user.name } : {}),
    ...(user.email !== undefined ? { email: user.email } : {}),
    ...(user.avatarUrl !== undefined ? { avatarUrl: user.avatarUrl } : {}),
    metadata: { ...user.metadata },
  };
}

/** A thread as a record, without its deleted comments; `undefined` when every comment is deleted. */
export function threadRecord(thread: Thread): ThreadRecord | undefined {
  const comments: CommentRecord[] = thread.comments
    .filter((c) => c.deletedAt === undefined)
    .map((c) => ({
      id: c.id,
      authorId: c.authorId,
      body: c.body,
      createdAt: isoDate(c.createdAt),
      ...(c.editedAt !== undefined ? { editedAt: isoDate(c.editedAt) } : {}),
      metadata: { ...c.metadata },
      reactions: c.reactions
        .filter((r) => r.userIds.length > 0)
        .map((r) => ({ emoji: r.emoji, userIds: [...r.userIds], ...(r.createdAt !== undefined ? { createdAt: isoDate(r.createdAt) } : {}) })),
    }));
  if (comments.length === 0) return undefined;
  return {
    kind: 'thread',
    id: thread.id,
    roomId: thread.roomId,
    resolved: thread.resolved,
    metadata: { ...thread.metadata },
    createdAt: isoDate(thread.createdAt),
    ...(thread.updatedAt !== undefined ? { updatedAt: isoDate(thread.updatedAt) } : {}),
    comments: comments as [CommentRecord, ...CommentRecord[]],
  };
}

/** A notification as a record. */
export function notificationRecord(n: Notification): NotificationRecord {
  return {
    kind: 'notification',
    id: n.id,
    userId: n.userId,
    notificationKind: n.kind,
    ...(n.customKind !== undefined ? { customKind: n.customKind } : {}),
    ...(n.roomId !== undefined ? { roomId: n.roomId } : {}),
    ...(n.threadId !== undefined ? { threadId: n.threadId } : {}),
    ...(n.subjectId !== undefined ? { subjectId: n.subjectId } : {}),
    notifiedAt: isoDate(n.notifiedAt),
    readAt: n.readAt === null ? null : isoDate(n.readAt),
    ...(n.data !== undefined ? { data: n.data } : {}),
  };
}

/** The latest activity of a thread: its `updatedAt`, or its newest comment. */
function lastActivity(thread: Thread): number {
  let latest = (thread.updatedAt ?? thread.createdAt).getTime();
  for (const c of thread.comments) latest = Math.max(latest, (c.editedAt ?? c.createdAt).getTime());
  return latest;
}

/** Runs `read`, answering `undefined` when the provider lacks the feature (a capability below `yes` may still refuse some calls). */
async function optional<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (CollabError.is(err) && (err.code === 'unsupported_feature' || err.code === 'not_found')) return undefined;
    throw err;
  }
}

/** The document record of a room (Yjs state, shared types, storage), or `undefined` when it holds nothing. */
async function documentRecord(collab: Collab, roomId: string, signal: AbortSignal | undefined): Promise<DocumentRecord | undefined> {
  const caps = collab.capabilities;
  const call = signal ? { signal } : {};
  const sharedTypes: SharedTypeRecord[] = [];
  if (caps['documents.list'] !== 'no' && caps['documents.get'] !== 'no') {
    const entries = (await optional(() => collab.documents.list(roomId, call))) ?? [];
    for (const entry of entries) {
      if (entry.type === undefined) continue;
      const content = await optional(() => collab.documents.get(roomId, { key: entry.key, type: entry.type! }, call));
      if (content) sharedTypes.push({ key: content.key, type: content.type, value: content.value });
    }
  }
  let yjsState: string | undefined;
  if (sharedTypes.length > 0 && caps['documents.updates'] !== 'no') {
    const update = await optional(() => collab.documents.getUpdate(roomId, call));
    if (update && update.byteLength > 0) yjsState = Buffer.from(update).toString('base64');
  }
  let storage: DocumentRecord['storage'];
  if (caps['storage.get'] !== 'no') {
    const doc = (await optional(() => collab.storage.get(roomId, { format: 'lson' }, call))) ?? (await optional(() => collab.storage.get(roomId, {}, call)));
    if (doc && !storageIsEmpty(doc.format, doc.data)) storage = { format: doc.format, data: doc.data };
  }
  if (sharedTypes.length === 0 && storage === undefined) return undefined;
  return { kind: 'document', roomId, ...(yjsState !== undefined ? { yjsState } : {}), sharedTypes, ...(storage ? { storage } : {}) };
}

function storageIsEmpty(format: 'json' | 'lson', data: Record<string, unknown>): boolean {
  if (format === 'lson' && data.lsonType === 'LiveObject') {
    const inner = data.data;
    return typeof inner !== 'object' || inner === null || Object.keys(inner).length === 0;
  }
  return Object.keys(data).length === 0;
}

/** Every page of a paged listing, one item at a time. */
async function* pages<T>(list: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>, signal: AbortSignal | undefined): AsyncGenerator<T> {
  let cursor: string | undefined;
  for (;;) {
    checkAbort(signal);
    const page = await list(cursor);
    yield* page.items;
    if (page.nextCursor === null || page.nextCursor === cursor) return;
    cursor = page.nextCursor;
  }
}

/**
 * Exports a provider's data as `unicollab-export/1` lines: the header, then users, then each room
 * followed by its document and its threads (each with its comments and their reactions), then every
 * user's notifications, then the trailer (counts and SHA-256). Pipe it into `writeNdjson` for a file.
 *
 * It walks the paged APIs one page at a time and never holds more than one room's current page of
 * threads. Users are listed twice (for their records, then for their notifications) rather than kept.
 * A source that cannot list its users exports notifications only for the `users` named.
 * Deleted comments are not exported; a thread whose comments are all deleted is skipped.
 *
 * @param collab - The source.
 * @param options - Room and date filters, a signal and a progress callback.
 */
export async function* exportData(collab: Collab, options: ExportOptions = {}): AsyncGenerator<ExportLine> {
  const { signal, onProgress } = options;
  const call = signal ? { signal } : {};
  const pageSize = options.pageSize ?? 100;
  const since = options.since === undefined ? undefined : new Date(options.since);
  const roomFilter = options.rooms ? new Set(options.rooms) : undefined;
  const caps = collab.capabilities;
  const hasher = new LineHasher();
  const counts: RecordCounts = emptyCounts();

  const header: HeaderLine = {
    format: EXPORT_FORMAT,
    kind: 'header',
    source: { provider: collab.provider, capabilities: { ...caps } },
    exportedAt: new Date().toISOString(),
    filters: { ...(options.rooms ? { rooms: [...options.rooms] } : {}), ...(since ? { since: since.toISOString() } : {}) },
  };
  hasher.add(serializeLine(header));
  yield header;

  const emit = (record: ExportRecord): ExportRecord => {
    hasher.add(serializeLine(record));
    counts[record.kind]++;
    onProgress?.({ phase: 'export', kind: record.kind, done: counts[record.kind] });
    return record;
  };

  const named = caps['users.list'] === 'no' && options.users ? [...new Set(options.users)] : undefined;
  const listUsers = async function* (): AsyncGenerator<{ id: string }> {
    if (named) for (const id of named) yield { id };
    else yield* pages((cursor) => collab.users.list({ limit: pageSize, ...(cursor ? { cursor } : {}) }, call), signal);
  };
  if (caps['users.list'] !== 'no') {
    for await (const user of pages((cursor) => collab.users.list({ limit: pageSize, ...(cursor ? { cursor } : {}) }, call), signal)) yield emit(userRecord(user));
  } else if (named && caps['users.get'] !== 'no') {
    for (const id of named) {
      checkAbort(signal);
      const user = await optional(() => collab.users.get(id, call));
      if (user) yield emit(userRecord(user));
    }
  }

  const rooms: AsyncIterable<Room> = roomFilter
    ? (async function* () {
        for (const id of roomFilter) {
          checkAbort(signal);
          yield await collab.rooms.get(id, call);
        }
      })()
    : collab.rooms.iterate({ pageSize }, call);
  for await (const room of rooms) {
    checkAbort(signal);
    yield emit(roomRecord(room));
    const doc = await documentRecord(collab, room.id, signal);
    if (doc) yield emit(doc);
    if (caps['threads.list'] === 'no') continue;
    for await (const thread of collab.threads.iterate(room.id, { limit: pageSize }, call)) {
      checkAbort(signal);
      if (since && lastActivity(thread) < since.getTime()) continue;
      const record = threadRecord(thread);
      if (record) yield emit(record);
    }
  }

  if ((caps['users.list'] !== 'no' || named) && caps['notifications.list'] !== 'no') {
    for await (const user of listUsers()) {
      for await (const n of pages((cursor) => collab.notifications.list(user.id, { limit: pageSize, ...(cursor ? { cursor } : {}) }, call), signal)) {
        if (since && n.notifiedAt.getTime() < since.getTime()) continue;
        if (roomFilter && (n.roomId === undefined || !roomFilter.has(n.roomId))) continue;
        yield emit(notificationRecord(n));
      }
    }
  }

  yield { kind: 'trailer', counts, sha256: hasher.digest() };
}

/** The NDJSON helpers, next to the export they serialise. */
export { readNdjson, readNdjsonFile, writeNdjson, writeNdjsonFile, type WriteNdjsonOptions } from './ndjson.js';
