#!/usr/bin/env node
/**
 * Per-call cost of unicollab's Liveblocks adapter (issue 12): `collab.rooms.get` (default config, so on
 * Node.js the `node` transport, node:http) vs raw `fetch` + `res.json()` (what an app writes by hand)
 * and vs `@liveblocks/node` `Liveblocks#getRoom`, the same GET /v2/rooms/{id}. A fourth contender,
 * unicollab with `transport: 'fetch'`, is informative: its ratio to raw fetch is unicollab's own cost
 * (validation, mapping, policy) on the same transport as the baseline.
 *
 *   1. Canned local socket server: a node:http server on 127.0.0.1 in a SEPARATE process (so this
 *      process's CPU is the clients' only), answering the documented "Get room" JSON of the REST
 *      reference (vendors/liveblocks.md 3.1) with keep-alive. Measured: CPU per call
 *      (process.cpuUsage delta / calls) — the targets — and wall per call beside it.
 *   2. The Liveblocks dev server (`liveblocks dev` under Bun, as test/adapters/liveblocks/integration
 *      starts it), wall per call (BENCH_DEVSERVER=0 skips it, for a machine without the dev dependencies;
 *      its rows then print as "not run"). CPU per call is printed beside it (informative).
 *
 * Both sequential (one call at a time) and BENCH_CONCURRENCY (16) in flight. Method: after a warm-up,
 * BENCH_CYCLES interleaved cycles (default 90); in each, every contender runs one chunk (BENCH_SEQ_CHUNK
 * = 400 sequential calls / BENCH_CONC_CHUNK = 1600 calls 16 in flight), the order rotating per cycle.
 * The verdict is the median over cycles of the paired ratio (unicollab's chunk / the baseline's chunk of
 * the same cycle), printed with its IQR. No best-of.
 *
 * Targets: CPU per call vs raw fetch <= 1.03x, vs @liveblocks/node <= 1.00x (canned server, sequential
 * and 16 in flight); on the dev server, wall per call vs raw <= 1.03x, vs @liveblocks/node <= 1.00x.
 * Exit code 1 when a target is missed.
 *
 * Usage (the bench imports the BUILT package):
 *   npm run build && node bench/liveblocks-overhead.mjs
 *   # or a build elsewhere; the directory needs the package.json ("type": "module") and node_modules next to it:
 *   mkdir -p /tmp/ucbench && cp package.json /tmp/ucbench/ && ln -sfn "$PWD/node_modules" /tmp/ucbench/node_modules
 *   npx tsc -p tsconfig.json --outDir /tmp/ucbench/dist && node scripts/bundle.mjs /tmp/ucbench/dist && UNICOLLAB_DIST=/tmp/ucbench/dist node bench/liveblocks-overhead.mjs
 * Options (env): BENCH_CYCLES (default 90), BENCH_SEQ_CHUNK (default 400), BENCH_CONC_CHUNK (default 1600),
 * BENCH_CONCURRENCY (default 16), BENCH_DEVSERVER=0 (skip the Liveblocks dev server).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { Liveblocks } from '@liveblocks/node';
import { distDirOrExit, emitResults, envNumber, field, fmtUs, fmtX, interleave, iqr, machineLine, makeRows, median, pairedRatios, printTable, range } from './lib/stats.mjs';

const here = import.meta.dirname ?? new URL('.', import.meta.url).pathname;
const distDir = distDirOrExit(here);
const { createCollab } = await import(pathToFileURL(join(distDir, 'index.js')).href);

// 90, not 30: one chunk's paired ratio varies by ~±10% on a 2-core machine (the server shares it), so
// with 30 cycles the median itself moved by ~2.5% from run to run, as much as the margin being judged.
const CYCLES = envNumber('BENCH_CYCLES', 90);
const SEQ_CHUNK = envNumber('BENCH_SEQ_CHUNK', 400);
const CONC_CHUNK = envNumber('BENCH_CONC_CHUNK', 1600);
const CONCURRENCY = envNumber('BENCH_CONCURRENCY', 16);
// On by default: the issue's targets include the dev-server rows, and Bun and the server are dev dependencies.
const DEVSERVER = process.env.BENCH_DEVSERVER !== '0';

const UC = 'unicollab collab.rooms.get';
/** The same call over the `fetch` transport (informative: unicollab's own overhead on the same transport as the raw baseline). */
const UC_FETCH = "unicollab, transport 'fetch'";
const RAW = 'raw fetch + res.json()';
const LB = '@liveblocks/node getRoom';

/** "Get room" response example of the REST reference (vendors/liveblocks.md 3.1). */
const ROOM_ID = 'react-todo-list';
const ROOM = {
  type: 'room',
  id: ROOM_ID,
  lastConnectionAt: '2022-08-04T21:07:09.380Z',
  createdAt: '2022-07-13T14:32:50.697Z',
  metadata: { color: 'blue', size: '10', target: ['abc', 'def'] },
  defaultAccesses: ['room:write'],
  groupsAccesses: { marketing: ['room:write'] },
  usersAccesses: { alice: ['room:write'], vinod: ['room:write'] },
};
const CANNED_SECRET = 'sk_dev_bench_canned_server_0000';

/** The canned server, run as `node -e` in its own process; prints its port on the first line of stdout. */
const cannedServer = `
const { createServer } = require('node:http');
const body = Buffer.from(${JSON.stringify(JSON.stringify(ROOM))});
const path = ${JSON.stringify(`/v2/rooms/${ROOM_ID}`)};
const auth = ${JSON.stringify(`Bearer ${CANNED_SECRET}`)};
const server = createServer((req, res) => {
  if (req.method !== 'GET' || req.url !== path || req.headers.authorization !== auth) {
    res.writeHead(req.headers.authorization !== auth ? 403 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'NOT_FOUND', message: 'bench server: unexpected ' + req.method + ' ' + req.url }));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
process.stdin.on('end', () => process.exit(0)).resume();
`;

async function startCannedServer() {
  const child = spawn(process.execPath, ['-e', cannedServer], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const [line] = await once(lines, 'line');
  return {
    url: `http://127.0.0.1:${Number(line)}`,
    stop: async () => {
      child.stdin.end();
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

/** The three contenders against one server. */
async function contendersFor(url, secret, roomId) {
  // The default transport (on Node.js: node:http), as an app that sets nothing gets it.
  const collab = await createCollab({ provider: 'liveblocks', secretKey: secret, baseUrl: url });
  const collabFetch = await createCollab({ provider: 'liveblocks', secretKey: secret, baseUrl: url, transport: 'fetch' });
  const lb = new Liveblocks({ secret, baseUrl: url });
  const roomUrl = `${url}/v2/rooms/${encodeURIComponent(roomId)}`;
  const rawHeaders = { accept: 'application/json', authorization: `Bearer ${secret}` };
  const contenders = {
    [UC]: () => collab.rooms.get(roomId),
    [UC_FETCH]: () => collabFetch.rooms.get(roomId),
    [RAW]: async () => {
      const res = await fetch(roomUrl, { headers: rawHeaders });
      if (!res.ok) throw new Error(`raw fetch: HTTP ${res.status}`);
      return res.json();
    },
    [LB]: () => lb.getRoom(roomId),
  };
  // Sanity: every contender reads the same room, and unicollab maps it.
  for (const [name, fn] of Object.entries(contenders)) {
    const room = await fn();
    if (room?.id !== roomId) throw new Error(`${name} returned ${JSON.stringify(room)?.slice(0, 200)}`);
  }
  return { collab: { close: () => Promise.all([collab.close(), collabFetch.close()]) }, contenders };
}

async function sequential(fn, n) {
  for (let i = 0; i < n; i++) await fn();
}
async function inFlight(fn, n, c) {
  let next = 0;
  const worker = async () => {
    while (next++ < n) await fn();
  };
  await Promise.all(Array.from({ length: c }, worker));
}
const chunkOf = (run, calls) => async (fn) => {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await run(fn, calls);
  const wallNs = Number(process.hrtime.bigint() - t0);
  const c = process.cpuUsage(c0);
  return { wallNs, cpuUs: c.user + c.system, calls };
};

/** Sequential and in-flight samples of the three contenders. */
async function measureAll(contenders) {
  const seq = chunkOf(sequential, SEQ_CHUNK);
  const conc = chunkOf((fn, n) => inFlight(fn, n, CONCURRENCY), CONC_CHUNK);
  // Warm-up: JIT, keep-alive pools.
  for (let w = 0; w < 2; w++) for (const fn of Object.values(contenders)) await seq(fn), await conc(fn);
  const t0 = Date.now();
  const result = { seq: await interleave(contenders, CYCLES, seq), conc: await interleave(contenders, CYCLES, conc) };
  return { ...result, seconds: (Date.now() - t0) / 1000 };
}

const { rows, row, failed } = makeRows();
const modes = [
  ['seq', 'sequential'],
  ['conc', `${CONCURRENCY} in flight`],
];
const log = [];

/** Rows of one server: `key` 'cpuPerCall' or 'wallPerCall' judged against the targets, the other informative. */
function report(label, samples, judged, withTargets) {
  const per = (mode, name, key) => field(samples[mode][name], key);
  const fmt = (key, v) => (key === 'cpuPerCall' ? fmtUs(v) : fmtUs(v / 1000));
  for (const [mode, modeLabel] of modes) {
    for (const [base, target] of [
      [RAW, 1.03],
      [LB, 1.0],
    ]) {
      for (const key of judged === 'cpuPerCall' ? ['cpuPerCall', 'wallPerCall'] : ['wallPerCall', 'cpuPerCall']) {
        const ratios = pairedRatios(per(mode, UC, key), per(mode, base, key));
        const r = median(ratios);
        const isTarget = withTargets && key === judged;
        const what = key === 'cpuPerCall' ? 'CPU per call' : 'wall per call';
        row(
          `${key === judged ? '' : '  '}rooms.get vs ${base === RAW ? 'raw fetch' : '@liveblocks/node'}, ${label}, ${what}, ${modeLabel}`,
          fmt(key, median(per(mode, UC, key))),
          fmt(key, median(per(mode, base, key))),
          fmtX(r, 3),
          range(iqr(ratios), '', 3),
          isTarget ? `<= ${target.toFixed(2)}x` : undefined,
          isTarget ? r <= target : undefined,
        );
      }
    }
  }
  // Informative: what unicollab's validation, mapping and policy cost over the very transport of the raw baseline.
  for (const [mode, modeLabel] of modes) {
    const ratios = pairedRatios(per(mode, UC_FETCH, judged), per(mode, RAW, judged));
    row(
      `  rooms.get with transport 'fetch' vs raw fetch, ${label}, ${judged === 'cpuPerCall' ? 'CPU' : 'wall'} per call, ${modeLabel}`,
      fmt(judged, median(per(mode, UC_FETCH, judged))),
      fmt(judged, median(per(mode, RAW, judged))),
      fmtX(median(ratios), 3),
      range(iqr(ratios), '', 3),
    );
  }
  for (const [mode, modeLabel] of modes) {
    log.push(`  ${label}, ${modeLabel}: median per call over ${CYCLES} chunks of ${mode === 'seq' ? SEQ_CHUNK : CONC_CHUNK} calls`);
    for (const name of [UC, UC_FETCH, RAW, LB]) {
      log.push(`    ${name.padEnd(28)} wall ${(median(per(mode, name, 'wallPerCall')) / 1000).toFixed(1).padStart(7)} µs   CPU ${median(per(mode, name, 'cpuPerCall')).toFixed(1).padStart(7)} µs`);
    }
  }
}

// ------------------------------------------------------------------------------- canned server
const canned = await startCannedServer();
let cannedSeconds;
try {
  const { collab, contenders } = await contendersFor(canned.url, CANNED_SECRET, ROOM_ID);
  const samples = await measureAll(contenders);
  cannedSeconds = samples.seconds;
  await collab.close();
  report('canned local server', samples, 'cpuPerCall', true);
} finally {
  await canned.stop();
}

// --------------------------------------------------------------------------------- dev server
let devNote = 'not run (BENCH_DEVSERVER=0)';
if (DEVSERVER) {
  const { startLiveblocksDevServer } = await import('../test/adapters/liveblocks/integration/dev-server.mjs');
  const server = await startLiveblocksDevServer();
  try {
    const secret = 'sk_localdev';
    const roomId = `bench-room-${Date.now().toString(36)}`;
    const setup = await createCollab({ provider: 'liveblocks', secretKey: secret, baseUrl: server.url });
    await setup.rooms.create({ id: roomId, name: 'Bench room', metadata: { team: 'bench', color: 'blue' }, access: { default: 'write' } });
    const { collab, contenders } = await contendersFor(server.url, secret, roomId);
    const samples = await measureAll(contenders);
    devNote = `${server.url} (${samples.seconds.toFixed(1)} s)`;
    report('dev server', samples, 'wallPerCall', true);
    await setup.rooms.delete(roomId);
    await collab.close();
    await setup.close();
  } finally {
    await server.stop();
  }
} else {
  for (const [, modeLabel] of modes) {
    for (const [base, target] of [
      ['raw fetch', '<= 1.03x'],
      ['@liveblocks/node', '<= 1.00x'],
    ]) {
      row(`rooms.get vs ${base}, dev server, wall per call, ${modeLabel}`, '-', '-', '-', '-', target, 'not run');
    }
  }
}

console.log(`Liveblocks rooms.get overhead: ${CYCLES} interleaved cycles per mode, chunks of ${SEQ_CHUNK} sequential / ${CONC_CHUNK} with ${CONCURRENCY} in flight`);
console.log(machineLine());
console.log(`canned local server: node:http in a separate process answering the reference "Get room" JSON (${cannedSeconds.toFixed(1)} s); dev server: ${devNote}`);
console.log('CPU per call: process.cpuUsage (user + system) of this process over a chunk / calls. Ratios: medians of per-cycle paired ratios, IQR their interquartile range.');
for (const l of log) console.log(l);
console.log('');
printTable(rows);
emitResults('liveblocks-overhead', rows);
process.exitCode = failed() ? 1 : 0;
