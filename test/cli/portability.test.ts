/**
 * The portability commands of the CLI, in-process through `main(argv, out, err)`: export, import,
 * migrate and verify between memory providers configured by env and JSON files (persisted, so two
 * invocations share data), into the Velt emulator for a lossy target, misuse, --json, --dry-run, Ctrl-C.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { ProgressReporter } from '../../src/cli/progress.js';
import { createCollab, type Collab } from '../../src/index.js';
import { startVeltEmulator, type VeltEmulator } from '../adapters/velt/emulator/server.js';
import { seed, type Seeded } from '../portability/fixtures.js';
import { census } from '../portability/support.js';
import { sink } from '../support/output.js';

const dir = mkdtempSync(join(tmpdir(), 'uc-cli-portability-'));
const emulators: VeltEmulator[] = [];
afterAll(async () => {
  await Promise.all(emulators.map((e) => e.close()));
  rmSync(dir, { recursive: true, force: true });
});

const savedEnv = { ...process.env };
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

async function cli(...argv: string[]) {
  const out = sink();
  const err = sink();
  const code = await main(argv, out.stream, err.stream);
  return { code, out: out.text(), err: err.text() };
}

let n = 0;
/** A memory side: its persisted state file, and an env file (or JSON file) configuring it. */
function memorySide(kind: 'env' | 'json' = 'env'): { state: string; file: string } {
  const id = `side-${++n}`;
  const state = join(dir, `${id}.state.json`);
  const file = join(dir, kind === 'env' ? `${id}.env` : `${id}.json`);
  if (kind === 'env') writeFileSync(file, `# the ${id} side\nCOLLAB_PROVIDER=memory\nUNICOLLAB_MEMORY_PERSIST_PATH="${state}"\n`);
  else writeFileSync(file, JSON.stringify({ COLLAB_PROVIDER: 'memory', UNICOLLAB_MEMORY_PERSIST_PATH: state }));
  return { state, file };
}

async function withMemory<T>(state: string, fn: (collab: Collab) => Promise<T>): Promise<T> {
  const collab = await createCollab({ provider: 'memory', persistPath: state });
  try {
    return await fn(collab);
  } finally {
    await collab.close();
  }
}

async function seededSide(opts: Parameters<typeof seed>[1] = {}, kind: 'env' | 'json' = 'env'): Promise<{ state: string; file: string; seeded: Seeded }> {
  const side = memorySide(kind);
  const seeded = await withMemory(side.state, (c) => seed(c, opts));
  return { ...side, seeded };
}

function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function expectMisuse(result: { code: number; out: string; err: string }, ...fragments: string[]) {
  expect(result.code).toBe(2);
  expect(result.out).toBe('');
  const lines = result.err.split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^unicollab: .*Run "unicollab (--help|help [a-z]+)" for usage\.$/);
  for (const fragment of fragments) expect(result.err).toContain(fragment);
}

describe('unicollab export / import', () => {
  it('export --from an env file, import --to a JSON file: the target holds the same data', async () => {
    const source = await seededSide();
    const file = join(dir, 'export-1.ndjson');
    const exported = await cli('export', '--from', source.file, '--out', file);
    expect(exported.code, exported.err).toBe(0);
    expect(exported.out).toMatch(/^exported 3 users, 2 rooms, 2 documents, 6 threads, \d+ notifications from memory to .*export-1\.ndjson \(sha256 [0-9a-f]{64}\)\n$/);
    expect(existsSync(`${file}.partial`)).toBe(false);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ kind: 'header', format: 'unicollab-export/1', source: { provider: 'memory' } });
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ kind: 'trailer', counts: { thread: 6, room: 2, user: 3 } });

    const target = memorySide('json');
    const imported = await cli('import', '--in', file, '--to', target.file, '--concurrency', '3');
    expect(imported.code, imported.err).toBe(0);
    expect(imported.out).toContain('imported from memory');
    expect(imported.out).toMatch(/thread +6: 6 written, 0 updated, 0 skipped, 0 dropped, 0 resumed/);
    const [a, b] = [await withMemory(source.state, census), await withMemory(target.state, census)];
    expect(b).toEqual(a);

    // A second import writes nothing (idempotent).
    const again = await cli('import', '--in', file, '--to', target.file);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/thread +6: 0 written, 0 updated, 6 skipped/);
  });

  it('export without --from uses the environment (and --provider), --rooms and --since filter', async () => {
    const source = await seededSide({ roomCount: 3, threadsPerRoom: 1, commentsPerThread: 1, documents: false });
    process.env.UNICOLLAB_MEMORY_PERSIST_PATH = source.state;
    delete process.env.COLLAB_PROVIDER;
    const file = join(dir, 'export-env.ndjson');
    const result = await cli('export', '--provider', 'memory', '--out', file, '--rooms', 'room-2,room-0', '--json');
    expect(result.code, result.out).toBe(0);
    const events = jsonLines(result.out);
    const report = events.at(-1)!;
    expect(report).toMatchObject({ type: 'report', command: 'export', provider: 'memory', out: file, counts: { room: 2, thread: 2 } });
    expect(events.slice(0, -1).every((e) => e.type === 'progress' && e.phase === 'export')).toBe(true);
    const later = await cli('export', '--out', file, '--since', new Date(Date.now() + 86_400_000).toISOString().slice(0, 10), '--json');
    expect(jsonLines(later.out).at(-1)).toMatchObject({ type: 'report', counts: { room: 3, thread: 0 } });
  });

  it('a damaged file is refused with the line and field, exit 1, nothing written', async () => {
    const file = join(dir, 'broken.ndjson');
    writeFileSync(file, `${JSON.stringify({ kind: 'header', format: 'unicollab-export/9' })}\n`);
    const target = memorySide();
    const result = await cli('import', '--in', file, '--to', target.file);
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toMatch(/^unicollab: ValidationError \(validation_error\): .*line 1/);
    const json = await cli('import', '--in', file, '--to', target.file, '--json');
    expect(json.code).toBe(1);
    expect(jsonLines(json.out).at(-1)).toMatchObject({ type: 'error', error: { code: 'validation_error' } });
  });
});

describe('unicollab migrate / verify', () => {
  it('migrates memory -> memory with a checkpoint, verifies clean, and a re-run writes nothing', async () => {
    const source = await seededSide({ roomCount: 2, threadsPerRoom: 4, commentsPerThread: 3 });
    const target = memorySide();
    const checkpoint = join(dir, 'mig.checkpoint.json');
    const result = await cli('migrate', '--from', source.file, '--to', target.file, '--checkpoint', checkpoint);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain('verification memory -> memory: ok');
    expect(result.out).toMatch(/comment +24: 24 matched, 0 expected missing, 0 different/);
    expect(existsSync(`${checkpoint}.ndjson`)).toBe(true);
    const again = await cli('migrate', '--from', source.file, '--to', target.file, '--checkpoint', checkpoint, '--json');
    expect(again.code).toBe(0);
    const report = jsonLines(again.out).at(-1)!;
    expect(report).toMatchObject({ type: 'report', command: 'migrate', ok: true, resumed: true, records: { thread: { total: 8, written: 0, resumed: 8 } }, verification: { ok: true } });

    const verified = await cli('verify', '--from', source.file, '--to', target.file);
    expect(verified.code).toBe(0);
    expect(verified.out).toMatch(/^verification memory -> memory: ok\n/);
    // A difference: exit 1, listed.
    await withMemory(target.state, (c) => c.threads.unresolve('room-0', 'th-0-0', { userId: 'alice' }));
    const differs = await cli('verify', '--from', source.file, '--to', target.file);
    expect(differs.code).toBe(1);
    expect(differs.out).toContain('1 unexplained difference');
    expect(differs.out).toContain('- thread th-0-0 in room room-0: resolved is false, expected true');
    const differsJson = await cli('verify', '--from', source.file, '--to', target.file, '--json');
    expect(differsJson.code).toBe(1);
    expect(jsonLines(differsJson.out)).toEqual([expect.objectContaining({ type: 'report', command: 'verify', ok: false, differenceCount: 1 })]);
  });

  it('verify --checkpoint reads the checkpoint as import does: a file that is not one, or none, is a ConfigError', async () => {
    const source = await seededSide({ roomCount: 1, threadsPerRoom: 1, commentsPerThread: 1, documents: false });
    const target = memorySide();
    const bogus = join(dir, `bogus-${n++}.json`);
    writeFileSync(bogus, JSON.stringify({ threadIds: { a: 'b' } }));
    const notOne = await cli('verify', '--from', source.file, '--to', target.file, '--checkpoint', bogus);
    expect(notOne.code).toBe(1);
    expect(notOne.err).toContain(`The checkpoint file ${bogus} is not a unicollab import checkpoint`);
    const none = await cli('verify', '--from', source.file, '--to', target.file, '--checkpoint', join(dir, 'no-such-checkpoint.json'));
    expect(none.code).toBe(1);
    expect(none.err).toContain('no-such-checkpoint.json does not exist');
  });

  it('into a lossy target (Velt emulator): refused without --allow-loss listing each loss, --dry-run writes nothing, --allow-loss drops and counts', async () => {
    const emulator = await startVeltEmulator({ apiKey: 'velt_cli_api_key_1234', authToken: 'velt_cli_auth_token_5678' });
    emulators.push(emulator);
    const velt = join(dir, 'velt.json');
    writeFileSync(velt, JSON.stringify({ provider: 'velt', apiKey: 'velt_cli_api_key_1234', authToken: 'velt_cli_auth_token_5678', organizationId: 'org-cli', baseUrl: emulator.url, createMissing: true, retries: 0 }));
    const source = await seededSide({ roomCount: 1, threadsPerRoom: 2, commentsPerThread: 2, documents: false });

    const refused = await cli('migrate', '--from', source.file, '--to', velt);
    expect(refused.code).toBe(1);
    expect(refused.out).toBe('');
    expect(refused.err).toContain('unicollab: refused: the migration into velt would drop data, and nothing was written:');
    expect(refused.err).toMatch(new RegExp(`\\n  - ${source.seeded.reactions} reactions \\(reactions \\(user and emoji\\)\\): .*\\[velt reactions\\.add\\]\\n`));
    expect(refused.err).toContain('Rerun with --allow-loss');
    expect(refused.err).not.toContain('velt_cli_auth_token_5678');
    expect(emulator.state.annotationsOf('org-cli')).toEqual([]);

    const refusedJson = await cli('migrate', '--from', source.file, '--to', velt, '--json');
    expect(refusedJson.code).toBe(1);
    const last = jsonLines(refusedJson.out).at(-1)!;
    expect(last).toMatchObject({ type: 'error', error: { code: 'config_error', field: 'allowLoss' }, losses: { target: 'velt', lossy: true } });

    const requests = emulator.requests.length;
    const dry = await cli('migrate', '--from', source.file, '--to', velt, '--dry-run');
    expect(dry.code).toBe(1); // the real run would be refused
    expect(dry.out).toContain('dry run: nothing was written to velt.');
    expect(dry.out).toMatch(/would write: 3 users, 1 room, 0 documents, 2 threads, \d+ notifications/);
    expect(dry.out).toContain(`${source.seeded.reactions} reactions (reactions (user and emoji)): the target cannot add reactions`);
    expect(emulator.requests.length).toBe(requests);
    const dryAllowed = await cli('migrate', '--from', source.file, '--to', velt, '--dry-run', '--allow-loss', '--json');
    expect(dryAllowed.code).toBe(0);
    expect(jsonLines(dryAllowed.out).at(-1)).toMatchObject({ type: 'report', dryRun: true, refused: false, wouldWrite: { thread: 2 } });
    expect(emulator.state.annotationsOf('org-cli')).toEqual([]);

    const allowed = await cli('migrate', '--from', source.file, '--to', velt, '--allow-loss', '--checkpoint', join(dir, 'velt.checkpoint.json'), '--json');
    expect(allowed.code, allowed.out).toBe(0);
    const events = jsonLines(allowed.out);
    expect(events.find((e) => e.type === 'losses')).toMatchObject({ losses: { target: 'velt' } });
    const report = events.at(-1)!;
    expect(report).toMatchObject({ type: 'report', ok: true, reactions: { dropped: source.seeded.reactions, written: 0 }, records: { thread: { written: 2 } } });
    expect(emulator.state.annotationsOf('org-cli')).toHaveLength(2);
  });

  it('Ctrl-C (the abort signal) stops after the writes in flight, exit 130, prints how to resume; the re-run completes', async () => {
    const source = await seededSide({ roomCount: 3, threadsPerRoom: 8, commentsPerThread: 2, documents: false });
    const target = memorySide();
    const checkpoint = join(dir, 'ctrlc.checkpoint.json');
    const controller = new AbortController();
    let printed = '';
    const out = new Writable({
      write(chunk, _e, done) {
        printed += String(chunk);
        if (/"phase":"import"/.test(String(chunk))) controller.abort();
        done();
      },
    });
    const argv = ['migrate', '--from', source.file, '--to', target.file, '--checkpoint', checkpoint, '--concurrency', '2', '--json'];
    const code = await main(argv, out, sink().stream, { signal: controller.signal });
    expect(code).toBe(130);
    const last = jsonLines(printed).at(-1)!;
    expect(last).toMatchObject({ type: 'error', interrupted: true, checkpoint, error: { code: 'aborted' } });
    expect(last.resume).toContain(`unicollab migrate --from ${source.file}`);
    expect(JSON.parse(readFileSync(checkpoint, 'utf8'))).toMatchObject({ complete: false });

    const text = sink();
    const err = sink();
    const c2 = new AbortController();
    c2.abort();
    expect(await main(argv.slice(0, -1), text.stream, err.stream, { signal: c2.signal })).toBe(130);
    expect(err.text()).toContain(`The checkpoint ${checkpoint} is kept: run the same command again to resume:`);

    const resumed = await cli(...argv);
    expect(resumed.code).toBe(0);
    expect(jsonLines(resumed.out).at(-1)).toMatchObject({ type: 'report', resumed: true, ok: true });
    expect(await withMemory(target.state, census)).toEqual(await withMemory(source.state, census));
  });
});

describe('progress display', () => {
  it('not a TTY: a plain line per kind at most every interval, and the last state of each kind', () => {
    const out = sink();
    let now = 0;
    const progress = new ProgressReporter('plain', out.stream, 1000, () => now);
    progress.onProgress({ phase: 'import', kind: 'thread', done: 1, total: 4 });
    now = 500;
    progress.onProgress({ phase: 'import', kind: 'thread', done: 2, total: 4 });
    now = 1000;
    progress.onProgress({ phase: 'import', kind: 'thread', done: 3, total: 4 });
    now = 2000;
    progress.onProgress({ phase: 'import', kind: 'thread', done: 4, total: 4 });
    progress.stop();
    expect(out.text()).toBe('writing thread: 3/4 (3.0/s, ETA 0s)\nwriting thread: 4/4 (2.0/s)\n');
  });

  it('--json: NDJSON events with done, total, rate and ETA', () => {
    const out = sink();
    let now = 0;
    const progress = new ProgressReporter('json', out.stream, 250, () => now);
    progress.onProgress({ phase: 'scan', kind: 'room', done: 1 });
    now = 1000;
    progress.onProgress({ phase: 'import', kind: 'room', done: 1, total: 2 });
    now = 2000;
    progress.onProgress({ phase: 'import', kind: 'room', done: 2, total: 2 });
    progress.stop();
    expect(jsonLines(out.text())).toEqual([
      { type: 'progress', phase: 'scan', kind: 'room', done: 1, rate: 0 },
      { type: 'progress', phase: 'import', kind: 'room', done: 1, total: 2, rate: 0 },
      { type: 'progress', phase: 'import', kind: 'room', done: 2, total: 2, rate: 2, etaSeconds: 0 },
    ]);
  });

  it('on a TTY: cli-progress bars per kind with done/total, rate and ETA', async () => {
    let drawn = '';
    const tty = Object.assign(
      new Writable({
        write(chunk, _e, done) {
          drawn += String(chunk);
          done();
        },
      }),
      { isTTY: true, columns: 120, rows: 40 },
    );
    const progress = new ProgressReporter('tty', tty);
    progress.onProgress({ phase: 'import', kind: 'thread', done: 1, total: 10 });
    progress.onProgress({ phase: 'import', kind: 'comment' as never, done: 5, total: 10 });
    await new Promise((r) => setTimeout(r, 150));
    progress.onProgress({ phase: 'import', kind: 'thread', done: 10, total: 10 });
    progress.stop();
    expect(drawn).toMatch(/writing +thread +\|.*\| 10\/10 \| [\d.]+\/s \| ETA /);
    expect(drawn).toMatch(/comment +\|.*\| 5\/10/);
  });
});

describe('unicollab portability: misuse and config files', () => {
  it('exits 2 with our message for a missing or bad option', async () => {
    expectMisuse(await cli('migrate', '--from', 'a.env'), 'migrate needs --to <env file or a JSON file>', 'unicollab help migrate');
    expectMisuse(await cli('export'), 'export needs --out <file path>');
    expectMisuse(await cli('import', '--in', 'x.ndjson', '--mode', 'upsrt'), '--mode "upsrt" is not a mode: expected upsert or create-only (did you mean upsert?)');
    expectMisuse(await cli('import', '--in', 'x.ndjson', '--concurrency', '0'), '--concurrency "0" is not an integer from 1 to 1000');
    expectMisuse(await cli('export', '--out', 'x', '--since', 'yesterday'), '--since "yesterday" is not a date');
    expectMisuse(await cli('export', '--out', 'x', '--rooms', 'a,,b'), '--rooms needs a comma-separated list of room ids');
    expectMisuse(await cli('migrate', '--from', 'a', '--to', 'b', '--out', 'x'), 'migrate takes no --out option');
    expectMisuse(await cli('migrate', '--from', 'a', '--to', 'b', '--allow-los'), 'unknown option --allow-los (did you mean --allow-loss?)');
    expectMisuse(await cli('import', '--in'), '--in needs a file path');
    expectMisuse(await cli('export', '--out', 'x', '--provider', 'memory', '--from', 'a.env'), '--provider and --from both choose the provider');
    const json = await cli('verify', '--from', 'a', '--json');
    expect(json.code).toBe(2);
    expect(JSON.parse(json.out)).toMatchObject({ error: { code: 'validation_error', field: '--to' } });
  });

  it('help lists the commands and each command has its usage', async () => {
    const help = await cli('--help');
    for (const command of ['export', 'import', 'migrate', 'verify']) expect(help.out).toContain(`  ${command}`);
    for (const line of help.out.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    for (const command of ['export', 'import', 'migrate', 'verify']) {
      const usage = await cli('help', command);
      expect(usage.code).toBe(0);
      for (const line of usage.out.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    }
    expect((await cli('help', 'migrate')).out.replace(/\n +/g, ' ')).toContain('Usage: unicollab migrate --from <env-file|json> --to <env-file|json>');
    expect((await cli('import', '--help')).out).toContain('--allow-loss');
  });

  it('a config file that is missing, not JSON or invalid: exit 1 naming the file and variable, never a value', async () => {
    const missing = await cli('verify', '--from', join(dir, 'nope.env'), '--to', join(dir, 'nope.env'));
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('nope.env: no such file');
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"VELT_API_KEY": "velt_secret_never_printed_1234", oops}');
    const bad = await cli('verify', '--from', broken, '--to', broken);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('is not valid JSON');
    expect(bad.err).not.toContain('velt_secret_never_printed');
    const incomplete = join(dir, 'incomplete.env');
    writeFileSync(incomplete, 'COLLAB_PROVIDER=velt\nVELT_AUTH_TOKEN=velt_token_never_printed_5678\n');
    const invalid = await cli('migrate', '--from', incomplete, '--to', incomplete, '--json');
    expect(invalid.code).toBe(1);
    expect(jsonLines(invalid.out).at(-1)).toMatchObject({ type: 'error', error: { code: 'config_error', envVar: 'VELT_API_KEY' } });
    expect(invalid.out).not.toContain('velt_token_never_printed');
  });
});
