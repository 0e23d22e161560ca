import { describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { exportData, importData, migrate, verify } from '../../src/portability/index.js';
import type { ExportLine } from '../../src/portability/index.js';
import { memoryCollab, seed } from './fixtures.js';

async function collect(lines: AsyncIterable<ExportLine>): Promise<ExportLine[]> {
  const out: ExportLine[] = [];
  for await (const l of lines) out.push(l);
  return out;
}

/** The records of an export, without header/trailer, with target-assigned comment ids and dates removed. */
function comparable(lines: ExportLine[]): unknown[] {
  return lines
    .filter((l) => l.kind !== 'header' && l.kind !== 'trailer')
    .filter((l) => !(l.kind === 'notification' && l.notificationKind !== 'custom'))
    .map((l) => {
      if (l.kind === 'thread') {
        const { createdAt: _c, updatedAt: _u, ...rest } = l;
        return { ...rest, comments: l.comments.map(({ id: _id, createdAt: _cc, editedAt: _e, ...c }) => ({ ...c, reactions: c.reactions.map(({ createdAt: _r, ...r }) => r) })) };
      }
      if (l.kind === 'room') {
        const { createdAt: _c, ...rest } = l;
        return rest;
      }
      if (l.kind === 'notification') {
        const { id: _id, notifiedAt: _n, readAt, ...rest } = l;
        return { ...rest, read: readAt !== null };
      }
      if (l.kind === 'document') {
        const { yjsState: _y, ...rest } = l;
        return rest;
      }
      return l;
    });
}

const dir = mkdtempSync(join(tmpdir(), 'uc-roundtrip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('memory -> memory', () => {
  test('round trip is equal', async () => {
    const source = await memoryCollab();
    const seeded = await seed(source);
    const target = await memoryCollab();
    const report = await importData(target, () => exportData(source));
    expect(report.losses.lossy).toBe(false);
    expect(report.records.thread.written).toBe(seeded.threads);
    expect(report.comments.written).toBe(seeded.comments);
    expect(report.reactions.written).toBe(seeded.reactions);
    expect(report.records.room.written).toBe(seeded.rooms);
    expect(report.records.user.written).toBe(seeded.users);
    expect(report.records.notification.written).toBe(seeded.customNotifications);
    const before = comparable(await collect(exportData(source)));
    const after = comparable(await collect(exportData(target)));
    expect(after).toEqual(before);
    // A second run writes nothing.
    const again = await importData(target, () => exportData(source));
    expect(again.records.thread.written + again.records.thread.updated).toBe(0);
    expect(again.comments.written).toBe(0);
    expect(again.reactions.written).toBe(0);
    expect(again.records.notification.written).toBe(0);
    expect(comparable(await collect(exportData(target)))).toEqual(before);
  });

  test('migrate with a checkpoint stages the export, verifies clean, and keeps the Yjs state', async () => {
    const source = await memoryCollab();
    const seeded = await seed(source, { roomCount: 2, threadsPerRoom: 2, commentsPerThread: 2 });
    const target = await memoryCollab();
    const checkpoint = join(dir, 'migrate.json');
    const report = await migrate(source, target, { checkpoint, verify: true, concurrency: 3 });
    expect(report.verification?.ok).toBe(true);
    expect(report.verification?.kinds.reaction).toMatchObject({ source: seeded.reactions, matched: seeded.reactions });
    expect(report.verification?.kinds.document).toMatchObject({ source: 2, matched: 2 });
    expect(Buffer.from(await target.documents.getUpdate('room-1')).length).toBeGreaterThan(2);
    expect(await target.documents.get('room-1', { key: 'title', type: 'text' })).toMatchObject({ value: 'Title of room 1' });
    // Rerun: the checkpoint says it is complete, nothing is written.
    const again = await migrate(source, target, { checkpoint });
    expect(Object.values(again.records).every((k) => k.written === 0)).toBe(true);
  });

  test('verify reports differences: a missing comment and a changed resolved flag', async () => {
    const source = await memoryCollab();
    await seed(source, { roomCount: 1, threadsPerRoom: 2, commentsPerThread: 2, documents: false });
    const target = await memoryCollab();
    await importData(target, () => exportData(source));
    const thread = await target.threads.get('room-0', 'th-0-1');
    await target.comments.delete('room-0', 'th-0-1', thread.comments[1]!.id);
    await target.threads.unresolve('room-0', 'th-0-0', { userId: 'alice' });
    const check = await verify(source, target);
    expect(check.ok).toBe(false);
    expect(check.differences.map((d) => [d.kind, d.roomId])).toEqual([
      ['thread', 'room-0'],
      ['comment', 'room-0'],
    ]);
    expect(check.rooms[0]).toMatchObject({ roomId: 'room-0', threads: { source: 2, differences: 1 }, comments: { source: 4, differences: 1 } });
  });

  test('create-only leaves existing entities as they are; upsert brings them in line', async () => {
    const source = await memoryCollab();
    await seed(source, { roomCount: 1, threadsPerRoom: 1, commentsPerThread: 1, documents: false });
    const target = await memoryCollab();
    await target.rooms.create({ id: 'room-0', name: 'Mine', metadata: { project: 'other' } });
    const kept = await importData(target, () => exportData(source), { mode: 'create-only' });
    expect(kept.records.room.skipped).toBe(1);
    expect((await target.rooms.get('room-0')).name).toBe('Mine');
    const upserted = await importData(target, () => exportData(source), { mode: 'upsert' });
    expect(upserted.records.room.updated).toBe(1);
    expect(await target.rooms.get('room-0')).toMatchObject({ name: 'Room 0', metadata: { project: 'p0' } });
  });

  test('rooms and since filters', async () => {
    const source = await memoryCollab();
    await seed(source, { roomCount: 3, threadsPerRoom: 1, commentsPerThread: 1, documents: false });
    const only = await collect(exportData(source, { rooms: ['room-2'] }));
    expect(only.filter((l) => l.kind === 'room').map((l) => (l as { id: string }).id)).toEqual(['room-2']);
    expect(only[0]).toMatchObject({ kind: 'header', filters: { rooms: ['room-2'] } });
    const later = await collect(exportData(source, { since: new Date(Date.now() + 60_000) }));
    expect(later.filter((l) => l.kind === 'thread')).toEqual([]);
    expect(later.filter((l) => l.kind === 'room').length).toBe(3);
  });
});
