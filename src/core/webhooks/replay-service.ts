import { CollabError, ValidationError, WebhookVerificationError } from '../errors.js';
import type { CollabEvent, WebhookRequest } from '../model/event.js';
import { overlay } from '../overlay.js';
import type { WebhookService } from '../services/webhooks.js';
import { claimWebhookDelivery, isWebhookReplayStore, webhookReplayKey, webhookReplayTtlMs } from './replay.js';
import type { WebhookReplayStore, WebhookVerifyCallOptions } from './types.js';

/**
 * Set to `true` on a `WebhookService` whose `verify` never throws synchronously and only ever rejects
 * with a `CollabError` (it turns an unreadable request into a `WebhookVerificationError` itself). The
 * wrapper then hands its promise straight to the caller on the hot path, with no reaction of its own.
 */
export const VERIFY_REJECTS_COLLAB_ERRORS: unique symbol = Symbol.for('unicollab.webhooks.verifyRejectsCollabErrors');

/**
 * The error for a request object that cannot even be read (throwing getters, revoked proxies):
 * refused like any other bad delivery, never surfaced as a raw `TypeError`.
 */
export function unreadableWebhookRequest(err: unknown, provider: string): CollabError {
  if (CollabError.is(err)) return err;
  return new WebhookVerificationError('The webhook request could not be read', { provider, operation: 'webhooks.verify', cause: err });
}

/** What `protectWebhookService` adds to every `verify`. */
export interface WebhookReplayDefaults {
  /** The provider id: it namespaces the claimed ids and goes on the errors. */
  provider: string;
  /** The configured store (`webhookReplayStore`); without one only calls passing `replayStore` are protected. */
  store?: WebhookReplayStore;
  /** The configured window for deliveries without a signed timestamp (`webhookReplayWindowSeconds`). */
  windowSeconds?: number;
}

/**
 * Wraps a `WebhookService` so `verify(request, { replayStore? })` refuses a delivery id it has already
 * accepted: the adapter verifies (signature or token) first, and only then is the event id claimed,
 * so forged requests cannot use up ids. Done once here for every adapter, memory included.
 *
 * The claimed key is `webhookReplayKey(event)`, `<provider>:<event id>` (the `webhook-id` for signed
 * deliveries), so adapters sharing one store do not collide. A call without options or a store
 * costs one promise reaction over the adapter's own.
 *
 * @param service - The adapter's (already guarded) webhook service.
 * @param defaults - Provider id, configured store and window.
 * @returns The service with `verify` replaced; `subscriptions` and anything else pass through (see `overlay`).
 */
export function protectWebhookService<T extends WebhookService>(service: T, defaults: WebhookReplayDefaults): T {
  const inner = service.verify;
  const { provider } = defaults;
  const unreadable = (err: unknown): never => {
    throw unreadableWebhookRequest(err, provider);
  };
  // Read through the guard (a plain value passes its proxy), once.
  const settlesClean = (service as { [VERIFY_REJECTS_COLLAB_ERRORS]?: unknown })[VERIFY_REJECTS_COLLAB_ERRORS] === true;
  const verifyOnce = async (request: WebhookRequest, options?: WebhookVerifyCallOptions): Promise<CollabEvent> => {
    if (options !== undefined) checkOptions(options, provider);
    const store = options?.replayStore ?? defaults.store;
    // The inner verify runs first, always: its errors (signature, capability) win over replay ones.
    const event = await inner.call(service, request, options);
    if (store === undefined) return event;
    const ttlMs = webhookReplayTtlMs(request, { windowSeconds: options?.replayWindowSeconds ?? defaults.windowSeconds });
    await claimWebhookDelivery(store, { id: webhookReplayKey({ provider, id: event.id }), ttlMs, provider });
    return event;
  };
  const verify = (request: WebhookRequest, options?: WebhookVerifyCallOptions): Promise<CollabEvent> => {
    // Hot path (no per-call options, no configured store): the adapter's promise with one reaction to
    // turn a raw error into a WebhookVerificationError, instead of two more async layers.
    if (options === undefined && defaults.store === undefined) {
      let result: Promise<CollabEvent>;
      try {
        result = Promise.resolve(inner.call(service, request, options));
      } catch (err) {
        return Promise.reject(unreadableWebhookRequest(err, provider));
      }
      return settlesClean ? result : result.then(undefined, unreadable);
    }
    return verifyOnce(request, options).then(undefined, unreadable);
  };
  return overlay(service, new Map([['verify', verify]]));
}

function checkOptions(options: WebhookVerifyCallOptions, provider: string): void {
  const init = { provider, operation: 'webhooks.verify' };
  if (typeof options !== 'object' || options === null) throw new ValidationError('options', 'must be an object', init);
  if (options.replayStore !== undefined && !isWebhookReplayStore(options.replayStore)) {
    throw new ValidationError('replayStore', 'must be a WebhookReplayStore (an object with claim(id, ttlMs))', init);
  }
  const w = options.replayWindowSeconds;
  if (w !== undefined && (typeof w !== 'number' || !Number.isFinite(w) || w <= 0)) {
    throw new ValidationError('replayWindowSeconds', 'must be a positive number of seconds', init);
  }
}
