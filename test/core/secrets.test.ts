/**
 * Secrets never leave through the side doors: an error's `requestId`/`path`/`vendorCode` echoing a
 * key, a 2xx body echoing one into mapped fields, `util.inspect`/`JSON.stringify` of a collab or its
 * config. (The whole-run scan in test/support/secret-scan.setup.ts checks every result and error of
 * every test on top of these.)
 */
import { inspect } from 'node:util';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCollab } from '../../src/collab.js';
import { parseConfig } from '../../src/index.js';
import { CollabError, NotFoundError, ProviderResponseError, ValidationError } from '../../src/core/errors.js';

const LB_SECRET = 'sk_prod_SideDoorSecret_0123456789abcdef';
const LB_MGMT = 'lbmt_SideDoorManagement_0123456789';
const LB_WHSEC = 'whsec_' + Buffer.from('side-door-webhook-key-bytes').toString('base64');
const VELT_KEY = 'VeltSideDoorApiKey0123';
const VELT_TOKEN = 'velt-side-door-auth-token-0123';
const VELT_BASIC = 'velt-side-door-basic-token-0123';
const MEM_SECRET = 'memory-side-door-token-secret-0123';
const ALL = [LB_SECRET, LB_MGMT, LB_WHSEC, VELT_KEY, VELT_TOKEN, VELT_BASIC, MEM_SECRET];

function expectClean(value: unknown, what: string): void {
  const texts = [inspect(value, { depth: Infinity, showHidden: true }), JSON.stringify(value) ?? ''];
  if (value instanceof Error) texts.push(String(value.stack), inspect(value.cause, { depth: Infinity }));
  for (const text of texts) for (const secret of ALL) expect(text.includes(secret), `${what} contains ${secret.slice(0, 8)}…`).toBe(false);
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('config and collab objects', () => {
  it('a parsed config keeps its values but prints and serialises without them', () => {
    const config = parseConfig({ provider: 'velt', apiKey: VELT_KEY, authToken: VELT_TOKEN, organizationId: 'org', webhookAuthToken: VELT_BASIC });
    expect(config.provider === 'velt' && config.apiKey).toBe(VELT_KEY);
    expectClean(config, 'config');
    expect(inspect(config)).toContain('[REDACTED]');
    // Spreading still copies the real values for code that needs them.
    expect({ ...config }).toMatchObject({ apiKey: VELT_KEY });
  });

  it.each([
    ['liveblocks', { provider: 'liveblocks', secretKey: LB_SECRET, managementToken: LB_MGMT, projectId: 'p1', webhookSecret: LB_WHSEC }],
    ['velt', { provider: 'velt', apiKey: VELT_KEY, authToken: VELT_TOKEN, organizationId: 'org', webhookAuthToken: VELT_BASIC, webhookSecret: LB_WHSEC }],
    ['memory', { provider: 'memory', tokenSecret: MEM_SECRET }],
  ] as const)('util.inspect and JSON.stringify of a %s collab show no secret', async (_name, config) => {
    const collab = await createCollab(config as never);
    try {
      expectClean(collab, 'collab');
      for (const service of ['rooms', 'threads', 'auth', 'webhooks'] as const) expectClean(collab[service], service);
    } finally {
      await collab.close();
    }
  });
});

describe('error fields', () => {
  it('a key echoed in x-request-id and in an error body is redacted from every field of the error', async () => {
    const collab = await createCollab({ provider: 'liveblocks', secretKey: LB_SECRET, baseUrl: 'https://lb.test', retries: 0 });
    nock('https://lb.test')
      .get('/v2/rooms/r1')
      .reply(404, { error: LB_SECRET, message: `no room for ${LB_SECRET}` }, { 'x-request-id': `req-${LB_SECRET}` });
    const err = await collab.rooms.get('r1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as CollabError).requestId).toBe('req-[REDACTED]');
    expectClean(err, 'error');
  });

  it('ProviderResponseError.path and ValidationError.field are redacted too', () => {
    const shape = new ProviderResponseError('bad shape', { path: `data.${LB_SECRET}.id`, requestId: LB_SECRET, vendorCode: LB_SECRET });
    const bad = new ValidationError(`metadata.${LB_SECRET}`, 'is invalid');
    for (const err of [shape, bad]) expectClean(err, err.name);
    expect(JSON.parse(JSON.stringify(shape))).toMatchObject({ code: 'provider_response_error', path: 'data.[REDACTED].id' });
  });
});

describe('2xx bodies echoing a credential', () => {
  it('Velt: a key echoed in a success body is redacted in the mapped fields, not only in raw', async () => {
    const collab = await createCollab({ provider: 'velt', apiKey: VELT_KEY, authToken: VELT_TOKEN, organizationId: 'org', baseUrl: 'https://velt.test', retries: 0 });
    nock('https://velt.test')
      .post('/v2/organizations/documents/get')
      .reply(200, { result: { status: 'success', message: 'ok', data: [{ id: 'd1', documentName: `named ${VELT_TOKEN}`, note: VELT_KEY }] } });
    const room = await collab.rooms.get('d1');
    expect(room.id).toBe('d1');
    expect(room.name).toBe('named [REDACTED]');
    expectClean(room, 'room');
    await collab.close();
  });
});
