/**
 * `iteratePages`, the cursor walk behind every adapter's `iterate()`: a hand-written iterator that must
 * behave exactly as the async generator it replaced (the reference below), on any page layout, with
 * failures, early `return()` and overlapping `next()` calls.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Page } from '../../src/core/model/common.js';
import { iteratePages } from '../../src/core/paging.js';

/** The generator `iteratePages` used to be. */
async function* reference<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/** A listing of `pages` (each a list of item numbers), failing at page `failAt` (if any); records the cursors asked for. */
function listing(pages: number[][], failAt: number | undefined) {
  const asked: Array<string | undefined> = [];
  const fetchPage = async (cursor: string | undefined): Promise<Page<number>> => {
    asked.push(cursor);
    const index = cursor === undefined ? 0 : Number(cursor.slice(1));
    if (index === failAt) throw new Error(`page ${index} failed`);
    return { items: pages[index] ?? [], nextCursor: index + 1 < pages.length ? `p${index + 1}` : null };
  };
  return { asked, fetchPage };
}

/** Pulls up to `take` items (all when undefined), then `return()`s; what came out, how it ended, what was fetched. */
async function drive(iterable: AsyncIterable<number>, take: number | undefined) {
  const out: number[] = [];
  let error: string | undefined;
  const it = iterable[Symbol.asyncIterator]();
  try {
    for (;;) {
      if (take !== undefined && out.length >= take) {
        await it.return?.();
        break;
      }
      const step = await it.next();
      if (step.done) break;
      out.push(step.value);
    }
  } catch (err) {
    error = (err as Error).message;
  }
  // After the end, a failure or a return, the walk stays ended.
  const after = await it.next().catch((err: Error) => ({ done: 'threw', value: err.message }));
  return { out, error, after };
}

describe('iteratePages', () => {
  it('yields, fails, stops and fetches exactly as the reference generator, on any page layout (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: 0, max: 99 }), { maxLength: 4 }), { minLength: 1, maxLength: 6 }),
        fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
        async (pages, failAt, take) => {
          const a = listing(pages, failAt);
          const b = listing(pages, failAt);
          const actual = await drive(iteratePages(a.fetchPage), take);
          const expected = await drive(reference(b.fetchPage), take);
          expect(actual).toEqual(expected);
          expect(a.asked).toEqual(b.asked);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('fetches nothing before the first next()', () => {
    const { asked, fetchPage } = listing([[1]], undefined);
    iteratePages(fetchPage);
    expect(asked).toEqual([]);
  });

  it('overlapping next() calls are served in order, each page fetched once', async () => {
    const { asked, fetchPage } = listing([[1, 2], [], [3]], undefined);
    const it = iteratePages(fetchPage);
    const steps = await Promise.all([it.next(), it.next(), it.next(), it.next()]);
    expect(steps).toEqual([
      { done: false, value: 1 },
      { done: false, value: 2 },
      { done: false, value: 3 },
      { done: true, value: undefined },
    ]);
    expect(asked).toEqual([undefined, 'p1', 'p2']);
  });

  it('return() while a page is being fetched comes after it, as a generator queues it; no page is fetched after', async () => {
    const { asked, fetchPage } = listing([[1], [2]], undefined);
    const it = iteratePages(fetchPage);
    const first = it.next();
    const ended = it.return?.();
    expect(await first).toEqual({ done: false, value: 1 });
    expect(await ended).toEqual({ done: true, value: undefined });
    expect(await it.next()).toEqual({ done: true, value: undefined });
    expect(asked).toEqual([undefined]);

    const gen = listing([[1], [2]], undefined);
    const ref = reference(gen.fetchPage);
    const refFirst = ref.next();
    const refEnded = ref.return();
    expect([await refFirst, await refEnded]).toEqual([
      { done: false, value: 1 },
      { done: true, value: undefined },
    ]);
  });
});
