#!/usr/bin/env node
/**
 * Webhook verification throughput (DESIGN.md section 9: at least 2x `@liveblocks/node`'s WebhookHandler).
 *
 * Compares, on the same N signed Liveblocks payloads (Node-style header records, as a request
 * handler sees them):
 *   - unicollab `createStandardWebhookVerifier` + JSON.parse (what an adapter does before normalising),
 *   - unicollab verifier alone,
 *   - `@liveblocks/node` WebhookHandler.verifyRequest (verifies and JSON.parses),
 *   - `standardwebhooks` Webhook.verify (verifies and JSON.parses),
 *   - raw node:crypto HMAC-SHA256 of the signed content (the floor: no header handling or compare).
 *
 * Usage:
 *   npm run build && node bench/webhook-verify.mjs
 *   # or against a build elsewhere (the bench never needs dist/ committed):
 *   npx tsc -p tsconfig.json --outDir /tmp/ucbuild && UNICOLLAB_DIST=/tmp/ucbuild node bench/webhook-verify.mjs
 * Options (env): BENCH_N (payloads, default 1000), BENCH_MS (time per round, default 100), BENCH_ROUNDS (default 30). Best-of-many short interleaved rounds, because interference from other processes only ever slows a round down.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WebhookHandler } from '@liveblocks/node';
import { Webhook } from 'standardwebhooks';

const distDir = process.env.UNICOLLAB_DIST
  ? resolve(process.env.UNICOLLAB_DIST)
  : resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../dist');
let webhooks;
try {
  webhooks = await import(pathToFileURL(resolve(distDir, 'core/webhooks/index.js')).href);
} catch (err) {
  console.error(`Cannot load ${distDir}/core/webhooks/index.js (${err.message}).`);
  console.error('Run `npm run build` first, or set UNICOLLAB_DIST to a tsc output directory.');
  process.exit(1);
}
const { createStandardWebhookVerifier, signStandardWebhook, generateWebhookSecret, newWebhookMessageId } = webhooks;

const N = Number(process.env.BENCH_N ?? 1000);
const ROUND_MS = Number(process.env.BENCH_MS ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);

// ---- realistic payloads (shapes from vendors/liveblocks.md 1.5) ----
const projectId = '605a50b01a36d5ea7a2e9104';
const rid = () => randomBytes(8).toString('hex');
const iso = () => new Date(Date.now() - Math.floor(Math.random() * 1e6)).toISOString();
const makers = [
  () => ({ type: 'userEntered', data: { projectId, roomId: `room-${rid()}`, connectionId: 2196, userId: `user-${rid()}`, userInfo: { name: 'Ada Lovelace', avatar: 'https://example.com/a.png' }, enteredAt: iso(), numActiveUsers: 3 } }),
  () => ({ type: 'userLeft', data: { projectId, roomId: `room-${rid()}`, connectionId: 2197, userId: null, userInfo: null, leftAt: iso(), numActiveUsers: 1 } }),
  () => ({ type: 'commentCreated', data: { projectId, roomId: `room-${rid()}`, threadId: `th_${rid()}`, commentId: `cm_${rid()}`, createdAt: iso(), createdBy: `user-${rid()}` } }),
  () => ({ type: 'threadCreated', data: { projectId, roomId: `room-${rid()}`, threadId: `th_${rid()}`, createdAt: iso(), createdBy: `user-${rid()}` } }),
  () => ({ type: 'commentReactionAdded', data: { projectId, roomId: `room-${rid()}`, threadId: `th_${rid()}`, commentId: `cm_${rid()}`, emoji: '👍', addedAt: iso(), addedBy: `user-${rid()}` } }),
  () => ({ type: 'storageUpdated', data: { projectId, roomId: `room-${rid()}`, updatedAt: iso() } }),
  () => ({ type: 'notification', data: { channel: 'email', kind: 'thread', projectId, roomId: `room-${rid()}`, userId: `user-${rid()}`, threadId: `th_${rid()}`, inboxNotificationId: `in_${rid()}`, createdAt: iso(), triggeredAt: iso() } }),
];

const secret = generateWebhookSecret();
const now = Math.floor(Date.now() / 1000);
const requests = Array.from({ length: N }, (_, i) => {
  const rawBody = JSON.stringify(makers[i % makers.length]());
  const id = newWebhookMessageId();
  const timestamp = now - (i % 60);
  return {
    headers: {
      host: 'hooks.example.com',
      'user-agent': 'Svix-Webhooks/1.24',
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(rawBody)),
      accept: '*/*',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signStandardWebhook({ id, timestamp, body: rawBody }, secret),
    },
    rawBody,
  };
});
const avgBytes = Math.round(requests.reduce((n, r) => n + r.rawBody.length, 0) / N);

// ---- the contenders ----
const ours = createStandardWebhookVerifier({ secrets: [secret] });
const handler = new WebhookHandler(secret);
const sw = new Webhook(secret);
const key = Buffer.from(secret.slice('whsec_'.length), 'base64');

const contenders = {
  'unicollab verifier + JSON.parse': (r) => JSON.parse(ours(r).body),
  'unicollab verifier (no parse)': (r) => ours(r),
  '@liveblocks/node WebhookHandler': (r) => handler.verifyRequest(r),
  'standardwebhooks Webhook.verify': (r) => sw.verify(r.rawBody, r.headers),
  'raw node:crypto HMAC-SHA256': (r) =>
    createHmac('sha256', key).update(`${r.headers['webhook-id']}.${r.headers['webhook-timestamp']}.${r.rawBody}`).digest('base64'),
};

// ---- sanity: everyone accepts the genuine requests and (except raw HMAC) rejects a tampered one ----
const tampered = { ...requests[0], rawBody: requests[0].rawBody.replace('"type"', '"typ\u0065"').replace('}', ' }') };
for (const [name, fn] of Object.entries(contenders)) {
  for (const r of requests) fn(r);
  if (!name.startsWith('raw')) {
    let rejected = false;
    try {
      fn(tampered);
    } catch {
      rejected = true;
    }
    if (!rejected) throw new Error(`${name} accepted a tampered body`);
  }
}

// ---- measurement: interleaved time-boxed rounds, best round per contender ----
let sink = 0;
function round(fn) {
  let ops = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(ROUND_MS) * 1_000_000n;
  let t = start;
  while (t < deadline) {
    for (let i = 0; i < N; i++) sink ^= fn(requests[i]) ? 1 : 0;
    ops += N;
    t = process.hrtime.bigint();
  }
  return (ops * 1e9) / Number(t - start);
}
for (const fn of Object.values(contenders)) round(fn); // warm-up (JIT)
const best = Object.fromEntries(Object.keys(contenders).map((k) => [k, 0]));
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, fn] of Object.entries(contenders)) best[name] = Math.max(best[name], round(fn));
}

console.log(`Webhook verification, ${N} signed Liveblocks payloads (avg ${avgBytes} B), best of ${ROUNDS} x ${ROUND_MS} ms, Node ${process.version}`);
const width = Math.max(...Object.keys(best).map((k) => k.length));
for (const [name, ops] of Object.entries(best)) {
  console.log(`  ${name.padEnd(width)}  ${Math.round(ops).toLocaleString('en-US').padStart(10)} ops/s`);
}
const lb = best['@liveblocks/node WebhookHandler'];
const ratio = best['unicollab verifier + JSON.parse'] / lb;
console.log(`  ratio unicollab (verify + parse) / WebhookHandler: ${ratio.toFixed(2)}x  (budget: >= 2x)`);
console.log(`  ratio unicollab (verify only)    / WebhookHandler: ${(best['unicollab verifier (no parse)'] / lb).toFixed(2)}x`);
console.log(`  ratio unicollab (verify only)    / standardwebhooks: ${(best['unicollab verifier (no parse)'] / best['standardwebhooks Webhook.verify']).toFixed(2)}x`);
if (sink === 42) console.log(''); // keep results observable so nothing is optimised away
process.exitCode = ratio >= 2 ? 0 : 1;
