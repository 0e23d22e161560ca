import { inject, injectable } from 'inversify';
import { NotFoundError } from '../../../core/errors.js';
import type { CallOptions, Page } from '../../../core/model/common.js';
import type { Notification, NotificationListQuery, TriggerNotificationInput } from '../../../core/model/notification.js';
import type { NotificationService } from '../../../core/services/notifications.js';
import { listKey } from '../../../core/paging.js';
import { toNotification } from '../mappers/notifications.js';
import { paginate } from '../mappers/paging.js';
import type { StoredNotification } from '../schemas.js';
import { MEMORY_TOKENS, type MemoryContext } from './context.js';
import type { MemoryNotificationRules } from './notification-rules.js';

/** Inbox notifications of the embedded provider, newest first. */
@injectable()
export class MemoryNotificationService implements NotificationService {
  constructor(
    @inject(MEMORY_TOKENS.Context) private readonly ctx: MemoryContext,
    @inject(MEMORY_TOKENS.NotificationRules) private readonly rules: MemoryNotificationRules,
  ) {}

  async list(userId: string, query: NotificationListQuery = {}, options?: CallOptions): Promise<Page<Notification>> {
    const op = 'notifications.list';
    const list = listKey('notifications', this.ctx.tenantOf(options), userId, { unread: query.unread === true });
    return paginate(this.rules.inbox(userId, options), query, toNotification, { operation: op, list, descending: true }, (n) => !query.unread || n.readAt === null);
  }

  async markRead(userId: string, notificationId: string, options?: CallOptions): Promise<void> {
    const op = 'notifications.markRead';
    const n = this.find(op, userId, notificationId, options);
    if (n.readAt === null) {
      n.readAt = new Date(this.ctx.store.now());
      this.ctx.touchedNotification(userId, notificationId, options);
    }
    await this.ctx.commit(op);
  }

  async delete(userId: string, notificationId: string, options?: CallOptions): Promise<void> {
    const op = 'notifications.delete';
    this.find(op, userId, notificationId, options);
    this.rules.inbox(userId, options).delete(notificationId);
    this.ctx.touchedNotification(userId, notificationId, options);
    await this.ctx.commit(op);
  }

  async trigger(input: TriggerNotificationInput, options?: CallOptions): Promise<void> {
    const op = 'notifications.trigger';
    if (input.roomId) this.ctx.room(input.roomId, op, options);
    const fields: Omit<StoredNotification, 'id' | 'seq' | 'notifiedAt' | 'readAt'> = {
      userId: input.userId,
      kind: 'custom',
      customKind: input.kind,
      subjectId: input.subjectId,
    };
    if (input.roomId) fields.roomId = input.roomId;
    if (input.data) fields.data = structuredClone(input.data);
    this.rules.add(fields, options);
    await this.ctx.commit(op);
  }

  private find(op: string, userId: string, notificationId: string, options?: CallOptions): StoredNotification {
    const n = this.rules.inbox(userId, options).get(notificationId);
    if (!n) throw new NotFoundError(`Notification ${JSON.stringify(notificationId)} not found for user ${JSON.stringify(userId)}`, { provider: 'memory', operation: op, vendorCode: 'NOTIFICATION_NOT_FOUND' });
    return n;
  }
}
