/**
 * ISO-8601 dates as vendors send them, parsed on the hot path (response checks, mappers, webhook
 * normalisers) several times faster than the engine's general parser, with exactly its results.
 * @module
 */

/** Digit value of `s[i]`, or -1e9 (which no sum of the other digits can undo) when it is not an ASCII digit. */
function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - 0x30;
  return d >= 0 && d <= 9 ? d : -1e9;
}

/**
 * `Date.parse(value)`, with a fast path for the `YYYY-MM-DDTHH:mm:ss.sssZ` form vendors send
 * (`toISOString`'s): fields read from the characters and the day count computed (Hinnant's
 * days-from-civil), which is several times cheaper than the engine's general parser. Anything else,
 * and any field out of its usual range (so `24:00`, day 31 of a 30-day month...), goes to `Date.parse`,
 * so the result is always exactly what `Date.parse` returns.
 * @internal
 */
export function parseIsoDate(value: string): number {
  if (
    value.length !== 24 ||
    value.charCodeAt(4) !== 0x2d /* - */ ||
    value.charCodeAt(7) !== 0x2d ||
    value.charCodeAt(10) !== 0x54 /* T */ ||
    value.charCodeAt(13) !== 0x3a /* : */ ||
    value.charCodeAt(16) !== 0x3a ||
    value.charCodeAt(19) !== 0x2e /* . */ ||
    value.charCodeAt(23) !== 0x5a /* Z */
  ) {
    return Date.parse(value);
  }
  const year = digit(value, 0) * 1000 + digit(value, 1) * 100 + digit(value, 2) * 10 + digit(value, 3);
  const month = digit(value, 5) * 10 + digit(value, 6);
  const day = digit(value, 8) * 10 + digit(value, 9);
  const hour = digit(value, 11) * 10 + digit(value, 12);
  const minute = digit(value, 14) * 10 + digit(value, 15);
  const second = digit(value, 17) * 10 + digit(value, 18);
  const milli = digit(value, 20) * 100 + digit(value, 21) * 10 + digit(value, 22);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || milli < 0) {
    // Days 29-31 are valid in some months only, and rare enough to leave to the engine.
    return Date.parse(value);
  }
  // Days from 1970-01-01 (proleptic Gregorian), H. Hinnant's days_from_civil.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  const days = era * 146097 + doe - 719468;
  return days * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + milli;
}

/** `new Date(value)` through `parseIsoDate` (the same Date, including Invalid Date). @internal */
export function isoDate(value: string): Date {
  return new Date(parseIsoDate(value));
}

/** Whether `Date.parse` reads `value` as a date (the check of an ISO date field). @internal */
export function isParsableDate(value: string): boolean {
  return !Number.isNaN(parseIsoDate(value));
}
