import { ContainerModule } from 'inversify';
import { TOKENS } from '../../core/tokens.js';
import { MemoryStore } from './store.js';
import type { MemoryModuleOptions } from './module-options.js';
import { MemoryAuthService } from './services/auth.js';
import { MemoryCommentService, MemoryReactionService } from './services/comments.js';
import { MEMORY_TOKENS, MemoryContext, type ParsedMemoryConfig } from './services/context.js';
import { MemoryEventService } from './services/events.js';
import { MemoryNotificationRules } from './services/notification-rules.js';
import { MemoryNotificationService } from './services/notifications.js';
import { MemoryPresenceService } from './services/presence.js';
import { MemoryRoomService } from './services/rooms.js';
import { MemoryThreadService } from './services/threads.js';
import { MemoryUserService } from './services/users.js';
import { MemoryWebhookFanout, MemoryWebhookService, MemoryWebhookSubscriptions } from './services/webhooks.js';

export type { MemoryModuleOptions } from './module-options.js';

/**
 * The Inversify module of the embedded provider. Loading it opens `persistPath` if set (taking its
 * lock, loading the snapshot and replaying the journal); closing the lifecycle stops webhook delivery,
 * saves what is pending and releases the lock.
 */
export function createMemoryModule(config: ParsedMemoryConfig, options: MemoryModuleOptions = {}): ContainerModule {
  return new ContainerModule(async ({ bind }) => {
    const store = new MemoryStore({
      ...(config.persistPath ? { persistPath: config.persistPath } : {}),
      ...(config.logger ? { logger: config.logger } : {}),
      legacyTenantId: config.tenantId ?? 'default',
      ...options.store,
    });
    await store.open();
    bind(MEMORY_TOKENS.Store).toConstantValue(store);
    bind(MEMORY_TOKENS.Options).toConstantValue(options);
    bind(MEMORY_TOKENS.Fanout).to(MemoryWebhookFanout).inSingletonScope();
    bind(MEMORY_TOKENS.Context).to(MemoryContext).inSingletonScope();
    bind(MEMORY_TOKENS.NotificationRules).to(MemoryNotificationRules).inSingletonScope();
    bind(MEMORY_TOKENS.Subscriptions).to(MemoryWebhookSubscriptions).inSingletonScope();
    bind(TOKENS.RoomService).to(MemoryRoomService).inSingletonScope();
    bind(TOKENS.UserService).to(MemoryUserService).inSingletonScope();
    bind(TOKENS.ThreadService).to(MemoryThreadService).inSingletonScope();
    bind(TOKENS.CommentService).to(MemoryCommentService).inSingletonScope();
    bind(TOKENS.ReactionService).to(MemoryReactionService).inSingletonScope();
    bind(TOKENS.PresenceService).to(MemoryPresenceService).inSingletonScope();
    bind(TOKENS.NotificationService).to(MemoryNotificationService).inSingletonScope();
    bind(TOKENS.AuthService).to(MemoryAuthService).inSingletonScope();
    bind(TOKENS.WebhookService).to(MemoryWebhookService).inSingletonScope();
    bind(TOKENS.EventService).to(MemoryEventService).inSingletonScope();
    bind(TOKENS.Lifecycle)
      .toResolvedValue(
        (fanout: MemoryWebhookFanout) => ({
          close: async () => {
            try {
              await fanout.close();
            } finally {
              await store.close();
            }
          },
        }),
        [MEMORY_TOKENS.Fanout],
      )
      .inSingletonScope();
  });
}
