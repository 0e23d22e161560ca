/** Unit: exact outputs of the pure Velt mappers (pins what mutation testing found loose). */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../src/core/errors.js';
import { tokenResources } from '../../../../src/adapters/velt/mappers/auth.js';
import { itemOutcome } from '../../../../src/adapters/velt/mappers/batch-items.js';
import { fromVeltBody, toVeltBody, toVeltComment } from '../../../../src/adapters/velt/mappers/bodies.js';
import { decodeCursor, encodeCursor, VELT_SCAN_LIMITS } from '../../../../src/adapters/velt/mappers/cursors.js';
import { mentionTextScanner, prepareMentionTexts, splitMentionTexts } from '../../../../src/adapters/velt/mappers/mention-texts.js';
import { assertNoReservedKeys, CONTEXT_RESERVED_KEYS, DOCUMENT_RESERVED_KEYS, metadataDiff, pickMetadata, USER_RESERVED_KEYS } from '../../../../src/adapters/velt/mappers/metadata.js';
import { isReadBy, toNotification, TRIGGER_MARKER } from '../../../../src/adapters/velt/mappers/notifications.js';
import { isPlaceholderId, matchPlaceholder, MAX_PLACEHOLDER_ID, VELT_PLACEHOLDER } from '../../../../src/adapters/velt/mappers/placeholder.js';
import { accessTypeOf, roomAccessOf, toRoom } from '../../../../src/adapters/velt/mappers/rooms.js';
import {
  annotationAfterStatusPatch,
  assertAnnotationId,
  OPEN_STATUS,
  parseCommentId,
  patchedContext,
  RESOLVED_STATUS,
  toComment,
  toReactions,
  toThread,
  veltDate,
} from '../../../../src/adapters/velt/mappers/threads.js';
import { toUser } from '../../../../src/adapters/velt/mappers/users.js';
import type { VeltAnnotation, VeltComment } from '../../../../src/adapters/velt/schemas.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** Runs splitMentionTexts and returns its pieces as readable tokens. */
function split(s: string, start: number, end: number, list: Array<{ userId: string; text: string }>): string[] {
  const out: string[] = [];
  splitMentionTexts(s, start, end, prepareMentionTexts(list), (from, to) => out.push(`text:${s.slice(from, to)}`), (userId) => out.push(`@${userId}`));
  return out;
}

describe('placeholders {{userId}}', () => {
  it('matches a placeholder at a position and returns the index after it', () => {
    expect(matchPlaceholder('a{{bob}}c', 1, 9)).toBe(8);
    expect(matchPlaceholder('{{b}}', 0, 5)).toBe(5);
    expect(matchPlaceholder('a{{bob}}c', 0, 9)).toBe(-1);
    expect(matchPlaceholder('{x{bob}}', 0, 8)).toBe(-1);
    expect(matchPlaceholder('x{{bob}}', 1, 8)).toBe(8);
  });

  it('needs both opening braces at the position, even when an id and closing braces follow', () => {
    expect(matchPlaceholder('xxbob}}', 0, 7)).toBe(-1);
    expect(matchPlaceholder('{xbob}}', 0, 7)).toBe(-1);
    expect(matchPlaceholder('x{bob}}', 0, 7)).toBe(-1);
    expect(matchPlaceholder('{{bob}}', 0, 7)).toBe(7);
  });

  it('refuses an empty id, a missing or single closing brace, and a placeholder past the end', () => {
    expect(matchPlaceholder('{{}}', 0, 4)).toBe(-1);
    expect(matchPlaceholder('{{bob}', 0, 6)).toBe(-1);
    expect(matchPlaceholder('{{bob}x', 0, 7)).toBe(-1);
    expect(matchPlaceholder('{{bob', 0, 5)).toBe(-1);
    expect(matchPlaceholder('{{bob}}', 0, 6)).toBe(-1); // the end cuts the closing braces
    expect(matchPlaceholder('{{bob}}', 0, 5)).toBe(-1);
  });

  it('refuses forbidden characters inside', () => {
    for (const c of [' ', '\t', '\n', '\u0000', '\u007f', '{', '<', '>', '&', '"', "'"]) expect(matchPlaceholder(`{{a${c}b}}`, 0, 7)).toBe(-1);
    for (const c of ['!', '~', '.', '-', '_', '@', 'é', '\u0080', '|', '`', '=', '[', ']']) expect(matchPlaceholder(`{{a${c}b}}`, 0, 7)).toBe(7);
    // A `}` ends the id: `{{a}b}}` is not a placeholder.
    expect(matchPlaceholder('{{a}b}}', 0, 7)).toBe(-1);
  });

  it('reads ids of up to 256 characters', () => {
    const max = 'x'.repeat(MAX_PLACEHOLDER_ID);
    expect(MAX_PLACEHOLDER_ID).toBe(256);
    expect(matchPlaceholder(`{{${max}}}`, 0, max.length + 4)).toBe(max.length + 4);
    expect(matchPlaceholder(`{{${max}x}}`, 0, max.length + 5)).toBe(-1);
    expect(isPlaceholderId(max)).toBe(true);
    expect(isPlaceholderId(`${max}x`)).toBe(false);
    expect(isPlaceholderId('')).toBe(false);
    expect(isPlaceholderId('a b')).toBe(false);
    expect(isPlaceholderId('a}')).toBe(false);
    expect(isPlaceholderId('user.ada-1')).toBe(true);
  });

  it('the token reads and writes ids', () => {
    expect(VELT_PLACEHOLDER.lead).toBe('{');
    expect(VELT_PLACEHOLDER.userId('x{{bob}}', 1, 8)).toBe('bob');
    expect(VELT_PLACEHOLDER.write!('bob')).toBe('{{bob}}');
    expect(VELT_PLACEHOLDER.write!('ada lovelace')).toBeUndefined();
    expect(Object.isFrozen(VELT_PLACEHOLDER)).toBe(true);
  });
});

describe('mention texts', () => {
  it('prepares usable entries, longest text first', () => {
    expect(prepareMentionTexts(undefined)).toEqual([]);
    expect(prepareMentionTexts([])).toEqual([]);
    expect(
      prepareMentionTexts([
        { userId: 'a', text: '@Al' },
        { userId: '', text: '@Nobody' },
        { userId: 'b', text: '' },
        { userId: 'c', text: '@Alice Cooper' },
        null as unknown as { userId: string; text: string },
        { userId: 5 as unknown as string, text: '@Five' },
        { userId: 'f', text: 5 as unknown as string },
        { userId: 'd', text: '@Alice', extra: 1 } as { userId: string; text: string },
      ]),
    ).toEqual([
      { userId: 'c', text: '@Alice Cooper' },
      { userId: 'd', text: '@Alice' },
      { userId: 'a', text: '@Al' },
    ]);
  });

  it('splits at leftmost, longest matches within [start, end)', () => {
    const list = [
      { userId: 'al', text: '@Al' },
      { userId: 'alice', text: '@Alice' },
      { userId: 'bob', text: '@Bob' },
    ];
    expect(split('Hi @Alice and @Bob, @Al!', 0, 24, list)).toEqual(['text:Hi ', '@alice', 'text: and ', '@bob', 'text:, ', '@al', 'text:!']);
    expect(split('@Bob@Bob', 0, 8, list)).toEqual(['@bob', '@bob']);
    expect(split('xx @Bob yy', 3, 7, list)).toEqual(['@bob']);
    expect(split('xx @Bob yy', 3, 6, list)).toEqual(['text:@Bo']); // a match past the end does not count
    expect(split('xx @Bob yy', 2, 10, list)).toEqual(['text: ', '@bob', 'text: yy']);
    expect(split('@Bob @Al', 1, 8, list)).toEqual(['text:Bob ', '@al']); // matches before start do not count
    expect(split('plain', 0, 5, list)).toEqual(['text:plain']);
    expect(split('', 0, 0, list)).toEqual([]);
  });

  it('finds later occurrences after an earlier match of the same text', () => {
    const list = [
      { userId: 'x', text: 'ab' },
      { userId: 'y', text: 'cd' },
    ];
    expect(split('ab cd ab cd', 0, 11, list)).toEqual(['@x', 'text: ', '@y', 'text: ', '@x', 'text: ', '@y']);
    expect(split('cdab', 0, 4, list)).toEqual(['@y', '@x']);
  });

  it('a match that crosses the end does not count, wherever it starts', () => {
    const list = [{ userId: 'bob', text: '@Bob' }];
    expect(split('x@Bob', 0, 4, list)).toEqual(['text:x@Bo']);
    expect(split('x@Bob', 0, 5, list)).toEqual(['text:x', '@bob']);
    expect(split('@Bob', 0, 3, list)).toEqual(['text:@Bo']);
    expect(split('xy@Bob', 0, 5, list)).toEqual(['text:xy@Bo']);
  });

  it('without entries reports the whole range as text, or nothing for an empty one', () => {
    expect(split('abc', 0, 3, [])).toEqual(['text:abc']);
    expect(split('abc', 1, 2, [])).toEqual(['text:b']);
    expect(split('abc', 2, 2, [])).toEqual([]);
  });

  it('mentionTextScanner prepares the list once and scans with it', () => {
    const scan = mentionTextScanner([
      { userId: '', text: '@x' },
      { userId: 'j', text: '@Jim' },
    ]);
    const out: string[] = [];
    scan('hey @Jim @x', 0, 11, (a, b) => out.push(`t:${'hey @Jim @x'.slice(a, b)}`), (u) => out.push(`m:${u}`));
    expect(out).toEqual(['t:hey ', 'm:j', 't: @x']);
  });
});

describe('bodies', () => {
  it('toVeltBody writes placeholders, HTML and tagged users', () => {
    const out = toVeltBody({ version: 1, content: [{ type: 'paragraph', children: [{ type: 'text', text: 'hi ' }, { type: 'mention', userId: 'bob' }] }] });
    expect(out).toEqual({ commentText: 'hi {{bob}}', commentHtml: expect.stringContaining('{{bob}}'), taggedUserContacts: [{ userId: 'bob', contact: { userId: 'bob' }, text: '@bob' }] });
  });

  it('fromVeltBody prefers HTML, falls back to text for an empty or missing HTML, and reads nothing as empty', () => {
    expect(fromVeltBody({ commentHtml: '<p><strong>bold</strong></p>', commentText: 'plain' }).content[0]!.children).toEqual([{ type: 'text', text: 'bold', bold: true }]);
    expect(fromVeltBody({ commentHtml: '', commentText: 'plain <b>x</b>' }).content[0]!.children).toEqual([{ type: 'text', text: 'plain <b>x</b>' }]);
    expect(fromVeltBody({ commentHtml: null, commentText: 'plain' }).content[0]!.children).toEqual([{ type: 'text', text: 'plain' }]);
    expect(fromVeltBody({})).toEqual(fromVeltBody({ commentText: '' }));
    expect(fromVeltBody({ commentText: null, commentHtml: null }).content).toHaveLength(1);
  });

  it('tagged texts are mentions in text and HTML, unless the user is already a placeholder or the text is empty', () => {
    const tags = [
      { userId: 'jim', text: '@Jim Halpert' },
      { userId: 'pam', text: '' },
      { userId: 'dwight', text: null },
    ];
    expect(fromVeltBody({ commentText: '@Jim Halpert and @Pam', taggedUserContacts: tags }).content[0]!.children).toEqual([
      { type: 'mention', userId: 'jim' },
      { type: 'text', text: ' and @Pam' },
    ]);
    expect(fromVeltBody({ commentHtml: '<p>@Jim Halpert ok</p>', taggedUserContacts: tags }).content[0]!.children).toEqual([
      { type: 'mention', userId: 'jim' },
      { type: 'text', text: ' ok' },
    ]);
    expect(fromVeltBody({ commentText: '{{jim}} wrote @Jim Halpert', taggedUserContacts: tags }).content[0]!.children).toEqual([
      { type: 'mention', userId: 'jim' },
      { type: 'text', text: ' wrote @Jim Halpert' },
    ]);
    expect(fromVeltBody({ commentText: 'mail @bob', taggedUserContacts: null }).content[0]!.children).toEqual([{ type: 'text', text: 'mail @bob' }]);
  });

  it('toVeltComment adds tagged users and context only when there are some', () => {
    const body = { version: 1 as const, content: [{ type: 'paragraph' as const, children: [{ type: 'text' as const, text: 'x' }] }] };
    expect(toVeltComment({ authorId: 'a', body })).toEqual({ commentText: 'x', commentHtml: expect.any(String), from: { userId: 'a' } });
    expect(toVeltComment({ authorId: 'a', body, metadata: {} })).not.toHaveProperty('context');
    const metadata = { k: 'v' };
    const out = toVeltComment({ authorId: 'a', body: { version: 1, content: [{ type: 'paragraph', children: [{ type: 'mention', userId: 'b' }] }] }, metadata });
    expect(out.context).toEqual({ k: 'v' });
    expect(out.context).not.toBe(metadata);
    expect(out.taggedUserContacts).toEqual([{ userId: 'b', contact: { userId: 'b' }, text: '@b' }]);
  });
});

describe('dates', () => {
  it('reads epoch ms numbers, numeric strings and ISO strings', () => {
    expect(veltDate(1700000000000)).toEqual(new Date(1700000000000));
    expect(veltDate(0)).toEqual(new Date(0));
    expect(veltDate('1700000000000')).toEqual(new Date(1700000000000));
    expect(veltDate('2024-01-02T03:04:05.000Z')).toEqual(new Date('2024-01-02T03:04:05.000Z'));
    // Not all digits: parsed as a date string, not as epoch ms.
    expect(veltDate('2024')).toEqual(new Date(2024));
    expect(veltDate(' 2024-01-02')).toEqual(new Date(' 2024-01-02'));
  });

  it('is undefined for anything else', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, '', 'not a date', null, undefined, {}, true]) expect(veltDate(bad)).toBeUndefined();
  });
});

describe('reactions', () => {
  it('uses iconEmoji over icon, the single `from` only without user lists, and drops empty reactions', () => {
    expect(
      toReactions([
        { icon: 'fire', from: { userId: 'solo' } },
        { icon: 'skip', iconEmoji: '', fromUsers: [{ from: { userId: 'a' } }] },
        { icon: 'list', from: { userId: 'ignored' }, fromUsers: [{ from: { userId: 'a' } }], reactions: [{ from: { userId: 'b' } }, { from: { userId: 'a' } }] },
        { fromUsers: [{ from: { userId: 'x' } }] },
        { icon: 'nobody' },
        { icon: 'fire', fromUsers: [{ from: { userId: 'solo' } }, { from: { userId: 'z' } }], lastUpdated: 9 },
      ]),
    ).toEqual([
      { emoji: 'fire', userIds: ['solo', 'z'] },
      { emoji: 'list', userIds: ['a', 'b'] },
    ]);
    expect(toReactions(null)).toEqual([]);
    expect(toReactions(undefined)).toEqual([]);
  });
});

describe('reaction dates', () => {
  it('dates a reaction by the lastUpdated of its first annotation, and has no createdAt key without one', () => {
    const out = toReactions([
      { icon: 'up', from: { userId: 'a' }, lastUpdated: 1000 },
      { icon: 'down', from: { userId: 'b' } },
      { icon: 'up', from: { userId: 'c' }, lastUpdated: 2000 },
    ]);
    expect(out).toStrictEqual([
      { emoji: 'up', userIds: ['a', 'c'], createdAt: new Date(1000) },
      { emoji: 'down', userIds: ['b'] },
    ]);
    expect(Object.keys(out[1]!)).toEqual(['emoji', 'userIds']);
  });
});

describe('comments and threads', () => {
  const comment = (extra: Partial<VeltComment> = {}): VeltComment => ({ commentId: 126535, commentText: 'hello', from: { userId: 'ann' }, ...extra });

  it('maps a comment: string id, author, body, dates, reactions, metadata without reserved keys, raw', () => {
    const c = toComment(
      comment({ createdAt: 1000, context: { access: { a: 1 }, accessFields: ['x'], team: 'qa', gone: null }, reactionAnnotations: [{ icon: 'up', from: { userId: 'b' } }] }),
      'th',
      'room',
    );
    expect(c).toEqual({
      id: '126535',
      threadId: 'th',
      roomId: 'room',
      authorId: 'ann',
      body: fromVeltBody({ commentText: 'hello' }),
      createdAt: new Date(1000),
      reactions: [{ emoji: 'up', userIds: ['b'] }],
      metadata: { team: 'qa' },
      raw: expect.objectContaining({ commentId: 126535 }),
    });
  });

  it('takes createdAt from lastUpdated, else the epoch', () => {
    expect(toComment(comment({ lastUpdated: '2024-01-01T00:00:00.000Z' }), 't', 'r').createdAt).toEqual(new Date('2024-01-01T00:00:00.000Z'));
    expect(toComment(comment({ createdAt: 5, lastUpdated: 9 }), 't', 'r').createdAt).toEqual(new Date(5));
    expect(toComment(comment(), 't', 'r').createdAt).toEqual(new Date(0));
  });

  it('sets editedAt for edited comments only: editedAt, else lastUpdated, else createdAt', () => {
    expect(toComment(comment({ createdAt: 5, lastUpdated: 9 }), 't', 'r')).not.toHaveProperty('editedAt');
    expect(toComment(comment({ createdAt: 5, isEdited: false, status: 'added' }), 't', 'r')).not.toHaveProperty('editedAt');
    expect(toComment(comment({ createdAt: 5, isEdited: true, editedAt: 7, lastUpdated: 9 }), 't', 'r').editedAt).toEqual(new Date(7));
    expect(toComment(comment({ createdAt: 5, status: 'updated', lastUpdated: 9 }), 't', 'r').editedAt).toEqual(new Date(9));
    expect(toComment(comment({ createdAt: 5, isEdited: true }), 't', 'r').editedAt).toEqual(new Date(5));
  });

  it('maps a thread: id, room, resolution, metadata, comments, dates, raw without comments', () => {
    const annotation: VeltAnnotation = {
      annotationId: 'ann-1',
      status: { id: 'RESOLVED', type: 'terminal' },
      context: { access: {}, topic: 'x' },
      comments: [comment({ createdAt: 50 })],
      createdAt: 40,
      lastUpdated: 60,
    };
    const t = toThread(annotation, 'room');
    expect(t).toMatchObject({ id: 'ann-1', roomId: 'room', resolved: true, metadata: { topic: 'x' }, createdAt: new Date(40), updatedAt: new Date(60) });
    expect(t.comments.map((c) => [c.id, c.threadId, c.roomId])).toEqual([['126535', 'ann-1', 'room']]);
    expect(t.raw).not.toHaveProperty('comments');
    expect(t.raw).toMatchObject({ annotationId: 'ann-1', createdAt: 40 });
  });

  it('a thread without dates takes its first comment date, else the epoch, and has no updatedAt', () => {
    const t = toThread({ annotationId: 'a', comments: [comment({ createdAt: 70 }), comment({ commentId: 2, createdAt: 80 })] }, 'r');
    expect(t.createdAt).toEqual(new Date(70));
    expect(t).not.toHaveProperty('updatedAt');
    expect(t.resolved).toBe(false);
    const empty = toThread({ annotationId: 'a', comments: null, status: { id: 'OPEN', type: 'default' } }, 'r');
    expect(empty.createdAt).toEqual(new Date(0));
    expect(empty.comments).toEqual([]);
    expect(empty.resolved).toBe(false);
  });

  it('the statuses resolve and unresolve set', () => {
    expect(RESOLVED_STATUS).toEqual({ id: 'RESOLVED', name: 'Resolved', type: 'terminal' });
    expect(OPEN_STATUS).toEqual({ id: 'OPEN', name: 'Open', type: 'default' });
  });
});

describe('context patches', () => {
  it('copies the current context (without accessFields), deletes null keys and copies lists', () => {
    const list = ['a'];
    const next = patchedContext({ accessFields: ['x'], keep: 1, drop: 2 }, { drop: null, list, n: 3 });
    expect(next).toEqual({ keep: 1, list: ['a'], n: 3 });
    expect(next.list).not.toBe(list);
    expect(patchedContext(null, { a: 'b' })).toEqual({ a: 'b' });
    expect(patchedContext(undefined, {})).toEqual({});
  });
});

describe('comment ids and annotation ids', () => {
  it('accepts positive safe integers, refusing one that Number() would round to another id', () => {
    expect(parseCommentId('1', 'op')).toBe(1);
    expect(parseCommentId('9007199254740991', 'op')).toBe(Number.MAX_SAFE_INTEGER);
    // Number('9007199254740993') is 9007199254740992: another comment's id.
    for (const unsafe of ['9007199254740992', '9007199254740993', '9'.repeat(16)]) {
      expect(thrown(() => parseCommentId(unsafe, 'threads.get')), unsafe).toMatchObject({ name: 'ValidationError', field: 'commentId', operation: 'threads.get' });
    }
    const err = thrown(() => parseCommentId('x1', 'threads.get', 'ids.commentId'));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ field: 'ids.commentId', provider: 'velt', operation: 'threads.get' });
    expect((err as Error).message).toContain('Velt comment ids are positive integers up to 9007199254740991 (e.g. "126535")');
    expect(thrown(() => parseCommentId('12a', 'op'))).toBeInstanceOf(ValidationError);
    expect(thrown(() => parseCommentId(12 as unknown as string, 'op'))).toBeInstanceOf(ValidationError);
  });

  it('refuses annotation ids with a colon', () => {
    expect(() => assertAnnotationId('a-b_c.d', 'threadId', 'op')).not.toThrow();
    const err = thrown(() => assertAnnotationId('a:b', 'threadId', 'threads.get'));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ field: 'threadId', provider: 'velt', operation: 'threads.get' });
    expect((err as Error).message).toContain('Velt annotation ids cannot contain ":"');
  });
});

describe('status patches', () => {
  const current = (extra: Record<string, unknown> = {}): VeltAnnotation =>
    ({ annotationId: 'a', status: { id: 'OPEN', type: 'default' }, resolvedByUserId: 'old', resolvedByUser: { userId: 'old' }, lastUpdated: 100, ...extra }) as VeltAnnotation;

  it('a terminal status sets the resolver and drops the stale expanded one', () => {
    const before = current();
    const next = annotationAfterStatusPatch(before, { status: RESOLVED_STATUS, resolvedByUserId: 'u', statusUpdatedByUserId: 'u' }, 500);
    expect(next).toEqual({ annotationId: 'a', status: RESOLVED_STATUS, resolvedByUserId: 'u', statusUpdatedByUserId: 'u', lastUpdated: 500 });
    expect(next.status).not.toBe(RESOLVED_STATUS);
    expect(before).toEqual(current());
  });

  it('a terminal status without a resolver, and a non-terminal one, drop the resolver', () => {
    expect(annotationAfterStatusPatch(current(), { status: RESOLVED_STATUS, resolvedByUserId: null, statusUpdatedByUserId: null }, 500)).toEqual({
      annotationId: 'a',
      status: RESOLVED_STATUS,
      statusUpdatedByUserId: null,
      lastUpdated: 500,
    });
    expect(annotationAfterStatusPatch(current(), { status: OPEN_STATUS, resolvedByUserId: 'u', statusUpdatedByUserId: 'u' }, 500)).toEqual({
      annotationId: 'a',
      status: OPEN_STATUS,
      statusUpdatedByUserId: 'u',
      lastUpdated: 500,
    });
  });

  it('never moves lastUpdated backwards, and ignores a non-numeric one', () => {
    const patch = { status: OPEN_STATUS, resolvedByUserId: null, statusUpdatedByUserId: null };
    expect(annotationAfterStatusPatch(current({ lastUpdated: 900 }), patch, 500).lastUpdated).toBe(900);
    expect(annotationAfterStatusPatch(current({ lastUpdated: '900' }), patch, 500).lastUpdated).toBe(500);
    expect(annotationAfterStatusPatch(current({ lastUpdated: undefined }), patch, -5).lastUpdated).toBe(0);
  });
});

describe('metadata', () => {
  it('the reserved key sets', () => {
    expect([...DOCUMENT_RESERVED_KEYS]).toEqual([
      'id', 'documentId', 'documentName', 'accessType', 'disabled', 'folderId', 'veltFolderId', 'organizationId', 'apiKey',
      'clientDocumentId', 'clientOrganizationId', 'pageInfo', 'locations', 'creator', 'createdAt', 'lastUpdated', 'metadata',
    ]);
    expect([...USER_RESERVED_KEYS]).toEqual([
      'id', 'userId', 'name', 'email', 'photoUrl', 'initial', 'accessRole', 'organizationId', 'clientOrganizationId', 'color',
      'textColor', 'type', 'isAdmin', 'isGuest', 'plan', 'groupId', 'clientUserName', 'name_lowercase', 'email_lowercase',
      'contacts', 'createdAt', 'lastUpdated',
    ]);
    expect([...CONTEXT_RESERVED_KEYS]).toEqual(['access', 'accessFields']);
  });

  it('pickMetadata keeps metadata values (lists copied), nothing from a missing source', () => {
    const tags = ['a', 'b'];
    const out = pickMetadata({ tags, u: undefined, n: 0, s: '', f: false }, new Set());
    expect(out).toEqual({ tags: ['a', 'b'], n: 0, s: '', f: false });
    expect(out.tags).not.toBe(tags);
    expect(pickMetadata(null, new Set())).toEqual({});
    expect(pickMetadata(undefined, new Set())).toEqual({});
  });

  it('pickMetadata leaves out values that are not metadata (objects, non-string lists) and reserved keys, without a key', () => {
    const out = pickMetadata({ ok: 'v', obj: { x: 1 }, nums: [1, 2], id: 'reserved', when: new Date(0) }, DOCUMENT_RESERVED_KEYS);
    expect(out).toStrictEqual({ ok: 'v' });
    expect(Object.keys(out)).toEqual(['ok']);
  });

  it('assertNoReservedKeys names the field and key', () => {
    expect(() => assertNoReservedKeys(undefined, USER_RESERVED_KEYS, 'metadata', 'op')).not.toThrow();
    expect(() => assertNoReservedKeys({ team: 'x' }, USER_RESERVED_KEYS, 'metadata', 'op')).not.toThrow();
    const err = thrown(() => assertNoReservedKeys({ team: 'x', email: 'e' }, USER_RESERVED_KEYS, 'metadata', 'users.upsert'));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ field: 'metadata.email', provider: 'velt', operation: 'users.upsert' });
    expect((err as Error).message).toContain('"email" is a field Velt uses itself and cannot be metadata');
  });

  it('metadataDiff copies lists and keeps present keys', () => {
    const list = ['x'];
    const out = metadataDiff({ a: 1, b: 2 }, { b: 3, list });
    expect(out).toEqual({ a: null, b: 3, list: ['x'] });
    expect(out.list).not.toBe(list);
  });
});

describe('rooms', () => {
  it('refuses per-user and per-group access, and a read-only default, naming the field', () => {
    const users = thrown(() => accessTypeOf({ users: { u: 'write' } }, 'access', 'rooms.create'));
    expect(users).toMatchObject({ field: 'access.users', provider: 'velt', operation: 'rooms.create' });
    expect((users as Error).message).toContain('Velt stores no per-user access on documents: grant it with auth.issueToken');
    const groups = thrown(() => accessTypeOf({ groups: { g: 'read' } }, 'access', 'op'));
    expect(groups).toMatchObject({ field: 'access.groups' });
    expect((groups as Error).message).toContain('Velt stores no per-group access on documents');
    const read = thrown(() => accessTypeOf({ default: 'read' }, 'input.access', 'op'));
    expect(read).toMatchObject({ field: 'input.access.default' });
    expect((read as Error).message).toContain('Velt has no read-only default access (use "write" for public or "none" for restricted)');
    expect(accessTypeOf({ users: {}, groups: {} }, 'access', 'op')).toBe('public');
    expect(accessTypeOf({}, 'access', 'op')).toBe('public');
  });

  it('maps accessType back', () => {
    expect(roomAccessOf('restricted')).toEqual({ default: 'none' });
    expect(roomAccessOf('other')).toBeUndefined();
    expect(roomAccessOf(null)).toBeUndefined();
  });

  it('a document without a known accessType has no access key', () => {
    expect(Object.keys(toRoom({ id: 'd', accessType: 'weird' }))).toEqual(['id', 'metadata', 'raw']);
    expect(Object.keys(toRoom({ id: 'd' }))).toEqual(['id', 'metadata', 'raw']);
    expect(toRoom({ id: 'd', accessType: 'organizationPrivate' }).access).toEqual({ default: 'none' });
  });

  it('maps a document to a room', () => {
    expect(toRoom({ id: 'd', documentName: 'Doc', accessType: 'public', team: 'qa', documentId: 'x' })).toEqual({
      id: 'd',
      name: 'Doc',
      access: { default: 'write' },
      metadata: { team: 'qa' },
      raw: { id: 'd', documentName: 'Doc', accessType: 'public', team: 'qa', documentId: 'x' },
    });
    expect(toRoom({ id: 'd', documentName: '', accessType: null })).toEqual({ id: 'd', metadata: {}, raw: { id: 'd', documentName: '', accessType: null } });
    expect(toRoom({ id: 'd', documentName: null })).not.toHaveProperty('name');
  });
});

describe('users', () => {
  it('a user without name, email or photo has none of those keys', () => {
    expect(Object.keys(toUser({ userId: 'u' }))).toEqual(['id', 'metadata', 'raw']);
    expect(Object.keys(toUser({ userId: 'u', photoUrl: null } as never))).toEqual(['id', 'metadata', 'raw']);
  });

  it('maps only string name, email and photo', () => {
    expect(toUser({ userId: 'u', name: null, email: 5, photoUrl: undefined } as never)).toEqual({ id: 'u', metadata: {}, raw: { userId: 'u', name: null, email: 5 } });
    expect(toUser({ userId: 'u', name: '', email: '', photoUrl: '' })).toMatchObject({ name: '', email: '', avatarUrl: '' });
  });
});

describe('auth resources, batch items, cursors', () => {
  it('tokenResources of nothing is empty, read is viewer', () => {
    expect(tokenResources(undefined, 'org')).toEqual({ resources: [], skipped: [] });
    expect(tokenResources({ d: 'read', 'a*b': 'read' }, 'org')).toEqual({ resources: [{ type: 'document', id: 'd', organizationId: 'org', accessRole: 'viewer' }, { type: 'document', id: 'a*b', organizationId: 'org', accessRole: 'viewer' }], skipped: [] });
    expect(tokenResources({ '*': 'write' }, 'org')).toEqual({ resources: [{ type: 'organization', id: 'org', accessRole: 'editor' }], skipped: [] });
  });

  it('itemOutcome finds an id by key or by its id field', () => {
    expect(itemOutcome({ a: { success: true } }, 'a')).toEqual({ kind: 'applied' });
    const failed = { success: false, message: 'no' };
    expect(itemOutcome({ a: failed }, 'a')).toEqual({ kind: 'failed', entry: failed });
    expect(itemOutcome({ other: { id: 126, success: true } } as never, '126')).toEqual({ kind: 'applied' });
    expect(itemOutcome({ other: { success: true } }, 'a')).toEqual({ kind: 'absent' });
    expect(itemOutcome({ other: { id: 'b', success: true } }, 'a')).toEqual({ kind: 'absent' });
    expect(itemOutcome({}, 'undefined')).toEqual({ kind: 'absent' });
    expect(itemOutcome({ x: { success: true } }, 'undefined')).toEqual({ kind: 'absent' });
  });

  it('the scan limits, and a cursor error names the given field', () => {
    expect(VELT_SCAN_LIMITS).toEqual({ provider: 'velt', defaultLimit: 100, maxVendorPageSize: 1000 });
    const c = { t: 'tok', o: 1, s: 1000 };
    expect(decodeCursor(encodeCursor(c), 'op')).toEqual(c);
    const err = thrown(() => decodeCursor('garbage', 'threads.list', 'page.cursor'));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ field: 'page.cursor', provider: 'velt', operation: 'threads.list' });
    expect(thrown(() => decodeCursor('garbage', 'op'))).toMatchObject({ field: 'cursor' });
  });
});

describe('notifications', () => {
  const base = { id: 'n1', timestamp: 1722409519944 };

  it('reads read state from isUnread first, then readByUserIds', () => {
    expect(isReadBy({ ...base, isUnread: false, readByUserIds: [] }, 'u')).toBe(true);
    expect(isReadBy({ ...base, isUnread: true, readByUserIds: ['u'] }, 'u')).toBe(false);
    expect(isReadBy({ ...base, readByUserIds: ['u'] }, 'u')).toBe(true);
    expect(isReadBy({ ...base, readByUserIds: ['v'] }, 'u')).toBe(false);
    expect(isReadBy({ ...base, readByUserIds: null }, 'u')).toBe(false);
  });

  it('a notification without a source: custom, no room when the document is missing', () => {
    expect(toNotification({ ...base }, 'u', 'inbox')).toEqual({ id: 'n1', userId: 'u', kind: 'custom', notifiedAt: new Date(base.timestamp), readAt: null, raw: { ...base } });
    expect(toNotification({ ...base, metadata: { documentId: 'doc' } }, 'u', 'inbox').roomId).toBe('doc');
  });

  it('comment notifications: the thread from targetAnnotationId or the source, mention subject the last mentioning comment', () => {
    const tagged = (id: number, userId: string) => ({ commentId: id, taggedUserContacts: [{ userId }] });
    const n = toNotification(
      { ...base, notificationSource: 'comment', targetAnnotationId: 'target', notificationSourceData: { annotationId: 'src', comments: [tagged(1, 'u'), tagged(2, 'v'), tagged(3, 'u'), null, { taggedUserContacts: 'x' }] } },
      'u',
      'inbox',
    );
    expect(n).toMatchObject({ kind: 'mention', threadId: 'target', subjectId: '3' });
    expect(toNotification({ ...base, notificationSource: 'comment', notificationSourceData: { annotationId: 'src', comments: [tagged(1, 'v')] } }, 'u', 'inbox')).toMatchObject({
      kind: 'thread',
      threadId: 'src',
      subjectId: 'src',
    });
    // Mentioned by id only: the subject is the thread, or the notification without one.
    expect(toNotification({ ...base, notificationSource: 'comment', notificationSourceData: { annotationId: 'src', mentionedUserIds: ['u'] } }, 'u', 'inbox').subjectId).toBe('src');
    const bare = toNotification({ ...base, notificationSource: 'comment', notificationSourceData: { annotationId: 5, mentionedUserIds: ['u'] } }, 'u', 'inbox');
    expect(bare.subjectId).toBe('n1');
    expect(bare).not.toHaveProperty('threadId');
    const nothing = toNotification({ ...base, notificationSource: 'comment', notificationSourceData: 'text' }, 'u', 'inbox');
    expect(nothing.kind).toBe('thread');
    expect(nothing).not.toHaveProperty('subjectId');
    expect(nothing).not.toHaveProperty('threadId');
    const notLists = toNotification({ ...base, notificationSource: 'comment', notificationSourceData: { comments: 'x', mentionedUserIds: 'u' } }, 'u', 'inbox');
    expect(notLists.kind).toBe('thread');
    const commentWithoutId = toNotification({ ...base, notificationSource: 'comment', targetAnnotationId: 't', notificationSourceData: { comments: [{ taggedUserContacts: [{ userId: 'u' }] }] } }, 'u', 'inbox');
    expect(commentWithoutId).toMatchObject({ kind: 'mention', subjectId: 't' });
  });

  it('no roomId key at all without a document id, and none for the inbox document', () => {
    const n = toNotification({ ...base }, 'u', 'inbox');
    expect(Object.keys(n)).not.toContain('roomId');
    expect(Object.keys(toNotification({ ...base, metadata: { documentId: 'inbox' } }, 'u', 'inbox'))).not.toContain('roomId');
  });

  it('a comment mentions the user when any of its tagged contacts is the user (other entries may be anything)', () => {
    const note = (tags: unknown[]) =>
      toNotification({ ...base, notificationSource: 'comment', targetAnnotationId: 't', notificationSourceData: { comments: [{ commentId: 9, taggedUserContacts: tags }] } }, 'u', 'inbox');
    expect(note([{ userId: 'v' }, { userId: 'u' }])).toMatchObject({ kind: 'mention', subjectId: '9', threadId: 't' });
    expect(note(['text', null, { userId: 'u' }])).toMatchObject({ kind: 'mention', subjectId: '9' });
    expect(note([])).toMatchObject({ kind: 'thread', subjectId: 't' });
    expect(note([{ userId: 'v' }])).toMatchObject({ kind: 'thread', subjectId: 't' });
  });

  it('a triggered notification gives back its string roomId, over the document it was stored on', () => {
    const n = toNotification(
      { ...base, notificationSource: 'custom', metadata: { documentId: 'inbox' }, notificationSourceData: { unicollab: { kind: 'k', subjectId: 's', roomId: 'room-1' } } },
      'u',
      'inbox',
    );
    expect(n).toMatchObject({ kind: 'custom', customKind: 'k', subjectId: 's', roomId: 'room-1' });
    const other = toNotification(
      { ...base, notificationSource: 'custom', metadata: { documentId: 'doc' }, notificationSourceData: { unicollab: { kind: 'k', roomId: 'room-2' } } },
      'u',
      'inbox',
    );
    expect(other.roomId).toBe('room-2');
  });

  it('triggered notifications: only string fields and an object data are given back', () => {
    expect(TRIGGER_MARKER).toBe('unicollab');
    const data = { a: 1 };
    const n = toNotification({ ...base, notificationSource: 'custom', notificationSourceData: { unicollab: { kind: 'k', subjectId: 5, roomId: 7, data } } }, 'u', 'inbox');
    expect(n).toEqual({ id: 'n1', userId: 'u', kind: 'custom', customKind: 'k', notifiedAt: new Date(base.timestamp), readAt: null, data: { a: 1 }, raw: expect.anything() });
    expect(n.data).not.toBe(data);
    const noData = toNotification({ ...base, notificationSource: 'custom', notificationSourceData: { unicollab: { kind: 'k', data: 'x' } } }, 'u', 'inbox');
    expect(noData).not.toHaveProperty('data');
    // A marker without a string kind: the source names the kind.
    expect(toNotification({ ...base, notificationSource: 'custom', notificationSourceData: { unicollab: { kind: 5 } } }, 'u', 'inbox')).toMatchObject({ kind: 'custom', customKind: 'custom' });
    expect(toNotification({ ...base, notificationSource: '', notificationSourceData: { unicollab: 'x' } }, 'u', 'inbox')).not.toHaveProperty('customKind');
  });
});
