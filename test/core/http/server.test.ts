/**
 * Faults nock cannot reproduce faithfully (reset sockets, hung servers, stalled bodies, connection
 * reuse) against a real `node:http` server on 127.0.0.1.
 *
 * Real sockets mean real time, so every assertion here must hold on a loaded machine: times are only
 * bounded from below (a timer never fires early) or by a generous ceiling, attempt counts are read from
 * the client's log and bounded by what the deadline allows, and events are ordered by the events
 * themselves (an abort sent when the server has the request, a late answer sent when the client has
 * timed out) rather than by sleeps. The exact schedule is pinned with fake timers in retry-policy.test.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortedError, NetworkError, NotFoundError, TimeoutError } from '../../../src/core/errors.js';
import type { HttpLogEntry } from '../../../src/core/logger.js';
import { createHttpClient, type HttpClientOptions } from '../../../src/core/http/index.js';

interface TestServer {
  baseUrl: string;
  /** Requests that reached the handler. */
  hits: number;
  /** TCP connections accepted. */
  connections: number;
  close(): Promise<void>;
}

const servers: TestServer[] = [];

async function startServer(handler: (req: http.IncomingMessage, res: http.ServerResponse, hit: number) => void): Promise<TestServer> {
  const server = http.createServer();
  const state: TestServer = {
    baseUrl: '',
    hits: 0,
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on('connection', () => state.connections++);
  server.on('request', (req, res) => {
    state.hits++;
    handler(req, res, state.hits);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  servers.push(state);
  return state;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function client(server: { baseUrl: string }, options: Partial<HttpClientOptions> = {}) {
  return createHttpClient({ provider: 'acme', baseUrl: server.baseUrl, headers: { authorization: 'Bearer sk_test_abcdefgh' }, backoffMs: 1, ...options });
}

async function rejection(promise: Promise<unknown>): Promise<any> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (err: unknown) => err,
  );
}

function json(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Never answers: the request hangs until the client gives up (the socket is closed in afterEach). */
const hang = () => undefined;

describe('network errors', () => {
  it('a reset connection is a NetworkError, retried when idempotent', async () => {
    const server = await startServer((req, res, hit) => (hit === 1 ? req.socket.destroy() : json(res, 200, { ok: true })));
    const out = await client(server).request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' });
    expect(out).toEqual({ ok: true });
    expect(server.hits).toBe(2);
  });

  it('a reset connection on a non-idempotent call fails with a NetworkError after one request', async () => {
    const server = await startServer((req) => req.socket.destroy());
    const err = await rejection(client(server, { retries: 3 }).request({ method: 'POST', path: '/r', json: {}, idempotent: false, operation: 'rooms.create' }));
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).toMatchObject({ provider: 'acme', operation: 'rooms.create', retryable: true });
    expect(server.hits).toBe(1);
  });

  it('a refused connection is a NetworkError naming ECONNREFUSED', async () => {
    const server = await startServer(hang);
    await server.close();
    const err = await rejection(client(server, { retries: 0 }).request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' }));
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.message).toContain('ECONNREFUSED');
    expect((err.cause as { code?: string }).code).toBe('ECONNREFUSED');
  });
});

describe('timeouts', () => {
  it('a hung attempt is a TimeoutError after timeoutMs', async () => {
    const server = await startServer(hang);
    const t0 = performance.now();
    const err = await rejection(client(server, { timeoutMs: 150, retries: 0 }).request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' }));
    const elapsed = performance.now() - t0;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toContain('150 ms');
    expect(elapsed).toBeGreaterThanOrEqual(120);
  });

  it('a timed-out attempt is retried when idempotent', async () => {
    const server = await startServer((_req, res, hit) => (hit === 1 ? undefined : json(res, 200, { hit })));
    const entries: HttpLogEntry[] = [];
    // Retries to spare: on a loaded machine an answered attempt may time out too, and is then retried as well.
    const c = client(server, { timeoutMs: 150, retries: 5, logger: { http: (e) => entries.push(e) } });
    const out = (await c.request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' })) as { hit: number };
    const attempts = entries.map((e) => [e.attempt, e.status, e.error]);
    // The first attempt hung and timed out; the last one was answered; any in between timed out.
    expect(attempts[0]).toEqual([1, undefined, 'timeout']);
    expect(attempts.at(-1)).toEqual([entries.length, 200, undefined]);
    expect(attempts.slice(0, -1)).toEqual(attempts.slice(0, -1).map((_, i) => [i + 1, undefined, 'timeout']));
    expect(entries.length).toBeGreaterThanOrEqual(2);
    // The answer is the last attempt's, and each attempt reached the server once.
    expect(out).toEqual({ hit: entries.length });
    expect(server.hits).toBe(entries.length);
    expect(entries[0]!.ms).toBeGreaterThanOrEqual(140);
  });

  it('a body that stalls after the headers still times out', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    });
    const err = await rejection(client(server, { timeoutMs: 150, retries: 0 }).request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' }));
    expect(err).toBeInstanceOf(TimeoutError);
  });

  it('the overall deadline bounds all attempts and waits', async () => {
    const server = await startServer(hang);
    const entries: HttpLogEntry[] = [];
    const t0 = performance.now();
    const err = await rejection(
      client(server, { timeoutMs: 150, deadlineMs: 400, retries: 10, logger: { http: (e) => entries.push(e) } }).request({
        method: 'GET',
        path: '/r',
        idempotent: true,
        operation: 'rooms.get',
      }),
    );
    const elapsed = performance.now() - t0;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toContain('400 ms deadline');
    // Timers never fire early (1 ms of clock rounding aside); under load they only fire later.
    expect(elapsed).toBeGreaterThanOrEqual(395);
    // Each attempt lasts its full timeout, so 150 + 150 + (the 100 ms left) allows three attempts at
    // most, far fewer than retries + 1 (a slow machine makes fewer, never more). Every attempt timed out.
    expect(entries.length).toBeGreaterThanOrEqual(1);
    expect(entries.length).toBeLessThanOrEqual(3);
    expect(entries.every((e) => e.error === 'timeout' && e.status === undefined)).toBe(true);
    expect(server.hits).toBeLessThanOrEqual(entries.length);
  });
});

describe('caller abort', () => {
  it('an abort mid-request rejects promptly with AbortedError (cause: the signal reason) and is not retried', async () => {
    const controller = new AbortController();
    // Aborted once the server holds the request, which then hangs: the abort is surely mid-request.
    const server = await startServer(() => controller.abort());
    const err = await rejection(
      client(server, { retries: 3 }).request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get', signal: controller.signal }),
    );
    expect(err).toBeInstanceOf(AbortedError);
    expect((err as AbortedError).code).toBe('aborted');
    expect((err as Error).cause).toBe(controller.signal.reason);
    expect(((err as Error).cause as Error).name).toBe('AbortError');
    expect(server.hits).toBe(1);
  });

  it('an abort during a retry wait rejects promptly with the caller reason', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(429, { 'retry-after': '5' });
      res.end();
    });
    const controller = new AbortController();
    const reason = new Error('navigated away');
    let abortedAt = 0;
    // The first attempt's log entry comes just before the 5 s wait starts: abort a moment into it.
    const logger = {
      http: () =>
        setTimeout(() => {
          abortedAt = performance.now();
          controller.abort(reason);
        }, 20),
    };
    const t0 = performance.now();
    const err = await rejection(client(server, { logger }).request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get', signal: controller.signal }));
    expect(err).toBeInstanceOf(AbortedError);
    expect((err as Error).cause).toBe(reason);
    expect(server.hits).toBe(1);
    // Rejected on the abort, not at the end of the wait (a ceiling far above any scheduling delay).
    expect(abortedAt).toBeGreaterThan(t0);
    expect(performance.now() - t0).toBeLessThan(4000);
  });
});

describe('keep-alive', () => {
  it('sequential calls, including error answers and retries, reuse the pooled connection', async () => {
    const server = await startServer((req, res, hit) => {
      // Big enough to exceed the stream buffers: an unread error body would pin the socket.
      if (req.url === '/missing') return json(res, 404, { message: 'gone', padding: 'x'.repeat(1 << 20) });
      if (req.url === '/flaky' && hit % 2 === 1) return json(res, 503, { message: 'busy' });
      json(res, 200, { ok: 1 });
    });
    const c = client(server);
    // undici opens a second socket right after the very first exchange even for raw fetch; warm up past it.
    await c.request({ method: 'GET', path: '/warm', idempotent: true, operation: 'x' });
    await c.request({ method: 'GET', path: '/warm', idempotent: true, operation: 'x' });
    const before = server.connections;
    expect(await rejection(c.request({ method: 'GET', path: '/missing', idempotent: true, operation: 'x' }))).toBeInstanceOf(NotFoundError);
    await c.request({ method: 'POST', path: '/b', json: { a: 1 }, idempotent: false, operation: 'x' });
    await c.request({ method: 'GET', path: '/flaky', idempotent: true, operation: 'x' });
    await c.request({ method: 'GET', path: '/c', idempotent: true, operation: 'x' });
    expect(server.hits).toBe(7);
    expect(server.connections).toBe(before);
  });
});

describe.each(['node', 'fetch', 'ky'] as const)('the same fault policy through the %s transport', (transport) => {
  it('reset -> retried; hang -> TimeoutError; caller abort -> the caller reason', async () => {
    const reset = await startServer((req, res, hit) => (hit === 1 ? req.socket.destroy() : json(res, 200, { ok: true })));
    expect(await client(reset, { transport }).request({ method: 'GET', path: '/r', idempotent: true, operation: 'x' })).toEqual({ ok: true });
    expect(reset.hits).toBe(2);

    const reason = new Error('stop');
    const controller = new AbortController();
    // Hangs every request; the second (the one with the caller signal) is aborted once the server holds it.
    const hung = await startServer((_req, _res, hit) => (hit === 2 ? controller.abort(reason) : undefined));
    const timeout = await rejection(client(hung, { transport, timeoutMs: 100, retries: 0 }).request({ method: 'GET', path: '/r', idempotent: true, operation: 'x' }));
    expect(timeout).toBeInstanceOf(TimeoutError);
    expect(hung.hits).toBe(1);

    const aborted = await rejection(
      client(hung, { transport, retries: 3 }).request({ method: 'GET', path: '/r', idempotent: true, operation: 'x', signal: controller.signal }),
    );
    expect(aborted).toBeInstanceOf(AbortedError);
    expect((aborted as Error).cause).toBe(reason);
    expect(hung.hits).toBe(2);
  });
});

describe('signals: attached only when the caller gives one', () => {
  const body = JSON.stringify({ ok: true });
  const recording = () => {
    const seen: Array<AbortSignal | null | undefined> = [];
    const fetchImpl = (async (_url: string, init: RequestInit) => {
      seen.push(init.signal);
      return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
    }) as unknown as typeof fetch;
    return { seen, fetchImpl };
  };

  it('sends no AbortSignal without a caller signal (the per-request cost of one is the largest of a call)', async () => {
    const { seen, fetchImpl } = recording();
    const c = createHttpClient({ provider: 'x', baseUrl: 'http://unused.test', fetch: fetchImpl });
    await c.request({ method: 'GET', path: '/r', idempotent: true, operation: 'x' });
    expect(seen).toEqual([undefined]);
  });

  it('sends a signal that follows the caller signal when there is one', async () => {
    const { seen, fetchImpl } = recording();
    const c = createHttpClient({ provider: 'x', baseUrl: 'http://unused.test', fetch: fetchImpl });
    const caller = new AbortController();
    await c.request({ method: 'GET', path: '/r', idempotent: true, operation: 'x', signal: caller.signal });
    expect(seen[0]).toBeInstanceOf(AbortSignal);
    expect(seen[0]).not.toBe(caller.signal);
  });

  it('without a caller signal, a late answer after a timeout still frees the socket for the next call', async () => {
    // The first request is held until the client has timed out, and only then answered: ordered by events, not by sleeps.
    let held: http.ServerResponse | undefined;
    let clientTimedOut = false;
    const answerLate = () => held && json(held, 200, { late: true });
    const server = await startServer((_req, res, hit) => {
      if (hit !== 1) return json(res, 200, { hit });
      held = res;
      // On a very slow machine the request may reach the server only after the client gave up.
      if (clientTimedOut) answerLate();
    });
    const responses: Array<Promise<Response>> = [];
    const c = client(server, {
      timeoutMs: 100,
      retries: 0,
      // The real fetch, watched: its promise for the first request settles when the late answer reaches the client.
      fetch: ((url: string, init: RequestInit) => {
        const response = globalThis.fetch(url, init);
        responses.push(response);
        return response;
      }) as typeof fetch,
      logger: {
        http: (e) => {
          if (e.error !== 'timeout') return;
          clientTimedOut = true;
          answerLate();
        },
      },
    });
    const err = await rejection(c.request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' }));
    expect(err).toBeInstanceOf(TimeoutError);
    // Once the late answer has arrived (and been read to its end, which returns the socket to the pool),
    // its keep-alive socket serves the next call.
    const late = await responses[0]!;
    expect(late.status).toBe(200);
    await new Promise((resolve) => setImmediate(resolve));
    await expect(c.request({ method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' })).resolves.toEqual({ hit: 2 });
    expect(server.connections).toBe(1);
  });
});
