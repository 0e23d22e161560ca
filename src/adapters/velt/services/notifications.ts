import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'inversify';
import { NotFoundError } from '../../../core/errors.js';
import type { CallOptions, Page } from '../../../core/model/common.js';
import type { Notification, NotificationListQuery, TriggerNotificationInput } from '../../../core/model/notification.js';
import type { NotificationService } from '../../../core/services/notifications.js';
import { assertBatchSucceeded } from '../errors.js';
import { isReadBy, toNotification, TRIGGER_MARKER, type TriggeredSourceData } from '../mappers/notifications.js';
import type { VeltNotification } from '../schemas.js';
import { VELT_TOKENS, type VeltContext } from './context.js';

/**
 * In-app notifications (§9). Velt does not return the id of a notification it adds, so `trigger` sends
 * its own `notificationId`. Read state is written with `readByUserIds` and read back from
 * `readByUserIds`/`isUnread` (UNCONFIRMED in Velt's docs); `unread` is filtered here.
 */
@injectable()
export class VeltNotificationService implements NotificationService {
  constructor(@inject(VELT_TOKENS.Context) private readonly ctx: VeltContext) {}

  async list(userId: string, query: NotificationListQuery = {}, options?: CallOptions): Promise<Page<Notification>> {
    const op = 'notifications.list';
    const org = this.ctx.tenantOf(options);
    return this.ctx.scan({
      operation: op,
      limit: query.limit,
      cursor: query.cursor,
      fetchPage: (pageToken, pageSize) =>
        this.ctx.client.getNotifications({ organizationId: org, userId, pageSize, ...(pageToken ? { pageToken } : {}) }, op, this.ctx.call(options)),
      ...(query.unread ? { match: (n: VeltNotification) => !isReadBy(n, userId) } : {}),
      map: (n) => toNotification(n, userId, this.ctx.notificationDocumentId),
    });
  }

  async markRead(userId: string, notificationId: string, options?: CallOptions): Promise<void> {
    const op = 'notifications.markRead';
    const current = await this.find(userId, notificationId, op, options);
    if (isReadBy(current, userId)) return; // idempotent: nothing to write
    const result = await this.ctx.client.updateNotifications(
      { organizationId: this.ctx.tenantOf(options), userId, notifications: [{ id: notificationId, readByUserIds: [userId] }] },
      op,
      this.ctx.call(options),
    );
    assertBatchSucceeded(result, op);
  }

  async delete(userId: string, notificationId: string, options?: CallOptions): Promise<void> {
    const op = 'notifications.delete';
    await this.find(userId, notificationId, op, options);
    const result = await this.ctx.client.deleteNotifications(
      { organizationId: this.ctx.tenantOf(options), userId, notificationIds: [notificationId] },
      op,
      this.ctx.call(options),
    );
    assertBatchSucceeded(result, op);
  }

  async trigger(input: TriggerNotificationInput, options?: CallOptions): Promise<void> {
    const op = 'notifications.trigger';
    const marker: TriggeredSourceData[typeof TRIGGER_MARKER] = { kind: input.kind, subjectId: input.subjectId };
    if (input.roomId !== undefined) marker.roomId = input.roomId;
    if (input.data !== undefined) marker.data = { ...input.data };
    // Velt notifications belong to a document: without a room, the configured inbox document (created on use).
    const documentId = input.roomId ?? this.ctx.notificationDocumentId;
    const flags = this.ctx.createFlags();
    await this.ctx.client.addNotification(
      {
        organizationId: this.ctx.tenantOf(options),
        documentId,
        ...(flags.createOrganization ? { createOrganization: true } : {}),
        ...(input.roomId === undefined || flags.createDocument ? { createDocument: true } : {}),
        notificationId: `uc-${randomUUID()}`,
        actionUser: { userId: input.userId },
        displayHeadlineMessageTemplate: input.kind,
        displayBodyMessage: input.subjectId,
        notifyUsers: [{ userId: input.userId }],
        // Velt's default notifyAll: true would notify every user of the organization (§9.1).
        notifyAll: false,
        notificationSource: 'custom',
        notificationSourceData: { [TRIGGER_MARKER]: marker } satisfies TriggeredSourceData,
      },
      op,
      this.ctx.call(options),
    );
  }

  /** The notification, or `NotFoundError`: Velt's per-item failure ("Failed to update notification.") does not say why. */
  private async find(userId: string, notificationId: string, op: string, options?: CallOptions): Promise<VeltNotification> {
    const page = await this.ctx.client.getNotifications(
      { organizationId: this.ctx.tenantOf(options), userId, notificationIds: [notificationId] },
      op,
      this.ctx.call(options),
    );
    const found = page.items.find((n) => n.id === notificationId);
    if (!found) {
      throw new NotFoundError(`velt ${op}: notification ${JSON.stringify(notificationId)} not found for user ${JSON.stringify(userId)}`, {
        provider: 'velt',
        operation: op,
        vendorCode: 'NOT_FOUND',
      });
    }
    return found;
  }
}
