/**
 * Contract: each of the five REST endpoints of sdk-python 0.1.2 (vendors/kabelwerk.md §1.5), with the
 * exact method, path, headers and JSON body, and the mapped result; ids are percent-encoded so they can
 * never change the path.
 */
import { describe, expect, it } from 'vitest';
import { textBody } from '../../../../src/testing/helpers.js';
import { expectKabelwerk, FIXTURES, kabelwerkRestCollab, rejection, seen, useNock } from './harness.js';

useNock();

describe('POST /api/users and PATCH /api/users/{key} (users.upsert)', () => {
  it('renames first: PATCH {"name"} answered 200 is the result (§1.5.2 fixture)', async () => {
    expectKabelwerk('PATCH', '/users/kusanagi', { status: 200, body: FIXTURES.user });
    const collab = await kabelwerkRestCollab();
    expect(await collab.users.upsert({ id: 'kusanagi', name: 'Motoko' })).toEqual({ id: 'kusanagi', name: 'Motoko', metadata: {}, raw: FIXTURES.user });
    expect(seen).toMatchObject([{ method: 'PATCH', body: { name: 'Motoko' } }]);
    await collab.close();
  });

  it('creates on 404: POST {"hub": null, "key", "name"} answered 201 (§1.5.1 fixture)', async () => {
    expectKabelwerk('PATCH', '/users/kusanagi', { status: 404, body: { errors: { detail: 'Not Found' } } });
    expectKabelwerk('POST', '/users', { status: 201, body: FIXTURES.user });
    const collab = await kabelwerkRestCollab();
    expect(await collab.users.upsert({ id: 'kusanagi', name: 'Motoko', email: 'm@section9.jp' })).toMatchObject({ id: 'kusanagi', name: 'Motoko' });
    expect(seen[1]).toMatchObject({ method: 'POST', body: { hub: null, key: 'kusanagi', name: 'Motoko' } });
    expect(Object.keys(seen[1]!.body as object)).toEqual(['hub', 'key', 'name']);
    await collab.close();
  });

  it('metadata "kabelwerk:hubUser": true creates a hub user of the hub (POST {"hub": "<slug>"})', async () => {
    expectKabelwerk('PATCH', '/users/batou', { status: 404 });
    expectKabelwerk('POST', '/users', { status: 201, body: { id: 3, key: 'batou', name: 'Batou' } });
    const collab = await kabelwerkRestCollab({ hub: 'section9' });
    await collab.users.upsert({ id: 'batou', name: 'Batou', metadata: { 'kabelwerk:hubUser': true } });
    expect(seen[1]!.body).toEqual({ hub: 'section9', key: 'batou', name: 'Batou' });
    await collab.close();
  });

  it('a hub user needs a hub slug: with hub "_" the flag is a ValidationError before any request', async () => {
    const collab = await kabelwerkRestCollab();
    expect(await rejection(collab.users.upsert({ id: 'batou', name: 'Batou', metadata: { 'kabelwerk:hubUser': true } }))).toMatchObject({ code: 'validation_error', field: 'metadata.kabelwerk:hubUser' });
    expect(seen).toEqual([]);
    await collab.close();
  });

  it('without a name: POST with the key as name; a taken key means the user exists (nothing to change)', async () => {
    expectKabelwerk('POST', '/users', { status: 400, body: { errors: { key: ['has already been taken'] } } });
    const collab = await kabelwerkRestCollab();
    expect(await collab.users.upsert({ id: 'kusanagi' })).toEqual({ id: 'kusanagi', metadata: {}, raw: undefined });
    expect(seen[0]!.body).toEqual({ hub: null, key: 'kusanagi', name: 'kusanagi' });
    await collab.close();
  });
});

describe('DELETE /api/users/{key} (users.delete)', () => {
  it('sends no body but Content-Type: application/json, and resolves on 204 (§1.5.3 fixture)', async () => {
    expectKabelwerk('DELETE', '/users/kusanagi', { status: 204 });
    const collab = await kabelwerkRestCollab();
    await expect(collab.users.delete('kusanagi')).resolves.toBeUndefined();
    expect(seen).toMatchObject([{ method: 'DELETE', body: undefined, headers: { 'content-type': 'application/json' } }]);
    await collab.close();
  });

  it('404 is NotFoundError (deleting twice, the docstring example)', async () => {
    expectKabelwerk('DELETE', '/users/kusanagi', { status: 404 });
    const collab = await kabelwerkRestCollab();
    expect(await rejection(collab.users.delete('kusanagi'))).toMatchObject({ code: 'not_found', operation: 'users.delete', status: 404 });
    await collab.close();
  });
});

describe('PATCH /api/hubs/{hub}/rooms/{key} (rooms.update)', () => {
  it('archived: PATCH /hubs/_/rooms/kusanagi {"archived": true} exactly (§1.5.4 fixture 2)', async () => {
    expectKabelwerk('PATCH', '/hubs/_/rooms/kusanagi', { status: 200, body: FIXTURES.archivedRoom });
    const collab = await kabelwerkRestCollab();
    expect(await collab.rooms.update('kusanagi', { archived: true })).toEqual({ id: 'kusanagi', metadata: {}, archived: true, raw: FIXTURES.archivedRoom });
    expect(seen).toMatchObject([{ method: 'PATCH', body: { archived: true } }]);
    await collab.close();
  });

  it('metadata: an empty PATCH reads the attributes, then the whole merged map is written (Kabelwerk replaces it)', async () => {
    expectKabelwerk('PATCH', '/hubs/section9/rooms/kusanagi', { status: 200, body: FIXTURES.room });
    expectKabelwerk('PATCH', '/hubs/section9/rooms/kusanagi', { status: 200, body: { ...FIXTURES.room, attributes: { eight: '8', 'uc:name': 'Ward' } } });
    const collab = await kabelwerkRestCollab({ hub: 'section9' });
    const room = await collab.rooms.update('kusanagi', { name: 'Ward', metadata: { seven: null, eight: '8' }, archived: false });
    expect(seen.map((s) => s.body)).toEqual([{}, { archived: false, attributes: { eight: '8', 'uc:name': 'Ward' } }]);
    expect(room).toMatchObject({ id: 'kusanagi', name: 'Ward', metadata: { eight: '8' }, raw: { hub_user: { key: 'batou' } } });
    await collab.close();
  });

  it('a tenantId is the hub of the path', async () => {
    expectKabelwerk('PATCH', '/hubs/other/rooms/kusanagi', { status: 200, body: FIXTURES.room });
    const collab = await kabelwerkRestCollab({ hub: 'section9' });
    await collab.rooms.update('kusanagi', { archived: false }, { tenantId: 'other' });
    await collab.close();
  });

  it('404 (no room for that end user and hub) is NotFoundError', async () => {
    expectKabelwerk('PATCH', '/hubs/_/rooms/nobody', { status: 404, body: { errors: { detail: 'Not Found' } } });
    const collab = await kabelwerkRestCollab();
    expect(await rejection(collab.rooms.update('nobody', { archived: true }))).toMatchObject({ code: 'not_found', operation: 'rooms.update' });
    await collab.close();
  });

  it('the reserved name key cannot be written as metadata (ValidationError, no request)', async () => {
    const collab = await kabelwerkRestCollab();
    expect(await rejection(collab.rooms.update('kusanagi', { metadata: { 'uc:name': 'x' } }))).toMatchObject({ code: 'validation_error', field: 'patch.metadata.uc:name' });
    await collab.close();
  });
});

describe('POST /api/hubs/{hub}/rooms/{key}/messages (comments.create)', () => {
  it('posts {"text", "user"} exactly and maps the fixture message (§1.5.5)', async () => {
    expectKabelwerk('POST', '/hubs/section9/rooms/kusanagi/messages', { status: 201, body: FIXTURES.message });
    const collab = await kabelwerkRestCollab({ hub: 'section9' });
    const comment = await collab.comments.create({ roomId: 'kusanagi', threadId: 'kusanagi', authorId: 'batou', body: textBody('And where does the newborn go from here?') });
    expect(seen).toMatchObject([{ method: 'POST', body: { text: 'And where does the newborn go from here?', user: 'batou' } }]);
    expect(Object.keys(seen[0]!.body as object)).toEqual(['text', 'user']);
    expect(comment).toMatchObject({ id: '16947', roomId: 'kusanagi', threadId: 'kusanagi', authorId: 'batou', createdAt: new Date('2023-07-22T09:46:57Z'), body: textBody('And where does the newborn go from here?') });
    await collab.close();
  });

  it('the body goes out as Kabelwerk markdown', async () => {
    expectKabelwerk('POST', '/hubs/_/rooms/kusanagi/messages', { status: 201, body: FIXTURES.message });
    const collab = await kabelwerkRestCollab();
    await collab.comments.create({
      roomId: 'kusanagi',
      threadId: 'kusanagi',
      authorId: 'batou',
      body: { version: 1, content: [{ type: 'paragraph', children: [{ type: 'text', text: 'see ', bold: false }, { type: 'link', url: 'https://kabelwerk.io', text: 'this' }, { type: 'text', text: ' ' }, { type: 'mention', userId: 'kusanagi' }] }, { type: 'paragraph', children: [{ type: 'text', text: 'ok', bold: true }] }] },
    });
    expect((seen[0]!.body as { text: string }).text).toBe('see [this](https://kabelwerk.io) @kusanagi\n\n**ok**');
    await collab.close();
  });

  it('a thread id other than the room id is NotFoundError and a blank body or metadata a ValidationError, before any request', async () => {
    const collab = await kabelwerkRestCollab();
    expect(await rejection(collab.comments.create({ roomId: 'kusanagi', threadId: 'other', authorId: 'batou', body: textBody('x') }))).toMatchObject({ code: 'not_found' });
    expect(await rejection(collab.comments.create({ roomId: 'kusanagi', threadId: 'kusanagi', authorId: 'batou', body: textBody('   ') }))).toMatchObject({ code: 'validation_error', field: 'body' });
    expect(await rejection(collab.comments.create({ roomId: 'kusanagi', threadId: 'kusanagi', authorId: 'batou', body: textBody('x'), metadata: { a: '1' } }))).toMatchObject({ code: 'validation_error', field: 'metadata' });
    await collab.close();
  });

  it('400 on user / text names the caller\'s field (authorId / body)', async () => {
    expectKabelwerk('POST', '/hubs/_/rooms/kusanagi/messages', { status: 400, body: { errors: { user: ['is not a participant of this room'] } } });
    expectKabelwerk('POST', '/hubs/_/rooms/kusanagi/messages', { status: 400, body: { errors: { text: ["can't be blank"] } } });
    const collab = await kabelwerkRestCollab();
    const input = { roomId: 'kusanagi', threadId: 'kusanagi', authorId: 'stranger', body: textBody('?') };
    expect(await rejection(collab.comments.create(input))).toMatchObject({ code: 'validation_error', field: 'authorId', status: 400, message: expect.stringContaining('user is not a participant') });
    expect(await rejection(collab.comments.create(input))).toMatchObject({ code: 'validation_error', field: 'body' });
    await collab.close();
  });
});

describe('ids never change the path', () => {
  it('a key with "/", "?", "#" or spaces is one percent-encoded segment', async () => {
    expectKabelwerk('DELETE', '/users/a%2F..%2Fb%3Fx%23y%20z', { status: 204 });
    expectKabelwerk('PATCH', '/hubs/_/rooms/..%2Fusers%2Fkusanagi', { status: 200, body: FIXTURES.room });
    expectKabelwerk('POST', '/hubs/_/rooms/r%2Fmessages/messages', { status: 201, body: FIXTURES.message });
    const collab = await kabelwerkRestCollab();
    await collab.users.delete('a/../b?x#y z');
    await collab.rooms.update('../users/kusanagi', { archived: false });
    await collab.comments.create({ roomId: 'r/messages', threadId: 'r/messages', authorId: 'batou', body: textBody('x') });
    await collab.close();
  });

  it('"." and ".." (in any encoding) are refused by core before any request', async () => {
    const collab = await kabelwerkRestCollab();
    for (const id of ['..', '.', '%2e%2E']) {
      expect(await rejection(collab.users.delete(id))).toMatchObject({ code: 'validation_error', field: 'id' });
      expect(await rejection(collab.rooms.update(id, { archived: true }))).toMatchObject({ code: 'validation_error', field: 'id' });
    }
    expect(await rejection(collab.rooms.update('ok', { archived: true }, { tenantId: '..' }))).toMatchObject({ code: 'validation_error' });
    await collab.close();
  });
});
