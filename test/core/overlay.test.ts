/**
 * `overlay`, the wrapper the guard and the webhook replay layer put around every service: replaced
 * members are own properties (no Proxy trap on the hot path), everything else reads through to the
 * real instance with methods bound to it (adapters use #private fields), and a test double may still
 * wrap the result in a Proxy of its own.
 */
import { describe, expect, it } from 'vitest';
import { overlay } from '../../src/core/overlay.js';
import { createCollab } from '../../src/index.js';

class Service {
  #secret = 'hidden';
  count = 1;
  reveal(): string {
    return this.#secret;
  }
  replaced(): string {
    return 'original';
  }
  get doubled(): number {
    return this.count * 2;
  }
}

describe('overlay', () => {
  it('puts the replacements on the wrapper itself, read-only', () => {
    const wrapped = overlay(new Service(), new Map([['replaced', () => 'override']]));
    const own = Object.getOwnPropertyDescriptor(wrapped, 'replaced');
    expect(own?.writable).toBe(false);
    expect(wrapped.replaced()).toBe('override');
    expect(() => {
      (wrapped as { replaced: unknown }).replaced = () => 'other';
    }).toThrow(TypeError);
    expect(wrapped.replaced()).toBe('override');
  });

  it('passes every other member through to the live instance, methods bound to it', () => {
    const service = new Service();
    const wrapped = overlay(service, new Map([['replaced', () => 'override']]));
    const { reveal } = wrapped;
    expect(reveal()).toBe('hidden'); // #private needs the real instance as `this`
    expect(wrapped.reveal).toBe(reveal); // bound once, not per read
    service.count = 5;
    expect(wrapped.count).toBe(5);
    expect(wrapped.doubled).toBe(10); // getters run on the instance
    expect(wrapped).toBeInstanceOf(Service);
  });

  it('can itself be wrapped in a Proxy that returns other values (a spy or recorder)', () => {
    const wrapped = overlay(new Service(), new Map([['replaced', () => 'override']]));
    const spy = new Proxy(wrapped, { get: (target, prop) => (prop === 'replaced' ? () => 'spied' : Reflect.get(target, prop)) });
    expect(spy.replaced()).toBe('spied');
  });

  it('is what a collab hands out: guarded methods are own properties of the service', async () => {
    const collab = await createCollab({ provider: 'memory' });
    try {
      expect(Object.getOwnPropertyDescriptor(collab.rooms, 'get')?.value).toBeTypeOf('function');
      expect(Object.getOwnPropertyDescriptor(collab.webhooks, 'verify')?.value).toBeTypeOf('function');
      expect(collab.webhooks.subscriptions.list).toBeTypeOf('function');
    } finally {
      await collab.close();
    }
  });
});
