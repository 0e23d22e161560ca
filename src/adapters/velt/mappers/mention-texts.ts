/**
 * Literal display strings that stand for mentions (Velt's `taggedUserContacts[].text`, e.g. `"@Jim Halpert"`).
 * @module
 */
import type { MentionScanner } from '../../../core/body/mention-syntax.js';

/**
 * A literal string that, wherever it occurs in text, stands for a mention of `userId`.
 * Velt sends these as `taggedUserContacts: [{ userId, text: "@Jim Halpert", contact }]` next to a
 * `commentText`/`commentHtml` that contains the literal `@Jim Halpert`.
 */
export interface MentionText {
  /** The mentioned user's id (must be non-empty; entries with an empty id are ignored). */
  readonly userId: string;
  /** The literal text to replace, e.g. `"@Jim Halpert"` (entries with an empty text are ignored). */
  readonly text: string;
}

/** Entries usable for matching: non-empty, longest text first (so the longest match wins at a position). @internal */
export function prepareMentionTexts(list: readonly MentionText[] | undefined): MentionText[] {
  if (!list || list.length === 0) return [];
  const out: MentionText[] = [];
  for (const entry of list) {
    if (entry && typeof entry.text === 'string' && typeof entry.userId === 'string' && entry.text !== '' && entry.userId !== '') {
      out.push({ userId: entry.userId, text: entry.text });
    }
  }
  out.sort((a, b) => b.text.length - a.text.length);
  return out;
}

/**
 * Splits `s[start, end)` at leftmost(-longest) occurrences of the prepared mention texts.
 * Calls `onText(from, to)` for the gaps (non-empty) and `onMention(userId)` for matches, in order.
 * @internal
 */
export function splitMentionTexts(
  s: string,
  start: number,
  end: number,
  entries: readonly MentionText[],
  onText: (from: number, to: number) => void,
  onMention: (userId: string) => void,
): void {
  if (entries.length === 0) {
    if (end > start) onText(start, end);
    return;
  }
  // next[k] caches the next occurrence of entries[k] at or after the current position.
  const next = new Array<number>(entries.length).fill(-2);
  let pos = start;
  for (;;) {
    let best = -1;
    let bestIdx = Infinity;
    for (let k = 0; k < entries.length; k++) {
      const entry = entries[k]!;
      let at = next[k]!;
      if (at !== -1 && at < pos) {
        at = s.indexOf(entry.text, pos);
        if (at !== -1 && at + entry.text.length > end) at = -1;
        next[k] = at;
      }
      if (at !== -1 && at < bestIdx) {
        bestIdx = at;
        best = k;
      }
    }
    if (best === -1) break;
    if (bestIdx > pos) onText(pos, bestIdx);
    const entry = entries[best]!;
    onMention(entry.userId);
    pos = bestIdx + entry.text.length;
  }
  if (end > pos) onText(pos, end);
}

/**
 * A body mention scanner for Velt's tagged-contact texts: wherever one of `list`'s texts occurs
 * (leftmost, longest first), it is a mention of that entry's user. Entries with an empty id or text are ignored.
 */
export function mentionTextScanner(list: readonly MentionText[] | undefined): MentionScanner {
  const entries = prepareMentionTexts(list);
  return (s, start, end, onText, onMention) => splitMentionTexts(s, start, end, entries, onText, onMention);
}
