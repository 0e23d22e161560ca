/**
 * The HTTP client's reliability policy against real local servers: redirects refused, timed-out
 * attempts cancelled (the server sees its connection close), bodies capped, `Retry-After` waited in
 * full or failed fast, lost answers to creates recovered, echoed credentials redacted.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AbortedError,
  CollabError,
  ConflictError,
  NetworkError,
  ProviderResponseError,
  RateLimitError,
  TimeoutError,
  ValidationError,
} from '../../../src/core/errors.js';
import { createHttpClient, type HttpClientOptions } from '../../../src/core/http/index.js';

const SECRET = 'sk_test_reliability_0123456789';

interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

interface TestServer {
  baseUrl: string;
  requests: Recorded[];
  /** Resolves when the connection of the n-th request (1-based) is closed. */
  closed(n: number): Promise<void>;
  close(): Promise<void>;
}

const servers: TestServer[] = [];

async function startServer(handler: (req: http.IncomingMessage, res: http.ServerResponse, hit: number) => void): Promise<TestServer> {
  const server = http.createServer();
  const closes: Array<Promise<void>> = [];
  const state: TestServer = {
    baseUrl: '',
    requests: [],
    closed: (n) => closes[n - 1] ?? Promise.reject(new Error(`no request ${n}`)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on('request', (req, res) => {
    state.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    closes.push(new Promise<void>((resolve) => req.socket.once('close', () => resolve())));
    handler(req, res, state.requests.length);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  servers.push(state);
  return state;
}

afterEach(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function client(baseUrl: string, options: Partial<HttpClientOptions> = {}) {
  return createHttpClient({ provider: 'acme', baseUrl, headers: { authorization: `Bearer ${SECRET}` }, backoffMs: 1, ...options });
}

async function rejection(promise: Promise<unknown>): Promise<any> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (err: unknown) => err,
  );
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Resolves with true when `promise` settles within `ms`, false otherwise. */
function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);
}


/**
 * A reset as a socket reports it: an Error with a code. (nock's `replyWithError` with a plain object
 * rejects a fetch but never reaches a `node:http` request, whose 'error' event it does not emit.)
 */
function connectionReset(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

describe.each(['node', 'fetch', 'ky'] as const)('redirects are never followed (%s transport)', (transport) => {
  it.each([301, 302, 303, 307, 308])('HTTP %i to another host: ProviderResponseError naming the host, nothing sent there, not retried', async (status) => {
    const elsewhere = await startServer((_req, res) => json(res, 200, { id: 'other-room' }));
    const vendor = await startServer((_req, res) => {
      res.writeHead(status, { location: `${elsewhere.baseUrl}/v2/rooms?token=${SECRET}&sig=abc` });
      res.end();
    });
    for (const method of ['GET', 'POST'] as const) {
      const err = await rejection(
        client(vendor.baseUrl, { transport, retries: 3 }).request({
          method,
          path: '/v2/rooms',
          ...(method === 'POST' ? { json: { id: 'r1' } } : {}),
          idempotent: true,
          operation: 'rooms.create',
        }),
      );
      expect(err).toBeInstanceOf(ProviderResponseError);
      expect(err.status).toBe(status);
      expect(err.message).toContain(new URL(elsewhere.baseUrl).host);
      expect(err.message).toContain('redirect');
      expect(err.message).not.toContain('token=');
      expect(err.message).not.toContain('sig=');
      expect(JSON.stringify(err)).not.toContain(SECRET);
    }
    expect(elsewhere.requests).toEqual([]);
    expect(vendor.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
  });

  it('a relative Location names the vendor host itself and is not followed either', async () => {
    const vendor = await startServer((req, res, hit) => {
      if (hit === 1) {
        res.writeHead(302, { location: '/elsewhere' });
        res.end();
      } else json(res, 200, { ok: true });
    });
    const err = await rejection(client(vendor.baseUrl, { transport }).request({ method: 'POST', path: '/v2/x', json: {}, idempotent: false, operation: 'events.broadcast' }));
    expect(err).toBeInstanceOf(ProviderResponseError);
    expect(err.message).toContain(new URL(vendor.baseUrl).host);
    expect(vendor.requests).toHaveLength(1);
  });
});

describe.each(['node', 'fetch', 'ky'] as const)('timed-out attempts are cancelled, not abandoned (%s transport)', (transport) => {
  for (const withSignal of [false, true]) {
    it(`a body that drips past the timeout: TimeoutError, and the server sees each connection close${withSignal ? ' (caller signal)' : ''}`, async () => {
      const timers: NodeJS.Timeout[] = [];
      const server = await startServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"a":"');
        timers.push(setInterval(() => res.write('x'), 50));
      });
      const signal = withSignal ? new AbortController().signal : undefined;
      const started = performance.now();
      const err = await rejection(
        client(server.baseUrl, { transport, timeoutMs: 300, deadlineMs: 5000, retries: 1 }).request({
          method: 'GET',
          path: '/r',
          idempotent: true,
          operation: 'rooms.get',
          ...(signal ? { signal } : {}),
        }),
      );
      expect(err).toBeInstanceOf(TimeoutError);
      expect(performance.now() - started).toBeLessThan(4000);
      expect(server.requests).toHaveLength(2);
      // Both connections closed by the client soon after their attempt timed out, not left downloading.
      expect(await settlesWithin(Promise.all([server.closed(1), server.closed(2)]), 2000)).toBe(true);
      for (const t of timers) clearInterval(t);
    });
  }

  it('headers that arrive after the timeout: the late response is cancelled on arrival', async () => {
    let sendHeaders: (() => void) | undefined;
    const timers: NodeJS.Timeout[] = [];
    const server = await startServer((_req, res) => {
      sendHeaders = () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"a":"');
        timers.push(setInterval(() => res.write('x'), 50));
      };
    });
    const err = await rejection(
      client(server.baseUrl, { transport, timeoutMs: 200, deadlineMs: 5000, retries: 0 }).request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' }),
    );
    expect(err).toBeInstanceOf(TimeoutError);
    sendHeaders?.();
    expect(await settlesWithin(server.closed(1), 2000)).toBe(true);
    for (const t of timers) clearInterval(t);
  });
});

describe.each(['node', 'fetch', 'ky'] as const)('the overall deadline holds (%s transport)', (transport) => {
  const DEADLINE = 1200;
  const cases = {
    'no headers ever': (_req: http.IncomingMessage, _res: http.ServerResponse) => undefined,
    'a body that drips forever': (_req: http.IncomingMessage, res: http.ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"a":"');
      const t = setInterval(() => res.write('x'), 50);
      res.on('close', () => clearInterval(t));
    },
    '503 then hang': (_req: http.IncomingMessage, res: http.ServerResponse, hit?: number) => (hit === 1 ? json(res, 503, {}) : undefined),
  };
  for (const [name, handler] of Object.entries(cases)) {
    for (const withSignal of [false, true]) {
      it(`${name}${withSignal ? ' (caller signal)' : ''}: TimeoutError within the deadline (generous bound)`, async () => {
        const server = await startServer((req, res, hit) => handler(req, res, hit));
        const started = performance.now();
        const err = await rejection(
          client(server.baseUrl, { transport, timeoutMs: 700, deadlineMs: DEADLINE, retries: 5, backoffMs: 50 }).request({
            method: 'GET',
            path: '/r',
            idempotent: true,
            operation: 'rooms.get',
            ...(withSignal ? { signal: new AbortController().signal } : {}),
          }),
        );
        expect(err).toBeInstanceOf(TimeoutError);
        expect(performance.now() - started).toBeLessThan(DEADLINE + 600);
      });
    }
  }
});

describe('a stopped attempt ends even when the transport does not pass the abort on to a body being read', () => {
  /**
   * A fetch whose body drips forever and ignores the request's signal once the response is out: the
   * client must still end the attempt (and cancel the body) by itself, with and without a caller signal.
   */
  function deafFetch() {
    const state = { cancelled: 0, timers: [] as ReturnType<typeof setInterval>[] };
    const fetch = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"a":"'));
            state.timers.push(setInterval(() => controller.enqueue(new TextEncoder().encode('x')), 20));
          },
          cancel() {
            state.cancelled++;
            for (const t of state.timers) clearInterval(t);
          },
        }),
        { status: 200, headers: { 'content-type': 'application/json' } },
      );
    return { fetch: fetch as unknown as typeof globalThis.fetch, state };
  }

  for (const withSignal of [false, true]) {
    it(`times out${withSignal ? ' (caller signal)' : ''}, and cancels the body`, async () => {
      const { fetch, state } = deafFetch();
      const started = performance.now();
      const err = await rejection(
        client('https://deaf.invalid', { fetch, timeoutMs: 150, deadlineMs: 2000, retries: 0 }).request({
          method: 'GET',
          path: '/r',
          idempotent: true,
          operation: 'rooms.get',
          ...(withSignal ? { signal: new AbortController().signal } : {}),
        }),
      );
      for (const t of state.timers) clearInterval(t);
      expect(err).toBeInstanceOf(TimeoutError);
      // The attempt's own abort reason (a DOMException, redacted into the error's cause) is the cause.
      expect(err.cause).toMatchObject({ name: 'TimeoutError', message: 'The attempt timed out' });
      expect(performance.now() - started).toBeLessThan(1500);
      expect(state.cancelled).toBe(1);
    });
  }

  it('a caller abort mid-body rejects with AbortedError, and cancels the body', async () => {
    const { fetch, state } = deafFetch();
    const caller = new AbortController();
    setTimeout(() => caller.abort(new Error('user went away')), 100);
    const err = await rejection(
      client('https://deaf.invalid', { fetch, timeoutMs: 5000, deadlineMs: 10_000 }).request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get', signal: caller.signal }),
    );
    for (const t of state.timers) clearInterval(t);
    expect(err).toBeInstanceOf(AbortedError);
    expect(state.cancelled).toBe(1);
  });
});

describe.each(['node', 'fetch', 'ky'] as const)('response bodies are capped (%s transport)', (transport) => {
  it('a declared Content-Length over maxResponseBytes fails at once, unread', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024) });
      res.write('{"a":"');
      // Never finishes: only the declared size can end this call quickly.
    });
    const err = await rejection(
      client(server.baseUrl, { transport, maxResponseBytes: 1024 * 1024, timeoutMs: 5000 }).request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' }),
    );
    expect(err).toBeInstanceOf(ProviderResponseError);
    expect(err.message).toMatch(/maxResponseBytes/);
    expect(err.message).toContain(String(50 * 1024 * 1024));
    expect(server.requests).toHaveLength(1);
    expect(await settlesWithin(server.closed(1), 2000)).toBe(true);
  });

  it('a chunked body that passes maxResponseBytes is cut off there, and not retried', async () => {
    let written = 0;
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = 'x'.repeat(64 * 1024);
      const pump = () => {
        while (written < 64 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('error', () => undefined);
      pump();
    });
    const err = await rejection(
      client(server.baseUrl, { transport, maxResponseBytes: 512 * 1024, retries: 2 }).request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' }),
    );
    expect(err).toBeInstanceOf(ProviderResponseError);
    expect(err.message).toContain('524288');
    expect(server.requests).toHaveLength(1);
    expect(await settlesWithin(server.closed(1), 2000)).toBe(true);
    // The server stopped well short of the 64 MiB it meant to send.
    expect(written).toBeLessThan(32 * 1024 * 1024);
  });

  it('a body exactly at the cap is read', async () => {
    const body = JSON.stringify({ a: 'y'.repeat(1000) });
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    const out = await client(server.baseUrl, { transport, maxResponseBytes: Buffer.byteLength(body) }).request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' });
    expect(out).toEqual(JSON.parse(body));
  });
});

describe('Retry-After', () => {
  it('a hint above maxBackoffMs is waited in full when it fits the deadline', async () => {
    const server = await startServer((_req, res, hit) => (hit === 1 ? json(res, 429, { error: 'slow down' }, { 'retry-after': '1' }) : json(res, 200, { ok: true })));
    const started = performance.now();
    const out = await client(server.baseUrl, { maxBackoffMs: 50, deadlineMs: 10_000 }).request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' });
    expect(out).toEqual({ ok: true });
    // Cut to maxBackoffMs (50 ms), the retry would come far earlier than the server asked.
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.requests).toHaveLength(2);
  });

  it('a hint past the deadline fails at once with RateLimitError carrying it', async () => {
    const server = await startServer((_req, res) => json(res, 429, { error: 'slow down' }, { 'retry-after': '30' }));
    const started = performance.now();
    const err = await rejection(client(server.baseUrl, { deadlineMs: 5_000 }).request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' }));
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.retryAfterMs).toBe(30_000);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(server.requests).toHaveLength(1);
  });
});

describe('a create whose answer was lost', () => {
  const BASE = 'https://vendor.test';
  const create = (recover: () => Promise<unknown>) =>
    client(BASE, { retries: 2 }).request({ method: 'POST', path: '/rooms', json: { id: 'r1' }, idempotent: true, operation: 'rooms.create', recoverConflict: recover });

  it('is recovered: a 409 on the retry after a reset answers with the fetched object', async () => {
    nock.disableNetConnect();
    nock(BASE).post('/rooms').replyWithError(connectionReset()).post('/rooms').reply(409, { error: 'ROOM_ALREADY_EXISTS' });
    let recovered = 0;
    const out = await create(async () => {
      recovered++;
      return { id: 'r1', fetched: true };
    });
    expect(out).toEqual({ id: 'r1', fetched: true });
    expect(recovered).toBe(1);
  });

  it('is recovered after a 5xx too (the gateway may have passed the request on)', async () => {
    nock.disableNetConnect();
    nock(BASE).post('/rooms').reply(502, 'bad gateway').post('/rooms').reply(409, { error: 'ROOM_ALREADY_EXISTS' });
    expect(await create(async () => 'fetched')).toBe('fetched');
  });

  it('a 409 on the first attempt is a real conflict', async () => {
    nock.disableNetConnect();
    nock(BASE).post('/rooms').reply(409, { error: 'ROOM_ALREADY_EXISTS' });
    let recovered = 0;
    const err = await rejection(create(async () => recovered++));
    expect(err).toBeInstanceOf(ConflictError);
    expect(recovered).toBe(0);
  });

  it('a 409 after only 429s is a real conflict too (a rate-limited attempt was not applied)', async () => {
    nock.disableNetConnect();
    nock(BASE).post('/rooms').reply(429, {}, { 'retry-after': '0' }).post('/rooms').reply(409, { error: 'ROOM_ALREADY_EXISTS' });
    const err = await rejection(create(async () => 'fetched'));
    expect(err).toBeInstanceOf(ConflictError);
  });

  it('a write without a client id is not retried after a reset: NetworkError after one request', async () => {
    nock.disableNetConnect();
    const scope = nock(BASE).post('/threads').replyWithError(connectionReset());
    const err = await rejection(client(BASE).request({ method: 'POST', path: '/threads', json: {}, idempotent: false, operation: 'threads.create' }));
    expect(err).toBeInstanceOf(NetworkError);
    expect(scope.isDone()).toBe(true);
  });
});

describe('caller input to the client', () => {
  it('a signal that is not an AbortSignal is a ValidationError naming options.signal, before any request', async () => {
    const server = await startServer((_req, res) => json(res, 200, {}));
    const err = await rejection(client(server.baseUrl).request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get', signal: 'nope' as never }));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.field).toBe('options.signal');
    expect(server.requests).toHaveLength(0);
  });

  it('an aborted signal is AbortedError on every path (before, during, between attempts)', async () => {
    const server = await startServer((_req, res, hit) => (hit === 1 ? json(res, 503, {}) : undefined));
    const pre = await rejection(client(server.baseUrl).request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get', signal: AbortSignal.abort() }));
    expect(pre).toBeInstanceOf(AbortedError);
    expect(CollabError.is(pre)).toBe(true);
    expect(pre.retryable).toBe(false);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const during = await rejection(client(server.baseUrl, { backoffMs: 20 }).request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get', signal: controller.signal }));
    expect(during).toBeInstanceOf(AbortedError);
    expect(during.operation).toBe('rooms.get');
  });
});

describe('credentials echoed in a 2xx body', () => {
  it('are redacted from the parsed result, without any opt-in', async () => {
    const server = await startServer((_req, res) => json(res, 200, { id: 'r1', note: `your key is ${SECRET}`, nested: [{ key: SECRET }] }));
    const out = (await client(server.baseUrl).request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' })) as Record<string, unknown>;
    expect(JSON.stringify(out)).not.toContain(SECRET);
    expect(out.id).toBe('r1');
  });

  it('are found even when the JSON spells them with escapes', async () => {
    const escaped = SECRET.replace('s', '\\u0073');
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"id":"r1","echo":"${escaped}"}`);
    });
    const out = await client(server.baseUrl).request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' });
    expect(JSON.stringify(out)).not.toContain(SECRET);
  });
});
