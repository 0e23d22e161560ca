/**
 * Webhook primitives shared by the memory provider, the Liveblocks adapter and Velt's webhooks:
 * Standard Webhooks verification and signing, Velt basic-auth verification, replay protection
 * (in-process and Redis stores), and a dispatcher that delivers signed events with retries.
 */
export { getHeader } from './headers.js';
export {
  createStandardWebhookVerifier,
  verifyStandardWebhook,
  signStandardWebhook,
  generateWebhookSecret,
  newWebhookMessageId,
} from './standard.js';
export { verifyBasicAuthWebhook, decodeBase64JsonBody } from './basic-auth.js';
export {
  claimWebhookDelivery,
  webhookReplayKey,
  webhookReplayTtlMs,
  isWebhookReplayStore,
  WEBHOOK_REPLAYED,
  REPLAY_STORE_UNAVAILABLE,
  DEFAULT_REPLAY_WINDOW_SECONDS,
  type WebhookDeliveryClaim,
  type WebhookReplayTtlOptions,
} from './replay.js';
export { createInMemoryReplayStore } from './replay-memory.js';
export { createRedisReplayStore } from './replay-redis.js';
export { protectWebhookService, type WebhookReplayDefaults } from './replay-service.js';
export { WebhookDispatcher } from './dispatcher.js';
export type {
  StandardWebhookVerifyOptions,
  StandardWebhookVerifier,
  StandardWebhookSignInput,
  VerifiedWebhook,
  BasicAuthWebhookVerifyOptions,
  WebhookReplayStore,
  InMemoryReplayStoreOptions,
  RedisReplayClient,
  RedisReplayStoreOptions,
  WebhookVerifyCallOptions,
  WebhookDispatcherOptions,
  WebhookDeliveryInput,
  DeliveryResult,
  WebhookRequest,
} from './types.js';
