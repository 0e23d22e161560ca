/**
 * Narrowing helpers for untyped JSON (vendor bodies, webhook payloads, persisted records), shared so
 * every adapter reads loose JSON the same way.
 * @module
 */

/** `value` as a plain JSON object, or `undefined` for `null`, arrays and primitives. */
export function rec(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** `value` when it is a string with some non-whitespace content, else `undefined`. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** A non-empty string, or a finite number as its decimal string (ids that vendors send either way), else `undefined`. */
export function idString(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * The number a vendor's integer id is written as (`"126535"` -> 126535): a positive safe integer in
 * canonical decimal (no sign, no leading zero), else `undefined`. An id past 2^53 - 1 is refused, as
 * `Number()` would round it to another record's id; so every accepted id converts back exactly.
 */
export function positiveIntegerId(text: unknown): number | undefined {
  if (typeof text !== 'string' || !/^[1-9]\d{0,15}$/.test(text)) return undefined;
  const id = Number(text);
  return Number.isSafeInteger(id) ? id : undefined;
}
