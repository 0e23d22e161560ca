import { ConfigError } from '../../../core/errors.js';
import { type JournalRecord, JournalBatchSchema } from './schemas.js';

/** One journal line: the records of one commit (applied all or not at all on load). */
export function encodeBatch(records: readonly JournalRecord[]): string {
  return `${JSON.stringify({ r: records })}\n`;
}

/** What a journal file holds. */
export interface ParsedJournal {
  /** The committed batches, in order. */
  batches: JournalRecord[][];
  /** True when the file ended with a partial line (a crash mid-append), which is ignored. */
  tornTail: boolean;
}

/**
 * Parses a journal. A bad line with nothing valid after it is the torn tail of an append cut short
 * by a crash: that commit was never acknowledged, so it is dropped. A bad line followed by a valid
 * one is damage, and a `ConfigError` naming the file and the line: dropping it would silently lose
 * acknowledged writes.
 */
export function parseJournal(text: string, file: string): ParsedJournal {
  const batches: JournalRecord[][] = [];
  let bad: { line: number; reason: string } | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // Blank and NUL-only lines: the zero-filled tail some file systems leave after a crash.
    if (/^[\s\0]*$/.test(line)) continue;
    const parsed = parseLine(line);
    if (typeof parsed === 'string') {
      bad ??= { line: i + 1, reason: parsed };
      continue;
    }
    if (bad) {
      throw new ConfigError(`Memory journal ${file} is damaged at line ${bad.line} (${bad.reason}) and has valid records after it; restore it from a backup or remove that line`, {
        field: 'persistPath',
        provider: 'memory',
      });
    }
    batches.push(parsed);
  }
  return { batches, tornTail: bad !== undefined };
}

/** The records of a line, or why it is not a batch. */
function parseLine(line: string): JournalRecord[] | string {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  const parsed = JournalBatchSchema.safeParse(json);
  if (parsed.success) return parsed.data.r;
  const issue = parsed.error.issues[0]!;
  return `at ${issue.path.join('.') || 'root'}: ${issue.message}`;
}
