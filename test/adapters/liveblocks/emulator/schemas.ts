/**
 * zod schemas of the request bodies the emulator accepts. Limits cite the reference
 * (vendors/liveblocks.md §2.2, the REST seed and the Python SDK README); see README.md for each.
 *
 * Every object with documented fields is strict (`z.strictObject`, nested objects included): an unknown
 * or misspelt key is a 422 UNPROCESSABLE_ENTITY (see `validate` in http.ts), so an adapter that sends
 * `metdata` or `bolld` is caught instead of silently losing the field. Maps whose keys are the caller's
 * (metadata, usersAccesses/groupsAccesses, activityData, additionalHeaders) are records: their keys are
 * free by definition, their values are still checked. Free-form JSON payloads are left open on purpose:
 * presence `data`/`userInfo` (any JSON object, [NODE] JSDoc) and the broadcast event (any JSON).
 */
import { z } from 'zod';

/** [CORE] d.ts `Permission` (vendors/liveblocks.md §3.1). */
export const PERMISSIONS = [
  '*:read',
  '*:write',
  'room:write',
  'room:read',
  'room:presence:write',
  'storage:read',
  'storage:write',
  'storage:none',
  'comments:write',
  'comments:read',
  'comments:none',
  'comments:public:write',
  'comments:public:read',
  'comments:public:none',
  'comments:private:write',
  'comments:private:read',
  'comments:private:none',
  'feeds:read',
  'feeds:write',
  'feeds:none',
] as const;

const permission = z.enum(PERMISSIONS);
const permissions = z.array(permission);

// Room ids and user ids: at most 128 characters (§2.2 [DOC-LIM]).
export const roomId = z.string().min(1).max(128);
export const userId = z.string().min(1).max(128);

// Room metadata: <= 50 entries, key <= 40 chars, value (string or string[]) <= 256 chars (REST seed, "Create room").
const roomMetaValue = z.union([z.string().max(256), z.array(z.string().max(256))]);
const roomMetadata = z
  .record(z.string().min(1).max(40), roomMetaValue)
  .refine((m) => Object.keys(m).length <= 50, { message: 'metadata supports at most 50 entries' });
const roomMetadataPatch = z
  .record(z.string().min(1).max(40), roomMetaValue.nullable())
  .refine((m) => Object.keys(m).length <= 50, { message: 'metadata supports at most 50 entries' });

// usersAccesses / groupsAccesses: <= 1000 ids, id <= 256 chars (Python SDK README create_room/update_room).
const accesses = z
  .record(z.string().min(1).max(256), permissions)
  .refine((m) => Object.keys(m).length <= 1000, { message: 'at most 1000 entries' });
const accessesPatch = z
  .record(z.string().min(1).max(256), permissions.nullable())
  .refine((m) => Object.keys(m).length <= 1000, { message: 'at most 1000 entries' });

export const createRoomBody = z.strictObject({
  id: roomId,
  // Required by the real API (REST seed "id and defaultAccesses are required").
  defaultAccesses: permissions,
  organizationId: z.string().min(1).optional(),
  metadata: roomMetadata.optional(),
  usersAccesses: accesses.optional(),
  groupsAccesses: accesses.optional(),
});

export const updateRoomBody = z.strictObject({
  defaultAccesses: permissions.nullable().optional(),
  metadata: roomMetadataPatch.nullable().optional(),
  usersAccesses: accessesPatch.nullable().optional(),
  groupsAccesses: accessesPatch.nullable().optional(),
});

export const upsertRoomBody = z.strictObject({
  update: updateRoomBody,
  create: createRoomBody.omit({ id: true }).optional(),
});

// Comment body (§3.5). Mentions without `kind` are accepted (older payloads, §3.5 "be lenient").
// Inline nodes are dispatched on `type` (a text run has none) and then on `kind`, so that a bad node
// reports the problem of its own kind (e.g. `Unexpected extra keys: 'bolld'`) rather than "no union member".
const textRun = z.strictObject({
  type: z.undefined().optional(),
  text: z.string(),
  bold: z.boolean().optional(),
  italic: z.boolean().optional(),
  strikethrough: z.boolean().optional(),
  code: z.boolean().optional(),
});
const userMention = z.strictObject({
  type: z.literal('mention'),
  kind: z.literal('user').optional(),
  id: z.string().min(1),
});
const groupMention = z.strictObject({
  type: z.literal('mention'),
  kind: z.literal('group'),
  id: z.string().min(1),
  userIds: z.array(z.string()).optional(),
});
const mention = z.discriminatedUnion('kind', [userMention, groupMention]);
const link = z.strictObject({ type: z.literal('link'), url: z.string().min(1), text: z.string().optional() });
const inline = z.discriminatedUnion('type', [textRun, mention, link]);
const paragraph = z.strictObject({ type: z.literal('paragraph'), children: z.array(inline) });
export const commentBody = z.strictObject({
  version: z.literal(1),
  content: z.array(paragraph).min(1),
});

// Thread/comment metadata: string | number | boolean; <= 50 entries, key <= 40, string <= 4000 (Python SDK README).
const metaValue = z.union([z.string().max(4000), z.number(), z.boolean()]);
const metadata = z
  .record(z.string().min(1).max(40), metaValue)
  .refine((m) => Object.keys(m).length <= 50, { message: 'metadata supports at most 50 entries' });
const metadataPatch = z
  .record(z.string().min(1).max(40), metaValue.nullable())
  .refine((m) => Object.keys(m).length <= 50, { message: 'metadata supports at most 50 entries' });

const isoDate = z.string().min(1);

export const createCommentFields = z.strictObject({
  // Client-chosen ids: inferred from the documented 409 "Comment already exists" (guess).
  id: z.string().min(1).max(128).optional(),
  userId,
  body: commentBody,
  createdAt: isoDate.optional(),
  metadata: metadata.optional(),
  attachmentIds: z.array(z.string()).optional(),
});

export const createThreadBody = z.strictObject({
  // Client-chosen ids: inferred from the documented 409 "Thread already exists" (guess).
  id: z.string().min(1).max(128).optional(),
  comment: createCommentFields.omit({ id: true }),
  metadata: metadata.optional(),
  visibility: z.enum(['public', 'private']).optional(),
});

export const editCommentBody = z.strictObject({
  body: commentBody,
  editedAt: isoDate.optional(),
  metadata: metadataPatch.optional(),
  attachmentIds: z.array(z.string()).optional(),
});

export const editMetadataBody = z.strictObject({
  metadata: metadataPatch,
  userId,
  updatedAt: isoDate.optional(),
});

export const userIdBody = z.strictObject({ userId });

export const addReactionBody = z.strictObject({
  userId,
  emoji: z.string().min(1).max(64),
  createdAt: isoDate.optional(),
});

export const removeReactionBody = z.strictObject({
  userId,
  emoji: z.string().min(1).max(64),
  removedAt: isoDate.optional(),
});

// Custom notifications (§3.6): kind must start with "$"; activity data values are string | number | boolean.
export const triggerBody = z.strictObject({
  userId,
  kind: z.string().regex(/^\$.+/, { message: 'kind must start with "$"' }),
  subjectId: z.string().min(1),
  activityData: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  roomId: roomId.optional(),
  organizationId: z.string().min(1).optional(),
});

// setPresence ([NODE] JSDoc, §4.2): userId, data (JSON object), userInfo?, ttl 2-3599 s (default 60).
export const setPresenceBody = z.strictObject({
  userId,
  data: z.record(z.string(), z.unknown()),
  userInfo: z
    .record(z.string(), z.unknown())
    .refine((v) => JSON.stringify(v).length <= 1024, { message: 'userInfo must be at most 1024 characters as JSON' })
    .optional(),
  ttl: z.number().int().min(2).max(3599).optional(),
});

/** [Python SDK] `ManagementWebhookEvent`. */
export const WEBHOOK_EVENTS = [
  'commentCreated',
  'commentDeleted',
  'commentEdited',
  'commentMetadataUpdated',
  'commentReactionAdded',
  'commentReactionRemoved',
  'notification',
  'roomCreated',
  'roomDeleted',
  'storageUpdated',
  'threadCreated',
  'threadDeleted',
  'threadMarkedAsResolved',
  'threadMarkedAsUnresolved',
  'threadMetadataUpdated',
  'userEntered',
  'userLeft',
  'ydocUpdated',
] as const;

const webhookUrl = z.string().refine(
  (u) => {
    try {
      const url = new URL(u);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  },
  { message: 'must be an http(s) URL' },
);

export const createWebhookBody = z.strictObject({
  url: webhookUrl,
  subscribedEvents: z.array(z.enum(WEBHOOK_EVENTS)).min(1),
  rateLimit: z.number().int().min(1).optional(),
  additionalHeaders: z.record(z.string(), z.string()).optional(),
  storageUpdatedThrottleSeconds: z.number().int().min(0).optional(),
  yDocUpdatedThrottleSeconds: z.number().int().min(0).optional(),
});

export const updateWebhookBody = z.strictObject({
  url: webhookUrl.optional(),
  subscribedEvents: z.array(z.enum(WEBHOOK_EVENTS)).min(1).optional(),
  rateLimit: z.number().int().min(1).optional(),
  storageUpdatedThrottleSeconds: z.number().int().min(0).optional(),
  yDocUpdatedThrottleSeconds: z.number().int().min(0).optional(),
  disabled: z.boolean().optional(),
});
