/**
 * The importer's use of a target's bulk writes (`THREAD_BULK_WRITES`): detected on the thread service,
 * used for new threads and missing comments, and given up for the rest of the run when the target
 * refuses them in its configuration (`UnsupportedFeatureError`, e.g. Velt in self-hosted mode).
 */
import { describe, expect, test } from 'vitest';
import type { Collab } from '../../src/index.js';
import { UnsupportedFeatureError } from '../../src/core/errors.js';
import { exportData, importData, THREAD_BULK_WRITES, type ThreadBulkWrites, threadBulkWritesOf, verify } from '../../src/portability/index.js';
import { memoryCollab, seed } from './fixtures.js';

function withHook(collab: Collab, bulk: ThreadBulkWrites): Collab {
  const threads = new Proxy(collab.threads, {
    get(target, prop) {
      if (prop === THREAD_BULK_WRITES) return bulk;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { ...collab, threads } as Collab;
}

describe('bulk writes hook', () => {
  test('a target without the hook has none; a half-shaped member is not taken for one', async () => {
    const memory = await memoryCollab();
    expect(threadBulkWritesOf(memory)).toBeUndefined();
    expect(threadBulkWritesOf(withHook(memory, { createThreadWithComments: async () => ({ threadId: '', commentIds: [] }) } as unknown as ThreadBulkWrites))).toBeUndefined();
  });

  test('refused by the target (unsupported in its configuration): tried once, then one entity at a time; nothing lost', async () => {
    const source = await memoryCollab();
    const seeded = await seed(source, { roomCount: 2, threadsPerRoom: 3, commentsPerThread: 3, documents: false });
    let calls = 0;
    const refuse = async (): Promise<never> => {
      calls++;
      throw new UnsupportedFeatureError('memory', 'bulk.createThreads', 'not in this configuration');
    };
    const target = withHook(await memoryCollab(), { createThreadWithComments: refuse, appendComments: refuse });
    const report = await importData(target, () => exportData(source), { allowLoss: true, concurrency: 1 });
    expect(calls).toBe(1);
    expect(report.records.thread.written).toBe(seeded.threads);
    expect(report.comments.written).toBe(seeded.comments);
    expect((await verify(source, target)).differences).toEqual([]);
  });
});
