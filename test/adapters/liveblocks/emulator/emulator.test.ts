/**
 * Tests of the Liveblocks emulator (test/adapters/liveblocks/emulator/), over real HTTP with global fetch,
 * plus a wire-compatibility cross-check with the vendor's own client (@liveblocks/node).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Liveblocks, LiveblocksError, WebhookHandler } from '@liveblocks/node';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLiveblocksEmulator, type LiveblocksEmulator } from './server.js';

let lb: LiveblocksEmulator;
/** Mutable clock injected into the emulator. */
let clock = new Date('2030-01-01T00:00:00.000Z');
const tick = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};

interface ApiResponse {
  status: number;
  body: any;
  headers: Headers;
}

async function api(
  method: string,
  path: string,
  body?: unknown,
  opts: { auth?: string | null; raw?: string } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  const auth = opts.auth === undefined ? 'Bearer sk_localdev' : opts.auth;
  if (auth !== null) headers.Authorization = auth;
  let payload: string | undefined;
  if (opts.raw !== undefined) payload = opts.raw;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${lb.url}${path}`, { method, headers, body: payload });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text), headers: res.headers };
}

const text = (s: string) => ({ version: 1, content: [{ type: 'paragraph', children: [{ text: s }] }] });
const withMention = (s: string, userId: string) => ({
  version: 1,
  content: [{ type: 'paragraph', children: [{ text: s }, { type: 'mention', kind: 'user', id: userId }] }],
});

async function createRoom(id: string, extra: Record<string, unknown> = {}) {
  const res = await api('POST', '/v2/rooms', { id, defaultAccesses: ['room:write'], ...extra });
  expect(res.status).toBe(200);
  return res.body;
}

async function createThread(roomId: string, userId = 'alice', body: unknown = text('first'), extra = {}) {
  const res = await api('POST', `/v2/rooms/${roomId}/threads`, { comment: { userId, body }, ...extra });
  expect(res.status).toBe(200);
  return res.body;
}

beforeAll(async () => {
  lb = await startLiveblocksEmulator({ now: () => clock });
});

afterAll(async () => {
  await lb.close();
});

beforeEach(() => {
  lb.reset();
  clock = new Date('2030-01-01T00:00:00.000Z');
});

describe('auth and protocol errors', () => {
  it('401 MISSING_SECRET_KEY without an Authorization header', async () => {
    const res = await api('GET', '/v2/rooms', undefined, { auth: null });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'MISSING_SECRET_KEY', message: 'Missing secret key in authentication header' });
  });

  it('403 INVALID_SECRET_KEY for a wrong key, 401 WRONG_KEY_USED for a public key', async () => {
    const wrong = await api('GET', '/v2/rooms', undefined, { auth: 'Bearer sk_wrong' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error).toBe('INVALID_SECRET_KEY');
    expect(typeof wrong.body.message).toBe('string');
    const pub = await api('GET', '/v2/rooms', undefined, { auth: 'Bearer pk_localdev' });
    expect(pub.status).toBe(401);
    expect(pub.body.error).toBe('WRONG_KEY_USED');
    const basic = await api('GET', '/v2/rooms', undefined, { auth: 'Basic abc' });
    expect(basic.status).toBe(401);
  });

  it('honours a custom secretKey option', async () => {
    const other = await startLiveblocksEmulator({ secretKey: 'sk_custom' });
    try {
      const ok = await fetch(`${other.url}/v2/rooms`, { headers: { Authorization: 'Bearer sk_custom' } });
      expect(ok.status).toBe(200);
      const ko = await fetch(`${other.url}/v2/rooms`, { headers: { Authorization: 'Bearer sk_localdev' } });
      expect(ko.status).toBe(403);
    } finally {
      await other.close();
    }
  });

  it('400 for a body that is not JSON', async () => {
    const res = await api('POST', '/v2/rooms', undefined, { raw: '{not json' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('BAD_REQUEST');
  });

  it('404 for an unknown path, 405 with Allow for a wrong method, 501 for documented but not emulated routes', async () => {
    const unknown = await api('GET', '/v2/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'Not Found' });
    const wrong = await api('PUT', '/v2/rooms');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toContain('POST');
    await createRoom('r-storage');
    const storage = await api('GET', '/v2/rooms/r-storage/storage');
    expect(storage.status).toBe(501);
    expect(storage.body.error).toBe('Not implemented');
  });

  it('serves /health without auth', async () => {
    const res = await api('GET', '/health', undefined, { auth: null });
    expect(res).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('records every request with the Authorization header redacted and the body parsed', async () => {
    await api('POST', '/v2/rooms', { id: 'rec', defaultAccesses: [] });
    await api('GET', '/v2/rooms?limit=5');
    expect(lb.requests).toHaveLength(2);
    const [post, get] = lb.requests;
    expect(post).toMatchObject({ method: 'POST', path: '/v2/rooms', status: 200, body: { id: 'rec', defaultAccesses: [] } });
    expect(post!.headers.authorization).toBe('REDACTED');
    expect(JSON.stringify(lb.requests)).not.toContain('sk_localdev');
    expect(get).toMatchObject({ method: 'GET', path: '/v2/rooms', query: { limit: '5' }, status: 200 });
  });
});

describe('rooms', () => {
  it('creates a room with the documented shape', async () => {
    const room = await createRoom('r1', { metadata: { color: 'blue' }, usersAccesses: { alice: ['room:write'] } });
    expect(room).toEqual({
      type: 'room',
      id: 'r1',
      organizationId: 'default',
      createdAt: '2030-01-01T00:00:00.000Z',
      metadata: { color: 'blue' },
      defaultAccesses: ['room:write'],
      usersAccesses: { alice: ['room:write'] },
      groupsAccesses: {},
    });
    expect(lb.state.rooms.get('r1')?.metadata).toEqual({ color: 'blue' });
  });

  it('409 ROOM_ALREADY_EXISTS, unless ?idempotent', async () => {
    await createRoom('dup', { metadata: { v: '1' } });
    const again = await api('POST', '/v2/rooms', { id: 'dup', defaultAccesses: [] });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('ROOM_ALREADY_EXISTS');
    const idem = await api('POST', '/v2/rooms?idempotent', { id: 'dup', defaultAccesses: [], metadata: { v: '2' } });
    expect(idem.status).toBe(200);
    expect(idem.body.metadata).toEqual({ v: '1' });
  });

  it('422 naming the key for a bad body', async () => {
    const missing = await api('POST', '/v2/rooms', { id: 'x' });
    expect(missing.status).toBe(422);
    expect(missing.body).toMatchObject({ error: 'UNPROCESSABLE_ENTITY', message: "Missing key: 'defaultAccesses'." });
    const badPerm = await api('POST', '/v2/rooms', { id: 'x', defaultAccesses: ['room:admin'] });
    expect(badPerm.status).toBe(422);
    expect(badPerm.body.message).toContain("'defaultAccesses.0'");
    const longKey = await api('POST', '/v2/rooms', { id: 'x', defaultAccesses: [], metadata: { ['k'.repeat(41)]: 'v' } });
    expect(longKey.status).toBe(422);
    expect(longKey.body.message).toContain('metadata');
  });

  it('GET 404 ROOM_NOT_FOUND', async () => {
    const res = await api('GET', '/v2/rooms/missing');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'ROOM_NOT_FOUND', message: 'Room with id "missing" not found.' });
  });

  it('updates: merges metadata, null deletes a key, null map clears accesses', async () => {
    await createRoom('u1', { metadata: { a: '1', b: '2' }, usersAccesses: { alice: ['room:write'], bob: ['room:read'] } });
    const res = await api('POST', '/v2/rooms/u1', {
      metadata: { a: null, c: ['x', 'y'] },
      usersAccesses: { bob: null },
      defaultAccesses: [],
    });
    expect(res.status).toBe(200);
    expect(res.body.metadata).toEqual({ b: '2', c: ['x', 'y'] });
    expect(res.body.usersAccesses).toEqual({ alice: ['room:write'] });
    expect(res.body.defaultAccesses).toEqual([]);
    const cleared = await api('POST', '/v2/rooms/u1', { usersAccesses: null });
    expect(cleared.body.usersAccesses).toEqual({});
    const missing = await api('POST', '/v2/rooms/nope', { metadata: {} });
    expect(missing.status).toBe(404);
  });

  it('deletes (204), then 404; cascades to threads', async () => {
    await createRoom('d1');
    await createThread('d1');
    const del = await api('DELETE', '/v2/rooms/d1');
    expect(del.status).toBe(204);
    expect(del.body).toBeUndefined();
    expect((await api('GET', '/v2/rooms/d1')).status).toBe(404);
    expect(lb.state.threadsOf('d1')).toEqual([]);
    expect((await api('DELETE', '/v2/rooms/d1')).status).toBe(404);
  });

  it('paginates newest first and visits each room exactly once', async () => {
    for (let i = 0; i < 23; i++) {
      await createRoom(`p-${String(i).padStart(2, '0')}`);
      if (i % 3 === 0) tick(1000); // some rooms share a createdAt: the order must still be total
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `?limit=7&startingAfter=${encodeURIComponent(cursor)}` : '?limit=7';
      const res = await api('GET', `/v2/rooms${q}`);
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(7);
      seen.push(...res.body.data.map((r: { id: string }) => r.id));
      cursor = res.body.nextCursor;
      if (cursor) expect(res.body.nextPage).toContain('startingAfter=');
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(4);
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);
    const expected = Array.from({ length: 23 }, (_, i) => `p-${String(22 - i).padStart(2, '0')}`);
    expect(seen).toEqual(expected);
  });

  it('default limit is 20; limit outside 1-100 is a 422; a bad cursor is a 422', async () => {
    for (let i = 0; i < 21; i++) await createRoom(`l-${i}`);
    const page = await api('GET', '/v2/rooms');
    expect(page.body.data).toHaveLength(20);
    expect(page.body.nextCursor).not.toBeNull();
    expect((await api('GET', '/v2/rooms?limit=0')).status).toBe(422);
    expect((await api('GET', '/v2/rooms?limit=101')).status).toBe(422);
    expect((await api('GET', '/v2/rooms?limit=100')).status).toBe(200);
    expect((await api('GET', '/v2/rooms?startingAfter=garbage')).status).toBe(422);
  });

  it('filters with the query language, legacy metadata params, organizationId and userId/groupIds', async () => {
    await createRoom('org:eng:1', { metadata: { color: 'blue', type: 'whiteboard' }, usersAccesses: { alice: ['room:write'] } });
    await createRoom('org:eng:2', { metadata: { color: 'red', type: 'whiteboard' }, groupsAccesses: { product: ['room:write'] } });
    await createRoom('org:ops:1', { metadata: { color: 'blue', tags: ['a', 'b'] }, organizationId: 'acme' });
    const ids = async (qs: string) =>
      ((await api('GET', `/v2/rooms?${qs}`)).body.data as Array<{ id: string }>).map((r) => r.id).sort();

    expect(await ids(`query=${encodeURIComponent("metadata['color']:'blue'")}`)).toEqual(['org:eng:1', 'org:ops:1']);
    expect(
      await ids(`query=${encodeURIComponent('metadata["type"]:"whiteboard" AND roomId^"org:eng"')}`),
    ).toEqual(['org:eng:1', 'org:eng:2']);
    expect(await ids(`query=${encodeURIComponent("roomId^'org:eng' metadata['color']:'red'")}`)).toEqual(['org:eng:2']);
    expect(await ids(`query=${encodeURIComponent("metadata['tags']:'b'")}`)).toEqual(['org:ops:1']);
    expect(await ids('metadata.color=blue&metadata.type=whiteboard')).toEqual(['org:eng:1']);
    expect(await ids('organizationId=acme')).toEqual(['org:ops:1']);
    expect(await ids('userId=alice&groupIds=product,other')).toEqual(['org:eng:1', 'org:eng:2']);
    expect(await ids('userId=nobody')).toEqual([]);

    const bad = await api('GET', `/v2/rooms?query=${encodeURIComponent("metadata['color'] 'blue'")}`);
    expect(bad.status).toBe(422);
    expect(bad.body.error).toBe('INVALID_QUERY');
    const unknownField = await api('GET', `/v2/rooms?query=${encodeURIComponent("colour:'blue'")}`);
    expect(unknownField.status).toBe(422);
  });

  it('upserts and prewarms', async () => {
    const created = await api('POST', '/v2/rooms/up/upsert', {
      update: { metadata: { a: '1' } },
      create: { defaultAccesses: ['room:read'] },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ id: 'up', defaultAccesses: ['room:read'], metadata: { a: '1' } });
    const updated = await api('POST', '/v2/rooms/up/upsert', { update: { metadata: { a: null, b: '2' } } });
    expect(updated.body.metadata).toEqual({ b: '2' });
    expect((await api('POST', '/v2/rooms/none/upsert', { update: {} })).status).toBe(422);
    expect((await api('GET', '/v2/rooms/up/prewarm')).status).toBe(204);
    expect((await api('GET', '/v2/rooms/none/prewarm')).status).toBe(404);
  });
});

describe('threads', () => {
  beforeEach(async () => {
    await createRoom('room');
  });

  it('creates a thread with its first comment (documented shape)', async () => {
    const thread = await createThread('room', 'alice', text('hello'), { metadata: { status: 'open', priority: 2 } });
    expect(thread).toMatchObject({
      type: 'thread',
      roomId: 'room',
      createdAt: '2030-01-01T00:00:00.000Z',
      updatedAt: '2030-01-01T00:00:00.000Z',
      metadata: { status: 'open', priority: 2 },
      resolved: false,
      visibility: 'public',
    });
    expect(thread.id).toMatch(/^th_/);
    expect(thread.comments).toHaveLength(1);
    expect(thread.comments[0]).toEqual({
      type: 'comment',
      id: expect.stringMatching(/^cm_/),
      threadId: thread.id,
      roomId: 'room',
      userId: 'alice',
      createdAt: '2030-01-01T00:00:00.000Z',
      body: text('hello'),
      metadata: {},
      reactions: [],
      attachments: [],
    });
    expect(lb.state.thread('room', thread.id)?.comments[0]?.body).toEqual(text('hello'));
  });

  it('accepts comment.createdAt and a client id; 409 RESOURCE_ALREADY_EXISTS for a duplicate id', async () => {
    const t = await createThread('room', 'alice', text('x'), { id: 'th_custom' });
    expect(t.id).toBe('th_custom');
    const dup = await api('POST', '/v2/rooms/room/threads', { id: 'th_custom', comment: { userId: 'a', body: text('y') } });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ error: 'RESOURCE_ALREADY_EXISTS', message: 'Thread already exists' });
    const dated = await api('POST', '/v2/rooms/room/threads', {
      comment: { userId: 'a', body: text('y'), createdAt: '2029-05-05T10:00:00.000Z' },
    });
    expect(dated.body.createdAt).toBe('2029-05-05T10:00:00.000Z');
    const badDate = await api('POST', '/v2/rooms/room/threads', { comment: { userId: 'a', body: text('y'), createdAt: 'yesterday' } });
    expect(badDate.status).toBe(422);
    expect(badDate.body.message).toContain('comment.createdAt');
  });

  it('422 naming the key for bad thread bodies; 404 ROOM_NOT_FOUND for a missing room', async () => {
    const noUser = await api('POST', '/v2/rooms/room/threads', { comment: { body: text('x') } });
    expect(noUser.status).toBe(422);
    expect(noUser.body.message).toBe("Missing key: 'comment.userId'.");
    const badBody = await api('POST', '/v2/rooms/room/threads', { comment: { userId: 'a', body: { version: 2, content: [] } } });
    expect(badBody.status).toBe(422);
    expect(badBody.body.message).toContain("'comment.body.version'");
    const badMeta = await api('POST', '/v2/rooms/room/threads', { comment: { userId: 'a', body: text('x') }, metadata: { o: { nested: 1 } } });
    expect(badMeta.status).toBe(422);
    expect(badMeta.body.message).toContain("'metadata.o'");
    const noRoom = await api('POST', '/v2/rooms/ghost/threads', { comment: { userId: 'a', body: text('x') } });
    expect(noRoom.status).toBe(404);
    expect(noRoom.body.error).toBe('ROOM_NOT_FOUND');
    expect((await api('GET', '/v2/rooms/ghost/threads')).body.error).toBe('ROOM_NOT_FOUND');
  });

  it('gets one thread; 404 RESOURCE_NOT_FOUND "Thread not found"', async () => {
    const t = await createThread('room');
    const got = await api('GET', `/v2/rooms/room/threads/${t.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(t);
    const missing = await api('GET', '/v2/rooms/room/threads/th_nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: 'RESOURCE_NOT_FOUND', message: 'Thread not found' });
  });

  it('lists threads unpaginated, filtered by resolved and metadata', async () => {
    const a = await createThread('room', 'alice', text('a'), { metadata: { status: 'open', priority: 1 } });
    const b = await createThread('room', 'alice', text('b'), { metadata: { status: 'open', priority: 5 } });
    const c = await createThread('room', 'alice', text('c'), { metadata: { status: 'closed' } });
    await api('POST', `/v2/rooms/room/threads/${b.id}/mark-as-resolved`, { userId: 'alice' });
    const ids = async (query?: string) => {
      const res = await api('GET', `/v2/rooms/room/threads${query ? `?query=${encodeURIComponent(query)}` : ''}`);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(['data']);
      return (res.body.data as Array<{ id: string }>).map((t) => t.id);
    };
    expect(await ids()).toEqual([a.id, b.id, c.id]);
    expect(await ids('resolved:true')).toEqual([b.id]);
    expect(await ids('resolved:false')).toEqual([a.id, c.id]);
    expect(await ids('metadata["status"]:"open" AND resolved:false')).toEqual([a.id]);
    expect(await ids("metadata['status']:'open'")).toEqual([a.id, b.id]);
    expect(await ids("metadata['priority']>2")).toEqual([b.id]);
    expect(await ids("metadata['status']^'clo'")).toEqual([c.id]);
    expect((await api('GET', `/v2/rooms/room/threads?query=${encodeURIComponent('unread:true')}`)).status).toBe(422);
  });

  it('edits metadata (null deletes) and returns the metadata', async () => {
    const t = await createThread('room', 'alice', text('x'), { metadata: { a: 1, b: 'two' } });
    tick(5000);
    const res = await api('POST', `/v2/rooms/room/threads/${t.id}/metadata`, { metadata: { a: null, c: true }, userId: 'bob' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ b: 'two', c: true });
    expect(lb.state.thread('room', t.id)?.metadata).toEqual({ b: 'two', c: true });
    expect(lb.state.thread('room', t.id)?.updatedAt.toISOString()).toBe('2030-01-01T00:00:05.000Z');
    const noUser = await api('POST', `/v2/rooms/room/threads/${t.id}/metadata`, { metadata: {} });
    expect(noUser.status).toBe(422);
    expect(noUser.body.message).toBe("Missing key: 'userId'.");
  });

  it('marks as resolved / unresolved (body {userId}) and returns the thread', async () => {
    const t = await createThread('room');
    const resolved = await api('POST', `/v2/rooms/room/threads/${t.id}/mark-as-resolved`, { userId: 'alice' });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ type: 'thread', id: t.id, resolved: true });
    expect(lb.state.thread('room', t.id)?.resolved).toBe(true);
    const unresolved = await api('POST', `/v2/rooms/room/threads/${t.id}/mark-as-unresolved`, { userId: 'alice' });
    expect(unresolved.body.resolved).toBe(false);
    expect((await api('POST', `/v2/rooms/room/threads/${t.id}/mark-as-resolved`, {})).status).toBe(422);
    expect((await api('POST', `/v2/rooms/room/threads/th_x/mark-as-resolved`, { userId: 'a' })).status).toBe(404);
  });

  it('reports participants (authors and mentioned users) and subscriptions', async () => {
    const t = await createThread('room', 'alice', withMention('hey ', 'carol'));
    await api('POST', `/v2/rooms/room/threads/${t.id}/comments`, { userId: 'bob', body: text('reply') });
    const res = await api('GET', `/v2/rooms/room/threads/${t.id}/participants`);
    expect(res.status).toBe(200);
    expect(res.body.participantIds.sort()).toEqual(['alice', 'bob', 'carol']);
    const sub = await api('POST', `/v2/rooms/room/threads/${t.id}/subscribe`, { userId: 'dave' });
    expect(sub.body).toEqual({ kind: 'thread', subjectId: t.id, createdAt: '2030-01-01T00:00:00.000Z' });
    const unsub = await api('POST', `/v2/rooms/room/threads/${t.id}/unsubscribe`, { userId: 'carol' });
    expect(unsub.status).toBe(200);
    const subs = await api('GET', `/v2/rooms/room/threads/${t.id}/subscriptions`);
    expect((subs.body.data as Array<{ userId: string }>).map((s) => s.userId).sort()).toEqual(['alice', 'bob', 'dave']);
  });

  it('deletes a thread (204), then 404', async () => {
    const t = await createThread('room');
    expect((await api('DELETE', `/v2/rooms/room/threads/${t.id}`)).status).toBe(204);
    expect((await api('GET', `/v2/rooms/room/threads/${t.id}`)).status).toBe(404);
    expect((await api('DELETE', `/v2/rooms/room/threads/${t.id}`)).status).toBe(404);
    expect(lb.state.thread('room', t.id)).toBeUndefined();
  });

  it('decodes percent-encoded ids (as @liveblocks/node sends them)', async () => {
    await createRoom('a b/c');
    const res = await api('POST', `/v2/rooms/${encodeURIComponent('a b/c')}/threads`, { comment: { userId: 'u', body: text('x') } });
    expect(res.status).toBe(200);
    expect(res.body.roomId).toBe('a b/c');
  });
});

describe('comments and reactions', () => {
  let threadId: string;
  let firstCommentId: string;
  beforeEach(async () => {
    await createRoom('room');
    const t = await createThread('room', 'alice', text('first'));
    threadId = t.id;
    firstCommentId = t.comments[0].id;
  });
  const base = () => `/v2/rooms/room/threads/${threadId}`;

  it('creates, gets and edits a comment', async () => {
    tick(1000);
    const created = await api('POST', `${base()}/comments`, { userId: 'bob', body: text('second'), metadata: { k: 'v' } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      type: 'comment',
      threadId,
      roomId: 'room',
      userId: 'bob',
      createdAt: '2030-01-01T00:00:01.000Z',
      body: text('second'),
      metadata: { k: 'v' },
      reactions: [],
    });
    expect(created.body.editedAt).toBeUndefined();
    const got = await api('GET', `${base()}/comments/${created.body.id}`);
    expect(got.body).toEqual(created.body);
    expect(lb.state.thread('room', threadId)?.updatedAt.toISOString()).toBe('2030-01-01T00:00:01.000Z');

    tick(1000);
    const edited = await api('POST', `${base()}/comments/${created.body.id}`, { body: text('edited'), metadata: { k: null, n: 3 } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ body: text('edited'), editedAt: '2030-01-01T00:00:02.000Z', metadata: { n: 3 } });
    expect((await api('POST', `${base()}/comments/${created.body.id}`, { metadata: {} })).body.message).toBe("Missing key: 'body'.");
  });

  it('404 "Comment not found" and "Thread not found"', async () => {
    const res = await api('GET', `${base()}/comments/cm_missing`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'RESOURCE_NOT_FOUND', message: 'Comment not found' });
    const noThread = await api('POST', '/v2/rooms/room/threads/th_missing/comments', { userId: 'a', body: text('x') });
    expect(noThread.body).toMatchObject({ error: 'RESOURCE_NOT_FOUND', message: 'Thread not found' });
  });

  it('soft-deletes: the thread keeps the comment without body, with deletedAt; GET is a 404', async () => {
    const second = (await api('POST', `${base()}/comments`, { userId: 'bob', body: text('second') })).body;
    tick(2000);
    expect((await api('DELETE', `${base()}/comments/${second.id}`)).status).toBe(204);
    const thread = (await api('GET', base())).body;
    expect(thread.comments).toHaveLength(2);
    const deleted = thread.comments[1];
    expect(deleted.id).toBe(second.id);
    expect(deleted.deletedAt).toBe('2030-01-01T00:00:02.000Z');
    expect('body' in deleted).toBe(false);
    expect((await api('GET', `${base()}/comments/${second.id}`)).status).toBe(404);
    expect((await api('DELETE', `${base()}/comments/${second.id}`)).status).toBe(404);
    expect((await api('POST', `${base()}/comments/${second.id}`, { body: text('again') })).status).toBe(404);
  });

  it('deleting the last live comment deletes the thread', async () => {
    expect((await api('DELETE', `${base()}/comments/${firstCommentId}`)).status).toBe(204);
    expect((await api('GET', base())).status).toBe(404);
    expect(lb.state.thread('room', threadId)).toBeUndefined();
  });

  it('adds reactions (CommentUserReaction), groups them on the comment, 409 on duplicates, removes them', async () => {
    const add = await api('POST', `${base()}/comments/${firstCommentId}/add-reaction`, { userId: 'bob', emoji: '👍' });
    expect(add.status).toBe(200);
    expect(add.body).toEqual({ emoji: '👍', createdAt: '2030-01-01T00:00:00.000Z', userId: 'bob' });
    tick(1000);
    await api('POST', `${base()}/comments/${firstCommentId}/add-reaction`, { userId: 'carol', emoji: '👍' });
    await api('POST', `${base()}/comments/${firstCommentId}/add-reaction`, {
      userId: 'bob',
      emoji: '🎉',
      createdAt: '2029-01-01T00:00:00.000Z',
    });
    const dup = await api('POST', `${base()}/comments/${firstCommentId}/add-reaction`, { userId: 'bob', emoji: '👍' });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ error: 'RESOURCE_ALREADY_EXISTS', message: 'Reaction already exists' });
    const comment = (await api('GET', `${base()}/comments/${firstCommentId}`)).body;
    expect(comment.reactions).toEqual([
      { emoji: '👍', createdAt: '2030-01-01T00:00:00.000Z', users: [{ id: 'bob' }, { id: 'carol' }] },
      { emoji: '🎉', createdAt: '2029-01-01T00:00:00.000Z', users: [{ id: 'bob' }] },
    ]);
    const rm = await api('POST', `${base()}/comments/${firstCommentId}/remove-reaction`, { userId: 'bob', emoji: '👍' });
    expect(rm.status).toBe(204);
    const again = await api('POST', `${base()}/comments/${firstCommentId}/remove-reaction`, { userId: 'bob', emoji: '👍' });
    expect(again.status).toBe(404);
    expect(again.body.message).toBe('Comment reaction not found');
    expect(lb.state.comment('room', threadId, firstCommentId)?.reactions.map((r) => `${r.userId}:${r.emoji}`)).toEqual([
      'carol:👍',
      'bob:🎉',
    ]);
    expect((await api('POST', `${base()}/comments/${firstCommentId}/add-reaction`, { userId: 'bob' })).body.message).toBe(
      "Missing key: 'emoji'.",
    );
  });

  it('edits comment metadata (null deletes)', async () => {
    const res = await api('POST', `${base()}/comments/${firstCommentId}/metadata`, { metadata: { a: 1, b: 'x' }, userId: 'alice' });
    expect(res.body).toEqual({ a: 1, b: 'x' });
    const res2 = await api('POST', `${base()}/comments/${firstCommentId}/metadata`, { metadata: { a: null }, userId: 'alice' });
    expect(res2.body).toEqual({ b: 'x' });
  });

  it('rejects unknown attachment ids', async () => {
    const res = await api('POST', `${base()}/comments`, { userId: 'bob', body: text('x'), attachmentIds: ['at_1'] });
    expect(res.status).toBe(404);
  });
});

describe('inbox notifications', () => {
  beforeEach(async () => {
    await createRoom('room');
  });
  const kinds = (userId: string) => lb.state.notificationsOf(userId).map((n) => n.kind);

  it('a mention in a new thread gives the mentioned user a thread notification; the author gets none', async () => {
    const t = await createThread('room', 'alice', withMention('look ', 'bob'));
    expect(kinds('alice')).toEqual([]);
    const res = await api('GET', '/v2/users/bob/inbox-notifications');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      nextCursor: null,
      data: [
        {
          id: expect.stringMatching(/^in_/),
          kind: 'thread',
          roomId: 'room',
          threadId: t.id,
          notifiedAt: '2030-01-01T00:00:00.000Z',
          readAt: null,
        },
      ],
    });
  });

  it('a reply notifies the other participants (one notification per thread, bumped)', async () => {
    const t = await createThread('room', 'alice', text('start'));
    tick(1000);
    await api('POST', `/v2/rooms/room/threads/${t.id}/comments`, { userId: 'bob', body: text('reply') });
    expect(kinds('alice')).toEqual(['thread']);
    expect(kinds('bob')).toEqual([]);
    tick(1000);
    await api('POST', `/v2/rooms/room/threads/${t.id}/comments`, { userId: 'carol', body: withMention('cc ', 'dave') });
    expect(kinds('alice')).toEqual(['thread']);
    expect(lb.state.notificationsOf('alice')[0]?.notifiedAt.toISOString()).toBe('2030-01-01T00:00:02.000Z');
    expect(kinds('bob')).toEqual(['thread']);
    expect(kinds('dave')).toEqual(['thread']);
    expect(kinds('carol')).toEqual([]);
  });

  it('a mention added by an edit notifies the newly mentioned user only', async () => {
    const t = await createThread('room', 'alice', text('start'));
    await api('POST', `/v2/rooms/room/threads/${t.id}/comments/${t.comments[0].id}`, { body: withMention('now ', 'erin') });
    expect(kinds('erin')).toEqual(['thread']);
  });

  it('commentMentionNotificationKind: textMention gives mentioned users a textMention notification', async () => {
    const other = await startLiveblocksEmulator({ commentMentionNotificationKind: 'textMention' });
    try {
      const h = { Authorization: 'Bearer sk_localdev', 'Content-Type': 'application/json' };
      await fetch(`${other.url}/v2/rooms`, { method: 'POST', headers: h, body: JSON.stringify({ id: 'r', defaultAccesses: [] }) });
      await fetch(`${other.url}/v2/rooms/r/threads`, {
        method: 'POST',
        headers: h,
        body: JSON.stringify({ comment: { userId: 'alice', body: withMention('hi ', 'bob') } }),
      });
      const list = await (await fetch(`${other.url}/v2/users/bob/inbox-notifications`, { headers: h })).json();
      expect(list.data).toHaveLength(1);
      expect(list.data[0]).toMatchObject({ kind: 'textMention', roomId: 'r', createdBy: 'alice', mention: { kind: 'user', id: 'bob' } });
      expect(list.data[0].mentionId).toEqual(expect.any(String));
    } finally {
      await other.close();
    }
  });

  it('unread filter, mark as read (POST /v2/inbox-notifications/{id}/read), new activity makes it unread again', async () => {
    const t = await createThread('room', 'alice', withMention('hey ', 'bob'));
    const id = lb.state.notificationsOf('bob')[0]!.id;
    const unread = async () =>
      ((await api('GET', `/v2/users/bob/inbox-notifications?query=${encodeURIComponent('unread:true')}`)).body.data as unknown[]).length;
    expect(await unread()).toBe(1);
    tick(1000);
    const read = await api('POST', `/v2/inbox-notifications/${id}/read`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({});
    expect(await unread()).toBe(0);
    const readList = await api('GET', `/v2/users/bob/inbox-notifications?query=${encodeURIComponent('unread:false')}`);
    expect(readList.body.data[0].readAt).toBe('2030-01-01T00:00:01.000Z');
    tick(1000);
    await api('POST', `/v2/rooms/room/threads/${t.id}/comments`, { userId: 'alice', body: text('more') });
    expect(await unread()).toBe(1);
    expect((await api('POST', '/v2/inbox-notifications/in_missing/read')).status).toBe(404);
    expect((await api('GET', `/v2/users/bob/inbox-notifications?query=${encodeURIComponent("kind:'x'")}`)).status).toBe(422);
  });

  it('gets, deletes one, deletes all', async () => {
    await createThread('room', 'alice', withMention('a ', 'bob'));
    await createThread('room', 'alice', withMention('b ', 'bob'));
    const [n1, n2] = lb.state.notificationsOf('bob');
    const got = await api('GET', `/v2/users/bob/inbox-notifications/${n1!.id}`);
    expect(got.status).toBe(200);
    expect(got.body.id).toBe(n1!.id);
    const wrongUser = await api('GET', `/v2/users/carol/inbox-notifications/${n1!.id}`);
    expect(wrongUser.status).toBe(404);
    expect(wrongUser.body.error).toBe('RESOURCE_NOT_FOUND');
    expect((await api('DELETE', `/v2/users/bob/inbox-notifications/${n1!.id}`)).status).toBe(204);
    expect(lb.state.notificationsOf('bob').map((n) => n.id)).toEqual([n2!.id]);
    expect((await api('DELETE', '/v2/users/bob/inbox-notifications')).status).toBe(204);
    expect(lb.state.notificationsOf('bob')).toEqual([]);
  });

  it('paginates newest first with limit/startingAfter and visits each notification once; limit 1-50', async () => {
    for (let i = 0; i < 7; i++) {
      await api('POST', '/v2/inbox-notifications/trigger', { userId: 'u', kind: '$k', subjectId: `s${i}`, activityData: { i } });
      if (i % 2 === 0) tick(1000);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `?limit=3&startingAfter=${encodeURIComponent(cursor)}` : '?limit=3';
      const res = await api('GET', `/v2/users/u/inbox-notifications${q}`);
      seen.push(...res.body.data.map((n: { subjectId: string }) => n.subjectId));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(['s6', 's5', 's4', 's3', 's2', 's1', 's0']);
    expect((await api('GET', '/v2/users/u/inbox-notifications?limit=51')).status).toBe(422);
    expect((await api('GET', '/v2/users/u/inbox-notifications?limit=0')).status).toBe(422);
  });

  it('triggers custom ($) notifications only; same kind+subjectId aggregates activities', async () => {
    const ok = await api('POST', '/v2/inbox-notifications/trigger', {
      userId: 'bob',
      kind: '$fileUploaded',
      subjectId: 'file-1',
      activityData: { name: 'a.pdf', size: 3, public: true },
      roomId: 'room',
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toBeUndefined();
    tick(1000);
    await api('POST', '/v2/inbox-notifications/trigger', { userId: 'bob', kind: '$fileUploaded', subjectId: 'file-1', activityData: { name: 'b.pdf' }, roomId: 'room' });
    const list = (await api('GET', '/v2/users/bob/inbox-notifications')).body.data;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ kind: '$fileUploaded', subjectId: 'file-1', roomId: 'room', notifiedAt: '2030-01-01T00:00:01.000Z', readAt: null });
    expect(list[0].activities.map((a: { data: unknown }) => a.data)).toEqual([{ name: 'a.pdf', size: 3, public: true }, { name: 'b.pdf' }]);

    const notCustom = await api('POST', '/v2/inbox-notifications/trigger', { userId: 'bob', kind: 'thread', subjectId: 's', activityData: {} });
    expect(notCustom.status).toBe(422);
    expect(notCustom.body.message).toContain("'kind'");
    const noActivity = await api('POST', '/v2/inbox-notifications/trigger', { userId: 'bob', kind: '$x', subjectId: 's' });
    expect(noActivity.body.message).toBe("Missing key: 'activityData'.");
    const noRoom = await api('POST', '/v2/inbox-notifications/trigger', { userId: 'bob', kind: '$x', subjectId: 's', activityData: {}, roomId: 'ghost' });
    expect(noRoom.status).toBe(404);
  });
});

describe('presence and broadcast', () => {
  beforeEach(async () => {
    await createRoom('room');
  });

  it('set-presence entries appear in active-users until their TTL expires (injected clock)', async () => {
    const set = await api('POST', '/v2/rooms/room/presence', {
      userId: 'agent-1',
      data: { cursor: { x: 1, y: 2 } },
      userInfo: { name: 'AI' },
      ttl: 10,
    });
    expect(set.status).toBe(204);
    await api('POST', '/v2/rooms/room/presence', { userId: 'agent-2', data: {} }); // default TTL 60 s
    const users = async (path = 'active-users') =>
      ((await api('GET', `/v2/rooms/room/${path}`)).body.data as Array<{ id: string }>).map((u) => u.id);
    const first = await api('GET', '/v2/rooms/room/active-users');
    expect(first.body.data[0]).toEqual({ type: 'user', connectionId: expect.any(Number), id: 'agent-1', info: { name: 'AI' } });
    expect(await users()).toEqual(['agent-1', 'agent-2']);
    expect(await users('active_users')).toEqual(['agent-1', 'agent-2']);
    tick(9_999);
    expect(await users()).toEqual(['agent-1', 'agent-2']);
    tick(1);
    expect(await users()).toEqual(['agent-2']);
    expect(lb.state.activePresence('room').map((p) => p.userId)).toEqual(['agent-2']);
    tick(50_000);
    expect(await users()).toEqual([]);
  });

  it('re-setting presence refreshes the TTL and data', async () => {
    await api('POST', '/v2/rooms/room/presence', { userId: 'a', data: { v: 1 }, ttl: 5 });
    tick(4000);
    await api('POST', '/v2/rooms/room/presence', { userId: 'a', data: { v: 2 }, ttl: 5 });
    tick(4000);
    expect(lb.state.activePresence('room').map((p) => p.data)).toEqual([{ v: 2 }]);
  });

  it('validates presence bodies (ttl 2-3599) and the room', async () => {
    const low = await api('POST', '/v2/rooms/room/presence', { userId: 'a', data: {}, ttl: 1 });
    expect(low.status).toBe(422);
    expect(low.body.message).toContain("'ttl'");
    expect((await api('POST', '/v2/rooms/room/presence', { userId: 'a', data: {}, ttl: 3600 })).status).toBe(422);
    expect((await api('POST', '/v2/rooms/room/presence', { userId: 'a' })).body.message).toBe("Missing key: 'data'.");
    expect((await api('POST', '/v2/rooms/ghost/presence', { userId: 'a', data: {} })).status).toBe(404);
    expect((await api('GET', '/v2/rooms/ghost/active-users')).status).toBe(404);
  });

  it('records broadcasts on both spellings; 404 for a missing room; 400 for non-JSON', async () => {
    expect((await api('POST', '/v2/rooms/room/broadcast-event', { type: 'ping', n: 1 })).status).toBe(204);
    expect((await api('POST', '/v2/rooms/room/broadcast_event', 'just a string')).status).toBe(204);
    expect(lb.state.broadcastsOf('room')).toEqual([{ type: 'ping', n: 1 }, 'just a string']);
    expect(lb.state.broadcasts.map((b) => b.path)).toEqual(['broadcast-event', 'broadcast_event']);
    expect((await api('POST', '/v2/rooms/ghost/broadcast-event', {})).status).toBe(404);
    expect((await api('POST', '/v2/rooms/room/broadcast-event', undefined, { raw: 'nope' })).status).toBe(400);
  });
});

describe('management webhooks', () => {
  const mgmt = { auth: 'Bearer mt_localdev' };
  const base = '/v2/management/projects/localdev/webhooks';

  it('requires the management token', async () => {
    expect((await api('GET', base, undefined, { auth: null })).status).toBe(401);
    expect((await api('GET', base, undefined, { auth: 'Bearer sk_localdev' })).status).toBe(403);
    expect((await api('GET', '/v2/management/projects/other/webhooks', undefined, mgmt)).status).toBe(404);
  });

  it('creates (secret returned), lists, gets, updates, rolls the secret and deletes', async () => {
    const created = await api('POST', base, { url: 'https://example.com/hook', subscribedEvents: ['threadCreated', 'commentCreated'] }, mgmt);
    expect(created.status).toBe(200);
    const hook = created.body.webhook;
    expect(hook).toMatchObject({
      id: expect.stringMatching(/^wh_/),
      url: 'https://example.com/hook',
      disabled: false,
      subscribedEvents: ['threadCreated', 'commentCreated'],
      secret: { value: expect.stringMatching(/^whsec_/) },
      createdAt: '2030-01-01T00:00:00.000Z',
    });
    expect(lb.state.webhooks.get(hook.id)?.secret).toBe(hook.secret.value);

    const list = await api('GET', base, undefined, mgmt);
    expect(list.body).toEqual({ data: [hook], nextCursor: null });
    expect((await api('GET', `${base}/${hook.id}`, undefined, mgmt)).body).toEqual({ webhook: hook });

    const updated = await api('POST', `${base}/${hook.id}`, { subscribedEvents: ['threadDeleted'], disabled: true }, mgmt);
    expect(updated.body.webhook).toMatchObject({ subscribedEvents: ['threadDeleted'], disabled: true });

    const rolled = await api('POST', `${base}/${hook.id}/secret/roll`, undefined, mgmt);
    expect(rolled.body.secret.value).toMatch(/^whsec_/);
    expect(rolled.body.secret.value).not.toBe(hook.secret.value);
    expect(lb.state.webhooks.get(hook.id)?.previousSecrets.map((s) => s.value)).toEqual([hook.secret.value]);

    const del = await api('DELETE', `${base}/${hook.id}`, undefined, mgmt);
    expect(del.status).toBe(200);
    expect(del.body).toBeUndefined();
    expect((await api('GET', `${base}/${hook.id}`, undefined, mgmt)).status).toBe(404);
  });

  it('validates webhook bodies', async () => {
    const badEvent = await api('POST', base, { url: 'https://example.com', subscribedEvents: ['nope'] }, mgmt);
    expect(badEvent.status).toBe(422);
    expect(badEvent.body.message).toContain("'subscribedEvents.0'");
    const badUrl = await api('POST', base, { url: 'not a url', subscribedEvents: ['threadCreated'] }, mgmt);
    expect(badUrl.body.message).toContain("'url'");
  });

  it('delivers signed events that the official WebhookHandler and standardwebhooks verify', async () => {
    // Real clock here: @liveblocks/node's WebhookHandler checks the timestamp against Date.now().
    const live = await startLiveblocksEmulator();
    const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const h = { 'Content-Type': 'application/json' };
      const created = await (
        await fetch(`${live.url}${base}`, {
          method: 'POST',
          headers: { ...h, Authorization: 'Bearer mt_localdev' },
          body: JSON.stringify({ url: hookUrl, subscribedEvents: ['threadCreated', 'notification'], additionalHeaders: { 'x-extra': '1' } }),
        })
      ).json();
      const secret: string = created.webhook.secret.value;
      const client = new Liveblocks({ secret: 'sk_localdev', baseUrl: live.url });
      await client.createRoom('wh-room', { defaultAccesses: [] });
      const thread = await client.createThread({
        roomId: 'wh-room',
        data: { comment: { userId: 'alice', body: withMention('hi ', 'bob') as never } },
      });
      await live.flushWebhooks();
      expect(live.state.webhookDeliveries.map((d) => [d.type, d.status])).toEqual([
        ['threadCreated', 200],
        ['notification', 200],
      ]);
      expect(received).toHaveLength(2);
      const handler = new WebhookHandler(secret);
      const events = received.map((r) => handler.verifyRequest({ headers: r.headers, rawBody: r.body }));
      expect(events[0]).toMatchObject({ type: 'threadCreated', data: { projectId: 'localdev', roomId: 'wh-room', threadId: thread.id, createdBy: 'alice' } });
      expect(events[1]).toMatchObject({ type: 'notification', data: { kind: 'thread', userId: 'bob', threadId: thread.id, channel: 'email' } });
      const sw = new Webhook(secret);
      expect(sw.verify(received[0]!.body, received[0]!.headers as Record<string, string>)).toMatchObject({ type: 'threadCreated' });
      expect(received[0]!.headers['x-extra']).toBe('1');
      // A tampered body fails verification: the signature is real.
      expect(() => handler.verifyRequest({ headers: received[0]!.headers, rawBody: received[0]!.body.replace('alice', 'mallory') })).toThrow();
    } finally {
      await live.close();
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });
});

describe('wire compatibility with the official client (@liveblocks/node)', () => {
  it('parses the answers of getThreads/createThread/createComment/getInboxNotifications/triggerInboxNotification', async () => {
    const client = new Liveblocks({ secret: 'sk_localdev', baseUrl: lb.url });
    await client.createRoom('sdk-room', { defaultAccesses: ['room:write'], metadata: { team: 'core' } });

    const thread = await client.createThread({
      roomId: 'sdk-room',
      data: {
        comment: { userId: 'alice', body: withMention('ping ', 'bob') as never, createdAt: new Date('2029-12-31T00:00:00.000Z') },
        metadata: { status: 'open' },
      },
    });
    expect(thread.createdAt).toBeInstanceOf(Date);
    expect(thread.createdAt.toISOString()).toBe('2029-12-31T00:00:00.000Z');
    expect(thread.comments[0]?.createdAt).toBeInstanceOf(Date);
    expect(thread.metadata).toEqual({ status: 'open' });

    tick(1000);
    const comment = await client.createComment({
      roomId: 'sdk-room',
      threadId: thread.id,
      data: { userId: 'bob', body: text('pong') as never },
    });
    expect(comment.createdAt).toBeInstanceOf(Date);
    expect(comment.createdAt.toISOString()).toBe('2030-01-01T00:00:01.000Z');
    expect(comment.threadId).toBe(thread.id);

    const threads = await client.getThreads({ roomId: 'sdk-room', query: { resolved: false, metadata: { status: 'open' } } });
    expect(threads.data.map((t) => t.id)).toEqual([thread.id]);
    expect(threads.data[0]?.comments).toHaveLength(2);
    expect(lb.requests.at(-1)?.query.query).toBe("resolved:false metadata['status']:'open'");
    expect((await client.getThreads({ roomId: 'sdk-room', query: { resolved: true } })).data).toEqual([]);

    await client.triggerInboxNotification({ userId: 'bob', kind: '$custom', subjectId: 'subj', activityData: { n: 1 }, roomId: 'sdk-room' });
    const inbox = await client.getInboxNotifications({ userId: 'bob' });
    expect(inbox.nextCursor).toBeNull();
    expect(inbox.data.map((n) => n.kind).sort()).toEqual(['$custom', 'thread']);
    for (const n of inbox.data) expect(n.notifiedAt).toBeInstanceOf(Date);
    // bob replied after being mentioned, so his thread notification is read; the custom one is not.
    expect(inbox.data.find((n) => n.kind === 'thread')?.readAt).toBeInstanceOf(Date);
    const unread = await client.getInboxNotifications({ userId: 'bob', query: { unread: true } });
    expect(unread.data.map((n) => n.kind)).toEqual(['$custom']);
    expect(lb.requests.at(-1)?.query.query).toBe("unread:true");
    const custom = inbox.data.find((n) => n.kind === '$custom');
    expect(custom && 'activities' in custom && custom.activities[0]?.createdAt).toBeInstanceOf(Date);

    const reaction = await client.addCommentReaction({
      roomId: 'sdk-room',
      threadId: thread.id,
      commentId: comment.id,
      data: { userId: 'alice', emoji: '🔥' },
    });
    expect(reaction.createdAt).toBeInstanceOf(Date);

    const rooms = await client.getRooms({ query: { metadata: { team: 'core' }, roomId: { startsWith: 'sdk-' } } });
    expect(rooms.data.map((r) => r.id)).toEqual(['sdk-room']);
    expect(rooms.data[0]?.createdAt).toBeInstanceOf(Date);

    await client.setPresence('sdk-room', { userId: 'agent', data: { typing: true }, ttl: 30 });
    expect((await client.getActiveUsers('sdk-room')).data.map((u) => u.id)).toEqual(['agent']);
    await client.broadcastEvent('sdk-room', { hello: 'world' });
    expect(lb.state.broadcastsOf('sdk-room')).toEqual([{ hello: 'world' }]);

    const err = await client.getThread({ roomId: 'sdk-room', threadId: 'th_missing' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LiveblocksError);
    expect((err as LiveblocksError).status).toBe(404);
    expect((err as LiveblocksError).message).toBe('Thread not found');
  });
});
