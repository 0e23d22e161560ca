/**
 * Where the self-hosted content lives: `VeltContentStore`, one collection per velt-py collection
 * (`comment_annotations`, `reaction_annotations`, `attachments`, `users`, plus `notifications`).
 * Every method is scoped to an organization: records of another organization are never read,
 * overwritten or deleted, even with the same id.
 */
import type { VeltPartialComment, VeltPartialCommentAnnotation, VeltPartialNotification, VeltPartialReactionAnnotation, VeltUserProfile } from './types.js';

/** The record key under which the Velt adapter notes writes Velt has not confirmed (`content.ts` `PENDING_KEY`). */
const PENDING = 'unicollabPending';

/** Filters of an annotation read; all given ones apply (AND). */
export interface VeltAnnotationQuery {
  /** Only these annotation ids. */
  annotationIds?: readonly string[];
  /** Only annotations of these documents (`metadata.documentId`). */
  documentIds?: readonly string[];
  /** Only annotations of this folder (`metadata.folderId`). */
  folderId?: string;
}

/**
 * Comment or reaction annotations of one organization. `upsert` merges each record's top-level keys
 * over the stored one (velt-py's `$set`): a key that is absent keeps its stored value, an explicit
 * `null` is stored as `null`, and a given `comments` map replaces the stored one.
 */
export interface VeltAnnotationCollection<T extends { annotationId: string }> {
  get(organizationId: string, query: VeltAnnotationQuery): Promise<Record<string, T>>;
  upsert(organizationId: string, records: readonly T[]): Promise<void>;
  /** Resolves `true` when a record was deleted, `false` when there was none. */
  delete(organizationId: string, annotationId: string): Promise<boolean>;
}

/** An attachment saved through `attachments/save`: its metadata and where its bytes are. */
export interface VeltAttachmentRecord {
  attachmentId: number;
  name?: string;
  mimeType?: string;
  size: number;
  /** The URL returned to Velt (the browser loads the file from it). */
  url: string;
  /** The blob store key of the bytes (generated, never taken from the request). */
  blobKey: string;
  metadata: Record<string, unknown>;
}

/** Attachments of one organization, keyed by `attachmentId`. */
export interface VeltAttachmentCollection {
  get(organizationId: string, attachmentId: number): Promise<VeltAttachmentRecord | undefined>;
  /** Stores the record and resolves the one it replaced, if any (so its blob can be removed). */
  upsert(organizationId: string, record: VeltAttachmentRecord): Promise<VeltAttachmentRecord | undefined>;
  /** Deletes the record and resolves it, or `undefined` when there was none. */
  delete(organizationId: string, attachmentId: number): Promise<VeltAttachmentRecord | undefined>;
}

/** Records of one organization keyed by a string id (users by `userId`, notifications by `notificationId`). */
export interface VeltKeyedCollection<T> {
  get(organizationId: string, ids: readonly string[]): Promise<Record<string, T>>;
  /** Replaces each record (the app owns these: Velt's front end never saves users or notifications). */
  upsert(organizationId: string, records: readonly T[]): Promise<void>;
  delete(organizationId: string, id: string): Promise<boolean>;
}

/** One message's content to write with `VeltCommentCollection.putComment`. */
export interface VeltCommentPut {
  /** The message's content: replaces what is stored under `comments[commentId]` (not merged). */
  content: VeltPartialComment;
  /** Merged over the record's `metadata` (top-level keys; e.g. `organizationId`, `documentId`). */
  metadata?: Record<string, unknown>;
  /** The thread's author: set only when the record has no `from` key yet. */
  from?: { userId: string };
  /**
   * The note under `unicollabPending[commentId]`: a value sets it, `null` removes it, absent leaves it
   * as it is.
   */
  pending?: unknown;
}

/**
 * The comment annotations collection, with atomic per-message writes. `upsert` replaces a record's whole
 * `comments` map, so a writer that reads a record, changes one message and upserts it back can erase a
 * message another writer added in between. The per-message operations change only their own message and
 * keep every other key and message as it is at the moment of the write (one atomic step: a synchronous
 * map update in memory, one SQL statement in PostgreSQL), so concurrent writers to the same thread never
 * lose each other's messages.
 *
 * They are optional so that existing custom stores keep working: without them the Velt adapter falls back
 * to read-modify-write through `get` + `upsert`, which is NOT safe under concurrent writes to one thread.
 */
export interface VeltCommentCollection extends VeltAnnotationCollection<VeltPartialCommentAnnotation> {
  /**
   * Writes one message's content (`comments[commentId] = put.content`), creating the record when there is
   * none (`annotationId`, `metadata`, `comments`), and optionally its pending note and the thread's author.
   * Other messages, pending notes and keys are kept.
   */
  putComment?(organizationId: string, annotationId: string, commentId: string, put: VeltCommentPut): Promise<void>;
  /**
   * Removes one message's content and its pending note (other messages are kept; the record stays, even
   * empty, unless `dropEmptyRecord`). Resolves `true` when there was either to remove.
   *
   * `dropEmptyRecord`: when the record holds nothing but this message (no other message, no other pending
   * note, no keys beyond `annotationId`, `metadata`, `from`), the whole record is deleted instead (undoing
   * the first write of a thread that did not exist); a record another writer added a message to is kept.
   */
  deleteComment?(organizationId: string, annotationId: string, commentId: string, options?: { dropEmptyRecord?: boolean }): Promise<boolean>;
  /** Removes the pending notes of these messages, leaving their content and everything else as it is. */
  clearPending?(organizationId: string, annotationId: string, commentIds: readonly string[]): Promise<void>;
}

/** The content store of a data-provider handler (and, later, of the Velt adapter's self-hosted mode). */
export interface VeltContentStore {
  readonly comments: VeltCommentCollection;
  readonly reactions: VeltAnnotationCollection<VeltPartialReactionAnnotation>;
  readonly attachments: VeltAttachmentCollection;
  readonly users: VeltKeyedCollection<VeltUserProfile>;
  readonly notifications: VeltKeyedCollection<VeltPartialNotification>;
  /** Releases connections the store opened itself. */
  close?(): Promise<void>;
}

/** The metadata field of an annotation record, as a string, if it is one. */
export function metadataString(record: object, key: string): string | undefined {
  const metadata = (record as { metadata?: unknown }).metadata;
  if (metadata === null || typeof metadata !== 'object') return undefined;
  const value = (metadata as Record<string, unknown>)[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function matches(record: { annotationId: string; metadata?: unknown }, query: VeltAnnotationQuery): boolean {
  if (query.annotationIds && !query.annotationIds.includes(record.annotationId)) return false;
  if (query.documentIds) {
    const documentId = metadataString(record, 'documentId');
    if (documentId === undefined || !query.documentIds.includes(documentId)) return false;
  }
  if (query.folderId !== undefined && metadataString(record, 'folderId') !== query.folderId) return false;
  return true;
}

const keyOf = (organizationId: string, id: string | number): string => `${organizationId}\u0000${id}`;

function memoryAnnotations<T extends { annotationId: string }>(records = new Map<string, { organizationId: string; record: T }>()): VeltAnnotationCollection<T> {
  return {
    async get(organizationId, query) {
      const out: Record<string, T> = {};
      for (const entry of records.values()) {
        if (entry.organizationId === organizationId && matches(entry.record, query)) out[entry.record.annotationId] = structuredClone(entry.record);
      }
      return out;
    },
    async upsert(organizationId, list) {
      for (const record of list) {
        const key = keyOf(organizationId, record.annotationId);
        const previous = records.get(key)?.record;
        records.set(key, { organizationId, record: structuredClone({ ...previous, ...record }) });
      }
    },
    async delete(organizationId, annotationId) {
      return records.delete(keyOf(organizationId, annotationId));
    },
  };
}

const objectOr = (value: unknown): Record<string, unknown> => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

/** The top-level keys a record written by `putComment` alone has (see `deleteComment`'s `dropEmptyRecord`). */
export const COMMENT_RECORD_BASE_KEYS: readonly string[] = Object.freeze(['annotationId', 'metadata', 'from', 'comments', PENDING]);

function onlyThisMessage(record: VeltPartialCommentAnnotation, commentId: string): boolean {
  if (Object.keys(record).some((k) => !COMMENT_RECORD_BASE_KEYS.includes(k))) return false;
  const others = (value: unknown) => Object.keys(objectOr(value)).filter((id) => id !== commentId).length;
  return others(record.comments) === 0 && others(record[PENDING]) === 0;
}

/** The memory comment collection: `memoryAnnotations` plus per-message writes (synchronous, so atomic). */
function memoryComments(): VeltCommentCollection {
  const records = new Map<string, { organizationId: string; record: VeltPartialCommentAnnotation }>();
  const base = memoryAnnotations<VeltPartialCommentAnnotation>(records);
  return {
    ...base,
    async putComment(organizationId, annotationId, commentId, put) {
      const key = keyOf(organizationId, annotationId);
      const record: VeltPartialCommentAnnotation = records.get(key)?.record ?? { annotationId, comments: {} };
      const next = { ...record } as Record<string, unknown>;
      if (put.metadata) next.metadata = { ...objectOr(record.metadata), ...structuredClone(put.metadata) };
      else if (!('metadata' in next)) next.metadata = {};
      next.annotationId = annotationId;
      next.comments = { ...objectOr(record.comments), [commentId]: structuredClone(put.content) };
      if (put.from && !('from' in record)) next.from = { userId: put.from.userId };
      if (put.pending !== undefined) {
        const { [commentId]: _old, ...rest } = objectOr(record[PENDING]);
        next[PENDING] = put.pending === null ? rest : { ...rest, [commentId]: structuredClone(put.pending) };
      }
      records.set(key, { organizationId, record: next as VeltPartialCommentAnnotation });
    },
    async deleteComment(organizationId, annotationId, commentId, options) {
      const key = keyOf(organizationId, annotationId);
      const entry = records.get(key);
      if (!entry) return false;
      const comments = objectOr(entry.record.comments);
      const pending = objectOr(entry.record[PENDING]);
      if (!(commentId in comments) && !(commentId in pending)) return false;
      if (options?.dropEmptyRecord && onlyThisMessage(entry.record, commentId)) return records.delete(key);
      const { [commentId]: _c, ...keptComments } = comments;
      const next = { ...entry.record, comments: keptComments } as Record<string, unknown>;
      if (PENDING in entry.record) {
        const { [commentId]: _p, ...keptPending } = pending;
        next[PENDING] = keptPending;
      }
      entry.record = next as VeltPartialCommentAnnotation;
      return true;
    },
    async clearPending(organizationId, annotationId, commentIds) {
      const entry = records.get(keyOf(organizationId, annotationId));
      if (!entry || !(PENDING in entry.record)) return;
      const pending = { ...objectOr(entry.record[PENDING]) };
      for (const id of commentIds) delete pending[id];
      entry.record = { ...entry.record, [PENDING]: pending };
    },
  };
}

function memoryKeyed<T>(idOf: (record: T) => string): VeltKeyedCollection<T> {
  const records = new Map<string, T>();
  return {
    async get(organizationId, ids) {
      const out: Record<string, T> = {};
      for (const id of ids) {
        const record = records.get(keyOf(organizationId, id));
        if (record !== undefined) out[id] = structuredClone(record);
      }
      return out;
    },
    async upsert(organizationId, list) {
      for (const record of list) records.set(keyOf(organizationId, idOf(record)), structuredClone(record));
    },
    async delete(organizationId, id) {
      return records.delete(keyOf(organizationId, id));
    },
  };
}

/**
 * An in-memory `VeltContentStore` (the handler's default): for tests, demos and single-process
 * development. Content is lost when the process exits; use `createPostgresVeltContentStore` in production.
 */
export function createMemoryVeltContentStore(): VeltContentStore {
  const attachments = new Map<string, VeltAttachmentRecord>();
  return {
    comments: memoryComments(),
    reactions: memoryAnnotations<VeltPartialReactionAnnotation>(),
    attachments: {
      async get(organizationId, attachmentId) {
        const record = attachments.get(keyOf(organizationId, attachmentId));
        return record && structuredClone(record);
      },
      async upsert(organizationId, record) {
        const key = keyOf(organizationId, record.attachmentId);
        const previous = attachments.get(key);
        attachments.set(key, structuredClone(record));
        return previous;
      },
      async delete(organizationId, attachmentId) {
        const key = keyOf(organizationId, attachmentId);
        const previous = attachments.get(key);
        attachments.delete(key);
        return previous;
      },
    },
    users: memoryKeyed<VeltUserProfile>((user) => user.userId),
    notifications: memoryKeyed<VeltPartialNotification>((notification) => notification.notificationId),
    async close() {},
  };
}
