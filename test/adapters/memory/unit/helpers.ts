import { copyFile, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { memoryAdapter, memoryDefinition, type MemoryModuleOptions } from '../../../../src/adapters/memory/definition.js';
import { type FileSink, nodeFileSystem, type PersistenceFileSystem } from '../../../../src/adapters/memory/persistence/file-system.js';
import type { MemoryConfig } from '../../../../src/index.js';
import { type Collab, createCollab, registerAdapter } from '../../../../src/collab.js';

/** A fresh temporary directory. */
export function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'unicollab-mem-'));
}

/**
 * A memory collab built with internal module options (a failing file system, a tiny retry schedule):
 * the registry entry is swapped for the duration of `createCollab` only.
 */
export async function memoryWith(config: Omit<MemoryConfig, 'provider'>, options: MemoryModuleOptions): Promise<Collab> {
  registerAdapter('memory', memoryDefinition(options) as never);
  try {
    return await createCollab({ ...config, provider: 'memory' });
  } finally {
    registerAdapter('memory', async () => memoryAdapter as never);
  }
}

/** Which operations fail next, and how. Counters are decremented as faults fire. */
export interface Faults {
  /** Fail this many `datasync` calls (journal appends). */
  datasync: number;
  /** Fail this many `write` calls. */
  write: number;
  /** Fail this many `openWrite` calls (snapshot temp files). */
  openWrite: number;
  /** Fail this many `rename` calls. */
  rename: number;
  /** When set, every `datasync` waits for it first (a slow disk). */
  gate: Promise<void> | undefined;
}

/** A file system that counts calls and fails on demand, over the real one. */
export function faultyFileSystem(base: PersistenceFileSystem = nodeFileSystem) {
  const faults: Faults = { datasync: 0, write: 0, openWrite: 0, rename: 0, gate: undefined };
  const calls = { datasync: 0, write: 0, writtenChars: 0, snapshots: 0 };
  const fail = (what: string): never => {
    const err = new Error(`injected ${what} failure`) as NodeJS.ErrnoException;
    err.code = 'EIO';
    throw err;
  };
  const wrap = (sink: FileSink, journal: boolean): FileSink => ({
    async write(data) {
      calls.write += 1;
      if (faults.write > 0) {
        faults.write -= 1;
        fail('write');
      }
      if (journal) calls.writtenChars += data.length;
      await sink.write(data);
    },
    async datasync() {
      calls.datasync += 1;
      if (faults.gate) await faults.gate;
      if (faults.datasync > 0) {
        faults.datasync -= 1;
        fail('fdatasync');
      }
      await sink.datasync();
    },
    sync: () => sink.sync(),
    close: () => sink.close(),
  });
  const fs: PersistenceFileSystem = {
    ...base,
    openAppend: async (path) => wrap(await base.openAppend(path), true),
    async openWrite(path) {
      if (faults.openWrite > 0) {
        faults.openWrite -= 1;
        fail('open');
      }
      calls.snapshots += 1;
      return wrap(await base.openWrite(path), false);
    },
    async rename(from, to) {
      if (faults.rename > 0) {
        faults.rename -= 1;
        fail('rename');
      }
      await base.rename(from, to);
    },
  };
  return { fs, faults, calls };
}

/**
 * Copies the persisted files of `persistPath` (all but the lock) into a new directory, as a crash at
 * this moment would leave them; returns the copy's persistPath. Call it only when no save is under way.
 */
export async function crashCopy(persistPath: string): Promise<string> {
  const dir = dirname(persistPath);
  const base = basename(persistPath);
  const target = await tempDir();
  for (const name of await readdir(dir)) {
    if (!name.startsWith(base) || name.startsWith(`${base}.lock`)) continue;
    await copyFile(join(dir, name), join(target, name));
  }
  return join(target, base);
}

/** Resolves once `check()` is true (polling every 5 ms), or rejects after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
