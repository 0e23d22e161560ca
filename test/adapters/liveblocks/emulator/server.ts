/**
 * Liveblocks REST v2 emulator: a strict, stateful HTTP server on 127.0.0.1 (node:http only) covering
 * what the Liveblocks dev server answers 501 for (comments/threads, inbox notifications, set-presence,
 * broadcast-event, management webhooks) plus minimal rooms, so one server is enough for a conformance run.
 * TEST TOOL, never shipped. README.md documents every route and which behaviour is a guess.
 *
 * Usage:
 *   const lb = await startLiveblocksEmulator();
 *   const client = new Liveblocks({ secret: 'sk_localdev', baseUrl: lb.url });
 *   ...
 *   await lb.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errors, HttpError, type Reply, Router, type RouteDef } from './http.js';
import { registerRoutes } from './routes.js';
import { LiveblocksEmulatorState, type RecordedRequest } from './state.js';
import { WebhookDispatcher } from './webhooks-out.js';

export * from './state.js';
export { signWebhook } from './webhooks-out.js';

export interface LiveblocksEmulatorOptions {
  /** The only accepted secret key (`Authorization: Bearer <secretKey>`). Default `sk_localdev` (like the dev server). */
  secretKey?: string;
  /** Port on 127.0.0.1; default 0 (a free port). */
  port?: number;
  /** Clock for every timestamp, presence expiry and webhook signatures. Default `() => new Date()`. */
  now?: () => Date;
  /** Bearer token of the Management API routes (`/v2/management/...`). Default `mt_localdev` (guess: real token format unknown). */
  managementToken?: string;
  /** The one project of the Management API and the `projectId` in webhook payloads. Default `localdev` (the dev server's pid, §5.2). */
  projectId?: string;
  /**
   * Kind of inbox notification a user mentioned in a comment receives. Default `thread`, which is what
   * Liveblocks does ("Comments can send thread notifications [...] such as a mention", Notifications concepts
   * docs); `textMention` is Liveblocks' kind for Text Editor mentions, selectable for adapters that expect it.
   */
  commentMentionNotificationKind?: 'thread' | 'textMention';
}

export interface LiveblocksEmulator {
  /** Base URL, e.g. `http://127.0.0.1:54321` (pass it as `baseUrl` to @liveblocks/node). */
  url: string;
  /** The secret key the emulator accepts. */
  secretKey: string;
  /** The Management API token the emulator accepts. */
  managementToken: string;
  /** The Management API project id. */
  projectId: string;
  /** Direct read access to the emulator's data (for conformance probes). */
  state: LiveblocksEmulatorState;
  /** Every request received, in order (Authorization redacted). */
  requests: RecordedRequest[];
  /** Clears state and recorded requests; the server keeps running. */
  reset(): void;
  /** Resolves once every outgoing webhook delivery started so far has finished. */
  flushWebhooks(): Promise<void>;
  close(): Promise<void>;
}

export async function startLiveblocksEmulator(options: LiveblocksEmulatorOptions = {}): Promise<LiveblocksEmulator> {
  const secretKey = options.secretKey ?? 'sk_localdev';
  const managementToken = options.managementToken ?? 'mt_localdev';
  const projectId = options.projectId ?? 'localdev';
  const now = options.now ?? (() => new Date());
  const state = new LiveblocksEmulatorState(now);
  const requests: RecordedRequest[] = [];
  const webhooks = new WebhookDispatcher(state, now, projectId);
  const router = new Router();
  registerRoutes(router, {
    state,
    now,
    projectId,
    commentMentionNotificationKind: options.commentMentionNotificationKind ?? 'thread',
    webhooks,
  });

  const checkAuth = (route: RouteDef, headers: Record<string, string>) => {
    const header = headers.authorization;
    const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    const key = m?.[1];
    if (route.auth === 'management') {
      // Management API: separate bearer token (§4.2 note on /v2/management); error codes are guesses.
      if (!key) {
        throw new HttpError(401, {
          error: 'MISSING_ACCESS_TOKEN',
          message: 'Missing management access token in authentication header',
        });
      }
      if (key !== managementToken) {
        throw new HttpError(403, { error: 'INVALID_ACCESS_TOKEN', message: 'Invalid management access token' });
      }
      return;
    }
    if (!key) throw errors.missingSecretKey();
    if (key === secretKey) return;
    if (key.startsWith('pk_')) throw errors.wrongKeyUsed();
    throw errors.invalidSecretKey();
  };

  const handle = async (req: IncomingMessage, rawBody: string): Promise<Reply> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const headers = flatHeaders(req);
    if (method === 'GET' && url.pathname === '/health') return { status: 200, body: { status: 'ok' } };
    const match = router.match(method, url.pathname);
    if (match.kind === 'none') throw errors.routeNotFound();
    if (match.kind === 'wrong-method') throw errors.methodNotAllowed(match.allow);
    const { route, params } = match;
    checkAuth(route, headers);
    let body: unknown;
    if (route.body === 'json') {
      try {
        body = JSON.parse(rawBody);
      } catch {
        throw errors.badJson();
      }
    }
    return route.handler({ method, path: url.pathname, params, query: url.searchParams, headers, rawBody, body, now: now() });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const receivedAt = now();
      void (async () => {
        let reply: Reply;
        try {
          reply = await handle(req, rawBody);
        } catch (err) {
          if (err instanceof HttpError) {
            reply = { status: err.status, body: err.body, headers: err.headers };
          } else {
            reply = {
              status: 500,
              body: { error: 'INTERNAL_ERROR', message: err instanceof Error ? err.message : String(err) },
            };
          }
        }
        requests.push(record(req, rawBody, reply.status, receivedAt));
        send(res, reply);
      })();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    secretKey,
    managementToken,
    projectId,
    state,
    requests,
    reset() {
      state.clear();
      requests.length = 0;
    },
    flushWebhooks: () => webhooks.flush(),
    async close() {
      await webhooks.close();
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function record(req: IncomingMessage, rawBody: string, status: number, receivedAt: Date): RecordedRequest {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const headers = flatHeaders(req);
  if (headers.authorization !== undefined) headers.authorization = 'REDACTED';
  let body: unknown;
  if (rawBody !== '') {
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = rawBody;
    }
  }
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    body,
    status,
    receivedAt,
  };
}

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(reply.body);
  headers['Content-Type'] = 'application/json; charset=utf-8';
  headers['Content-Length'] = String(Buffer.byteLength(text));
  res.writeHead(reply.status, headers);
  res.end(text);
}
