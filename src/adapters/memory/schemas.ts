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
export const StoredUserSchema = z.lazy(() =>
  z.object({
    id: z.string(),
    seq: z.number(),
    name: z.string().optional(),
    email: z.string().optional(),
    avatarUrl: z.string().optional(),
    metadata: MetadataSchema,
  }),
);
/** A stored inbox notification. */
export const StoredNotificationSchema = z.lazy(() =>
  z.object({
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
  }),
);
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
/** A webhook delivery not yet made (or being retried), kept with the state so a restart resumes it. */
export const StoredDeliverySchema = z.lazy(() =>
  z.object({
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
  }),
);
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
