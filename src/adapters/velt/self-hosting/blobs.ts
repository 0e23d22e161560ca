/**
 * Where attachment bytes go: `VeltBlobStore`, with a filesystem implementation. Keys are generated
 * by the handler (`attachments/<uuid>[.<ext>]`), never taken from the request, and the filesystem
 * store refuses any key that could leave its root.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { ConfigError } from '../../../core/errors.js';

/** Stores attachment bytes and says where the browser loads them from. */
export interface VeltBlobStore {
  /** Writes the bytes under `key` (replacing any) and resolves the URL to hand to Velt. */
  put(key: string, bytes: Uint8Array, options: { contentType?: string }): Promise<{ url: string }>;
  /** Reads the bytes of `key`, or `undefined` when there are none (to serve them yourself). */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Deletes `key`; a missing key is not an error. */
  delete(key: string): Promise<void>;
}

/** Options of `createFileSystemVeltBlobStore`. */
export interface FileSystemVeltBlobStoreOptions {
  /** The directory the files are written under (created when missing). */
  root: string;
  /**
   * The URL a browser loads `key` from, e.g. `(key) => \`https://files.example.com/${key}\``. Serve
   * `root` at that URL yourself (a static file server, or `store.get(key)` in a route).
   */
  publicUrl: (key: string) => string;
}

const SAFE_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

/** Whether `key` is one the handler could have generated: no `..`, no absolute path, no backslash. */
export function isSafeBlobKey(key: string): boolean {
  return key.length <= 512 && SAFE_KEY.test(key) && !key.split('/').includes('..');
}

/** A `VeltBlobStore` writing files under `root`; URLs come from `publicUrl(key)`. */
export function createFileSystemVeltBlobStore(options: FileSystemVeltBlobStoreOptions): VeltBlobStore {
  if (typeof options?.root !== 'string' || options.root === '') throw new ConfigError('root is required', { field: 'root' });
  if (typeof options.publicUrl !== 'function') throw new ConfigError('publicUrl must be a function (key) => url', { field: 'publicUrl' });
  const root = resolve(options.root);
  const pathOf = (key: string): string => {
    if (!isSafeBlobKey(key)) throw new Error('invalid blob key');
    const path = resolve(root, key);
    const rel = relative(root, path);
    if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) throw new Error('invalid blob key');
    return path;
  };
  return {
    async put(key, bytes) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, bytes);
      return { url: options.publicUrl(key) };
    },
    async get(key) {
      try {
        return new Uint8Array(await readFile(pathOf(key)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}
