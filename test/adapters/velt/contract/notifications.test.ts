/** Contract: notifications (vendors/velt.md §9), from the reference's literal examples. */
import { describe, expect, it } from 'vitest';
import { NotFoundError, ProviderResponseError } from '../../../../src/core/errors.js';
import { PartialBatchError } from '../../../../src/adapters/velt/index.js';
import { dataOf, expectVelt, ok, ORG, rejection, seen, useNock, veltCollab } from './harness.js';

useNock();

/** §9.2 example item. */
const NOTIFICATION = {
  id: 'notificationId',
  notificationSource: 'custom',
  notificationSourceData: {},
  actionUser: { email: 'user@example.com', name: 'User Name', userId: 'yourUserId' },
  displayBodyMessage: 'This is body message (Secondary message)',
  displayHeadlineMessageTemplate: '{actionUser} mentioned {recipientUser}',
  displayHeadlineMessageTemplateData: { actionUser: { userId: 'yourUserId' }, recipientUser: { userId: '2.2' }, yourCustomVariableWithStringValue: 'x' },
  metadata: { apiKey: 'yourApiKey', documentId: 'yourDocumentId', organizationId: 'yourOrganizationId' },
  notifyUsers: { yourNotifyUserId: true },
  notifyUsersByUserId: { yourNotifyUserById: true },
  timestamp: 1722409519944,
};

describe('notifications.list -> POST /v2/notifications/get (§9.2, `pageToken` answer field)', () => {
  it('queries by userId with pageSize and maps the documented item', async () => {
    expectVelt('/notifications/get', ok('Notification(s) retrieved successfully.', [NOTIFICATION], { pageToken: 'nextPageToken' }));
    const collab = await veltCollab();
    const page = await collab.notifications.list('yourUserId', { limit: 20 });
    expect(dataOf(0)).toEqual({ organizationId: ORG, userId: 'yourUserId', pageSize: 20 });
    expect(page.items[0]).toMatchObject({ id: 'notificationId', userId: 'yourUserId', kind: 'custom', customKind: 'custom', roomId: 'yourDocumentId', readAt: null });
    expect(page.items[0]!.notifiedAt).toEqual(new Date(1722409519944));
    expect(JSON.stringify(page.items[0]!.raw)).not.toContain('yourApiKey');
    expect(page.nextCursor).toEqual(expect.any(String));
    expectVelt('/notifications/get', ok('Notification(s) retrieved successfully.', []));
    await collab.notifications.list('yourUserId', { limit: 20, cursor: page.nextCursor! });
    expect(dataOf(1)).toEqual({ organizationId: ORG, userId: 'yourUserId', pageSize: 20, pageToken: 'nextPageToken' });
    await collab.close();
  });

  it('maps read state (readByUserIds / isUnread) and filters unread client-side', async () => {
    expectVelt(
      '/notifications/get',
      ok('ok', [
        { ...NOTIFICATION, id: 'n1', readByUserIds: ['yourUserId'] },
        { ...NOTIFICATION, id: 'n2', readByUserIds: [] },
        { ...NOTIFICATION, id: 'n3', isUnread: false },
      ]),
    );
    const collab = await veltCollab();
    const unread = await collab.notifications.list('yourUserId', { unread: true });
    expect(unread.items.map((n) => n.id)).toEqual(['n2']);
    await collab.close();
  });

  it('maps comment notifications to mention (user tagged) and thread kinds', async () => {
    const annotation = { annotationId: 'a1', comments: [{ commentId: 11, taggedUserContacts: [{ userId: 'bob' }] }] };
    expectVelt(
      '/notifications/get',
      ok('ok', [{ ...NOTIFICATION, id: 'm', notificationSource: 'comment', notificationSourceData: annotation, targetAnnotationId: 'a1' }]),
    );
    expectVelt('/notifications/get', ok('ok', [{ ...NOTIFICATION, id: 't', notificationSource: 'comment', notificationSourceData: annotation }]));
    const collab = await veltCollab();
    expect((await collab.notifications.list('bob')).items[0]).toMatchObject({ kind: 'mention', threadId: 'a1', subjectId: '11' });
    expect((await collab.notifications.list('carol')).items[0]).toMatchObject({ kind: 'thread', threadId: 'a1', subjectId: 'a1' });
    await collab.close();
  });
});

describe('notifications.trigger -> POST /v2/notifications/add (§9.1)', () => {
  it('sends its own notificationId, notifyAll: false and the kind/subject/data for list to read back', async () => {
    expectVelt('/notifications/add', ok('Notification added successfully.', { success: true, message: 'Notification added successfully.' }));
    const collab = await veltCollab();
    await collab.notifications.trigger({ userId: '2.2', kind: 'fileUploaded', subjectId: 'file-1', roomId: 'document3', data: { size: 3 } });
    const data = dataOf(0);
    expect(data).toEqual({
      organizationId: ORG,
      documentId: 'document3',
      notificationId: expect.stringMatching(/^uc-[A-Za-z0-9-]+$/),
      actionUser: { userId: '2.2' },
      displayHeadlineMessageTemplate: 'fileUploaded',
      displayBodyMessage: 'file-1',
      notifyUsers: [{ userId: '2.2' }],
      notifyAll: false,
      notificationSource: 'custom',
      notificationSourceData: { unicollab: { kind: 'fileUploaded', subjectId: 'file-1', roomId: 'document3', data: { size: 3 } } },
    });
    await collab.close();
  });

  it('without a room, uses the notification document (created on first use) and hides it as a room', async () => {
    expectVelt('/notifications/add', ok('Notification added successfully.', { success: true, message: 'Notification added successfully.' }));
    expectVelt('/notifications/get', ok('ok', [{ ...NOTIFICATION, metadata: { documentId: 'inbox' }, notificationSourceData: { unicollab: { kind: 'k', subjectId: 's' } } }]));
    const collab = await veltCollab({ notificationDocumentId: 'inbox' });
    await collab.notifications.trigger({ userId: 'u', kind: 'k', subjectId: 's' });
    expect(dataOf(0)).toMatchObject({ documentId: 'inbox', createDocument: true });
    const [n] = (await collab.notifications.list('u')).items;
    expect(n).toMatchObject({ kind: 'custom', customKind: 'k', subjectId: 's' });
    expect(n!.roomId).toBeUndefined();
    await collab.close();
  });
});

describe('notifications.markRead -> POST /v2/notifications/update (§9.3)', () => {
  it('writes readByUserIds in one request (notifications as an array), no read first', async () => {
    expectVelt('/notifications/update', ok('Notification(s) updated successfully.', { yourNotificationId: { success: true, message: 'Notification updated.' } }));
    const collab = await veltCollab();
    await collab.notifications.markRead('yourUserId', 'yourNotificationId');
    expect(seen.map((c) => c.path)).toEqual(['/v2/notifications/update']);
    expect(dataOf(0)).toEqual({ organizationId: ORG, userId: 'yourUserId', notifications: [{ id: 'yourNotificationId', readByUserIds: ['yourUserId'] }] });
    await collab.close();
  });

  it('is idempotent: an already read notification is written again (readByUserIds marks read), still one request', async () => {
    expectVelt('/notifications/update', ok('Notification(s) updated successfully.', { n: { success: true, message: 'Notification updated.' } }), 200, { times: 2 });
    const collab = await veltCollab();
    await collab.notifications.markRead('u', 'n');
    await collab.notifications.markRead('u', 'n');
    expect(seen.map((c) => c.path)).toEqual(['/v2/notifications/update', '/v2/notifications/update']);
    await collab.close();
  });

  it('is NotFoundError for an unknown notification: the failed entry is explained by a read (update + get)', async () => {
    expectVelt('/notifications/update', ok('Notification(s) updated successfully.', { missing: { success: false, message: 'Failed to update notification.' } }));
    expectVelt('/notifications/get', ok('Notification(s) retrieved successfully.', []));
    const collab = await veltCollab();
    const err = await rejection(collab.notifications.markRead('u', 'missing'));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.operation).toBe('notifications.markRead');
    expect(seen.map((c) => c.path)).toEqual(['/v2/notifications/update', '/v2/notifications/get']);
    expect(dataOf(1)).toEqual({ organizationId: ORG, userId: 'u', notificationIds: ['missing'] });
    await collab.close();
  });

  it('reports the documented per-item failure ("Failed to update notification.") of an existing notification as PartialBatchError', async () => {
    expectVelt('/notifications/update', ok('Notification(s) updated successfully.', { '5471488637912692': { success: false, message: 'Failed to update notification.' } }));
    expectVelt('/notifications/get', ok('ok', [{ ...NOTIFICATION, id: '5471488637912692' }]));
    const collab = await veltCollab();
    const err = await rejection(collab.notifications.markRead('u', '5471488637912692'));
    expect(PartialBatchError.is(err)).toBe(true);
    expect(err.failed).toEqual([{ id: '5471488637912692', message: 'Failed to update notification.' }]);
    expect(seen).toHaveLength(2);
    await collab.close();
  });

  it('keeps the write failure when the explaining read fails too', async () => {
    expectVelt('/notifications/update', ok('ok', { n: { success: false, message: 'Failed to update notification.' } }));
    expectVelt('/notifications/get', { error: { status: 'INTERNAL', message: 'boom' } }, 500);
    const collab = await veltCollab();
    const err = await rejection(collab.notifications.markRead('u', 'n'));
    expect(PartialBatchError.is(err)).toBe(true);
    await collab.close();
  });

  it('does not take an answer without an entry for the notification as a success (ProviderResponseError naming it)', async () => {
    expectVelt('/notifications/update', ok('Notification(s) updated successfully.', {}));
    const collab = await veltCollab();
    const err = await rejection(collab.notifications.markRead('u', 'n'));
    expect(err).toBeInstanceOf(ProviderResponseError);
    expect(err.path).toBe('result.data.n');
    expect(seen).toHaveLength(1);
    await collab.close();
  });
});

describe('notifications.delete -> POST /v2/notifications/delete (§9.4)', () => {
  it('deletes by id for the user in one request, no read first', async () => {
    expectVelt('/notifications/delete', ok('Notification(s) deleted successfully.', { '8955243231506071': { success: true, message: 'Notification deleted.' } }));
    const collab = await veltCollab();
    await collab.notifications.delete('yourUserId', '8955243231506071');
    expect(seen.map((c) => c.path)).toEqual(['/v2/notifications/delete']);
    expect(dataOf(0)).toEqual({ organizationId: ORG, userId: 'yourUserId', notificationIds: ['8955243231506071'] });
    await collab.close();
  });

  it('is NotFoundError for an unknown notification: the failed entry is explained by a read (delete + get)', async () => {
    expectVelt('/notifications/delete', ok('Notification(s) deleted successfully.', { nope: { success: false, message: 'Failed to delete notification.' } }));
    expectVelt('/notifications/get', ok('ok', []));
    const collab = await veltCollab();
    const err = await rejection(collab.notifications.delete('u', 'nope'));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.operation).toBe('notifications.delete');
    expect(seen.map((c) => c.path)).toEqual(['/v2/notifications/delete', '/v2/notifications/get']);
    expect(dataOf(1)).toEqual({ organizationId: ORG, userId: 'u', notificationIds: ['nope'] });
    await collab.close();
  });

  it('reports the documented "Failed to delete notification." of an existing notification as PartialBatchError', async () => {
    expectVelt('/notifications/delete', ok('Notification(s) deleted successfully.', { '89552432315060712': { success: false, message: 'Failed to delete notification.' } }));
    expectVelt('/notifications/get', ok('ok', [{ ...NOTIFICATION, id: '89552432315060712' }]));
    const collab = await veltCollab();
    const err = await rejection(collab.notifications.delete('u', '89552432315060712'));
    expect(PartialBatchError.is(err)).toBe(true);
    expect(err.failed).toEqual([{ id: '89552432315060712', message: 'Failed to delete notification.' }]);
    await collab.close();
  });

  it('does not take an answer without an entry for the notification as a success (ProviderResponseError naming it)', async () => {
    expectVelt('/notifications/delete', ok('Notification(s) deleted successfully.', {}));
    const collab = await veltCollab();
    const err = await rejection(collab.notifications.delete('u', 'n'));
    expect(err).toBeInstanceOf(ProviderResponseError);
    expect(err.path).toBe('result.data.n');
    expect(seen).toHaveLength(1);
    await collab.close();
  });
});
