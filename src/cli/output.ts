import { CollabError } from '../core/errors.js';

/** Width assumed when the output is not a terminal (a pipe, a file, a test sink). */
export const DEFAULT_WIDTH = 80;

/**
 * The width to lay text out in: the terminal's columns when `out` is a TTY, else {@link DEFAULT_WIDTH}.
 * Clamped to at least 20, so wrapping always has room for a word or two.
 */
export function widthOf(out: NodeJS.WritableStream): number {
  const columns = (out as { isTTY?: boolean; columns?: number }).isTTY ? (out as { columns?: number }).columns : undefined;
  return Math.max(20, typeof columns === 'number' && columns > 0 ? columns : DEFAULT_WIDTH);
}

/**
 * Word-wraps `text` to lines of at most `width` characters, breaking at spaces (the text's own spacing,
 * leading spaces and column padding included, is kept within a line). Lines after the first start with
 * `indent` spaces (a hanging indent); a word longer than a line is cut, so no line ever exceeds `width`.
 */
export function wrap(text: string, width: number, indent = 0): string[] {
  // An indent past half the width would leave continuation lines no room: cap it.
  indent = Math.min(indent, Math.floor(width / 2));
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  let rest = text.trimEnd();
  while (true) {
    const room = width - (lines.length === 0 ? 0 : indent);
    if (rest.length <= room) break;
    const lead = lines.length === 0 ? (/^ */.exec(rest)?.[0].length ?? 0) : 0;
    // The last space that still fits, past the leading spaces; none: cut the word.
    const at = rest.lastIndexOf(' ', room);
    const cut = at > lead ? at : room;
    lines.push(`${lines.length === 0 ? '' : pad}${rest.slice(0, cut).trimEnd()}`);
    rest = rest.slice(cut).trimStart();
  }
  lines.push(`${lines.length === 0 ? '' : pad}${rest}`);
  return lines;
}

/** Writes CLI output; colours only on a TTY without NO_COLOR. */
export class Printer {
  private readonly color: boolean;
  /** Columns to fit output into (see {@link widthOf}). */
  readonly width: number;
  failures = 0;

  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {
    this.color = Boolean((out as { isTTY?: boolean }).isTTY) && !process.env.NO_COLOR;
    this.width = widthOf(out);
  }

  /** A paragraph, word-wrapped to the output width (continuation lines indented by `indent`). */
  wrapped(text: string, indent = 0): void {
    for (const line of wrap(text, this.width, indent)) this.out.write(`${line}\n`);
  }

  private paint(code: number, text: string): string {
    return this.color ? `\u001b[${code}m${text}\u001b[0m` : text;
  }

  /** A section heading. */
  heading(text: string): void {
    this.out.write(`\n${this.paint(1, text)}\n`);
  }

  /** A plain line. */
  line(text = ''): void {
    this.out.write(`${text}\n`);
  }

  /** A succeeded step. */
  ok(step: string, detail = ''): void {
    this.out.write(`  ${this.paint(32, 'ok  ')} ${step}${detail ? `  ${this.paint(2, detail)}` : ''}\n`);
  }

  /** A step the provider does not offer (declared), or the server does not implement. */
  skip(step: string, why: string): void {
    this.out.write(`  ${this.paint(33, 'skip')} ${step}  ${this.paint(2, why)}\n`);
  }

  /** A failed step. */
  fail(step: string, err: unknown): void {
    this.failures++;
    const detail = CollabError.is(err) ? `${err.name} (${err.code}${err.status ? `, HTTP ${err.status}` : ''}): ${err.message}` : String(err);
    this.out.write(`  ${this.paint(31, 'FAIL')} ${step}  ${detail}\n`);
  }
}
