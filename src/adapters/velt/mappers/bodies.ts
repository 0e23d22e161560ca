/**
 * Core `CommentBody` <-> Velt `commentText` + `commentHtml` + `taggedUserContacts` (§7.1, §7.3).
 * @module
 */
import { fromHtml, fromText, mentionsOf, normalizeBody, toHtml, toText } from '../../../core/body/index.js';
import type { CommentBody } from '../../../core/model/body.js';
import type { Metadata } from '../../../core/model/common.js';
import type { VeltCommentInput, VeltTaggedContactInput } from '../schemas.js';
import { mentionTextScanner, type MentionText } from './mention-texts.js';
import { VELT_PLACEHOLDER } from './placeholder.js';

/** What Velt stores for a comment body: plain text and HTML with `{{userId}}` mention placeholders, plus the tagged users. */
export interface VeltBodyFields {
  commentText: string;
  commentHtml: string;
  taggedUserContacts: VeltTaggedContactInput[];
}

/**
 * A `CommentBody` -> `commentText` + `commentHtml` + `taggedUserContacts`. Mentions are written as
 * Velt's `{{userId}}` placeholders (§7.3) and every mentioned user is tagged, with `text: "@userId"`
 * (required by comments/add, §7.8; also the fallback for ids a placeholder cannot hold).
 */
export function toVeltBody(body: CommentBody): VeltBodyFields {
  const normalised = normalizeBody(body);
  return {
    commentText: toText(normalised, { placeholders: VELT_PLACEHOLDER }),
    commentHtml: toHtml(normalised, { placeholders: VELT_PLACEHOLDER }),
    taggedUserContacts: mentionsOf(normalised).map((userId) => ({ userId, contact: { userId }, text: `@${userId}` })),
  };
}

/** What `fromVeltBody` reads of a comment (a stored comment, a webhook's comment, or `toVeltBody`'s output). */
export interface VeltBodyInput {
  commentText?: string | null | undefined;
  commentHtml?: string | null | undefined;
  taggedUserContacts?: ReadonlyArray<{ userId: string; text?: string | null | undefined; contact?: unknown }> | null | undefined;
}

/**
 * `commentHtml` (preferred: it keeps formatting and link texts) or `commentText` -> `CommentBody`.
 * `{{userId}}` placeholders become mentions; a tagged contact's display text (`"@Jim Halpert"`, as the
 * Velt UI writes it) becomes a mention too, unless that user already appears as a placeholder (so a
 * literal "@bob" typed next to a real mention of bob stays text).
 */
export function fromVeltBody(comment: VeltBodyInput): CommentBody {
  const html = typeof comment.commentHtml === 'string' && comment.commentHtml !== '' ? comment.commentHtml : undefined;
  const source = html ?? comment.commentText ?? '';
  const mentionTexts: MentionText[] = [];
  for (const tag of comment.taggedUserContacts ?? []) {
    if (typeof tag.text === 'string' && tag.text !== '' && !source.includes(`{{${tag.userId}}}`)) mentionTexts.push({ userId: tag.userId, text: tag.text });
  }
  const mentionScanner = mentionTextScanner(mentionTexts);
  if (html !== undefined) return normalizeBody(fromHtml(html, { placeholders: VELT_PLACEHOLDER, mentionScanner }));
  // Plain text from Velt marks mentions only by placeholders or tagged texts, never by a bare `@word`.
  return normalizeBody(fromText(source, { placeholders: VELT_PLACEHOLDER, mentionScanner, mentions: false }));
}

/** A comment to send: body fields, author and per-comment metadata (`context`). */
export function toVeltComment(input: { authorId: string; body: CommentBody; metadata?: Metadata | undefined }): VeltCommentInput {
  const fields = toVeltBody(input.body);
  const out: VeltCommentInput = { commentText: fields.commentText, commentHtml: fields.commentHtml, from: { userId: input.authorId } };
  if (fields.taggedUserContacts.length > 0) out.taggedUserContacts = fields.taggedUserContacts;
  if (input.metadata && Object.keys(input.metadata).length > 0) out.context = { ...input.metadata };
  return out;
}
