/**
 * The notifier's messages (§2.4.4: messages in the user's rooms that the user has not marked yet) as
 * core notifications. The id is `<room id>:<message id>`, so `markRead` knows which room's marker to move.
 * @module
 */
import type { Notification } from '../../../core/model/notification.js';
import { positiveIntegerId } from '../../../core/records.js';
import { redact } from '../../../core/redact.js';
import type { KabelwerkMessage } from '../schemas.js';
import { kabelwerkDate } from './replies.js';

/** The notification id of a message. */
export function notificationIdOf(message: Pick<KabelwerkMessage, 'id' | 'room_id'>): string {
  return `${message.room_id}:${message.id}`;
}

/** The room and message of a notification id, or `undefined` when it is not one of ours. */
export function parseNotificationId(id: string): { roomNumber: number; messageId: number } | undefined {
  const colon = id.indexOf(':');
  const roomNumber = positiveIntegerId(id.slice(0, colon));
  const messageId = positiveIntegerId(id.slice(colon + 1));
  return colon !== -1 && roomNumber !== undefined && messageId !== undefined ? { roomNumber, messageId } : undefined;
}

/** A notifier message as an unread `thread` notification of `userId` about the room `roomId`. */
export function notificationFromMessage(message: KabelwerkMessage, userId: string, roomId: string, operation: string): Notification {
  return {
    id: notificationIdOf(message),
    userId,
    kind: 'thread',
    roomId,
    threadId: roomId,
    subjectId: String(message.id),
    notifiedAt: kabelwerkDate(message.inserted_at, 'inserted_at', operation),
    readAt: null,
    raw: redact(message),
  };
}
