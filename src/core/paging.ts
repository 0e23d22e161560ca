import { nodeCrypto } from './node-crypto.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { ValidationError } from './errors.js';
import type { Page } from './model/common.js';

/**
 * Walks a cursor-paginated listing, yielding every item: `fetchPage(undefined)` first, then each
 * `nextCursor` until it is `null`. Pages are fetched one at a time, as the consumer pulls.
 *
 * A hand-written iterator, not an async generator: a generator (and an adapter's `yield*` over it)
 * costs several promise turns per item, a quarter of iterating the embedded provider's rooms; this
 * hands out a page's items one resolved promise each. It behaves as the generator did: lazy (nothing
 * is fetched before the first `next()`), empty pages with a cursor are skipped, a failed page ends the
 * walk, `return()` ends it without another fetch (after a `next()` in flight, as a generator queues it),
 * and overlapping `next()` calls are served in order.
 */
export function iteratePages<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): AsyncIterableIterator<T> {
  return new PageIterator(fetchPage);
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

class PageIterator<T> implements AsyncIterableIterator<T> {
  private items: readonly T[] = [];
  private index = 0;
  private cursor: string | undefined;
  private started = false;
  private finished = false;
  /** The page being fetched: a `next()` that overlaps it waits for it. */
  private fetching: Promise<IteratorResult<T, undefined>> | undefined;

  constructor(private readonly fetchPage: (cursor: string | undefined) => Promise<Page<T>>) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.fetching) return this.fetching.then(() => this.next());
    if (this.index < this.items.length) return Promise.resolve({ done: false, value: this.items[this.index++] as T });
    if (this.finished || (this.started && !this.cursor)) {
      this.finish();
      return Promise.resolve(DONE);
    }
    const fetching = this.fetchNext();
    this.fetching = fetching;
    const settle = () => {
      if (this.fetching === fetching) this.fetching = undefined;
    };
    fetching.then(settle, settle);
    return fetching;
  }

  return(): Promise<IteratorResult<T, undefined>> {
    // As a generator queues it: after the `next()` in flight, which still gets its item.
    if (this.fetching) return this.fetching.then(() => this.return(), () => this.return());
    this.finish();
    return Promise.resolve(DONE);
  }

  private async fetchNext(): Promise<IteratorResult<T, undefined>> {
    try {
      do {
        this.started = true;
        const page = await this.fetchPage(this.cursor);
        this.items = page.items;
        this.index = 0;
        this.cursor = page.nextCursor ?? undefined;
        if (this.items.length > 0) return { done: false, value: this.items[this.index++] as T };
      } while (this.cursor);
    } catch (err) {
      this.finish();
      throw err;
    }
    this.finish();
    return DONE;
  }

  private finish(): void {
    this.finished = true;
    this.items = [];
    this.index = 0;
  }
}

/**
 * The identity of one listing, for list-bound cursors: the same parts (in any key order inside
 * objects) give the same key, so `listKey('rooms', tenant, { metadata, userId })` names "rooms of
 * tenant T with filter F". `undefined` members are dropped, as JSON would.
 */
export function listKey(...parts: unknown[]): string {
  return canonicalJson(parts);
}

/**
 * Encodes an opaque cursor bound to one listing. The cursor carries a digest of `list` (never the
 * list itself, so tenant ids and filters do not leak into URLs) and the adapter's `position`.
 *
 * @param list - The listing's identity, from `listKey(...)`.
 * @param position - Any JSON value: where the next page starts (a sequence number, a vendor token...).
 */
export function encodeListCursor(list: string, position: unknown): string {
  return encodeCursor({ l: listDigest(list), p: position });
}

/**
 * Decodes a cursor made by `encodeListCursor` for the same listing and returns its position.
 *
 * @param cursor - The cursor the caller passed back.
 * @param list - The identity of the listing being read now.
 * @param init - Provider and operation, put on the error.
 * @throws ValidationError (field `cursor`) when the value is not one of our cursors, or was issued
 *   for another listing (another tenant, room, user or filter). The value is never echoed.
 */
export function decodeListCursor(cursor: string, list: string, init: { provider?: string; operation?: string } = {}): unknown {
  const parsed = decodeCursor(cursor);
  const value = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { l?: unknown; p?: unknown };
  if (typeof value.l !== 'string' || !('p' in value)) {
    throw new ValidationError('cursor', 'is not a cursor returned by this provider', init);
  }
  if (value.l !== listDigest(list)) {
    throw new ValidationError('cursor', 'was returned by a different listing (another tenant, parent or filter); start again without a cursor', init);
  }
  return value.p;
}

function listDigest(list: string): string {
  // 96 bits: collisions between two real listings are not a concern, and the cursor stays short.
  return nodeCrypto().createHash('sha256').update(list, 'utf8').digest('base64url').slice(0, 16);
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
