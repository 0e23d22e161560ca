#!/usr/bin/env node
/**
 * Per-call overhead of unicollab's Liveblocks adapter against the Liveblocks dev server, and webhook
 * verify + normalise throughput (DESIGN.md section 9, issue 3 "Benchmark"). Everything in ONE run:
 *
 *   rooms.get of one room, the same GET /v2/rooms/{id}, through
 *     - unicollab `collab.rooms.get` (default `fetch` transport: validation, guard, HTTP policy, zod, mapping),
 *     - raw `fetch` + `res.json()` (the floor),
 *     - `@liveblocks/node` `Liveblocks#getRoom`,
 *     - unicollab's HTTP client alone (core/http, same schema and mapping), `transport: 'fetch'` and `'ky'`
 *       (built from dist/core/http directly, with the adapter's schema and mapping),
 *   sequential and 16-concurrent: after a warm-up, BENCH_ROUNDS rounds of BENCH_N calls per contender,
 *   interleaved in short chunks (100 sequential / 400 concurrent calls of one contender, then the next, the
 *   order rotating), each chunk a timed sample; the budgets are judged on the median over chunk cycles of
 *   the paired time ratio (robust to load bursts); each contender's best chunk and the plain average over
 *   all calls are printed too;
 *   plus the client-side cost per call with a canned Response (no network, no server noise);
 *
 *   webhooks: `collab.webhooks.verify` (liveblocks adapter, `webhookSecret`: verify + normalise to CollabEvent)
 *   vs `@liveblocks/node` `WebhookHandler.verifyRequest` (verify + JSON.parse) on the same signed payloads.
 *
 * Budgets: unicollab / raw fetch <= 1.05x (time per call), unicollab / @liveblocks/node <= 1.0x,
 * webhook throughput >= 2x WebhookHandler. Exit code 1 when a budget is missed.
 *
 * Usage (the bench imports the BUILT package):
 *   npm run build && node bench/liveblocks-overhead.mjs
 *   # or a build elsewhere; the directory needs the package.json ("type": "module") and node_modules next to it:
 *   mkdir -p /tmp/lbbench && cp package.json /tmp/lbbench/ && ln -sfn "$PWD/node_modules" /tmp/lbbench/node_modules
 *   npx tsc -p tsconfig.json --outDir /tmp/lbbench/dist && UNICOLLAB_DIST=/tmp/lbbench/dist node bench/liveblocks-overhead.mjs
 * Options (env): BENCH_N (sequential requests per round, default 2000), BENCH_CONCURRENCY (default 16),
 * BENCH_ROUNDS (default 5), BENCH_WEBHOOK_N (payloads, default 1000), BENCH_WEBHOOK_MS (ms per webhook
 * round, default 100), BENCH_WEBHOOK_ROUNDS (default 30).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Liveblocks, WebhookHandler } from '@liveblocks/node';
import { startLiveblocksDevServer } from '../test/adapters/liveblocks/integration/dev-server.mjs';

const distDir = process.env.UNICOLLAB_DIST ? resolve(process.env.UNICOLLAB_DIST) : resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../dist');
const load = async (rel) => import(pathToFileURL(resolve(distDir, rel)).href);
let uc, lbAdapter, http, lbSchemas, lbMappers, whCore;
try {
  [uc, lbAdapter, http, lbSchemas, lbMappers, whCore] = await Promise.all([
    load('index.js'),
    load('adapters/liveblocks/index.js'),
    load('core/http/index.js'),
    load('adapters/liveblocks/schemas.js'),
    load('adapters/liveblocks/mappers.js'),
    load('core/webhooks/index.js'),
  ]);
} catch (err) {
  console.error(`Cannot load the built package from ${distDir} (${err.message}).`);
  console.error('Run `npm run build` first, or set UNICOLLAB_DIST to a tsc output directory (see the header of this file).');
  process.exit(1);
}

const N = Number(process.env.BENCH_N ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SEQ_CHUNK = 100;
const CONC_CHUNK = 400;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WH_N = Number(process.env.BENCH_WEBHOOK_N ?? 1000);
const WH_MS = Number(process.env.BENCH_WEBHOOK_MS ?? 100);
const WH_ROUNDS = Number(process.env.BENCH_WEBHOOK_ROUNDS ?? 30);
const SECRET = 'sk_localdev';

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const pad = (s, w) => String(s).padEnd(w);
const lpad = (s, w) => String(s).padStart(w);

// The registry may not list the adapter yet in this build; registering it again is harmless.
uc.registerAdapter('liveblocks', async () => lbAdapter.liveblocksAdapter);

const server = await startLiveblocksDevServer();
let failed = false;
try {
  const url = server.url;
  const roomId = `bench-room-${Date.now().toString(36)}`;
  const webhookSecret = whCore.generateWebhookSecret();
  const collab = await uc.createCollab({ provider: 'liveblocks', secretKey: SECRET, baseUrl: url, webhookSecret });
  await collab.rooms.create({ id: roomId, name: 'Bench room', metadata: { team: 'bench', color: 'blue' }, access: { default: 'write' } });

  const lb = new Liveblocks({ secret: SECRET, baseUrl: url });
  const roomUrl = `${url}/v2/rooms/${encodeURIComponent(roomId)}`;
  const rawHeaders = { accept: 'application/json', authorization: `Bearer ${SECRET}` };
  const httpClient = (transport) =>
    http.createHttpClient({ provider: 'liveblocks', baseUrl: url, headers: { Authorization: `Bearer ${SECRET}` }, mapError: lbMappers.toCollabError, transport });
  const viaFetch = httpClient('fetch');
  const viaKy = httpClient('ky');
  const clientGet = (client) => async () =>
    lbMappers.toRoom(await client.request({ method: 'GET', path: `/v2/rooms/${encodeURIComponent(roomId)}`, schema: lbSchemas.LbRoomSchema, idempotent: true, operation: 'rooms.get' }));

  const contenders = {
    'unicollab collab.rooms.get': () => collab.rooms.get(roomId),
    'raw fetch + res.json()': async () => {
      const res = await fetch(roomUrl, { headers: rawHeaders });
      if (!res.ok) throw new Error(`raw fetch: HTTP ${res.status}`);
      return res.json();
    },
    '@liveblocks/node getRoom': () => lb.getRoom(roomId),
    'core/http client, transport fetch': clientGet(viaFetch),
    'core/http client, transport ky': clientGet(viaKy),
  };

  // Sanity: every contender reads the same room.
  for (const [name, fn] of Object.entries(contenders)) {
    const room = await fn();
    if (room?.id !== roomId) throw new Error(`${name} returned ${JSON.stringify(room)?.slice(0, 200)}`);
  }
  const ucRoom = await collab.rooms.get(roomId);
  if (ucRoom.name !== 'Bench room' || ucRoom.metadata.color !== 'blue') throw new Error(`unicollab mapped the room wrongly: ${JSON.stringify(ucRoom)}`);

  async function sequential(fn, n) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await fn();
    return Number(process.hrtime.bigint() - t0);
  }
  async function concurrent(fn, n, c) {
    let next = 0;
    const worker = async () => {
      while (next++ < n) await fn();
    };
    const t0 = process.hrtime.bigint();
    await Promise.all(Array.from({ length: c }, worker));
    return Number(process.hrtime.bigint() - t0);
  }
  /**
   * One round: N calls per contender, interleaved in short chunks (CHUNK calls of one contender, then the
   * next, the order rotating per chunk), so a burst of load from other processes hits every contender alike.
   * Each chunk is one timed sample; the best sample estimates the uncontended cost, the sum the average one.
   */
  async function round(run, chunk, into) {
    for (let done = 0, c = 0; done < N; done += chunk, c++) {
      const size = Math.min(chunk, N - done);
      for (let i = 0; i < names.length; i++) {
        const name = names[(i + c) % names.length];
        const ns = await run(contenders[name], size);
        into[name].best = Math.max(into[name].best, (size * 1e9) / ns);
        into[name].samples.push(ns / size);
        into[name].ns += ns;
        into[name].calls += size;
      }
    }
  }

  const names = Object.keys(contenders);
  // Warm-up: JIT, keep-alive pools, the server's room cache.
  for (const name of names) {
    await sequential(contenders[name], Math.min(500, N));
    await concurrent(contenders[name], Math.min(500, N), CONCURRENCY);
  }
  const stats = () => Object.fromEntries(names.map((k) => [k, { best: 0, ns: 0, calls: 0, samples: [] }]));
  const seqStats = stats();
  const concStats = stats();
  const t0 = Date.now();
  for (let r = 0; r < ROUNDS; r++) {
    await round(sequential, SEQ_CHUNK, seqStats);
    await round((fn, n) => concurrent(fn, n, CONCURRENCY), CONC_CHUNK, concStats);
  }
  const best = { seq: {}, conc: {} };
  const avg = { seq: {}, conc: {} };
  const samples = { seq: {}, conc: {} };
  for (const name of names) {
    best.seq[name] = seqStats[name].best;
    best.conc[name] = concStats[name].best;
    samples.seq[name] = seqStats[name].samples;
    samples.conc[name] = concStats[name].samples;
    avg.seq[name] = (seqStats[name].calls * 1e9) / seqStats[name].ns;
    avg.conc[name] = (concStats[name].calls * 1e9) / concStats[name].ns;
  }
  const httpSeconds = (Date.now() - t0) / 1000;

  // ------------------------------------------------------------------- client-side CPU (no network)
  // The same calls answered by a canned Response of the dev server's real body: what each client costs on
  // top of the network, free of the server's and the loopback's noise. Every contender looks up
  // globalThis.fetch per call (unicollab's fetch transport does, ky's instance does, @liveblocks/node does).
  const cannedBody = await (await fetch(roomUrl, { headers: rawHeaders })).text();
  const realFetch = globalThis.fetch;
  const CPU_N = 5000;
  const cpuBest = Object.fromEntries(names.map((k) => [k, Infinity]));
  globalThis.fetch = async () => new Response(cannedBody, { status: 200, headers: { 'content-type': 'application/json' } });
  try {
    for (let r = 0; r < ROUNDS + 2; r++) {
      for (const name of names) {
        const us = (await sequential(contenders[name], CPU_N)) / 1000 / CPU_N;
        if (r >= 2) cpuBest[name] = Math.min(cpuBest[name], us); // rounds 0-1 warm up
      }
    }
  } finally {
    globalThis.fetch = realFetch;
  }

  // ------------------------------------------------------------------------------------- webhooks
  const projectId = '605a50b01a36d5ea7a2e9104';
  const rid = () => Math.random().toString(16).slice(2, 14);
  const iso = () => new Date(Date.now() - Math.floor(Math.random() * 1e6)).toISOString();
  const makers = [
    ['user.entered', () => ({ type: 'userEntered', data: { projectId, roomId: `room-${rid()}`, connectionId: 2196, userId: `user-${rid()}`, userInfo: { name: 'Ada Lovelace' }, enteredAt: iso(), numActiveUsers: 3 } })],
    ['user.left', () => ({ type: 'userLeft', data: { projectId, roomId: `room-${rid()}`, connectionId: 2197, userId: null, userInfo: null, leftAt: iso(), numActiveUsers: 1 } })],
    ['comment.created', () => ({ type: 'commentCreated', data: { projectId, roomId: `room-${rid()}`, threadId: `th_${rid()}`, commentId: `cm_${rid()}`, createdAt: iso(), createdBy: `user-${rid()}` } })],
    ['thread.created', () => ({ type: 'threadCreated', data: { projectId, roomId: `room-${rid()}`, threadId: `th_${rid()}`, createdAt: iso(), createdBy: `user-${rid()}` } })],
    ['reaction.added', () => ({ type: 'commentReactionAdded', data: { projectId, roomId: `room-${rid()}`, threadId: `th_${rid()}`, commentId: `cm_${rid()}`, emoji: '👍', addedAt: iso(), addedBy: `user-${rid()}` } })],
    ['storage.updated', () => ({ type: 'storageUpdated', data: { projectId, roomId: `room-${rid()}`, updatedAt: iso() } })],
    ['notification.created', () => ({ type: 'notification', data: { channel: 'email', kind: 'thread', projectId, roomId: `room-${rid()}`, userId: `user-${rid()}`, threadId: `th_${rid()}`, inboxNotificationId: `in_${rid()}`, createdAt: iso(), triggeredAt: iso() } })],
  ];
  const now = Math.floor(Date.now() / 1000);
  const requests = Array.from({ length: WH_N }, (_, i) => {
    const [expected, make] = makers[i % makers.length];
    const rawBody = JSON.stringify(make());
    const id = whCore.newWebhookMessageId();
    const timestamp = now - (i % 60);
    const headers = {
      host: 'hooks.example.com',
      'user-agent': 'Svix-Webhooks/1.24',
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(rawBody)),
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': whCore.signStandardWebhook({ id, timestamp, body: rawBody }, webhookSecret),
    };
    return { expected, request: { headers, rawBody } };
  });
  const handler = new WebhookHandler(webhookSecret);
  // Sanity: both accept every genuine request, unicollab normalises each to the expected type, both reject a tampered body.
  for (const { expected, request } of requests) {
    const event = await collab.webhooks.verify(request);
    if (event.type !== expected) throw new Error(`webhooks.verify normalised ${request.rawBody.slice(0, 60)} to ${event.type}, expected ${expected}`);
    handler.verifyRequest(request);
  }
  const tampered = { ...requests[0].request, rawBody: requests[0].request.rawBody.replace('"data"', '"data" ') };
  if (await collab.webhooks.verify(tampered).then(() => true, () => false)) throw new Error('webhooks.verify accepted a tampered body');
  let handlerAccepted = true;
  try {
    handler.verifyRequest(tampered);
  } catch {
    handlerAccepted = false;
  }
  if (handlerAccepted) throw new Error('WebhookHandler accepted a tampered body');

  let sink = 0;
  const whContenders = {
    'unicollab collab.webhooks.verify': async (r) => (await collab.webhooks.verify(r)).type.length,
    '@liveblocks/node WebhookHandler': (r) => handler.verifyRequest(r).type.length,
  };
  async function whRound(fn) {
    let ops = 0;
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(WH_MS) * 1_000_000n;
    let t = start;
    while (t < deadline) {
      for (let i = 0; i < WH_N; i++) sink ^= await fn(requests[i].request);
      ops += WH_N;
      t = process.hrtime.bigint();
    }
    return (ops * 1e9) / Number(t - start);
  }
  for (const fn of Object.values(whContenders)) await whRound(fn); // warm-up
  const whBest = Object.fromEntries(Object.keys(whContenders).map((k) => [k, 0]));
  for (let r = 0; r < WH_ROUNDS; r++) {
    for (const [name, fn] of Object.entries(whContenders)) whBest[name] = Math.max(whBest[name], await whRound(fn));
  }
  await collab.rooms.delete(roomId);
  await collab.close();

  // --------------------------------------------------------------------------------------- report
  const os = await import('node:os');
  console.log(`Liveblocks adapter overhead vs the Liveblocks dev server at ${url} (liveblocks@1.9.0 under Bun)`);
  console.log(`Node ${process.version}, ${os.cpus().length} CPU(s) ${os.cpus()[0]?.model ?? ''}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`rooms.get: ${ROUNDS} rounds x ${N} calls per contender, interleaved in chunks of ${SEQ_CHUNK} sequential / ${CONC_CHUNK} with ${CONCURRENCY} in flight (${httpSeconds.toFixed(1)} s).`);
  console.log('Budgets are checked on the median of paired time ratios (chunks of the contenders run back to back); best chunks and the plain average are shown too.');
  console.log('');
  const w = Math.max(...names.map((n) => n.length));
  const cell = (ops) => `${lpad(fmt(ops), 7)} /s ${lpad((1e6 / ops).toFixed(0), 5)} µs`;
  console.log(`  ${pad('rooms.get via', w)}  ${lpad('sequential: best chunk', 22)}  ${lpad('all calls', 18)}  ${lpad(`${CONCURRENCY}-concurrent: best chunk`, 26)}  ${lpad('all calls', 18)}`);
  for (const name of names) {
    console.log(`  ${pad(name, w)}  ${lpad(cell(best.seq[name]), 22)}  ${lpad(cell(avg.seq[name]), 18)}  ${lpad(cell(best.conc[name]), 26)}  ${lpad(cell(avg.conc[name]), 18)}`);
  }
  const UC = 'unicollab collab.rooms.get';
  const ratio = (mode, a, b) => best[mode][b] / best[mode][a]; // time ratio a/b = ops(b)/ops(a), best chunks
  // The verdict: the median over chunk cycles of the paired time ratio. Each cycle runs every contender back
  // to back, so a burst of load hits both sides of a pair; the median ignores the cycles it hit unevenly.
  const pairedRatio = (mode, a, b) => {
    const ratios = samples[mode][a].map((t, i) => t / samples[mode][b][i]).sort((x, y) => x - y);
    return ratios[Math.floor(ratios.length / 2)];
  };
  const avgRatio = (mode, a, b) => avg[mode][b] / avg[mode][a];
  const rows = [];
  const check = (label, value, budget, cmp) => {
    const ok = cmp === '<=' ? value <= budget : value >= budget;
    if (!ok && budget !== undefined) failed = true;
    rows.push(`  ${pad(label, 78)} ${lpad(value.toFixed(3) + 'x', 8)}  ${budget === undefined ? '(informative)' : `budget ${cmp} ${budget}x  ${ok ? 'ok' : 'MISSED'}`}`);
  };
  for (const [mode, label] of [['seq', 'sequential'], ['conc', `${CONCURRENCY}-concurrent`]]) {
    check(`time ratio unicollab / raw fetch (${label}, median of paired chunks)`, pairedRatio(mode, UC, 'raw fetch + res.json()'), 1.05, '<=');
    check(`time ratio unicollab / @liveblocks/node (${label}, median of paired chunks)`, pairedRatio(mode, UC, '@liveblocks/node getRoom'), 1.0, '<=');
    check(`  same, best chunks: unicollab / raw fetch (${label})`, ratio(mode, UC, 'raw fetch + res.json()'), undefined);
    check(`  same, best chunks: unicollab / @liveblocks/node (${label})`, ratio(mode, UC, '@liveblocks/node getRoom'), undefined);
    check(`  same, all calls: unicollab / raw fetch (${label})`, avgRatio(mode, UC, 'raw fetch + res.json()'), undefined);
    check(`  same, all calls: unicollab / @liveblocks/node (${label})`, avgRatio(mode, UC, '@liveblocks/node getRoom'), undefined);
    check(`time ratio core/http ky / core/http fetch (${label})`, pairedRatio(mode, 'core/http client, transport ky', 'core/http client, transport fetch'), undefined);
    check(`time ratio core/http ky / raw fetch (${label})`, pairedRatio(mode, 'core/http client, transport ky', 'raw fetch + res.json()'), undefined);
  }
  console.log('');
  console.log(`Client-side cost per call with a canned response (no network; best of ${ROUNDS} x ${CPU_N} calls):`);
  for (const name of names) {
    const extra = cpuBest[name] - cpuBest['raw fetch + res.json()'];
    console.log(`  ${pad(name, w)}  ${lpad(cpuBest[name].toFixed(1), 6)} µs/call  (${extra >= 0 ? '+' : ''}${extra.toFixed(1)} µs vs raw fetch)`);
  }
  console.log('');
  console.log(`Webhooks: ${WH_N} signed Liveblocks payloads (${makers.length} event types), best of ${WH_ROUNDS} x ${WH_MS} ms`);
  const ww = Math.max(...Object.keys(whBest).map((k) => k.length));
  for (const [name, ops] of Object.entries(whBest)) console.log(`  ${pad(name, ww)}  ${lpad(fmt(ops), 10)} ops/s`);
  check('throughput unicollab webhooks.verify / WebhookHandler', whBest['unicollab collab.webhooks.verify'] / whBest['@liveblocks/node WebhookHandler'], 2, '>=');
  console.log('');
  console.log('Ratios against the budgets (DESIGN.md section 9; time ratios: > 1 means unicollab is slower):');
  for (const row of rows) console.log(row);
  if (sink === 0.5) console.log(''); // keep results observable
} finally {
  await server.stop();
}
process.exitCode = failed ? 1 : 0;
