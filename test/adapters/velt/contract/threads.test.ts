/** Contract: threads = comment annotations, comments = their messages (vendors/velt.md §7), from the literal examples. */
import { describe, expect, it } from 'vitest';
import { VELT_PLACEHOLDER } from '../../../../src/adapters/velt/mappers/placeholder.js';
import { fromHtml, normalizeBody } from '../../../../src/core/body/index.js';
import { ConflictError, NotFoundError, PermissionError, ProviderResponseError, UnsupportedFeatureError, ValidationError } from '../../../../src/core/errors.js';
import type { CommentBody } from '../../../../src/core/model/body.js';
import { PartialBatchError } from '../../../../src/adapters/velt/index.js';
import { API_KEY, dataOf, expectVelt, ok, ORG, rejection, seen, useNock, veltCollab } from './harness.js';

useNock();

/** §8: a reaction annotation as returned inside comments. */
const REACTION = {
  annotationId: 'reactionAnnotationId1',
  type: 'reaction',
  icon: 'RAISED_HANDS',
  commentAnnotationId: 'yourAnnotationId',
  locationId: 5509827173770816,
  context: { access: { default: 'velt' }, accessFields: ['default:velt'] },
  lastUpdated: 1777973800000,
  fromUsers: [{ lastUpdated: 1777973800000, from: { userId: 'user456', name: 'Jane Roe' } }],
};

/** §7.4 success example (abridged there too). */
const ANNOTATION = {
  annotationId: 'yourAnnotationId',
  annotationNumber: 2,
  annotationIndex: 1,
  type: 'comment',
  createdAt: 1777973713421,
  lastUpdated: 1777978714209,
  hasDraftComments: false,
  locationId: 5509827173770816,
  location: { version: { id: 'v1', name: 'Version 1' } },
  context: { access: { default: 'velt' }, accessFields: ['default:velt'] },
  visibilityConfig: { type: 'public' },
  metadata: { apiKey: 'yourApiKey', organizationId: 'yourOrganizationId', documentId: 'yourDocumentId', sdkVersion: '5.0.2-beta.45' },
  from: { userId: 'user123', name: 'John Doe', email: 'john.doe@example.com', organizationId: 'yourOrganizationId', initial: 'J', type: 'signedIn', isAdmin: false },
  subscribedUsers: { '061a01a98f80f415b1431236b62bb10b': { user: { userId: 'user123' }, type: 'auto' } },
  unsubscribedUsers: {},
  subscribedGroups: {},
  customList: [],
  comments: [
    {
      commentId: 123456,
      type: 'text',
      status: 'updated',
      isDraft: false,
      isCommentTextAvailable: true,
      commentText: 'This is a sample comment text.',
      commentHtml: '<p>This is a sample comment text.</p>',
      createdAt: 1777973714914,
      lastUpdated: '2026-05-05T09:35:15.048Z',
      to: [],
      toOrganizationUserGroup: [],
      taggedUserContacts: [],
      attachments: [],
      recorders: [],
      customList: [],
      reactionAnnotationIds: ['reactionAnnotationId1'],
      reactionAnnotations: [REACTION],
      from: { userId: 'user123', name: 'John Doe', email: 'john.doe@example.com' },
    },
  ],
  status: { id: 'OPEN', name: 'Open', color: 'var(--velt-accent, #625DF5)', lightColor: 'var(--velt-accent-light, #E7E8FA)', type: 'default', svg: '<svg/>' },
};

const RESOLVED = { ...ANNOTATION, status: { id: 'RESOLVED', name: 'Resolved', type: 'terminal' }, resolvedByUserId: 'yourUserId' };

const getAnswer = (...items: unknown[]) => ok('Annotation(s) fetched successfully.', items);

/** "Hey @user_sarah_chen, can you review this color scheme?" as a body, as in the §7.3 example. */
const MENTION_BODY: CommentBody = {
  version: 1,
  content: [
    {
      type: 'paragraph',
      children: [
        { type: 'text', text: 'Hey ' },
        { type: 'mention', userId: 'user_sarah_chen' },
        { type: 'text', text: ', can you review this color scheme?' },
      ],
    },
  ],
};

describe('threads.create -> POST /v2/commentannotations/add (§7.3)', () => {
  it('sends commentText/commentHtml with {{userId}} placeholders, taggedUserContacts and triggerNotification', async () => {
    expectVelt(
      '/commentannotations/add',
      ok('Comment Annotation(s) added successfully.', { '-O0mpUziLcBwzREvZKs6': { success: true, annotationId: '-O0mpUziLcBwzREvZKs6', commentIds: [126535], message: 'Added Successfully' } }),
    );
    expectVelt('/commentannotations/get', getAnswer({ ...ANNOTATION, annotationId: '-O0mpUziLcBwzREvZKs6' }));
    const collab = await veltCollab();
    const thread = await collab.threads.create({ roomId: 'design-mockup-v2', comment: { authorId: 'user_john_smith', body: MENTION_BODY } });
    const data = dataOf(0);
    expect(data).toMatchObject({ organizationId: ORG, documentId: 'design-mockup-v2' });
    const [annotation] = data.commentAnnotations as Array<{ commentData: Array<Record<string, unknown>> }>;
    const [comment] = annotation!.commentData;
    expect(comment).toMatchObject({
      triggerNotification: true,
      commentText: 'Hey {{user_sarah_chen}}, can you review this color scheme?',
      from: { userId: 'user_john_smith' },
      taggedUserContacts: [{ userId: 'user_sarah_chen', contact: { userId: 'user_sarah_chen' }, text: '@user_sarah_chen' }],
    });
    expect(comment!.commentHtml).toMatch(/^<p>Hey.*\{\{user_sarah_chen\}\}, can you review this color scheme\?<\/p>$/);
    // The HTML reads back as the same body (mention and all).
    expect(normalizeBody(fromHtml(comment!.commentHtml as string, { placeholders: VELT_PLACEHOLDER }))).toEqual(normalizeBody(MENTION_BODY));
    expect(dataOf(1)).toEqual({ organizationId: ORG, documentId: 'design-mockup-v2', annotationIds: ['-O0mpUziLcBwzREvZKs6'] });
    expect(thread.id).toBe('-O0mpUziLcBwzREvZKs6');
    expect(thread.roomId).toBe('design-mockup-v2');
    await collab.close();
  });

  it('sends the client id, metadata as context and the create flags with createMissing', async () => {
    expectVelt('/commentannotations/add', ok('ok', { t1: { success: true, annotationId: 't1', commentIds: [1], message: 'Added Successfully' } }));
    expectVelt('/commentannotations/get', getAnswer({ ...ANNOTATION, annotationId: 't1', context: { ...ANNOTATION.context, topic: 'x' } }));
    const collab = await veltCollab({ createMissing: true });
    const thread = await collab.threads.create({ roomId: 'r', id: 't1', metadata: { topic: 'x' }, comment: { authorId: 'a', body: MENTION_BODY, metadata: { n: 1 } } });
    expect(dataOf(0)).toMatchObject({
      createOrganization: true,
      createDocument: true,
      commentAnnotations: [{ annotationId: 't1', context: { topic: 'x' }, commentData: [{ context: { n: 1 } }] }],
    });
    expect(thread.metadata).toEqual({ topic: 'x' });
    await collab.close();
  });

  it('rejects a colon in the id and reserved context keys before any request', async () => {
    const collab = await veltCollab();
    const body = MENTION_BODY;
    expect(await rejection(collab.threads.create({ roomId: 'r', id: 'a:b', comment: { authorId: 'a', body } }))).toMatchObject({ field: 'id' });
    expect(await rejection(collab.threads.create({ roomId: 'r', metadata: { access: 'x' }, comment: { authorId: 'a', body } }))).toMatchObject({ field: 'metadata.access' });
    expect(seen).toHaveLength(0);
    await collab.close();
  });

  it('maps ALREADY_EXISTS (a taken annotationId) to ConflictError', async () => {
    expectVelt('/commentannotations/add', { error: { status: 'ALREADY_EXISTS', message: 'Error adding comment annotation(s).', details: { t1: { success: false, annotationId: 't1', message: 'Annotation already exists.' } } } }, 409);
    const collab = await veltCollab();
    expect(await rejection(collab.threads.create({ roomId: 'r', id: 't1', comment: { authorId: 'a', body: MENTION_BODY } }))).toBeInstanceOf(ConflictError);
    await collab.close();
  });

  it('maps the documented permission denial with a partial breakdown to PartialBatchError (written + failed)', async () => {
    expectVelt(
      '/commentannotations/add',
      {
        error: {
          message: 'ERROR_MESSAGE',
          status: 'PERMISSION_DENIED',
          details: {
            '-O0mpUziLcBwzREvZKs6': { success: true, annotationId: '-O0mpUziLcBwzREvZKs6', commentIds: [126535], message: 'Added Successfully' },
            'deniedAnnotation-1': { success: false, message: 'ERROR_MESSAGE' },
          },
        },
      },
      403,
    );
    const collab = await veltCollab();
    const err = await rejection(collab.threads.create({ roomId: 'r', comment: { authorId: 'a', body: MENTION_BODY } }));
    expect(PartialBatchError.is(err)).toBe(true);
    expect(err.written).toEqual(['-O0mpUziLcBwzREvZKs6']);
    expect(err.failed).toEqual([{ id: 'deniedAnnotation-1', message: 'ERROR_MESSAGE' }]);
    expect(err.vendorCode).toBe('PERMISSION_DENIED');
    await collab.close();
  });

  it('maps a whole denial (nothing written) to PermissionError', async () => {
    expectVelt('/commentannotations/add', { error: { message: 'User does not have access to the document.', status: 'PERMISSION_DENIED' } }, 403);
    const collab = await veltCollab();
    expect(await rejection(collab.threads.create({ roomId: 'r', comment: { authorId: 'a', body: MENTION_BODY } }))).toBeInstanceOf(PermissionError);
    await collab.close();
  });
});

describe('threads.get -> POST /v2/commentannotations/get (§7.4)', () => {
  it('maps the documented annotation: status, context, numeric comment ids, bodies, reactions, edit state', async () => {
    expectVelt('/commentannotations/get', getAnswer(ANNOTATION, null));
    const collab = await veltCollab();
    const thread = await collab.threads.get('yourDocumentId', 'yourAnnotationId');
    expect(dataOf(0)).toEqual({ organizationId: ORG, documentId: 'yourDocumentId', annotationIds: ['yourAnnotationId'] });
    expect(thread).toMatchObject({ id: 'yourAnnotationId', roomId: 'yourDocumentId', resolved: false, metadata: {} });
    expect(thread.createdAt).toEqual(new Date(1777973713421));
    expect(thread.updatedAt).toEqual(new Date(1777978714209));
    const [c] = thread.comments;
    expect(c).toMatchObject({ id: '123456', threadId: 'yourAnnotationId', roomId: 'yourDocumentId', authorId: 'user123', metadata: {} });
    expect(c!.createdAt).toEqual(new Date(1777973714914));
    expect(c!.editedAt).toEqual(new Date('2026-05-05T09:35:15.048Z'));
    expect(c!.body).toEqual({ version: 1, content: [{ type: 'paragraph', children: [{ type: 'text', text: 'This is a sample comment text.' }] }] });
    expect(c!.reactions).toEqual([{ emoji: 'RAISED_HANDS', userIds: ['user456'], createdAt: new Date(1777973800000) }]);
    // `metadata.apiKey` of the annotation is never carried into `raw`.
    expect(JSON.stringify(thread.raw)).not.toContain('yourApiKey');
    expect(JSON.stringify(thread)).not.toContain(API_KEY);
    await collab.close();
  });

  it('maps a `null` entry (missing annotation) to NotFoundError', async () => {
    expectVelt('/commentannotations/get', getAnswer(null));
    const collab = await veltCollab();
    expect(await rejection(collab.threads.get('yourDocumentId', 'missing'))).toBeInstanceOf(NotFoundError);
    await collab.close();
  });

  it('derives resolution from status type, never from the id', async () => {
    expectVelt('/commentannotations/get', getAnswer({ ...ANNOTATION, status: { id: 'RESOLVED', name: 'Resolved', type: 'ongoing' } }));
    expectVelt('/commentannotations/get', getAnswer({ ...ANNOTATION, status: { id: 'SHIPPED', name: 'Shipped', type: 'terminal' } }));
    const collab = await veltCollab();
    expect((await collab.threads.get('d', 'yourAnnotationId')).resolved).toBe(false);
    expect((await collab.threads.get('d', 'yourAnnotationId')).resolved).toBe(true);
    await collab.close();
  });
});

describe('threads.list -> commentannotations/get pagination (§1.4: `nextPageToken`)', () => {
  it('sends documentId/pageSize, follows nextPageToken and filters resolution client-side', async () => {
    expectVelt('/commentannotations/get', getAnswer(ANNOTATION, { ...RESOLVED, annotationId: 'done' }));
    const collab = await veltCollab();
    const open = await collab.threads.list('yourDocumentId', { resolved: false });
    expect(dataOf(0)).toEqual({ organizationId: ORG, documentId: 'yourDocumentId', pageSize: 100 });
    expect(open).toMatchObject({ items: [{ id: 'yourAnnotationId', resolved: false }], nextCursor: null });
    expectVelt('/commentannotations/get', getAnswer(ANNOTATION), 200);
    await collab.threads.list('yourDocumentId', { limit: 1 });
    expect(dataOf(1)).toEqual({ organizationId: ORG, documentId: 'yourDocumentId', pageSize: 1 });
    await collab.close();
  });

  it('turns nextPageToken into a cursor and sends it back as pageToken', async () => {
    expectVelt('/commentannotations/get', ok('Annotation(s) fetched successfully.', [ANNOTATION], { nextPageToken: 'Ds7NMZw0wWSdmfJFLNioTw==' }));
    expectVelt('/commentannotations/get', ok('Annotation(s) fetched successfully.', [{ ...ANNOTATION, annotationId: 'second' }]));
    const collab = await veltCollab();
    const first = await collab.threads.list('yourDocumentId', { limit: 1 });
    const second = await collab.threads.list('yourDocumentId', { limit: 1, cursor: first.nextCursor! });
    expect(dataOf(1)).toEqual({ organizationId: ORG, documentId: 'yourDocumentId', pageSize: 1, pageToken: 'Ds7NMZw0wWSdmfJFLNioTw==' });
    expect(second).toMatchObject({ items: [{ id: 'second' }], nextCursor: null });
    await collab.close();
  });
});

describe('threads.resolve / unresolve -> POST /v2/commentannotations/update (§7.2, §7.6)', () => {
  it('resolves in two requests (get + update), building the thread from the read and the patch', async () => {
    expectVelt('/commentannotations/get', getAnswer(ANNOTATION));
    expectVelt('/commentannotations/update', ok('Annotations updated successfully.', { yourAnnotationId: { success: true, id: 'yourAnnotationId', message: 'Annotations updated successfully' } }));
    const collab = await veltCollab();
    const before = Date.now();
    const thread = await collab.threads.resolve('yourDocumentId', 'yourAnnotationId', { userId: 'yourUserId' });
    expect(seen.map((c) => c.path)).toEqual(['/v2/commentannotations/get', '/v2/commentannotations/update']);
    expect(dataOf(0)).toEqual({ organizationId: ORG, documentId: 'yourDocumentId', annotationIds: ['yourAnnotationId'] });
    expect(dataOf(1)).toEqual({
      organizationId: ORG,
      documentId: 'yourDocumentId',
      annotationIds: ['yourAnnotationId'],
      updatedData: { status: { id: 'RESOLVED', name: 'Resolved', type: 'terminal' }, resolvedByUserId: 'yourUserId', statusUpdatedByUserId: 'yourUserId' },
    });
    // Everything but the status comes from the read; the status fields from the acknowledged patch.
    expect(thread).toMatchObject({ id: 'yourAnnotationId', roomId: 'yourDocumentId', resolved: true, metadata: {}, createdAt: new Date(1777973713421) });
    expect(thread.comments.map((c) => c.id)).toEqual(['123456']);
    expect(thread.raw).toMatchObject({
      status: { id: 'RESOLVED', name: 'Resolved', type: 'terminal' },
      resolvedByUserId: 'yourUserId',
      statusUpdatedByUserId: 'yourUserId',
    });
    // Velt's answer has no lastUpdated: the acknowledgement time, never before the read's lastUpdated.
    expect(thread.updatedAt!.getTime()).toBeGreaterThanOrEqual(Math.max(before, 1777978714209));
    expect(JSON.stringify(thread.raw)).not.toContain('yourApiKey');
    await collab.close();
  });

  it('unresolves in two requests with a default status, clearing resolvedByUserId (and the expanded resolvedByUser)', async () => {
    expectVelt('/commentannotations/get', getAnswer({ ...RESOLVED, resolvedByUser: { userId: 'yourUserId', name: 'Your User' } }));
    expectVelt('/commentannotations/update', ok('Annotations updated successfully.', { yourAnnotationId: { success: true, id: 'yourAnnotationId', message: 'ok' } }));
    const collab = await veltCollab();
    const thread = await collab.threads.unresolve('yourDocumentId', 'yourAnnotationId', { userId: 'u' });
    expect(seen).toHaveLength(2);
    expect((dataOf(1).updatedData as Record<string, unknown>)).toEqual({ status: { id: 'OPEN', name: 'Open', type: 'default' }, resolvedByUserId: null, statusUpdatedByUserId: 'u' });
    expect(thread.resolved).toBe(false);
    const raw = thread.raw as Record<string, unknown>;
    expect(raw.status).toEqual({ id: 'OPEN', name: 'Open', type: 'default' });
    expect(raw.statusUpdatedByUserId).toBe('u');
    expect(raw).not.toHaveProperty('resolvedByUserId');
    expect(raw).not.toHaveProperty('resolvedByUser');
    await collab.close();
  });

  it('is idempotent: a thread already in a terminal (custom) status is left as is', async () => {
    expectVelt('/commentannotations/get', getAnswer({ ...ANNOTATION, status: { id: 'SHIPPED', name: 'Shipped', type: 'terminal' } }));
    const collab = await veltCollab();
    expect((await collab.threads.resolve('d', 'yourAnnotationId', { userId: 'u' })).resolved).toBe(true);
    expect(seen).toHaveLength(1);
    await collab.close();
  });

  it('is NotFoundError for an unknown thread (the `null` entry of §7.4) without writing anything', async () => {
    expectVelt('/commentannotations/get', getAnswer(null));
    const collab = await veltCollab();
    const err = await rejection(collab.threads.resolve('d', 'ghost', { userId: 'u' }));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.operation).toBe('threads.resolve');
    expect(seen).toHaveLength(1);
    await collab.close();
  });

  it('maps the per-item "Annotation not found." of an update (deleted since the read) to NotFoundError', async () => {
    expectVelt('/commentannotations/get', getAnswer(ANNOTATION));
    expectVelt('/commentannotations/update', ok('Annotations updated successfully.', { yourAnnotationId: { success: false, id: 'yourAnnotationId', message: 'Annotation not found.' } }));
    const collab = await veltCollab();
    expect(await rejection(collab.threads.resolve('d', 'yourAnnotationId', { userId: 'u' }))).toBeInstanceOf(NotFoundError);
    expect(seen).toHaveLength(2);
    await collab.close();
  });

  it('does not take an update answer without an entry for the thread as a success (ProviderResponseError naming it)', async () => {
    expectVelt('/commentannotations/get', getAnswer(ANNOTATION));
    expectVelt('/commentannotations/update', ok('Annotations updated successfully.', {}));
    const collab = await veltCollab();
    const err = await rejection(collab.threads.resolve('d', 'yourAnnotationId', { userId: 'u' }));
    expect(err).toBeInstanceOf(ProviderResponseError);
    expect(err.path).toBe('result.data.yourAnnotationId');
    expect(seen).toHaveLength(2);
    await collab.close();
  });
});

describe('threads.updateMetadata -> annotation context (§7.6)', () => {
  it('writes the whole patched context back, keeping access and leaving out the derived accessFields', async () => {
    expectVelt('/commentannotations/get', getAnswer({ ...ANNOTATION, context: { ...ANNOTATION.context, a: '1', b: '2' } }));
    expectVelt('/commentannotations/update', ok('Annotations updated successfully.', { yourAnnotationId: { success: true, id: 'yourAnnotationId', message: 'ok' } }));
    const collab = await veltCollab();
    const metadata = await collab.threads.updateMetadata('yourDocumentId', 'yourAnnotationId', { b: null, c: 3 });
    expect(dataOf(1).updatedData).toEqual({ context: { access: { default: 'velt' }, a: '1', c: 3 } });
    expect(metadata).toEqual({ a: '1', c: 3 });
    await collab.close();
  });
});

describe('threads.delete -> POST /v2/commentannotations/delete (§7.7)', () => {
  it('always names the annotation (an empty selector would delete every annotation of the document)', async () => {
    expectVelt('/commentannotations/delete', ok('Annotations deleted successfully.', { yourAnnotationId1: { success: true, id: 'yourAnnotationId', message: 'Deleted Successfully' } }));
    const collab = await veltCollab();
    await collab.threads.delete('yourDocumentId', 'yourAnnotationId1');
    expect(dataOf(0)).toEqual({ organizationId: ORG, documentId: 'yourDocumentId', annotationIds: ['yourAnnotationId1'] });
    await collab.close();
  });

  it('maps the documented "Annotation not found." item to NotFoundError', async () => {
    expectVelt('/commentannotations/delete', ok('Annotations deleted successfully.', { yourAnnotationId2: { success: false, id: 'yourAnnotationId2', message: 'Annotation not found.' } }));
    const collab = await veltCollab();
    expect(await rejection(collab.threads.delete('yourDocumentId', 'yourAnnotationId2'))).toBeInstanceOf(NotFoundError);
    await collab.close();
  });
});

/** §7.9 example item. */
const COMMENT = {
  commentId: 123456,
  type: 'text',
  status: 'updated',
  commentText: 'This is a sample comment text.',
  commentHtml: '<p>This is a sample comment text.</p>',
  createdAt: 1777973714914,
  lastUpdated: '2026-05-05T09:35:15.048Z',
  from: { userId: 'user123', name: 'John Doe' },
  reactionAnnotationIds: [],
  attachments: [],
  taggedUserContacts: [],
  isDraft: false,
};

describe('comments.create -> POST /v2/commentannotations/comments/add (§7.8)', () => {
  it('sends one commentData item and maps the new numeric id to a string', async () => {
    expectVelt('/commentannotations/comments/add', ok('Comment(s) added successfully.', [778115]));
    expectVelt('/commentannotations/comments/get', ok('Comments retrieved successfully.', [{ ...COMMENT, commentId: 778115, status: 'added', commentText: 'Sample Comment', commentHtml: '<p>Sample Comment</p>' }]));
    const collab = await veltCollab();
    const comment = await collab.comments.create({
      roomId: 'yourDocumentId',
      threadId: 'yourAnnotationId',
      authorId: 'yourUserId',
      body: { version: 1, content: [{ type: 'paragraph', children: [{ type: 'text', text: 'Sample Comment' }] }] },
    });
    expect(dataOf(0)).toEqual({
      organizationId: ORG,
      documentId: 'yourDocumentId',
      annotationId: 'yourAnnotationId',
      commentData: [{ commentText: 'Sample Comment', commentHtml: '<p>Sample Comment</p>', from: { userId: 'yourUserId' } }],
    });
    expect(dataOf(1)).toEqual({ organizationId: ORG, documentId: 'yourDocumentId', annotationId: 'yourAnnotationId', commentIds: [778115] });
    expect(comment).toMatchObject({ id: '778115', threadId: 'yourAnnotationId', roomId: 'yourDocumentId', authorId: 'user123' });
    expect(comment.editedAt).toBeUndefined();
    await collab.close();
  });

  it('maps a missing annotation (NOT_FOUND) to NotFoundError', async () => {
    expectVelt('/commentannotations/comments/add', { error: { status: 'NOT_FOUND', message: 'Annotation not found.' } }, 404);
    const collab = await veltCollab();
    const body: CommentBody = { version: 1, content: [{ type: 'paragraph', children: [] }] };
    expect(await rejection(collab.comments.create({ roomId: 'd', threadId: 'missing', authorId: 'u', body }))).toBeInstanceOf(NotFoundError);
    await collab.close();
  });
});

describe('comments.get -> POST /v2/commentannotations/comments/get (§7.9)', () => {
  it('asks by numeric id and maps the documented item; `null` is NotFoundError', async () => {
    expectVelt('/commentannotations/comments/get', ok('Comments retrieved successfully.', [COMMENT, null]));
    expectVelt('/commentannotations/comments/get', ok('Comments retrieved successfully.', [null]));
    const collab = await veltCollab();
    const comment = await collab.comments.get('yourDocumentId', 'yourAnnotationId', '123456');
    expect(dataOf(0)).toEqual({ organizationId: ORG, documentId: 'yourDocumentId', annotationId: 'yourAnnotationId', commentIds: [123456] });
    expect(comment).toMatchObject({ id: '123456', authorId: 'user123' });
    expect(await rejection(collab.comments.get('yourDocumentId', 'yourAnnotationId', '607395'))).toBeInstanceOf(NotFoundError);
    await collab.close();
  });

  it('rejects a non-numeric comment id with a ValidationError naming commentId, before any request', async () => {
    const collab = await veltCollab();
    for (const bad of ['abc', 'cm_1', '12.5', '-3', '0', '1e3']) {
      const err = await rejection(collab.comments.get('d', 't', bad));
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.field).toBe('commentId');
    }
    expect(await rejection(collab.comments.edit('d', 't', 'x', { body: { version: 1, content: [] } }))).toMatchObject({ field: 'commentId' });
    expect(await rejection(collab.comments.delete('d', 't', 'x'))).toMatchObject({ field: 'commentId' });
    expect(seen).toHaveLength(0);
    await collab.close();
  });
});

describe('comments.edit -> POST /v2/commentannotations/comments/update (§7.10)', () => {
  it('sends the new text, HTML and tagged users for the one comment id', async () => {
    expectVelt('/commentannotations/comments/update', ok('Comment updated successfully.', { '607395': { success: true, id: 607395, message: 'Updated successfully' } }));
    expectVelt('/commentannotations/comments/get', ok('Comments retrieved successfully.', [{ ...COMMENT, commentId: 607395, commentText: 'Sample Updated Comment', commentHtml: '<p>Sample Updated Comment</p>', isEdited: true, editedAt: 1777990000000 }]));
    const collab = await veltCollab();
    const edited = await collab.comments.edit('yourDocumentId', 'yourAnnotationId', '607395', {
      body: { version: 1, content: [{ type: 'paragraph', children: [{ type: 'text', text: 'Sample Updated Comment' }] }] },
    });
    expect(dataOf(0)).toEqual({
      organizationId: ORG,
      documentId: 'yourDocumentId',
      annotationId: 'yourAnnotationId',
      commentIds: [607395],
      updatedData: { commentText: 'Sample Updated Comment', commentHtml: '<p>Sample Updated Comment</p>', taggedUserContacts: [] },
    });
    expect(edited.editedAt).toEqual(new Date(1777990000000));
    await collab.close();
  });

  it('maps the per-item "Not found" to NotFoundError', async () => {
    expectVelt('/commentannotations/comments/update', ok('Comment updated successfully.', { '153783': { success: false, id: 153783, message: 'Not found' } }));
    const collab = await veltCollab();
    const body: CommentBody = { version: 1, content: [{ type: 'paragraph', children: [{ type: 'text', text: 'x' }] }] };
    expect(await rejection(collab.comments.edit('d', 't', '153783', { body }))).toBeInstanceOf(NotFoundError);
    await collab.close();
  });
});

describe('comments.delete -> POST /v2/commentannotations/comments/delete (§7.11)', () => {
  it('always names the comment (no commentIds would delete every comment) and maps "Not found"', async () => {
    expectVelt('/commentannotations/comments/delete', ok('Comments(s) deleted successfully.', { '153783': { success: true, id: 153783, message: 'Deleted successfully' } }));
    expectVelt('/commentannotations/comments/delete', ok('Comments(s) deleted successfully.', { '607395': { success: false, id: 607395, message: 'Not found' } }));
    const collab = await veltCollab();
    await collab.comments.delete('yourDocumentId', 'yourAnnotationId', '153783');
    expect(dataOf(0)).toEqual({ organizationId: ORG, documentId: 'yourDocumentId', annotationId: 'yourAnnotationId', commentIds: [153783] });
    expect(await rejection(collab.comments.delete('yourDocumentId', 'yourAnnotationId', '607395'))).toBeInstanceOf(NotFoundError);
    await collab.close();
  });
});

describe('reactions (§8: no REST endpoint writes reactions)', () => {
  it('add and remove reject with UnsupportedFeatureError before any request', async () => {
    const collab = await veltCollab();
    const input = { roomId: 'd', threadId: 't', commentId: '1', userId: 'u', emoji: '👍' };
    for (const call of [() => collab.reactions.add(input), () => collab.reactions.remove(input)]) {
      const err = await rejection(call());
      expect(err).toBeInstanceOf(UnsupportedFeatureError);
      expect(err.message).toContain('no REST endpoint');
    }
    expect(collab.capabilities['reactions.add']).toBe('no');
    expect(seen).toHaveLength(0);
    await collab.close();
  });
});
