/**
 * The realtime layer on the emulator: one socket per impersonated user, opened lazily and closed when
 * idle or on close; joins and pushes answered `ok` / `error` / `timeout`, the caller's abort; refused
 * connections; tokens re-minted before they expire.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AbortedError, AuthenticationError, CollabError, NetworkError, NotFoundError, TimeoutError, ValidationError } from '../../../../src/core/errors.js';
import { KabelwerkRealtime } from '../../../../src/adapters/kabelwerk/realtime.js';
import { rejectionOf } from '../../../../src/adapters/kabelwerk/errors.js';
import { KabelwerkTokenMinter } from '../../../../src/adapters/kabelwerk/user-tokens.js';
import { textBody } from '../../../../src/testing/helpers.js';
import type { KabelwerkEmulator } from '../emulator/server.js';
import { kabelwerkCollab, PRIVATE_KEY, startEmulator } from '../support.js';

let emulator: KabelwerkEmulator;
const pools: KabelwerkRealtime[] = [];

beforeAll(async () => {
  emulator = await startEmulator();
});
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
  emulator.reset();
});
afterAll(async () => {
  await emulator?.close();
});

function pool(options: { idleMs?: number; timeoutMs?: number; minter?: KabelwerkTokenMinter; socketUrl?: string } = {}): KabelwerkRealtime {
  const p = new KabelwerkRealtime({
    socketUrl: options.socketUrl ?? emulator.socketUrl,
    minter: options.minter ?? new KabelwerkTokenMinter(PRIVATE_KEY),
    timeoutMs: options.timeoutMs ?? 2000,
    idleMs: options.idleMs ?? 60_000,
    agent: 'unicollab/test',
  });
  pools.push(p);
  return p;
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('sockets', () => {
  it('one socket per user key, opened on first use (with the agent param), reused, closed after the idle time', async () => {
    const p = pool({ idleMs: 150 });
    expect(emulator.connections()).toEqual([]);
    const [a, b] = await Promise.all([p.identity('alice', { operation: 'test' }), p.identity('alice', { operation: 'test' })]);
    expect(a.user).toMatchObject({ key: 'alice', hub_id: null });
    expect(b.user.id).toBe(a.user.id);
    await p.identity('bob', { operation: 'test' });
    expect(emulator.connections().map((c) => [c.key, c.agent, c.endpoint]).sort()).toEqual([
      ['alice', 'unicollab/test', '/socket/user'],
      ['bob', 'unicollab/test', '/socket/user'],
    ]);
    expect(p.openUsers().sort()).toEqual(['alice', 'bob']);
    await until(() => p.openUsers().length === 0 && emulator.connections().length === 0);
  });

  it('close() closes every socket; later calls fail', async () => {
    const p = pool();
    await p.identity('alice', { operation: 'test' });
    await p.close();
    await until(() => emulator.connections().length === 0);
    await expect(p.identity('alice', { operation: 'rooms.get' })).rejects.toMatchObject({ code: 'collab_error', message: expect.stringContaining('closed') });
  });

  it('a collab closes its sockets on collab.close()', async () => {
    const collab = await kabelwerkCollab(emulator);
    await collab.rooms.create({ id: 'patient' });
    expect(emulator.connections().length).toBeGreaterThan(0);
    await collab.close();
    await until(() => emulator.connections().length === 0);
  });

  it('a token the backend refuses (unknown key) is an AuthenticationError, and nothing keeps reconnecting', async () => {
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const p = pool({ minter: new KabelwerkTokenMinter(otherKey) });
    const err = await p.identity('alice', { operation: 'rooms.get' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ status: 403, operation: 'rooms.get', provider: 'kabelwerk' });
    expect(p.openUsers()).toEqual([]);
  });

  it('an unreachable backend is a NetworkError', async () => {
    const p = pool({ socketUrl: 'ws://127.0.0.1:1/socket/user' });
    await expect(p.identity('alice', { operation: 'rooms.get' })).rejects.toBeInstanceOf(NetworkError);
  });

  it('re-mints the token before it expires, so a reconnect sends a valid one', async () => {
    let offset = 0;
    let mints = 0;
    class CountingMinter extends KabelwerkTokenMinter {
      override async mint(sub: string) {
        mints++;
        return super.mint(sub);
      }
    }
    const p = pool({ minter: new CountingMinter(PRIVATE_KEY, 3600, () => Date.now() + offset) });
    await p.identity('alice', { operation: 'test' });
    expect(mints).toBe(1);
    // An hour later by the minter's clock, the token is due: the next use mints a new one first.
    offset = 3600_000;
    await p.identity('alice', { operation: 'test' });
    expect(mints).toBe(2);
    // A dropped connection reconnects with the new token (the emulator checks exp at connect).
    offset = 0;
    emulator.disconnect('alice');
    await until(() => emulator.connections().some((c) => c.key === 'alice'));
    expect((await p.identity('alice', { operation: 'test' })).user.key).toBe('alice');
  });
});

describe('joins and pushes', () => {
  it('a refused join is a channel rejection (ValidationError, vendorCode channel_rejected) with its reason', async () => {
    const p = pool();
    const err = await p.withChannel('alice', 'room:999', {}, { operation: 'threads.get' }, async () => 'joined').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ vendorCode: 'channel_rejected', operation: 'threads.get' });
    expect(rejectionOf(err)).toEqual({ topic: 'room:999', event: 'phx_join', reason: 'Unauthorized.' });
  });

  it('a refused push keeps the channel usable; the reply of an ok push is returned', async () => {
    const p = pool();
    await p.identity('hubless', { operation: 'test' });
    const err = await p.pushPrivate('hubless', 'get_hub', {}, { operation: 'test' }).catch((e: unknown) => e);
    expect(rejectionOf(err)).toEqual({ topic: 'private', event: 'get_hub', reason: 'Only hub users have a hub.' });
    await expect(p.pushPrivate('hubless', 'create_room', { hub: 1 }, { operation: 'test' })).resolves.toMatchObject({ id: expect.any(Number) });
  });

  it('a push without an answer is a TimeoutError after timeoutMs', async () => {
    const p = pool({ timeoutMs: 200 });
    await p.identity('alice', { operation: 'test' });
    emulator.failNextPush({ topic: 'private', event: 'create_room', reply: 'timeout' });
    const started = Date.now();
    const err = await p.pushPrivate('alice', 'create_room', { hub: 1 }, { operation: 'rooms.create' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ operation: 'rooms.create', retryable: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('a join without an answer is a TimeoutError too, and the channel is not retried forever', async () => {
    const p = pool({ timeoutMs: 200 });
    emulator.failNextPush({ topic: 'notifier:*', event: 'phx_join', reply: 'timeout' });
    const me = await p.identity('alice', { operation: 'test' });
    await expect(p.withChannel('alice', `notifier:${me.user.id}`, {}, { operation: 'notifications.list' }, async () => 1)).rejects.toBeInstanceOf(TimeoutError);
    await expect(p.withChannel('alice', `notifier:${me.user.id}`, {}, { operation: 'notifications.list' }, async () => 2)).resolves.toBe(2);
  });

  it("the caller's abort rejects with AbortedError at once", async () => {
    const p = pool({ timeoutMs: 5000 });
    await p.identity('alice', { operation: 'test' });
    emulator.failNextPush({ topic: 'private', event: 'create_room', reply: 'timeout' });
    const controller = new AbortController();
    const reason = new Error('user left');
    setTimeout(() => controller.abort(reason), 50);
    const err = await p.pushPrivate('alice', 'create_room', { hub: 1 }, { operation: 'rooms.create', signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortedError);
    expect((err as AbortedError).cause).toBe(reason);
  });

  it('joins of one topic on one socket wait for each other (Phoenix closes a channel joined twice)', async () => {
    const collab = await kabelwerkCollab(emulator);
    try {
      await collab.rooms.create({ id: 'patient' });
      await collab.threads.create({ roomId: 'patient', comment: { authorId: 'patient', body: textBody('one') } });
      const reads = await Promise.all(Array.from({ length: 6 }, () => collab.threads.get('patient', 'patient')));
      expect(reads.every((t) => t.comments.length === 1)).toBe(true);
      expect(emulator.crashes).toEqual([]);
    } finally {
      await collab.close();
    }
  });
});

describe('errors through the services', () => {
  it('a room join the backend refuses is NotFoundError for the caller', async () => {
    const collab = await kabelwerkCollab(emulator);
    try {
      // A notification id naming a room the user is not in.
      const err = await collab.notifications.markRead('alice', '999:1').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotFoundError);
      expect(CollabError.is(err)).toBe(true);
    } finally {
      await collab.close();
    }
  });
});
