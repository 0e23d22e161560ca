/**
 * The in-memory replay store and `claimWebhookDelivery`, edge by edge (written against the survivors
 * of `npm run mutation -- core-webhooks`, see docs/mutation.md): argument checks and their errors,
 * expiry at the exact millisecond, re-claims after expiry, eviction of the oldest claim when full,
 * release and close, and what a store's odd answers become.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, ValidationError, WebhookVerificationError } from '../../src/core/errors.js';
import { createInMemoryReplayStore } from '../../src/core/webhooks/replay-memory.js';
import { claimWebhookDelivery, isWebhookReplayStore, REPLAY_STORE_UNAVAILABLE, WEBHOOK_REPLAYED, webhookReplayTtlMs } from '../../src/core/webhooks/replay.js';
import type { WebhookReplayStore } from '../../src/core/webhooks/types.js';

async function rejection(promise: Promise<unknown>): Promise<any> {
  return promise.then(
    (v) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(v)}`);
    },
    (err: unknown) => err,
  );
}
function thrown(fn: () => unknown): any {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('createInMemoryReplayStore', () => {
  it('refuses a maxEntries that is not a positive integer, naming the field', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
      const err = thrown(() => createInMemoryReplayStore({ maxEntries: bad }));
      expect(err, String(bad)).toBeInstanceOf(ConfigError);
      expect(err.message).toBe('maxEntries must be a positive integer');
      expect(err.field).toBe('maxEntries');
      expect(err.operation).toBe('webhooks.replayStore');
    }
    expect(() => createInMemoryReplayStore({ maxEntries: 1 })).not.toThrow();
    expect(() => createInMemoryReplayStore()).not.toThrow();
  });

  it('checks the id and ttl of a claim', async () => {
    const store = createInMemoryReplayStore();
    for (const id of ['', 5 as unknown as string]) {
      const err = await rejection(store.claim(id, 1000));
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.field).toBe('id');
      expect(err.message).toContain('must be a non-empty string');
      expect(err.operation).toBe('webhooks.replayStore.claim');
    }
    for (const ttl of [0, -5, Number.NaN, Number.POSITIVE_INFINITY, '5' as unknown as number]) {
      const err = await rejection(store.claim('a', ttl));
      expect(err, String(ttl)).toBeInstanceOf(ValidationError);
      expect(err.field).toBe('ttlMs');
      expect(err.message).toContain('must be a positive number of milliseconds');
      expect(err.operation).toBe('webhooks.replayStore.claim');
    }
    expect(await store.claim('a', 0.5)).toBe(true);
  });

  it('refuses a live id, accepts it again from the millisecond it expires', async () => {
    let t = 1000;
    const store = createInMemoryReplayStore({ now: () => t });
    expect(await store.claim('a', 100)).toBe(true);
    expect(await store.claim('a', 100)).toBe(false);
    expect(await store.claim('b', 100)).toBe(true);
    t = 1099;
    expect(await store.claim('a', 100)).toBe(false);
    t = 1100;
    expect(await store.claim('a', 100)).toBe(true);
    expect(await store.claim('a', 100)).toBe(false);
  });

  it('sweeps expired ids in claim order and keeps the live ones', async () => {
    let t = 0;
    const store = createInMemoryReplayStore({ now: () => t, maxEntries: 3 });
    expect(await store.claim('long', 1000)).toBe(true);
    expect(await store.claim('short', 10)).toBe(true);
    t = 20;
    // 'short' expired but sits behind the live 'long': still swept lazily, and claimable again.
    expect(await store.claim('short', 10)).toBe(true);
    expect(await store.claim('long', 1000)).toBe(false);
    expect(await store.claim('c', 1000)).toBe(true);
    // Full (long, short, c): the oldest claim, 'long', is dropped for 'd'.
    expect(await store.claim('d', 1000)).toBe(true);
    expect(await store.claim('long', 1000)).toBe(true);
    expect(await store.claim('c', 1000)).toBe(false);
  });

  it('accepts an id again from the millisecond it expires even when the sweep does not reach it', async () => {
    let t = 0;
    const store = createInMemoryReplayStore({ now: () => t });
    expect(await store.claim('long', 1000)).toBe(true);
    expect(await store.claim('short', 10)).toBe(true);
    t = 9;
    expect(await store.claim('short', 10)).toBe(false);
    t = 10;
    // 'long' is older and live, so the sweep stops before 'short': the claim's own expiry check decides.
    expect(await store.claim('short', 10)).toBe(true);
    expect(await store.claim('short', 10)).toBe(false);
  });

  it('drops only the oldest claims when full, and only what is needed', async () => {
    const t = 0;
    const store = createInMemoryReplayStore({ now: () => t, maxEntries: 2 });
    expect(await store.claim('a', 1000)).toBe(true);
    expect(await store.claim('b', 1000)).toBe(true);
    expect(await store.claim('c', 1000)).toBe(true);
    expect(await store.claim('b', 1000)).toBe(false);
    expect(await store.claim('c', 1000)).toBe(false);
    expect(await store.claim('a', 1000)).toBe(true);
  });

  it('frees an id on release, and every id on close', async () => {
    const store = createInMemoryReplayStore();
    await store.claim('a', 10_000);
    await store.claim('b', 10_000);
    await store.release!('a');
    expect(await store.claim('a', 10_000)).toBe(true);
    expect(await store.claim('b', 10_000)).toBe(false);
    await store.close!();
    expect(await store.claim('a', 10_000)).toBe(true);
    expect(await store.claim('b', 10_000)).toBe(true);
  });
});

function storeAnswering(answer: () => unknown): WebhookReplayStore & { calls: Array<[string, number]> } {
  const calls: Array<[string, number]> = [];
  return {
    calls,
    async claim(id: string, ttl: number) {
      calls.push([id, ttl]);
      return answer() as boolean;
    },
  };
}

describe('claimWebhookDelivery', () => {
  it('checks the claim, with the provider on the error only when given', async () => {
    const store = storeAnswering(() => true);
    for (const id of ['', 3 as unknown as string]) {
      const err = await rejection(claimWebhookDelivery(store, { id, ttlMs: 10, provider: 'acme' }));
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.field).toBe('id');
      expect(err.message).toContain('must be a non-empty string');
      expect(err.provider).toBe('acme');
      expect(err.operation).toBe('webhooks.verify');
    }
    for (const ttlMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '9' as unknown as number]) {
      const err = await rejection(claimWebhookDelivery(store, { id: 'x', ttlMs }));
      expect(err, String(ttlMs)).toBeInstanceOf(ValidationError);
      expect(err.field).toBe('ttlMs');
      expect(err.message).toContain('must be a positive number of milliseconds');
      expect(err.provider).toBeUndefined();
    }
    expect(store.calls).toEqual([]);
    await claimWebhookDelivery(store, { id: 'x', ttlMs: 1.2 });
    expect(store.calls).toEqual([['x', 2]]);
  });

  it('a refused claim is a replay, quoting at most 128 characters of the id', async () => {
    const id = 'i'.repeat(200);
    const err = await rejection(claimWebhookDelivery(storeAnswering(() => false), { id, ttlMs: 10, provider: 'acme' }));
    expect(err).toBeInstanceOf(WebhookVerificationError);
    expect(err.vendorCode).toBe(WEBHOOK_REPLAYED);
    expect(err.message).toBe(`Webhook delivery "${'i'.repeat(128)}" was already received (a replay or a duplicate delivery)`);
    expect(err.provider).toBe('acme');
    expect(err.retryable).toBe(false);
  });

  it('an answer that is not a boolean, or a failing store, refuses the delivery', async () => {
    const odd = await rejection(claimWebhookDelivery(storeAnswering(() => 'yes'), { id: 'x', ttlMs: 10 }));
    expect(odd).toBeInstanceOf(WebhookVerificationError);
    expect(odd.vendorCode).toBe(REPLAY_STORE_UNAVAILABLE);
    expect(odd.message).toBe('The replay store answered string instead of a boolean; refusing the delivery');
    const failing = await rejection(
      claimWebhookDelivery(
        storeAnswering(() => {
          throw new Error('redis down');
        }),
        { id: 'x', ttlMs: 10, provider: 'acme' },
      ),
    );
    expect(failing).toBeInstanceOf(WebhookVerificationError);
    expect(failing.vendorCode).toBe(REPLAY_STORE_UNAVAILABLE);
    expect(failing.retryable).toBe(true);
    expect(failing.provider).toBe('acme');
    expect(failing.message).toBe('Could not check the webhook delivery against the replay store; refusing it so the sender retries');
  });

  it('the constants and the store guard', () => {
    expect(WEBHOOK_REPLAYED).toBe('webhook_replayed');
    expect(REPLAY_STORE_UNAVAILABLE).toBe('replay_store_unavailable');
    expect(isWebhookReplayStore({ claim: () => true })).toBe(true);
    expect(isWebhookReplayStore({ claim: 1 })).toBe(false);
    expect(isWebhookReplayStore(null)).toBe(false);
    expect(isWebhookReplayStore(() => true)).toBe(false);
    expect(isWebhookReplayStore('claim')).toBe(false);
    expect(isWebhookReplayStore(Object.assign(() => true, { claim: () => true }))).toBe(false);
  });

  it('the ttl of an unsigned delivery is the window, of a signed one twice the tolerance', () => {
    expect(webhookReplayTtlMs({ headers: {} })).toBe(86_400_000);
    expect(webhookReplayTtlMs({ headers: {} }, { windowSeconds: 0.0001 })).toBe(1);
    expect(webhookReplayTtlMs({ headers: { 'webhook-signature': 'v1,x' } })).toBe(600_000);
    expect(webhookReplayTtlMs({ headers: { 'webhook-signature': 'v1,x' } }, { toleranceSeconds: 10 })).toBe(20_000);
    expect(webhookReplayTtlMs(undefined as never)).toBe(86_400_000);
    // Headers that cannot be read (a throwing getter) count as unsigned: the window applies.
    const hostile = {
      get 'webhook-signature'(): string {
        throw new TypeError('boom');
      },
    };
    expect(webhookReplayTtlMs({ headers: hostile as never })).toBe(86_400_000);
    expect(webhookReplayTtlMs({ headers: hostile as never }, { windowSeconds: 5 })).toBe(5000);
  });
});
