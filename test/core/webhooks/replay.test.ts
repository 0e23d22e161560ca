/**
 * Replay protection in core: the in-process store (bounded, expiring), the claim that turns a seen id
 * into a `WebhookVerificationError`, the TTL rule, and the wrapper every provider's `webhooks.verify`
 * gets (exercised here on the memory provider, whose deliveries are signed with the `standardwebhooks`
 * package as the oracle).
 */
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { type Collab, createCollab } from '../../../src/collab.js';
import { CollabError, ConfigError, ValidationError, WebhookVerificationError } from '../../../src/core/errors.js';
import {
  claimWebhookDelivery,
  createInMemoryReplayStore,
  DEFAULT_REPLAY_WINDOW_SECONDS,
  REPLAY_STORE_UNAVAILABLE,
  WEBHOOK_REPLAYED,
  type WebhookReplayStore,
  webhookReplayKey,
  webhookReplayTtlMs,
} from '../../../src/core/webhooks/index.js';

async function rejection(promise: Promise<unknown>): Promise<CollabError> {
  try {
    await promise;
  } catch (err) {
    expect(CollabError.is(err)).toBe(true);
    return err as CollabError;
  }
  throw new Error('expected a rejection');
}

/** A store that records its calls, so tests can see what was (not) claimed. */
function spyStore(inner: WebhookReplayStore = createInMemoryReplayStore()): WebhookReplayStore & { calls: Array<[string, number]> } {
  const calls: Array<[string, number]> = [];
  return {
    calls,
    claim: (id, ttl) => {
      calls.push([id, ttl]);
      return inner.claim(id, ttl);
    },
  };
}

describe('createInMemoryReplayStore', () => {
  it('claims an id once until it expires', async () => {
    let now = 1_000_000;
    const store = createInMemoryReplayStore({ now: () => now });
    expect(await store.claim('a', 1000)).toBe(true);
    expect(await store.claim('a', 1000)).toBe(false);
    expect(await store.claim('b', 1000)).toBe(true);
    now += 999;
    expect(await store.claim('a', 1000)).toBe(false);
    now += 1;
    expect(await store.claim('a', 1000)).toBe(true);
    expect(await store.claim('a', 1000)).toBe(false);
  });

  it('forgets a released id', async () => {
    const store = createInMemoryReplayStore();
    expect(await store.claim('a', 60_000)).toBe(true);
    await store.release!('a');
    expect(await store.claim('a', 60_000)).toBe(true);
  });

  it('holds at most maxEntries ids, dropping expired ones first and then the oldest claim', async () => {
    let now = 0;
    const store = createInMemoryReplayStore({ maxEntries: 3, now: () => now });
    expect(await store.claim('short', 10)).toBe(true);
    expect(await store.claim('x', 10_000)).toBe(true);
    expect(await store.claim('y', 10_000)).toBe(true);
    now = 20; // `short` expired: it is swept, so `z` fits without dropping a live id.
    expect(await store.claim('z', 10_000)).toBe(true);
    expect(await store.claim('x', 10_000)).toBe(false);
    expect(await store.claim('y', 10_000)).toBe(false);
    expect(await store.claim('z', 10_000)).toBe(false);
    // Full of live ids: the oldest claim (`x`) makes room.
    expect(await store.claim('w', 10_000)).toBe(true);
    expect(await store.claim('x', 10_000)).toBe(true);
    expect(await store.claim('w', 10_000)).toBe(false);
  });

  it('refuses unusable options and arguments', async () => {
    expect(() => createInMemoryReplayStore({ maxEntries: 0 })).toThrow(ConfigError);
    expect(() => createInMemoryReplayStore({ maxEntries: 1.5 })).toThrow(ConfigError);
    const store = createInMemoryReplayStore();
    expect(await rejection(store.claim('', 1000))).toBeInstanceOf(ValidationError);
    expect(await rejection(store.claim('a', 0))).toBeInstanceOf(ValidationError);
    expect(await rejection(store.claim('a', Number.NaN))).toBeInstanceOf(ValidationError);
  });
});

describe('claimWebhookDelivery', () => {
  it('passes a first delivery and refuses the second with vendorCode webhook_replayed', async () => {
    const store = createInMemoryReplayStore();
    await claimWebhookDelivery(store, { id: 'velt:msg_1', ttlMs: 1000, provider: 'velt' });
    const err = await rejection(claimWebhookDelivery(store, { id: 'velt:msg_1', ttlMs: 1000, provider: 'velt' }));
    expect(err).toBeInstanceOf(WebhookVerificationError);
    expect(err.vendorCode).toBe(WEBHOOK_REPLAYED);
    expect(err.retryable).toBe(false);
    expect(err.provider).toBe('velt');
    expect(err.message).toContain('already received');
  });

  it('refuses the delivery as retryable when the store fails, keeping the cause', async () => {
    const broken: WebhookReplayStore = { claim: async () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379')) };
    const err = await rejection(claimWebhookDelivery(broken, { id: 'x', ttlMs: 1000 }));
    expect(err).toBeInstanceOf(WebhookVerificationError);
    expect(err.vendorCode).toBe(REPLAY_STORE_UNAVAILABLE);
    expect(err.retryable).toBe(true);
    expect((err.cause as Error).message).toContain('ECONNREFUSED');
    const weird = { claim: async () => 'OK' } as unknown as WebhookReplayStore;
    expect((await rejection(claimWebhookDelivery(weird, { id: 'x', ttlMs: 1000 }))).vendorCode).toBe(REPLAY_STORE_UNAVAILABLE);
  });

  it('passes a CollabError from the store through unchanged', async () => {
    const misconfigured: WebhookReplayStore = { claim: async () => Promise.reject(new ConfigError('needs the redis package', { field: 'url' })) };
    expect(await rejection(claimWebhookDelivery(misconfigured, { id: 'x', ttlMs: 1000 }))).toBeInstanceOf(ConfigError);
  });
});

describe('webhookReplayTtlMs', () => {
  it('is twice the tolerance for a signed delivery and the window for one without a signature', () => {
    const signed = { headers: { 'webhook-id': 'msg_1', 'webhook-timestamp': '1', 'webhook-signature': 'v1,x' } };
    expect(webhookReplayTtlMs(signed)).toBe(600_000);
    expect(webhookReplayTtlMs(signed, { toleranceSeconds: 60, windowSeconds: 5 })).toBe(120_000);
    expect(webhookReplayTtlMs({ headers: { authorization: 'Basic t' } })).toBe(DEFAULT_REPLAY_WINDOW_SECONDS * 1000);
    expect(webhookReplayTtlMs({ headers: { authorization: 'Basic t' } }, { windowSeconds: 30 })).toBe(30_000);
  });
});

describe('webhooks.verify with a replay store (memory provider)', () => {
  let collab: Collab | undefined;
  let subscriptionId: string | undefined;
  afterEach(async () => {
    // The subscription goes before the scan of the run inspects this collab: the memory store keeps
    // its signing secret in plain sight of util.inspect (the secret scan reports that separately).
    if (subscriptionId !== undefined) await collab?.webhooks.subscriptions.delete(subscriptionId);
    await collab?.close();
    collab = undefined;
    subscriptionId = undefined;
  });

  /** A memory collab with one subscription, and a function signing deliveries with its secret. */
  async function setup(config: Record<string, unknown> = {}) {
    collab = await createCollab({ provider: 'memory', ...config });
    const sub = await collab.webhooks.subscriptions.create({ url: 'http://127.0.0.1:9/hook', events: ['comment.created'] });
    subscriptionId = sub.id;
    const oracle = new Webhook(sub.secret!);
    const body = JSON.stringify({ type: 'comment.created', occurredAt: new Date().toISOString(), tenantId: 'default', data: { roomId: 'r1' } });
    const deliver = (id: string, signature?: string) => {
      const at = new Date();
      return {
        headers: { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature ?? oracle.sign(id, at, body) },
        rawBody: body,
      };
    };
    return { collab, deliver };
  }

  it('refuses a replayed delivery when webhookReplayStore is configured', async () => {
    const store = spyStore();
    const { collab, deliver } = await setup({ webhookReplayStore: store });
    const request = deliver('msg_replay_1');
    expect((await collab.webhooks.verify(request)).id).toBe('msg_replay_1');
    const err = await rejection(collab.webhooks.verify(request));
    expect(err).toBeInstanceOf(WebhookVerificationError);
    expect(err.vendorCode).toBe(WEBHOOK_REPLAYED);
    expect(err.provider).toBe('memory');
    // A fresh delivery still passes; ids are namespaced by provider and kept for 2 x 300 s.
    expect((await collab.webhooks.verify(deliver('msg_replay_2'))).id).toBe('msg_replay_2');
    expect(store.calls).toEqual([
      ['memory:msg_replay_1', 600_000],
      ['memory:msg_replay_1', 600_000],
      ['memory:msg_replay_2', 600_000],
    ]);
  });

  it('claims only after the signature verified, so a forged request cannot use up a real id', async () => {
    const store = spyStore();
    const { collab, deliver } = await setup({ webhookReplayStore: store });
    const forged = deliver('msg_target', 'v1,' + Buffer.alloc(32, 7).toString('base64'));
    const err = await rejection(collab.webhooks.verify(forged));
    expect(err).toBeInstanceOf(WebhookVerificationError);
    expect(err.vendorCode).not.toBe(WEBHOOK_REPLAYED);
    expect(store.calls).toEqual([]);
    expect((await collab.webhooks.verify(deliver('msg_target'))).id).toBe('msg_target');
  });

  it('takes a store per call, without one configured, and leaves calls without a store alone', async () => {
    const { collab, deliver } = await setup();
    const request = deliver('msg_per_call');
    const store = createInMemoryReplayStore();
    await collab.webhooks.verify(request, { replayStore: store });
    expect((await rejection(collab.webhooks.verify(request, { replayStore: store }))).vendorCode).toBe(WEBHOOK_REPLAYED);
    // Without a store nothing remembers the id: the same delivery verifies again.
    expect((await collab.webhooks.verify(request)).id).toBe('msg_per_call');
  });

  it('accepts a delivery again after the app releases its key (processing failed)', async () => {
    const store = createInMemoryReplayStore();
    const { collab, deliver } = await setup({ webhookReplayStore: store });
    const request = deliver('msg_release');
    const event = await collab.webhooks.verify(request);
    expect(webhookReplayKey(event)).toBe('memory:msg_release');
    await store.release!(webhookReplayKey(event));
    expect((await collab.webhooks.verify(request)).id).toBe('msg_release');
    expect((await rejection(collab.webhooks.verify(request))).vendorCode).toBe(WEBHOOK_REPLAYED);
  });

  it('prefers the per-call store over the configured one', async () => {
    const configured = spyStore();
    const perCall = spyStore();
    const { collab, deliver } = await setup({ webhookReplayStore: configured });
    await collab.webhooks.verify(deliver('msg_pref'), { replayStore: perCall });
    expect(perCall.calls.map(([id]) => id)).toEqual(['memory:msg_pref']);
    expect(configured.calls).toEqual([]);
  });

  it('refuses unusable per-call options with a ValidationError', async () => {
    const { collab, deliver } = await setup();
    const request = deliver('msg_opts');
    expect(await rejection(collab.webhooks.verify(request, { replayStore: {} as WebhookReplayStore }))).toBeInstanceOf(ValidationError);
    expect(await rejection(collab.webhooks.verify(request, { replayWindowSeconds: -1 }))).toBeInstanceOf(ValidationError);
  });

  it('refuses a config whose webhookReplayStore is not a store', async () => {
    const err = await rejection(createCollab({ provider: 'memory', webhookReplayStore: { claim: 'no' } as unknown as WebhookReplayStore }));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).field).toBe('webhookReplayStore');
  });
});
