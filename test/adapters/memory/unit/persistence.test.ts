import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryStoreOf } from '../../../../src/adapters/memory/index.js';
import { encodeBatch } from '../../../../src/adapters/memory/persistence/journal-codec.js';
import { nodeFileSystem, type PersistenceFileSystem } from '../../../../src/adapters/memory/persistence/file-system.js';
import type { JournalRecord } from '../../../../src/adapters/memory/persistence/schemas.js';
import type { Collab } from '../../../../src/collab.js';
import { ConfigError, ProviderUnavailableError } from '../../../../src/core/errors.js';
import { crashCopy, faultyFileSystem, memoryWith, tempDir, until } from './helpers.js';

const open: Collab[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close().catch(() => undefined);
});

async function openAt(persistPath: string, store: Parameters<typeof memoryWith>[1]['store'] = {}, config: Record<string, unknown> = {}): Promise<Collab> {
  const collab = await memoryWith({ persistPath, ...config }, { store });
  open.push(collab);
  return collab;
}

async function roomIds(collab: Collab): Promise<string[]> {
  const ids: string[] = [];
  for await (const room of collab.rooms.iterate({ pageSize: 500 })) ids.push(room.id);
  return ids.sort();
}

function roomRecord(id: string, seq: number): JournalRecord {
  return { k: 'room', t: 'default', id, v: { id, seq, metadata: { n: seq }, createdAt: new Date('2025-01-01T00:00:00Z') } };
}

async function journalFiles(persistPath: string): Promise<string[]> {
  const dir = join(persistPath, '..');
  return (await readdir(dir)).filter((n) => n.includes('.journal-')).sort();
}

describe('memory persistence: durability of each write', () => {
  it('does not resolve a write before its fdatasync has completed', async () => {
    const persistPath = join(await tempDir(), 'state.json');
    const { fs, faults, calls } = faultyFileSystem();
    const collab = await openAt(persistPath, { fileSystem: fs });
    let release!: () => void;
    faults.gate = new Promise<void>((resolve) => (release = resolve));
    let resolved = false;
    const write = collab.rooms.create({ id: 'slow' }).then(() => (resolved = true));
    await until(() => calls.datasync === 1);
    await new Promise((r) => setTimeout(r, 30));
    expect(resolved).toBe(false); // the fdatasync is held, so the write must still be pending
    release();
    await write;
    expect(resolved).toBe(true);
  });

  it('commits every write made in one tick with one write and one fdatasync (group commit)', async () => {
    const persistPath = join(await tempDir(), 'state.json');
    const { fs, calls } = faultyFileSystem();
    const collab = await openAt(persistPath, { fileSystem: fs });
    const before = { ...calls };
    await Promise.all(Array.from({ length: 40 }, (_, i) => collab.rooms.create({ id: `g${i}` })));
    expect(calls.datasync - before.datasync).toBe(1);
    expect(calls.write - before.write).toBe(1);
    const journal = (await readFile(join(persistPath, '..', (await journalFiles(persistPath))[0]!), 'utf8')).trim().split('\n');
    expect(journal).toHaveLength(1);
    expect((JSON.parse(journal[0]!) as { r: unknown[] }).r).toHaveLength(41); // 40 rooms + the id sequence
  });

  it('journals only what changed: one room update costs the same with 5 or 3000 rooms', async () => {
    const persistPath = join(await tempDir(), 'state.json');
    const { fs, calls } = faultyFileSystem();
    const collab = await openAt(persistPath, { fileSystem: fs, compactAfterBytes: 1e9 });
    const costOfOneUpdate = async (): Promise<number> => {
      const before = calls.writtenChars;
      await collab.rooms.update('r0', { metadata: { touched: String(Date.now()) } });
      return calls.writtenChars - before;
    };
    for (let i = 0; i < 5; i++) await collab.rooms.create({ id: `r${i}`, metadata: { i } });
    const small = await costOfOneUpdate();
    for (let chunk = 0; chunk < 10; chunk++) await Promise.all(Array.from({ length: 300 }, (_, i) => collab.rooms.create({ id: `big${chunk}-${i}` })));
    const large = await costOfOneUpdate();
    expect(small).toBeLessThan(400);
    expect(Math.abs(large - small)).toBeLessThan(20); // same room, same fields: only the timestamp digits may differ
  });

  it('flushes pending writes on close()', async () => {
    const persistPath = join(await tempDir(), 'state.json');
    const first = await memoryWith({ persistPath }, {});
    const pending = first.rooms.create({ id: 'at-close' });
    await first.close();
    await pending;
    const second = await openAt(persistPath);
    expect(await roomIds(second)).toEqual(['at-close']);
    // close() compacted: the snapshot alone holds the state, the journal is empty.
    await second.close();
    const snapshot = JSON.parse(await readFile(persistPath, 'utf8')) as { tenants: Record<string, { rooms: Array<{ id: string }> }> };
    expect(snapshot.tenants.default!.rooms.map((r) => r.id)).toEqual(['at-close']);
  });
});

describe('memory persistence: room state', () => {
  it('keeps the archived flag across a restart, from the journal and from a compacted snapshot', async () => {
    const persistPath = join(await tempDir(), 'state.json');
    const first = await openAt(persistPath);
    await first.rooms.create({ id: 'done' });
    await first.rooms.create({ id: 'open' });
    await first.rooms.update('done', { archived: true });
    // Reopened from the journal (no close: the way a crash leaves it).
    const copy = await crashCopy(persistPath);
    const fromJournal = await openAt(copy);
    expect((await fromJournal.rooms.get('done')).archived).toBe(true);
    expect((await fromJournal.rooms.list({ archived: false })).items.map((r) => r.id)).toEqual(['open']);
    await first.close();
    const fromSnapshot = await openAt(persistPath);
    expect((await fromSnapshot.rooms.get('done')).archived).toBe(true);
    expect((await fromSnapshot.rooms.get('open')).archived).toBe(false);
  });

  it('keeps document content, storage and versions across a restart (journal and snapshot), and drops them with the room', async () => {
    const persistPath = join(await tempDir(), 'state.json');
    const first = await openAt(persistPath);
    await first.rooms.create({ id: 'doc' });
    await first.rooms.create({ id: 'gone' });
    await first.documents.set('doc', { key: 'body', type: 'text', value: 'persisted text' });
    await first.documents.set('doc', { key: 'meta', type: 'map', value: { n: 1 } });
    const version = await first.documents.versions.create('doc');
    await first.documents.set('doc', { key: 'body', type: 'text', value: 'after the version' });
    await first.storage.initialize('doc', { lsonType: 'LiveObject', data: { list: { lsonType: 'LiveList', data: [1] } } });
    await first.storage.patch('doc', [{ op: 'add', path: '/list/-', value: 2 }]);
    await first.documents.set('gone', { key: 'body', type: 'text', value: 'deleted with its room' });
    await first.rooms.delete('gone');
    await first.rooms.create({ id: 'gone' });
    // A room update writes the room record only: the content must survive it (it is a record of its own).
    await first.rooms.update('doc', { name: 'renamed' });
    const check = async (collab: Collab) => {
      expect((await collab.documents.get('doc', { key: 'body', type: 'text' })).value).toBe('after the version');
      expect((await collab.documents.get('doc', { key: 'meta', type: 'map' })).value).toEqual({ n: 1 });
      expect((await collab.documents.versions.list('doc')).map((v) => v.id)).toEqual([version.id]);
      expect((await collab.storage.get('doc')).data).toEqual({ list: [1, 2] });
      expect((await collab.documents.get('gone', { key: 'body', type: 'text' })).value).toBe('');
      expect((await collab.rooms.get('doc')).raw).not.toHaveProperty('content');
    };
    await check(await openAt(await crashCopy(persistPath)));
    await first.close();
    await check(await openAt(persistPath));
  });
});

describe('memory persistence: journal recovery on load', () => {
  it('ignores a torn last line (a crash mid-append) and keeps appending after it safely', async () => {
    const dir = await tempDir();
    const persistPath = join(dir, 'state.json');
    await writeFile(persistPath, JSON.stringify({ format: 'unicollab-memory', version: 2, journal: 1, seq: 0, tenants: {}, subscriptions: [], deliveries: [] }));
    const torn = encodeBatch([roomRecord('c', 3)]).slice(0, 25);
    await writeFile(`${persistPath}.journal-1`, encodeBatch([roomRecord('a', 1)]) + encodeBatch([roomRecord('b', 2)]) + torn);
    const collab = await openAt(persistPath);
    expect(await roomIds(collab)).toEqual(['a', 'b']);
    await collab.rooms.create({ id: 'd' });
    const again = await openAt(await crashCopy(persistPath));
    expect(await roomIds(again)).toEqual(['a', 'b', 'd']);
    // The next room gets a fresh sequence number, after the replayed ones.
    expect((await again.rooms.list()).items.map((r) => r.id)).toEqual(['a', 'b', 'd']);
  });

  it('ignores a zero-filled tail as well', async () => {
    const persistPath = join(await tempDir(), 'state.json');
    await writeFile(persistPath, JSON.stringify({ format: 'unicollab-memory', version: 2, journal: 1, seq: 0, tenants: {}, subscriptions: [], deliveries: [] }));
    await writeFile(`${persistPath}.journal-1`, Buffer.concat([Buffer.from(encodeBatch([roomRecord('a', 1)])), Buffer.alloc(64)]));
    expect(await roomIds(await openAt(persistPath))).toEqual(['a']);
  });

  it('refuses a damaged line followed by valid ones with a ConfigError naming the file and line', async () => {
    const persistPath = join(await tempDir(), 'state.json');
    await writeFile(persistPath, JSON.stringify({ format: 'unicollab-memory', version: 2, journal: 1, seq: 0, tenants: {}, subscriptions: [], deliveries: [] }));
    await writeFile(`${persistPath}.journal-1`, encodeBatch([roomRecord('a', 1)]) + '{"r":[{"k":"ro\n' + encodeBatch([roomRecord('b', 2)]));
    const err = await memoryWith({ persistPath }, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ field: 'persistPath' });
    expect((err as Error).message).toContain('state.json.journal-1');
    expect((err as Error).message).toContain('line 2');
    // Refused, not repaired: the file is left as it was, and the lock is released.
    expect(await readFile(`${persistPath}.journal-1`, 'utf8')).toContain('{"r":[{"k":"ro\n');
    await expect(readFile(`${persistPath}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('loads version 1 files (whole-state JSON) and upgrades them; their subscriptions join the default tenant', async () => {
    const persistPath = join(await tempDir(), 'state.json');
    const at = '2024-05-01T10:00:00.000Z';
    await writeFile(
      persistPath,
      JSON.stringify({
        format: 'unicollab-memory',
        version: 1,
        seq: 3,
        tenants: {
          default: {
            rooms: [{ id: 'old', seq: 1, metadata: { a: '1' }, createdAt: at, threads: [{ id: 'th_1', roomId: 'old', seq: 2, resolved: false, metadata: {}, comments: [{ id: 'cm_1', threadId: 'th_1', roomId: 'old', authorId: 'ann', body: { version: 1, content: [{ type: 'paragraph', children: [{ type: 'text', text: 'hi' }] }] }, createdAt: at, reactions: [], metadata: {} }], createdAt: at, updatedAt: at }] }],
            users: [{ id: 'ann', seq: 3, metadata: {} }],
            notifications: [],
          },
        },
        subscriptions: [{ id: 'wh_1', url: 'https://example.com/hook', events: ['room.created'], secret: 'whsec_dGVzdHRlc3R0ZXN0dGVzdA==', createdAt: at }],
      }),
    );
    // The app's default tenant is `acme`; the file's data lives in tenant `default`.
    const collab = await openAt(persistPath, {}, { tenantId: 'acme' });
    const inDefault = { tenantId: 'default' };
    expect((await collab.rooms.get('old', inDefault)).metadata).toEqual({ a: '1' });
    expect((await collab.threads.get('old', 'th_1', inDefault)).comments[0]!.createdAt.toISOString()).toBe(at);
    expect((await collab.users.get('ann', inDefault)).id).toBe('ann');
    // Version 1 subscriptions had no tenant: they now belong to the configured one.
    expect((await collab.webhooks.subscriptions.list()).map((s) => s.id)).toEqual(['wh_1']);
    expect(await collab.webhooks.subscriptions.list(inDefault)).toEqual([]);
    expect(JSON.parse(await readFile(persistPath, 'utf8'))).toMatchObject({ version: 2 });
    await collab.rooms.create({ id: 'new' }, inDefault);
    expect((await collab.rooms.list({}, inDefault)).items.map((r) => r.id)).toEqual(['old', 'new']);
  });
});

describe('memory persistence: compaction', () => {
  it('compacts while writes go on, without holding them up, and loses none', async () => {
    const persistPath = join(await tempDir(), 'state.json');
    // The snapshot's writes wait on a gate the test opens only after writes have completed meanwhile,
    // so "writes go on during a compaction" does not depend on how fast this machine is.
    let gateSnapshot = false;
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const snapshotWritesStarted = { count: 0 };
    const fileSystem: PersistenceFileSystem = {
      ...nodeFileSystem,
      async openWrite(path) {
        const sink = await nodeFileSystem.openWrite(path);
        if (!gateSnapshot) return sink;
        return {
          ...sink,
          async write(data) {
            snapshotWritesStarted.count += 1;
            await gate;
            await sink.write(data);
          },
          datasync: () => sink.datasync(),
          sync: () => sink.sync(),
          close: () => sink.close(),
        };
      },
    };
    // Tiny chunks: once the gate opens the snapshot still takes many turns of the event loop.
    const collab = await openAt(persistPath, { fileSystem, pacing: { chunkChars: 64, sliceMs: 0 }, compactAfterBytes: 1e9 });
    const store = memoryStoreOf(collab)!;
    for (let chunk = 0; chunk < 4; chunk++) await Promise.all(Array.from({ length: 50 }, (_, i) => collab.rooms.create({ id: `before-${chunk}-${i}`, metadata: { chunk } })));
    const generation = store.persistenceStatus!.generation;
    gateSnapshot = true;
    let compacted = false;
    const compaction = store.compact().then(() => (compacted = true));
    await until(() => snapshotWritesStarted.count > 0);
    const writtenDuring: string[] = [];
    for (let i = 0; !compacted; i++) {
      const id = `during-${i}`;
      await collab.rooms.create({ id });
      if (i % 3 === 0) await collab.rooms.update(`before-0-${i % 50}`, { metadata: { updated: i } });
      if (i % 5 === 0) await collab.rooms.delete(`before-1-${i % 50}`);
      if (!compacted) writtenDuring.push(id);
      if (i === 9) openGate(); // ten writes were acknowledged while the snapshot could not progress
    }
    await compaction;
    expect(writtenDuring.length).toBeGreaterThanOrEqual(10);
    expect(store.persistenceStatus!.generation).toBeGreaterThan(generation);
    expect(await journalFiles(persistPath)).toEqual([`state.json.journal-${store.persistenceStatus!.generation}`]);
    const expected = await roomIds(collab);
    const expectedMetadata = (await collab.rooms.get('before-0-0')).metadata;
    const copy = await openAt(await crashCopy(persistPath));
    expect(await roomIds(copy)).toEqual(expected);
    expect((await copy.rooms.get('before-0-0')).metadata).toEqual(expectedMetadata);
  });

  it('compacts on its own once the journal outgrows the threshold, and a failed compaction is reported, not thrown', async () => {
    const persistPath = join(await tempDir(), 'state.json');
    const { fs, faults } = faultyFileSystem();
    const warn = vi.fn();
    const collab = await openAt(persistPath, { fileSystem: fs, compactAfterBytes: 2000, retryMaxMs: 20 }, { logger: { warn } });
    const store = memoryStoreOf(collab)!;
    const start = store.persistenceStatus!;
    faults.openWrite = 1; // the first automatic compaction cannot create its temp file
    let written = 0;
    while (store.persistenceStatus!.snapshots === start.snapshots && written < 2000) {
      await collab.rooms.create({ id: `auto-${written++}`, metadata: { text: 'x'.repeat(40) } });
    }
    expect(store.persistenceStatus!.snapshots).toBeGreaterThan(start.snapshots); // the retry succeeded
    expect(warn.mock.calls.some(([m]) => /compacting .* failed/.test(String(m)))).toBe(true);
    expect(store.persistenceStatus!.degraded).toBe(false);
    await until(() => !store.persistenceStatus!.compacting);
    // The journal the failed attempt had rotated away from was dropped by the one that succeeded.
    expect(await journalFiles(persistPath)).toEqual([`state.json.journal-${store.persistenceStatus!.generation}`]);
    expect(await roomIds(await openAt(await crashCopy(persistPath)))).toHaveLength(written);
  });
});

describe('memory persistence: failed saves', () => {
  it('rejects the waiting write with ProviderUnavailableError, reports it, recovers, and later writes work', async () => {
    const persistPath = join(await tempDir(), 'state.json');
    const { fs, faults } = faultyFileSystem();
    const warn = vi.fn();
    const collab = await openAt(persistPath, { fileSystem: fs }, { logger: { warn } });
    faults.datasync = 1;
    const err = await collab.rooms.create({ id: 'unlucky' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect(err).toMatchObject({ provider: 'memory', operation: 'rooms.create' });
    expect((err as Error).message).toMatch(/applied in memory but not yet durable/);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/journal .* failed/), expect.objectContaining({ error: expect.stringContaining('EIO') }));
    // Applied in memory, as the error says; the next write succeeds (a recovery snapshot saves both).
    expect((await collab.rooms.get('unlucky')).id).toBe('unlucky');
    await collab.rooms.create({ id: 'next' });
    expect(memoryStoreOf(collab)!.persistenceStatus!.degraded).toBe(false);
    await collab.rooms.create({ id: 'after' });
    expect(await roomIds(await openAt(await crashCopy(persistPath)))).toEqual(['after', 'next', 'unlucky']);
  });

  it('keeps failing fast while the disk fails, retries in the background, and works again once it recovers', async () => {
    const persistPath = join(await tempDir(), 'state.json');
    const { fs, faults } = faultyFileSystem();
    const warn = vi.fn();
    const collab = await openAt(persistPath, { fileSystem: fs, retryBaseMs: 5, retryMaxMs: 20 }, { logger: { warn } });
    const store = memoryStoreOf(collab)!;
    faults.datasync = 1;
    faults.openWrite = 1000; // every recovery snapshot fails until the disk is "fixed"
    await expect(collab.rooms.create({ id: 'f0' })).rejects.toBeInstanceOf(ProviderUnavailableError);
    for (let i = 1; i < 5; i++) await expect(collab.rooms.create({ id: `f${i}` })).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(store.persistenceStatus!.degraded).toBe(true);
    const warningsWhileFailing = warn.mock.calls.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(warn.mock.calls.length).toBeGreaterThan(warningsWhileFailing); // background retries went on (and were reported)
    faults.openWrite = 0;
    await until(() => !store.persistenceStatus!.degraded);
    await collab.rooms.create({ id: 'ok' });
    expect(await roomIds(await openAt(await crashCopy(persistPath)))).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'ok']);
  });

  it('close() still succeeds when only its final compaction fails: the journal keeps everything', async () => {
    const persistPath = join(await tempDir(), 'state.json');
    const { fs, faults } = faultyFileSystem();
    const warn = vi.fn();
    const collab = await memoryWith({ persistPath, logger: { warn } }, { store: { fileSystem: fs } });
    await collab.rooms.create({ id: 'kept-in-journal' });
    faults.openWrite = 1;
    await collab.close();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/compacting .* at close failed/), expect.anything());
    expect(await roomIds(await openAt(persistPath))).toEqual(['kept-in-journal']);
  });

  it('close() reports state it could not save, and still releases the lock', async () => {
    const persistPath = join(await tempDir(), 'state.json');
    const { fs, faults } = faultyFileSystem();
    const collab = await memoryWith({ persistPath }, { store: { fileSystem: fs } });
    faults.datasync = 1;
    faults.openWrite = 1000;
    await expect(collab.rooms.create({ id: 'lost' })).rejects.toBeInstanceOf(ProviderUnavailableError);
    await expect(collab.close()).rejects.toBeInstanceOf(ProviderUnavailableError);
    await expect(readFile(`${persistPath}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('memory persistence: the lock on persistPath', () => {
  it('refuses a path locked by a live process with a ConfigError naming its pid', async () => {
    const persistPath = join(await tempDir(), 'state.json');
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      await new Promise((r) => holder.once('spawn', r));
      await writeFile(`${persistPath}.lock`, JSON.stringify({ pid: holder.pid, host: hostname(), token: 'other' }));
      const err = await memoryWith({ persistPath }, {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect(err).toMatchObject({ field: 'persistPath', provider: 'memory' });
      expect((err as Error).message).toContain(`in use by process ${holder.pid}`);
      expect(JSON.parse(await readFile(`${persistPath}.lock`, 'utf8'))).toMatchObject({ pid: holder.pid }); // not taken
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('takes over the stale lock of a dead process', async () => {
    const persistPath = join(await tempDir(), 'state.json');
    const dead = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await new Promise((r) => dead.once('exit', r));
    await writeFile(`${persistPath}.lock`, JSON.stringify({ pid: dead.pid, host: hostname(), token: 'gone' }));
    const collab = await openAt(persistPath);
    expect(JSON.parse(await readFile(`${persistPath}.lock`, 'utf8'))).toMatchObject({ pid: process.pid });
    await collab.rooms.create({ id: 'mine' });
    await collab.close();
    await expect(readFile(`${persistPath}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a second store on the same path in this process until the first is closed', async () => {
    const persistPath = join(await tempDir(), 'state.json');
    const first = await openAt(persistPath);
    const err = await memoryWith({ persistPath: join(persistPath, '..', '.', 'state.json') }, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(`already open in this process (pid ${process.pid})`);
    await first.close();
    await openAt(persistPath);
  });

  it('refuses a lock held by a process on another host, saying so', async () => {
    const persistPath = join(await tempDir(), 'state.json');
    await writeFile(`${persistPath}.lock`, JSON.stringify({ pid: 4242, host: 'elsewhere.example', token: 't' }));
    const err = await memoryWith({ persistPath }, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/process 4242 on host elsewhere\.example/);
  });
});
