import { z } from 'zod';
import { IdSchema, RawSchema } from './common.js';
import { jsonObject } from './json.js';

/** What a notification is about: activity in a thread, a mention, or an app-defined kind. */
export const NotificationKindSchema = z.enum(['thread', 'mention', 'custom']);
/** What a notification is about. */
export type NotificationKind = z.infer<typeof NotificationKindSchema>;

/** An inbox notification of one user. */
export const NotificationSchema = z.object({
  id: z.string(),
  userId: z.string(),
  kind: NotificationKindSchema,
  /** For `custom` notifications: the app's own kind name (without any vendor prefix such as `$`). */
  customKind: z.string().optional(),
  roomId: z.string().optional(),
  threadId: z.string().optional(),
  subjectId: z.string().optional(),
  notifiedAt: z.date(),
  readAt: z.date().nullable(),
  data: z.record(z.string(), z.unknown()).optional(),
  raw: RawSchema,
});
/** An inbox notification of one user. */
export type Notification = z.infer<typeof NotificationSchema>;

/** Filter and paging of `notifications.list`. */
export const NotificationListQuerySchema = z.object({
  unread: z.boolean().optional(),
  limit: z.number().int().min(1).max(1000).optional(),
  cursor: z.string().min(1).optional(),
});
/** Filter and paging of `notifications.list`. */
export type NotificationListQuery = z.input<typeof NotificationListQuerySchema>;

/** Input of `notifications.trigger`: an app-defined notification. */
export const TriggerNotificationInputSchema = z.object({
  userId: IdSchema,
  /** The app's kind name, e.g. `fileUploaded` (letters, digits, `_`, `-`). */
  kind: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'must start with a letter and use only letters, digits, _ and -'),
  subjectId: IdSchema,
  roomId: IdSchema.optional(),
  /** Flat JSON data: string, number or boolean values (and the JSON limits of `jsonObject`). */
  data: jsonObject<Record<string, string | number | boolean>>().pipe(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))).optional(),
});
/** Input of `notifications.trigger`. */
export type TriggerNotificationInput = z.input<typeof TriggerNotificationInputSchema>;
