/**
 * Proves the raw-HTTP Velt probe of the live-account run (velt-probe.ts): the conformance suite runs
 * against the Velt adapter on the local Velt emulator with that probe, which reads the emulator only
 * through Velt's documented REST endpoints (plain fetch), exactly as it reads a live Velt workspace.
 * The settings mirror test/adapters/velt/conformance/emulator.test.ts, which runs the same suite with a
 * probe reading the emulator's memory instead.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { type Collab, createCollab, registerAdapter } from '../../../src/collab.js';
import { describeConformance } from '../../../src/testing/index.js';
import type { ConformanceProbe } from '../../../src/testing/types.js';
import { veltAdapter } from '../../../src/adapters/velt/definition.js';
import { startVeltEmulator, type VeltEmulator } from '../../adapters/velt/emulator/server.js';
import { countingFetch } from './http.js';
import { veltProbe } from './velt-probe.js';

const API_KEY = 'velt_rawprobe_api_key_5d21e0';
const AUTH_TOKEN = 'velt_rawprobe_auth_token_9a77c3';
const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const ORG = 'uc-rawprobe-org';

registerAdapter('velt', async () => (await import('../../../src/adapters/velt/index.js')).veltAdapter);

// Started at collection: the probe needs the URL when describeConformance is called.
const advanced: VeltEmulator = await startVeltEmulator({ apiKey: API_KEY, authToken: AUTH_TOKEN, deliverWebhooks: true });
const basic: VeltEmulator = await startVeltEmulator({ apiKey: API_KEY, authToken: AUTH_TOKEN, deliverWebhooks: true });
afterAll(async () => {
  await Promise.all([advanced.close(), basic.close()]);
});

/** One raw setup call, as an operator would make it in the Velt console or with curl. */
async function veltCall(emulator: VeltEmulator, path: string, data: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${emulator.url}/v2${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-velt-api-key': API_KEY, 'x-velt-auth-token': AUTH_TOKEN },
    body: JSON.stringify({ data }),
  });
  if (!res.ok) throw new Error(`setup ${path} failed: HTTP ${res.status} ${await res.text()}`);
}

/** The raw probe plus what only a local emulator allows (webhooks reach 127.0.0.1). */
function probeOf(emulator: VeltEmulator, org: string, counter: { n: number }): ConformanceProbe {
  return { ...veltProbe({ baseUrl: emulator.url, apiKey: API_KEY, authToken: AUTH_TOKEN, organizationId: org, counter }), webhooksReachLocalhost: true };
}

const COMMENT_WEBHOOK_SKIP = {
  'webhooks.delivery-comment': "Velt documents no comment.add webhook for replies added through REST (the emulator emits undocumented events only with webhookTriggers: 'all')",
};

describe('velt raw-HTTP probe: answers from the REST API, not from the emulator memory', () => {
  it('reads a document, a thread and a user that were written with raw calls', async () => {
    const emu = await startVeltEmulator({ apiKey: API_KEY, authToken: AUTH_TOKEN });
    try {
      const probe = veltProbe({ baseUrl: emu.url, apiKey: API_KEY, authToken: AUTH_TOKEN, organizationId: 'o' });
      expect(await probe.roomExists!('d1')).toBe(false);
      await veltCall(emu, '/organizations/documents/add', { organizationId: 'o', createOrganization: true, documents: [{ documentId: 'd1', documentName: 'Doc one' }] });
      expect(await probe.roomExists!('d1')).toBe(true);
      expect(await probe.roomName!('d1')).toBe('Doc one');
      expect(await probe.roomExists!('d2')).toBe(false);
      await veltCall(emu, '/users/add', { organizationId: 'o', users: [{ userId: 'u1', name: 'Una', email: 'u1@example.com' }] });
      expect(await probe.user!('u1')).toEqual({ name: 'Una', email: 'u1@example.com' });
      expect(await probe.userExists!('u2')).toBe(false);
      await veltCall(emu, '/commentannotations/add', {
        organizationId: 'o',
        documentId: 'd1',
        commentAnnotations: [{ annotationId: 'a1', context: { k: 'v' }, commentData: [{ commentId: 11, commentText: 'first words', from: { userId: 'u1' } }] }],
      });
      expect(await probe.threadExists!('d1', 'a1')).toBe(true);
      expect(await probe.threadExists!('d1', 'nope')).toBe(false);
      expect(await probe.threadResolved!('d1', 'a1')).toBe(false);
      expect(await probe.threadMetadata!('d1', 'a1')).toEqual({ k: 'v' });
      expect(await probe.commentText!('d1', 'a1', '11')).toBe('first words');
      expect(await probe.commentText!('d1', 'a1', '12')).toBeUndefined();
      await veltCall(emu, '/commentannotations/update', {
        organizationId: 'o',
        documentId: 'd1',
        annotationIds: ['a1'],
        updatedData: { status: { id: 'RESOLVED', name: 'Resolved', type: 'terminal' }, resolvedByUserId: 'u1' },
      });
      expect(await probe.threadResolved!('d1', 'a1')).toBe(true);
      expect(await probe.threadResolvedBy!('d1', 'a1')).toBe('u1');
    } finally {
      await emu.close();
    }
  });
});

const advancedCounter = { n: 0 };
describeConformance({
  name: 'velt (emulator, advanced webhooks) with the raw-HTTP live probe',
  create: async (): Promise<Collab> => {
    await veltCall(advanced, '/organizations/add', { organizations: [{ organizationId: ORG, organizationName: 'Conformance' }] });
    await veltCall(advanced, '/workspace/advancedwebhookconfig/update', { isEnabled: true });
    return createCollab({
      provider: 'velt',
      apiKey: API_KEY,
      authToken: AUTH_TOKEN,
      organizationId: ORG,
      baseUrl: advanced.url,
      webhookSecret: WEBHOOK_SECRET,
      retries: 0,
      fetch: countingFetch(advancedCounter),
    });
  },
  probe: probeOf(advanced, ORG, advancedCounter),
  secrets: [API_KEY, AUTH_TOKEN, WEBHOOK_SECRET],
  settleMs: 3000,
  skip: { ...veltAdapter.conformance?.skip, ...COMMENT_WEBHOOK_SKIP },
});

const BASIC_TOKEN = 'velt-rawprobe-basic-token-44e1';
const FRESH_ORG = 'uc-rawprobe-fresh-org';
const basicCounter = { n: 0 };
describeConformance({
  name: 'velt (emulator, basic webhooks, createMissing) with the raw-HTTP live probe',
  create: (): Promise<Collab> =>
    createCollab({
      provider: 'velt',
      apiKey: API_KEY,
      authToken: AUTH_TOKEN,
      organizationId: FRESH_ORG,
      baseUrl: basic.url,
      webhookAuthToken: BASIC_TOKEN,
      createMissing: true,
      retries: 0,
      fetch: countingFetch(basicCounter),
    }),
  probe: probeOf(basic, FRESH_ORG, basicCounter),
  secrets: [API_KEY, AUTH_TOKEN, BASIC_TOKEN],
  settleMs: 3000,
  only: ['capabilities', 'rooms', 'users', 'notifications', 'auth', 'events', 'webhooks', 'errors'],
  skip: { ...veltAdapter.conformance?.skip, ...COMMENT_WEBHOOK_SKIP },
});
