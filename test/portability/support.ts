/** Test helpers of the portability tests: a census of a provider's data, and a target that "dies" at a chosen write. */
import { existsSync, readFileSync } from 'node:fs';
import type { Collab } from '../../src/index.js';
import { exportData, THREAD_BULK_WRITES } from '../../src/portability/index.js';

/** Counts of what the target holds: threads, live comments, reactions and custom notifications. */
export async function census(collab: Collab): Promise<{ threads: number; comments: number; reactions: number; custom: number; rooms: number }> {
  const c = { threads: 0, comments: 0, reactions: 0, custom: 0, rooms: 0 };
  for await (const line of exportData(collab)) {
    if (line.kind === 'room') c.rooms++;
    if (line.kind === 'thread') {
      c.threads++;
      c.comments += line.comments.length;
      for (const cm of line.comments) for (const r of cm.reactions) c.reactions += r.userIds.length;
    }
    if (line.kind === 'notification' && line.notificationKind === 'custom') c.custom++;
  }
  return c;
}

const WRITES = new Set(['create', 'upsert', 'update', 'add', 'resolve', 'unresolve', 'updateMetadata', 'trigger', 'markRead', 'set', 'applyUpdate', 'initialize', 'delete', 'createThreadWithComments', 'appendComments']);

/**
 * The target as a process that is killed at its `killAt`-th write: that write reaches the target, the
 * checkpoint file is snapshotted as it is on disk at that instant, and every later write fails.
 */
export function killable(collab: Collab, killAt: number, checkpoint: string): { collab: Collab; snapshot: () => string | undefined; writes: () => number } {
  let writes = 0;
  let dead = false;
  let snap: string | undefined;
  const wrap = <T extends object>(service: T): T =>
    new Proxy(service, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        // The bulk writes a thread service may offer (THREAD_BULK_WRITES) are writes too.
        if (prop === THREAD_BULK_WRITES && value && typeof value === 'object') return wrap(value);
        if (typeof value !== 'function') return value;
        if (!WRITES.has(String(prop))) return (value as (...a: unknown[]) => unknown).bind(target);
        return async (...args: unknown[]) => {
          if (dead) throw new Error('killed');
          const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          if (++writes === killAt) {
            dead = true;
            snap = existsSync(checkpoint) ? readFileSync(checkpoint, 'utf8') : undefined;
            throw new Error('killed');
          }
          return result;
        };
      },
    });
  const wrapped = {
    provider: collab.provider,
    capabilities: collab.capabilities,
    capabilityNotes: collab.capabilityNotes,
    rooms: wrap(collab.rooms),
    users: wrap(collab.users),
    threads: wrap(collab.threads),
    comments: wrap(collab.comments),
    reactions: wrap(collab.reactions),
    notifications: wrap(collab.notifications),
    documents: wrap(collab.documents),
    storage: wrap(collab.storage),
    presence: collab.presence,
    auth: collab.auth,
    webhooks: collab.webhooks,
    events: collab.events,
    close: () => collab.close(),
  } as Collab;
  return { collab: wrapped, snapshot: () => snap, writes: () => writes };
}


/**
 * The Velt collab with its bulk writes exposed to the importer under `THREAD_BULK_WRITES` (what the Velt
 * thread service's own getter does once it has one; until then this stands in for it).
 */
export function withVeltBulk(collab: Collab, bulk: object | undefined): Collab {
  if (!bulk || (collab.threads as unknown as Record<symbol, unknown>)[THREAD_BULK_WRITES]) return collab;
  const threads = new Proxy(collab.threads, {
    get(target, prop) {
      if (prop === THREAD_BULK_WRITES) return bulk;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { ...collab, threads } as Collab;
}

/** The collab with the bulk writes of its thread service hidden: imports go one entity at a time. */
export function withoutBulk(collab: Collab): Collab {
  const threads = new Proxy(collab.threads, {
    get(target, prop) {
      if (prop === THREAD_BULK_WRITES) return undefined;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { ...collab, threads } as Collab;
}
