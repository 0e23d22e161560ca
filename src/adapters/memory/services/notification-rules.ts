import { inject, injectable } from 'inversify';
import { mentionsOf } from '../../../core/body/index.js';
import type { CallOptions } from '../../../core/model/common.js';
import type { StoredComment, StoredNotification, StoredThread } from '../schemas.js';
import type { Inbox } from '../seq-map.js';
import { MEMORY_TOKENS, type MemoryContext } from './context.js';

/**
 * Inbox rules of the embedded provider, modelled on Liveblocks: a user mentioned in a comment gets a
 * `mention` notification; every other participant of the thread (earlier authors and mentioned users)
 * gets one `thread` notification per thread, refreshed and marked unread on new activity.
 */
@injectable()
export class MemoryNotificationRules {
  constructor(@inject(MEMORY_TOKENS.Context) private readonly ctx: MemoryContext) {}

  /** Applies the rules for a new (or edited, with `onlyNewMentions`) comment. */
  onComment(thread: StoredThread, comment: StoredComment, options?: CallOptions, previousMentions: readonly string[] = []): void {
    const mentioned = mentionsOf(comment.body).filter((u) => u !== comment.authorId && !previousMentions.includes(u));
    for (const userId of mentioned) {
      this.add({ userId, kind: 'mention', roomId: thread.roomId, threadId: thread.id, subjectId: comment.id }, options);
    }
    if (previousMentions.length > 0 || comment.editedAt) return; // edits notify new mentions only
    const participants = new Set<string>();
    for (const c of thread.comments) {
      if (c.id === comment.id) continue;
      participants.add(c.authorId);
      for (const u of mentionsOf(c.body)) participants.add(u);
    }
    participants.delete(comment.authorId);
    for (const userId of mentioned) participants.delete(userId);
    for (const userId of participants) this.touchThread(userId, thread, options);
  }

  /** Adds a notification and announces it. */
  add(fields: Omit<StoredNotification, 'id' | 'seq' | 'notifiedAt' | 'readAt'>, options?: CallOptions): StoredNotification {
    const notification: StoredNotification = {
      ...fields,
      id: this.ctx.store.newId('in'),
      seq: this.ctx.store.nextSeq(),
      notifiedAt: new Date(this.ctx.store.now()),
      readAt: null,
    };
    this.inbox(notification.userId, options).set(notification.id, notification);
    this.ctx.changed({ type: 'notification.created', userId: notification.userId, roomId: notification.roomId, threadId: notification.threadId, data: { notificationId: notification.id, kind: notification.kind } }, options);
    return notification;
  }

  private touchThread(userId: string, thread: StoredThread, options?: CallOptions): void {
    const inbox = this.inbox(userId, options);
    // The per-thread index of the inbox: a reply costs O(participants), not O(their inboxes).
    const existing = inbox.threadNotification(thread.roomId, thread.id);
    if (!existing) {
      this.add({ userId, kind: 'thread', roomId: thread.roomId, threadId: thread.id, subjectId: thread.id }, options);
      return;
    }
    // Fresh activity moves the notification to the top of the inbox and makes it unread again.
    existing.seq = this.ctx.store.nextSeq();
    existing.notifiedAt = new Date(this.ctx.store.now());
    existing.readAt = null;
    inbox.set(existing.id, existing); // its seq changed: move it to the top of the inbox order
    this.ctx.changed({ type: 'notification.created', userId, roomId: thread.roomId, threadId: thread.id, data: { notificationId: existing.id, kind: 'thread' } }, options);
  }

  /** A user's inbox, created on first use. */
  inbox(userId: string, options?: CallOptions): Inbox<StoredNotification> {
    return this.ctx.store.inbox(this.ctx.tenantOf(options), userId);
  }
}
