/**
 * End-to-end flows of the Kabelwerk adapter on the emulator that the conformance suite cannot run
 * (its authors are end users outside the room): the room's end user and a hub user talk in the room's
 * one thread, notifications follow the notifier and markers, comments are deleted by their author.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collab } from '../../../../src/collab.js';
import { kabelwerkCollab, startEmulator } from '../support.js';
import type { KabelwerkEmulator } from '../emulator/server.js';

const text = (t: string) => ({ version: 1 as const, content: [{ type: 'paragraph' as const, children: [{ type: 'text' as const, text: t }] }] });

let emulator: KabelwerkEmulator;
let collab: Collab;

beforeAll(async () => {
  emulator = await startEmulator();
  collab = await kabelwerkCollab(emulator);
});
afterAll(async () => {
  await collab?.close();
  await emulator?.close();
});

describe('a conversation between an end user and the care team', () => {
  it('creates the room, posts the first message as the end user, replies as a hub user, reads both back', async () => {
    const room = await collab.rooms.create({ id: 'patient-1', name: 'Patient one', metadata: { ward: 'b' } });
    expect(room).toMatchObject({ id: 'patient-1', name: 'Patient one', metadata: { ward: 'b' }, archived: false });
    const nurse = await collab.users.upsert({ id: 'nurse-1', name: 'Nurse', metadata: { 'kabelwerk:hubUser': true } });
    expect(nurse).toMatchObject({ id: 'nurse-1', name: 'Nurse' });
    expect(emulator.state.user('nurse-1')?.hubId).toBe(1);
    const thread = await collab.threads.create({ roomId: 'patient-1', comment: { authorId: 'patient-1', body: text('I have a question') } });
    expect(thread).toMatchObject({ id: 'patient-1', roomId: 'patient-1', resolved: false });
    const reply = await collab.comments.create({ roomId: 'patient-1', threadId: 'patient-1', authorId: 'nurse-1', body: text('How can we help?') });
    const got = await collab.threads.get('patient-1', 'patient-1');
    expect(got.comments.map((c) => [c.authorId, c.id])).toEqual([
      ['patient-1', thread.comments[0]!.id],
      ['nurse-1', reply.id],
    ]);
    expect((await collab.comments.get('patient-1', 'patient-1', reply.id)).body).toEqual(text('How can we help?'));
    expect((await collab.threads.list('patient-1')).items.map((t) => t.id)).toEqual(['patient-1']);
  });
});

describe('threads and comments', () => {
  it('threads.create in a room that already has messages is a ConflictError (reply with comments.create)', async () => {
    await collab.rooms.create({ id: 'patient-2' });
    await collab.threads.create({ roomId: 'patient-2', comment: { authorId: 'patient-2', body: text('first') } });
    await expect(collab.threads.create({ roomId: 'patient-2', comment: { authorId: 'patient-2', body: text('second') } })).rejects.toMatchObject({ code: 'conflict' });
    await expect(collab.threads.create({ roomId: 'patient-2', id: 'other', comment: { authorId: 'patient-2', body: text('x') } })).rejects.toMatchObject({ code: 'validation_error', field: 'id' });
    expect(emulator.state.messages(emulator.state.room('main', 'patient-2')!.id).map((m) => m.input)).toEqual(['first']);
  });

  it('a room without messages has no thread yet: get is NotFoundError, list is empty', async () => {
    await collab.rooms.create({ id: 'patient-3' });
    await expect(collab.threads.get('patient-3', 'patient-3')).rejects.toMatchObject({ code: 'not_found' });
    expect((await collab.threads.list('patient-3')).items).toEqual([]);
    await expect(collab.threads.list('nobody-here')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('a post by someone outside the conversation names authorId', async () => {
    await collab.users.upsert({ id: 'stranger', name: 'Stranger' });
    await expect(collab.comments.create({ roomId: 'patient-3', threadId: 'patient-3', authorId: 'stranger', body: text('hi') })).rejects.toMatchObject({
      code: 'validation_error',
      field: 'authorId',
    });
  });

  it('reads long conversations to the start (list_messages before), oldest first', async () => {
    await collab.rooms.create({ id: 'chatty' });
    const room = emulator.state.room('main', 'chatty')!;
    for (let i = 0; i < 250; i++) emulator.state.postMessage(room.id, room.endUserId, { text: `message ${i}` });
    const thread = await collab.threads.get('chatty', 'chatty');
    expect(thread.comments).toHaveLength(250);
    expect(thread.comments[0]!.body).toEqual(text('message 0'));
    expect(thread.comments[249]!.body).toEqual(text('message 249'));
    const first = await collab.comments.get('chatty', 'chatty', thread.comments[0]!.id);
    expect(first.id).toBe(thread.comments[0]!.id);
    await expect(collab.comments.get('chatty', 'chatty', '999999')).rejects.toMatchObject({ code: 'not_found' });
    await expect(collab.comments.get('chatty', 'other', thread.comments[0]!.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('comments.delete is done as the author: the end user and a hub user delete their own messages', async () => {
    await collab.rooms.create({ id: 'patient-4' });
    await collab.users.upsert({ id: 'nurse-4', name: 'Nurse', metadata: { 'kabelwerk:hubUser': true } });
    const thread = await collab.threads.create({ roomId: 'patient-4', comment: { authorId: 'patient-4', body: text('mine') } });
    const reply = await collab.comments.create({ roomId: 'patient-4', threadId: 'patient-4', authorId: 'nurse-4', body: text('yours') });
    await collab.comments.delete('patient-4', 'patient-4', reply.id);
    await collab.comments.delete('patient-4', 'patient-4', thread.comments[0]!.id);
    await expect(collab.comments.get('patient-4', 'patient-4', reply.id)).rejects.toMatchObject({ code: 'not_found' });
    expect([...emulator.state.deletedMessages.keys()].sort()).toEqual([Number(thread.comments[0]!.id), Number(reply.id)].sort());
    const deletes = emulator.pushes.filter((p) => p.event === 'delete_message');
    const byConnection = new Map(emulator.connections().map((c) => [c.id, c.key]));
    expect(deletes.map((p) => byConnection.get(p.connectionId))).toEqual(['nurse-4', 'patient-4']);
  });
});

describe('rooms on the hub inbox', () => {
  it('get finds the exact key among prefix matches (the inbox search is a prefix search)', async () => {
    for (let i = 0; i < 12; i++) await collab.rooms.create({ id: `ward-${i}`, metadata: { n: String(i) } });
    expect(await collab.rooms.get('ward-1')).toMatchObject({ id: 'ward-1', metadata: { n: '1' } });
    await expect(collab.rooms.get('ward-')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('iterate walks more than one Kabelwerk page (100 rooms) and list pages with list-bound cursors', async () => {
    const hub = emulator.state.hub('main')!;
    for (let i = 0; i < 130; i++) {
      const user = emulator.state.createUser({ key: `bulk-${i}`, name: `Bulk ${i}`, hubId: null });
      emulator.state.updateRoom(emulator.state.createRoom(user.id, hub.id).id, { attributes: { batch: 'bulk' } });
    }
    const ids: string[] = [];
    for await (const room of collab.rooms.iterate({ metadata: { batch: 'bulk' } })) ids.push(room.id);
    expect(new Set(ids).size).toBe(130);
    const first = await collab.rooms.list({ metadata: { batch: 'bulk' }, limit: 500 });
    expect(first.items).toHaveLength(100);
    const second = await collab.rooms.list({ metadata: { batch: 'bulk' }, limit: 500, cursor: first.nextCursor! });
    expect(second.items).toHaveLength(30);
    expect(second.nextCursor).toBeNull();
    await expect(collab.rooms.list({ metadata: { batch: 'other' }, cursor: first.nextCursor! })).rejects.toMatchObject({ code: 'validation_error', field: 'cursor' });
  });

  it('list filters on archived and refuses userId / groupIds', async () => {
    await collab.rooms.create({ id: 'done-1', metadata: { batch: 'arch' } });
    await collab.rooms.create({ id: 'open-1', metadata: { batch: 'arch' } });
    await collab.rooms.update('done-1', { archived: true });
    const ids = async (archived: boolean) => (await collab.rooms.list({ metadata: { batch: 'arch' }, archived })).items.map((r) => r.id);
    expect(await ids(true)).toEqual(['done-1']);
    expect(await ids(false)).toEqual(['open-1']);
    await expect(collab.rooms.list({ userId: 'x' })).rejects.toMatchObject({ field: 'userId' });
  });
});

describe('notifications', () => {
  it("the end user's notifier lists the care team's unread messages, newest first; markRead moves the marker forward only", async () => {
    await collab.rooms.create({ id: 'patient-5' });
    await collab.users.upsert({ id: 'nurse-5', name: 'Nurse', metadata: { 'kabelwerk:hubUser': true } });
    await collab.threads.create({ roomId: 'patient-5', comment: { authorId: 'patient-5', body: text('help') } });
    const a = await collab.comments.create({ roomId: 'patient-5', threadId: 'patient-5', authorId: 'nurse-5', body: text('a') });
    const b = await collab.comments.create({ roomId: 'patient-5', threadId: 'patient-5', authorId: 'nurse-5', body: text('b') });
    const page1 = await collab.notifications.list('patient-5', { limit: 1 });
    expect(page1.items.map((n) => [n.subjectId, n.roomId, n.threadId, n.kind, n.readAt])).toEqual([[b.id, 'patient-5', 'patient-5', 'thread', null]]);
    const page2 = await collab.notifications.list('patient-5', { limit: 1, cursor: page1.nextCursor! });
    expect(page2.items.map((n) => n.subjectId)).toEqual([a.id]);
    expect(page2.nextCursor).toBeNull();
    expect((await collab.notifications.list('patient-5', { unread: false })).items).toEqual([]);
    const room = emulator.state.room('main', 'patient-5')!;
    const patient = emulator.state.user('patient-5')!;
    await collab.notifications.markRead('patient-5', page1.items[0]!.id);
    expect(emulator.state.marker(room.id, patient.id)?.messageId).toBe(Number(b.id));
    // Marking the older one read does not move the marker back (that would unread b).
    await collab.notifications.markRead('patient-5', page2.items[0]!.id);
    expect(emulator.state.marker(room.id, patient.id)?.messageId).toBe(Number(b.id));
    expect((await collab.notifications.list('patient-5')).items).toEqual([]);
    // Another user cannot mark it: the room is not theirs.
    await expect(collab.notifications.markRead('patient-1', page1.items[0]!.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(collab.notifications.markRead('patient-5', `${room.id}:999999`)).rejects.toMatchObject({ code: 'not_found' });
  });

  it("a hub user's notifier names each message's room by its end user's key", async () => {
    await collab.rooms.create({ id: 'patient-6' });
    await collab.users.upsert({ id: 'nurse-6', name: 'Nurse', metadata: { 'kabelwerk:hubUser': true } });
    const thread = await collab.threads.create({ roomId: 'patient-6', comment: { authorId: 'patient-6', body: text('hello nurse') } });
    const items = (await collab.notifications.list('nurse-6', { limit: 100 })).items;
    expect(items.find((n) => n.subjectId === thread.comments[0]!.id)).toMatchObject({ roomId: 'patient-6', userId: 'nurse-6' });
  });
});

describe('hub users', () => {
  it('the service hub user is created once in the default hub; another tenant gets its own', async () => {
    const two = await startEmulator([{ slug: 'main' }, { slug: 'other' }]);
    const c = await kabelwerkCollab(two);
    try {
      await c.rooms.create({ id: 'p' });
      await c.rooms.create({ id: 'p' }, { tenantId: 'other' });
      expect(two.state.user('unicollab')?.hubId).toBe(1);
      expect(two.state.user('unicollab-other')?.hubId).toBe(2);
      expect(two.state.room('other', 'p')).toBeDefined();
      expect((await c.rooms.get('p', { tenantId: 'other' })).id).toBe('p');
      expect(two.requests.filter((r) => r.method === 'POST' && r.path === '/api/users')).toHaveLength(2);
      await expect(c.rooms.get('p', { tenantId: '_' })).rejects.toMatchObject({ code: 'validation_error', field: 'tenantId' });
    } finally {
      await c.close();
      await two.close();
    }
  });

  it('hubUserId: hub "_" works when the adapter acts as a configured hub user', async () => {
    const emu = await startEmulator();
    emu.state.createUser({ key: 'batou', name: 'Batou', hubId: 1 });
    const c = await kabelwerkCollab(emu, { hub: undefined, hubUserId: 'batou' });
    try {
      expect(c.capabilities['rooms.get']).toBe('yes');
      await c.rooms.create({ id: 'kusanagi', name: 'Motoko' });
      expect(await c.rooms.get('kusanagi')).toMatchObject({ id: 'kusanagi', name: 'Motoko' });
      expect(emu.state.user('unicollab')).toBeUndefined();
      expect(emu.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['PATCH /api/hubs/_/rooms/kusanagi']);
    } finally {
      await c.close();
      await emu.close();
    }
  });

  it('a hubUserId that is an end user is a ConflictError saying so', async () => {
    const emu = await startEmulator();
    emu.state.createUser({ key: 'patient', name: 'P', hubId: null });
    const c = await kabelwerkCollab(emu, { hubUserId: 'patient' });
    try {
      await expect(c.rooms.list()).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('hubUserId') });
    } finally {
      await c.close();
      await emu.close();
    }
  });
});
