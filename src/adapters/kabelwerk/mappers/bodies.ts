/**
 * Core `CommentBody` <-> Kabelwerk message text. Kabelwerk messages are plain text with a little
 * markdown (docs/vendors/kabelwerk.md §2.5: `*em*`, `**strong**`, `[text](url)` and autolinks), answered as
 * escaped `text` and rendered `html` (`<p>` paragraphs, `<br>` line breaks). It has no mentions, no
 * strikethrough and no code, so the conversion is lossy:
 *
 * - bold and italic become markdown; strikethrough and code runs are sent as plain text;
 * - a mention is written `@userId`, and an `@userId` in a message reads back as a mention;
 * - a link with a text is `[text](url)` (http(s) URLs without spaces or parentheses), else its URL;
 * - paragraphs are separated by a blank line; empty paragraphs are dropped;
 * - Kabelwerk has no escape syntax: a literal `*` or `_` in the text may turn into emphasis.
 * @module
 */
import { fromHtml, fromText, normalizeBody, type MentionScanner } from '../../../core/body/index.js';
import type { CommentBody, CommentInline } from '../../../core/model/body.js';

/** `https://...` without the characters that would end a markdown link target. */
const MARKDOWN_LINK_TARGET = /^https?:\/\/[^\s()<>]+$/i;

function emphasised(node: Extract<CommentInline, { type: 'text' }>): string {
  const text = node.text;
  if (!node.bold && !node.italic) return text;
  // Delimiters must hug non-space text: leading and trailing spaces stay outside them.
  const core = text.trim();
  if (core === '') return text;
  const start = text.indexOf(core);
  const lead = text.slice(0, start);
  const trail = text.slice(start + core.length);
  const inner = node.bold && node.italic ? `**_${core}_**` : node.bold ? `**${core}**` : `*${core}*`;
  return lead + inner + trail;
}

function inline(node: CommentInline): string {
  switch (node.type) {
    case 'text':
      return emphasised(node);
    case 'mention':
      return `@${node.userId}`;
    case 'link': {
      const label = node.text;
      if (label === undefined || label === '' || label === node.url) return node.url;
      if (MARKDOWN_LINK_TARGET.test(node.url) && !/[\]\n]/.test(label)) return `[${label}](${node.url})`;
      return `${label} (${node.url})`;
    }
  }
}

/** A body as the text of a Kabelwerk message (see the module notes for what is lost). */
export function toKabelwerkText(body: CommentBody): string {
  return normalizeBody(body)
    .content.map((paragraph) => paragraph.children.map(inline).join(''))
    .filter((text) => text.trim() !== '')
    .join('\n\n');
}

/**
 * Reads `@userId` in a text run as a mention, with the rule of core `fromText` (so `a@b.com` stays
 * text and a trailing `.` is not part of the id).
 */
export const atMentions: MentionScanner = (s, start, end, onText, onMention) => {
  const parsed = fromText(s.slice(start, end), { links: false });
  let at = start;
  parsed.content.forEach((paragraph, i) => {
    if (i > 0) {
      onText(at, at + 1);
      at += 1;
    }
    for (const node of paragraph.children) {
      if (node.type === 'text') {
        if (node.text.length > 0) onText(at, at + node.text.length);
        at += node.text.length;
      } else if (node.type === 'mention') {
        onMention(node.userId);
        at += 1 + node.userId.length;
      }
    }
  });
};

/** What `fromKabelwerkMessage` reads of a message. */
export interface KabelwerkMessageText {
  readonly html: string;
  readonly text: string;
}

/** A Kabelwerk message's `html` (else its escaped `text`) as a body; `@userId` reads as a mention. */
export function fromKabelwerkMessage(message: KabelwerkMessageText): CommentBody {
  const source = message.html.trim() !== '' ? message.html : message.text;
  // `text` is the input with HTML entities escaped, so it parses as HTML too.
  return normalizeBody(fromHtml(source, { mentionScanner: atMentions }));
}
