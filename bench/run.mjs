#!/usr/bin/env node
/**
 * Runs every benchmark in bench/ (each `*.mjs` file except this one; helpers live under bench/lib), one
 * after the other in separate Node processes so they do not disturb each other's JIT or sockets. Each
 * bench prints its own output (shown as it runs) and one `BENCH_RESULT <json>` line with its table rows
 * (bench/lib/stats.mjs); at the end this prints ONE table of every bench's rows (measure, unicollab,
 * baseline, ratio, IQR, target, verdict) and a per-bench status.
 *
 * `npm run bench` runs this. The benches import the built package: run `npm run build` first, or set
 * UNICOLLAB_DIST to another build (`tsc --outDir <dir>` then `node scripts/bundle.mjs <dir>`, see each
 * bench's header). Other env options pass through (round counts: BENCH_ROUNDS, BENCH_CYCLES,
 * BENCH_SCALE, ...; BENCH_DEVSERVER=0 leaves out the Liveblocks dev server runs). The whole run
 * takes a few minutes on a 2-core machine.
 *
 * Usage: node bench/run.mjs [name-filter ...]   e.g. `node bench/run.mjs webhook`
 * Exit code: 1 when any bench failed, printed no results, or any row missed its target.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { machineLine, printTable, RESULT_PREFIX } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs')
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (benches.length === 0) {
  console.error(`No bench matches ${filters.join(', ')}`);
  process.exit(2);
}

/** Runs one bench, echoing its output except the result line; resolves with its status and rows. */
function runBench(file) {
  return new Promise((resolveRun) => {
    const started = Date.now();
    const child = spawn(process.execPath, [join(here, file)], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    const results = [];
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (line.startsWith(RESULT_PREFIX)) {
        try {
          results.push(JSON.parse(line.slice(RESULT_PREFIX.length)));
        } catch (err) {
          console.log(`(unreadable result line of ${file}: ${err.message})`);
        }
      } else console.log(line);
    });
    let spawnError;
    child.on('error', (err) => (spawnError = err));
    child.on('close', (code, signal) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const status = spawnError ? `error: ${spawnError.message}` : signal ? `killed by ${signal}` : code === 0 ? 'ok' : `exit ${code}`;
      resolveRun({ file, status, seconds, ok: !spawnError && code === 0, results });
    });
  });
}

const started = Date.now();
const runs = [];
for (const file of benches) {
  console.log(`\n=== ${file} ===`);
  runs.push(await runBench(file));
}

const rows = [];
let missed = 0;
let informative = 0;
let notRun = 0;
for (const run of runs) {
  for (const result of run.results) {
    rows.push({ section: result.bench });
    for (const r of result.rows) {
      rows.push(r);
      if (r.verdict === 'MISSED') missed++;
      else if (r.verdict === 'not run') notRun++;
      else if (!r.verdict) informative++;
    }
  }
}

console.log(`\n=== summary: every bench's rows (${((Date.now() - started) / 1000).toFixed(0)} s) ===`);
console.log(machineLine());
console.log('Figures are medians over interleaved rounds; ratio = median of per-round paired ratios; IQR = interquartile range.');
console.log('');
if (rows.length > 0) printTable(rows);
const judged = rows.filter((r) => !r.section && r.verdict && r.verdict !== 'not run').length;
console.log('');
console.log(`targets: ${judged - missed} ok, ${missed} missed; ${informative} informative rows; ${notRun} not run`);
for (const r of runs) {
  const noResults = r.results.length === 0;
  console.log(`  ${r.file.padEnd(26)} ${r.status}${noResults ? ', no BENCH_RESULT line' : ''}  (${r.seconds} s)`);
}
// A bench exits 1 when it missed a target (counted above) or crashed (then it may have no results).
process.exitCode = missed === 0 && runs.every((r) => r.ok && r.results.length > 0) ? 0 : 1;
