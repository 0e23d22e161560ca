/**
 * Velt basic (V1) webhooks: not signed; Velt sends the workspace `authToken` verbatim as
 * `Authorization: Basic <authToken>` (not base64 of `user:password`), and may base64-encode the body
 * as `{"encodedPayload":"<base64 of JSON>"}` (docs/vendors/velt.md 12.1).
 */
import { nodeCrypto } from '../../core/node-crypto.js';
import { ConfigError, type CollabErrorInit, WebhookVerificationError } from '../../core/errors.js';
import type { WebhookRequest } from '../../core/model/event.js';
import { readHeader } from '../../core/webhooks/headers.js';

/** Options of {@link verifyBasicAuthWebhook}. */
export interface BasicAuthWebhookVerifyOptions {
  /** The workspace `authToken` configured in Velt; it arrives as `Authorization: Basic <authToken>`. */
  token: string;
  /** Provider id put on the errors (default `velt`). */
  provider?: string;
}

/** Strict base64 (standard or url-safe alphabet, optional padding). */
const BASE64_RE = /^[A-Za-z0-9+/_-]*={0,2}$/;

function sha256(value: string): Buffer {
  return nodeCrypto().createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Checks the `Authorization: Basic <token>` header of a Velt basic webhook in constant time.
 *
 * The scheme name is matched case-insensitively (RFC 9110 says auth schemes are); the token is
 * compared exactly, as Velt sends it. Both sides are hashed with SHA-256 before
 * `timingSafeEqual`, so neither the content nor the length of the configured token leaks through timing.
 *
 * @param request - The request; only the headers are read.
 * @param options - The configured `token` (Velt's workspace `authToken`).
 * @throws WebhookVerificationError when the header is missing, is not `Basic <token>`, or the token differs.
 * @throws ConfigError when no token is configured.
 */
export function verifyBasicAuthWebhook(request: Pick<WebhookRequest, 'headers'>, options: BasicAuthWebhookVerifyOptions): void {
  const init: CollabErrorInit = { provider: options.provider ?? 'velt', operation: 'webhooks.verify' };
  if (typeof options.token !== 'string' || options.token.length === 0) {
    throw new ConfigError('Velt basic webhook verification needs the workspace authToken', { ...init, field: 'token' });
  }
  const header = request?.headers ? readHeader(request.headers, 'authorization', init)?.trim() : undefined;
  if (!header) {
    throw new WebhookVerificationError('Missing Authorization header (Velt basic webhooks send "Authorization: Basic <authToken>")', init);
  }
  const space = header.search(/\s/);
  const scheme = space === -1 ? header : header.slice(0, space);
  if (scheme.toLowerCase() !== 'basic') {
    // The scheme name is safe to show; the credentials after it are not.
    throw new WebhookVerificationError(
      `Invalid Authorization header: expected the scheme "Basic", got ${JSON.stringify(scheme.slice(0, 16))}`,
      init,
    );
  }
  const token = space === -1 ? '' : header.slice(space).trim();
  if (token.length === 0) throw new WebhookVerificationError('Invalid Authorization header: no token after "Basic"', init);
  if (!nodeCrypto().timingSafeEqual(sha256(token), sha256(options.token))) {
    throw new WebhookVerificationError('Authorization token does not match the configured webhook authToken', init);
  }
}

/**
 * Parses a webhook body that may be base64-encoded, as Velt's "encode data" option sends it
 * (`{"encodedPayload":"<base64 of the JSON payload>"}`, basic and advanced webhooks alike).
 * A body without `encodedPayload` is returned parsed as it is.
 *
 * Encrypted bodies (`encryptedData` + `encryptedKey` + `iv`) are refused rather than returned,
 * because passing the envelope on would look like an event of unknown type instead of a setup problem.
 *
 * @param rawBody - The raw request body (a string or the bytes), or its already-parsed JSON.
 * @param provider - Provider id put on the errors (default `velt`).
 * @returns The decoded JSON payload.
 * @throws WebhookVerificationError when the body or the decoded payload is not JSON, the payload is
 *   not base64, or the body is encrypted.
 */
export function decodeBase64JsonBody(rawBody: string | Uint8Array | object, provider = 'velt'): unknown {
  const init: CollabErrorInit = { provider, operation: 'webhooks.verify' };
  let parsed: unknown;
  if (typeof rawBody === 'string' || rawBody instanceof Uint8Array) {
    const text = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength).toString('utf8');
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new WebhookVerificationError('Webhook body is not valid JSON', init);
    }
  } else {
    parsed = rawBody;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return parsed;
  const envelope = parsed as Record<string, unknown>;
  if ('encryptedData' in envelope && 'encryptedKey' in envelope) {
    throw new WebhookVerificationError(
      'Webhook body is encrypted (encryptedData/encryptedKey/iv); decrypt it with your private key, or turn off encryption in the Velt webhook settings',
      init,
    );
  }
  if (!('encodedPayload' in envelope)) return parsed;
  const encoded = envelope.encodedPayload;
  if (typeof encoded !== 'string' || !BASE64_RE.test(encoded.trim())) {
    throw new WebhookVerificationError('Webhook encodedPayload is not a base64 string', init);
  }
  try {
    return JSON.parse(Buffer.from(encoded.trim(), 'base64').toString('utf8'));
  } catch {
    throw new WebhookVerificationError('Webhook encodedPayload does not decode to JSON', init);
  }
}
