/**
 * Conformance against real vendor accounts (DESIGN section 7, layer 4). Runs only when asked, because it
 * creates and deletes real data: `UNICOLLAB_LIVE=1` plus the vendor's variables, e.g.
 *   UNICOLLAB_LIVE=1 LIVEBLOCKS_SECRET_KEY=sk_dev_... npx vitest run test/live
 *   UNICOLLAB_LIVE=1 VELT_API_KEY=... VELT_AUTH_TOKEN=... VELT_ORGANIZATION_ID=... npx vitest run test/live
 * Without them each vendor shows one skipped test saying what to set. vitest's default reporter lists
 * no test names of a file whose tests all skipped (only "2 skipped"), so the reason is also written to
 * stderr, which that reporter always prints, under the file's name.
 */
import { describe, it } from 'vitest';
import { createCollab, loadConfigFromEnv } from '../../src/index.js';
import { describeConformance } from '../../src/testing/index.js';
import { liveblocksAdapter } from '../../src/adapters/liveblocks/definition.js';
import { veltAdapter } from '../../src/adapters/velt/definition.js';

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
  describeConformance({
    name: `${vendor.provider} (live account)`,
    create: () => createCollab(loadConfigFromEnv(env)),
    secrets: vendor.secrets.map((name) => process.env[name]).filter((v): v is string => Boolean(v)),
    settleMs: 15_000,
    timeoutMs: 60_000,
    skip: vendor.skip,
  });
}
