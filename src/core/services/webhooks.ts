import type { CallOptions } from '../model/common.js';
import type { CollabEvent, CreateWebhookSubscriptionInput, WebhookRequest, WebhookSubscription } from '../model/event.js';
import type { WebhookVerifyCallOptions } from '../webhooks/types.js';

/** Webhook endpoints registered with the provider. */
export interface WebhookSubscriptionService {
  /** Registers an endpoint; the result carries the signing `secret`. */
  create(input: CreateWebhookSubscriptionInput, options?: CallOptions): Promise<WebhookSubscription>;
  /** Gets a subscription (without its secret). */
  get(id: string, options?: CallOptions): Promise<WebhookSubscription>;
  /** Lists every subscription. */
  list(options?: CallOptions): Promise<WebhookSubscription[]>;
  /** Deletes a subscription. */
  delete(id: string, options?: CallOptions): Promise<void>;
}

/** Incoming webhooks. */
export interface WebhookService {
  /**
   * Verifies a webhook request (signature, timestamp) and normalises it.
   * Throws `WebhookVerificationError` saying what failed. Unknown event types become `unknown`.
   * With a replay store (`options.replayStore`, or `webhookReplayStore` in config) a delivery id
   * already accepted is refused with `vendorCode` `webhook_replayed`.
   */
  verify(request: WebhookRequest, options?: WebhookVerifyCallOptions): Promise<CollabEvent>;
  /** Manages webhook endpoints. */
  readonly subscriptions: WebhookSubscriptionService;
}
