import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { ConfigError } from '../../../core/errors.js';
import type { PersistenceFileSystem } from './file-system.js';

/** What a lock file holds: who owns the persisted state. */
interface LockOwner {
  pid: number;
  host: string;
  /** The owner's start time from /proc (Linux), to tell a reused pid from the owner. */
  started?: string;
  /** Random per acquisition, so a release never deletes someone else's lock. */
  token: string;
}

/** A held lock; `release()` deletes the lock file. */
export interface PersistLock {
  /** The lock file's path. */
  readonly path: string;
  /** Deletes the lock file (when it is still ours) and forgets it in this process. */
  release(): Promise<void>;
}

// Paths locked by this process, shared by every copy of this module (duplicate installs included),
// so a second store on the same path in the same process is refused too.
const HELD_KEY = Symbol.for('unicollab.memory.heldLocks');
const held: Set<string> = ((globalThis as Record<symbol, unknown>)[HELD_KEY] as Set<string> | undefined) ?? new Set<string>();
(globalThis as Record<symbol, unknown>)[HELD_KEY] = held;

function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime); the command name (field 2) may hold spaces and parentheses, so count after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.pid === process.pid) return false; // not in `held`, so a previous process with our pid (a restarted container)
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const started = startTimeOf(owner.pid);
  return !(owner.started !== undefined && started !== undefined && started !== owner.started);
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid === 'number' && Number.isInteger(value.pid) && value.pid > 0 && typeof value.host === 'string' && typeof value.token === 'string') {
      return value as LockOwner;
    }
  } catch {
    // not ours or damaged: handled as stale by the caller
  }
  return undefined;
}

/**
 * Takes the exclusive lock `<persistPath>.lock` for this process. The lock file is created with its
 * content in one step (written aside, then hard-linked into place), so it is never seen empty.
 * A lock whose owner is dead (same host) is taken over; a live owner, a second store in this
 * process, or an owner on another host (whose liveness cannot be checked) is a `ConfigError` on
 * `persistPath` naming the pid.
 */
export async function acquirePersistLock(persistPath: string, fs: PersistenceFileSystem): Promise<PersistLock> {
  const path = `${persistPath}.lock`;
  if (held.has(path)) {
    throw new ConfigError(`Memory persistPath ${persistPath} is already open in this process (pid ${process.pid}); close the other collab first`, {
      field: 'persistPath',
      provider: 'memory',
    });
  }
  held.add(path);
  const started = startTimeOf(process.pid);
  const me: LockOwner = { pid: process.pid, host: hostname(), ...(started ? { started } : {}), token: randomBytes(12).toString('base64url') };
  const text = JSON.stringify(me);
  const aside = `${path}.${me.token}`;
  try {
    await fs.writeFileSynced(aside, text);
    try {
      for (let round = 0; round < 5; round++) {
        if (await fs.link(aside, path)) {
          // Once per handle: a stale handle's second release must not drop the guard of a later lock on the path.
          let released = false;
          return {
            path,
            release: async () => {
              if (released) return;
              released = true;
              await release(path, me.token, fs);
            },
          };
        }
        const current = await fs.readFile(path);
        if (current === undefined) continue; // released meanwhile: try again
        const owner = parseOwner(current.toString('utf8'));
        if (owner && (owner.host !== me.host || isAlive(owner))) {
          const where = owner.host !== me.host ? ` on host ${owner.host} (its liveness cannot be checked from here; delete ${path} if it is gone)` : '';
          throw new ConfigError(`Memory persistPath ${persistPath} is in use by process ${owner.pid}${where}`, { field: 'persistPath', provider: 'memory' });
        }
        await takeOver(path, current, fs);
      }
      throw new ConfigError(`Memory persistPath ${persistPath}: could not take the lock ${path} (other processes keep racing for it)`, { field: 'persistPath', provider: 'memory' });
    } finally {
      await fs.unlink(aside).catch(() => undefined);
    }
  } catch (err) {
    held.delete(path);
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`Memory persistPath ${persistPath}: cannot create the lock ${path}: ${(err as Error).message}`, { field: 'persistPath', provider: 'memory', cause: err });
  }
}

/**
 * Removes a stale lock without deleting a fresh one another process may have just created: the
 * stale file is renamed away first (atomic), and put back if it turns out not to be the one judged stale.
 */
async function takeOver(path: string, stale: Buffer, fs: PersistenceFileSystem): Promise<void> {
  const away = `${path}.stale-${randomBytes(6).toString('base64url')}`;
  try {
    await fs.rename(path, away);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else took it over first
    throw err;
  }
  const moved = await fs.readFile(away);
  if (moved && !moved.equals(stale)) await fs.link(away, path); // a racer's live lock: put it back
  await fs.unlink(away);
}

async function release(path: string, token: string, fs: PersistenceFileSystem): Promise<void> {
  if (!held.has(path)) return;
  try {
    const current = await fs.readFile(path);
    if (current && parseOwner(current.toString('utf8'))?.token === token) await fs.unlink(path);
  } finally {
    held.delete(path);
  }
}
