import { nodeCrypto } from '../../../core/node-crypto.js';
import { inject, injectable } from 'inversify';
import { NotFoundError, ProviderResponseError } from '../../../core/errors.js';
import type { CallOptions, Page } from '../../../core/model/common.js';
import type { Notification, NotificationListQuery, TriggerNotificationInput } from '../../../core/model/notification.js';
import type { NotificationService } from '../../../core/services/notifications.js';
import { assertBatchSucceeded, batchError } from '../errors.js';
import { itemOutcome } from '../mappers/batch-items.js';
import { isReadBy, toNotification, TRIGGER_MARKER, type TriggeredSourceData } from '../mappers/notifications.js';
import type { VeltItemMap, VeltNotification } from '../schemas.js';
import { VELT_TOKENS, type VeltContext } from './context.js';

/**
 * In-app notifications (§9). Velt does not return the id of a notification it adds, so `trigger` sends
 * its own `notificationId`. Read state is written with `readByUserIds` and read back from
 * `readByUserIds`/`isUnread` (UNCONFIRMED in Velt's docs); `unread` is filtered here.
 *
 * `markRead` and `delete` write first and read only when the write's per-item answer is a failure, to
 * report `NotFoundError` (issue 12: one request on the happy path instead of two). This relies on what the
 * reference documents for those answers: a per-item map keyed by the ids sent, `success: false` with
 * "Failed to update notification." / "Failed to delete notification." for an item not written (§9.3,
 * §9.4 examples). UNCONFIRMED in Velt's docs: that an unknown id (or one outside `userId`'s feed) is such a
 * failure rather than a silent `success: true` (the examples do not say why their item failed), and that
 * `userId` scopes the update the way it scopes the delete (§9.4, INF). The emulator answers both as failures.
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

  /**
   * One request on the happy path: the update itself (§9.3). Velt answers a per-item map; an id it could not
   * update is `{ success: false, message: "Failed to update notification." }`, which does not say why, so only
   * then is the notification read (`explainFailure`): missing for this user -> `NotFoundError`, else the
   * failure as it is. Writing an already read notification again is harmless (`readByUserIds` marks these
   * users read, §9.3), so there is no read first to skip it.
   */
  async markRead(userId: string, notificationId: string, options?: CallOptions): Promise<void> {
    const op = 'notifications.markRead';
    const result = await this.ctx.client.updateNotifications(
      { organizationId: this.ctx.tenantOf(options), userId, notifications: [{ id: notificationId, readByUserIds: [userId] }] },
      op,
      this.ctx.call(options),
    );
    await this.settle(result, userId, notificationId, op, options);
  }

  /**
   * One request on the happy path: the delete itself (§9.4), scoped by `userId` and the id (the filters of
   * a delete are AND-combined, §9.4 INF), so another user's notification is not in scope. A failed entry
   * ("Failed to delete notification.") is explained by a read, as for `markRead`.
   */
  async delete(userId: string, notificationId: string, options?: CallOptions): Promise<void> {
    const op = 'notifications.delete';
    const result = await this.ctx.client.deleteNotifications(
      { organizationId: this.ctx.tenantOf(options), userId, notificationIds: [notificationId] },
      op,
      this.ctx.call(options),
    );
    await this.settle(result, userId, notificationId, op, options);
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
        notificationId: `uc-${nodeCrypto().randomUUID()}`,
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

  /**
   * Checks the per-item answer of a single-notification write: applied -> done; failed -> read the
   * notification to tell "not found for this user" (`NotFoundError`) from any other failure (the batch error
   * as Velt gave it); no entry for the id at all -> `ProviderResponseError` (not the documented shape,
   * §9.3/§9.4, and not taken as a success).
   */
  private async settle(result: VeltItemMap, userId: string, notificationId: string, op: string, options?: CallOptions): Promise<void> {
    const outcome = itemOutcome(result, notificationId);
    if (outcome.kind === 'applied') {
      assertBatchSucceeded(result, op); // any other failed entry is still reported
      return;
    }
    if (outcome.kind === 'absent') {
      throw new ProviderResponseError(`velt ${op}: the answer has no entry for the notification`, {
        provider: 'velt',
        operation: op,
        path: `result.data.${notificationId}`,
      });
    }
    let failure: unknown = batchError(op, [{ id: notificationId, ...(outcome.entry.message ? { message: outcome.entry.message } : {}) }], [], { vendorCode: 'ITEM_FAILED' });
    try {
      assertBatchSucceeded(result, op);
    } catch (err) {
      failure = err; // the error every other batch write reports (it names every failed entry)
    }
    let exists: boolean;
    try {
      exists = await this.exists(userId, notificationId, op, options);
    } catch {
      // The read only explains the failure: when it fails too, the write's own failure is the answer.
      throw failure;
    }
    if (!exists) {
      throw new NotFoundError(`velt ${op}: notification ${JSON.stringify(notificationId)} not found for user ${JSON.stringify(userId)}`, {
        provider: 'velt',
        operation: op,
        vendorCode: 'NOT_FOUND',
      });
    }
    throw failure;
  }

  /** Whether the notification is in `userId`'s feed (§9.2 filtered by `userId` and the id). */
  private async exists(userId: string, notificationId: string, op: string, options?: CallOptions): Promise<boolean> {
    const page = await this.ctx.client.getNotifications(
      { organizationId: this.ctx.tenantOf(options), userId, notificationIds: [notificationId] },
      op,
      this.ctx.call(options),
    );
    return page.items.some((n) => n.id === notificationId);
  }
}
