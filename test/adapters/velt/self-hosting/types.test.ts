/**
 * Compile-time checks (run by `npm run typecheck`) that the handler's request/response types agree
 * with Velt's own `@veltdev/types@6.0.6`: every body Velt's front end sends is accepted by unicollab's
 * type, and every response unicollab sends is one Velt's type accepts.
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
  PartialCommentAnnotation,
  PartialNotification,
  PartialReactionAnnotation,
  ResolverResponse,
  SaveAttachmentResolverData,
  SaveAttachmentResolverRequest,
  SaveCommentResolverRequest,
  SaveReactionResolverRequest,
  User,
} from '@veltdev/types';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  VeltDeleteAttachmentRequest,
  VeltDeleteCommentRequest,
  VeltDeleteNotificationRequest,
  VeltDeleteReactionRequest,
  VeltGetCommentsRequest,
  VeltGetNotificationsRequest,
  VeltGetReactionsRequest,
  VeltGetUsersRequest,
  VeltPartialCommentAnnotation,
  VeltPartialNotification,
  VeltPartialReactionAnnotation,
  VeltResolverErrorResponse,
  VeltResolverResponse,
  VeltSaveAttachmentData,
  VeltSaveAttachmentRequestPart,
  VeltSaveCommentsRequest,
  VeltSaveReactionsRequest,
  VeltUserProfile,
} from 'unicollab/velt';
import * as fixtures from './fixtures.js';

describe('handler types vs @veltdev/types', () => {
  it('accepts every request body Velt types', () => {
    expectTypeOf<GetCommentResolverRequest>().toExtend<VeltGetCommentsRequest>();
    expectTypeOf<SaveCommentResolverRequest>().toExtend<VeltSaveCommentsRequest>();
    expectTypeOf<DeleteCommentResolverRequest>().toExtend<VeltDeleteCommentRequest>();
    expectTypeOf<GetReactionResolverRequest>().toExtend<VeltGetReactionsRequest>();
    expectTypeOf<SaveReactionResolverRequest>().toExtend<VeltSaveReactionsRequest>();
    expectTypeOf<DeleteReactionResolverRequest>().toExtend<VeltDeleteReactionRequest>();
    expectTypeOf<Omit<SaveAttachmentResolverRequest, 'attachment'> & { attachment: Omit<SaveAttachmentResolverRequest['attachment'], 'file'> }>().toExtend<VeltSaveAttachmentRequestPart>();
    expectTypeOf<DeleteAttachmentResolverRequest>().toExtend<VeltDeleteAttachmentRequest>();
    expectTypeOf<GetUserResolverRequest>().toExtend<VeltGetUsersRequest>();
    expectTypeOf<GetNotificationResolverRequest>().toExtend<VeltGetNotificationsRequest>();
    expectTypeOf<DeleteNotificationResolverRequest>().toExtend<VeltDeleteNotificationRequest>();
  });

  it('sends only what Velt types', () => {
    expectTypeOf<VeltResolverResponse<Record<string, VeltPartialCommentAnnotation>>>().toExtend<ResolverResponse<Record<string, PartialCommentAnnotation>>>();
    expectTypeOf<VeltResolverResponse<Record<string, VeltPartialReactionAnnotation>>>().toExtend<ResolverResponse<Record<string, PartialReactionAnnotation>>>();
    expectTypeOf<VeltResolverResponse<VeltSaveAttachmentData>>().toExtend<ResolverResponse<SaveAttachmentResolverData>>();
    expectTypeOf<VeltResolverResponse<Record<string, VeltUserProfile>>>().toExtend<ResolverResponse<Record<string, User>>>();
    expectTypeOf<VeltResolverResponse<Record<string, VeltPartialNotification>>>().toExtend<ResolverResponse<Record<string, PartialNotification>>>();
    expectTypeOf<VeltResolverErrorResponse>().toExtend<ResolverResponse<undefined>>();
    // and the records Velt sends are the records unicollab stores
    expectTypeOf<PartialCommentAnnotation>().toExtend<VeltPartialCommentAnnotation>();
    expectTypeOf<PartialReactionAnnotation>().toExtend<VeltPartialReactionAnnotation>();
    expectTypeOf<PartialNotification>().toExtend<VeltPartialNotification>();
  });

  it('the fixtures are the handler request types too', () => {
    fixtures.getCommentsBody satisfies VeltGetCommentsRequest;
    fixtures.saveCommentsBody satisfies VeltSaveCommentsRequest;
    fixtures.deleteCommentBody satisfies VeltDeleteCommentRequest;
    fixtures.getReactionsBody satisfies VeltGetReactionsRequest;
    fixtures.saveReactionsBody satisfies VeltSaveReactionsRequest;
    fixtures.deleteReactionBody satisfies VeltDeleteReactionRequest;
    fixtures.saveAttachmentPart satisfies VeltSaveAttachmentRequestPart;
    fixtures.deleteAttachmentBody satisfies VeltDeleteAttachmentRequest;
    fixtures.getUsersBody satisfies VeltGetUsersRequest;
    fixtures.user1 satisfies VeltUserProfile;
    fixtures.getNotificationsBody satisfies VeltGetNotificationsRequest;
    fixtures.deleteNotificationBody satisfies VeltDeleteNotificationRequest;
    expect(fixtures.ORG).toBe('org-123');
  });
});
