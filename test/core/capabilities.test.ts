import { describe, expect, it } from 'vitest';
import { assertCapability, CAPABILITY_KEYS, defineCapabilities, missingCapabilities } from '../../src/core/capabilities.js';
import { AbortedError, UnsupportedFeatureError, ValidationError } from '../../src/core/errors.js';
import { guardService, METHOD_CAPABILITIES } from '../../src/core/guard.js';
import { METHOD_ARGUMENTS } from '../../src/core/model/arguments.js';

/** Resolves with what `promise` rejected with; fails if it resolved. */
async function rejection(promise: Promise<unknown>): Promise<any> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${String(value)}`);
    },
    (err: unknown) => err,
  );
}

describe('capabilities', () => {
  it('defaults every key to yes and keeps overrides and notes', () => {
    const decl = defineCapabilities({ 'users.upsert': 'no', 'presence.clear': 'partial' }, { 'presence.clear': 'only server-set presence' });
    expect(Object.keys(decl.levels)).toEqual([...CAPABILITY_KEYS]);
    expect(decl.levels['rooms.create']).toBe('yes');
    expect(decl.levels['users.upsert']).toBe('no');
    expect(decl.notes['presence.clear']).toBe('only server-set presence');
    expect(Object.isFrozen(decl.levels)).toBe(true);
  });

  it('lists missing capabilities, counting partial as present', () => {
    const decl = defineCapabilities({ 'users.upsert': 'no', 'reactions.add': 'no', 'presence.clear': 'partial' });
    expect(missingCapabilities(decl, ['users.upsert', 'presence.clear', 'rooms.get', 'reactions.add'])).toEqual(['users.upsert', 'reactions.add']);
  });

  it('assertCapability throws UnsupportedFeatureError only for no', () => {
    const decl = defineCapabilities({ 'users.upsert': 'no' }, { 'users.upsert': 'no user store' });
    expect(() => assertCapability('x', decl, 'users.upsert')).toThrow(UnsupportedFeatureError);
    expect(() => assertCapability('x', decl, 'rooms.get')).not.toThrow();
  });

  it('maps every guarded method to a real capability key', () => {
    for (const rules of Object.values(METHOD_CAPABILITIES)) {
      for (const rule of Object.values(rules)) {
        for (const key of typeof rule === 'string' ? [rule] : rule.keys) expect(CAPABILITY_KEYS).toContain(key);
      }
    }
  });
});

describe('guardService', () => {
  class FakeRooms {
    calls: string[] = [];
    #secret = 'private-field';
    async get(id: string) {
      this.calls.push(`get:${id}`);
      return this.#secret;
    }
    async list(query?: { metadata?: Record<string, string> }) {
      this.calls.push(`list:${JSON.stringify(query ?? {})}`);
      return { items: [], nextCursor: null };
    }
    async *iterate() {
      this.calls.push('iterate');
      yield 1;
    }
    async delete(id: string) {
      this.calls.push(`delete:${id}`);
    }
  }

  it('returns a service whose group has no table unchanged', () => {
    const svc = new FakeRooms();
    expect(guardService('not-a-service', svc, 'x', defineCapabilities())).toBe(svc);
  });

  it('rejects an unsupported method before the adapter runs, and passes others through with the real this', async () => {
    const svc = new FakeRooms();
    const guarded = guardService('rooms', svc, 'acme', defineCapabilities({ 'rooms.delete': 'no' }));
    await expect(guarded.delete('r1')).rejects.toMatchObject({ code: 'unsupported_feature', feature: 'rooms.delete', provider: 'acme' });
    await expect(guarded.get('r1')).resolves.toBe('private-field');
    expect(svc.calls).toEqual(['get:r1']);
  });

  it('guards argument-dependent capabilities such as metadata filters, including iterate', async () => {
    const svc = new FakeRooms();
    const guarded = guardService('rooms', svc, 'acme', defineCapabilities({ 'rooms.metadataFilter': 'no' }));
    await expect(guarded.list({ metadata: { a: 'b' } })).rejects.toBeInstanceOf(UnsupportedFeatureError);
    await expect(guarded.list({})).resolves.toEqual({ items: [], nextCursor: null });
    const it = (guarded.iterate as (q: unknown) => AsyncIterable<number>)({ metadata: { a: 'b' } });
    await expect(it[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(UnsupportedFeatureError);
    expect(svc.calls).toEqual(['list:{}']);
  });

  it('guards nested webhook subscriptions', async () => {
    const subs = { list: async () => ['x'] };
    const svc = { verify: async () => 'event', subscriptions: subs };
    const guarded = guardService('webhooks', svc, 'acme', defineCapabilities({ 'webhooks.subscriptions': 'no' }));
    await expect(guarded.subscriptions.list()).rejects.toMatchObject({ feature: 'webhooks.subscriptions' });
    await expect(guarded.verify()).resolves.toBe('event');
  });
});

describe('guardService validation', () => {
  /** A fake adapter that records every call it receives, so "never reached the adapter" is observable. */
  function recorder() {
    const calls: unknown[][] = [];
    const record =
      (name: string, result: unknown = 'ok') =>
      async (...args: unknown[]) => {
        calls.push([name, ...args]);
        return result;
      };
    const svc = {
      create: record('create'),
      get: record('get'),
      list: record('list', { items: [], nextCursor: null }),
      update: record('update'),
      delete: record('delete'),
      async *iterate(...args: unknown[]) {
        calls.push(['iterate', ...args]);
        yield 1;
      },
    };
    return { svc, calls };
  }
  const guard = <T extends object>(svc: T, group = 'rooms') => guardService(group, svc, 'acme', defineCapabilities());

  it('rejects bad ids with ValidationError naming the field, before the adapter runs', async () => {
    const { svc, calls } = recorder();
    const rooms = guard(svc);
    for (const bad of ['', '.', '..', '%2e', '%2E%2e', '%252e%252E', 'x'.repeat(257), '\uD800', 42, undefined, null]) {
      const err = await rejection(rooms.get(bad as string));
      expect(err, String(bad)).toBeInstanceOf(ValidationError);
      expect(err).toMatchObject({ field: 'id', provider: 'acme', operation: 'rooms.get' });
    }
    expect(await rejection(rooms.create({ id: '..' }))).toMatchObject({ code: 'validation_error', field: 'id' });
    expect(calls).toEqual([]);
  });

  it('passes valid calls on with the parsed arguments: value arguments are parsed copies, ids and options as given', async () => {
    const { svc, calls } = recorder();
    const rooms = guard(svc);
    const input = { id: 'r.1', metadata: { a: 'b' }, unknownExtra: 1 };
    const options = { tenantId: 't1' };
    await expect(rooms.create(input, options)).resolves.toBe('ok');
    expect(calls).toHaveLength(1);
    // The adapter maps what core accepted: a copy without the unknown key, never the caller's object.
    expect(calls[0]![1]).not.toBe(input);
    expect(calls[0]![1]).toEqual({ id: 'r.1', metadata: { a: 'b' } });
    expect(calls[0]![2]).toBe(options);
    await rooms.get('...');
    await rooms.get('a..b');
    expect(calls.map((c) => c[1]).slice(1)).toEqual(['...', 'a..b']);
  });

  it('reads a getter of the input once: the adapter cannot see a value other than the one validated', async () => {
    const { svc, calls } = recorder();
    const rooms = guard(svc);
    let reads = 0;
    const input = {
      get id() {
        reads++;
        // A hostile input that validates as one id and would be read by the adapter as another.
        return reads === 1 ? 'r.ok' : '../admin';
      },
    };
    await expect(rooms.create(input)).resolves.toBe('ok');
    expect((calls[0]![1] as { id: string }).id).toBe('r.ok');
    expect(reads).toBe(1);
  });

  it('rejects bad input objects against the core schemas, naming the nested field', async () => {
    const { svc, calls } = recorder();
    const rooms = guard(svc);
    expect(await rejection(rooms.create(null as never))).toMatchObject({ field: 'input' });
    expect(await rejection(rooms.create({ id: 'r', metadata: { n: {} as never } }))).toMatchObject({ field: 'metadata.n' });
    expect(await rejection(rooms.update('r', { name: '' }))).toMatchObject({ field: 'patch.name' });
    expect(await rejection(rooms.list({ limit: 0 }))).toMatchObject({ field: 'limit' });
    expect(await rejection(rooms.list('nope' as never))).toMatchObject({ field: 'query' });
    expect(calls).toEqual([]);
  });

  it('rejects reserved metadata keys, naming them', async () => {
    const { svc, calls } = recorder();
    const rooms = guard(svc);
    const proto = JSON.parse('{"__proto__": "x"}') as Record<string, string>;
    expect(await rejection(rooms.create({ id: 'r', metadata: proto }))).toMatchObject({ field: 'metadata.__proto__' });
    expect(await rejection(rooms.create({ id: 'r', metadata: { constructor: 'x' } }))).toMatchObject({ field: 'metadata.constructor' });
    expect(await rejection(rooms.update('r', { metadata: { prototype: null } }))).toMatchObject({ field: 'patch.metadata.prototype' });
    expect(await rejection(rooms.list({ metadata: { constructor: 'Object' } }))).toMatchObject({ field: 'metadata.constructor' });
    expect(calls).toEqual([]);
  });

  it('validates options: signal must be an AbortSignal, tenantId an id', async () => {
    const { svc, calls } = recorder();
    const rooms = guard(svc);
    expect(await rejection(rooms.get('r', { signal: 'nope' as never }))).toMatchObject({ code: 'validation_error', field: 'options.signal' });
    expect(await rejection(rooms.get('r', { tenantId: '..' }))).toMatchObject({ code: 'validation_error', field: 'options.tenantId' });
    expect(await rejection(rooms.get('r', 5 as never))).toMatchObject({ code: 'validation_error', field: 'options' });
    const hostile = new Proxy({}, { get: () => { throw new Error('boom'); } });
    expect(await rejection(rooms.get('r', hostile))).toMatchObject({ code: 'validation_error', field: 'options' });
    expect(calls).toEqual([]);
    await rooms.get('r', { signal: new AbortController().signal });
    expect(calls).toHaveLength(1);
  });

  it('a signal that has already aborted rejects with AbortedError (cause: its reason) before the adapter runs', async () => {
    const { svc, calls } = recorder();
    const rooms = guard(svc);
    const controller = new AbortController();
    const reason = new Error('user left');
    controller.abort(reason);
    const err = await rejection(rooms.delete('r', { signal: controller.signal }));
    expect(err).toBeInstanceOf(AbortedError);
    expect(err).toMatchObject({ code: 'aborted', provider: 'acme', operation: 'rooms.delete' });
    expect(err.cause).toBe(reason);
    const it = rooms.iterate({}, { signal: controller.signal })[Symbol.asyncIterator]();
    expect(await rejection(it.next())).toBeInstanceOf(AbortedError);
    expect(calls).toEqual([]);
  });

  it('iterate reports a validation error from its first next(), not when called', async () => {
    const { svc, calls } = recorder();
    const rooms = guard(svc);
    const iterable = rooms.iterate({ pageSize: -1 });
    expect(calls).toEqual([]);
    expect(await rejection(iterable[Symbol.asyncIterator]().next())).toMatchObject({ code: 'validation_error', field: 'pageSize' });
    expect(calls).toEqual([]);
    const items: unknown[] = [];
    for await (const item of rooms.iterate({ pageSize: 5 })) items.push(item);
    expect(items).toEqual([1]);
  });

  it('iterate stops with AbortedError when the signal aborts part-way, and releases the adapter iterator', async () => {
    let released = false;
    const svc = {
      async *iterate(..._args: unknown[]) {
        try {
          for (let i = 0; ; i++) yield i; // pages that need no I/O, like memory's
        } finally {
          released = true;
        }
      },
    };
    const rooms = guard(svc);
    const controller = new AbortController();
    const seen: unknown[] = [];
    const err = await (async () => {
      try {
        for await (const item of rooms.iterate({}, { signal: controller.signal })) {
          seen.push(item);
          if (seen.length === 2) controller.abort(new Error('enough'));
        }
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(AbortedError);
    expect(err).toMatchObject({ operation: 'rooms.iterate', provider: 'acme' });
    expect(seen).toEqual([0, 1]);
    expect(released).toBe(true);
  });

  it('turns hostile arguments (throwing getters, Proxies, BigInt, cycles) into ValidationError', async () => {
    const threads = guardService('threads', { create: async (..._args: unknown[]) => 'ok' }, 'acme', defineCapabilities());
    const getter = Object.defineProperty({ comment: { authorId: 'a', body: { version: 1, content: [] } } }, 'roomId', {
      enumerable: true,
      get() {
        throw new TypeError('boom');
      },
    });
    expect(await rejection(threads.create(getter as never))).toMatchObject({ code: 'validation_error', field: 'input' });
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(await rejection(threads.create(revoked.proxy as never))).toBeInstanceOf(ValidationError);

    const presence = guardService('presence', { set: async (..._args: unknown[]) => undefined }, 'acme', defineCapabilities());
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(await rejection(presence.set({ roomId: 'r', userId: 'u', data: { n: 1n } as never }))).toMatchObject({ field: 'data.n' });
    expect(await rejection(presence.set({ roomId: 'r', userId: 'u', info: cycle }))).toMatchObject({ field: 'info.self' });

    const events = guardService('events', { broadcast: async (..._args: unknown[]) => undefined }, 'acme', defineCapabilities());
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(await rejection(events.broadcast('r', deep))).toMatchObject({ code: 'validation_error', field: expect.stringMatching(/^payload(\.0)+$/) });
    expect(await rejection(events.broadcast('r', undefined))).toMatchObject({ field: 'payload' });
  });

  it('checks the capability before validating, so an unsupported call says so whatever its input', async () => {
    const { svc, calls } = recorder();
    const rooms = guardService('rooms', svc, 'acme', defineCapabilities({ 'rooms.get': 'no' }));
    expect(await rejection(rooms.get('..'))).toBeInstanceOf(UnsupportedFeatureError);
    // Unreadable arguments of an argument-dependent capability fall back to the method's own key.
    const unsupportedList = guardService('rooms', svc, 'acme', defineCapabilities({ 'rooms.metadataFilter': 'no' }));
    const hostile = new Proxy({}, { get: () => { throw new Error('boom'); } });
    expect(await rejection(unsupportedList.list(hostile))).toBeInstanceOf(ValidationError);
    expect(calls).toEqual([]);
  });

  it('validates nested webhook subscriptions and leaves verify to the verifiers', async () => {
    const calls: unknown[] = [];
    const subs = { get: async (id: string) => calls.push(id), create: async (..._args: unknown[]) => 'sub', list: async (..._args: unknown[]) => [], delete: async () => undefined };
    const svc = { verify: async (req: unknown) => (calls.push(req), 'event'), subscriptions: subs };
    const guarded = guardService('webhooks', svc, 'acme', defineCapabilities());
    expect(await rejection(guarded.subscriptions.get('..'))).toMatchObject({ field: 'id', operation: 'webhooks.subscriptions.get' });
    expect(await rejection(guarded.subscriptions.create({ url: 'ftp://x', events: ['room.created'] }))).toMatchObject({ field: 'url' });
    expect(await rejection(guarded.subscriptions.list({ signal: 1 } as never))).toMatchObject({ field: 'options.signal' });
    await expect(guarded.verify('anything')).resolves.toBe('event');
    expect(calls).toEqual(['anything']);
  });

  it('has an argument shape for every method of the capability table', () => {
    for (const [group, rules] of Object.entries(METHOD_CAPABILITIES)) {
      for (const method of Object.keys(rules)) expect(METHOD_ARGUMENTS[group]?.[method], `${group}.${method}`).toBeDefined();
    }
  });
});
