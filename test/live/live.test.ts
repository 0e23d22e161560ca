/**
 * Conformance against real vendor accounts (DESIGN section 7, layer 4). Runs only when asked, because it
 * creates and deletes real data: `UNICOLLAB_LIVE=1` plus the vendor's variables, e.g.
 *   UNICOLLAB_LIVE=1 LIVEBLOCKS_SECRET_KEY=sk_dev_... npx vitest run test/live
 *   UNICOLLAB_LIVE=1 VELT_API_KEY=... VELT_AUTH_TOKEN=... VELT_ORGANIZATION_ID=... npx vitest run test/live
 * Without them each vendor shows one skipped test saying what to set. vitest's default reporter lists
 * no test names of a file whose tests all skipped (only "2 skipped"), so the reason is also written to
 * stderr, which that reporter always prints, under the file's name.
 *
 * Each vendor runs with a raw-HTTP probe (probes/liveblocks-probe.ts, probes/velt-probe.ts): plain fetch
 * to the vendor's documented REST endpoints, not through unicollab, so an adapter cannot pass by agreeing
 * with itself. The probes are proved without an account in probes/*.test.ts (Liveblocks dev server and
 * emulator, Velt emulator); the members for threads, comments, reactions and notifications of the
 * Liveblocks probe meet Liveblocks' own servers only here, as the dev server answers 501 for them.
 * Optional: LIVEBLOCKS_MANAGEMENT_TOKEN + LIVEBLOCKS_PROJECT_ID also enable the probe's webhook
 * subscription reads (LIVEBLOCKS_MANAGEMENT_BASE_URL when the Management API is not at the REST base URL).
 */
import { describe, it } from 'vitest';
import { createCollab, loadConfigFromEnv } from '../../src/index.js';
import { describeConformance } from '../../src/testing/index.js';
import { liveblocksAdapter } from '../../src/adapters/liveblocks/definition.js';
import { veltAdapter } from '../../src/adapters/velt/definition.js';
import type { ConformanceProbe } from '../../src/testing/types.js';
import { countingFetch } from './probes/http.js';
import { liveblocksProbe } from './probes/liveblocks-probe.js';
import { veltProbe } from './probes/velt-probe.js';

const live = process.env.UNICOLLAB_LIVE === '1';

// The vendors' documented differences: the skips their definitions declare, as in their emulator runs.
const veltSkips: Record<string, string> = { ...veltAdapter.conformance?.skip };
if (process.env.VELT_CREATE_MISSING === 'true') {
  veltSkips['threads.create-missing-room'] = 'VELT_CREATE_MISSING=true creates the document on first write, by design';
}

const vendors = [
  { provider: 'liveblocks', required: ['LIVEBLOCKS_SECRET_KEY'], secrets: ['LIVEBLOCKS_SECRET_KEY', 'LIVEBLOCKS_MANAGEMENT_TOKEN', 'LIVEBLOCKS_WEBHOOK_SECRET'], skip: { ...liveblocksAdapter.conformance?.skip } },
  { provider: 'velt', required: ['VELT_API_KEY', 'VELT_AUTH_TOKEN', 'VELT_ORGANIZATION_ID'], secrets: ['VELT_API_KEY', 'VELT_AUTH_TOKEN', 'VELT_WEBHOOK_AUTH_TOKEN', 'VELT_WEBHOOK_SECRET'], skip: veltSkips },
] as const;

/** The raw-HTTP probe of a vendor, configured from the same variables as the adapter. */
function probeFor(provider: 'liveblocks' | 'velt', counter: { n: number }): ConformanceProbe {
  const env = process.env;
  if (provider === 'liveblocks') {
    return liveblocksProbe({
      secretKey: env.LIVEBLOCKS_SECRET_KEY!,
      ...(env.LIVEBLOCKS_BASE_URL ? { baseUrl: env.LIVEBLOCKS_BASE_URL } : {}),
      ...(env.LIVEBLOCKS_MANAGEMENT_TOKEN && env.LIVEBLOCKS_PROJECT_ID ? { managementToken: env.LIVEBLOCKS_MANAGEMENT_TOKEN, projectId: env.LIVEBLOCKS_PROJECT_ID } : {}),
      ...(env.LIVEBLOCKS_MANAGEMENT_BASE_URL ? { managementBaseUrl: env.LIVEBLOCKS_MANAGEMENT_BASE_URL } : {}),
      ...(env.LIVEBLOCKS_ORGANIZATION_ID ? { organizationId: env.LIVEBLOCKS_ORGANIZATION_ID } : {}),
      counter,
    });
  }
  return veltProbe({
    apiKey: env.VELT_API_KEY!,
    authToken: env.VELT_AUTH_TOKEN!,
    organizationId: env.VELT_ORGANIZATION_ID!,
    ...(env.VELT_BASE_URL ? { baseUrl: env.VELT_BASE_URL } : {}),
    counter,
  });
}

for (const vendor of vendors) {
  const missing = vendor.required.filter((name) => !process.env[name]);
  // A dev-server key is not a live account: the dev server has its own test file.
  const devServer = vendor.provider === 'liveblocks' && process.env.LIVEBLOCKS_SECRET_KEY === 'sk_localdev';
  if (!live || missing.length > 0 || devServer) {
    const why = !live ? 'UNICOLLAB_LIVE=1 is not set' : devServer ? 'LIVEBLOCKS_SECRET_KEY=sk_localdev is the dev server (test/adapters has its tests)' : `${missing.join(', ')} not set`;
    const reason = `not run (${why}): set UNICOLLAB_LIVE=1 and ${vendor.required.join(', ')} for a real ${vendor.provider} account`;
    console.warn(`skipping the ${vendor.provider} live-account tests: ${reason}`);
    describe(`${vendor.provider} (live account)`, () => {
      it.skip(reason, () => {});
    });
    continue;
  }
  const env = { ...process.env, COLLAB_PROVIDER: vendor.provider };
  // The adapter's requests are counted (requestCount: validation must send nothing); the probe's are not.
  const counter = { n: 0 };
  describeConformance({
    name: `${vendor.provider} (live account)`,
    create: () => createCollab({ ...loadConfigFromEnv(env), fetch: countingFetch(counter) }),
    // A vendor SaaS cannot POST webhooks to 127.0.0.1: webhooksReachLocalhost stays unset.
    probe: probeFor(vendor.provider, counter),
    secrets: vendor.secrets.map((name) => process.env[name]).filter((v): v is string => Boolean(v)),
    settleMs: 15_000,
    timeoutMs: 60_000,
    skip: vendor.skip,
  });
}
