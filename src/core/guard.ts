import { assertCapability, type CapabilityDeclaration, type CapabilityKey } from './capabilities.js';

/** A method's capability, or the capabilities it may need depending on its arguments (`keys` lists them all). */
type Rule = CapabilityKey | { keys: readonly CapabilityKey[]; pick: (args: unknown[]) => CapabilityKey[] };

/** Which capability guards each service method. `iterate` shares its list capability. */
export const METHOD_CAPABILITIES: Record<string, Record<string, Rule>> = {
  rooms: {
    create: { keys: ['rooms.create', 'rooms.access'], pick: (args) => withAccess('rooms.create', args[0]) },
    get: 'rooms.get',
    list: { keys: ['rooms.list', 'rooms.metadataFilter'], pick: (args) => withMetadataFilter('rooms.list', args[0]) },
    iterate: { keys: ['rooms.list', 'rooms.metadataFilter'], pick: (args) => withMetadataFilter('rooms.list', args[0]) },
    update: { keys: ['rooms.update', 'rooms.access'], pick: (args) => withAccess('rooms.update', args[1]) },
    delete: 'rooms.delete',
  },
  users: { upsert: 'users.upsert', get: 'users.get', list: 'users.list', delete: 'users.delete' },
  threads: {
    create: 'threads.create',
    get: 'threads.get',
    list: 'threads.list',
    iterate: 'threads.list',
    delete: 'threads.delete',
    resolve: 'threads.resolve',
    unresolve: 'threads.resolve',
    updateMetadata: 'threads.metadata',
  },
  comments: { create: 'comments.create', get: 'comments.get', edit: 'comments.edit', delete: 'comments.delete' },
  reactions: { add: 'reactions.add', remove: 'reactions.remove' },
  presence: { list: 'presence.list', set: 'presence.set', clear: 'presence.clear' },
  notifications: {
    list: 'notifications.list',
    markRead: 'notifications.markRead',
    delete: 'notifications.delete',
    trigger: 'notifications.trigger',
  },
  auth: { issueToken: 'auth.issueToken' },
  webhooks: { verify: 'webhooks.verify' },
  'webhooks.subscriptions': { create: 'webhooks.subscriptions', get: 'webhooks.subscriptions', list: 'webhooks.subscriptions', delete: 'webhooks.subscriptions' },
  events: { broadcast: 'events.broadcast' },
};

function withMetadataFilter(key: CapabilityKey, query: unknown): CapabilityKey[] {
  const metadata = (query as { metadata?: Record<string, unknown> } | undefined)?.metadata;
  return metadata && Object.keys(metadata).length > 0 ? [key, 'rooms.metadataFilter'] : [key];
}

function withAccess(key: CapabilityKey, input: unknown): CapabilityKey[] {
  return (input as { access?: unknown } | undefined)?.access !== undefined ? [key, 'rooms.access'] : [key];
}

/**
 * Wraps a service so every method first checks its capability and throws `UnsupportedFeatureError`
 * before the adapter runs (so before any I/O). Methods of capabilities that are `yes` or `partial`
 * are passed through unwrapped, so the hot path pays nothing.
 */
export function guardService<T extends object>(group: string, service: T, provider: string, declaration: CapabilityDeclaration): T {
  const rules = METHOD_CAPABILITIES[group];
  if (!rules) return service;
  const overrides = new Map<PropertyKey, unknown>();
  for (const [method, rule] of Object.entries(rules)) {
    const original = (service as Record<string, unknown>)[method];
    if (typeof original !== 'function') continue;
    const fn = original as (...args: unknown[]) => unknown;
    const possible = typeof rule === 'string' ? [rule] : rule.keys;
    if (possible.every((key) => declaration.levels[key] !== 'no')) continue;
    const keysFor = typeof rule === 'string' ? () => possible : rule.pick;
    overrides.set(method, (...args: unknown[]) => {
      try {
        for (const key of keysFor(args)) assertCapability(provider, declaration, key);
      } catch (err) {
        return method === 'iterate' ? failingIterable(err) : Promise.reject(err);
      }
      return fn.apply(service, args);
    });
  }
  if (group === 'webhooks') {
    const subs = (service as { subscriptions?: object }).subscriptions;
    if (subs) overrides.set('subscriptions', guardService('webhooks.subscriptions', subs, provider, declaration));
  }
  if (overrides.size === 0) return service;
  // A proxy (not Object.create) so methods run with the real instance as `this`: adapters may use #private fields.
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(service, {
    get(target, prop) {
      if (overrides.has(prop)) return overrides.get(prop);
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      let b = bound.get(prop);
      if (!b) bound.set(prop, (b = (value as (...a: unknown[]) => unknown).bind(target)));
      return b;
    },
  });
}

function failingIterable(err: unknown): AsyncIterable<never> {
  return {
    [Symbol.asyncIterator]() {
      return {
        next: () => Promise.reject(err),
      };
    },
  };
}
