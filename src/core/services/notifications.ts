import type { CallOptions, Page } from '../model/common.js';
import type { Notification, NotificationListQuery, TriggerNotificationInput } from '../model/notification.js';

/** Users' inbox notifications. */
export interface NotificationService {
  /** Lists one page of a user's notifications, newest first. */
  list(userId: string, query?: NotificationListQuery, options?: CallOptions): Promise<Page<Notification>>;
  /** Marks a notification read (idempotent). `NotFoundError` when unknown. */
  markRead(userId: string, notificationId: string, options?: CallOptions): Promise<void>;
  /** Deletes a notification. `NotFoundError` when unknown. */
  delete(userId: string, notificationId: string, options?: CallOptions): Promise<void>;
  /** Sends an app-defined (custom) notification to a user. */
  trigger(input: TriggerNotificationInput, options?: CallOptions): Promise<void>;
}
