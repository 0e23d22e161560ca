/** Unit: the pure Velt mappers (bodies, ids, metadata, statuses, cursors, permissions, notifications). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeBody } from '../../../../src/core/body/index.js';
import { ValidationError } from '../../../../src/core/errors.js';
import { applyMetadataPatch, matchesMetadata } from '../../../../src/core/metadata.js';
import { jwtExpiry } from '../../../../src/core/jwt.js';
import type { CommentBody, CommentInline } from '../../../../src/core/model/body.js';
import { tokenResources } from '../../../../src/adapters/velt/mappers/auth.js';
import { fromVeltBody, toVeltBody } from '../../../../src/adapters/velt/mappers/bodies.js';
import { decodeCursor, encodeCursor } from '../../../../src/adapters/velt/mappers/cursors.js';
import { metadataDiff, pickMetadata, USER_RESERVED_KEYS } from '../../../../src/adapters/velt/mappers/metadata.js';
import { toNotification } from '../../../../src/adapters/velt/mappers/notifications.js';
import { accessTypeOf, roomAccessOf } from '../../../../src/adapters/velt/mappers/rooms.js';
import { isResolved, parseCommentId, patchedContext, toReactions } from '../../../../src/adapters/velt/mappers/threads.js';
import { toUser } from '../../../../src/adapters/velt/mappers/users.js';

const RICH: CommentBody = {
  version: 1,
  content: [
    {
      type: 'paragraph',
      children: [
        { type: 'text', text: 'Hello ' },
        { type: 'mention', userId: 'user.ada-1' },
        { type: 'text', text: ', see ' },
        { type: 'link', url: 'https://example.com/spec?a=1&b=<2>', text: 'the {spec}' },
        { type: 'text', text: ' & ' },
        { type: 'text', text: 'bold', bold: true },
        { type: 'text', text: ' {{not-a-mention}} ' },
        { type: 'text', text: 'code', code: true, italic: true },
      ],
    },
    { type: 'paragraph', children: [] },
    { type: 'paragraph', children: [{ type: 'text', text: '  two  spaces  ' }, { type: 'mention', userId: 'bob' }] },
  ],
};

describe('bodies: CommentBody <-> commentText + commentHtml + taggedUserContacts', () => {
  it('writes {{userId}} placeholders and tags every mentioned user once', () => {
    const out = toVeltBody(RICH);
    expect(out.commentText).toBe('Hello {{user.ada-1}}, see the {spec} & bold {{not-a-mention}} code\n\n  two  spaces  {{bob}}');
    expect(out.commentHtml).toContain('{{user.ada-1}}');
    expect(out.commentHtml).not.toContain('{{not-a-mention}}'); // literal braces are escaped in HTML
    expect(out.taggedUserContacts).toEqual([
      { userId: 'user.ada-1', contact: { userId: 'user.ada-1' }, text: '@user.ada-1' },
      { userId: 'bob', contact: { userId: 'bob' }, text: '@bob' },
    ]);
  });

  it('round-trips mentions, links (with text), formatting, empty paragraphs and whitespace through commentHtml', () => {
    expect(fromVeltBody(toVeltBody(RICH))).toEqual(normalizeBody(RICH));
  });

  it('reads commentText when there is no HTML: placeholders are mentions, a bare @word is not', () => {
    const body = fromVeltBody({ commentText: 'Hey {{sarah}}, ping @bob', taggedUserContacts: [{ userId: 'sarah', text: '@sarah' }] });
    expect(body.content[0]!.children).toEqual([
      { type: 'text', text: 'Hey ' },
      { type: 'mention', userId: 'sarah' },
      { type: 'text', text: ', ping @bob' },
    ]);
  });

  it('reads what the Velt UI writes: "@Jim Halpert" in the text with a tagged contact of that text', () => {
    const body = fromVeltBody({
      commentText: '@Jim Halpert can you take a look?',
      commentHtml: '@Jim Halpert can you take a look?',
      taggedUserContacts: [{ userId: 'e54d', text: '@Jim Halpert', contact: { userId: 'e54d', name: 'Jim Halpert' } }],
    });
    expect(body.content[0]!.children).toEqual([
      { type: 'mention', userId: 'e54d' },
      { type: 'text', text: ' can you take a look?' },
    ]);
  });

  it('keeps a literal "@bob" as text when bob is mentioned by placeholder', () => {
    const body: CommentBody = { version: 1, content: [{ type: 'paragraph', children: [{ type: 'text', text: 'mail @bob or ' }, { type: 'mention', userId: 'bob' }] }] };
    expect(fromVeltBody(toVeltBody(body))).toEqual(normalizeBody(body));
  });

  it('mention ids a placeholder cannot hold fall back to their @text and still round-trip', () => {
    const body: CommentBody = { version: 1, content: [{ type: 'paragraph', children: [{ type: 'text', text: 'hi ' }, { type: 'mention', userId: 'ada lovelace' }] }] };
    const out = toVeltBody(body);
    expect(out.commentText).toBe('hi @ada lovelace');
    expect(fromVeltBody(out)).toEqual(normalizeBody(body));
  });

  it('round-trips any body with safe links and placeholder-safe ids (property)', () => {
    const id = fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/);
    const text = fc.string({ maxLength: 12 }).filter((t) => !t.includes('@') && !t.includes('\r'));
    const inline: fc.Arbitrary<CommentInline> = fc.oneof(
      fc.record({ type: fc.constant('text' as const), text, bold: fc.boolean(), italic: fc.boolean(), strikethrough: fc.boolean(), code: fc.boolean() }),
      fc.record({ type: fc.constant('mention' as const), userId: id }),
      fc.record({ type: fc.constant('link' as const), url: id.map((p) => `https://example.com/${p}`), text: fc.option(text.filter((t) => t.trim() !== ''), { nil: undefined }) }).map((l) =>
        l.text === undefined ? { type: 'link' as const, url: l.url } : l,
      ),
    );
    const body = fc.array(fc.array(inline, { maxLength: 6 }), { minLength: 1, maxLength: 4 }).map(
      (paragraphs): CommentBody => ({ version: 1, content: paragraphs.map((children) => ({ type: 'paragraph' as const, children })) }),
    );
    fc.assert(
      fc.property(body, (b) => {
        expect(fromVeltBody(toVeltBody(b))).toEqual(normalizeBody(b));
      }),
      { numRuns: 300 },
    );
  });
});

describe('ids', () => {
  it('comment ids are positive integers; anything else is a ValidationError naming commentId', () => {
    expect(parseCommentId('126535', 'op')).toBe(126535);
    for (const bad of ['', 'abc', '0', '-1', '1.5', '1e3', ' 1', '00012', '12345678901234567']) {
      const err = (() => {
        try {
          parseCommentId(bad, 'op');
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err, bad).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).field).toBe('commentId');
    }
  });
});

describe('statuses (§7.2)', () => {
  it('resolution is status.type === "terminal", whatever the id', () => {
    expect(isResolved({ status: { id: 'RESOLVED', type: 'terminal' } })).toBe(true);
    expect(isResolved({ status: { id: 'DONE', type: 'terminal' } })).toBe(true);
    expect(isResolved({ status: { id: 'RESOLVED', type: 'ongoing' } })).toBe(false);
    expect(isResolved({ status: null })).toBe(false);
  });
});

describe('metadata', () => {
  it('keeps metadata-shaped values, drops reserved keys, nulls and nested objects', () => {
    expect(pickMetadata({ userId: 'u', name: 'n', team: 'qa', n: 2, ok: true, tags: ['a'], gone: null, nested: { a: 1 } }, USER_RESERVED_KEYS)).toEqual({
      team: 'qa',
      n: 2,
      ok: true,
      tags: ['a'],
    });
  });

  it('metadataDiff clears removed keys with null; applyMetadataPatch deletes on null', () => {
    expect(metadataDiff({ a: '1', b: '2' }, { a: '3' })).toEqual({ b: null, a: '3' });
    expect(applyMetadataPatch({ a: '1', b: '2' }, { b: null, c: 3 })).toEqual({ a: '1', c: 3 });
  });

  it('patchedContext keeps access, drops the derived accessFields and applies the patch', () => {
    expect(patchedContext({ access: { default: 'velt' }, accessFields: ['default:velt'], a: '1', b: '2' }, { b: null, c: 3 })).toEqual({ access: { default: 'velt' }, a: '1', c: 3 });
  });

  it('matchesMetadata is an exact AND match (lists match by membership)', () => {
    expect(matchesMetadata({ a: 'red', n: 1, l: ['x', 'y'] }, { a: 'red', n: '1', l: 'y' })).toBe(true);
    expect(matchesMetadata({ a: 'red' }, { a: 're' })).toBe(false);
    expect(matchesMetadata({ a: 'red' }, { b: 'x' })).toBe(false);
  });
});

describe('room access <-> accessType', () => {
  it('maps the default level both ways and refuses what Velt cannot store', () => {
    expect(accessTypeOf({ default: 'write' }, 'access', 'op')).toBe('public');
    expect(accessTypeOf({ default: 'none' }, 'access', 'op')).toBe('restricted');
    expect(() => accessTypeOf({ default: 'read' }, 'access', 'op')).toThrow(ValidationError);
    expect(() => accessTypeOf({ groups: { g: 'read' } }, 'access', 'op')).toThrow(/per-group/);
    expect(roomAccessOf('public')).toEqual({ default: 'write' });
    expect(roomAccessOf('organizationPrivate')).toEqual({ default: 'none' });
    expect(roomAccessOf(undefined)).toBeUndefined();
  });
});

describe('users', () => {
  it('photoUrl is avatarUrl', () => {
    expect(toUser({ userId: 'u', name: 'N', email: 'e@x.io', photoUrl: 'https://x.io/a.png', accessRole: 'editor', team: 'qa' })).toMatchObject({
      id: 'u',
      name: 'N',
      email: 'e@x.io',
      avatarUrl: 'https://x.io/a.png',
      metadata: { team: 'qa' },
    });
  });
});

describe('reactions (§8)', () => {
  it('groups reaction annotations by emoji with every user', () => {
    expect(
      toReactions([
        { icon: 'HEART_FACE', fromUsers: [{ from: { userId: 'a' } }, { from: { userId: 'b' } }], lastUpdated: 5 },
        { icon: 'x', iconEmoji: '👍', reactions: [{ from: { userId: 'c' } }] },
        { icon: 'HEART_FACE', fromUsers: [{ from: { userId: 'a' } }] },
        { icon: 'EMPTY', fromUsers: [] },
      ]),
    ).toEqual([
      { emoji: 'HEART_FACE', userIds: ['a', 'b'], createdAt: new Date(5) },
      { emoji: '👍', userIds: ['c'] },
    ]);
  });
});

describe('cursors', () => {
  it('encode/decode, and reject what we did not issue without echoing it', () => {
    const c = { t: 'Ds7NMZw0wWSdmfJFLNioTw==', o: 3, s: 100 };
    expect(decodeCursor(encodeCursor(c), 'op')).toEqual(c);
    expect(decodeCursor(encodeCursor({ t: null, o: 0, s: 1 }), 'op')).toEqual({ t: null, o: 0, s: 1 });
    for (const bad of ['x', encodeCursor({ t: 1 as unknown as string, o: 0, s: 1 }), encodeCursor({ t: null, o: -1, s: 1 }), encodeCursor({ t: null, o: 0, s: 5000 })]) {
      expect(() => decodeCursor(bad, 'op')).toThrow(ValidationError);
    }
  });
});

describe('auth resources (§11.1)', () => {
  it('room ids are documents, * is the organization, other prefixes are skipped', () => {
    expect(tokenResources({ d1: 'write', '*': 'read', 'team-*': 'write' }, 'org')).toEqual({
      resources: [
        { type: 'document', id: 'd1', organizationId: 'org', accessRole: 'editor' },
        { type: 'organization', id: 'org', accessRole: 'viewer' },
      ],
      skipped: ['team-*'],
    });
  });

  it('reads a JWT exp without verifying, and nothing from a non-JWT', async () => {
    const token = `e30.${Buffer.from(JSON.stringify({ exp: 1700000000 })).toString('base64url')}.sig`;
    expect(await jwtExpiry(token)).toEqual(new Date(1700000000 * 1000));
    expect(await jwtExpiry('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...')).toBeUndefined();
    expect(await jwtExpiry('opaque')).toBeUndefined();
  });
});

describe('notifications (§9)', () => {
  const base = { id: 'n1', timestamp: 1722409519944, metadata: { documentId: 'doc' } };
  it('custom notifications from trigger give back kind, subject, room and data', () => {
    const n = toNotification({ ...base, notificationSource: 'custom', notificationSourceData: { unicollab: { kind: 'k', subjectId: 's', roomId: 'doc', data: { a: 1 } } } }, 'u', 'inbox');
    expect(n).toMatchObject({ kind: 'custom', customKind: 'k', subjectId: 's', roomId: 'doc', data: { a: 1 }, readAt: null });
  });

  it('the inbox document is not reported as a room; read state gives readAt', () => {
    const n = toNotification({ ...base, metadata: { documentId: 'inbox' }, readByUserIds: ['u'] }, 'u', 'inbox');
    expect(n.roomId).toBeUndefined();
    expect(n.readAt).toEqual(new Date(1722409519944));
  });

  it('other sources are custom kinds named after the source', () => {
    expect(toNotification({ ...base, notificationSource: 'huddle' }, 'u', 'inbox')).toMatchObject({ kind: 'custom', customKind: 'huddle' });
  });

  it('comment notifications: mention when the user is mentioned (mentionedUserIds), else thread', () => {
    expect(toNotification({ ...base, notificationSource: 'comment', notificationSourceData: { annotationId: 'a', mentionedUserIds: ['u'] } }, 'u', 'inbox')).toMatchObject({
      kind: 'mention',
      threadId: 'a',
    });
    expect(toNotification({ ...base, notificationSource: 'comment', notificationSourceData: { annotationId: 'a' } }, 'v', 'inbox')).toMatchObject({ kind: 'thread', threadId: 'a', subjectId: 'a' });
  });
});
