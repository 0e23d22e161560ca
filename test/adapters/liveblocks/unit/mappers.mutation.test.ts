/**
 * src/adapters/liveblocks/mappers, edge by edge (written against the survivors of `npm run mutation --
 * liveblocks`, see docs/mutation.md): token room patterns, wire bodies both ways (flags, empty runs,
 * group mentions, unknown nodes), rooms (name key, access levels, create and update bodies), threads,
 * comments and their pages, notifications, presence, documents and webhook subscriptions.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../src/core/errors.js';
import type { CommentBody } from '../../../../src/core/model/body.js';
import { MAX_TOKEN_ROOMS, tokenPermissions } from '../../../../src/adapters/liveblocks/mappers/auth.js';
import { fromWireBody, toWireBody } from '../../../../src/adapters/liveblocks/mappers/bodies.js';
import { toDocumentVersion, toJsonStorageDocument, toLbPlainLson, toLsonStorageDocument } from '../../../../src/adapters/liveblocks/mappers/documents.js';
import { toNotification } from '../../../../src/adapters/liveblocks/mappers/notifications.js';
import { toPresenceEntries } from '../../../../src/adapters/liveblocks/mappers/presence.js';
import {
  levelOf,
  legacyMetadataParams,
  quoteQueryValue,
  ROOM_NAME_KEY,
  threadQuery,
  toCreateRoomBody,
  toRoom,
  toUpdateRoomBody,
  updateNeedsCurrentRoom,
} from '../../../../src/adapters/liveblocks/mappers/rooms.js';
import { decodeThreadCursor, encodeThreadCursor, pageThreads, sortedThreads, toComment, toThread, toWireThreadMetadata } from '../../../../src/adapters/liveblocks/mappers/threads.js';
import { COLLAB_EVENT_TO_LB, fromLbEvents, toLbEvents, toWebhookSubscription, webhookSecretOf } from '../../../../src/adapters/liveblocks/mappers/webhook-subscriptions.js';
import type { LbComment, LbCommentBody, LbNotification, LbRoom, LbThread } from '../../../../src/adapters/liveblocks/schemas.js';

function validation(f: () => unknown): ValidationError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('tokenPermissions', () => {
  it('maps each room pattern to its permissions', () => {
    expect(tokenPermissions({ 'room-1': 'write', 'team-*': 'read', '*': 'read' }, 'auth.token')).toStrictEqual({
      'room-1': ['room:write'],
      'team-*': ['room:read', 'room:presence:write'],
      '*': ['room:read', 'room:presence:write'],
    });
    expect(tokenPermissions(undefined, 'auth.token')).toStrictEqual({});
  });

  it('accepts ids of 1 to 128 characters, optionally ending in one *', () => {
    expect(Object.keys(tokenPermissions({ ['a'.repeat(128)]: 'read', ['b'.repeat(128) + '*']: 'read', x: 'read' }, 'auth.token'))).toHaveLength(3);
    for (const bad of ['', 'a'.repeat(129), '**', 'a**', '*a', 'a*b', 'pre-*x']) {
      const e = validation(() => tokenPermissions({ [bad]: 'read' }, 'auth.token'));
      expect(e.field, bad).toBe(`rooms.${bad}`);
      expect(e.message).toBe(`Invalid rooms.${bad}: must be a room id, a prefix ending in *, or *`);
      expect(e.provider).toBe('liveblocks');
      expect(e.operation).toBe('auth.token');
    }
  });

  it('allows at most 10 patterns', () => {
    expect(MAX_TOKEN_ROOMS).toBe(10);
    const rooms = (n: number): Record<string, 'read'> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`r${i}`, 'read' as const]));
    expect(Object.keys(tokenPermissions(rooms(10), 'auth.token'))).toHaveLength(10);
    const e = validation(() => tokenPermissions(rooms(11), 'auth.token'));
    expect(e.field).toBe('rooms');
    expect(e.message).toBe('Invalid rooms: Liveblocks tokens allow at most 10 rooms or patterns');
    expect(e.provider).toBe('liveblocks');
    expect(e.operation).toBe('auth.token');
  });
});

describe('toWireBody', () => {
  it('sends only the true flags, mentions as user mentions, links with their text', () => {
    const b: CommentBody = {
      version: 1,
      content: [
        {
          type: 'paragraph',
          children: [
            { type: 'text', text: 'a', bold: true, italic: true, strikethrough: true, code: true },
            { type: 'text', text: 'b', bold: false, italic: false, strikethrough: false, code: false },
            { type: 'link', url: 'https://x.y', text: 'x' },
          ],
        },
        { type: 'paragraph', children: [] },
        { type: 'paragraph', children: [{ type: 'link', url: 'https://z' }, { type: 'mention', userId: 'u' }] },
      ],
    };
    expect(toWireBody(b)).toStrictEqual({
      version: 1,
      content: [
        { type: 'paragraph', children: [{ text: 'a', bold: true, italic: true, strikethrough: true, code: true }, { text: 'b' }, { type: 'link', url: 'https://x.y', text: 'x' }] },
        { type: 'paragraph', children: [{ text: '' }] },
        { type: 'paragraph', children: [{ type: 'link', url: 'https://z' }, { type: 'mention', kind: 'user', id: 'u' }] },
      ],
    });
  });

  it('drops inline nodes it does not know (a paragraph left empty gets its empty run)', () => {
    const b = { version: 1, content: [{ type: 'paragraph', children: [{ type: 'emoji', url: 'x' }] }] } as unknown as CommentBody;
    expect(toWireBody(b)).toStrictEqual({ version: 1, content: [{ type: 'paragraph', children: [{ text: '' }] }] });
  });
});

describe('fromWireBody', () => {
  const wire = (...children: unknown[]): LbCommentBody => ({ version: 1, content: [{ type: 'paragraph', children }] });
  const read = (...children: unknown[]) => fromWireBody(wire(...children)).content[0]!.children;

  it('reads flags only when true, with or without type: text', () => {
    expect(read({ text: 'a', bold: true, italic: true, strikethrough: true, code: true })).toStrictEqual([{ type: 'text', text: 'a', bold: true, italic: true, strikethrough: true, code: true }]);
    expect(read({ type: 'text', text: 'b', bold: 'yes', italic: 1, strikethrough: false, code: null })).toStrictEqual([{ type: 'text', text: 'b' }]);
  });

  it('drops empty runs, nodes that are not objects, and unknown or incomplete ones', () => {
    expect(read({ text: '' }, null, 'x', 7, { type: 'emoji', text: 'e' }, { type: 'text' }, { text: 3 }, { type: 'mention' }, { type: 'mention', id: '' }, { type: 'link' }, { type: 'link', url: '' })).toStrictEqual([]);
  });

  it('a user mention (with or without kind), a group mention as text, links with or without text', () => {
    expect(read({ type: 'mention', kind: 'user', id: 'u1' }, { type: 'mention', id: 'u2' }, { type: 'mention', kind: 'group', id: 'g' })).toStrictEqual([
      { type: 'mention', userId: 'u1' },
      { type: 'mention', userId: 'u2' },
      { type: 'text', text: '@g' },
    ]);
    expect(read({ type: 'link', url: 'https://a', text: 'A' }, { type: 'link', url: 'https://b', text: '' }, { type: 'link', url: 'https://c', text: 5 })).toStrictEqual([
      { type: 'link', url: 'https://a', text: 'A' },
      { type: 'link', url: 'https://b' },
      { type: 'link', url: 'https://c' },
    ]);
    expect(read({ type: 'mention', id: 5 })).toStrictEqual([]);
  });

  it('keeps every paragraph, even an empty one', () => {
    expect(fromWireBody({ version: 1, content: [{ type: 'paragraph', children: [] }, { type: 'paragraph', children: [{ text: 'x' }] }] })).toStrictEqual({
      version: 1,
      content: [{ type: 'paragraph', children: [] }, { type: 'paragraph', children: [{ type: 'text', text: 'x' }] }],
    });
  });
});

const room = (over: Partial<LbRoom> = {}): LbRoom => ({ id: 'r1', metadata: {}, defaultAccesses: [], usersAccesses: {}, groupsAccesses: {}, ...over });

describe('toRoom', () => {
  it('takes the name out of metadata (a string, or the first of a list) and maps the access levels', () => {
    const wire = room({
      createdAt: '2024-01-02T03:04:05.000Z',
      metadata: { 'uc:name': 'Room', color: 'red', tags: ['a', 'b'] },
      defaultAccesses: ['room:read', 'room:presence:write'],
      usersAccesses: { u1: ['room:write'], u2: ['comments:write'], u3: [] },
      groupsAccesses: { g: ['*:read'] },
    });
    expect(toRoom(wire)).toStrictEqual({
      id: 'r1',
      name: 'Room',
      metadata: { color: 'red', tags: ['a', 'b'] },
      access: { users: { u1: 'write', u3: 'none' }, groups: { g: 'read' }, default: 'read' },
      createdAt: new Date('2024-01-02T03:04:05.000Z'),
      raw: wire,
    });
    expect(toRoom(room({ metadata: { 'uc:name': ['First', 'Second'] } })).name).toBe('First');
  });

  it('no name, no default level and no createdAt when the room has none', () => {
    const r = toRoom(room({ metadata: { 'uc:name': [] }, defaultAccesses: ['comments:read'] }));
    expect(Object.keys(r).sort()).toEqual(['access', 'id', 'metadata', 'raw']);
    expect(r.access).toStrictEqual({ users: {}, groups: {} });
    expect(r.metadata).toStrictEqual({});
  });

  it('levels: write over read, the wildcard forms too', () => {
    expect(levelOf(['room:read', 'room:write'])).toBe('write');
    expect(levelOf(['*:read'])).toBe('read');
    expect(levelOf(['room:read'])).toBe('read');
    expect(levelOf(['room:presence:write'])).toBeUndefined();
  });
});

describe('toCreateRoomBody', () => {
  it('a private room by default, with no metadata when there is none', () => {
    expect(toCreateRoomBody({ id: 'r1' }, undefined, 'rooms.create')).toStrictEqual({ id: 'r1', defaultAccesses: [] });
  });

  it('metadata, the name, user and group accesses and the organization', () => {
    expect(
      toCreateRoomBody({ id: 'r1', name: 'N', metadata: { a: 'x', l: ['y'] }, access: { default: 'write', users: { u: 'read' }, groups: { g: 'none' } } }, 'org', 'rooms.create'),
    ).toStrictEqual({
      id: 'r1',
      defaultAccesses: ['room:write'],
      metadata: { a: 'x', l: ['y'], 'uc:name': 'N' },
      usersAccesses: { u: ['room:read', 'room:presence:write'] },
      groupsAccesses: { g: [] },
      organizationId: 'org',
    });
    expect(toCreateRoomBody({ id: 'r1', name: 'N' }, undefined, 'rooms.create')).toStrictEqual({ id: 'r1', defaultAccesses: [], metadata: { 'uc:name': 'N' } });
    expect(toCreateRoomBody({ id: 'r1', metadata: {} }, undefined, 'rooms.create')).toStrictEqual({ id: 'r1', defaultAccesses: [], metadata: {} });
  });

  it('refuses the name key and values Liveblocks cannot store', () => {
    const reserved = validation(() => toCreateRoomBody({ id: 'r1', metadata: { [ROOM_NAME_KEY]: 'x' } }, undefined, 'rooms.create'));
    expect(reserved.field).toBe('metadata.uc:name');
    expect(reserved.message).toBe('Invalid metadata.uc:name: is reserved: unicollab stores the room name under this key (use "name")');
    expect(reserved.provider).toBe('liveblocks');
    expect(reserved.operation).toBe('rooms.create');
    for (const bad of [1, true, ['a', 2]] as unknown[]) {
      const e = validation(() => toCreateRoomBody({ id: 'r1', metadata: { k: bad as never } }, undefined, 'rooms.create'));
      expect(e.field).toBe('metadata.k');
      expect(e.message).toBe('Invalid metadata.k: Liveblocks room metadata values must be strings or lists of strings');
      expect(e.provider).toBe('liveblocks');
      expect(e.operation).toBe('rooms.create');
    }
    expect(toCreateRoomBody({ id: 'r1', metadata: { k: [] } }, undefined, 'rooms.create').metadata).toStrictEqual({ k: [] });
  });
});

describe('toUpdateRoomBody', () => {
  it('an empty patch is an empty body', () => {
    expect(toUpdateRoomBody({}, undefined, 'rooms.update')).toStrictEqual({});
    expect(updateNeedsCurrentRoom({})).toBe(false);
    expect(updateNeedsCurrentRoom({ access: { default: 'read' } })).toBe(false);
    expect(updateNeedsCurrentRoom({ access: { users: {} } })).toBe(true);
    expect(updateNeedsCurrentRoom({ access: { groups: {} } })).toBe(true);
  });

  it('metadata as a patch (null deletes), the name, and the default access', () => {
    expect(toUpdateRoomBody({ metadata: { a: 'x', b: null, l: ['y'] }, name: 'N', access: { default: 'none' } }, undefined, 'rooms.update')).toStrictEqual({
      metadata: { a: 'x', b: null, l: ['y'], 'uc:name': 'N' },
      defaultAccesses: [],
    });
    expect(toUpdateRoomBody({ name: 'N' }, undefined, 'rooms.update')).toStrictEqual({ metadata: { 'uc:name': 'N' } });
    expect(toUpdateRoomBody({ metadata: { a: 'x' } }, undefined, 'rooms.update')).toStrictEqual({ metadata: { a: 'x' } });
  });

  it('user and group accesses replace the current ones (null for those not kept)', () => {
    const current = room({ usersAccesses: { old: ['room:write'], keep: ['room:read'] }, groupsAccesses: { g1: ['room:write'] } });
    expect(toUpdateRoomBody({ access: { users: { keep: 'write', add: 'read' }, groups: { g2: 'none' } } }, current, 'rooms.update')).toStrictEqual({
      usersAccesses: { old: null, keep: ['room:write'], add: ['room:read', 'room:presence:write'] },
      groupsAccesses: { g1: null, g2: [] },
    });
    expect(toUpdateRoomBody({ access: { users: { u: 'read' } } }, undefined, 'rooms.update')).toStrictEqual({ usersAccesses: { u: ['room:read', 'room:presence:write'] } });
    expect(toUpdateRoomBody({ access: { groups: { g: 'write' } } }, undefined, 'rooms.update')).toStrictEqual({ groupsAccesses: { g: ['room:write'] } });
  });

  it('refuses the name key and values Liveblocks cannot store, under patch.metadata', () => {
    expect(validation(() => toUpdateRoomBody({ metadata: { 'uc:name': null } }, undefined, 'rooms.update')).field).toBe('patch.metadata.uc:name');
    const e = validation(() => toUpdateRoomBody({ metadata: { k: 3 } }, undefined, 'rooms.update'));
    expect(e.field).toBe('patch.metadata.k');
    expect(e.operation).toBe('rooms.update');
  });
});

describe('metadata filters', () => {
  it('quotes numbers and booleans bare, strings in single quotes', () => {
    expect(quoteQueryValue(3)).toBe('3');
    expect(quoteQueryValue(true)).toBe('true');
    expect(quoteQueryValue('a"b\\c')).toBe(`'a"b\\\\c'`);
  });

  it('thread queries: resolved first, clauses separated by one space', () => {
    expect(threadQuery({ resolved: false })).toBe('resolved:false');
    expect(threadQuery({ metadata: { a: '1', b: '2' } })).toBe("metadata['a']:'1' metadata['b']:'2'");
    expect(threadQuery({ resolved: true, metadata: { a: '1' } })).toBe("resolved:true metadata['a']:'1'");
    expect(threadQuery({ metadata: {} })).toBeUndefined();
    expect(legacyMetadataParams(undefined)).toStrictEqual({});
  });
});

const comment = (over: Partial<LbComment> = {}): LbComment => ({
  id: 'c1',
  threadId: 't1',
  roomId: 'r1',
  userId: 'u1',
  createdAt: '2024-01-01T00:00:00.000Z',
  metadata: {},
  reactions: [],
  ...over,
});
const thread = (id: string, createdAt: string, over: Partial<LbThread> = {}): LbThread => ({ id, roomId: 'r1', createdAt, comments: [], metadata: {}, resolved: false, ...over });

describe('toComment / toThread', () => {
  it('a comment with reactions, metadata, an edit and its body', () => {
    const wire = comment({
      editedAt: '2024-01-02T00:00:00.000Z',
      metadata: { pinned: true },
      body: { version: 1, content: [{ type: 'paragraph', children: [{ text: 'hi' }] }] },
      reactions: [
        { emoji: '👍', createdAt: '2024-01-03T00:00:00.000Z', users: [{ id: 'a' }, { id: 'b' }] },
        { emoji: '🎉', users: [] },
      ],
    });
    const c = toComment(wire);
    expect(c).toStrictEqual({
      id: 'c1',
      threadId: 't1',
      roomId: 'r1',
      authorId: 'u1',
      body: { version: 1, content: [{ type: 'paragraph', children: [{ type: 'text', text: 'hi' }] }] },
      createdAt: new Date('2024-01-01T00:00:00.000Z'),
      reactions: [
        { emoji: '👍', userIds: ['a', 'b'], createdAt: new Date('2024-01-03T00:00:00.000Z') },
        { emoji: '🎉', userIds: [] },
      ],
      metadata: { pinned: true },
      raw: wire,
      editedAt: new Date('2024-01-02T00:00:00.000Z'),
    });
    expect(c.metadata).not.toBe(wire.metadata);
  });

  it('a deleted comment has an empty body and deletedAt', () => {
    const c = toComment(comment({ deletedAt: '2024-01-05T00:00:00.000Z' }));
    expect(c.body).toStrictEqual({ version: 1, content: [] });
    expect(c.deletedAt).toEqual(new Date('2024-01-05T00:00:00.000Z'));
    expect('editedAt' in c).toBe(false);
  });

  it('a thread with its comments, updatedAt only when there is one', () => {
    const wire = thread('t1', '2024-01-01T00:00:00.000Z', { updatedAt: '2024-01-04T00:00:00.000Z', resolved: true, metadata: { m: 1 }, comments: [comment()] });
    const t = toThread(wire);
    expect(t).toMatchObject({ id: 't1', roomId: 'r1', resolved: true, metadata: { m: 1 }, createdAt: new Date('2024-01-01T00:00:00.000Z'), updatedAt: new Date('2024-01-04T00:00:00.000Z') });
    expect(t.comments.map((c) => c.id)).toEqual(['c1']);
    expect(t.raw).toBe(wire);
    expect(t.metadata).not.toBe(wire.metadata);
    expect('updatedAt' in toThread(thread('t2', '2024-01-01T00:00:00.000Z'))).toBe(false);
  });

  it('thread metadata refuses lists, naming the key', () => {
    const e = validation(() => toWireThreadMetadata({ a: 1, b: ['x'] }, 'metadata', 'threads.create'));
    expect(e.field).toBe('metadata.b');
    expect(e.message).toBe('Invalid metadata.b: Liveblocks thread and comment metadata values must be strings, numbers or booleans');
    expect(e.provider).toBe('liveblocks');
    expect(e.operation).toBe('threads.create');
    expect(toWireThreadMetadata({ a: 1, b: 'x', c: false, d: null }, 'patch', 'threads.update')).toStrictEqual({ a: 1, b: 'x', c: false, d: null });
  });
});

describe('thread pages', () => {
  const threads = [
    thread('b', '2024-01-01T00:00:02.000Z'),
    thread('a', '2024-01-01T00:00:01.000Z'),
    thread('d', '2024-01-01T00:00:02.000Z'),
    thread('c', '2024-01-01T00:00:02.000Z'),
  ];

  it('orders by creation, then id', () => {
    expect(sortedThreads(threads).map((t) => t.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(sortedThreads([thread('x', '2024-01-01T00:00:00.000Z'), thread('x', '2024-01-01T00:00:00.000Z')]).map((t) => t.id)).toEqual(['x', 'x']);
  });

  it('cuts pages after the cursor position, with a cursor only when more follow', () => {
    const first = pageThreads(threads, 2, undefined);
    expect(first.items.map((t) => t.id)).toEqual(['a', 'b']);
    expect(first.nextCursor).toBe(encodeThreadCursor([Date.parse('2024-01-01T00:00:02.000Z'), 'b']));
    const second = pageThreads(threads, 2, decodeThreadCursor(first.nextCursor!, 'threads.list'));
    expect(second.items.map((t) => t.id)).toEqual(['c', 'd']);
    expect(second.nextCursor).toBeNull();
    expect(pageThreads(threads, undefined, [Date.parse('2024-01-01T00:00:02.000Z'), 'c']).items.map((t) => t.id)).toEqual(['d']);
    expect(pageThreads(threads, 4, undefined).nextCursor).toBeNull();
    expect(pageThreads(threads, 0, undefined)).toStrictEqual({ items: [], nextCursor: null });
    expect(pageThreads(threads, 2, [Date.parse('2030-01-01T00:00:00.000Z'), '']).items).toEqual([]);
  });

  it('a cursor that is not one is a ValidationError', () => {
    expect(decodeThreadCursor(encodeThreadCursor([5, 'x']), 'threads.list')).toStrictEqual([5, 'x']);
    for (const bad of ['nope', encodeThreadCursor(['5', 'x'] as never), encodeThreadCursor([5, 6] as never), encodeThreadCursor([5] as never), encodeThreadCursor([5, 'x', 1] as never)]) {
      const e = validation(() => decodeThreadCursor(bad, 'threads.list'));
      expect(e.field).toBe('query.cursor');
      expect(e.message).toBe('Invalid query.cursor: is not a cursor returned by threads.list');
      expect(e.provider).toBe('liveblocks');
      expect(e.operation).toBe('threads.list');
    }
  });
});

describe('toNotification', () => {
  const base = (over: Partial<LbNotification>): LbNotification => ({ id: 'n1', kind: 'thread', notifiedAt: '2024-01-01T00:00:00.000Z', ...over });

  it('a thread notification, unread, with its room and thread', () => {
    const wire = base({ roomId: 'r1', threadId: 't1', readAt: null });
    expect(toNotification(wire, 'u1')).toStrictEqual({ id: 'n1', userId: 'u1', kind: 'thread', notifiedAt: new Date('2024-01-01T00:00:00.000Z'), readAt: null, raw: wire, roomId: 'r1', threadId: 't1' });
    expect(Object.keys(toNotification(base({ roomId: null }), 'u1')).sort()).toEqual(['id', 'kind', 'notifiedAt', 'raw', 'readAt', 'userId']);
  });

  it('a text mention is a mention about its mention id, read when readAt is set', () => {
    const n = toNotification(base({ kind: 'textMention', mentionId: 'm1', readAt: '2024-01-02T00:00:00.000Z', threadId: 'ignored' }), 'u1');
    expect(n.kind).toBe('mention');
    expect(n.subjectId).toBe('m1');
    expect(n.readAt).toEqual(new Date('2024-01-02T00:00:00.000Z'));
    expect('threadId' in n).toBe(false);
    expect('subjectId' in toNotification(base({ kind: 'textMention' }), 'u1')).toBe(false);
  });

  it('a custom kind loses its $, with the subject and the data of the latest activity', () => {
    const n = toNotification(base({ kind: '$alert', subjectId: 's', activities: [{ data: { a: 1 } }, { data: { b: 2 } }] }), 'u1');
    expect(n).toMatchObject({ kind: 'custom', customKind: 'alert', subjectId: 's', data: { b: 2 } });
    const plain = toNotification(base({ kind: 'other', activities: [] }), 'u1');
    expect(plain.customKind).toBe('other');
    expect('data' in plain).toBe(false);
    expect('subjectId' in plain).toBe(false);
    const bare = toNotification(base({ kind: '$ping' }), 'u1');
    expect(bare.customKind).toBe('ping');
    expect('data' in bare).toBe(false);
  });
});

describe('toPresenceEntries', () => {
  it('leaves out anonymous connections; info only when there is some', () => {
    expect(
      toPresenceEntries({
        data: [
          { connectionId: 1, id: 'u1', info: { name: 'A' } },
          { connectionId: 2, id: null },
          { connectionId: 3, id: '' },
          { connectionId: 4, id: 'u2', info: null },
        ],
      }),
    ).toStrictEqual([
      { userId: 'u1', connectionId: '1', status: 'online', info: { name: 'A' } },
      { userId: 'u2', connectionId: '4', status: 'online' },
    ]);
  });
});

describe('documents', () => {
  it('a history version with its authors', () => {
    const wire = { id: 'v1', createdAt: '2024-01-01T00:00:00.000Z', authors: [{ id: 'a' }, { id: 'b' }] };
    expect(toDocumentVersion(wire)).toStrictEqual({ id: 'v1', createdAt: new Date('2024-01-01T00:00:00.000Z'), authorIds: ['a', 'b'], raw: wire });
  });

  it('renames the LSON kind key both ways', () => {
    const core = { lsonType: 'LiveObject' as const, data: { list: { lsonType: 'LiveList', data: [1] } } };
    const lb = toLbPlainLson(core);
    expect(lb).toStrictEqual({ liveblocksType: 'LiveObject', data: { list: { liveblocksType: 'LiveList', data: [1] } } });
    expect(toLsonStorageDocument(lb)).toStrictEqual({ format: 'lson', data: core, raw: lb });
    expect(toJsonStorageDocument({ a: 1 })).toStrictEqual({ format: 'json', data: { a: 1 }, raw: { a: 1 } });
  });
});

describe('webhook subscriptions', () => {
  it('core types subscribe to every Liveblocks type that maps to them, once', () => {
    expect(COLLAB_EVENT_TO_LB.get('comment.edited')).toEqual(['commentEdited', 'commentMetadataUpdated']);
    expect(toLbEvents(['comment.edited', 'comment.edited', 'room.created'])).toEqual(['commentEdited', 'commentMetadataUpdated', 'roomCreated']);
    expect(toLbEvents(['unknown'])).toEqual([]);
    expect(fromLbEvents(['commentEdited', 'commentMetadataUpdated', 'nope', 'roomCreated'])).toEqual(['comment.edited', 'room.created']);
  });

  it('the secret in either shape, only when asked for, never in raw', () => {
    expect(webhookSecretOf({ id: 'w', url: 'u', subscribedEvents: [], secret: 's1' })).toBe('s1');
    expect(webhookSecretOf({ id: 'w', url: 'u', subscribedEvents: [], secret: { value: 's2' } })).toBe('s2');
    expect(webhookSecretOf({ id: 'w', url: 'u', subscribedEvents: [] })).toBeUndefined();
    const w = { id: 'w1', url: 'https://h', subscribedEvents: ['roomCreated'], createdAt: '2024-01-01T00:00:00.000Z', secret: { value: 'whsec' } };
    expect(toWebhookSubscription(w, true)).toStrictEqual({
      id: 'w1',
      url: 'https://h',
      events: ['room.created'],
      createdAt: new Date('2024-01-01T00:00:00.000Z'),
      raw: { id: 'w1', url: 'https://h', subscribedEvents: ['roomCreated'], createdAt: '2024-01-01T00:00:00.000Z' },
      secret: 'whsec',
    });
    expect('secret' in toWebhookSubscription(w, false)).toBe(false);
    const bare = toWebhookSubscription({ id: 'w2', url: 'u', subscribedEvents: [] }, true);
    expect('secret' in bare).toBe(false);
    expect(bare.createdAt).toEqual(new Date(0));
  });
});
