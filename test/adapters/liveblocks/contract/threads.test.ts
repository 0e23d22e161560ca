/**
 * Contract tests of the thread, comment and reaction endpoints (vendors/liveblocks.md sections 3.3-3.5
 * and 4.2; ids and the body example from the Python SDK README).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Collab } from '../../../../src/collab.js';
import type { CommentBody } from '../../../../src/core/model/body.js';
import { assertSent, expectCall, liveblocksCollab, rejection, useNock } from './helpers.js';

useNock();

let collab: Collab;
beforeAll(async () => {
  collab = await liveblocksCollab({ systemUserId: 'backend' });
});

/** The comment body example of the reference ("Hello world" with "world" bold). */
const WIRE_BODY = { version: 1, content: [{ type: 'paragraph', children: [{ text: 'Hello ' }, { text: 'world', bold: true }] }] };
const CORE_BODY: CommentBody = {
  version: 1,
  content: [{ type: 'paragraph', children: [{ type: 'text', text: 'Hello ' }, { type: 'text', text: 'world', bold: true }] }],
};

const COMMENT = {
  type: 'comment',
  id: 'cm_abc123',
  threadId: 'th_abc123',
  roomId: 'my-room-id',
  userId: 'user-123',
  createdAt: '2024-03-01T10:00:00.000Z',
  body: WIRE_BODY,
  metadata: {},
  reactions: [{ emoji: '👍', createdAt: '2024-03-01T10:05:00.000Z', users: [{ id: 'user-456' }, { id: 'user-789' }] }],
  attachments: [],
};

const THREAD = {
  type: 'thread',
  id: 'th_abc123',
  roomId: 'my-room-id',
  createdAt: '2024-03-01T10:00:00.000Z',
  updatedAt: '2024-03-01T10:05:00.000Z',
  comments: [COMMENT],
  metadata: { status: 'open', priority: 1 },
  resolved: false,
  visibility: 'public',
};

const CORE_COMMENT = {
  id: 'cm_abc123',
  threadId: 'th_abc123',
  roomId: 'my-room-id',
  authorId: 'user-123',
  body: CORE_BODY,
  createdAt: new Date('2024-03-01T10:00:00.000Z'),
  reactions: [{ emoji: '👍', userIds: ['user-456', 'user-789'], createdAt: new Date('2024-03-01T10:05:00.000Z') }],
  metadata: {},
  raw: COMMENT,
};

const THREADS_PATH = '/v2/rooms/my-room-id/threads';
const THREAD_PATH = `${THREADS_PATH}/th_abc123`;
const COMMENT_PATH = `${THREAD_PATH}/comments/cm_abc123`;

describe('POST /v2/rooms/{roomId}/threads', () => {
  it('sends the first comment (userId, body with formatting, mention, link) and metadata; maps the thread back', async () => {
    const seen = expectCall('POST', THREADS_PATH, 200, THREAD);
    const body: CommentBody = {
      version: 1,
      content: [
        {
          type: 'paragraph',
          children: [
            { type: 'text', text: 'Hello ' },
            { type: 'text', text: 'world', bold: true, italic: false },
            { type: 'text', text: ' ' },
            { type: 'mention', userId: 'user-456' },
            { type: 'text', text: ', see ' },
            { type: 'link', url: 'https://example.com/spec', text: 'the spec' },
          ],
        },
        { type: 'paragraph', children: [] },
      ],
    };
    const thread = await collab.threads.create({ roomId: 'my-room-id', comment: { authorId: 'user-123', body, metadata: { pinned: true } }, metadata: { status: 'open', priority: 1 } });
    assertSent(seen, {
      method: 'POST',
      uri: THREADS_PATH,
      body: {
        comment: {
          userId: 'user-123',
          body: {
            version: 1,
            content: [
              {
                type: 'paragraph',
                children: [
                  { text: 'Hello ' },
                  { text: 'world', bold: true },
                  { text: ' ' },
                  { type: 'mention', kind: 'user', id: 'user-456' },
                  { text: ', see ' },
                  { type: 'link', url: 'https://example.com/spec', text: 'the spec' },
                ],
              },
              { type: 'paragraph', children: [{ text: '' }] },
            ],
          },
          metadata: { pinned: true },
        },
        metadata: { status: 'open', priority: 1 },
      },
    });
    expect(thread).toEqual({
      id: 'th_abc123',
      roomId: 'my-room-id',
      resolved: false,
      metadata: { status: 'open', priority: 1 },
      comments: [CORE_COMMENT],
      createdAt: new Date('2024-03-01T10:00:00.000Z'),
      updatedAt: new Date('2024-03-01T10:05:00.000Z'),
      raw: THREAD,
    });
  });

  it('passes a client-chosen thread id through', async () => {
    const seen = expectCall('POST', THREADS_PATH, 200, THREAD);
    await collab.threads.create({ roomId: 'my-room-id', id: 'th_abc123', comment: { authorId: 'user-123', body: CORE_BODY } });
    expect(seen[0]!.body).toEqual({ id: 'th_abc123', comment: { userId: 'user-123', body: WIRE_BODY } });
  });

  it('a retry with a client-chosen id that meets 409 after a lost answer reads the existing thread back', async () => {
    const retrying = await liveblocksCollab({ systemUserId: 'backend', retries: 1 });
    try {
      const first = expectCall('POST', THREADS_PATH, 503, { error: 'SERVICE_UNAVAILABLE', message: 'Try again' });
      const second = expectCall('POST', THREADS_PATH, 409, { error: 'THREAD_ALREADY_EXISTS', message: 'Thread already exists' });
      const read = expectCall('GET', THREAD_PATH, 200, THREAD);
      const thread = await retrying.threads.create({ roomId: 'my-room-id', id: 'th_abc123', comment: { authorId: 'user-123', body: CORE_BODY } });
      const sent = { id: 'th_abc123', comment: { userId: 'user-123', body: WIRE_BODY } };
      assertSent(first, { method: 'POST', uri: THREADS_PATH, body: sent });
      assertSent(second, { method: 'POST', uri: THREADS_PATH, body: sent });
      assertSent(read, { method: 'GET', uri: THREAD_PATH });
      // The thread the lost answer had created, mapped as any other.
      expect(thread).toEqual({
        id: 'th_abc123',
        roomId: 'my-room-id',
        resolved: false,
        metadata: { status: 'open', priority: 1 },
        comments: [CORE_COMMENT],
        createdAt: new Date('2024-03-01T10:00:00.000Z'),
        updatedAt: new Date('2024-03-01T10:05:00.000Z'),
        raw: THREAD,
      });
    } finally {
      await retrying.close();
    }
  });

  it('a 409 on the first attempt is a real conflict: ConflictError, and the thread is not read', async () => {
    const retrying = await liveblocksCollab({ systemUserId: 'backend', retries: 1 });
    try {
      const create = expectCall('POST', THREADS_PATH, 409, { error: 'THREAD_ALREADY_EXISTS', message: 'Thread already exists' });
      const err = await rejection(retrying.threads.create({ roomId: 'my-room-id', id: 'th_abc123', comment: { authorId: 'user-123', body: CORE_BODY } }));
      expect(err).toMatchObject({ name: 'ConflictError', code: 'conflict', status: 409, operation: 'threads.create' });
      assertSent(create, { method: 'POST', uri: THREADS_PATH, body: { id: 'th_abc123', comment: { userId: 'user-123', body: WIRE_BODY } } });
    } finally {
      await retrying.close();
    }
  });

  it('without a client-chosen id the create is not retried: one request, and the 503 surfaces', async () => {
    const retrying = await liveblocksCollab({ systemUserId: 'backend', retries: 2 });
    try {
      const create = expectCall('POST', THREADS_PATH, 503, { error: 'SERVICE_UNAVAILABLE', message: 'Try again' });
      const err = await rejection(retrying.threads.create({ roomId: 'my-room-id', comment: { authorId: 'user-123', body: CORE_BODY } }));
      expect(err).toMatchObject({ code: 'provider_unavailable', status: 503 });
      assertSent(create, { method: 'POST', uri: THREADS_PATH, body: { comment: { userId: 'user-123', body: WIRE_BODY } } });
    } finally {
      await retrying.close();
    }
  });

  it('rejects list-valued thread metadata before any request', async () => {
    await expect(
      collab.threads.create({ roomId: 'my-room-id', comment: { authorId: 'user-123', body: CORE_BODY }, metadata: { tags: ['a'] } }),
    ).rejects.toMatchObject({ code: 'validation_error', field: 'metadata.tags' });
  });
});

describe('GET /v2/rooms/{roomId}/threads', () => {
  const thread = (id: string, createdAt: string) => ({ ...THREAD, id, createdAt, comments: [{ ...COMMENT, threadId: id }] });

  it('sends resolved and metadata as query language and pages client-side, oldest first, with an opaque cursor', async () => {
    const all = { data: [thread('th_c', '2024-03-03T00:00:00.000Z'), thread('th_a', '2024-03-01T00:00:00.000Z'), thread('th_b', '2024-03-02T00:00:00.000Z')] };
    const first = expectCall('GET', THREADS_PATH, 200, all);
    const page1 = await collab.threads.list('my-room-id', { resolved: false, metadata: { status: 'open' }, limit: 2 });
    assertSent(first, { method: 'GET', uri: `${THREADS_PATH}?query=${encodeURIComponent("resolved:false metadata['status']:'open'").replace(/'/g, '%27')}` });
    expect(page1.items.map((t) => t.id)).toEqual(['th_a', 'th_b']);
    expect(page1.nextCursor).toEqual(expect.any(String));

    // th_b was deleted and th_d created in between: the cursor is a position, so nothing repeats or is skipped.
    expectCall('GET', THREADS_PATH, 200, { data: [thread('th_d', '2024-03-04T00:00:00.000Z'), thread('th_a', '2024-03-01T00:00:00.000Z'), thread('th_c', '2024-03-03T00:00:00.000Z')] });
    const page2 = await collab.threads.list('my-room-id', { resolved: false, metadata: { status: 'open' }, limit: 2, cursor: page1.nextCursor! });
    expect(page2.items.map((t) => t.id)).toEqual(['th_c', 'th_d']);
    expect(page2.nextCursor).toBeNull();
  });

  it('returns every thread in one page without a limit, and iterate makes a single request', async () => {
    expectCall('GET', THREADS_PATH, 200, { data: [thread('th_b', '2024-03-02T00:00:00.000Z'), thread('th_a', '2024-03-01T00:00:00.000Z')] });
    const page = await collab.threads.list('my-room-id');
    expect(page).toMatchObject({ nextCursor: null });
    expect(page.items.map((t) => t.id)).toEqual(['th_a', 'th_b']);
    const seen = expectCall('GET', THREADS_PATH, 200, { data: [thread('th_b', '2024-03-02T00:00:00.000Z'), thread('th_a', '2024-03-01T00:00:00.000Z')] });
    const ids: string[] = [];
    for await (const t of collab.threads.iterate('my-room-id', { resolved: true })) ids.push(t.id);
    expect(ids).toEqual(['th_a', 'th_b']);
    assertSent(seen, { method: 'GET', uri: `${THREADS_PATH}?query=resolved%3Atrue` });
  });

  it('rejects a cursor it did not make', async () => {
    await expect(collab.threads.list('my-room-id', { cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'validation_error', field: 'query.cursor' });
  });
});

describe('GET /v2/rooms/{roomId}/threads/{threadId}', () => {
  it('gets the thread; a deleted comment (no body, deletedAt) maps to an empty body with deletedAt', async () => {
    const deleted = { ...COMMENT, id: 'cm_deleted', body: undefined, deletedAt: '2024-03-02T00:00:00.000Z', reactions: [] };
    const wire = { ...THREAD, comments: [COMMENT, deleted] };
    const seen = expectCall('GET', THREAD_PATH, 200, wire);
    const thread = await collab.threads.get('my-room-id', 'th_abc123');
    assertSent(seen, { method: 'GET', uri: THREAD_PATH });
    expect(thread.comments[1]).toMatchObject({ id: 'cm_deleted', body: { version: 1, content: [] }, deletedAt: new Date('2024-03-02T00:00:00.000Z') });
    expect(thread.comments[0]!.deletedAt).toBeUndefined();
  });
});

describe('DELETE /v2/rooms/{roomId}/threads/{threadId}', () => {
  it('deletes the thread (204)', async () => {
    const seen = expectCall('DELETE', THREAD_PATH, 204);
    await collab.threads.delete('my-room-id', 'th_abc123');
    assertSent(seen, { method: 'DELETE', uri: THREAD_PATH });
  });
});

describe('POST .../mark-as-resolved and .../mark-as-unresolved', () => {
  it('resolve sends { userId } and maps the returned thread', async () => {
    const seen = expectCall('POST', `${THREAD_PATH}/mark-as-resolved`, 200, { ...THREAD, resolved: true });
    const thread = await collab.threads.resolve('my-room-id', 'th_abc123', { userId: 'user-123' });
    assertSent(seen, { method: 'POST', uri: `${THREAD_PATH}/mark-as-resolved`, body: { userId: 'user-123' } });
    expect(thread.resolved).toBe(true);
  });

  it('unresolve sends { userId } and maps the returned thread', async () => {
    const seen = expectCall('POST', `${THREAD_PATH}/mark-as-unresolved`, 200, THREAD);
    const thread = await collab.threads.unresolve('my-room-id', 'th_abc123', { userId: 'user-123' });
    assertSent(seen, { method: 'POST', uri: `${THREAD_PATH}/mark-as-unresolved`, body: { userId: 'user-123' } });
    expect(thread.resolved).toBe(false);
  });
});

describe('POST .../threads/{threadId}/metadata', () => {
  it('sends the patch (null deletes) with the configured systemUserId and returns the whole metadata', async () => {
    const seen = expectCall('POST', `${THREAD_PATH}/metadata`, 200, { priority: 2 });
    const metadata = await collab.threads.updateMetadata('my-room-id', 'th_abc123', { status: null, priority: 2 });
    assertSent(seen, { method: 'POST', uri: `${THREAD_PATH}/metadata`, body: { metadata: { status: null, priority: 2 }, userId: 'backend' } });
    expect(metadata).toEqual({ priority: 2 });
  });
});

describe('POST .../threads/{threadId}/comments', () => {
  it('sends { userId, body } and maps the comment', async () => {
    const seen = expectCall('POST', `${THREAD_PATH}/comments`, 200, COMMENT);
    const comment = await collab.comments.create({ roomId: 'my-room-id', threadId: 'th_abc123', authorId: 'user-123', body: CORE_BODY });
    assertSent(seen, { method: 'POST', uri: `${THREAD_PATH}/comments`, body: { userId: 'user-123', body: WIRE_BODY } });
    expect(comment).toEqual(CORE_COMMENT);
  });
});

describe('GET .../comments/{commentId}', () => {
  it('gets the comment, reading mentions without kind, group mentions and unknown nodes leniently', async () => {
    const body = {
      version: 1,
      content: [
        {
          type: 'paragraph',
          children: [
            { type: 'mention', id: 'old-style' },
            { text: ' and ' },
            { type: 'mention', kind: 'group', id: 'engineering', userIds: ['a', 'b'] },
            { type: 'emoji-from-the-future', value: ':)' },
            { type: 'link', url: 'https://liveblocks.io' },
          ],
        },
      ],
    };
    const seen = expectCall('GET', COMMENT_PATH, 200, { ...COMMENT, body, editedAt: '2024-03-01T11:00:00.000Z' });
    const comment = await collab.comments.get('my-room-id', 'th_abc123', 'cm_abc123');
    assertSent(seen, { method: 'GET', uri: COMMENT_PATH });
    expect(comment.editedAt).toEqual(new Date('2024-03-01T11:00:00.000Z'));
    expect(comment.body).toEqual({
      version: 1,
      content: [
        {
          type: 'paragraph',
          children: [
            { type: 'mention', userId: 'old-style' },
            { type: 'text', text: ' and ' },
            { type: 'text', text: '@engineering' },
            { type: 'link', url: 'https://liveblocks.io' },
          ],
        },
      ],
    });
  });
});

describe('POST .../comments/{commentId}', () => {
  it('edits the body and maps editedAt', async () => {
    const seen = expectCall('POST', COMMENT_PATH, 200, { ...COMMENT, editedAt: '2024-03-01T12:00:00.000Z' });
    const comment = await collab.comments.edit('my-room-id', 'th_abc123', 'cm_abc123', { body: CORE_BODY });
    assertSent(seen, { method: 'POST', uri: COMMENT_PATH, body: { body: WIRE_BODY } });
    expect(comment.editedAt).toEqual(new Date('2024-03-01T12:00:00.000Z'));
  });
});

describe('DELETE .../comments/{commentId}', () => {
  it('deletes the comment (204)', async () => {
    const seen = expectCall('DELETE', COMMENT_PATH, 204);
    await collab.comments.delete('my-room-id', 'th_abc123', 'cm_abc123');
    assertSent(seen, { method: 'DELETE', uri: COMMENT_PATH });
  });
});

describe('POST .../comments/{commentId}/add-reaction', () => {
  it('sends { userId, emoji }, then reads the comment back', async () => {
    const add = expectCall('POST', `${COMMENT_PATH}/add-reaction`, 200, { emoji: '👍', createdAt: '2024-03-01T10:05:00.000Z', userId: 'user-789' });
    const get = expectCall('GET', COMMENT_PATH, 200, COMMENT);
    const comment = await collab.reactions.add({ roomId: 'my-room-id', threadId: 'th_abc123', commentId: 'cm_abc123', userId: 'user-789', emoji: '👍' });
    assertSent(add, { method: 'POST', uri: `${COMMENT_PATH}/add-reaction`, body: { userId: 'user-789', emoji: '👍' } });
    assertSent(get, { method: 'GET', uri: COMMENT_PATH });
    expect(comment.reactions).toEqual([{ emoji: '👍', userIds: ['user-456', 'user-789'], createdAt: new Date('2024-03-01T10:05:00.000Z') }]);
  });

  it('treats 409 "Reaction already exists" as done: the existing comment is read back and mapped', async () => {
    const add = expectCall('POST', `${COMMENT_PATH}/add-reaction`, 409, { error: 'RESOURCE_ALREADY_EXISTS', message: 'Reaction already exists' });
    // The comment as it stands, with the reaction the 409 says exists (user-789 among its users).
    const get = expectCall('GET', COMMENT_PATH, 200, COMMENT);
    const comment = await collab.reactions.add({ roomId: 'my-room-id', threadId: 'th_abc123', commentId: 'cm_abc123', userId: 'user-789', emoji: '👍' });
    assertSent(add, { method: 'POST', uri: `${COMMENT_PATH}/add-reaction`, body: { userId: 'user-789', emoji: '👍' } });
    assertSent(get, { method: 'GET', uri: COMMENT_PATH });
    expect(comment).toEqual(CORE_COMMENT);
  });

  it('any other failure of the add is not swallowed, and the comment is not read', async () => {
    const add = expectCall('POST', `${COMMENT_PATH}/add-reaction`, 403, { error: 'FORBIDDEN', message: 'Not allowed' });
    const err = await rejection(collab.reactions.add({ roomId: 'my-room-id', threadId: 'th_abc123', commentId: 'cm_abc123', userId: 'user-789', emoji: '👍' }));
    expect(err).toMatchObject({ code: 'permission_denied', status: 403 });
    assertSent(add, { method: 'POST', uri: `${COMMENT_PATH}/add-reaction`, body: { userId: 'user-789', emoji: '👍' } });
  });
});

describe('POST .../comments/{commentId}/remove-reaction', () => {
  it('sends { userId, emoji } (204), then reads the comment back', async () => {
    const remove = expectCall('POST', `${COMMENT_PATH}/remove-reaction`, 204);
    expectCall('GET', COMMENT_PATH, 200, { ...COMMENT, reactions: [] });
    const comment = await collab.reactions.remove({ roomId: 'my-room-id', threadId: 'th_abc123', commentId: 'cm_abc123', userId: 'user-789', emoji: '👍' });
    assertSent(remove, { method: 'POST', uri: `${COMMENT_PATH}/remove-reaction`, body: { userId: 'user-789', emoji: '👍' } });
    expect(comment.reactions).toEqual([]);
  });

  it('treats 404 "Comment reaction not found" as done, but a missing comment is still NotFoundError', async () => {
    expectCall('POST', `${COMMENT_PATH}/remove-reaction`, 404, { error: 'RESOURCE_NOT_FOUND', message: 'Comment reaction not found' });
    expectCall('GET', COMMENT_PATH, 200, COMMENT);
    await expect(collab.reactions.remove({ roomId: 'my-room-id', threadId: 'th_abc123', commentId: 'cm_abc123', userId: 'x', emoji: '🎉' })).resolves.toMatchObject({ id: 'cm_abc123' });

    expectCall('POST', `${COMMENT_PATH}/remove-reaction`, 404, { error: 'RESOURCE_NOT_FOUND', message: 'Comment not found' });
    expectCall('GET', COMMENT_PATH, 404, { error: 'RESOURCE_NOT_FOUND', message: 'Comment not found' });
    const err = await rejection(collab.reactions.remove({ roomId: 'my-room-id', threadId: 'th_abc123', commentId: 'cm_abc123', userId: 'x', emoji: '🎉' }));
    expect(err).toMatchObject({ code: 'not_found', vendorCode: 'RESOURCE_NOT_FOUND', status: 404 });
  });
});
