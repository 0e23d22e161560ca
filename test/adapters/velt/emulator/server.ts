/**
 * Velt REST API v2 emulator — a TEST TOOL, never shipped.
 *
 * A strict, stateful HTTP server on 127.0.0.1 implementing the contract described in
 * `../shared/vendors/velt.md` (cited below as §N). See ./README.md for what is documented
 * and what is a guess.
 *
 *   const velt = await startVeltEmulator();
 *   await fetch(`${velt.url}/v2/organizations/get`, {
 *     method: 'POST',
 *     headers: { 'content-type': 'application/json', 'x-velt-api-key': 'velt_test_key', 'x-velt-auth-token': 'velt_test_token' },
 *     body: JSON.stringify({ data: {} }),
 *   });
 *   velt.state.organization('org-1');   // direct read access for probes
 *   await velt.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomInt } from 'node:crypto';
import { DEFAULT_HTTP_STATUS, VeltApiError, type VeltErrorStatus } from './errors.js';
import type { Ctx, Handler, ResolvedVeltOptions } from './context.js';
import { VeltEmulatorState, type VeltFault } from './state.js';
import { Rng } from './util.js';
import { organizationHandlers } from './handlers/organizations.js';
import { documentHandlers } from './handlers/documents.js';
import { userHandlers } from './handlers/users.js';
import { commentHandlers } from './handlers/comments.js';
import { notificationHandlers } from './handlers/notifications.js';
import { realtimeHandlers } from './handlers/realtime.js';
import { authHandlers } from './handlers/auth.js';
import { webhookHandlers } from './handlers/webhooks.js';
import { crdtHandlers } from './handlers/crdt.js';

export { VeltEmulatorState } from './state.js';
export type * from './state.js';
export { VeltApiError, DEFAULT_HTTP_STATUS, type VeltErrorStatus } from './errors.js';
export { verifyJwt as verifyVeltEmulatorToken, signStandardWebhook } from './util.js';

export interface VeltEmulatorOptions {
  /** expected `x-velt-api-key` (default `velt_test_key`) */
  apiKey?: string;
  /** expected `x-velt-auth-token` (default `velt_test_token`); also the HS256 key of minted JWTs (guess) */
  authToken?: string;
  /** port on 127.0.0.1 (default: ephemeral) */
  port?: number;
  /** clock used for createdAt/lastUpdated/timestamp/iat */
  now?: () => Date;
  /** seed of the id generator (reproducible ids) */
  seed?: number;
  /** override the vendor-status → HTTP-status mapping (§1.3, §15.1) */
  httpStatusFor?: Partial<Record<VeltErrorStatus, number>>;
  /** ids-per-filter cap (§1.5, default 30) */
  maxIdsPerFilter?: number;
  /** default page size (§1.4, default 1000) */
  defaultPageSize?: number;
  /** page sizes above this are clamped (UNCONFIRMED, default 1000) */
  maxPageSize?: number;
  /** reject unknown top-level `data` fields and unknown fields of documented nested inputs (UNCONFIRMED, default true) */
  rejectUnknownFields?: boolean;
  /** organizations/add on an existing id: `upsert` (openapi, default) or `error` (velt-py README example) (§15.8) */
  organizationAddExisting?: 'upsert' | 'error';
  /** commentannotations/add with an existing annotationId (UNCONFIRMED, default `error` → ALREADY_EXISTS) */
  annotationAddExisting?: 'error' | 'overwrite';
  /** notifications/add with an existing notificationId (UNCONFIRMED, default `overwrite`) */
  notificationAddExisting?: 'overwrite' | 'error';
  /** orgs/docs must exist unless createOrganization/createDocument is sent (UNCONFIRMED, default true) */
  requireExistingParents?: boolean;
  /** org delete → docs/users/annotations/notifications; doc delete → annotations/notifications (§15.9, default true) */
  cascadeDeletes?: boolean;
  /** deleting the last comment deletes the annotation (§7.11 UNCONFIRMED, default false) */
  deleteAnnotationWhenEmpty?: boolean;
  /** also maintain the deprecated `resolved` boolean (§7.2 UNCONFIRMED, default false) */
  maintainDeprecatedResolvedFlag?: boolean;
  /** count/get without statusIds counts terminal (resolved) threads too (§7.5 UNCONFIRMED, default true) */
  countIncludesTerminal?: boolean;
  /** notifications/get items carry `readByUserIds` (+ `isUnread` for userId queries) (§9 UNCONFIRMED, default true) */
  exposeNotificationReadState?: boolean;
  /** accept the unwrapped livestate broadcast body of the docs example (§10.1, default true) */
  acceptUnwrappedLivestate?: boolean;
  /** advanced webhooks available for the workspace (§12.3, default true) */
  advancedWebhooksAvailable?: boolean;
  /** endpoint CRUD needs advancedwebhookconfig isEnabled:true first (default true) */
  requireAdvancedWebhooksEnabled?: boolean;
  /** `documented`: only annotation add with triggerNotification emits events; `all`: every comment write (§15.7) */
  webhookTriggers?: 'documented' | 'all';
  /** POST emitted events to the configured basic URL / advanced endpoints (default false: record only) */
  deliverWebhooks?: boolean;
  /** crdt/update of an editorId without data: `error` (NOT_FOUND, default) or `create` (UNCONFIRMED, docs/vendors/velt-crdt.md) */
  crdtUpdateMissing?: 'error' | 'create';
  /** answer RESOURCE_EXHAUSTED (429) beyond `requests` per `windowMs` (no documented core limit, §13) */
  rateLimit?: { requests: number; windowMs: number };
  /**
   * Self-hosted organization (docs/vendors/velt-self-hosting.md §1.9): comments written with
   * `isCommentResolverUsed: true` keep no text/HTML and their users shrink to `{ userId }`. Text sent with the
   * flag is `'reject'`ed (400 INVALID_ARGUMENT) or `'strip'`ped (GUESS, §5.6 UNCONFIRMED). Default `false`.
   */
  selfHosted?: false | 'reject' | 'strip';
}

export interface RecordedRequest {
  method: string;
  /** full path incl. `/v2` and query string */
  path: string;
  /** lower-cased request headers; `x-velt-api-key`, `x-velt-auth-token`, `authorization`, `cookie` are `[REDACTED]` */
  headers: Record<string, string>;
  /** parsed JSON body (raw text when it was not JSON, undefined when empty) */
  body: unknown;
  /** HTTP status answered (0 for a reset connection) */
  status: number;
  /** JSON answered */
  response: unknown;
  /** why the emulator rejected the request, when it did (not part of the vendor answer) */
  note?: string;
  at: string;
}

export interface VeltEmulator {
  /** origin, e.g. `http://127.0.0.1:54321` — endpoints live under `${url}/v2/...` */
  url: string;
  close(): Promise<void>;
  state: VeltEmulatorState;
  requests: RecordedRequest[];
  /** clears state, recorded requests, faults and rate-limit window */
  reset(): void;
  options: Readonly<ResolvedVeltOptions>;
  /** endpoint paths (without `/v2`) the emulator implements */
  endpoints: readonly string[];
}

const HANDLERS: Record<string, Handler> = {
  ...organizationHandlers,
  ...documentHandlers,
  ...userHandlers,
  ...commentHandlers,
  ...notificationHandlers,
  ...realtimeHandlers,
  ...authHandlers,
  ...webhookHandlers,
  ...crdtHandlers,
};

const SECRET_HEADERS = new Set(['x-velt-api-key', 'x-velt-auth-token', 'authorization', 'proxy-authorization', 'cookie']);

function redactHeaders(h: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    out[k] = SECRET_HEADERS.has(k) ? '[REDACTED]' : Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export async function startVeltEmulator(options: VeltEmulatorOptions = {}): Promise<VeltEmulator> {
  const opts: ResolvedVeltOptions = {
    apiKey: options.apiKey ?? 'velt_test_key',
    authToken: options.authToken ?? 'velt_test_token',
    httpStatusFor: options.httpStatusFor ?? {},
    maxIdsPerFilter: options.maxIdsPerFilter ?? 30,
    defaultPageSize: options.defaultPageSize ?? 1000,
    maxPageSize: options.maxPageSize ?? 1000,
    rejectUnknownFields: options.rejectUnknownFields ?? true,
    organizationAddExisting: options.organizationAddExisting ?? 'upsert',
    annotationAddExisting: options.annotationAddExisting ?? 'error',
    notificationAddExisting: options.notificationAddExisting ?? 'overwrite',
    requireExistingParents: options.requireExistingParents ?? true,
    cascadeDeletes: options.cascadeDeletes ?? true,
    deleteAnnotationWhenEmpty: options.deleteAnnotationWhenEmpty ?? false,
    maintainDeprecatedResolvedFlag: options.maintainDeprecatedResolvedFlag ?? false,
    countIncludesTerminal: options.countIncludesTerminal ?? true,
    exposeNotificationReadState: options.exposeNotificationReadState ?? true,
    acceptUnwrappedLivestate: options.acceptUnwrappedLivestate ?? true,
    advancedWebhooksAvailable: options.advancedWebhooksAvailable ?? true,
    requireAdvancedWebhooksEnabled: options.requireAdvancedWebhooksEnabled ?? true,
    webhookTriggers: options.webhookTriggers ?? 'documented',
    deliverWebhooks: options.deliverWebhooks ?? false,
    crdtUpdateMissing: options.crdtUpdateMissing ?? 'error',
    selfHosted: options.selfHosted ?? false,
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
  };
  const clock = options.now ?? (() => new Date());
  const state = new VeltEmulatorState();
  const requests: RecordedRequest[] = [];
  const rng = new Rng(options.seed ?? randomInt(0, 2 ** 31));
  const pending = new Set<Promise<unknown>>();
  let window: number[] = [];

  const httpStatus = (s: VeltErrorStatus): number => opts.httpStatusFor[s] ?? DEFAULT_HTTP_STATUS[s];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let parsed: unknown;
    let jsonOk = true;
    if (raw.length) {
      try {
        parsed = JSON.parse(raw);
      } catch {
        parsed = raw;
        jsonOk = false;
      }
    }
    const fullPath = req.url ?? '/';
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: fullPath,
      headers: redactHeaders(req.headers),
      body: parsed,
      status: 0,
      response: undefined,
      at: clock().toISOString(),
    };
    requests.push(record);

    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      record.status = status;
      record.response = body;
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
      res.end(text);
    };
    const fail = (err: VeltApiError, note?: string, headers?: Record<string, string>): void => {
      if (note) record.note = note;
      send(httpStatus(err.status), err.toBody(), headers);
    };

    const pathname = new URL(fullPath, 'http://emulator').pathname;
    const m = /^\/v2(\/.+)$/.exec(pathname);
    const sub = m?.[1];
    const handler = sub !== undefined ? HANDLERS[sub] : undefined;
    if (!handler || sub === undefined) {
      // UNCONFIRMED: unknown endpoint answer
      fail(new VeltApiError('NOT_FOUND', 'Endpoint not found.'), `no emulated endpoint ${pathname}`);
      return;
    }

    const fault: VeltFault | undefined = state.takeFault(sub);
    if (fault) {
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      record.note = `injected fault ${fault.kind ?? 'error'}`;
      const kind = fault.kind ?? 'error';
      if (kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (kind === 'html') {
        const html = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>';
        record.status = fault.httpStatus ?? 502;
        record.response = html;
        res.writeHead(record.status, { 'content-type': 'text/html; charset=utf-8', ...(fault.headers ?? {}) });
        res.end(html);
        return;
      }
      if (kind === 'truncated') {
        const text = '{"result":{"status":"success","message":"';
        record.status = fault.httpStatus ?? 200;
        record.response = text;
        res.writeHead(record.status, { 'content-type': 'application/json; charset=utf-8', ...(fault.headers ?? {}) });
        res.end(text);
        return;
      }
      const status = fault.status ?? 'INTERNAL';
      const err = new VeltApiError(status, fault.message ?? 'Injected failure.', fault.details);
      send(fault.httpStatus ?? httpStatus(status), err.toBody(), fault.headers);
      return;
    }

    if (opts.rateLimit) {
      const now = Date.now();
      window = window.filter((t) => now - t < opts.rateLimit!.windowMs);
      if (window.length >= opts.rateLimit.requests) {
        const retry = Math.max(1, Math.ceil((opts.rateLimit.windowMs - (now - window[0]!)) / 1000));
        fail(new VeltApiError('RESOURCE_EXHAUSTED', 'Rate limit exceeded.'), 'rate limited', { 'retry-after': String(retry) });
        return;
      }
      window.push(now);
    }

    // Firebase callable protocol (§1.1 INF): POST + application/json + {"data": ...} or 400 INVALID_ARGUMENT "Bad Request"
    if (req.method !== 'POST') {
      fail(new VeltApiError('INVALID_ARGUMENT', 'Bad Request'), `method ${req.method} not allowed (POST only)`);
      return;
    }
    const contentType = req.headers['content-type'] ?? '';
    if (!/^application\/json\b/i.test(contentType)) {
      fail(new VeltApiError('INVALID_ARGUMENT', 'Bad Request'), `content-type must be application/json (got "${contentType}")`);
      return;
    }
    if (!jsonOk || !isPlainObject(parsed)) {
      fail(new VeltApiError('INVALID_ARGUMENT', 'Bad Request'), 'body is not a JSON object');
      return;
    }
    let data: Record<string, unknown>;
    let unwrapped = false;
    if (sub === '/livestate/broadcast' && opts.acceptUnwrappedLivestate && 'organizationId' in parsed) {
      // §10.1 docs-bug: the example body is unwrapped; accepted (and recorded as such)
      data = parsed;
      unwrapped = true;
    } else if (!('data' in parsed) || !isPlainObject(parsed.data)) {
      fail(new VeltApiError('INVALID_ARGUMENT', 'Bad Request'), 'request body must be {"data": {...}}');
      return;
    } else data = parsed.data;

    // Auth headers (§1.3): missing → 400 INVALID_ARGUMENT; wrong → 403 PERMISSION_DENIED
    const apiKey = req.headers['x-velt-api-key'];
    const authToken = req.headers['x-velt-auth-token'];
    if (typeof apiKey !== 'string' || apiKey === '') {
      fail(new VeltApiError('INVALID_ARGUMENT', 'API key not found.'), 'missing x-velt-api-key');
      return;
    }
    if (apiKey !== opts.apiKey) {
      fail(new VeltApiError('PERMISSION_DENIED', 'Invalid API key.'), 'wrong x-velt-api-key');
      return;
    }
    if (typeof authToken !== 'string' || authToken === '') {
      fail(new VeltApiError('INVALID_ARGUMENT', 'Auth token not found.'), 'missing x-velt-auth-token');
      return;
    }
    if (authToken !== opts.authToken) {
      fail(new VeltApiError('PERMISSION_DENIED', 'Auth token is not registered for this API key.'), 'wrong x-velt-auth-token');
      return;
    }

    const ctx: Ctx = {
      state,
      opts,
      rng,
      now: () => clock().getTime(),
      path: sub,
      unwrapped,
      background: (p) => {
        pending.add(p);
        void p.finally(() => pending.delete(p));
      },
    };
    try {
      const result = handler(data, ctx);
      send(200, { result });
    } catch (e) {
      if (e instanceof VeltApiError) fail(e, e.message);
      else fail(new VeltApiError('INTERNAL', 'Internal error.'), e instanceof Error ? (e.stack ?? e.message) : String(e));
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(new VeltApiError('INTERNAL', 'Internal error.').toBody()));
      }
      void e;
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    state,
    requests,
    options: opts,
    endpoints: Object.keys(HANDLERS),
    reset() {
      state.clear();
      requests.length = 0;
      window = [];
    },
    async close() {
      await Promise.allSettled([...pending]);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
