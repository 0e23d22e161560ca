/**
 * The example bodies of docs/vendors/velt-self-hosting.md §4.C (values from Velt's docs and the
 * velt-py seed README), each checked at compile time against Velt's own `@veltdev/types@6.0.6`.
 */
import type {
  DeleteAttachmentResolverRequest,
  DeleteCommentResolverRequest,
  DeleteNotificationResolverRequest,
  DeleteReactionResolverRequest,
  GetCommentResolverRequest,
  GetNotificationResolverRequest,
  GetReactionResolverRequest,
  GetUserResolverRequest,
  PartialNotification,
  SaveAttachmentResolverRequest,
  SaveCommentResolverRequest,
  SaveReactionResolverRequest,
  User,
} from '@veltdev/types';

export const ORG = 'org-123';

/** `comments/get` [SEED values]. */
export const getCommentsBody = { organizationId: ORG, commentAnnotationIds: ['ann-1', 'ann-2'], documentIds: ['doc-1'] } satisfies GetCommentResolverRequest;

/** `comments/save` [D: backend-sdks/node.mdx]. */
export const saveCommentsBody = {
  metadata: { organizationId: ORG, documentId: 'doc-1' },
  commentAnnotation: {
    'annotation-1': { annotationId: 'annotation-1', comments: { '123456': { commentId: '123456', commentText: 'Hello' } }, metadata: {} },
  },
} satisfies SaveCommentResolverRequest;

/** `comments/delete` [D: backend-sdks/node.mdx]. */
export const deleteCommentBody = { commentAnnotationId: 'annotation-1', metadata: { organizationId: ORG } } satisfies DeleteCommentResolverRequest;

/** `reactions/get` [SEED]. */
export const getReactionsBody = { organizationId: ORG, reactionAnnotationIds: ['reaction-1'], documentIds: ['doc-1'] } satisfies GetReactionResolverRequest;

/** `reactions/save` [D: backend-sdks/node.mdx]. */
export const saveReactionsBody = {
  metadata: { organizationId: ORG, documentId: 'doc-1' },
  reactionAnnotation: { 'reaction-1': { annotationId: 'reaction-1', icon: 'thumbsup', from: { userId: 'u-1' }, metadata: {} } },
} satisfies SaveReactionResolverRequest;

/** `reactions/delete` [D: backend-sdks/node.mdx]. */
export const deleteReactionBody = { reactionAnnotationId: 'reaction-1', metadata: { organizationId: ORG } } satisfies DeleteReactionResolverRequest;

/**
 * The `request` part of `attachments/save` [D: field-inventory.mdx §6.B, values from attachments.mdx]:
 * `SaveAttachmentResolverRequest` without `attachment.file` (that travels as the `file` part).
 */
export const saveAttachmentPart = {
  attachment: { attachmentId: 758336, name: 'image.png', mimeType: 'image/png' },
  metadata: { organizationId: ORG, documentId: 'doc-1', folderId: 'folder-1', attachmentId: 758336, commentAnnotationId: 'ann_55', apiKey: 'API_KEY' },
  event: 'attachment.add',
} satisfies Omit<SaveAttachmentResolverRequest, 'attachment'> & { attachment: Omit<SaveAttachmentResolverRequest['attachment'], 'file'> };

/**
 * `attachments/delete`. The reference's example metadata is `{ apiKey, documentId, organizationId }`
 * (Velt stopped sending `attachmentId`/`commentAnnotationId` on delete in 5.0.2-beta.11), while the
 * 6.0.6 type still declares them `number | null` / `string | null` (required): the fixture sends them as null.
 */
export const deleteAttachmentBody = {
  attachmentId: 758336,
  metadata: { apiKey: 'API_KEY', documentId: 'doc-1', organizationId: ORG, attachmentId: null, commentAnnotationId: null },
  event: 'attachment.delete',
} satisfies DeleteAttachmentResolverRequest;

/** `users/get` [T: GetUserResolverRequest; SEED values]. */
export const getUsersBody = { organizationId: ORG, userIds: ['USER_ID_1', 'user-2'] } satisfies GetUserResolverRequest;

/** The profile of the `users/get` response example [D: users.mdx]. */
export const user1 = { userId: 'USER_ID_1', name: 'John Doe', email: 'john.doe@example.com', photoUrl: 'https://example.com/photos/john.jpg' } satisfies User;

/** `notifications/get` / `notifications/delete` [T: notification-resolver.data.model.d.ts]. */
export const getNotificationsBody = { organizationId: ORG, notificationIds: ['n-1', 'n-2'] } satisfies GetNotificationResolverRequest;
export const deleteNotificationBody = { notificationId: 'n-1', organizationId: ORG } satisfies DeleteNotificationResolverRequest;
export const notification1 = {
  notificationId: 'n-1',
  displayHeadlineMessageTemplate: '{actionUser} mentioned you',
  displayHeadlineMessageTemplateData: { actionUser: { userId: 'USER_ID_1', name: 'John Doe' }, actionMessage: 'mentioned you' },
  displayBodyMessage: 'Can you check the numbers?',
} satisfies PartialNotification;
