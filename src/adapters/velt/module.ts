import { httpOptionsFromConfig } from '../../core/http/index.js';
import { ContainerModule } from 'inversify';
import { TOKENS } from '../../core/tokens.js';
import { VeltClient } from './client.js';
import { VeltAuthService } from './services/auth.js';
import { VeltBulk } from './services/bulk.js';
import { VeltCommentService, VeltReactionService } from './services/comments.js';
import { VELT_TOKENS, VeltContext, type ParsedVeltConfig } from './services/context.js';
import { VeltEventService } from './services/events.js';
import { VeltNotificationService } from './services/notifications.js';
import { VeltPresenceService } from './services/presence.js';
import { VeltRoomService } from './services/rooms.js';
import { VeltThreadService } from './services/threads.js';
import { VeltUserService } from './services/users.js';
import { VeltWebhookService, VeltWebhookSubscriptions } from './services/webhooks.js';

/** The Inversify module of the Velt adapter: its REST client and every service. */
export function createVeltModule(config: ParsedVeltConfig): ContainerModule {
  return new ContainerModule(({ bind }) => {
    const client = new VeltClient({
      apiKey: config.apiKey,
      authToken: config.authToken,
      ...(config.baseUrl !== undefined ? { baseUrl: config.baseUrl } : {}),
      ...httpOptionsFromConfig(config),
    });
    bind(TOKENS.VendorClient).toConstantValue(client);
    bind(VELT_TOKENS.Context).to(VeltContext).inSingletonScope();
    bind(VELT_TOKENS.Subscriptions).to(VeltWebhookSubscriptions).inSingletonScope();
    bind(VELT_TOKENS.Bulk).to(VeltBulk).inSingletonScope();
    bind(TOKENS.RoomService).to(VeltRoomService).inSingletonScope();
    bind(TOKENS.UserService).to(VeltUserService).inSingletonScope();
    bind(TOKENS.ThreadService).to(VeltThreadService).inSingletonScope();
    bind(TOKENS.CommentService).to(VeltCommentService).inSingletonScope();
    bind(TOKENS.ReactionService).to(VeltReactionService).inSingletonScope();
    bind(TOKENS.PresenceService).to(VeltPresenceService).inSingletonScope();
    bind(TOKENS.NotificationService).to(VeltNotificationService).inSingletonScope();
    bind(TOKENS.AuthService).to(VeltAuthService).inSingletonScope();
    bind(TOKENS.WebhookService).to(VeltWebhookService).inSingletonScope();
    bind(TOKENS.EventService).to(VeltEventService).inSingletonScope();
    // Nothing to release: HTTP connections are pooled by fetch. Bound so `collab.close()` is uniform.
    bind(TOKENS.Lifecycle).toConstantValue({ close: async () => undefined });
  });
}
