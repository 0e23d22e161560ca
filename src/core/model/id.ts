/** The longest id accepted anywhere (vendors may accept less: the adapter then says so). */
export const MAX_ID_LENGTH = 256;

/** The messages of the id rules (shared by `idProblem` and `IdSchema`, so both say the same). */
export const ID_MESSAGES = Object.freeze({
  empty: 'must not be empty',
  tooLong: `must be at most ${MAX_ID_LENGTH} characters`,
  wellFormed: 'must be well-formed Unicode (it contains a lone surrogate)',
  dotSegment: 'must not be "." or ".." (in any percent-encoding): such an id would address another resource',
});

const PERCENT_ASCII = /%([0-7][0-9a-f])/gi;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * True when `value` has no lone surrogate. Such a string cannot be encoded as UTF-8: `encodeURIComponent`
 * throws `URIError` on it and `TextEncoder` silently replaces it, so the vendor would store another id.
 */
export function isWellFormedText(value: string): boolean {
  const native = (value as string & { isWellFormed?: () => boolean }).isWellFormed;
  return typeof native === 'function' ? native.call(value) : !LONE_SURROGATE.test(value);
}

/**
 * True when `value` is `.` or `..`, or percent-decodes (once or repeatedly, `%2e` in any case) to one
 * of them. URL normalisation (WHATWG, and servers that decode before routing) collapses such a
 * segment, so `DELETE /rooms/r/threads/..` would address the room itself.
 *
 * Only ASCII escapes are decoded: no non-ASCII byte sequence decodes to `.` or `%`, so that is enough
 * to see every spelling of a dot segment, and a malformed escape cannot make the check throw.
 */
export function isDotSegment(value: string): boolean {
  let current = value;
  for (;;) {
    if (current === '.' || current === '..') return true;
    if (!current.includes('%')) return false;
    const decoded = current.replace(PERCENT_ASCII, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    // Each round that changes anything removes at least two characters, so this ends.
    if (decoded === current) return false;
    current = decoded;
  }
}

/**
 * What is wrong with an id, or `undefined` when it is fine: non-empty, at most 256 characters,
 * well-formed Unicode, and not a dot segment in any spelling (see `isDotSegment`). The message never
 * contains the id itself.
 */
export function idProblem(value: string): string | undefined {
  if (value.length === 0) return ID_MESSAGES.empty;
  if (value.length > MAX_ID_LENGTH) return ID_MESSAGES.tooLong;
  if (!isWellFormedText(value)) return ID_MESSAGES.wellFormed;
  if (isDotSegment(value)) return ID_MESSAGES.dotSegment;
  return undefined;
}
