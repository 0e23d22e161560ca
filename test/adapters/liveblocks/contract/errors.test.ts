/**
 * Contract tests of error mapping: Liveblocks error bodies `{ error, message, suggestion, docs }`
 * (vendors/liveblocks.md section 2, dev-server bodies of section 5) mapped to the shared classes, the
 * retry policy per endpoint, API drift, and secret hygiene.
 */
import { inspect } from 'node:util';
import nock from 'nock';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Collab } from '../../../../src/collab.js';
import { CollabError } from '../../../../src/core/errors.js';
import type { HttpLogEntry } from '../../../../src/core/logger.js';
import { BASE, expectCall, liveblocksCollab, MANAGEMENT_TOKEN, PROJECT_ID, rejection, SECRET, useNock } from './helpers.js';

useNock();

let collab: Collab;
beforeAll(async () => {
  collab = await liveblocksCollab();
});

const DOCS = 'https://liveblocks.io/docs/api-reference/rest-api-endpoints';

describe('status and body -> error class', () => {
  const cases: Array<{ status: number; body: unknown; code: string; name: string; vendorCode?: string; message: RegExp; retryable?: boolean; field?: string }> = [
    { status: 400, body: { error: 'Bad Request' }, code: 'validation_error', name: 'ValidationError', vendorCode: 'Bad Request', message: /HTTP 400/, field: 'request' },
    {
      status: 401,
      body: { error: 'MISSING_SECRET_KEY', message: 'Missing secret key in authentication header', docs: DOCS },
      code: 'authentication_error',
      name: 'AuthenticationError',
      vendorCode: 'MISSING_SECRET_KEY',
      message: /HTTP 401 MISSING_SECRET_KEY: Missing secret key/,
    },
    { status: 403, body: { error: 'INVALID_SECRET_KEY', message: 'Invalid secret key' }, code: 'authentication_error', name: 'AuthenticationError', vendorCode: 'INVALID_SECRET_KEY', message: /INVALID_SECRET_KEY/ },
    {
      status: 403,
      body: { error: 'Forbidden', message: "Invalid secret key. You can only use 'sk_localdev' as a secret key" },
      code: 'authentication_error',
      name: 'AuthenticationError',
      vendorCode: 'Forbidden',
      message: /Invalid secret key/,
    },
    { status: 403, body: { error: 'UNAUTHORIZED_ROOM_ACCESS', message: 'Not allowed' }, code: 'permission_denied', name: 'PermissionError', vendorCode: 'UNAUTHORIZED_ROOM_ACCESS', message: /HTTP 403/ },
    {
      status: 404,
      body: { error: 'ROOM_NOT_FOUND', message: 'Room not found.', suggestion: 'Please use a valid room ID, room IDs are available in the dashboard or with the list rooms endpoint', docs: DOCS },
      code: 'not_found',
      name: 'NotFoundError',
      vendorCode: 'ROOM_NOT_FOUND',
      message: /HTTP 404 ROOM_NOT_FOUND: Room not found\. Suggestion: Please use a valid room ID/,
      retryable: false,
    },
    { status: 409, body: { error: 'ROOM_ALREADY_EXISTS', message: 'Room with id "r1" already exists.', doc: DOCS }, code: 'conflict', name: 'ConflictError', vendorCode: 'ROOM_ALREADY_EXISTS', message: /already exists/ },
    {
      status: 422,
      body: { error: 'UNPROCESSABLE_ENTITY', message: "Missing key: 'defaultAccesses'.", docs: DOCS },
      code: 'validation_error',
      name: 'ValidationError',
      vendorCode: 'UNPROCESSABLE_ENTITY',
      message: /Missing key: 'defaultAccesses'/,
      field: 'defaultAccesses',
    },
    { status: 422, body: { error: 'Unprocessable Entity', reason: "Missing key: 'id'" }, code: 'validation_error', name: 'ValidationError', vendorCode: 'Unprocessable Entity', message: /Missing key: 'id'/, field: 'id' },
    { status: 500, body: { error: 'INTERNAL_ERROR', message: 'boom' }, code: 'provider_unavailable', name: 'ProviderUnavailableError', vendorCode: 'INTERNAL_ERROR', message: /HTTP 500/, retryable: true },
    { status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>', code: 'provider_unavailable', name: 'ProviderUnavailableError', message: /502 Bad Gateway/, retryable: true },
    {
      status: 501,
      body: { error: 'Not implemented', message: "This endpoint isn't implemented in the Liveblocks dev server." },
      code: 'provider_unavailable',
      name: 'ProviderUnavailableError',
      vendorCode: 'Not implemented',
      message: /not implemented by this Liveblocks server \(HTTP 501/,
      retryable: false,
    },
  ];

  for (const c of cases) {
    it(`${c.status} ${typeof c.body === 'string' ? 'HTML page' : (c.body as { error: string }).error} -> ${c.name}`, async () => {
      expectCall('GET', '/v2/rooms/r1', c.status, c.body, typeof c.body === 'string' ? { 'content-type': 'text/html' } : {});
      const err = await rejection(collab.rooms.get('r1'));
      expect(CollabError.is(err)).toBe(true);
      expect(err.name).toBe(c.name);
      expect(err.code).toBe(c.code);
      expect(err.provider).toBe('liveblocks');
      expect(err.operation).toBe('rooms.get');
      expect(err.status).toBe(c.status);
      expect(err.vendorCode).toBe(c.vendorCode);
      expect(err.message).toMatch(c.message);
      if (c.retryable !== undefined) expect(err.retryable).toBe(c.retryable);
      if (c.field !== undefined) expect(err.field).toBe(c.field);
    });
  }

  it('429 -> RateLimitError with retryAfterMs from Retry-After', async () => {
    expectCall('GET', '/v2/rooms/r1', 429, { error: 'TOO_MANY_REQUESTS', message: 'Slow down' }, { 'retry-after': '7' });
    const err = await rejection(collab.rooms.get('r1'));
    expect(err).toMatchObject({ name: 'RateLimitError', code: 'rate_limited', status: 429, retryAfterMs: 7000, retryable: true, vendorCode: 'TOO_MANY_REQUESTS' });
  });

  it('a 2xx body that does not match the documented shape is ProviderResponseError naming the field', async () => {
    expectCall('GET', '/v2/rooms/r1', 200, { type: 'room', id: 42 });
    const err = await rejection(collab.rooms.get('r1'));
    expect(err).toMatchObject({ code: 'provider_response_error', path: 'id', operation: 'rooms.get' });
  });
});

describe('retry policy', () => {
  it('retries an idempotent GET after 429, honouring Retry-After', async () => {
    const retrying = await liveblocksCollab({ retries: 2 });
    expectCall('GET', '/v2/rooms/r1', 429, { error: 'TOO_MANY_REQUESTS' }, { 'retry-after': '0' });
    expectCall('GET', '/v2/rooms/r1', 503, { error: 'UNAVAILABLE' }, { 'retry-after': '0' });
    const ok = expectCall('GET', '/v2/rooms/r1', 200, { type: 'room', id: 'r1', metadata: {}, defaultAccesses: [], usersAccesses: {}, groupsAccesses: {} });
    await expect(retrying.rooms.get('r1')).resolves.toMatchObject({ id: 'r1' });
    expect(ok).toHaveLength(1);
  });

  it('never retries a comment create or a broadcast (Liveblocks picks the id / a retry could deliver twice)', async () => {
    const retrying = await liveblocksCollab({ retries: 2 });
    const seen = expectCall('POST', '/v2/rooms/r/threads/t/comments', 503, { error: 'UNAVAILABLE' }, { 'retry-after': '0' });
    await expect(
      retrying.comments.create({ roomId: 'r', threadId: 't', authorId: 'u', body: { version: 1, content: [{ type: 'paragraph', children: [{ type: 'text', text: 'x' }] }] } }),
    ).rejects.toMatchObject({ code: 'provider_unavailable' });
    expect(seen).toHaveLength(1);
    const broadcast = expectCall('POST', '/v2/rooms/r/broadcast-event', 503, { error: 'UNAVAILABLE' }, { 'retry-after': '0' });
    await expect(retrying.events.broadcast('r', { a: 1 })).rejects.toMatchObject({ code: 'provider_unavailable' });
    expect(broadcast).toHaveLength(1);
  });
});

describe('secret hygiene', () => {
  it('no error message, JSON, cause, stack, raw or log entry contains the secret key or the management token', async () => {
    const logged: HttpLogEntry[] = [];
    const leaky = await liveblocksCollab({
      managementToken: MANAGEMENT_TOKEN,
      projectId: PROJECT_ID,
      logger: { http: (entry) => logged.push(entry) },
    });
    // A hostile or buggy server that echoes the credentials back, in the error body and in a 200 payload.
    nock(BASE)
      .get('/v2/rooms/r1')
      .reply(function () {
        return [403, { error: 'INVALID_SECRET_KEY', message: `Invalid key ${this.req.headers.authorization}`, suggestion: `Do not use ${SECRET}` }];
      });
    nock(BASE)
      .get('/v2/rooms/r2')
      .reply(200, { type: 'room', id: 'r2', metadata: {}, defaultAccesses: [], usersAccesses: {}, groupsAccesses: {}, token: SECRET });
    nock(BASE)
      .get(`/v2/management/projects/${PROJECT_ID}/webhooks/wh_1`)
      .reply(function () {
        return [500, `<html>token=${this.req.headers.authorization}</html>`];
      });
    nock(BASE).post('/v2/rooms').replyWithError(new Error(`socket hang up while sending Bearer ${SECRET}`));

    const errors = [
      await rejection(leaky.rooms.get('r1')),
      await rejection(leaky.webhooks.subscriptions.get('wh_1')),
      await rejection(leaky.rooms.create({ id: 'r3' })),
    ];
    const room = await leaky.rooms.get('r2');
    const texts = [
      ...errors.flatMap((e) => [e.message, String(e), e.stack, JSON.stringify(e), JSON.stringify(e.toJSON()), inspect(e.cause, { depth: 10 }), inspect(e, { depth: 10 })]),
      inspect(room, { depth: 10 }),
      JSON.stringify(room.raw),
      JSON.stringify(logged),
    ];
    for (const text of texts) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(MANAGEMENT_TOKEN);
    }
    expect(errors.map((e) => e.code)).toEqual(['authentication_error', 'provider_unavailable', 'network_error']);
    expect(logged.length).toBeGreaterThanOrEqual(3);
    await leaky.close();
  });

  it('a secret key without sk_ is a ConfigError that never echoes it', async () => {
    const secret = 'pk_live_ThisIsAPublicKeyNotASecret123';
    const err = await rejection(liveblocksCollab({ secretKey: secret }));
    expect(err).toMatchObject({ code: 'config_error', field: 'secretKey', envVar: 'LIVEBLOCKS_SECRET_KEY' });
    expect(`${err.message} ${JSON.stringify(err)}`).not.toContain(secret);
  });
});
