import { defineAdapter } from '../../core/adapter.js';
import { liveblocksCapabilities, liveblocksCapabilityVariants } from './capabilities.js';
import { LiveblocksClient, type ParsedLiveblocksConfig } from './client.js';
import { liveblocksConfig } from './config.js';
import { LiveblocksAuthService } from './services/auth.js';
import { LiveblocksCommentService, LiveblocksReactionService } from './services/comments.js';
import { LIVEBLOCKS_TOKENS, LiveblocksContext } from './services/context.js';
import { LiveblocksDocumentService } from './services/documents.js';
import { LiveblocksEventService } from './services/events.js';
import { LiveblocksNotificationService } from './services/notifications.js';
import { LiveblocksPresenceService } from './services/presence.js';
import { LiveblocksRoomService } from './services/rooms.js';
import { LiveblocksStorageService } from './services/storage.js';
import { LiveblocksThreadService } from './services/threads.js';
import { LiveblocksUserService } from './services/users.js';
import { LiveblocksWebhookKeys, LiveblocksWebhookService, LiveblocksWebhookSubscriptions } from './services/webhooks.js';

/**
 * The Liveblocks adapter: the REST client and every service. It holds no sockets or timers (`fetch`
 * pools its own connections), so nothing is listed for `close()`.
 */
export const liveblocksAdapter = defineAdapter<ParsedLiveblocksConfig>({
  specificationVersion: 1,
  ...liveblocksConfig,
  capabilities: liveblocksCapabilities,
  // Each README column's config in machine-readable form (by config field), for `unicollab capabilities --json`.
  capabilityVariants: () => {
    const flags: Record<string, Record<string, boolean>> = {
      liveblocks: { managementToken: false },
      'liveblocks (+management token)': { managementToken: true },
    };
    return liveblocksCapabilityVariants().map((v) => ({ ...v, variant: flags[v.label] ?? {} }));
  },
  client: LiveblocksClient,
  bindings: [
    [LIVEBLOCKS_TOKENS.Context, LiveblocksContext],
    [LIVEBLOCKS_TOKENS.WebhookKeys, LiveblocksWebhookKeys],
    [LIVEBLOCKS_TOKENS.Subscriptions, LiveblocksWebhookSubscriptions],
  ],
  services: {
    rooms: LiveblocksRoomService,
    users: LiveblocksUserService,
    threads: LiveblocksThreadService,
    comments: LiveblocksCommentService,
    reactions: LiveblocksReactionService,
    presence: LiveblocksPresenceService,
    notifications: LiveblocksNotificationService,
    auth: LiveblocksAuthService,
    webhooks: LiveblocksWebhookService,
    events: LiveblocksEventService,
    documents: LiveblocksDocumentService,
    storage: LiveblocksStorageService,
  },
});
