import { inject, injectable } from 'inversify';
import { NotFoundError, UnsupportedFeatureError } from '../../../core/errors.js';
import type { CallOptions, Page } from '../../../core/model/common.js';
import type { Notification, NotificationListQuery, TriggerNotificationInput } from '../../../core/model/notification.js';
import { decodeListCursor, encodeListCursor, listKey } from '../../../core/paging.js';
import type { NotificationService } from '../../../core/services/notifications.js';
import { notificationFromMessage, parseNotificationId } from '../mappers/notifications.js';
import { parseChannelReply } from '../mappers/replies.js';
import { KabelwerkMessagesSchema } from '../schemas.js';
import { KABELWERK_TOKENS, type KabelwerkContext } from './context.js';
import type { KabelwerkHubSide } from './hub.js';

/** Default page size of `notifications.list`. */
export const DEFAULT_NOTIFICATION_PAGE = 50;

/**
 * A user's notifications are its notifier (§2.4.4): the messages by others in its rooms that it has
 * not marked yet, read by joining `notifier:<userId>` as that user. Read state is the room marker
 * (§2.4.3): `markRead` moves it forward to the message, and a marked message leaves the notifier.
 */
@injectable()
export class KabelwerkNotificationService implements NotificationService {
  constructor(
    @inject(KABELWERK_TOKENS.Context) private readonly ctx: KabelwerkContext,
    @inject(KABELWERK_TOKENS.HubSide) private readonly hub: KabelwerkHubSide,
  ) {}

  async list(userId: string, query: NotificationListQuery = {}, options?: CallOptions): Promise<Page<Notification>> {
    const op = 'notifications.list';
    const listing = listKey('notifications', userId, { unread: query.unread });
    const before = query.cursor === undefined ? undefined : positionOf(decodeListCursor(query.cursor, listing, { provider: this.ctx.provider, operation: op }));
    // Every message the notifier lists is unread: "only read ones" is empty by definition.
    if (query.unread === false) return { items: [], nextCursor: null };
    const realtime = this.ctx.realtime(op);
    const call = this.ctx.rt(op, options);
    const me = await realtime.identity(userId, call);
    const messages = await realtime.withChannel(userId, `notifier:${me.user.id}`, {}, call, async (_channel, reply) => parseChannelReply(KabelwerkMessagesSchema, reply, op, 'notifier join').messages);
    const newestFirst = messages.filter((m) => before === undefined || m.id < before).sort((a, b) => b.id - a.id);
    const limit = query.limit ?? DEFAULT_NOTIFICATION_PAGE;
    const page = newestFirst.slice(0, limit);
    const items: Notification[] = [];
    for (const message of page) {
      // An end user's rooms are its own (one per hub): their id is its key. A hub user's rooms are looked up once each.
      const roomId = me.user.hub_id === null ? userId : await this.hub.roomKeyOf(userId, message.room_id, op, options);
      items.push(notificationFromMessage(message, userId, roomId, op));
    }
    const last = page[page.length - 1];
    return { items, nextCursor: newestFirst.length > limit && last ? encodeListCursor(listing, last.id) : null };
  }

  async markRead(userId: string, notificationId: string, options?: CallOptions): Promise<void> {
    const op = 'notifications.markRead';
    const target = parseNotificationId(notificationId);
    const missing = () => new NotFoundError(`kabelwerk ${op}: notification ${JSON.stringify(notificationId)} of user ${JSON.stringify(userId)} not found`, { provider: this.ctx.provider, operation: op });
    if (!target) throw missing();
    // As the user: a room that is not the user's refuses the join (NotFoundError), so another user's notification is not found.
    await this.hub.joinRoom(userId, target.roomNumber, op, options, async (channel, room) => {
      const loaded = await this.hub.olderMessages(channel, room.messages, op, target.messageId);
      if (!loaded.some((m) => m.id === target.messageId)) throw missing();
      const own = room.markers[0];
      // The marker says "seen up to here": moving it back would mark newer messages unread again.
      if (own && own.message_id >= target.messageId) return;
      await channel.push('move_marker', { message: target.messageId });
    });
  }

  async delete(_userId: string, _notificationId: string, _options?: CallOptions): Promise<void> {
    throw new UnsupportedFeatureError(this.ctx.provider, 'notifications.delete', this.ctx.capabilities.notes['notifications.delete']);
  }

  async trigger(_input: TriggerNotificationInput, _options?: CallOptions): Promise<void> {
    throw new UnsupportedFeatureError(this.ctx.provider, 'notifications.trigger', this.ctx.capabilities.notes['notifications.trigger']);
  }
}

function positionOf(position: unknown): number | undefined {
  return typeof position === 'number' && Number.isSafeInteger(position) ? position : undefined;
}
