import { afterAll, describe, expect, it } from 'vitest';
import { type Collab, createCollab, registerAdapter } from '../../src/collab.js';
import { type ConformanceOptions, type ConformanceResult, conformanceChecks, runConformance } from '../../src/testing/index.js';
import { startVeltEmulator, type VeltEmulator } from '../adapters/velt/emulator/server.js';
import { veltProbe } from '../adapters/velt/conformance/velt-probe.js';

// Issue 15: the Velt probe's threadResolved read only status.type, so an adapter that resolved without
// resolvedByUserId passed. This adapter drops the field on the wire; the adapter's own answer still says
// "resolved" (it maps what it sent), so only the probe can catch it.

registerAdapter('velt', async () => (await import('../../src/adapters/velt/index.js')).veltAdapter);

const API_KEY = 'velt_selftest_api_key_4b1d';
const AUTH_TOKEN = 'velt_selftest_auth_token_9e2f';
const ORG = 'uc-selftest-org';
const emulators: VeltEmulator[] = [];
afterAll(async () => {
  await Promise.all(emulators.map((e) => e.close()));
});

/** A fetch that removes `resolvedByUserId` from every request body: the broken adapter. */
const droppingResolver: typeof fetch = async (input, init) => {
  if (typeof init?.body === 'string' && init.body.includes('resolvedByUserId')) {
    const body = JSON.parse(init.body) as { data?: { updatedData?: Record<string, unknown> } };
    if (body.data?.updatedData) delete body.data.updatedData.resolvedByUserId;
    init = { ...init, body: JSON.stringify(body) };
  }
  return fetch(input, init);
};

async function run(fetchImpl: typeof fetch | undefined, withProbe: boolean): Promise<ConformanceResult[]> {
  const emulator = await startVeltEmulator({ apiKey: API_KEY, authToken: AUTH_TOKEN });
  emulators.push(emulator);
  const options: ConformanceOptions & { checks: typeof conformanceChecks } = {
    name: 'self-test (velt)',
    create: (): Promise<Collab> =>
      createCollab({ provider: 'velt', apiKey: API_KEY, authToken: AUTH_TOKEN, organizationId: ORG, baseUrl: emulator.url, createMissing: true, retries: 0, ...(fetchImpl ? { fetch: fetchImpl } : {}) }),
    checks: conformanceChecks.filter((c) => c.id === 'threads.resolve'),
    settleMs: 500,
    timeoutMs: 10_000,
  };
  if (withProbe) options.probe = veltProbe(() => emulator, ORG);
  return runConformance(options);
}

const statusOf = (results: ConformanceResult[], id: string) => results.find((r) => r.id === id)?.status;

describe('conformance self-test: the Velt probe checks the resolver', () => {
  it('the correct Velt adapter passes threads.resolve with the probe (control)', async () => {
    expect(statusOf(await run(undefined, true), 'threads.resolve')).toBe('passed');
  });

  // Not asserted: that it passes without the probe. Today it does (the emulator accepts the resolve), but a
  // stricter emulator may refuse a resolve without resolvedByUserId, which would catch it there too.
  it('fails threads.resolve on an adapter that drops resolvedByUserId', async () => {
    const results = await run(droppingResolver, true);
    expect(statusOf(results, 'threads.resolve')).toBe('failed');
    const error = results.find((r) => r.id === 'threads.resolve')?.error as Error | undefined;
    expect(error?.message).toMatch(/probe\.threadResolved/);
  });
});
