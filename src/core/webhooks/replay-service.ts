import { CollabError, ValidationError, WebhookVerificationError } from '../errors.js';
import type { CollabEvent, WebhookRequest } from '../model/event.js';
import type { WebhookService } from '../services/webhooks.js';
import { claimWebhookDelivery, isWebhookReplayStore, webhookReplayKey, webhookReplayTtlMs } from './replay.js';
import type { WebhookReplayStore, WebhookVerifyCallOptions } from './types.js';

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
 * deliveries), so adapters sharing one store do not collide. Calls without a store cost one extra
 * property lookup.
 *
 * @param service - The adapter's (already guarded) webhook service.
 * @param defaults - Provider id, configured store and window.
 * @returns The same service with `verify` replaced; `subscriptions` and anything else pass through.
 */
export function protectWebhookService<T extends WebhookService>(service: T, defaults: WebhookReplayDefaults): T {
  const inner = service.verify;
  const verify = async (request: WebhookRequest, options?: WebhookVerifyCallOptions): Promise<CollabEvent> => {
    try {
      return await verifyOnce(request, options);
    } catch (err) {
      if (CollabError.is(err)) throw err;
      // A request object that cannot even be read (throwing getters, revoked proxies) is refused like
      // any other bad delivery, never surfaced as a raw TypeError.
      throw new WebhookVerificationError('The webhook request could not be read', { provider: defaults.provider, operation: 'webhooks.verify', cause: err });
    }
  };
  const verifyOnce = async (request: WebhookRequest, options?: WebhookVerifyCallOptions): Promise<CollabEvent> => {
    if (options !== undefined) checkOptions(options, defaults.provider);
    const store = options?.replayStore ?? defaults.store;
    // The inner verify runs first, always: its errors (signature, capability) win over replay ones.
    const event = await inner.call(service, request, options);
    if (store === undefined) return event;
    const ttlMs = webhookReplayTtlMs(request, { windowSeconds: options?.replayWindowSeconds ?? defaults.windowSeconds });
    await claimWebhookDelivery(store, { id: webhookReplayKey({ provider: defaults.provider, id: event.id }), ttlMs, provider: defaults.provider });
    return event;
  };
  // A proxy (not a copy) so the adapter's own methods keep their `this` and #private fields.
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(service, {
    get(target, prop) {
      if (prop === 'verify') return verify;
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      let b = bound.get(prop);
      if (b === undefined) bound.set(prop, (b = (value as (...a: unknown[]) => unknown).bind(target)));
      return b;
    },
  });
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
