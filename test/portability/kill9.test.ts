/**
 * Kill/resume of a real process: `unicollab migrate` (the CLI of this tree, compiled) copying 2,000
 * comments from a persisted memory provider into another persisted memory provider is SIGKILLed at
 * random moments (10 trials), then run again with the same command: no duplicate, nothing lost, the
 * verification clean. And Ctrl-C (a real SIGINT): exit 130, the checkpoint kept, the re-run resumes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromText } from '../../src/core/body/index.js';
import { createCollab, type Collab } from '../../src/index.js';
import { verify } from '../../src/portability/index.js';
import { census } from './support.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const child = fileURLToPath(new URL('./fixtures/cli-child.mjs', import.meta.url));
let lib: string;
let dir: string;

/** Compiles src/ to plain ESM (no type check), so the child runs this tree's code (as the memory kill -9 test does). */
async function compileSources(): Promise<string> {
  const out = await mkdtemp(join(tmpdir(), 'unicollab-lib-'));
  const src = join(root, 'src');
  const files = (await readdir(src, { recursive: true })).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  for (const file of files) {
    const text = await readFile(join(src, file), 'utf8');
    const { outputText } = ts.transpileModule(text, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, experimentalDecorators: true, useDefineForClassFields: true, isolatedModules: true, esModuleInterop: true },
    });
    await mkdir(dirname(join(out, file)), { recursive: true });
    await writeFile(join(out, file.replace(/\.ts$/, '.js')), outputText);
  }
  await writeFile(join(out, 'package.json'), '{"type":"module"}');
  await symlink(join(root, 'node_modules'), join(out, 'node_modules'), 'dir');
  return out;
}

const ROOMS = 4;
const THREADS = 25; // per room
const COMMENTS = 20; // per thread: 4 x 25 x 20 = 2,000 comments

async function persisted(path: string): Promise<Collab> {
  return createCollab({ provider: 'memory', persistPath: path });
}

/** The source: 2,000 comments in 100 threads over 4 rooms, with reactions and resolved threads. */
async function seedSource(path: string): Promise<void> {
  const collab = await persisted(path);
  try {
    for (const id of ['alice', 'bob', 'carol']) await collab.users.upsert({ id, name: id, metadata: {} });
    for (let r = 0; r < ROOMS; r++) {
      const roomId = `room-${r}`;
      await collab.rooms.create({ id: roomId, metadata: { r } });
      await Promise.all(
        Array.from({ length: THREADS }, async (_, t) => {
          const thread = await collab.threads.create({ roomId, id: `th-${r}-${t}`, comment: { authorId: 'alice', body: fromText(`Thread ${r}/${t}`) }, metadata: { t } });
          for (let c = 1; c < COMMENTS; c++) {
            const comment = await collab.comments.create({ roomId, threadId: thread.id, authorId: c % 2 ? 'bob' : 'carol', body: fromText(`Reply ${c} in ${r}/${t}`) });
            if (c % 5 === 0) await collab.reactions.add({ roomId, threadId: thread.id, commentId: comment.id, userId: 'alice', emoji: '👍' });
          }
          if (t % 4 === 0) await collab.threads.resolve(roomId, thread.id, { userId: 'bob' });
        }),
      );
    }
  } finally {
    await collab.close();
  }
}

let sourceEnv: string;
let sourceState: string;
let expected: Awaited<ReturnType<typeof census>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'uc-kill9-migrate-'));
  [lib] = await Promise.all([compileSources(), seedSource((sourceState = join(dir, 'source.json')))]);
  sourceEnv = join(dir, 'source.env');
  await writeFile(sourceEnv, `COLLAB_PROVIDER=memory\nUNICOLLAB_MEMORY_PERSIST_PATH=${sourceState}\n`);
  const source = await persisted(sourceState);
  try {
    expected = await census(source);
  } finally {
    await source.close();
  }
  expect(expected.comments).toBe(2000);
}, 120_000);

afterAll(async () => {
  if (lib && relative(tmpdir(), lib).startsWith('unicollab-lib-')) await rm(lib, { recursive: true, force: true });
  if (dir) await rm(dir, { recursive: true, force: true });
});

function run(args: string[]): { proc: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; output: () => { stdout: string; stderr: string } } {
  const proc = spawn(process.execPath, [child, ...args], { env: { ...process.env, UNICOLLAB_LIB: lib }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  return { proc, exited, output: () => ({ stdout, stderr }) };
}

async function target(name: string): Promise<{ env: string; state: string; checkpoint: string; args: string[] }> {
  const state = join(dir, `${name}.json`);
  const env = join(dir, `${name}.env`);
  await writeFile(env, `COLLAB_PROVIDER=memory\nUNICOLLAB_MEMORY_PERSIST_PATH=${state}\n`);
  const checkpoint = join(dir, `${name}.checkpoint.json`);
  return { env, state, checkpoint, args: ['migrate', '--from', sourceEnv, '--to', env, '--checkpoint', checkpoint, '--concurrency', '8', '--json'] };
}

async function ready(p: ReturnType<typeof run>): Promise<void> {
  while (!p.output().stdout.startsWith('ready\n')) {
    if (p.proc.exitCode !== null) throw new Error(`the CLI exited before it was ready: ${p.output().stderr}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

function lastJson(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

async function checkTarget(state: string, label: string): Promise<void> {
  const [source, to] = [await persisted(sourceState), await persisted(state)];
  try {
    expect(await census(to), label).toEqual(expected);
    const check = await verify(source, to);
    expect(check.differences, label).toEqual([]);
    expect(check.kinds.comment, label).toMatchObject({ source: 2000, matched: 2000, differences: 0 });
  } finally {
    await Promise.all([source.close(), to.close()]);
  }
}

describe('migrate under kill -9 (a real process)', () => {
  it('10 SIGKILLs at random moments, each re-run: zero duplicates, zero losses, verification clean', { timeout: 300_000 }, async () => {
    // How long an uninterrupted run works (from the moment the CLI is loaded), to spread the kills over it.
    const probe = await target('probe');
    const whole = run(probe.args);
    await ready(whole);
    const started = performance.now();
    const { code } = await whole.exited;
    const duration = performance.now() - started;
    expect(code, whole.output().stderr).toBe(0);
    expect(lastJson(whole.output().stdout)).toMatchObject({ type: 'report', ok: true, comments: { written: 2000 } });

    let midImport = 0;
    for (let trial = 0; trial < 10; trial++) {
      const t = await target(`trial-${trial}`);
      const first = run(t.args);
      await ready(first);
      if (trial < 7) {
        // Most kills wait for the checkpoint to pass a random record, so they land in the middle of the
        // writes however slow this machine is; the rest land at a random moment of the whole run.
        const at = Math.floor(Math.random() * 100); // 107 records: 3 users, 4 rooms, 100 threads
        while (first.proc.exitCode === null) {
          const mark = await readFile(t.checkpoint, 'utf8').then((text) => (JSON.parse(text) as { watermark?: number }).watermark ?? -1, () => -1);
          if (mark >= at) break;
          await new Promise((r) => setTimeout(r, 1));
        }
      } else {
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * duration)));
      }
      first.proc.kill('SIGKILL');
      const died = await first.exited;
      expect(died.signal === 'SIGKILL' || died.code === 0, `trial ${trial}: ${first.output().stderr}`).toBe(true);
      // Killed while importing: the checkpoint on disk says some records are done, not all.
      const saved = await readFile(t.checkpoint, 'utf8').then((text) => JSON.parse(text) as { complete: boolean; watermark: number }, () => undefined);
      if (saved && !saved.complete && saved.watermark >= 0) midImport++;
      const again = run(t.args);
      const rerun = await again.exited;
      expect(rerun.code, `trial ${trial}: ${again.output().stderr}`).toBe(0);
      expect(lastJson(again.output().stdout), `trial ${trial}`).toMatchObject({ type: 'report', ok: true, verification: { ok: true, differenceCount: 0 } });
      await checkTarget(t.state, `trial ${trial}`);
    }
    expect(midImport, 'kills that landed in the middle of the writes').toBeGreaterThanOrEqual(3);
  });

  it('Ctrl-C (SIGINT): stops after the writes in flight, exit 130, keeps the checkpoint and says how to resume', { timeout: 120_000 }, async () => {
    const t = await target('sigint');
    const first = run(t.args);
    // Wait until it is writing (its first progress event of the import phase), then interrupt.
    while (!first.output().stdout.includes('"phase":"import"')) {
      expect(first.proc.exitCode, first.output().stderr).toBe(null);
      await new Promise((r) => setTimeout(r, 5));
    }
    first.proc.kill('SIGINT');
    const ended = await first.exited;
    const { stdout, stderr } = first.output();
    expect(ended.code, stderr).toBe(130);
    expect(lastJson(stdout)).toMatchObject({ type: 'error', interrupted: true, checkpoint: t.checkpoint, error: { code: 'aborted' }, resume: `unicollab ${t.args.join(' ')}` });
    const saved = JSON.parse(await readFile(t.checkpoint, 'utf8')) as { complete: boolean; watermark: number };
    expect(saved.complete).toBe(false);
    const again = run(t.args);
    expect((await again.exited).code, again.output().stderr).toBe(0);
    expect(lastJson(again.output().stdout)).toMatchObject({ type: 'report', resumed: true, ok: true });
    await checkTarget(t.state, 'after Ctrl-C');
  });
});
