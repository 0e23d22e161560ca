/**
 * Shared helpers of the benches (issue 12, "benchmarks that do not flatter"): every figure is a median
 * over interleaved rounds, printed with its interquartile range (IQR, 25th-75th percentile); ratios are
 * paired (one ratio per round, both sides measured back to back in that round), never best-of.
 *
 * Each bench prints its own table with `printTable(rows)` and then `emitResults(bench, rows)`: one line
 * `BENCH_RESULT <json>` that bench/run.mjs collects into the one summary table of `npm run bench`.
 *
 * A row: { measure, unicollab, baseline, ratio, iqr, target, verdict } (strings; verdict 'ok', 'MISSED',
 * 'not run' or '' for informative rows). Build rows with `makeRows()`.
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';

/** Linear-interpolated quantile (q in [0, 1]) of a non-empty array. */
export function quantile(xs, q) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
}
export const median = (xs) => quantile(xs, 0.5);
/** [25th, 75th] percentile. */
export const iqr = (xs) => [quantile(xs, 0.25), quantile(xs, 0.75)];
/** Element-wise a[i] / b[i]: the per-round paired ratios. */
export const pairedRatios = (a, b) => a.map((x, i) => x / b[i]);

/** Formats an IQR pair: `1.02-1.07` (ratios) or `1.2-3.4 ms` with a unit. */
export function range([lo, hi], unit = '', digits = unit ? 1 : 2) {
  return `${lo.toFixed(digits)}-${hi.toFixed(digits)}${unit}`;
}
export const fmtMs = (v, digits = 1) => `${v.toFixed(digits)} ms`;
export const fmtUs = (v, digits = 1) => `${v.toFixed(digits)} µs`;
export const fmtX = (v, digits = 2) => `${v.toFixed(digits)}x`;
export const fmtOps = (v) => `${Math.round(v).toLocaleString('en-US')}/s`;

/** Rotation of `names` for round `r`: each round starts with the next contender. */
export const rotation = (names, r) => names.map((_, i) => names[(i + r) % names.length]);

/** CPU time (user + system) of this process in µs. */
export function cpuMicros() {
  const c = process.cpuUsage();
  return c.user + c.system;
}

/**
 * Runs `fn` (async or not) and returns { wallNs, cpuUs } of the whole run: wall from process.hrtime,
 * CPU from process.cpuUsage (this process only: keep servers in another process).
 */
export async function measure(fn) {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await fn();
  const wallNs = Number(process.hrtime.bigint() - t0);
  const c = process.cpuUsage(c0);
  return { wallNs, cpuUs: c.user + c.system };
}

/**
 * Interleaved chunks: `cycles` cycles; in each, every contender runs one chunk (`runChunk(fn)` returning
 * { wallNs, cpuUs, calls }), the order rotating per cycle. Returns name -> array of per-chunk samples
 * { wallNs, cpuUs, calls, wallPerCall (ns), cpuPerCall (µs) }, index = cycle, so samples pair by index.
 */
export async function interleave(contenders, cycles, runChunk) {
  const names = Object.keys(contenders);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < cycles; r++) {
    for (const name of rotation(names, r)) {
      const s = await runChunk(contenders[name], name);
      samples[name][r] = { ...s, wallPerCall: s.wallNs / s.calls, cpuPerCall: s.cpuUs / s.calls };
    }
  }
  return samples;
}

/** The values of `key` of samples. */
export const field = (samples, key) => samples.map((s) => s[key]);

/** A row collector: `row(...)` appends, `failed()` tells whether a target was missed. */
export function makeRows() {
  const rows = [];
  let missed = false;
  /**
   * Appends a row. `ok` undefined: informative (verdict ''); true/false: 'ok'/'MISSED'; a string: that verdict
   * (e.g. 'not run', which is not a miss).
   */
  function row(measure, unicollab, baseline, ratio, spread, target, ok) {
    if (ok === false) missed = true;
    const verdict = ok === undefined ? '' : ok === true ? 'ok' : ok === false ? 'MISSED' : String(ok);
    rows.push({ measure, unicollab: unicollab ?? '', baseline: baseline ?? '', ratio: ratio ?? '', iqr: spread ?? '', target: target ?? '(informative)', verdict });
    return rows[rows.length - 1];
  }
  return { rows, row, failed: () => missed };
}

export const COLUMNS = ['measure', 'unicollab', 'baseline', 'ratio', 'iqr', 'target', 'verdict'];
const HEADER = ['measure', 'unicollab', 'baseline', 'ratio', 'IQR', 'target', 'verdict'];

/**
 * Prints rows as an aligned table (measure left-aligned, the rest right-aligned). A row with only
 * `section` set prints as a section line.
 */
export function printTable(rows, log = console.log) {
  const cells = (r) => COLUMNS.map((k) => String(r[k] ?? ''));
  const data = rows.filter((r) => !r.section);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...data.map((r) => cells(r)[i].length)));
  const line = (cs) => `  ${cs.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`;
  log(line(HEADER));
  log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) log(r.section ? `  [${r.section}]` : line(cells(r)));
}

export const RESULT_PREFIX = 'BENCH_RESULT ';
/** Prints the machine-readable result line that bench/run.mjs collects. */
export function emitResults(bench, rows) {
  console.log(RESULT_PREFIX + JSON.stringify({ bench, rows }));
}

/** One line describing the machine, for bench headers. */
export function machineLine() {
  const load = loadavg();
  const busy = load[0] > cpus().length ? ' (busier than its CPU count: other processes compete, wall figures are noisy)' : '';
  return `Node ${process.version}, ${cpus().length} CPU(s) ${cpus()[0]?.model ?? ''}, load average ${load.map((l) => l.toFixed(2)).join(' ')}${busy}`;
}

/** Env number with a default. */
export const envNumber = (name, fallback) => (process.env[name] !== undefined && process.env[name] !== '' ? Number(process.env[name]) : fallback);

/**
 * The built package's directory: UNICOLLAB_DIST or ../../dist; exits with a hint when it is missing.
 */
export function distDirOrExit(here) {
  const dir = process.env.UNICOLLAB_DIST ? resolve(process.env.UNICOLLAB_DIST) : resolve(here, '..', 'dist');
  if (!existsSync(join(dir, 'index.js'))) {
    console.error(`Cannot find the built package in ${dir}.`);
    console.error('Run `npm run build` first, or set UNICOLLAB_DIST to a tsc output directory (see the header of the bench).');
    process.exit(1);
  }
  return dir;
}
