/**
 * Liveblocks inbox notifications -> core notifications.
 * @module
 */
import { isoDate } from '../../../core/iso-date.js';
import type { Notification } from '../../../core/model/notification.js';
import type { LbNotification } from '../schemas.js';

/**
 * A Liveblocks inbox notification as a core `Notification`: `thread` stays `thread`, `textMention`
 * becomes `mention` (subject: the mention id), and `$kind` becomes `custom` with `customKind` and the
 * data of its latest activity (Liveblocks groups triggers with the same subject into activities).
 */
export function toNotification(n: LbNotification, userId: string): Notification {
  const out: Notification = {
    id: n.id,
    userId,
    kind: 'custom',
    notifiedAt: isoDate(n.notifiedAt),
    readAt: n.readAt ? isoDate(n.readAt) : null,
    raw: n,
  };
  if (typeof n.roomId === 'string') out.roomId = n.roomId;
  if (n.kind === 'thread') {
    out.kind = 'thread';
    if (n.threadId !== undefined) out.threadId = n.threadId;
  } else if (n.kind === 'textMention') {
    out.kind = 'mention';
    if (n.mentionId !== undefined) out.subjectId = n.mentionId;
  } else {
    out.customKind = n.kind.startsWith('$') ? n.kind.slice(1) : n.kind;
    if (n.subjectId !== undefined) out.subjectId = n.subjectId;
    const last = n.activities?.[n.activities.length - 1];
    if (last) out.data = { ...last.data };
  }
  return out;
}
