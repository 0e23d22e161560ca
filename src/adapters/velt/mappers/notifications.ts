/**
 * Velt notifications <-> core notifications, and the marker of notifications triggered through unicollab (§9).
 * @module
 */
import type { Notification } from '../../../core/model/notification.js';
import { rec } from '../../../core/records.js';
import { redact } from '../../../core/redact.js';
import type { VeltNotification } from '../schemas.js';

/** The marker under which `notifications.trigger` stores its fields in `notificationSourceData`. */
export const TRIGGER_MARKER = 'unicollab';

/** What `notifications.trigger` stores in `notificationSourceData` so `list` can give it back. */
export interface TriggeredSourceData {
  [TRIGGER_MARKER]: { kind: string; subjectId: string; roomId?: string; data?: Record<string, string | number | boolean> };
}

/** Whether Velt reports the notification read by `userId` (`readByUserIds`/`isUnread`, UNCONFIRMED §9). */
export function isReadBy(n: VeltNotification, userId: string): boolean {
  if (typeof n.isUnread === 'boolean') return !n.isUnread;
  return (n.readByUserIds ?? []).includes(userId);
}

/**
 * A Velt notification -> core Notification of `userId`.
 * - `custom` source written by `notifications.trigger` -> `custom` with its kind, subject, room and data;
 * - `comment` source -> `mention` when the user is tagged in the thread, else `thread`;
 * - any other source (`huddle`, `crdt`...) -> `custom` with `customKind` = the source.
 * `readAt`: Velt returns no read time, so a read notification reports its own time (`timestamp`).
 * `inboxDocumentId` is the document `trigger` uses when no room is given: it is not reported as a room.
 */
export function toNotification(n: VeltNotification, userId: string, inboxDocumentId: string): Notification {
  const notifiedAt = new Date(n.timestamp);
  const documentId = n.metadata?.documentId;
  const out: Notification = {
    id: n.id,
    userId,
    kind: 'custom',
    notifiedAt,
    readAt: isReadBy(n, userId) ? notifiedAt : null,
    raw: redact(n),
  };
  if (documentId !== undefined && documentId !== inboxDocumentId) out.roomId = documentId;
  const source = rec(n.notificationSourceData);
  const triggered = rec(source?.[TRIGGER_MARKER]);
  if (n.notificationSource === 'comment') {
    const annotationId = n.targetAnnotationId ?? (typeof source?.annotationId === 'string' ? source.annotationId : undefined);
    if (annotationId) out.threadId = annotationId;
    const comments = Array.isArray(source?.comments) ? (source.comments as unknown[]).map(rec) : [];
    const mentioning = comments.filter((c) => Array.isArray(c?.taggedUserContacts) && (c.taggedUserContacts as unknown[]).some((t) => rec(t)?.userId === userId));
    const mentionedIds = Array.isArray(source?.mentionedUserIds) ? (source.mentionedUserIds as unknown[]) : [];
    if (mentioning.length > 0 || mentionedIds.includes(userId)) {
      out.kind = 'mention';
      const last = mentioning[mentioning.length - 1]?.commentId;
      out.subjectId = last !== undefined ? String(last) : (annotationId ?? n.id);
    } else {
      out.kind = 'thread';
      if (annotationId) out.subjectId = annotationId;
    }
  } else if (triggered && typeof triggered.kind === 'string') {
    out.customKind = triggered.kind;
    if (typeof triggered.subjectId === 'string') out.subjectId = triggered.subjectId;
    if (typeof triggered.roomId === 'string') out.roomId = triggered.roomId;
    const data = rec(triggered.data);
    if (data) out.data = { ...data };
  } else if (n.notificationSource) {
    out.customKind = n.notificationSource;
  }
  return out;
}
