import { nodeCrypto } from './node-crypto.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { ValidationError } from './errors.js';
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
