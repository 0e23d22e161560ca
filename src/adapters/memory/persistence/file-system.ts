import { link, mkdir, open, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';

/** An open file that is written sequentially (a journal, or a snapshot being written). */
export interface FileSink {
  /** Writes all of `data` (looping over partial writes). */
  write(data: string): Promise<void>;
  /** Flushes the data written so far to stable storage (`fdatasync`). */
  datasync(): Promise<void>;
  /** Flushes data and metadata (`fsync`). */
  sync(): Promise<void>;
  /** Closes the file. */
  close(): Promise<void>;
}

/**
 * The file operations of the memory provider's persistence, behind an interface so tests can make
 * any of them fail or stall (a full disk, an fsync error, a slow disk).
 */
export interface PersistenceFileSystem {
  /** The file's bytes, or `undefined` when it does not exist. */
  readFile(path: string): Promise<Buffer | undefined>;
  /** Names in a directory. */
  readdir(dir: string): Promise<string[]>;
  /** Creates a directory and its parents. */
  mkdir(dir: string): Promise<void>;
  /** Opens a file for appending, creating it when missing. */
  openAppend(path: string): Promise<FileSink>;
  /** Creates (or truncates) a file for writing. */
  openWrite(path: string): Promise<FileSink>;
  /** Writes a whole small file and fsyncs it. */
  writeFileSynced(path: string, data: string): Promise<void>;
  /** Hard-links `existing` as `path`; `false` when `path` already exists (an atomic create-with-content). */
  link(existing: string, path: string): Promise<boolean>;
  /** Renames atomically, replacing `to`. */
  rename(from: string, to: string): Promise<void>;
  /** Deletes a file; a missing file is not an error. */
  unlink(path: string): Promise<void>;
  /** Fsyncs a directory, so a rename or a new file in it survives a crash. */
  syncDir(dir: string): Promise<void>;
}

function code(err: unknown): unknown {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

async function sinkOf(path: string, flags: 'a' | 'w'): Promise<FileSink> {
  const handle = await open(path, flags);
  return {
    async write(data) {
      const buffer = Buffer.from(data, 'utf8');
      let offset = 0;
      while (offset < buffer.length) {
        const { bytesWritten } = await handle.write(buffer, offset, buffer.length - offset);
        offset += bytesWritten;
      }
    },
    datasync: () => handle.datasync(),
    sync: () => handle.sync(),
    close: () => handle.close(),
  };
}

/** The real file system (node:fs/promises). */
export const nodeFileSystem: PersistenceFileSystem = {
  async readFile(path) {
    try {
      return await readFile(path);
    } catch (err) {
      if (code(err) === 'ENOENT') return undefined;
      throw err;
    }
  },
  readdir: (dir) => readdir(dir),
  mkdir: async (dir) => {
    await mkdir(dir, { recursive: true });
  },
  openAppend: (path) => sinkOf(path, 'a'),
  openWrite: (path) => sinkOf(path, 'w'),
  async writeFileSynced(path, data) {
    const handle = await open(path, 'w');
    try {
      await writeFile(handle, data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  async link(existing, path) {
    try {
      await link(existing, path);
      return true;
    } catch (err) {
      if (code(err) === 'EEXIST') return false;
      throw err;
    }
  },
  rename: (from, to) => rename(from, to),
  async unlink(path) {
    try {
      await unlink(path);
    } catch (err) {
      if (code(err) !== 'ENOENT') throw err;
    }
  },
  async syncDir(dir) {
    // Windows cannot open a directory for fsync; there a rename is as durable as NTFS makes it.
    if (process.platform === 'win32') return;
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
};
