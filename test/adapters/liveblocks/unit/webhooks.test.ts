/**
 * Liveblocks webhooks: Standard Webhooks verification against the reference test vector
 * (vendors/liveblocks.md section 1.3), tampering, staleness, headers, rotation, cross-checks with the
 * `standardwebhooks` package and `@liveblocks/node`'s WebhookHandler, and the normalisation of every
 * event type of section 1.5.
 */
import { WebhookHandler } from '@liveblocks/node';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLiveblocksWebhookVerifier, LB_WEBHOOK_EVENT_TYPES } from '../../../../src/adapters/liveblocks/index.js';
import { type Collab, createCollab, registerAdapter } from '../../../../src/collab.js';
import { ConfigError, WebhookVerificationError } from '../../../../src/core/errors.js';
import type { CollabEvent, WebhookRequest } from '../../../../src/core/model/event.js';
import { createInMemoryReplayStore, signStandardWebhook, WEBHOOK_REPLAYED } from '../../../../src/core/webhooks/index.js';

registerAdapter('liveblocks', async () => (await import('../../../../src/adapters/liveblocks/index.js')).liveblocksAdapter);

// ---- the reference test vector (section 1.3)
const SECRET = 'whsec_sFOoBaR78ZZNyOl0TxbObFZWeo3rLg+dA';
const ID = 'msg_2KvLUhLIHZtzZnNgUWv3PhGYf5f';
const TIMESTAMP = '1674850126';
const NOW = 1674850126000;
const BODY =
  '{"data":{"projectId":"605a50b01a36d5ea7a2e9104","connectionId":2196,"enteredAt":"2023-01-27T20:08:40.693Z","numActiveUsers":2,"roomId":"hero-grid-12-01-2022","userId":"iepRYL2EWVHx8IcKVqhvZ6xljn","userInfo":null},"type":"userEntered"}';
const SIGNATURE = 'v1,gopme/11zjuw4Iw58NMlNm/ywlJVJNrQ1dBKef3kFms=';
const HEADERS = { 'webhook-id': ID, 'webhook-timestamp': TIMESTAMP, 'webhook-signature': SIGNATURE };
const OTHER_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

const verify = createLiveblocksWebhookVerifier({ secrets: [SECRET], now: NOW });

function fails(request: WebhookRequest, message: RegExp, verifier = verify): void {
  let thrown: unknown;
  try {
    verifier(request);
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(WebhookVerificationError);
  expect((thrown as WebhookVerificationError).message).toMatch(message);
  expect((thrown as WebhookVerificationError).provider).toBe('liveblocks');
  expect((thrown as WebhookVerificationError).message).not.toContain(SECRET.slice(6));
}

describe('the reference test vector', () => {
  it('verifies with now set, and normalises to user.entered', () => {
    expect(verify({ headers: HEADERS, rawBody: BODY })).toEqual({
      id: ID,
      type: 'user.entered',
      provider: 'liveblocks',
      occurredAt: new Date('2023-01-27T20:08:40.693Z'),
      roomId: 'hero-grid-12-01-2022',
      userId: 'iepRYL2EWVHx8IcKVqhvZ6xljn',
      raw: JSON.parse(BODY),
    });
  });

  it('verifies as bytes, with a fetch Headers, and with capitalised header names', () => {
    expect(verify({ headers: HEADERS, rawBody: new TextEncoder().encode(BODY) }).type).toBe('user.entered');
    expect(verify({ headers: new Headers(HEADERS), rawBody: BODY }).type).toBe('user.entered');
    expect(verify({ headers: { 'Webhook-Id': ID, 'Webhook-Timestamp': TIMESTAMP, 'Webhook-Signature': SIGNATURE }, rawBody: BODY }).type).toBe('user.entered');
  });

  it('is verified by @liveblocks/node WebhookHandler too (same scheme)', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
    try {
      expect(new WebhookHandler(SECRET).verifyRequest({ headers: HEADERS, rawBody: BODY })).toEqual(JSON.parse(BODY));
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('failures -> WebhookVerificationError', () => {
  it('a changed body (one byte, or re-serialised JSON)', () => {
    fails({ headers: HEADERS, rawBody: BODY.replace('2196', '2197') }, /No matching signature/);
    fails({ headers: HEADERS, rawBody: JSON.stringify(JSON.parse(BODY), null, 1) }, /No matching signature/);
  });

  it('a wrong secret', () => {
    fails({ headers: HEADERS, rawBody: BODY }, /No matching signature/, createLiveblocksWebhookVerifier({ secrets: [OTHER_SECRET], now: NOW }));
  });

  it('a stale or future timestamp (tolerance 5 minutes)', () => {
    fails({ headers: HEADERS, rawBody: BODY }, /too old/, createLiveblocksWebhookVerifier({ secrets: [SECRET], now: NOW + 301_000 }));
    fails({ headers: HEADERS, rawBody: BODY }, /in the future/, createLiveblocksWebhookVerifier({ secrets: [SECRET], now: NOW - 301_000 }));
    expect(createLiveblocksWebhookVerifier({ secrets: [SECRET], now: NOW + 299_000 })({ headers: HEADERS, rawBody: BODY }).id).toBe(ID);
  });

  it('a millisecond timestamp (the wrong JSDoc example) is rejected with a hint', () => {
    fails({ headers: { ...HEADERS, 'webhook-timestamp': '1674850126000' }, rawBody: BODY }, /looks like milliseconds/);
  });

  it('each missing header, and a parsed (not raw) body', () => {
    fails({ headers: { 'webhook-timestamp': TIMESTAMP, 'webhook-signature': SIGNATURE }, rawBody: BODY }, /webhook-id/);
    fails({ headers: { 'webhook-id': ID, 'webhook-signature': SIGNATURE }, rawBody: BODY }, /webhook-timestamp/);
    fails({ headers: { 'webhook-id': ID, 'webhook-timestamp': TIMESTAMP }, rawBody: BODY }, /webhook-signature/);
    fails({ headers: {}, rawBody: BODY }, /webhook-id/);
    fails({ headers: HEADERS, rawBody: JSON.parse(BODY) as unknown as string }, /rawBody/);
  });

  it('a verified body that is not JSON', () => {
    const body = 'not json';
    const signature = signStandardWebhook({ id: ID, timestamp: Number(TIMESTAMP), body }, SECRET);
    fails({ headers: { ...HEADERS, 'webhook-signature': signature }, rawBody: body }, /not JSON/);
  });
});

describe('rotation and headers', () => {
  it('accepts a signature by any configured secret (webhookSecrets), and a header listing several signatures', () => {
    const rotating = createLiveblocksWebhookVerifier({ secrets: [OTHER_SECRET, SECRET], now: NOW });
    expect(rotating({ headers: HEADERS, rawBody: BODY }).id).toBe(ID);
    const bySecond = signStandardWebhook({ id: ID, timestamp: Number(TIMESTAMP), body: BODY }, OTHER_SECRET);
    expect(verify({ headers: { ...HEADERS, 'webhook-signature': `${bySecond} ${SIGNATURE}` }, rawBody: BODY }).id).toBe(ID);
  });

  it('handles array-valued headers (Node IncomingHttpHeaders): signatures are joined, repeated equal ids accepted, conflicting ids rejected', () => {
    const bySecond = signStandardWebhook({ id: ID, timestamp: Number(TIMESTAMP), body: BODY }, OTHER_SECRET);
    expect(verify({ headers: { ...HEADERS, 'webhook-signature': [bySecond, SIGNATURE] }, rawBody: BODY }).id).toBe(ID);
    expect(verify({ headers: { ...HEADERS, 'webhook-id': [ID, ID] }, rawBody: BODY }).id).toBe(ID);
    fails({ headers: { ...HEADERS, 'webhook-id': [ID, 'msg_other'] }, rawBody: BODY }, /repeated with different values/);
  });

  it('through the collab: webhookSecret and webhookSecrets are both trusted; verify is declared no without any secret', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
    try {
      const collab = await createCollab({ provider: 'liveblocks', secretKey: 'sk_localdev', webhookSecret: OTHER_SECRET, webhookSecrets: [SECRET] });
      await expect(collab.webhooks.verify({ headers: HEADERS, rawBody: BODY })).resolves.toMatchObject({ type: 'user.entered' });
      await expect(collab.webhooks.verify({ headers: HEADERS, rawBody: BODY + ' ' })).rejects.toBeInstanceOf(WebhookVerificationError);
      const bare = await createCollab({ provider: 'liveblocks', secretKey: 'sk_localdev' });
      expect(bare.capabilities['webhooks.verify']).toBe('no');
      await expect(bare.webhooks.verify({ headers: HEADERS, rawBody: BODY })).rejects.toMatchObject({ code: 'unsupported_feature', feature: 'webhooks.verify' });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('cross-check with the standardwebhooks package', () => {
  const body = JSON.stringify({ type: 'threadCreated', data: { projectId: 'p', roomId: 'r', threadId: 't', createdAt: '2024-03-01T10:00:00.000Z', createdBy: 'u' } });

  it('a payload signed by standardwebhooks verifies here', () => {
    const now = new Date();
    const signature = new Webhook(SECRET).sign('msg_cross', now, body);
    const event = createLiveblocksWebhookVerifier({ secrets: [SECRET] })({
      headers: { 'webhook-id': 'msg_cross', 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': signature },
      rawBody: body,
    });
    expect(event).toMatchObject({ id: 'msg_cross', type: 'thread.created', roomId: 'r', threadId: 't', userId: 'u' });
  });

  it('the signature computed here verifies with standardwebhooks', () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = signStandardWebhook({ id: 'msg_cross', timestamp, body }, SECRET);
    expect(new Webhook(SECRET).verify(body, { 'webhook-id': 'msg_cross', 'webhook-timestamp': String(timestamp), 'webhook-signature': signature })).toEqual(JSON.parse(body));
  });
});

// ---- every event type of section 1.5, with the fields of @liveblocks/node's types
const P = { projectId: '605a50b01a36d5ea7a2e9104' };
const FIXTURES: Array<[string, Record<string, unknown>, Partial<CollabEvent>]> = [
  ['storageUpdated', { ...P, roomId: 'r', updatedAt: '2024-01-01T00:00:01.000Z' }, { type: 'storage.updated', roomId: 'r', occurredAt: new Date('2024-01-01T00:00:01.000Z') }],
  [
    'userEntered',
    { ...P, roomId: 'r', connectionId: 1, userId: 'u', userInfo: null, enteredAt: '2024-01-01T00:00:02.000Z', numActiveUsers: 1 },
    { type: 'user.entered', roomId: 'r', userId: 'u', occurredAt: new Date('2024-01-01T00:00:02.000Z') },
  ],
  [
    'userLeft',
    { ...P, roomId: 'r', connectionId: 1, userId: null, userInfo: null, leftAt: '2024-01-01T00:00:03.000Z', numActiveUsers: 0 },
    { type: 'user.left', roomId: 'r', occurredAt: new Date('2024-01-01T00:00:03.000Z') },
  ],
  ['roomCreated', { ...P, roomId: 'r', createdAt: '2024-01-01T00:00:04.000Z' }, { type: 'room.created', roomId: 'r', occurredAt: new Date('2024-01-01T00:00:04.000Z') }],
  ['roomDeleted', { ...P, roomId: 'r', deletedAt: '2024-01-01T00:00:05.000Z' }, { type: 'room.deleted', roomId: 'r', occurredAt: new Date('2024-01-01T00:00:05.000Z') }],
  ['ydocUpdated', { appId: 'legacy-app-id', roomId: 'r', updatedAt: '2024-01-01T00:00:06.000Z' }, { type: 'document.updated', roomId: 'r', occurredAt: new Date('2024-01-01T00:00:06.000Z') }],
  [
    'commentCreated',
    { ...P, roomId: 'r', threadId: 't', commentId: 'c', createdAt: '2024-01-01T00:00:07.000Z', createdBy: 'u', content: 'Hello world' },
    { type: 'comment.created', roomId: 'r', threadId: 't', commentId: 'c', userId: 'u', occurredAt: new Date('2024-01-01T00:00:07.000Z') },
  ],
  [
    'commentEdited',
    { ...P, roomId: 'r', threadId: 't', commentId: 'c', editedAt: '2024-01-01T00:00:08.000Z', content: 'Hello world' },
    { type: 'comment.edited', roomId: 'r', threadId: 't', commentId: 'c', occurredAt: new Date('2024-01-01T00:00:08.000Z') },
  ],
  [
    'commentDeleted',
    { ...P, roomId: 'r', threadId: 't', commentId: 'c', deletedAt: '2024-01-01T00:00:09.000Z' },
    { type: 'comment.deleted', roomId: 'r', threadId: 't', commentId: 'c', occurredAt: new Date('2024-01-01T00:00:09.000Z') },
  ],
  [
    'commentReactionAdded',
    { ...P, roomId: 'r', threadId: 't', commentId: 'c', emoji: '👍', addedAt: '2024-01-01T00:00:10.000Z', addedBy: 'u' },
    { type: 'reaction.added', roomId: 'r', threadId: 't', commentId: 'c', userId: 'u', occurredAt: new Date('2024-01-01T00:00:10.000Z') },
  ],
  [
    'commentReactionRemoved',
    { ...P, roomId: 'r', threadId: 't', commentId: 'c', emoji: '👍', removedAt: '2024-01-01T00:00:11.000Z', removedBy: 'u' },
    { type: 'reaction.removed', roomId: 'r', threadId: 't', commentId: 'c', userId: 'u', occurredAt: new Date('2024-01-01T00:00:11.000Z') },
  ],
  [
    'commentMetadataUpdated',
    { ...P, roomId: 'r', threadId: 't', commentId: 'c', updatedAt: '2024-01-01T00:00:12.000Z', updatedBy: 'u' },
    { type: 'comment.edited', roomId: 'r', threadId: 't', commentId: 'c', userId: 'u', occurredAt: new Date('2024-01-01T00:00:12.000Z') },
  ],
  [
    'threadCreated',
    { ...P, roomId: 'r', threadId: 't', createdAt: '2024-01-01T00:00:13.000Z', createdBy: 'u' },
    { type: 'thread.created', roomId: 'r', threadId: 't', userId: 'u', occurredAt: new Date('2024-01-01T00:00:13.000Z') },
  ],
  ['threadDeleted', { ...P, roomId: 'r', threadId: 't', deletedAt: '2024-01-01T00:00:14.000Z' }, { type: 'thread.deleted', roomId: 'r', threadId: 't', occurredAt: new Date('2024-01-01T00:00:14.000Z') }],
  [
    'threadMetadataUpdated',
    { ...P, roomId: 'r', threadId: 't', updatedAt: '2024-01-01T00:00:15.000Z', updatedBy: 'u' },
    { type: 'thread.metadata_updated', roomId: 'r', threadId: 't', userId: 'u', occurredAt: new Date('2024-01-01T00:00:15.000Z') },
  ],
  [
    'threadMarkedAsResolved',
    { ...P, roomId: 'r', threadId: 't', updatedAt: '2024-01-01T00:00:16.000Z', updatedBy: 'u' },
    { type: 'thread.resolved', roomId: 'r', threadId: 't', userId: 'u', occurredAt: new Date('2024-01-01T00:00:16.000Z') },
  ],
  [
    'threadMarkedAsUnresolved',
    { ...P, roomId: 'r', threadId: 't', updatedAt: '2024-01-01T00:00:17.000Z', updatedBy: 'u' },
    { type: 'thread.unresolved', roomId: 'r', threadId: 't', userId: 'u', occurredAt: new Date('2024-01-01T00:00:17.000Z') },
  ],
  [
    'notification',
    { ...P, channel: 'email', kind: 'thread', roomId: 'r', userId: 'u', threadId: 't', inboxNotificationId: 'in_1', createdAt: '2024-01-01T00:30:18.000Z', triggeredAt: '2024-01-01T00:00:18.000Z' },
    { type: 'notification.created', roomId: 'r', threadId: 't', userId: 'u', occurredAt: new Date('2024-01-01T00:00:18.000Z') },
  ],
];

describe('normalisation of every event type', () => {
  const now = Date.parse('2024-01-01T00:00:30.000Z');
  const verifier = createLiveblocksWebhookVerifier({ secrets: [SECRET], now });
  const deliver = (payload: unknown, id = 'msg_evt') => {
    const body = JSON.stringify(payload);
    const timestamp = Math.floor(now / 1000);
    return verifier({ headers: { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signStandardWebhook({ id, timestamp, body }, SECRET) }, rawBody: body });
  };

  it('the fixtures cover the 18 types @liveblocks/node knows', () => {
    expect(FIXTURES.map(([type]) => type).sort()).toEqual([...LB_WEBHOOK_EVENT_TYPES].sort());
    expect(LB_WEBHOOK_EVENT_TYPES).toHaveLength(18);
  });

  for (const [type, data, expected] of FIXTURES) {
    it(`${type} -> ${expected.type}`, () => {
      const payload = { type, data };
      const event = deliver(payload);
      expect(event).toEqual({ id: 'msg_evt', provider: 'liveblocks', raw: payload, ...expected });
    });
  }

  it('textMention and custom notifications are notification.created too', () => {
    const mention = deliver({ type: 'notification', data: { ...P, channel: 'email', kind: 'textMention', roomId: 'r', userId: 'u', mentionId: 'tm_1', inboxNotificationId: 'in_2', createdAt: '2024-01-01T00:00:20.000Z', triggeredAt: '2024-01-01T00:00:19.000Z' } });
    expect(mention).toMatchObject({ type: 'notification.created', roomId: 'r', userId: 'u' });
    const custom = deliver({ type: 'notification', data: { ...P, channel: 'slack', kind: '$fileUploaded', roomId: null, userId: 'u', subjectId: 's', inboxNotificationId: 'in_3', createdAt: '2024-01-01T00:00:21.000Z' } });
    expect(custom).toMatchObject({ type: 'notification.created', userId: 'u', occurredAt: new Date('2024-01-01T00:00:21.000Z') });
    expect(custom.roomId).toBeUndefined();
  });

  it('an unknown type becomes unknown with raw, never an exception; so does a payload without type or data', () => {
    const future = { type: 'maxConnectionsReached', data: { ...P, roomId: 'r', at: '2024-01-01T00:00:22.000Z' } };
    expect(deliver(future)).toEqual({ id: 'msg_evt', type: 'unknown', provider: 'liveblocks', occurredAt: new Date(Math.floor(now / 1000) * 1000), roomId: 'r', raw: future });
    expect(deliver([1, 2, 3])).toMatchObject({ type: 'unknown', raw: [1, 2, 3] });
    expect(deliver({ data: null })).toMatchObject({ type: 'unknown' });
    expect(deliver({ type: 'roomCreated', data: { roomId: 7, createdAt: 'not a date' } })).toMatchObject({ type: 'room.created', occurredAt: new Date(Math.floor(now / 1000) * 1000) });
  });
});

describe('collab.webhooks.verify on the collab', () => {
  let collab: Collab;
  beforeAll(async () => {
    collab = await createCollab({ provider: 'liveblocks', secretKey: 'sk_localdev', webhookSecret: SECRET });
  });
  afterEach(() => vi.useRealTimers());

  it('verifies the reference vector with the clock set', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
    await expect(collab.webhooks.verify({ headers: HEADERS, rawBody: BODY })).resolves.toMatchObject({ id: ID, type: 'user.entered', roomId: 'hero-grid-12-01-2022' });
  });

  it('rejects it without the clock set (the vector is from 2023)', async () => {
    await expect(collab.webhooks.verify({ headers: HEADERS, rawBody: BODY })).rejects.toThrow(/too old/);
  });
});

describe('start-up checks and replay protection', () => {
  it('an empty webhook secret (whsec_) fails createCollab with a ConfigError naming webhookSecret and its variable', async () => {
    for (const config of [{ webhookSecret: 'whsec_' }, { webhookSecret: 'whsec_A' }, { webhookSecrets: ['whsec_'] }]) {
      const err = await createCollab({ provider: 'liveblocks', secretKey: 'sk_localdev', ...config }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ConfigError);
      const { field, envVar } = err as ConfigError;
      if ('webhookSecret' in config) expect([field, envVar]).toEqual(['webhookSecret', 'LIVEBLOCKS_WEBHOOK_SECRET']);
      else expect(field).toBe('webhookSecrets.0');
    }
  });

  it('two instances sharing a replay store: the second delivery of a signed webhook is refused, a new id is not', async () => {
    const store = createInMemoryReplayStore();
    const a = await createCollab({ provider: 'liveblocks', secretKey: 'sk_localdev', webhookSecret: OTHER_SECRET, webhookReplayStore: store });
    const b = await createCollab({ provider: 'liveblocks', secretKey: 'sk_localdev', webhookSecret: OTHER_SECRET, webhookReplayStore: store });
    const oracle = new Webhook(OTHER_SECRET);
    const delivery = (id: string) => {
      const at = new Date();
      return { headers: { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': oracle.sign(id, at, BODY) }, rawBody: BODY };
    };
    const first = delivery('msg_lb_replay');
    await expect(a.webhooks.verify(first)).resolves.toMatchObject({ id: 'msg_lb_replay', type: 'user.entered' });
    await expect(b.webhooks.verify(first)).rejects.toMatchObject({ code: 'webhook_verification_failed', vendorCode: WEBHOOK_REPLAYED, provider: 'liveblocks' });
    await expect(b.webhooks.verify(delivery('msg_lb_other'))).resolves.toMatchObject({ id: 'msg_lb_other' });
    await a.close();
    await b.close();
  });
});
