import { ContainerModule } from 'inversify';
import { TOKENS } from '../../core/tokens.js';
import { LiveblocksClient, type ParsedLiveblocksConfig } from './client.js';
import { LiveblocksAuthService } from './services/auth.js';
import { LiveblocksCommentService, LiveblocksReactionService } from './services/comments.js';
import { LIVEBLOCKS_TOKENS, LiveblocksContext } from './services/context.js';
import { LiveblocksEventService } from './services/events.js';
import { LiveblocksNotificationService } from './services/notifications.js';
import { LiveblocksPresenceService } from './services/presence.js';
import { LiveblocksRoomService } from './services/rooms.js';
import { LiveblocksThreadService } from './services/threads.js';
import { LiveblocksUserService } from './services/users.js';
import { LiveblocksWebhookKeys, LiveblocksWebhookService, LiveblocksWebhookSubscriptions } from './services/webhooks.js';

/**
 * The Inversify module of the Liveblocks adapter: the REST client (`TOKENS.VendorClient`) and every
 * service, all singletons, so each is built once at start-up. The adapter holds no sockets or timers
 * (`fetch` pools its own connections), so it binds no `TOKENS.Lifecycle`.
 *
 * @param _config - The validated config; services read it through `TOKENS.Config`.
 */
export function createLiveblocksModule(_config: ParsedLiveblocksConfig): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(TOKENS.VendorClient).to(LiveblocksClient).inSingletonScope();
    bind(LIVEBLOCKS_TOKENS.Context).to(LiveblocksContext).inSingletonScope();
    bind(LIVEBLOCKS_TOKENS.WebhookKeys).to(LiveblocksWebhookKeys).inSingletonScope();
    bind(LIVEBLOCKS_TOKENS.Subscriptions).to(LiveblocksWebhookSubscriptions).inSingletonScope();
    bind(TOKENS.RoomService).to(LiveblocksRoomService).inSingletonScope();
    bind(TOKENS.UserService).to(LiveblocksUserService).inSingletonScope();
    bind(TOKENS.ThreadService).to(LiveblocksThreadService).inSingletonScope();
    bind(TOKENS.CommentService).to(LiveblocksCommentService).inSingletonScope();
    bind(TOKENS.ReactionService).to(LiveblocksReactionService).inSingletonScope();
    bind(TOKENS.PresenceService).to(LiveblocksPresenceService).inSingletonScope();
    bind(TOKENS.NotificationService).to(LiveblocksNotificationService).inSingletonScope();
    bind(TOKENS.AuthService).to(LiveblocksAuthService).inSingletonScope();
    bind(TOKENS.WebhookService).to(LiveblocksWebhookService).inSingletonScope();
    bind(TOKENS.EventService).to(LiveblocksEventService).inSingletonScope();
  });
}
