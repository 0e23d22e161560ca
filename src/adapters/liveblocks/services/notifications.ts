import { inject, injectable } from 'inversify';
import type { CallOptions, Page } from '../../../core/model/common.js';
import type { Notification, NotificationListQuery, TriggerNotificationInput } from '../../../core/model/notification.js';
import type { NotificationService } from '../../../core/services/notifications.js';
import type { LbListNotificationsQuery } from '../client.js';
import { toNotification } from '../mappers/notifications.js';
import type { LbTriggerBody } from '../schemas.js';
import { LIVEBLOCKS_TOKENS, type LiveblocksContext } from './context.js';

/** `GET /v2/users/{id}/inbox-notifications` accepts 1-50 per page (section 3.6). */
const MAX_PAGE = 50;

/**
 * Liveblocks inbox notifications. Kinds map `thread` -> `thread`, `textMention` -> `mention`,
 * `$kind` -> `custom` (`customKind` without the `$`). Comment mentions reach the mentioned user as
 * `thread` notifications: that is how Liveblocks notifies them.
 *
 * Beyond the core interface: `get` and `deleteAll`. The guard knows only core methods, so these two
 * check their own capability and ids.
 */
@injectable()
export class LiveblocksNotificationService implements NotificationService {
  constructor(@inject(LIVEBLOCKS_TOKENS.Context) private readonly ctx: LiveblocksContext) {}

  /** Lists one page, newest first; `unread` filters in the query language; `limit` above 50 is capped. */
  async list(userId: string, query: NotificationListQuery = {}, options?: CallOptions): Promise<Page<Notification>> {
    const wire: LbListNotificationsQuery = {
      limit: query.limit === undefined ? undefined : Math.min(query.limit, MAX_PAGE),
      startingAfter: query.cursor,
      query: query.unread === undefined ? undefined : `unread:${query.unread}`,
      organizationId: this.ctx.tenantOf(options),
    };
    const page = await this.ctx.client.listNotifications(userId, wire, options?.signal);
    return { items: page.data.map((n) => toNotification(n, userId)), nextCursor: page.nextCursor || null };
  }

  /** Gets one notification of a user (`GET /v2/users/{userId}/inbox-notifications/{id}`). */
  async get(userId: string, notificationId: string, options?: CallOptions): Promise<Notification> {
    const op = 'notifications.get';
    this.ctx.assert('notifications.list');
    const n = await this.ctx.client.getNotification(this.ctx.id(userId, 'userId', op), this.ctx.id(notificationId, 'notificationId', op), options?.signal);
    return toNotification(n, userId);
  }

  /**
   * Marks a notification read (`POST /v2/inbox-notifications/{id}/read`). Liveblocks identifies
   * notifications project-wide, so `userId` is not sent: the id alone decides.
   */
  async markRead(userId: string, notificationId: string, options?: CallOptions): Promise<void> {
    // Liveblocks' mark-read route takes a project-wide id and no user, so without this read through the
    // user's own inbox a wrong userId would mark someone else's notification. A 404 here is NotFoundError.
    const current = await this.ctx.client.getNotification(userId, notificationId, options?.signal);
    if (current.readAt != null) return; // already read: idempotent without a write
    await this.ctx.client.markNotificationRead(notificationId, options?.signal);
  }

  /** Deletes one notification (`DELETE /v2/users/{userId}/inbox-notifications/{id}`). */
  async delete(userId: string, notificationId: string, options?: CallOptions): Promise<void> {
    await this.ctx.client.deleteNotification(userId, notificationId, options?.signal);
  }

  /** Deletes every notification of a user in the call's organization (`DELETE /v2/users/{userId}/inbox-notifications`). */
  async deleteAll(userId: string, options?: CallOptions): Promise<void> {
    const op = 'notifications.deleteAll';
    this.ctx.assert('notifications.delete');
    await this.ctx.client.deleteAllNotifications(this.ctx.id(userId, 'userId', op), this.ctx.tenantOf(options), options?.signal);
  }

  /**
   * Sends a custom notification (`POST /v2/inbox-notifications/trigger`, kind `$<kind>`, `data` as the
   * activity data). Liveblocks groups triggers with the same user, kind, subject and room into one
   * notification with several activities; the listed `data` is the latest activity's.
   */
  async trigger(input: TriggerNotificationInput, options?: CallOptions): Promise<void> {
    const body: LbTriggerBody = { userId: input.userId, kind: `$${input.kind}`, subjectId: input.subjectId, activityData: input.data ?? {} };
    if (input.roomId !== undefined) body.roomId = input.roomId;
    const organizationId = this.ctx.tenantOf(options);
    if (organizationId !== undefined) body.organizationId = organizationId;
    await this.ctx.client.triggerNotification(body, options?.signal);
  }
}
