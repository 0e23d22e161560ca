/**
 * Contract tests of the room endpoints, from the literal examples of the REST reference
 * (shared/seeds/liveblocks-rest-api-v2-endpoints.txt) and vendors/liveblocks.md section 3.1.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Collab } from '../../../../src/collab.js';
import { assertSent, expectCall, liveblocksCollab, useNock } from './helpers.js';

useNock();

let collab: Collab;
beforeAll(async () => {
  collab = await liveblocksCollab();
});

/** "Create room" response example of the REST reference. */
const CREATED = {
  type: 'room',
  id: 'my-room-3ebc26e2bf96',
  lastConnectionAt: '2022-08-22T15:10:25.225Z',
  createdAt: '2022-08-22T15:10:25.225Z',
  metadata: { color: 'blue' },
  defaultAccesses: ['room:write'],
  groupsAccesses: { product: ['room:write'] },
  usersAccesses: { alice: ['room:write'] },
};

/** "Get room" response example of the REST reference. */
const REACT_TODO_LIST = {
  type: 'room',
  id: 'react-todo-list',
  lastConnectionAt: '2022-08-04T21:07:09.380Z',
  createdAt: '2022-07-13T14:32:50.697Z',
  metadata: { color: 'blue', size: '10', target: ['abc', 'def'] },
  defaultAccesses: ['room:write'],
  groupsAccesses: { marketing: ['room:write'] },
  usersAccesses: { alice: ['room:write'], vinod: ['room:write'] },
};

describe('POST /v2/rooms', () => {
  it('sends the reference create body (id, defaultAccesses, metadata, usersAccesses, groupsAccesses) and maps the room back', async () => {
    const seen = expectCall('POST', '/v2/rooms', 200, CREATED);
    const room = await collab.rooms.create({
      id: 'my-room-3ebc26e2bf96',
      metadata: { color: 'blue' },
      access: { default: 'write', users: { alice: 'write' }, groups: { product: 'write' } },
    });
    assertSent(seen, {
      method: 'POST',
      uri: '/v2/rooms',
      body: {
        id: 'my-room-3ebc26e2bf96',
        defaultAccesses: ['room:write'],
        metadata: { color: 'blue' },
        usersAccesses: { alice: ['room:write'] },
        groupsAccesses: { product: ['room:write'] },
      },
    });
    expect(room).toEqual({
      id: 'my-room-3ebc26e2bf96',
      metadata: { color: 'blue' },
      access: { default: 'write', users: { alice: 'write' }, groups: { product: 'write' } },
      createdAt: new Date('2022-08-22T15:10:25.225Z'),
      raw: CREATED,
    });
  });

  it('adds ?idempotent when asked, stores the name under uc:name, makes rooms private by default and sends the tenant as organizationId', async () => {
    const seen = expectCall('POST', '/v2/rooms', 200, { ...CREATED, metadata: { 'uc:name': 'Design review' }, defaultAccesses: [], usersAccesses: {}, groupsAccesses: {} });
    const room = await collab.rooms.create({ id: 'my-room-3ebc26e2bf96', name: 'Design review', idempotent: true }, { tenantId: 'org_123456789' });
    assertSent(seen, {
      method: 'POST',
      uri: '/v2/rooms?idempotent',
      body: { id: 'my-room-3ebc26e2bf96', defaultAccesses: [], metadata: { 'uc:name': 'Design review' }, organizationId: 'org_123456789' },
    });
    expect(room.name).toBe('Design review');
    expect(room.metadata).toEqual({});
    expect(room.access).toEqual({ default: 'none', users: {}, groups: {} });
  });

  it('maps read access to room:read + room:presence:write, and none to []', async () => {
    const seen = expectCall('POST', '/v2/rooms', 200, {
      ...CREATED,
      defaultAccesses: ['room:read', 'room:presence:write'],
      usersAccesses: { bob: [] },
      groupsAccesses: {},
    });
    const room = await collab.rooms.create({ id: 'my-room-3ebc26e2bf96', access: { default: 'read', users: { bob: 'none' } } });
    expect((seen[0]!.body as Record<string, unknown>).defaultAccesses).toEqual(['room:read', 'room:presence:write']);
    expect((seen[0]!.body as Record<string, unknown>).usersAccesses).toEqual({ bob: [] });
    expect(room.access).toEqual({ default: 'read', users: { bob: 'none' }, groups: {} });
  });
});

describe('GET /v2/rooms/{roomId}', () => {
  it('gets the room of the reference example, with string-list metadata and per-user access', async () => {
    const seen = expectCall('GET', '/v2/rooms/react-todo-list', 200, REACT_TODO_LIST);
    const room = await collab.rooms.get('react-todo-list');
    assertSent(seen, { method: 'GET', uri: '/v2/rooms/react-todo-list' });
    expect(seen[0]!.headers.accept).toBe('application/json');
    expect(room).toEqual({
      id: 'react-todo-list',
      metadata: { color: 'blue', size: '10', target: ['abc', 'def'] },
      access: { default: 'write', users: { alice: 'write', vinod: 'write' }, groups: { marketing: 'write' } },
      createdAt: new Date('2022-07-13T14:32:50.697Z'),
      raw: REACT_TODO_LIST,
    });
  });

  it('percent-encodes the room id so it cannot change the endpoint', async () => {
    const seen = expectCall('GET', '/v2/rooms/a%20b%2Fc%3Fd', 200, { ...REACT_TODO_LIST, id: 'a b/c?d' });
    expect((await collab.rooms.get('a b/c?d')).id).toBe('a b/c?d');
    assertSent(seen, { method: 'GET', uri: '/v2/rooms/a%20b%2Fc%3Fd' });
  });
});

describe('GET /v2/rooms', () => {
  it('sends limit, startingAfter, userId, groupIds, organizationId and the metadata filter as metadata.KEY params', async () => {
    const seen = expectCall('GET', '/v2/rooms', 200, { nextCursor: 'cursor-2', data: [REACT_TODO_LIST] });
    const page = await collab.rooms.list(
      { limit: 20, cursor: 'eyJjcmVhdGVkQXQiOjE2NjAwMDA5ODgxMzd9', metadata: { color: 'blue', "it's": 'x' }, userId: 'user1', groupIds: ['group1', 'group2'] },
      { tenantId: 'org_123456789' },
    );
    assertSent(seen, {
      method: 'GET',
      uri:
        '/v2/rooms?limit=20&startingAfter=eyJjcmVhdGVkQXQiOjE2NjAwMDA5ODgxMzd9' +
        '&userId=user1&groupIds=group1%2Cgroup2&organizationId=org_123456789' +
        '&metadata.color=blue&metadata.it%27s=x',
    });
    expect(page.nextCursor).toBe('cursor-2');
    expect(page.items.map((r) => r.id)).toEqual(['react-todo-list']);
  });

  it('reads the reference list example (nextPage, no nextCursor) as a last page, and caps limit at 100', async () => {
    const example = {
      nextPage: '/v2/rooms?startingAfter=W1siaWQiLCJVRzhWYl82SHRUS0NzXzFvci1HZHQiXSxbImNyZWF0ZWRBdCIsMTY2MDAwMDk4ODEzN11d',
      data: [
        {
          type: 'room',
          id: 'HTOGSiXcORTECjfNBBLii',
          lastConnectionAt: '2022-08-08T23:23:15.281Z',
          createdAt: '2022-08-08T23:23:15.281Z',
          metadata: { name: ['My room'], type: ['whiteboard'] },
          defaultAccesses: ['room:write'],
          groupsAccesses: { product: ['room:write'] },
          usersAccesses: { vinod: ['room:write'] },
        },
      ],
    };
    const seen = expectCall('GET', '/v2/rooms', 200, example);
    const page = await collab.rooms.list({ limit: 500 });
    assertSent(seen, { method: 'GET', uri: '/v2/rooms?limit=100' });
    expect(page.nextCursor).toBeNull();
    expect(page.items[0]).toMatchObject({ id: 'HTOGSiXcORTECjfNBBLii', metadata: { name: ['My room'], type: ['whiteboard'] } });
  });

  it('iterate follows nextCursor with startingAfter until it is null', async () => {
    const first = expectCall('GET', '/v2/rooms', 200, { nextCursor: 'c2', data: [REACT_TODO_LIST] });
    const second = expectCall('GET', '/v2/rooms', 200, { nextCursor: null, data: [CREATED] });
    const ids: string[] = [];
    for await (const room of collab.rooms.iterate({ pageSize: 1 })) ids.push(room.id);
    expect(ids).toEqual(['react-todo-list', 'my-room-3ebc26e2bf96']);
    expect(first[0]!.uri).toBe('/v2/rooms?limit=1');
    expect(second[0]!.uri).toBe('/v2/rooms?limit=1&startingAfter=c2');
  });
});

describe('POST /v2/rooms/{roomId}', () => {
  it('sends a metadata patch (null deletes), the name and a new default access', async () => {
    const seen = expectCall('POST', '/v2/rooms/react-todo-list', 200, REACT_TODO_LIST);
    const room = await collab.rooms.update('react-todo-list', { name: 'Todo', metadata: { color: 'blue', size: null }, access: { default: 'write' } });
    assertSent(seen, {
      method: 'POST',
      uri: '/v2/rooms/react-todo-list',
      body: { metadata: { color: 'blue', size: null, 'uc:name': 'Todo' }, defaultAccesses: ['room:write'] },
    });
    expect(room.id).toBe('react-todo-list');
  });

  it('replaces user accesses: reads the room, then nulls the users not kept', async () => {
    const get = expectCall('GET', '/v2/rooms/react-todo-list', 200, REACT_TODO_LIST);
    const post = expectCall('POST', '/v2/rooms/react-todo-list', 200, { ...REACT_TODO_LIST, usersAccesses: { vinod: ['room:read', 'room:presence:write'] } });
    const room = await collab.rooms.update('react-todo-list', { access: { users: { vinod: 'read' } } });
    assertSent(get, { method: 'GET', uri: '/v2/rooms/react-todo-list' });
    assertSent(post, { method: 'POST', uri: '/v2/rooms/react-todo-list', body: { usersAccesses: { alice: null, vinod: ['room:read', 'room:presence:write'] } } });
    expect(room.access?.users).toEqual({ vinod: 'read' });
  });
});

describe('DELETE /v2/rooms/{roomId}', () => {
  it('deletes the room (204)', async () => {
    const seen = expectCall('DELETE', '/v2/rooms/react-todo-list', 204);
    await expect(collab.rooms.delete('react-todo-list')).resolves.toBeUndefined();
    assertSent(seen, { method: 'DELETE', uri: '/v2/rooms/react-todo-list' });
  });

  it('is idempotent: a room that is already gone (404) resolves, other errors still reject', async () => {
    const gone = expectCall('DELETE', '/v2/rooms/gone', 404, { error: 'ROOM_NOT_FOUND', message: 'Room not found.' });
    await expect(collab.rooms.delete('gone')).resolves.toBeUndefined();
    assertSent(gone, { method: 'DELETE', uri: '/v2/rooms/gone' });
    expectCall('DELETE', '/v2/rooms/private', 403, { error: 'UNAUTHORIZED_ROOM_ACCESS', message: 'Unauthorized' });
    await expect(collab.rooms.delete('private')).rejects.toMatchObject({ code: 'permission_denied', status: 403 });
  });
});

describe('validation before any request', () => {
  it('rejects non-string room metadata, the reserved name key and ids over 128 characters', async () => {
    await expect(collab.rooms.create({ id: 'r', metadata: { n: 1 } })).rejects.toMatchObject({ code: 'validation_error', field: 'metadata.n' });
    await expect(collab.rooms.create({ id: 'r', metadata: { 'uc:name': 'x' } })).rejects.toMatchObject({ code: 'validation_error', field: 'metadata.uc:name' });
    await expect(collab.rooms.update('r', { metadata: { flag: true } })).rejects.toMatchObject({ code: 'validation_error', field: 'patch.metadata.flag' });
    await expect(collab.rooms.create({ id: 'x'.repeat(129) })).rejects.toMatchObject({ code: 'validation_error', field: 'id' });
  });
});
