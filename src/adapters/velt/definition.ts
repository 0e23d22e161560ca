import { defineAdapter } from '../../core/adapter.js';
import { httpOptionsFromConfig } from '../../core/http/index.js';
import { TOKENS } from '../../core/tokens.js';
import { veltCapabilities, veltCapabilityVariants } from './capabilities.js';
import { VeltClient } from './client.js';
import { veltConfig } from './config.js';
import { createMemoryVeltContentStore } from './self-hosting/store.js';
import { VeltSelfHostingRuntime } from './services/self-hosted.js';
import { registerSecret } from '../../core/redact.js';
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
  setup: async (config) => [
    [
      TOKENS.VendorClient,
      new VeltClient({
        apiKey: config.apiKey,
        authToken: config.authToken,
        ...(config.baseUrl !== undefined ? { baseUrl: config.baseUrl } : {}),
        ...httpOptionsFromConfig(config),
      }),
    ],
    [VELT_TOKENS.SelfHosting, await selfHostingRuntime(config)],
  ],
  lifecycle: [VELT_TOKENS.SelfHosting],
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

/**
 * The self-hosted mode of a config: `selfHosting.store` (yours, left open on close), a PostgreSQL store
 * opened from `selfHostingDatabaseUrl` (migrated here, closed by `collab.close()`), the default in-memory
 * store when `selfHosting` is given without one, or none.
 */
async function selfHostingRuntime(config: ParsedVeltConfig): Promise<VeltSelfHostingRuntime> {
  const blobs = config.selfHosting?.blobs;
  if (config.selfHostingDatabaseUrl !== undefined) {
    registerUrlSecrets(config.selfHostingDatabaseUrl);
    // Loaded only when used: `pg` is an optional peer of the Postgres store.
    const { createPostgresVeltContentStore } = await import('./self-hosting/postgres-store.js');
    const store = createPostgresVeltContentStore({ connectionString: config.selfHostingDatabaseUrl });
    try {
      await store.migrate();
    } catch (error) {
      await store.close().catch(() => {});
      throw error;
    }
    return new VeltSelfHostingRuntime(store, blobs, true);
  }
  if (config.selfHosting !== undefined) return new VeltSelfHostingRuntime(config.selfHosting.store ?? createMemoryVeltContentStore(), blobs, false);
  return new VeltSelfHostingRuntime(undefined, undefined, false);
}

/** Registers the password (raw and decoded) and user info of a database URL as secrets (the whole URL is one already). */
function registerUrlSecrets(url: string): void {
  registerSecret(url);
  try {
    const parsed = new URL(url);
    for (const part of [parsed.password, parsed.username && parsed.password ? `${parsed.username}:${parsed.password}` : '']) {
      if (part === '') continue;
      registerSecret(part);
      registerSecret(decodeURIComponent(part));
    }
  } catch {
    // Not parseable as a URL: the whole string is registered, and POSTGRES_URL_CREDENTIALS covers the usual shape.
  }
}
