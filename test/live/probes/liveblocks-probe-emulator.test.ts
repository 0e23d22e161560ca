/**
 * Proves the raw-HTTP Liveblocks probe of the live-account run (liveblocks-probe.ts) on the Liveblocks
 * REST emulator: the conformance suite runs with that probe, which reads the emulator only through
 * Liveblocks' documented REST endpoints (plain fetch), exactly as it reads a live project. This is where
 * the probe's threads, comments, reactions, notifications and webhook-subscription members run (the dev
 * server answers 501 for them; see liveblocks-probe-dev-server.test.ts). The settings mirror
 * test/adapters/liveblocks/conformance/emulator.test.ts, whose probe reads the emulator's memory instead.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type Collab, createCollab, registerAdapter } from '../../../src/collab.js';
import { generateWebhookSecret } from '../../../src/core/webhooks/index.js';
import { describeConformance } from '../../../src/testing/index.js';
import type { ConformanceProbe } from '../../../src/testing/types.js';
import { type LiveblocksEmulator, startLiveblocksEmulator } from '../../adapters/liveblocks/emulator/server.js';
import { countingFetch } from './http.js';
import { liveblocksProbe } from './liveblocks-probe.js';

registerAdapter('liveblocks', async () => (await import('../../../src/adapters/liveblocks/index.js')).liveblocksAdapter);

const emulator: LiveblocksEmulator = await startLiveblocksEmulator();
afterAll(() => emulator.close());
const webhookSecret = generateWebhookSecret();

function probeWith(counter: { n: number }, management: boolean): ConformanceProbe {
  return {
    ...liveblocksProbe({
      baseUrl: emulator.url,
      secretKey: emulator.secretKey,
      counter,
      ...(management ? { managementToken: emulator.managementToken, projectId: emulator.projectId } : {}),
    }),
    // The emulator runs on 127.0.0.1 (a live project cannot reach it).
    webhooksReachLocalhost: true,
  };
}

describe('liveblocks raw-HTTP probe: answers from the REST API, not from the emulator memory', () => {
  it('reads a room, a thread and a comment written with raw calls, and misses what does not exist', async () => {
    const probe = liveblocksProbe({ baseUrl: emulator.url, secretKey: emulator.secretKey });
    const raw = (method: string, path: string, body?: unknown) =>
      fetch(`${emulator.url}${path}`, { method, headers: { Authorization: `Bearer ${emulator.secretKey}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const roomId = `rawprobe-${Date.now().toString(36)}`;
    expect(await probe.roomExists!(roomId)).toBe(false);
    expect((await raw('POST', '/v2/rooms', { id: roomId, defaultAccesses: ['room:write'], metadata: { 'uc:name': 'Named', color: 'red' } })).status).toBe(200);
    expect(await probe.roomExists!(roomId)).toBe(true);
    expect(await probe.roomName!(roomId)).toBe('Named');
    expect(await probe.roomMetadata!(roomId)).toEqual({ 'uc:name': 'Named', color: 'red' });
    const body = { version: 1, content: [{ type: 'paragraph', children: [{ text: 'hello ' }, { type: 'mention', kind: 'user', id: 'bob' }] }] };
    const created = await raw('POST', `/v2/rooms/${roomId}/threads`, { comment: { userId: 'alice', body }, metadata: { k: 'v' } });
    expect(created.status).toBe(200);
    const thread = (await created.json()) as { id: string; comments: Array<{ id: string }> };
    const commentId = thread.comments[0]!.id;
    expect(await probe.threadExists!(roomId, thread.id)).toBe(true);
    expect(await probe.threadExists!(roomId, 'th_nope')).toBe(false);
    expect(await probe.threadResolved!(roomId, thread.id)).toBe(false);
    expect(await probe.threadMetadata!(roomId, thread.id)).toEqual({ k: 'v' });
    expect(await probe.commentText!(roomId, thread.id, commentId)).toBe('hello @bob');
    expect((await raw('POST', `/v2/rooms/${roomId}/threads/${thread.id}/comments/${commentId}/add-reaction`, { emoji: '👍', userId: 'carol' })).status).toBe(200);
    expect(await probe.reactionUsers!(roomId, thread.id, commentId, '👍')).toEqual(['carol']);
    expect((await raw('POST', `/v2/rooms/${roomId}/threads/${thread.id}/mark-as-resolved`, { userId: 'alice' })).status).toBe(200);
    expect(await probe.threadResolved!(roomId, thread.id)).toBe(true);
    expect(await probe.notificationIds!('nobody-here')).toEqual([]);
    await raw('DELETE', `/v2/rooms/${roomId}`);
    expect(await probe.roomExists!(roomId)).toBe(false);
  });
});

const withManagement = { n: 0 };
describeConformance({
  name: 'liveblocks (emulator, with management token) with the raw-HTTP live probe',
  create: (): Promise<Collab> =>
    createCollab({
      provider: 'liveblocks',
      secretKey: emulator.secretKey,
      baseUrl: emulator.url,
      webhookSecret,
      managementToken: emulator.managementToken,
      projectId: emulator.projectId,
      retries: 0,
      fetch: countingFetch(withManagement),
    }),
  probe: probeWith(withManagement, true),
  secrets: [emulator.secretKey, emulator.managementToken, webhookSecret],
  settleMs: 5000,
  skip: {
    'auth.issue-token': 'the emulator answers 501 for /v2/authorize-user and /v2/identify-user (the dev server run covers it)',
    documents: 'the emulator does not model Yjs documents: the dev server run covers this group',
    storage: 'the emulator does not model Storage: the dev server run covers this group',
  },
});

const secretOnly = { n: 0 };
describeConformance({
  name: 'liveblocks (emulator, secret key only) with the raw-HTTP live probe',
  create: (): Promise<Collab> => createCollab({ provider: 'liveblocks', secretKey: emulator.secretKey, baseUrl: emulator.url, fetch: countingFetch(secretOnly) }),
  probe: probeWith(secretOnly, false),
  secrets: [emulator.secretKey],
  settleMs: 5000,
  only: ['capabilities', 'rooms', 'users', 'webhooks', 'errors'],
});
