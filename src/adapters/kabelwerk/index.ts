/**
 * `unicollab/kabelwerk`: the Kabelwerk adapter (chat for a care team and its end users). A room is one
 * end user's conversation with a hub, its id the end user's key; its one thread has the room's id and
 * its comments are the messages. Writes use Kabelwerk's five server REST calls; reads, room creation,
 * markers and notifications its realtime API (Phoenix channels), acting as users with RS256 tokens
 * signed by `privateKey`.
 *
 * ```ts
 * import { kabelwerk } from 'unicollab/kabelwerk';
 * const collab = await kabelwerk({ url: 'hub.kabelwerk.io', apiToken, hub: 'care', privateKey });
 * ```
 * @packageDocumentation
 */
import { type Collab, type CreateCollabOptions, createCollabWith } from '../../core/container.js';
import type { KabelwerkConfig } from './config.js';
import { kabelwerkAdapter } from './definition.js';

export { kabelwerkAdapter } from './definition.js';
export {
  KabelwerkConfigSchema,
  kabelwerkConfig,
  parseKabelwerkUrl,
  KABELWERK_URL_PATTERN,
  DEFAULT_HUB,
  type KabelwerkConfig,
  type KabelwerkEndpoints,
  type ParsedKabelwerkConfig,
} from './config.js';
export { kabelwerkCapabilities, kabelwerkCapabilityVariants, type KabelwerkCapabilityInputs } from './capabilities.js';
export { KabelwerkClient, kabelwerkUserAgent, type KabelwerkClientOptions, type KabelwerkCallOptions, type KabelwerkRoomPatch } from './client.js';
export { mapKabelwerkError, changesetError, channelRejected, rejectionOf, CHANNEL_REJECTED, type ChannelRejection } from './errors.js';
export { KabelwerkRealtime, type KabelwerkRealtimeOptions, type RealtimeCall, type JoinedChannel } from './realtime.js';
export { KabelwerkTokenMinter, DEFAULT_TOKEN_TTL_SECONDS, type MintedToken } from './user-tokens.js';
export { ROOM_NAME_KEY } from './mappers/rooms.js';
export { HUB_USER_FLAG } from './mappers/users.js';
export { SERVICE_HUB_USER } from './services/hub.js';
export { toKabelwerkText, fromKabelwerkMessage, type KabelwerkMessageText } from './mappers/bodies.js';

/** Creates a collab on Kabelwerk: `await kabelwerk({ url, apiToken, hub, privateKey })`. */
export function kabelwerk(config: Omit<KabelwerkConfig, 'provider'>, options?: CreateCollabOptions): Promise<Collab> {
  return createCollabWith(kabelwerkAdapter as never, { ...config, provider: 'kabelwerk' }, options);
}
