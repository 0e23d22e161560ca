/**
 * Reading and writing `unicollab-export/1` NDJSON streams, line by line: neither side holds the file.
 * @module
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { emptyCounts, LineHasher, lineError, parseLine, serializeLine } from './format.js';
import { RECORD_KINDS, type ExportLine } from './schemas.js';
import { ValidationError } from '../core/errors.js';

/** Options of `writeNdjson`. */
export interface WriteNdjsonOptions {
  /** End the writable once every line is written (default `true`). */
  end?: boolean;
}

/**
 * Writes lines to a writable stream as NDJSON (compact JSON, one per line, `\n` after each),
 * waiting for `drain` when the stream asks to, so a slow destination never makes lines pile up in memory.
 *
 * @param lines - The lines, e.g. `exportData(collab)`.
 * @param writable - A file, socket or `process.stdout`.
 * @returns The number of lines written.
 */
export async function writeNdjson(lines: AsyncIterable<ExportLine> | Iterable<ExportLine>, writable: Writable, options: WriteNdjsonOptions = {}): Promise<number> {
  let count = 0;
  for await (const line of lines) {
    if (!writable.write(`${serializeLine(line)}\n`)) await once(writable, 'drain');
    count++;
  }
  if (options.end ?? true) {
    writable.end();
    await finished(writable);
  }
  return count;
}

/** Writes lines to a file (created or replaced) as NDJSON; resolves once the file is flushed and closed. */
export async function writeNdjsonFile(lines: AsyncIterable<ExportLine> | Iterable<ExportLine>, path: string): Promise<number> {
  return writeNdjson(lines, createWriteStream(path, { encoding: 'utf8' }));
}

/**
 * Reads an NDJSON export line by line, validating each as it comes:
 * - every line against its JSON Schema: `ValidationError` whose `field` is `line N: <path>`;
 * - the first line must be a header of format `unicollab-export/1` (another version is refused);
 * - the last line must be the trailer: a stream that ends without one is refused as truncated
 *   (`ValidationError` on `trailer`), as is a trailer whose counts or SHA-256 do not match the lines read.
 *
 * The trailer is yielded only once it has been checked, so a consumer that reached it has read a whole,
 * intact file. Lines before it are yielded as they are read: a consumer that must not act on a damaged
 * file reads it to the end first (as `importData` does).
 */
export async function* readNdjson(readable: Readable | AsyncIterable<string | Uint8Array>): AsyncGenerator<ExportLine> {
  const lines = createInterface({ input: readable as Readable, crlfDelay: Infinity });
  const hasher = new LineHasher();
  const counts = emptyCounts();
  let lineNumber = 0;
  let trailerSeen = false;
  for await (const text of lines) {
    lineNumber++;
    if (trailerSeen) {
      if (text.trim() === '') continue;
      throw lineError(lineNumber, '', 'comes after the trailer: the trailer must be the last line');
    }
    const line = parseLine(text, lineNumber);
    if (lineNumber === 1 && line.kind !== 'header') throw lineError(1, 'kind', 'must be "header": a unicollab-export file starts with its header line');
    if (lineNumber > 1 && line.kind === 'header') throw lineError(lineNumber, 'kind', 'is a second header: only the first line is a header');
    if (line.kind === 'trailer') {
      const sha = hasher.digest();
      if (line.sha256 !== sha) throw lineError(lineNumber, 'sha256', `does not match the lines read (${sha}): the file was changed or damaged`);
      for (const kind of RECORD_KINDS) {
        if (line.counts[kind] !== counts[kind]) throw lineError(lineNumber, `counts.${kind}`, `is ${line.counts[kind]} but ${counts[kind]} ${kind} records were read`);
      }
      trailerSeen = true;
      yield line;
      continue;
    }
    hasher.add(text);
    if (line.kind !== 'header') counts[line.kind]++;
    yield line;
  }
  if (!trailerSeen) {
    throw new ValidationError('trailer', `is missing: the file is truncated (it ends after ${lineNumber} line${lineNumber === 1 ? '' : 's'} without its trailer line)`, { operation: 'portability.read' });
  }
}

/** `readNdjson` over a file. */
export function readNdjsonFile(path: string): AsyncGenerator<ExportLine> {
  return readNdjson(createReadStream(path, { encoding: 'utf8' }));
}
