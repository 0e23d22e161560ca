/**
 * createHttpClient's answers, one by one, through an in-process `fetch` (no sockets, no real time):
 * written against the survivors of `npm run mutation -- core-http` (see docs/mutation.md). Redirects,
 * status boundaries, body size limits (declared and counted), multi-chunk bodies, bad JSON, schema
 * errors, echoed credentials, header handling, the conflict recovery after an unknown outcome, network
 * error messages, mapError hooks and log entries.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConflictError, NetworkError, NotFoundError, ProviderResponseError, ProviderUnavailableError, ValidationError } from '../../../src/core/errors.js';
import type { HttpLogEntry } from '../../../src/core/logger.js';
import { createHttpClient, type HttpClientOptions } from '../../../src/core/http/index.js';

type Answer = Response | Error | (() => Response);
interface Call {
  url: string;
  init: RequestInit & { duplex?: string };
}

function fake(answers: Answer[]) {
  const calls: Call[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const next = answers.length > 1 ? answers.shift()! : answers[0]!;
    if (next instanceof Error) throw next;
    return typeof next === 'function' ? next() : next.clone();
  }) as unknown as typeof globalThis.fetch;
  return { calls, fetch };
}

function client(answers: Answer[], options: Partial<HttpClientOptions> = {}) {
  const f = fake(answers);
  const http = createHttpClient({ provider: 'acme', baseUrl: 'https://api.acme.test/', backoffMs: 1, maxBackoffMs: 2, fetch: f.fetch, ...options });
  return { ...f, http };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

async function rejection(promise: Promise<unknown>): Promise<any> {
  return promise.then(
    (v) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(v)}`);
    },
    (err: unknown) => err,
  );
}

function chunked(chunks: string[], headers: Record<string, string> = {}): () => Response {
  return () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
          controller.close();
        },
      }),
      { status: 200, headers },
    );
}

const GET = { method: 'GET' as const, path: 'things', idempotent: true, operation: 'things.get' };

describe('redirects are refused, naming only the host', () => {
  it('a 302 with a Location', async () => {
    const { http, calls } = client([new Response(null, { status: 302, headers: { location: 'https://evil.test/steal?tok=abc' } })]);
    const err = await rejection(http.request(GET));
    expect(err).toBeInstanceOf(ProviderResponseError);
    expect(err.message).toBe(
      'acme answered things.get with HTTP 302, a redirect to evil.test; redirects are never followed, so nothing was sent there and the call did not happen (check baseUrl)',
    );
    expect(err.status).toBe(302);
    expect(err.provider).toBe('acme');
    expect(err.operation).toBe('things.get');
    expect(err.retryable).toBe(false);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.init.redirect).toBe('manual');
    expect(calls[0]!.url).toBe('https://api.acme.test/things');
  });
  it('without a Location, with an unparsable one, and one without a host', async () => {
    for (const [headers, target] of [
      [{}, 'no Location'],
      [{ location: 'http://[' }, 'an unparsable Location'],
      [{ location: 'mailto:someone' }, 'an unparsable Location'],
      [{ location: '/relative/path' }, 'api.acme.test'],
    ] as const) {
      const { http } = client([new Response(null, { status: 307, headers })]);
      const err = await rejection(http.request(GET));
      expect(err.message).toContain(`HTTP 307, a redirect to ${target};`);
    }
  });
  it('300 and 399 are redirects, 299 a success, 400 an error', async () => {
    expect((await rejection(client([new Response(null, { status: 300 })]).http.request(GET))).message).toContain('a redirect to no Location');
    expect((await rejection(client([new Response(null, { status: 399 })]).http.request(GET))).message).toContain('a redirect to no Location');
    expect(await client([json({ ok: 1 }, 299)]).http.request(GET)).toEqual({ ok: 1 });
    expect(await rejection(client([json({}, 400)]).http.request(GET))).toBeInstanceOf(ValidationError);
  });
});

describe('body size limits', () => {
  it('refuses a declared Content-Length over the limit, accepts one at the limit', async () => {
    const body = JSON.stringify({ a: 'xxxx' });
    const big = () => new Response(body, { status: 200, headers: { 'content-length': String(body.length) } });
    const err = await rejection(client([big], { maxResponseBytes: body.length - 1 }).http.request(GET));
    expect(err).toBeInstanceOf(ProviderResponseError);
    expect(err.message).toBe(`acme answered things.get (HTTP 200) with a body that declares ${body.length} bytes, over the ${body.length - 1}-byte limit (maxResponseBytes); it was not read`);
    expect(err.retryable).toBe(false);
    expect(await client([big], { maxResponseBytes: body.length }).http.request(GET)).toEqual({ a: 'xxxx' });
  });
  it('counts an undeclared body while reading it', async () => {
    const parts = ['{"a":', '"bb"', ',"c":[1,2]}'];
    const total = parts.join('').length;
    const err = await rejection(client([chunked(parts)], { maxResponseBytes: total - 1 }).http.request(GET));
    expect(err.message).toContain(`with a body that passed ${total - 1} bytes, over the ${total - 1}-byte limit`);
    expect(await client([chunked(parts)], { maxResponseBytes: total }).http.request(GET)).toEqual({ a: 'bb', c: [1, 2] });
  });
  it('joins many chunks in order, and returns bytes as they came', async () => {
    const parts = ['{"list":[', '1,', '2,', '3', ']}'];
    expect(await client([chunked(parts)]).http.request(GET)).toEqual({ list: [1, 2, 3] });
    const bytes = await client([chunked(['ab', 'cd', 'ef'])]).http.request({ ...GET, responseType: 'bytes' });
    expect(new TextDecoder().decode(bytes as Uint8Array)).toBe('abcdef');
    const empty = await client([new Response(null, { status: 200 })]).http.request({ ...GET, responseType: 'bytes' });
    expect(empty).toBeInstanceOf(Uint8Array);
    expect((empty as Uint8Array).byteLength).toBe(0);
  });
});

describe('success bodies', () => {
  it('text, empty, no body with and without a schema', async () => {
    expect(await client([new Response('plain', { status: 200 })]).http.request({ ...GET, responseType: 'text' })).toBe('plain');
    expect(await client([new Response('ignored', { status: 200 })]).http.request({ ...GET, responseType: 'empty' })).toBeUndefined();
    expect(await client([new Response(null, { status: 204 })]).http.request(GET)).toBeUndefined();
    expect(await client([new Response(null, { status: 204 })]).http.request({ ...GET, schema: z.undefined() })).toBeUndefined();
    expect(await rejection(client([new Response(null, { status: 204 })]).http.request({ ...GET, schema: z.object({ a: z.string() }) }))).toBeInstanceOf(ProviderResponseError);
  });
  it('bad JSON: not retried, and the cause keeps only its kind', async () => {
    const { http, calls } = client([new Response('{"a": "secret-ish', { status: 200 })]);
    const err = await rejection(http.request(GET));
    expect(err.message).toBe('acme answered things.get (HTTP 200) with a body that is not valid JSON');
    expect(err.cause.name).toBe('SyntaxError');
    expect(err.cause.message).toBe('Invalid JSON');
    expect(calls).toHaveLength(1);
  });
  it('a schema mismatch names the first field and lists issues without their input', async () => {
    const schema = z.object({ a: z.object({ b: z.string() }), c: z.number() });
    const err = await rejection(client([json({ a: { b: 5 }, c: 'x' })]).http.request({ ...GET, schema }));
    expect(err).toBeInstanceOf(ProviderResponseError);
    expect(err.message).toMatch(/^acme answered things\.get with an unexpected shape: field "a\.b": .+/);
    expect(err.path).toBe('a.b');
    expect(err.cause.issues).toHaveLength(2);
    expect(err.cause.issues[0]).toStrictEqual({ path: 'a.b', code: 'invalid_type', message: expect.any(String) });
    expect(err.cause.issues[1].path).toBe('c');
    const root = await rejection(client([json('str')]).http.request({ ...GET, schema }));
    expect(root.message).toContain('field "(root)"');
    expect(root.path).toBe('(root)');
  });
});

describe('credentials', () => {
  it('returns a body that echoes a credential redacted, and one that does not as it is', async () => {
    const headers = { Authorization: 'Token echo-cred-778899', 'X-Trace': 'harmless-trace-value' };
    const echoed = await client([json({ id: 'a', got: 'echo-cred-778899', token: 'plain' })], { headers }).http.request(GET);
    expect(echoed).toEqual({ id: 'a', got: '[REDACTED]', token: '[REDACTED]' });
    const escaped = await client([new Response('{"got":"echo-cred-77889\\u0039","token":"plain"}', { status: 200 })], { headers }).http.request(GET);
    expect(escaped).toEqual({ got: '[REDACTED]', token: '[REDACTED]' });
    const clean = await client([new Response('{"got":"line\\nbreak","token":"plain","trace":"harmless-trace-value"}', { status: 200 })], { headers }).http.request(GET);
    expect(clean).toEqual({ got: 'line\nbreak', token: 'plain', trace: 'harmless-trace-value' });
    const noSecrets = await client([json({ token: 'plain' })]).http.request(GET);
    expect(noSecrets).toEqual({ token: 'plain' });
  });
  it('registers the credential after a 6-character scheme part, and echoedSecrets', async () => {
    const headers = { authorization: 'Key abc123' };
    expect(await client([json({ v: 'abc123' })], { headers }).http.request(GET)).toEqual({ v: '[REDACTED]' });
    expect(await client([json({ v: 'extra-echo-secret-1' })], { echoedSecrets: ['extra-echo-secret-1'] }).http.request(GET)).toEqual({ v: '[REDACTED]' });
  });
});

describe('headers and request shape', () => {
  it('lower-cases header names, adds accept and, for JSON, content-type', async () => {
    const { http, calls } = client([json({})], { headers: { 'X-Custom': 'v1' } });
    await http.request({ ...GET, method: 'POST', json: { a: 1 }, headers: { 'X-Extra': 'v2' } });
    expect(calls[0]!.init.headers).toStrictEqual({ 'content-type': 'application/json', accept: 'application/json', 'x-custom': 'v1', 'x-extra': 'v2' });
    expect(calls[0]!.init.body).toBe('{"a":1}');
    await http.request(GET);
    expect(calls[1]!.init.headers).toStrictEqual({ accept: 'application/json', 'x-custom': 'v1' });
    expect(calls[1]!.url).toBe('https://api.acme.test/things');
  });
  it('refuses json with body, and a signal that is not an AbortSignal', async () => {
    const { http, calls } = client([json({})]);
    const both = await rejection(http.request({ ...GET, json: {}, body: 'x' }));
    expect(both).toBeInstanceOf(ValidationError);
    expect(both.field).toBe('request');
    expect(both.message).toContain('`json` and `body` are exclusive');
    const bad = await rejection(http.request({ ...GET, signal: {} as AbortSignal }));
    expect(bad.field).toBe('options.signal');
    expect(bad.message).toContain('must be an AbortSignal');
    expect(calls).toHaveLength(0);
  });
  it('sends a stream body half-duplex and never retries it', async () => {
    const { http, calls } = client([new Response('', { status: 503 })], { retries: 2 });
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array([1]));
        c.close();
      },
    });
    await rejection(http.request({ ...GET, method: 'PUT', body }));
    expect(calls).toHaveLength(1);
    expect(calls[0]!.init.duplex).toBe('half');
  });
  it('a negative retries is none', async () => {
    const { http, calls } = client([new Response('', { status: 503 })], { retries: -3 });
    await rejection(http.request(GET));
    expect(calls).toHaveLength(1);
  });
  it('reads the request id from the configured headers, case-insensitively', async () => {
    const err = await rejection(client([json({}, 404, { 'X-Req-Id': 'rid-1' })], { requestIdHeaders: ['X-Req-Id'] }).http.request(GET));
    expect(err.requestId).toBe('rid-1');
  });
});

describe('retries, conflict recovery and outcomes', () => {
  it('recovers a 409 only after an attempt whose outcome was unknown (5xx or network)', async () => {
    const recoverConflict = async () => 'recovered';
    expect(await client([new Response('', { status: 500 }), json({}, 409)]).http.request({ ...GET, recoverConflict })).toBe('recovered');
    expect(await client([new TypeError('fetch failed'), json({}, 409)]).http.request({ ...GET, recoverConflict })).toBe('recovered');
    expect(await rejection(client([json({}, 409)]).http.request({ ...GET, recoverConflict }))).toBeInstanceOf(ConflictError);
    expect(await rejection(client([json({}, 429), json({}, 409)]).http.request({ ...GET, recoverConflict }))).toBeInstanceOf(ConflictError);
    expect(await rejection(client([new Response('', { status: 500 }), json({}, 409)]).http.request(GET))).toBeInstanceOf(ConflictError);
    expect(await rejection(client([new Response('', { status: 500 }), json({}, 404)]).http.request({ ...GET, recoverConflict }))).toBeInstanceOf(NotFoundError);
  });
  it('retries a network error of an idempotent call and names its cause', async () => {
    const reset = new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    const { http, calls } = client([reset], { retries: 1 });
    const err = await rejection(http.request(GET));
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.message).toBe('acme things.get: network error (ECONNRESET)');
    expect(err.cause.message).toBe('socket hang up');
    expect(err.cause.code).toBe('ECONNRESET');
    expect(err.provider).toBe('acme');
    expect(err.operation).toBe('things.get');
    expect(calls).toHaveLength(2);
    const plain = await rejection(client([new Error('boom')], { retries: 0 }).http.request(GET));
    expect(plain.message).toBe('acme things.get: network error (boom)');
    const odd = await rejection(client([Object.assign(new Error('x'), { code: 42 })], { retries: 0 }).http.request(GET));
    expect(odd.message).toBe('acme things.get: network error (x)');
  });
  it("follows the mapError hook's retryable, fills its context, and falls back when it throws", async () => {
    const mapped = client([new Response('', { status: 503, headers: { 'x-request-id': 'r-9' } })], {
      retries: 2,
      mapError: () => new NotFoundError('gone'),
    });
    const err = await rejection(mapped.http.request(GET));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(mapped.calls).toHaveLength(1);
    expect([err.provider, err.operation, err.status, err.requestId]).toEqual(['acme', 'things.get', 503, 'r-9']);
    const thrown = await rejection(client([json({}, 404)], { mapError: () => { throw new ConflictError('thrown'); } }).http.request(GET));
    expect(thrown).toBeInstanceOf(ConflictError);
    const buggy = await rejection(client([json({}, 404)], { mapError: () => { throw new Error('bug'); } }).http.request(GET));
    expect(buggy).toBeInstanceOf(NotFoundError);
    const none = await rejection(client([json({}, 500)], { retries: 0, mapError: () => undefined }).http.request(GET));
    expect(none).toBeInstanceOf(ProviderUnavailableError);
  });
  it('parses an error body that starts with whitespace, and keeps a broken one as text', async () => {
    const spaced = await rejection(client([new Response('\n {"message":"spaced out"}', { status: 404 })]).http.request(GET));
    expect(spaced.message).toMatch(/: spaced out$/);
    const broken = await rejection(client([new Response('{oops', { status: 404 })]).http.request(GET));
    expect(broken.message).toMatch(/: \{oops$/);
    const list = await rejection(client([new Response(' [{"message":"in a list"}]', { status: 404 })]).http.request(GET));
    expect(list.message).not.toContain('in a list');
  });
});

describe('log entries', () => {
  it('one per attempt, with status, error code, request id and a sane duration', async () => {
    const entries: HttpLogEntry[] = [];
    const { http } = client([new Response('', { status: 503, headers: { 'x-request-id': 'req-1' } }), json({ ok: true })], {
      retries: 1,
      logger: { http: (e) => entries.push(e) },
    });
    await http.request(GET);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ provider: 'acme', operation: 'things.get', method: 'GET', path: '/things', attempt: 1, status: 503, requestId: 'req-1', error: 'provider_unavailable' });
    expect(entries[1]).toMatchObject({ attempt: 2, status: 200 });
    expect('error' in entries[1]!).toBe(false);
    expect('requestId' in entries[1]!).toBe(false);
    for (const e of entries) {
      expect(e.ms).toBeGreaterThanOrEqual(0);
      expect(e.ms).toBeLessThan(5_000);
      expect(Math.round(e.ms * 10)).toBeCloseTo(e.ms * 10, 6);
    }
    const failing = client([new TypeError('fetch failed')], { retries: 0, logger: { http: (e) => entries.push(e) } });
    await rejection(failing.http.request(GET));
    expect(entries[2]).toMatchObject({ attempt: 1, error: 'network_error' });
    expect('status' in entries[2]!).toBe(false);
  });
});
