import type {
  CommentBody,
  CommentInline,
  CommentLink,
  CommentParagraph,
  CommentText,
} from '../model/body.js';

/** Formatting bit for `bold` (`<strong>`, outermost in HTML). @internal */
export const BOLD = 1;
/** Formatting bit for `italic` (`<em>`, inside `<strong>`). @internal */
export const ITALIC = 2;
/** Formatting bit for `strikethrough` (`<s>`, inside `<em>`). @internal */
export const STRIKE = 4;
/** Formatting bit for `code` (`<code>`, innermost). @internal */
export const CODE = 8;

/** The formatting of a text run as a bit mask ({@link BOLD} | {@link ITALIC} | …). @internal */
export function formatMask(node: CommentText): number {
  return (
    (node.bold === true ? BOLD : 0) |
    (node.italic === true ? ITALIC : 0) |
    (node.strikethrough === true ? STRIKE : 0) |
    (node.code === true ? CODE : 0)
  );
}

/** A text node carrying only the `true` formatting flags of `mask`. @internal */
export function textNode(text: string, mask: number): CommentText {
  const node: CommentText = { type: 'text', text };
  if (mask & BOLD) node.bold = true;
  if (mask & ITALIC) node.italic = true;
  if (mask & STRIKE) node.strikethrough = true;
  if (mask & CODE) node.code = true;
  return node;
}

/** A link node in normal form: `text` only when non-empty and different from `url`. @internal */
export function linkNode(url: string, text: string | undefined): CommentLink {
  const node: CommentLink = { type: 'link', url };
  if (text !== undefined && text !== '' && text !== url) node.text = text;
  return node;
}

/**
 * The canonical form of a body. Two bodies with the same canonical form render to the same
 * text ({@link toText}) and HTML ({@link toHtml}).
 *
 * What normalisation does (and so exactly what it "loses"):
 * 1. A `\n` inside a text run splits the paragraph there (the text run's formatting is kept on both
 *    sides). `toText` output is unchanged by this, since paragraphs are joined by `\n`.
 * 2. Empty text runs (`text: ''`) are dropped.
 * 3. Formatting flags that are `false` or absent are omitted; only `true` flags remain.
 * 4. Adjacent text runs with identical formatting are merged into one.
 * 5. A link's `text` is omitted when it is `''` or equal to its `url` (both render as the URL).
 * 6. Unknown extra properties on nodes are dropped (e.g. a vendor's `kind` on a mention).
 * 7. A body with no paragraphs gets one empty paragraph.
 *
 * What normalisation keeps: empty paragraphs (they are blank lines), whitespace-only text runs,
 * all whitespace inside text (no trimming or collapsing), link URLs byte for byte, mention ids,
 * and the order of everything.
 *
 * Never mutates its argument; always returns fresh objects.
 */
export function normalizeBody(body: CommentBody): CommentBody {
  const content: CommentParagraph[] = [];
  for (const paragraph of body.content) {
    let children: CommentInline[] = [];
    let buf = '';
    let bufMask = -1;
    const flush = (): void => {
      if (buf !== '') children.push(textNode(buf, bufMask));
      buf = '';
    };
    for (const node of paragraph.children) {
      if (node.type === 'text') {
        const mask = formatMask(node);
        const text = node.text;
        let start = 0;
        for (;;) {
          const nl = text.indexOf('\n', start);
          const part = nl === -1 ? text.slice(start) : text.slice(start, nl);
          if (part !== '') {
            if (mask !== bufMask) {
              flush();
              bufMask = mask;
            }
            buf += part;
          }
          if (nl === -1) break;
          flush();
          content.push({ type: 'paragraph', children });
          children = [];
          start = nl + 1;
        }
      } else if (node.type === 'mention') {
        flush();
        children.push({ type: 'mention', userId: node.userId });
      } else if (node.type === 'link') {
        flush();
        children.push(linkNode(node.url, node.text));
      }
    }
    flush();
    content.push({ type: 'paragraph', children });
  }
  if (content.length === 0) content.push({ type: 'paragraph', children: [] });
  return { version: 1, content };
}

function inlineEquals(a: CommentInline, b: CommentInline): boolean {
  switch (a.type) {
    case 'text':
      return b.type === 'text' && a.text === b.text && formatMask(a) === formatMask(b);
    case 'mention':
      return b.type === 'mention' && a.userId === b.userId;
    case 'link':
      return b.type === 'link' && a.url === b.url && a.text === b.text;
    default:
      return false;
  }
}

/**
 * Whether two bodies are the same once both are normalised with {@link normalizeBody}
 * (so `{text:'a'},{text:'b'}` equals `{text:'ab'}`, and `bold: false` equals no `bold`).
 */
export function bodyEquals(a: CommentBody, b: CommentBody): boolean {
  const na = normalizeBody(a).content;
  const nb = normalizeBody(b).content;
  if (na.length !== nb.length) return false;
  for (let i = 0; i < na.length; i++) {
    const ca = na[i]!.children;
    const cb = nb[i]!.children;
    if (ca.length !== cb.length) return false;
    for (let j = 0; j < ca.length; j++) if (!inlineEquals(ca[j]!, cb[j]!)) return false;
  }
  return true;
}

/**
 * Whether a body shows nothing: it has no mentions and no links, and every text run is empty or
 * whitespace only (as `String.prototype.trim` defines whitespace). A body with no paragraphs, or
 * only empty paragraphs, is empty.
 */
export function isEmptyBody(body: CommentBody): boolean {
  for (const paragraph of body.content) {
    for (const node of paragraph.children) {
      if (node.type !== 'text') return false;
      if (node.text.trim() !== '') return false;
    }
  }
  return true;
}

/** The ids of all mentioned users, each once, in order of first appearance. */
export function mentionsOf(body: CommentBody): string[] {
  const seen = new Set<string>();
  for (const paragraph of body.content) {
    for (const node of paragraph.children) if (node.type === 'mention') seen.add(node.userId);
  }
  return [...seen];
}

/**
 * All link nodes, in document order (duplicates kept), as fresh `{ type: 'link', url, text? }`
 * objects. Map with `.map((l) => l.url)` for just the URLs.
 */
export function linksOf(body: CommentBody): CommentLink[] {
  const links: CommentLink[] = [];
  for (const paragraph of body.content) {
    for (const node of paragraph.children) {
      if (node.type === 'link') {
        links.push(node.text === undefined ? { type: 'link', url: node.url } : { type: 'link', url: node.url, text: node.text });
      }
    }
  }
  return links;
}
