import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type FileSink, nodeFileSystem, type PersistenceFileSystem } from '../../../../src/adapters/memory/persistence/file-system.js';
import { encodeBatch, parseJournal } from '../../../../src/adapters/memory/persistence/journal-codec.js';
import { acquirePersistLock } from '../../../../src/adapters/memory/persistence/lock.js';
import { Persistence } from '../../../../src/adapters/memory/persistence/persistence.js';
import { applyRecord, batchRecords, recordOf, restoreSnapshot, roomFields } from '../../../../src/adapters/memory/persistence/records.js';
import { writeSnapshot } from '../../../../src/adapters/memory/persistence/snapshot-writer.js';
import type { AnyPersistedState, JournalRecord } from '../../../../src/adapters/memory/persistence/schemas.js';
import type { StoredDelivery, StoredNotification, StoredRoom, StoredSubscription, StoredThread, StoredUser } from '../../../../src/adapters/memory/schemas.js';
import { SeqMap } from '../../../../src/adapters/memory/seq-map.js';
import { MemoryTables } from '../../../../src/adapters/memory/state.js';
import { ConfigError, ProviderUnavailableError } from '../../../../src/core/errors.js';
import { faultyFileSystem, tempDir, until } from './helpers.js';

afterEach(() => {
  vi.restoreAllMocks();
});

const at = new Date('2025-01-01T00:00:00.000Z');

function room(id: string, seq: number, extra: Partial<StoredRoom> = {}): StoredRoom {
  return { id, seq, metadata: {}, createdAt: at, threads: new SeqMap(), ...extra };
}
function thread(id: string, roomId: string, seq: number): StoredThread {
  return { id, roomId, seq, resolved: false, metadata: {}, comments: [], createdAt: at, updatedAt: at };
}
function user(id: string, seq: number): StoredUser {
  return { id, seq, metadata: {} };
}
function notification(id: string, userId: string, seq: number): StoredNotification {
  return { id, seq, userId, kind: 'custom', notifiedAt: at, readAt: null };
}
function subscription(id: string, tenantId = 't1'): StoredSubscription {
  return { id, tenantId, url: 'https://example.com/hook', events: ['room.created'], secret: 'whsec_x', createdAt: at };
}
function delivery(id: string): StoredDelivery {
  return { id, tenantId: 't1', subscriptionId: 'wh_1', payload: { a: 1 }, attempts: 0, nextAttemptAt: 5, createdAt: at };
}

/** A sink that records every write. */
function memorySink(): FileSink & { writes: string[] } {
  const writes: string[] = [];
  return {
    writes,
    write: async (data) => {
      writes.push(data);
    },
    datasync: async () => undefined,
    sync: async () => undefined,
    close: async () => undefined,
  };
}

describe('journal codec', () => {
  it('encodes a batch as one JSON line', () => {
    expect(encodeBatch([{ k: 'seq', v: 4 }])).toBe('{"r":[{"k":"seq","v":4}]}\n');
    expect(encodeBatch([])).toBe('{"r":[]}\n');
  });

  it('parses batches in order, skipping blank and NUL-only lines, and reports no torn tail', () => {
    const text = `${encodeBatch([{ k: 'seq', v: 1 }])}   \n\0\0\n\t\n${encodeBatch([{ k: 'seq', v: 2 }, { k: 'seq', v: 3 }])}`;
    expect(parseJournal(text, 'j')).toEqual({ batches: [[{ k: 'seq', v: 1 }], [{ k: 'seq', v: 2 }, { k: 'seq', v: 3 }]], tornTail: false });
    expect(parseJournal('', 'j')).toEqual({ batches: [], tornTail: false });
  });

  it('treats a line with text around blanks as a line, not a blank one', () => {
    // A trailing space or NUL after JSON is still a batch; text after blanks is a bad (torn) line.
    expect(parseJournal(`  x\n`, 'j')).toEqual({ batches: [], tornTail: true });
    expect(parseJournal(`x  \n`, 'j')).toEqual({ batches: [], tornTail: true });
    expect(parseJournal(`\0x\0\n`, 'j')).toEqual({ batches: [], tornTail: true });
  });

  it('drops a bad last line (torn tail) but keeps the batches before it', () => {
    expect(parseJournal(`${encodeBatch([{ k: 'seq', v: 1 }])}{"r":[`, 'j')).toEqual({ batches: [[{ k: 'seq', v: 1 }]], tornTail: true });
  });

  it('names the first bad line, a JSON error, when valid batches follow', () => {
    const text = `${encodeBatch([{ k: 'seq', v: 1 }])}\nnot json\n{"r":5}\n${encodeBatch([{ k: 'seq', v: 2 }])}`;
    let err: unknown;
    try {
      parseJournal(text, '/d/state.json.journal-3');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ field: 'persistPath', provider: 'memory' });
    expect((err as Error).message).toBe(
      'Memory journal /d/state.json.journal-3 is damaged at line 3 (not JSON) and has valid records after it; restore it from a backup or remove that line',
    );
  });

  it('names a schema error with the path of the first issue, or root', () => {
    expect(() => parseJournal(`{"r":[{"k":"seq","v":"x"}]}\n${encodeBatch([])}`, 'f')).toThrow(/^Memory journal f is damaged at line 1 \(at r\.0\.v: .+\) and has valid records/);
    expect(() => parseJournal(`5\n${encodeBatch([])}`, 'f')).toThrow(/^Memory journal f is damaged at line 1 \(at root: .+\) and has valid/);
  });
});

describe('journal records of entities', () => {
  function tables(): MemoryTables {
    const t = new MemoryTables();
    const r = room('r1', 1, { name: 'one', content: { ydoc: 'AA==' } });
    r.threads.set('th1', thread('th1', 'r1', 2));
    t.tenant('t1').rooms.set('r1', r);
    t.tenant('t1').users.set('u1', user('u1', 3));
    t.inbox('t1', 'u1').set('n1', notification('n1', 'u1', 4));
    t.subscriptions.set('wh_1', subscription('wh_1'));
    t.deliveries.set('msg_1', delivery('msg_1'));
    return t;
  }

  it('reads the current value of each kind of entity', () => {
    const t = tables();
    expect(recordOf(t, { kind: 'room', tenantId: 't1', roomId: 'r1' })).toEqual({ k: 'room', t: 't1', id: 'r1', v: { id: 'r1', seq: 1, metadata: {}, createdAt: at, name: 'one' } });
    expect(recordOf(t, { kind: 'thread', tenantId: 't1', roomId: 'r1', threadId: 'th1' })).toEqual({ k: 'thread', t: 't1', r: 'r1', id: 'th1', v: thread('th1', 'r1', 2) });
    expect(recordOf(t, { kind: 'content', tenantId: 't1', roomId: 'r1' })).toEqual({ k: 'content', t: 't1', r: 'r1', v: { ydoc: 'AA==' } });
    expect(recordOf(t, { kind: 'user', tenantId: 't1', userId: 'u1' })).toEqual({ k: 'user', t: 't1', id: 'u1', v: user('u1', 3) });
    expect(recordOf(t, { kind: 'notification', tenantId: 't1', userId: 'u1', notificationId: 'n1' })).toEqual({ k: 'notification', t: 't1', u: 'u1', id: 'n1', v: notification('n1', 'u1', 4) });
    expect(recordOf(t, { kind: 'subscription', subscriptionId: 'wh_1' })).toEqual({ k: 'subscription', id: 'wh_1', v: subscription('wh_1') });
    expect(recordOf(t, { kind: 'delivery', deliveryId: 'msg_1' })).toEqual({ k: 'delivery', id: 'msg_1', v: delivery('msg_1') });
  });

  it('records null for entities that do not exist (in a missing tenant or room too)', () => {
    const t = tables();
    for (const tenantId of ['t1', 'nobody']) {
      expect(recordOf(t, { kind: 'room', tenantId, roomId: 'zz' })).toEqual({ k: 'room', t: tenantId, id: 'zz', v: null });
      expect(recordOf(t, { kind: 'thread', tenantId, roomId: 'zz', threadId: 'th1' })).toEqual({ k: 'thread', t: tenantId, r: 'zz', id: 'th1', v: null });
      expect(recordOf(t, { kind: 'content', tenantId, roomId: 'zz' })).toEqual({ k: 'content', t: tenantId, r: 'zz', v: null });
      expect(recordOf(t, { kind: 'user', tenantId, userId: 'zz' })).toEqual({ k: 'user', t: tenantId, id: 'zz', v: null });
      expect(recordOf(t, { kind: 'notification', tenantId, userId: 'zz', notificationId: 'n1' })).toEqual({ k: 'notification', t: tenantId, u: 'zz', id: 'n1', v: null });
    }
    expect(recordOf(t, { kind: 'thread', tenantId: 't1', roomId: 'r1', threadId: 'zz' }).v).toBeNull();
    expect(recordOf(t, { kind: 'notification', tenantId: 't1', userId: 'u1', notificationId: 'zz' }).v).toBeNull();
    t.tenant('t1').rooms.set('bare', room('bare', 9));
    expect(recordOf(t, { kind: 'content', tenantId: 't1', roomId: 'bare' }).v).toBeNull();
    expect(recordOf(t, { kind: 'subscription', subscriptionId: 'zz' })).toEqual({ k: 'subscription', id: 'zz', v: null });
    expect(recordOf(t, { kind: 'delivery', deliveryId: 'zz' })).toEqual({ k: 'delivery', id: 'zz', v: null });
    expect(t.tenants.has('nobody')).toBe(false); // reading never creates a tenant
  });

  it('puts room records first in a batch, and the sequence before them when given', () => {
    const t = tables();
    const refs = [
      { kind: 'user', tenantId: 't1', userId: 'u1' },
      { kind: 'room', tenantId: 't1', roomId: 'r1' },
      { kind: 'subscription', subscriptionId: 'wh_1' },
      { kind: 'room', tenantId: 't1', roomId: 'gone' },
    ] as const;
    expect(batchRecords(t, refs, undefined).map((r) => `${r.k}:${'id' in r ? r.id : ''}`)).toEqual(['room:r1', 'room:gone', 'user:u1', 'subscription:wh_1']);
    expect(batchRecords(t, refs, 12).map((r) => r.k)).toEqual(['seq', 'room', 'room', 'user', 'subscription']);
    expect(batchRecords(t, refs, 12)[0]).toEqual({ k: 'seq', v: 12 });
    expect(batchRecords(t, [], 0)).toEqual([{ k: 'seq', v: 0 }]);
  });

  it('roomFields leaves threads and content out', () => {
    const r = room('r', 1, { content: { storage: 1 }, archived: true });
    expect(roomFields(r)).toEqual({ id: 'r', seq: 1, metadata: {}, createdAt: at, archived: true });
  });
});

describe('applying journal records', () => {
  it('raises the sequence, never lowers it', () => {
    const t = new MemoryTables();
    applyRecord(t, { k: 'seq', v: 7 });
    applyRecord(t, { k: 'seq', v: 3 });
    expect(t.seq).toBe(7);
  });

  it('puts a room: same incarnation keeps threads and content, another one starts empty', () => {
    const t = new MemoryTables();
    const r = room('r', 5, { content: { ydoc: 'x' } });
    r.threads.set('th', thread('th', 'r', 6));
    t.tenant('a').rooms.set('r', r);
    applyRecord(t, { k: 'room', t: 'a', id: 'r', v: { id: 'r', seq: 5, metadata: { m: 1 }, createdAt: at } });
    const same = t.tenant('a').rooms.get('r')!;
    expect(same.metadata).toEqual({ m: 1 });
    expect([...same.threads.keys()]).toEqual(['th']);
    expect(same.content).toEqual({ ydoc: 'x' });
    expect(t.seq).toBe(5);
    applyRecord(t, { k: 'room', t: 'a', id: 'r', v: { id: 'r', seq: 9, metadata: {}, createdAt: at } });
    const other = t.tenant('a').rooms.get('r')!;
    expect(other.threads.size).toBe(0);
    expect('content' in other).toBe(false);
    expect(t.seq).toBe(9);
    applyRecord(t, { k: 'room', t: 'a', id: 'r', v: { id: 'r', seq: 2, metadata: {}, createdAt: at } });
    expect(t.seq).toBe(9);
  });

  it('a same-incarnation room without content gets no content key; a new room in a new tenant is created', () => {
    const t = new MemoryTables();
    t.tenant('a').rooms.set('r', room('r', 1));
    applyRecord(t, { k: 'room', t: 'a', id: 'r', v: { id: 'r', seq: 1, metadata: {}, createdAt: at } });
    expect('content' in t.tenant('a').rooms.get('r')!).toBe(false);
    applyRecord(t, { k: 'room', t: 'b', id: 'n', v: { id: 'n', seq: 3, metadata: {}, createdAt: at } });
    expect(t.tenant('b').rooms.get('n')).toMatchObject({ id: 'n', seq: 3 });
    applyRecord(t, { k: 'room', t: 'b', id: 'n', v: null });
    expect(t.tenant('b').rooms.has('n')).toBe(false);
  });

  it('puts and deletes threads, skipping a thread of a missing room or tenant', () => {
    const t = new MemoryTables();
    t.tenant('a').rooms.set('r', room('r', 1));
    applyRecord(t, { k: 'thread', t: 'a', r: 'r', id: 'th', v: thread('th', 'r', 4) });
    expect(t.tenant('a').rooms.get('r')!.threads.get('th')).toEqual(thread('th', 'r', 4));
    expect(t.seq).toBe(4);
    applyRecord(t, { k: 'thread', t: 'a', r: 'r', id: 'th2', v: thread('th2', 'r', 2) });
    expect(t.seq).toBe(4);
    applyRecord(t, { k: 'thread', t: 'a', r: 'r', id: 'th', v: null });
    expect([...t.tenant('a').rooms.get('r')!.threads.keys()]).toEqual(['th2']);
    applyRecord(t, { k: 'thread', t: 'a', r: 'missing', id: 'x', v: thread('x', 'missing', 50) });
    applyRecord(t, { k: 'thread', t: 'ghost', r: 'r', id: 'x', v: thread('x', 'r', 50) });
    applyRecord(t, { k: 'thread', t: 'ghost', r: 'r', id: 'x', v: null });
    expect(t.seq).toBe(4);
    expect(t.tenants.has('ghost')).toBe(false);
  });

  it('puts and deletes content, skipping content of a missing room', () => {
    const t = new MemoryTables();
    t.tenant('a').rooms.set('r', room('r', 1));
    applyRecord(t, { k: 'content', t: 'a', r: 'r', v: { storage: { a: 1 } } });
    expect(t.tenant('a').rooms.get('r')!.content).toEqual({ storage: { a: 1 } });
    applyRecord(t, { k: 'content', t: 'a', r: 'r', v: null });
    expect('content' in t.tenant('a').rooms.get('r')!).toBe(false);
    applyRecord(t, { k: 'content', t: 'ghost', r: 'r', v: { ydoc: 'x' } });
    applyRecord(t, { k: 'content', t: 'a', r: 'missing', v: { ydoc: 'x' } });
    expect(t.tenants.has('ghost')).toBe(false);
  });

  it('puts and deletes users, notifications, subscriptions and deliveries', () => {
    const t = new MemoryTables();
    applyRecord(t, { k: 'user', t: 'a', id: 'u', v: user('u', 8) });
    expect(t.tenant('a').users.get('u')).toEqual(user('u', 8));
    expect(t.seq).toBe(8);
    applyRecord(t, { k: 'user', t: 'a', id: 'v', v: user('v', 1) });
    expect(t.seq).toBe(8);
    applyRecord(t, { k: 'user', t: 'a', id: 'u', v: null });
    expect([...t.tenant('a').users.keys()]).toEqual(['v']);

    applyRecord(t, { k: 'notification', t: 'a', u: 'u', id: 'n', v: notification('n', 'u', 11) });
    expect(t.inbox('a', 'u').get('n')).toEqual(notification('n', 'u', 11));
    expect(t.seq).toBe(11);
    applyRecord(t, { k: 'notification', t: 'a', u: 'u', id: 'm', v: notification('m', 'u', 2) });
    expect(t.seq).toBe(11);
    applyRecord(t, { k: 'notification', t: 'a', u: 'u', id: 'n', v: null });
    expect([...t.inbox('a', 'u').keys()]).toEqual(['m']);
    applyRecord(t, { k: 'notification', t: 'a', u: 'nobody', id: 'n', v: null });
    expect(t.tenant('a').notifications.has('nobody')).toBe(false);

    applyRecord(t, { k: 'subscription', id: 'wh', v: subscription('wh') });
    expect(t.subscriptions.get('wh')).toEqual(subscription('wh'));
    applyRecord(t, { k: 'subscription', id: 'wh', v: null });
    expect(t.subscriptions.size).toBe(0);
    applyRecord(t, { k: 'delivery', id: 'd', v: delivery('d') });
    expect(t.deliveries.get('d')).toEqual(delivery('d'));
    applyRecord(t, { k: 'delivery', id: 'd', v: null });
    expect(t.deliveries.size).toBe(0);
    expect(t.seq).toBe(11);
  });
});

describe('restoring a snapshot', () => {
  it('loads every table of a version 2 snapshot', () => {
    const t = new MemoryTables();
    t.seq = 100;
    const state: AnyPersistedState = {
      format: 'unicollab-memory',
      version: 2,
      journal: 1,
      seq: 40,
      tenants: {
        a: {
          rooms: [
            { id: 'r', seq: 1, metadata: {}, createdAt: at, threads: [thread('th', 'r', 2), thread('th2', 'r', 3)], content: { ydoc: 'y' } },
            { id: 's', seq: 4, metadata: {}, createdAt: at, threads: [] },
          ],
          users: [user('u', 5)],
          notifications: [notification('n', 'u', 6), notification('m', 'w', 7)],
        },
      },
      subscriptions: [subscription('wh', 'b')],
      deliveries: [delivery('d')],
    };
    restoreSnapshot(t, state, 'legacy');
    expect(t.seq).toBe(100);
    const a = t.tenant('a');
    expect([...a.rooms.keys()]).toEqual(['r', 's']);
    expect([...a.rooms.get('r')!.threads.keys()]).toEqual(['th', 'th2']);
    expect(a.rooms.get('r')!.threads.get('th2')).toEqual(thread('th2', 'r', 3));
    expect(a.rooms.get('r')!.content).toEqual({ ydoc: 'y' });
    expect('content' in a.rooms.get('s')!).toBe(false);
    expect(a.users.get('u')).toEqual(user('u', 5));
    expect(t.inbox('a', 'u').get('n')).toEqual(notification('n', 'u', 6));
    expect(t.inbox('a', 'w').get('m')).toEqual(notification('m', 'w', 7));
    expect(t.subscriptions.get('wh')).toEqual(subscription('wh', 'b'));
    expect(t.deliveries.get('d')).toEqual(delivery('d'));
    const fresh = new MemoryTables();
    restoreSnapshot(fresh, state, 'legacy');
    expect(fresh.seq).toBe(40);
  });

  it('gives version 1 subscriptions without a tenant the legacy tenant, and keeps a set one', () => {
    const t = new MemoryTables();
    const { tenantId: _none, ...legacy } = subscription('old');
    restoreSnapshot(t, { format: 'unicollab-memory', version: 1, seq: 1, tenants: {}, subscriptions: [legacy, subscription('own', 'x')] }, 'legacy');
    expect(t.subscriptions.get('old')!.tenantId).toBe('legacy');
    expect(t.subscriptions.get('own')!.tenantId).toBe('x');
    expect(t.deliveries.size).toBe(0);
  });
});

describe('snapshot writer', () => {
  function fullTables(): MemoryTables {
    const t = new MemoryTables();
    const r = room('r', 1, { content: { ydoc: 'y' } });
    r.threads.set('th', thread('th', 'r', 2));
    r.threads.set('th2', thread('th2', 'r', 3));
    t.tenant('a').rooms.set('r', r);
    t.tenant('a').rooms.set('s', room('s', 4));
    t.tenant('a').users.set('u', user('u', 5));
    t.tenant('a').users.set('v', user('v', 6));
    t.inbox('a', 'u').set('n', notification('n', 'u', 7));
    t.inbox('a', 'u').set('n2', notification('n2', 'u', 8));
    t.inbox('a', 'w').set('m', notification('m', 'w', 9));
    t.tenant('b');
    t.subscriptions.set('wh', subscription('wh'));
    t.subscriptions.set('wh2', subscription('wh2'));
    t.deliveries.set('d', delivery('d'));
    t.deliveries.set('d2', delivery('d2'));
    t.seq = 12;
    return t;
  }

  function expectedJson(t: MemoryTables, journal: number): string {
    const tenants: Record<string, unknown> = {};
    for (const [id, tenant] of t.tenants) {
      tenants[id] = {
        rooms: [...tenant.rooms.values()].map((r) => ({ ...roomFields(r), threads: [...r.threads.values()], ...(r.content === undefined ? {} : { content: r.content }) })),
        users: [...tenant.users.values()],
        notifications: [...tenant.notifications.values()].flatMap((inbox) => [...inbox.values()]),
      };
    }
    return JSON.stringify({ format: 'unicollab-memory', version: 2, journal, tenants, subscriptions: [...t.subscriptions.values()], deliveries: [...t.deliveries.values()], seq: t.seq });
  }

  it('writes the exact version 2 document and returns its length', async () => {
    const t = fullTables();
    const sink = memorySink();
    const chars = await writeSnapshot(t, 7, sink, { chunkChars: 1e9, sliceMs: 1e9 });
    const text = sink.writes.join('');
    expect(text).toBe(expectedJson(t, 7));
    expect(chars).toBe(text.length);
    expect(sink.writes).toHaveLength(1); // nothing reached the chunk size or the time slice
  });

  it('writes an empty state', async () => {
    const sink = memorySink();
    const chars = await writeSnapshot(new MemoryTables(), 0, sink, { chunkChars: 1e9, sliceMs: 1e9 });
    expect(sink.writes.join('')).toBe('{"format":"unicollab-memory","version":2,"journal":0,"tenants":{},"subscriptions":[],"deliveries":[],"seq":0}');
    expect(chars).toBe(sink.writes.join('').length);
  });

  it('writes one chunk per piece when the chunk size is 1, and counts every character', async () => {
    const t = fullTables();
    const sink = memorySink();
    const chars = await writeSnapshot(t, 1, sink, { chunkChars: 1, sliceMs: 1e9 });
    const text = sink.writes.join('');
    expect(text).toBe(expectedJson(t, 1));
    expect(chars).toBe(text.length);
    expect(sink.writes[0]).toBe('{"format":"unicollab-memory","version":2,"journal":1,"tenants":{');
    expect(sink.writes.length).toBeGreaterThan(20);
  });

  it('writes a chunk as soon as it reaches the chunk size exactly', async () => {
    const header = '{"format":"unicollab-memory","version":2,"journal":1,"tenants":{';
    const sink = memorySink();
    await writeSnapshot(fullTables(), 1, sink, { chunkChars: header.length, sliceMs: 1e9 });
    expect(sink.writes[0]).toBe(header);
    const bigger = memorySink();
    await writeSnapshot(fullTables(), 1, bigger, { chunkChars: header.length + 1, sliceMs: 1e9 });
    expect(bigger.writes[0]!.startsWith(`${header}"a":{"rooms":[`)).toBe(true);
  });

  it('writes a chunk once the time slice is used up (sliceMs 0), whatever its size', async () => {
    const t = fullTables();
    const sink = memorySink();
    await writeSnapshot(t, 1, sink, { chunkChars: 1e9, sliceMs: 0 });
    expect(sink.writes[0]).toBe('{"format":"unicollab-memory","version":2,"journal":1,"tenants":{');
    expect(sink.writes.join('')).toBe(expectedJson(t, 1));
  });

  it('ends a slice once exactly sliceMs have passed', async () => {
    const t = fullTables();
    const perPiece = memorySink();
    await writeSnapshot(t, 1, perPiece, { chunkChars: 1, sliceMs: 1e9 });
    // A clock standing still with sliceMs 0: 0 ms have passed, which is the whole slice, so every piece is written at once.
    vi.spyOn(performance, 'now').mockReturnValue(500);
    const still = memorySink();
    await writeSnapshot(t, 1, still, { chunkChars: 1e9, sliceMs: 0 });
    expect(still.writes).toEqual(perPiece.writes);
    // A clock moving exactly 1 ms per reading with sliceMs 1: each piece's reading is 1 ms after the slice started.
    let clock = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => (clock += 1));
    const ticking = memorySink();
    await writeSnapshot(t, 1, ticking, { chunkChars: 1e9, sliceMs: 1 });
    expect(ticking.writes).toEqual(perPiece.writes);
    // Below the slice (1 ms per reading, sliceMs 2) pieces are gathered: every other piece ends a slice.
    clock = 0;
    const gathered = memorySink();
    await writeSnapshot(t, 1, gathered, { chunkChars: 1e9, sliceMs: 2 });
    expect(gathered.writes.join('')).toBe(expectedJson(t, 1));
    expect(gathered.writes.length).toBeLessThan(perPiece.writes.length);
  });

  it('by default gathers up to 64 Ki characters and 2 ms before writing', async () => {
    let clock = 1000;
    vi.spyOn(performance, 'now').mockImplementation(() => clock);
    const small = memorySink();
    await writeSnapshot(fullTables(), 1, small);
    expect(small.writes).toHaveLength(1); // the clock stood still, and the state is far below 64 Ki
    // A clock that moves 1 ms per reading: the second reading after a write is 2 ms on, which ends the slice.
    vi.spyOn(performance, 'now').mockImplementation(() => (clock += 1));
    const ticking = memorySink();
    await writeSnapshot(fullTables(), 1, ticking);
    expect(ticking.writes.length).toBeGreaterThan(1);
    expect(ticking.writes.join('')).toBe(expectedJson(fullTables(), 1));
    // A large state with a still clock: one chunk per 64 Ki characters.
    clock = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => clock);
    const big = new MemoryTables();
    for (let i = 0; i < 300; i++) big.tenant('a').rooms.set(`r${i}`, room(`r${i}`, i + 1, { name: 'n'.repeat(500) }));
    const large = memorySink();
    const chars = await writeSnapshot(big, 1, large);
    expect(large.writes.length).toBe(Math.ceil(chars / (64 * 1024)));
    for (const w of large.writes.slice(0, -1)) expect(w.length).toBeGreaterThanOrEqual(64 * 1024);
    for (const w of large.writes.slice(0, -1)) expect(w.length).toBeLessThan(64 * 1024 + 700);
  });
});

describe('the node file system', () => {
  it('reads a file, or undefined when it is missing; other errors are thrown', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'f'), 'hello');
    expect((await nodeFileSystem.readFile(join(dir, 'f')))!.toString()).toBe('hello');
    expect(await nodeFileSystem.readFile(join(dir, 'missing'))).toBeUndefined();
    await expect(nodeFileSystem.readFile(dir)).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it('lists a directory and creates nested ones', async () => {
    const dir = await tempDir();
    await nodeFileSystem.mkdir(join(dir, 'a', 'b', 'c'));
    await nodeFileSystem.mkdir(join(dir, 'a', 'b', 'c')); // exists already: fine
    expect((await stat(join(dir, 'a', 'b', 'c'))).isDirectory()).toBe(true);
    expect(await nodeFileSystem.readdir(dir)).toEqual(['a']);
  });

  it('appends with openAppend and truncates with openWrite, writing all of a multi-byte string', async () => {
    const dir = await tempDir();
    const path = join(dir, 'j');
    const text = `héllo ${'é'.repeat(40_000)} ✓`;
    const first = await nodeFileSystem.openAppend(path);
    await first.write(text);
    await first.datasync();
    await first.close();
    const second = await nodeFileSystem.openAppend(path);
    await second.write('!');
    await second.sync();
    await second.close();
    expect(await readFile(path, 'utf8')).toBe(`${text}!`);
    const over = await nodeFileSystem.openWrite(path);
    await over.write('new');
    await over.close();
    expect(await readFile(path, 'utf8')).toBe('new');
  });

  it('writes a whole synced file, replacing an old one', async () => {
    const path = join(await tempDir(), 'w');
    await writeFile(path, 'a much longer old content');
    await nodeFileSystem.writeFileSynced(path, 'short');
    expect(await readFile(path, 'utf8')).toBe('short');
    await expect(nodeFileSystem.writeFileSynced(join(path, 'under-a-file'), 'x')).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  it('links a file, false when the target exists, and throws other errors', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a'), 'A');
    await writeFile(join(dir, 'b'), 'B');
    expect(await nodeFileSystem.link(join(dir, 'a'), join(dir, 'c'))).toBe(true);
    expect(await readFile(join(dir, 'c'), 'utf8')).toBe('A');
    expect(await nodeFileSystem.link(join(dir, 'a'), join(dir, 'b'))).toBe(false);
    expect(await readFile(join(dir, 'b'), 'utf8')).toBe('B');
    await expect(nodeFileSystem.link(join(dir, 'missing'), join(dir, 'd'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('renames over a file, unlinks (a missing file is fine, a directory is not), and syncs a directory', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a'), 'A');
    await writeFile(join(dir, 'b'), 'B');
    await nodeFileSystem.rename(join(dir, 'a'), join(dir, 'b'));
    expect(await readdir(dir)).toEqual(['b']);
    expect(await readFile(join(dir, 'b'), 'utf8')).toBe('A');
    await nodeFileSystem.unlink(join(dir, 'b'));
    await nodeFileSystem.unlink(join(dir, 'b'));
    expect(await readdir(dir)).toEqual([]);
    await mkdir(join(dir, 'sub'));
    await expect(nodeFileSystem.unlink(join(dir, 'sub'))).rejects.toHaveProperty('code');
    await nodeFileSystem.syncDir(dir);
    await expect(nodeFileSystem.syncDir(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('the persistPath lock', () => {
  function startTime(pid: number): string {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ')[19]!;
  }

  it('writes the owner into the lock, leaves no aside file, and release deletes it', async () => {
    const dir = await tempDir();
    const persistPath = join(dir, 's.json');
    const lock = await acquirePersistLock(persistPath, nodeFileSystem);
    expect(lock.path).toBe(`${persistPath}.lock`);
    expect(await readdir(dir)).toEqual(['s.json.lock']);
    const owner = JSON.parse(await readFile(lock.path, 'utf8')) as Record<string, unknown>;
    expect(owner).toEqual({ pid: process.pid, host: hostname(), started: startTime(process.pid), token: expect.stringMatching(/^[\w-]{16}$/) });
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
    await lock.release(); // twice: nothing left to do
    const again = await acquirePersistLock(persistPath, nodeFileSystem);
    await again.release();
  });

  it('refuses a second lock of the same path in this process, until released', async () => {
    const persistPath = join(await tempDir(), 's.json');
    const lock = await acquirePersistLock(persistPath, nodeFileSystem);
    const err = await acquirePersistLock(persistPath, nodeFileSystem).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ field: 'persistPath', provider: 'memory', message: `Memory persistPath ${persistPath} is already open in this process (pid ${process.pid}); close the other collab first` });
    await lock.release();
    await (await acquirePersistLock(persistPath, nodeFileSystem)).release();
  });

  it('release leaves a lock file that is not its own (another token, or not a lock)', async () => {
    const persistPath = join(await tempDir(), 's.json');
    const lock = await acquirePersistLock(persistPath, nodeFileSystem);
    const foreign = JSON.stringify({ pid: 1, host: hostname(), token: 'someone-else' });
    await writeFile(lock.path, foreign);
    await lock.release();
    expect(await readFile(lock.path, 'utf8')).toBe(foreign);
    // Released in this process all the same: the path can be locked again (taking the foreign lock over needs a dead owner).
    await writeFile(lock.path, 'garbage');
    const next = await acquirePersistLock(persistPath, nodeFileSystem);
    await writeFile(lock.path, 'garbage');
    await next.release();
    expect(await readFile(lock.path, 'utf8')).toBe('garbage');
  });

  it('takes over locks that are damaged or not valid owners', async () => {
    const persistPath = join(await tempDir(), 's.json');
    const bad = [
      'not json',
      JSON.stringify({ pid: 0, host: hostname(), token: 't' }),
      JSON.stringify({ pid: -5, host: hostname(), token: 't' }),
      JSON.stringify({ pid: '1', host: hostname(), token: 't' }),
      JSON.stringify({ pid: 1, token: 't' }),
      JSON.stringify({ pid: 1, host: hostname() }),
      JSON.stringify({ pid: 1, host: 7, token: 't' }),
      JSON.stringify({ pid: 1, host: hostname(), token: 7 }),
    ];
    for (const text of bad) {
      await writeFile(`${persistPath}.lock`, text);
      const lock = await acquirePersistLock(persistPath, nodeFileSystem);
      expect(JSON.parse(await readFile(lock.path, 'utf8'))).toMatchObject({ pid: process.pid });
      await lock.release();
    }
    expect(await readdir(join(persistPath, '..'))).toEqual([]); // no `.stale-*` file left behind
  });

  it('takes over a lock naming this pid (a previous process with the same pid)', async () => {
    const persistPath = join(await tempDir(), 's.json');
    await writeFile(`${persistPath}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), token: 'before-restart' }));
    const lock = await acquirePersistLock(persistPath, nodeFileSystem);
    expect(JSON.parse(await readFile(lock.path, 'utf8'))).not.toMatchObject({ token: 'before-restart' });
    await lock.release();
  });

  it('tells a live owner from a reused pid by its start time', async () => {
    const persistPath = join(await tempDir(), 's.json');
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      await new Promise((r) => holder.once('spawn', r));
      const pid = holder.pid!;
      await writeFile(`${persistPath}.lock`, JSON.stringify({ pid, host: hostname(), started: startTime(pid), token: 'live' }));
      await expect(acquirePersistLock(persistPath, nodeFileSystem)).rejects.toThrow(`Memory persistPath ${persistPath} is in use by process ${pid}`);
      // A failed acquisition forgets the path, and leaves no aside file.
      expect(await readdir(join(persistPath, '..'))).toEqual(['s.json.lock']);
      await writeFile(`${persistPath}.lock`, JSON.stringify({ pid, host: hostname(), started: 'not-its-start-time', token: 'reused' }));
      const lock = await acquirePersistLock(persistPath, nodeFileSystem);
      expect(JSON.parse(await readFile(lock.path, 'utf8'))).toMatchObject({ pid: process.pid });
      await lock.release();
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('says where the owner of a lock from another host is and what to do', async () => {
    const persistPath = join(await tempDir(), 's.json');
    await writeFile(`${persistPath}.lock`, JSON.stringify({ pid: process.pid, host: 'elsewhere.example', token: 't' }));
    const err = await acquirePersistLock(persistPath, nodeFileSystem).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe(
      `Memory persistPath ${persistPath} is in use by process ${process.pid} on host elsewhere.example (its liveness cannot be checked from here; delete ${persistPath}.lock if it is gone)`,
    );
    expect(err).toMatchObject({ field: 'persistPath', provider: 'memory' });
  });

  it('gives up after five rounds of racing', async () => {
    const persistPath = join(await tempDir(), 's.json');
    let links = 0;
    const fs: PersistenceFileSystem = { ...nodeFileSystem, link: async () => (links++, false), readFile: async () => undefined };
    const err = await acquirePersistLock(persistPath, fs).catch((e: unknown) => e);
    expect(links).toBe(5);
    expect(err).toMatchObject({ field: 'persistPath', provider: 'memory' });
    expect((err as Error).message).toBe(`Memory persistPath ${persistPath}: could not take the lock ${persistPath}.lock (other processes keep racing for it)`);
    expect(await readdir(join(persistPath, '..'))).toEqual([]);
  });

  it('wraps a file system failure in a ConfigError with its cause, and forgets the path', async () => {
    const persistPath = join(await tempDir(), 's.json');
    const cause = new Error('disk full');
    let aside = '';
    const fs: PersistenceFileSystem = {
      ...nodeFileSystem,
      writeFileSynced: async (path) => {
        aside = path;
        throw cause;
      },
    };
    const err = await acquirePersistLock(persistPath, fs).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ field: 'persistPath', provider: 'memory', cause, message: `Memory persistPath ${persistPath}: cannot create the lock ${persistPath}.lock: disk full` });
    expect(aside).toMatch(new RegExp(`^${persistPath.replace(/[.]/g, '\\.')}\\.lock\\.[\\w-]{16}$`));
    await (await acquirePersistLock(persistPath, nodeFileSystem)).release();
  });

  it('on a stale lock: retries when another process took it over first, rethrows other rename errors', async () => {
    const persistPath = join(await tempDir(), 's.json');
    const lockPath = `${persistPath}.lock`;
    await writeFile(lockPath, 'stale');
    let renames = 0;
    const racing: PersistenceFileSystem = {
      ...nodeFileSystem,
      async rename(from, to) {
        renames += 1;
        // Someone else removes the stale lock first.
        await nodeFileSystem.unlink(from);
        const err = new Error('gone') as NodeJS.ErrnoException;
        err.code = 'ENOENT';
        throw Object.assign(err, { to });
      },
    };
    const lock = await acquirePersistLock(persistPath, racing);
    expect(renames).toBe(1);
    expect(JSON.parse(await readFile(lockPath, 'utf8'))).toMatchObject({ pid: process.pid });
    await lock.release();

    await writeFile(lockPath, 'stale');
    const failing: PersistenceFileSystem = {
      ...nodeFileSystem,
      async rename() {
        const err = new Error('read-only') as NodeJS.ErrnoException;
        err.code = 'EROFS';
        throw err;
      },
    };
    const err = await acquirePersistLock(persistPath, failing).catch((e: unknown) => e);
    expect(err).toMatchObject({ message: `Memory persistPath ${persistPath}: cannot create the lock ${lockPath}: read-only` });
  });

  it('puts back a live lock that a racer wrote between reading and renaming the stale one', async () => {
    const persistPath = join(await tempDir(), 's.json');
    const lockPath = `${persistPath}.lock`;
    await writeFile(lockPath, 'stale');
    const live = JSON.stringify({ pid: 4242, host: 'racer.example', token: 'r' });
    let swapped = false;
    const fs: PersistenceFileSystem = {
      ...nodeFileSystem,
      async rename(from, to) {
        if (!swapped && from === lockPath) {
          swapped = true;
          await writeFile(lockPath, live); // the racer replaced the stale lock just before our rename
        }
        await nodeFileSystem.rename(from, to);
      },
    };
    const err = await acquirePersistLock(persistPath, fs).catch((e: unknown) => e);
    // The racer's lock is back in place, so the next round finds it and refuses.
    expect((err as Error).message).toContain('is in use by process 4242 on host racer.example');
    expect(await readFile(lockPath, 'utf8')).toBe(live);
    expect((await readdir(join(persistPath, '..'))).sort()).toEqual(['s.json.lock']);
  });
});

describe('Persistence: opening', () => {
  const opened: Persistence[] = [];
  afterEach(async () => {
    for (const p of opened.splice(0)) await p.close().catch(() => undefined);
  });
  async function openAt(path: string, options: Partial<Parameters<typeof Persistence.open>[1]> = {}, tables = new MemoryTables()): Promise<Persistence> {
    const p = await Persistence.open(tables, { path, legacyTenantId: 'default', ...options });
    opened.push(p);
    return p;
  }
  const v2 = (journal: number, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ format: 'unicollab-memory', version: 2, journal, seq: 0, tenants: {}, subscriptions: [], deliveries: [], ...extra });
  const roomLine = (id: string, seq: number, tenant = 'default') => encodeBatch([{ k: 'room', t: tenant, id, v: { id, seq, metadata: {}, createdAt: at } }]);
  const errno = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

  it('starts a first run with a snapshot and journal generation 1', async () => {
    const dir = await tempDir();
    const p = await openAt(join(dir, 'state.json'));
    expect(p.status).toEqual({ generation: 1, journalBytes: 0, degraded: false, snapshots: 1, compacting: false });
    expect((await readdir(dir)).sort()).toEqual(['state.json', 'state.json.journal-1', 'state.json.lock']);
    expect(JSON.parse(await readFile(join(dir, 'state.json'), 'utf8'))).toMatchObject({ version: 2, journal: 1 });
    await p.compact();
    expect(p.status).toMatchObject({ generation: 2, snapshots: 2 });
  });

  it('resolves a relative path', async () => {
    const err = await Persistence.open(new MemoryTables(), {
      path: 'rel/state.json',
      legacyTenantId: 'default',
      fileSystem: { ...nodeFileSystem, mkdir: async () => Promise.reject(errno('no way', 'EACCES')) },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ field: 'persistPath', provider: 'memory', message: `Cannot create the directory of memory persistPath ${join(process.cwd(), 'rel/state.json')}: EACCES: no way` });
    expect((err as { cause?: unknown }).cause).toMatchObject({ message: 'no way' });
  });

  it('keeps appending to the generation a clean snapshot names, after the highest one on disk', async () => {
    const dir = await tempDir();
    const path = join(dir, 'state.json');
    await writeFile(path, v2(3, { seq: 5 }));
    await writeFile(`${path}.journal-1`, roomLine('covered', 1)); // older than the snapshot: dropped, not replayed
    await writeFile(`${path}.journal-3`, '');
    await writeFile(`${path}.journal-7`, '\n');
    const tables = new MemoryTables();
    const p = await openAt(path, {}, tables);
    expect(p.status).toEqual({ generation: 3, journalBytes: 0, degraded: false, snapshots: 0, compacting: false });
    expect(tables.tenants.size).toBe(0);
    expect(tables.seq).toBe(5);
    expect((await readdir(dir)).sort()).toEqual(['state.json', 'state.json.journal-3', 'state.json.journal-7', 'state.json.lock']);
    await p.commit(); // nothing to write: the loaded sequence counts as journaled
    expect(await readFile(`${path}.journal-3`, 'utf8')).toBe('');
    await p.compact();
    expect(p.status.generation).toBe(8);
    expect((await readdir(dir)).sort()).toEqual(['state.json', 'state.json.journal-8', 'state.json.lock']);
  });

  it('replays journals in numeric generation order, then folds them into a fresh snapshot', async () => {
    const dir = await tempDir();
    const path = join(dir, 'state.json');
    await writeFile(path, v2(2));
    await writeFile(`${path}.journal-2`, roomLine('a', 1));
    await writeFile(`${path}.journal-9`, roomLine('b', 2));
    await writeFile(`${path}.journal-10`, encodeBatch([{ k: 'room', t: 'default', id: 'b', v: null }]));
    await writeFile(`${path}.journal-x1`, 'not a journal');
    await writeFile(`${path}.journal-`, 'not a journal');
    await writeFile(join(dir, 'other.json.journal-1'), 'not ours');
    const tables = new MemoryTables();
    const p = await openAt(path, {}, tables);
    expect([...tables.tenant('default').rooms.keys()]).toEqual(['a']);
    expect(tables.seq).toBe(2);
    expect(p.status).toEqual({ generation: 11, journalBytes: 0, degraded: false, snapshots: 1, compacting: false });
    expect((await readdir(dir)).sort()).toEqual(['other.json.journal-1', 'state.json', 'state.json.journal-', 'state.json.journal-11', 'state.json.journal-x1', 'state.json.lock']);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ journal: 11, seq: 2 });
    await p.compact();
    expect(p.status.generation).toBe(12);
  });

  it('folds a journal holding only a torn line into a fresh snapshot', async () => {
    const dir = await tempDir();
    const path = join(dir, 'state.json');
    await writeFile(path, v2(1));
    await writeFile(`${path}.journal-1`, '{"r":[{"k":');
    const p = await openAt(path);
    expect(p.status).toMatchObject({ generation: 2, snapshots: 1 });
    expect((await readdir(dir)).sort()).toEqual(['state.json', 'state.json.journal-2', 'state.json.lock']);
  });

  it('starts a fresh snapshot over a version 1 file', async () => {
    const dir = await tempDir();
    const path = join(dir, 'state.json');
    await writeFile(path, JSON.stringify({ format: 'unicollab-memory', version: 1, seq: 0, tenants: {}, subscriptions: [] }));
    const p = await openAt(path);
    expect(p.status).toMatchObject({ generation: 1, snapshots: 1 });
  });

  it('treats a journal that vanished while loading as empty', async () => {
    const dir = await tempDir();
    const path = join(dir, 'state.json');
    await writeFile(path, v2(1));
    await writeFile(`${path}.journal-1`, 'garbage that is never read');
    const fs: PersistenceFileSystem = { ...nodeFileSystem, readFile: async (file) => (file.includes('.journal-') ? undefined : nodeFileSystem.readFile(file)) };
    const p = await openAt(path, { fileSystem: fs });
    expect(p.status).toMatchObject({ generation: 1, snapshots: 0 });
  });

  it('removes leftover snapshot temp files and aside lock files, and nothing else', async () => {
    const dir = await tempDir();
    const path = join(dir, 'state.json');
    for (const name of ['state.json.tmp-1-abc', 'state.json.lock.token', 'state.json.lock.stale-x', 'state.jsontmp-1', 'other.tmp-1', 'state.json.notes']) await writeFile(join(dir, name), 'x');
    await openAt(path);
    expect((await readdir(dir)).sort()).toEqual(['other.tmp-1', 'state.json', 'state.json.journal-1', 'state.json.lock', 'state.json.notes', 'state.jsontmp-1']);
  });

  it('refuses an unreadable file, invalid JSON and a foreign document, releasing the lock', async () => {
    const dir = await tempDir();
    const path = join(dir, 'state.json');
    const unreadable = await Persistence.open(new MemoryTables(), {
      path,
      legacyTenantId: 'default',
      fileSystem: { ...nodeFileSystem, readFile: async (f) => (f === path ? Promise.reject(errno('bad sector', 'EIO')) : nodeFileSystem.readFile(f)) },
    }).catch((e: unknown) => e);
    expect(unreadable).toBeInstanceOf(ConfigError);
    expect(unreadable).toMatchObject({ field: 'persistPath', provider: 'memory', message: `Cannot read memory persistPath ${path}: EIO: bad sector`, cause: { message: 'bad sector' } });
    expect(await readdir(dir)).toEqual([]);

    await writeFile(path, '{ nope');
    const invalid = await Persistence.open(new MemoryTables(), { path, legacyTenantId: 'default' }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ConfigError);
    expect(invalid).toMatchObject({ field: 'persistPath', provider: 'memory', message: `Memory persistPath ${path} is not valid JSON` });
    expect((invalid as { cause?: unknown }).cause).toMatchObject({ name: 'SyntaxError' });

    await writeFile(path, JSON.stringify({ format: 'unicollab-memory', version: 2, journal: 'x', seq: 0, tenants: {}, subscriptions: [], deliveries: [] }));
    const foreign = await Persistence.open(new MemoryTables(), { path, legacyTenantId: 'default' }).catch((e: unknown) => e);
    expect(foreign).toBeInstanceOf(ConfigError);
    expect((foreign as Error).message).toMatch(new RegExp(`^Memory persistPath ${path.replace(/[.]/g, '\\.')} is not a unicollab memory state file \\(at journal: .+\\)$`));
    expect(foreign).toMatchObject({ field: 'persistPath', provider: 'memory' });

    await writeFile(path, '[1]');
    const root = await Persistence.open(new MemoryTables(), { path, legacyTenantId: 'default' }).catch((e: unknown) => e);
    expect((root as Error).message).toMatch(/is not a unicollab memory state file \(at (root|version): .+\)$/);
    expect((await readdir(dir)).sort()).toEqual(['state.json']);
  });

  it('wraps any other load failure, closing the journal it opened and releasing the lock', async () => {
    const dir = await tempDir();
    const path = join(dir, 'state.json');
    await writeFile(path, v2(1));
    await writeFile(`${path}.journal-1`, roomLine('a', 1));
    let closed = 0;
    const fs: PersistenceFileSystem = {
      ...nodeFileSystem,
      openAppend: async (file) => {
        const sink = await nodeFileSystem.openAppend(file);
        return { ...sink, close: async () => (closed++, sink.close()) };
      },
      unlink: async (file) => (file.endsWith('.journal-1') ? Promise.reject(errno('held open', 'EBUSY')) : nodeFileSystem.unlink(file)),
    };
    const err = await Persistence.open(new MemoryTables(), { path, legacyTenantId: 'default', fileSystem: fs }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ field: 'persistPath', provider: 'memory', message: `Cannot open memory persistPath ${path}: EBUSY: held open`, cause: { code: 'EBUSY' } });
    expect(closed).toBe(1);
    expect((await readdir(dir)).includes('state.json.lock')).toBe(false);
    // Without an errno code the message alone, and a thrown non-error as text.
    for (const [thrown, text] of [
      [new Error('plain'), 'plain'],
      ['just text', 'just text'],
    ] as const) {
      const fs2: PersistenceFileSystem = { ...nodeFileSystem, readdir: async () => Promise.reject(thrown) };
      const e = await Persistence.open(new MemoryTables(), { path, legacyTenantId: 'default', fileSystem: fs2 }).catch((x: unknown) => x);
      expect((e as Error).message).toBe(`Cannot open memory persistPath ${path}: ${text}`);
    }
  });

  it('counts journal bytes (not characters) and resets them with a compaction', async () => {
    const dir = await tempDir();
    const path = join(dir, 'state.json');
    const tables = new MemoryTables();
    const p = await openAt(path, {}, tables);
    tables.tenant('default').rooms.set('é', room('é', 1, { name: 'ü'.repeat(10) }));
    p.markDirty({ kind: 'room', tenantId: 'default', roomId: 'é' });
    tables.seq = 1;
    await p.commit();
    const bytes = (await readFile(`${path}.journal-1`)).length;
    expect(p.status.journalBytes).toBe(bytes);
    expect(bytes).toBeGreaterThan((await readFile(`${path}.journal-1`, 'utf8')).length);
    await p.compact();
    expect(p.status).toEqual({ generation: 2, journalBytes: 0, degraded: false, snapshots: 2, compacting: false });
  });
});

describe('Persistence: writes, failures and close', () => {
  const opened: Persistence[] = [];
  afterEach(async () => {
    for (const p of opened.splice(0)) await p.close().catch(() => undefined);
  });
  async function setup(options: Partial<Parameters<typeof Persistence.open>[1]> = {}) {
    const dir = await tempDir();
    const path = join(dir, 'state.json');
    const tables = new MemoryTables();
    const p = await Persistence.open(tables, { path, legacyTenantId: 'default', ...options });
    opened.push(p);
    let n = 0;
    const write = (tenant = 'default'): Promise<void> => {
      n += 1;
      tables.seq += 1;
      tables.tenant(tenant).rooms.set(`r${n}`, room(`r${n}`, tables.seq));
      p.markDirty({ kind: 'room', tenantId: tenant, roomId: `r${n}` });
      return p.commit();
    };
    return { dir, path, tables, p, write };
  }
  const tick = () => new Promise<void>((r) => setImmediate(r));

  it('commit() with nothing new resolves at once, or with the batch being written', async () => {
    const { fs, faults, calls } = faultyFileSystem();
    const { p, write } = await setup({ fileSystem: fs });
    await expect(p.commit()).resolves.toBeUndefined();
    let release!: () => void;
    faults.gate = new Promise<void>((r) => (release = r));
    const first = write();
    await until(() => calls.datasync === 1);
    let joined = false;
    const again = p.commit().then(() => (joined = true));
    await tick();
    expect(joined).toBe(false); // waits for the batch in flight
    release();
    await first;
    await again;
    expect(joined).toBe(true);
  });

  it('writes a change made while a batch is in flight as the next batch', async () => {
    const { fs, faults, calls } = faultyFileSystem();
    const { p, path, write } = await setup({ fileSystem: fs });
    let release!: () => void;
    faults.gate = new Promise<void>((r) => (release = r));
    const first = write();
    await until(() => calls.datasync === 1);
    const second = write();
    await tick();
    await tick();
    expect(calls.datasync).toBe(1);
    release();
    await Promise.all([first, second]);
    expect(calls.datasync).toBe(2);
    const lines = (await readFile(`${path}.journal-1`, 'utf8')).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { r: Array<{ k: string; id?: string }> }).r.map((r) => r.id ?? r.k))).toEqual([
      ['seq', 'r1'],
      ['seq', 'r2'],
    ]);
    expect(p.status.journalBytes).toBe((await readFile(`${path}.journal-1`)).length);
  });

  it('rejects a change that cannot be encoded, without poisoning the journal', async () => {
    const { p, tables, path, write } = await setup();
    tables.tenant('default').rooms.set('big', room('big', 1, { metadata: { n: 1n as unknown as number } }));
    p.markDirty({ kind: 'room', tenantId: 'default', roomId: 'big' });
    const err = await p.commit().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect(err).toMatchObject({ provider: 'memory' });
    expect((err as Error).message).toMatch(
      new RegExp(`^The change is applied in memory but not yet durable: encoding the change in ${path.replace(/[.]/g, '\\.')} failed \\(.*BigInt.*\\); the store retries in the background, and later writes succeed once the disk works again$`),
    );
    expect(p.status.degraded).toBe(false);
    tables.tenant('default').rooms.delete('big');
    p.markDirty({ kind: 'room', tenantId: 'default', roomId: 'big' });
    await write();
    expect(p.status.degraded).toBe(false);
  });

  it('reports a failed append and the recovery to the logger, with the path and the error', async () => {
    const { fs, faults } = faultyFileSystem();
    const warn = vi.fn();
    const { p, path, write } = await setup({ fileSystem: fs, logger: { warn }, retryBaseMs: 1 });
    faults.datasync = 1;
    const err = await write().catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      `The change is applied in memory but not yet durable: appending to the journal in ${path} failed (EIO: injected fdatasync failure); the store retries in the background, and later writes succeed once the disk works again`,
    );
    expect(warn).toHaveBeenNthCalledWith(1, `Memory store: appending to the journal of ${path} failed (EIO: injected fdatasync failure); recovering by writing a full snapshot`, {
      provider: 'memory',
      path,
      error: 'EIO: injected fdatasync failure',
    });
    // "works again" is reported after the old journals are deleted, a few turns after `degraded` clears.
    await until(() => warn.mock.calls.some(([m]) => String(m).endsWith('works again')));
    expect(p.status.degraded).toBe(false);
    expect(warn).toHaveBeenLastCalledWith(`Memory store: saving to ${path} works again`, { provider: 'memory', path });
    expect(p.status).toMatchObject({ generation: 2, snapshots: 2, journalBytes: 0 });
  });

  it('a failing or partial logger does not turn a reported failure into a thrown one', async () => {
    for (const logger of [{ warn: () => { throw new Error('logger down'); } }, {}]) {
      const { fs, faults } = faultyFileSystem();
      const { p, write } = await setup({ fileSystem: fs, logger, retryBaseMs: 1 });
      faults.datasync = 1;
      await expect(write()).rejects.toBeInstanceOf(ProviderUnavailableError);
      await until(() => !p.status.degraded);
      await write();
    }
  });

  it('while the last recovery just failed, rejects a write at once; after the retry delay, a write starts a recovery', async () => {
    const { fs, faults } = faultyFileSystem();
    const warn = vi.fn();
    const { p, path, write } = await setup({ fileSystem: fs, logger: { warn }, retryBaseMs: 60_000, retryMaxMs: 60_000 });
    faults.datasync = 1;
    faults.openWrite = 1;
    await expect(write()).rejects.toBeInstanceOf(ProviderUnavailableError);
    // The first write after the failure starts a recovery at once (no recovery has ended yet), which fails.
    const during = await write().catch((e: unknown) => e);
    expect((during as Error).message).toContain(`writing a recovery snapshot in ${path} failed (EIO: injected open failure)`);
    expect(warn.mock.calls.map(([m]) => String(m))).toContain(`Memory store: recovery of ${path} failed (EIO: injected open failure); retrying in 60000 ms`);
    const fast = await write().catch((e: unknown) => e);
    expect((fast as Error).message).toContain('saving (the last save failed and is being retried) in');
    expect((fast as Error).message).toContain('(EIO: injected fdatasync failure)');
    expect(p.status.degraded).toBe(true);
    // An explicit compaction recovers.
    await p.compact();
    expect(p.status.degraded).toBe(false);
    await write();
  });

  it('a recovery whose new journal cannot be synced still acknowledges the write (the snapshot holds it) but stays degraded', async () => {
    const { fs, faults } = faultyFileSystem();
    let failSyncDirAt = -1;
    let syncDirs = 0;
    const opens: string[] = [];
    const closes: string[] = [];
    const wrapped: PersistenceFileSystem = {
      ...fs,
      async openAppend(file) {
        opens.push(file);
        const sink = await fs.openAppend(file);
        return { ...sink, close: async () => (closes.push(file), sink.close()) };
      },
      async syncDir(dir) {
        syncDirs += 1;
        if (syncDirs === failSyncDirAt) throw Object.assign(new Error('dir sync failed'), { code: 'EIO' });
        await fs.syncDir(dir);
      },
    };
    const { p, path, write } = await setup({ fileSystem: wrapped, retryBaseMs: 60_000 });
    faults.datasync = 1;
    await expect(write()).rejects.toBeInstanceOf(ProviderUnavailableError);
    // The recovery: the snapshot's directory sync (ok), then the new journal's (fails).
    failSyncDirAt = syncDirs + 2;
    await write();
    expect(p.status.degraded).toBe(true);
    expect(p.status.snapshots).toBe(2);
    const newJournal = `${path}.journal-2`;
    expect(opens).toContain(newJournal);
    expect(closes).toContain(newJournal); // the journal that could not be synced was closed again
    expect(p.status.generation).toBe(1);
  });

  it('compact() while one runs returns the same run', async () => {
    const { p } = await setup();
    const a = p.compact();
    expect(p.status.compacting).toBe(true);
    expect(p.compact()).toBe(a);
    await a;
    expect(p.status.compacting).toBe(false);
  });

  it('a failed compaction leaves the journal counted and the temp file removed', async () => {
    const { fs, faults } = faultyFileSystem();
    const { p, dir, write } = await setup({ fileSystem: fs, compactAfterBytes: 1e9 });
    await write();
    const bytes = p.status.journalBytes;
    expect(bytes).toBeGreaterThan(0);
    faults.rename = 1;
    await expect(p.compact()).rejects.toMatchObject({ code: 'EIO' });
    expect(p.status.journalBytes).toBe(bytes);
    expect((await readdir(dir)).filter((n) => n.includes('.tmp-'))).toEqual([]);
    faults.write = 1; // the snapshot's own write fails this time
    await expect(p.compact()).rejects.toMatchObject({ code: 'EIO' });
    expect((await readdir(dir)).filter((n) => n.includes('.tmp-'))).toEqual([]);
    await p.compact();
    expect(p.status.journalBytes).toBe(0);
    expect((await readdir(dir)).filter((n) => n.includes('.journal-'))).toEqual([`state.json.journal-${p.status.generation}`]);
  });

  it('compacts on its own only past both the threshold and the last snapshot size', async () => {
    const { fs, calls } = faultyFileSystem();
    const dir = await tempDir();
    const path = join(dir, 'state.json');
    // A large snapshot (about 20 000 characters) and a threshold of 1 byte.
    const rooms = Array.from({ length: 100 }, (_, i) => ({ id: `big${i}`, seq: i + 1, metadata: { pad: 'x'.repeat(150) }, createdAt: at, threads: [] }));
    await writeFile(path, JSON.stringify({ format: 'unicollab-memory', version: 1, seq: 100, tenants: { default: { rooms, users: [], notifications: [] } }, subscriptions: [] }));
    const tables = new MemoryTables();
    const p = await Persistence.open(tables, { path, legacyTenantId: 'default', fileSystem: fs, compactAfterBytes: 1 });
    opened.push(p);
    const snapshots = calls.snapshots;
    tables.seq += 1;
    p.markDirty({ kind: 'room', tenantId: 'default', roomId: 'big0' });
    await p.commit();
    await tick();
    expect(calls.snapshots).toBe(snapshots); // a 100-byte journal is far below the 20 000-character snapshot
    expect(p.status.compacting).toBe(false);
  });

  it('after a failed automatic compaction, waits retryMaxMs before trying again', async () => {
    const { fs, faults, calls } = faultyFileSystem();
    const warn = vi.fn();
    const { p, path, write } = await setup({ fileSystem: fs, compactAfterBytes: 1, retryMaxMs: 60_000, logger: { warn } });
    faults.openWrite = 1;
    const before = calls.snapshots;
    await write();
    await until(() => warn.mock.calls.length > 0 && !p.status.compacting);
    expect(warn).toHaveBeenCalledWith(`Memory store: compacting ${path} failed (EIO: injected open failure); the journal is kept and compaction is retried later`, {
      provider: 'memory',
      path,
      error: 'EIO: injected open failure',
    });
    for (let i = 0; i < 3; i++) await write();
    await tick();
    expect(calls.snapshots).toBe(before); // the failed attempt did not count (its open failed), and none followed
    expect(p.status.compacting).toBe(false);
  });

  it('close() is idempotent, compacts what the journal holds, and releases the lock', async () => {
    const { fs, calls } = faultyFileSystem();
    const { p, dir, write } = await setup({ fileSystem: fs, compactAfterBytes: 1e9 });
    await write();
    const closing = p.close();
    expect(p.close()).toBe(closing);
    await closing;
    expect(calls.snapshots).toBe(2);
    expect((await readdir(dir)).sort()).toEqual(['state.json', 'state.json.journal-2']);
    await expect(p.commit()).rejects.toMatchObject({ message: 'The memory store is closed; this change was applied in memory but will not be saved', retryable: false });
  });

  it('close() without journaled changes writes no snapshot', async () => {
    const { fs, calls } = faultyFileSystem();
    const { p, dir } = await setup({ fileSystem: fs });
    await p.close();
    expect(calls.snapshots).toBe(1);
    expect((await readdir(dir)).sort()).toEqual(['state.json', 'state.json.journal-1']);
  });

  it('close() saves a pending change first', async () => {
    const { p, tables, path } = await setup();
    tables.seq += 1;
    tables.tenant('default').rooms.set('late', room('late', tables.seq));
    p.markDirty({ kind: 'room', tenantId: 'default', roomId: 'late' });
    const commit = p.commit();
    await p.close();
    await commit;
    const restored = new MemoryTables();
    const again = await Persistence.open(restored, { path, legacyTenantId: 'default' });
    opened.push(again);
    expect([...restored.tenant('default').rooms.keys()]).toEqual(['late']);
  });

  it('close() recovers a degraded store, and reports a state it could not save', async () => {
    const { fs, faults } = faultyFileSystem();
    const { p, path, write } = await setup({ fileSystem: fs, retryBaseMs: 60_000 });
    faults.datasync = 1;
    await expect(write()).rejects.toBeInstanceOf(ProviderUnavailableError);
    await p.close(); // its recovery works
    const restored = new MemoryTables();
    opened.push(await Persistence.open(restored, { path, legacyTenantId: 'default' }));
    expect([...restored.tenant('default').rooms.keys()]).toEqual(['r1']);

    const bad = faultyFileSystem();
    const second = await setup({ fileSystem: bad.fs, retryBaseMs: 60_000 });
    bad.faults.datasync = 1;
    bad.faults.openWrite = 1000;
    await expect(second.write()).rejects.toBeInstanceOf(ProviderUnavailableError);
    const err = await second.p.close().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect(err).toMatchObject({ provider: 'memory', message: `The memory store could not save its state to ${second.path} at close: EIO: injected fdatasync failure` });
    expect((err as { cause?: unknown }).cause).toMatchObject({ message: 'injected fdatasync failure' });
    expect((await readdir(second.dir)).includes('state.json.lock')).toBe(false);
  });
});

describe('Persistence: edges of loading, batching, compaction and retries', () => {
  const opened: Persistence[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    for (const p of opened.splice(0)) await p.close().catch(() => undefined);
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  async function freshPath(): Promise<{ dir: string; path: string }> {
    const dir = await tempDir();
    dirs.push(dir);
    return { dir, path: join(dir, 'state.json') };
  }
  async function setup(options: Partial<Parameters<typeof Persistence.open>[1]> = {}) {
    const { dir, path } = await freshPath();
    const tables = new MemoryTables();
    const p = await Persistence.open(tables, { path, legacyTenantId: 'default', ...options });
    opened.push(p);
    const write = (extra: Partial<StoredRoom> = {}): Promise<void> => {
      tables.seq += 1;
      const id = `r${tables.seq}`;
      tables.tenant('default').rooms.set(id, room(id, tables.seq, extra));
      p.markDirty({ kind: 'room', tenantId: 'default', roomId: id });
      return p.commit();
    };
    return { dir, path, tables, p, write };
  }
  const v2 = (journal: number, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ format: 'unicollab-memory', version: 2, journal, seq: 0, tenants: {}, subscriptions: [], deliveries: [], ...extra });

  it('describes a thrown null or undefined as text', async () => {
    const { path } = await freshPath();
    for (const [thrown, text] of [
      [null, 'null'],
      [undefined, 'undefined'],
    ] as const) {
      const fs: PersistenceFileSystem = { ...nodeFileSystem, readdir: async () => Promise.reject(thrown) };
      const err = await Persistence.open(new MemoryTables(), { path, legacyTenantId: 'default', fileSystem: fs }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toBe(`Cannot open memory persistPath ${path}: ${text}`);
    }
  });

  it('ignores a journal-like file whose generation is not all digits', async () => {
    const { dir, path } = await freshPath();
    await writeFile(path, v2(1));
    await writeFile(`${path}.journal-4.bak`, 'not a journal');
    const p = await Persistence.open(new MemoryTables(), { path, legacyTenantId: 'default' });
    opened.push(p);
    expect(p.status).toEqual({ generation: 1, journalBytes: 0, degraded: false, snapshots: 0, compacting: false });
    expect((await readdir(dir)).sort()).toEqual(['state.json', 'state.json.journal-1', 'state.json.journal-4.bak', 'state.json.lock']);
    expect(await readFile(`${path}.journal-4.bak`, 'utf8')).toBe('not a journal');
  });

  it('names a nested schema error by its dotted path', async () => {
    const { path } = await freshPath();
    await writeFile(path, v2(1, { tenants: { a: { rooms: [{ id: 5 }], users: [], notifications: [] } } }));
    const err = await Persistence.open(new MemoryTables(), { path, legacyTenantId: 'default' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(new RegExp(`^Memory persistPath ${path.replace(/[.]/g, '\\.')} is not a unicollab memory state file \\(at tenants\\.a\\.rooms\\.0\\.\\w+: .+\\)$`));
  });

  it('journals a sequence change on its own (no entity marked dirty)', async () => {
    const { p, tables, path } = await setup();
    tables.seq = 5;
    await p.commit();
    expect(await readFile(`${path}.journal-1`, 'utf8')).toBe(encodeBatch([{ k: 'seq', v: 5 }]));
    expect(p.status.journalBytes).toBe(Buffer.byteLength(encodeBatch([{ k: 'seq', v: 5 }])));
  });

  it('does not compact a journal exactly at the threshold, and does once past it', async () => {
    const name = 'n'.repeat(400); // the line outgrows the snapshot of an empty state (about 110 characters)
    const line = encodeBatch([
      { k: 'seq', v: 1 },
      { k: 'room', t: 'default', id: 'r1', v: roomFields(room('r1', 1, { name })) },
    ]);
    const bytes = Buffer.byteLength(line);
    const { p, path, write } = await setup({ compactAfterBytes: bytes });
    await write({ name });
    await new Promise<void>((r) => setImmediate(r)); // past the append's own bookkeeping, where a compaction would start
    expect(await readFile(`${path}.journal-1`, 'utf8')).toBe(line);
    expect(p.status).toEqual({ generation: 1, journalBytes: bytes, degraded: false, snapshots: 1, compacting: false });
    await write({ name });
    await until(() => p.status.snapshots === 2 && !p.status.compacting); // started by the append that went past the threshold
    expect(p.status).toMatchObject({ generation: 2, journalBytes: 0 });
  });

  it('starts no second batch while one is in flight: a commit() then waits for the next batch', async () => {
    const releases: Array<() => void> = [];
    const gates: Array<Promise<void>> = [];
    for (let i = 0; i < 2; i++) gates.push(new Promise<void>((r) => releases.push(r)));
    let datasyncs = 0;
    const fileSystem: PersistenceFileSystem = {
      ...nodeFileSystem,
      async openAppend(file) {
        const sink = await nodeFileSystem.openAppend(file);
        return {
          ...sink,
          async datasync() {
            datasyncs += 1;
            await gates.shift();
            await sink.datasync();
          },
        };
      },
    };
    const { p, path, write } = await setup({ fileSystem });
    const first = write();
    await until(() => datasyncs === 1);
    const second = write();
    await new Promise<void>((r) => setImmediate(r));
    await new Promise<void>((r) => setImmediate(r));
    releases[0]!();
    await first;
    await until(() => datasyncs === 2); // the second batch, started once the first one ended, is being synced
    let joined = false;
    const again = p.commit().then(() => (joined = true));
    await new Promise<void>((r) => setImmediate(r));
    expect(joined).toBe(false);
    releases[1]!();
    await Promise.all([second, again]);
    expect(joined).toBe(true);
    const lines = (await readFile(`${path}.journal-1`, 'utf8')).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { r: Array<{ k: string; id?: string }> }).r.map((r) => r.id ?? r.k))).toEqual([
      ['seq', 'r1'],
      ['seq', 'r2'],
    ]);
  });

  it('a failed recovery rejects with the disk error, even with a change made meanwhile and nobody waiting for it', async () => {
    const { fs, faults } = faultyFileSystem();
    const { p, tables, write } = await setup({ fileSystem: fs, retryBaseMs: 60_000, retryMaxMs: 60_000 });
    faults.datasync = 1;
    await expect(write()).rejects.toBeInstanceOf(ProviderUnavailableError);
    faults.openWrite = 1;
    const recovery = p.compact();
    tables.seq += 1; // a change during the recovery, not committed by anyone
    tables.tenant('default').rooms.set('bg', room('bg', tables.seq));
    p.markDirty({ kind: 'room', tenantId: 'default', roomId: 'bg' });
    await expect(recovery).rejects.toMatchObject({ code: 'EIO', message: 'injected open failure' });
    expect(p.status.degraded).toBe(true);
    await p.compact(); // saves it
    expect(p.status.degraded).toBe(false);
  });

  it('a write made during a recovery waits for it, even right after a failed one', async () => {
    const { fs, faults } = faultyFileSystem();
    const { p, write } = await setup({ fileSystem: fs, retryBaseMs: 60_000, retryMaxMs: 60_000 });
    faults.datasync = 1;
    await expect(write()).rejects.toBeInstanceOf(ProviderUnavailableError);
    faults.openWrite = 1;
    await expect(p.compact()).rejects.toMatchObject({ code: 'EIO' }); // the last recovery just failed
    const recovery = p.compact(); // this one works
    const during = write();
    await new Promise<void>((r) => setImmediate(r)); // the write's drain ran while the recovery is under way
    expect(p.status).toMatchObject({ degraded: true, compacting: true });
    await recovery;
    await expect(during).resolves.toBeUndefined();
    expect(p.status).toMatchObject({ degraded: false, snapshots: 2 });
    expect(p.status.journalBytes).toBeGreaterThan(0); // the write went to the new journal
  });

  it('close() waits for a compaction under way (even of an empty journal) before releasing', async () => {
    const { p, dir } = await setup();
    const compaction = p.compact();
    expect(p.status.compacting).toBe(true);
    await p.close();
    expect(p.status.compacting).toBe(false);
    await compaction;
    expect((await readdir(dir)).sort()).toEqual(['state.json', 'state.json.journal-2']);
  });

  it('close() waits for a batch being written, then compacts it into the snapshot', async () => {
    const { fs, faults, calls } = faultyFileSystem();
    const { p, dir, path, write } = await setup({ fileSystem: fs, compactAfterBytes: 1e9 });
    let release!: () => void;
    faults.gate = new Promise<void>((r) => (release = r));
    const written = write();
    await until(() => calls.datasync === 1);
    const closing = p.close();
    await new Promise<void>((r) => setImmediate(r));
    release();
    await closing;
    await written;
    expect(calls.snapshots).toBe(2);
    expect((await readdir(dir)).sort()).toEqual(['state.json', 'state.json.journal-2']);
    expect(await readFile(`${path}.journal-2`, 'utf8')).toBe('');
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ journal: 2, seq: 1, tenants: { default: { rooms: [{ id: 'r1' }] } } });
  });

  it('a failed append past the compaction threshold waits for the retry instead of compacting', async () => {
    const { fs, faults } = faultyFileSystem();
    const { p, write } = await setup({ fileSystem: fs, compactAfterBytes: 1, retryBaseMs: 60_000, retryMaxMs: 1 });
    faults.openWrite = 1; // the automatic compaction after this append fails: the journal stays past the threshold
    await write({ name: 'n'.repeat(400) });
    await until(() => !p.status.compacting);
    expect(p.status).toMatchObject({ snapshots: 1, degraded: false });
    expect(p.status.journalBytes).toBeGreaterThan(400);
    await new Promise((r) => setTimeout(r, 5)); // past the compaction retry window (retryMaxMs 1)
    faults.datasync = 1;
    await expect(write()).rejects.toBeInstanceOf(ProviderUnavailableError);
    await new Promise<void>((r) => setImmediate(r));
    expect(p.status).toMatchObject({ degraded: true, compacting: false, snapshots: 1 });
  });

  it('keeps one retry timer: a recovery that fails while one is pending schedules no second one', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { fs, faults } = faultyFileSystem();
    const { p, write } = await setup({ fileSystem: fs, retryBaseMs: 1000, retryMaxMs: 10_000 });
    faults.datasync = 1;
    await expect(write()).rejects.toBeInstanceOf(ProviderUnavailableError); // retry timer at +1000 ms
    faults.openWrite = 1000; // every recovery snapshot fails from now on
    await expect(p.compact()).rejects.toMatchObject({ code: 'EIO' }); // fails while that timer is pending
    expect(faults.openWrite).toBe(999);
    vi.advanceTimersByTime(1000); // the pending timer: one recovery
    expect(faults.openWrite).toBe(998);
    await expect(p.compact()).rejects.toMatchObject({ code: 'EIO' }); // the same recovery, failing (next retry in 4000 ms)
    vi.advanceTimersByTime(3999);
    expect(faults.openWrite).toBe(998);
    expect(p.status).toMatchObject({ degraded: true, compacting: false });
    vi.advanceTimersByTime(1);
    expect(faults.openWrite).toBe(997);
  });

  it('retries an automatic compaction from exactly retryMaxMs after it failed', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_000_000 });
    const { fs, faults } = faultyFileSystem();
    const warn = vi.fn();
    const { p, write } = await setup({ fileSystem: fs, compactAfterBytes: 1, retryMaxMs: 1000, logger: { warn } });
    faults.openWrite = 1;
    await write({ name: 'n'.repeat(400) }); // past the threshold: its compaction fails, at 1 000 000
    // Bounded polling (the fake clock stands still, so until() could not time out).
    for (let i = 0; i < 400 && warn.mock.calls.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(String(warn.mock.calls[0]![0])).toContain('compaction is retried later');
    expect(p.status).toMatchObject({ snapshots: 1, compacting: false });
    vi.setSystemTime(1_000_999);
    await write();
    await new Promise<void>((r) => setImmediate(r));
    expect(p.status).toMatchObject({ snapshots: 1, compacting: false });
    vi.setSystemTime(1_001_000);
    await write();
    for (let i = 0; i < 400 && !(p.status.snapshots === 2 && !p.status.compacting); i++) await new Promise((r) => setTimeout(r, 5));
    expect(p.status).toMatchObject({ snapshots: 2, compacting: false });
  });

  it('after a failed recovery, a write exactly retry-delay later starts the next recovery', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 5_000_000 });
    const { fs, faults } = faultyFileSystem();
    // The background timer (real time, 2 s) does not fire during this test; the clock below is fake.
    const { p, write } = await setup({ fileSystem: fs, retryBaseMs: 1000, retryMaxMs: 2000 });
    faults.datasync = 1;
    await expect(write()).rejects.toBeInstanceOf(ProviderUnavailableError);
    faults.openWrite = 1;
    await expect(p.compact()).rejects.toMatchObject({ code: 'EIO' }); // ends at 5 000 000; next delay 2000 ms
    vi.setSystemTime(5_001_999);
    const early = await write().catch((e: unknown) => e);
    expect((early as Error).message).toContain('saving (the last save failed and is being retried) in');
    vi.setSystemTime(5_002_000);
    await expect(write()).resolves.toBeUndefined(); // joined the recovery it started
    expect(p.status).toMatchObject({ degraded: false, snapshots: 2 });
  });

  it('a retry timer that fires after an explicit recovery does nothing', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { fs, faults } = faultyFileSystem();
    const { p, write } = await setup({ fileSystem: fs, retryBaseMs: 1000, retryMaxMs: 1000 });
    faults.datasync = 1;
    await expect(write()).rejects.toBeInstanceOf(ProviderUnavailableError); // schedules a retry in 1000 ms
    await p.compact(); // recovers now
    expect(p.status).toMatchObject({ degraded: false, snapshots: 2, compacting: false });
    vi.advanceTimersByTime(1000);
    expect(p.status).toMatchObject({ degraded: false, snapshots: 2, compacting: false });
  });

  it('the retry timer, when the store is still degraded, starts a recovery', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { fs, faults } = faultyFileSystem();
    const { p, write } = await setup({ fileSystem: fs, retryBaseMs: 1000, retryMaxMs: 1000 });
    faults.datasync = 1;
    await expect(write()).rejects.toBeInstanceOf(ProviderUnavailableError);
    vi.advanceTimersByTime(999);
    expect(p.status).toMatchObject({ degraded: true, compacting: false });
    vi.advanceTimersByTime(1);
    expect(p.status).toMatchObject({ degraded: true, compacting: true });
    await p.compact(); // the same recovery
    expect(p.status).toMatchObject({ degraded: false, snapshots: 2, compacting: false });
  });

  it('close() stops background retries, its own failed recovery schedules none', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { fs, faults } = faultyFileSystem();
    const { p, write } = await setup({ fileSystem: fs, retryBaseMs: 1000, retryMaxMs: 1000 });
    faults.datasync = 1;
    await expect(write()).rejects.toBeInstanceOf(ProviderUnavailableError); // a retry is scheduled
    faults.openWrite = 1000; // every recovery snapshot fails from now on
    await expect(p.close()).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(faults.openWrite).toBe(999); // close() made one attempt
    vi.advanceTimersByTime(60_000);
    expect(faults.openWrite).toBe(999);
    expect(p.status.compacting).toBe(false);
  });
});
