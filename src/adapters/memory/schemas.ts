import { z } from 'zod';
import { CommentBodySchema } from '../../core/model/body.js';
import { MetadataValueSchema, safeRecord } from '../../core/model/common.js';
import { CollabEventTypeSchema } from '../../core/model/event.js';
import { RoomAccessSchema } from '../../core/model/room.js';
import type { SeqMap } from './seq-map.js';

const DateSchema = z.coerce.date();

/**
 * Metadata as stored: input validation refuses `constructor`/`prototype` keys now, but a state file
 * written before that may hold them, and it must still open. Only `__proto__` stays refused.
 */
const MetadataSchema = safeRecord(MetadataValueSchema);

/** A stored reaction: one emoji with the users who chose it. */
export const StoredReactionSchema = z.object({ emoji: z.string(), userIds: z.array(z.string()), createdAt: DateSchema });
/** A stored comment. */
export const StoredCommentSchema = z.object({
  id: z.string(),
  threadId: z.string(),
  roomId: z.string(),
  authorId: z.string(),
  body: CommentBodySchema,
  createdAt: DateSchema,
  editedAt: DateSchema.optional(),
  reactions: z.array(StoredReactionSchema),
  metadata: MetadataSchema,
});
/** A stored thread. */
export const StoredThreadSchema = z.object({
  id: z.string(),
  roomId: z.string(),
  seq: z.number(),
  resolved: z.boolean(),
  resolvedBy: z.string().optional(),
  metadata: MetadataSchema,
  comments: z.array(StoredCommentSchema),
  createdAt: DateSchema,
  updatedAt: DateSchema,
});
/**
 * A room's collaborative content: its Yjs document as one update (base64) and its JSON storage as
 * an LSON root. A record of its own, so a room write never rewrites a large document.
 */
export const StoredRoomContentSchema = z.object({
  ydoc: z.string().optional(),
  storage: z.unknown().optional(),
  /** Saved versions of the Yjs document, oldest first. */
  versions: z.array(z.object({ id: z.string(), createdAt: DateSchema, ydoc: z.string() })).optional(),
});
/** A stored room. */
export const StoredRoomSchema = z.object({
  id: z.string(),
  seq: z.number(),
  name: z.string().optional(),
  metadata: MetadataSchema,
  access: RoomAccessSchema.optional(),
  archived: z.boolean().optional(),
  createdAt: DateSchema,
  threads: z.array(StoredThreadSchema),
  content: StoredRoomContentSchema.optional(),
});
/** A stored user. */
export const StoredUserSchema = z.object({
  id: z.string(),
  seq: z.number(),
  name: z.string().optional(),
  email: z.string().optional(),
  avatarUrl: z.string().optional(),
  metadata: MetadataSchema,
});
/** A stored inbox notification. */
export const StoredNotificationSchema = z.object({
  id: z.string(),
  seq: z.number(),
  userId: z.string(),
  kind: z.enum(['thread', 'mention', 'custom']),
  customKind: z.string().optional(),
  roomId: z.string().optional(),
  threadId: z.string().optional(),
  subjectId: z.string().optional(),
  notifiedAt: DateSchema,
  readAt: DateSchema.nullable(),
  data: z.record(z.string(), z.unknown()).optional(),
});
/** A stored webhook subscription (with its signing secret), owned by one tenant. */
export const StoredSubscriptionSchema = z.object({
  id: z.string(),
  /** The tenant whose events it receives and whose `verify` accepts its signatures. */
  tenantId: z.string(),
  url: z.string(),
  events: z.array(CollabEventTypeSchema),
  secret: z.string(),
  description: z.string().optional(),
  createdAt: DateSchema,
});
/** A version 1 subscription: it had no tenant (it received every tenant's events). */
const LegacySubscriptionSchema = StoredSubscriptionSchema.extend({ tenantId: z.string().optional() });
/** A webhook delivery not yet made (or being retried), kept with the state so a restart resumes it. */
export const StoredDeliverySchema = z.object({
  /** The `webhook-id` (`msg_...`), the same on every attempt. */
  id: z.string(),
  tenantId: z.string(),
  subscriptionId: z.string(),
  /** The JSON body (a `MemoryWebhookPayload`). */
  payload: z.record(z.string(), z.unknown()),
  /** Attempts made so far. */
  attempts: z.number().int().min(0),
  /** When the next attempt is due (epoch ms). */
  nextAttemptAt: z.number(),
  createdAt: DateSchema,
  /** Why the last attempt failed (`HTTP 500`, `network error: ECONNREFUSED`...). */
  lastError: z.string().optional(),
});
/** The state of one tenant. */
export const StoredTenantSchema = z.object({
  rooms: z.array(StoredRoomSchema),
  users: z.array(StoredUserSchema),
  notifications: z.array(StoredNotificationSchema),
});
/** The version 1 file: the whole state, rewritten on every save (still loaded). */
export const PersistedStateV1Schema = z.object({
  format: z.literal('unicollab-memory'),
  version: z.literal(1),
  seq: z.number(),
  tenants: z.record(z.string(), StoredTenantSchema),
  subscriptions: z.array(LegacySubscriptionSchema),
});
/**
 * The version 2 snapshot (`persistPath`): the state as of some moment, plus `journal`, the first
 * journal generation (`<persistPath>.journal-<n>`) whose records apply on top of it.
 */
export const PersistedStateSchema = z.object({
  format: z.literal('unicollab-memory'),
  version: z.literal(2),
  journal: z.number().int().min(0),
  seq: z.number(),
  tenants: z.record(z.string(), StoredTenantSchema),
  subscriptions: z.array(StoredSubscriptionSchema),
  deliveries: z.array(StoredDeliverySchema),
});
/** Either snapshot version, told apart by `version`. */
export const AnyPersistedStateSchema = z.discriminatedUnion('version', [PersistedStateV1Schema, PersistedStateSchema]);

/** A room record's value: the room without its threads (each thread is a record of its own). */
export const StoredRoomFieldsSchema = StoredRoomSchema.omit({ threads: true, content: true });

/**
 * One journal record: the whole new value of one entity (`v: null` deletes it), or the id sequence.
 * Whole-entity puts make replay idempotent, so records can be applied over a snapshot taken while
 * writes went on.
 */
export const JournalRecordSchema = z.discriminatedUnion('k', [
  z.object({ k: z.literal('seq'), v: z.number() }),
  z.object({ k: z.literal('room'), t: z.string(), id: z.string(), v: StoredRoomFieldsSchema.nullable() }),
  z.object({ k: z.literal('thread'), t: z.string(), r: z.string(), id: z.string(), v: StoredThreadSchema.nullable() }),
  z.object({ k: z.literal('content'), t: z.string(), r: z.string(), v: StoredRoomContentSchema.nullable() }),
  z.object({ k: z.literal('user'), t: z.string(), id: z.string(), v: StoredUserSchema.nullable() }),
  z.object({ k: z.literal('notification'), t: z.string(), u: z.string(), id: z.string(), v: StoredNotificationSchema.nullable() }),
  z.object({ k: z.literal('subscription'), id: z.string(), v: StoredSubscriptionSchema.nullable() }),
  z.object({ k: z.literal('delivery'), id: z.string(), v: StoredDeliverySchema.nullable() }),
]);
/** One journal line: the records of one commit, applied all or not at all. */
export const JournalBatchSchema = z.object({ r: z.array(JournalRecordSchema) });

/** A reaction as stored. */
export type StoredReaction = z.infer<typeof StoredReactionSchema>;
/** A comment as stored. */
export type StoredComment = z.infer<typeof StoredCommentSchema>;
/** A thread as stored, with its comments in order. */
export type StoredThread = Omit<z.infer<typeof StoredThreadSchema>, 'comments'> & { comments: StoredComment[] };
/** A room's collaborative content as stored. */
export type StoredRoomContent = z.infer<typeof StoredRoomContentSchema>;
/** A room as stored, with its threads by id (in `seq` order, for paging). */
export type StoredRoom = Omit<z.infer<typeof StoredRoomSchema>, 'threads'> & { threads: SeqMap<StoredThread> };
/** A user as stored. */
export type StoredUser = z.infer<typeof StoredUserSchema>;
/** An inbox notification as stored. */
export type StoredNotification = z.infer<typeof StoredNotificationSchema>;
/** A webhook subscription as stored (with its secret). */
export type StoredSubscription = z.infer<typeof StoredSubscriptionSchema>;
/** A pending webhook delivery as stored. */
export type StoredDelivery = z.infer<typeof StoredDeliverySchema>;
/** The JSON document written to `persistPath` (version 2). */
export type PersistedState = z.infer<typeof PersistedStateSchema>;
/** A snapshot of either version, as parsed. */
export type AnyPersistedState = z.infer<typeof AnyPersistedStateSchema>;
/** One journal record. */
export type JournalRecord = z.infer<typeof JournalRecordSchema>;
