import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { CollabError, ConfigError, ProviderUnavailableError } from '../../../core/errors.js';
import type { CollabLogger } from '../../../core/logger.js';
import { AnyPersistedStateSchema } from './schemas.js';
import { type EntityRef, type MemoryTables, refKey } from '../state.js';
import { type FileSink, nodeFileSystem, type PersistenceFileSystem } from './file-system.js';
import { encodeBatch, parseJournal } from './journal-codec.js';
import { acquirePersistLock, type PersistLock } from './lock.js';
import { applyRecord, batchRecords, restoreSnapshot } from './records.js';
import { type SnapshotPacing, writeSnapshot } from './snapshot-writer.js';

/** Options of `Persistence.open`. */
export interface PersistenceOptions {
  /** The snapshot file (`persistPath`); the journal and the lock live beside it. */
  path: string;
  /** File operations (tests inject failures); default the real file system. */
  fileSystem?: PersistenceFileSystem;
  /** Receives a warning for every failed save and compaction. */
  logger?: CollabLogger;
  /** Tenant given to version 1 subscriptions, which had none. */
  legacyTenantId: string;
  /** Compact once the journal exceeds this many bytes and the last snapshot's size (default 4 MiB). */
  compactAfterBytes?: number;
  /** First delay before retrying a failed save in the background, in ms (default 50; doubles up to `retryMaxMs`). */
  retryBaseMs?: number;
  /** Longest delay between background retries, in ms (default 5000). */
  retryMaxMs?: number;
  /** How snapshot writing shares the event loop. */
  pacing?: SnapshotPacing;
}

/** Counters, for tests and diagnostics. */
export interface PersistenceStatus {
  /** The journal generation being appended to. */
  generation: number;
  /** Bytes in the journal generations not yet covered by a snapshot. */
  journalBytes: number;
  /** Set while saves fail: the journal is not written until a full snapshot succeeds. */
  degraded: boolean;
  /** Snapshots written since open (compactions and recoveries). */
  snapshots: number;
  /** True while a compaction or a recovery is running. */
  compacting: boolean;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Marked handled: a batch nobody awaits (a background delivery update) must not crash the process.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

const noop = (): void => undefined;

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException | undefined;
  return e?.code ? `${e.code}: ${e.message}` : String(e?.message ?? err);
}

/**
 * Durable storage of the memory tables: an fsync'd append-only journal of whole-entity records plus
 * a snapshot, compacted in the background. Layout beside `persistPath`:
 * `persistPath` (snapshot, version 2 JSON), `persistPath.journal-<n>` (one JSON batch per line),
 * `persistPath.lock` (the owner's pid).
 *
 * Writes mutate the tables synchronously and mark entities dirty; `commit()` resolves once every
 * change made so far is on disk. All changes marked in one event-loop turn go out as one journal line
 * in one write + fdatasync (group commit), and a batch records only the entities it names, so a
 * write costs in proportion to the change, never the whole state.
 *
 * A failed append poisons the journal (it may end with a partial line): the waiting commits are
 * rejected with `ProviderUnavailableError`, the failure goes to the logger, and the store recovers
 * by writing a full snapshot and a fresh journal, retried in the background with backoff; a write
 * made meanwhile joins a recovery attempt, or is rejected at once while the last one just failed.
 */
export class Persistence {
  readonly #tables: MemoryTables;
  readonly #fs: PersistenceFileSystem;
  readonly #path: string;
  readonly #dir: string;
  readonly #base: string;
  readonly #lock: PersistLock;
  readonly #logger: CollabLogger | undefined;
  readonly #compactAfter: number;
  readonly #retryBase: number;
  readonly #retryMax: number;
  readonly #pacing: SnapshotPacing;

  /** Entities changed since the last batch was taken, in change order. */
  readonly #pending = new Map<string, EntityRef>();
  #journaledSeq = 0;
  /** Waiters for the changes in `#pending`. */
  #waiting: Deferred | undefined;
  /** The batch being appended. */
  #inFlight: Deferred | undefined;
  /** Changes taken into a recovery snapshot being written. */
  #covering: Deferred | undefined;
  #drainScheduled = false;
  /** Serialises journal appends and journal switches. */
  #io: Promise<void> = Promise.resolve();
  #journal: FileSink | undefined;
  #generation = 0;
  #nextGeneration = 1;
  #journalBytes = 0;
  #snapshotBytes = 0;
  #snapshots = 0;
  /** A compaction or recovery in progress. */
  #checkpointing: Promise<void> | undefined;
  /** The failure that poisoned the journal, while degraded. */
  #degraded: unknown;
  #retryDelay: number;
  #retryTimer: NodeJS.Timeout | undefined;
  #lastRecoveryEnd = 0;
  #compactRetryAt = 0;
  #closing: Promise<void> | undefined;
  #closed = false;

  private constructor(tables: MemoryTables, options: PersistenceOptions, fs: PersistenceFileSystem, path: string, lock: PersistLock) {
    this.#tables = tables;
    this.#fs = fs;
    this.#path = path;
    this.#dir = dirname(path);
    this.#base = basename(path);
    this.#lock = lock;
    this.#logger = options.logger;
    this.#compactAfter = options.compactAfterBytes ?? 4 * 1024 * 1024;
    this.#retryBase = options.retryBaseMs ?? 50;
    this.#retryMax = options.retryMaxMs ?? 5000;
    this.#retryDelay = this.#retryBase;
    this.#pacing = options.pacing ?? {};
  }

  /**
   * Locks `options.path`, loads the snapshot and replays the journal into `tables` (which must be
   * empty), then starts a fresh journal.
   *
   * @throws ConfigError (field `persistPath`) when the path is locked by a live process or by another
   *   store of this process, cannot be read, or holds a damaged snapshot or journal.
   */
  static async open(tables: MemoryTables, options: PersistenceOptions): Promise<Persistence> {
    const fs = options.fileSystem ?? nodeFileSystem;
    const path = resolve(options.path);
    try {
      await fs.mkdir(dirname(path));
    } catch (err) {
      throw new ConfigError(`Cannot create the directory of memory persistPath ${path}: ${describe(err)}`, { field: 'persistPath', provider: 'memory', cause: err });
    }
    const lock = await acquirePersistLock(path, fs);
    const persistence = new Persistence(tables, options, fs, path, lock);
    try {
      await persistence.#load(options.legacyTenantId);
      return persistence;
    } catch (err) {
      await persistence.#journal?.close().catch(noop);
      await lock.release().catch(noop);
      if (CollabError.is(err)) throw err;
      throw new ConfigError(`Cannot open memory persistPath ${path}: ${describe(err)}`, { field: 'persistPath', provider: 'memory', cause: err });
    }
  }

  /** Counters (for tests and diagnostics). */
  get status(): PersistenceStatus {
    return {
      generation: this.#generation,
      journalBytes: this.#journalBytes,
      degraded: this.#degraded !== undefined,
      snapshots: this.#snapshots,
      compacting: this.#checkpointing !== undefined,
    };
  }

  /** Records that an entity changed (or was deleted); it is written with the next batch. */
  markDirty(ref: EntityRef): void {
    this.#pending.set(refKey(ref), ref);
  }

  /**
   * Resolves when every change made so far is durable. Rejects with `ProviderUnavailableError` when
   * the write to disk failed: the change stays applied in memory and is saved by a later recovery.
   */
  commit(): Promise<void> {
    if (this.#closed) {
      return Promise.reject(new ProviderUnavailableError('The memory store is closed; this change was applied in memory but will not be saved', { provider: 'memory', retryable: false }));
    }
    if (this.#hasUnbatched()) {
      this.#waiting ??= deferred();
      this.#scheduleDrain();
      return this.#waiting.promise;
    }
    return (this.#covering ?? this.#inFlight)?.promise ?? Promise.resolve();
  }

  /** Writes a fresh snapshot and drops the journal it covers (also runs on its own as the journal grows). */
  compact(): Promise<void> {
    if (this.#checkpointing) return this.#checkpointing;
    if (this.#degraded !== undefined) return this.#recover();
    const run = (async () => {
      const generation = this.#nextGeneration++;
      // Rotate first: every change from here on is journaled in the new generation, so the snapshot
      // may be serialised slowly while writes go on, and replaying that journal over it is exact.
      let covered = 0;
      await this.#onIo(async () => {
        await this.#switchJournal(generation);
        covered = this.#journalBytes;
      });
      await this.#writeSnapshotFile(generation);
      // Only now are the older generations redundant; a failed snapshot leaves them counted.
      this.#journalBytes -= covered;
      await this.#deleteJournalsBefore(generation);
    })();
    this.#checkpointing = run.finally(() => {
      this.#checkpointing = undefined;
      this.#drain();
    });
    return this.#checkpointing;
  }

  /**
   * Saves what is pending, compacts (so `persistPath` alone holds the state), closes the journal and
   * releases the lock. Rejects with `ProviderUnavailableError` when the state could not be saved.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#retryTimer) clearTimeout(this.#retryTimer);
      this.#retryTimer = undefined;
      let failure: unknown;
      try {
        await this.#settle();
        if (this.#degraded !== undefined) await this.#recover().catch(noop);
        else if (this.#journalBytes > 0) {
          // Nothing is lost when this fails (the journal holds it all), so it is reported, not thrown.
          await this.compact().catch((err: unknown) => this.#report(`Memory store: compacting ${this.#path} at close failed (${describe(err)}); the journal is kept and replayed on the next open`, err));
        }
        await this.#settle();
        if (this.#degraded !== undefined || this.#hasUnbatched()) failure = this.#degraded ?? new Error('changes were still being made');
      } catch (err) {
        failure = err;
      } finally {
        this.#closed = true;
        const late = this.#waiting;
        this.#waiting = undefined;
        late?.reject(this.#unavailable(failure ?? new Error('the store closed'), 'saving at close'));
        await this.#io.catch(noop);
        await this.#journal?.close().catch(noop);
        this.#journal = undefined;
        await this.#lock.release().catch(noop);
      }
      if (failure !== undefined) {
        throw new ProviderUnavailableError(`The memory store could not save its state to ${this.#path} at close: ${describe(failure)}`, { provider: 'memory', cause: failure });
      }
    })();
    return this.#closing;
  }

  #hasUnbatched(): boolean {
    return this.#pending.size > 0 || this.#tables.seq !== this.#journaledSeq;
  }

  #scheduleDrain(): void {
    if (this.#drainScheduled) return;
    this.#drainScheduled = true;
    // setImmediate, not a microtask: every change made in this turn of the event loop joins the batch.
    setImmediate(() => {
      this.#drainScheduled = false;
      this.#drain();
    });
  }

  /** Starts the next batch when none is being written. */
  #drain(): void {
    if (this.#inFlight || this.#closed || !this.#hasUnbatched()) return;
    if (this.#degraded !== undefined) {
      this.#onDegradedWrite();
      return;
    }
    const batch = this.#waiting ?? deferred();
    this.#waiting = undefined;
    let line: string;
    try {
      const seq = this.#tables.seq !== this.#journaledSeq ? this.#tables.seq : undefined;
      line = encodeBatch(batchRecords(this.#tables, this.#pending.values(), seq));
      this.#journaledSeq = this.#tables.seq;
      this.#pending.clear();
    } catch (err) {
      batch.reject(this.#unavailable(err, 'encoding the change'));
      return;
    }
    this.#inFlight = batch;
    const bytes = Buffer.byteLength(line);
    this.#onIo(async () => {
      const journal = this.#journal;
      if (!journal) throw new Error('no journal is open');
      await journal.write(line);
      await journal.datasync();
      this.#journalBytes += bytes;
    })
      .then(
        () => batch.resolve(),
        (err: unknown) => {
          this.#degraded = err;
          this.#report(`Memory store: appending to the journal of ${this.#path} failed (${describe(err)}); recovering by writing a full snapshot`, err);
          batch.reject(this.#unavailable(err, 'appending to the journal'));
          this.#scheduleRetry();
        },
      )
      .finally(() => {
        this.#inFlight = undefined;
        this.#maybeCompact();
        this.#drain();
      });
  }

  /** While degraded: join a recovery, start one, or (right after one failed) reject at once. */
  #onDegradedWrite(): void {
    if (this.#checkpointing) return; // drained again when it ends
    if (Date.now() - this.#lastRecoveryEnd >= this.#retryDelay) {
      void this.#recover().catch(noop);
      return;
    }
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.reject(this.#unavailable(this.#degraded, 'saving (the last save failed and is being retried)'));
  }

  /**
   * Writes a full snapshot, then a fresh journal. Snapshot first: the poisoned journal must not get
   * more records, and a new journal only makes sense on top of a snapshot covering everything before.
   */
  #recover(): Promise<void> {
    if (this.#checkpointing) return this.#checkpointing;
    const covered = this.#waiting ?? deferred();
    this.#waiting = undefined;
    this.#covering = covered;
    this.#pending.clear();
    this.#journaledSeq = this.#tables.seq;
    const run = (async () => {
      const generation = this.#nextGeneration++;
      try {
        await this.#writeSnapshotFile(generation);
      } catch (err) {
        covered.reject(this.#unavailable(err, 'writing a recovery snapshot'));
        throw err;
      }
      try {
        await this.#onIo(async () => {
          await this.#switchJournal(generation);
          this.#journalBytes = 0; // the snapshot covers every older generation
        });
      } finally {
        // Durable either way: the snapshot holds these changes. Without a new journal the store stays degraded.
        covered.resolve();
      }
      this.#degraded = undefined;
      this.#retryDelay = this.#retryBase;
      await this.#deleteJournalsBefore(generation).catch(noop);
      this.#report(`Memory store: saving to ${this.#path} works again`, undefined);
    })();
    this.#checkpointing = run
      .catch((err: unknown) => {
        this.#report(`Memory store: recovery of ${this.#path} failed (${describe(err)}); retrying in ${this.#retryDelay} ms`, err);
        this.#retryDelay = Math.min(this.#retryDelay * 2, this.#retryMax);
        this.#scheduleRetry();
        throw err;
      })
      .finally(() => {
        this.#checkpointing = undefined;
        this.#covering = undefined;
        this.#lastRecoveryEnd = Date.now();
        this.#drain();
      });
    return this.#checkpointing;
  }

  #scheduleRetry(): void {
    if (this.#retryTimer || this.#closed || this.#closing) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      if (this.#degraded !== undefined && !this.#checkpointing) void this.#recover().catch(noop);
    }, this.#retryDelay);
    // Background retries do not hold the process open; close() makes the last attempt.
    this.#retryTimer.unref();
  }

  #maybeCompact(): void {
    if (this.#checkpointing || this.#degraded !== undefined || this.#closing) return;
    if (this.#journalBytes <= Math.max(this.#compactAfter, this.#snapshotBytes) || Date.now() < this.#compactRetryAt) return;
    this.compact().catch((err: unknown) => {
      this.#compactRetryAt = Date.now() + this.#retryMax;
      this.#report(`Memory store: compacting ${this.#path} failed (${describe(err)}); the journal is kept and compaction is retried later`, err);
    });
  }

  /** Waits until nothing is pending, being written or being compacted (bounded, as writes may go on). */
  async #settle(): Promise<void> {
    for (let round = 0; round < 1000; round++) {
      if (this.#checkpointing) await this.#checkpointing.catch(noop);
      else if (this.#inFlight) await this.#inFlight.promise.catch(noop);
      else if (this.#hasUnbatched() && this.#degraded === undefined) await this.commit().catch(noop);
      else return;
    }
  }

  #onIo<T>(op: () => Promise<T>): Promise<T> {
    const run = this.#io.then(op);
    this.#io = run.then(noop, noop);
    return run;
  }

  #journalPath(generation: number): string {
    return join(this.#dir, `${this.#base}.journal-${generation}`);
  }

  async #switchJournal(generation: number): Promise<void> {
    const sink = await this.#fs.openAppend(this.#journalPath(generation));
    try {
      await this.#fs.syncDir(this.#dir);
    } catch (err) {
      await sink.close().catch(noop);
      throw err;
    }
    const old = this.#journal;
    this.#journal = sink;
    this.#generation = generation;
    await old?.close().catch(noop);
  }

  /** Replaces `persistPath` atomically: temp file, fsync, rename, fsync of the directory. */
  async #writeSnapshotFile(journal: number): Promise<void> {
    const tmp = join(this.#dir, `${this.#base}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    const sink = await this.#fs.openWrite(tmp);
    let chars: number;
    try {
      chars = await writeSnapshot(this.#tables, journal, sink, this.#pacing);
      await sink.sync();
    } catch (err) {
      await sink.close().catch(noop);
      await this.#fs.unlink(tmp).catch(noop);
      throw err;
    }
    await sink.close();
    try {
      await this.#fs.rename(tmp, this.#path);
    } catch (err) {
      await this.#fs.unlink(tmp).catch(noop);
      throw err;
    }
    await this.#fs.syncDir(this.#dir);
    this.#snapshotBytes = chars;
    this.#snapshots += 1;
  }

  /** Journal files beside the snapshot, by generation. */
  async #journalFiles(): Promise<Array<{ generation: number; file: string }>> {
    const prefix = `${this.#base}.journal-`;
    const out: Array<{ generation: number; file: string }> = [];
    for (const name of await this.#fs.readdir(this.#dir)) {
      if (!name.startsWith(prefix)) continue;
      const rest = name.slice(prefix.length);
      if (/^\d+$/.test(rest)) out.push({ generation: Number(rest), file: join(this.#dir, name) });
    }
    return out.sort((a, b) => a.generation - b.generation);
  }

  async #deleteJournalsBefore(generation: number): Promise<void> {
    for (const j of await this.#journalFiles()) if (j.generation < generation) await this.#fs.unlink(j.file);
  }

  async #load(legacyTenantId: string): Promise<void> {
    let bytes: Buffer | undefined;
    try {
      bytes = await this.#fs.readFile(this.#path);
    } catch (err) {
      throw new ConfigError(`Cannot read memory persistPath ${this.#path}: ${describe(err)}`, { field: 'persistPath', provider: 'memory', cause: err });
    }
    let base = 0;
    let version: number | undefined;
    if (bytes) {
      let json: unknown;
      try {
        json = JSON.parse(bytes.toString('utf8'));
      } catch (err) {
        throw new ConfigError(`Memory persistPath ${this.#path} is not valid JSON`, { field: 'persistPath', provider: 'memory', cause: err });
      }
      const parsed = AnyPersistedStateSchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new ConfigError(`Memory persistPath ${this.#path} is not a unicollab memory state file (at ${issue.path.join('.') || 'root'}: ${issue.message})`, {
          field: 'persistPath',
          provider: 'memory',
        });
      }
      restoreSnapshot(this.#tables, parsed.data, legacyTenantId);
      version = parsed.data.version;
      base = parsed.data.version === 2 ? parsed.data.journal : 0;
    }
    const names = await this.#fs.readdir(this.#dir);
    // Temp files of snapshots a crash interrupted (never renamed in, so never part of the state), and
    // lock files a crash left aside (`.lock.<token>`, `.lock.stale-*`). Ours is `.lock` itself.
    for (const name of names) {
      if (name.startsWith(`${this.#base}.tmp-`) || name.startsWith(`${this.#base}.lock.`)) await this.#fs.unlink(join(this.#dir, name));
    }
    let replayed = false;
    let last = base;
    for (const { generation, file } of await this.#journalFiles()) {
      last = Math.max(last, generation);
      if (generation < base) {
        await this.#fs.unlink(file); // covered by the snapshot: left over from a compaction cut short
        continue;
      }
      const text = (await this.#fs.readFile(file))?.toString('utf8') ?? '';
      const journal = parseJournal(text, file);
      for (const batch of journal.batches) for (const record of batch) applyRecord(this.#tables, record);
      if (journal.batches.length > 0 || journal.tornTail) replayed = true;
    }
    this.#journaledSeq = this.#tables.seq;
    if (version === 2 && !replayed) {
      // A clean state (closed properly): keep appending to the generation the snapshot names.
      await this.#switchJournal(base);
      this.#nextGeneration = last + 1;
      return;
    }
    // First run, a version 1 file, or a journal to fold in: start from a fresh snapshot, so the
    // journal never grows across restarts and a torn tail is never appended to.
    const generation = last + 1;
    await this.#writeSnapshotFile(generation);
    await this.#switchJournal(generation);
    await this.#deleteJournalsBefore(generation);
    this.#nextGeneration = generation + 1;
  }

  #unavailable(err: unknown, what: string): ProviderUnavailableError {
    return new ProviderUnavailableError(
      `The change is applied in memory but not yet durable: ${what} in ${this.#path} failed (${describe(err)}); the store retries in the background, and later writes succeed once the disk works again`,
      { provider: 'memory', cause: err },
    );
  }

  #report(message: string, err: unknown): void {
    try {
      this.#logger?.warn?.(message, { provider: 'memory', path: this.#path, ...(err === undefined ? {} : { error: describe(err) }) });
    } catch {
      // A failing logger must not turn a reported failure into a thrown one.
    }
  }
}
