import type { CommentBody, CommentInline, CommentLink } from '../model/body.js';
import { BOLD, CODE, ITALIC, STRIKE, formatMask, normalizeBody } from './normalize.js';
import type { MentionToken } from './mention-syntax.js';
import { mentionLabel } from './text.js';
import { isSafeLinkUrl } from './url.js';

/** Options of {@link toHtml}. */
export interface ToHtmlOptions {
  /**
   * Display name for a mentioned user (the mention renders as `@` + name; when absent or returning
   * `undefined`/`''`, the user id is shown). The id itself is always kept in `data-mention-user-id`.
   */
  readonly resolveUser?: (userId: string) => string | undefined;
  /**
   * Write mentions as this token instead of `<span data-mention-user-id="ID">@name</span>` (the
   * default); ids the token cannot hold fall back to the span.
   */
  readonly placeholders?: MentionToken | false;
}

const OPEN: Readonly<Record<number, string>> = { [BOLD]: '<strong>', [ITALIC]: '<em>', [STRIKE]: '<s>', [CODE]: '<code>' };
const CLOSE: Readonly<Record<number, string>> = { [BOLD]: '</strong>', [ITALIC]: '</em>', [STRIKE]: '</s>', [CODE]: '</code>' };
const ORDER = [BOLD, ITALIC, STRIKE, CODE] as const;

/** HTML whitespace that {@link fromHtml} collapses when it appears literally. */
function isCollapsible(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 12 || c === 13;
}

/**
 * Escapes text content. Besides `& < > " '`, it writes `{` as `&#123;` (so no text can be read as a
 * `{{id}}` template placeholder), tab/LF/FF/CR as numeric references, and a space as `&#32;` unless both of
 * its neighbours are non-whitespace content. `before`/`after` say whether the content just outside `s`
 * (in the same paragraph) is non-whitespace. Literal whitespace is thereby only ever a single space that
 * HTML whitespace collapsing leaves alone, so {@link fromHtml} reads the exact text back.
 * @internal
 */
export function escapeHtmlText(s: string, before = false, after = false): string {
  let out = '';
  let last = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    switch (c) {
      case 38: rep = '&amp;'; break;
      case 60: rep = '&lt;'; break;
      case 62: rep = '&gt;'; break;
      case 34: rep = '&quot;'; break;
      case 39: rep = '&#39;'; break;
      case 123: rep = '&#123;'; break;
      case 9: rep = '&#9;'; break;
      case 10: rep = '&#10;'; break;
      case 12: rep = '&#12;'; break;
      case 13: rep = '&#13;'; break;
      case 32: {
        const left = i === 0 ? before : !isCollapsible(s.charCodeAt(i - 1));
        const right = i === n - 1 ? after : !isCollapsible(s.charCodeAt(i + 1));
        if (!(left && right)) rep = '&#32;';
        break;
      }
      default:
        break;
    }
    if (rep !== undefined) {
      out += s.slice(last, i) + rep;
      last = i + 1;
    }
  }
  return last === 0 ? s : out + s.slice(last);
}

/**
 * Escapes a double-quoted attribute value: `& < > " '`, `{`, and CR (which HTML input would turn into LF).
 * @internal
 */
export function escapeHtmlAttribute(s: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    switch (c) {
      case 38: rep = '&amp;'; break;
      case 60: rep = '&lt;'; break;
      case 62: rep = '&gt;'; break;
      case 34: rep = '&quot;'; break;
      case 39: rep = '&#39;'; break;
      case 123: rep = '&#123;'; break;
      case 13: rep = '&#13;'; break;
      default: break;
    }
    if (rep !== undefined) {
      out += s.slice(last, i) + rep;
      last = i + 1;
    }
  }
  return last === 0 ? s : out + s.slice(last);
}

function linkLabel(node: CommentLink): string {
  return node.text !== undefined && node.text !== '' ? node.text : node.url;
}

/**
 * Whether the neighbouring node ends (`atEnd`) / starts with non-whitespace content, as the parser sees
 * it: mentions and safe links are atoms (solid); text and unsafe links (rendered as text) are solid when
 * their edge character is not collapsible whitespace; no neighbour (paragraph edge) is not solid.
 */
function solidEdge(node: CommentInline | undefined, atEnd: boolean): boolean {
  if (node === undefined) return false;
  let text: string;
  if (node.type === 'text') text = node.text;
  else if (node.type === 'link' && !isSafeLinkUrl(node.url)) text = linkLabel(node);
  else return true;
  if (text === '') return false;
  return !isCollapsible(text.charCodeAt(atEnd ? text.length - 1 : 0));
}

/**
 * A body to HTML. The body is first normalised (`body.normalizeBody`), then:
 *
 * - each paragraph is `<p>…</p>` (an empty paragraph is `<p></p>`), concatenated with no separator;
 * - formatting nests in the fixed order `<strong>` ⊃ `<em>` ⊃ `<s>` ⊃ `<code>`; tags shared by
 *   consecutive runs stay open across them;
 * - a link with a safe URL ({@link isSafeLinkUrl}: `http:`, `https:`, `mailto:`) is
 *   `<a href="URL">text-or-url</a>`; any other link (`javascript:`, relative, …) is its text-or-url as
 *   escaped plain text; text-or-url is `text` when non-empty, else `url`;
 * - a mention is `<span data-mention-user-id="ID">@name</span>` (or a token, see {@link ToHtmlOptions});
 * - all text and attribute values are escaped (`& < > " '` and more, see below); attributes are
 *   double-quoted. The only tags ever emitted are `p strong em s code a span` with the attributes above.
 *
 * Whitespace: a space is written literally only between two non-whitespace characters (or mentions and
 * links) of the same paragraph; other spaces, tabs, CRs and form feeds are numeric references
 * (`&#32;` …), and `{` is `&#123;`. So
 * `fromHtml(toHtml(b))` deep-equals `normalizeBody(b)` for every body whose links all have safe URLs.
 */
export function toHtml(body: CommentBody, options: ToHtmlOptions = {}): string {
  const token = options?.placeholders || undefined;
  const resolveUser = options?.resolveUser;
  const normal = normalizeBody(body);
  let out = '';
  for (const paragraph of normal.content) {
    out += '<p>';
    /** Formatting tags currently open: always the ORDER-sorted bits of this mask, outermost first. */
    let open = 0;
    const closeTo = (keep: number): void => {
      for (let j = ORDER.length - 1; j >= 0; j--) {
        const bit = ORDER[j]!;
        if (open & bit & ~keep) out += CLOSE[bit];
      }
      open &= keep;
    };
    const closeAll = (): void => closeTo(0);
    const children = paragraph.children;
    for (let idx = 0; idx < children.length; idx++) {
      const node = children[idx]!;
      if (node.type === 'text') {
        const want = formatMask(node);
        if (want !== open) {
          // keep the longest common prefix (in ORDER) of the open tags and the wanted ones
          let keep = 0;
          for (const bit of ORDER) {
            const inOpen = (open & bit) !== 0;
            if (inOpen !== ((want & bit) !== 0)) break;
            if (inOpen) keep |= bit;
          }
          closeTo(keep);
          for (const bit of ORDER) if (want & bit & ~keep) out += OPEN[bit];
          open = want;
        }
        out += escapeHtmlText(node.text, solidEdge(children[idx - 1], true), solidEdge(children[idx + 1], false));
      } else if (node.type === 'mention') {
        closeAll();
        const written = token?.write(node.userId);
        if (written !== undefined) out += written;
        else {
          out +=
            '<span data-mention-user-id="' +
            escapeHtmlAttribute(node.userId) +
            '">' +
            escapeHtmlText(mentionLabel(node.userId, resolveUser)) +
            '</span>';
        }
      } else if (node.type === 'link') {
        closeAll();
        const label = linkLabel(node);
        if (isSafeLinkUrl(node.url)) out += '<a href="' + escapeHtmlAttribute(node.url) + '">' + escapeHtmlText(label) + '</a>';
        else out += escapeHtmlText(label, solidEdge(children[idx - 1], true), solidEdge(children[idx + 1], false));
      }
    }
    closeAll();
    out += '</p>';
  }
  return out;
}
