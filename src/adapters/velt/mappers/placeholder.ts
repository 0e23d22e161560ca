/**
 * Velt's `{{userId}}` mention placeholders (in `commentText` and `commentHtml`).
 * @module
 */
import type { MentionToken } from '../../../core/body/mention-syntax.js';

/** Longest id accepted between the braces. @internal */
export const MAX_PLACEHOLDER_ID = 256;

/** Whitespace/control, `{`, `}`, `<`, `>`, `&`, `"`, `'`. */
function isForbidden(c: number): boolean {
  return c <= 32 || c === 0x7f || c === 123 || c === 125 || c === 60 || c === 62 || c === 38 || c === 34 || c === 39;
}

/**
 * If `s` has a placeholder `{{id}}` starting at `i` (and ending by `end`), returns the index just after
 * the closing `}}`, else -1. Bounded work: at most {@link MAX_PLACEHOLDER_ID} + 4 characters are read.
 * @internal
 */
export function matchPlaceholder(s: string, i: number, end: number): number {
  if (s.charCodeAt(i) !== 123 || s.charCodeAt(i + 1) !== 123) return -1;
  const from = i + 2;
  const limit = Math.min(end, from + MAX_PLACEHOLDER_ID);
  let j = from;
  while (j < limit) {
    const c = s.charCodeAt(j);
    if (c === 125) break;
    if (isForbidden(c)) return -1;
    j++;
  }
  if (j === from || j + 1 >= end || s.charCodeAt(j) !== 125 || s.charCodeAt(j + 1) !== 125) return -1;
  return j + 2;
}

/** Whether `id` can be written as `{{id}}` and read back by {@link matchPlaceholder}. @internal */
export function isPlaceholderId(id: string): boolean {
  if (id.length === 0 || id.length > MAX_PLACEHOLDER_ID) return false;
  for (let j = 0; j < id.length; j++) if (isForbidden(id.charCodeAt(j))) return false;
  return true;
}

/**
 * Velt's `{{userId}}` placeholder as a body mention token: the id between the braces is 1-256
 * characters with no whitespace and none of `{ } < > & " '`; other ids cannot be written as one.
 */
export const VELT_PLACEHOLDER: MentionToken = Object.freeze({
  lead: '{',
  match: matchPlaceholder,
  userId: (s: string, i: number, e: number) => s.slice(i + 2, e - 2),
  write: (userId: string) => (isPlaceholderId(userId) ? '{{' + userId + '}}' : undefined),
});
