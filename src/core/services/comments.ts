import type { CallOptions } from '../model/common.js';
import type { Comment, CreateCommentInput, EditCommentInput, ReactionInput } from '../model/comment.js';

/** Comments inside threads. */
export interface CommentService {
  /** Adds a reply to a thread. */
  create(input: CreateCommentInput, options?: CallOptions): Promise<Comment>;
  /** Gets a comment. `NotFoundError` when the room, thread or comment does not exist. */
  get(roomId: string, threadId: string, commentId: string, options?: CallOptions): Promise<Comment>;
  /** Replaces a comment's body; sets `editedAt`. */
  edit(roomId: string, threadId: string, commentId: string, input: EditCommentInput, options?: CallOptions): Promise<Comment>;
  /** Deletes a comment. */
  delete(roomId: string, threadId: string, commentId: string, options?: CallOptions): Promise<void>;
}

/** Emoji reactions on comments. */
export interface ReactionService {
  /** Adds `userId`'s reaction; adding the same reaction twice is a no-op. Returns the updated comment. */
  add(input: ReactionInput, options?: CallOptions): Promise<Comment>;
  /** Removes `userId`'s reaction; removing an absent reaction is a no-op. Returns the updated comment. */
  remove(input: ReactionInput, options?: CallOptions): Promise<Comment>;
}
