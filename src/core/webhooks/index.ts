/**
 * Webhook primitives shared by the adapters: Standard Webhooks verification and signing, header
 * reading, and replay protection (in-process and Redis stores). Vendor schemes (unsigned basic-auth
 * deliveries, a provider's own outgoing deliveries) live in their adapter.
 */
export { getHeader } from './headers.js';
export {
  createStandardWebhookVerifier,
  verifyStandardWebhook,
  signStandardWebhook,
  generateWebhookSecret,
  newWebhookMessageId,
} from './standard.js';
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
export { TrustedWebhookSecrets } from './trusted-secrets.js';
export { protectWebhookService, type WebhookReplayDefaults } from './replay-service.js';
export type {
  StandardWebhookVerifyOptions,
  StandardWebhookVerifier,
  StandardWebhookSignInput,
  VerifiedWebhook,
  WebhookReplayStore,
  InMemoryReplayStoreOptions,
  RedisReplayClient,
  RedisReplayStoreOptions,
  WebhookVerifyCallOptions,
  WebhookRequest,
} from './types.js';
