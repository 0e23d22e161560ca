import { inject, injectable } from 'inversify';
import { CollabError } from '../../../core/errors.js';
import type { CallOptions } from '../../../core/model/common.js';
import type { Comment, CreateCommentInput, EditCommentInput, ReactionInput } from '../../../core/model/comment.js';
import type { CommentService, ReactionService } from '../../../core/services/comments.js';
import { toWireBody } from '../mappers/bodies.js';
import { toComment, toWireThreadMetadata } from '../mappers/threads.js';
import { LIVEBLOCKS_TOKENS, type LiveblocksContext } from './context.js';

/** Liveblocks comments over `/v2/rooms/{roomId}/threads/{threadId}/comments`. */
@injectable()
export class LiveblocksCommentService implements CommentService {
  constructor(@inject(LIVEBLOCKS_TOKENS.Context) private readonly ctx: LiveblocksContext) {}

  /** Adds a reply (`POST .../comments`). */
  async create(input: CreateCommentInput, options?: CallOptions): Promise<Comment> {
    const op = 'comments.create';
    const body: { userId: string; body: ReturnType<typeof toWireBody>; metadata?: Record<string, string | number | boolean> } = {
      userId: input.authorId,
      body: toWireBody(input.body),
    };
    if (input.metadata !== undefined) body.metadata = toWireThreadMetadata(input.metadata, 'metadata', op);
    return toComment(await this.ctx.client.createComment(input.roomId, input.threadId, body, options?.signal));
  }

  /**
   * Gets a comment (`GET .../comments/{id}`). Liveblocks answers 404 for a deleted comment
   * (`NotFoundError`); in `threads.get` a deleted comment stays listed with `deletedAt` and an empty body.
   */
  async get(roomId: string, threadId: string, commentId: string, options?: CallOptions): Promise<Comment> {
    return toComment(await this.ctx.client.getComment(roomId, threadId, commentId, 'comments.get', options?.signal));
  }

  /** Replaces a comment's body (`POST .../comments/{id}`); Liveblocks sets `editedAt`. */
  async edit(roomId: string, threadId: string, commentId: string, input: EditCommentInput, options?: CallOptions): Promise<Comment> {
    return toComment(await this.ctx.client.editComment(roomId, threadId, commentId, toWireBody(input.body), options?.signal));
  }

  /** Deletes a comment (`DELETE .../comments/{id}`); deleting the last one deletes the thread (Liveblocks' rule). */
  async delete(roomId: string, threadId: string, commentId: string, options?: CallOptions): Promise<void> {
    await this.ctx.client.deleteComment(roomId, threadId, commentId, options?.signal);
  }
}

/**
 * Liveblocks reactions (`add-reaction` / `remove-reaction`). The core contract makes both idempotent
 * and return the updated comment; Liveblocks answers 409 to a repeated add, 404 to removing an absent
 * reaction, and only the user's reaction, so each call is the write then a `GET` of the comment.
 */
@injectable()
export class LiveblocksReactionService implements ReactionService {
  constructor(@inject(LIVEBLOCKS_TOKENS.Context) private readonly ctx: LiveblocksContext) {}

  /** Adds `userId`'s reaction; adding it again is a no-op. */
  async add(input: ReactionInput, options?: CallOptions): Promise<Comment> {
    return this.react('reactions.add', input, true, options);
  }

  /** Removes `userId`'s reaction; removing an absent one is a no-op (a missing comment is still `NotFoundError`). */
  async remove(input: ReactionInput, options?: CallOptions): Promise<Comment> {
    return this.react('reactions.remove', input, false, options);
  }

  private async react(op: 'reactions.add' | 'reactions.remove', input: ReactionInput, add: boolean, options?: CallOptions): Promise<Comment> {
    const { roomId, threadId, commentId, userId, emoji } = input;
    const signal = options?.signal;
    try {
      await this.ctx.client.reaction(roomId, threadId, commentId, add, userId, emoji, signal);
    } catch (err) {
      // 409 "Reaction already exists" / 404 "Comment reaction not found" are the no-op cases. A 404 for a
      // missing room, thread or comment resurfaces from the GET below, so it is not swallowed.
      const noop = CollabError.is(err) && (add ? err.code === 'conflict' : err.code === 'not_found');
      if (!noop) throw err;
    }
    return toComment(await this.ctx.client.getComment(roomId, threadId, commentId, op, signal));
  }
}
