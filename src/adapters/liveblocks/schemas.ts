/**
 * zod schemas of the Liveblocks REST v2 payloads the adapter reads (docs/vendors/liveblocks.md section 3).
 *
 * Entity objects are `looseObject`s: unknown keys survive into `raw`, and a field Liveblocks adds
 * later is never an error. Only what the mappers rely on is checked, so a mismatch
 * (`ProviderResponseError`) means real API drift rather than a harmless addition.
 *
 * Every schema is `z.lazy`: built on its first use, not when the adapter loads, so an app pays for the
 * schemas of the endpoints it calls (issue 12: cold import and first `createCollab()`). The HTTP
 * client's compiled check sees through `lazy`, so the hot path is unchanged.
 */
import { z } from 'zod';
import { isParsableDate } from '../../core/iso-date.js';

/** An ISO-8601 timestamp string; kept as text so `raw` stays the vendor payload. */
const IsoDate = z.lazy(() => z.string().refine(isParsableDate, 'must be an ISO-8601 date'));

/** A room metadata value: Liveblocks stores strings and string lists. */
const RoomMetadataValue = z.lazy(() => z.union([z.string(), z.array(z.string())]));

/** `Permission[]` ([CORE] d.ts): kept as strings so a new permission is not API drift. */
const Permissions = z.lazy(() => z.array(z.string()));

/** A room (`GET/POST /v2/rooms`, `/v2/rooms/{id}`). */
export const LbRoomSchema = z.lazy(() =>
  z.looseObject({
    type: z.literal('room').optional(),
    id: z.string(),
    createdAt: IsoDate.optional(),
    lastConnectionAt: IsoDate.optional(),
    organizationId: z.string().optional(),
    /** Deprecated alias of `organizationId` in older payloads. */
    tenantId: z.string().optional(),
    metadata: z.record(z.string(), RoomMetadataValue).default({}),
    defaultAccesses: Permissions.default([]),
    usersAccesses: z.record(z.string(), Permissions).default({}),
    groupsAccesses: z.record(z.string(), Permissions).default({}),
  }),
);
/** A room on the wire. */
export type LbRoom = z.output<typeof LbRoomSchema>;

/** One page of `GET /v2/rooms`. `nextPage` (older docs) is tolerated and ignored. */
export const LbRoomPageSchema = z.lazy(() =>
  z.looseObject({
    data: z.array(LbRoomSchema),
    nextCursor: z.string().nullable().optional(),
  }),
);
/** One page of rooms on the wire. */
export type LbRoomPage = z.output<typeof LbRoomPageSchema>;

/** `GET /v2/rooms/{id}/active-users`: `id` is null for anonymous connections. */
export const LbActiveUsersSchema = z.lazy(() =>
  z.looseObject({
    data: z.array(
      z.looseObject({
        type: z.string().optional(),
        connectionId: z.number(),
        id: z.string().nullable().optional(),
        info: z.record(z.string(), z.unknown()).nullable().optional(),
      }),
    ),
  }),
);
/** Active users on the wire. */
export type LbActiveUsers = z.output<typeof LbActiveUsersSchema>;

/**
 * A comment body. Inline nodes are not checked here: the mapper reads them leniently (mentions without
 * `kind`, group mentions, unknown node types), so a new node type is not a `ProviderResponseError`.
 */
export const LbCommentBodySchema = z.lazy(() =>
  z.looseObject({
    version: z.number(),
    content: z.array(z.looseObject({ type: z.string(), children: z.array(z.unknown()).default([]) })),
  }),
);
/** A comment body on the wire. */
export type LbCommentBody = z.output<typeof LbCommentBodySchema>;

/** Thread and comment metadata: string, number or boolean values. */
const LbThreadMetadataSchema = z.lazy(() => z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])));

/** A reaction on a comment, grouped per emoji. */
export const LbReactionSchema = z.lazy(() =>
  z.looseObject({
    emoji: z.string(),
    createdAt: IsoDate.optional(),
    users: z.array(z.looseObject({ id: z.string() })),
  }),
);

/** A comment. A deleted comment has `deletedAt` and no `body` (section 3.4). */
export const LbCommentSchema = z.lazy(() =>
  z.looseObject({
    type: z.literal('comment').optional(),
    id: z.string(),
    threadId: z.string(),
    roomId: z.string(),
    userId: z.string(),
    createdAt: IsoDate,
    editedAt: IsoDate.optional(),
    deletedAt: IsoDate.optional(),
    body: LbCommentBodySchema.optional(),
    metadata: LbThreadMetadataSchema.default({}),
    reactions: z.array(LbReactionSchema).default([]),
    attachments: z.array(z.unknown()).optional(),
  }),
);
/** A comment on the wire. */
export type LbComment = z.output<typeof LbCommentSchema>;

/** A thread with its comments (`resolved` and `updatedAt` are optional in the OAS). */
export const LbThreadSchema = z.lazy(() =>
  z.looseObject({
    type: z.literal('thread').optional(),
    id: z.string(),
    roomId: z.string(),
    createdAt: IsoDate,
    updatedAt: IsoDate.optional(),
    comments: z.array(LbCommentSchema),
    metadata: LbThreadMetadataSchema.default({}),
    resolved: z.boolean().default(false),
    visibility: z.string().optional(),
  }),
);
/** A thread on the wire. */
export type LbThread = z.output<typeof LbThreadSchema>;

/** `GET /v2/rooms/{id}/threads`: every thread at once (no pagination). */
export const LbThreadListSchema = z.lazy(() => z.looseObject({ data: z.array(LbThreadSchema) }));

/** The whole metadata object `POST .../threads/{id}/metadata` answers with. */
export const LbThreadMetadataResponseSchema = LbThreadMetadataSchema;

/** An inbox notification: `thread`, `textMention` or a custom `$kind` (section 3.6). */
export const LbNotificationSchema = z.lazy(() =>
  z.looseObject({
    id: z.string(),
    kind: z.string(),
    notifiedAt: IsoDate,
    readAt: IsoDate.nullable().optional(),
    roomId: z.string().nullable().optional(),
    threadId: z.string().optional(),
    subjectId: z.string().optional(),
    mentionId: z.string().optional(),
    createdBy: z.string().optional(),
    activities: z
      .array(z.looseObject({ id: z.string().optional(), createdAt: IsoDate.optional(), data: z.record(z.string(), z.unknown()).default({}) }))
      .optional(),
  }),
);
/** An inbox notification on the wire. */
export type LbNotification = z.output<typeof LbNotificationSchema>;

/** One page of `GET /v2/users/{id}/inbox-notifications`. */
export const LbNotificationPageSchema = z.lazy(() =>
  z.looseObject({
    data: z.array(LbNotificationSchema),
    nextCursor: z.string().nullable().optional(),
  }),
);

/** `POST /v2/authorize-user` and `/v2/identify-user`. */
export const LbTokenSchema = z.lazy(() => z.looseObject({ token: z.string().min(1) }));

/** A Management API webhook. `secret` is `{ value }` in the Python SDK models; a bare string is tolerated. */
export const LbManagementWebhookSchema = z.lazy(() =>
  z.looseObject({
    id: z.string(),
    url: z.string(),
    subscribedEvents: z.array(z.string()).default([]),
    createdAt: IsoDate.optional(),
    disabled: z.boolean().optional(),
    secret: z.union([z.string(), z.looseObject({ value: z.string() })]).optional(),
  }),
);
/** A Management API webhook on the wire. */
export type LbManagementWebhook = z.output<typeof LbManagementWebhookSchema>;

/** A single webhook answer: `{ webhook }` (as the emulator and Python models have it) or the bare object. */
export const LbManagementWebhookEnvelopeSchema = z.lazy(() =>
  z.union([
    z.looseObject({ webhook: LbManagementWebhookSchema }).transform((v) => v.webhook),
    LbManagementWebhookSchema,
  ]),
);

/** One page of `GET /v2/management/projects/{id}/webhooks` (the Management API pages with `cursor`). */
export const LbManagementWebhookPageSchema = z.lazy(() =>
  z.looseObject({
    data: z.array(LbManagementWebhookSchema),
    nextCursor: z.string().nullable().optional(),
  }),
);

/**
 * A Yjs history version (`GET /v2/rooms/{id}/versions`, section 3.7):
 * `{ type: "historyVersion", id, createdAt, authors: [{ id }], kind: "yjs" }`.
 */
export const LbHistoryVersionSchema = z.lazy(() =>
  z.looseObject({
    type: z.string().optional(),
    id: z.string().min(1),
    createdAt: IsoDate,
    authors: z.array(z.looseObject({ id: z.string() })).default([]),
    kind: z.string().optional(),
  }),
);
/** A history version on the wire. */
export type LbHistoryVersion = z.output<typeof LbHistoryVersionSchema>;

/** One page of `GET /v2/rooms/{id}/versions` (paged with `cursor`, not `startingAfter`). */
export const LbHistoryVersionPageSchema = z.lazy(() =>
  z.looseObject({
    data: z.array(LbHistoryVersionSchema),
    nextCursor: z.string().nullable().optional(),
  }),
);
/** One page of history versions on the wire. */
export type LbHistoryVersionPage = z.output<typeof LbHistoryVersionPageSchema>;

/** `POST /v2/rooms/{id}/versions` answers only the new version's id: `{ data: { id } }`. */
export const LbCreatedVersionSchema = z.lazy(() => z.looseObject({ data: z.looseObject({ id: z.string().min(1) }) }));

/**
 * A JSON object, passed through as parsed (not rebuilt key by key, so a `__proto__` key of vendor data
 * stays data).
 */
const JsonObject = z.lazy(() => z.custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), { message: 'must be a JSON object' }));

/**
 * A plain-LSON storage root (`GET /v2/rooms/{id}/storage?format=plain-lson`, `POST .../storage`):
 * `{ liveblocksType: "LiveObject", data }`, nested nodes `{ liveblocksType, data }`.
 */
export const LbPlainLsonRootSchema = z.lazy(() =>
  z.looseObject({
    liveblocksType: z.literal('LiveObject'),
    data: JsonObject,
  }),
);
/** A plain-LSON storage root on the wire. */
export type LbPlainLsonRoot = z.output<typeof LbPlainLsonRootSchema>;

/** The JSON form of a storage document (`GET /v2/rooms/{id}/storage?format=json`): an object. */
export const LbStorageJsonSchema = JsonObject;

/** A Liveblocks error body (section 2.1); the dev server's 422 uses `reason` instead of `message`. */
export const LbErrorBodySchema = z.lazy(() =>
  z.looseObject({
    error: z.string().optional(),
    message: z.string().optional(),
    suggestion: z.string().optional(),
    docs: z.string().optional(),
    reason: z.string().optional(),
  }),
);
/** A Liveblocks error body. */
export type LbErrorBody = z.output<typeof LbErrorBodySchema>;

/** Every webhook event type `@liveblocks/node` knows (section 1.5): 18 types. */
export const LB_WEBHOOK_EVENT_TYPES = [
  'storageUpdated',
  'userEntered',
  'userLeft',
  'roomCreated',
  'roomDeleted',
  'commentCreated',
  'commentEdited',
  'commentDeleted',
  'commentReactionAdded',
  'commentReactionRemoved',
  'commentMetadataUpdated',
  'threadMetadataUpdated',
  'threadCreated',
  'threadDeleted',
  'ydocUpdated',
  'notification',
  'threadMarkedAsResolved',
  'threadMarkedAsUnresolved',
] as const;
/** A Liveblocks webhook event type. */
export type LbWebhookEventType = (typeof LB_WEBHOOK_EVENT_TYPES)[number];

/** Request body of `POST /v2/rooms`. */
export interface LbCreateRoomBody {
  id: string;
  defaultAccesses: string[];
  usersAccesses?: Record<string, string[]>;
  groupsAccesses?: Record<string, string[]>;
  metadata?: Record<string, string | string[]>;
  organizationId?: string;
}

/** Request body of `POST /v2/rooms/{id}`: `null` deletes a key, a `null` map clears it. */
export interface LbUpdateRoomBody {
  defaultAccesses?: string[] | null;
  usersAccesses?: Record<string, string[] | null> | null;
  groupsAccesses?: Record<string, string[] | null> | null;
  metadata?: Record<string, string | string[] | null> | null;
}

/** An inline node of a comment body as sent to Liveblocks (text runs have no `type`). */
export type LbInline =
  | { text: string; bold?: boolean; italic?: boolean; strikethrough?: boolean; code?: boolean }
  | { type: 'mention'; kind: 'user'; id: string }
  | { type: 'link'; url: string; text?: string };

/** A comment body as sent to Liveblocks. */
export interface LbOutgoingBody {
  version: 1;
  content: Array<{ type: 'paragraph'; children: LbInline[] }>;
}

/** Request body of `POST /v2/rooms/{id}/threads`. */
export interface LbCreateThreadBody {
  id?: string;
  comment: { userId: string; body: LbOutgoingBody; metadata?: Record<string, string | number | boolean> };
  metadata?: Record<string, string | number | boolean>;
}

/** Request body of `POST /v2/inbox-notifications/trigger`. */
export interface LbTriggerBody {
  userId: string;
  kind: `$${string}`;
  subjectId: string;
  activityData: Record<string, string | number | boolean>;
  roomId?: string;
  organizationId?: string;
}

/** Request body of `POST /v2/rooms/{id}/presence`. */
export interface LbSetPresenceBody {
  userId: string;
  data: Record<string, unknown>;
  userInfo?: Record<string, unknown>;
  ttl?: number;
}

/** Request body of `POST /v2/authorize-user`. */
export interface LbAuthorizeBody {
  userId: string;
  permissions: Record<string, string[]>;
  userInfo?: Record<string, unknown>;
  organizationId?: string;
}

/** Request body of `POST /v2/identify-user`. */
export interface LbIdentifyBody {
  userId: string;
  groupIds?: string[];
  userInfo?: Record<string, unknown>;
  organizationId?: string;
}
