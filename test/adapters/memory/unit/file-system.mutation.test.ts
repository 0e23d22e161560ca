import { type FileHandle, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nodeFileSystem } from '../../../../src/adapters/memory/persistence/file-system.js';
import { tempDir } from './helpers.js';

const dirs: string[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function dirWithProto(): Promise<{ dir: string; proto: FileHandle }> {
  const dir = await tempDir();
  dirs.push(dir);
  const probe = await open(dir, 'r');
  const proto = Object.getPrototypeOf(probe) as FileHandle;
  await probe.close();
  return { dir, proto };
}

/** The file handles a spy on the prototype saw (`this` of each call). */
function handlesOf(spy: { mock: { contexts: unknown[] } }): FileHandle[] {
  return spy.mock.contexts as FileHandle[];
}

/** A closed FileHandle reports fd -1. */
const isClosed = (handle: FileHandle | undefined): boolean => handle !== undefined && handle.fd === -1;

describe('the node file system: what reaches the file handle', () => {
  it('a sink loops over partial writes, asking each time for the bytes not yet written', async () => {
    const { dir, proto } = await dirWithProto();
    const path = join(dir, 'j');
    const sink = await nodeFileSystem.openWrite(path);
    const original = proto.write as (this: FileHandle, b: Buffer, o: number, l: number) => Promise<{ bytesWritten: number }>;
    const asked: Array<[number, number]> = [];
    vi.spyOn(proto, 'write').mockImplementation(function (this: FileHandle, buffer: unknown, offset?: unknown, length?: unknown) {
      asked.push([offset as number, length as number]);
      // A disk that takes at most 3 bytes per call.
      return original.call(this, buffer as Buffer, offset as number, Math.min(length as number, 3));
    } as never);
    await sink.write('hé✓!'); // 1 + 2 + 3 + 1 = 7 bytes
    await sink.close();
    expect(asked).toEqual([
      [0, 7],
      [3, 4],
      [6, 1],
    ]);
    expect(await readFile(path, 'utf8')).toBe('hé✓!');
  });

  it('a sink flushes with fdatasync for datasync() and fsync for sync(), and closes its handle', async () => {
    const { dir, proto } = await dirWithProto();
    const sink = await nodeFileSystem.openAppend(join(dir, 'j'));
    const datasync = vi.spyOn(proto, 'datasync');
    const sync = vi.spyOn(proto, 'sync');
    await sink.datasync();
    expect([datasync.mock.calls.length, sync.mock.calls.length]).toEqual([1, 0]);
    await sink.sync();
    expect([datasync.mock.calls.length, sync.mock.calls.length]).toEqual([1, 1]);
    const handle = handlesOf(sync)[0];
    expect(handle).toBe(handlesOf(datasync)[0]);
    expect(isClosed(handle)).toBe(false);
    await sink.close();
    expect(isClosed(handle)).toBe(true);
  });

  it('writeFileSynced fsyncs and closes the file, and closes it when the fsync fails too', async () => {
    const { dir, proto } = await dirWithProto();
    const sync = vi.spyOn(proto, 'sync');
    await nodeFileSystem.writeFileSynced(join(dir, 'w'), 'data');
    expect(sync).toHaveBeenCalledTimes(1);
    expect(isClosed(handlesOf(sync)[0])).toBe(true);
    const failure = Object.assign(new Error('fsync failed'), { code: 'EIO' });
    sync.mockRejectedValueOnce(failure);
    await expect(nodeFileSystem.writeFileSynced(join(dir, 'x'), 'data')).rejects.toBe(failure);
    expect(sync).toHaveBeenCalledTimes(2);
    expect(isClosed(handlesOf(sync)[1])).toBe(true);
    expect(await readFile(join(dir, 'x'), 'utf8')).toBe('data');
  });

  it('syncDir fsyncs the directory and closes it, and closes it when the fsync fails too', async () => {
    const { dir, proto } = await dirWithProto();
    const sync = vi.spyOn(proto, 'sync');
    await nodeFileSystem.syncDir(dir);
    expect(sync).toHaveBeenCalledTimes(1);
    expect(isClosed(handlesOf(sync)[0])).toBe(true);
    const failure = Object.assign(new Error('fsync failed'), { code: 'EIO' });
    sync.mockRejectedValueOnce(failure);
    await expect(nodeFileSystem.syncDir(dir)).rejects.toBe(failure);
    expect(sync).toHaveBeenCalledTimes(2);
    expect(isClosed(handlesOf(sync)[1])).toBe(true);
  });
});
