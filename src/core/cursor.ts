/**
 * The opaque cursor codec: a JSON value as base64url. Adapters and core's list-bound cursors use it,
 * each checking the decoded shape and naming the bad field in its own `ValidationError`.
 * @module
 */

/** Encodes any JSON value as an opaque, URL-safe cursor. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by {@link encodeCursor}.
 * @returns The JSON value, or `undefined` when the string is not base64url JSON (the caller reports
 *   that as its own `ValidationError`, without echoing the value).
 */
export function decodeCursor(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
