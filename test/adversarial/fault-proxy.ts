/**
 * A fault-injecting reverse proxy for the fault matrices: a `node:http` server on 127.0.0.1 in front of
 * a vendor emulator, answering each request according to a programmable plan (pass through, redirect,
 * 429/503, resets, dripping, truncated, HTML, wrong-shape or oversized bodies, answers lost after the
 * write applied), plus an "elsewhere" server that records every request it gets, so a test can prove
 * that no credential ever left for another host. TEST TOOL, never shipped; see README.md.
 *
 * Real sockets only, and only on 127.0.0.1: what is tested is what undici does on the wire (resets,
 * stalled bodies, aborted connections), which nock cannot reproduce faithfully.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the proxy answers one request. */
export type Fault =
  /** Forward to the emulator and relay its answer unchanged. */
  | { kind: 'pass' }
  /** Answer a redirect without forwarding (`location` is absolute, typically on the elsewhere server). */
  | { kind: 'redirect'; status: 301 | 302 | 303 | 307 | 308; location: string }
  /**
   * Answer `status` without forwarding, with `headers` (computed at answer time when a function: an
   * HTTP-date `Retry-After` must be relative to the moment it is sent) and `body`.
   */
  | { kind: 'status'; status: number; headers?: Record<string, string> | (() => Record<string, string>); body?: string; contentType?: string }
  /** Destroy the socket as soon as the request arrives: nothing is forwarded, no header is sent. */
  | { kind: 'resetBeforeHeaders' }
  /** Forward, then send the emulator's status, headers and the first half of its body, then destroy the socket. */
  | { kind: 'resetMidBody' }
  /** Forward, then send the emulator's answer one byte every `intervalMs` (default 200). */
  | { kind: 'drip'; intervalMs?: number }
  /** Forward, then send the first `keep` bytes (default half) of the emulator's body as a complete response. */
  | { kind: 'truncate'; keep?: number }
  /** Forward, then send the emulator's status with the JSON body `mutate` returns (same status, fixed length). */
  | { kind: 'rewrite'; mutate: (body: unknown) => unknown }
  /**
   * Answer 200 with a JSON body of `bytes` bytes, streamed in 64 KiB chunks (never held in memory), with
   * chunked encoding, or with a `Content-Length` of `declaredBytes` when given (which may be far larger
   * than what is actually sent: the socket is destroyed after `bytes`).
   */
  | { kind: 'oversized'; bytes: number; declaredBytes?: number }
  /** Forward and let the emulator apply the request, then destroy the client socket instead of relaying. */
  | { kind: 'answerLost' };

/** The kinds of {@link Fault}. */
export type FaultKind = Fault['kind'];

/** A rule of the plan: which requests it matches, how many times, and how it answers them. */
export interface FaultRule {
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Path (without query) to match exactly, or a pattern tested on it (any when absent). */
  path?: string | RegExp;
  /** How many matching requests the rule answers (default 1; `Infinity` for all). */
  times?: number;
  fault: Fault;
}

/** One request the proxy served. */
export interface ProxyRecord {
  /** 1-based order of arrival. */
  seq: number;
  method: string;
  /** Path without the query string. */
  path: string;
  /** `METHOD path`, the key of {@link FaultProxy.attempts}. */
  route: string;
  /** What the proxy did with it. */
  fault: FaultKind;
  /** `Date.now()` when the request arrived. */
  receivedAt: number;
  /** `Date.now()` when the proxy sent the status line (or destroyed the socket instead). */
  answeredAt?: number;
  /** Response body bytes written to the client. */
  bytesSent: number;
  /** The proxy sent the whole response. */
  finished: boolean;
  /** The client closed the connection while the proxy was still serving this request. */
  clientClosed: boolean;
  /** `Date.now()` when the client closed it. */
  clientClosedAt?: number;
  /** The proxy itself destroyed the connection (reset faults, `answerLost`, an oversized body's end). */
  destroyedByProxy: boolean;
}

/** The proxy's handle. */
export interface FaultProxy {
  /** Base URL to give the adapter as `baseUrl`, e.g. `http://127.0.0.1:54321`. */
  url: string;
  /** Every request served, in order of arrival. */
  records: ProxyRecord[];
  /** Adds a rule at the end of the plan (the first matching rule with uses left answers a request). */
  plan(rule: FaultRule): void;
  /** The next `n` requests, whatever their route, get `fault`. */
  next(n: number, fault: Fault): void;
  /** Requests received for `method path` (or every request when called without arguments). */
  attempts(method?: string, path?: string): number;
  /** Clears the plan and the records; responses still being served (drips, streams) are destroyed. */
  reset(): void;
  close(): Promise<void>;
}

/** A request the elsewhere server received. */
export interface ElsewhereRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  /** Every header, as received (this server exists to catch credentials: nothing is redacted). */
  headers: http.IncomingHttpHeaders;
}

/** A server standing for "another host": it records everything and answers 404. */
export interface ElsewhereServer {
  url: string;
  /** `host:port`, as a redirect's `Location` names it. */
  host: string;
  requests: ElsewhereRequest[];
  close(): Promise<void>;
}

const CHUNK = 64 * 1024;
/** Headers that describe the emulator's framing, not the relayed body, so they are recomputed. */
const HOP_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

interface Upstream {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/**
 * Starts a fault proxy in front of `upstreamUrl` (an emulator's base URL) on a free port of 127.0.0.1.
 * Without a plan, every request passes through unchanged.
 */
export async function startFaultProxy(upstreamUrl: string): Promise<FaultProxy> {
  const upstream = new URL(upstreamUrl);
  const agent = new http.Agent({ keepAlive: true });
  const rules: Array<FaultRule & { left: number }> = [];
  const records: ProxyRecord[] = [];
  /** Responses still being served, destroyed by `reset` and `close` (a drip would otherwise outlive its row). */
  const active = new Set<http.ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();

  const take = (method: string, path: string): Fault => {
    const i = rules.findIndex(
      (r) => r.left > 0 && (r.method === undefined || r.method.toUpperCase() === method) && matchesPath(r.path, path),
    );
    if (i < 0) return { kind: 'pass' };
    const rule = rules[i]!;
    rule.left -= 1;
    if (rule.left <= 0) rules.splice(i, 1);
    return rule.fault;
  };

  const forward = (req: http.IncomingMessage, body: Buffer): Promise<Upstream> =>
    new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: upstream.host };
      delete headers.connection;
      const out = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', () => resolve({ status: answer.statusCode ?? 502, headers: relayHeaders(answer.headers), body: Buffer.concat(chunks) }));
          answer.on('error', reject);
        },
      );
      out.on('error', reject);
      out.end(body);
    });

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const method = (req.method ?? 'GET').toUpperCase();
    const fault = take(method, url.pathname);
    const record: ProxyRecord = {
      seq: records.length + 1,
      method,
      path: url.pathname,
      route: `${method} ${url.pathname}`,
      fault: fault.kind,
      receivedAt: Date.now(),
      bytesSent: 0,
      finished: false,
      clientClosed: false,
      destroyedByProxy: false,
    };
    records.push(record);
    active.add(res);
    res.on('finish', () => (record.finished = true));
    res.on('close', () => {
      if (!record.finished && !record.destroyedByProxy) {
        record.clientClosed = true;
        record.clientClosedAt = Date.now();
      }
      active.delete(res);
    });
    const destroy = () => {
      record.destroyedByProxy = true;
      record.answeredAt ??= Date.now();
      req.socket.destroy();
    };
    const head = (status: number, headers: Record<string, string | string[]>) => {
      record.answeredAt = Date.now();
      res.writeHead(status, headers);
    };
    const write = (chunk: Buffer | string) => {
      record.bytesSent += Buffer.byteLength(chunk);
      return res.write(chunk);
    };

    if (fault.kind === 'resetBeforeHeaders') {
      destroy();
      return;
    }
    void readBody(req)
      .then(async (body) => {
        switch (fault.kind) {
          case 'redirect':
            head(fault.status, { location: fault.location, 'content-length': '0' });
            res.end();
            return;
          case 'status': {
            const extra = typeof fault.headers === 'function' ? fault.headers() : (fault.headers ?? {});
            const text = fault.body ?? '';
            head(fault.status, { 'content-type': fault.contentType ?? 'application/json', 'content-length': String(Buffer.byteLength(text)), ...extra });
            record.bytesSent += Buffer.byteLength(text);
            res.end(text);
            return;
          }
          case 'oversized':
            await streamOversized(res, fault, head, write, destroy, () => record.clientClosed);
            return;
          default:
            break;
        }
        const answer = await forward(req, body);
        switch (fault.kind) {
          case 'pass':
            head(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
            record.bytesSent += answer.body.length;
            res.end(answer.body);
            return;
          case 'answerLost':
            destroy();
            return;
          case 'resetMidBody': {
            head(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
            write(answer.body.subarray(0, Math.floor(answer.body.length / 2)));
            // Flushed before the reset, so the client really has headers and part of the body.
            setImmediate(destroy);
            return;
          }
          case 'truncate': {
            const part = answer.body.subarray(0, fault.keep ?? Math.floor(answer.body.length / 2));
            head(answer.status, { ...answer.headers, 'content-length': String(part.length) });
            record.bytesSent += part.length;
            res.end(part);
            return;
          }
          case 'rewrite': {
            const text = JSON.stringify(fault.mutate(JSON.parse(answer.body.toString('utf8'))));
            head(answer.status, { ...answer.headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
            record.bytesSent += Buffer.byteLength(text);
            res.end(text);
            return;
          }
          case 'drip': {
            head(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
            let i = 0;
            const timer = setInterval(() => {
              if (res.destroyed || i >= answer.body.length) {
                clearInterval(timer);
                timers.delete(timer);
                if (!res.destroyed) res.end();
                return;
              }
              write(answer.body.subarray(i, i + 1));
              i += 1;
            }, fault.intervalMs ?? 200);
            timers.add(timer);
            res.on('close', () => {
              clearInterval(timer);
              timers.delete(timer);
            });
            return;
          }
        }
      })
      .catch(() => {
        // The emulator is down or the client went away mid-request: nothing sensible to answer.
        if (!res.destroyed) destroy();
      });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const dropAll = () => {
    for (const timer of timers) clearInterval(timer);
    timers.clear();
    for (const res of active) res.destroy();
  };

  return {
    url: `http://127.0.0.1:${port}`,
    records,
    plan(rule) {
      rules.push({ ...rule, left: rule.times ?? 1 });
    },
    next(n, fault) {
      rules.push({ fault, left: n });
    },
    attempts(method, path) {
      if (method === undefined) return records.length;
      const route = `${method.toUpperCase()} ${path ?? ''}`;
      return records.filter((r) => (path === undefined ? r.method === method.toUpperCase() : r.route === route)).length;
    },
    reset() {
      rules.length = 0;
      records.length = 0;
      dropAll();
    },
    async close() {
      dropAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      agent.destroy();
    },
  };
}

/** Starts the "elsewhere" server on a free port of 127.0.0.1. */
export async function startElsewhere(): Promise<ElsewhereServer> {
  const requests: ElsewhereRequest[] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: { ...req.headers } });
    req.resume();
    req.on('end', () => {
      const text = JSON.stringify({ error: 'NOT_HERE', message: 'the elsewhere server serves nothing' });
      res.writeHead(404, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function matchesPath(pattern: string | RegExp | undefined, path: string): boolean {
  if (pattern === undefined) return true;
  return typeof pattern === 'string' ? pattern === path : pattern.test(path);
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function relayHeaders(headers: http.IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_HEADERS.has(name)) out[name] = value;
  }
  return out;
}

/**
 * Streams `{"padding":"aaaa..."}` of `fault.bytes` bytes, waiting for `drain` between chunks so at most
 * one chunk is buffered, and stopping as soon as the client has gone.
 */
async function streamOversized(
  res: http.ServerResponse,
  fault: Extract<Fault, { kind: 'oversized' }>,
  head: (status: number, headers: Record<string, string>) => void,
  write: (chunk: Buffer | string) => boolean,
  destroy: () => void,
  clientGone: () => boolean,
): Promise<void> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (fault.declaredBytes !== undefined) headers['content-length'] = String(fault.declaredBytes);
  head(200, headers);
  const open = '{"padding":"';
  const close = '"}';
  const filler = Buffer.alloc(CHUNK, 'a');
  let sent = 0;
  if (!write(open)) await drained(res);
  sent += open.length;
  const fillTo = fault.bytes - close.length;
  while (sent < fillTo && !res.destroyed && !clientGone()) {
    const n = Math.min(CHUNK, fillTo - sent);
    const ok = write(n === CHUNK ? filler : filler.subarray(0, n));
    sent += n;
    if (!ok) await drained(res);
  }
  if (res.destroyed || clientGone()) return;
  write(close);
  sent += close.length;
  // A declared length larger than what was sent can only end with a reset.
  if (fault.declaredBytes !== undefined && fault.declaredBytes > sent) setImmediate(destroy);
  else res.end();
}

function drained(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
