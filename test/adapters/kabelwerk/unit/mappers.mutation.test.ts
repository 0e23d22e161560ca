/**
 * src/adapters/kabelwerk/mappers (bodies, rooms, users, messages, notifications), edge by edge (written
 * against the survivors of `npm run mutation -- kabelwerk`, see docs/mutation.md): emphasis around
 * spaces, which link targets markdown can hold, the mention scanner's offsets, which attribute values
 * are metadata, the reserved name key, patches of the whole attribute map.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../src/core/errors.js';
import type { CommentBody } from '../../../../src/core/model/body.js';
import { atMentions, fromKabelwerkMessage, toKabelwerkText } from '../../../../src/adapters/kabelwerk/mappers/bodies.js';
import { assertNoNameKey, attributesOf, fieldsOf, patchedAttributes, ROOM_NAME_KEY, roomFromInbox, roomFromRest } from '../../../../src/adapters/kabelwerk/mappers/rooms.js';
import { HUB_USER_FLAG, userFromKabelwerk } from '../../../../src/adapters/kabelwerk/mappers/users.js';
import { commentFromMessage, messageIdOf, threadFromMessages } from '../../../../src/adapters/kabelwerk/mappers/messages.js';
import { notificationFromMessage, parseNotificationId } from '../../../../src/adapters/kabelwerk/mappers/notifications.js';
import type { KabelwerkMessage } from '../../../../src/adapters/kabelwerk/schemas.js';

const p = (...children: CommentBody['content'][number]['children']): CommentBody['content'][number] => ({ type: 'paragraph', children });
const body = (...content: CommentBody['content']): CommentBody => ({ version: 1, content });
const text = (...children: CommentBody['content'][number]['children']): string => toKabelwerkText(body(p(...children)));

describe('toKabelwerkText: emphasis', () => {
  it('wraps only the non-space core of a run, whichever flags it has', () => {
    expect(text({ type: 'text', text: '  both  ', bold: true, italic: true })).toBe('  **_both_**  ');
    expect(text({ type: 'text', text: ' b', bold: true })).toBe(' **b**');
    expect(text({ type: 'text', text: 'i ', italic: true })).toBe('*i* ');
    expect(text({ type: 'text', text: 'x', bold: false, italic: false })).toBe('x');
    expect(text({ type: 'text', text: 'x', bold: true, italic: false })).toBe('**x**');
    expect(text({ type: 'text', text: 'x', bold: false, italic: true })).toBe('*x*');
  });

  it('a run of spaces gets no delimiters', () => {
    expect(text({ type: 'text', text: 'a' }, { type: 'text', text: '   ', bold: true }, { type: 'text', text: 'b' })).toBe('a   b');
    expect(text({ type: 'text', text: 'a' }, { type: 'text', text: ' ', italic: true }, { type: 'text', text: 'b' })).toBe('a b');
  });

  it('the core is found where it first occurs', () => {
    expect(text({ type: 'text', text: ' ab ', bold: true })).toBe(' **ab** ');
  });
});

describe('toKabelwerkText: links', () => {
  it('a link whose text is empty or its URL is written as the URL', () => {
    expect(text({ type: 'link', url: 'https://k.io/a', text: '' })).toBe('https://k.io/a');
    expect(text({ type: 'link', url: 'https://k.io/a', text: 'https://k.io/a' })).toBe('https://k.io/a');
  });

  it('markdown holds http and https targets (any case) without spaces, parentheses or angle brackets', () => {
    expect(text({ type: 'link', url: 'http://k.io/a', text: 'k' })).toBe('[k](http://k.io/a)');
    expect(text({ type: 'link', url: 'HTTPS://K.IO/A', text: 'k' })).toBe('[k](HTTPS://K.IO/A)');
    expect(text({ type: 'link', url: 'https://k.io/a<b', text: 'k' })).toBe('k (https://k.io/a<b)');
    expect(text({ type: 'link', url: 'https://k.io/a>b', text: 'k' })).toBe('k (https://k.io/a>b)');
    expect(text({ type: 'link', url: 'https://k.io/a)', text: 'k' })).toBe('k (https://k.io/a))');
    expect(text({ type: 'link', url: 'https://k.io/a b', text: 'k' })).toBe('k (https://k.io/a b)');
    expect(text({ type: 'link', url: 'ftp://k.io/a', text: 'k' })).toBe('k (ftp://k.io/a)');
    expect(text({ type: 'link', url: 'see https://k.io/a', text: 'k' })).toBe('k (see https://k.io/a)');
    expect(text({ type: 'link', url: 'https://', text: 'k' })).toBe('k (https://)');
  });

  it('a label with "]" or a line break is not put in brackets', () => {
    expect(text({ type: 'link', url: 'https://k.io', text: 'a]b' })).toBe('a]b (https://k.io)');
    expect(toKabelwerkText(body(p({ type: 'link', url: 'https://k.io', text: 'a[b' })))).toBe('[a[b](https://k.io)');
  });
});

describe('toKabelwerkText: paragraphs', () => {
  it('joins the non-blank paragraphs with a blank line', () => {
    expect(toKabelwerkText(body(p({ type: 'text', text: 'a' }), p({ type: 'text', text: ' \t' }), p({ type: 'text', text: 'b' })))).toBe('a\n\nb');
  });
});

describe('atMentions', () => {
  type Call = ['text', number, number] | ['mention', string];
  const scan = (s: string, start: number, end: number): Call[] => {
    const calls: Call[] = [];
    atMentions(
      s,
      start,
      end,
      (from, to) => calls.push(['text', from, to]),
      (userId) => calls.push(['mention', userId]),
    );
    return calls;
  };

  it('gives the text around each @id at its offsets in the whole string', () => {
    expect(scan('xxhi @bob, yo', 2, 13)).toEqual([['text', 2, 5], ['mention', 'bob'], ['text', 9, 13]]);
  });

  it('a mention at the very start or end leaves no empty text', () => {
    expect(scan('@al', 0, 3)).toEqual([['mention', 'al']]);
    expect(scan('zz@al', 2, 5)).toEqual([['mention', 'al']]);
  });

  it('a line break is text too, and the offsets go on after it', () => {
    expect(scan('a\n@b c', 0, 6)).toEqual([['text', 0, 1], ['text', 1, 2], ['mention', 'b'], ['text', 4, 6]]);
  });

  it('an e-mail address stays text', () => {
    expect(scan('a@b.com', 0, 7)).toEqual([['text', 0, 7]]);
  });

  it('a URL is plain text to it (links are read from the html, not here)', () => {
    expect(scan('see https://k.io @bob', 0, 21)).toEqual([['text', 0, 17], ['mention', 'bob']]);
  });
});

describe('fromKabelwerkMessage', () => {
  it('uses the text when the html is only white space', () => {
    expect(fromKabelwerkMessage({ html: '  \n ', text: 'plain @bob' })).toEqual(body(p({ type: 'text', text: 'plain ' }, { type: 'mention', userId: 'bob' })));
  });
});

describe('rooms: attribute values', () => {
  it('strings, booleans, finite numbers and string lists are metadata; the rest is not', () => {
    const { metadata } = fieldsOf({ s: '', t: true, f: false, n: 0, neg: -1.5, inf: Infinity, nan: NaN, list: ['a'], empty: [], mixed: ['a', 1], nul: null, obj: { a: 1 }, undef: undefined });
    expect(metadata).toStrictEqual({ s: '', t: true, f: false, n: 0, neg: -1.5, list: ['a'], empty: [] });
  });

  it('lists are copied, and the metadata can be changed by the caller', () => {
    const tags = ['a', 'b'];
    const { metadata } = fieldsOf({ tags, color: 'red' });
    expect(metadata.tags).toEqual(['a', 'b']);
    expect(metadata.tags).not.toBe(tags);
    metadata.color = 'blue';
    delete (metadata as Record<string, unknown>).tags;
    expect(metadata).toStrictEqual({ color: 'blue' });
    expect(Object.keys(fieldsOf({ a: '1', b: 2 }).metadata)).toEqual(['a', 'b']);
  });

  it('a key named __proto__ is an own metadata entry', () => {
    const { metadata } = fieldsOf(JSON.parse('{"__proto__": "x"}') as Record<string, unknown>);
    expect(Object.hasOwn(metadata, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
  });

  it('the name is a non-empty string under uc:name, never metadata', () => {
    expect(ROOM_NAME_KEY).toBe('uc:name');
    expect(fieldsOf({ 'uc:name': 'Ward', a: '1' })).toStrictEqual({ name: 'Ward', metadata: { a: '1' } });
    expect(fieldsOf({ 'uc:name': 7 })).toStrictEqual({ metadata: {} });
    expect(fieldsOf({ 'uc:name': ['Ward'] })).toStrictEqual({ metadata: {} });
    expect(Object.keys(fieldsOf({ 'uc:name': '' }))).toEqual(['metadata']);
    expect(Object.keys(fieldsOf({}))).toEqual(['metadata']);
  });
});

describe('rooms: the reserved name key', () => {
  it('refuses metadata naming uc:name, with the field and the call', () => {
    let error: unknown;
    try {
      assertNoNameKey({ a: 1, 'uc:name': 'x' }, 'patch.metadata', 'rooms.update');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const v = error as ValidationError;
    expect(v.field).toBe('patch.metadata.uc:name');
    expect(v.message).toBe('Invalid patch.metadata.uc:name: is reserved for the room name (Kabelwerk rooms have no name field): use name');
    expect(v.provider).toBe('kabelwerk');
    expect(v.operation).toBe('rooms.update');
  });

  it('lets other metadata, no metadata and an inherited uc:name through', () => {
    expect(() => assertNoNameKey({ a: 1 }, 'metadata', 'rooms.create')).not.toThrow();
    expect(() => assertNoNameKey(undefined, 'metadata', 'rooms.create')).not.toThrow();
    expect(() => assertNoNameKey(Object.create({ 'uc:name': 'x' }) as Record<string, unknown>, 'metadata', 'rooms.create')).not.toThrow();
  });
});

describe('rooms: attributes to send', () => {
  it('a new room: the metadata and the name', () => {
    expect(attributesOf('N', undefined)).toStrictEqual({ 'uc:name': 'N' });
    expect(attributesOf(undefined, { a: '1', l: ['x'] })).toStrictEqual({ a: '1', l: ['x'] });
  });

  it('a patch: null removes, a value replaces or adds, the rest is kept in its order', () => {
    const next = patchedAttributes({ a: 1, b: 2, c: 3 }, { metadata: { b: 'B', d: 'D', a: null } });
    expect(next).toStrictEqual({ c: 3, b: 'B', d: 'D' });
    expect(Object.keys(next)).toEqual(['c', 'b', 'd']);
    expect(patchedAttributes({ a: 1 }, {})).toStrictEqual({ a: 1 });
    expect(patchedAttributes({ a: 1, 'uc:name': 'Old' }, { name: undefined })).toStrictEqual({ a: 1, 'uc:name': 'Old' });
    expect(patchedAttributes({}, { metadata: { x: null } })).toStrictEqual({});
  });

  it('the merged map can be changed by the caller, and a __proto__ key stays an own entry', () => {
    const next = patchedAttributes({ a: 1 }, { metadata: { b: '2' } });
    next.a = 'A';
    next.b = 'B';
    expect(next).toStrictEqual({ a: 'A', b: 'B' });
    delete next.a;
    delete next.b;
    expect(next).toStrictEqual({});
    const proto = patchedAttributes(JSON.parse('{"__proto__": 1}') as Record<string, unknown>, { metadata: JSON.parse('{"__proto__": "2"}') as Record<string, string> });
    expect(Object.hasOwn(proto, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(proto, '__proto__')?.value).toBe('2');
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
  });
});

describe('rooms: answers', () => {
  const user = { id: 5, key: 'kusanagi', name: 'Motoko' };

  it('a REST room with a name', () => {
    const rest = { archived: true, attributes: { 'uc:name': 'Ward', a: 'x' }, hub_user: null, id: 1, user };
    expect(roomFromRest(rest)).toStrictEqual({ id: 'kusanagi', name: 'Ward', metadata: { a: 'x' }, archived: true, raw: rest });
  });

  it('an inbox item without a name', () => {
    const item = { room: { id: 7, hub_id: 1, archived: false, attributes: { a: 'x' }, hub_user_id: null, user }, message: null, marked_by: [] };
    expect(roomFromInbox(item)).toStrictEqual({ id: 'kusanagi', metadata: { a: 'x' }, archived: false, raw: item });
  });
});

describe('users', () => {
  it('a Kabelwerk user is its key and name, no metadata, the answer in raw', () => {
    expect(userFromKabelwerk({ id: 3, key: 'batou', name: 'Batou' })).toStrictEqual({ id: 'batou', name: 'Batou', metadata: {}, raw: { id: 3, key: 'batou', name: 'Batou' } });
    expect(HUB_USER_FLAG).toBe('kabelwerk:hubUser');
  });
});

const message = (over: Partial<KabelwerkMessage> = {}): KabelwerkMessage => ({
  html: '<p>hi</p>',
  id: 16947,
  inserted_at: '2023-07-22T09:46:57Z',
  room_id: 22818,
  text: 'hi',
  type: 'text',
  updated_at: '2023-07-22T09:46:57Z',
  user: { id: 49421, key: 'batou', name: 'Batou' },
  ...over,
});

describe('messages', () => {
  it('a comment id is the whole string of digits: no trailing space or exponent', () => {
    for (const bad of ['5 ', '5\n', '1e3', '12a']) expect(messageIdOf(bad), JSON.stringify(bad)).toBeUndefined();
    expect(messageIdOf('9007199254740991')).toBe(9007199254740991);
    expect(messageIdOf('9007199254740992')).toBeUndefined();
  });

  it('an unreadable updated_at names that field', () => {
    expect(() => commentFromMessage(message({ updated_at: 'later' }), 'k', 'comments.get')).toThrow(expect.objectContaining({ code: 'provider_response_error', path: 'updated_at', operation: 'comments.get' }));
  });

  it("a thread's raw is the room number and the message count", () => {
    const t = threadFromMessages('kusanagi', 22818, [message({ id: 1 }), message({ id: 2 }), message({ id: 3 })], 'threads.get');
    expect(t.raw).toStrictEqual({ room_id: 22818, messages: 3 });
  });
});

describe('notifications', () => {
  it('both numbers of the id must be safe integers', () => {
    expect(parseNotificationId('9007199254740991:9007199254740991')).toEqual({ roomNumber: 9007199254740991, messageId: 9007199254740991 });
    expect(parseNotificationId('9999999999999999:1')).toBeUndefined();
    expect(parseNotificationId('1:9999999999999999')).toBeUndefined();
  });

  it('an unreadable inserted_at names that field', () => {
    expect(() => notificationFromMessage(message({ inserted_at: 'soon' }), 'u', 'k', 'notifications.list')).toThrow(
      expect.objectContaining({ code: 'provider_response_error', path: 'inserted_at', operation: 'notifications.list' }),
    );
  });
});
