/**
 * Validation of the data-provider request bodies (zod). Objects are loose: unknown keys (Velt's
 * `fieldsToRemove` / `additionalFields`, newer SDK fields) are kept, as velt-py's `extra_fields`.
 *
 * Schemas are `z.lazy`: built on first use, not when the adapter loads (cold start, issue 12); the
 * HTTP client's compiled check sees through `lazy`.
 */
import { z } from 'zod';

const id = z.lazy(() => z.string().min(1).max(512));
const ids = z.lazy(() => z.array(id).max(10_000));
const attachmentId = z.lazy(() => z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER));

export const MetadataSchema = z.lazy(() =>
  z.looseObject({
    organizationId: z.string().nullish(),
    documentId: z.string().nullish(),
    folderId: z.string().nullish(),
    apiKey: z.string().nullish(),
  }),
);

const PartialUserSchema = z.lazy(() => z.looseObject({ userId: z.string() }));

const PartialCommentSchema = z.lazy(() =>
  z.looseObject({
    commentId: z.union([z.string(), z.number()]),
    commentHtml: z.string().optional(),
    commentText: z.string().optional(),
    attachments: z.record(z.string(), z.looseObject({ attachmentId: z.number().optional(), url: z.string().optional(), name: z.string().optional() })).optional(),
    from: PartialUserSchema.optional(),
    to: z.array(PartialUserSchema).optional(),
    taggedUserContacts: z.array(z.looseObject({})).optional(),
  }),
);

const CommentAnnotationSchema = z.lazy(() =>
  z.looseObject({
    annotationId: id.optional(),
    metadata: MetadataSchema.optional(),
    comments: z.record(z.string(), PartialCommentSchema).optional(),
    resolvedByUserId: z.string().nullable().optional(),
  }),
);

const ReactionAnnotationSchema = z.lazy(() =>
  z.looseObject({
    annotationId: id.optional(),
    metadata: MetadataSchema.optional(),
    icon: z.string().optional(),
    from: PartialUserSchema.optional(),
    user: PartialUserSchema.optional(),
  }),
);

const annotationGet = {
  organizationId: z.string(),
  documentIds: ids.optional(),
  folderId: z.string().optional(),
  allDocuments: z.boolean().optional(),
};

export const GetCommentsSchema = z.lazy(() => z.looseObject({ ...annotationGet, commentAnnotationIds: ids.optional() }));
export const GetReactionsSchema = z.lazy(() => z.looseObject({ ...annotationGet, reactionAnnotationIds: ids.optional() }));

export const SaveCommentsSchema = z.lazy(() =>
  z.looseObject({
    commentAnnotation: z.record(id, CommentAnnotationSchema),
    event: z.string().optional(),
    metadata: MetadataSchema.optional(),
    commentId: z.string().optional(),
    targetComment: z.unknown().optional(),
  }),
);

export const SaveReactionsSchema = z.lazy(() =>
  z.looseObject({
    reactionAnnotation: z.record(id, ReactionAnnotationSchema),
    event: z.string().optional(),
    metadata: MetadataSchema.optional(),
  }),
);

export const DeleteCommentSchema = z.lazy(() => z.looseObject({ commentAnnotationId: id, metadata: MetadataSchema.optional(), event: z.string().optional() }));
export const DeleteReactionSchema = z.lazy(() => z.looseObject({ reactionAnnotationId: id, metadata: MetadataSchema.optional(), event: z.string().optional() }));

export const SaveAttachmentPartSchema = z.lazy(() =>
  z.looseObject({
    attachment: z.looseObject({
      attachmentId,
      name: z.string().max(1024).optional(),
      mimeType: z.string().max(255).optional(),
      metadata: MetadataSchema.nullish(),
    }),
    metadata: MetadataSchema.nullish(),
    event: z.string().optional(),
  }),
);

export const DeleteAttachmentSchema = z.lazy(() => z.looseObject({ attachmentId, metadata: MetadataSchema.nullish(), event: z.string().optional() }));

export const GetUsersSchema = z.lazy(() => z.looseObject({ organizationId: z.string(), userIds: ids }));
export const GetNotificationsSchema = z.lazy(() => z.looseObject({ organizationId: z.string(), notificationIds: ids }));
export const DeleteNotificationSchema = z.lazy(() => z.looseObject({ organizationId: z.string(), notificationId: id }));

/** A short description of the first problems of a failed parse (paths and messages; no values). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`)
    .join('; ');
}
