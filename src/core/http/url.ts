import { isSecretKey, redactText } from '../redact.js';

/**
 * Joins path segments, percent-encoding each one with `encodeURIComponent`, so an id containing
 * `/`, `?`, `#` or spaces cannot change which endpoint is called.
 *
 * @example encodePath('v2', 'rooms', 'a/b c') // => '/v2/rooms/a%2Fb%20c'
 * @param segments - Raw path segments; numbers are stringified.
 * @returns The path, starting with `/`.
 */
export function encodePath(...segments: Array<string | number>): string {
  let out = '';
  for (const segment of segments) out += '/' + encodeURIComponent(String(segment));
  return out;
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
    out += sep + encodeURIComponent(key) + '=' + encodeURIComponent(String(value));
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
