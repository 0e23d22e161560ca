#!/usr/bin/env node
/**
 * Runs every benchmark in bench/ (each `*.mjs` file except this one and helpers under bench/lib), one after
 * the other in separate Node processes so they do not disturb each other's JIT or sockets.
 * `npm run bench` runs this. The benches import the built package: run `npm run build` first, or set
 * UNICOLLAB_DIST to a tsc output directory (see each bench's header). Other env options pass through.
 *
 * Usage: node bench/run.mjs [name-filter ...]   e.g. `node bench/run.mjs webhook`
 * Exit code: 1 when any bench failed or missed its budget.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

const results = [];
for (const file of benches) {
  console.log(`\n=== ${file} ===`);
  const started = Date.now();
  const run = spawnSync(process.execPath, [join(here, file)], { stdio: 'inherit', env: process.env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const status = run.error ? `error: ${run.error.message}` : run.signal ? `killed by ${run.signal}` : run.status === 0 ? 'ok' : `exit ${run.status} (failed or missed a budget)`;
  results.push({ file, status, seconds, ok: !run.error && run.status === 0 });
}

console.log('\n=== summary ===');
for (const r of results) console.log(`  ${r.file.padEnd(28)} ${r.status}  (${r.seconds} s)`);
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
