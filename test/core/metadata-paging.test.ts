import { describe, expect, it } from 'vitest';
import { applyMetadataPatch, matchesMetadata } from '../../src/core/metadata.js';
import { ValidationError } from '../../src/core/errors.js';
import { decodeListCursor, encodeListCursor, iteratePages, listKey } from '../../src/core/paging.js';

describe('applyMetadataPatch', () => {
  it('deletes null keys, sets the others, keeps the rest and never mutates its input', () => {
    const current = { a: '1', b: '2', keep: true };
    expect(applyMetadataPatch(current, { b: null, c: 3, missing: null })).toEqual({ a: '1', keep: true, c: 3 });
    expect(current).toEqual({ a: '1', b: '2', keep: true });
  });
});

describe('matchesMetadata', () => {
  it('is an exact AND match, comparing as strings; lists match by membership', () => {
    expect(matchesMetadata({ a: 'red', n: 1, l: ['x', 'y'] }, { a: 'red', n: '1', l: 'y' })).toBe(true);
    expect(matchesMetadata({ a: 'red' }, { a: 're' })).toBe(false);
    expect(matchesMetadata({ a: 'red' }, { a: 'red', b: 'x' })).toBe(false);
    expect(matchesMetadata({}, { b: 'undefined' })).toBe(false);
    expect(matchesMetadata({ a: 'red' }, undefined)).toBe(true);
  });
});

describe('iteratePages', () => {
  it('yields every item of every page in order, passing each nextCursor back, fetching lazily', async () => {
    const pages: Record<string, { items: number[]; nextCursor: string | null }> = {
      start: { items: [1, 2], nextCursor: 'p2' },
      p2: { items: [3], nextCursor: 'p3' },
      p3: { items: [], nextCursor: 'p4' },
      p4: { items: [4], nextCursor: null },
    };
    const asked: Array<string | undefined> = [];
    const it = iteratePages(async (cursor) => {
      asked.push(cursor);
      return pages[cursor ?? 'start']!;
    });
    const first = await it.next();
    expect(first.value).toBe(1);
    expect(asked).toEqual([undefined]);
    const rest: number[] = [];
    for await (const n of it) rest.push(n);
    expect(rest).toEqual([2, 3, 4]);
    expect(asked).toEqual([undefined, 'p2', 'p3', 'p4']);
  });
});

describe('list-bound cursors', () => {
  it('round-trip a position for the same listing, whatever the key order of its filter', () => {
    const list = listKey('rooms', 'tenant-1', { metadata: { a: '1', b: '2' }, userId: undefined });
    expect(listKey('rooms', 'tenant-1', { metadata: { b: '2', a: '1' } })).toBe(list);
    expect(decodeListCursor(encodeListCursor(list, 42), list)).toBe(42);
    expect(decodeListCursor(encodeListCursor(list, { t: 'token', o: 3 }), listKey('rooms', 'tenant-1', { metadata: { b: '2', a: '1' } }))).toEqual({ t: 'token', o: 3 });
  });

  it('refuse a cursor of another listing with a ValidationError on cursor, without echoing it', () => {
    const mine = listKey('threads', 't', 'room-a');
    const cursor = encodeListCursor(listKey('threads', 't', 'room-b'), 7);
    let err: unknown;
    try {
      decodeListCursor(cursor, mine, { provider: 'memory', operation: 'threads.list' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ field: 'cursor', provider: 'memory', operation: 'threads.list' });
    expect((err as Error).message).toMatch(/different listing/);
    expect((err as Error).message).not.toContain(cursor);
    expect(listKey('a', ['x', 'y'])).not.toBe(listKey('a', 'x', 'y'));
  });

  it('refuse values that are not our cursors, and keep the listing out of the cursor text', () => {
    const list = listKey('notifications', 'secret-tenant', 'user-1');
    for (const bad of ['', 'abc', Buffer.from('{}').toString('base64url'), Buffer.from('[1]').toString('base64url'), Buffer.from('{"l":1,"p":2}').toString('base64url')]) {
      expect(() => decodeListCursor(bad, list)).toThrow(ValidationError);
    }
    expect(Buffer.from(encodeListCursor(list, 1), 'base64url').toString('utf8')).not.toContain('secret-tenant');
  });
});
