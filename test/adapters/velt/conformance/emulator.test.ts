/**
 * The conformance suite against the Velt adapter pointed at the local Velt emulator, with a probe that
 * reads the emulator's state directly (not through the adapter), so the adapter cannot pass by agreeing
 * with itself.
 */
import { randomBytes } from 'node:crypto';
import { afterAll } from 'vitest';
import { type Collab, createCollab, registerAdapter } from '../../../../src/collab.js';
import { describeConformance } from '../../../../src/testing/index.js';
import { startVeltEmulator, type VeltEmulator } from '../emulator/server.js';
import { veltAdapter } from '../../../../src/adapters/velt/definition.js';
import { veltProbe } from './velt-probe.js';

const API_KEY = 'velt_conformance_api_key_7f3a9c';
const AUTH_TOKEN = 'velt_conformance_auth_token_b81c4e';
const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const ORG = 'uc-conformance-org';

registerAdapter('velt', async () => (await import('../../../../src/adapters/velt/index.js')).veltAdapter);

const emulators: VeltEmulator[] = [];
afterAll(async () => {
  await Promise.all(emulators.map((e) => e.close()));
});

async function start(): Promise<VeltEmulator> {
  const emulator = await startVeltEmulator({ apiKey: API_KEY, authToken: AUTH_TOKEN, deliverWebhooks: true });
  emulators.push(emulator);
  return emulator;
}

/** One raw call to the emulator, as an operator would make it in the Velt console or with curl. */
async function veltCall(emulator: VeltEmulator, path: string, data: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${emulator.url}/v2${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-velt-api-key': API_KEY, 'x-velt-auth-token': AUTH_TOKEN },
    body: JSON.stringify({ data }),
  });
  if (!res.ok) throw new Error(`setup ${path} failed: HTTP ${res.status} ${await res.text()}`);
}

// The emulator, like Velt's docs, emits comment.add only with webhookTriggers: 'all' (undocumented events).
const COMMENT_WEBHOOK_SKIP = {
  'webhooks.delivery-comment': "Velt documents no comment.add webhook for replies added through REST (the emulator emits undocumented events only with webhookTriggers: 'all')",
};

let advanced: VeltEmulator | undefined;
describeConformance({
  name: 'velt (emulator, advanced webhooks)',
  create: async (): Promise<Collab> => {
    const emulator = (advanced = await start());
    // The tenant exists before the app runs (createMissing is off, so a missing room stays a NotFoundError),
    // and advanced webhooks are switched on in the workspace, as an operator would in the Velt console.
    await veltCall(emulator, '/organizations/add', { organizations: [{ organizationId: ORG, organizationName: 'Conformance' }] });
    await veltCall(emulator, '/workspace/advancedwebhookconfig/update', { isEnabled: true });
    return createCollab({
      provider: 'velt',
      apiKey: API_KEY,
      authToken: AUTH_TOKEN,
      organizationId: ORG,
      baseUrl: emulator.url,
      webhookSecret: WEBHOOK_SECRET,
      retries: 0,
    });
  },
  probe: veltProbe(() => advanced, ORG),
  secrets: [API_KEY, AUTH_TOKEN, WEBHOOK_SECRET],
  settleMs: 3000,
  // The vendor's own limits, declared once in the adapter definition.
  skip: { ...veltAdapter.conformance?.skip, ...COMMENT_WEBHOOK_SKIP },
});

const BASIC_TOKEN = 'velt-conformance-basic-token-3c9d';
const FRESH_ORG = 'uc-conformance-fresh-org';
let basic: VeltEmulator | undefined;
describeConformance({
  name: 'velt (emulator, basic webhooks, createMissing, organization not created beforehand)',
  create: async (): Promise<Collab> => {
    basic = await start();
    return createCollab({
      provider: 'velt',
      apiKey: API_KEY,
      authToken: AUTH_TOKEN,
      organizationId: FRESH_ORG,
      baseUrl: basic.url,
      webhookAuthToken: BASIC_TOKEN,
      createMissing: true,
      retries: 0,
    });
  },
  probe: veltProbe(() => basic, FRESH_ORG),
  secrets: [API_KEY, AUTH_TOKEN, BASIC_TOKEN],
  settleMs: 3000,
  // With createMissing, a thread in a missing room creates the room: the threads group's
  // "create in a missing room is NotFoundError" check does not apply, so threads run in the first suite.
  only: ['capabilities', 'rooms', 'users', 'notifications', 'auth', 'events', 'webhooks', 'errors'],
  skip: { ...veltAdapter.conformance?.skip, ...COMMENT_WEBHOOK_SKIP },
});
