/**
 * The Redis replay store, edge by edge, without a Redis server (written against the survivors of
 * `npm run mutation -- core-webhooks-redis`, see docs/mutation.md): the option checks and their
 * errors, the exact commands sent, the replies understood, the call()/sendCommand() choice, the
 * per-command timeout (fake timers), and the connection the store opens itself from a URL (a stand-in
 * `createClient` through `createRedisReplayStoreWith`): its options, reconnect strategy, reuse,
 * retry after a failed connect, and how `close()` ends it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, ValidationError } from '../../../src/core/errors.js';
import { createRedisReplayStore, createRedisReplayStoreWith } from '../../../src/core/webhooks/replay-redis.js';
import type { RedisReplayStoreOptions } from '../../../src/core/webhooks/types.js';

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

/** A node-redis-like client that records its commands and answers `reply` (a function of the args, or a value). */
function recording(reply: unknown = 'OK') {
  const sent: string[][] = [];
  const client = {
    sendCommand: async (args: string[]) => {
      sent.push(args);
      return typeof reply === 'function' ? (reply as (a: string[]) => unknown)(args) : reply;
    },
  };
  return { client, sent };
}

/** A stand-in for the `redis` package: `createClient` records its options and gives controllable clients. */
function fakeRedis(opts: { connect?: () => Promise<unknown>; shape?: 'close' | 'quit' | 'destroy' | 'none' } = {}) {
  const created: Array<{ options: any; client: any; listeners: Array<[string, (e: unknown) => unknown]>; calls: string[]; sent: string[][] }> = [];
  let loads = 0;
  const load = async () => {
    loads++;
    return {
      createClient(options: object) {
        const entry = { options, client: undefined as any, listeners: [] as Array<[string, (e: unknown) => unknown]>, calls: [] as string[], sent: [] as string[][] };
        const client: any = {
          isOpen: false,
          async connect() {
            entry.calls.push('connect');
            if (opts.connect) await opts.connect();
            client.isOpen = true;
          },
          async sendCommand(args: string[]) {
            entry.sent.push(args);
            return 'OK';
          },
          on(event: string, listener: (e: unknown) => unknown) {
            entry.listeners.push([event, listener]);
            return client;
          },
        };
        const shape = opts.shape ?? 'close';
        if (shape === 'close') client.close = async () => void entry.calls.push('close');
        if (shape === 'quit') client.quit = async () => void entry.calls.push('quit');
        if (shape === 'destroy') client.destroy = () => void entry.calls.push('destroy');
        entry.client = client;
        created.push(entry);
        return client;
      },
    };
  };
  return { load, created, loads: () => loads };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createRedisReplayStore: options', () => {
  it('refuses options that are not an object', () => {
    for (const bad of [null, undefined, 'redis://x', 1]) {
      const err = thrown(() => createRedisReplayStore(bad as never));
      expect(err, String(bad)).toBeInstanceOf(ConfigError);
      expect(err.message).toBe('createRedisReplayStore needs { client } or { url }');
      expect(err.field).toBe('client');
      expect(err.operation).toBe('webhooks.replayStore');
    }
  });

  it('needs exactly one of client and url, naming the one to drop or add', () => {
    const neither = thrown(() => createRedisReplayStore({}));
    expect(neither).toBeInstanceOf(ConfigError);
    expect(neither.message).toBe('createRedisReplayStore needs exactly one of client (a connected Redis client) and url');
    expect(neither.field).toBe('client');
    expect(neither.operation).toBe('webhooks.replayStore');
    const both = thrown(() => createRedisReplayStore({ client: recording().client, url: 'redis://127.0.0.1:6379' }));
    expect(both.message).toBe('createRedisReplayStore needs exactly one of client (a connected Redis client) and url');
    expect(both.field).toBe('url');
  });

  it('accepts redis:// and rediss:// URLs only, never echoing the URL', () => {
    expect(() => createRedisReplayStore({ url: 'redis://127.0.0.1:6379' })).not.toThrow();
    expect(() => createRedisReplayStore({ url: 'rediss://user:pw@cache.example.com:6380/2' })).not.toThrow();
    // A URL object is refused too, though its string form is a redis:// URL: the option is the string.
    for (const bad of ['http://user:hunter2@example.com', 'redis', 'not a url', '', 42, {}, new URL('redis://127.0.0.1:6379')]) {
      const err = thrown(() => createRedisReplayStore({ url: bad as never }));
      expect(err, String(bad)).toBeInstanceOf(ConfigError);
      expect(err.message).toBe('url must be a redis:// or rediss:// URL');
      expect(err.field).toBe('url');
      expect(err.operation).toBe('webhooks.replayStore');
    }
  });

  it('needs a client with sendCommand or call', () => {
    // A bare function has a `call` method (Function.prototype.call) but is no ioredis client.
    for (const bad of [null, {}, 'client', { sendCommand: 'x', call: 1 }, async () => 'OK']) {
      const err = thrown(() => createRedisReplayStore({ client: bad as never }));
      expect(err, JSON.stringify(bad)).toBeInstanceOf(ConfigError);
      expect(err.message).toBe('client must be a node-redis (sendCommand) or ioredis (call) client');
      expect(err.field).toBe('client');
      expect(err.operation).toBe('webhooks.replayStore');
    }
    expect(() => createRedisReplayStore({ client: { sendCommand: async () => 'OK' } })).not.toThrow();
    expect(() => createRedisReplayStore({ client: { call: async () => 'OK' } })).not.toThrow();
  });

  it('refuses a prefix that is not a string', () => {
    const err = thrown(() => createRedisReplayStore({ client: recording().client, prefix: 7 as never }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe('prefix must be a string');
    expect(err.field).toBe('prefix');
    expect(err.operation).toBe('webhooks.replayStore');
  });

  it('refuses a timeoutMs that is not a positive finite number', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const err = thrown(() => createRedisReplayStore({ client: recording().client, timeoutMs: bad }));
      expect(err, String(bad)).toBeInstanceOf(ConfigError);
      expect(err.message).toBe('timeoutMs must be a positive number');
      expect(err.field).toBe('timeoutMs');
      expect(err.operation).toBe('webhooks.replayStore');
    }
    expect(() => createRedisReplayStore({ client: recording().client, timeoutMs: 0.5 })).not.toThrow();
  });
});

describe('createRedisReplayStore: commands and replies', () => {
  it('claims with SET <prefix><id> 1 PX <ceil(ttl)> NX and releases with DEL, under the default prefix', async () => {
    const { client, sent } = recording();
    const store = createRedisReplayStore({ client });
    expect(await store.claim('msg_1', 1000.2)).toBe(true);
    await store.release!('msg_1');
    expect(sent).toStrictEqual([
      ['SET', 'unicollab:webhook-replay:msg_1', '1', 'PX', '1001', 'NX'],
      ['DEL', 'unicollab:webhook-replay:msg_1'],
    ]);
  });

  it('uses the given prefix, the empty one too', async () => {
    const a = recording();
    await createRedisReplayStore({ client: a.client, prefix: 'app:' }).claim('m', 5);
    const b = recording();
    await createRedisReplayStore({ client: b.client, prefix: '' }).claim('m', 5);
    expect(a.sent[0]?.[1]).toBe('app:m');
    expect(b.sent[0]?.[1]).toBe('m');
  });

  it("reads OK as claimed, nil as already claimed, and anything else as an error", async () => {
    expect(await createRedisReplayStore({ client: recording('OK').client }).claim('a', 10)).toBe(true);
    expect(await createRedisReplayStore({ client: recording(null).client }).claim('a', 10)).toBe(false);
    expect(await createRedisReplayStore({ client: recording(() => undefined).client }).claim('a', 10)).toBe(false);
    const odd = await rejection(createRedisReplayStore({ client: recording(1).client }).claim('a', 10));
    expect(odd).toBeInstanceOf(Error);
    expect(odd.message).toBe('Unexpected Redis reply to SET NX: number');
    const text = await rejection(createRedisReplayStore({ client: recording('ok').client }).claim('a', 10));
    expect(text.message).toBe('Unexpected Redis reply to SET NX: string');
  });

  it('sends call(command, ...args) to a call()-style client, preferring call() when both exist', async () => {
    const calls: unknown[][] = [];
    const sent: string[][] = [];
    const both = {
      call: async (...args: unknown[]) => {
        calls.push(args);
        return 'OK';
      },
      sendCommand: async (args: string[]) => {
        sent.push(args);
        return 'OK';
      },
    };
    expect(await createRedisReplayStore({ client: both, prefix: 'p:' }).claim('id', 20)).toBe(true);
    expect(calls).toStrictEqual([['SET', 'p:id', '1', 'PX', '20', 'NX']]);
    expect(sent).toStrictEqual([]);
    // A `call` that is not a function is not the ioredis surface.
    const notCall = { call: 'nope', sendCommand: both.sendCommand } as unknown as RedisReplayStoreOptions['client'];
    expect(await createRedisReplayStore({ client: notCall, prefix: 'p:' }).claim('id2', 20)).toBe(true);
    expect(sent).toStrictEqual([['SET', 'p:id2', '1', 'PX', '20', 'NX']]);
    expect(calls).toHaveLength(1);
  });

  it('checks the id and ttlMs of a claim before sending anything', async () => {
    const { client, sent } = recording();
    const store = createRedisReplayStore({ client });
    for (const bad of ['', 5, undefined]) {
      const err = await rejection(store.claim(bad as never, 1000));
      expect(err, String(bad)).toBeInstanceOf(ValidationError);
      expect(err.field).toBe('id');
      expect(err.message).toBe('Invalid id: must be a non-empty string');
      expect(err.operation).toBe('webhooks.replayStore.claim');
    }
    for (const bad of ['1000', 0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const err = await rejection(store.claim('m', bad as never));
      expect(err, String(bad)).toBeInstanceOf(ValidationError);
      expect(err.field).toBe('ttlMs');
      expect(err.message).toBe('Invalid ttlMs: must be a positive number of milliseconds');
      expect(err.operation).toBe('webhooks.replayStore.claim');
    }
    expect(sent).toStrictEqual([]);
    expect(await store.claim('m', 0.1)).toBe(true);
    expect(sent).toStrictEqual([['SET', 'unicollab:webhook-replay:m', '1', 'PX', '1', 'NX']]);
  });

  it('refuses claims and releases once closed, and leaves an app-owned client alone', async () => {
    const { client, sent } = recording();
    const closing = Object.assign(client, { close: vi.fn(async () => undefined), quit: vi.fn(async () => undefined), isOpen: true });
    const store = createRedisReplayStore({ client: closing });
    await store.close!();
    expect(closing.close).not.toHaveBeenCalled();
    expect(closing.quit).not.toHaveBeenCalled();
    for (const call of [store.claim('m', 10), store.release!('m')]) {
      const err = await rejection(call);
      expect(err).toBeInstanceOf(ConfigError);
      expect(err.message).toBe('The Redis replay store is closed');
      expect(err.field).toBe('client');
      expect(err.operation).toBe('webhooks.replayStore');
    }
    expect(sent).toStrictEqual([]);
  });
});

describe('createRedisReplayStore: the per-command timeout', () => {
  it('fails a command Redis does not answer after timeoutMs (default 5000), not before', async () => {
    vi.useFakeTimers();
    const never = { sendCommand: () => new Promise<unknown>(() => undefined) };
    const store = createRedisReplayStore({ client: never });
    let settled: unknown;
    const claim = store.claim('m', 10).then(
      () => (settled = 'resolved'),
      (err: Error) => (settled = err),
    );
    await vi.advanceTimersByTimeAsync(4999);
    expect(settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    await claim;
    expect(settled).toBeInstanceOf(Error);
    expect((settled as Error).message).toBe('Redis did not answer within 5000 ms');

    const quick = createRedisReplayStore({ client: never, timeoutMs: 30 });
    const err = rejection(quick.release!('m'));
    await vi.advanceTimersByTimeAsync(30);
    expect((await err).message).toBe('Redis did not answer within 30 ms');
  });

  it('clears its timer once Redis answers', async () => {
    vi.useFakeTimers();
    const store = createRedisReplayStore({ client: recording().client });
    expect(await store.claim('m', 10)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not keep the process alive while waiting (the timer is unref-ed)', async () => {
    const unref = vi.fn();
    const realSetTimeout = globalThis.setTimeout;
    const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms: number) => {
      const t = realSetTimeout(fn, ms);
      const realUnref = t.unref.bind(t);
      unref.mockImplementation(() => realUnref());
      return Object.assign(t, { unref });
    }) as unknown as typeof setTimeout);
    try {
      await createRedisReplayStore({ client: recording().client }).claim('m', 10);
      expect(unref).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('createRedisReplayStore({ url }): the connection it opens', () => {
  it('opens one client on the first claim, with the URL, no offline queue and connectTimeout = timeoutMs', async () => {
    const redis = fakeRedis();
    const store = createRedisReplayStoreWith({ url: 'redis://cache:6379/1', timeoutMs: 1234, prefix: 'x:' }, redis.load);
    expect(redis.loads()).toBe(0);
    expect(await store.claim('a', 100)).toBe(true);
    expect(await store.claim('b', 100)).toBe(true);
    await store.release!('a');
    expect(redis.loads()).toBe(1);
    expect(redis.created).toHaveLength(1);
    const [entry] = redis.created;
    expect(entry!.options.url).toBe('redis://cache:6379/1');
    expect(entry!.options.disableOfflineQueue).toBe(true);
    expect(entry!.options.socket.connectTimeout).toBe(1234);
    expect(entry!.calls).toStrictEqual(['connect']);
    expect(entry!.sent).toStrictEqual([
      ['SET', 'x:a', '1', 'PX', '100', 'NX'],
      ['SET', 'x:b', '1', 'PX', '100', 'NX'],
      ['DEL', 'x:a'],
    ]);
    // An 'error' listener so a dropped connection never crashes the process.
    expect(entry!.listeners.map(([event]) => event)).toStrictEqual(['error']);
    expect(entry!.listeners[0]![1](new Error('ECONNRESET'))).toBeUndefined();
  });

  it('gives up the first connect after three tries, and reconnects an established one with capped backoff', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const redis = fakeRedis({ connect: () => gate });
    const store = createRedisReplayStoreWith({ url: 'redis://cache:6379' }, redis.load);
    const claim = store.claim('a', 100);
    await vi.waitFor(() => expect(redis.created).toHaveLength(1));
    const strategy = redis.created[0]!.options.socket.reconnectStrategy as (retries: number, cause: Error) => unknown;
    const cause = new Error('ECONNREFUSED');
    // Before the first connect succeeded: retry twice (50, 100 ms), then give up with the cause.
    expect(strategy(0, cause)).toBe(50);
    expect(strategy(1, cause)).toBe(100);
    expect(strategy(2, cause)).toBe(cause);
    expect(strategy(3, cause)).toBe(cause);
    release();
    expect(await claim).toBe(true);
    // Once connected: 50 * 2^retries, at most 2000 ms, never giving up.
    expect(strategy(0, cause)).toBe(50);
    expect(strategy(2, cause)).toBe(200);
    expect(strategy(5, cause)).toBe(1600);
    expect(strategy(6, cause)).toBe(2000);
    expect(strategy(20, cause)).toBe(2000);
  });

  it('shares one connection attempt between concurrent claims', async () => {
    const redis = fakeRedis({ connect: () => new Promise((r) => setTimeout(r, 5)) });
    const store = createRedisReplayStoreWith({ url: 'redis://cache:6379' }, redis.load);
    expect(await Promise.all([store.claim('a', 10), store.claim('b', 10), store.claim('c', 10)])).toStrictEqual([true, true, true]);
    expect(redis.loads()).toBe(1);
    expect(redis.created).toHaveLength(1);
    expect(redis.created[0]!.sent).toHaveLength(3);
  });

  it('opens a new connection when the previous one is no longer open', async () => {
    const redis = fakeRedis();
    const store = createRedisReplayStoreWith({ url: 'redis://cache:6379' }, redis.load);
    await store.claim('a', 10);
    redis.created[0]!.client.isOpen = false;
    await store.claim('b', 10);
    expect(redis.created).toHaveLength(2);
    expect(redis.created[1]!.sent).toStrictEqual([['SET', 'unicollab:webhook-replay:b', '1', 'PX', '10', 'NX']]);
  });

  it('forgets a failed connect, so the next claim tries again', async () => {
    let attempts = 0;
    const refused = new Error('connect ECONNREFUSED');
    const redis = fakeRedis({
      connect: async () => {
        attempts++;
        if (attempts === 1) throw refused;
      },
    });
    const store = createRedisReplayStoreWith({ url: 'redis://cache:6379' }, redis.load);
    expect(await rejection(store.claim('a', 10))).toBe(refused);
    expect(await store.claim('a', 10)).toBe(true);
    expect(redis.created).toHaveLength(2);
    expect(attempts).toBe(2);
  });

  it('says to install the redis package when it cannot be loaded, keeping the cause', async () => {
    const missing = Object.assign(new Error("Cannot find package 'redis'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const store = createRedisReplayStoreWith({ url: 'redis://cache:6379' }, () => Promise.reject(missing));
    const err = await rejection(store.claim('a', 10));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe('createRedisReplayStore({ url }) needs the redis package: npm install redis (or pass a connected client)');
    expect(err.field).toBe('url');
    expect(err.operation).toBe('webhooks.replayStore');
    expect(err.cause).toBeInstanceOf(Error);
    expect((err.cause as Error).message).toBe("Cannot find package 'redis'");
  });
});

describe('createRedisReplayStore({ url }): close()', () => {
  it('closes its connection with close(), else quit(), else destroy()', async () => {
    for (const shape of ['close', 'quit', 'destroy'] as const) {
      const redis = fakeRedis({ shape });
      const store = createRedisReplayStoreWith({ url: 'redis://cache:6379' }, redis.load);
      await store.claim('a', 10);
      await store.close!();
      expect(redis.created[0]!.calls, shape).toStrictEqual(['connect', shape]);
      // Closed for good: a second close has nothing left to end.
      await store.close!();
      expect(redis.created[0]!.calls, shape).toStrictEqual(['connect', shape]);
    }
    const bare = fakeRedis({ shape: 'none' });
    const store = createRedisReplayStoreWith({ url: 'redis://cache:6379' }, bare.load);
    await store.claim('a', 10);
    await expect(store.close!()).resolves.toBeUndefined();
  });

  it('prefers close() over quit() when the client has both', async () => {
    const redis = fakeRedis({ shape: 'close' });
    const store = createRedisReplayStoreWith({ url: 'redis://cache:6379' }, redis.load);
    await store.claim('a', 10);
    const c = redis.created[0]!;
    c.client.quit = async () => void c.calls.push('quit');
    c.client.destroy = () => void c.calls.push('destroy');
    await store.close!();
    expect(c.calls).toStrictEqual(['connect', 'close']);
  });

  it('prefers quit() over destroy()', async () => {
    const redis = fakeRedis({ shape: 'quit' });
    const store = createRedisReplayStoreWith({ url: 'redis://cache:6379' }, redis.load);
    await store.claim('a', 10);
    const c = redis.created[0]!;
    c.client.destroy = () => void c.calls.push('destroy');
    await store.close!();
    expect(c.calls).toStrictEqual(['connect', 'quit']);
  });

  it('does not touch a connection that is no longer open, nor one it never opened', async () => {
    const redis = fakeRedis();
    const store = createRedisReplayStoreWith({ url: 'redis://cache:6379' }, redis.load);
    await expect(store.close!()).resolves.toBeUndefined();
    expect(redis.loads()).toBe(0);

    const other = createRedisReplayStoreWith({ url: 'redis://cache:6379' }, redis.load);
    await other.claim('a', 10);
    redis.created[0]!.client.isOpen = false;
    await other.close!();
    expect(redis.created[0]!.calls).toStrictEqual(['connect']);
  });

  it('waits for a connection still being opened and closes it', async () => {
    let release!: () => void;
    const redis = fakeRedis({ connect: () => new Promise<void>((r) => (release = r)) });
    const store = createRedisReplayStoreWith({ url: 'redis://cache:6379' }, redis.load);
    const claim = store.claim('a', 10);
    await vi.waitFor(() => expect(redis.created).toHaveLength(1));
    const closing = store.close!();
    release();
    await closing;
    expect(await claim).toBe(true);
    expect(redis.created[0]!.calls).toStrictEqual(['connect', 'close']);
  });

  it('closes quietly when the connection being opened fails', async () => {
    let fail!: (err: Error) => void;
    const redis = fakeRedis({ connect: () => new Promise<void>((_, reject) => (fail = reject)) });
    const store = createRedisReplayStoreWith({ url: 'redis://cache:6379' }, redis.load);
    const claim = rejection(store.claim('a', 10));
    await vi.waitFor(() => expect(redis.created).toHaveLength(1));
    const closing = store.close!();
    fail(new Error('ECONNREFUSED'));
    await expect(closing).resolves.toBeUndefined();
    expect((await claim).message).toBe('ECONNREFUSED');
    expect(redis.created[0]!.calls).toStrictEqual(['connect']);
  });
});
