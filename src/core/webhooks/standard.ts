/**
 * Standard Webhooks (https://www.standardwebhooks.com, Svix's scheme), the signed-webhook scheme
 * most collaboration vendors and the memory provider's own deliveries use.
 *
 * Only `node:crypto` is used: the `standardwebhooks` and vendor SDK implementations hash in
 * pure JS, which is several times slower than OpenSSL's HMAC for the same bytes.
 */
import type { KeyObject } from 'node:crypto';
import { nodeCrypto } from '../node-crypto.js';
import { ConfigError, type CollabErrorInit, ValidationError, WebhookVerificationError } from '../errors.js';
import type { WebhookRequest } from '../model/event.js';
import { readStandardHeaders } from './headers.js';
import type {
  StandardWebhookSignInput,
  StandardWebhookVerifier,
  StandardWebhookVerifyOptions,
  VerifiedWebhook,
} from './types.js';

/** Prefix of Standard Webhooks secrets. */
const SECRET_PREFIX = 'whsec_';
/** Default allowed clock skew in seconds, the value of the spec, Svix and the vendor SDKs. */
export const DEFAULT_TOLERANCE_SECONDS = 300;
/** base64 (standard or url-safe alphabet); Node's decoder ignores other characters, so we refuse them up front. */
const BASE64_RE = /^[A-Za-z0-9+/_-]+={0,2}$/;
/** Above this a `webhook-timestamp` is almost surely milliseconds (year 5138 in seconds). */
const LOOKS_LIKE_MS = 1e11;

/** Length of a base64 SHA-256 digest with padding. */
const SIGNATURE_LENGTH = 44;

/**
 * Decodes a `whsec_<base64>` (or bare base64) secret into an HMAC key.
 * Returns `undefined` for an unusable secret so each caller raises its own error class.
 * Node's lenient base64 decoder is used on purpose: some vendors' published
 * test secrets are not a multiple of 4 characters, and their SDKs decode them the same way.
 * @internal
 */
export function decodeWebhookSecret(secret: unknown): KeyObject | undefined {
  const raw = decodeSecretBytes(secret);
  return raw === undefined ? undefined : nodeCrypto().createSecretKey(raw);
}

/** The key bytes of a `whsec_<base64>` (or bare base64) secret, or `undefined` when unusable. */
function decodeSecretBytes(secret: unknown): Buffer | undefined {
  if (typeof secret !== 'string') return undefined;
  const b64 = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (!BASE64_RE.test(b64)) return undefined;
  const key = Buffer.from(b64, 'base64');
  return key.length === 0 ? undefined : key;
}

/**
 * Computes `base64(HMAC-SHA256(key, "${id}.${timestamp}.${body}"))`.
 * A string body is hashed in one `update` (cheaper than two); bytes are hashed as received,
 * because the signature covers the exact bytes, which may not round-trip through a JS string.
 * @internal
 */
export function computeSignature(key: KeyObject, id: string, timestamp: string, body: string | Uint8Array): string {
  const hmac = nodeCrypto().createHmac('sha256', key);
  if (typeof body === 'string') {
    hmac.update(`${id}.${timestamp}.${body}`);
  } else {
    hmac.update(`${id}.${timestamp}.`);
    hmac.update(body);
  }
  return hmac.digest('base64');
}

/** `base64(HMAC-SHA256(key, "${id}.${timestamp}.${body}"))` with one key fixed (see `createSigner`). */
type Signer = (id: string, timestamp: string, body: string | Uint8Array) => string;

/** One-shot `crypto.hash` (Node >= 20.12), read off the module so a runtime without it signs with `createHmac`. */
type OneShotHash = (algorithm: string, data: string | NodeJS.ArrayBufferView, outputEncoding: BufferEncoding) => string;
/** SHA-256 block size: HMAC pads (or hashes) the key to it. */
const BLOCK = 64;
/** Largest message signed through the scratch buffer; a bigger one goes through `createHmac`. */
const MAX_SCRATCH = 1 << 20;
/** Node's encoding-specific Buffer writers: `buf.write(s, offset, encoding)` minus the argument parsing. */
interface DirectWriters {
  utf8Write(string: string, offset: number): number;
  latin1Write(string: string, offset: number): number;
}
const proto = Buffer.prototype as unknown as Partial<DirectWriters>;
const utf8Write: (buf: Buffer, s: string, offset: number) => number =
  typeof proto.utf8Write === 'function' ? (buf, s, offset) => (buf as unknown as DirectWriters).utf8Write(s, offset) : (buf, s, offset) => buf.write(s, offset, 'utf8');
const latin1Write: (buf: Buffer, s: string, offset: number) => number =
  typeof proto.latin1Write === 'function' ? (buf, s, offset) => (buf as unknown as DirectWriters).latin1Write(s, offset) : (buf, s, offset) => buf.write(s, offset, 'latin1');

/**
 * Builds the signer of one key, for the verifier's hot path. `createHmac` costs a stream-like
 * object per message; RFC 2104 HMAC over two one-shot `crypto.hash` calls computes the same value
 * in about 60% of the time (the key pads are derived once, here). Falls back to `createHmac` (the
 * `KeyObject`) where `crypto.hash` is missing or the message is above `MAX_SCRATCH`.
 */
function createSigner(raw: Buffer): Signer {
  const crypto = nodeCrypto();
  const keyObject = crypto.createSecretKey(raw);
  const hash = (crypto as { hash?: OneShotHash }).hash;
  if (typeof hash !== 'function') return (id, timestamp, body) => computeSignature(keyObject, id, timestamp, body);
  const k = raw.length > BLOCK ? crypto.createHash('sha256').update(raw).digest() : raw;
  // Per-signer scratch for the inner hash input (`key ^ ipad`, then the signed content) and the outer
  // one (`key ^ opad`, then the inner digest): the pads are written once, not per message. `Buffer.alloc`,
  // never the shared pool, so no other Buffer's `.buffer` reaches the key material. Signing is
  // synchronous (nothing in it can call back into JS), so the buffers are never used twice at once.
  let inner = Buffer.alloc(BLOCK + 4096);
  let innerBytes = new Uint8Array(inner.buffer, inner.byteOffset, inner.length);
  const outer = Buffer.alloc(BLOCK + 32);
  const ipad = new Uint8Array(BLOCK).fill(0x36);
  for (let i = 0; i < BLOCK; i++) {
    const byte = i < k.length ? k[i]! : 0;
    ipad[i] = byte ^ 0x36;
    outer[i] = byte ^ 0x5c;
  }
  inner.set(ipad, 0);
  return (id, timestamp, body) => {
    // Upper bound of the UTF-8 size (at most 3 bytes per UTF-16 unit), so no write is ever cut short.
    const bodyMax = typeof body === 'string' ? body.length * 3 : body.byteLength;
    const need = BLOCK + (id.length + timestamp.length) * 3 + 2 + bodyMax;
    if (need > inner.length) {
      if (need > MAX_SCRATCH) return computeSignature(keyObject, id, timestamp, body);
      inner = Buffer.alloc(Math.min(MAX_SCRATCH, 2 ** Math.ceil(Math.log2(need))));
      innerBytes = new Uint8Array(inner.buffer, inner.byteOffset, inner.length);
      inner.set(ipad, 0);
    }
    // The same bytes `computeSignature` hashes: the UTF-8 of `${id}.${timestamp}.` and the body, each
    // part written on its own so the joined string (a copy of the whole body) is never built. That is
    // byte-for-byte the UTF-8 of the joined string: every part meets a '.', never a surrogate, so no
    // surrogate pair can span two parts.
    let n = BLOCK + utf8Write(inner, id, BLOCK);
    inner[n++] = 0x2e; // '.'
    n += utf8Write(inner, timestamp, n);
    inner[n++] = 0x2e;
    if (typeof body === 'string') {
      n += utf8Write(inner, body, n);
    } else {
      inner.set(body, n);
      n += body.byteLength;
    }
    latin1Write(outer, hash('sha256', innerBytes.subarray(0, n), 'latin1'), BLOCK);
    return hash('sha256', outer, 'base64');
  };
}

/**
 * Test hook: the verifier's signer of `secret`, to check it against `createHmac` on generated input.
 * @internal
 */
export function createSignerForTest(secret: string): Signer | undefined {
  const raw = decodeSecretBytes(secret);
  return raw === undefined ? undefined : createSigner(raw);
}

/** Length of `v1,`, the prefix of a version 1 (HMAC-SHA256) signature item. */
const V1_PREFIX_LENGTH = 3;

/**
 * Whether the header is exactly one `v1,<sig>` item (no space, no trailing comma), the form every
 * sender uses outside key rotation: its signature is the header from `V1_PREFIX_LENGTH` on, and
 * `parseV1Signatures` would return just that.
 */
function isSingleV1Item(header: string): boolean {
  return header.length > V1_PREFIX_LENGTH && header.indexOf(' ') === -1 && header.startsWith('v1,') && !header.endsWith(',');
}

/**
 * Extracts the `v1` signatures of a `webhook-signature` header.
 *
 * Only `v1,<base64>` items count, as the spec says: `v1a` (ed25519) or unknown versions are skipped
 * rather than compared as HMACs. Some vendor SDKs accept any prefix; we do not, since a prefix is
 * the scheme, and comparing an HMAC against another scheme's value can only fail or mislead.
 * Items are separated by spaces; a trailing comma on an item is dropped because `Headers` and Node
 * join a repeated header with ", ".
 */
function parseV1Signatures(header: string): string[] {
  const out: string[] = [];
  for (const part of header.split(' ')) {
    let item = part.trim();
    if (item.endsWith(',')) item = item.slice(0, -1);
    const comma = item.indexOf(',');
    if (comma !== 2 || item.charCodeAt(0) !== 0x76 /* v */ || item.charCodeAt(1) !== 0x31 /* 1 */) continue;
    const sig = item.slice(3);
    if (sig.length > 0) out.push(sig);
  }
  return out;
}

/**
 * Builds a Standard Webhooks verifier whose secrets are decoded once (into per-key signers), for
 * request handlers that verify many deliveries with the same configuration.
 *
 * Each call checks, in order: the three headers are present, the body is a string or bytes, the
 * timestamp is integer seconds within `toleranceSeconds` of now (too old and in the future are told
 * apart), and one `v1` signature matches one secret (constant-time). It does not parse the body.
 *
 * @param options - Secrets (several during rotation), tolerance, clock and provider id.
 * @returns A function that returns the verified message or throws `WebhookVerificationError`.
 * @throws ConfigError when no secret is given, a secret is not `whsec_<base64>`, or the tolerance is invalid.
 */
export function createStandardWebhookVerifier(options: StandardWebhookVerifyOptions): StandardWebhookVerifier {
  return createStandardWebhookVerifierWith(options, toVerifiedWebhook);
}

/** What a verifier of `createStandardWebhookVerifierWith` returns, built from the verified parts. */
export type VerifiedMessageBuilder<T> = (id: string, timestampSeconds: number, body: string) => T;

const toVerifiedWebhook: VerifiedMessageBuilder<VerifiedWebhook> = (id, timestampSeconds, body) => ({ id, timestamp: new Date(timestampSeconds * 1000), body });

/**
 * `createStandardWebhookVerifier` whose result is `build(id, timestampSeconds, body)` instead of a
 * `VerifiedWebhook`: an adapter normalises straight from the verified parts, without the intermediate
 * object and its `Date`. `build` runs only after every check passed; what it throws is thrown.
 * @internal
 */
export function createStandardWebhookVerifierWith<T>(options: StandardWebhookVerifyOptions, build: VerifiedMessageBuilder<T>): (request: WebhookRequest) => T {
  const errorInit: CollabErrorInit = { operation: 'webhooks.verify' };
  if (options.provider !== undefined) errorInit.provider = options.provider;
  const secrets = options.secrets as readonly unknown[] | undefined;
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new ConfigError('Webhook verification needs at least one secret', { ...errorInit, field: 'secrets' });
  }
  const keys = secrets.map((secret, index) => {
    const key = decodeSecretBytes(secret);
    // Never echo the secret: say which one and what shape was expected.
    if (key === undefined) {
      throw new ConfigError(`Webhook secret #${index + 1} is not a valid secret (expected whsec_<base64>)`, {
        ...errorInit,
        field: 'secrets',
      });
    }
    return createSigner(key);
  });
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new ConfigError('toleranceSeconds must be a non-negative number', { ...errorInit, field: 'toleranceSeconds' });
  }
  const clock = options.now;
  const fail = (message: string): never => {
    throw new WebhookVerificationError(message, errorInit);
  };

  return function verifyStandardWebhookRequest(request: WebhookRequest): T {
    if (request === null || typeof request !== 'object') fail('Invalid webhook request: expected { headers, rawBody }');
    const headers = request.headers;
    const rawBody = request.rawBody;
    if (headers === null || typeof headers !== 'object') fail('Invalid webhook request: headers are missing');

    const read = readStandardHeaders(headers, errorInit);
    const id = read.id?.trim();
    if (!id) fail('Missing webhook-id header');
    const timestampHeader = read.timestamp?.trim();
    if (!timestampHeader) fail('Missing webhook-timestamp header');
    const signatureHeader = read.signature;
    if (!signatureHeader?.trim()) fail('Missing webhook-signature header');

    let body: string;
    if (typeof rawBody === 'string') {
      body = rawBody;
    } else if (rawBody instanceof Uint8Array) {
      body = Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength).toString('utf8');
    } else {
      // The usual mistake is passing the framework's parsed JSON: its re-serialisation is not the signed bytes.
      return fail(
        `Invalid rawBody: expected the raw request body as a string or Uint8Array, got ${rawBody === null ? 'null' : typeof rawBody} (pass the unparsed body)`,
      );
    }

    if (!isUnixSeconds(timestampHeader!)) {
      fail(`Invalid webhook-timestamp header: expected Unix seconds as an integer, got ${JSON.stringify(timestampHeader!.slice(0, 32))}`);
    }
    const timestamp = Number(timestampHeader);
    const nowMs = typeof clock === 'function' ? clock() : (clock ?? Date.now());
    const nowSeconds = Math.floor(nowMs / 1000);
    if (timestamp < nowSeconds - tolerance) {
      fail(`Webhook timestamp too old: ${timestamp} is ${nowSeconds - timestamp} s before now (tolerance ${tolerance} s)`);
    }
    if (timestamp > nowSeconds + tolerance) {
      fail(
        `Webhook timestamp in the future: ${timestamp} is ${timestamp - nowSeconds} s after now (tolerance ${tolerance} s)` +
          (timestamp > LOOKS_LIKE_MS ? '; it looks like milliseconds, but webhook-timestamp is Unix seconds' : ''),
      );
    }

    // The usual header is one `v1,<sig>` item: compared in place, without the list and the copy.
    const single = isSingleV1Item(signatureHeader!);
    const candidates = single ? undefined : parseV1Signatures(signatureHeader!);
    if (candidates?.length === 0) {
      fail('Invalid webhook-signature header: no v1 signature (expected space-separated "v1,<base64>" items)');
    }
    for (let k = 0; k < keys.length; k++) {
      const expected = keys[k]!(id!, timestampHeader!, rawBody);
      // Length is public (always 44 for SHA-256), so only equal-length values reach the
      // constant-time compare.
      if (candidates === undefined) {
        if (signatureHeader!.length === V1_PREFIX_LENGTH + SIGNATURE_LENGTH && equalSignatures(signatureHeader!, expected, V1_PREFIX_LENGTH)) {
          return build(id!, timestamp, body);
        }
        continue;
      }
      for (let c = 0; c < candidates.length; c++) {
        const candidate = candidates[c]!;
        if (candidate.length === SIGNATURE_LENGTH && equalSignatures(candidate, expected)) {
          return build(id!, timestamp, body);
        }
      }
    }
    // Neither the expected nor the received signature goes in the message: the former is a MAC
    // oracle for the body, and neither helps the legitimate operator more than this does.
    return fail(
      `No matching signature: none of the ${candidates?.length ?? 1} v1 signature(s) in webhook-signature matches ` +
        `the ${keys.length === 1 ? 'configured secret' : `${keys.length} configured secrets`} (wrong secret, or the body was modified or re-serialised)`,
    );
  };
}

/** Unix seconds: 1 to 15 ASCII digits (`parseInt` would accept `12abc`, so the check is strict). */
function isUnixSeconds(value: string): boolean {
  const n = value.length;
  if (n === 0 || n > 15) return false;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/**
 * Constant-time comparison of two 44-character signatures: every character is compared (XOR into
 * an accumulator, no early exit), so the time does not depend on where they differ. Full UTF-16
 * code units are compared, so a non-ASCII character never matches a base64 digit. Same guarantee as
 * `crypto.timingSafeEqual`, without copying both strings into Buffers first.
 * @param a - The received value; its signature starts at `aOffset` (3 for a whole `v1,<sig>` header item).
 * @param b - The expected signature.
 * @internal
 */
export function equalSignatures(a: string, b: string, aOffset = 0): boolean {
  let diff = (a.length - aOffset) ^ SIGNATURE_LENGTH;
  diff |= b.length ^ SIGNATURE_LENGTH;
  for (let i = 0; i < SIGNATURE_LENGTH; i++) diff |= a.charCodeAt(aOffset + i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Verifies one Standard Webhooks request (a vendor's signed webhooks or unicollab's own
 * deliveries). Decodes the secrets on every call; handlers verifying many requests should keep a
 * verifier from `createStandardWebhookVerifier` instead.
 *
 * @param request - The headers and the exact raw body.
 * @param options - Secrets (any may match), tolerance (default 300 s), clock and provider id.
 * @returns The verified id, timestamp and body.
 * @throws WebhookVerificationError naming what failed (a header, the timestamp, the signature); never the secret.
 * @throws ConfigError when the options are unusable.
 */
export function verifyStandardWebhook(request: WebhookRequest, options: StandardWebhookVerifyOptions): VerifiedWebhook {
  return createStandardWebhookVerifier(options)(request);
}

/**
 * Signs a message the Standard Webhooks way.
 *
 * @param input - The message id, the timestamp in Unix SECONDS and the exact body.
 * @param secret - `whsec_<base64>` (or bare base64).
 * @returns The `webhook-signature` header value, `v1,<base64>`.
 * @throws ValidationError when the id, timestamp, body or secret is unusable.
 */
export function signStandardWebhook(input: StandardWebhookSignInput, secret: string): string {
  const { id, timestamp, body } = input;
  if (typeof id !== 'string' || id.length === 0) throw new ValidationError('id', 'must be a non-empty string');
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new ValidationError('timestamp', 'must be a non-negative integer number of Unix seconds');
  }
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
    throw new ValidationError('body', 'must be a string or Uint8Array');
  }
  const key = decodeWebhookSecret(secret);
  if (key === undefined) throw new ValidationError('secret', 'must be whsec_<base64>');
  return `v1,${computeSignature(key, id, String(timestamp), body)}`;
}

/**
 * Generates a new signing secret: `whsec_` followed by the base64 of 24 random bytes
 * (the spec asks for 24 to 64 bytes; Svix uses 24).
 */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + nodeCrypto().randomBytes(24).toString('base64');
}

/**
 * Generates a new `webhook-id`: `msg_` followed by 16 random bytes in base64url (22 characters),
 * unique enough to be the receiver's dedupe key.
 */
export function newWebhookMessageId(): string {
  return 'msg_' + nodeCrypto().randomBytes(16).toString('base64url');
}
