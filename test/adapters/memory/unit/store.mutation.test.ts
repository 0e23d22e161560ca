import { readFile } from 'node:fs/promises';
import { inspect } from 'node:util';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nodeFileSystem, type PersistenceFileSystem } from '../../../../src/adapters/memory/persistence/file-system.js';
import type { StoredRoom } from '../../../../src/adapters/memory/schemas.js';
import { SeqMap } from '../../../../src/adapters/memory/seq-map.js';
import { MEMORY_STORE, type MemoryChange, MemoryStore, type MemoryStoreOptions } from '../../../../src/adapters/memory/store.js';
import { ConfigError, ProviderUnavailableError } from '../../../../src/core/errors.js';
import { faultyFileSystem, tempDir, until } from './helpers.js';

const opened: MemoryStore[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const s of opened.splice(0)) await s.close().catch(() => undefined);
});

async function openStore(options: MemoryStoreOptions = {}): Promise<{ store: MemoryStore; persistPath: string }> {
  const persistPath = options.persistPath ?? join(await tempDir(), 'state.json');
  const store = new MemoryStore({ persistPath, ...options });
  await store.open();
  opened.push(store);
  return { store, persistPath };
}

async function journalLines(store: MemoryStore, persistPath: string): Promise<Array<{ r: Array<Record<string, unknown>> }>> {
  const text = await readFile(`${persistPath}.journal-${store.persistenceStatus!.generation}`, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { r: Array<Record<string, unknown>> });
}

function putRoom(store: MemoryStore, tenantId: string, id: string): StoredRoom {
  const room: StoredRoom = { id, seq: store.nextSeq(), metadata: {}, createdAt: new Date('2025-01-01T00:00:00Z'), threads: new SeqMap() };
  store.tenant(tenantId).rooms.set(id, room);
  return room;
}

describe('MemoryStore without persistence', () => {
  it('exposes itself under the process-wide key Symbol.for("unicollab.memory.store")', () => {
    // A well-known key, so memoryStoreOf() of one copy of the package finds the store of another copy.
    expect(MEMORY_STORE).toBe(Symbol.for('unicollab.memory.store'));
  });

  it('hands out increasing sequence numbers and prefixed random ids', () => {
    const store = new MemoryStore();
    expect([store.nextSeq(), store.nextSeq(), store.nextSeq()]).toEqual([1, 2, 3]);
    expect(store.seq).toBe(3);
    const id = store.newId('th');
    expect(id).toMatch(/^th_[A-Za-z0-9_-]{16}$/);
    expect(store.newId('th')).not.toBe(id);
  });

  it('reads Date.now at call time by default, and uses the given clock otherwise', () => {
    vi.useFakeTimers({ now: 1000 });
    const store = new MemoryStore();
    expect(store.now()).toBe(1000);
    vi.advanceTimersByTime(500);
    expect(store.now()).toBe(1500);
    expect(new MemoryStore({ now: () => 42 }).now()).toBe(42);
  });

  it('notifies change listeners until they unsubscribe', () => {
    const store = new MemoryStore();
    const seen: MemoryChange[] = [];
    const other: string[] = [];
    const off = store.onChange((c) => seen.push(c));
    store.onChange((c) => other.push(c.type));
    const change: MemoryChange = { type: 'room.created', tenantId: 't', roomId: 'r' };
    store.changed(change);
    expect(seen).toEqual([change]);
    expect(off()).toBe(true);
    store.changed({ type: 'user.entered', tenantId: 't', roomId: 'r', userId: 'u' });
    expect(seen).toHaveLength(1);
    expect(other).toEqual(['room.created', 'user.entered']);
  });

  it('delivers broadcasts (cloned) to the listeners of that tenant and room only, and counts them', () => {
    const store = new MemoryStore();
    const got: Array<[unknown, string]> = [];
    const payload = { n: 1, nested: { a: [1] } };
    const off = store.onBroadcast('t', 'r', (p, roomId) => got.push([p, roomId]));
    const second = vi.fn();
    store.onBroadcast('t', 'r', second);
    const elsewhere = vi.fn();
    store.onBroadcast('t2', 'r', elsewhere);
    store.onBroadcast('t', 'r2', elsewhere);
    expect(store.broadcast('t', 'r', payload)).toBe(2);
    expect(got).toEqual([[payload, 'r']]);
    expect(got[0]![0]).not.toBe(payload);
    expect((got[0]![0] as typeof payload).nested).not.toBe(payload.nested);
    expect(second).toHaveBeenCalledTimes(1);
    expect(elsewhere).not.toHaveBeenCalled();
    off();
    expect(store.broadcast('t', 'r', 'x')).toBe(1);
    expect(got).toHaveLength(1);
    expect(store.broadcast('t', 'nobody', 'x')).toBe(0);
    expect(store.broadcast('nobody', 'r', 'x')).toBe(0);
  });

  it('a second listener of a room joins the first one (the set is kept)', () => {
    const store = new MemoryStore();
    const a = vi.fn();
    const b = vi.fn();
    const offA = store.onBroadcast('t', 'r', a);
    store.onBroadcast('t', 'r', b);
    offA();
    expect(store.broadcast('t', 'r', 1)).toBe(1);
    expect(b).toHaveBeenCalledWith(1, 'r');
    expect(a).not.toHaveBeenCalled();
  });

  it('commits, compacts and closes at once, with no persistence status', async () => {
    const store = new MemoryStore();
    await store.open();
    store.changed({ type: 'room.created', tenantId: 't', roomId: 'r' });
    await expect(store.commit()).resolves.toBeUndefined();
    await expect(store.compact()).resolves.toBeUndefined();
    expect(store.persistenceStatus).toBeUndefined();
    await expect(store.close()).resolves.toBeUndefined();
  });

  it('shows counts only when inspected', async () => {
    const store = new MemoryStore();
    putRoom(store, 'a', 'r1');
    putRoom(store, 'a', 'r2');
    putRoom(store, 'b', 'r3');
    store.tenant('c');
    store.subscriptions.set('wh', { id: 'wh', tenantId: 'a', url: 'https://x', events: ['room.created'], secret: 'whsec_secret', createdAt: new Date() });
    expect(inspect(store)).toBe('MemoryStore { tenants: 3, rooms: 3, subscriptions: 1, pendingDeliveries: 0 }');
    const persisted = new MemoryStore({ persistPath: '/tmp/some "odd" path.json' });
    expect(inspect(persisted)).toBe('MemoryStore { tenants: 0, rooms: 0, subscriptions: 0, pendingDeliveries: 0, persistPath: "/tmp/some \\"odd\\" path.json" }');
  });
});

describe('MemoryStore: which entity a change saves', () => {
  it('saves the room of room.created / room.deleted, and nothing without a room id', async () => {
    const { store, persistPath } = await openStore();
    const before = (await journalLines(store, persistPath)).length;
    putRoom(store, 't', 'r');
    store.changed({ type: 'room.created', tenantId: 't', roomId: 'r' });
    await store.commit();
    let lines = await journalLines(store, persistPath);
    expect(lines.slice(before).map((l) => l.r.map((rec) => `${String(rec.k)}:${String(rec.id ?? rec.v)}`))).toEqual([['seq:1', 'room:r']]);
    store.tenant('t').rooms.delete('r');
    store.changed({ type: 'room.deleted', tenantId: 't', roomId: 'r' });
    store.changed({ type: 'room.deleted', tenantId: 't' });
    store.changed({ type: 'room.created', tenantId: 't' });
    await store.commit();
    lines = await journalLines(store, persistPath);
    expect(lines.at(-1)!.r).toEqual([{ k: 'room', t: 't', id: 'r', v: null }]);
  });

  it('saves a notification only with its user and a string notification id', async () => {
    const { store, persistPath } = await openStore();
    const before = (await journalLines(store, persistPath)).length;
    store.changed({ type: 'notification.created', tenantId: 't', userId: 'u', data: { notificationId: 'n1' } });
    store.changed({ type: 'notification.created', tenantId: 't', userId: 'u', data: { notificationId: 7 } });
    store.changed({ type: 'notification.created', tenantId: 't', data: { notificationId: 'n2' } });
    store.changed({ type: 'notification.created', tenantId: 't', userId: 'u' });
    await store.commit();
    const lines = (await journalLines(store, persistPath)).slice(before);
    expect(lines).toEqual([{ r: [{ k: 'notification', t: 't', u: 'u', id: 'n1', v: null }] }]);
  });

  it('saves nothing for presence changes', async () => {
    const { store, persistPath } = await openStore();
    const before = await journalLines(store, persistPath);
    store.changed({ type: 'user.entered', tenantId: 't', roomId: 'r', threadId: 'th', userId: 'u' });
    store.changed({ type: 'user.left', tenantId: 't', roomId: 'r', threadId: 'th', userId: 'u' });
    await store.commit();
    await new Promise((r) => setImmediate(r));
    expect(await journalLines(store, persistPath)).toEqual(before);
  });

  it('saves the content of storage and document updates, with a room id', async () => {
    const { store, persistPath } = await openStore();
    const before = (await journalLines(store, persistPath)).length;
    store.changed({ type: 'storage.updated', tenantId: 't', roomId: 'r1' });
    store.changed({ type: 'document.updated', tenantId: 't', roomId: 'r2' });
    store.changed({ type: 'storage.updated', tenantId: 't' });
    store.changed({ type: 'document.updated', tenantId: 't' });
    await store.commit();
    expect((await journalLines(store, persistPath)).slice(before)).toEqual([
      {
        r: [
          { k: 'content', t: 't', r: 'r1', v: null },
          { k: 'content', t: 't', r: 'r2', v: null },
        ],
      },
    ]);
  });

  it('saves the thread of thread, comment and reaction changes, with both ids', async () => {
    const { store, persistPath } = await openStore();
    const before = (await journalLines(store, persistPath)).length;
    store.changed({ type: 'comment.created', tenantId: 't', roomId: 'r', threadId: 'th1' });
    store.changed({ type: 'reaction.added', tenantId: 't', roomId: 'r', threadId: 'th2', commentId: 'c' });
    store.changed({ type: 'thread.created', tenantId: 't', roomId: 'r' });
    store.changed({ type: 'thread.deleted', tenantId: 't', threadId: 'th3' });
    await store.commit();
    expect((await journalLines(store, persistPath)).slice(before)).toEqual([
      {
        r: [
          { k: 'thread', t: 't', r: 'r', id: 'th1', v: null },
          { k: 'thread', t: 't', r: 'r', id: 'th2', v: null },
        ],
      },
    ]);
  });

  it('dirty() saves an entity without notifying anyone', async () => {
    const { store, persistPath } = await openStore();
    const listener = vi.fn();
    store.onChange(listener);
    store.dirty({ kind: 'subscription', subscriptionId: 'wh_x' });
    await store.commit();
    expect((await journalLines(store, persistPath)).at(-1)).toEqual({ r: [{ k: 'subscription', id: 'wh_x', v: null }] });
    expect(listener).not.toHaveBeenCalled();
  });
});

describe('MemoryStore: opening persistence', () => {
  it('opens once: a second open keeps the same persistence', async () => {
    const { store } = await openStore();
    const status = store.persistenceStatus!;
    await store.open();
    expect(store.persistenceStatus).toEqual(status);
    expect(status).toEqual({ generation: 1, journalBytes: 0, degraded: false, snapshots: 1, compacting: false });
  });

  it('passes its file system and compaction threshold on', async () => {
    const { fs, calls } = faultyFileSystem();
    const { store } = await openStore({ fileSystem: fs, compactAfterBytes: 10 });
    expect(calls.snapshots).toBe(1);
    putRoom(store, 't', 'r');
    store.changed({ type: 'room.created', tenantId: 't', roomId: 'r' });
    await store.commit();
    expect(calls.datasync).toBe(1);
    // The journal (about 100 bytes) outgrew 10 bytes: a compaction started on its own.
    await until(() => store.persistenceStatus!.snapshots === 2 && !store.persistenceStatus!.compacting);
    expect(store.persistenceStatus!.journalBytes).toBe(0);
  });

  it('does not compact below the default 4 MiB threshold', async () => {
    const { store } = await openStore();
    for (let i = 0; i < 5; i++) {
      putRoom(store, 't', `r${i}`);
      store.changed({ type: 'room.created', tenantId: 't', roomId: `r${i}` });
      await store.commit();
    }
    await new Promise((r) => setTimeout(r, 10));
    expect(store.persistenceStatus!.snapshots).toBe(1);
    expect(store.persistenceStatus!.journalBytes).toBeGreaterThan(0);
  });

  it('passes its logger and retry delays on', async () => {
    const { fs, faults } = faultyFileSystem();
    const warn = vi.fn();
    const { store } = await openStore({ fileSystem: fs, logger: { warn }, retryBaseMs: 1, retryMaxMs: 2 });
    faults.datasync = 1;
    faults.openWrite = 3;
    putRoom(store, 't', 'r');
    store.changed({ type: 'room.created', tenantId: 't', roomId: 'r' });
    await expect(store.commit()).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(warn.mock.calls[0]![0]).toMatch(/^Memory store: appending to the journal of .* failed \(EIO: injected fdatasync failure\)/);
    // With 1-2 ms retries, the three failing recovery snapshots are soon behind us.
    for (let i = 0; i < 200 && store.persistenceStatus!.degraded; i++) await new Promise((r) => setTimeout(r, 5));
    expect(store.persistenceStatus!.degraded).toBe(false);
    expect(warn.mock.calls.map(([m]) => String(m)).filter((m) => m.includes('recovery of')).map((m) => m.replace(/.*retrying in /, ''))).toEqual(['1 ms', '2 ms', '2 ms']);
  });

  it('passes the legacy tenant on (default `default`)', async () => {
    const { writeFile } = await import('node:fs/promises');
    const v1 = (id: string) => JSON.stringify({ format: 'unicollab-memory', version: 1, seq: 0, tenants: {}, subscriptions: [{ id, url: 'https://x', events: ['room.created'], secret: 's', createdAt: '2025-01-01T00:00:00Z' }] });
    const a = join(await tempDir(), 'a.json');
    await writeFile(a, v1('wh_a'));
    const { store: first } = await openStore({ persistPath: a });
    expect(first.subscriptions.get('wh_a')!.tenantId).toBe('default');
    const b = join(await tempDir(), 'b.json');
    await writeFile(b, v1('wh_b'));
    const { store: second } = await openStore({ persistPath: b, legacyTenantId: 'acme' });
    expect(second.subscriptions.get('wh_b')!.tenantId).toBe('acme');
  });

  it('passes the snapshot pacing on', async () => {
    const writes: string[] = [];
    const fileSystem: PersistenceFileSystem = {
      ...nodeFileSystem,
      async openWrite(path) {
        const sink = await nodeFileSystem.openWrite(path);
        return { ...sink, write: async (d) => (writes.push(d), sink.write(d)) };
      },
    };
    await openStore({ fileSystem, pacing: { chunkChars: 1, sliceMs: 1e9 } });
    expect(writes.length).toBeGreaterThan(3); // one write per piece, not one for the whole (empty) state
  });

  it('refuses a path that is already open with a ConfigError', async () => {
    const { persistPath } = await openStore();
    const second = new MemoryStore({ persistPath });
    await expect(second.open()).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('MemoryStore: compact()', () => {
  it('wraps a disk failure in ProviderUnavailableError naming the cause', async () => {
    const { fs, faults } = faultyFileSystem();
    const { store } = await openStore({ fileSystem: fs });
    faults.openWrite = 1;
    const err = await store.compact().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect(err).toMatchObject({ provider: 'memory', operation: 'compact', message: 'Compacting the memory state failed: injected open failure; the journal is kept' });
    expect((err as { cause?: unknown }).cause).toMatchObject({ code: 'EIO' });
  });

  it('passes a CollabError through unchanged', async () => {
    const refusal = new ConfigError('refused by the file system', { field: 'persistPath' });
    let refuse = false;
    const fileSystem: PersistenceFileSystem = {
      ...nodeFileSystem,
      openWrite: (path) => (refuse ? Promise.reject(refusal) : nodeFileSystem.openWrite(path)),
    };
    const { store } = await openStore({ fileSystem });
    refuse = true;
    await expect(store.compact()).rejects.toBe(refusal);
  });

  it('refuses commits once closed', async () => {
    const { store } = await openStore();
    await store.close();
    putRoom(store, 't', 'r');
    store.changed({ type: 'room.created', tenantId: 't', roomId: 'r' });
    const err = await store.commit().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect((err as Error).message).toBe('The memory store is closed; this change was applied in memory but will not be saved');
    expect(err).toMatchObject({ provider: 'memory', retryable: false });
  });
});
