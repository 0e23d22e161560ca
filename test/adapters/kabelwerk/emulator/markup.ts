/**
 * Message text -> `text` / `html` fields as Kabelwerk's docs describe them (vendors/kabelwerk.md §2.5,
 * sdk-js docs/messages.md). Only the listed markdown exists: emphasis, strong, links and autolinks.
 * Everything finer (paragraph splitting, underscore word boundaries, trailing punctuation of autolinks)
 * is the emulator's choice (GUESS), see README.md.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escapes `& < > " '` the way Phoenix.HTML does (the entity set is a GUESS). */
export function escapeHtml(raw: string): string {
  return raw.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** The `text` field: "the original user input with HTML entities escaped" (docs/messages.md). */
export function messageText(raw: string): string {
  return escapeHtml(normalizeNewlines(raw));
}

/** The `html` field: paragraphs in `<p>`, newlines inside a paragraph as `<br>`, markdown applied. */
export function messageHtml(raw: string): string {
  const paragraphs = normalizeNewlines(raw)
    .split(/\n[ \t]*\n+/)
    .map((p) => p.replace(/^\n+|\n+$/g, ''))
    .filter((p) => p.trim() !== '');
  return paragraphs.map((p) => `<p>${p.split('\n').map(inline).join('<br>')}</p>`).join('');
}

function normalizeNewlines(raw: string): string {
  return raw.replace(/\r\n?/g, '\n');
}

// Links are matched on the raw input (before escaping) so that `&` inside a URL is escaped exactly once.
const LINK = /\[([^\]\n]+)\]\((https?:\/\/[^\s()<>]+)\)|(https?:\/\/[^\s<>"]+)/g;

function inline(line: string): string {
  let out = '';
  let last = 0;
  for (const m of line.matchAll(LINK)) {
    const at = m.index;
    let url = m[2] ?? m[3]!;
    let end = at + m[0].length;
    let text: string;
    if (m[3] !== undefined) {
      // A sentence ending right after a bare URL keeps its punctuation outside the link.
      const trimmed = url.replace(/[.,;:!?)\]'"]+$/, '');
      end -= url.length - trimmed.length;
      url = trimmed;
      text = escapeHtml(url);
    } else {
      text = emphasis(escapeHtml(m[1]!));
    }
    out += emphasis(escapeHtml(line.slice(last, at)));
    out += `<a href="${escapeHtml(url)}" target="_blank">${text}</a>`;
    last = end;
  }
  return out + emphasis(escapeHtml(line.slice(last)));
}

/** Strong before em, so `**x**` is not read as two empty emphases. Delimiters must hug non-space text. */
function emphasis(escaped: string): string {
  return escaped
    .replace(/\*\*(?=\S)(.+?)(?<=\S)\*\*/g, '<strong>$1</strong>')
    .replace(/(?<![\w])__(?=\S)(.+?)(?<=\S)__(?![\w])/g, '<strong>$1</strong>')
    .replace(/\*(?=[^\s*])(.+?)(?<=[^\s*])\*/g, '<em>$1</em>')
    .replace(/(?<![\w])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w])/g, '<em>$1</em>');
}
