import type { Page } from './model/common.js';

/**
 * Walks a cursor-paginated listing, yielding every item: `fetchPage(undefined)` first, then each
 * `nextCursor` until it is `null`. Pages are fetched one at a time, as the consumer pulls.
 */
export async function* iteratePages<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
