/**
 * The `unicollab-export/1` line format: how a line is written, parsed and validated, and how the
 * trailer's SHA-256 is computed. NDJSON: one JSON value per line, `\n`-terminated, UTF-8:
 *
 * 1. a header line (`kind: 'header'`, `format: 'unicollab-export/1'`, source provider and capabilities, filters);
 * 2. record lines (`user`, `room`, `document`, `thread`, `notification`), in the order they were exported;
 * 3. a trailer line (`kind: 'trailer'`) with the count of records per kind and the SHA-256 (hex) of the
 *    exact bytes of every line before it, header included, each followed by its `\n`.
 * @module
 */
import { nodeCrypto } from '../core/node-crypto.js';
import type { Hash } from 'node:crypto';
import { ValidationError } from '../core/errors.js';
import { EXPORT_FORMAT, type ExportLine, ExportLineSchema, RECORD_KINDS, type RecordKind } from './schemas.js';

/** Counts of records per kind. */
export type RecordCounts = Record<RecordKind, number>;

/** A fresh count of zero records of every kind. */
export function emptyCounts(): RecordCounts {
  return Object.fromEntries(RECORD_KINDS.map((k) => [k, 0])) as RecordCounts;
}

/** The text of one line (without its `\n`): compact JSON. */
export function serializeLine(line: ExportLine): string {
  return JSON.stringify(line);
}

/** An ISO-8601 string of a date (as the format writes every date). */
export function isoDate(date: Date): string {
  return date.toISOString();
}

/** The running SHA-256 over the lines before the trailer (each line's UTF-8 bytes plus `\n`). */
export class LineHasher {
  private readonly hash: Hash = nodeCrypto().createHash('sha256');

  /** Adds one line's text (without its `\n`). */
  add(text: string): void {
    this.hash.update(text, 'utf8');
    this.hash.update('\n');
  }

  /** The hex digest; call once, at the end. */
  digest(): string {
    return this.hash.digest('hex');
  }
}

/** A `ValidationError` about line `lineNumber` (1-based); `path` is the field inside the line. */
export function lineError(lineNumber: number, path: string, message: string, issues?: Array<{ field: string; message: string }>): ValidationError {
  const field = path === '' ? `line ${lineNumber}` : `line ${lineNumber}: ${path}`;
  return new ValidationError(field, message, { operation: 'portability.read', ...(issues ? { issues } : {}) });
}

/**
 * Parses and validates the text of line `lineNumber`. A header of another format version is refused
 * (`ValidationError` on `line N: format`); any other schema problem is a `ValidationError` whose field is
 * `line N: <path>` of the first problem, with every problem in `issues`.
 */
export function parseLine(text: string, lineNumber: number): ExportLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw lineError(lineNumber, '', 'is not a JSON value');
  }
  if (typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'header') {
    const format = (value as { format?: unknown }).format;
    if (format !== EXPORT_FORMAT) {
      throw lineError(lineNumber, 'format', `is ${JSON.stringify(format)}: this version of unicollab reads only ${EXPORT_FORMAT} files`);
    }
  }
  const result = ExportLineSchema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ field: `line ${lineNumber}: ${issue.path.map(String).join('.') || '(line)'}`, message: issue.message }));
  const first = result.error.issues[0]!;
  throw lineError(lineNumber, first.path.map(String).join('.') || '', first.message, issues);
}
