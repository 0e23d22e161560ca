/**
 * Where the self-hosted content lives: `VeltContentStore`, one collection per velt-py collection
 * (`comment_annotations`, `reaction_annotations`, `attachments`, `users`, plus `notifications`).
 * Every method is scoped to an organization: records of another organization are never read,
 * overwritten or deleted, even with the same id.
 */
import type { VeltPartialCommentAnnotation, VeltPartialNotification, VeltPartialReactionAnnotation, VeltUserProfile } from './types.js';

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

/** The content store of a data-provider handler (and, later, of the Velt adapter's self-hosted mode). */
export interface VeltContentStore {
  readonly comments: VeltAnnotationCollection<VeltPartialCommentAnnotation>;
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

function memoryAnnotations<T extends { annotationId: string }>(): VeltAnnotationCollection<T> {
  const records = new Map<string, { organizationId: string; record: T }>();
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
    comments: memoryAnnotations<VeltPartialCommentAnnotation>(),
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
