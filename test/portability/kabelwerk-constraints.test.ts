/**
 * memory -> Kabelwerk (emulator) with data Kabelwerk's model cannot hold: a room is one end user's
 * conversation (its id is the user's key) with one thread, and only that user or hub staff may post.
 * The adapter declares these constraints, so the import refuses before any write (not part-way with
 * "user is not a participant of this room"), and with allowLoss drops exactly what breaks them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { Collab } from '../../src/index.js';
import { fromText } from '../../src/core/body/index.js';
import { computeLosses, exportData, importConstraintsOf, importData, LossRefusedError, migrate, verify, writeNdjsonFile } from '../../src/portability/index.js';
import { killable } from './support.js';
import { kabelwerkCollab, startEmulator } from '../adapters/kabelwerk/support.js';
import { memoryCollab } from './fixtures.js';

const closers: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

/**
 * Room "alice" (alice's conversation): a thread by alice, sam (hub staff) and bob (not a participant),
 * then a second thread. Room "lobby" (no such user posts): a thread only bob and carol wrote, then one
 * by sam, which becomes the room's conversation.
 */
async function seedGeneral(collab: Collab): Promise<void> {
  await collab.users.upsert({ id: 'alice', name: 'Alice', metadata: {} });
  await collab.users.upsert({ id: 'sam', name: 'Sam', metadata: { 'kabelwerk:hubUser': true } });
  await collab.users.upsert({ id: 'bob', name: 'Bob', metadata: {} });
  await collab.users.upsert({ id: 'carol', name: 'Carol', metadata: {} });
  await collab.rooms.create({ id: 'alice', name: 'Alice support' });
  const a1 = await collab.threads.create({ roomId: 'alice', id: 'a1', comment: { authorId: 'alice', body: fromText('my order is late') } });
  for (const [authorId, text] of [
    ['sam', 'looking into it'],
    ['bob', 'me too!'],
    ['alice', 'thanks'],
  ] as const) await collab.comments.create({ roomId: 'alice', threadId: a1.id, authorId, body: fromText(text) });
  await collab.threads.create({ roomId: 'alice', id: 'a2', comment: { authorId: 'alice', body: fromText('another question') } });
  await collab.rooms.create({ id: 'lobby', name: 'Lobby' });
  const l1 = await collab.threads.create({ roomId: 'lobby', id: 'l1', comment: { authorId: 'bob', body: fromText('hello?') } });
  await collab.comments.create({ roomId: 'lobby', threadId: l1.id, authorId: 'carol', body: fromText('anyone?') });
  await collab.threads.create({ roomId: 'lobby', id: 'l2', comment: { authorId: 'sam', body: fromText('staff note') } });
}

async function target(): Promise<{ kabelwerk: Collab; emulator: Awaited<ReturnType<typeof startEmulator>> }> {
  const emulator = await startEmulator([{ slug: 'main', name: 'Main' }]);
  closers.push(() => emulator.close());
  const kabelwerk = await kabelwerkCollab(emulator);
  closers.push(() => kabelwerk.close());
  return { kabelwerk, emulator };
}

const constraintItems = [
  ['constraint:comments.notRoomUserOrHubStaff', 3],
  ['constraint:threads.beyondFirstPerRoom', 1],
];

describe('memory -> kabelwerk (emulator): Kabelwerk\'s model in the loss check', () => {
  test('the adapter declares its constraints; computeLosses with them predicts what breaks them', async () => {
    const source = await memoryCollab();
    await seedGeneral(source);
    const { kabelwerk } = await target();
    const constraints = importConstraintsOf(kabelwerk);
    expect(constraints).toBeTypeOf('function');
    const losses = await computeLosses(exportData(source), kabelwerk.provider, kabelwerk.capabilities, constraints);
    expect(losses.lossy).toBe(true);
    expect(losses.items.filter((i) => i.blocking).map((i) => [i.feature, i.count]).sort()).toEqual(constraintItems);
    // Without the constraints, the capability map alone sees no blocking loss in this data.
    const blind = await computeLosses(exportData(source), kabelwerk.provider, kabelwerk.capabilities);
    expect(blind.lossy).toBe(false);
  });

  test('refused without allowLoss, before any write: the emulator holds nothing', async () => {
    const source = await memoryCollab();
    await seedGeneral(source);
    const { kabelwerk, emulator } = await target();
    const requests = emulator.requests.length;
    const users = emulator.state.users.size;
    const err = await importData(kabelwerk, () => exportData(source)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LossRefusedError);
    const refused = err as LossRefusedError;
    expect(refused.losses.items.filter((i) => i.blocking).map((i) => [i.feature, i.count]).sort()).toEqual(constraintItems);
    expect(refused.message).toMatch(/3 constraint:comments\.notRoomUserOrHubStaff \(comments\)/);
    expect(refused.message).toMatch(/1 constraint:threads\.beyondFirstPerRoom \(thread/);
    expect(emulator.requests.length).toBe(requests);
    expect(emulator.state.users.size).toBe(users);
    expect(emulator.state.rooms.size).toBe(0);
    expect(emulator.state.messagesById.size).toBe(0);
  });

  test('with allowLoss: what breaks the model is dropped whole and counted exactly; verify is clean; a re-run writes nothing', { timeout: 60_000 }, async () => {
    const source = await memoryCollab();
    await seedGeneral(source);
    const { kabelwerk, emulator } = await target();
    const report = await importData(kabelwerk, () => exportData(source), { allowLoss: true });
    expect(report.losses.items.filter((i) => i.blocking).map((i) => [i.feature, i.count]).sort()).toEqual(constraintItems);
    // a2 (a second thread in alice's room) and l1 (nobody who may post there) are not written.
    expect(report.records.thread).toMatchObject({ total: 4, written: 2, dropped: 2 });
    // Written: alice's thread without bob's comment (3), sam's note in the lobby (1). Dropped: bob's, a2's, l1's two.
    expect(report.comments).toEqual({ written: 4, skipped: 0, dropped: 4 });
    expect(emulator.state.rooms.size).toBe(2);
    expect(emulator.state.messagesById.size).toBe(4);

    const check = await verify(source, kabelwerk);
    expect(check.differences).toEqual([]);
    expect(check.ok).toBe(true);
    expect(check.kinds.thread).toMatchObject({ source: 4, matched: 2, expectedMissing: 2, differences: 0 });
    expect(check.kinds.comment).toMatchObject({ source: 8, matched: 4, expectedMissing: 4, differences: 0 });

    // Idempotent without a checkpoint: Kabelwerk assigns the thread id (the room id); the rooms' threads are found again.
    const again = await migrate(source, kabelwerk, { allowLoss: true });
    expect(again.comments).toEqual({ written: 0, skipped: 4, dropped: 4 });
    expect(emulator.state.messagesById.size).toBe(4);
  });

  test('killed at any write and resumed with the checkpoint: the same verdicts, no duplicates, nothing lost beyond them', { timeout: 120_000 }, async () => {
    const source = await memoryCollab();
    await seedGeneral(source);
    const dir = mkdtempSync(join(tmpdir(), 'uc-kabelwerk-constraints-'));
    try {
      const file = join(dir, 'export.ndjson');
      await writeNdjsonFile(exportData(source), file);
      const probe = killable((await target()).kabelwerk, Number.POSITIVE_INFINITY, join(dir, 'none.json'));
      await importData(probe.collab, file, { allowLoss: true });
      const total = probe.writes();
      expect(total).toBeGreaterThan(5);
      for (let killAt = 1; killAt <= total; killAt++) {
        const checkpoint = join(dir, `kill-${killAt}.json`);
        const { kabelwerk, emulator } = await target();
        const run = killable(kabelwerk, killAt, checkpoint);
        await expect(importData(run.collab, file, { checkpoint, allowLoss: true })).rejects.toThrow('killed');
        const snap = run.snapshot();
        if (snap === undefined) rmSync(checkpoint, { force: true });
        else writeFileSync(checkpoint, snap);
        const report = await importData(kabelwerk, file, { checkpoint, allowLoss: true });
        expect(report.losses.items.filter((i) => i.blocking).map((i) => [i.feature, i.count]).sort()).toEqual(constraintItems);
        expect(emulator.state.messagesById.size, `kill at write ${killAt}`).toBe(4);
        const check = await verify(source, kabelwerk);
        expect(check.differences, `kill at write ${killAt}`).toEqual([]);
        expect(check.kinds.comment).toMatchObject({ matched: 4, expectedMissing: 4 });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
