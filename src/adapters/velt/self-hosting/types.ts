/**
 * The request and response bodies of Velt's front-end "data providers" in URL mode, as typed by
 * `@veltdev/types@6.0.6` (`app/models/data/*-resolver.data.model.d.ts`). They are restated here
 * because the published declarations of unicollab must not depend on that package; the tests check
 * both directions of assignability against it at compile time
 * (`test/adapters/velt/self-hosting/types.test.ts`).
 */

/** What Velt sends as `metadata` (`BaseMetadata`): your own document/organization ids (client copy). */
export interface VeltBaseMetadata {
  apiKey?: string;
  documentId?: string;
  clientDocumentId?: string;
  organizationId?: string;
  clientOrganizationId?: string;
  folderId?: string;
  veltFolderId?: string;
  documentMetadata?: object;
  sdkVersion?: string | null;
}

/** `PartialUser`. */
export interface VeltPartialUser {
  userId: string;
}

/** `PartialTaggedUserContacts`. */
export interface VeltPartialTaggedUserContacts {
  userId: string;
  contact?: VeltPartialUser;
  text?: string;
}

/** `PartialAttachment`: what a comment keeps about an attachment saved through `attachments/save`. */
export interface VeltPartialAttachment {
  url: string;
  name: string;
  attachmentId: number;
}

/** `PartialComment`: the content of one message that Velt does not keep. */
export interface VeltPartialComment {
  commentId: string | number;
  commentHtml?: string;
  commentText?: string;
  attachments?: { [attachmentId: number]: VeltPartialAttachment };
  from?: VeltPartialUser;
  to?: VeltPartialUser[];
  taggedUserContacts?: VeltPartialTaggedUserContacts[];
}

/** `PartialCommentAnnotation`: a thread's content, keyed by `annotationId`. Unknown keys are kept. */
export interface VeltPartialCommentAnnotation {
  annotationId: string;
  metadata?: VeltBaseMetadata;
  comments: { [commentId: string]: VeltPartialComment };
  from?: VeltPartialUser;
  assignedTo?: VeltPartialUser;
  targetTextRange?: { text: string };
  resolvedByUserId?: string | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as Velt's type (unknown keys are kept)
  [key: string]: any;
}

/** `PartialReactionAnnotation`: only `icon` is withheld from Velt. Unknown keys are kept. */
export interface VeltPartialReactionAnnotation {
  annotationId: string;
  metadata?: VeltBaseMetadata;
  icon?: string;
  from?: VeltPartialUser;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as Velt's type (unknown keys are kept)
  [key: string]: any;
}

/** `User` (the profile Velt does not keep once a user provider is set). */
export interface VeltUserProfile {
  userId: string;
  name?: string;
  email?: string;
  photoUrl?: string;
  color?: string;
  textColor?: string;
  isAdmin?: boolean;
  initial?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as Velt's type (unknown keys are kept)
  [key: string]: any;
}

/** `PartialNotification` (custom notifications only). */
export interface VeltPartialNotification {
  notificationId: string;
  displayHeadlineMessageTemplate?: string;
  displayHeadlineMessageTemplateData?: { actionUser?: VeltUserProfile; recipientUser?: VeltUserProfile; actionMessage?: string; [key: string]: unknown };
  displayBodyMessage?: string;
  displayBodyMessageTemplate?: string;
  displayBodyMessageTemplateData?: { [key: string]: unknown };
  notificationSourceData?: unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as Velt's type (unknown keys are kept)
  [key: string]: any;
}

/** `ResolverResponse<T>`; unicollab adds `error` and `errorCode` on failures, as velt-py does. */
export interface VeltResolverResponse<T> {
  data?: T;
  success: boolean;
  message?: string;
  timestamp?: number;
  statusCode: number;
}

/** A failure envelope: `statusCode` is also the HTTP status. Never carries a stack or a secret. */
export interface VeltResolverErrorResponse extends VeltResolverResponse<undefined> {
  success: false;
  error: string;
  errorCode: VeltDataProviderErrorCode;
}

/**
 * `errorCode` of a failure: `INVALID_INPUT` (400, a bad body or query), `FORBIDDEN` (403, refused by
 * `authorize` or a disallowed CORS origin), `NOT_FOUND` (404, an unknown route; deletes of missing
 * records succeed), `METHOD_NOT_ALLOWED` (405), `PAYLOAD_TOO_LARGE` (413), `UNSUPPORTED_MEDIA_TYPE`
 * (415), `INTERNAL_ERROR` (500, a store or blob failure: details go to `onError`, never to the caller).
 */
export type VeltDataProviderErrorCode =
  | 'INVALID_INPUT'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'INTERNAL_ERROR';

/** `ResolverActions` values (`@veltdev/types` utils/enums). */
export type VeltResolverAction =
  | 'comment_annotation.add'
  | 'comment_annotation.delete'
  | 'comment.add'
  | 'comment.delete'
  | 'comment.update'
  | 'reaction.add'
  | 'reaction.delete'
  | 'attachment.add'
  | 'attachment.delete'
  | 'recorder_annotation.add'
  | 'recorder_annotation.update'
  | 'recorder_annotation.delete'
  | 'activity.save';

/** `CommentResolverSaveEvent` values (opt-in save events of comments). */
export type VeltCommentResolverSaveEvent =
  | 'comment_annotation.status_change'
  | 'comment_annotation.priority_change'
  | 'comment_annotation.assign'
  | 'comment_annotation.access_mode_change'
  | 'comment_annotation.custom_list_change'
  | 'comment_annotation.approve'
  | 'comment.accept'
  | 'comment.reject'
  | 'comment_annotation.suggestion_accept'
  | 'comment_annotation.suggestion_reject'
  | 'comment.reaction_add'
  | 'comment.reaction_delete'
  | 'comment_annotation.subscribe'
  | 'comment_annotation.unsubscribe';

/** `comments/get` body (`GetCommentResolverRequest`). */
export interface VeltGetCommentsRequest {
  organizationId: string;
  commentAnnotationIds?: string[];
  documentIds?: string[];
  folderId?: string;
  allDocuments?: boolean;
}

/** `comments/save` body (`SaveCommentResolverRequest`). `targetComment` is context only, never stored. */
export interface VeltSaveCommentsRequest {
  commentAnnotation: { [annotationId: string]: VeltPartialCommentAnnotation };
  event?: VeltResolverAction | VeltCommentResolverSaveEvent;
  metadata?: VeltBaseMetadata;
  commentId?: string;
  targetComment?: VeltPartialComment;
}

/** `comments/delete` body (`DeleteCommentResolverRequest`). */
export interface VeltDeleteCommentRequest {
  commentAnnotationId: string;
  metadata?: VeltBaseMetadata;
  event?: VeltResolverAction;
}

/** `reactions/get` body (`GetReactionResolverRequest`). */
export interface VeltGetReactionsRequest {
  organizationId: string;
  reactionAnnotationIds?: string[];
  documentIds?: string[];
  folderId?: string;
  allDocuments?: boolean;
}

/** `reactions/save` body (`SaveReactionResolverRequest`). */
export interface VeltSaveReactionsRequest {
  reactionAnnotation: { [annotationId: string]: VeltPartialReactionAnnotation };
  event?: VeltResolverAction;
  metadata?: VeltBaseMetadata;
}

/** `reactions/delete` body (`DeleteReactionResolverRequest`). */
export interface VeltDeleteReactionRequest {
  reactionAnnotationId: string;
  metadata?: VeltBaseMetadata;
  event?: VeltResolverAction;
}

/** `AttachmentResolverMetadata`. */
export interface VeltAttachmentResolverMetadata {
  organizationId: string | null;
  documentId: string | null;
  folderId?: string | null;
  attachmentId: number | null;
  commentAnnotationId: string | null;
  apiKey: string | null;
}

/**
 * The JSON of the `request` part of an `attachments/save` multipart body (the bytes are the `file`
 * part): `SaveAttachmentResolverRequest` without `attachment.file`.
 */
export interface VeltSaveAttachmentRequestPart {
  attachment: { attachmentId: number; name?: string; mimeType?: string; metadata?: VeltAttachmentResolverMetadata };
  metadata?: VeltAttachmentResolverMetadata;
  event?: VeltResolverAction;
}

/** `attachments/save` response data (`SaveAttachmentResolverData`). */
export interface VeltSaveAttachmentData {
  url: string;
}

/** `attachments/delete` body (`DeleteAttachmentResolverRequest`). */
export interface VeltDeleteAttachmentRequest {
  attachmentId: number;
  metadata?: VeltAttachmentResolverMetadata;
  event?: VeltResolverAction;
}

/** `users/get` body (`GetUserResolverRequest`). */
export interface VeltGetUsersRequest {
  organizationId: string;
  userIds: string[];
}

/** `notifications/get` body (`GetNotificationResolverRequest`). */
export interface VeltGetNotificationsRequest {
  organizationId: string;
  notificationIds: string[];
}

/** `notifications/delete` body (`DeleteNotificationResolverRequest`). */
export interface VeltDeleteNotificationRequest {
  notificationId: string;
  organizationId: string;
}
