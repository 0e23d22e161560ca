/**
 * `migrate`: export from one provider piped into an import into another. The import's first pass (the
 * loss check and counts) and its second pass (the writes) each read the source once.
 * @module
 */
import { rename, stat } from 'node:fs/promises';
import type { Collab } from '../core/container.js';
import { exportData, type ExportOptions } from './export.js';
import { importData, type ImportOptions, type ImportReport } from './import.js';
import { readNdjsonFile, writeNdjsonFile } from './ndjson.js';
import type { ImportSource } from './source.js';
import { verify, type VerifyReport } from './verify.js';

/** Options of `migrate`: those of the import, the export's filters, and where the export is staged. */
export interface MigrateOptions extends ImportOptions {
  /** Only these rooms (see `ExportOptions.rooms`). */
  rooms?: ExportOptions['rooms'];
  /** Only activity since this date (see `ExportOptions.since`). */
  since?: ExportOptions['since'];
  /** Users whose notifications to export from a source that cannot list users (see `ExportOptions.users`). */
  users?: ExportOptions['users'];
  /**
   * An NDJSON file the export is written to first, then imported from. Defaults to `<checkpoint>.ndjson`
   * when a checkpoint is given: a resumed migration must import the same records in the same order, so it
   * re-reads the staged export (kept when complete) instead of exporting a source that may have changed.
   * Without either, the source is exported twice (once per pass) and nothing is written to disk.
   */
  staging?: string;
  /** Compare source and target after the import (default `false`). */
  verify?: boolean;
}

/** The outcome of `migrate`: the import report, and the verification when asked for. */
export interface MigrateReport extends ImportReport {
  /** The comparison of source and target, when `verify` was set. */
  verification?: VerifyReport;
}

/** Whether `path` holds a whole, intact export (it reads it to the trailer). */
async function completeExport(path: string): Promise<boolean> {
  try {
    await stat(path);
  } catch {
    return false;
  }
  try {
    for await (const _ of readNdjsonFile(path)) {
      /* validates every line, the counts and the SHA-256 */
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Migrates everything (or the rooms asked for) from `from` to `to`: export piped into import, with the
 * import's guarantees (loss check before any write, idempotent, resumable with `checkpoint`).
 *
 * @param from - The source.
 * @param to - The target.
 * @param options - Import options, export filters, staging file, verification.
 */
export async function migrate(from: Collab, to: Collab, options: MigrateOptions = {}): Promise<MigrateReport> {
  const { rooms, since, users, staging: stagingOption, verify: wantVerify, ...importOptions } = options;
  const exportOptions: ExportOptions = { ...(rooms ? { rooms } : {}), ...(since !== undefined ? { since } : {}), ...(users ? { users } : {}), ...(options.signal ? { signal: options.signal } : {}) };
  const staging = stagingOption ?? (options.checkpoint ? `${options.checkpoint}.ndjson` : undefined);
  let source: ImportSource;
  if (staging) {
    if (!(await completeExport(staging))) {
      const partial = `${staging}.partial`;
      await writeNdjsonFile(exportData(from, exportOptions), partial);
      await rename(partial, staging);
    }
    source = staging;
  } else {
    source = () => exportData(from, exportOptions);
  }
  const report: MigrateReport = await importData(to, source, importOptions);
  if (wantVerify) report.verification = await verify(from, to, { ...(rooms ? { rooms } : {}), ...(options.signal ? { signal: options.signal } : {}) });
  return report;
}
