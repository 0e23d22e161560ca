import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collab } from '../../../../src/collab.js';
import { memoryWith, tempDir } from './helpers.js';

// Builds the source once (a few seconds) and runs 20 writer processes: about 25 s in all.

const root = fileURLToPath(new URL('../../../..', import.meta.url));
const child = fileURLToPath(new URL('./fixtures/durability-child.mjs', import.meta.url));
let lib: string;

/** Compiles src/ to plain ESM (no type check: tsc -p checks types elsewhere), so the child runs this tree's code. */
async function compileSources(): Promise<string> {
  const out = await mkdtemp(join(tmpdir(), 'unicollab-lib-'));
  const src = join(root, 'src');
  const files = (await readdir(src, { recursive: true })).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  for (const file of files) {
    const text = await readFile(join(src, file), 'utf8');
    const { outputText } = ts.transpileModule(text, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, experimentalDecorators: true, useDefineForClassFields: true, isolatedModules: true },
    });
    await mkdir(dirname(join(out, file)), { recursive: true });
    await writeFile(join(out, file.replace(/\.ts$/, '.js')), outputText);
  }
  await writeFile(join(out, 'package.json'), '{"type":"module"}');
  await symlink(join(root, 'node_modules'), join(out, 'node_modules'), 'dir');
  return out;
}

beforeAll(async () => {
  lib = await compileSources();
});

afterAll(async () => {
  if (lib && relative(tmpdir(), lib).startsWith('unicollab-lib-')) await rm(lib, { recursive: true, force: true });
});

/** Starts the writer and resolves once it has opened the store. */
async function startWriter(persistPath: string, tag: string) {
  const proc: ChildProcess = spawn(process.execPath, [child, persistPath, tag], { env: { ...process.env, UNICOLLAB_LIB: lib }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (stdout.startsWith('ready\n')) resolve();
    };
    proc.stdout!.on('data', check);
    void exited.then(({ code }) => reject(new Error(`writer exited (${code}) before it was ready:\n${stderr}`)));
  });
  await ready;
  return { proc, exited, output: () => ({ stdout, stderr }) };
}

/** Runs the writer until it has been writing for `runMs`, then SIGKILLs it; returns the writes it acknowledged. */
async function runAndKill(persistPath: string, tag: string, runMs: number): Promise<string[]> {
  const { proc, exited, output } = await startWriter(persistPath, tag);
  await new Promise((r) => setTimeout(r, runMs));
  proc.kill('SIGKILL');
  const { signal } = await exited;
  const { stdout, stderr } = output();
  expect(signal, `the writer died on its own:\n${stderr}`).toBe('SIGKILL');
  // Only whole lines: a line cut by the kill was not fully printed, so it is not counted as acknowledged.
  return stdout.split('\n').slice(1, -1);
}

async function missing(collab: Collab, acknowledged: readonly string[]): Promise<string[]> {
  const lost: string[] = [];
  for (const line of acknowledged) {
    const [kind, a, b, c] = line.split(' ') as [string, string, string?, string?];
    const found =
      kind === 'room'
        ? await collab.rooms.get(a).then(() => true, () => false)
        : kind === 'user'
          ? await collab.users.get(a).then(() => true, () => false)
          : kind === 'thread'
            ? await collab.threads.get(a, b!).then(() => true, () => false)
            : kind === 'document'
              ? await collab.documents.get(a, { key: b!, type: 'text' }).then((d) => d.value === c!.replace('_', ' '), () => false)
              : kind === 'storage'
                ? await collab.storage.get(a).then((s) => s.data[b!] === Number(c), () => false)
                : await collab.comments.get(a, b!, c!).then(() => true, () => false);
    if (!found) lost.push(line);
  }
  return lost;
}

describe('memory persistence under kill -9', () => {
  it('loses no acknowledged write in 20 random kills, and the state always opens', { timeout: 120_000 }, async () => {
    const persistPath = join(await tempDir(), 'state.json');
    const acknowledged: string[] = [];
    for (let trial = 0; trial < 20; trial++) {
      const got = await runAndKill(persistPath, `t${trial}`, 20 + Math.floor(Math.random() * 300));
      acknowledged.push(...got);
      // Every other trial the next writer opens the crashed state itself; the others check it here.
      if (trial % 2 === 1 || trial === 19) {
        const collab = await memoryWith({ persistPath }, {});
        try {
          expect(await missing(collab, acknowledged), `trial ${trial}`).toEqual([]);
        } finally {
          await collab.close();
        }
      }
    }
    expect(acknowledged.length).toBeGreaterThan(100); // the trials really wrote
  });

  it('refuses a second process on the same persistPath, naming the pid that holds it, and takes over once it died', async () => {
    const persistPath = join(await tempDir(), 'state.json');
    const { proc, exited, output } = await startWriter(persistPath, 'holder');
    try {
      while (!output().stdout.includes('\nroom ')) await new Promise((r) => setTimeout(r, 5));
      const err = await memoryWith({ persistPath }, {}).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'config_error', field: 'persistPath' });
      expect((err as Error).message).toContain(`in use by process ${proc.pid}`);
    } finally {
      proc.kill('SIGKILL');
      await exited;
    }
    const collab = await memoryWith({ persistPath }, {});
    expect((await collab.rooms.list({ limit: 1 })).items.length).toBe(1); // the writer's rooms are there
    await collab.close();
  });
});
