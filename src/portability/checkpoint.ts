/**
 * The checkpoint file of a resumable import: JSON, replaced atomically (written to a temporary file,
 * fsynced, renamed over the old one, directory fsynced), so a crash or `kill -9` at any moment leaves
 * either the previous checkpoint or the new one, never a torn file.
 * @module
 */
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';

/** The source an import reads, as a checkpoint names it (a checkpoint of another source is refused). */
export interface CheckpointSource {
  /** The source provider. */
  provider: string;
  /** The header's `exportedAt`. */
  exportedAt: string;
  /** The trailer's SHA-256. */
  sha256: string;
}

/** What a checkpoint holds. */
export interface CheckpointState {
  /** Format of the checkpoint file. */
  version: 1;
  /** The source it belongs to. */
  source: CheckpointSource;
  /** The target provider id. */
  target: string;
  /** Every record with an index up to this one (0-based, in file order) is fully imported; -1 when none. */
  watermark: number;
  /** Records after the watermark that are fully imported too (concurrency finishes them out of order). */
  completed: number[];
  /**
   * Records were started up to this index: written before a record past it starts, so on resume every
   * record up to it that is not done is reconciled by reading the target (the in-flight window).
   */
  reservedUpTo: number;
  /** Source thread -> target thread id, where the target assigned another id (key: JSON `[roomId, threadId]`). */
  threadIds: Record<string, string>;
  /** Whether the target was seen assigning its own thread ids. */
  targetAssignsThreadIds: boolean;
  /** Whether the import finished. */
  complete: boolean;
}

const CheckpointSchema = z.object({
  version: z.literal(1),
  source: z.object({ provider: z.string(), exportedAt: z.string(), sha256: z.string() }),
  target: z.string(),
  watermark: z.number().int().min(-1),
  completed: z.array(z.number().int().min(0)),
  reservedUpTo: z.number().int().min(-1),
  threadIds: z.record(z.string(), z.string()),
  targetAssignsThreadIds: z.boolean(),
  complete: z.boolean(),
});

/** A fresh checkpoint for a source and target. */
export function newCheckpoint(source: CheckpointSource, target: string): CheckpointState {
  return { version: 1, source, target, watermark: -1, completed: [], reservedUpTo: -1, threadIds: {}, targetAssignsThreadIds: false, complete: false };
}

/**
 * Reads and validates a checkpoint file, whatever import it belongs to; `undefined` when there is none.
 * `ConfigError` (field `checkpoint`) when it is not a checkpoint.
 */
export async function readCheckpoint(path: string): Promise<CheckpointState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let parsed: CheckpointState;
  try {
    parsed = CheckpointSchema.parse(JSON.parse(text)) as CheckpointState;
  } catch {
    throw new ConfigError(`The checkpoint file ${path} is not a unicollab import checkpoint`, { field: 'checkpoint' });
  }
  return parsed;
}

/**
 * Reads a checkpoint file; `undefined` when there is none. `ConfigError` (field `checkpoint`) when it is
 * not a checkpoint, or belongs to another source or target.
 */
export async function loadCheckpoint(path: string, source: CheckpointSource, target: string): Promise<CheckpointState | undefined> {
  const parsed = await readCheckpoint(path);
  if (parsed === undefined) return undefined;
  const same = parsed.source.provider === source.provider && parsed.source.exportedAt === source.exportedAt && parsed.source.sha256 === source.sha256;
  if (!same) throw new ConfigError(`The checkpoint file ${path} belongs to another export (${parsed.source.provider}, ${parsed.source.exportedAt}): remove it to start over`, { field: 'checkpoint' });
  if (parsed.target !== target) throw new ConfigError(`The checkpoint file ${path} belongs to an import into ${parsed.target}, not ${target}`, { field: 'checkpoint' });
  return parsed;
}

/** Writes `state` to `path` atomically: temp file, fsync, rename, fsync of the directory. */
export async function writeCheckpointAtomic(path: string, state: CheckpointState): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(JSON.stringify(state), 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  // The rename is durable only once the directory entry is; some platforms cannot open a directory.
  try {
    const dir = await open(dirname(path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    /* best effort */
  }
}

/**
 * Serialises checkpoint writes and coalesces them: a write asked for while one runs is done once, after
 * it, with the state as it is then. `flush()` resolves once everything asked for so far is on disk.
 */
export class CheckpointWriter {
  private running: Promise<void> | undefined;
  private pending = false;
  private failure: unknown;

  /**
   * @param path - The checkpoint file.
   * @param state - The live state (read at write time).
   */
  constructor(
    private readonly path: string,
    readonly state: CheckpointState,
  ) {}

  /** Asks for a write; resolves once a write that started after this call is done. */
  request(): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.running) {
      this.pending = true;
      return this.running.then(() => this.running ?? Promise.resolve());
    }
    this.running = this.loop();
    return this.running;
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.pending = false;
        await writeCheckpointAtomic(this.path, this.state);
      } while (this.pending);
    } catch (err) {
      this.failure = err;
      throw err;
    } finally {
      this.running = undefined;
    }
  }

  /** Writes now (after any running write) and resolves once done. */
  async flush(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
    if (this.failure !== undefined) throw this.failure;
    await this.request();
  }
}
