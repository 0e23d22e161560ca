/**
 * Pages of a vendor listing read through a client-side filter: the scan behind `list` on vendors whose
 * pages are token-based and which cannot filter on everything the core query asks for.
 * @module
 */
import { decodeCursor as decodeOpaqueCursor, encodeCursor as encodeOpaqueCursor } from './cursor.js';
import { ValidationError } from './errors.js';
import type { Page } from './model/common.js';
import { rec } from './records.js';

/** One page as the vendor returns it: its items and the token of the next page (`null` after the last). */
export interface VendorPage<W> {
  /** The items of this vendor page. */
  items: W[];
  /** The vendor's token of the next page, `null` (or absent) after the last. */
  nextPageToken?: string | null;
}

/**
 * A position in a vendor listing: the vendor page token (`null` = first page), the offset inside that
 * page and the vendor page size the two refer to. Filtered pages stop in the middle of a vendor page,
 * so the offset is needed to resume there.
 */
export interface ScanCursor {
  /** Vendor page token of the page to read, `null` for the first page. */
  t: string | null;
  /** Items of that page already returned. */
  o: number;
  /** Vendor page size the token and offset refer to. */
  s: number;
}

/** What identifies a scan's errors and bounds its vendor pages. */
export interface ScanLimits {
  /** The provider id, put on errors. */
  provider: string;
  /** Page size when the caller gives no `limit`. */
  defaultLimit: number;
  /** The largest page the vendor serves. */
  maxVendorPageSize: number;
}

/** How one listing is read: the vendor page reader, an optional client-side filter and the mapper. */
export interface ScanSpec<W, R> extends ScanLimits {
  /** The operation, for errors. */
  operation: string;
  /** Page size asked by the caller. */
  limit?: number | undefined;
  /** A cursor from a previous page. */
  cursor?: string | undefined;
  /** Reads one vendor page. */
  fetchPage(pageToken: string | undefined, pageSize: number): Promise<VendorPage<W>>;
  /** Keeps only matching items (filters the vendor cannot apply itself, and placeholders). */
  match?: ((item: W) => boolean) | undefined;
  /**
   * Whether `match` drops real items (so vendor pages are scanned with a larger page size). Defaults to
   * `true` when `match` is given; pass `false` when it only skips entries that are never items.
   */
  filtered?: boolean | undefined;
  /** Maps a kept item. */
  map(item: W): R;
}

/** Encodes a scan position as an opaque cursor. */
export function encodeScanCursor(cursor: ScanCursor): string {
  return encodeOpaqueCursor(cursor);
}

/**
 * Decodes a cursor made by `encodeScanCursor`; anything else (or a page size the vendor does not serve)
 * is a `ValidationError` on `field`, its value never echoed.
 */
export function decodeScanCursor(cursor: string, limits: Pick<ScanLimits, 'provider' | 'maxVendorPageSize'>, operation: string, field = 'cursor'): ScanCursor {
  const c = rec(decodeOpaqueCursor(cursor)) as Partial<ScanCursor> | undefined;
  if (c && (c.t === null || typeof c.t === 'string') && Number.isInteger(c.o) && c.o! >= 0 && Number.isInteger(c.s) && c.s! >= 1 && c.s! <= limits.maxVendorPageSize) {
    return { t: c.t, o: c.o!, s: c.s! };
  }
  throw new ValidationError(field, `is not a cursor returned by the ${limits.provider} provider`, { provider: limits.provider, operation });
}

/**
 * Reads one page of a vendor listing. Without a filter, one vendor page of `limit` items is one page
 * (a limit below the vendor's page fill, or a resumed cursor, may still stop inside a vendor page).
 * With a filter, vendor pages are scanned until `limit` matches are found, and the cursor records where
 * to resume inside the vendor page, so every matching item is returned exactly once.
 */
export async function scanPages<W, R>(spec: ScanSpec<W, R>): Promise<Page<R>> {
  const limit = spec.limit ?? spec.defaultLimit;
  const filtered = spec.filtered ?? spec.match !== undefined;
  let at: ScanCursor = spec.cursor
    ? decodeScanCursor(spec.cursor, spec, spec.operation)
    : { t: null, o: 0, s: filtered ? Math.min(spec.maxVendorPageSize, Math.max(limit, spec.defaultLimit)) : limit };
  const items: R[] = [];
  for (;;) {
    const page = await spec.fetchPage(at.t ?? undefined, at.s);
    const next = page.nextPageToken ?? null;
    for (let i = at.o; i < page.items.length; i++) {
      const item = page.items[i] as W;
      if (spec.match && !spec.match(item)) continue;
      items.push(spec.map(item));
      if (items.length === limit) {
        const resume: ScanCursor | null = i + 1 < page.items.length ? { t: at.t, o: i + 1, s: at.s } : next ? { t: next, o: 0, s: at.s } : null;
        return { items, nextCursor: resume ? encodeScanCursor(resume) : null };
      }
    }
    if (!next) return { items, nextCursor: null };
    // Unfiltered, one vendor page is one page (even a short one): no request is made ahead of need.
    if (!filtered) return { items, nextCursor: encodeScanCursor({ t: next, o: 0, s: at.s }) };
    at = { t: next, o: 0, s: at.s };
  }
}
