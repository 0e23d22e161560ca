/** memory -> Velt (emulator): reactions cannot be carried; the import refuses, or drops them and says how many. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { createCollab, registerAdapter, type Collab } from '../../src/index.js';
import { exportData, importData, LossRefusedError, migrate, verify, writeNdjsonFile } from '../../src/portability/index.js';
import { startVeltEmulator, type VeltEmulator } from '../adapters/velt/emulator/server.js';
import { memoryCollab, seed } from './fixtures.js';
import { census, killable } from './support.js';

const API_KEY = 'velt_portability_api_key_4b1e';
const AUTH_TOKEN = 'velt_portability_auth_token_9c2d';
const ORG = 'uc-portability-org';

registerAdapter('velt', async () => (await import('../../src/adapters/velt/index.js')).veltAdapter);

const emulators: VeltEmulator[] = [];
afterAll(async () => {
  await Promise.all(emulators.map((e) => e.close()));
});

let emulator: VeltEmulator;
let velt: Collab;
beforeEach(async () => {
  emulator = await startVeltEmulator({ apiKey: API_KEY, authToken: AUTH_TOKEN });
  emulators.push(emulator);
  velt = await createCollab({ provider: 'velt', apiKey: API_KEY, authToken: AUTH_TOKEN, organizationId: ORG, baseUrl: emulator.url, createMissing: true, retries: 0 });
});

describe('memory -> velt (emulator)', () => {
  test('refused without allowLoss, before any write', async () => {
    const source = await memoryCollab();
    const seeded = await seed(source, { roomCount: 1, threadsPerRoom: 2, commentsPerThread: 2 });
    const requestsBefore = emulator.requests.length;
    const err = await importData(velt, () => exportData(source)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LossRefusedError);
    const refused = err as LossRefusedError;
    expect(refused.code).toBe('config_error');
    expect(refused.field).toBe('allowLoss');
    expect(refused.losses.items.find((i) => i.feature === 'reactions')?.count).toBe(seeded.reactions);
    expect(refused.message).toMatch(/reactions/);
    // No write reached Velt: no request at all, and the organization holds nothing.
    expect(emulator.requests.length).toBe(requestsBefore);
    expect(emulator.state.documentsOf(ORG)).toEqual([]);
    expect(emulator.state.annotationsOf(ORG)).toEqual([]);
  });

  test('with allowLoss: reactions dropped and counted exactly, the rest carried and verified', async () => {
    const source = await memoryCollab();
    const seeded = await seed(source, { roomCount: 2, threadsPerRoom: 3, commentsPerThread: 3 });
    const report = await importData(velt, () => exportData(source), { allowLoss: true });
    expect(report.losses.items.filter((i) => i.blocking).map((i) => [i.feature, i.count])).toEqual([
      ['reactions', seeded.reactions],
      ['storage', seeded.rooms], // Velt has no JSON storage
    ]);
    expect(report.reactions).toEqual({ written: 0, skipped: 0, dropped: seeded.reactions });
    expect(report.records.thread.written).toBe(seeded.threads);
    expect(report.comments.written).toBe(seeded.comments);
    expect(report.records.room.written).toBe(seeded.rooms);
    expect(emulator.state.annotationsOf(ORG).length).toBe(seeded.threads);

    const check = await verify(source, velt);
    expect(check.differences).toEqual([]);
    expect(check.ok).toBe(true);
    expect(check.kinds.reaction).toMatchObject({ source: seeded.reactions, expectedMissing: seeded.reactions, differences: 0 });
    expect(check.kinds.comment).toMatchObject({ source: seeded.comments, matched: seeded.comments });

    // Idempotent: a re-run (no checkpoint) writes no thread or comment again.
    const again = await migrate(source, velt, { allowLoss: true });
    expect(again.records.thread.written).toBe(0);
    expect(again.comments.written).toBe(0);
    expect(emulator.state.annotationsOf(ORG).length).toBe(seeded.threads);
  });
});

describe('memory -> velt (emulator), killed and resumed', () => {
  test('no duplicates, nothing lost (Velt assigns comment ids: comments are reconciled in order)', async () => {
    const source = await memoryCollab();
    await seed(source, { roomCount: 2, threadsPerRoom: 3, commentsPerThread: 3 });
    const dir = mkdtempSync(join(tmpdir(), 'uc-velt-resume-'));
    try {
      const file = join(dir, 'export.ndjson');
      await writeNdjsonFile(exportData(source), file);
      const expected = await census(source);
      const fresh = async (): Promise<{ em: VeltEmulator; target: Collab }> => {
        const em = await startVeltEmulator({ apiKey: API_KEY, authToken: AUTH_TOKEN });
        emulators.push(em);
        return { em, target: await createCollab({ provider: 'velt', apiKey: API_KEY, authToken: AUTH_TOKEN, organizationId: ORG, baseUrl: em.url, createMissing: true, retries: 0 }) };
      };
      const probe = killable((await fresh()).target, Number.POSITIVE_INFINITY, join(dir, 'none.json'));
      await importData(probe.collab, file, { allowLoss: true });
      const total = probe.writes();
      // Fewer with Velt's bulk writes (a thread and its comments per write) than one entity at a time.
      expect(total).toBeGreaterThan(6);
      for (const killAt of [1, 3, Math.floor(total / 3), Math.floor(total / 2), total - 2, total]) {
        const checkpoint = join(dir, `kill-${killAt}.json`);
        const { em, target } = await fresh();
        const run = killable(target, killAt, checkpoint);
        await expect(importData(run.collab, file, { checkpoint, allowLoss: true })).rejects.toThrow('killed');
        const snap = run.snapshot();
        if (snap === undefined) rmSync(checkpoint, { force: true });
        else writeFileSync(checkpoint, snap);
        await importData(target, file, { checkpoint, allowLoss: true });
        const got = await census(target);
        expect(got, `kill at write ${killAt}`).toEqual({ ...expected, reactions: 0 });
        expect(em.state.annotationsOf(ORG).length).toBe(expected.threads);
        const check = await verify(source, target);
        expect(check.differences, `kill at write ${killAt}`).toEqual([]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
