/**
 * `unicollab/liveblocks`: the Liveblocks adapter (REST v2 through `core/http`, Standard Webhooks through
 * `core/webhooks`).
 *
 * ```ts
 * import { liveblocks } from 'unicollab/liveblocks';
 * const collab = await liveblocks({ secretKey: process.env.LIVEBLOCKS_SECRET_KEY! });
 * ```
 * @packageDocumentation
 */
import { type Collab, type CreateCollabOptions, createCollabWith } from '../../core/container.js';
import type { LiveblocksConfig } from './config.js';
import { liveblocksAdapter } from './definition.js';

export { liveblocksAdapter } from './definition.js';
export { LiveblocksConfigSchema, liveblocksConfig, type LiveblocksConfig } from './config.js';
export { LiveblocksClient, DEFAULT_BASE_URL, type ParsedLiveblocksConfig, type LbListNotificationsQuery, type LbListRoomsQuery } from './client.js';
export { liveblocksCapabilities, liveblocksCapabilityVariants, type LiveblocksCapabilityInputs } from './capabilities.js';
export { createLiveblocksWebhookVerifier, toCollabEvent as toLiveblocksCollabEvent, LB_EVENT_TO_COLLAB, type LiveblocksWebhookVerifierOptions, type EventRule as LiveblocksEventRule } from './webhook-events.js';
export { toCollabError as mapLiveblocksError } from './errors.js';
export { fromWireBody, toWireBody } from './mappers/bodies.js';
export { ROOM_NAME_KEY } from './mappers/rooms.js';
export { DEFAULT_SYSTEM_USER_ID } from './services/context.js';
export type { LiveblocksNotificationService } from './services/notifications.js';
export {
  LB_WEBHOOK_EVENT_TYPES,
  type LbWebhookEventType,
  type LbAuthorizeBody,
  type LbCreateRoomBody,
  type LbCreateThreadBody,
  type LbIdentifyBody,
  type LbOutgoingBody,
  type LbInline,
  type LbSetPresenceBody,
  type LbTriggerBody,
  type LbUpdateRoomBody,
} from './schemas.js';

/**
 * Creates a collab on Liveblocks: `await liveblocks({ secretKey: 'sk_...' })`. The config is validated
 * like `createCollab({ provider: 'liveblocks', ... })` (a `ConfigError` names the bad field, never its value).
 */
export function liveblocks(config: Omit<LiveblocksConfig, 'provider'>, options?: CreateCollabOptions): Promise<Collab> {
  return createCollabWith(liveblocksAdapter as never, { ...config, provider: 'liveblocks' }, options);
}
