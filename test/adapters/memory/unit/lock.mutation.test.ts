import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nodeFileSystem, type PersistenceFileSystem } from '../../../../src/adapters/memory/persistence/file-system.js';
import { acquirePersistLock } from '../../../../src/adapters/memory/persistence/lock.js';
import { ConfigError } from '../../../../src/core/errors.js';
import { tempDir } from './helpers.js';

const dirs: string[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function persistPathIn(): Promise<string> {
  const dir = await tempDir();
  dirs.push(dir);
  return join(dir, 's.json');
}

describe('the persistPath lock: what this process holds', () => {
  it('keeps the held paths in the process-wide set under Symbol.for("unicollab.memory.heldLocks")', async () => {
    const persistPath = await persistPathIn();
    const held = (globalThis as Record<symbol, unknown>)[Symbol.for('unicollab.memory.heldLocks')] as Set<string>;
    expect(held).toBeInstanceOf(Set);
    const lock = await acquirePersistLock(persistPath, nodeFileSystem);
    expect(held.has(`${persistPath}.lock`)).toBe(true);
    await lock.release();
    expect(held.has(`${persistPath}.lock`)).toBe(false);
  });

  it('refuses a path that another copy of the module holds (shared set)', async () => {
    const persistPath = await persistPathIn();
    const held = (globalThis as Record<symbol, unknown>)[Symbol.for('unicollab.memory.heldLocks')] as Set<string>;
    held.add(`${persistPath}.lock`);
    try {
      const err = await acquirePersistLock(persistPath, nodeFileSystem).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toBe(`Memory persistPath ${persistPath} is already open in this process (pid ${process.pid}); close the other collab first`);
      expect(await readdir(join(persistPath, '..'))).toEqual([]);
    } finally {
      held.delete(`${persistPath}.lock`);
    }
  });

  it('a release after a failed release does nothing: the path is already forgotten', async () => {
    const persistPath = await persistPathIn();
    let failRead = false;
    const fs: PersistenceFileSystem = {
      ...nodeFileSystem,
      readFile: (path) => (failRead ? Promise.reject(Object.assign(new Error('EIO on read'), { code: 'EIO' })) : nodeFileSystem.readFile(path)),
    };
    const lock = await acquirePersistLock(persistPath, fs);
    const text = await readFile(lock.path, 'utf8');
    failRead = true;
    await expect(lock.release()).rejects.toThrow('EIO on read');
    failRead = false;
    // Forgotten in this process (the finally), so the second release returns at once and leaves the file.
    await lock.release();
    expect(await readFile(lock.path, 'utf8')).toBe(text);
    const next = await acquirePersistLock(persistPath, fs); // our own pid: taken over
    await next.release();
    expect(await readdir(join(persistPath, '..'))).toEqual([]);
  });
});

describe('the persistPath lock: a stale handle', () => {
  it("a second release of an old handle leaves a later lock on the same path held", async () => {
    const persistPath = await persistPathIn();
    const first = await acquirePersistLock(persistPath, nodeFileSystem);
    await first.release();
    const second = await acquirePersistLock(persistPath, nodeFileSystem);
    await first.release(); // the old handle again: must not touch the second lock
    expect(JSON.parse(await readFile(second.path, 'utf8'))).toMatchObject({ pid: process.pid });
    const err = await acquirePersistLock(persistPath, nodeFileSystem).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(`Memory persistPath ${persistPath} is already open in this process (pid ${process.pid}); close the other collab first`);
    await second.release();
    expect(await readdir(join(persistPath, '..'))).toEqual([]);
  });
});

describe('the persistPath lock: judging the owner', () => {
  it('refuses a live owner on this host whose lock records no start time, with the exact message', async () => {
    const persistPath = await persistPathIn();
    const pid = process.ppid; // alive for as long as this test runs, and not this process
    await writeFile(`${persistPath}.lock`, JSON.stringify({ pid, host: hostname(), token: 'no-start-time' }));
    const err = await acquirePersistLock(persistPath, nodeFileSystem).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(`Memory persistPath ${persistPath} is in use by process ${pid}`);
    expect(err).toMatchObject({ field: 'persistPath', provider: 'memory' });
    expect(await readdir(join(persistPath, '..'))).toEqual(['s.json.lock']);
  });

  it('counts an owner it may not signal (EPERM) as alive', async () => {
    const persistPath = await persistPathIn();
    const kill = vi.spyOn(process, 'kill').mockImplementation(() => {
      throw Object.assign(new Error('operation not permitted'), { code: 'EPERM' });
    });
    // A pid with no /proc entry, so no start time can contradict the lock.
    const pid = 2 ** 22 + 17;
    await writeFile(`${persistPath}.lock`, JSON.stringify({ pid, host: hostname(), started: '123', token: 'other-user' }));
    const err = await acquirePersistLock(persistPath, nodeFileSystem).catch((e: unknown) => e);
    expect(kill).toHaveBeenCalledWith(pid, 0);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(`Memory persistPath ${persistPath} is in use by process ${pid}`);
  });

  it('counts an owner that cannot be signalled for another reason (ESRCH) as dead, and takes the lock over', async () => {
    const persistPath = await persistPathIn();
    vi.spyOn(process, 'kill').mockImplementation(() => {
      throw Object.assign(new Error('no such process'), { code: 'ESRCH' });
    });
    const pid = 2 ** 22 + 17;
    await writeFile(`${persistPath}.lock`, JSON.stringify({ pid, host: hostname(), token: 'gone' }));
    const lock = await acquirePersistLock(persistPath, nodeFileSystem);
    expect(JSON.parse(await readFile(lock.path, 'utf8'))).toMatchObject({ pid: process.pid });
    await lock.release();
  });

  it('takes over a lock whose pid is not an integer, even one naming another host', async () => {
    const persistPath = await persistPathIn();
    for (const pid of [1.5, 1e400]) {
      await writeFile(`${persistPath}.lock`, `{"pid":${pid === 1.5 ? '1.5' : '1e400'},"host":"elsewhere.example","token":"t"}`);
      const lock = await acquirePersistLock(persistPath, nodeFileSystem);
      expect(JSON.parse(await readFile(lock.path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
      await lock.release();
    }
    expect(await readdir(join(persistPath, '..'))).toEqual([]);
  });
});
