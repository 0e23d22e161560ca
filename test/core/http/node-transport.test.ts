/**
 * The `node` transport (node:http), the default on Node.js: chosen when no `fetch` is given, the exact
 * request it writes (method, path, headers, body of every body kind), the answers it decodes, and
 * the limits it keeps. A real local server records what arrives; the policy tests that run over every
 * transport are in client/reliability/server.test.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NetworkError, ProviderResponseError, RateLimitError, ValidationError } from '../../../src/core/errors.js';
import { createHttpClient, type HttpClientOptions } from '../../../src/core/http/index.js';
import { nodeRequestsDuring } from '../../support/node-requests.js';

const SECRET = 'sk_test_node_transport_0123456789';

interface Arrived {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

let server: http.Server | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A local server whose every request is recorded, body included, before `answer` replies. */
async function serve(answer: (res: http.ServerResponse, arrived: Arrived) => void): Promise<{ baseUrl: string; arrived: Arrived[] }> {
  const arrived: Arrived[] = [];
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      arrived.push(entry);
      answer(res, entry);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrived };
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function client(baseUrl: string, options: Partial<HttpClientOptions> = {}) {
  return createHttpClient({ provider: 'acme', baseUrl, headers: { authorization: `Bearer ${SECRET}` }, retries: 0, ...options });
}

describe('which transport sends', () => {
  it('without `transport` or `fetch`: node:http, and fetch is never called', async () => {
    const { baseUrl } = await serve((res) => json(res, 200, { ok: true }));
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const { started } = await nodeRequestsDuring(() => client(baseUrl).request({ method: 'GET', path: '/v2/x', idempotent: true, operation: 'x.get' }));
    expect(started).toEqual([{ method: 'GET', path: '/v2/x' }]);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('a `fetch` option selects the fetch transport (node:http is not used)', async () => {
    const { baseUrl } = await serve((res) => json(res, 200, { ok: true }));
    const calls: string[] = [];
    const custom: typeof fetch = (input, init) => {
      calls.push(String(input));
      return fetch(input, init);
    };
    const { started } = await nodeRequestsDuring(() => client(baseUrl, { fetch: custom }).request({ method: 'GET', path: '/v2/x', idempotent: true, operation: 'x.get' }));
    expect(calls).toEqual([`${baseUrl}/v2/x`]);
    expect(started).toEqual([]);
  });

  it("transport 'node' with a `fetch` option is a ValidationError naming transport, at creation", () => {
    expect(() => client('http://127.0.0.1:1', { transport: 'node', fetch })).toThrow(ValidationError);
    try {
      client('http://127.0.0.1:1', { transport: 'node', fetch });
    } catch (err) {
      expect((err as ValidationError).field).toBe('transport');
      expect((err as Error).message).toContain("transport 'fetch'");
    }
  });
});

describe('the request node:http writes', () => {
  it('GET: method, path and query, accept and authorization, no body and no content-length; the mapped answer', async () => {
    const { baseUrl, arrived } = await serve((res) => json(res, 200, { id: 'r1' }));
    const out = await client(baseUrl).request({ method: 'GET', path: '/v2/rooms/r1', query: { limit: 2, q: 'a b' }, idempotent: true, operation: 'rooms.get' });
    expect(out).toEqual({ id: 'r1' });
    expect(arrived).toHaveLength(1);
    const [req] = arrived;
    expect(req?.method).toBe('GET');
    expect(req?.url).toBe('/v2/rooms/r1?limit=2&q=a%20b');
    expect(req?.headers).toMatchObject({ accept: 'application/json', authorization: `Bearer ${SECRET}` });
    expect(req?.headers['content-length']).toBeUndefined();
    expect(req?.headers['transfer-encoding']).toBeUndefined();
    expect(req?.body.byteLength).toBe(0);
  });

  it('JSON: the serialised body with content-type and its byte length (non-ASCII counted in bytes)', async () => {
    const { baseUrl, arrived } = await serve((res) => json(res, 201, { ok: true }));
    await client(baseUrl).request({ method: 'POST', path: '/v2/rooms', json: { id: 'é', n: 1 }, idempotent: false, operation: 'rooms.create' });
    const [req] = arrived;
    expect(req?.method).toBe('POST');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['content-length']).toBe(String(Buffer.byteLength('{"id":"é","n":1}')));
    expect(req?.body.toString()).toBe('{"id":"é","n":1}');
  });

  it.each([
    ['POST', '0'],
    ['PUT', '0'],
    ['PATCH', '0'],
    ['DELETE', undefined],
    ['GET', undefined],
  ] as const)('a body-less %s says content-length %s, as fetch does (never a chunked empty body)', async (method, length) => {
    const { baseUrl, arrived } = await serve((res) => json(res, 200, {}));
    await client(baseUrl).request({ method, path: '/v2/x/mark', idempotent: false, operation: 'x.mark' });
    expect(arrived[0]?.method).toBe(method);
    expect(arrived[0]?.headers['content-length']).toBe(length);
    expect(arrived[0]?.headers['transfer-encoding']).toBeUndefined();
  });

  const bodies: Array<[string, () => NonNullable<Parameters<ReturnType<typeof client>['request']>[0]['body']>, string, string | undefined]> = [
    ['Uint8Array', () => new Uint8Array([1, 2, 255]), '0102ff', undefined],
    ['ArrayBuffer', () => new Uint8Array([7, 8]).buffer, '0708', undefined],
    ['string', () => 'plain text', Buffer.from('plain text').toString('hex'), undefined],
    ['URLSearchParams', () => new URLSearchParams({ a: '1', b: 'x y' }), Buffer.from('a=1&b=x+y').toString('hex'), 'application/x-www-form-urlencoded;charset=UTF-8'],
    ['Blob', () => new Blob([new Uint8Array([9, 9])], { type: 'application/octet-stream' }), '0909', 'application/octet-stream'],
  ];
  it.each(bodies)('a %s body arrives byte for byte with its length (and the content type fetch would give it)', async (_kind, body, hex, type) => {
    const { baseUrl, arrived } = await serve((res) => json(res, 200, {}));
    await client(baseUrl).request({ method: 'PUT', path: '/v2/blob', body: body(), idempotent: true, operation: 'blob.put' });
    expect(arrived[0]?.body.toString('hex')).toBe(hex);
    expect(arrived[0]?.headers['content-length']).toBe(String(hex.length / 2));
    expect(arrived[0]?.headers['content-type']).toBe(type);
  });

  it('a caller content-type is kept over the one a body kind implies', async () => {
    const { baseUrl, arrived } = await serve((res) => json(res, 200, {}));
    await client(baseUrl).request({ method: 'PUT', path: '/v2/blob', body: new Blob(['x'], { type: 'text/plain' }), headers: { 'Content-Type': 'application/x-custom' }, idempotent: true, operation: 'blob.put' });
    expect(arrived[0]?.headers['content-type']).toBe('application/x-custom');
  });

  it('a stream body that fails mid-way ends the call with a NetworkError (never a hang), and nothing is retried', async () => {
    const { baseUrl, arrived } = await serve((res) => json(res, 200, {}));
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        pulls++;
        if (pulls === 1) c.enqueue(new TextEncoder().encode('part'));
        else c.error(new Error('the source broke'));
      },
    });
    const err = await client(baseUrl, { timeoutMs: 5000, retries: 2 })
      .request({ method: 'PUT', path: '/v2/upload', body: stream, idempotent: true, operation: 'upload' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as Error).message).toContain('the source broke');
    expect(arrived.length).toBeLessThanOrEqual(1);
  });

  it('a stream body is sent chunked, as it comes', async () => {
    const { baseUrl, arrived } = await serve((res) => json(res, 200, {}));
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('ab'));
        c.enqueue(new TextEncoder().encode('cd'));
        c.close();
      },
    });
    await client(baseUrl).request({ method: 'POST', path: '/v2/upload', body: stream, idempotent: false, operation: 'upload' });
    expect(arrived[0]?.body.toString()).toBe('abcd');
    expect(arrived[0]?.headers['transfer-encoding']).toBe('chunked');
  });
});

describe('the answers node:http reads', () => {
  const encoded: Array<[string, (b: Buffer) => Buffer]> = [
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ];
  it.each(encoded)('a %s-encoded body is decoded before it is parsed', async (coding, encode) => {
    const { baseUrl } = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': coding });
      res.end(encode(Buffer.from(JSON.stringify({ id: 'zipped' }))));
    });
    expect(await client(baseUrl).request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' })).toEqual({ id: 'zipped' });
  });

  it('a compressed body that decodes past maxResponseBytes is refused (a small gzip bomb), not retried', async () => {
    const bomb = gzipSync(Buffer.alloc(1024 * 1024, 0x20));
    const { baseUrl, arrived } = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(bomb);
    });
    expect(bomb.byteLength).toBeLessThan(64 * 1024);
    const err = await client(baseUrl, { maxResponseBytes: 64 * 1024, retries: 2 })
      .request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderResponseError);
    // Counted while decoding, not declared: the message says so.
    expect((err as Error).message).toContain(`passed ${64 * 1024} bytes, over the ${64 * 1024}-byte limit (maxResponseBytes)`);
    expect(arrived).toHaveLength(1);
  });

  it.each(['identity', 'constructor', 'zstd-unknown'])('content-encoding %s is read as it is (only gzip, deflate and br are decoded)', async (coding) => {
    const { baseUrl } = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': coding });
      res.end(JSON.stringify({ id: 'plain' }));
    });
    expect(await client(baseUrl).request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' })).toEqual({ id: 'plain' });
  });

  it('a body that arrives in several chunks is put together in order; identity coding is read as it is', async () => {
    const whole = JSON.stringify({ id: 'chunked', list: Array.from({ length: 50 }, (_, i) => `item-${i}`) });
    const { baseUrl } = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'identity' });
      const parts = [whole.slice(0, 10), whole.slice(10, 200), whole.slice(200)];
      const next = () => {
        const part = parts.shift();
        if (part === undefined) res.end();
        else {
          res.write(part);
          setTimeout(next, 15);
        }
      };
      next();
    });
    expect(await client(baseUrl).request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' })).toEqual(JSON.parse(whole));
  });

  it('an error answer reaches mapError with exactly its headers and its status text', async () => {
    const { baseUrl } = await serve((res) => {
      res.writeHead(418, 'Short And Stout', { 'content-type': 'application/json', 'x-one': '1' });
      res.end(JSON.stringify({ error: 'teapot' }));
    });
    const names: string[] = [];
    const err = await client(baseUrl, {
      mapError: (ctx) => {
        ctx.headers.forEach((_value, name) => names.push(name));
        return undefined;
      },
    })
      .request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' })
      .catch((e: unknown) => e);
    expect(names.filter((n) => !['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'].includes(n)).sort()).toEqual(['content-type', 'x-one']);
    expect((err as Error).message).toContain('Short And Stout');
  });

  it('repeated and multi-line headers reach mapError as fetch would give them, and Retry-After is honoured', async () => {
    const { baseUrl, arrived } = await serve((res, req) => {
      if (arrived.length === 1) {
        res.setHeader('x-thing', ['a', 'b']);
        json(res, 429, { error: 'slow down' }, { 'retry-after': '0', 'x-request-id': 'req_1' });
      } else json(res, 200, { after: req.url });
    });
    const seen: Array<string | null> = [];
    const c = client(baseUrl, {
      retries: 1,
      mapError: (ctx) => {
        seen.push(ctx.headers.get('x-thing'), ctx.headers.get('x-request-id'));
        return undefined;
      },
    });
    expect(await c.request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' })).toEqual({ after: '/r' });
    expect(seen).toEqual(['a, b', 'req_1']);
    expect(arrived).toHaveLength(2);
  });

  it('a 429 maps to RateLimitError with the request id, over node:http', async () => {
    const { baseUrl } = await serve((res) => json(res, 429, { error: 'slow' }, { 'retry-after': '3', 'x-request-id': 'req_9' }));
    const err = await client(baseUrl)
      .request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ status: 429, requestId: 'req_9', retryAfterMs: 3000 });
  });

  it('a connection closed mid-body is a NetworkError, never a hang', async () => {
    const { baseUrl } = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"partial":');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const err = await client(baseUrl, { timeoutMs: 5000 })
      .request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
  });

  it('responseType bytes gives a plain Uint8Array of the exact bytes', async () => {
    const { baseUrl } = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.from([0, 1, 2, 250]));
    });
    const out = await client(baseUrl).request({ method: 'GET', path: '/b', responseType: 'bytes', idempotent: true, operation: 'doc.get' });
    expect(Object.getPrototypeOf(out)).toBe(Uint8Array.prototype);
    expect([...(out as Uint8Array)]).toEqual([0, 1, 2, 250]);
  });
});
