/**
 * Self-test of the fault proxy: each fault does on the wire what the matrices rely on, checked with
 * plain `fetch` against a tiny counting upstream (no unicollab code involved).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ElsewhereServer, type FaultProxy, startElsewhere, startFaultProxy } from './fault-proxy.js';

let upstream: http.Server;
let hits: string[] = [];
let proxy: FaultProxy;
let elsewhere: ElsewhereServer;

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits.push(`${req.method} ${req.url}`);
      const text = JSON.stringify({ method: req.method, url: req.url, n: hits.length, padding: 'p'.repeat(200) });
      res.writeHead(201, { 'content-type': 'application/json', 'x-upstream': 'yes', 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  proxy = await startFaultProxy(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
  elsewhere = await startElsewhere();
});

afterAll(async () => {
  await proxy.close();
  await elsewhere.close();
  await new Promise<void>((resolve) => {
    upstream.close(() => resolve());
    upstream.closeAllConnections();
  });
});

beforeEach(() => {
  proxy.reset();
  hits = [];
  elsewhere.requests.length = 0;
});

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

describe('plan', () => {
  it('passes through by default, relaying status, headers and body, and counts attempts per route', async () => {
    const res = await fetch(`${proxy.url}/a?x=1`, { method: 'POST', body: 'hello' });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-upstream')).toBe('yes');
    expect(await res.json()).toMatchObject({ method: 'POST', url: '/a?x=1' });
    await fetch(`${proxy.url}/b`).then((r) => r.text());
    expect(proxy.attempts('POST', '/a')).toBe(1);
    expect(proxy.attempts('GET', '/a')).toBe(0);
    expect(proxy.attempts('GET', '/b')).toBe(1);
    expect(proxy.attempts()).toBe(2);
    expect(proxy.records.map((r) => [r.route, r.fault, r.finished, r.clientClosed])).toEqual([
      ['POST /a', 'pass', true, false],
      ['GET /b', 'pass', true, false],
    ]);
  });

  it('next(n) answers the next n requests whatever their route, then passes', async () => {
    proxy.next(2, { kind: 'status', status: 503, body: '{}' });
    const statuses = [];
    for (const path of ['/a', '/b', '/c']) statuses.push((await fetch(proxy.url + path).then(async (r) => (await r.text(), r))).status);
    expect(statuses).toEqual([503, 503, 201]);
    expect(hits).toEqual(['GET /c']);
  });

  it('rules match by method and path (string or RegExp), in order, for `times` requests', async () => {
    proxy.plan({ method: 'POST', path: '/w', fault: { kind: 'status', status: 429, body: '' }, times: 2 });
    proxy.plan({ path: /^\/r\//, fault: { kind: 'status', status: 418, body: '' }, times: Infinity });
    const status = (path: string, method = 'GET') => fetch(proxy.url + path, { method }).then(async (r) => (await r.text(), r.status));
    expect(await status('/w')).toBe(201);
    expect(await status('/w', 'POST')).toBe(429);
    expect(await status('/w', 'POST')).toBe(429);
    expect(await status('/w', 'POST')).toBe(201);
    expect([await status('/r/1'), await status('/r/2'), await status('/r')]).toEqual([418, 418, 201]);
  });

  it('status headers given as a function are computed when the answer is sent', async () => {
    let calls = 0;
    proxy.next(1, { kind: 'status', status: 429, headers: () => ({ 'retry-after': String(++calls) }) });
    expect(calls).toBe(0);
    const res = await fetch(proxy.url);
    expect(res.headers.get('retry-after')).toBe('1');
  });
});

describe('faults', () => {
  it('redirect: answers the Location without forwarding; the elsewhere server records what a follower sends, headers included', async () => {
    proxy.next(2, { kind: 'redirect', status: 307, location: `${elsewhere.url}/moved?sig=abc` });
    const manual = await fetch(proxy.url, { redirect: 'manual' });
    expect(manual.status).toBe(307);
    expect(manual.headers.get('location')).toBe(`${elsewhere.url}/moved?sig=abc`);
    expect(elsewhere.requests).toEqual([]);
    const followed = await fetch(proxy.url, { headers: { 'x-velt-api-key': 'k-123456' } });
    expect(followed.status).toBe(404);
    expect(elsewhere.requests).toHaveLength(1);
    expect(elsewhere.requests[0]).toMatchObject({ method: 'GET', url: '/moved?sig=abc', headers: { 'x-velt-api-key': 'k-123456' } });
    expect(hits).toEqual([]);
  });

  it('resetBeforeHeaders: the client gets a network error and the upstream nothing', async () => {
    proxy.next(1, { kind: 'resetBeforeHeaders' });
    expect(await failure(fetch(proxy.url, { method: 'POST', body: 'x' }))).toBeInstanceOf(TypeError);
    expect(hits).toEqual([]);
    expect(proxy.records[0]).toMatchObject({ destroyedByProxy: true, clientClosed: false });
  });

  it('resetMidBody: headers and part of the body arrive, then the body read fails; the upstream applied it', async () => {
    proxy.next(1, { kind: 'resetMidBody' });
    const res = await fetch(proxy.url);
    expect(res.status).toBe(201);
    expect(await failure(res.text())).toBeInstanceOf(TypeError);
    expect(hits).toHaveLength(1);
    expect(proxy.records[0]!.bytesSent).toBeGreaterThan(0);
  });

  it('truncate: a complete response holding the first half of the upstream body', async () => {
    const whole = await fetch(proxy.url).then((r) => r.text());
    proxy.next(1, { kind: 'truncate' });
    const res = await fetch(proxy.url);
    const text = await res.text();
    expect(res.headers.get('content-length')).toBe(String(text.length));
    expect(text.length).toBe(Math.floor(whole.length / 2));
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it('rewrite: the upstream JSON body replaced by what `mutate` returns, same status', async () => {
    proxy.next(1, { kind: 'rewrite', mutate: (body) => ({ ...(body as object), n: 'not a number' }) });
    const res = await fetch(proxy.url);
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ method: 'GET', n: 'not a number' });
  });

  it('answerLost: the upstream applied the request, the client gets a network error', async () => {
    proxy.next(1, { kind: 'answerLost' });
    expect(await failure(fetch(proxy.url + '/create', { method: 'POST', body: '{}' }))).toBeInstanceOf(TypeError);
    expect(hits).toEqual(['POST /create']);
    expect(proxy.records[0]).toMatchObject({ fault: 'answerLost', destroyedByProxy: true, finished: false });
  });

  it('drip: bytes arrive one at a time; a client that aborts is recorded as having closed the connection', async () => {
    proxy.next(1, { kind: 'drip', intervalMs: 50 });
    const controller = new AbortController();
    const res = await fetch(proxy.url, { signal: controller.signal });
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(first.value?.byteLength).toBe(1);
    controller.abort();
    await new Promise((r) => setTimeout(r, 200));
    const [record] = proxy.records;
    expect(record).toMatchObject({ clientClosed: true, finished: false, destroyedByProxy: false });
    expect(record!.bytesSent).toBeLessThan(20);
  });

  it('oversized (chunked): streams exactly `bytes` bytes of valid JSON when read to the end', async () => {
    proxy.next(1, { kind: 'oversized', bytes: 300_000 });
    const res = await fetch(proxy.url);
    expect(res.headers.get('content-length')).toBeNull();
    const text = await res.text();
    expect(text.length).toBe(300_000);
    expect(JSON.parse(text)).toHaveProperty('padding');
    expect(hits).toEqual([]);
  });

  it('oversized (declared): the Content-Length is the declared size, and the body ends in a reset after `bytes`', async () => {
    proxy.next(1, { kind: 'oversized', bytes: 200_000, declaredBytes: 10 * 1024 ** 3 });
    const res = await fetch(proxy.url);
    expect(res.headers.get('content-length')).toBe(String(10 * 1024 ** 3));
    expect(await failure(res.arrayBuffer())).toBeInstanceOf(TypeError);
    expect(proxy.records[0]!.bytesSent).toBe(200_000);
  });
});
