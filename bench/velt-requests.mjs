#!/usr/bin/env node
/**
 * Velt round trips (issue 12): HTTP requests the Velt adapter sends for `threads.resolve`,
 * `notifications.markRead` and `notifications.delete` on the happy path, counted at the Velt emulator
 * (test/adapters/velt/emulator/server.ts, which records every request it answers).
 *
 * The emulator is TypeScript and Node 20 has no type stripping, so it is bundled on the fly with
 * rolldown (a dev dependency, through vite/vitest) into a temp dir and imported from there.
 *
 * Each operation runs BENCH_VELT_ROUNDS times (default 5) on fresh entities; the count is the number of
 * requests the emulator recorded during the call (setup requests are not counted). The verdict needs
 * every round within the target (the table prints the median and the IQR); the wall time per call is printed
 * too (informative: it is the emulator's and the loopback's time as much as ours).
 * Targets: 2 / 1 / 1 requests. Exit code 1 when a target is missed.
 *
 * Usage (the bench imports the BUILT package):
 *   npm run build && node bench/velt-requests.mjs
 *   UNICOLLAB_DIST=/tmp/ucbench/dist node bench/velt-requests.mjs   # a build elsewhere (see cold-start.mjs)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { distDirOrExit, emitResults, envNumber, fmtMs, iqr, machineLine, makeRows, median, printTable } from './lib/stats.mjs';

const here = import.meta.dirname ?? new URL('.', import.meta.url).pathname;
const distDir = distDirOrExit(here);
const { createCollab } = await import(pathToFileURL(join(distDir, 'index.js')).href);
const ROUNDS = envNumber('BENCH_VELT_ROUNDS', 5);

// ------------------------------------------------------------------------- bundle the emulator
const emulatorSource = resolve(here, '../test/adapters/velt/emulator/server.ts');
const outDir = mkdtempSync(join(tmpdir(), 'unicollab-velt-emulator-'));
let startVeltEmulator;
try {
  const { rolldown } = await import('rolldown');
  const bundle = await rolldown({ input: emulatorSource, platform: 'node', external: /^node:/, logLevel: 'warn' });
  await bundle.write({ file: join(outDir, 'velt-emulator.mjs'), format: 'esm' });
  await bundle.close();
  ({ startVeltEmulator } = await import(pathToFileURL(join(outDir, 'velt-emulator.mjs')).href));
} catch (err) {
  console.error(`Cannot bundle the Velt emulator ${emulatorSource} with rolldown: ${err.message}`);
  process.exit(1);
} finally {
  rmSync(outDir, { recursive: true, force: true });
}

const API_KEY = 'velt_bench_api_key_4c1d';
const AUTH_TOKEN = 'velt_bench_auth_token_93ab';
const ORG = 'uc-bench-org';
const text = (t) => ({ version: 1, content: [{ type: 'paragraph', children: [{ type: 'text', text: t }] }] });

const emulator = await startVeltEmulator({ apiKey: API_KEY, authToken: AUTH_TOKEN });
const counts = { 'threads.resolve': [], 'notifications.markRead': [], 'notifications.delete': [] };
const times = { 'threads.resolve': [], 'notifications.markRead': [], 'notifications.delete': [] };
const paths = {};
try {
  const setup = await fetch(`${emulator.url}/v2/organizations/add`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-velt-api-key': API_KEY, 'x-velt-auth-token': AUTH_TOKEN },
    body: JSON.stringify({ data: { organizations: [{ organizationId: ORG, organizationName: 'Bench' }] } }),
  });
  if (!setup.ok) throw new Error(`organizations/add: HTTP ${setup.status} ${await setup.text()}`);
  const collab = await createCollab({ provider: 'velt', apiKey: API_KEY, authToken: AUTH_TOKEN, organizationId: ORG, baseUrl: emulator.url, retries: 0 });

  /** Runs `fn`, recording the requests the emulator saw during it. */
  async function counted(op, fn) {
    const from = emulator.requests.length;
    const t0 = performance.now();
    const result = await fn();
    times[op].push(performance.now() - t0);
    const seen = emulator.requests.slice(from);
    const failedReq = seen.find((r) => r.status !== 200);
    if (failedReq) throw new Error(`${op}: the emulator answered ${failedReq.status} to ${failedReq.path} (${failedReq.note ?? ''})`);
    counts[op].push(seen.length);
    paths[op] = seen.map((r) => r.path.replace(/^\/v2/, '')).join(' + ');
    return result;
  }

  for (let r = 0; r < ROUNDS; r++) {
    const roomId = `bench-room-${r}`;
    const userId = `bench-user-${r}`;
    await collab.users.upsert?.({ id: userId, name: `Bench User ${r}` });
    await collab.rooms.create({ id: roomId, name: `Bench room ${r}` });
    const thread = await collab.threads.create({ roomId, comment: { authorId: userId, body: text(`thread ${r}`) } });
    const resolved = await counted('threads.resolve', () => collab.threads.resolve(roomId, thread.id, { userId }));
    if (!resolved.resolved) throw new Error('threads.resolve returned an unresolved thread');

    for (const op of ['notifications.markRead', 'notifications.delete']) {
      await collab.notifications.trigger({ userId, kind: 'benchPing', subjectId: `${op}-${r}`, roomId });
      const page = await collab.notifications.list(userId);
      const n = page.items.find((x) => x.subjectId === `${op}-${r}`) ?? page.items[0];
      if (!n) throw new Error(`no notification for ${userId} after notifications.trigger`);
      if (op === 'notifications.markRead') {
        await counted(op, () => collab.notifications.markRead(userId, n.id));
        const after = await collab.notifications.list(userId);
        if (after.items.find((x) => x.id === n.id)?.readAt == null) throw new Error('markRead did not mark the notification read');
      } else {
        await counted(op, () => collab.notifications.delete(userId, n.id));
        const after = await collab.notifications.list(userId);
        if (after.items.some((x) => x.id === n.id)) throw new Error('delete left the notification in the inbox');
      }
    }
  }
  await collab.close();
} finally {
  await emulator.close();
}

const { rows, row, failed } = makeRows();
const targets = { 'threads.resolve': 2, 'notifications.markRead': 1, 'notifications.delete': 1 };
for (const [op, target] of Object.entries(targets)) {
  const c = counts[op];
  const m = median(c);
  const [q1, q3] = iqr(c);
  // Judged on every round (a count does not vary with load): the worst round must meet the target.
  row(`Velt ${op}: HTTP requests (happy path, at the emulator)`, String(m), '-', '', `${q1}-${q3}`, `<= ${target}`, Math.max(...c) <= target);
  const [lo, hi] = iqr(times[op]);
  row(`  wall per call (emulator on loopback)`, fmtMs(median(times[op]), 2), '-', '', `${lo.toFixed(2)}-${hi.toFixed(2)} ms`);
}

console.log(`Velt requests per operation, counted at the Velt emulator over ${ROUNDS} rounds (fresh room, thread and notifications per round)`);
console.log(machineLine());
for (const op of Object.keys(targets)) console.log(`  ${op.padEnd(24)} ${paths[op]}`);
console.log('');
printTable(rows);
emitResults('velt-requests', rows);
process.exitCode = failed() ? 1 : 0;
