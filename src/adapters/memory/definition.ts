import { type AdapterDefinition, defineAdapter } from '../../core/adapter.js';
import { memoryCapabilities } from './capabilities.js';
import { memoryConfig, type ParsedMemoryConfig } from './config.js';
import type { MemoryModuleOptions } from './module-options.js';
import { MemoryAuthService } from './services/auth.js';
import { MemoryCommentService, MemoryReactionService } from './services/comments.js';
import { MEMORY_TOKENS, MemoryContext } from './services/context.js';
import { MemoryDocumentService } from './services/documents.js';
import { MemoryEventService } from './services/events.js';
import { MemoryNotificationRules } from './services/notification-rules.js';
import { MemoryNotificationService } from './services/notifications.js';
import { MemoryPresenceService } from './services/presence.js';
import { MemoryRoomService } from './services/rooms.js';
import { MemoryStorageService } from './services/storage.js';
import { MemoryThreadService } from './services/threads.js';
import { MemoryUserService } from './services/users.js';
import { MemoryWebhookFanout, MemoryWebhookService, MemoryWebhookSubscriptions } from './services/webhooks.js';
import { MemoryStore } from './store.js';

export type { MemoryModuleOptions } from './module-options.js';

/**
 * The embedded provider with internal options (failing file systems, tiny retry schedules: for
 * tests and embedders). Start-up opens `persistPath` if set (taking its lock, loading the snapshot and
 * replaying the journal); `close()` stops webhook delivery first, then saves what is pending and
 * releases the lock.
 */
export function memoryDefinition(options: MemoryModuleOptions = {}): AdapterDefinition<ParsedMemoryConfig> {
  return defineAdapter<ParsedMemoryConfig>({
    specificationVersion: 1,
    ...memoryConfig,
    capabilities: memoryCapabilities,
    setup: async (config) => {
      const store = new MemoryStore({
        ...(config.persistPath ? { persistPath: config.persistPath } : {}),
        ...(config.logger ? { logger: config.logger } : {}),
        legacyTenantId: config.tenantId ?? 'default',
        ...options.store,
      });
      await store.open();
      return [
        [MEMORY_TOKENS.Store, store],
        [MEMORY_TOKENS.Options, options],
      ];
    },
    bindings: [
      [MEMORY_TOKENS.Fanout, MemoryWebhookFanout],
      [MEMORY_TOKENS.Context, MemoryContext],
      [MEMORY_TOKENS.NotificationRules, MemoryNotificationRules],
      [MEMORY_TOKENS.Subscriptions, MemoryWebhookSubscriptions],
    ],
    services: {
      rooms: MemoryRoomService,
      users: MemoryUserService,
      threads: MemoryThreadService,
      comments: MemoryCommentService,
      reactions: MemoryReactionService,
      presence: MemoryPresenceService,
      notifications: MemoryNotificationService,
      auth: MemoryAuthService,
      webhooks: MemoryWebhookService,
      events: MemoryEventService,
      documents: MemoryDocumentService,
      storage: MemoryStorageService,
    },
    lifecycle: [MEMORY_TOKENS.Fanout, MEMORY_TOKENS.Store],
  });
}

/** The embedded provider, as registered. */
export const memoryAdapter = memoryDefinition();
