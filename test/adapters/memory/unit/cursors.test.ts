import { afterEach, describe, expect, it } from 'vitest';
import { memory } from '../../../../src/adapters/memory/index.js';
import { applyMetadataPatch, copyMetadata, matchesMetadata } from '../../../../src/core/metadata.js';
import type { Collab } from '../../../../src/collab.js';
import { ValidationError } from '../../../../src/core/errors.js';
import { fromText } from '../../../../src/core/body/index.js';

const open: Collab[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
});

async function fresh(): Promise<Collab> {
  const c = await memory();
  open.push(c);
  return c;
}

async function rejectsCursor(call: Promise<unknown>): Promise<void> {
  const err = await call.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ValidationError);
  expect(err).toMatchObject({ field: 'cursor', provider: 'memory' });
}

describe('memory cursors are bound to their listing', () => {
  it('rooms: another tenant or another filter refuses the cursor; the same listing accepts it', async () => {
    const c = await fresh();
    for (const tenantId of ['t1', 't2']) for (let i = 0; i < 3; i++) await c.rooms.create({ id: `r${i}`, metadata: { color: 'red', size: 's' } }, { tenantId });
    const page = await c.rooms.list({ limit: 1 }, { tenantId: 't1' });
    const cursor = page.nextCursor!;
    expect(cursor).toEqual(expect.any(String));
    expect(Buffer.from(cursor, 'base64url').toString('utf8')).not.toContain('t1'); // opaque: no tenant in it
    await rejectsCursor(c.rooms.list({ limit: 1, cursor }, { tenantId: 't2' }));
    await rejectsCursor(c.rooms.list({ limit: 1, cursor, metadata: { color: 'red' } }, { tenantId: 't1' }));
    await rejectsCursor(c.rooms.list({ limit: 1, cursor, userId: 'ann' }, { tenantId: 't1' }));
    expect((await c.rooms.list({ limit: 1, cursor }, { tenantId: 't1' })).items.map((r) => r.id)).toEqual(['r1']);
    // The filter's key order does not make it another listing.
    const filtered = await c.rooms.list({ limit: 1, metadata: { color: 'red', size: 's' } }, { tenantId: 't1' });
    expect((await c.rooms.list({ limit: 5, cursor: filtered.nextCursor!, metadata: { size: 's', color: 'red' } }, { tenantId: 't1' })).items).toHaveLength(2);
  });

  it('threads: a cursor of one room (or one resolved filter) is refused by another', async () => {
    const c = await fresh();
    for (const roomId of ['a', 'b']) {
      await c.rooms.create({ id: roomId });
      for (let i = 0; i < 2; i++) await c.threads.create({ roomId, comment: { authorId: 'u', body: fromText(`t${i}`) } });
    }
    const cursor = (await c.threads.list('a', { limit: 1 })).nextCursor!;
    await rejectsCursor(c.threads.list('b', { limit: 1, cursor }));
    await rejectsCursor(c.threads.list('a', { limit: 1, cursor, resolved: false }));
    expect((await c.threads.list('a', { limit: 1, cursor })).items).toHaveLength(1);
  });

  it('notifications, users: a cursor of one user is refused for another, and by another kind of list', async () => {
    const c = await fresh();
    for (let i = 0; i < 3; i++) {
      for (const userId of ['ann', 'bob']) await c.notifications.trigger({ userId, kind: 'custom-kind', subjectId: `s${i}` });
      await c.users.upsert({ id: `u${i}` });
    }
    const cursor = (await c.notifications.list('ann', { limit: 1 })).nextCursor!;
    await rejectsCursor(c.notifications.list('bob', { limit: 1, cursor }));
    await rejectsCursor(c.notifications.list('ann', { limit: 1, cursor, unread: true }));
    expect((await c.notifications.list('ann', { limit: 1, cursor })).items).toHaveLength(1);
    const usersCursor = (await c.users.list({ limit: 1 })).nextCursor!;
    await rejectsCursor(c.rooms.list({ cursor: usersCursor }));
    await rejectsCursor(c.users.list({ cursor: usersCursor }, { tenantId: 'elsewhere' }));
    await rejectsCursor(c.users.list({ cursor: 'not-a-cursor' }));
  });
});

describe('memory metadata is own-property only', () => {
  it('a filter never matches an inherited member', async () => {
    const c = await fresh();
    await c.rooms.create({ id: 'plain', metadata: { a: '1' }, access: { users: { ann: 'write' } } });
    // `toString` is not a reserved key, so it reaches the store: Object.prototype.toString must not match.
    expect((await c.rooms.list({ metadata: { toString: String(Object.prototype.toString) } })).items).toEqual([]);
    expect((await c.rooms.list({ metadata: { hasOwnProperty: String(Object.prototype.hasOwnProperty) } })).items).toEqual([]);
    // Access entries too: a user id that names an Object member has no access by inheritance.
    expect((await c.rooms.list({ userId: 'toString' })).items).toEqual([]);
    expect((await c.rooms.list({ userId: 'ann' })).items.map((r) => r.id)).toEqual(['plain']);
    // Own keys with those names work like any other.
    await c.rooms.update('plain', { metadata: { toString: 'mine' } });
    expect((await c.rooms.list({ metadata: { toString: 'mine' } })).items.map((r) => r.id)).toEqual(['plain']);
  });

  it('the store helpers keep `__proto__` and `constructor` as plain keys and never touch a prototype', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": "c"}') as Record<string, never>;
    const copy = copyMetadata(hostile);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect((copy as { polluted?: unknown }).polluted).toBeUndefined();
    const patched = applyMetadataPatch({ a: '1' }, hostile);
    expect(Object.getPrototypeOf(patched)).toBe(Object.prototype);
    expect(Object.keys(patched).sort()).toEqual(['__proto__', 'a', 'constructor']);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(applyMetadataPatch(patched, JSON.parse('{"__proto__": null}') as Record<string, null>)).sort()).toEqual(['a', 'constructor']);
    expect(matchesMetadata({}, { constructor: String(Object) })).toBe(false);
    expect(matchesMetadata({}, JSON.parse('{"__proto__": "[object Object]"}') as Record<string, string>)).toBe(false);
    expect(matchesMetadata({ constructor: 'c' }, { constructor: 'c' })).toBe(true);
  });
});
