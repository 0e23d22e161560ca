/**
 * Acceptance of issue 4 from the adapter side: `unicollab demo` on the Velt provider, pointed at the Velt
 * emulator with the config `loadConfigFromEnv` builds from COLLAB_PROVIDER=velt and the VELT_* variables,
 * completes with exit code 0, declaring the unsupported steps as such.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../../../src/cli/demo.js';
import { Printer } from '../../../../src/cli/output.js';
import { sink } from '../../../support/output.js';
import { loadConfigFromEnv } from '../../../../src/index.js';
import { registerAdapter } from '../../../../src/collab.js';
import { startVeltEmulator, type VeltEmulator } from '../emulator/server.js';

registerAdapter('velt', async () => (await import('../../../../src/adapters/velt/index.js')).veltAdapter);

let emulator: VeltEmulator;
beforeAll(async () => {
  emulator = await startVeltEmulator({ apiKey: 'velt_demo_api_key_1', authToken: 'velt_demo_auth_token_1' });
});
afterAll(async () => {
  await emulator.close();
});

describe('unicollab demo on velt (emulator)', () => {
  it('completes with exit 0; reactions and presence.list are reported unsupported', async () => {
    const out = sink();
    const config = loadConfigFromEnv({
      COLLAB_PROVIDER: 'velt',
      VELT_API_KEY: 'velt_demo_api_key_1',
      VELT_AUTH_TOKEN: 'velt_demo_auth_token_1',
      VELT_ORGANIZATION_ID: 'demo-org',
      VELT_BASE_URL: emulator.url,
      VELT_CREATE_MISSING: 'true',
    });
    const code = await runDemo(config, new Printer(out.stream));
    const output = out.text();
    expect(output).toMatch(/skip reactions\.add .*does not support reactions\.add/);
    expect(output).toMatch(/does not support presence\.list/);
    expect(output).not.toContain('velt_demo_api_key_1');
    expect(code, output).toBe(0);
  });
});
