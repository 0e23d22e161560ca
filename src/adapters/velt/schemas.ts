/**
 * Zod schemas of the Velt REST API v2 payloads the adapter reads, and TypeScript shapes of what it sends
 * (`docs/vendors/velt.md`, cited as §N). Response schemas are loose on purpose: Velt adds fields
 * freely (server-expanded users, SDK-only fields), and only the fields the mappers read are checked, so
 * a new vendor field is never API drift while a missing or retyped one is.
 *
 * Schemas are `z.lazy` (built on first use, not when the adapter loads: cold start, issue 12), except
 * the user reference that another derives with `partial`; the HTTP client's compiled check sees
 * through `lazy`.
 */
import { z } from 'zod';

/** A Velt id may come as a number where a string is documented (and vice versa): both are accepted as strings. */
const IdLike = z.lazy(() => z.union([z.string(), z.number()]).transform(String));

/**
 * Velt comment ids are numbers (§7.1); a numeric string is tolerated (webhook payloads, GDPR exports).
 * Either must be a safe integer (`int()` refuses more than 2^53 - 1): a larger one has been rounded
 * to another comment's id, by `JSON.parse` or by `Number()`.
 */
export const VeltCommentIdSchema = z.lazy(() => z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int())]));

/** A user reference as Velt returns it inside annotations, notifications and user lists (§6, §7.1). */
export const VeltUserSchema = z.looseObject({
  userId: IdLike,
  name: z.string().nullish(),
  email: z.string().nullish(),
  photoUrl: z.string().nullish(),
});
/** A user reference as Velt returns it. */
export type VeltUser = z.infer<typeof VeltUserSchema>;

/** One entry of a per-item batch answer (`data: { "<id>": {...} }`, §1.2 (a)). */
export const VeltItemResultSchema = z.lazy(() =>
  z.looseObject({
    success: z.boolean(),
    id: IdLike.optional(),
    message: z.string().optional(),
    code: z.string().optional(),
    annotationId: z.string().optional(),
    commentIds: z.array(VeltCommentIdSchema).optional(),
  }),
);
/** One entry of a per-item batch answer. */
export type VeltItemResult = z.infer<typeof VeltItemResultSchema>;

/** A per-item batch answer keyed by the ids sent (§1.2 (a)). */
export const VeltItemMapSchema = z.lazy(() => z.record(z.string(), VeltItemResultSchema));
/** A per-item batch answer keyed by the ids sent. */
export type VeltItemMap = z.infer<typeof VeltItemMapSchema>;

/** A document as `/organizations/documents/get` returns it (§5.2): `id` is the caller's documentId; any other key is document metadata. */
export const VeltDocumentSchema = z.lazy(() =>
  z.looseObject({
    id: IdLike,
    documentName: z.string().nullish(),
    accessType: z.string().nullish(),
    disabled: z.boolean().nullish(),
  }),
);
/** A document as Velt returns it. */
export type VeltDocument = z.infer<typeof VeltDocumentSchema>;

/** A comment status (§7.1): resolution is `type === "terminal"`, never a particular id (§7.2). */
export const VeltStatusSchema = z.lazy(() =>
  z.looseObject({
    id: z.string(),
    name: z.string().optional(),
    type: z.string(),
  }),
);
/** A comment status. */
export type VeltStatus = z.infer<typeof VeltStatusSchema>;

/** A reaction annotation attached to a comment (§8). Read-only: no REST endpoint writes reactions. */
export const VeltReactionSchema = z.lazy(() =>
  z.looseObject({
    annotationId: z.string().optional(),
    icon: z.string().optional(),
    iconEmoji: z.string().optional(),
    lastUpdated: z.number().optional(),
    fromUsers: z.array(z.looseObject({ lastUpdated: z.number().optional(), from: VeltUserSchema })).optional(),
    reactions: z.array(z.looseObject({ lastUpdated: z.number().optional(), from: VeltUserSchema })).optional(),
    from: VeltUserSchema.optional(),
  }),
);
/** A reaction annotation attached to a comment. */
export type VeltReaction = z.infer<typeof VeltReactionSchema>;

/** A tagged (mentioned) user of a comment (§7.1). */
export const VeltTaggedContactSchema = z.lazy(() =>
  z.looseObject({
    userId: IdLike,
    text: z.string().nullish(),
    contact: VeltUserSchema.partial().nullish(),
  }),
);

/** A comment (message) inside an annotation (§7.1). `lastUpdated` is an ISO string, `createdAt` epoch ms. */
export const VeltCommentSchema = z.lazy(() =>
  z.looseObject({
    commentId: VeltCommentIdSchema,
    commentText: z.string().nullish(),
    commentHtml: z.string().nullish(),
    from: VeltUserSchema,
    status: z.string().nullish(),
    taggedUserContacts: z.array(VeltTaggedContactSchema).nullish(),
    createdAt: z.number().nullish(),
    lastUpdated: z.union([z.string(), z.number()]).nullish(),
    isEdited: z.boolean().nullish(),
    editedAt: z.union([z.string(), z.number()]).nullish(),
    context: z.record(z.string(), z.unknown()).nullish(),
    reactionAnnotations: z.array(VeltReactionSchema).nullish(),
  }),
);
/** A comment inside an annotation. */
export type VeltComment = z.infer<typeof VeltCommentSchema>;

/** A comment annotation (thread) as `/commentannotations/get` returns it (§7.1, §7.4). */
export const VeltAnnotationSchema = z.lazy(() =>
  z.looseObject({
    annotationId: z.string(),
    status: VeltStatusSchema.nullish(),
    comments: z.array(VeltCommentSchema).nullish(),
    context: z.record(z.string(), z.unknown()).nullish(),
    createdAt: z.number().nullish(),
    lastUpdated: z.number().nullish(),
    resolvedByUserId: z.string().nullish(),
    from: VeltUserSchema.nullish(),
    metadata: z.looseObject({ documentId: IdLike.optional(), organizationId: IdLike.optional() }).nullish(),
  }),
);
/** A comment annotation (thread). */
export type VeltAnnotation = z.infer<typeof VeltAnnotationSchema>;

/** An inbox notification as `/notifications/get` returns it (§9). Read state fields are UNCONFIRMED (§9). */
export const VeltNotificationSchema = z.lazy(() =>
  z.looseObject({
    id: IdLike,
    notificationSource: z.string().nullish(),
    notificationSourceData: z.unknown().optional(),
    actionType: z.string().nullish(),
    actionUser: VeltUserSchema.nullish(),
    metadata: z.looseObject({ documentId: IdLike.optional(), organizationId: IdLike.optional() }).nullish(),
    timestamp: z.number(),
    readByUserIds: z.array(IdLike).nullish(),
    isUnread: z.boolean().nullish(),
    targetAnnotationId: z.string().nullish(),
  }),
);
/** An inbox notification. */
export type VeltNotification = z.infer<typeof VeltNotificationSchema>;

/** An advanced webhook endpoint (§12.3); unset optional fields are explicit `null`. */
export const VeltWebhookEndpointSchema = z.lazy(() =>
  z.looseObject({
    id: z.string(),
    url: z.string(),
    description: z.string().nullish(),
    filterTypes: z.array(z.string()).nullish(),
    disabled: z.boolean().nullish(),
    metadata: z.record(z.string(), z.string()).nullish(),
    createdAt: z.string().nullish(),
  }),
);
/** An advanced webhook endpoint. */
export type VeltWebhookEndpoint = z.infer<typeof VeltWebhookEndpointSchema>;

/**
 * One editor's CRDT data as `/crdt/get` answers it (docs/vendors/velt-crdt.md): `id` is the editorId,
 * `data` the JSON form of its shared type. The answer names no `type`.
 */
export const VeltCrdtEntrySchema = z.lazy(() =>
  z.looseObject({
    id: IdLike,
    data: z.unknown(),
    lastUpdate: z.union([z.string(), z.number()]).nullish(),
    lastUpdatedBy: z.unknown().optional(),
    sessionId: z.string().nullish(),
  }),
);
/** One editor's CRDT data as Velt returns it. */
export type VeltCrdtEntry = z.infer<typeof VeltCrdtEntrySchema>;

/** The `{ "result": {...} }` success envelope (§1.2) around a payload schema. */
export function resultSchema<T extends z.ZodType>(data: T) {
  return z.object({
    result: z.looseObject({
      status: z.string().optional(),
      message: z.string().optional(),
      data,
      nextPageToken: z.string().nullish(),
      pageToken: z.string().nullish(),
    }),
  });
}

/** Payload schemas of every endpoint the adapter calls, keyed by path (without `/v2`). */
export const RESULT_DATA = {
  itemMap: VeltItemMapSchema,
  documents: z.lazy(() => z.array(VeltDocumentSchema)),
  users: z.lazy(() => z.array(VeltUserSchema)),
  /** `null` entries stand for requested annotationIds that do not exist (§7.4). */
  annotations: z.lazy(() => z.array(VeltAnnotationSchema.nullable())),
  /** `null` entries stand for requested commentIds that do not exist (§7.9). */
  comments: z.lazy(() => z.array(VeltCommentSchema.nullable())),
  /** `/commentannotations/comments/add` answers the new comment ids (§7.8). */
  commentIds: z.lazy(() => z.array(VeltCommentIdSchema)),
  notifications: z.lazy(() => z.array(VeltNotificationSchema)),
  /** Small acknowledgements (`{ success: true }`, §9.1, §10); absent on some endpoints. */
  ack: z.unknown().optional(),
  token: z.lazy(() => z.looseObject({ token: z.string().min(1) })),
  endpoint: VeltWebhookEndpointSchema,
  endpoints: z.lazy(() =>
    z.looseObject({
      endpoints: z.array(VeltWebhookEndpointSchema),
      iterator: z.string().nullish(),
      done: z.boolean().nullish(),
    }),
  ),
  endpointSecret: z.lazy(() => z.looseObject({ endpointId: z.string().optional(), secret: z.string().min(1) })),
  endpointDeleted: z.lazy(() => z.looseObject({ endpointId: z.string().optional(), deleted: z.boolean().optional() })),
  /** `/crdt/get`: one entry per editor of the document (or the one asked for). */
  crdt: z.lazy(() => z.array(VeltCrdtEntrySchema)),
} as const;

/** The `{ "error": {...} }` envelope (§1.3). `code` appears instead of `status` on some pages (docs-bug). */
export const VeltErrorEnvelopeSchema = z.lazy(() =>
  z.object({
    error: z.looseObject({
      message: z.string().optional(),
      status: z.string().optional(),
      code: z.union([z.string(), z.number()]).optional(),
      details: z.unknown().optional(),
    }),
  }),
);
/** The `{ "error": {...} }` envelope. */
export type VeltErrorEnvelope = z.infer<typeof VeltErrorEnvelopeSchema>;

// ------------------------------------------------------------------ request shapes (what the adapter sends)

/** A user reference sent to Velt (`from`, `actionUser`, `notifyUsers`...). */
export interface VeltUserRef {
  userId: string;
  name?: string;
  email?: string;
}

/** A tagged contact sent with a comment. `text` is required by `/commentannotations/comments/add` (§7.8). */
export interface VeltTaggedContactInput {
  userId: string;
  contact: VeltUserRef;
  text: string;
}

/** A comment as sent in `commentData` (§7.3, §7.8). */
export interface VeltCommentInput {
  /** Left out in self-hosted mode (the text lives in the content store). */
  commentText?: string;
  commentHtml?: string;
  /** A comment id chosen by the caller (Velt generates one otherwise, §7.3): self-hosted writes choose it, to key the store first. */
  commentId?: number;
  /** Set in self-hosted mode (docs/vendors/velt-self-hosting.md §1.10): the content is held by the customer's data provider. */
  isCommentResolverUsed?: boolean;
  /** With `isCommentResolverUsed`: whether the comment has text (false for an attachment-only comment). */
  isCommentTextAvailable?: boolean;
  from: VeltUserRef;
  taggedUserContacts?: VeltTaggedContactInput[];
  context?: Record<string, unknown>;
  createdAt?: number;
  /** Only on `/commentannotations/add` (§7.3): emits notifications and webhooks like the SDK would. */
  triggerNotification?: boolean;
}

/** A status sent to Velt: `type` is what decides resolution (§7.2). */
export interface VeltStatusInput {
  id: string;
  name: string;
  type: 'default' | 'ongoing' | 'terminal';
}

/** A comment annotation as sent to `/commentannotations/add` (§7.3). */
export interface VeltAnnotationInput {
  annotationId?: string;
  commentData: VeltCommentInput[];
  context?: Record<string, unknown>;
  status?: VeltStatusInput;
  createdAt?: number;
}

/** A Yjs shared type as `/crdt/add` and `/crdt/update` name it. */
export type VeltCrdtType = 'text' | 'map' | 'array' | 'xml';

/** The body of `/crdt/add` and `/crdt/update` (docs/vendors/velt-crdt.md). */
export interface VeltCrdtWrite {
  organizationId: string;
  documentId: string;
  editorId: string;
  /** A string for `text`/`xml`, an object for `map`, an array for `array`. */
  data: unknown;
  type: VeltCrdtType;
  /** The root type's name inside the editor's Yjs doc; Velt's default is `content` (TipTap uses `default`). */
  contentKey?: string;
}

/** A permission resource of `/auth/generate_token` (§11.1). */
export interface VeltResource {
  type: 'organization' | 'document' | 'folder';
  id: string;
  organizationId?: string;
  accessRole?: 'viewer' | 'editor';
}
