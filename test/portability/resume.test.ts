/** Resumable, idempotent imports: abort midway and rerun; "kill" at arbitrary writes and rerun from the checkpoint on disk. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { AbortedError } from '../../src/index.js';
import { exportData, importData, verify, writeNdjsonFile } from '../../src/portability/index.js';
import { memoryCollab, seed } from './fixtures.js';
import { census, killable } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'uc-portability-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resume', () => {
  test('abort via signal midway, rerun with the checkpoint: no duplicates, nothing lost', async () => {
    const source = await memoryCollab();
    await seed(source, { roomCount: 3, threadsPerRoom: 6, commentsPerThread: 3 });
    const file = join(dir, 'abort.ndjson');
    await writeNdjsonFile(exportData(source), file);
    const checkpoint = join(dir, 'abort.checkpoint.json');
    const target = await memoryCollab();
    const controller = new AbortController();
    let handled = 0;
    const first = await importData(target, file, {
      checkpoint,
      concurrency: 4,
      signal: controller.signal,
      onProgress: (e) => {
        if (e.phase === 'import' && ++handled === 10) controller.abort();
      },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(first).toBeInstanceOf(AbortedError);
    const saved = JSON.parse(readFileSync(checkpoint, 'utf8')) as { watermark: number; complete: boolean };
    expect(saved.complete).toBe(false);
    expect(saved.watermark).toBeGreaterThanOrEqual(9);

    const second = await importData(target, file, { checkpoint, concurrency: 4 });
    expect(second.resumed).toBe(true);
    const resumed = Object.values(second.records).reduce((n, k) => n + k.resumed, 0);
    expect(resumed).toBeGreaterThanOrEqual(10);
    expect(await census(target)).toEqual(await census(source));
    const check = await verify(source, target);
    expect(check.differences).toEqual([]);

    // A third run sees a complete checkpoint and writes nothing.
    const third = await importData(target, file, { checkpoint });
    expect(Object.values(third.records).every((k) => k.written === 0 && k.resumed === k.total)).toBe(true);
  });

  test('killed at arbitrary writes (checkpoint as on disk at that instant), rerun: no duplicates, nothing lost', async () => {
    const source = await memoryCollab();
    await seed(source, { roomCount: 2, threadsPerRoom: 5, commentsPerThread: 4 });
    const file = join(dir, 'kill.ndjson');
    await writeNdjsonFile(exportData(source), file);
    const expected = await census(source);
    // How many writes a whole import makes, then deterministic pseudo-random kill points over them.
    const probe = killable(await memoryCollab(), Number.POSITIVE_INFINITY, join(dir, 'none.json'));
    await importData(probe.collab, file);
    const total = probe.writes();
    expect(total).toBeGreaterThan(50);
    let x = 7;
    const points = [1, 2, total - 1, total];
    while (points.length < 10) points.push(1 + ((x = (x * 1103515245 + 12345) % 2147483648) % total));
    for (const killAt of points) {
      const checkpoint = join(dir, `kill-${killAt}.json`);
      const target = await memoryCollab();
      const run = killable(target, killAt, checkpoint);
      await expect(importData(run.collab, file, { checkpoint, concurrency: 8 })).rejects.toThrow('killed');
      // What a kill -9 leaves: the checkpoint as it was when the process died.
      const snap = run.snapshot();
      if (snap === undefined) rmSync(checkpoint, { force: true });
      else writeFileSync(checkpoint, snap);
      const report = await importData(target, file, { checkpoint, concurrency: 8 });
      expect(report.resumed).toBe(snap !== undefined);
      expect(await census(target), `kill at write ${killAt}`).toEqual(expected);
      const check = await verify(source, target);
      expect(check.differences, `kill at write ${killAt}`).toEqual([]);
    }
  });
});
