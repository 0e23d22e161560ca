// The client-side scan behind `list` on token-paged vendors: every matching item exactly once, in order,
// whatever the page size, filter and caller limit; cursors it did not issue are rejected unechoed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { decodeScanCursor, encodeScanCursor, scanPages, type ScanLimits, type VendorPage } from '../../src/core/scan.js';

const limits: ScanLimits = { provider: 'acme', defaultLimit: 5, maxVendorPageSize: 50 };

/** A vendor listing of `items` served `size` at a time, tokens being offsets; counts requests. */
function vendor(items: number[]) {
  const calls: Array<{ token: string | undefined; size: number }> = [];
  const fetchPage = async (token: string | undefined, size: number): Promise<VendorPage<number>> => {
    calls.push({ token, size });
    const from = token === undefined ? 0 : Number(token);
    const next = from + size < items.length ? String(from + size) : null;
    return { items: items.slice(from, from + size), nextPageToken: next };
  };
  return { fetchPage, calls };
}

async function all(items: number[], limit: number | undefined, match?: (n: number) => boolean) {
  const { fetchPage, calls } = vendor(items);
  const out: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await scanPages({ ...limits, operation: 'things.list', limit, cursor, fetchPage, match, map: (n) => `#${n}` });
    if (limit !== undefined) expect(page.items.length).toBeLessThanOrEqual(limit);
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
    if (++pages > 10_000) throw new Error('does not end');
  } while (cursor);
  return { out, calls };
}

describe('scanPages', () => {
  it('returns every matching item exactly once, in vendor order, for any page size, filter and limit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(100), { maxLength: 120 }), fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }), fc.nat(4), async (raw, limit, modulo) => {
        const items = raw.map((v, i) => v * 1000 + i); // distinct, so "exactly once" is visible
        const match = modulo === 0 ? undefined : (n: number) => n % (modulo + 1) === 0;
        const { out } = await all(items, limit, match);
        expect(out).toEqual(items.filter((n) => match?.(n) ?? true).map((n) => `#${n}`));
      }),
      { numRuns: 200 },
    );
  });

  it('unfiltered, one vendor page is one page: it never reads ahead of the consumer', async () => {
    const { fetchPage, calls } = vendor(Array.from({ length: 12 }, (_, i) => i));
    const page = await scanPages({ ...limits, operation: 'things.list', limit: 4, fetchPage, map: String });
    expect(page.items).toEqual(['0', '1', '2', '3']);
    expect(calls).toEqual([{ token: undefined, size: 4 }]);
  });

  it('filtered, it scans vendor pages of at least the default size until the page is full', async () => {
    const { fetchPage, calls } = vendor(Array.from({ length: 40 }, (_, i) => i));
    const page = await scanPages({ ...limits, operation: 'things.list', limit: 2, fetchPage, match: (n) => n >= 12, map: String });
    expect(page.items).toEqual(['12', '13']);
    expect(calls.map((c) => c.size)).toEqual([5, 5, 5]);
    expect(decodeScanCursor(page.nextCursor!, limits, 'op')).toEqual({ t: '10', o: 4, s: 5 });
  });

  it('rejects a cursor it did not issue, or one for a page size the vendor does not serve, naming the provider and not echoing it', async () => {
    const { fetchPage } = vendor([1, 2, 3]);
    for (const bad of ['secret-looking-value', encodeScanCursor({ t: null, o: -1, s: 5 }), encodeScanCursor({ t: null, o: 0, s: 51 }), encodeScanCursor({ t: 7 as never, o: 0, s: 5 })]) {
      const err = await scanPages({ ...limits, operation: 'things.list', cursor: bad, fetchPage, map: String }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect(err).toMatchObject({ field: 'cursor', provider: 'acme', operation: 'things.list' });
      expect((err as Error).message).toContain('acme');
      expect((err as Error).message).not.toContain('secret-looking-value');
    }
  });
});
