import { describe, expect, it } from 'vitest';
import { applyMetadataPatch, matchesMetadata } from '../../src/core/metadata.js';
import { iteratePages } from '../../src/core/paging.js';

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
