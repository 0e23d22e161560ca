/**
 * `CommentBody` helpers used by every adapter: plain text and HTML in and out, plus normalisation
 * and queries. Zero dependencies beyond the model's zod schema; every function is linear-time in its
 * input and never throws on well-typed input (`fromText`/`fromHtml` never throw on any string).
 *
 * - Liveblocks stores `CommentBody` natively (inline text nodes lack `type: 'text'` on the wire).
 * - Velt: `commentText` ⇄ {@link fromText}/{@link toText} with `placeholders`/`mentionStyle: 'placeholder'`
 *   for `{{userId}}`; `commentHtml` ⇄ {@link fromHtml}/{@link toHtml}; `taggedUserContacts[].text`
 *   (`"@Jim Halpert"`) ⇄ the `mentionTexts` option.
 * - Kabelwerk: `text` ⇄ {@link fromText}/{@link toText}; its rendered `html` (`<p>`, `<br>`, `<em>`,
 *   `<strong>`, `<a target="_blank">`) ⇄ {@link fromHtml}.
 * @module
 */
export { fromText, toText, type FromTextOptions, type ToTextOptions } from './text.js';
export { toHtml, type ToHtmlOptions } from './html.js';
export { fromHtml, type FromHtmlOptions } from './parse-html.js';
export { normalizeBody, bodyEquals, isEmptyBody, mentionsOf, linksOf } from './normalize.js';
export { isSafeLinkUrl } from './url.js';
export type { MentionText } from './mention-texts.js';
