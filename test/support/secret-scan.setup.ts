/**
 * The whole-run secret scan. Every collab any test creates through `createCollab` (which `memory()`,
 * `liveblocks()`, `velt()` and the conformance suite all go through) is wrapped so that every result,
 * every yielded item and every error of every service method is recorded; so are the collabs
 * themselves and errors `createCollab` throws. After each test file, `JSON.stringify` and
 * `util.inspect` of each record are searched for every secret registered in the process (configured
 * keys, tokens, webhook secrets) and for the test secrets below: one hit fails the file, naming the
 * method and where the secret was.
 *
 * The only outputs exempt are the ones whose job is to hand a secret to the app: the token that
 * `auth.issueToken` issues and the signing secret of a webhook subscription.
 */
import { inspect } from 'node:util';
import { afterAll, vi } from 'vitest';
import { registeredSecrets } from '../../src/core/redact.js';

/** Credentials used by tests without always reaching a config (so not always registered). */
const TEST_SECRETS = ['sk_localdev', 'sk_test_', 'sk_dev_'];

interface Record_ {
  where: string;
  value: unknown;
}

const records: Record_[] = [];
const MAX_RECORDS = 20_000;

function record(where: string, value: unknown): void {
  if (records.length < MAX_RECORDS) records.push({ where, value });
}

/** Outputs that are secrets by design, removed before scanning. */
function exempt(where: string, value: unknown): unknown {
  if (where === 'auth.issueToken') return undefined;
  if (where.startsWith('webhooks.subscriptions.') && value && typeof value === 'object') {
    const strip = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? { ...(v as object), secret: undefined } : v);
    return Array.isArray(value) ? value.map(strip) : 'items' in (value as object) ? { ...(value as object), items: ((value as { items: unknown[] }).items ?? []).map(strip) } : strip(value);
  }
  return value;
}

function wrapIterable(where: string, iterable: AsyncIterable<unknown>): AsyncIterable<unknown> {
  return {
    [Symbol.asyncIterator]() {
      const it = iterable[Symbol.asyncIterator]();
      return {
        async next() {
          try {
            const step = await it.next();
            if (!step.done) record(where, step.value);
            return step;
          } catch (err) {
            record(where, err);
            throw err;
          }
        },
        return: it.return ? (v?: unknown) => it.return!(v) : undefined,
      } as AsyncIterator<unknown>;
    },
  };
}

function wrapService(prefix: string, service: object): object {
  return new Proxy(service, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof prop !== 'string') return value;
      if (prop === 'subscriptions' && value && typeof value === 'object') return wrapService(`${prefix}.subscriptions`, value);
      if (typeof value !== 'function') return value;
      const where = `${prefix}.${prop}`;
      return (...args: unknown[]) => {
        let out: unknown;
        try {
          out = Reflect.apply(value, target, args);
        } catch (err) {
          record(where, err);
          throw err;
        }
        if (out && typeof (out as Promise<unknown>).then === 'function') {
          return (out as Promise<unknown>).then(
            (v) => {
              record(where, v);
              return v;
            },
            (err) => {
              record(where, err);
              throw err;
            },
          );
        }
        if (out && typeof out === 'object' && Symbol.asyncIterator in out) return wrapIterable(where, out as AsyncIterable<unknown>);
        record(where, out);
        return out;
      };
    },
  });
}

const SERVICES = ['rooms', 'users', 'threads', 'comments', 'reactions', 'presence', 'notifications', 'auth', 'webhooks', 'events'];

// Every collab is built by core's `collabFromContainer` (`createCollab` through the registry) or
// `createCollabWith` (the adapter entry points): wrapping both scans every collab of the run.
vi.mock('../../src/core/container.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/core/container.js')>();
  type Collab = ReturnType<typeof original.collabFromContainer>;
  const scanned = (collab: Collab): Collab => {
    record('collab', collab);
    const wrapped: Record<string, unknown> = {};
    for (const key of Object.keys(collab)) {
      // Services stay lazy (core resolves each on first access): wrapped, and recorded, when first read.
      let value: unknown;
      let read = false;
      Object.defineProperty(wrapped, key, {
        enumerable: true,
        get: () => {
          if (read) return value;
          read = true;
          const raw = (collab as unknown as Record<string, unknown>)[key];
          if (SERVICES.includes(key) && raw && typeof raw === 'object') record(`collab.${key}`, raw);
          value = SERVICES.includes(key) && raw && typeof raw === 'object' ? wrapService(key, raw) : raw;
          return value;
        },
      });
    }
    return Object.freeze(wrapped) as unknown as Collab;
  };
  const recorded = async <T>(run: () => Promise<T> | T): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      record('createCollab', err);
      throw err;
    }
  };
  return {
    ...original,
    collabFromContainer: (...args: Parameters<typeof original.collabFromContainer>) => scanned(original.collabFromContainer(...args)),
    createCollabContainerWith: (...args: Parameters<typeof original.createCollabContainerWith>) => recorded(() => original.createCollabContainerWith(...args)),
    createCollabWith: async (...args: Parameters<typeof original.createCollabWith>) => scanned(await recorded(() => original.createCollabWith(...args))),
  };
});

function views(value: unknown): string[] {
  const out: string[] = [];
  try {
    out.push(JSON.stringify(value) ?? '');
  } catch {
    // Not serialisable (a cycle in a collab object): util.inspect below still shows everything.
  }
  out.push(inspect(value, { depth: 8, showHidden: false, maxArrayLength: 50, maxStringLength: 100_000 }));
  if (value instanceof Error) out.push(String(value.stack ?? ''), inspect(value.cause, { depth: 6 }));
  return out;
}

afterAll(() => {
  const secrets = [...new Set([...registeredSecrets(), ...TEST_SECRETS])].filter((s) => s.length >= 6);
  const leaks: string[] = [];
  for (const { where, value } of records.splice(0)) {
    const scanned = exempt(where, value);
    if (scanned === undefined) continue;
    for (const text of views(scanned)) {
      const hit = secrets.find((s) => text.includes(s));
      if (hit) {
        const at = text.indexOf(hit);
        leaks.push(`${where}: contains a secret (${hit.slice(0, 4)}…): …${text.slice(Math.max(0, at - 60), at).replace(/\s+/g, ' ')}[HERE]`);
        break;
      }
    }
  }
  if (leaks.length > 0) throw new Error(`Secret scan: ${leaks.length} leak(s) in results, errors or collab objects:\n${leaks.slice(0, 20).join('\n')}`);
});
