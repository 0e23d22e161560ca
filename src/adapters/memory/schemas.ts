import { z } from 'zod';
import { CommentBodySchema } from '../../core/model/body.js';
import { MetadataSchema } from '../../core/model/common.js';
import { CollabEventTypeSchema } from '../../core/model/event.js';
import { RoomAccessSchema } from '../../core/model/room.js';

const DateSchema = z.coerce.date();

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
/** A stored room. */
export const StoredRoomSchema = z.object({
  id: z.string(),
  seq: z.number(),
  name: z.string().optional(),
  metadata: MetadataSchema,
  access: RoomAccessSchema.optional(),
  createdAt: DateSchema,
  threads: z.array(StoredThreadSchema),
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
/** A stored webhook subscription (with its signing secret). */
export const StoredSubscriptionSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(CollabEventTypeSchema),
  secret: z.string(),
  description: z.string().optional(),
  createdAt: DateSchema,
});
/** The state of one tenant. */
export const StoredTenantSchema = z.object({
  rooms: z.array(StoredRoomSchema),
  users: z.array(StoredUserSchema),
  notifications: z.array(StoredNotificationSchema),
});
/** The persisted file (`persistPath`). `version` guards the format. */
export const PersistedStateSchema = z.object({
  format: z.literal('unicollab-memory'),
  version: z.literal(1),
  seq: z.number(),
  tenants: z.record(z.string(), StoredTenantSchema),
  subscriptions: z.array(StoredSubscriptionSchema),
});

/** A reaction as stored. */
export type StoredReaction = z.infer<typeof StoredReactionSchema>;
/** A comment as stored. */
export type StoredComment = z.infer<typeof StoredCommentSchema>;
/** A thread as stored, with its comments in order. */
export type StoredThread = Omit<z.infer<typeof StoredThreadSchema>, 'comments'> & { comments: StoredComment[] };
/** A room as stored, with its threads by id. */
export type StoredRoom = Omit<z.infer<typeof StoredRoomSchema>, 'threads'> & { threads: Map<string, StoredThread> };
/** A user as stored. */
export type StoredUser = z.infer<typeof StoredUserSchema>;
/** An inbox notification as stored. */
export type StoredNotification = z.infer<typeof StoredNotificationSchema>;
/** A webhook subscription as stored (with its secret). */
export type StoredSubscription = z.infer<typeof StoredSubscriptionSchema>;
/** The JSON document written to `persistPath`. */
export type PersistedState = z.infer<typeof PersistedStateSchema>;
