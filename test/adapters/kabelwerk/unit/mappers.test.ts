/**
 * Mappers: comment bodies <-> Kabelwerk message text/html (§2.5), hub inbox items and REST rooms ->
 * rooms (name in `uc:name`, attributes as metadata), messages -> comments and threads, notifier
 * messages -> notifications.
 */
import { describe, expect, it } from 'vitest';
import type { CommentBody } from '../../../../src/core/model/body.js';
import { fromKabelwerkMessage, toKabelwerkText } from '../../../../src/adapters/kabelwerk/mappers/bodies.js';
import { commentFromMessage, messageIdOf, threadFromMessages } from '../../../../src/adapters/kabelwerk/mappers/messages.js';
import { notificationFromMessage, parseNotificationId } from '../../../../src/adapters/kabelwerk/mappers/notifications.js';
import { attributesOf, fieldsOf, patchedAttributes, roomFromInbox, roomFromRest } from '../../../../src/adapters/kabelwerk/mappers/rooms.js';
import type { KabelwerkMessage } from '../../../../src/adapters/kabelwerk/schemas.js';
import { messageHtml, messageText } from '../emulator/markup.js';

const p = (...children: CommentBody['content'][number]['children']): CommentBody['content'][number] => ({ type: 'paragraph', children });
const body = (...content: CommentBody['content']): CommentBody => ({ version: 1, content });

/** What Kabelwerk would store for `body`: the emulator's rendering of the text the adapter sends. */
function roundTrip(b: CommentBody): CommentBody {
  const text = toKabelwerkText(b);
  return fromKabelwerkMessage({ html: messageHtml(text), text: messageText(text) });
}

describe('toKabelwerkText', () => {
  it('writes bold and italic as markdown, mentions as @id, links as [text](url), paragraphs separated by a blank line', () => {
    const b = body(
      p({ type: 'text', text: 'Hi ' }, { type: 'mention', userId: 'batou' }, { type: 'text', text: ', see ' }, { type: 'link', url: 'https://kabelwerk.io/a?b=1', text: 'the docs' }),
      p({ type: 'text', text: 'bold', bold: true }, { type: 'text', text: ' ' }, { type: 'text', text: 'it', italic: true }, { type: 'text', text: ' ' }, { type: 'text', text: 'both', bold: true, italic: true }),
    );
    expect(toKabelwerkText(b)).toBe('Hi @batou, see [the docs](https://kabelwerk.io/a?b=1)\n\n**bold** *it* **_both_**');
  });

  it('keeps spaces outside the delimiters and drops what Kabelwerk cannot show (strikethrough, code: plain text)', () => {
    expect(toKabelwerkText(body(p({ type: 'text', text: 'a ' }, { type: 'text', text: ' strong ', bold: true }, { type: 'text', text: 'gone', strikethrough: true }, { type: 'text', text: ' x()', code: true })))).toBe(
      'a  **strong** gone x()',
    );
  });

  it('writes a link without text, or one markdown cannot hold, as its URL', () => {
    expect(toKabelwerkText(body(p({ type: 'link', url: 'https://kabelwerk.io' })))).toBe('https://kabelwerk.io');
    expect(toKabelwerkText(body(p({ type: 'link', url: 'mailto:a@b.c', text: 'mail' })))).toBe('mail (mailto:a@b.c)');
    expect(toKabelwerkText(body(p({ type: 'link', url: 'https://x.y/a(b)', text: 'x' })))).toBe('x (https://x.y/a(b))');
  });

  it('drops empty paragraphs; an empty body is empty text', () => {
    expect(toKabelwerkText(body(p(), p({ type: 'text', text: 'x' }), p({ type: 'text', text: '  ' })))).toBe('x');
    expect(toKabelwerkText(body())).toBe('');
  });
});

describe('fromKabelwerkMessage', () => {
  it('reads the sdk-python fixture html', () => {
    expect(fromKabelwerkMessage({ html: '<p>And where does the newborn go from here?</p>', text: 'And where does the newborn go from here?' })).toEqual(
      body(p({ type: 'text', text: 'And where does the newborn go from here?' })),
    );
  });

  it('reads em, strong, links (autolinks without text), <br> and paragraphs; @id reads as a mention, an e-mail does not', () => {
    const html = '<p>Hi @batou, mail a@b.com <em>now</em></p><p><strong>x</strong><br><a href="https://kabelwerk.io" target="_blank">https://kabelwerk.io</a> and <a href="https://k.io/a" target="_blank">docs</a></p>';
    expect(fromKabelwerkMessage({ html, text: '' })).toEqual(
      body(
        p({ type: 'text', text: 'Hi ' }, { type: 'mention', userId: 'batou' }, { type: 'text', text: ', mail a@b.com ' }, { type: 'text', text: 'now', italic: true }),
        p({ type: 'text', text: 'x', bold: true }),
        p({ type: 'link', url: 'https://kabelwerk.io' }, { type: 'text', text: ' and ' }, { type: 'link', url: 'https://k.io/a', text: 'docs' }),
      ),
    );
  });

  it('decodes the escaped entities and falls back to text when there is no html', () => {
    expect(fromKabelwerkMessage({ html: '<p>a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;</p>', text: '' })).toEqual(body(p({ type: 'text', text: 'a <b> & "c" \'d\'' })));
    expect(fromKabelwerkMessage({ html: '', text: 'x &amp; y' })).toEqual(body(p({ type: 'text', text: 'x & y' })));
  });

  it('round-trips what Kabelwerk can hold through the emulator\'s rendering', () => {
    const b = body(
      p({ type: 'text', text: 'Hello ' }, { type: 'mention', userId: 'uc-k3x9a1-user-4' }, { type: 'text', text: ', see ' }, { type: 'link', url: 'https://example.com/spec?section=2', text: 'the spec' }, { type: 'text', text: ' (run k3x9a1).' }),
      p({ type: 'text', text: 'plain ' }, { type: 'text', text: 'bold', bold: true }, { type: 'text', text: ' and ' }, { type: 'text', text: 'italic', italic: true }, { type: 'text', text: ' & <tags>' }),
    );
    expect(roundTrip(b)).toEqual(b);
  });
});

const message = (over: Partial<KabelwerkMessage> = {}): KabelwerkMessage => ({
  html: '<p>And where does the newborn go from here?</p>',
  id: 16947,
  inserted_at: '2023-07-22T09:46:57Z',
  room_id: 22818,
  text: 'And where does the newborn go from here?',
  type: 'text',
  updated_at: '2023-07-22T09:46:57Z',
  user: { id: 49421, key: 'batou', name: 'Batou' },
  ...over,
});

describe('messages -> comments and threads', () => {
  it('maps the sdk-python fixture message (id as a string, the room id as thread id, no editedAt)', () => {
    const c = commentFromMessage(message(), 'kusanagi', 'comments.get');
    expect(c).toMatchObject({ id: '16947', threadId: 'kusanagi', roomId: 'kusanagi', authorId: 'batou', reactions: [], metadata: {}, createdAt: new Date('2023-07-22T09:46:57Z') });
    expect(c.editedAt).toBeUndefined();
    expect(c.raw).toMatchObject({ id: 16947, room_id: 22818 });
  });

  it('an updated_at after inserted_at is an edit; a deleted author is an empty authorId', () => {
    const c = commentFromMessage(message({ updated_at: '2023-07-22T10:00:00Z', user: null }), 'kusanagi', 'comments.get');
    expect(c.editedAt).toEqual(new Date('2023-07-22T10:00:00Z'));
    expect(c.authorId).toBe('');
  });

  it('an unreadable timestamp is a ProviderResponseError naming the field', () => {
    expect(() => commentFromMessage(message({ inserted_at: 'yesterday' }), 'k', 'threads.get')).toThrow(expect.objectContaining({ code: 'provider_response_error', path: 'inserted_at' }));
  });

  it('a room\'s messages are its one thread, never resolved', () => {
    const t = threadFromMessages('kusanagi', 22818, [message({ id: 1 }), message({ id: 2, inserted_at: '2023-07-22T11:00:00Z', updated_at: '2023-07-22T11:00:00Z' })], 'threads.get');
    expect(t).toMatchObject({ id: 'kusanagi', roomId: 'kusanagi', resolved: false, metadata: {}, createdAt: new Date('2023-07-22T09:46:57Z'), updatedAt: new Date('2023-07-22T11:00:00Z') });
    expect(t.comments.map((c) => c.id)).toEqual(['1', '2']);
  });

  it('comment ids are positive decimal integers', () => {
    expect(messageIdOf('16947')).toBe(16947);
    for (const bad of ['0', '007', '-1', '1.5', 'abc', '99999999999999999']) expect(messageIdOf(bad), bad).toBeUndefined();
  });
});

describe('rooms', () => {
  const inbox = {
    room: { id: 7, hub_id: 1, archived: true, attributes: { 'uc:name': 'Ward 9', color: 'red', n: 2, tags: ['a'], nested: { x: 1 }, nothing: null }, hub_user_id: 3, user: { id: 5, key: 'kusanagi', name: 'Motoko' } },
    message: null,
    marked_by: [],
  };

  it('a hub inbox item: id is the end user\'s key, name from uc:name, metadata the other metadata-valued attributes', () => {
    const room = roomFromInbox(inbox);
    expect(room).toMatchObject({ id: 'kusanagi', name: 'Ward 9', metadata: { color: 'red', n: 2, tags: ['a'] }, archived: true });
    expect(Object.keys(room.metadata).sort()).toEqual(['color', 'n', 'tags']);
    expect(room.raw).toMatchObject({ room: { hub_user_id: 3, attributes: { nested: { x: 1 } } } });
  });

  it('the sdk-python update_room fixture: the assigned hub user is in raw', () => {
    const rest = { archived: false, attributes: { seven: 7 }, hub_user: { id: 49448, key: 'batou', name: 'Batou' }, id: 22833, user: { id: 49447, key: 'kusanagi', name: 'Motoko' } };
    expect(roomFromRest(rest)).toEqual({ id: 'kusanagi', metadata: { seven: 7 }, archived: false, raw: rest });
  });

  it('attributes of a new room, and a patch merged into the whole map (keeping attributes that are not metadata)', () => {
    expect(attributesOf('Name', { a: '1' })).toEqual({ a: '1', 'uc:name': 'Name' });
    expect(attributesOf(undefined, undefined)).toEqual({});
    expect(patchedAttributes({ a: '1', b: '2', nested: { x: 1 }, 'uc:name': 'Old' }, { metadata: { b: null, c: 3 } })).toEqual({ a: '1', nested: { x: 1 }, 'uc:name': 'Old', c: 3 });
    expect(patchedAttributes({ a: '1' }, { name: 'New' })).toEqual({ a: '1', 'uc:name': 'New' });
    expect(fieldsOf({ 'uc:name': '' })).toEqual({ metadata: {} });
  });
});

describe('notifications', () => {
  it('id <room>:<message>, kind thread, unread, about the room', () => {
    const n = notificationFromMessage(message(), 'kusanagi', 'kusanagi', 'notifications.list');
    expect(n).toMatchObject({ id: '22818:16947', userId: 'kusanagi', kind: 'thread', roomId: 'kusanagi', threadId: 'kusanagi', subjectId: '16947', readAt: null });
    expect(parseNotificationId('22818:16947')).toEqual({ roomNumber: 22818, messageId: 16947 });
    for (const bad of ['16947', '0:1', 'a:b', '1:2:3', '']) expect(parseNotificationId(bad), bad).toBeUndefined();
  });
});
