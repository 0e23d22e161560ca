/**
 * The source of an import: something that can be read twice (a first pass validates it and counts
 * what it holds, the second imports it), without holding it in memory.
 * @module
 */
import { ValidationError } from '../core/errors.js';
import type { CapabilityMap } from '../core/capabilities.js';
import { emptyCounts, LineHasher, lineError, type RecordCounts, serializeLine } from './format.js';
import type { ConstraintsFactory } from './constraints.js';
import { LossCounter, type LossReport } from './loss.js';
import { readNdjsonFile } from './ndjson.js';
import { ExportLineSchema, type ExportLine, type ExportRecord, type HeaderLine, RECORD_KINDS, type TrailerLine } from './schemas.js';

/**
 * A re-readable source of export lines:
 * - a file path: an NDJSON export file, read (and validated line by line) once per pass;
 * - a function returning a fresh `AsyncIterable` of lines each time it is called (e.g.
 *   `() => exportData(source)`, or `() => readNdjson(fs.createReadStream(path))`). It is called once for
 *   the first pass and once for the import pass, so both passes must yield the same lines.
 */
export type ImportSource = string | (() => AsyncIterable<ExportLine>);

/** What the first pass found. */
export interface ScanResult {
  /** The header line. */
  header: HeaderLine;
  /** The trailer line (counts and SHA-256). */
  trailer: TrailerLine;
  /** Records per kind. */
  counts: RecordCounts;
  /** What the target cannot carry. */
  losses: LossReport;
}

/** The lines of one pass over a source. */
export function openSource(source: ImportSource): AsyncIterable<ExportLine> {
  return typeof source === 'string' ? readNdjsonFile(source) : source();
}

/**
 * Reads a whole source once: validates every line (files are validated by `readNdjson`; lines from a
 * function are checked against the schemas, their counts and SHA-256 too), and counts records and
 * losses. Throws `ValidationError` for a bad, truncated or tampered source.
 *
 * @param source - The source.
 * @param target - The target provider id.
 * @param capabilities - The target's capability map.
 * @param onRecord - Called after each record (progress).
 * @param constraints - The target's import constraints (`importConstraintsOf(collab)`), if any.
 */
export async function scanSource(
  source: ImportSource,
  target: string,
  capabilities: CapabilityMap,
  onRecord?: (record: ExportRecord, counts: RecordCounts) => void,
  constraints?: ConstraintsFactory,
): Promise<ScanResult> {
  const fromFile = typeof source === 'string';
  const counter = new LossCounter(target, capabilities, constraints);
  const counts = emptyCounts();
  const hasher = new LineHasher();
  let header: HeaderLine | undefined;
  let trailer: TrailerLine | undefined;
  let lineNumber = 0;
  for await (const raw of openSource(source)) {
    lineNumber++;
    let line = raw;
    if (!fromFile) {
      const parsed = ExportLineSchema.safeParse(raw);
      if (!parsed.success) {
        const first = parsed.error.issues[0]!;
        throw lineError(lineNumber, first.path.map(String).join('.'), first.message);
      }
      line = parsed.data;
    }
    if (trailer) throw lineError(lineNumber, '', 'comes after the trailer: the trailer must be the last line');
    if (lineNumber === 1 && line.kind !== 'header') throw lineError(1, 'kind', 'must be "header": a unicollab export starts with its header line');
    if (line.kind === 'header') {
      if (lineNumber !== 1) throw lineError(lineNumber, 'kind', 'is a second header');
      header = line;
      if (!fromFile) hasher.add(serializeLine(raw));
      continue;
    }
    if (line.kind === 'trailer') {
      trailer = line;
      if (!fromFile) {
        const sha = hasher.digest();
        if (sha !== line.sha256) throw lineError(lineNumber, 'sha256', `does not match the lines read (${sha})`);
        for (const kind of RECORD_KINDS) if (line.counts[kind] !== counts[kind]) throw lineError(lineNumber, `counts.${kind}`, `is ${line.counts[kind]} but ${counts[kind]} ${kind} records were read`);
      }
      continue;
    }
    if (!fromFile) hasher.add(serializeLine(raw));
    counts[line.kind]++;
    counter.add(line);
    onRecord?.(line, counts);
  }
  if (!header) throw new ValidationError('header', 'is missing: the source is empty', { operation: 'portability.read' });
  if (!trailer) throw new ValidationError('trailer', 'is missing: the source is truncated (it ends without its trailer line)', { operation: 'portability.read' });
  return { header, trailer, counts, losses: counter.report() };
}
