import type { CommentBody, CommentInline, CommentParagraph } from '../model/body.js';
import { NO_MENTIONS, type MentionScanner, type MentionToken } from './mention-syntax.js';

/** Options of {@link fromText}. */
export interface FromTextOptions {
  /**
   * Turn `@userId` tokens into mention nodes (default `true`).
   *
   * Rule (the common markdown-to-comment regex, plus trailing-punctuation trimming):
   * an `@` starts a mention when the character before it is not `[A-Za-z0-9_.-]` (or it starts the line)
   * and the character after it is `[A-Za-z0-9_]`; the id then runs over `[A-Za-z0-9_.@-]*`, and
   * trailing `.`, `-` and `@` characters are given back to the text. So `a@b.com` is not a mention,
   * `@bob.` is a mention of `bob` followed by `.`, and `@bob.smith` is a mention of `bob.smith`.
   */
  readonly mentions?: boolean;
  /**
   * Turn bare `http://` / `https://` URLs into link nodes without `text` (default `true`).
   *
   * Rule: the scheme (case-insensitive) must not be preceded by an ASCII letter or digit; the URL runs
   * until whitespace, a control character, `<`, `>` or `"`; then trailing `.`, `,`, `;`, `:`, `!`, `?`
   * and `'` are given back to the text, and so is a trailing `)` while the URL has more `)` than `(`
   * (so `(see https://x.y/a_(b))` keeps the balanced paren). At least one character must remain
   * after `://`, otherwise it stays text.
   */
  readonly links?: boolean;
  /**
   * A mention token syntax to read as mentions (default none, so `{{x}}` stays text): the adapter
   * whose vendor writes mentions as tokens passes its syntax.
   */
  readonly placeholders?: MentionToken | false;
  /**
   * Splits text into text and mentions first, before placeholders, links and `@` mentions (e.g. a
   * vendor's literal display strings of tagged users). Default: none.
   */
  readonly mentionScanner?: MentionScanner;
}

/** Options of {@link toText}. */
export interface ToTextOptions {
  /**
   * Display name for a mentioned user. A mention renders as `@` + name; when this is absent or
   * returns `undefined` or `''`, the user id is used instead.
   */
  readonly resolveUser?: (userId: string) => string | undefined;
  /**
   * Write mentions as this token instead of `@name` (ignores `resolveUser`; ids the token cannot
   * hold fall back to `@name`). Default: `@name`.
   */
  readonly placeholders?: MentionToken | false;
}

type Emit = (from: number, to: number) => void;

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
/** `[A-Za-z0-9_.@-]` */
function isMentionChar(c: number): boolean {
  return isWordChar(c) || c === 46 || c === 64 || c === 45;
}
/** Characters that end a bare URL: whitespace (Unicode), controls, `<`, `>`, `"`. */
function isUrlStop(c: number): boolean {
  if (c <= 32 || c === 0x7f || c === 34 || c === 60 || c === 62) return true;
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    (c >= 0x80 && c <= 0x9f) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Index of the first `ch` (a char code) in `s[from, end)`, or -1. Never looks past `end`. */
function indexIn(s: string, ch: number, from: number, end: number): number {
  for (let i = from; i < end; i++) if (s.charCodeAt(i) === ch) return i;
  return -1;
}

/** Finds `@mentions` in `line[start, end)`. */
function scanMentions(line: string, start: number, end: number, onText: Emit, onMention: (userId: string) => void): void {
  let pos = start;
  let k = indexIn(line, 64, start, end);
  while (k !== -1) {
    const prev = k > 0 ? line.charCodeAt(k - 1) : -1;
    const okPrev = prev === -1 || !(isWordChar(prev) || prev === 46 || prev === 45);
    if (okPrev && k + 1 < end && isWordChar(line.charCodeAt(k + 1))) {
      let e = k + 2;
      while (e < end && isMentionChar(line.charCodeAt(e))) e++;
      while (e > k + 2) {
        const last = line.charCodeAt(e - 1);
        if (last === 46 || last === 45 || last === 64) e--;
        else break;
      }
      if (k > pos) onText(pos, k);
      onMention(line.slice(k + 1, e));
      pos = e;
      k = indexIn(line, 64, e, end);
    } else {
      k = indexIn(line, 64, k + 1, end);
    }
  }
  if (end > pos) onText(pos, end);
}

/** Length of a case-insensitive `http://` / `https://` at `line[p]` (within `end`), else 0. */
function schemeLength(line: string, p: number, end: number): number {
  if (p + 7 > end) return 0;
  if ((line.charCodeAt(p) | 32) !== 104 || (line.charCodeAt(p + 1) | 32) !== 116 || (line.charCodeAt(p + 2) | 32) !== 116 || (line.charCodeAt(p + 3) | 32) !== 112) return 0;
  let q = p + 4;
  if ((line.charCodeAt(q) | 32) === 115) q++;
  if (q + 3 > end || line.charCodeAt(q) !== 58 || line.charCodeAt(q + 1) !== 47 || line.charCodeAt(q + 2) !== 47) return 0;
  return q + 3 - p;
}

/** Finds bare `http(s)://` URLs in `line[start, end)`. */
function scanLinks(line: string, start: number, end: number, onText: Emit, onLink: (url: string) => void): void {
  let pos = start;
  let p = start;
  while (p < end) {
    const c0 = line.charCodeAt(p);
    if ((c0 | 32) !== 104) {
      p++;
      continue;
    }
    const len = schemeLength(line, p, end);
    if (len === 0 || (p > 0 && isAlnum(line.charCodeAt(p - 1)))) {
      p++;
      continue;
    }
    const bodyStart = p + len;
    let q = bodyStart;
    let opens = 0;
    let closes = 0;
    while (q < end) {
      const c = line.charCodeAt(q);
      if (isUrlStop(c)) break;
      if (c === 40) opens++;
      else if (c === 41) closes++;
      q++;
    }
    const scanEnd = q;
    while (q > bodyStart) {
      const c = line.charCodeAt(q - 1);
      if (c === 46 || c === 44 || c === 59 || c === 58 || c === 33 || c === 63 || c === 39) q--;
      else if (c === 41 && closes > opens) {
        closes--;
        q--;
      } else break;
    }
    if (q > bodyStart) {
      if (p > pos) onText(pos, p);
      onLink(line.slice(p, q));
      pos = q;
      p = q;
    } else {
      // nothing but punctuation after the scheme: all of it stays text
      p = scanEnd;
    }
  }
  if (end > pos) onText(pos, end);
}

/** Finds mention tokens in `line[start, end)`. */
function scanTokens(token: MentionToken, line: string, start: number, end: number, onText: Emit, onMention: (userId: string) => void): void {
  const lead = token.lead.charCodeAt(0);
  let pos = start;
  let k = indexIn(line, lead, start, end);
  while (k !== -1) {
    const e = token.match(line, k, end);
    if (e !== -1) {
      if (k > pos) onText(pos, k);
      onMention(token.userId(line, k, e));
      pos = e;
      k = indexIn(line, lead, e, end);
    } else {
      k = indexIn(line, lead, k + 1, end);
    }
  }
  if (end > pos) onText(pos, end);
}

function parseLine(line: string, mentions: boolean, links: boolean, token: MentionToken | undefined, scanner: MentionScanner): CommentInline[] {
  const children: CommentInline[] = [];
  let textStart = -1;
  let textEnd = -1;
  const flushText = (): void => {
    if (textEnd > textStart) children.push({ type: 'text', text: line.slice(textStart, textEnd) });
    textStart = textEnd = -1;
  };
  const onText: Emit = (from, to) => {
    // pieces arrive in order; contiguous ones are merged into a single run
    if (textEnd === from) textEnd = to;
    else {
      flushText();
      textStart = from;
      textEnd = to;
    }
  };
  const onMention = (userId: string): void => {
    flushText();
    children.push({ type: 'mention', userId });
  };
  const onLink = (url: string): void => {
    flushText();
    children.push({ type: 'link', url });
  };
  const atMentions: Emit = mentions ? (a, b) => scanMentions(line, a, b, onText, onMention) : onText;
  const urls: Emit = links ? (a, b) => scanLinks(line, a, b, atMentions, onLink) : atMentions;
  const tokens: Emit = token ? (a, b) => scanTokens(token, line, a, b, urls, onMention) : urls;
  scanner(line, 0, line.length, tokens, onMention);
  flushText();
  return children;
}

/**
 * Plain text to a body: one paragraph per line.
 *
 * - `\r\n` is normalised to `\n` first, then the text is split on `\n` (a lone `\r` stays in the text).
 * - An empty string gives one empty paragraph; `"a\n\nb"` gives three paragraphs, the middle one empty.
 * - Text is never trimmed, collapsed or otherwise interpreted (no markdown).
 * - Mentions, links, placeholders and the mention scanner follow the rules in {@link FromTextOptions}.
 *
 * With the default options `toText(fromText(t))` is `t` with `\r\n` replaced by `\n`.
 */
export function fromText(text: string, options: FromTextOptions = {}): CommentBody {
  const src = typeof text === 'string' ? text : '';
  const o = options ?? {};
  const mentions = o.mentions ?? true;
  const links = o.links ?? true;
  const token = o.placeholders || undefined;
  const scanner = o.mentionScanner ?? NO_MENTIONS;
  const lines = src.replace(/\r\n/g, '\n').split('\n');
  const content: CommentParagraph[] = lines.map((line) => ({
    type: 'paragraph',
    children: parseLine(line, mentions, links, token, scanner),
  }));
  return { version: 1, content };
}

/** `@name` for a mention, per {@link ToTextOptions}. @internal */
export function mentionLabel(userId: string, resolveUser: ((userId: string) => string | undefined) | undefined): string {
  const name = resolveUser ? resolveUser(userId) : undefined;
  return '@' + (typeof name === 'string' && name !== '' ? name : userId);
}

/**
 * A body to plain text: paragraphs joined by `\n`; formatting dropped; a mention renders as
 * `@` + (resolved name, else the user id) or as a token (see {@link ToTextOptions});
 * a link renders as its `text` when non-empty, else its `url` (common renderers use `text ?? url`;
 * this differs only for `text: ''`, which would otherwise make the link vanish).
 */
export function toText(body: CommentBody, options: ToTextOptions = {}): string {
  const token = options?.placeholders || undefined;
  const resolveUser = options?.resolveUser;
  let out = '';
  body.content.forEach((paragraph, i) => {
    if (i > 0) out += '\n';
    for (const node of paragraph.children) {
      if (node.type === 'text') out += node.text;
      else if (node.type === 'mention') {
        out += token?.write(node.userId) ?? mentionLabel(node.userId, resolveUser);
      } else if (node.type === 'link') out += node.text !== undefined && node.text !== '' ? node.text : node.url;
    }
  });
  return out;
}
