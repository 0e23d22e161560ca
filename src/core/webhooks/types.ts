import type { CollabLogger } from '../logger.js';
import type { WebhookRequest } from '../model/event.js';

/** Options of `verifyStandardWebhook` and `createStandardWebhookVerifier`. */
export interface StandardWebhookVerifyOptions {
  /**
   * Accepted secrets (`whsec_<base64>`, or the bare base64 without the prefix, as the
   * Standard Webhooks libraries accept); a signature by any of them passes (rotation).
   */
  secrets: readonly string[];
  /** Allowed clock skew in seconds, both ways (default 300, the Standard Webhooks / Svix value). */
  toleranceSeconds?: number;
  /**
   * Current time in ms (tests). A function is called on every verification, which is what a
   * long-lived verifier from `createStandardWebhookVerifier` needs; a number freezes the clock.
   */
  now?: number | (() => number);
  /** Provider id put on the `WebhookVerificationError`s (e.g. `liveblocks`), so callers can tell sources apart. */
  provider?: string;
}

/** A verified Standard Webhooks message. */
export interface VerifiedWebhook {
  /** The `webhook-id` header (dedupe on it: deliveries are retried with the same id). */
  id: string;
  /** The `webhook-timestamp` header as a Date. */
  timestamp: Date;
  /** The raw body as a string (UTF-8 decoded when it came as bytes). */
  body: string;
}

/** A verifier with its keys decoded once, returned by `createStandardWebhookVerifier`. */
export type StandardWebhookVerifier = (request: WebhookRequest) => VerifiedWebhook;

/** What `signStandardWebhook` signs. */
export interface StandardWebhookSignInput {
  /** The message id (`webhook-id`). */
  id: string;
  /** Unix time in SECONDS (`webhook-timestamp`). */
  timestamp: number;
  /** The exact body that will be sent. */
  body: string | Uint8Array;
}

/** Options of `verifyBasicAuthWebhook` (Velt basic webhooks). */
export interface BasicAuthWebhookVerifyOptions {
  /** The workspace `authToken` configured in Velt; it arrives as `Authorization: Basic <authToken>`. */
  token: string;
  /** Provider id put on the errors (default `velt`). */
  provider?: string;
}

/** Constructor options of `WebhookDispatcher`. */
export interface WebhookDispatcherOptions {
  /** Retries after the first attempt (default 3, so at most 4 attempts). */
  retries?: number;
  /** Delay before the first retry in ms; doubles on each retry, with ±20% jitter (default 200). */
  backoffMs?: number;
  /** Upper bound of one backoff delay in ms (default 30 000). */
  maxBackoffMs?: number;
  /** Timeout of one attempt in ms (default 5000). */
  timeoutMs?: number;
  /** The fetch implementation (default: the global `fetch`). */
  fetch?: typeof fetch;
  /** Receives a redacted warning for each failed attempt and for each delivery given up. */
  logger?: CollabLogger;
  /** `user-agent` header sent with each delivery (default `unicollab-webhooks`). */
  userAgent?: string;
}

/** One delivery for `WebhookDispatcher#deliver`. */
export interface WebhookDeliveryInput {
  /** The subscriber endpoint (http or https). Credentials in it (`https://user:pass@host`) are sent as Basic auth. */
  url: string;
  /** The subscription's signing secret (`whsec_...`). */
  secret: string;
  /** The event; sent as `JSON.stringify(payload)`, the same bytes on every attempt. */
  payload: unknown;
  /** The `webhook-id` (default: a new `msg_...` id). Kept across retries so the receiver can dedupe. */
  id?: string;
}

/** The outcome of `WebhookDispatcher#deliver`. Delivery failures are reported here, never thrown. */
export interface DeliveryResult {
  /** True when an attempt got a 2xx answer. */
  delivered: boolean;
  /** Attempts made (0 when the dispatcher was already closed). */
  attempts: number;
  /** The `webhook-id` that was sent. */
  id: string;
  /** HTTP status of the last attempt, when one answered. */
  status?: number;
  /** Why the last attempt failed (`HTTP 500`, `timed out after 5000 ms`, `network error: ECONNREFUSED`, `dispatcher closed`). */
  error?: string;
}

export type { WebhookRequest };
