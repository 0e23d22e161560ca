import { ValidationError } from '../errors.js';
import { isSecretKey, redactText } from '../redact.js';

/**
 * A segment that URL normalisation (WHATWG, RFC 3986 §5.2.4) removes or turns into a step up: `.`,
 * `..`, and their percent-encoded spellings. Core id validation rejects such ids first, naming the
 * field; this is the second line of defence, for paths built from anything else.
 */
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/**
 * Percent-encodes one path segment with `encodeURIComponent`, so an id containing `/`, `?`, `#` or
 * spaces cannot change which endpoint is called. A dot segment, an empty segment or text that is not
 * well-formed Unicode (a lone surrogate) is a `ValidationError`, never a path that escapes its place
 * or a raw `URIError`.
 */
export function encodeSegment(segment: string | number): string {
  const text = String(segment);
  if (isPlainSegment(text)) return text;
  if (text === '' || DOT_SEGMENT.test(text)) {
    throw new ValidationError('path', `${JSON.stringify(text)} cannot be a path segment: it would change which resource is addressed`);
  }
  try {
    return encodeURIComponent(text);
  } catch {
    throw new ValidationError('path', 'a path segment must be well-formed Unicode (it contains a lone surrogate)');
  }
}

/**
 * Whether `text` is made only of characters `encodeURIComponent` leaves as they are (letters, digits,
 * `-`, `_`, `~`, and `.`) and is not a dot segment: then it is its own encoding. Most ids are, and
 * this loop is cheaper than the regular expression and the encoder it spares.
 */
function isPlainSegment(text: string): boolean {
  const n = text.length;
  if (n === 0) return false;
  let dots = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) dots++;
    else if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 95 || c === 126)) return false;
  }
  return !(dots === n && n <= 2);
}

/**
 * Joins path segments, each encoded by {@link encodeSegment}.
 *
 * @example encodePath('v2', 'rooms', 'a/b c') // => '/v2/rooms/a%2Fb%20c'
 * @param segments - Raw path segments; numbers are stringified.
 * @returns The path, starting with `/`.
 */
export function encodePath(...segments: Array<string | number>): string {
  let out = '';
  for (const segment of segments) out += '/' + encodeSegment(segment);
  return out;
}

function encodeQueryPart(text: string, key: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    throw new ValidationError(`query.${key}`, 'must be well-formed Unicode (it contains a lone surrogate)');
  }
}

/**
 * Appends `query` to `path`. `encodeURIComponent` is used rather than `URLSearchParams` because the
 * latter writes spaces as `+`, which not every vendor decodes back to a space.
 */
export function appendQuery(path: string, query: Record<string, string | number | boolean | undefined> | undefined): string {
  if (query === undefined) return path;
  let sep = path.includes('?') ? '&' : '?';
  let out = path;
  for (const key in query) {
    const value = query[key];
    if (value === undefined) continue;
    out += sep + encodeQueryPart(key, key) + '=' + encodeQueryPart(String(value), key);
    sep = '&';
  }
  return out;
}

/** Query parameter names that carry credentials in pre-signed or OAuth URLs, beyond `isSecretKey`. */
const SECRET_QUERY_NAME = /(?:^|[-_.])(?:key|sig|signature|credential|code|session|auth)$/i;

/**
 * The path and query as they may appear in a log line: values of secret-looking query parameters
 * become `[REDACTED]` and secret-shaped text anywhere is redacted.
 */
export function redactPathForLog(pathAndQuery: string): string {
  const q = pathAndQuery.indexOf('?');
  if (q === -1) return redactText(pathAndQuery);
  const parts = pathAndQuery.slice(q + 1).split('&');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    let name = part.slice(0, eq);
    try {
      name = decodeURIComponent(name);
    } catch {
      // A malformed escape is still a name we can test as-is.
    }
    if (isSecretKey(name) || SECRET_QUERY_NAME.test(name)) parts[i] = part.slice(0, eq + 1) + '[REDACTED]';
  }
  return redactText(pathAndQuery.slice(0, q + 1) + parts.join('&'));
}
