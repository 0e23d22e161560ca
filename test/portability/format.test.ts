/** The unicollab-export/1 format: line validation, truncation, unknown versions, tampering; published schemas. */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, test } from 'vitest';
import { ValidationError } from '../../src/index.js';
import { EXPORT_FORMAT, exportData, exportJsonSchemas, importData, readNdjson, readNdjsonFile, writeNdjson, writeNdjsonFile, type ExportLine } from '../../src/portability/index.js';
import { memoryCollab, seed } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'uc-format-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function exportText(): Promise<string[]> {
  const source = await memoryCollab();
  await seed(source, { roomCount: 1, threadsPerRoom: 2, commentsPerThread: 2 });
  const file = join(dir, `export-${Math.random().toString(36).slice(2)}.ndjson`);
  await writeNdjsonFile(exportData(source), file);
  return readFileSync(file, 'utf8').split('\n').slice(0, -1);
}

async function readAll(text: string): Promise<ExportLine[]> {
  const out: ExportLine[] = [];
  for await (const line of readNdjson(Readable.from([text]))) out.push(line);
  return out;
}

async function failure(text: string): Promise<ValidationError> {
  const err = await readAll(text).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ValidationError);
  return err as ValidationError;
}

describe('format', () => {
  test('an export reads back whole: header first, trailer last, counts and sha checked', async () => {
    const lines = await exportText();
    const read = await readAll(`${lines.join('\n')}\n`);
    expect(read[0]).toMatchObject({ kind: 'header', format: EXPORT_FORMAT, source: { provider: 'memory' } });
    expect(read.at(-1)).toMatchObject({ kind: 'trailer', counts: { room: 1, thread: 2, user: 3 } });
    expect(read.length).toBe(lines.length);
  });

  test('a bad line is a ValidationError naming the line and the field', async () => {
    const lines = await exportText();
    const index = lines.findIndex((l) => JSON.parse(l).kind === 'thread');
    const thread = JSON.parse(lines[index]!);
    thread.comments[0].body.content[0].children[0].text = 42;
    lines[index] = JSON.stringify(thread);
    const err = await failure(`${lines.join('\n')}\n`);
    expect(err.field).toBe(`line ${index + 1}: comments.0.body.content.0.children.0.text`);
    expect(err.message).toContain(`line ${index + 1}`);
  });

  test('a line that is not JSON names its line', async () => {
    const lines = await exportText();
    lines[2] = '{"kind": "room", ';
    expect((await failure(`${lines.join('\n')}\n`)).field).toBe('line 3');
  });

  test('a file without its trailer is refused as truncated', async () => {
    const lines = await exportText();
    const err = await failure(`${lines.slice(0, -1).join('\n')}\n`);
    expect(err.field).toBe('trailer');
    expect(err.message).toMatch(/truncated/);
    // Cut in the middle of a line: that line is invalid, or the trailer is missing.
    const cut = lines.join('\n').slice(0, Math.floor(lines.join('\n').length / 2));
    await failure(cut);
  });

  test('a header of an unknown format version is refused', async () => {
    const lines = await exportText();
    const header = JSON.parse(lines[0]!);
    header.format = 'unicollab-export/2';
    lines[0] = JSON.stringify(header);
    const err = await failure(`${lines.join('\n')}\n`);
    expect(err.field).toBe('line 1: format');
    expect(err.message).toContain('unicollab-export/2');
  });

  test('a changed record (valid JSON, valid schema) is refused by the SHA-256', async () => {
    const lines = await exportText();
    const index = lines.findIndex((l) => JSON.parse(l).kind === 'room');
    lines[index] = lines[index]!.replace('"Room 0"', '"Room X"');
    const err = await failure(`${lines.join('\n')}\n`);
    expect(err.field).toBe(`line ${lines.length}: sha256`);
  });

  test('counts that do not match are refused', async () => {
    const lines = await exportText();
    const trailer = JSON.parse(lines.at(-1)!);
    trailer.counts.thread = 5;
    lines[lines.length - 1] = JSON.stringify(trailer);
    expect((await failure(`${lines.join('\n')}\n`)).field).toBe(`line ${lines.length}: counts.thread`);
  });

  test('importData refuses a damaged file before any write', async () => {
    const lines = await exportText();
    const file = join(dir, 'truncated.ndjson');
    writeFileSync(file, `${lines.slice(0, -1).join('\n')}\n`);
    const target = await memoryCollab();
    await expect(importData(target, file)).rejects.toBeInstanceOf(ValidationError);
    expect((await target.rooms.list()).items).toEqual([]);
    expect((await target.users.list()).items).toEqual([]);
  });

  test('writeNdjson and readNdjsonFile round-trip', async () => {
    const source = await memoryCollab();
    await seed(source, { roomCount: 1, threadsPerRoom: 1, commentsPerThread: 1 });
    const file = join(dir, 'rt.ndjson');
    const { createWriteStream } = await import('node:fs');
    const written = await writeNdjson(exportData(source), createWriteStream(file));
    let read = 0;
    for await (const _ of readNdjsonFile(file)) read++;
    expect(read).toBe(written);
  });
});

describe('published JSON Schemas', () => {
  test('schemas/unicollab-export-1/*.json equal the ones generated from the zod schemas', () => {
    const generated = exportJsonSchemas();
    const folder = new URL('../../schemas/unicollab-export-1/', import.meta.url);
    const files = readdirSync(folder).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual(Object.keys(generated).map((k) => `${k}.json`).sort());
    for (const [name, schema] of Object.entries(generated)) {
      expect(readFileSync(new URL(`${name}.json`, folder), 'utf8'), `${name}.json (regenerate: npm run build && node scripts/export-schemas.mjs)`).toBe(`${JSON.stringify(schema, null, 2)}\n`);
    }
  });
});
