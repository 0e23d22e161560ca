/**
 * `protectWebhookService` against a fake adapter service (written against the survivors of
 * `npm run mutation -- core-webhooks`, see docs/mutation.md): the per-call options check and its
 * errors, which store and window a call uses, the claimed key and ttl, the hot path's handling of
 * synchronous throws and raw rejections (and the pass-through of services that promise clean
 * rejections), and the proxy's binding of the other members.
 */
import { describe, expect, it } from 'vitest';
import { CollabError, NotFoundError, ValidationError, WebhookVerificationError } from '../../../src/core/errors.js';
import type { CollabEvent, WebhookRequest } from '../../../src/core/model/event.js';
import type { WebhookService } from '../../../src/core/services/webhooks.js';
import { WEBHOOK_REPLAYED } from '../../../src/core/webhooks/replay.js';
import { protectWebhookService, unreadableWebhookRequest, VERIFY_REJECTS_COLLAB_ERRORS } from '../../../src/core/webhooks/replay-service.js';
import type { WebhookReplayStore, WebhookVerifyCallOptions } from '../../../src/core/webhooks/types.js';

async function rejection(promise: Promise<unknown>): Promise<any> {
  return promise.then(
    (v) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(v)}`);
    },
    (err: unknown) => err,
  );
}

function spyStore(answer: unknown = true) {
  const calls: Array<[string, number]> = [];
  const store: WebhookReplayStore & { calls: typeof calls } = {
    calls,
    async claim(id: string, ttlMs: number) {
      calls.push([id, ttlMs]);
      return answer as boolean;
    },
  };
  return store;
}

const UNSIGNED: WebhookRequest = { headers: { authorization: 'Basic x' }, rawBody: '{}' };
const SIGNED: WebhookRequest = { headers: { 'webhook-id': 'msg_1', 'webhook-timestamp': '1', 'webhook-signature': 'v1,x' }, rawBody: '{}' };

/** A fake adapter service: `verify` does what `behaviour` says and records its calls and `this`. */
class FakeService implements WebhookService {
  readonly calls: Array<{ self: unknown; request: WebhookRequest; options: WebhookVerifyCallOptions | undefined }> = [];
  readonly subscriptions = {} as WebhookService['subscriptions'];
  readonly label = 'fake';
  #secret = 'private';
  constructor(private readonly behaviour: (request: WebhookRequest) => unknown = () => Promise.resolve({ id: 'evt_1', type: 'unknown' })) {}
  verify(request: WebhookRequest, options?: WebhookVerifyCallOptions): Promise<CollabEvent> {
    this.calls.push({ self: this, request, options });
    return this.behaviour(request) as Promise<CollabEvent>;
  }
  reveal(): string {
    return this.#secret;
  }
}

describe('unreadableWebhookRequest', () => {
  it('passes a CollabError through and wraps anything else, keeping the cause', () => {
    const collab = new NotFoundError('gone');
    expect(unreadableWebhookRequest(collab, 'velt')).toBe(collab);
    const cause = new TypeError('boom');
    const err = unreadableWebhookRequest(cause, 'velt');
    expect(err).toBeInstanceOf(WebhookVerificationError);
    expect(err.message).toBe('The webhook request could not be read');
    expect(err.provider).toBe('velt');
    expect(err.operation).toBe('webhooks.verify');
    expect(err.cause).toMatchObject({ name: cause.name, message: cause.message });
  });
});

describe('protectWebhookService: per-call options', () => {
  it('refuses options that are not an object, naming the field', async () => {
    const service = protectWebhookService(new FakeService(), { provider: 'velt' });
    for (const options of [null, 'x', 5]) {
      const err = await rejection(service.verify(UNSIGNED, options as never));
      expect(err, String(options)).toBeInstanceOf(ValidationError);
      expect(err.field).toBe('options');
      expect(err.message).toBe('Invalid options: must be an object');
      expect(err.provider).toBe('velt');
      expect(err.operation).toBe('webhooks.verify');
    }
  });

  it('refuses a replayStore that is not a store', async () => {
    const service = protectWebhookService(new FakeService(), { provider: 'velt' });
    for (const replayStore of [{}, { claim: 'no' }, 5, null]) {
      const err = await rejection(service.verify(UNSIGNED, { replayStore: replayStore as never }));
      expect(err, JSON.stringify(replayStore)).toBeInstanceOf(ValidationError);
      expect(err.field).toBe('replayStore');
      expect(err.message).toBe('Invalid replayStore: must be a WebhookReplayStore (an object with claim(id, ttlMs))');
      expect(err.provider).toBe('velt');
      expect(err.operation).toBe('webhooks.verify');
    }
  });

  it('refuses a replayWindowSeconds that is not a positive finite number', async () => {
    const inner = new FakeService();
    const service = protectWebhookService(inner, { provider: 'velt' });
    for (const replayWindowSeconds of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '60', null]) {
      const err = await rejection(service.verify(UNSIGNED, { replayWindowSeconds: replayWindowSeconds as never }));
      expect(err, String(replayWindowSeconds)).toBeInstanceOf(ValidationError);
      expect(err.field).toBe('replayWindowSeconds');
      expect(err.message).toBe('Invalid replayWindowSeconds: must be a positive number of seconds');
      expect(err.provider).toBe('velt');
    }
    // Refused before the adapter runs.
    expect(inner.calls).toEqual([]);
    expect((await service.verify(UNSIGNED, { replayWindowSeconds: 0.5 })).id).toBe('evt_1');
    expect((await service.verify(UNSIGNED, {})).id).toBe('evt_1');
  });
});

describe('protectWebhookService: claims', () => {
  it('passes request and options to the adapter with the service as this', async () => {
    const inner = new FakeService();
    const service = protectWebhookService(inner, { provider: 'velt' });
    const options = { replayWindowSeconds: 5 };
    await service.verify(UNSIGNED, options);
    await service.verify(UNSIGNED);
    expect(inner.calls).toEqual([
      { self: inner, request: UNSIGNED, options },
      { self: inner, request: UNSIGNED, options: undefined },
    ]);
  });

  it('claims <provider>:<event id> in the configured store, without per-call options too', async () => {
    const store = spyStore();
    const inner = new FakeService();
    const service = protectWebhookService(inner, { provider: 'velt', store });
    expect(await service.verify(UNSIGNED)).toEqual({ id: 'evt_1', type: 'unknown' });
    expect(await service.verify(UNSIGNED, {})).toEqual({ id: 'evt_1', type: 'unknown' });
    expect(store.calls).toEqual([
      ['velt:evt_1', 86_400_000],
      ['velt:evt_1', 86_400_000],
    ]);
    expect(inner.calls.map((c) => c.options)).toEqual([undefined, {}]);
  });

  it('uses the per-call store over the configured one, and nothing without either', async () => {
    const configured = spyStore();
    const perCall = spyStore();
    await protectWebhookService(new FakeService(), { provider: 'velt', store: configured }).verify(UNSIGNED, { replayStore: perCall });
    expect(perCall.calls).toEqual([['velt:evt_1', 86_400_000]]);
    expect(configured.calls).toEqual([]);
    const bare = protectWebhookService(new FakeService(), { provider: 'velt' });
    expect((await bare.verify(UNSIGNED, { replayWindowSeconds: 5 })).id).toBe('evt_1');
  });

  it('claims for the per-call window, else the configured window, else a day; twice the tolerance when signed', async () => {
    const store = spyStore();
    const withWindow = protectWebhookService(new FakeService(), { provider: 'velt', store, windowSeconds: 60 });
    await withWindow.verify(UNSIGNED);
    await withWindow.verify(UNSIGNED, { replayWindowSeconds: 7 });
    await withWindow.verify(SIGNED);
    await protectWebhookService(new FakeService(), { provider: 'velt', store }).verify(UNSIGNED);
    expect(store.calls.map(([, ttl]) => ttl)).toEqual([60_000, 7000, 600_000, 86_400_000]);
  });

  it('refuses an id the store has seen, with the provider', async () => {
    const service = protectWebhookService(new FakeService(), { provider: 'velt', store: spyStore(false) });
    const err = await rejection(service.verify(UNSIGNED));
    expect(err).toBeInstanceOf(WebhookVerificationError);
    expect(err.vendorCode).toBe(WEBHOOK_REPLAYED);
    expect(err.provider).toBe('velt');
    expect(err.message).toBe('Webhook delivery "velt:evt_1" was already received (a replay or a duplicate delivery)');
  });

  it('never claims when the adapter refuses, and wraps a raw error from it', async () => {
    const store = spyStore();
    const refused = new WebhookVerificationError('No matching signature');
    const service = protectWebhookService(new FakeService(() => Promise.reject(refused)), { provider: 'velt', store });
    expect(await rejection(service.verify(UNSIGNED))).toBe(refused);
    const cause = new TypeError('boom');
    const raw = protectWebhookService(new FakeService(() => Promise.reject(cause)), { provider: 'velt', store });
    const err = await rejection(raw.verify(UNSIGNED, {}));
    expect(err).toBeInstanceOf(WebhookVerificationError);
    expect(err.message).toBe('The webhook request could not be read');
    expect(err.cause).toMatchObject({ name: cause.name, message: cause.message });
    expect(store.calls).toEqual([]);
  });
});

describe('protectWebhookService: the hot path', () => {
  it('turns a synchronous throw into a rejection, wrapping raw errors', async () => {
    const cause = new TypeError('boom');
    const service = protectWebhookService(
      new FakeService(() => {
        throw cause;
      }),
      { provider: 'velt' },
    );
    const promise = service.verify(UNSIGNED);
    expect(promise).toBeInstanceOf(Promise);
    const err = await rejection(promise);
    expect(err).toBeInstanceOf(WebhookVerificationError);
    expect(err.message).toBe('The webhook request could not be read');
    expect(err.provider).toBe('velt');
    expect(err.cause).toMatchObject({ name: cause.name, message: cause.message });

    const collab = new NotFoundError('gone');
    const throwsCollab = protectWebhookService(
      new FakeService(() => {
        throw collab;
      }),
      { provider: 'velt' },
    );
    expect(await rejection(throwsCollab.verify(UNSIGNED))).toBe(collab);
  });

  it('wraps a raw rejection and resolves a plain value', async () => {
    const cause = new RangeError('bad');
    const err = await rejection(protectWebhookService(new FakeService(() => Promise.reject(cause)), { provider: 'velt' }).verify(UNSIGNED));
    expect(err).toBeInstanceOf(WebhookVerificationError);
    expect(err.cause).toMatchObject({ name: cause.name, message: cause.message });
    const event = { id: 'evt_plain', type: 'unknown' };
    expect(await protectWebhookService(new FakeService(() => event), { provider: 'velt' }).verify(UNSIGNED)).toBe(event);
  });

  it('hands a clean-rejecting service its own promise, with no reaction added', async () => {
    class Clean extends FakeService {
      readonly [VERIFY_REJECTS_COLLAB_ERRORS] = true;
    }
    const own = Promise.reject(new TypeError('not wrapped'));
    own.catch(() => undefined);
    const service = protectWebhookService(new Clean(() => own), { provider: 'velt' });
    const promise = service.verify(UNSIGNED);
    expect(promise).toBe(own);
    const err = await rejection(promise);
    expect(err).toBeInstanceOf(TypeError);
    expect(CollabError.is(err)).toBe(false);
  });

  it('wraps the promise of a service whose flag is not exactly true', async () => {
    class Truthy extends FakeService {
      readonly [VERIFY_REJECTS_COLLAB_ERRORS] = 'yes';
    }
    const own = Promise.reject(new TypeError('wrapped'));
    own.catch(() => undefined);
    const promise = protectWebhookService(new Truthy(() => own), { provider: 'velt' }).verify(UNSIGNED);
    expect(promise).not.toBe(own);
    expect(await rejection(promise)).toBeInstanceOf(WebhookVerificationError);
  });

  it('leaves the flag aside once a store or options are in play', async () => {
    class Clean extends FakeService {
      readonly [VERIFY_REJECTS_COLLAB_ERRORS] = true;
    }
    const make = () => {
      const own = Promise.reject(new TypeError('raw'));
      own.catch(() => undefined);
      return own;
    };
    const withStore = protectWebhookService(new Clean(make), { provider: 'velt', store: spyStore() });
    expect(await rejection(withStore.verify(UNSIGNED))).toBeInstanceOf(WebhookVerificationError);
    const withOptions = protectWebhookService(new Clean(make), { provider: 'velt' });
    expect(await rejection(withOptions.verify(UNSIGNED, {}))).toBeInstanceOf(WebhookVerificationError);
  });
});

describe('VERIFY_REJECTS_COLLAB_ERRORS', () => {
  it('is the registered symbol, so a second copy of the package recognises the flag', () => {
    expect(VERIFY_REJECTS_COLLAB_ERRORS).toBe(Symbol.for('unicollab.webhooks.verifyRejectsCollabErrors'));
  });
});

describe('protectWebhookService: the proxy', () => {
  it('passes values through and binds methods to the service, once each', () => {
    const inner = new FakeService();
    const service = protectWebhookService(inner, { provider: 'velt' }) as FakeService;
    expect(service.label).toBe('fake');
    expect(service.subscriptions).toBe(inner.subscriptions);
    const reveal = service.reveal;
    expect(reveal()).toBe('private');
    expect(service.reveal).toBe(reveal);
    expect(service.verify).toBe(service.verify);
    expect(service.verify).not.toBe(inner.verify);
  });
});
