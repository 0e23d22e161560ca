/**
 * Velt listing positions as opaque cursors (the vendor page token, the offset inside it, the page size).
 * @module
 */
import { decodeCursor as decodeOpaqueCursor, encodeCursor as encodeOpaqueCursor } from '../../../core/cursor.js';
import { ValidationError } from '../../../core/errors.js';
import { rec } from '../../../core/records.js';

const PROVIDER = 'velt';

/**
 * A position in a Velt listing: the vendor page token (`null` = first page), the offset inside that
 * page and the vendor page size. Pages filtered on our side (metadata, resolved, unread) stop in the
 * middle of a vendor page, so the offset is needed to resume there.
 */
export interface VeltCursor {
  /** Vendor page token of the page to read, `null` for the first page. */
  t: string | null;
  /** Items of that page already returned. */
  o: number;
  /** Vendor page size the token and offset refer to. */
  s: number;
}

/** Encodes a cursor as opaque base64url. */
export function encodeCursor(cursor: VeltCursor): string {
  return encodeOpaqueCursor(cursor);
}

/** Decodes a cursor; one we did not issue is a `ValidationError` on `cursor` (its value is not echoed). */
export function decodeCursor(cursor: string, operation: string, field = 'cursor'): VeltCursor {
  const c = rec(decodeOpaqueCursor(cursor)) as Partial<VeltCursor> | undefined;
  if (c && (c.t === null || typeof c.t === 'string') && Number.isInteger(c.o) && c.o! >= 0 && Number.isInteger(c.s) && c.s! >= 1 && c.s! <= 1000) {
    return { t: c.t, o: c.o!, s: c.s! };
  }
  throw new ValidationError(field, 'is not a cursor returned by the velt provider', { provider: PROVIDER, operation });
}
