/**
 * Hooks through which an adapter teaches the body converters its vendor's mention syntax. Core
 * knows no vendor format: the converters only call these, and an adapter passes its own.
 * @module
 */

/**
 * An inline mention token written in text, such as a template placeholder `{{userId}}`.
 *
 * `match` must read a bounded number of characters, so parsing stays linear in the input.
 */
export interface MentionToken {
  /** The single character every token starts with; text is only searched for it. */
  readonly lead: string;
  /** If a token starts at `s[i]` and ends at or before `end`, the index just after it, else -1. */
  match(s: string, i: number, end: number): number;
  /** The mentioned user's id in the token `s[i, e)` that {@link MentionToken.match} found. */
  userId(s: string, i: number, e: number): string;
  /** `userId` written as a token, or `undefined` when the id cannot be one (the writer falls back to its default mention). */
  write(userId: string): string | undefined;
}

/**
 * Splits `s[start, end)` into text and mentions, before any other rule is applied: for literal
 * strings that stand for mentions (a vendor's display text of a tagged user, say). It calls
 * `onText(from, to)` for the text between mentions and `onMention(userId)` for each mention, in order.
 */
export type MentionScanner = (
  s: string,
  start: number,
  end: number,
  onText: (from: number, to: number) => void,
  onMention: (userId: string) => void,
) => void;

/** A scanner that finds no mentions. @internal */
export const NO_MENTIONS: MentionScanner = (_s, start, end, onText) => {
  if (end > start) onText(start, end);
};
