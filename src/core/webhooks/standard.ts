/**
 * Standard Webhooks (https://www.standardwebhooks.com, Svix's scheme), the signed-webhook scheme
 * most collaboration vendors and the memory provider's own deliveries use.
 *
 * Only `node:crypto` is used: the `standardwebhooks` and vendor SDK implementations hash in
 * pure JS, which is several times slower than OpenSSL's HMAC for the same bytes.
 */
import { createHmac, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { ConfigError, type CollabErrorInit, ValidationError, WebhookVerificationError } from '../errors.js';
import type { WebhookRequest } from '../model/event.js';
import { readHeaders } from './headers.js';
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
/** Unix seconds: digits only. `parseInt` would accept `12abc`, so the check is strict. */
const TIMESTAMP_RE = /^\d{1,15}$/;
/** Above this a `webhook-timestamp` is almost surely milliseconds (year 5138 in seconds). */
const LOOKS_LIKE_MS = 1e11;

/** The three Standard Webhooks headers, read in one pass. */
const STANDARD_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/** Length of a base64 SHA-256 digest with padding. */
const SIGNATURE_LENGTH = 44;
/**
 * Reused buffers for the constant-time compare: verification is synchronous, so two module-level
 * buffers are safe and spare two allocations per candidate on the hot path.
 */
const scratchExpected = Buffer.alloc(SIGNATURE_LENGTH);
const scratchCandidate = Buffer.alloc(SIGNATURE_LENGTH);

/**
 * Decodes a `whsec_<base64>` (or bare base64) secret into an HMAC key.
 * Returns `undefined` for an unusable secret so each caller raises its own error class.
 * Node's lenient base64 decoder is used on purpose: some vendors' published
 * test secrets are not a multiple of 4 characters, and their SDKs decode them the same way.
 * @internal
 */
export function decodeWebhookSecret(secret: unknown): KeyObject | undefined {
  if (typeof secret !== 'string') return undefined;
  const b64 = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (!BASE64_RE.test(b64)) return undefined;
  const key = Buffer.from(b64, 'base64');
  if (key.length === 0) return undefined;
  return createSecretKey(key);
}

/**
 * Computes `base64(HMAC-SHA256(key, "${id}.${timestamp}.${body}"))`.
 * A string body is hashed in one `update` (cheaper than two); bytes are hashed as received,
 * because the signature covers the exact bytes, which may not round-trip through a JS string.
 * @internal
 */
export function computeSignature(key: KeyObject, id: string, timestamp: string, body: string | Uint8Array): string {
  const hmac = createHmac('sha256', key);
  if (typeof body === 'string') {
    hmac.update(`${id}.${timestamp}.${body}`);
  } else {
    hmac.update(`${id}.${timestamp}.`);
    hmac.update(body);
  }
  return hmac.digest('base64');
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
  // Fast path for the usual single `v1,<sig>` item (saves the split and its array on every request).
  if (header.indexOf(' ') === -1 && header.startsWith('v1,') && !header.endsWith(',')) {
    return header.length > 3 ? [header.slice(3)] : [];
  }
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
 * Builds a Standard Webhooks verifier whose secrets are decoded once (into `KeyObject`s), for
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
  const errorInit: CollabErrorInit = { operation: 'webhooks.verify' };
  if (options.provider !== undefined) errorInit.provider = options.provider;
  const secrets = options.secrets as readonly unknown[] | undefined;
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new ConfigError('Webhook verification needs at least one secret', { ...errorInit, field: 'secrets' });
  }
  const keys = secrets.map((secret, index) => {
    const key = decodeWebhookSecret(secret);
    // Never echo the secret: say which one and what shape was expected.
    if (key === undefined) {
      throw new ConfigError(`Webhook secret #${index + 1} is not a valid secret (expected whsec_<base64>)`, {
        ...errorInit,
        field: 'secrets',
      });
    }
    return key;
  });
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new ConfigError('toleranceSeconds must be a non-negative number', { ...errorInit, field: 'toleranceSeconds' });
  }
  const clock = options.now;
  const fail = (message: string): never => {
    throw new WebhookVerificationError(message, errorInit);
  };

  return function verifyStandardWebhookRequest(request: WebhookRequest): VerifiedWebhook {
    if (request === null || typeof request !== 'object') fail('Invalid webhook request: expected { headers, rawBody }');
    const { headers, rawBody } = request;
    if (headers === null || typeof headers !== 'object') fail('Invalid webhook request: headers are missing');

    const [idHeader, timestampRaw, signatureHeader] = readHeaders(headers, STANDARD_HEADERS, errorInit);
    const id = idHeader?.trim();
    if (!id) fail('Missing webhook-id header');
    const timestampHeader = timestampRaw?.trim();
    if (!timestampHeader) fail('Missing webhook-timestamp header');
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

    if (!TIMESTAMP_RE.test(timestampHeader!)) {
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

    const candidates = parseV1Signatures(signatureHeader!);
    if (candidates.length === 0) {
      fail('Invalid webhook-signature header: no v1 signature (expected space-separated "v1,<base64>" items)');
    }
    for (const key of keys) {
      scratchExpected.write(computeSignature(key, id!, timestampHeader!, rawBody), 0, 'latin1');
      for (const candidate of candidates) {
        // Length is public (always 44 for SHA-256), so only equal-length values reach the
        // constant-time compare. Non-latin1 characters cannot match a base64 digest, so writing
        // the candidate as latin1 (one byte per char) loses nothing that could make it match.
        if (candidate.length !== SIGNATURE_LENGTH) continue;
        scratchCandidate.write(candidate, 0, 'latin1');
        if (timingSafeEqual(scratchCandidate, scratchExpected)) {
          return { id: id!, timestamp: new Date(timestamp * 1000), body };
        }
      }
    }
    // Neither the expected nor the received signature goes in the message: the former is a MAC
    // oracle for the body, and neither helps the legitimate operator more than this does.
    return fail(
      `No matching signature: none of the ${candidates.length} v1 signature(s) in webhook-signature matches ` +
        `the ${keys.length === 1 ? 'configured secret' : `${keys.length} configured secrets`} (wrong secret, or the body was modified or re-serialised)`,
    );
  };
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
  return SECRET_PREFIX + randomBytes(24).toString('base64');
}

/**
 * Generates a new `webhook-id`: `msg_` followed by 16 random bytes in base64url (22 characters),
 * unique enough to be the receiver's dedupe key.
 */
export function newWebhookMessageId(): string {
  return 'msg_' + randomBytes(16).toString('base64url');
}
