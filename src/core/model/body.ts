import { z } from 'zod';

/** A run of text, with optional inline formatting. */
export const CommentTextSchema = z.object({
  type: z.literal('text'),
  text: z.string(),
  bold: z.boolean().optional(),
  italic: z.boolean().optional(),
  strikethrough: z.boolean().optional(),
  code: z.boolean().optional(),
});
/** A run of text, with optional inline formatting. */
export type CommentText = z.infer<typeof CommentTextSchema>;

/** A mention of a user (by id). */
export const CommentMentionSchema = z.object({ type: z.literal('mention'), userId: z.string().min(1) });
/** A mention of a user (by id). */
export type CommentMention = z.infer<typeof CommentMentionSchema>;

/** A link; `text` is shown instead of the URL when present. */
export const CommentLinkSchema = z.object({ type: z.literal('link'), url: z.string().min(1), text: z.string().optional() });
/** A link; `text` is shown instead of the URL when present. */
export type CommentLink = z.infer<typeof CommentLinkSchema>;

/** An inline node of a paragraph. */
export const CommentInlineSchema = z.discriminatedUnion('type', [CommentTextSchema, CommentMentionSchema, CommentLinkSchema]);
/** An inline node of a paragraph. */
export type CommentInline = z.infer<typeof CommentInlineSchema>;

/** A paragraph block. */
export const CommentParagraphSchema = z.object({ type: z.literal('paragraph'), children: z.array(CommentInlineSchema) });
/** A paragraph block. */
export type CommentParagraph = z.infer<typeof CommentParagraphSchema>;

/**
 * The portable rich-text body of a comment: paragraphs of text runs, mentions and links.
 * A common rich-text comment format; `unicollab`'s `body` helpers convert it to and from text and HTML.
 */
export const CommentBodySchema = z.object({ version: z.literal(1), content: z.array(CommentParagraphSchema) });
/** The portable rich-text body of a comment. */
export type CommentBody = z.infer<typeof CommentBodySchema>;
