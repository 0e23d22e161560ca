import { inject, injectable } from 'inversify';
import { NotFoundError } from '../../../core/errors.js';
import type { CallOptions, Page } from '../../../core/model/common.js';
import {
  type Notification,
  type NotificationListQuery,
  NotificationListQuerySchema,
  type TriggerNotificationInput,
  TriggerNotificationInputSchema,
} from '../../../core/model/notification.js';
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
    this.ctx.id(userId, 'userId', op);
    const q = this.ctx.validate(NotificationListQuerySchema, query, 'query', op);
    const items = [...this.rules.inbox(userId, options).values()].filter((n) => !q.unread || n.readAt === null);
    const list = listKey('notifications', this.ctx.tenantOf(options), userId, { unread: q.unread === true });
    return paginate(items, q, toNotification, { operation: op, list, descending: true });
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
    const data = this.ctx.validate(TriggerNotificationInputSchema, input, '', op);
    if (data.roomId) this.ctx.room(data.roomId, op, options);
    const fields: Omit<StoredNotification, 'id' | 'seq' | 'notifiedAt' | 'readAt'> = {
      userId: data.userId,
      kind: 'custom',
      customKind: data.kind,
      subjectId: data.subjectId,
    };
    if (data.roomId) fields.roomId = data.roomId;
    if (data.data) fields.data = structuredClone(data.data);
    this.rules.add(fields, options);
    await this.ctx.commit(op);
  }

  private find(op: string, userId: string, notificationId: string, options?: CallOptions): StoredNotification {
    this.ctx.id(userId, 'userId', op);
    this.ctx.id(notificationId, 'notificationId', op);
    const n = this.rules.inbox(userId, options).get(notificationId);
    if (!n) throw new NotFoundError(`Notification ${JSON.stringify(notificationId)} not found for user ${JSON.stringify(userId)}`, { provider: 'memory', operation: op, vendorCode: 'NOTIFICATION_NOT_FOUND' });
    return n;
  }
}
