import { CollabError } from '../core/errors.js';

/** Writes CLI output; colours only on a TTY without NO_COLOR. */
export class Printer {
  private readonly color: boolean;
  failures = 0;

  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {
    this.color = Boolean((out as { isTTY?: boolean }).isTTY) && !process.env.NO_COLOR;
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
