import { defineAdapter } from '../../core/adapter.js';
import { ConfigError } from '../../core/errors.js';
import { httpOptionsFromConfig } from '../../core/http/index.js';
import { TOKENS } from '../../core/tokens.js';
import { kabelwerkCapabilities, kabelwerkCapabilityVariants } from './capabilities.js';
import { KabelwerkClient, kabelwerkUserAgent } from './client.js';
import { isRsaPrivateKey, kabelwerkConfig, parseKabelwerkUrl, type ParsedKabelwerkConfig } from './config.js';
import { KabelwerkRealtime } from './realtime.js';
import { KabelwerkAuthService } from './services/auth.js';
import { KabelwerkCommentService, KabelwerkReactionService } from './services/comments.js';
import { KABELWERK_TOKENS, KabelwerkContext, NoRealtime } from './services/context.js';
import { KabelwerkEventService } from './services/events.js';
import { KabelwerkHubSide } from './services/hub.js';
import { KabelwerkNotificationService } from './services/notifications.js';
import { KabelwerkPresenceService } from './services/presence.js';
import { KabelwerkRoomService } from './services/rooms.js';
import { KabelwerkThreadService } from './services/threads.js';
import { KabelwerkUserService } from './services/users.js';
import { KabelwerkWebhookService } from './services/webhooks.js';
import { DEFAULT_TOKEN_TTL_SECONDS, KabelwerkTokenMinter } from './user-tokens.js';

/** Reasons of the conformance checks Kabelwerk's model cannot pass, whatever the deployment. */
const ONE_CONVERSATION = 'a Kabelwerk room is one conversation (§5): it has one thread, so a second thread in a room cannot exist';
const TWO_SIDES =
  "a Kabelwerk room is a conversation between its end user (the room id) and its hub's care team: the suite's authors are other end users, who are not participants (Kabelwerk refuses their messages)";

/**
 * The Kabelwerk adapter: the REST client, the realtime pool (sockets per impersonated user, closed by
 * `collab.close()`) and every service. Without `privateKey` the pool is a stand-in and every realtime
 * capability is declared `no`.
 */
export const kabelwerkAdapter = defineAdapter<ParsedKabelwerkConfig>({
  specificationVersion: 1,
  ...kabelwerkConfig,
  capabilities: kabelwerkCapabilities,
  // Each README column's config in machine-readable form (by config field), for `unicollab capabilities --json`.
  capabilityVariants: () => {
    const flags: Record<string, Record<string, boolean>> = {
      kabelwerk: { privateKey: false, hub: false },
      'kabelwerk (+privateKey, hub)': { privateKey: true, hub: true },
    };
    return kabelwerkCapabilityVariants().map((v) => ({ ...v, variant: flags[v.label] ?? {} }));
  },
  setup: (config) => {
    // The schema checked the URL; `!` keeps that one rule in one place.
    const endpoints = parseKabelwerkUrl(config.url)!;
    if (config.privateKey !== undefined && !isRsaPrivateKey(config.privateKey)) {
      // The key itself is never quoted.
      throw new ConfigError('Invalid kabelwerk config: privateKey must be a PEM-encoded RSA private key (PKCS#8 or PKCS#1) (env KABELWERK_PRIVATE_KEY)', {
        field: 'privateKey',
        envVar: 'KABELWERK_PRIVATE_KEY',
        provider: 'kabelwerk',
      });
    }
    const client = new KabelwerkClient({ apiUrl: endpoints.apiUrl, apiToken: config.apiToken, ...httpOptionsFromConfig(config) });
    const realtime =
      config.privateKey !== undefined
        ? new KabelwerkRealtime({
            socketUrl: endpoints.socketUrl,
            minter: new KabelwerkTokenMinter(config.privateKey, config.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS),
            timeoutMs: config.timeoutMs,
            agent: kabelwerkUserAgent(),
          })
        : new NoRealtime();
    return [
      [TOKENS.VendorClient, client],
      [KABELWERK_TOKENS.Realtime, realtime],
    ];
  },
  bindings: [
    [KABELWERK_TOKENS.Context, KabelwerkContext],
    [KABELWERK_TOKENS.HubSide, KabelwerkHubSide],
  ],
  services: {
    rooms: KabelwerkRoomService,
    users: KabelwerkUserService,
    threads: KabelwerkThreadService,
    comments: KabelwerkCommentService,
    reactions: KabelwerkReactionService,
    presence: KabelwerkPresenceService,
    notifications: KabelwerkNotificationService,
    auth: KabelwerkAuthService,
    webhooks: KabelwerkWebhookService,
    events: KabelwerkEventService,
  },
  lifecycle: [KABELWERK_TOKENS.Realtime],
  conformance: {
    skip: {
      'threads.list': ONE_CONVERSATION,
      'threads.create-roundtrip': TWO_SIDES,
      'comments.create-reply': TWO_SIDES,
      'comments.formatting': TWO_SIDES,
      'comments.delete': TWO_SIDES,
      'comments.get-missing': TWO_SIDES,
      'errors.not-found-comments-create': TWO_SIDES,
      'errors.not-found-comments-delete': TWO_SIDES,
      'notifications.thread-reply': TWO_SIDES,
      'notifications.mention': 'Kabelwerk has no mentions (§5): a mentioned user who is not in the conversation is not notified',
    },
  },
});
