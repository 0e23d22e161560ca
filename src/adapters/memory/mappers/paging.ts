/**
 * Pages of stored items in `seq` order, with list-bound cursors.
 * @module
 */
import { ValidationError } from '../../../core/errors.js';
import type { Page } from '../../../core/model/common.js';
import { decodeListCursor, encodeListCursor } from '../../../core/paging.js';
import { SeqMap } from '../seq-map.js';

/** Where a page starts and which listing it belongs to. */
export interface PageOptions {
  /** The operation, for errors. */
  operation: string;
  /** The listing's identity (`listKey(...)`): a cursor from another listing is refused. */
  list: string;
  /** Page size when the query gives none (default 50). */
  defaultLimit?: number;
  /** Newest first. */
  descending?: boolean;
}

/**
 * One page of `items` ordered by `seq` (ascending, or newest first with `descending`) after the cursor,
 * keeping only the items `filter` accepts. Cursors hold the last seq seen and are bound to their listing
 * (tenant, parent and filter), so pages stay exact when items are added or removed between calls (each
 * item present throughout is visited exactly once), and a cursor of another listing is a
 * `ValidationError` on `cursor`.
 *
 * With a {@link SeqMap} the page seeks to the cursor (binary search) and walks only as far as the page
 * and one more match (which says whether there is a next page), so iterating a whole listing is linear.
 * Any other iterable is filtered and sorted whole (for small ad-hoc collections).
 */
export function paginate<T extends { seq: number }, R>(
  items: SeqMap<T> | Iterable<T>,
  query: { limit?: number; cursor?: string },
  map: (item: T) => R,
  options: PageOptions,
  filter?: (item: T) => boolean,
): Page<R> {
  const descending = options.descending ?? false;
  const after = query.cursor ? decodeSeq(query.cursor, options) : undefined;
  const limit = query.limit ?? options.defaultLimit ?? 50;
  const ordered = items instanceof SeqMap ? items.walk(after, descending) : sortedAfter(items, after, descending);
  const page: T[] = [];
  let more = false;
  for (const item of ordered) {
    if (filter && !filter(item)) continue;
    if (page.length >= limit) {
      more = true;
      break;
    }
    page.push(item);
  }
  const last = page[page.length - 1];
  return { items: page.map(map), nextCursor: more && last ? encodeListCursor(options.list, last.seq) : null };
}

function sortedAfter<T extends { seq: number }>(items: Iterable<T>, after: number | undefined, descending: boolean): T[] {
  return [...items].filter((i) => after === undefined || (descending ? i.seq < after : i.seq > after)).sort((a, b) => (descending ? b.seq - a.seq : a.seq - b.seq));
}

function decodeSeq(cursor: string, options: PageOptions): number {
  const position = decodeListCursor(cursor, options.list, { provider: 'memory', operation: options.operation });
  if (typeof position === 'number' && Number.isSafeInteger(position)) return position;
  throw new ValidationError('cursor', 'is not a cursor returned by this provider', { provider: 'memory', operation: options.operation });
}
