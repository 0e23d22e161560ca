/**
 * The Redis replay store against a real Redis server (Debian's `redis-server`, started by the test on
 * a free loopback port): two store instances stand for two app instances behind one webhook URL.
 * Expiry is Redis' own (`SET NX PX`). Without `redis-server` this file fails in CI (`CI` set; `.ci/run`
 * installs it) and is skipped elsewhere, saying how to install it, so `npm test` on a laptop without
 * Redis still runs everything else.
 */
import { createClient } from 'redis';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollab, registerAdapter } from '../../../src/collab.js';
import { CollabError, ConfigError, WebhookVerificationError } from '../../../src/core/errors.js';
import { claimWebhookDelivery, createRedisReplayStore, REPLAY_STORE_UNAVAILABLE, WEBHOOK_REPLAYED, type WebhookReplayStore } from '../../../src/core/webhooks/index.js';
import { createRedisReplayStoreWith } from '../../../src/core/webhooks/replay-redis.js';
import { findRedisServer, type RedisServer, startRedisServer } from '../../support/redis-server.js';

const REDIS_MISSING = !process.env.CI && findRedisServer() === undefined;
if (REDIS_MISSING) console.warn('skipping the Redis replay-store tests: redis-server is not installed (Debian: apt-get install redis-server); CI installs it and runs them');
const describeRedis = REDIS_MISSING ? describe.skip : describe;

registerAdapter('liveblocks', async () => (await import('../../../src/adapters/liveblocks/index.js')).liveblocksAdapter);

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const BODY = JSON.stringify({ type: 'threadCreated', data: { projectId: 'p', roomId: 'room-1', threadId: 'th_1', createdAt: '2024-03-01T10:00:00.000Z', createdBy: 'u1' } });

let server: RedisServer;
const stores: WebhookReplayStore[] = [];

/** A store of its own connection (one "app instance"); closed after the file. */
function instance(prefix = 'test:'): WebhookReplayStore {
  const store = createRedisReplayStore({ url: server.url, prefix });
  stores.push(store);
  return store;
}

async function rejection(promise: Promise<unknown>): Promise<CollabError> {
  try {
    await promise;
  } catch (err) {
    expect(CollabError.is(err)).toBe(true);
    return err as CollabError;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  if (!REDIS_MISSING) server = await startRedisServer();
});

afterAll(async () => {
  for (const store of stores) await store.close?.();
  await server?.stop();
});

describeRedis('createRedisReplayStore on a real Redis', () => {
  it('lets one instance claim an id and refuses it to the other', async () => {
    const a = instance();
    const b = instance();
    expect(await a.claim('msg_shared', 10_000)).toBe(true);
    expect(await b.claim('msg_shared', 10_000)).toBe(false);
    expect(await a.claim('msg_shared', 10_000)).toBe(false);
    expect(await b.claim('msg_fresh', 10_000)).toBe(true);
  });

  it("lets the id through again once Redis' own expiry removed it", async () => {
    const a = instance();
    const b = instance();
    expect(await a.claim('msg_expiring', 1000)).toBe(true);
    expect(await b.claim('msg_expiring', 1000)).toBe(false);
    // The key carries Redis' expiry, set by the claim (PX), not a client-side timer.
    const pttl = await rawCommand(['PTTL', 'test:msg_expiring']);
    expect(Number(pttl)).toBeGreaterThan(0);
    expect(Number(pttl)).toBeLessThanOrEqual(1000);
    await new Promise((r) => setTimeout(r, 1300));
    expect(await b.claim('msg_expiring', 1000)).toBe(true);
    expect(await a.claim('msg_expiring', 1000)).toBe(false);
  });

  it('keeps prefixes apart and forgets a released id', async () => {
    const a = instance('app-a:');
    const other = instance('app-b:');
    expect(await a.claim('msg_p', 10_000)).toBe(true);
    expect(await other.claim('msg_p', 10_000)).toBe(true);
    await a.release!('msg_p');
    expect(await instance('app-a:').claim('msg_p', 10_000)).toBe(true);
  });

  it('works with a client the app connected itself (node-redis sendCommand, or a call()-style client such as ioredis) and leaves it open', async () => {
    const client = createClient({ url: server.url });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const viaSend = createRedisReplayStore({ client, prefix: 'own:' });
      expect(await viaSend.claim('msg_c', 10_000)).toBe(true);
      // The ioredis surface: call(command, ...args).
      const viaCall = createRedisReplayStore({ client: { call: (command: string, ...args: string[]) => client.sendCommand([command, ...args]) }, prefix: 'own:' });
      expect(await viaCall.claim('msg_c', 10_000)).toBe(false);
      expect(await viaCall.claim('msg_d', 10_000)).toBe(true);
      await viaSend.close!();
      expect(client.isOpen).toBe(true);
      expect(await client.sendCommand(['EXISTS', 'own:msg_d'])).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('refuses a replayed, really signed delivery on the second app instance (createCollab with webhookReplayStore)', async () => {
    const first = await createCollab({ provider: 'liveblocks', secretKey: 'sk_localdev', webhookSecret: SECRET, webhookReplayStore: instance('collab:') });
    const second = await createCollab({ provider: 'liveblocks', secretKey: 'sk_localdev', webhookSecret: SECRET, webhookReplayStore: instance('collab:') });
    const oracle = new Webhook(SECRET);
    const deliver = (id: string, signature?: string) => {
      const at = new Date();
      return { headers: { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature ?? oracle.sign(id, at, BODY) }, rawBody: BODY };
    };
    try {
      const request = deliver('msg_redis_signed');
      expect(await first.webhooks.verify(request)).toMatchObject({ id: 'msg_redis_signed', type: 'thread.created', roomId: 'room-1' });
      const err = await rejection(second.webhooks.verify(request));
      expect(err).toBeInstanceOf(WebhookVerificationError);
      expect(err.vendorCode).toBe(WEBHOOK_REPLAYED);
      expect(err.provider).toBe('liveblocks');
      // The claim lives in Redis under prefix + provider + webhook-id, with the 2 x 300 s window.
      const pttl = Number(await rawCommand(['PTTL', 'collab:liveblocks:msg_redis_signed']));
      expect(pttl).toBeGreaterThan(590_000);
      expect(pttl).toBeLessThanOrEqual(600_000);

      // A forged request cannot burn the id of a real delivery it has not seen yet.
      const forged = await rejection(second.webhooks.verify(deliver('msg_redis_next', 'v1,' + Buffer.alloc(32).toString('base64'))));
      expect(forged.vendorCode).not.toBe(WEBHOOK_REPLAYED);
      expect(await rawCommand(['EXISTS', 'collab:liveblocks:msg_redis_next'])).toBe(0);
      expect((await first.webhooks.verify(deliver('msg_redis_next'))).id).toBe('msg_redis_next');
    } finally {
      await first.close();
      await second.close();
    }
  });
});

describeRedis('createRedisReplayStore failures', () => {
  it('refuses the delivery as retryable when Redis is unreachable, without hanging', async () => {
    const down = await startRedisServer();
    const url = down.url;
    await down.stop();
    const store = createRedisReplayStore({ url, timeoutMs: 2000 });
    stores.push(store);
    const err = await rejection(claimWebhookDelivery(store, { id: 'x', ttlMs: 1000, provider: 'velt' }));
    expect(err).toBeInstanceOf(WebhookVerificationError);
    expect(err.vendorCode).toBe(REPLAY_STORE_UNAVAILABLE);
    expect(err.retryable).toBe(true);
  });

  it('says to install the redis package when it is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package 'redis'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const store = createRedisReplayStoreWith({ url: 'redis://127.0.0.1:6379' }, () => Promise.reject(missing));
    const err = await rejection(store.claim('x', 1000));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('npm install redis');
  });

  it('validates its options at creation, never echoing the URL', () => {
    expect(() => createRedisReplayStore({})).toThrow(ConfigError);
    expect(() => createRedisReplayStore({ url: server.url, client: { sendCommand: async () => 'OK' } })).toThrow(ConfigError);
    expect(() => createRedisReplayStore({ client: {} as never })).toThrow(ConfigError);
    try {
      createRedisReplayStore({ url: 'http://user:hunter2-password@example.com' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).field).toBe('url');
      expect((err as Error).message).not.toContain('hunter2');
    }
  });
});

/** One command on a separate connection, to look at what the store wrote. */
async function rawCommand(args: string[]): Promise<unknown> {
  const client = createClient({ url: server.url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await client.sendCommand(args);
  } finally {
    await client.close();
  }
}
