#!/usr/bin/env node
/**
 * Cold start (issue 12): what importing unicollab costs a fresh process, against `@liveblocks/node`.
 *
 * Every sample is a fresh `node --input-type=module -e ...` process (nothing cached but the OS's file
 * cache), and the contenders are interleaved: each round spawns every contender once, in an order that
 * rotates per round, so a burst of load from other processes hits them alike. Ratios are paired: the
 * ratio of one contender's sample to the baseline's sample of the same round; the verdict is judged on
 * the median over BENCH_ROUNDS rounds (default 10), printed with its interquartile range (IQR).
 *
 * Measured per subpath (`unicollab`, `unicollab/memory`, `/liveblocks`, `/velt`, `/kabelwerk`, `/testing`):
 *   - wall time of the whole process `node -e "await import(<subpath>)"` (spawn to exit), vs the same
 *     process importing `@liveblocks/node` (the baseline), and the process's CPU (user + system,
 *     `process.cpuUsage()` at exit);
 *   - the import time not spent inside inversify and zod (the two dependencies the design requires):
 *     in a fresh process, `reflect-metadata`, `inversify` and `zod` are imported first (timed: the
 *     baseline column), then the subpath (timed with `performance.now()`: the unicollab column). Paired
 *     within one process, this is less noisy than subtracting two processes' medians (printed too, as
 *     "by subtraction": wall(subpath) - wall(inversify + zod alone));
 *   - the modules the import loads (a module-loader hook counting each `load`, in a separate untimed
 *     run), and whether any of ky, jose, phoenix, ws, yjs or vitest is among them (each must load only
 *     when used: ky with `transport: 'ky'`, jose when a token is issued or decoded, phoenix/ws by
 *     Kabelwerk realtime, yjs by documents, vitest by the conformance suite when it runs);
 *   - the first `createCollab()` after `import('unicollab')`, loading the adapter included (memory, and
 *     liveblocks with a dummy key: creating a collab sends no request), timed in-process; its baseline
 *     column is `new Liveblocks({ secret })` after `import('@liveblocks/node')`.
 *
 * Targets (issue 12): cold `import('unicollab/liveblocks')` / `import('@liveblocks/node')` <= 2.5x; its
 * import time outside inversify + zod <= 40 ms; first `createCollab()` <= 20 ms (memory and liveblocks);
 * no subpath loads ky, jose, phoenix, ws, yjs or vitest at import. Exit code 1 when a target is missed.
 *
 * Usage (the bench imports the BUILT package):
 *   npm run build && node bench/cold-start.mjs
 *   # or a build elsewhere; the directory needs the package.json ("type": "module") and node_modules next to it:
 *   mkdir -p /tmp/ucbench && cp package.json /tmp/ucbench/ && ln -sfn "$PWD/node_modules" /tmp/ucbench/node_modules
 *   npx tsc -p tsconfig.json --outDir /tmp/ucbench/dist && node scripts/bundle.mjs /tmp/ucbench/dist
 *   UNICOLLAB_DIST=/tmp/ucbench/dist node bench/cold-start.mjs
 * Options (env): BENCH_ROUNDS (fresh processes per contender, default 10).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { emitResults, envNumber, fmtMs, iqr, machineLine, makeRows, median, pairedRatios, printTable, range } from './lib/stats.mjs';

const here = import.meta.dirname ?? new URL('.', import.meta.url).pathname;
const distDir = process.env.UNICOLLAB_DIST ? resolve(process.env.UNICOLLAB_DIST) : resolve(here, '../dist');
if (!existsSync(join(distDir, 'index.js'))) {
  console.error(`Cannot find the built package in ${distDir}.`);
  console.error('Run `npm run build` first, or set UNICOLLAB_DIST to another build (see the header of this file).');
  process.exit(1);
}
const ROUNDS = envNumber('BENCH_ROUNDS', 10);
// Children resolve bare specifiers (@liveblocks/node, inversify, zod) from the repository, whose
// node_modules holds the dev dependencies.
const cwd = resolve(here, '..');
const url = (rel) => pathToFileURL(join(distDir, rel)).href;

/** The subpaths, as the package's `exports` map them to files of dist/. */
const SUBPATHS = {
  unicollab: url('index.js'),
  'unicollab/memory': url('adapters/memory/index.js'),
  'unicollab/liveblocks': url('adapters/liveblocks/index.js'),
  'unicollab/velt': url('adapters/velt/index.js'),
  'unicollab/kabelwerk': url('adapters/kabelwerk/index.js'),
  'unicollab/testing': url('testing/index.js'),
};
/** Packages that must not load at import time (each loads on first use). */
const LAZY = ['ky', 'jose', 'phoenix', 'ws', 'yjs', 'vitest'];
const DEPS = `await import('reflect-metadata'); await import('inversify'); await import('zod');`;

// Each child prints one JSON line: `ms` (the timed part, in-process), `deps` (the preloaded
// dependencies' time, when any) and `cpu` (user + system of the whole process, ms).
const report = (fields) => `process.stdout.write(JSON.stringify({ ${fields}, cpu: (() => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; })() }));`;
const importOf = (spec) => `const t0 = performance.now(); await import(${JSON.stringify(spec)}); const ms = performance.now() - t0; ${report('ms')}`;
const afterDeps = (spec) =>
  `const t0 = performance.now(); ${DEPS} const t1 = performance.now(); await import(${JSON.stringify(spec)}); const ms = performance.now() - t1, deps = t1 - t0; ${report('ms, deps')}`;
const firstCollab = (config) =>
  `const { createCollab } = await import(${JSON.stringify(SUBPATHS.unicollab)}); const t0 = performance.now(); const collab = await createCollab(${JSON.stringify(config)}); const ms = performance.now() - t0; await collab.close(); ${report('ms')}`;

/** Contender name -> child script. */
const contenders = {
  baseline: importOf('@liveblocks/node'),
  'node -e (empty)': report('ms: 0'),
  'inversify + zod alone': `const t0 = performance.now(); ${DEPS} const ms = performance.now() - t0; ${report('ms')}`,
  ...Object.fromEntries(Object.entries(SUBPATHS).map(([name, spec]) => [name, importOf(spec)])),
  ...Object.fromEntries(Object.entries(SUBPATHS).map(([name, spec]) => [`${name} after deps`, afterDeps(spec)])),
  'createCollab memory': firstCollab({ provider: 'memory' }),
  'createCollab liveblocks': firstCollab({ provider: 'liveblocks', secretKey: 'sk_bench_cold_start_0000000000' }),
  'new Liveblocks()': `const { Liveblocks } = await import('@liveblocks/node'); const t0 = performance.now(); new Liveblocks({ secret: 'sk_bench_cold_start_0000000000' }); const ms = performance.now() - t0; ${report('ms')}`,
};

function spawn(script, extraArgs = [], env = process.env) {
  const t0 = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [...extraArgs, '--input-type=module', '-e', script], { cwd, env, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (run.status !== 0) throw new Error(`child failed (exit ${run.status}): ${run.stderr.slice(0, 2000)}\n--- script: ${script}`);
  return { wall, ...JSON.parse(run.stdout) };
}

// ------------------------------------------------------------------------- modules (untimed)
// A loader hook (off-thread, as Node runs hooks) appends every loaded URL to a file named by env.
const hooks = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  const r = await next(url, context);
  if (!url.startsWith('node:')) appendFileSync(process.env.COLD_START_TRACE, url + '\\n');
  return r;
}`;
const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
const traceDir = mkdtempSync(join(tmpdir(), 'cold-start-'));
/** Loaded module URLs of one import, and the packages among them. */
function modulesOf(spec) {
  const file = join(traceDir, `${Math.random().toString(36).slice(2)}.txt`);
  const script = `${register} await import(${JSON.stringify(spec)}); process.stdout.write('{}');`;
  spawn(script, [], { ...process.env, COLD_START_TRACE: file });
  const urls = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const packages = new Set(urls.map((u) => u.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1]).filter(Boolean));
  return { count: urls.length, own: urls.filter((u) => u.startsWith(pathToFileURL(distDir).href)).length, lazyLoaded: LAZY.filter((p) => packages.has(p)) };
}
const modules = { baseline: modulesOf('@liveblocks/node'), ...Object.fromEntries(Object.entries(SUBPATHS).map(([name, spec]) => [name, modulesOf(spec)])) };
rmSync(traceDir, { recursive: true, force: true });

// ------------------------------------------------------------------------------ timed rounds
const names = Object.keys(contenders);
const samples = Object.fromEntries(names.map((n) => [n, []]));
for (const name of names) spawn(contenders[name]); // warm the OS file cache for every contender
const started = Date.now();
for (let r = 0; r < ROUNDS; r++) {
  for (let i = 0; i < names.length; i++) {
    const name = names[(i + r) % names.length];
    samples[name].push(spawn(contenders[name]));
  }
}
const seconds = (Date.now() - started) / 1000;

// ---------------------------------------------------------------------------------- statistics
const field = (name, key) => samples[name].map((s) => s[key]);
/** Per-round ratio of `a`'s sample to `b`'s (same round: the pair ran back to back). */
const paired = (a, b, key = 'wall') => pairedRatios(field(a, key), field(b, key));

// ------------------------------------------------------------------------------------- table
const { rows, row, failed } = makeRows();
const ms = fmtMs;

const lbWall = field('baseline', 'wall');
for (const name of Object.keys(SUBPATHS)) {
  const ratios = paired(name, 'baseline');
  const r = median(ratios);
  const isTarget = name === 'unicollab/liveblocks';
  row(`cold import('${name}'), whole process wall`, ms(median(field(name, 'wall'))), ms(median(lbWall)), `${r.toFixed(2)}x`, range(iqr(ratios)), isTarget ? '<= 2.5x' : undefined, isTarget ? r <= 2.5 : undefined);
  const cpuRatios = paired(name, 'baseline', 'cpu');
  row(`  cpu (user+system) of that process`, ms(median(field(name, 'cpu'))), ms(median(field('baseline', 'cpu'))), `${median(cpuRatios).toFixed(2)}x`, range(iqr(cpuRatios)));
  const own = field(`${name} after deps`, 'ms');
  const ownMs = median(own);
  row(`  import time outside inversify+zod (deps preloaded)`, ms(ownMs), `deps ${ms(median(field(`${name} after deps`, 'deps')))}`, '', range(iqr(own), ' ms'), isTarget ? '<= 40 ms' : undefined, isTarget ? ownMs <= 40 : undefined);
  const sub = samples[name].map((s, i) => s.wall - samples['inversify + zod alone'][i].wall);
  row(`  same, by subtraction of processes`, ms(median(sub)), '', '', range(iqr(sub), ' ms'));
  const m = modules[name];
  const clean = m.lazyLoaded.length === 0;
  row(`  modules loaded (own)`, `${m.count} (${m.own})`, `${modules.baseline.count}`, `${(m.count / modules.baseline.count).toFixed(2)}x`, '', `none of ${LAZY.join('/')}`, clean ? true : false);
  if (!clean) rows[rows.length - 1].unicollab += ` +${m.lazyLoaded.join(',')}`;
}
const emptyWall = field('node -e (empty)', 'wall');
row(`node -e '' (process floor)`, ms(median(emptyWall)), ms(median(lbWall)), '', range(iqr(emptyWall), ' ms'));
const depsWall = field('inversify + zod alone', 'wall');
row(`inversify + zod + reflect-metadata alone, wall`, ms(median(depsWall)), ms(median(lbWall)), `${median(paired('inversify + zod alone', 'baseline')).toFixed(2)}x`, range(iqr(paired('inversify + zod alone', 'baseline'))));
row(`  their import time, in-process`, ms(median(field('inversify + zod alone', 'ms'))), ms(median(field('baseline', 'ms'))), '', range(iqr(field('inversify + zod alone', 'ms')), ' ms'));
for (const provider of ['memory', 'liveblocks']) {
  const t = field(`createCollab ${provider}`, 'ms');
  const v = median(t);
  row(`first createCollab({ provider: '${provider}' }) after import`, ms(v), ms(median(field('new Liveblocks()', 'ms'))), '', range(iqr(t), ' ms'), '<= 20 ms', v <= 20);
}

console.log(`Cold start: fresh Node processes, ${ROUNDS} rounds interleaved (${names.length} contenders per round, ${seconds.toFixed(1)} s); dist: ${distDir}`);
console.log(machineLine());
console.log(`baseline: import('@liveblocks/node') in a fresh process; ratios are medians of per-round paired ratios, IQR their interquartile range.`);
console.log('');
printTable(rows);
emitResults('cold-start', rows);
process.exitCode = failed() ? 1 : 0;
