import { z } from 'zod';
import { CommentBodySchema } from './body.js';
import { CommentSchema } from './comment.js';
import { IdSchema, MetadataFilterSchema, MetadataSchema, RawSchema } from './common.js';

/** A comment thread in a room (some vendors call it an annotation). */
export const ThreadSchema = z.object({
  id: z.string(),
  roomId: z.string(),
  resolved: z.boolean(),
  metadata: MetadataSchema,
  comments: z.array(CommentSchema),
  createdAt: z.date(),
  updatedAt: z.date().optional(),
  raw: RawSchema,
});
/** A comment thread in a room. */
export type Thread = z.infer<typeof ThreadSchema>;

/** Input of `threads.create`: a thread and its first comment. */
export const CreateThreadInputSchema = z.object({
  roomId: IdSchema,
  /** Client-chosen thread id, where the provider allows one. */
  id: IdSchema.optional(),
  comment: z.object({
    authorId: IdSchema,
    body: CommentBodySchema,
    metadata: MetadataSchema.optional(),
  }),
  metadata: MetadataSchema.optional(),
});
/** Input of `threads.create`. */
export type CreateThreadInput = z.input<typeof CreateThreadInputSchema>;

/** Filter and paging of `threads.list`. */
export const ThreadListQuerySchema = z.object({
  resolved: z.boolean().optional(),
  metadata: MetadataFilterSchema.optional(),
  limit: z.number().int().min(1).max(1000).optional(),
  cursor: z.string().min(1).optional(),
});
/** Filter and paging of `threads.list`. */
export type ThreadListQuery = z.input<typeof ThreadListQuerySchema>;

/** Filter of `threads.iterate`: the list query without a cursor. */
export const ThreadIterateQuerySchema = ThreadListQuerySchema.omit({ cursor: true });

/** Input of `threads.resolve` / `threads.unresolve`. */
export const ResolveThreadInputSchema = z.object({ userId: IdSchema });
/** Input of `threads.resolve` / `threads.unresolve`. */
export type ResolveThreadInput = z.input<typeof ResolveThreadInputSchema>;
