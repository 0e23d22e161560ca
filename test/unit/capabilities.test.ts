import { describe, expect, it } from 'vitest';
import { assertCapability, CAPABILITY_KEYS, defineCapabilities, missingCapabilities } from '../../src/core/capabilities.js';
import { UnsupportedFeatureError } from '../../src/core/errors.js';
import { guardService, METHOD_CAPABILITIES } from '../../src/core/guard.js';

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

  it('returns the service itself when nothing is unsupported', () => {
    const svc = new FakeRooms();
    expect(guardService('rooms', svc, 'x', defineCapabilities())).toBe(svc);
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
