/**
 * Proves the raw-HTTP Liveblocks probe of the live-account run (liveblocks-probe.ts) on the real
 * Liveblocks dev server (npm `liveblocks`, under Bun): the conformance suite runs with that probe for
 * every group the dev server implements (rooms, users, auth, documents (Yjs), storage, errors), with the
 * same skips as test/adapters/liveblocks/integration/dev-server.test.ts. The dev server answers 501 for
 * threads, comments, reactions and notifications, so the probe's members for those run on the emulator
 * (liveblocks-probe-emulator.test.ts) and, against Liveblocks' own servers, only on a live account.
 */
import { afterAll } from 'vitest';
import { type Collab, createCollab, registerAdapter } from '../../../src/collab.js';
import type { CapabilityKey } from '../../../src/core/capabilities.js';
import { conformanceChecks, describeConformance } from '../../../src/testing/index.js';
import { startLiveblocksDevServer } from '../../adapters/liveblocks/integration/dev-server.js';
import { countingFetch, rawRequest } from './http.js';
import { liveblocksProbe } from './liveblocks-probe.js';

const SECRET = 'sk_localdev';
const NOT_IMPLEMENTED = 'dev server answers 501; the emulator run of this probe covers it';
const WEBHOOK_SECRET = `whsec_${Buffer.from('unicollab-rawprobe-webhook-key!!').toString('base64')}`;

registerAdapter('liveblocks', async () => (await import('../../../src/adapters/liveblocks/index.js')).liveblocksAdapter);

const server = await startLiveblocksDevServer();
afterAll(() => server.stop());
const raw = (method: string, path: string, body?: unknown) => rawRequest(`${server.url}${path}`, { method, headers: { Authorization: `Bearer ${SECRET}` }, body });

// Rooms no filter of the suite matches, so an unfiltered listing cannot pass a filter check by luck.
const NOISE_ROOMS = ['noise-a', 'noise-b'].map((kind) => `uc-${kind}-${Date.now().toString(36)}`);
for (const [i, id] of NOISE_ROOMS.entries()) {
  const res = await raw('POST', '/v2/rooms', { id, defaultAccesses: [], metadata: { ucConformance: 'another-run', batch: `noise-${i}`, color: 'red', size: 's' } });
  if (res.status !== 200) throw new Error(`could not create noise room ${id}: ${res.status} ${JSON.stringify(res.json)}`);
}
afterAll(async () => {
  for (const id of NOISE_ROOMS) await raw('DELETE', `/v2/rooms/${id}`);
});

// The REST routes that answer 501 on the dev server (pinned by the smoke tests of dev-server.test.ts).
const DEV_SERVER_501: ReadonlySet<CapabilityKey> = new Set<CapabilityKey>([
  'threads.create', 'threads.get', 'threads.list', 'threads.delete', 'threads.resolve', 'threads.metadata',
  'comments.create', 'comments.get', 'comments.edit', 'comments.delete', 'reactions.add', 'reactions.remove',
  'presence.set', 'presence.clear',
  'notifications.list', 'notifications.markRead', 'notifications.delete', 'notifications.trigger',
  'events.broadcast',
  'documents.versions', 'storage.patch',
]);
const skip501 = Object.fromEntries(
  conformanceChecks
    .filter((c) => !c.id.startsWith('errors.validation-') && !c.unsupported && c.requires.some((k) => DEV_SERVER_501.has(k)))
    .map((c) => [c.id, NOT_IMPLEMENTED]),
);

const counter = { n: 0 };
describeConformance({
  name: 'liveblocks dev server with the raw-HTTP live probe',
  create: (): Promise<Collab> =>
    createCollab({ provider: 'liveblocks', secretKey: SECRET, baseUrl: server.url, webhookSecret: WEBHOOK_SECRET, fetch: countingFetch(counter) }),
  probe: liveblocksProbe({ baseUrl: server.url, secretKey: SECRET, counter }),
  secrets: [SECRET, WEBHOOK_SECRET],
  settleMs: 3000,
  skip: {
    ...skip501,
    threads: NOT_IMPLEMENTED,
    comments: NOT_IMPLEMENTED,
    reactions: NOT_IMPLEMENTED,
    notifications: NOT_IMPLEMENTED,
    events: NOT_IMPLEMENTED,
    presence: `${NOT_IMPLEMENTED} (presence.set); presence.list with real clients is in dev-server.test.ts`,
    'rooms.update-metadata': 'dev server rejects metadata null with 422 (production deletes the key); covered by the emulator run',
    'rooms.list-pagination': 'dev server ignores limit and startingAfter (one page of every room, nextCursor null); covered by the emulator run',
  },
});
