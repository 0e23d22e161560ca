/**
 * Contract tests of the Management API webhook endpoints (Python SDK README: get/create/get one/delete
 * management webhook), bearer = the management token, never the secret key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collab } from '../../../../src/collab.js';
import { signStandardWebhook } from '../../../../src/core/webhooks/index.js';
import { assertSent, expectCall, liveblocksCollab, MANAGEMENT_TOKEN, PROJECT_ID, SECRET, useNock } from './helpers.js';

useNock();

const HOOKS = `/v2/management/projects/${PROJECT_ID}/webhooks`;
const HOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const WEBHOOK = {
  id: 'wh_abc123',
  createdAt: '2024-03-01T10:00:00.000Z',
  updatedAt: '2024-03-01T10:00:00.000Z',
  url: 'https://example.com/hooks/liveblocks',
  disabled: false,
  subscribedEvents: ['threadCreated', 'commentCreated', 'storageUpdated', 'ydocUpdated'],
  secret: { value: HOOK_SECRET },
  storageUpdatedThrottleSeconds: 60,
  yDocUpdatedThrottleSeconds: 60,
  additionalHeaders: {},
};

let collab: Collab;
beforeAll(async () => {
  collab = await liveblocksCollab({ managementToken: MANAGEMENT_TOKEN, projectId: PROJECT_ID });
});
afterAll(() => collab.close());

const bearer = `Bearer ${MANAGEMENT_TOKEN}`;

describe('POST /v2/management/projects/{projectId}/webhooks', () => {
  it('sends url and subscribedEvents mapped to Liveblocks types, returns the secret, and verify trusts it from then on', async () => {
    const seen = expectCall('POST', HOOKS, 200, { webhook: WEBHOOK });
    const sub = await collab.webhooks.subscriptions.create({ url: WEBHOOK.url, events: ['thread.created', 'comment.created', 'storage.updated', 'document.updated'] });
    assertSent(seen, {
      method: 'POST',
      uri: HOOKS,
      auth: bearer,
      body: { url: WEBHOOK.url, subscribedEvents: ['threadCreated', 'commentCreated', 'storageUpdated', 'ydocUpdated'] },
    });
    expect(seen[0]!.headers.authorization).not.toContain(SECRET);
    const { secret: _secret, ...raw } = WEBHOOK;
    expect(sub).toEqual({
      id: 'wh_abc123',
      url: WEBHOOK.url,
      events: ['thread.created', 'comment.created', 'storage.updated', 'document.updated'],
      secret: HOOK_SECRET,
      createdAt: new Date('2024-03-01T10:00:00.000Z'),
      raw,
    });

    const body = JSON.stringify({ type: 'threadCreated', data: { projectId: PROJECT_ID, roomId: 'r', threadId: 't', createdAt: '2024-03-01T10:00:00.000Z', createdBy: 'u' } });
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = signStandardWebhook({ id: 'msg_1', timestamp, body }, HOOK_SECRET);
    const event = await collab.webhooks.verify({ headers: { 'webhook-id': 'msg_1', 'webhook-timestamp': String(timestamp), 'webhook-signature': signature }, rawBody: body });
    expect(event).toMatchObject({ type: 'thread.created', roomId: 'r', threadId: 't', userId: 'u' });
  });
});

describe('GET /v2/management/projects/{projectId}/webhooks/{webhookId}', () => {
  it('gets one webhook, without its secret (also not in raw)', async () => {
    const seen = expectCall('GET', `${HOOKS}/wh_abc123`, 200, { webhook: WEBHOOK });
    const sub = await collab.webhooks.subscriptions.get('wh_abc123');
    assertSent(seen, { method: 'GET', uri: `${HOOKS}/wh_abc123`, auth: bearer });
    expect(sub.secret).toBeUndefined();
    expect(JSON.stringify(sub.raw)).not.toContain(HOOK_SECRET);
  });

  it('accepts a bare webhook object too', async () => {
    expectCall('GET', `${HOOKS}/wh_abc123`, 200, WEBHOOK);
    await expect(collab.webhooks.subscriptions.get('wh_abc123')).resolves.toMatchObject({ id: 'wh_abc123' });
  });
});

describe('GET /v2/management/projects/{projectId}/webhooks', () => {
  it('lists every page (limit=100, then cursor), without secrets', async () => {
    const first = expectCall('GET', HOOKS, 200, { data: [WEBHOOK], nextCursor: 'page-2' });
    const second = expectCall('GET', HOOKS, 200, { data: [{ ...WEBHOOK, id: 'wh_2', subscribedEvents: ['notification'] }], nextCursor: null });
    const subs = await collab.webhooks.subscriptions.list();
    assertSent(first, { method: 'GET', uri: `${HOOKS}?limit=100`, auth: bearer });
    assertSent(second, { method: 'GET', uri: `${HOOKS}?limit=100&cursor=page-2`, auth: bearer });
    expect(subs.map((s) => [s.id, s.events, s.secret])).toEqual([
      ['wh_abc123', ['thread.created', 'comment.created', 'storage.updated', 'document.updated'], undefined],
      ['wh_2', ['notification.created'], undefined],
    ]);
  });
});

describe('DELETE /v2/management/projects/{projectId}/webhooks/{webhookId}', () => {
  it('deletes the webhook (200, empty body)', async () => {
    const seen = expectCall('DELETE', `${HOOKS}/wh_abc123`, 200);
    await collab.webhooks.subscriptions.delete('wh_abc123');
    assertSent(seen, { method: 'DELETE', uri: `${HOOKS}/wh_abc123`, auth: bearer });
  });
});

describe('without a management token', () => {
  it('subscriptions are declared no and throw UnsupportedFeatureError before any request', async () => {
    const plain = await liveblocksCollab();
    expect(plain.capabilities['webhooks.subscriptions']).toBe('no');
    await expect(plain.webhooks.subscriptions.list()).rejects.toMatchObject({ code: 'unsupported_feature', feature: 'webhooks.subscriptions' });
    await plain.close();
  });
});
