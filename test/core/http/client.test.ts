import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AbortedError,
  AuthenticationError,
  CollabError,
  ConflictError,
  NotFoundError,
  PermissionError,
  ProviderResponseError,
  ProviderUnavailableError,
  RateLimitError,
  ValidationError,
} from '../../../src/core/errors.js';
import type { HttpLogEntry } from '../../../src/core/logger.js';
import { createHttpClient, encodePath, type HttpClientOptions, type HttpErrorContext } from '../../../src/core/http/index.js';

const BASE = 'https://api.example.test';
/** An opaque credential with an unusual auth scheme: only the client's own secret registration can hide it. */
const SECRET = 'opaque-Secret-Value-42xyz';
const AUTH = `Token ${SECRET}`;

function client(options: Partial<HttpClientOptions> = {}) {
  return createHttpClient({ provider: 'acme', baseUrl: BASE, headers: { Authorization: AUTH }, backoffMs: 1, ...options });
}

/** Resolves with what `promise` rejected with; fails the test if it resolved. */
async function rejection(promise: Promise<unknown>): Promise<any> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (err: unknown) => err,
  );
}

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

describe.each(['node', 'fetch', 'ky'] as const)('the request that goes out (%s transport)', (transport) => {
  it('has the method, encoded path and query, default + per-request headers and the JSON body', async () => {
    let seen: { uri?: string; headers?: Record<string, unknown>; body?: unknown } = {};
    nock(BASE)
      .post(() => true)
      .reply(function (uri, body) {
        seen = { uri, headers: this.req.headers, body };
        return [201, { id: 'th_1' }, { 'content-type': 'application/json' }];
      });
    const out = await client({ transport, baseUrl: BASE + '/' }).request({
      method: 'POST',
      path: encodePath('v2', 'rooms', 'a/b c', 'threads'),
      query: { q: 'a b&c=d', n: 5, flag: true, skip: undefined, emoji: '👍' },
      headers: { 'X-Extra': 'yes' },
      json: { comment: { body: 'hé', n: 1 } },
      idempotent: false,
      operation: 'threads.create',
    });
    expect(out).toEqual({ id: 'th_1' });
    expect(seen.uri).toBe('/v2/rooms/a%2Fb%20c/threads?q=a%20b%26c%3Dd&n=5&flag=true&emoji=%F0%9F%91%8D');
    expect(seen.headers).toMatchObject({
      authorization: AUTH,
      'x-extra': 'yes',
      'content-type': 'application/json',
      accept: 'application/json',
    });
    expect(seen.body).toEqual({ comment: { body: 'hé', n: 1 } });
  });

  it('sends a GET without body or content-type, and retries an idempotent call on 503', async () => {
    const hits: Array<Record<string, unknown>> = [];
    nock(BASE)
      .get('/v2/rooms')
      .times(2)
      .reply(function () {
        hits.push({ ...this.req.headers });
        return hits.length === 1 ? [503, 'busy'] : [200, { data: [] }];
      });
    const out = await client({ transport }).request({ method: 'GET', path: '/v2/rooms', idempotent: true, operation: 'rooms.list' });
    expect(out).toEqual({ data: [] });
    expect(hits).toHaveLength(2);
    expect(hits[0]).not.toHaveProperty('content-type');
  });
});

describe('2xx bodies', () => {
  it('parses JSON, gives undefined for 204 and empty bodies, and honours responseType', async () => {
    nock(BASE)
      .get('/json')
      .reply(200, { a: 1 })
      .get('/204')
      .reply(204)
      .get('/empty')
      .reply(200, '')
      .get('/text')
      .reply(200, 'plain text')
      .get('/ignored')
      .reply(200, 'not json at all');
    const c = client();
    const get = (path: string, responseType?: 'json' | 'text' | 'empty') =>
      c.request({ method: 'GET', path, idempotent: true, operation: 'x.get', responseType });
    expect(await get('/json')).toEqual({ a: 1 });
    expect(await get('/204')).toBeUndefined();
    expect(await get('/empty')).toBeUndefined();
    expect(await get('/text', 'text')).toBe('plain text');
    expect(await get('/ignored', 'empty')).toBeUndefined();
  });

  it.each(['node', 'fetch', 'ky'] as const)('responseType bytes returns the exact bytes (%s), unscanned even when they spell the secret; an error body is still parsed', async (transport) => {
    // Bytes that are not valid UTF-8, a multi-chunk body, and the secret's bytes: none may be altered.
    const binary = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x80]), Buffer.from(SECRET), Buffer.alloc(200_000, 7)]);
    nock(BASE)
      .get('/bin')
      .reply(200, binary, { 'content-type': 'application/octet-stream' })
      .get('/none')
      .reply(200, '')
      .get('/missing')
      .reply(404, { error: 'ROOM_NOT_FOUND', message: 'Room not found' });
    const c = client({ transport });
    const get = (path: string) => c.request({ method: 'GET', path, idempotent: true, operation: 'x.bytes', responseType: 'bytes' });
    const out = await get('/bin');
    expect(out).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(out as Uint8Array).equals(binary)).toBe(true);
    expect(await get('/none')).toEqual(new Uint8Array(0));
    const err = await rejection(get('/missing'));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.vendorCode).toBe('ROOM_NOT_FOUND');
  });

  it('sends a raw Uint8Array body byte for byte with the caller content-type', async () => {
    let seen: { body?: Buffer; type?: unknown } = {};
    nock(BASE)
      .put('/raw')
      .reply(function (_uri, body) {
        seen = { body: Buffer.from(body as string, 'hex'), type: this.req.headers['content-type'] };
        return [200, { ok: true }];
      });
    const bytes = new Uint8Array([0, 1, 2, 0xff, 0x80]);
    await client().request({ method: 'PUT', path: '/raw', body: bytes, headers: { 'Content-Type': 'application/octet-stream' }, idempotent: false, operation: 'x.put' });
    expect(seen.type).toBe('application/octet-stream');
    expect([...(seen.body ?? [])]).toEqual([...bytes]);
  });

  it('returns the schema output (transforms applied)', async () => {
    nock(BASE).get('/r').reply(200, { createdAt: '2026-01-02T03:04:05Z', extra: true });
    const schema = z.object({ createdAt: z.string().transform((s) => new Date(s)) });
    const out = await client().request({ method: 'GET', path: '/r', schema, idempotent: true, operation: 'rooms.get' });
    expect(out.createdAt).toBeInstanceOf(Date);
    expect(out.createdAt.toISOString()).toBe('2026-01-02T03:04:05.000Z');
  });

  it('truncated JSON on a 200 is a ProviderResponseError, not retried', async () => {
    let hits = 0;
    nock(BASE)
      .get('/r')
      .times(3)
      .reply(() => {
        hits++;
        return [200, '{"id":"room-1","name":"tru', { 'content-type': 'application/json', 'x-request-id': 'req-9' }];
      });
    const err = await rejection(client().request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' }));
    expect(err).toBeInstanceOf(ProviderResponseError);
    expect(err).toMatchObject({ provider: 'acme', operation: 'rooms.get', status: 200, requestId: 'req-9', retryable: false });
    expect(err.message).toMatch(/not valid JSON/);
    expect(JSON.stringify(err) + String(err.cause)).not.toContain('tru');
    expect(hits).toBe(1);
  });

  it('a schema mismatch names the dotted path of the first bad field, never its value', async () => {
    nock(BASE)
      .get('/threads')
      .reply(200, {
        data: [
          { id: 't1', createdAt: '2026-01-01T00:00:00Z' },
          { id: 't2', createdAt: 'LEAKY-VALUE-123' },
        ],
      });
    const schema = z.object({ data: z.array(z.object({ id: z.string(), createdAt: z.iso.datetime() })) });
    const err = await rejection(client().request({ method: 'GET', path: '/threads', schema, idempotent: true, operation: 'threads.list' }));
    expect(err).toBeInstanceOf(ProviderResponseError);
    expect(err.path).toBe('data.1.createdAt');
    expect(err.message).toContain('data.1.createdAt');
    expect(err.status).toBe(200);
    for (const text of [err.message, JSON.stringify(err), JSON.stringify(err.cause)]) expect(text).not.toContain('LEAKY-VALUE');
  });
});

describe('retries', () => {
  it('429 with Retry-After is retried after about the Retry-After, not the (tiny) backoff', async () => {
    const at: number[] = [];
    nock(BASE)
      .get('/r')
      .times(2)
      .reply(() => {
        at.push(performance.now());
        return at.length === 1 ? [429, { message: 'slow down' }, { 'retry-after': '0.3' }] : [200, { ok: true }];
      });
    expect(await client().request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' })).toEqual({ ok: true });
    expect(at).toHaveLength(2);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(240);
  });

  it('honours X-RateLimit-Retry-After', async () => {
    const at: number[] = [];
    nock(BASE)
      .post('/velt/read')
      .times(2)
      .reply(() => {
        at.push(performance.now());
        return at.length === 1 ? [503, 'wait', { 'x-ratelimit-retry-after': '0.3' }] : [200, { result: 1 }];
      });
    const out = await client().request({ method: 'POST', path: '/velt/read', json: {}, idempotent: true, operation: 'comments.get' });
    expect(out).toEqual({ result: 1 });
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(240);
  });

  it('503 x3 on an idempotent GET: retries+1 attempts, then ProviderUnavailableError 503', async () => {
    let hits = 0;
    nock(BASE)
      .get('/r')
      .times(10)
      .reply(() => {
        hits++;
        return [503, { message: 'down' }, { 'x-request-id': `req-${hits}` }];
      });
    const err = await rejection(client({ retries: 2 }).request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' }));
    expect(hits).toBe(3);
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect(err).toMatchObject({ status: 503, requestId: 'req-3', provider: 'acme', operation: 'rooms.get', retryable: true });
  });

  it('a non-idempotent POST on 503 is not retried: exactly one request reaches the server', async () => {
    let hits = 0;
    nock(BASE)
      .post('/v2/rooms')
      .times(5)
      .reply(() => {
        hits++;
        return [503, 'down'];
      });
    const err = await rejection(
      client({ retries: 3 }).request({ method: 'POST', path: '/v2/rooms', json: { id: 'r' }, idempotent: false, operation: 'rooms.create' }),
    );
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect(hits).toBe(1);
  });

  it('does not retry 4xx or 501 even when idempotent', async () => {
    let hits = 0;
    nock(BASE)
      .get(/.*/)
      .times(10)
      .reply((uri) => {
        hits++;
        return [uri === '/404' ? 404 : 501, {}];
      });
    expect(await rejection(client().request({ method: 'GET', path: '/404', idempotent: true, operation: 'x' }))).toBeInstanceOf(NotFoundError);
    const notImpl = await rejection(client().request({ method: 'GET', path: '/501', idempotent: true, operation: 'x' }));
    expect(notImpl).toBeInstanceOf(ProviderUnavailableError);
    expect(notImpl.retryable).toBe(false);
    expect(hits).toBe(2);
  });

  it('fails at once with the RateLimitError when the Retry-After would pass the deadline', async () => {
    let hits = 0;
    nock(BASE)
      .get('/r')
      .times(3)
      .reply(() => {
        hits++;
        return [429, {}, { 'retry-after': '60' }];
      });
    const err = await rejection(client({ deadlineMs: 2000 }).request({ method: 'GET', path: '/r', idempotent: true, operation: 'x' }));
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.retryAfterMs).toBe(60_000);
    expect(hits).toBe(1);
  });

  it('an already aborted signal rejects with AbortedError (cause: its reason) before any request', async () => {
    const scope = nock(BASE).get('/r').reply(200, {});
    const reason = new Error('user left');
    const err = await rejection(client().request({ method: 'GET', path: '/r', idempotent: true, operation: 'x', signal: AbortSignal.abort(reason) }));
    expect(err).toBeInstanceOf(AbortedError);
    expect((err as Error).cause).toBe(reason);
    expect(scope.isDone()).toBe(false);
  });
});

describe('error mapping', () => {
  it.each([
    [400, ValidationError, 'validation_error'],
    [422, ValidationError, 'validation_error'],
    [401, AuthenticationError, 'authentication_error'],
    [403, PermissionError, 'permission_denied'],
    [404, NotFoundError, 'not_found'],
    [409, ConflictError, 'conflict'],
    [429, RateLimitError, 'rate_limited'],
    [500, ProviderUnavailableError, 'provider_unavailable'],
    [418, CollabError, 'collab_error'],
  ] as const)('HTTP %i -> %o', async (status, cls, code) => {
    nock(BASE)
      .post('/op')
      .reply(status, { error: 'VENDOR_CODE', message: `vendor says ${status}` }, { 'x-request-id': 'rid-1', 'retry-after': '7' });
    const err = await rejection(client().request({ method: 'POST', path: '/op', json: {}, idempotent: false, operation: 'things.do' }));
    expect(err).toBeInstanceOf(cls);
    expect(err.code).toBe(code);
    expect(err).toMatchObject({ provider: 'acme', operation: 'things.do', status, requestId: 'rid-1', vendorCode: 'VENDOR_CODE' });
    expect(err.message).toContain(`vendor says ${status}`);
    if (err instanceof ValidationError) expect(err.field).toBe('request');
    if (err instanceof RateLimitError) expect(err.retryAfterMs).toBe(7000);
  });

  it('an HTML 502 page gives a ProviderUnavailableError with a clean, short message', async () => {
    const page = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>h1{font:bold}</style></head>
      <body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx upstream</center>${'<p>x</p>'.repeat(500)}</body></html>`;
    nock(BASE).get('/r').reply(502, page, { 'content-type': 'text/html' });
    const err = await rejection(client({ retries: 0 }).request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' }));
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect(err.status).toBe(502);
    expect(err.message).toMatch(/^acme rooms\.get failed with HTTP 502 Bad Gateway: 502 Bad Gateway 502 Bad Gateway nginx upstream/);
    expect(err.message).not.toMatch(/[<>]|font:bold|DOCTYPE/);
    expect(err.message.length).toBeLessThan(300);
  });

  it('uses mapError first, passing the parsed body, status, retry-after and request id, then fills the context', async () => {
    nock(BASE)
      .post('/velt')
      .reply(409, { error: { status: 'ABORTED', message: 'busy' } }, { 'x-velt-request': 'vr-1', 'retry-after': '2' })
      .post('/velt')
      .reply(404, { error: { status: 'NOT_FOUND', message: 'nope' } });
    const contexts: HttpErrorContext[] = [];
    const c = client({
      requestIdHeaders: ['X-Velt-Request'],
      mapError: (ctx) => {
        contexts.push(ctx);
        const status = (ctx.body as { error?: { status?: string } }).error?.status;
        return status === 'ABORTED' ? new ConflictError('aborted by vendor') : undefined;
      },
    });
    const first = await rejection(c.request({ method: 'POST', path: '/velt', json: {}, idempotent: false, operation: 'comments.add' }));
    expect(first).toBeInstanceOf(ConflictError);
    expect(first.message).toBe('aborted by vendor');
    expect(first).toMatchObject({ provider: 'acme', operation: 'comments.add', status: 409, requestId: 'vr-1' });
    expect(contexts[0]).toMatchObject({
      status: 409,
      body: { error: { status: 'ABORTED', message: 'busy' } },
      operation: 'comments.add',
      provider: 'acme',
      retryAfterMs: 2000,
      requestId: 'vr-1',
    });
    // The hook returned undefined: the default mapping applies.
    const second = await rejection(c.request({ method: 'POST', path: '/velt', json: {}, idempotent: false, operation: 'comments.get' }));
    expect(second).toBeInstanceOf(NotFoundError);
    expect(second.vendorCode).toBe('NOT_FOUND');
  });

  it('a mapError hook that throws a non-CollabError falls back to the default mapping', async () => {
    nock(BASE).get('/r').reply(403, { message: 'no' });
    const c = client({
      mapError: () => {
        throw new TypeError('hook bug');
      },
    });
    expect(await rejection(c.request({ method: 'GET', path: '/r', idempotent: false, operation: 'x' }))).toBeInstanceOf(PermissionError);
  });
});

describe('logger hook', () => {
  it('is called once per attempt with method, redacted path, status, ms, attempt, request id; never headers', async () => {
    nock(BASE)
      .get('/v2/rooms')
      .query(true)
      .reply(503, 'busy', { 'x-request-id': 'r1', 'set-cookie': `s=${SECRET}` })
      .get('/v2/rooms')
      .query(true)
      .reply(200, { data: [] }, { 'x-request-id': 'r2' });
    const entries: HttpLogEntry[] = [];
    const c = client({ logger: { http: (e) => entries.push(e) } });
    await c.request({ method: 'GET', path: '/v2/rooms', query: { cursor: 'c1', token: 'tok-SECRET-1' }, idempotent: true, operation: 'rooms.list' });
    expect(entries).toHaveLength(2);
    const allowed = ['provider', 'operation', 'method', 'path', 'status', 'ms', 'attempt', 'requestId', 'error'];
    for (const e of entries) {
      for (const key of Object.keys(e)) expect(allowed).toContain(key);
      expect(e.ms).toBeGreaterThanOrEqual(0);
      expect(e).toMatchObject({ provider: 'acme', operation: 'rooms.list', method: 'GET', path: '/v2/rooms?cursor=c1&token=[REDACTED]' });
    }
    expect(entries[0]).toMatchObject({ attempt: 1, status: 503, requestId: 'r1', error: 'provider_unavailable' });
    expect(entries[1]).toMatchObject({ attempt: 2, status: 200, requestId: 'r2' });
    expect(entries[1]).not.toHaveProperty('error');
    const text = JSON.stringify(entries);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('tok-SECRET-1');
    expect(text).not.toMatch(/authorization|cookie/i);
  });

  it('a throwing logger does not fail the call', async () => {
    nock(BASE).get('/r').reply(200, { ok: 1 });
    const c = client({
      logger: {
        http: () => {
          throw new Error('logger down');
        },
      },
    });
    expect(await c.request({ method: 'GET', path: '/r', idempotent: true, operation: 'x' })).toEqual({ ok: 1 });
  });
});

describe('secrets', () => {
  it('the Authorization value never appears in error message, JSON, cause, stack, mapError body or logs', async () => {
    const echo = function (this: { req: { headers: Record<string, string> } }) {
      return this.req.headers.authorization;
    };
    nock(BASE)
      .post('/a')
      .reply(401, function () {
        return { message: `bad credentials: ${echo.call(this)}`, echo: echo.call(this), authorization: echo.call(this) };
      })
      .post('/b')
      .reply(500, function () {
        return `<html><body><pre>Header was ${echo.call(this)}</pre></body></html>`;
      })
      .post('/c')
      .reply(422, function () {
        return { errors: { [`${SECRET}`]: [`value ${SECRET}`] } };
      });
    const logs: HttpLogEntry[] = [];
    const bodies: unknown[] = [];
    const c = client({
      retries: 0,
      logger: { http: (e) => logs.push(e) },
      mapError: (ctx) => {
        bodies.push(ctx.body);
        return undefined;
      },
    });
    const errors = [];
    for (const path of ['/a', '/b', '/c']) {
      errors.push(await rejection(c.request({ method: 'POST', path, json: { hello: 1 }, idempotent: true, operation: 'auth.check' })));
    }
    expect(errors.map((e) => e.constructor)).toEqual([AuthenticationError, ProviderUnavailableError, ValidationError]);
    // Proves the vendor really echoed the secret: the redaction is what hides it.
    expect(errors[0].message).toContain('bad credentials: [REDACTED]');
    for (const err of errors) {
      const views = [err.message, JSON.stringify(err), String(err.stack), JSON.stringify(err.cause), String(err.cause)];
      for (const view of views) expect(view).not.toContain(SECRET);
    }
    expect(JSON.stringify(bodies)).not.toContain(SECRET);
    expect(JSON.stringify(logs)).not.toContain(SECRET);
    expect(logs).toHaveLength(3);
  });
});
