/**
 * Issue 9 acceptance from the CLI side: `unicollab demo` on Kabelwerk, pointed at the emulator with the
 * config `loadConfigFromEnv` builds from COLLAB_PROVIDER=kabelwerk and the KABELWERK_* variables,
 * completes with exit code 0, declaring what Kabelwerk does not offer as unsupported.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../../../src/cli/demo.js';
import { Printer } from '../../../../src/cli/output.js';
import { sink } from '../../../support/output.js';
import { loadConfigFromEnv } from '../../../../src/index.js';
import type { KabelwerkEmulator } from '../emulator/server.js';
import { API_TOKEN, PRIVATE_KEY, startEmulator } from '../support.js';

let emulator: KabelwerkEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.close();
});

describe('unicollab demo on kabelwerk (emulator)', () => {
  it('completes with exit 0: the room, its thread and messages are real; reactions, presence and webhooks are reported unsupported', async () => {
    const out = sink();
    const config = loadConfigFromEnv({
      COLLAB_PROVIDER: 'kabelwerk',
      KABELWERK_URL: emulator.url,
      KABELWERK_API_TOKEN: API_TOKEN,
      KABELWERK_HUB: 'main',
      KABELWERK_PRIVATE_KEY: PRIVATE_KEY,
    });
    const code = await runDemo(config, new Printer(out.stream));
    const output = out.text();
    expect(code, output).toBe(0);
    expect(output).toMatch(/ok\s+rooms\.create/);
    expect(output).toMatch(/ok\s+threads\.create/);
    expect(output).toMatch(/ok\s+comments\.create/);
    expect(output).toMatch(/does not support reactions\.add/);
    expect(output).toMatch(/does not support presence\.set/);
    expect(output).toMatch(/does not support rooms\.delete/);
    // What the demo wrote is in the emulator: one room of the demo's end user, with both messages.
    const roomId = /rooms\.create\s+id=(\S+)/.exec(output)?.[1];
    expect(roomId).toBeDefined();
    const room = emulator.state.room('main', roomId!);
    expect(room).toBeDefined();
    expect(emulator.state.messages(room!.id).map((m) => m.text)).toEqual([expect.stringContaining('can you review the spec'), 'The spec is final, by the way.']);
    expect(output).not.toContain(API_TOKEN);
    expect(output).not.toContain('PRIVATE KEY');
  });
});
