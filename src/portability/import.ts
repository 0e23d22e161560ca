/**
 * `importData`: writes a `unicollab-export/1` source into a target, with bounded concurrency,
 * idempotently (a re-run creates no duplicates) and resumably (a checkpoint file), refusing before any
 * write when the target cannot hold something unless `allowLoss` is set.
 * @module
 */
import type { Collab } from '../core/container.js';
import { AbortedError, CollabError, ConfigError } from '../core/errors.js';
import { type CheckpointState, CheckpointWriter, loadCheckpoint, newCheckpoint } from './checkpoint.js';
import type { PortabilityProgress } from './export.js';
import { ConstraintPass, importConstraintsOf, reactionsIn, threadBulkWritesOf } from './constraints.js';
import { emptyCounts } from './format.js';
import { describeLosses, type LossReport } from './loss.js';
import type { CommentRecord, ExportRecord, RecordKind } from './schemas.js';
import { type ImportSource, openSource, type ScanResult, scanSource } from './source.js';
import { emptyTally, type ImportMode, type ImportTally, type ItemTally, type KindTally, type Outcome, RoomThreadIndex, type WriteContext, writeDocument, writeNotification, writeRoom, writeThread, writeUser } from './write-records.js';

/** Options of `importData`. */
export interface ImportOptions {
  /** `upsert` (default): existing rooms, users, threads and storage are brought in line with the source. `create-only`: they are left as they are. */
  mode?: ImportMode;
  /** Records written at the same time (default 8). Comments of one thread are always written in order. */
  concurrency?: number;
  /**
   * A checkpoint file (JSON, replaced atomically). When it exists and belongs to the same source and
   * target, the import resumes: records it marks done are skipped, and the records that were in flight
   * are reconciled by reading the target. Without one, a re-run is still idempotent for everything with
   * a client-chosen id (rooms, users, threads on targets that take the thread id) and for notifications
   * (looked up before each trigger); use a checkpoint for targets that assign their own thread ids.
   * A checkpoint is tied to the exact source (header `exportedAt` and trailer SHA-256), and resuming
   * needs the same lines in the same order: import from a file (`migrate` stages its export in one).
   */
  checkpoint?: string;
  /** Proceed when the target cannot hold something (it is then dropped and counted in the report). Default `false`: refuse. */
  allowLoss?: boolean;
  /** Called after each record of the scan and of the import. */
  onProgress?: (event: PortabilityProgress) => void;
  /** Called once the scan found what the target cannot carry (before any write, and before a refusal). */
  onLosses?: (losses: LossReport) => void;
  /** Stops the import after the writes in flight; the checkpoint then resumes it. The promise rejects with `AbortedError`. */
  signal?: AbortSignal;
}

/** The outcome of an import. */
export interface ImportReport {
  /** The source, as its header and trailer name it. */
  source: { provider: string; exportedAt: string; sha256: string };
  /** The target provider. */
  target: string;
  /** The mode used. */
  mode: ImportMode;
  /** Per record kind: how many the source held and what happened to them. */
  records: Record<RecordKind, KindTally & { total: number }>;
  /** Comments inside threads. */
  comments: ItemTally;
  /** Reactions (user and emoji pairs). */
  reactions: ItemTally;
  /** What the target could not hold, by feature, with counts: every dropped item is here. */
  losses: LossReport;
  /** Whether this run resumed from a checkpoint. */
  resumed: boolean;
}

/** A lossy import refused because `allowLoss` was not set; `losses` says what would be dropped. Nothing was written. */
export class LossRefusedError extends ConfigError {
  /** What the target cannot hold. */
  readonly losses: LossReport;
  constructor(losses: LossReport) {
    const lines = describeLosses({ ...losses, items: losses.items.filter((i) => i.blocking) });
    super(`The import into ${losses.target} would drop data (set allowLoss to proceed, and the report will list it): ${lines.join('; ')}`, {
      field: 'allowLoss',
      operation: 'portability.import',
      issues: lines.map((message) => ({ field: 'allowLoss', message })),
    });
    this.losses = losses;
  }
}

const OPERATION = 'portability.import';

function roomOf(record: ExportRecord): string | undefined {
  switch (record.kind) {
    case 'document':
    case 'thread':
      return record.roomId;
    case 'notification':
      return record.roomId;
    default:
      return undefined;
  }
}

function report(scan: ScanResult, target: string, mode: ImportMode, tally: ImportTally, resumed: boolean): ImportReport {
  const records = {} as ImportReport['records'];
  for (const kind of Object.keys(tally.records) as RecordKind[]) records[kind] = { total: scan.counts[kind], ...tally.records[kind] };
  return {
    source: { provider: scan.header.source.provider, exportedAt: scan.header.exportedAt, sha256: scan.trailer.sha256 },
    target,
    mode,
    records,
    comments: tally.comments,
    reactions: tally.reactions,
    losses: scan.losses,
    resumed,
  };
}

/**
 * Imports a source into `collab`.
 *
 * 1. A first pass reads the whole source: validates it (a bad line, a truncated file, an unknown format
 *    version or a SHA-256 mismatch is a `ValidationError`), counts records and computes what the target
 *    cannot hold. When something would be dropped and `allowLoss` is not set, it throws
 *    `LossRefusedError` (a `ConfigError` listing every loss) before any write.
 * 2. A second pass writes the records in order, `concurrency` at a time (a room's records wait for the
 *    room; records after the users wait for the users), and keeps the checkpoint.
 *
 * @param collab - The target.
 * @param source - A file path or a function returning a fresh iterable of lines (see `ImportSource`).
 * @param options - Mode, concurrency, checkpoint, `allowLoss`, progress and signal.
 */
export async function importData(collab: Collab, source: ImportSource, options: ImportOptions = {}): Promise<ImportReport> {
  const mode = options.mode ?? 'upsert';
  if (mode !== 'upsert' && mode !== 'create-only') throw new ConfigError(`mode must be "upsert" or "create-only"`, { field: 'mode', operation: OPERATION });
  const concurrency = options.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new ConfigError('concurrency must be a positive integer', { field: 'concurrency', operation: OPERATION });
  const { signal, onProgress } = options;
  if (signal?.aborted) throw AbortedError.from(signal, { operation: OPERATION });

  // Pass 1: validate, count, find the losses (the target's structural constraints included).
  const constraints = importConstraintsOf(collab);
  const scan = await scanSource(
    source,
    collab.provider,
    collab.capabilities,
    (record, counts) => {
      onProgress?.({ phase: 'scan', kind: record.kind, done: counts[record.kind] });
      if (signal?.aborted) throw AbortedError.from(signal, { operation: OPERATION });
    },
    constraints,
  );
  options.onLosses?.(scan.losses);
  if (scan.losses.lossy && !options.allowLoss) throw new LossRefusedError(scan.losses);

  // Checkpoint.
  const sourceId = { provider: scan.header.source.provider, exportedAt: scan.header.exportedAt, sha256: scan.trailer.sha256 };
  const loaded = options.checkpoint ? await loadCheckpoint(options.checkpoint, sourceId, collab.provider) : undefined;
  const state: CheckpointState = loaded ?? newCheckpoint(sourceId, collab.provider);
  const writer = options.checkpoint ? new CheckpointWriter(options.checkpoint, state) : undefined;
  const tally = emptyTally();
  const resumed = loaded !== undefined;
  if (loaded?.complete) {
    for (const kind of Object.keys(tally.records) as RecordKind[]) tally.records[kind].resumed = scan.counts[kind];
    return report(scan, collab.provider, mode, tally, true);
  }
  const previousReservation = loaded ? loaded.reservedUpTo : -1;
  const reconcile = (index: number): boolean => (writer ? index <= previousReservation : true);
  const lease = Math.max(64, concurrency * 8);
  const completed = new Set(state.completed);

  let failure: unknown;
  let saveFailure: unknown;
  const ctx: WriteContext = {
    collab,
    caps: collab.capabilities,
    mode,
    tally,
    threadIds: state.threadIds,
    get targetAssignsThreadIds() {
      return state.targetAssignsThreadIds;
    },
    set targetAssignsThreadIds(value: boolean) {
      state.targetAssignsThreadIds = value;
    },
    saveMapping: async () => {
      if (writer) await writer.request();
    },
    roomThreads: new RoomThreadIndex(collab),
  };
  const bulk = threadBulkWritesOf(collab);
  if (bulk) ctx.bulk = bulk;
  // The same verdicts as the scan's: fed every record in order, including those a resumed run skips.
  const pass = new ConstraintPass(constraints);
  if (scan.header.source.capabilities['users.list'] === 'no' && scan.counts.user === 0 && collab.capabilities['users.upsert'] !== 'no') {
    const authors = new Map<string, Promise<void>>();
    const ensure = async (id: string): Promise<void> => {
      if (collab.capabilities['users.get'] !== 'no') {
        try {
          await collab.users.get(id);
          return;
        } catch (err) {
          if (!(CollabError.is(err) && err.code === 'not_found')) throw err;
        }
      }
      await collab.users.upsert({ id });
    };
    ctx.ensureAuthor = (id) => {
      let done = authors.get(id);
      if (!done) {
        done = ensure(id);
        authors.set(id, done);
        done.catch(() => authors.delete(id));
      }
      return done;
    };
  }

  const markDone = (index: number): void => {
    if (index === state.watermark + 1) {
      state.watermark = index;
      while (completed.delete(state.watermark + 1)) state.watermark++;
    } else completed.add(index);
    state.completed = [...completed];
    writer?.request().catch((err: unknown) => (saveFailure ??= err));
  };

  const done = emptyCounts();
  const inFlight = new Set<Promise<void>>();
  const userTasks = new Set<Promise<void>>();
  const roomTasks = new Map<string, Promise<void>>();

  const write = async (record: ExportRecord, index: number): Promise<Outcome> => {
    const room = roomOf(record);
    const pending = room !== undefined ? roomTasks.get(room) : undefined;
    if (pending) await pending;
    switch (record.kind) {
      case 'user':
        return writeUser(ctx, record);
      case 'room':
        return writeRoom(ctx, record);
      case 'thread':
        return writeThread(ctx, record, reconcile(index));
      case 'notification':
        return writeNotification(ctx, record, reconcile(index));
      case 'document':
        return writeDocument(ctx, record);
    }
  };

  const run = (record: ExportRecord | undefined, kind: RecordKind, index: number, dropped: readonly CommentRecord[]): Promise<void> => {
    if (dropped.length > 0) {
      tally.comments.dropped += dropped.length;
      tally.reactions.dropped += reactionsIn(dropped);
    }
    const written: Promise<Outcome> = record ? write(record, index) : Promise.resolve('dropped');
    const task: Promise<void> = written.then(
      (outcome) => {
        tally.records[kind][outcome]++;
        done[kind]++;
        onProgress?.({ phase: 'import', kind, done: done[kind], total: scan.counts[kind] });
        markDone(index);
      },
      (err: unknown) => {
        failure ??= err;
      },
    );
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
    return task;
  };

  // Pass 2: write.
  let index = -1;
  let usersSettled = false;
  for await (const line of openSource(source)) {
    if (line.kind === 'header' || line.kind === 'trailer') continue;
    index++;
    const constrained = pass.active ? pass.apply(line) : undefined;
    if (line.kind === 'room' || line.kind === 'thread') ctx.roomThreads?.enter(line.kind === 'room' ? line.id : line.roomId);
    if (index <= state.watermark || completed.has(index)) {
      tally.records[line.kind].resumed++;
      done[line.kind]++;
      continue;
    }
    if (failure !== undefined || saveFailure !== undefined || signal?.aborted) break;
    if (line.kind !== 'user' && !usersSettled) {
      await Promise.all(userTasks);
      usersSettled = true;
    }
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (failure !== undefined || signal?.aborted) break;
    if (writer && index > state.reservedUpTo) {
      state.reservedUpTo = index + lease;
      await writer.flush();
    }
    const task = constrained ? run(constrained.record, line.kind, index, constrained.droppedComments) : run(line, line.kind, index, []);
    if (line.kind === 'user') userTasks.add(task);
    if (line.kind === 'room') {
      roomTasks.set(line.id, task);
      const id = line.id;
      void task.finally(() => {
        if (roomTasks.get(id) === task) roomTasks.delete(id);
      });
    }
  }
  await Promise.all(inFlight);

  const stopped = failure !== undefined || saveFailure !== undefined || signal?.aborted === true;
  if (!stopped) state.complete = true;
  if (writer) await writer.flush();
  if (failure !== undefined) throw failure;
  if (saveFailure !== undefined) throw saveFailure;
  if (signal?.aborted) throw AbortedError.from(signal, { operation: OPERATION });
  return report(scan, collab.provider, mode, tally, resumed);
}
