import 'reflect-metadata';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Container, inject, injectable } from 'inversify';
import { jwtVerify } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type AdapterDefinition, bindCollab, ConfigError, createCollab, defineCapabilities, fromText, registerAdapter, TOKENS, type ThreadService } from 'unicollab';
import { z } from 'zod';
import { memory, type MemoryEventService, memoryStoreOf } from 'unicollab/memory';

afterEach(() => {
  vi.useRealTimers();
});

// A deliberately limited adapter: records calls so tests can prove the guard stops unsupported ones first.
const limitedCalls: string[] = [];
class LimitedService {
  private record(name: string, input: { id?: string }) {
    limitedCalls.push(name);
    return Promise.resolve({ id: input.id, metadata: {}, raw: {} });
  }
  create(input: { id?: string }) {
    return this.record('rooms.create', input);
  }
  upsert(input: { id?: string }) {
    return this.record('users.upsert', input);
  }
  add(input: { id?: string }) {
    return this.record('reactions.add', input);
  }
}
const limitedAdapter: AdapterDefinition<never> = {
  specificationVersion: 1,
  id: 'limited',
  configSchema: z.object({ provider: z.literal('limited'), url: z.string().url(), apiToken: z.string().min(1) }),
  env: {},
  capabilities: () => defineCapabilities({ 'users.upsert': 'no', 'reactions.add': 'no' }, { 'users.upsert': 'no user store' }),
  services: {
    rooms: LimitedService,
    users: LimitedService,
    threads: LimitedService,
    comments: LimitedService,
    reactions: LimitedService,
    presence: LimitedService,
    notifications: LimitedService,
    auth: LimitedService,
    webhooks: LimitedService,
    events: LimitedService,
  },
};

describe('memory provider specifics', () => {
  it('persists state to persistPath and restores it in a new instance', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'unicollab-'));
    const persistPath = join(dir, 'state.json');
    const first = await memory({ persistPath });
    await first.rooms.create({ id: 'kept', metadata: { a: '1' } });
    const thread = await first.threads.create({ roomId: 'kept', comment: { authorId: 'u1', body: fromText('hello @u2') } });
    const sub = await first.webhooks.subscriptions.create({ url: 'http://127.0.0.1:9/hook', events: ['room.created'] });
    await first.close();

    // Version 2: the snapshot now comes with a journal (version 1 files still load, see memory-persistence.test.ts).
    const file = JSON.parse(await readFile(persistPath, 'utf8')) as { format: string; version: number };
    expect(file).toMatchObject({ format: 'unicollab-memory', version: 2 });

    const second = await memory({ persistPath });
    expect(await second.rooms.get('kept')).toMatchObject({ id: 'kept', metadata: { a: '1' } });
    const restored = await second.threads.get('kept', thread.id);
    expect(restored.comments[0]!.createdAt).toBeInstanceOf(Date);
    expect(restored.comments[0]!.createdAt.getTime()).toBe(thread.comments[0]!.createdAt.getTime());
    expect((await second.notifications.list('u2')).items).toHaveLength(1);
    expect((await second.webhooks.subscriptions.get(sub.id)).url).toBe('http://127.0.0.1:9/hook');
    // New ids keep increasing after a restore, so cursors stay ordered.
    await second.rooms.create({ id: 'after-restore' });
    expect((await second.rooms.list()).items.map((r) => r.id)).toEqual(['kept', 'after-restore']);
    await second.close();
  });

  it('refuses a corrupt persist file with a ConfigError instead of discarding it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'unicollab-'));
    const persistPath = join(dir, 'state.json');
    await writeFile(persistPath, '{"format":"something-else"}');
    await expect(memory({ persistPath })).rejects.toMatchObject({ code: 'config_error', field: 'persistPath' });
    await writeFile(persistPath, '{not json');
    await expect(memory({ persistPath })).rejects.toBeInstanceOf(ConfigError);
  });

  it('issues HS256 JWTs that verify with the configured tokenSecret', async () => {
    const tokenSecret = 'a-test-secret-of-32-characters!!';
    const collab = await memory({ tokenSecret });
    const { token, expiresAt } = await collab.auth.issueToken({ userId: 'ann', rooms: { 'room-*': 'write' }, groupIds: ['g1'] });
    const { payload } = await jwtVerify(token, new TextEncoder().encode(tokenSecret), { issuer: 'unicollab:memory' });
    expect(payload).toMatchObject({ sub: 'ann', perms: { 'room-*': 'write' }, gids: ['g1'] });
    expect(expiresAt!.getTime()).toBe(payload.exp! * 1000);
    await expect(jwtVerify(token, new TextEncoder().encode('another-secret-of-32-characters!'))).rejects.toThrow();
    await collab.close();
  });

  it('expires presence after its TTL', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const collab = await memory();
    await collab.rooms.create({ id: 'p' });
    await collab.presence.set({ roomId: 'p', userId: 'ann', ttlSeconds: 5, data: { x: 1 } });
    expect(await collab.presence.list('p')).toEqual([{ userId: 'ann', status: 'online', data: { x: 1 } }]);
    vi.advanceTimersByTime(4_999);
    expect(await collab.presence.list('p')).toHaveLength(1);
    vi.advanceTimersByTime(2);
    expect(await collab.presence.list('p')).toEqual([]);
    await collab.close();
  });

  it('keeps tenants apart', async () => {
    const collab = await memory();
    await collab.rooms.create({ id: 'shared-id' }, { tenantId: 'acme' });
    await expect(collab.rooms.get('shared-id')).rejects.toMatchObject({ code: 'not_found' });
    await expect(collab.rooms.get('shared-id', { tenantId: 'acme' })).resolves.toMatchObject({ id: 'shared-id' });
    await collab.close();
  });

  it('delivers broadcasts to in-process listeners', async () => {
    const collab = await memory();
    await collab.rooms.create({ id: 'b' });
    const got: unknown[] = [];
    const unsubscribe = (collab.events as MemoryEventService).subscribe('b', (payload) => got.push(payload));
    await collab.events.broadcast('b', { hello: 'world' });
    unsubscribe();
    await collab.events.broadcast('b', { ignored: true });
    expect(got).toEqual([{ hello: 'world' }]);
    await expect(collab.events.broadcast('b', () => 1)).rejects.toMatchObject({ code: 'validation_error', field: 'payload' });
    await collab.close();
  });

  it('refreshes one thread notification per participant and notifies new mentions on edit', async () => {
    const collab = await memory();
    await collab.rooms.create({ id: 'n' });
    const t = await collab.threads.create({ roomId: 'n', comment: { authorId: 'a', body: fromText('start') } });
    await collab.comments.create({ roomId: 'n', threadId: t.id, authorId: 'b', body: fromText('one') });
    const [first] = (await collab.notifications.list('a')).items;
    await collab.notifications.markRead('a', first!.id);
    expect((await collab.notifications.list('a', { unread: true })).items).toHaveLength(0);
    const c = await collab.comments.create({ roomId: 'n', threadId: t.id, authorId: 'b', body: fromText('two') });
    const inbox = (await collab.notifications.list('a')).items;
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ id: first!.id, kind: 'thread', readAt: null });

    await collab.comments.edit('n', t.id, c.id, { body: fromText('two, cc @z') });
    expect((await collab.notifications.list('z')).items.map((x) => x.kind)).toEqual(['mention']);
    await collab.comments.edit('n', t.id, c.id, { body: fromText('two, cc @z again') });
    expect((await collab.notifications.list('z')).items).toHaveLength(1);
    await collab.close();
  });

  it('deletes a thread with its last comment', async () => {
    const collab = await memory();
    await collab.rooms.create({ id: 'd' });
    const t = await collab.threads.create({ roomId: 'd', comment: { authorId: 'a', body: fromText('only') } });
    await collab.comments.delete('d', t.id, t.comments[0]!.id);
    await expect(collab.threads.get('d', t.id)).rejects.toMatchObject({ code: 'not_found' });
    await collab.close();
  });

  it('exposes its store for probes, and nothing for other collabs', async () => {
    const collab = await memory();
    await collab.rooms.create({ id: 's' });
    expect(memoryStoreOf(collab)?.tenant('default').rooms.has('s')).toBe(true);
    await collab.close();
  });
});

describe('dependency injection', () => {
  it('binds the services into an app container for @inject(TOKENS.X)', async () => {
    @injectable()
    class Inbox {
      constructor(@inject(TOKENS.ThreadService) readonly threads: ThreadService) {}
    }
    const container = new Container();
    await bindCollab(container, { provider: 'memory' });
    container.bind(Inbox).toSelf();
    const inbox = container.get(Inbox);
    await expect(inbox.threads.list('missing-room')).rejects.toMatchObject({ code: 'not_found' });
    expect(container.get(TOKENS.ThreadService)).toBe(inbox.threads);
  });

  it('fails at start-up listing every missing required capability', async () => {
    // The memory provider has both: start-up succeeds, with those capabilities declared.
    const supported = await createCollab(undefined, { require: ['threads.create', 'users.upsert'] });
    try {
      expect(supported.provider).toBe('memory');
      expect(supported.capabilities['threads.create']).toBe('yes');
      expect(supported.capabilities['users.upsert']).toBe('yes');
    } finally {
      await supported.close();
    }
    registerAdapter('limited', async () => limitedAdapter);
    const config = { provider: 'limited', url: 'https://kw.example.com', apiToken: 't' } as const;
    const err = await createCollab(config, { require: ['threads.create', 'users.upsert', 'reactions.add'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('users.upsert (no user store), reactions.add');
    expect((err as Error).message).not.toContain('threads.create');
  });

  it('guards unsupported methods of a real container before the adapter runs', async () => {
    registerAdapter('limited', async () => limitedAdapter);
    const collab = await createCollab({ provider: 'limited', url: 'https://kw.example.com', apiToken: 't' });
    expect(collab.capabilities['users.upsert']).toBe('no');
    await expect(collab.users.upsert({ id: 'x' })).rejects.toMatchObject({ code: 'unsupported_feature', feature: 'users.upsert', provider: 'limited' });
    expect(limitedCalls).toEqual([]);
    await expect(collab.rooms.create({ id: 'r' })).resolves.toMatchObject({ id: 'r' });
    expect(limitedCalls).toEqual(['rooms.create']);
    await collab.close();
  });

  it('closes once, even when called twice', async () => {
    const collab = await createCollab();
    const store = memoryStoreOf(collab)!;
    const storeClose = vi.spyOn(store, 'close');
    const first = collab.close();
    const second = collab.close();
    // Both callers wait for the one close in progress.
    expect(second).toBe(first);
    await expect(Promise.all([first, second])).resolves.toEqual([undefined, undefined]);
    // A later call is a no-op that resolves, without closing the store again.
    await expect(collab.close()).resolves.toBeUndefined();
    expect(collab.close()).toBe(first);
    expect(storeClose).toHaveBeenCalledTimes(1);
  });

  it('a double close of a persisted instance saves once and releases the file for the next instance', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'unicollab-'));
    const persistPath = join(dir, 'state.json');
    const collab = await memory({ persistPath });
    await collab.rooms.create({ id: 'kept' });
    const storeClose = vi.spyOn(memoryStoreOf(collab)!, 'close');
    await Promise.all([collab.close(), collab.close()]);
    await collab.close();
    expect(storeClose).toHaveBeenCalledTimes(1);
    // Saved and unlocked: a new instance opens the same file (a held lock would be a ConfigError) and sees the room.
    const next = await memory({ persistPath });
    try {
      await expect(next.rooms.get('kept')).resolves.toMatchObject({ id: 'kept' });
    } finally {
      await next.close();
    }
  });
});
