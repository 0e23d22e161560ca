/**
 * The portability commands: `export`, `import`, `migrate` and `verify`, over the library's
 * `exportData`, `importData`, `migrate` and `verify`. Progress goes to the error stream (bars on a TTY,
 * plain lines otherwise), the report to stdout; with `--json`, stdout carries one JSON object per line
 * (`progress` events, then the `report` or the `error`). Ctrl-C aborts through the library's signal
 * after the writes in flight, keeps the checkpoint and exits 130.
 * @module
 */
import { rename, rm } from 'node:fs/promises';
import { type Collab, createCollab } from '../collab.js';
import { AbortedError, CollabError, ConfigError } from '../core/errors.js';
import { describeLosses, exportData, type ExportLine, importData, type ImportReport, LossRefusedError, type LossReport, migrate, type MigrateReport, type RecordCounts, verify, type VerifyReport, writeNdjsonFile } from '../portability/index.js';
import { readCheckpoint } from '../portability/checkpoint.js';
import { importConstraintsOf } from '../portability/constraints.js';
import { scanSource } from '../portability/source.js';
import type { CliRequest, PortabilityOptions } from './args.js';
import { errorJson, errorLine, likelyCause } from './diagnose.js';
import type { Printer } from './output.js';
import { type ProgressMode, ProgressReporter } from './progress.js';
import { sideConfig } from './provider-file.js';

type Env = Record<string, string | undefined>;
type Request = Extract<CliRequest, { kind: 'run' }> & { command: 'export' | 'import' | 'migrate' | 'verify' };

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT). */
export const INTERRUPTED = 130;

/** What a portability command runs with. */
export interface PortabilityContext {
  /** The report (stdout). */
  print: Printer;
  /** stdout, for JSON lines. */
  out: NodeJS.WritableStream;
  /** The error stream (progress, errors). */
  err: NodeJS.WritableStream;
  /** The process environment (export and import without --from / --to). */
  env: Env;
  /** The command line as given, to print the command that resumes. */
  argv: readonly string[];
  /** Aborts the run as Ctrl-C does (tests); SIGINT is listened to as well. */
  signal?: AbortSignal;
}

/** A quoted command line to paste into a shell. */
function shellLine(argv: readonly string[]): string {
  return ['unicollab', ...argv].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`)).join(' ');
}

class Output {
  constructor(
    private readonly request: Request,
    private readonly ctx: PortabilityContext,
  ) {}

  get json(): boolean {
    return this.request.json;
  }

  /** One JSON line on stdout (`--json`). */
  event(value: Record<string, unknown>): void {
    this.ctx.out.write(`${JSON.stringify(value)}\n`);
  }

  line(text = ''): void {
    if (!this.json) this.ctx.print.line(text);
  }

  wrapped(text: string, indent = 2): void {
    if (!this.json) this.ctx.print.wrapped(text, indent);
  }

  /** A line on the error stream (not with `--json`). */
  note(text: string): void {
    if (!this.json) this.ctx.err.write(`${text}\n`);
  }

  progress(): ProgressReporter {
    const mode: ProgressMode = this.json ? 'json' : (this.ctx.err as { isTTY?: boolean }).isTTY ? 'tty' : 'plain';
    return new ProgressReporter(mode, mode === 'json' ? this.ctx.out : this.ctx.err);
  }
}

const KINDS = ['user', 'room', 'document', 'thread', 'notification'] as const;

function countsText(counts: RecordCounts): string {
  return KINDS.map((k) => `${counts[k]} ${k}${counts[k] === 1 ? '' : 's'}`).join(', ');
}

function printLosses(o: Output, losses: LossReport, heading: string): void {
  if (losses.items.length === 0) return;
  o.line(heading);
  for (const text of describeLosses(losses)) o.wrapped(`  - ${text}`, 4);
}

function printImport(o: Output, report: ImportReport): void {
  o.line(`${report.resumed ? 'resumed and ' : ''}imported from ${report.source.provider} (exported ${report.source.exportedAt}) into ${report.target} (${report.mode}):`);
  for (const kind of KINDS) {
    const k = report.records[kind];
    if (k.total === 0) continue;
    o.line(`  ${kind.padEnd(13)} ${String(k.total).padStart(7)}: ${k.written} written, ${k.updated} updated, ${k.skipped} skipped, ${k.dropped} dropped, ${k.resumed} resumed`);
  }
  o.line(`  ${'comments'.padEnd(13)} ${' '.repeat(7)}  ${report.comments.written} written, ${report.comments.skipped} skipped, ${report.comments.dropped} dropped`);
  o.line(`  ${'reactions'.padEnd(13)} ${' '.repeat(7)}  ${report.reactions.written} written, ${report.reactions.skipped} skipped, ${report.reactions.dropped} dropped`);
  printLosses(o, report.losses, `dropped or changed (${report.target} cannot hold them):`);
}

function printVerify(o: Output, report: VerifyReport): void {
  o.line(`verification ${report.from} -> ${report.to}: ${report.ok ? 'ok' : `${report.differenceCount} unexplained difference${report.differenceCount === 1 ? '' : 's'}`}`);
  for (const [kind, k] of Object.entries(report.kinds)) {
    if (k.source === 0) continue;
    o.line(`  ${kind.padEnd(13)} ${String(k.source).padStart(7)}: ${k.matched} matched, ${k.expectedMissing} expected missing, ${k.differences} different`);
  }
  for (const d of report.differences) o.wrapped(`  - ${d.kind} ${d.id}${d.roomId !== undefined ? ` in room ${d.roomId}` : ''}: ${d.message}`, 4);
  if (report.differences.length < report.differenceCount) o.line(`  ... and ${report.differenceCount - report.differences.length} more`);
}

/** Listens to SIGINT for the duration of a run: the first aborts (after in-flight writes), a second exits at once. */
function interruptible(outer: AbortSignal | undefined, o: Output): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onOuter = (): void => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onOuter, { once: true });
  if (outer?.aborted) controller.abort(outer.reason);
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(INTERRUPTED);
    o.note('unicollab: interrupted: finishing the writes in flight (Ctrl-C again to quit at once)');
    controller.abort(new Error('SIGINT'));
  };
  process.on('SIGINT', onSigint);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSigint);
      outer?.removeEventListener('abort', onOuter);
    },
  };
}

async function open(file: string | undefined, side: '--from' | '--to', request: Request, env: Env): Promise<Collab> {
  return createCollab(await sideConfig(file, side, request.provider, env));
}

/** Both sides of a migrate or verify; the first is closed again when the second cannot be opened. */
async function openBoth(request: Request, env: Env): Promise<{ from: Collab; to: Collab }> {
  const from = await open(request.options.from, '--from', request, env);
  try {
    return { from, to: await open(request.options.to, '--to', request, env) };
  } catch (err) {
    await from.close();
    throw err;
  }
}

/** The export filters of the command line (`--rooms`, `--since`, `--users`). */
function exportFilters(opts: PortabilityOptions): { rooms?: string[]; since?: Date; users?: string[] } {
  return { ...(opts.rooms ? { rooms: opts.rooms } : {}), ...(opts.since ? { since: opts.since } : {}), ...(opts.users ? { users: opts.users } : {}) };
}

async function runExport(request: Request, o: Output, signal: AbortSignal, ctx: PortabilityContext): Promise<number> {
  const opts = request.options;
  const out = opts.out!;
  const collab = await open(opts.from, '--from', request, ctx.env);
  unlistedNotifications(o, collab, opts);
  const progress = o.progress();
  let trailer: Extract<ExportLine, { kind: 'trailer' }> | undefined;
  const partial = `${out}.partial`;
  try {
    const lines = async function* (): AsyncGenerator<ExportLine> {
      for await (const line of exportData(collab, { ...exportFilters(opts), signal, onProgress: progress.onProgress })) {
        if (line.kind === 'trailer') trailer = line;
        yield line;
      }
    };
    try {
      await writeNdjsonFile(lines(), partial);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
    await rename(partial, out);
  } finally {
    progress.stop();
    await collab.close();
  }
  const t = trailer!;
  if (o.json) o.event({ type: 'report', command: 'export', provider: collab.provider, out, counts: t.counts, sha256: t.sha256 });
  else o.line(`exported ${countsText(t.counts)} from ${collab.provider} to ${out} (sha256 ${t.sha256})`);
  return 0;
}

/** Says so when the source has notifications it cannot enumerate (no user listing) and no --users was given: never a silent gap. */
function unlistedNotifications(o: Output, source: Collab, opts: PortabilityOptions): void {
  if (source.capabilities['users.list'] !== 'no' || source.capabilities['notifications.list'] === 'no' || opts.users) return;
  const text = `${source.provider} cannot list its users, and notifications are listed per user: no notification is exported unless --users names whose to export.`;
  if (o.json) o.event({ type: 'warning', code: 'notifications_not_listed', message: text });
  else o.note(`unicollab: warning: ${text}`);
}

/** `--dry-run`: the loss check and the counts, without writing. */
async function dryRun(o: Output, command: string, target: Collab, source: Parameters<typeof scanSource>[0], allowLoss: boolean, progress: ProgressReporter): Promise<number> {
  const scan = await scanSource(
    source,
    target.provider,
    target.capabilities,
    (record, counts) => progress.onProgress({ phase: 'scan', kind: record.kind, done: counts[record.kind] }),
    importConstraintsOf(target),
  );
  progress.stop();
  const refused = scan.losses.lossy && !allowLoss;
  if (o.json) {
    o.event({ type: 'report', command, dryRun: true, source: { provider: scan.header.source.provider, exportedAt: scan.header.exportedAt }, target: target.provider, wouldWrite: scan.counts, losses: scan.losses, refused });
  } else {
    o.line(`dry run: nothing was written to ${target.provider}.`);
    o.line(`would write: ${countsText(scan.counts)}`);
    if (scan.losses.items.length === 0) o.line(`would drop: nothing (${target.provider} can hold everything)`);
    else printLosses(o, scan.losses, `would drop or change (${target.provider} cannot hold them):`);
    if (refused) o.wrapped(`The real run would be refused: rerun with --allow-loss to accept these losses.`, 0);
  }
  return refused ? 1 : 0;
}

function importOptions(opts: PortabilityOptions, signal: AbortSignal, progress: ProgressReporter, o: Output) {
  return {
    ...(opts.mode ? { mode: opts.mode } : {}),
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    ...(opts.checkpoint ? { checkpoint: opts.checkpoint } : {}),
    allowLoss: opts.allowLoss,
    signal,
    onProgress: progress.onProgress,
    onLosses: (losses: LossReport) => {
      if (losses.items.length === 0) return;
      if (o.json) o.event({ type: 'losses', losses });
      else if (!losses.lossy || opts.allowLoss) {
        // Before any write, so an operator watching sees what is dropped while it runs.
        for (const item of losses.items) o.note(`${item.blocking ? 'dropping' : 'note'}: ${describeLosses({ ...losses, items: [item] })[0]!}`);
      }
    },
  };
}

async function runImport(request: Request, o: Output, signal: AbortSignal, ctx: PortabilityContext): Promise<number> {
  const opts = request.options;
  const target = await open(opts.to, '--to', request, ctx.env);
  const progress = o.progress();
  try {
    if (opts.dryRun) return await dryRun(o, 'import', target, opts.in!, opts.allowLoss, progress);
    let report: ImportReport;
    try {
      report = await importData(target, opts.in!, importOptions(opts, signal, progress, o));
    } finally {
      progress.stop();
    }
    if (o.json) o.event({ type: 'report', command: 'import', ...report });
    else printImport(o, report);
    return 0;
  } finally {
    progress.stop();
    await target.close();
  }
}

async function runMigrate(request: Request, o: Output, signal: AbortSignal, ctx: PortabilityContext): Promise<number> {
  const opts = request.options;
  const { from, to } = await openBoth(request, ctx.env);
  const progress = o.progress();
  const filters = exportFilters(opts);
  unlistedNotifications(o, from, opts);
  try {
    if (opts.dryRun) return await dryRun(o, 'migrate', to, () => exportData(from, { ...filters, signal }), opts.allowLoss, progress);
    let report: MigrateReport;
    try {
      report = await migrate(from, to, { ...filters, ...importOptions(opts, signal, progress, o), verify: !opts.noVerify });
    } finally {
      progress.stop();
    }
    const ok = report.verification?.ok ?? true;
    if (o.json) o.event({ type: 'report', command: 'migrate', ...report, ok });
    else {
      printImport(o, report);
      if (report.verification) printVerify(o, report.verification);
    }
    return ok ? 0 : 1;
  } finally {
    progress.stop();
    await Promise.all([from.close(), to.close()]);
  }
}

/** The source -> target thread ids of a migration's checkpoint, so `verify` pairs threads the target renamed. */
async function threadIdsOf(checkpoint: string | undefined): Promise<Record<string, string> | undefined> {
  if (!checkpoint) return undefined;
  const state = await readCheckpoint(checkpoint);
  if (state === undefined) throw new ConfigError(`--checkpoint ${checkpoint} does not exist`, { field: '--checkpoint' });
  return state.threadIds;
}

async function runVerify(request: Request, o: Output, signal: AbortSignal, ctx: PortabilityContext): Promise<number> {
  const opts = request.options;
  const threadIds = await threadIdsOf(opts.checkpoint);
  const { from, to } = await openBoth(request, ctx.env);
  try {
    const report = await verify(from, to, { ...(opts.rooms ? { rooms: opts.rooms } : {}), ...(threadIds ? { threadIds } : {}), signal });
    if (o.json) o.event({ type: 'report', command: 'verify', ...report });
    else printVerify(o, report);
    return report.ok ? 0 : 1;
  } finally {
    await Promise.all([from.close(), to.close()]);
  }
}

/**
 * Runs `export`, `import`, `migrate` or `verify`; returns the exit code: 0 done, 1 failed (a refused
 * lossy import, an unexplained difference, any error), 130 interrupted. Misuse was caught by the parser.
 */
export async function runPortability(request: Request, ctx: PortabilityContext): Promise<number> {
  const o = new Output(request, ctx);
  const { signal, dispose } = interruptible(ctx.signal, o);
  try {
    switch (request.command) {
      case 'export':
        return await runExport(request, o, signal, ctx);
      case 'import':
        return await runImport(request, o, signal, ctx);
      case 'migrate':
        return await runMigrate(request, o, signal, ctx);
      case 'verify':
        return await runVerify(request, o, signal, ctx);
    }
  } catch (error) {
    if (error instanceof AbortedError && signal.aborted) {
      const checkpoint = request.options.checkpoint;
      const resume = checkpoint
        ? `The checkpoint ${checkpoint} is kept: run the same command again to resume:`
        : request.command === 'export'
          ? 'Nothing was written to the output file. Run the command again to export:'
          : 'Without --checkpoint there is nothing to resume from; running again is safe (already written records are found and skipped), and --checkpoint makes it resumable:';
      if (o.json) o.event({ type: 'error', error: errorJson(error), interrupted: true, ...(checkpoint ? { checkpoint } : {}), resume: shellLine(ctx.argv) });
      else {
        ctx.err.write(`unicollab: interrupted: stopped after the writes in flight. ${resume}\n`);
        ctx.err.write(`  ${shellLine(ctx.argv)}\n`);
      }
      return INTERRUPTED;
    }
    if (error instanceof LossRefusedError) {
      const into = error.losses.target;
      if (o.json) o.event({ type: 'error', error: errorJson(error, { hint: 'rerun with --allow-loss to accept these losses' }), losses: error.losses });
      else {
        ctx.err.write(`unicollab: refused: ${request.command === 'migrate' ? 'the migration' : 'the import'} into ${into} would drop data, and nothing was written:\n`);
        for (const text of describeLosses(error.losses)) ctx.err.write(`  - ${text}\n`);
        ctx.err.write('Rerun with --allow-loss to proceed (the report then lists every dropped item), or with --dry-run to see what would be written.\n');
      }
      return 1;
    }
    const provider = CollabError.is(error) ? (error.provider ?? '') : '';
    const hint = likelyCause(error, { provider, env: ctx.env });
    if (o.json) o.event({ type: 'error', error: errorJson(error, hint ? { hint } : {}) });
    else ctx.err.write(`unicollab: ${errorLine(error)}${hint ? `\nhint: ${hint}` : ''}\n`);
    return 1;
  } finally {
    dispose();
  }
}
