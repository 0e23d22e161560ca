/**
 * Webhooks (vendors/velt.md §12): the basic (V1, `Authorization: Basic <token>`) and advanced (V2,
 * Standard Webhooks) samples of the reference verify and normalise; every documented action type maps
 * to a `CollabEvent`; tampering fails.
 */
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, UnsupportedFeatureError, WebhookVerificationError } from '../../../../src/core/errors.js';
import type { CollabEventType } from '../../../../src/core/model/event.js';
import { createInMemoryReplayStore, signStandardWebhook, WEBHOOK_REPLAYED, type WebhookReplayStore } from '../../../../src/core/webhooks/index.js';
import { API_KEY, rejection, veltCollab } from './harness.js';

const BASIC_TOKEN = 'velt-basic-webhook-token-55e0';
/** The reference's Standard Webhooks test vector (§12.2). */
const VECTOR = {
  secret: 'whsec_plJ3nmyCDGBKInavdOK15jsl',
  id: 'msg_loFOjxBNrRLzqYUf',
  timestamp: 1731705121,
  body: '{"event_type":"ping","data":{"success":true}}',
  signature: 'v1,rAvfW3dJ/X/qxhsaXPOyyCGmRKsaKWcsNccKXlIktD0=',
};

afterEach(() => {
  vi.useRealTimers();
});

/** The minimal basic comment webhook of §12.1 (abridged there too). */
const BASIC_SAMPLE = {
  webhookId: '-Nvmw84XtUUHIsrcKAvI',
  actionType: 'added',
  notificationSource: 'comment',
  platform: 'sdk',
  actionUser: { userId: 'user8', name: 'Freddy Froglet', email: 'freddy.froglet@velt.dev', organizationId: '392580a690394bfadd823101f2b05513', clientOrganizationId: 'velt-sample-app' },
  commentAnnotation: {
    annotationId: '-O7Yi14ES3EPayuzQ54J',
    annotationIndex: 20,
    type: 'comment',
    lastUpdated: 1727176311596,
    comments: [
      {
        commentId: 822004,
        commentText: '@Jim Halpert can you take a look?',
        commentHtml: '@Jim Halpert can you take a look?',
        status: 'added',
        type: 'text',
        lastUpdated: '2024-09-24T11:08:49.724Z',
        from: { userId: 'user0', name: 'Peppa Pig' },
        taggedUserContacts: [{ userId: 'e54d', text: '@Jim Halpert', contact: { userId: 'e54d', name: 'Jim Halpert', email: 'jim.halpert@dundermifflin.com' } }],
        to: [{ userId: 'e54d' }],
      },
      { commentId: 719893, commentText: 'test', commentHtml: 'test', status: 'added', type: 'text', lastUpdated: '2024-09-24T11:11:58.344Z', from: { userId: 'user8' } },
    ],
    from: { userId: 'user0' },
    metadata: { apiKey: 'AN5s6iaYIuLLXul0X4zf', documentId: 'toolbar', organizationId: 'velt-sample-app' },
    status: { id: 'OPEN', name: 'Open', type: 'default', color: '#625DF5', lightColor: '#E7E8FA' },
    subscribedUsers: { '3604c43f40557d7aa27ff4d0f72202a3': { type: 'auto', user: { userId: 'e54d' } } },
  },
  targetComment: { commentId: 719893, commentText: 'test', commentHtml: 'test', status: 'added', type: 'text', from: { userId: 'user8' }, lastUpdated: '2024-09-24T11:11:58.344Z' },
  metadata: {
    apiKey: 'AN5s6iaYIuLLXul0X4zf',
    clientDocumentId: 'toolbar',
    clientOrganizationId: 'velt-sample-app',
    documentId: 'toolbar',
    documentName: 'Your_Document_Name',
    organizationId: 'velt-sample-app',
  },
  usersOrganizationNotificationsConfig: { user0: { inbox: 'ALL', email: 'MINE' } },
};

/** The advanced sample of §12.2, filled out. */
const ADVANCED_SAMPLE = {
  event: 'comment.add',
  actionType: 'add',
  source: 'comment',
  platform: 'sdk',
  webhookId: 'dummyWebhookId',
  data: {
    actionUser: { userId: 'user123', name: 'John Doe' },
    commentAnnotation: {
      annotationId: '-O0mpUziLcBwzREvZKs6',
      status: { id: 'RESOLVED', name: 'Resolved', type: 'terminal' },
      resolvedByUserId: 'user123',
      metadata: { documentId: 'yourDocumentId', organizationId: 'yourOrganizationId' },
    },
    targetComment: { commentId: 126535, commentText: 'Looks good', from: { userId: 'user123' } },
    metadata: { clientDocumentId: 'yourDocumentId', clientOrganizationId: 'yourOrganizationId', documentId: 'yourDocumentId', organizationId: 'yourOrganizationId' },
  },
};

function basicRequest(payload: unknown, token = BASIC_TOKEN) {
  return { headers: { authorization: `Basic ${token}`, 'content-type': 'application/json' }, rawBody: JSON.stringify(payload) };
}

function advancedRequest(payload: unknown, secret = VECTOR.secret, id = 'msg_test_1') {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = signStandardWebhook({ id, timestamp, body }, secret);
  return { headers: { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature }, rawBody: body };
}

describe('basic webhooks (V1, §12.1)', () => {
  it('verify the Authorization: Basic <authToken> header and normalise the reference sample', async () => {
    const collab = await veltCollab({ webhookAuthToken: BASIC_TOKEN });
    const event = await collab.webhooks.verify(basicRequest(BASIC_SAMPLE));
    expect(event).toMatchObject({
      id: '-Nvmw84XtUUHIsrcKAvI',
      type: 'comment.created',
      provider: 'velt',
      roomId: 'toolbar',
      threadId: '-O7Yi14ES3EPayuzQ54J',
      commentId: '719893',
      userId: 'user8',
    });
    expect(event.occurredAt).toEqual(new Date('2024-09-24T11:11:58.344Z'));
    expect(JSON.stringify(event.raw)).not.toContain('AN5s6iaYIuLLXul0X4zf');
    await collab.close();
  });

  it('decode a base64 `encodedPayload` body', async () => {
    const collab = await veltCollab({ webhookAuthToken: BASIC_TOKEN });
    const encoded = { encodedPayload: Buffer.from(JSON.stringify(BASIC_SAMPLE)).toString('base64') };
    expect((await collab.webhooks.verify({ ...basicRequest(encoded), rawBody: Buffer.from(JSON.stringify(encoded)) })).type).toBe('comment.created');
    await collab.close();
  });

  const BASIC_TYPES: Array<[actionType: string, extra: Record<string, unknown>, type: CollabEventType]> = [
    ['newlyAdded', {}, 'thread.created'],
    ['added', {}, 'comment.created'],
    ['updated', {}, 'comment.edited'],
    ['deleted', {}, 'comment.deleted'],
    ['statusChanged', { newStatus: { id: 'RESOLVED', name: 'Resolved', type: 'terminal' } }, 'thread.resolved'],
    ['statusChanged', { newStatus: { id: 'OPEN', name: 'Open', type: 'default' } }, 'thread.unresolved'],
    ['statusChanged', { newStatus: { id: 'IN_PROGRESS', name: 'In progress', type: 'ongoing' } }, 'thread.unresolved'],
    ['reactionAdded', {}, 'reaction.added'],
    ['reactionDeleted', {}, 'reaction.removed'],
    ['approved', {}, 'unknown'],
    ['assigned', {}, 'unknown'],
    ['priorityChanged', {}, 'unknown'],
    ['accessModeChanged', {}, 'unknown'],
    ['accepted', {}, 'unknown'],
    ['rejected', {}, 'unknown'],
    ['subscribed', {}, 'unknown'],
    ['unsubscribed', {}, 'unknown'],
    ['suggestionAccepted', {}, 'unknown'],
    ['suggestionRejected', {}, 'unknown'],
    ['customListChanged', {}, 'unknown'],
    ['created', { notificationSource: 'huddle' }, 'unknown'],
    ['joined', { notificationSource: 'huddle' }, 'unknown'],
    ['updateData', { notificationSource: 'crdt', crdtData: { id: 'x', lastUpdate: 1727176311596 } }, 'document.updated'],
  ];

  it('normalise every documented actionType', async () => {
    const collab = await veltCollab({ webhookAuthToken: BASIC_TOKEN });
    for (const [actionType, extra, type] of BASIC_TYPES) {
      const event = await collab.webhooks.verify(basicRequest({ ...BASIC_SAMPLE, actionType, ...extra }));
      expect([actionType, event.type]).toEqual([actionType, type]);
    }
    await collab.close();
  });

  it('reject a wrong, missing or re-encoded token, another scheme and encrypted bodies', async () => {
    const collab = await veltCollab({ webhookAuthToken: BASIC_TOKEN });
    const body = JSON.stringify(BASIC_SAMPLE);
    const bad: Array<Record<string, string>> = [
      {},
      { authorization: 'Basic wrong-token' },
      { authorization: `Basic ${Buffer.from(`${BASIC_TOKEN}:`).toString('base64')}` },
      { authorization: `Bearer ${BASIC_TOKEN}` },
      { authorization: 'Basic' },
    ];
    for (const headers of bad) expect(await rejection(collab.webhooks.verify({ headers, rawBody: body }))).toBeInstanceOf(WebhookVerificationError);
    const encrypted = JSON.stringify({ encryptedData: 'x', encryptedKey: 'y', iv: 'z' });
    expect(await rejection(collab.webhooks.verify({ headers: { authorization: `Basic ${BASIC_TOKEN}` }, rawBody: encrypted }))).toBeInstanceOf(WebhookVerificationError);
    expect(await rejection(collab.webhooks.verify({ headers: { authorization: `Basic ${BASIC_TOKEN}` }, rawBody: '{not json' }))).toBeInstanceOf(WebhookVerificationError);
    await collab.close();
  });

  it('reject signed requests when only basic webhooks are configured', async () => {
    const collab = await veltCollab({ webhookAuthToken: BASIC_TOKEN });
    expect(await rejection(collab.webhooks.verify(advancedRequest(ADVANCED_SAMPLE)))).toBeInstanceOf(WebhookVerificationError);
    await collab.close();
  });
});

describe('advanced webhooks (V2, Standard Webhooks, §12.2)', () => {
  it('verify the reference test vector', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(VECTOR.timestamp * 1000 + 5000);
    const collab = await veltCollab({ webhookSecret: VECTOR.secret });
    const event = await collab.webhooks.verify({
      headers: { 'webhook-id': VECTOR.id, 'webhook-timestamp': String(VECTOR.timestamp), 'webhook-signature': VECTOR.signature },
      rawBody: VECTOR.body,
    });
    expect(event).toMatchObject({ id: VECTOR.id, type: 'unknown', provider: 'velt', raw: { event_type: 'ping', data: { success: true } } });
    expect(event.occurredAt).toEqual(new Date(VECTOR.timestamp * 1000));
    await collab.close();
  });

  it('normalise the reference sample (ids from data, the webhook-id as event id)', async () => {
    const collab = await veltCollab({ webhookSecret: VECTOR.secret });
    const event = await collab.webhooks.verify(advancedRequest(ADVANCED_SAMPLE, VECTOR.secret, 'msg_2'));
    expect(event).toMatchObject({ id: 'msg_2', type: 'comment.created', roomId: 'yourDocumentId', threadId: '-O0mpUziLcBwzREvZKs6', commentId: '126535', userId: 'user123' });
    await collab.close();
  });

  const ADVANCED_TYPES: Array<[event: string, extra: Record<string, unknown>, type: CollabEventType]> = [
    ['comment_annotation.add', {}, 'thread.created'],
    ['comment_annotation.status_change', { newStatus: { id: 'RESOLVED', name: 'Resolved', type: 'terminal' } }, 'thread.resolved'],
    ['comment_annotation.status_change', { newStatus: { id: 'OPEN', name: 'Open', type: 'default' } }, 'thread.unresolved'],
    // Without `newStatus`, the annotation's (new) status decides: the sample's is terminal.
    ['comment_annotation.status_change', {}, 'thread.resolved'],
    ['comment_annotation.assign', {}, 'unknown'],
    ['comment_annotation.priority_change', {}, 'unknown'],
    ['comment_annotation.custom_list_change', {}, 'unknown'],
    ['comment_annotation.subscribe', {}, 'unknown'],
    ['comment_annotation.unsubscribe', {}, 'unknown'],
    ['comment_annotation.accept', {}, 'unknown'],
    ['comment_annotation.reject', {}, 'unknown'],
    ['comment_annotation.approve', {}, 'unknown'],
    ['comment_annotation.suggestion_accept', {}, 'unknown'],
    ['comment_annotation.suggestion_reject', {}, 'unknown'],
    ['comment.add', {}, 'comment.created'],
    ['comment.update', {}, 'comment.edited'],
    ['comment.delete', {}, 'comment.deleted'],
    ['comment.reaction_add', {}, 'reaction.added'],
    ['comment.reaction_delete', {}, 'reaction.removed'],
    ['huddle.create', {}, 'unknown'],
    ['huddle.join', {}, 'unknown'],
    ['crdt.update_data', {}, 'document.updated'],
    ['recorder.done', {}, 'unknown'],
    ['execution.completed', {}, 'unknown'],
    ['message.attempt.exhausted', {}, 'unknown'],
  ];

  it('normalise every documented event type', async () => {
    const collab = await veltCollab({ webhookSecret: VECTOR.secret });
    for (const [name, extra, type] of ADVANCED_TYPES) {
      const payload = { ...ADVANCED_SAMPLE, event: name, data: { ...ADVANCED_SAMPLE.data, ...extra } };
      const event = await collab.webhooks.verify(advancedRequest(payload));
      expect([name, event.type]).toEqual([name, type]);
    }
    await collab.close();
  });

  it('decode a base64 `encodedPayload` body after checking the signature over the bytes sent', async () => {
    const collab = await veltCollab({ webhookSecret: VECTOR.secret });
    const encoded = { encodedPayload: Buffer.from(JSON.stringify(ADVANCED_SAMPLE)).toString('base64') };
    expect((await collab.webhooks.verify(advancedRequest(encoded))).type).toBe('comment.created');
    await collab.close();
  });

  it('fail on a changed body, a wrong secret, an old timestamp or a missing header', async () => {
    const collab = await veltCollab({ webhookSecret: VECTOR.secret });
    const good = advancedRequest(ADVANCED_SAMPLE);
    const tampered = good.rawBody.replace('comment.add', 'comment.del');
    expect(await rejection(collab.webhooks.verify({ ...good, rawBody: tampered }))).toBeInstanceOf(WebhookVerificationError);
    expect(await rejection(collab.webhooks.verify({ ...good, rawBody: `${good.rawBody} ` }))).toBeInstanceOf(WebhookVerificationError);
    expect(await rejection(collab.webhooks.verify(advancedRequest(ADVANCED_SAMPLE, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')))).toBeInstanceOf(WebhookVerificationError);
    const old = { ...good.headers, 'webhook-timestamp': String(VECTOR.timestamp) };
    expect(await rejection(collab.webhooks.verify({ headers: old, rawBody: good.rawBody }))).toBeInstanceOf(WebhookVerificationError);
    const { 'webhook-timestamp': _t, ...missing } = good.headers;
    expect(await rejection(collab.webhooks.verify({ headers: missing, rawBody: good.rawBody }))).toBeInstanceOf(WebhookVerificationError);
    // A basic-auth request is no substitute when only advanced webhooks are configured.
    expect(await rejection(collab.webhooks.verify(basicRequest(BASIC_SAMPLE)))).toBeInstanceOf(WebhookVerificationError);
    await collab.close();
  });
});

describe('without webhook configuration', () => {
  it('verify is declared no and rejects with UnsupportedFeatureError', async () => {
    const collab = await veltCollab();
    expect(collab.capabilities['webhooks.verify']).toBe('no');
    expect(await rejection(collab.webhooks.verify(basicRequest(BASIC_SAMPLE)))).toBeInstanceOf(UnsupportedFeatureError);
    await collab.close();
  });
});

/**
 * An advanced (V2) payload with the nested metadata of Velt's advanced-webhooks docs
 * (`metadata.document.documentId`, `metadata.organization.organizationId`) and no flat ids.
 */
const ADVANCED_NESTED = {
  event: 'comment.add',
  actionType: 'add',
  source: 'comment',
  platform: 'sdk',
  webhookId: 'nestedWebhookId',
  data: {
    actionUser: { userId: 'user123', name: 'John Doe' },
    commentAnnotation: { annotationId: '-O0nestedAnnotation', status: { id: 'OPEN', name: 'Open', type: 'default' } },
    targetComment: { commentId: 4242, commentText: 'Nested', from: { userId: 'user123' } },
    metadata: { apiKey: API_KEY, document: { documentId: 'nested-doc' }, organization: { organizationId: 'nested-org' } },
  },
};

/** An advanced delivery signed by the `standardwebhooks` package (an implementation we do not share code with). */
function oracleRequest(payload: unknown, id: string, secret = VECTOR.secret) {
  const body = JSON.stringify(payload);
  const at = new Date();
  return { headers: { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, at, body) }, rawBody: body };
}

describe('advanced (V2) payloads with nested ids', () => {
  it('read roomId and tenantId from metadata.document / metadata.organization', async () => {
    const collab = await veltCollab({ webhookSecret: VECTOR.secret });
    const event = await collab.webhooks.verify(oracleRequest(ADVANCED_NESTED, 'msg_nested'));
    expect(event).toMatchObject({
      id: 'msg_nested',
      type: 'comment.created',
      roomId: 'nested-doc',
      tenantId: 'nested-org',
      threadId: '-O0nestedAnnotation',
      commentId: '4242',
      userId: 'user123',
    });
    // Velt echoes the API key in webhook metadata: it must not reach `raw`.
    expect(JSON.stringify(event.raw)).not.toContain(API_KEY);
    await collab.close();
  });

  it('prefer the app ids (client*) over nested and internal ones, and still read the flat V1 fields', async () => {
    const collab = await veltCollab({ webhookSecret: VECTOR.secret, webhookAuthToken: BASIC_TOKEN });
    const mixed = {
      ...ADVANCED_NESTED,
      data: { ...ADVANCED_NESTED.data, metadata: { ...ADVANCED_NESTED.data.metadata, clientDocumentId: 'app-doc', clientOrganizationId: 'app-org', documentId: 'internal-doc' } },
    };
    expect(await collab.webhooks.verify(oracleRequest(mixed, 'msg_mixed'))).toMatchObject({ roomId: 'app-doc', tenantId: 'app-org' });
    // Nested beats the flat internal documentId/organizationId.
    const nestedAndFlat = {
      ...ADVANCED_NESTED,
      data: { ...ADVANCED_NESTED.data, metadata: { ...ADVANCED_NESTED.data.metadata, documentId: 'internal-doc', organizationId: 'internal-org' } },
    };
    expect(await collab.webhooks.verify(oracleRequest(nestedAndFlat, 'msg_nested_flat'))).toMatchObject({ roomId: 'nested-doc', tenantId: 'nested-org' });
    // The reference's flat samples: V2 (§12.2) and V1 (§12.1).
    expect(await collab.webhooks.verify(oracleRequest(ADVANCED_SAMPLE, 'msg_flat'))).toMatchObject({ roomId: 'yourDocumentId', tenantId: 'yourOrganizationId' });
    expect(await collab.webhooks.verify(basicRequest(BASIC_SAMPLE))).toMatchObject({ roomId: 'toolbar', tenantId: 'velt-sample-app' });
    await collab.close();
  });

  it('read nested ids from an envelope-level metadata when data has none', async () => {
    const collab = await veltCollab({ webhookSecret: VECTOR.secret });
    const { metadata, ...dataWithout } = ADVANCED_NESTED.data;
    const envelope = { ...ADVANCED_NESTED, data: dataWithout, metadata };
    expect(await collab.webhooks.verify(oracleRequest(envelope, 'msg_envelope'))).toMatchObject({ roomId: 'nested-doc', tenantId: 'nested-org', threadId: '-O0nestedAnnotation' });
    await collab.close();
  });
});

describe('start-up checks', () => {
  it('an empty webhookSecret (whsec_) fails createCollab with a ConfigError naming webhookSecret and VELT_WEBHOOK_SECRET', async () => {
    for (const webhookSecret of ['whsec_', 'whsec_=']) {
      const err = await rejection(veltCollab({ webhookSecret }));
      expect(err).toBeInstanceOf(ConfigError);
      expect([err.field, err.envVar]).toEqual(['webhookSecret', 'VELT_WEBHOOK_SECRET']);
    }
  });
});

describe('replay protection', () => {
  function recording(): WebhookReplayStore & { ttls: number[] } {
    const inner = createInMemoryReplayStore();
    const ttls: number[] = [];
    return { ttls, claim: (id, ttl) => (ttls.push(ttl), inner.claim(id, ttl)) };
  }

  it('refuses a replayed advanced delivery on another instance sharing the store, keeping ids for 2 x 300 s', async () => {
    const store = recording();
    const a = await veltCollab({ webhookSecret: VECTOR.secret, webhookReplayStore: store });
    const b = await veltCollab({ webhookSecret: VECTOR.secret, webhookReplayStore: store });
    const request = oracleRequest(ADVANCED_SAMPLE, 'msg_velt_replay');
    expect((await a.webhooks.verify(request)).id).toBe('msg_velt_replay');
    const err = await rejection(b.webhooks.verify(request));
    expect(err).toBeInstanceOf(WebhookVerificationError);
    expect(err.vendorCode).toBe(WEBHOOK_REPLAYED);
    expect(store.ttls).toEqual([600_000, 600_000]);
    await a.close();
    await b.close();
  });

  it('refuses a replayed basic delivery within the configured window (basic webhooks have no timestamp)', async () => {
    const store = recording();
    const collab = await veltCollab({ webhookAuthToken: BASIC_TOKEN, webhookReplayStore: store, webhookReplayWindowSeconds: 120 });
    const request = basicRequest(BASIC_SAMPLE);
    expect((await collab.webhooks.verify(request)).id).toBe('-Nvmw84XtUUHIsrcKAvI');
    expect((await rejection(collab.webhooks.verify(request))).vendorCode).toBe(WEBHOOK_REPLAYED);
    // Another webhookId is another delivery; the per-call window overrides the configured one.
    expect((await collab.webhooks.verify(basicRequest({ ...BASIC_SAMPLE, webhookId: 'another' }), { replayWindowSeconds: 30 })).id).toBe('another');
    expect(store.ttls).toEqual([120_000, 120_000, 30_000]);
    await collab.close();
  });

  it('does not claim ids of requests that fail verification', async () => {
    const store = recording();
    const collab = await veltCollab({ webhookAuthToken: BASIC_TOKEN, webhookSecret: VECTOR.secret, webhookReplayStore: store });
    expect(await rejection(collab.webhooks.verify(basicRequest(BASIC_SAMPLE, 'wrong-token')))).toBeInstanceOf(WebhookVerificationError);
    expect(await rejection(collab.webhooks.verify(oracleRequest(ADVANCED_SAMPLE, 'msg_forged', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')))).toBeInstanceOf(WebhookVerificationError);
    expect(store.ttls).toEqual([]);
    expect((await collab.webhooks.verify(basicRequest(BASIC_SAMPLE))).id).toBe('-Nvmw84XtUUHIsrcKAvI');
    expect((await collab.webhooks.verify(oracleRequest(ADVANCED_SAMPLE, 'msg_forged'))).id).toBe('msg_forged');
    await collab.close();
  });
});
