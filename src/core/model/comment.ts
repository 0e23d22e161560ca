import { z } from 'zod';
import { CommentBodySchema } from './body.js';
import { IdSchema, MetadataSchema, RawSchema } from './common.js';

/** All users who reacted to a comment with one emoji. */
export const ReactionSchema = z.object({
  emoji: z.string(),
  userIds: z.array(z.string()),
  createdAt: z.date().optional(),
});
/** All users who reacted to a comment with one emoji. */
export type Reaction = z.infer<typeof ReactionSchema>;

/** A comment inside a thread. A deleted comment may remain with `deletedAt` set and an empty body. */
export const CommentSchema = z.object({
  id: z.string(),
  threadId: z.string(),
  roomId: z.string(),
  authorId: z.string(),
  body: CommentBodySchema,
  createdAt: z.date(),
  editedAt: z.date().optional(),
  deletedAt: z.date().optional(),
  reactions: z.array(ReactionSchema),
  metadata: MetadataSchema,
  raw: RawSchema,
});
/** A comment inside a thread. */
export type Comment = z.infer<typeof CommentSchema>;

/** Input of `comments.create`: a reply in an existing thread. */
export const CreateCommentInputSchema = z.object({
  roomId: IdSchema,
  threadId: IdSchema,
  authorId: IdSchema,
  body: CommentBodySchema,
  metadata: MetadataSchema.optional(),
});
/** Input of `comments.create`. */
export type CreateCommentInput = z.input<typeof CreateCommentInputSchema>;

/** Input of `comments.edit`. */
export const EditCommentInputSchema = z.object({ body: CommentBodySchema });
/** Input of `comments.edit`. */
export type EditCommentInput = z.input<typeof EditCommentInputSchema>;

/** Input of `reactions.add` / `reactions.remove`. */
export const ReactionInputSchema = z.object({
  roomId: IdSchema,
  threadId: IdSchema,
  commentId: IdSchema,
  userId: IdSchema,
  emoji: z.string().min(1).max(64),
});
/** Input of `reactions.add` / `reactions.remove`. */
export type ReactionInput = z.input<typeof ReactionInputSchema>;
