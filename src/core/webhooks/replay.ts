/**
 * Replay protection shared by every adapter: the rule for how long a delivery id is remembered, and
 * the claim that turns "already seen" into a `WebhookVerificationError`.
 */
import { CollabError, type CollabErrorInit, ValidationError, WebhookVerificationError } from '../errors.js';
import type { WebhookRequest } from '../model/event.js';
import { readHeader } from './headers.js';
import { DEFAULT_TOLERANCE_SECONDS } from './standard.js';
import type { WebhookReplayStore } from './types.js';

/** `vendorCode` of the `WebhookVerificationError` for a delivery id already seen: answer it with a 2xx, it is a duplicate. */
export const WEBHOOK_REPLAYED = 'webhook_replayed';
/** `vendorCode` of the (retryable) `WebhookVerificationError` when the replay store could not answer. */
export const REPLAY_STORE_UNAVAILABLE = 'replay_store_unavailable';
/**
 * Default time (seconds) the id of a delivery without a signed timestamp (an unsigned basic-auth
 * webhook) is remembered. Such a request stays valid forever, so the window is a trade between memory and how
 * late a replay can come; a day covers the retry schedules senders use (unsigned schemes seldom document theirs).
 */
export const DEFAULT_REPLAY_WINDOW_SECONDS = 86_400;

/** Options of `webhookReplayTtlMs`. */
export interface WebhookReplayTtlOptions {
  /** Window for deliveries without a signed timestamp, in seconds (default `DEFAULT_REPLAY_WINDOW_SECONDS`). */
  windowSeconds?: number;
  /** The tolerance the Standard Webhooks verifier used, in seconds (default 300). */
  toleranceSeconds?: number;
}

/**
 * How long the id of a verified delivery must be remembered.
 *
 * A Standard Webhooks delivery (it has `webhook-signature`, so its `webhook-timestamp` was checked)
 * verifies only while `|now - timestamp| <= tolerance`: a span of twice the tolerance. Remembering its
 * id for that span from the moment it is first seen covers every moment a replay could still verify,
 * whatever the sender's clock, without trusting our own clock against it. A delivery without a signed
 * timestamp (an unsigned basic-auth webhook) can be replayed at any time, so the configured window applies.
 *
 * @param request - The request that verified.
 * @param options - Window for unsigned-timestamp deliveries and the verifier's tolerance.
 * @returns The time to live of the claim, in milliseconds.
 */
export function webhookReplayTtlMs(request: Pick<WebhookRequest, 'headers'>, options: WebhookReplayTtlOptions = {}): number {
  let signed = false;
  try {
    signed = request?.headers != null && readHeader(request.headers, 'webhook-signature', {}) !== undefined;
  } catch {
    // Unreachable for a request that verified; without a readable signature it is treated as unsigned.
  }
  const seconds = signed ? 2 * (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS) : (options.windowSeconds ?? DEFAULT_REPLAY_WINDOW_SECONDS);
  return Math.max(1, Math.ceil(seconds * 1000));
}

/**
 * The key `webhooks.verify` claims for an event: `<provider>:<event id>`, so providers sharing one
 * store never collide. Pass it to `store.release` to accept a delivery again after failing to process it.
 *
 * ```ts
 * const event = await collab.webhooks.verify(request);
 * try { await handle(event); } catch (err) { await store.release?.(webhookReplayKey(event)); throw err; }
 * ```
 */
export function webhookReplayKey(event: { provider: string; id: string }): string {
  return `${event.provider}:${event.id}`;
}

/** What `claimWebhookDelivery` claims. */
export interface WebhookDeliveryClaim {
  /** The key to claim: the delivery id, namespaced by the caller if several sources share a store. */
  id: string;
  /** How long to remember it, in ms (see `webhookReplayTtlMs`). */
  ttlMs: number;
  /** Provider id put on the errors. */
  provider?: string;
}

/**
 * Claims a verified delivery in a replay store. Call it only AFTER the signature (or token) verified:
 * claiming first would let forged requests use up the ids of real deliveries.
 *
 * A claim is at-most-once: once made (even if its answer is lost to a timeout), the same id is refused
 * until it expires, unless the app calls `store.release(id)` after failing to process the delivery.
 *
 * @param store - The replay store.
 * @param claim - The id, its time to live and the provider.
 * @throws WebhookVerificationError with `vendorCode` `webhook_replayed` when the id was already claimed
 *   (a replay or a duplicate delivery), or with `vendorCode` `replay_store_unavailable` and
 *   `retryable: true` when the store failed (the delivery is refused: freshness could not be checked).
 * @throws ValidationError when the id or ttl is unusable.
 */
export async function claimWebhookDelivery(store: WebhookReplayStore, claim: WebhookDeliveryClaim): Promise<void> {
  const init: CollabErrorInit = { operation: 'webhooks.verify' };
  if (claim.provider !== undefined) init.provider = claim.provider;
  if (typeof claim.id !== 'string' || claim.id.length === 0) throw new ValidationError('id', 'must be a non-empty string', init);
  if (typeof claim.ttlMs !== 'number' || !Number.isFinite(claim.ttlMs) || claim.ttlMs <= 0) {
    throw new ValidationError('ttlMs', 'must be a positive number of milliseconds', init);
  }
  let first: unknown;
  try {
    first = await store.claim(claim.id, Math.ceil(claim.ttlMs));
  } catch (err) {
    // A store misconfiguration (missing `redis` package, bad URL) is already a CollabError saying so.
    if (CollabError.is(err)) throw err;
    throw new WebhookVerificationError('Could not check the webhook delivery against the replay store; refusing it so the sender retries', {
      ...init,
      vendorCode: REPLAY_STORE_UNAVAILABLE,
      retryable: true,
      cause: err,
    });
  }
  if (first === true) return;
  if (first === false) {
    throw new WebhookVerificationError(
      `Webhook delivery ${JSON.stringify(claim.id.slice(0, 128))} was already received (a replay or a duplicate delivery)`,
      { ...init, vendorCode: WEBHOOK_REPLAYED },
    );
  }
  throw new WebhookVerificationError(`The replay store answered ${typeof first} instead of a boolean; refusing the delivery`, {
    ...init,
    vendorCode: REPLAY_STORE_UNAVAILABLE,
  });
}

/** True for an object that can serve as a `WebhookReplayStore`. */
export function isWebhookReplayStore(value: unknown): value is WebhookReplayStore {
  return typeof value === 'object' && value !== null && typeof (value as { claim?: unknown }).claim === 'function';
}
