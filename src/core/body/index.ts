/**
 * `CommentBody` helpers used by every adapter: plain text and HTML in and out, plus normalisation
 * and queries. Zero dependencies beyond the model's zod schema; every function is linear-time in its
 * input and never throws on well-typed input (`fromText`/`fromHtml` never throw on any string).
 *
 * - Vendor mention formats (template placeholders, display texts of tagged users) are not known here:
 *   an adapter passes them as a {@link MentionToken} (`placeholders`) or a {@link MentionScanner}
 *   (`mentionScanner`).
 * @module
 */
export { fromText, toText, type FromTextOptions, type ToTextOptions } from './text.js';
export { toHtml, type ToHtmlOptions } from './html.js';
export { fromHtml, type FromHtmlOptions } from './parse-html.js';
export { normalizeBody, bodyEquals, isEmptyBody, mentionsOf, linksOf } from './normalize.js';
export { isSafeLinkUrl } from './url.js';
export type { MentionToken, MentionScanner } from './mention-syntax.js';
