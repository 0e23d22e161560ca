import { assertCapability, type CapabilityDeclaration, type CapabilityKey } from './capabilities.js';
import { AbortedError, ClientClosedError, CollabError, ValidationError } from './errors.js';
import { loadedMethodArguments } from './argument-tables.js';
import { overlay } from './overlay.js';
import { validateArguments } from './validation.js';

/** A method's capability, or the capabilities it may need depending on its arguments (`keys` lists them all). */
type Rule = CapabilityKey | { keys: readonly CapabilityKey[]; pick: (args: unknown[]) => CapabilityKey[] };

/** Which capability guards each service method. `iterate` shares its list capability. */
export const METHOD_CAPABILITIES: Record<string, Record<string, Rule>> = {
  rooms: {
    create: { keys: ['rooms.create', 'rooms.access'], pick: (args) => withAccess('rooms.create', args[0]) },
    get: 'rooms.get',
    list: { keys: ['rooms.list', 'rooms.metadataFilter', 'rooms.archive'], pick: (args) => [...withMetadataFilter('rooms.list', args[0]), ...withArchived(args[0])] },
    iterate: { keys: ['rooms.list', 'rooms.metadataFilter', 'rooms.archive'], pick: (args) => [...withMetadataFilter('rooms.list', args[0]), ...withArchived(args[0])] },
    update: { keys: ['rooms.update', 'rooms.access', 'rooms.archive'], pick: (args) => [...withAccess('rooms.update', args[1]), ...withArchived(args[1])] },
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
  documents: { get: 'documents.get', set: 'documents.set', list: 'documents.list', getUpdate: 'documents.updates', applyUpdate: 'documents.updates' },
  'documents.versions': { list: 'documents.versions', create: 'documents.versions' },
  storage: { get: 'storage.get', initialize: 'storage.initialize', delete: 'storage.delete', patch: 'storage.patch' },
};

/** Services reached through a property of another (`webhooks.subscriptions`), guarded as their own group. */
const NESTED_SERVICES: Readonly<Record<string, readonly string[]>> = { webhooks: ['subscriptions'], documents: ['versions'] };

function withMetadataFilter(key: CapabilityKey, query: unknown): CapabilityKey[] {
  const metadata = (query as { metadata?: Record<string, unknown> } | undefined)?.metadata;
  return metadata && typeof metadata === 'object' && Object.keys(metadata).length > 0 ? [key, 'rooms.metadataFilter'] : [key];
}

/** `rooms.archive` when the input or filter names `archived` (either value: unarchiving and "only unarchived" need it too). */
function withArchived(input: unknown): CapabilityKey[] {
  return (input as { archived?: unknown } | undefined)?.archived !== undefined ? ['rooms.archive'] : [];
}

function withAccess(key: CapabilityKey, input: unknown): CapabilityKey[] {
  return (input as { access?: unknown } | undefined)?.access !== undefined ? [key, 'rooms.access'] : [key];
}

/** The capability check of one method, or `undefined` when none of its capabilities is `no`. */
function capabilityCheck(rule: Rule | undefined, provider: string, declaration: CapabilityDeclaration): ((args: unknown[]) => void) | undefined {
  if (rule === undefined) return undefined;
  const possible = typeof rule === 'string' ? [rule] : rule.keys;
  if (possible.every((key) => declaration.levels[key] !== 'no')) return undefined;
  const keysFor =
    typeof rule === 'string'
      ? () => possible
      : (args: unknown[]) => {
          try {
            return rule.pick(args);
          } catch {
            // Unreadable arguments: check the method's own capability; validation then names the bad field.
            return possible.slice(0, 1);
          }
        };
  return (args) => {
    for (const key of keysFor(args)) assertCapability(provider, declaration, key);
  };
}

/** Whether the collab the guarded services belong to was closed (then every guarded call is refused). */
export interface GuardLifecycle {
  readonly closed: boolean;
}

const OPEN: GuardLifecycle = { closed: false };

/**
 * Wraps a service so every method of the tables (`METHOD_CAPABILITIES`, `METHOD_ARGUMENTS`) first
 * checks, before the adapter runs (so before any I/O): its capability (`UnsupportedFeatureError`), its
 * options (`ValidationError` for a bad `signal`/`tenantId`, `AbortedError` for a signal that has
 * already aborted), then its arguments against the core schemas (`ValidationError` naming the field).
 * The adapter receives the parsed arguments (see `validateArguments`), so it only maps: core validates
 * once for every provider, and an adapter checks only what is specific to its vendor. `iterate` reports a failure from its first `next()`, and stops with `AbortedError` when
 * the caller's signal aborts part-way, on every provider. Other members pass through.
 */
export function guardService<T extends object>(group: string, service: T, provider: string, declaration: CapabilityDeclaration, lifecycle: GuardLifecycle = OPEN): T {
  const rules = METHOD_CAPABILITIES[group] ?? {};
  const tables = loadedMethodArguments();
  // `bindCollabWith` loads them before it guards anything; a direct caller awaits `loadMethodArguments()` first.
  if (tables === undefined) throw new Error('guardService: the argument schemas are not loaded (await loadMethodArguments() from core/argument-tables first)');
  const shapes = tables[group] ?? {};
  const overrides = new Map<PropertyKey, unknown>();
  for (const method of new Set([...Object.keys(rules), ...Object.keys(shapes)])) {
    const original = (service as Record<string, unknown>)[method];
    if (typeof original !== 'function') continue;
    const fn = original as (...args: unknown[]) => unknown;
    const checkCapability = capabilityCheck(rules[method], provider, declaration);
    const shape = shapes[method];
    const context = { operation: `${group}.${method}`, provider };
    overrides.set(method, (...args: unknown[]) => {
      let input = args;
      try {
        if (lifecycle.closed) throw new ClientClosedError(`${context.operation} was called after collab.close(): create a new collab`, context);
        checkCapability?.(args);
        if (shape) input = validateArguments(shape, args, context);
      } catch (err) {
        // Validation throws only CollabErrors; anything else is a bug there, still reported as one.
        const failure = CollabError.is(err) ? err : new ValidationError('input', 'could not be validated', { ...context, cause: err });
        return method === 'iterate' ? failingIterable(failure) : Promise.reject(failure);
      }
      const result = fn.apply(service, input);
      return method === 'iterate' && shape ? abortable(result as AsyncIterable<unknown>, signalOf(args[shape.args.length]), context) : result;
    });
  }
  for (const property of NESTED_SERVICES[group] ?? []) {
    const nested = (service as Record<string, unknown>)[property];
    if (nested && typeof nested === 'object') overrides.set(property, guardService(`${group}.${property}`, nested, provider, declaration, lifecycle));
  }
  if (overrides.size === 0) return service;
  return overlay(service, overrides);
}

const CLOSED: GuardLifecycle = { closed: true };

/**
 * A service of a closed collab that was never resolved while it was open: every method of the tables
 * (nested services included) refuses with `ClientClosedError`, through the same guard as a live one.
 */
export function closedService(group: string, provider: string, declaration: CapabilityDeclaration): object {
  return guardService(group, methodStubs(group), provider, declaration, CLOSED);
}

/** An object with every guarded method of `group` (never called: the closed guard refuses first). */
function methodStubs(group: string): Record<string, unknown> {
  const stub: Record<string, unknown> = {};
  for (const method of [...Object.keys(METHOD_CAPABILITIES[group] ?? {}), ...Object.keys(loadedMethodArguments()?.[group] ?? {})]) stub[method] = refused;
  for (const property of NESTED_SERVICES[group] ?? []) stub[property] = methodStubs(`${group}.${property}`);
  return stub;
}

function refused(): never {
  throw new Error('unreachable: a closed service refuses before the adapter runs');
}

/** The caller's signal, from options that validation has already accepted. */
function signalOf(options: unknown): AbortSignal | undefined {
  return (options as { signal?: AbortSignal } | undefined)?.signal;
}

/**
 * An iteration that stops with `AbortedError` once the caller's signal aborts, even between pages and
 * on providers whose pages need no I/O (memory), and releases the adapter's iterator when it does.
 */
function abortable<T>(iterable: AsyncIterable<T>, signal: AbortSignal | undefined, context: { operation: string; provider: string }): AsyncIterable<T> {
  if (!signal) return iterable;
  return {
    [Symbol.asyncIterator]() {
      const inner = iterable[Symbol.asyncIterator]();
      const stop = async (): Promise<never> => {
        await inner.return?.();
        throw AbortedError.from(signal, context);
      };
      return {
        next: async () => {
          if (signal.aborted) return stop();
          const step = await inner.next();
          // An adapter that does no I/O would otherwise hand out an item after the abort.
          if (signal.aborted && !step.done) return stop();
          return step;
        },
        return: async (value?: unknown) => (inner.return ? inner.return(value) : { done: true as const, value: value as T }),
      };
    },
  };
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
