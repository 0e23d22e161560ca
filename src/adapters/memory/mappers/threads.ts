/**
 * Stored threads and comments -> core ones (deep copies: callers may mutate what they get without touching the store).
 * @module
 */
import { cloneJson } from '../../../core/clone.js';
import type { Comment } from '../../../core/model/comment.js';
import type { Thread } from '../../../core/model/thread.js';
import type { StoredComment, StoredThread } from '../schemas.js';

/** Stored comment -> core Comment. */
export function toComment(comment: StoredComment): Comment {
  const out: Comment = {
    id: comment.id,
    threadId: comment.threadId,
    roomId: comment.roomId,
    authorId: comment.authorId,
    body: cloneJson(comment.body),
    createdAt: new Date(comment.createdAt),
    reactions: comment.reactions.map((r) => ({ emoji: r.emoji, userIds: [...r.userIds], createdAt: new Date(r.createdAt) })),
    metadata: cloneJson(comment.metadata),
    raw: cloneJson(comment),
  };
  if (comment.editedAt) out.editedAt = new Date(comment.editedAt);
  return out;
}

/** Stored thread -> core Thread. */
export function toThread(thread: StoredThread): Thread {
  const { comments: _comments, seq: _seq, ...rest } = thread;
  return {
    id: thread.id,
    roomId: thread.roomId,
    resolved: thread.resolved,
    metadata: cloneJson(thread.metadata),
    comments: thread.comments.map(toComment),
    createdAt: new Date(thread.createdAt),
    updatedAt: new Date(thread.updatedAt),
    raw: cloneJson(rest),
  };
}
