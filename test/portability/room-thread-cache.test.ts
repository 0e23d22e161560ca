/**
 * A target that assigns its own thread ids, imported without a checkpoint: every thread may be one an
 * earlier run created, so it is looked for by its first comment. The room's threads are read once per
 * room per run (not once per thread), and a re-run still creates no duplicates.
 */
import { describe, expect, test } from 'vitest';
import type { Collab } from '../../src/index.js';
import { ValidationError } from '../../src/core/errors.js';
import { exportData, importData, migrate, verify } from '../../src/portability/index.js';
import { memoryCollab, seed } from './fixtures.js';
import { census } from './support.js';

/** A memory target that refuses client thread ids (like a vendor assigning its own), counting room listings. */
function assigningIds(collab: Collab): { collab: Collab; listings: () => number } {
  let listings = 0;
  const threads = new Proxy(collab.threads, {
    get(target, prop) {
      if (prop === 'create') {
        return (input: Parameters<Collab['threads']['create']>[0], options?: Parameters<Collab['threads']['create']>[1]) => {
          if (input.id !== undefined) return Promise.reject(new ValidationError('id', 'this target assigns its own thread ids', { provider: 'memory', operation: 'threads.create' }));
          return target.create(input, options);
        };
      }
      if (prop === 'iterate') {
        return (...args: Parameters<Collab['threads']['iterate']>) => {
          listings++;
          return target.iterate(...args);
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { collab: { ...collab, threads } as Collab, listings: () => listings };
}

describe('a target that assigns its own thread ids, without a checkpoint', () => {
  test('the room\'s threads are read at most once per room; a re-run finds every thread and writes nothing', async () => {
    const source = await memoryCollab();
    const seeded = await seed(source, { roomCount: 3, threadsPerRoom: 6, commentsPerThread: 3, documents: false });
    const target = assigningIds(await memoryCollab());

    const first = await importData(target.collab, () => exportData(source), { allowLoss: true });
    expect(first.records.thread.written).toBe(seeded.threads);
    expect(first.comments.written).toBe(seeded.comments);
    expect(target.listings()).toBeLessThanOrEqual(seeded.rooms);

    const before = target.listings();
    const again = await migrate(source, target.collab, { allowLoss: true });
    expect(again.records.thread.written).toBe(0);
    expect(again.comments).toEqual({ written: 0, skipped: seeded.comments, dropped: 0 });
    expect(target.listings() - before).toBeLessThanOrEqual(seeded.rooms);
    const got = await census(target.collab);
    expect(got.threads).toBe(seeded.threads);
    expect(got.comments).toBe(seeded.comments);
    expect((await verify(source, target.collab)).differences).toEqual([]);
  });

  test('two source threads with the same first comment get two target threads, also on a re-run', async () => {
    const source = await memoryCollab();
    await source.users.upsert({ id: 'ann', metadata: {} });
    await source.rooms.create({ id: 'r' });
    const { fromText } = await import('../../src/core/body/index.js');
    for (const id of ['t1', 't2']) {
      const t = await source.threads.create({ roomId: 'r', id, comment: { authorId: 'ann', body: fromText('same opener') } });
      await source.comments.create({ roomId: 'r', threadId: t.id, authorId: 'ann', body: fromText(`reply in ${id}`) });
    }
    const target = assigningIds(await memoryCollab());
    await importData(target.collab, () => exportData(source), { allowLoss: true });
    const again = await importData(target.collab, () => exportData(source), { allowLoss: true });
    expect(again.records.thread.written).toBe(0);
    expect(await census(target.collab)).toMatchObject({ threads: 2, comments: 4 });
  });
});
