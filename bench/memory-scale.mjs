#!/usr/bin/env node
/**
 * Memory provider at scale (issue 12): 1k / 10k / 100k rooms.
 *
 * Per size N, on `createCollab({ provider: 'memory' })`:
 *   - create: N sequential `rooms.create({ id })` on a fresh collab (BENCH_CREATE_ROUNDS rounds, default 3);
 *   - first page: `rooms.list({ limit: 50 })` (BENCH_PAGE_ROUNDS, default 20);
 *   - full `rooms.iterate({ pageSize: 50 })` over all N (BENCH_ITERATE_ROUNDS, default 5); target at 100k:
 *     <= 0.3 s (linear; quadratic paging took 15.7 s);
 *   - one persisted write: a collab with `persistPath` in a temp dir holding N rooms (built in batches,
 *     closed and reopened so the write meets a loaded, settled store), then BENCH_WRITE_ROUNDS (default
 *     10) single `rooms.create` calls: the write's wall time, and the largest event-loop stall from the
 *     write's start until 100 ms after it resolved (a setImmediate probe: the longest gap between two
 *     consecutive turns of the loop; background compaction it triggers is inside the window). The gap
 *     is counted in this process's CPU time (process.cpuUsage between the two turns, capped at the wall
 *     gap), because on a loaded 2-core machine a wall gap also holds time the OS gave other processes;
 *     the wall gap is printed beside it. Target: no stall > 5 ms (judged on the median over rounds; the
 *     worst round is printed too).
 * Baseline column: a plain JS Map doing the same work (Map.set; the first 50 values; all values in pages
 * of 50; a naive persisted write = the whole Map JSON.stringify'd and written + fsync'd, whose stall is
 * the synchronous stringify). Each round runs unicollab and the baseline back to back, the order
 * rotating; ratios are medians of per-round paired ratios, with their IQR.
 *
 * Usage (the bench imports the BUILT package):
 *   npm run build && node bench/memory-scale.mjs
 *   UNICOLLAB_DIST=/tmp/ucbench/dist node bench/memory-scale.mjs   # a build elsewhere (see cold-start.mjs)
 * Options (env): BENCH_SCALE (the largest N, e.g. 10000 runs 1k and 10k; or a list "1000,50000"),
 * BENCH_CREATE_ROUNDS, BENCH_PAGE_ROUNDS, BENCH_ITERATE_ROUNDS, BENCH_WRITE_ROUNDS.
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { distDirOrExit, emitResults, envNumber, fmtMs, fmtX, iqr, machineLine, makeRows, median, pairedRatios, printTable, range, rotation } from './lib/stats.mjs';

const here = import.meta.dirname ?? new URL('.', import.meta.url).pathname;
const distDir = distDirOrExit(here);
const { createCollab } = await import(pathToFileURL(join(distDir, 'index.js')).href);

const ALL = [1_000, 10_000, 100_000];
const scaleEnv = process.env.BENCH_SCALE;
const SIZES = !scaleEnv ? ALL : scaleEnv.includes(',') ? scaleEnv.split(',').map(Number) : ALL.filter((n) => n <= Number(scaleEnv));
if (SIZES.length === 0) SIZES.push(Number(scaleEnv));
const CREATE_ROUNDS = envNumber('BENCH_CREATE_ROUNDS', 3);
const PAGE_ROUNDS = envNumber('BENCH_PAGE_ROUNDS', 20);
const ITERATE_ROUNDS = envNumber('BENCH_ITERATE_ROUNDS', 5);
const WRITE_ROUNDS = envNumber('BENCH_WRITE_ROUNDS', 10);
const PAGE = 50;
const ITERATE_TARGET_S = 0.3;
const STALL_TARGET_MS = 5;

const roomId = (i) => `room-${String(i).padStart(7, '0')}`;
const now = () => performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let sink = 0;

/**
 * Starts a setImmediate probe. `stop()` returns { wall, cpu }: the longest gap (ms) between two turns of
 * the event loop, and the longest gap counted in this process's CPU time (process.cpuUsage between the
 * two turns, capped at the gap's wall time). On a loaded machine the wall gap includes time the OS gave
 * other processes; the CPU gap is the time this process spent blocking its own loop (it may include
 * helper threads' CPU, e.g. parallel GC, so it can only overstate).
 */
function stallProbe() {
  let last = now();
  let lastCpu = process.cpuUsage();
  let wall = 0;
  let cpu = 0;
  let on = true;
  const tick = () => {
    const t = now();
    const c = process.cpuUsage();
    const gap = t - last;
    if (gap > wall) wall = gap;
    const cpuGap = Math.min(gap, (c.user - lastCpu.user + c.system - lastCpu.system) / 1000);
    if (cpuGap > cpu) cpu = cpuGap;
    last = t;
    lastCpu = c;
    if (on) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    stop: () => {
      on = false;
      tick();
      return { wall, cpu };
    },
  };
}

/** Runs `rounds` rounds of { uc, map } (async functions returning a number: ms), order rotating. */
async function pairedRounds(rounds, pair) {
  const out = { uc: [], map: [] };
  for (let r = 0; r < rounds; r++) {
    for (const side of rotation(['uc', 'map'], r)) out[side].push(await pair[side](r));
  }
  return out;
}

const { rows, row, failed } = makeRows();
const log = [];
const started = Date.now();
const fmtN = (n) => (n >= 1000 ? `${n / 1000}k` : String(n));

function pairedRow(label, samples, { target, ok, digits = 1 } = {}) {
  const ratios = pairedRatios(samples.uc, samples.map);
  row(label, fmtMs(median(samples.uc), digits), fmtMs(median(samples.map), digits), fmtX(median(ratios), 2), `${range(iqr(samples.uc), ' ms', digits)}`, target, ok);
}

for (const N of SIZES) {
  // ----------------------------------------------------------------------------------- in memory
  let kept; // the last round's collab and map, reused for the read measures
  const creates = await pairedRounds(CREATE_ROUNDS, {
    uc: async () => {
      if (kept?.collab) await kept.collab.close();
      const collab = await createCollab({ provider: 'memory' });
      const t0 = now();
      for (let i = 0; i < N; i++) await collab.rooms.create({ id: roomId(i) });
      const ms = now() - t0;
      kept = { ...kept, collab };
      return ms;
    },
    map: async () => {
      const map = new Map();
      const t0 = now();
      for (let i = 0; i < N; i++) {
        const id = roomId(i);
        map.set(id, { id, name: undefined, metadata: {}, access: { default: 'none', users: {}, groups: {} }, createdAt: new Date(), updatedAt: new Date() });
      }
      const ms = now() - t0;
      kept = { ...kept, map };
      return ms;
    },
  });
  pairedRow(`memory ${fmtN(N)} rooms: create all (sequential rooms.create)`, creates);
  const { collab, map } = kept;

  const firstPage = await pairedRounds(PAGE_ROUNDS, {
    uc: async () => {
      const t0 = now();
      const page = await collab.rooms.list({ limit: PAGE });
      const ms = now() - t0;
      if (page.items.length !== Math.min(PAGE, N)) throw new Error(`first page has ${page.items.length} rooms`);
      return ms;
    },
    map: async () => {
      const t0 = now();
      const items = [];
      for (const v of map.values()) {
        if (items.push(v) === PAGE) break;
      }
      const ms = now() - t0;
      sink ^= items.length;
      return ms;
    },
  });
  pairedRow(`memory ${fmtN(N)} rooms: first page (list, limit 50)`, firstPage, { digits: 3 });

  const iterateCpu = [];
  const iterates = await pairedRounds(ITERATE_ROUNDS, {
    uc: async () => {
      const c0 = process.cpuUsage();
      const t0 = now();
      let n = 0;
      for await (const room of collab.rooms.iterate({ pageSize: PAGE })) n += room.id.length > 0 ? 1 : 0;
      const ms = now() - t0;
      const c = process.cpuUsage(c0);
      iterateCpu.push((c.user + c.system) / 1000);
      if (n !== N) throw new Error(`iterate yielded ${n} of ${N} rooms`);
      return ms;
    },
    map: async () => {
      const t0 = now();
      let n = 0;
      let page = [];
      for (const v of map.values()) {
        page.push(v);
        if (page.length === PAGE) {
          n += page.length;
          page = [];
          await null; // one await per page, as a paging loop has
        }
      }
      n += page.length;
      const ms = now() - t0;
      sink ^= n;
      return ms;
    },
  });
  const iterMs = median(iterates.uc);
  const isTarget = N === 100_000;
  pairedRow(`memory ${fmtN(N)} rooms: full rooms.iterate (pageSize 50)`, iterates, {
    target: isTarget ? `<= ${ITERATE_TARGET_S} s` : undefined,
    ok: isTarget ? iterMs <= ITERATE_TARGET_S * 1000 : undefined,
  });
  row(`  same, CPU (process.cpuUsage)`, fmtMs(median(iterateCpu)), '', '', range(iqr(iterateCpu), ' ms'));
  log.push(`  ${fmtN(N)}: iterate ${((iterMs * 1000) / N).toFixed(2)} µs per room wall, ${((median(iterateCpu) * 1000) / N).toFixed(2)} µs CPU (linear paging keeps this flat across sizes)`);
  await collab.close();

  // ----------------------------------------------------------------------------------- persisted
  const dir = mkdtempSync(join(tmpdir(), 'unicollab-memory-scale-'));
  try {
    const persistPath = join(dir, 'state.json');
    const build0 = now();
    const builder = await createCollab({ provider: 'memory', persistPath });
    for (let i = 0; i < N; i += 500) {
      await Promise.all(Array.from({ length: Math.min(500, N - i) }, (_, j) => builder.rooms.create({ id: roomId(i + j) })));
    }
    await builder.close();
    const buildMs = now() - build0;
    const open0 = now();
    const store = await createCollab({ provider: 'memory', persistPath });
    const openMs = now() - open0;
    await sleep(300); // let any background work of the reopen settle
    log.push(`  ${fmtN(N)}: persisted store built in ${(buildMs / 1000).toFixed(2)} s (batches of 500 creates), reopened in ${openMs.toFixed(0)} ms`);

    const naivePath = join(dir, 'naive.json');
    const stalls = { uc: [], map: [] };
    const writes = await pairedRounds(WRITE_ROUNDS, {
      uc: async (r) => {
        const probe = stallProbe();
        const t0 = now();
        await store.rooms.create({ id: `extra-${r}` });
        const ms = now() - t0;
        await sleep(100);
        stalls.uc.push(probe.stop());
        return ms;
      },
      map: async (r) => {
        const probe = stallProbe();
        const t0 = now();
        const id = `extra-${r}`;
        map.set(id, { id, metadata: {}, createdAt: new Date() });
        // The naive persisted write: the whole state, stringified synchronously, written and fsync'd.
        const text = JSON.stringify({ rooms: [...map.values()] });
        await new Promise((resolve) => setImmediate(resolve));
        const fd = openSync(naivePath, 'w');
        writeSync(fd, text);
        fsyncSync(fd);
        closeSync(fd);
        const ms = now() - t0;
        await sleep(100);
        stalls.map.push(probe.stop());
        return ms;
      },
    });
    await store.close();
    pairedRow(`memory ${fmtN(N)} rooms persisted: one write (rooms.create), wall`, writes, { digits: 2 });
    const cpuStalls = { uc: stalls.uc.map((x) => x.cpu), map: stalls.map.map((x) => x.cpu) };
    const wallStalls = { uc: stalls.uc.map((x) => x.wall), map: stalls.map.map((x) => x.wall) };
    const stall = median(cpuStalls.uc);
    const ratios = pairedRatios(cpuStalls.uc, cpuStalls.map);
    row(
      `memory ${fmtN(N)} rooms persisted: largest event-loop stall of one write (CPU)`,
      fmtMs(stall, 2),
      fmtMs(median(cpuStalls.map), 2),
      fmtX(median(ratios), 2),
      range(iqr(cpuStalls.uc), ' ms', 2),
      `<= ${STALL_TARGET_MS} ms`,
      stall <= STALL_TARGET_MS,
    );
    row(`  worst CPU stall over ${WRITE_ROUNDS} writes`, fmtMs(Math.max(...cpuStalls.uc), 2), fmtMs(Math.max(...cpuStalls.map), 2), '', '');
    row(`  largest stall in wall time (incl. OS preemption)`, fmtMs(median(wallStalls.uc), 2), fmtMs(median(wallStalls.map), 2), fmtX(median(pairedRatios(wallStalls.uc, wallStalls.map)), 2), range(iqr(wallStalls.uc), ' ms', 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`Memory provider scale: ${SIZES.map(fmtN).join(' / ')} rooms (${((Date.now() - started) / 1000).toFixed(1)} s)`);
console.log(machineLine());
console.log(`rounds: create ${CREATE_ROUNDS}, first page ${PAGE_ROUNDS}, iterate ${ITERATE_ROUNDS}, persisted write ${WRITE_ROUNDS}; unicollab and the Map baseline back to back per round, order rotating.`);
console.log('IQR column: the interquartile range of unicollab\'s figure; ratio: median of per-round paired ratios unicollab / Map.');
for (const l of log) console.log(l);
console.log('');
printTable(rows);
emitResults('memory-scale', rows);
if (sink === 0.5) console.log('');
process.exitCode = failed() ? 1 : 0;
