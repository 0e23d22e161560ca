/**
 * Unit tests of the pure Liveblocks mappers: bodies both ways (cross-checked with @liveblocks/core),
 * the query language (cross-checked with @liveblocks/core's objectToQuery), client-side thread pages,
 * access levels, token expiry and the capability declarations.
 */
import { objectToQuery, stringifyCommentBody } from '@liveblocks/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { liveblocksCapabilities, liveblocksCapabilityVariants } from '../../../../src/adapters/liveblocks/capabilities.js';
import { fromWireBody, toWireBody } from '../../../../src/adapters/liveblocks/mappers/bodies.js';
import { levelOf, permissionsOf, quoteQueryValue, threadQuery, legacyMetadataParams } from '../../../../src/adapters/liveblocks/mappers/rooms.js';
import { decodeThreadCursor, pageThreads } from '../../../../src/adapters/liveblocks/mappers/threads.js';
import { fromLbEvents, toLbEvents } from '../../../../src/adapters/liveblocks/mappers/webhook-subscriptions.js';
import type { LbThread } from '../../../../src/adapters/liveblocks/schemas.js';
import { CAPABILITY_KEYS } from '../../../../src/core/capabilities.js';
import { toText } from '../../../../src/core/body/index.js';
import { jwtExpiry } from '../../../../src/core/jwt.js';
import type { CommentBody, CommentInline } from '../../../../src/core/model/body.js';
import { COLLAB_EVENT_TYPES } from '../../../../src/core/model/event.js';

const inline: fc.Arbitrary<CommentInline> = fc.oneof(
  fc.record(
    {
      type: fc.constant('text' as const),
      text: fc.string({ minLength: 1, maxLength: 12 }),
      bold: fc.constant(true),
      italic: fc.constant(true),
      strikethrough: fc.constant(true),
      code: fc.constant(true),
    },
    { requiredKeys: ['type', 'text'] },
  ),
  fc.record({ type: fc.constant('mention' as const), userId: fc.string({ minLength: 1, maxLength: 12 }) }),
  fc.record(
    { type: fc.constant('link' as const), url: fc.webUrl(), text: fc.string({ minLength: 1, maxLength: 12 }) },
    { requiredKeys: ['type', 'url'] },
  ),
);
const body: fc.Arbitrary<CommentBody> = fc.record({
  version: fc.constant(1 as const),
  content: fc.array(fc.record({ type: fc.constant('paragraph' as const), children: fc.array(inline, { maxLength: 6 }) }), { minLength: 1, maxLength: 4 }),
});

describe('comment bodies', () => {
  it('core -> wire -> core is the identity (text runs lose `type` on the wire, mentions gain kind: user)', () => {
    fc.assert(
      fc.property(body, (b) => {
        expect(fromWireBody(toWireBody(b) as never)).toEqual(b);
      }),
    );
  });

  it('writes the wire shapes Liveblocks documents', () => {
    expect(
      toWireBody({
        version: 1,
        content: [
          {
            type: 'paragraph',
            children: [
              { type: 'text', text: 'a', bold: true, italic: false },
              { type: 'mention', userId: 'u' },
              { type: 'link', url: 'https://x.y' },
            ],
          },
        ],
      }),
    ).toEqual({ version: 1, content: [{ type: 'paragraph', children: [{ text: 'a', bold: true }, { type: 'mention', kind: 'user', id: 'u' }, { type: 'link', url: 'https://x.y' }] }] });
    expect(toWireBody({ version: 1, content: [] })).toEqual({ version: 1, content: [{ type: 'paragraph', children: [{ text: '' }] }] });
  });

  it('renders to the same plain text as @liveblocks/core stringifyCommentBody', async () => {
    const samples: CommentBody[] = [
      { version: 1, content: [{ type: 'paragraph', children: [{ type: 'text', text: 'Hello ' }, { type: 'text', text: 'world', bold: true }] }] },
      {
        version: 1,
        content: [
          { type: 'paragraph', children: [{ type: 'text', text: 'Ping ' }, { type: 'mention', userId: 'alice' }, { type: 'text', text: ' see ' }, { type: 'link', url: 'https://liveblocks.io', text: 'docs' }] },
          { type: 'paragraph', children: [{ type: 'link', url: 'https://example.com/a?b=c' }] },
        ],
      },
    ];
    for (const sample of samples) {
      expect(await stringifyCommentBody(toWireBody(sample) as never, { format: 'plain' })).toBe(toText(sample));
    }
  });
});

describe('query language', () => {
  it('quotes like @liveblocks/core objectToQuery', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k.trim() !== ''), fc.string({ maxLength: 8 }), { minKeys: 1, maxKeys: 3 }), (metadata) => {
        expect(threadQuery({ metadata })).toBe(objectToQuery({ metadata }));
      }),
    );
    expect(threadQuery({ resolved: true, metadata: { status: 'open' } })).toBe(objectToQuery({ resolved: true, metadata: { status: 'open' } }));
    expect(threadQuery({})).toBeUndefined();
    // Room filters use the documented metadata.KEY=VALUE parameters instead (see legacyMetadataParams).
    expect(legacyMetadataParams({ color: 'blue', "it's": 'x' })).toEqual({ 'metadata.color': 'blue', "metadata.it's": 'x' });
    expect(quoteQueryValue("it's")).toBe('"it\'s"');
    expect(quoteQueryValue('say "hi"')).toBe(`'say "hi"'`);
  });
});

describe('client-side thread pages', () => {
  const thread = (id: string, createdAt: string): LbThread => ({ id, roomId: 'r', createdAt, comments: [], metadata: {}, resolved: false });

  it('visits every thread exactly once whatever the page size and API order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 5 })), { selector: ([id]) => id, maxLength: 25 }),
        fc.integer({ min: 1, max: 7 }),
        (specs, limit) => {
          const threads = specs.map(([id, t]) => thread(id, new Date(1_700_000_000_000 + t * 1000).toISOString()));
          const seen: string[] = [];
          let cursor: string | null = null;
          for (let pages = 0; pages < 100; pages++) {
            const page = pageThreads(threads, limit, cursor === null ? undefined : decodeThreadCursor(cursor, 'threads.list'));
            expect(page.items.length).toBeLessThanOrEqual(limit);
            seen.push(...page.items.map((t) => t.id));
            cursor = page.nextCursor;
            if (cursor === null) break;
          }
          expect(cursor).toBeNull();
          expect([...seen].sort()).toEqual(specs.map(([id]) => id).sort());
          expect(new Set(seen).size).toBe(seen.length);
        },
      ),
    );
  });
});

describe('access levels and tokens', () => {
  it('maps levels to permissions and back', () => {
    expect(permissionsOf('write')).toEqual(['room:write']);
    expect(permissionsOf('read')).toEqual(['room:read', 'room:presence:write']);
    expect(permissionsOf('none')).toEqual([]);
    for (const level of ['write', 'read', 'none'] as const) expect(levelOf(permissionsOf(level))).toBe(level);
    expect(levelOf(['*:write'])).toBe('write');
    expect(levelOf(['comments:write'])).toBeUndefined();
  });

  it('reads exp from a JWT, and nothing from anything else', async () => {
    const jwt = (claims: unknown) => `x.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.y`;
    expect(await jwtExpiry(jwt({ exp: 1_900_000_000 }))).toEqual(new Date(1_900_000_000_000));
    expect(await jwtExpiry(jwt({ iat: 1 }))).toBeUndefined();
    expect(await jwtExpiry('opaque-token')).toBeUndefined();
    expect(await jwtExpiry('a.%%%.b')).toBeUndefined();
  });
});

describe('webhook event types for subscriptions', () => {
  it('every core event type except unknown subscribes to at least one Liveblocks type, and maps back to itself', () => {
    for (const type of COLLAB_EVENT_TYPES) {
      if (type === 'unknown') continue;
      const lb = toLbEvents([type]);
      expect(lb.length, type).toBeGreaterThan(0);
      expect(fromLbEvents(lb)).toEqual([type]);
    }
  });
});

describe('capabilities', () => {
  it('declares users no, presence list/clear partial with notes, and webhooks by config', () => {
    const plain = liveblocksCapabilities({});
    expect(Object.keys(plain.levels).sort()).toEqual([...CAPABILITY_KEYS].sort());
    expect(plain.levels['users.upsert']).toBe('no');
    expect(plain.levels['presence.list']).toBe('partial');
    expect(plain.levels['presence.clear']).toBe('partial');
    expect(plain.levels['webhooks.verify']).toBe('no');
    expect(plain.levels['webhooks.subscriptions']).toBe('no');
    for (const key of CAPABILITY_KEYS) if (plain.levels[key] !== 'yes') expect(plain.notes[key], key).toBeTruthy();
    expect(liveblocksCapabilities({ webhookSecret: 'whsec_x' }).levels['webhooks.verify']).toBe('yes');
    const managed = liveblocksCapabilities({ managementToken: 't', projectId: 'p' });
    expect(managed.levels['webhooks.subscriptions']).toBe('yes');
    expect(managed.levels['webhooks.verify']).toBe('yes');
    expect(liveblocksCapabilities({ managementToken: 't' }).levels['webhooks.subscriptions']).toBe('no');
  });

  it('offers two README variants', () => {
    expect(liveblocksCapabilityVariants().map((v) => v.label)).toEqual(['liveblocks', 'liveblocks (+management token)']);
  });
});
