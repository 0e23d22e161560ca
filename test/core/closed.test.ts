import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollab, type Collab } from '../../src/index.js';
import { ClientClosedError, CollabError } from '../../src/core/errors.js';
import { METHOD_ARGUMENTS } from '../../src/core/model/arguments.js';

/** Every guarded method, as `group.method` (nested services as `webhooks.subscriptions.create`). */
const methods = Object.entries(METHOD_ARGUMENTS).flatMap(([group, shapes]) => Object.keys(shapes).map((m) => `${group}.${m}`));

function resolveMethod(collab: Collab, path: string): (...args: unknown[]) => unknown {
  const parts = path.split('.');
  const name = parts.pop()!;
  let target: unknown = collab;
  for (const p of parts) target = (target as Record<string, unknown>)[p];
  const fn = (target as Record<string, unknown>)[name] as (...args: unknown[]) => unknown;
  return (...args) => fn.apply(target, args);
}

async function outcome(call: () => unknown): Promise<unknown> {
  try {
    const result = call();
    if (result && typeof (result as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
      for await (const _ of result as AsyncIterable<unknown>) break;
      return 'iterated';
    }
    await result;
    return 'resolved';
  } catch (err) {
    return err;
  }
}

describe('a closed collab refuses every call with ClientClosedError, before any request', () => {
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  const configs = {
    memory: { provider: 'memory' },
    liveblocks: { provider: 'liveblocks', secretKey: 'sk_dev_closedtestclosedtest', baseUrl: 'https://closed.invalid' },
    velt: { provider: 'velt', apiKey: 'closed-api-key', authToken: 'closed-auth-token', organizationId: 'org-closed', baseUrl: 'https://closed.invalid' },
  } as const;

  it('covers every guarded method (the table is not empty)', () => {
    expect(methods.length).toBeGreaterThan(40);
  });

  // Services are resolved on first access: one reached before close() is the adapter's, guarded; one
  // first reached after it is a stand-in. Both must refuse the same way.
  for (const [name, config] of Object.entries(configs)) for (const touched of [false, true]) {
    it(`${name}: every method of every service, with any arguments (services ${touched ? 'resolved before close' : 'first reached after close'})`, async () => {
      const collab = await createCollab(config as never);
      if (touched) for (const group of new Set(methods.map((m) => m.split('.')[0]!))) expect((collab as unknown as Record<string, unknown>)[group], group).toBeTypeOf('object');
      await collab.close();
      // Net connect is disabled: a request would be a nock "no match" (and fail as NetworkError).
      const seen: string[] = [];
      const record = (req: { method?: string; path?: string }) => seen.push(`${req.method} ${req.path}`);
      nock.emitter.on('no match', record);
      for (const path of methods) {
        // webhooks.verify: the replay layer checks its options before the guard runs, so give it none.
        const args = path === 'webhooks.verify' ? [{ headers: {}, rawBody: '{}' }] : ['room-1', 'thread-1', 'x', {}];
        const err = await outcome(() => resolveMethod(collab, path)(...args));
        expect(err, path).toBeInstanceOf(ClientClosedError);
        expect(CollabError.is(err)).toBe(true);
        expect(err).toMatchObject({ code: 'client_closed', operation: path, provider: name, retryable: false });
      }
      nock.emitter.off('no match', record);
      expect(seen).toEqual([]);
      await collab.close(); // closing again stays a no-op
    });
  }

  it('a call that started before close() is not turned into ClientClosedError', async () => {
    const collab = await createCollab({ provider: 'memory' });
    const pending = collab.rooms.create({ id: 'before-close' });
    await collab.close();
    await expect(pending).resolves.toMatchObject({ id: 'before-close' });
  });
});
