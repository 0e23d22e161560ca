/** Small helpers of the Velt emulator: ids, hashes, page tokens, JWT minting. */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { invalidArgument } from './errors.js';

/** Deterministic PRNG (mulberry32) so ids are reproducible with `options.seed`. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(minIncl: number, maxExcl: number): number {
    return minIncl + Math.floor(this.next() * (maxExcl - minIncl));
  }
  chars(alphabet: string, n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[this.int(0, alphabet.length)];
    return out;
  }
}

const PUSH_CHARS = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Firebase push-id (20 chars, e.g. `-O0mpUziLcBwzREvZKs6`), velt.md §1.5 "Observed ID formats". */
export function pushId(nowMs: number, rng: Rng): string {
  let ts = nowMs;
  const tsChars: string[] = [];
  for (let i = 0; i < 8; i++) {
    tsChars.unshift(PUSH_CHARS[ts % 64]!);
    ts = Math.floor(ts / 64);
  }
  return tsChars.join('') + rng.chars(PUSH_CHARS, 12);
}

export const md5Hex = (s: string): string => createHash('md5').update(s).digest('hex');

/** 16-digit numeric string (document internal ids, notification ids; velt.md §1.5). */
export function numericId16(seed: string): string {
  const n = BigInt('0x' + md5Hex(seed).slice(0, 15)) % 10n ** 16n;
  return n.toString().padStart(16, '1');
}

/** Numeric location hash (`locationId`, velt.md §7.1; algorithm UNCONFIRMED). */
export function locationHash(location: unknown): number {
  return parseInt(md5Hex(JSON.stringify(location)).slice(0, 13), 16);
}

export function endpointId(rng: Rng): string {
  return 'ep_' + rng.chars(BASE62, 27);
}

export function webhookSecret(rng: Rng): string {
  const bytes = Buffer.alloc(24);
  for (let i = 0; i < 24; i++) bytes[i] = rng.int(0, 256);
  return 'whsec_' + bytes.toString('base64');
}

/** Initials derived from a name (velt.md §6: `initial` auto-derived from `name`). */
export function initialOf(name: string | undefined): string | undefined {
  const c = name?.trim()[0];
  return c ? c.toUpperCase() : undefined;
}

// ---------------------------------------------------------------- page tokens

export type CursorKey = Array<string | number>;

export function encodePageToken(scope: string, key: CursorKey): string {
  return Buffer.from(JSON.stringify({ s: scope, k: key }), 'utf8').toString('base64');
}

export function decodePageToken(scope: string, token: string): CursorKey {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { s?: unknown; k?: unknown };
    if (parsed.s === scope && Array.isArray(parsed.k)) return parsed.k as CursorKey;
  } catch {
    /* fall through */
  }
  throw invalidArgument('Invalid pageToken.');
}

function compareKeys(a: CursorKey, b: CursorKey): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * Keyset pagination over an already-sorted list. Items are visited exactly once even if the
 * list changes between pages (items after the cursor key only). `desc` = list sorted descending.
 */
export function paginate<T>(
  sorted: T[],
  keyOf: (t: T) => CursorKey,
  opts: { scope: string; pageSize: number; pageToken?: string; desc?: boolean },
): { items: T[]; nextToken?: string } {
  let start = 0;
  if (opts.pageToken !== undefined) {
    const after = decodePageToken(opts.scope, opts.pageToken);
    start = sorted.findIndex((t) => {
      const c = compareKeys(keyOf(t), after);
      return opts.desc ? c < 0 : c > 0;
    });
    if (start < 0) start = sorted.length;
  }
  const items = sorted.slice(start, start + opts.pageSize);
  const hasMore = start + opts.pageSize < sorted.length;
  const last = items[items.length - 1];
  return hasMore && last !== undefined
    ? { items, nextToken: encodePageToken(opts.scope, keyOf(last)) }
    : { items };
}

// ---------------------------------------------------------------- JWT (guess: HS256 keyed by the auth token)

const b64url = (buf: Buffer | string): string =>
  Buffer.from(buf).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

export function signJwt(payload: Record<string, unknown>, secret: string): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(payload));
  const sig = b64url(createHmac('sha256', secret).update(`${header}.${body}`).digest());
  return `${header}.${body}.${sig}`;
}

/** Verifies and decodes a token minted by the emulator (throws on a bad signature). */
export function verifyJwt(token: string, secret: string): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('Malformed JWT');
  const [h, p, s] = parts as [string, string, string];
  const expected = Buffer.from(b64url(createHmac('sha256', secret).update(`${h}.${p}`).digest()));
  const got = Buffer.from(s);
  if (expected.length !== got.length || !timingSafeEqual(expected, got)) throw new Error('Bad JWT signature');
  return JSON.parse(Buffer.from(p.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8')) as Record<
    string,
    unknown
  >;
}

/** Standard Webhooks (Svix) signature, velt.md §12.2. */
export function signStandardWebhook(secret: string, id: string, timestampSec: number, rawBody: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return 'v1,' + createHmac('sha256', key).update(`${id}.${timestampSec}.${rawBody}`).digest('base64');
}

export const clone = <T>(v: T): T => structuredClone(v);
