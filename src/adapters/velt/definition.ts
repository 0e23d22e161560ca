import { defineAdapter } from '../../core/adapter.js';
import { httpOptionsFromConfig } from '../../core/http/index.js';
import { TOKENS } from '../../core/tokens.js';
import { veltCapabilities, veltCapabilityVariants } from './capabilities.js';
import { VeltClient } from './client.js';
import { veltConfig } from './config.js';
import { VeltAuthService } from './services/auth.js';
import { VeltBulk } from './services/bulk.js';
import { VeltCommentService, VeltReactionService } from './services/comments.js';
import { VELT_TOKENS, VeltContext, type ParsedVeltConfig } from './services/context.js';
import { VeltDocumentService } from './services/documents.js';
import { VeltEventService } from './services/events.js';
import { VeltNotificationService } from './services/notifications.js';
import { VeltPresenceService } from './services/presence.js';
import { VeltRoomService } from './services/rooms.js';
import { VeltThreadService } from './services/threads.js';
import { VeltUserService } from './services/users.js';
import { VeltWebhookService, VeltWebhookSubscriptions } from './services/webhooks.js';

/** The Velt adapter: its REST client (built from plain options) and every service. */
export const veltAdapter = defineAdapter<ParsedVeltConfig>({
  specificationVersion: 1,
  ...veltConfig,
  capabilities: veltCapabilities,
  // Each README column's config in machine-readable form (by config field), for `unicollab capabilities --json`.
  capabilityVariants: () => {
    const flags: Record<string, Record<string, boolean>> = {
      velt: { webhookAuthToken: false, webhookSecret: false },
      'velt (+basic webhooks)': { webhookAuthToken: true, webhookSecret: false },
      'velt (+advanced webhooks)': { webhookAuthToken: false, webhookSecret: true },
    };
    return veltCapabilityVariants().map((v) => ({ ...v, variant: flags[v.label] ?? {} }));
  },
  setup: (config) => [
    [
      TOKENS.VendorClient,
      new VeltClient({
        apiKey: config.apiKey,
        authToken: config.authToken,
        ...(config.baseUrl !== undefined ? { baseUrl: config.baseUrl } : {}),
        ...httpOptionsFromConfig(config),
      }),
    ],
  ],
  bindings: [
    [VELT_TOKENS.Context, VeltContext],
    [VELT_TOKENS.Subscriptions, VeltWebhookSubscriptions],
    [VELT_TOKENS.Bulk, VeltBulk],
  ],
  services: {
    rooms: VeltRoomService,
    users: VeltUserService,
    threads: VeltThreadService,
    comments: VeltCommentService,
    reactions: VeltReactionService,
    presence: VeltPresenceService,
    notifications: VeltNotificationService,
    auth: VeltAuthService,
    webhooks: VeltWebhookService,
    events: VeltEventService,
    documents: VeltDocumentService,
  },
  conformance: {
    skip: {
      'notifications.thread-reply':
        'Velt notifies only from /commentannotations/add with triggerNotification; replies added through REST (/commentannotations/comments/add) notify nobody (velt.md §7.8, §15.7)',
    },
  },
});
