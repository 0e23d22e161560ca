/**
 * Stored notifications -> core notifications (deep copies: callers may mutate what they get without touching the store).
 * @module
 */
import { cloneJson } from '../../../core/clone.js';
import type { Notification } from '../../../core/model/notification.js';
import type { StoredNotification } from '../schemas.js';

/** Stored notification -> core Notification. */
export function toNotification(n: StoredNotification): Notification {
  const { seq: _seq, ...rest } = n;
  const out: Notification = {
    id: n.id,
    userId: n.userId,
    kind: n.kind,
    notifiedAt: new Date(n.notifiedAt),
    readAt: n.readAt ? new Date(n.readAt) : null,
    raw: cloneJson(rest),
  };
  if (n.customKind !== undefined) out.customKind = n.customKind;
  if (n.roomId !== undefined) out.roomId = n.roomId;
  if (n.threadId !== undefined) out.threadId = n.threadId;
  if (n.subjectId !== undefined) out.subjectId = n.subjectId;
  if (n.data !== undefined) out.data = cloneJson(n.data);
  return out;
}
