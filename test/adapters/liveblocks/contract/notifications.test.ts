import nock from 'nock';
/**
 * Contract tests of the inbox notification endpoints (vendors/liveblocks.md section 3.6; ids and query
 * examples from the Python SDK README).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Collab } from '../../../../src/collab.js';
import { assertSent, expectCall, liveblocksCollab, useNock } from './helpers.js';

useNock();

let collab: Collab;
beforeAll(async () => {
  collab = await liveblocksCollab({ organizationId: 'org_default' });
});

const THREAD_NOTIFICATION = {
  kind: 'thread',
  id: 'in_abc123',
  roomId: 'my-room-id',
  threadId: 'th_abc123',
  notifiedAt: '2024-03-01T10:00:00.000Z',
  readAt: null,
};
const MENTION_NOTIFICATION = {
  kind: 'textMention',
  id: 'in_mention',
  roomId: 'my-room-id',
  notifiedAt: '2024-03-01T09:00:00.000Z',
  readAt: '2024-03-01T09:30:00.000Z',
  createdBy: 'user-456',
  mentionId: 'tm_1',
  mention: { kind: 'user', id: 'user-123' },
};
const CUSTOM_NOTIFICATION = {
  kind: '$fileUploaded',
  id: 'in_custom',
  subjectId: 'file-1',
  notifiedAt: '2024-03-01T08:00:00.000Z',
  readAt: null,
  activities: [
    { id: 'act_1', createdAt: '2024-03-01T07:00:00.000Z', data: { file: 'a.pdf' } },
    { id: 'act_2', createdAt: '2024-03-01T08:00:00.000Z', data: { file: 'b.pdf', size: 2 } },
  ],
};

describe('GET /v2/users/{userId}/inbox-notifications', () => {
  it('sends limit, startingAfter, query=unread:true and organizationId; maps thread, textMention and custom kinds', async () => {
    const seen = expectCall('GET', '/v2/users/user-123/inbox-notifications', 200, {
      nextCursor: 'next',
      data: [THREAD_NOTIFICATION, MENTION_NOTIFICATION, CUSTOM_NOTIFICATION],
    });
    const page = await collab.notifications.list('user-123', { unread: true, limit: 20, cursor: 'eyJjcmVhdGVkQXQiOjE2NjAwMDA5ODgxMzd9' });
    assertSent(seen, {
      method: 'GET',
      uri: '/v2/users/user-123/inbox-notifications?limit=20&startingAfter=eyJjcmVhdGVkQXQiOjE2NjAwMDA5ODgxMzd9&query=unread%3Atrue&organizationId=org_default',
    });
    expect(page.nextCursor).toBe('next');
    expect(page.items).toEqual([
      { id: 'in_abc123', userId: 'user-123', kind: 'thread', roomId: 'my-room-id', threadId: 'th_abc123', notifiedAt: new Date('2024-03-01T10:00:00.000Z'), readAt: null, raw: THREAD_NOTIFICATION },
      {
        id: 'in_mention',
        userId: 'user-123',
        kind: 'mention',
        roomId: 'my-room-id',
        subjectId: 'tm_1',
        notifiedAt: new Date('2024-03-01T09:00:00.000Z'),
        readAt: new Date('2024-03-01T09:30:00.000Z'),
        raw: MENTION_NOTIFICATION,
      },
      {
        id: 'in_custom',
        userId: 'user-123',
        kind: 'custom',
        customKind: 'fileUploaded',
        subjectId: 'file-1',
        data: { file: 'b.pdf', size: 2 },
        notifiedAt: new Date('2024-03-01T08:00:00.000Z'),
        readAt: null,
        raw: CUSTOM_NOTIFICATION,
      },
    ]);
  });

  it('sends unread:false, caps limit at 50, and takes tenantId over the configured organization', async () => {
    const seen = expectCall('GET', '/v2/users/user-123/inbox-notifications', 200, { nextCursor: null, data: [] });
    const page = await collab.notifications.list('user-123', { unread: false, limit: 500 }, { tenantId: 'org_other' });
    assertSent(seen, { method: 'GET', uri: '/v2/users/user-123/inbox-notifications?limit=50&query=unread%3Afalse&organizationId=org_other' });
    expect(page).toEqual({ items: [], nextCursor: null });
  });
});

describe('GET /v2/users/{userId}/inbox-notifications/{inboxNotificationId}', () => {
  it('gets one notification (adapter extra: notifications.get)', async () => {
    const seen = expectCall('GET', '/v2/users/user-123/inbox-notifications/in_abc123', 200, THREAD_NOTIFICATION);
    const service = collab.notifications as unknown as { get(userId: string, id: string): Promise<unknown> };
    await expect(service.get('user-123', 'in_abc123')).resolves.toMatchObject({ id: 'in_abc123', kind: 'thread' });
    assertSent(seen, { method: 'GET', uri: '/v2/users/user-123/inbox-notifications/in_abc123' });
  });
});

describe('POST /v2/inbox-notifications/{inboxNotificationId}/read', () => {
  it("checks the notification is the user's (GET through their inbox), then marks it read with no body", async () => {
    const get = expectCall('GET', '/v2/users/user-123/inbox-notifications/in_abc123', 200, THREAD_NOTIFICATION);
    const seen = expectCall('POST', '/v2/inbox-notifications/in_abc123/read', 200, {});
    await expect(collab.notifications.markRead('user-123', 'in_abc123')).resolves.toBeUndefined();
    assertSent(get, { method: 'GET', uri: '/v2/users/user-123/inbox-notifications/in_abc123' });
    assertSent(seen, { method: 'POST', uri: '/v2/inbox-notifications/in_abc123/read' });
  });

  it("never marks another user's notification: a 404 through the user's inbox is NotFoundError and nothing is written", async () => {
    expectCall('GET', '/v2/users/mallory/inbox-notifications/in_abc123', 404, { error: 'RESOURCE_NOT_FOUND', message: 'Inbox notification not found' });
    await expect(collab.notifications.markRead('mallory', 'in_abc123')).rejects.toMatchObject({ code: 'not_found', status: 404 });
    expect(nock.pendingMocks()).toEqual([]);
    expect(nock.isDone()).toBe(true);
  });

  it('an already read notification needs no write', async () => {
    expectCall('GET', '/v2/users/user-123/inbox-notifications/in_abc123', 200, { ...THREAD_NOTIFICATION, readAt: '2024-03-01T11:00:00.000Z' });
    await expect(collab.notifications.markRead('user-123', 'in_abc123')).resolves.toBeUndefined();
    expect(nock.isDone()).toBe(true);
  });
});

describe('DELETE /v2/users/{userId}/inbox-notifications/{inboxNotificationId}', () => {
  it('deletes one notification (204)', async () => {
    const seen = expectCall('DELETE', '/v2/users/user-123/inbox-notifications/in_abc123', 204);
    await collab.notifications.delete('user-123', 'in_abc123');
    assertSent(seen, { method: 'DELETE', uri: '/v2/users/user-123/inbox-notifications/in_abc123' });
  });
});

describe('DELETE /v2/users/{userId}/inbox-notifications', () => {
  it('deletes all notifications of the organization (adapter extra: notifications.deleteAll)', async () => {
    const seen = expectCall('DELETE', '/v2/users/user-123/inbox-notifications', 204);
    const service = collab.notifications as unknown as { deleteAll(userId: string): Promise<void> };
    await service.deleteAll('user-123');
    assertSent(seen, { method: 'DELETE', uri: '/v2/users/user-123/inbox-notifications?organizationId=org_default' });
  });
});

describe('POST /v2/inbox-notifications/trigger', () => {
  it('sends { userId, kind: "$kind", subjectId, activityData, roomId, organizationId } (200, no content)', async () => {
    const seen = expectCall('POST', '/v2/inbox-notifications/trigger', 200);
    await collab.notifications.trigger({ userId: 'user-123', kind: 'fileUploaded', subjectId: 'file-1', roomId: 'my-room-id', data: { file: 'a.pdf', size: 2, ok: true } });
    assertSent(seen, {
      method: 'POST',
      uri: '/v2/inbox-notifications/trigger',
      body: { userId: 'user-123', kind: '$fileUploaded', subjectId: 'file-1', activityData: { file: 'a.pdf', size: 2, ok: true }, roomId: 'my-room-id', organizationId: 'org_default' },
    });
  });
});
