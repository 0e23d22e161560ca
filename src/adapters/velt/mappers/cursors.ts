/**
 * Velt listing positions as opaque cursors: core's scan cursor (vendor page token, offset inside it,
 * page size) with Velt's page limits.
 * @module
 */
import { decodeScanCursor, encodeScanCursor, type ScanCursor, type ScanLimits } from '../../../core/scan.js';

/** Velt's listing limits: 100 items a page unless asked (Velt's own default of 1000 is heavy for annotations), at most 1000 (docs/vendors/velt.md §1.4). */
export const VELT_SCAN_LIMITS: ScanLimits = { provider: 'velt', defaultLimit: 100, maxVendorPageSize: 1000 };

/** A position in a Velt listing. */
export type VeltCursor = ScanCursor;

/** Encodes a cursor as opaque base64url. */
export function encodeCursor(cursor: VeltCursor): string {
  return encodeScanCursor(cursor);
}

/** Decodes a cursor; one we did not issue is a `ValidationError` on `cursor` (its value is not echoed). */
export function decodeCursor(cursor: string, operation: string, field = 'cursor'): VeltCursor {
  return decodeScanCursor(cursor, VELT_SCAN_LIMITS, operation, field);
}
