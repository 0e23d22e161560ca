/**
 * Parsing of the server's "wait before retrying" hints. Kept apart from the client so adapters
 * (and the webhook side) can use it without pulling in the request machinery.
 */

/** Values above this are read as Unix epoch seconds rather than a delay (no delay is 30+ years). */
const EPOCH_SECONDS_THRESHOLD = 1e9;
/** Values above this are read as Unix epoch milliseconds. */
const EPOCH_MS_THRESHOLD = 1e12;

const NUMERIC = /^\s*\d+(?:\.\d+)?\s*$/;

/**
 * Milliseconds the server asks us to wait, from `Retry-After` (delta seconds or HTTP date, RFC 9110)
 * or else `X-RateLimit-Retry-After` (delta seconds, Unix timestamp in seconds or ms, or HTTP date:
 * vendors disagree on its format, so every form is accepted).
 *
 * Fractional seconds are accepted although RFC 9110 only allows integers, because some gateways send
 * them and rounding up to whole seconds would only add latency. A date in the past gives `0`.
 *
 * @param headers - Response headers.
 * @param now - Current time in epoch ms (for tests); defaults to `Date.now()`.
 * @returns The wait in whole milliseconds, or `undefined` when no usable header is present.
 */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const standard = headers.get('retry-after');
  if (standard !== null) {
    const ms = parseHint(standard, now, false);
    if (ms !== undefined) return ms;
  }
  const vendor = headers.get('x-ratelimit-retry-after');
  if (vendor !== null) return parseHint(vendor, now, true);
  return undefined;
}

function parseHint(value: string, now: number, allowEpoch: boolean): number | undefined {
  if (NUMERIC.test(value)) {
    const n = Number(value);
    if (allowEpoch && n >= EPOCH_MS_THRESHOLD) return Math.max(0, Math.ceil(n - now));
    if (allowEpoch && n >= EPOCH_SECONDS_THRESHOLD) return Math.max(0, Math.ceil(n * 1000 - now));
    return Math.ceil(n * 1000);
  }
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
