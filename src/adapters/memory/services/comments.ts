import { inject, injectable } from 'inversify';
import { mentionsOf } from '../../../core/body/index.js';
import type { Comment, CreateCommentInput, EditCommentInput, ReactionInput } from '../../../core/model/comment.js';
import type { CallOptions } from '../../../core/model/common.js';
import type { CommentService, ReactionService } from '../../../core/services/comments.js';
import { toComment } from '../mappers/threads.js';
import { copyMetadata } from '../../../core/metadata.js';
import type { StoredComment } from '../schemas.js';
import { MEMORY_TOKENS, type MemoryContext } from './context.js';
import type { MemoryNotificationRules } from './notification-rules.js';

/** Comments of the embedded provider. */
@injectable()
export class MemoryCommentService implements CommentService {
  constructor(
    @inject(MEMORY_TOKENS.Context) private readonly ctx: MemoryContext,
    @inject(MEMORY_TOKENS.NotificationRules) private readonly rules: MemoryNotificationRules,
  ) {}

  async create(input: CreateCommentInput, options?: CallOptions): Promise<Comment> {
    const op = 'comments.create';
    const thread = this.ctx.thread(input.roomId, input.threadId, op, options);
    const now = new Date(this.ctx.store.now());
    const comment: StoredComment = {
      id: this.ctx.store.newId('cm'),
      threadId: thread.id,
      roomId: thread.roomId,
      authorId: input.authorId,
      body: structuredClone(input.body),
      createdAt: now,
      reactions: [],
      metadata: copyMetadata(input.metadata),
    };
    thread.comments.push(comment);
    thread.updatedAt = now;
    this.ctx.changed({ type: 'comment.created', roomId: thread.roomId, threadId: thread.id, commentId: comment.id, userId: comment.authorId }, options);
    this.rules.onComment(thread, comment, options);
    await this.ctx.commit(op);
    return toComment(comment);
  }

  async get(roomId: string, threadId: string, commentId: string, options?: CallOptions): Promise<Comment> {
    const op = 'comments.get';
    return toComment(this.ctx.comment(roomId, threadId, commentId, op, options).comment);
  }

  async edit(roomId: string, threadId: string, commentId: string, input: EditCommentInput, options?: CallOptions): Promise<Comment> {
    const op = 'comments.edit';
    const { body } = input;
    const { thread, comment } = this.ctx.comment(roomId, threadId, commentId, op, options);
    const before = mentionsOf(comment.body);
    comment.body = structuredClone(body);
    comment.editedAt = new Date(this.ctx.store.now());
    thread.updatedAt = comment.editedAt;
    this.ctx.changed({ type: 'comment.edited', roomId, threadId, commentId, userId: comment.authorId }, options);
    this.rules.onComment(thread, comment, options, before);
    await this.ctx.commit(op);
    return toComment(comment);
  }

  async delete(roomId: string, threadId: string, commentId: string, options?: CallOptions): Promise<void> {
    const op = 'comments.delete';
    const { thread } = this.ctx.comment(roomId, threadId, commentId, op, options);
    thread.comments = thread.comments.filter((c) => c.id !== commentId);
    this.ctx.changed({ type: 'comment.deleted', roomId, threadId, commentId }, options);
    if (thread.comments.length === 0) {
      // As on Liveblocks: a thread whose last comment is deleted is deleted too.
      this.ctx.room(roomId, op, options).threads.delete(threadId);
      this.ctx.changed({ type: 'thread.deleted', roomId, threadId }, options);
    }
    await this.ctx.commit(op);
  }
}

/** Reactions of the embedded provider. Adding twice or removing an absent reaction changes nothing. */
@injectable()
export class MemoryReactionService implements ReactionService {
  constructor(@inject(MEMORY_TOKENS.Context) private readonly ctx: MemoryContext) {}

  async add(input: ReactionInput, options?: CallOptions): Promise<Comment> {
    const op = 'reactions.add';
    const { comment } = this.ctx.comment(input.roomId, input.threadId, input.commentId, op, options);
    let reaction = comment.reactions.find((r) => r.emoji === input.emoji);
    if (!reaction) comment.reactions.push((reaction = { emoji: input.emoji, userIds: [], createdAt: new Date(this.ctx.store.now()) }));
    if (!reaction.userIds.includes(input.userId)) {
      reaction.userIds.push(input.userId);
      this.ctx.changed({ type: 'reaction.added', roomId: input.roomId, threadId: input.threadId, commentId: input.commentId, userId: input.userId, data: { emoji: input.emoji } }, options);
    }
    await this.ctx.commit(op);
    return toComment(comment);
  }

  async remove(input: ReactionInput, options?: CallOptions): Promise<Comment> {
    const op = 'reactions.remove';
    const { comment } = this.ctx.comment(input.roomId, input.threadId, input.commentId, op, options);
    const reaction = comment.reactions.find((r) => r.emoji === input.emoji);
    if (reaction?.userIds.includes(input.userId)) {
      reaction.userIds = reaction.userIds.filter((u) => u !== input.userId);
      if (reaction.userIds.length === 0) comment.reactions = comment.reactions.filter((r) => r !== reaction);
      this.ctx.changed({ type: 'reaction.removed', roomId: input.roomId, threadId: input.threadId, commentId: input.commentId, userId: input.userId, data: { emoji: input.emoji } }, options);
    }
    await this.ctx.commit(op);
    return toComment(comment);
  }
}
