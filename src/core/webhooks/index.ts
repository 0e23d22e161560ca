/**
 * Webhook primitives shared by the memory provider, the Liveblocks adapter and Velt's webhooks:
 * Standard Webhooks verification and signing, Velt basic-auth verification, and a dispatcher that
 * delivers signed events with retries.
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
export { WebhookDispatcher } from './dispatcher.js';
export type {
  StandardWebhookVerifyOptions,
  StandardWebhookVerifier,
  StandardWebhookSignInput,
  VerifiedWebhook,
  BasicAuthWebhookVerifyOptions,
  WebhookDispatcherOptions,
  WebhookDeliveryInput,
  DeliveryResult,
  WebhookRequest,
} from './types.js';
