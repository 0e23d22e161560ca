import type { CommentBody, CommentInline, CommentParagraph } from '../model/body.js';
import { decodeEntities, decodeEntity } from './entities.js';
import type { MentionScanner, MentionToken } from './mention-syntax.js';
import { BOLD, CODE, ITALIC, STRIKE, linkNode, textNode } from './normalize.js';
import { isSafeLinkUrl } from './url.js';

/** Options of {@link fromHtml}. */
export interface FromHtmlOptions {
  /**
   * A mention token syntax to read in text as mentions (default none, so `{{bob}}` stays text): the
   * adapter whose vendor writes mentions as tokens passes its syntax. Only literal characters count
   * (`&#123;&#123;x}}` is text). Not recognised inside links.
   */
  readonly placeholders?: MentionToken | false;
  /**
   * Splits each text run that is not `code` into text and mentions, after parsing (e.g. a vendor's
   * literal display strings of tagged users). Default: none.
   */
  readonly mentionScanner?: MentionScanner;
}

/** Elements that start/end a paragraph. */
const BLOCK = new Set([
  'p', 'div', 'li', 'ul', 'ol', 'dl', 'dt', 'dd', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote',
  'section', 'article', 'header', 'footer', 'aside', 'nav', 'main', 'figure', 'figcaption', 'address',
  'details', 'summary', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th', 'caption', 'form',
  'fieldset', 'legend', 'body', 'html', 'center',
]);
/** Elements whose whole content is dropped (raw text or not shown). */
const DROP = new Set(['script', 'style', 'template', 'iframe', 'noembed', 'noframes', 'noscript', 'title', 'textarea', 'xmp', 'svg', 'math']);
/** Void elements: never have content or an end tag. */
const VOID = new Set(['br', 'hr', 'img', 'input', 'meta', 'link', 'area', 'base', 'col', 'embed', 'param', 'source', 'track', 'wbr']);

interface Attrs {
  href?: string;
  mentionUserId?: string;
  dataType?: string;
  dataId?: string;
}

interface Tag {
  name: string;
  attrs: Attrs;
  selfClosing: boolean;
  end: number;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 12 || c === 13;
}
function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function trimAsciiSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isSpace(s.charCodeAt(a))) a++;
  while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

/**
 * Parses a tag whose name starts at `s[i]` (just after `<` or `</`). Returns `null` when the input
 * ends inside the tag (the tag is then dropped, as in HTML). Linear in the tag's length.
 */
function parseTag(s: string, i: number): Tag | null {
  const n = s.length;
  let j = i;
  while (j < n) {
    const c = s.charCodeAt(j);
    if (isSpace(c) || c === 47 || c === 62) break;
    j++;
  }
  const name = s.slice(i, j).toLowerCase();
  const attrs: Attrs = {};
  for (;;) {
    while (j < n && isSpace(s.charCodeAt(j))) j++;
    if (j >= n) return null;
    const c = s.charCodeAt(j);
    if (c === 62) return { name, attrs, selfClosing: false, end: j + 1 };
    if (c === 47) {
      if (s.charCodeAt(j + 1) === 62) return { name, attrs, selfClosing: true, end: j + 2 };
      j++;
      continue;
    }
    const nameStart = j;
    j++; // the first character may be anything, even `=`
    while (j < n) {
      const d = s.charCodeAt(j);
      if (isSpace(d) || d === 47 || d === 62 || d === 61) break;
      j++;
    }
    const attrName = s.slice(nameStart, j).toLowerCase();
    while (j < n && isSpace(s.charCodeAt(j))) j++;
    let raw = '';
    if (j < n && s.charCodeAt(j) === 61) {
      j++;
      while (j < n && isSpace(s.charCodeAt(j))) j++;
      if (j >= n) return null;
      const q = s.charCodeAt(j);
      if (q === 34 || q === 39) {
        const close = s.indexOf(q === 34 ? '"' : "'", j + 1);
        if (close === -1) return null;
        raw = s.slice(j + 1, close);
        j = close + 1;
      } else {
        const from = j;
        while (j < n) {
          const d = s.charCodeAt(j);
          if (isSpace(d) || d === 62) break;
          j++;
        }
        raw = s.slice(from, j);
      }
    }
    // first occurrence wins, as in HTML
    switch (attrName) {
      case 'href': if (attrs.href === undefined) attrs.href = decodeEntities(raw); break;
      case 'data-mention-user-id': if (attrs.mentionUserId === undefined) attrs.mentionUserId = decodeEntities(raw); break;
      case 'data-type': if (attrs.dataType === undefined) attrs.dataType = decodeEntities(raw); break;
      case 'data-id': if (attrs.dataId === undefined) attrs.dataId = decodeEntities(raw); break;
      default: break;
    }
  }
}

/** Index just after the end tag `</name…>` that closes a dropped element (or the input's end). */
function skipElement(s: string, from: number, name: string): number {
  const n = s.length;
  let k = from;
  for (;;) {
    const idx = s.indexOf('</', k);
    if (idx === -1) return n;
    let j = idx + 2;
    let m = 0;
    while (m < name.length && j < n && (s.charCodeAt(j) | 32) === name.charCodeAt(m)) {
      j++;
      m++;
    }
    if (m === name.length) {
      if (j >= n) return n;
      const c = s.charCodeAt(j);
      if (isSpace(c) || c === 47 || c === 62) {
        const gt = s.indexOf('>', j);
        return gt === -1 ? n : gt + 1;
      }
    }
    k = idx + 2;
  }
}

interface Anchor {
  url: string;
  text: string;
  pending: boolean;
}

/** Accumulates the body while the tokenizer walks the input. */
class Builder {
  readonly paragraphs: CommentParagraph[] = [];
  children: CommentInline[] = [];
  /** The current paragraph was opened by a block tag and nothing has closed it yet. */
  opened = false;
  buf = '';
  bufMask = 0;
  /** A collapsed space waits to be written before the next content (dropped at the paragraph end). */
  pending = false;
  pendingMask = 0;
  bold = 0;
  italic = 0;
  strike = 0;
  code = 0;
  pre = 0;
  preSkipNewline = false;
  anchor: Anchor | null = null;
  /** Depth of `<span>`s inside a mention span whose content is being skipped. */
  skip = 0;

  readonly lead: number;

  constructor(
    readonly token: MentionToken | undefined,
    readonly scanner: MentionScanner | undefined,
  ) {
    this.lead = token ? token.lead.charCodeAt(0) : -1;
  }

  mask(): number {
    return (this.bold > 0 ? BOLD : 0) | (this.italic > 0 ? ITALIC : 0) | (this.strike > 0 ? STRIKE : 0) | (this.code > 0 ? CODE : 0);
  }

  hasContent(): boolean {
    return this.children.length > 0 || this.buf !== '';
  }

  flushBuf(): void {
    if (this.buf === '') return;
    const text = this.buf;
    const mask = this.bufMask;
    this.buf = '';
    if (this.scanner === undefined || (mask & CODE) !== 0) {
      this.children.push(textNode(text, mask));
      return;
    }
    this.scanner(
      text,
      0,
      text.length,
      (a, b) => this.children.push(textNode(text.slice(a, b), mask)),
      (userId) => this.children.push({ type: 'mention', userId }),
    );
  }

  appendRun(t: string, mask: number): void {
    if (this.buf !== '' && this.bufMask !== mask) this.flushBuf();
    this.bufMask = mask;
    this.buf += t;
  }

  /** Non-whitespace (or preserved whitespace) text; `t` contains no `\n`. */
  addText(t: string): void {
    const a = this.anchor;
    if (a !== null) {
      if (a.pending) {
        a.text += ' ';
        a.pending = false;
      }
      a.text += t;
      return;
    }
    if (this.pending) {
      this.pending = false;
      this.appendRun(' ', this.pendingMask);
    }
    this.appendRun(t, this.mask());
  }

  /** Text that came from a character reference: kept verbatim, but a `\n` breaks the line (outside links). */
  addDecoded(t: string): void {
    if (this.anchor !== null || t.indexOf('\n') === -1) {
      this.addText(t);
      return;
    }
    const parts = t.split('\n');
    parts.forEach((part, idx) => {
      if (idx > 0) this.lineBreak();
      if (part !== '') this.addText(part);
    });
  }

  outerCollapsible(): void {
    if (!this.pending && this.hasContent()) {
      this.pending = true;
      this.pendingMask = this.mask();
    }
  }

  /** Literal whitespace from the source. */
  addWhitespace(c: number): void {
    if (this.pre > 0) {
      if (c === 10) this.lineBreak();
      else this.addText(String.fromCharCode(c));
      return;
    }
    const a = this.anchor;
    if (a !== null) {
      if (a.text !== '') a.pending = true;
      else this.outerCollapsible();
      return;
    }
    this.outerCollapsible();
  }

  addAtom(node: CommentInline): void {
    if (this.pending) {
      this.pending = false;
      this.appendRun(' ', this.pendingMask);
    }
    this.flushBuf();
    this.children.push(node);
  }

  finishAnchor(): void {
    const a = this.anchor;
    if (a === null) return;
    this.anchor = null;
    this.addAtom(linkNode(a.url, a.text));
    if (a.pending) this.outerCollapsible();
  }

  endParagraph(): void {
    this.flushBuf();
    this.paragraphs.push({ type: 'paragraph', children: this.children });
    this.children = [];
    this.pending = false;
  }

  /** `<br>` (or a newline in `<pre>`): ends the line even when it is empty. */
  lineBreak(): void {
    this.finishAnchor();
    this.skip = 0;
    this.pending = false;
    this.endParagraph();
    this.opened = false;
  }

  /** A block tag: `open` (`<p>`), `close` (`</p>`) or `void` (`<hr>`). */
  boundary(kind: 'open' | 'close' | 'void'): void {
    this.finishAnchor();
    this.skip = 0;
    this.pending = false;
    if (this.hasContent() || (kind === 'close' && this.opened)) this.endParagraph();
    this.opened = kind === 'open';
  }

  /** Raw text `s[start, end)` from between tags. */
  text(s: string, start: number, end: number): void {
    if (this.skip > 0) return;
    let i = start;
    if (this.preSkipNewline) {
      this.preSkipNewline = false;
      if (i < end && s.charCodeAt(i) === 10) i++;
    }
    let run = i;
    while (i < end) {
      const c = s.charCodeAt(i);
      if (isSpace(c)) {
        if (run < i) this.addText(s.slice(run, i));
        this.addWhitespace(c);
        i++;
        run = i;
      } else if (c === 38) {
        const r = decodeEntity(s, i, end);
        if (r !== null) {
          if (run < i) this.addText(s.slice(run, i));
          this.addDecoded(r.value);
          i = r.end;
          run = i;
        } else i++; // a literal `&` stays in the run
      } else if (c === this.lead && this.anchor === null) {
        const e = this.token!.match(s, i, end);
        if (e !== -1) {
          if (run < i) this.addText(s.slice(run, i));
          this.addAtom({ type: 'mention', userId: this.token!.userId(s, i, e) });
          i = e;
          run = i;
        } else i++;
      } else i++;
    }
    if (run < end) this.addText(s.slice(run, end));
  }

  startTag(tag: Tag): void {
    this.preSkipNewline = false;
    const name = tag.name;
    if (this.skip > 0) {
      if (name === 'span') {
        this.skip++;
        return;
      }
      if (!BLOCK.has(name) && name !== 'br' && name !== 'hr' && name !== 'pre') return;
    }
    switch (name) {
      case 'b':
      case 'strong':
        this.bold++;
        return;
      case 'i':
      case 'em':
        this.italic++;
        return;
      case 's':
      case 'del':
      case 'strike':
        this.strike++;
        return;
      case 'code':
        this.code++;
        return;
      case 'a': {
        this.finishAnchor();
        const href = trimAsciiSpace(tag.attrs.href ?? '');
        if (isSafeLinkUrl(href)) this.anchor = { url: href, text: '', pending: false };
        return;
      }
      case 'span': {
        const attrs = tag.attrs;
        const id = attrs.mentionUserId !== undefined && attrs.mentionUserId !== '' ? attrs.mentionUserId
          : attrs.dataType === 'mention' && attrs.dataId !== undefined && attrs.dataId !== '' ? attrs.dataId
          : undefined;
        if (id !== undefined && this.anchor === null) {
          this.addAtom({ type: 'mention', userId: id });
          this.skip = 1;
        }
        return;
      }
      case 'br':
        this.lineBreak();
        return;
      case 'hr':
        this.boundary('void');
        return;
      case 'pre':
        this.boundary('open');
        this.pre++;
        this.preSkipNewline = true;
        return;
      default:
        if (BLOCK.has(name)) this.boundary('open');
    }
  }

  endTag(name: string): void {
    this.preSkipNewline = false;
    if (this.skip > 0) {
      if (name === 'span') {
        this.skip--;
        return;
      }
      if (!BLOCK.has(name) && name !== 'br' && name !== 'pre') return;
    }
    switch (name) {
      case 'b':
      case 'strong':
        if (this.bold > 0) this.bold--;
        return;
      case 'i':
      case 'em':
        if (this.italic > 0) this.italic--;
        return;
      case 's':
      case 'del':
      case 'strike':
        if (this.strike > 0) this.strike--;
        return;
      case 'code':
        if (this.code > 0) this.code--;
        return;
      case 'a':
        this.finishAnchor();
        return;
      case 'br': // `</br>` is a `<br>` in HTML
        this.lineBreak();
        return;
      case 'pre':
        this.boundary('close');
        if (this.pre > 0) this.pre--;
        return;
      default:
        if (BLOCK.has(name)) this.boundary('close');
    }
  }

  finish(): CommentBody {
    this.finishAnchor();
    this.pending = false;
    if (this.hasContent() || this.opened) this.endParagraph();
    if (this.paragraphs.length === 0) this.paragraphs.push({ type: 'paragraph', children: [] });
    return { version: 1, content: this.paragraphs };
  }
}

/**
 * HTML to a body. A small, strict, linear-time tokenizer for the subset that comment HTML uses;
 * never throws, and always returns a body that `CommentBodySchema` accepts and that is already in
 * normal form (`body.normalizeBody`).
 *
 * Structure:
 * - `<p>` and other block elements (`div`, `li`, `h1`-`h6`, `blockquote`, `pre`, `tr`, `td`, …) start and
 *   end paragraphs; a block that closes with nothing in it (`<p></p>`, `<div></div>`) is an empty
 *   paragraph, but wrappers (`<div><p>a</p></div>`) do not add empty ones;
 * - `<br>` ends the current line, even an empty one (`a<br><br>b` is three paragraphs), while a `<br>`
 *   as the last thing in a block adds nothing (`<p>a<br></p>` is one paragraph; `<p><br></p>` is one
 *   empty paragraph), as browsers render them; `<hr>` is a paragraph boundary;
 * - formatting: `strong`/`b` bold, `em`/`i` italic, `s`/`del`/`strike` strikethrough, `code` code
 *   (mis-nesting is tolerated: each is a counter);
 * - links: `<a href>` with a safe URL ({@link isSafeLinkUrl}, after trimming spaces) becomes a link whose
 *   text is the anchor's text content (formatting inside it is dropped; `text` omitted when equal to the
 *   URL); any other anchor keeps just its content as text;
 * - mentions: `<span data-mention-user-id="ID">…</span>` (what {@link toHtml} writes),
 *   `<span data-type="mention" data-id="ID">…</span>` (the common Tiptap shape) and, when asked, a
 *   mention token in text (see {@link FromHtmlOptions}); the span's content is ignored;
 * - other tags are dropped and their text kept; the content of `script`, `style`, `template`, `iframe`,
 *   `noembed`, `noframes`, `noscript`, `title`, `textarea`, `xmp`, `svg` and `math` is dropped (up to the
 *   matching end tag, or the end of input); comments, doctypes, CDATA and processing instructions are
 *   dropped; a self-closing `<x/>` opens and closes `x`; an unfinished tag at the end of input is dropped.
 *
 * Text (`\r\n` and `\r` are first normalised to `\n`, as HTML does):
 * - character references: the named basics (`&amp; &lt; &gt; &quot; &apos; &nbsp;` and ~70 common
 *   typographic ones, `;` required) and numeric `&#NN;` / `&#xHH;` (`;` optional; code point 0, surrogates and values
 *   above U+10FFFF become U+FFFD); anything else stays literal;
 * - whitespace written literally (space, tab, LF, CR, FF) collapses as in a browser: each run becomes one
 *   space, and it is dropped at the start and end of a paragraph (the space keeps the formatting where it
 *   began); inside `<pre>` it is kept, and a newline there ends the line;
 * - whitespace written as a character reference (`&#32;`, `&#9;`, …) is kept exactly; a referenced
 *   newline (`&#10;`) ends the line outside links. This is how {@link toHtml} makes whitespace round-trip.
 */
export function fromHtml(html: string, options: FromHtmlOptions = {}): CommentBody {
  const s = typeof html === 'string' ? html.replace(/\r\n?/g, '\n') : '';
  const o = options ?? {};
  const b = new Builder(o.placeholders || undefined, o.mentionScanner);
  const n = s.length;
  let i = 0;
  while (i < n) {
    const lt = s.indexOf('<', i);
    if (lt === -1) {
      b.text(s, i, n);
      break;
    }
    if (lt > i) b.text(s, i, lt);
    i = markup(s, lt, b);
  }
  return b.finish();
}

/** Handles the markup (or literal `<`) at `s[i] === '<'`; returns the index after it. */
function markup(s: string, i: number, b: Builder): number {
  const n = s.length;
  const c1 = s.charCodeAt(i + 1);
  if (isAsciiLetter(c1)) {
    const tag = parseTag(s, i + 1);
    if (tag === null) return n;
    if (DROP.has(tag.name)) return tag.selfClosing && tag.name !== 'script' && tag.name !== 'style' ? tag.end : skipElement(s, tag.end, tag.name);
    b.startTag(tag);
    if (tag.selfClosing && !VOID.has(tag.name)) b.endTag(tag.name);
    return tag.end;
  }
  if (c1 === 47 /* / */) {
    const c2 = s.charCodeAt(i + 2);
    if (isAsciiLetter(c2)) {
      const tag = parseTag(s, i + 2);
      if (tag === null) return n;
      b.endTag(tag.name);
      return tag.end;
    }
    if (c2 === 62) return i + 3; // `</>`
    if (i + 2 >= n) {
      b.text(s, i, n); // a trailing `</` is text
      return n;
    }
    const gt = s.indexOf('>', i + 2); // bogus comment
    return gt === -1 ? n : gt + 1;
  }
  if (c1 === 33 /* ! */) {
    if (s.startsWith('--', i + 2)) {
      const k = i + 4;
      if (s.charCodeAt(k) === 62) return k + 1; // `<!-->`
      if (s.startsWith('->', k)) return k + 2; // `<!--->`
      const end = s.indexOf('-->', k);
      return end === -1 ? n : end + 3;
    }
    const gt = s.indexOf('>', i + 2); // doctype, CDATA, bogus comment
    return gt === -1 ? n : gt + 1;
  }
  if (c1 === 63 /* ? */) {
    const gt = s.indexOf('>', i + 2);
    return gt === -1 ? n : gt + 1;
  }
  b.text(s, i, i + 1); // a literal `<`
  return i + 1;
}
