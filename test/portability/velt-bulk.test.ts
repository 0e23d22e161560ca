/**
 * memory -> Velt (emulator) through Velt's bulk writes (core `ThreadBulkWrites`, offered on the thread
 * service under `THREAD_BULK_WRITES`): a thread and all its comments in one request instead of two per
 * comment, still idempotent, resumable and verified.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createCollab, registerAdapter, type Collab } from '../../src/index.js';
import { exportData, importData, migrate, threadBulkWritesOf, verify, writeNdjsonFile } from '../../src/portability/index.js';
import { veltBulkOf } from '../../src/adapters/velt/index.js';
import { startVeltEmulator, type VeltEmulator } from '../adapters/velt/emulator/server.js';
import { memoryCollab, seed } from './fixtures.js';
import { census, killable, withoutBulk, withVeltBulk } from './support.js';

const API_KEY = 'velt_bulk_api_key_4b1e';
const AUTH_TOKEN = 'velt_bulk_auth_token_9c2d';
const ORG = 'uc-bulk-org';

registerAdapter('velt', async () => (await import('../../src/adapters/velt/index.js')).veltAdapter);

const emulators: VeltEmulator[] = [];
afterAll(async () => {
  await Promise.all(emulators.map((e) => e.close()));
});

async function fresh(bulk: boolean): Promise<{ em: VeltEmulator; target: Collab }> {
  const em = await startVeltEmulator({ apiKey: API_KEY, authToken: AUTH_TOKEN });
  emulators.push(em);
  const plain = await createCollab({ provider: 'velt', apiKey: API_KEY, authToken: AUTH_TOKEN, organizationId: ORG, baseUrl: em.url, createMissing: true, retries: 0 });
  return { em, target: bulk ? withVeltBulk(plain, veltBulkOf(plain)) : withoutBulk(plain) };
}

const count = (em: VeltEmulator, suffix: string): number => em.requests.filter((r) => r.path.split('?')[0]!.endsWith(suffix)).length;

describe('memory -> velt (emulator) with bulk writes', () => {
  test('one request per thread with all its comments (vs add + get per comment); same result, verified, idempotent', async () => {
    const source = await memoryCollab();
    const seeded = await seed(source, { roomCount: 2, threadsPerRoom: 3, commentsPerThread: 4 });

    const one = await fresh(false);
    const plain = await importData(one.target, () => exportData(source), { allowLoss: true });
    const bulk = await fresh(true);
    expect(threadBulkWritesOf(bulk.target)).toBeDefined();
    const before = bulk.em.requests.length;
    const report = await importData(bulk.target, () => exportData(source), { allowLoss: true });

    expect(report.records.thread.written).toBe(seeded.threads);
    expect(report.comments).toEqual(plain.comments);
    expect(report.comments.written).toBe(seeded.comments);
    expect(report.losses).toEqual(plain.losses);
    // One /commentannotations/add per thread carrying every comment; no per-comment adds.
    expect(count(bulk.em, '/commentannotations/add')).toBe(seeded.threads);
    expect(count(bulk.em, '/commentannotations/comments/add')).toBe(0);
    expect(count(one.em, '/commentannotations/comments/add')).toBe(seeded.comments - seeded.threads);
    const bulkRequests = bulk.em.requests.length - before;
    expect(bulkRequests).toBeLessThan(one.em.requests.length / 2);
    expect(await census(bulk.target)).toEqual(await census(one.target));

    const check = await verify(source, bulk.target);
    expect(check.differences).toEqual([]);
    expect(check.kinds.comment).toMatchObject({ source: seeded.comments, matched: seeded.comments });
    expect(check.kinds.thread.matched + check.kinds.thread.expectedMissing).toBe(seeded.threads);

    const again = await migrate(source, bulk.target, { allowLoss: true });
    expect(again.records.thread.written).toBe(0);
    expect(again.comments.written).toBe(0);
    expect(bulk.em.state.annotationsOf(ORG).length).toBe(seeded.threads);
  });

  test('an existing thread missing comments gets them appended in one request', async () => {
    const source = await memoryCollab();
    await seed(source, { roomCount: 1, threadsPerRoom: 1, commentsPerThread: 5, documents: false });
    const { em, target } = await fresh(true);
    // A first run stopped after the thread's creation through the one-entity API (first comment only).
    await target.rooms.create({ id: 'room-0', name: 'Room 0', metadata: { project: 'p0' } });
    const [thread] = (await source.threads.list('room-0')).items;
    await target.threads.create({ roomId: 'room-0', id: thread!.id, comment: { authorId: thread!.comments[0]!.authorId, body: thread!.comments[0]!.body }, metadata: thread!.metadata });
    const before = count(em, '/commentannotations/comments/add');
    const report = await importData(target, () => exportData(source), { allowLoss: true });
    expect(report.comments).toMatchObject({ written: 4, skipped: 1 });
    expect(count(em, '/commentannotations/comments/add') - before).toBe(1);
    expect((await verify(source, target)).differences).toEqual([]);
  });

  test('killed at any write and resumed: no duplicates, nothing lost', { timeout: 60_000 }, async () => {
    const source = await memoryCollab();
    await seed(source, { roomCount: 2, threadsPerRoom: 3, commentsPerThread: 3 });
    const dir = mkdtempSync(join(tmpdir(), 'uc-velt-bulk-resume-'));
    try {
      const file = join(dir, 'export.ndjson');
      await writeNdjsonFile(exportData(source), file);
      const expected = await census(source);
      const probe = killable((await fresh(true)).target, Number.POSITIVE_INFINITY, join(dir, 'none.json'));
      await importData(probe.collab, file, { allowLoss: true });
      const total = probe.writes();
      expect(total).toBeGreaterThan(6);
      for (let killAt = 1; killAt <= total; killAt++) {
        const checkpoint = join(dir, `kill-${killAt}.json`);
        const { em, target } = await fresh(true);
        const run = killable(target, killAt, checkpoint);
        await expect(importData(run.collab, file, { checkpoint, allowLoss: true })).rejects.toThrow('killed');
        const snap = run.snapshot();
        if (snap === undefined) rmSync(checkpoint, { force: true });
        else writeFileSync(checkpoint, snap);
        await importData(target, file, { checkpoint, allowLoss: true });
        expect(await census(target), `kill at write ${killAt}`).toEqual({ ...expected, reactions: 0 });
        expect(em.state.annotationsOf(ORG).length).toBe(expected.threads);
        expect((await verify(source, target)).differences, `kill at write ${killAt}`).toEqual([]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
