/**
 * HTML character reference decoding for {@link fromHtml}: a small named set plus numeric references.
 * @module
 */

/** Named references decoded by {@link fromHtml} (case-sensitive, `;` required). @internal */
export const NAMED_ENTITIES: ReadonlyMap<string, string> = new Map(Object.entries({
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0',
  copy: '\u00a9', reg: '\u00ae', trade: '\u2122', hellip: '\u2026', mdash: '\u2014', ndash: '\u2013',
  lsquo: '\u2018', rsquo: '\u2019', sbquo: '\u201a', ldquo: '\u201c', rdquo: '\u201d', bdquo: '\u201e',
  laquo: '\u00ab', raquo: '\u00bb', lsaquo: '\u2039', rsaquo: '\u203a', bull: '\u2022', middot: '\u00b7',
  deg: '\u00b0', plusmn: '\u00b1', times: '\u00d7', divide: '\u00f7', minus: '\u2212',
  cent: '\u00a2', pound: '\u00a3', yen: '\u00a5', euro: '\u20ac', curren: '\u00a4',
  sect: '\u00a7', para: '\u00b6', shy: '\u00ad', iexcl: '\u00a1', iquest: '\u00bf',
  ensp: '\u2002', emsp: '\u2003', thinsp: '\u2009', zwnj: '\u200c', zwj: '\u200d', lrm: '\u200e', rlm: '\u200f',
  larr: '\u2190', uarr: '\u2191', rarr: '\u2192', darr: '\u2193', harr: '\u2194',
  dagger: '\u2020', Dagger: '\u2021', permil: '\u2030', prime: '\u2032', Prime: '\u2033',
  frac14: '\u00bc', frac12: '\u00bd', frac34: '\u00be', sup1: '\u00b9', sup2: '\u00b2', sup3: '\u00b3',
  micro: '\u00b5', not: '\u00ac', ordf: '\u00aa', ordm: '\u00ba', acute: '\u00b4', uml: '\u00a8',
  cedil: '\u00b8', macr: '\u00af', brvbar: '\u00a6', hearts: '\u2665', check: '\u2713',
}));

const MAX_NAME = 32;

/** Result of {@link decodeEntity}: the decoded text and the index after the reference. @internal */
export interface DecodedEntity {
  readonly value: string;
  readonly end: number;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 32;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/**
 * Decodes the character reference starting at `s[i] === '&'` (not reading past `end`).
 *
 * - `&#NN;` / `&#xHH;` (the `;` is optional, as in HTML): the code point; 0, surrogates and values
 *   above U+10FFFF give U+FFFD.
 * - `&name;` for the names in {@link NAMED_ENTITIES} (case-sensitive, `;` required).
 *
 * Returns `null` when there is no reference there (the `&` is then literal text).
 * @internal
 */
export function decodeEntity(s: string, i: number, end: number): DecodedEntity | null {
  let j = i + 1;
  if (j >= end) return null;
  if (s.charCodeAt(j) === 35 /* # */) {
    j++;
    let value = 0;
    let digits = 0;
    if (j < end && (s.charCodeAt(j) | 32) === 120 /* x */) {
      j++;
      for (; j < end; j++) {
        const h = hexValue(s.charCodeAt(j));
        if (h === -1) break;
        if (value <= 0x10ffff) value = value * 16 + h;
        digits++;
      }
    } else {
      for (; j < end; j++) {
        const c = s.charCodeAt(j);
        if (!isDigit(c)) break;
        if (value <= 0x10ffff) value = value * 10 + (c - 48);
        digits++;
      }
    }
    if (digits === 0) return null;
    if (j < end && s.charCodeAt(j) === 59 /* ; */) j++;
    const ok = value !== 0 && value <= 0x10ffff && !(value >= 0xd800 && value <= 0xdfff);
    return { value: ok ? String.fromCodePoint(value) : '\ufffd', end: j };
  }
  const limit = Math.min(end, j + MAX_NAME);
  while (j < limit) {
    const c = s.charCodeAt(j);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122))) break;
    j++;
  }
  if (j === i + 1 || j >= end || s.charCodeAt(j) !== 59) return null;
  const value = NAMED_ENTITIES.get(s.slice(i + 1, j));
  return value === undefined ? null : { value, end: j + 1 };
}

/** Decodes every character reference in `s` (used for attribute values). @internal */
export function decodeEntities(s: string): string {
  let amp = s.indexOf('&');
  if (amp === -1) return s;
  let out = '';
  let last = 0;
  while (amp !== -1) {
    const r = decodeEntity(s, amp, s.length);
    if (r) {
      out += s.slice(last, amp) + r.value;
      last = r.end;
      amp = s.indexOf('&', r.end);
    } else {
      amp = s.indexOf('&', amp + 1);
    }
  }
  return out + s.slice(last);
}
