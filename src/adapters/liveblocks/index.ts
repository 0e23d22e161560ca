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
import type { z } from 'zod';
import { type LiveblocksConfig, LiveblocksConfigSchema } from '../../core/config.js';
import { type AdapterDefinition, type Collab, createCollab, type CreateCollabOptions } from '../../core/container.js';
import { liveblocksCapabilities, liveblocksCapabilityVariants } from './capabilities.js';
import { createLiveblocksModule } from './module.js';

export type { LiveblocksConfig };
export { LiveblocksClient, DEFAULT_BASE_URL, type ParsedLiveblocksConfig } from './client.js';
export { liveblocksCapabilities, liveblocksCapabilityVariants } from './capabilities.js';
export { createLiveblocksWebhookVerifier, toCollabEvent as toLiveblocksCollabEvent, LB_EVENT_TO_COLLAB, type LiveblocksWebhookVerifierOptions } from './webhooks.js';
export { ROOM_NAME_KEY, fromWireBody, toWireBody, toCollabError as mapLiveblocksError } from './mappers.js';
export { DEFAULT_SYSTEM_USER_ID } from './services/context.js';
export type { LiveblocksNotificationService } from './services/notifications.js';
export { LB_WEBHOOK_EVENT_TYPES, type LbWebhookEventType } from './schemas.js';

/** The registry entry of the Liveblocks adapter. */
export const liveblocksAdapter: AdapterDefinition<z.output<typeof LiveblocksConfigSchema>> = {
  id: 'liveblocks',
  capabilities: liveblocksCapabilities,
  createModule: createLiveblocksModule,
  capabilityVariants: liveblocksCapabilityVariants,
};

/**
 * Creates a collab on Liveblocks: `await liveblocks({ secretKey: 'sk_...' })`. The config is validated
 * like `createCollab({ provider: 'liveblocks', ... })` (a `ConfigError` names the bad field, never its value).
 */
export function liveblocks(config: Omit<LiveblocksConfig, 'provider'>, options?: CreateCollabOptions): Promise<Collab> {
  return createCollab({ ...config, provider: 'liveblocks' }, options);
}
