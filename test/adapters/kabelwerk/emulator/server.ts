/**
 * Kabelwerk emulator: a strict, stateful Kabelwerk backend on 127.0.0.1 that both the server-side REST
 * API (`/api`, sdk-python's five endpoints) and the official JS client (npm `kabelwerk`, Phoenix
 * channels at `/socket/user/websocket`) can talk to. TEST TOOL, never shipped. README.md lists every
 * behaviour and which ones are guesses.
 *
 * Usage:
 *   const kw = await startKabelwerkEmulator({ apiToken: 'kw_test_token', publicKey });
 *   fetch(`${kw.url}/api/users`, { method: 'POST', headers: { 'Kabelwerk-Token': ..., ... }, body });
 *   Kabelwerk.config({ url: kw.socketUrl, token: jwt });   // ws://127.0.0.1:<port>/socket/user
 *   ...
 *   await kw.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { KeyObject } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import { importSPKI, jwtVerify } from 'jose';
import { WebSocketServer } from 'ws';
import { KabelwerkBroadcasts, KabelwerkChannels } from './channels.js';
import { PhoenixServer, type PushFault, type RecordedPush } from './phoenix.js';
import { detail, KabelwerkRest, type HttpReply } from './rest.js';
import { KabelwerkEmulatorState, type EmuRoom } from './state.js';
import { KabelwerkUploads } from './uploads.js';
import { Wire } from './wire.js';

export * from './state.js';
export { messageHtml, messageText, escapeHtml } from './markup.js';
export type { PushFault, RecordedPush } from './phoenix.js';

export interface KabelwerkEmulatorOptions {
  /** The only accepted REST token (`Kabelwerk-Token` header). */
  apiToken: string;
  /** Verifies user JWTs (RS256): a PEM SPKI string, a `KeyObject` or a `CryptoKey`. */
  publicKey: string | KeyObject | CryptoKey;
  /** Hubs, ids 1, 2, ... in this order; the first is the `_` default hub. Default `[{slug: 'main', name: 'Main'}]`. */
  hubs?: Array<{ slug: string; name?: string }>;
  /** Port on 127.0.0.1; default 0 (a free port). */
  port?: number;
  /** Clock for every timestamp and for JWT `exp` checks. Default `() => new Date()`. */
  now?: () => Date;
}

/** A forced answer for the next matching REST request (also `/socket-api/uploads`). */
export interface RestFault {
  /** e.g. `POST`; omitted = any method. */
  method?: string;
  /** Exact path (`/api/users`) or a prefix ending in `*` (`/api/hubs/*`); omitted = any path. */
  path?: string;
  /** Status to answer with (ignored for `kind: 'reset'`). */
  status?: number;
  /** JSON body (a string is sent as is); omitted = no body. */
  body?: unknown;
  headers?: Record<string, string>;
  /** `reset` destroys the connection without answering. */
  kind?: 'reply' | 'reset';
  /** Wait this long before answering (to drive client timeouts; sdk-python's is 2 s). */
  delayMs?: number;
  /** How many requests the fault applies to (default 1). */
  times?: number;
}

/** One HTTP request (REST or upload) as received; credentials redacted. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** Query params (`token` is `'REDACTED'`). */
  query: Record<string, string>;
  /** Lower-case names; `kabelwerk-token` and `authorization` are `'REDACTED'`. */
  headers: Record<string, string>;
  /** Parsed JSON, the raw string if not JSON, `'[multipart]'` for uploads, or undefined when empty. */
  body: unknown;
  status: number;
  receivedAt: Date;
}

/** A live websocket connection (for probes). */
export interface ConnectionInfo {
  id: number;
  userId: number;
  key: string | undefined;
  agent: string | null;
  /** `/socket/user` or `/socket/hub`. */
  endpoint: string;
  topics: string[];
}

export interface KabelwerkEmulator {
  /** `http://127.0.0.1:<port>`; REST under `/api`. */
  url: string;
  /** `ws://127.0.0.1:<port>/socket/user`, the value for the JS client's `url` config (phoenix appends `/websocket`). */
  socketUrl: string;
  state: KabelwerkEmulatorState;
  /** Every HTTP request, in order. */
  requests: RecordedRequest[];
  /** Every channel push received (joins, leaves, events; not heartbeats), in order. */
  pushes: RecordedPush[];
  /** Fault for the next matching REST request(s). */
  failNext(fault: RestFault): void;
  /** Fault for the next matching channel push or join (`event: 'phx_join'`). */
  failNextPush(fault: PushFault): void;
  /** Live websocket connections. */
  connections(): ConnectionInfo[];
  /** Drops websockets uncleanly (all, or a user's by key): Phoenix clients reconnect and rejoin with `after`. */
  disconnect(userKey?: string): void;
  /**
   * Creates an end user's room on a hub as `create_room` would (with its inbox broadcasts). Rooms cannot
   * be created over REST; this is the seeding hook for tests that have no socket client at hand.
   */
  createRoom(hubSlug: string, endUserKey: string): EmuRoom;
  /** Exceptions thrown by channel handlers (emulator bugs; each crashed its channel with phx_error). */
  crashes: { topic: string; event: string; error: unknown }[];
  /** Clears state (hubs re-seeded, ids restart), requests, pushes and faults; closes live sockets. */
  reset(): void;
  close(): Promise<void>;
}

const SOCKET_PATHS = new Map([
  ['/socket/user/websocket', '/socket/user'],
  // Whether the real backend has a separate hub-user socket is UNCONFIRMED (§2.1); same handler here.
  ['/socket/hub/websocket', '/socket/hub'],
]);

export async function startKabelwerkEmulator(options: KabelwerkEmulatorOptions): Promise<KabelwerkEmulator> {
  if (!options.apiToken) throw new Error('startKabelwerkEmulator: apiToken is required');
  const now = options.now ?? (() => new Date());
  const key = typeof options.publicKey === 'string' ? await importSPKI(options.publicKey, 'RS256') : options.publicKey;
  const state = new KabelwerkEmulatorState(now, options.hubs ?? [{ slug: 'main', name: 'Main' }]);
  let origin = '';
  const wire = new Wire(state, () => origin);
  // The channel handler needs the broadcaster and the broadcaster needs the server: wire them lazily.
  let channels: KabelwerkChannels | undefined;
  const phoenix = new PhoenixServer<number>(
    {
      join: (conn, topic, params) => channels!.join(conn, topic, params),
      handleIn: (conn, topic, event, payload) => channels!.handleIn(conn, topic, event, payload),
    },
    now,
  );
  const broadcasts = new KabelwerkBroadcasts(state, wire, phoenix);
  channels = new KabelwerkChannels(state, wire, broadcasts);
  const rest = new KabelwerkRest(state, wire, broadcasts, options.apiToken);
  const uploads = new KabelwerkUploads(state, wire);
  const requests: RecordedRequest[] = [];
  let faults: RestFault[] = [];
  const endpoints = new Map<number, string>();

  /** Verifies a user JWT and returns the user it stands for, auto-creating unknown `sub`s as end users (GUESS). */
  const authenticate = async (token: string | null | undefined): Promise<number | undefined> => {
    if (!token) return undefined;
    try {
      const { payload } = await jwtVerify(token, key, { algorithms: ['RS256'], requiredClaims: ['sub', 'exp'], currentDate: now() });
      if (typeof payload.sub !== 'string' || payload.sub === '') return undefined;
      const user = state.user(payload.sub) ?? state.createUser({ key: payload.sub, name: payload.sub, hubId: null });
      return user.id;
    } catch {
      return undefined;
    }
  };

  const takeFault = (method: string, path: string): RestFault | undefined => {
    const i = faults.findIndex(
      (f) =>
        (f.method === undefined || f.method.toUpperCase() === method) &&
        (f.path === undefined || f.path === path || (f.path.endsWith('*') && path.startsWith(f.path.slice(0, -1)))),
    );
    if (i < 0) return undefined;
    const f = faults[i]!;
    const times = (f.times ?? 1) - 1;
    if (times <= 0) faults.splice(i, 1);
    else f.times = times;
    return f;
  };

  const route = async (method: string, url: URL, headers: Record<string, string>, raw: Buffer): Promise<HttpReply | { media: ReturnType<KabelwerkUploads['media']> }> => {
    const segments = url.pathname.split('/').slice(1).map(safeDecode);
    if (segments[0] === 'api') return rest.handle({ method, segments: segments.slice(1), headers, rawBody: raw.toString('utf8') });
    if (url.pathname === '/socket-api/uploads') {
      if (method !== 'POST') return detail(405, 'Method Not Allowed', { allow: 'POST' });
      const userId = await authenticate(headers['kabelwerk-token']);
      if (userId === undefined) return { status: 401 };
      return uploads.create(userId, headers, raw);
    }
    if (segments[0] === 'media' && segments[1] === 'uploads' && method === 'GET') return { media: uploads.media(segments.slice(2)) };
    if (SOCKET_PATHS.has(url.pathname)) return detail(400, 'Bad Request');
    return detail(404, 'Not Found');
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const raw = Buffer.concat(chunks);
        const receivedAt = now();
        const method = (req.method ?? 'GET').toUpperCase();
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const headers = flatHeaders(req);
        const log = (status: number) => requests.push(record(method, url, headers, raw, status, receivedAt));
        const fault = takeFault(method, url.pathname);
        if (fault) {
          if (fault.delayMs) await sleep(fault.delayMs);
          log(fault.kind === 'reset' ? 0 : (fault.status ?? 500));
          if (fault.kind === 'reset') return void req.socket.destroy();
          return send(res, { status: fault.status ?? 500, body: fault.body, headers: fault.headers ?? {} });
        }
        let reply: HttpReply | { media: ReturnType<KabelwerkUploads['media']> };
        try {
          reply = await route(method, url, headers, raw);
        } catch (err) {
          reply = { status: 500, body: { errors: { detail: err instanceof Error ? err.message : String(err) } } };
        }
        if ('media' in reply) {
          log(reply.media.status);
          if (!reply.media.bytes) return send(res, detail(404, 'Not Found'));
          res.writeHead(200, { 'content-type': reply.media.type!, 'content-length': String(reply.media.bytes.byteLength) });
          return void res.end(reply.media.bytes);
        }
        log(reply.status);
        send(res, reply);
      })();
    });
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const endpoint = SOCKET_PATHS.get(url.pathname);
      if (!endpoint) return refuse(socket, 404, 'Not Found');
      // phoenix.js appends vsn=2.0.0; Phoenix refuses a serializer version it does not know with a 403.
      if (url.searchParams.get('vsn') !== '2.0.0') return refuse(socket, 403, 'Forbidden');
      // UserSocket.connect/3 returning :error rejects the upgrade with 403 (standard Phoenix).
      const userId = await authenticate(url.searchParams.get('token'));
      if (userId === undefined) return refuse(socket, 403, 'Forbidden');
      wss.handleUpgrade(req, socket, head, (ws) => {
        const conn = phoenix.attach(ws, userId, url.searchParams.get('agent'));
        endpoints.set(conn.id, endpoint);
        ws.on('close', () => endpoints.delete(conn.id));
      });
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;

  const closeSockets = (how: 'close' | 'terminate', userId?: number) => {
    for (const conn of phoenix.connections()) {
      if (userId !== undefined && conn.assigns !== userId) continue;
      if (how === 'terminate') conn.ws.terminate();
      else conn.ws.close(1001, 'emulator reset');
    }
  };

  return {
    url: origin,
    socketUrl: `ws://127.0.0.1:${port}/socket/user`,
    state,
    requests,
    pushes: phoenix.pushes,
    crashes: phoenix.crashes,
    failNext(fault) {
      faults.push({ times: 1, ...fault });
    },
    failNextPush(fault) {
      phoenix.failNextPush(fault);
    },
    connections() {
      return phoenix.connections().map((c) => ({
        id: c.id,
        userId: c.assigns,
        key: state.userById(c.assigns)?.key,
        agent: c.agent,
        endpoint: endpoints.get(c.id) ?? '/socket/user',
        topics: [...c.joined.keys()],
      }));
    },
    disconnect(userKey) {
      if (userKey === undefined) return closeSockets('terminate');
      const user = state.user(userKey);
      if (user) closeSockets('terminate', user.id);
    },
    createRoom(hubSlug, endUserKey) {
      const hub = state.hub(hubSlug);
      const user = state.user(endUserKey);
      if (!hub) throw new Error(`createRoom: no hub ${hubSlug}`);
      if (!user) throw new Error(`createRoom: no user ${endUserKey}`);
      const room = state.createRoom(user.id, hub.id);
      broadcasts.roomCreated(room);
      return room;
    },
    reset() {
      closeSockets('close');
      state.clear();
      requests.length = 0;
      faults = [];
      phoenix.clear();
    },
    async close() {
      closeSockets('terminate');
      wss.close();
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

function refuse(socket: Socket, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function record(method: string, url: URL, headers: Record<string, string>, raw: Buffer, status: number, receivedAt: Date): RecordedRequest {
  const h = { ...headers };
  for (const secret of ['kabelwerk-token', 'authorization']) if (h[secret] !== undefined) h[secret] = 'REDACTED';
  let body: unknown;
  if (/^multipart\//i.test(headers['content-type'] ?? '')) body = '[multipart]';
  else if (raw.length > 0) {
    const text = raw.toString('utf8');
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  const query = Object.fromEntries(url.searchParams);
  if (query.token !== undefined) query.token = 'REDACTED';
  return { method, path: url.pathname, query, headers: h, body, status, receivedAt };
}

function send(res: ServerResponse, reply: HttpReply): void {
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  headers['content-type'] ??= 'application/json; charset=utf-8';
  headers['content-length'] = String(Buffer.byteLength(text));
  res.writeHead(reply.status, headers);
  res.end(text);
}
