import type { KyInstance } from 'ky';
import type { z } from 'zod';
import { fullJitterBackoffMs } from '../backoff.js';
import { AbortedError, CollabError, NetworkError, ProviderResponseError, TimeoutError, ValidationError } from '../errors.js';
import type { HttpLogEntry } from '../logger.js';
import { containsSecret, innermostSecrets, isSecretKey, redact, redactText, registerSecret } from '../redact.js';
import { DeadlineTimer, type DeadlineEntry } from './deadline-timer.js';
import { hasNodeHttp, nodeExchange, type AnswerHead, type NodeRequestInit } from './node-transport.js';
import { checkAnswer } from './schema-check.js';
import { defaultMapError } from './map-error.js';
import { parseRetryAfter } from './retry-after.js';
import type { HttpClient, HttpClientOptions, HttpErrorContext, HttpRequest } from './types.js';
import { appendQuery, redactPathForLog } from './url.js';

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_DEADLINE_MS = 30_000;
const DEFAULT_RETRIES = 2;
const DEFAULT_BACKOFF_MS = 250;
const DEFAULT_MAX_BACKOFF_MS = 20_000;
const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/** Decodes bodies as `Response.text()` does: UTF-8, a BOM dropped, bad bytes replaced. Stateless per call. */
const utf8 = new TextDecoder();

function decode(bytes: Uint8Array | undefined): string {
  return bytes === undefined ? '' : utf8.decode(bytes);
}

/** Sends one attempt. The fetch-based transports must reject with the abort reason when `init.signal` aborts. */
type Send = (url: string, init: RequestInit) => Promise<Response>;

/**
 * One attempt's whole exchange: sends the request, sets `state.answer` when the head arrives and
 * resolves with the body read to the end (within `maxResponseBytes`). Rejects when the attempt is
 * stopped (`state.stop`), whichever transport carries it.
 */
type Exchange = (url: string, init: RequestInit, state: AttemptState) => Promise<Uint8Array | undefined>;

/** What one attempt produced when it did not succeed and the caller did not abort. */
interface AttemptFailure {
  error: CollabError;
  /** Whether the failure kind is worth another attempt (before idempotency and budget checks). */
  retryable: boolean;
  retryAfterMs?: number;
  /** Whether the request may have been applied although no 2xx answer came (network error, timeout, 5xx). */
  outcomeUnknown?: boolean;
}

/**
 * One attempt's timer entry (it is its own `DeadlineEntry`: `fire` is its timeout) and where its body
 * reader is, so a timeout can cancel it (and with it the connection). One allocation per attempt
 * instead of a closure, an entry and a state object.
 */
class AttemptState implements DeadlineEntry {
  /** Set by `fire`: the attempt ran out of time. */
  timedOut = false;
  reader?: ReadableStreamDefaultReader<Uint8Array>;
  /** The `node` transport's request: destroying it ends the exchange and its socket. */
  request?: { destroy(error?: Error): unknown };
  /** The answer's status and headers, set by the transport when they arrive. */
  answer?: AnswerHead;
  /** Set when the attempt was stopped (timeout or caller abort): a response arriving later is cancelled on arrival. */
  abandoned?: unknown;
  /** Rejects the attempt's race (the path without a signal). */
  rejectOnTimeout?: (reason: unknown) => void;

  constructor(
    readonly at: number,
    private readonly controller: AbortController | undefined,
  ) {}

  fire(): void {
    this.timedOut = true;
    this.stop(new DOMException('The attempt timed out', 'TimeoutError'));
  }

  /**
   * Ends the exchange: aborts its signal (when it has one), rejects its race (when it has none) and
   * cancels its body, at once when it is being read or as soon as the headers arrive. Cancelling the
   * body stream closes the connection, so a stopped download does not run on in the background; it
   * is done even with a signal, so the attempt ends whether or not the transport passes the abort on
   * to a body that is mid-read (a dripping body once outlived its abort under load).
   */
  stop(reason: unknown): void {
    this.abandoned = reason;
    this.controller?.abort(reason);
    this.rejectOnTimeout?.(reason);
    this.reader?.cancel(reason).catch(ignore);
    // Always an Error: a request destroyed without one before its socket is assigned emits no 'error'.
    this.request?.destroy(reason instanceof Error ? reason : new Error('The attempt was stopped'));
  }
}

/** A body over `maxResponseBytes`, declared (`Content-Length`) or counted while reading. */
class ResponseTooLarge extends Error {
  constructor(
    readonly bytes: number,
    readonly declared: boolean,
  ) {
    super('response body too large');
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Creates the HTTP client an adapter uses for every vendor call (one instance per adapter).
 *
 * Policy, in short: each attempt has its own timeout (`timeoutMs`) and the whole call, retries and
 * waits included, has a deadline (`deadlineMs`). A timed-out attempt is cancelled, not abandoned: its
 * body stream (and so its connection) is closed. Only requests marked `idempotent` are retried, on
 * 408/429/5xx (not 501/505), network errors and attempt timeouts, after exponential backoff with full
 * jitter, or after the server's `Retry-After` / `X-RateLimit-Retry-After` in full when that fits the
 * deadline (else the call fails at once). A retry of a create with a client-chosen id that meets 409
 * after an attempt whose outcome was unknown is that create having been applied: `recoverConflict`
 * fetches the object. Redirects are never followed: a 3xx is a `ProviderResponseError`, so neither the
 * credentials nor the body go to another host. Bodies over `maxResponseBytes` are refused. A caller
 * abort rejects at once with `AbortedError` (its `cause` is `signal.reason`) and is never retried.
 * Non-2xx answers go through `mapError`, then {@link defaultMapError}. Secret header values are
 * registered for redaction, so they never reach an error message, `cause` or log entry, and a 2xx body
 * that echoes one is returned redacted.
 *
 * @param options - Base URL, auth headers, timeouts, retry policy, hooks.
 * @returns A client whose `request` returns the parsed (and schema-checked) body.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { provider } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const retries = Math.max(0, options.retries ?? DEFAULT_RETRIES);
  const backoffMs = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  const maxBackoffMs = options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const logger = options.logger?.http ? options.logger : undefined;
  const requestIdHeaders = (options.requestIdHeaders ?? ['x-request-id']).map((h) => h.toLowerCase());
  const base = options.baseUrl.endsWith('/') ? options.baseUrl.slice(0, -1) : options.baseUrl;

  // Header objects are built once: on the hot path a request without extra headers reuses them as-is.
  const baseHeaders: Record<string, string> = { accept: 'application/json' };
  // Every credential this client sends, looked for in 2xx bodies: a vendor that echoes one must not
  // put it into an entity's mapped fields or `raw`.
  const credentials = [...(options.echoedSecrets ?? [])];
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    baseHeaders[name.toLowerCase()] = value;
    for (const secret of protectSecretHeader(name, value)) if (!credentials.includes(secret)) credentials.push(secret);
  }
  // A body holding `Bearer sk_x` holds `sk_x`: only the innermost of such secrets is searched for.
  const echoedSecrets = innermostSecrets(credentials);
  const jsonHeaders: Record<string, string> = { 'content-type': 'application/json', ...baseHeaders };

  const exchange = exchangeFor(options, provider, maxResponseBytes, readBody);
  const deadlines = new DeadlineTimer();
  // Registered so that `redact` replaces them wherever they appear, not only under secret-looking names.
  for (const secret of credentials) registerSecret(secret);

  async function request(req: HttpRequest<z.ZodType | undefined>): Promise<unknown> {
    const signal = req.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new ValidationError('options.signal', 'must be an AbortSignal', { provider, operation: req.operation });
    }
    if (signal?.aborted) throw AbortedError.from(signal, { provider, operation: req.operation });
    if (req.json !== undefined && req.body !== undefined) {
      throw new ValidationError('request', '`json` and `body` are exclusive', { provider, operation: req.operation });
    }

    const pathAndQuery = appendQuery(req.path.startsWith('/') ? req.path : '/' + req.path, req.query);
    const url = base + pathAndQuery;
    // `manual`: a 3xx comes back as itself and is refused below, instead of taking the credentials (and,
    // for 307/308, the body) to whatever host it names, or turning a POST into a body-less GET.
    const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers: headersFor(req), redirect: 'manual', signal: undefined };
    // A stream body can be sent only once, so such a request cannot be retried whatever its idempotency.
    let canRetry = req.idempotent && retries > 0;
    if (req.json !== undefined) init.body = JSON.stringify(req.json);
    else if (req.body !== undefined) {
      init.body = req.body as NonNullable<RequestInit['body']>;
      if (typeof ReadableStream !== 'undefined' && req.body instanceof ReadableStream) {
        init.duplex = 'half';
        canRetry = false;
      }
    }
    const logPath = logger ? redactPathForLog(pathAndQuery) : '';

    const started = performance.now();
    const deadlineAt = started + deadlineMs;
    // Whether an earlier attempt may have been applied without our hearing of it.
    let maybeApplied = false;
    for (let attempt = 1; ; attempt++) {
      const outcome = await runAttempt(req, url, init, attempt, deadlineAt, logPath);
      if (!(outcome instanceof Failure)) return outcome;
      const { error, retryable, retryAfterMs, outcomeUnknown } = outcome.failure;
      // The create was applied by the attempt whose answer was lost: the object exists, and is ours.
      if (maybeApplied && req.recoverConflict && error.code === 'conflict') return req.recoverConflict();
      if (!canRetry || !retryable || attempt > retries) throw error;
      if (outcomeUnknown) maybeApplied = true;
      // The server's own hint is waited in full (cutting it short only earns another 429); `maxBackoffMs`
      // bounds our computed backoff. Waiting past the deadline would only end in a TimeoutError that
      // hides the real cause, so the call fails now with it.
      const wait = retryAfterMs !== undefined ? retryAfterMs : fullJitter(attempt);
      if (performance.now() + wait >= deadlineAt) throw error;
      await sleep(wait, signal, provider, req.operation);
    }
  }

  function headersFor(req: HttpRequest<z.ZodType | undefined>): Record<string, string> {
    const defaults = req.json !== undefined ? jsonHeaders : baseHeaders;
    if (req.headers === undefined) return defaults;
    const merged = { ...defaults };
    for (const name in req.headers) {
      const value = req.headers[name] as string;
      merged[name.toLowerCase()] = value;
      protectSecretHeader(name, value);
    }
    return merged;
  }

  function fullJitter(attempt: number): number {
    return fullJitterBackoffMs(attempt, backoffMs, maxBackoffMs);
  }

  /** One attempt: resolves with the parsed body, or a `Failure`; throws only the caller's abort reason. */
  async function runAttempt(
    req: HttpRequest<z.ZodType | undefined>,
    url: string,
    init: RequestInit,
    attempt: number,
    deadlineAt: number,
    logPath: string,
  ): Promise<unknown> {
    const callerSignal = req.signal;
    const t0 = performance.now();
    const remaining = deadlineAt - t0;
    if (remaining <= 0) return new Failure({ error: deadlineError(req), retryable: false });

    // With a caller signal, the attempt gets its own controller, fed by our timer and the caller's signal:
    // it tells a timeout from a caller abort and cancels the request either way. Without one, no signal
    // is attached at all: undici's per-request cost of a signal (abort listeners and a FinalizationRegistry
    // entry) measured ~36 µs of CPU per call on Node 20 under concurrency (~13 µs on Node 24), the largest
    // single cost of a call. The timeout then races the exchange: the call still fails on time, and the
    // abandoned request's socket goes back to the pool when the server answers (or Node's own socket
    // timeouts close it).
    const controller = callerSignal ? new AbortController() : undefined;
    const hitsDeadline = remaining < timeoutMs;
    // One object per attempt is its deadline entry, its timeout handler and its body state.
    const state = new AttemptState(t0 + (hitsDeadline ? remaining : timeoutMs), controller);
    deadlines.addEntry(state);
    let onCallerAbort: (() => void) | undefined;
    if (controller) {
      onCallerAbort = () => state.stop(callerSignal?.reason);
      callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    }
    init.signal = controller?.signal;

    let bytes: Uint8Array | undefined;
    try {
      // The body is read inside the timer so a server that stalls mid-body still times out, and it
      // is always read to the end so the keep-alive connection goes back to the pool.
      if (controller) bytes = await exchange(url, init, state);
      else {
        // The exchange settles the race itself (one promise fewer per call than racing a `.then` chain);
        // a rejection after the timeout settled it is ignored, so it is never unhandled.
        bytes = await new Promise<Uint8Array | undefined>((resolve, reject) => {
          state.rejectOnTimeout = reject;
          exchange(url, init, state).then(resolve, reject);
        });
      }
    } catch (err) {
      const response = state.answer;
      if (callerSignal?.aborted) {
        if (logger) logAttempt(req, logPath, response?.status, t0, attempt, response, 'aborted');
        throw AbortedError.from(callerSignal, { provider, operation: req.operation });
      }
      const timedOut = state.timedOut;
      const failure = new Failure(
        err instanceof ResponseTooLarge && !timedOut
          ? { error: tooLargeError(req, response as AnswerHead, err), retryable: false }
          : !timedOut
            ? { error: networkError(req, err), retryable: true, outcomeUnknown: true }
            : hitsDeadline
              ? { error: deadlineError(req, err), retryable: false, outcomeUnknown: true }
              : { error: attemptTimeoutError(req, attempt, err), retryable: true, outcomeUnknown: true },
      );
      if (logger) logAttempt(req, logPath, response?.status, t0, attempt, response, failure.failure.error.code);
      return failure;
    } finally {
      deadlines.remove(state);
      if (onCallerAbort) callerSignal?.removeEventListener('abort', onCallerAbort);
    }
    // Parsing stays outside the try above: a throwing schema transform or mapError hook is a bug to
    // surface, not a network error to retry.
    const answered = state.answer as AnswerHead; // set before the body was read
    const status = answered.status;
    const success = status >= 200 && status < 300;
    const outcome =
      success && req.responseType === 'bytes'
        ? (bytes ?? new Uint8Array(0))
        : success
          ? parseSuccess(req, answered, decode(bytes))
          : new Failure(status >= 300 && status < 400 ? redirectFailure(req, answered, url) : httpFailure(req, answered, decode(bytes)));
    if (logger) logAttempt(req, logPath, status, t0, attempt, answered, outcome instanceof Failure ? outcome.failure.error.code : undefined);
    return outcome;
  }

  /**
   * Reads a body to the end, refusing one over `maxResponseBytes` (declared or counted) before it is
   * buffered; `undefined` when there is none. The reader is left in `state` so a timeout can cancel it.
   */
  async function readBody(response: Response, state: AttemptState): Promise<Uint8Array | undefined> {
    const stream = response.body;
    if (state.abandoned !== undefined) {
      stream?.cancel(state.abandoned).catch(ignore);
      throw state.abandoned;
    }
    const declared = response.headers.get('content-length');
    if (declared !== null && Number(declared) > maxResponseBytes) {
      stream?.cancel().catch(ignore);
      throw new ResponseTooLarge(Number(declared), true);
    }
    if (stream === null) return undefined;
    const reader = stream.getReader();
    state.reader = reader;
    let first: Uint8Array | undefined;
    let rest: Uint8Array[] | undefined;
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxResponseBytes) {
        reader.cancel().catch(ignore);
        throw new ResponseTooLarge(total, false);
      }
      if (first === undefined) first = value;
      else (rest ??= []).push(value);
    }
    if (state.abandoned !== undefined) throw state.abandoned;
    if (first === undefined || rest === undefined) return first;
    const all = new Uint8Array(total);
    all.set(first, 0);
    let offset = first.byteLength;
    for (const chunk of rest) {
      all.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return all;
  }

  function redirectFailure(req: HttpRequest<z.ZodType | undefined>, response: AnswerHead, url: string): AttemptFailure {
    const location = response.headers.get('location');
    let target = 'no Location';
    if (location !== null) {
      try {
        // The host only: a query may carry a signed token, and the path is the vendor's business.
        target = new URL(location, url).host || 'an unparsable Location';
      } catch {
        target = 'an unparsable Location';
      }
    }
    return {
      error: new ProviderResponseError(
        `${provider} answered ${req.operation} with HTTP ${response.status}, a redirect to ${target}; redirects are never followed, so nothing was sent there and the call did not happen (check baseUrl)`,
        errorInit(req, response),
      ),
      retryable: false,
    };
  }

  function tooLargeError(req: HttpRequest<z.ZodType | undefined>, response: AnswerHead, err: ResponseTooLarge): ProviderResponseError {
    const size = err.declared ? `declares ${err.bytes} bytes` : `passed ${maxResponseBytes} bytes`;
    return new ProviderResponseError(
      `${provider} answered ${req.operation} (HTTP ${response.status}) with a body that ${size}, over the ${maxResponseBytes}-byte limit (maxResponseBytes); it was not read`,
      errorInit(req, response),
    );
  }

  /** Reports one attempt. Built field by field so nothing but these fields (never headers) can slip in. */
  function logAttempt(
    req: HttpRequest<z.ZodType | undefined>,
    path: string,
    status: number | undefined,
    t0: number,
    attempt: number,
    response: AnswerHead | undefined,
    error: string | undefined,
  ): void {
    const entry: HttpLogEntry = {
      provider,
      operation: req.operation,
      method: req.method,
      path,
      ms: Math.round((performance.now() - t0) * 10) / 10,
      attempt,
    };
    if (status !== undefined) entry.status = status;
    const requestId = response ? requestIdOf(response.headers) : undefined;
    if (requestId !== undefined) entry.requestId = redactText(requestId);
    if (error !== undefined) entry.error = error;
    try {
      logger?.http?.(entry);
    } catch {
      // A failing logger must not fail the call it is observing.
    }
  }

  function parseSuccess(req: HttpRequest<z.ZodType | undefined>, response: AnswerHead, text: string): unknown {
    const type = req.responseType ?? 'json';
    if (type === 'empty') return undefined;
    if (type === 'text') return text;
    if (text === '') return req.schema ? checkSchema(req, response, undefined) : undefined;
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      return new Failure({
        error: new ProviderResponseError(`${provider} answered ${req.operation} (HTTP ${response.status}) with a body that is not valid JSON`, {
          ...errorInit(req, response),
          // The parser's message quotes the body, which may hold anything: keep only its kind.
          cause: new SyntaxError((err as Error).name === 'SyntaxError' ? 'Invalid JSON' : 'Unreadable body'),
        }),
        retryable: false,
      });
    }
    const out = req.schema ? checkSchema(req, response, data) : data;
    return typeof out === 'object' && out !== null && !(out instanceof Failure) && echoesSecret(text, out) ? redact(out) : out;
  }

  /**
   * Whether a 2xx body carries one of this client's credentials. A substring search of the raw text
   * is enough unless the body uses JSON escapes (`\/`, `\u0073`...), which could spell a secret
   * differently: only then are the parsed strings walked.
   */
  function echoesSecret(text: string, parsed: object): boolean {
    if (echoedSecrets.length === 0) return false;
    for (const secret of echoedSecrets) if (text.includes(secret)) return true;
    return text.includes('\\') && containsSecret(parsed, echoedSecrets);
  }

  function checkSchema(req: HttpRequest<z.ZodType | undefined>, response: AnswerHead, data: unknown): unknown {
    const checked = checkAnswer(req.schema as z.ZodType, data);
    if (checked.ok) return checked.data;
    return new Failure({
      error: new ProviderResponseError(
        `${provider} answered ${req.operation} with an unexpected shape: field "${checked.path}": ${checked.message}`,
        { ...errorInit(req, response), path: checked.path, cause: { issues: checked.issues } },
      ),
      retryable: false,
    });
  }

  function httpFailure(req: HttpRequest<z.ZodType | undefined>, response: AnswerHead, text: string): AttemptFailure {
    const status = response.status;
    const headers = response.headers;
    const ctx: HttpErrorContext = {
      status,
      body: parseErrorBody(text),
      headers,
      operation: req.operation,
      provider,
      retryAfterMs: parseRetryAfter(headers),
      requestId: requestIdOf(headers),
    };
    let mapped: CollabError | undefined;
    try {
      mapped = options.mapError?.(ctx);
    } catch (err) {
      // A hook that throws a CollabError has mapped the answer; any other throw is a hook bug and the
      // default mapping is the safer outcome than leaking whatever it threw.
      if (CollabError.is(err)) mapped = err;
    }
    const error = mapped ? fillContext(mapped, req.operation, status, ctx.requestId) : defaultMapError(ctx, response.statusText);
    // The adapter's mapping knows the vendor: e.g. one that answers 500 for a missing document, which must not be retried.
    // A 5xx may come from a gateway that had passed the request on: whether it was applied is unknown.
    return { error, retryable: mapped ? mapped.retryable : isRetryableStatus(status), retryAfterMs: ctx.retryAfterMs, outcomeUnknown: status >= 500 };
  }

  function errorInit(req: HttpRequest<z.ZodType | undefined>, response: AnswerHead) {
    return { provider, operation: req.operation, status: response.status, requestId: requestIdOf(response.headers) };
  }


  function requestIdOf(headers: Headers): string | undefined {
    for (const name of requestIdHeaders) {
      const id = headers.get(name);
      if (id) return id;
    }
    return undefined;
  }

  function fillContext(error: CollabError, operation: string, status: number, requestId: string | undefined): CollabError {
    const e = error as Mutable<CollabError>;
    e.provider ??= provider;
    e.operation ??= operation;
    e.status ??= status;
    e.requestId ??= requestId === undefined ? undefined : redactText(requestId);
    return error;
  }

  function networkError(req: HttpRequest<z.ZodType | undefined>, err: unknown): NetworkError {
    // undici wraps the socket error (ECONNRESET, ECONNREFUSED...) as `cause` of a bare "fetch failed".
    const inner = err instanceof Error && err.cause instanceof Error ? err.cause : err;
    const code = (inner as { code?: unknown } | undefined)?.code;
    const what = typeof code === 'string' ? code : inner instanceof Error ? inner.message : 'request failed';
    return new NetworkError(`${provider} ${req.operation}: network error (${what})`, { provider, operation: req.operation, cause: inner });
  }

  function attemptTimeoutError(req: HttpRequest<z.ZodType | undefined>, attempt: number, err: unknown): TimeoutError {
    return new TimeoutError(`${provider} ${req.operation}: no complete response within ${timeoutMs} ms (attempt ${attempt})`, {
      provider,
      operation: req.operation,
      cause: err,
    });
  }

  function deadlineError(req: HttpRequest<z.ZodType | undefined>, err?: unknown): TimeoutError {
    return new TimeoutError(`${provider} ${req.operation}: did not complete within the ${deadlineMs} ms deadline`, {
      provider,
      operation: req.operation,
      cause: err,
      retryable: true,
    });
  }

  return { request } as HttpClient;
}

/** Marks an attempt's failure so it cannot be confused with a parsed body that happens to look alike. */
class Failure {
  constructor(readonly failure: AttemptFailure) {}
}

function ignore(): void {
  // A cancel that fails has nothing left to cancel.
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

function parseErrorBody(text: string): unknown {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return redact(JSON.parse(text) as unknown);
    } catch {
      // Not JSON after all (truncated, or HTML starting oddly): fall through to text.
    }
  }
  return redactText(text);
}

/**
 * Registers the value of a secret-named header, and the credential after its auth scheme, for
 * redaction; returns them (empty for a header that is not secret).
 */
function protectSecretHeader(name: string, value: string): string[] {
  if (!isSecretKey(name)) return [];
  const secrets = [value];
  const space = value.indexOf(' ');
  if (space > 0) secrets.push(value.slice(space + 1).trim());
  const kept = secrets.filter((s) => s.length >= 6);
  for (const secret of kept) registerSecret(secret);
  return kept;
}

function sleep(ms: number, signal: AbortSignal | undefined, provider: string, operation: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(AbortedError.from(signal, { provider, operation }));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(AbortedError.from(signal as AbortSignal, { provider, operation }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The exchange of the configured transport. Without `transport`, Node.js gets `node` (`node:http`, about
 * a third of fetch's CPU per call) unless a `fetch` is given, which only the fetch-based transports call.
 */
function exchangeFor(
  options: HttpClientOptions,
  provider: string,
  maxResponseBytes: number,
  readBody: (response: Response, state: AttemptState) => Promise<Uint8Array | undefined>,
): Exchange {
  const onNode = hasNodeHttp();
  const transport = options.transport ?? (options.fetch === undefined && onNode ? 'node' : 'fetch');
  if (transport === 'node') {
    if (options.fetch !== undefined) {
      throw new ValidationError('transport', "'node' sends with node:http and never calls the `fetch` option; pass transport 'fetch' to use a custom fetch", { provider });
    }
    if (!onNode) throw new ValidationError('transport', "'node' needs Node.js (node:http); use 'fetch' on this runtime", { provider });
    const tooLarge = (bytes: number, declared: boolean) => new ResponseTooLarge(bytes, declared);
    return (url, init, state) => nodeExchange(url, init as NodeRequestInit, state, maxResponseBytes, tooLarge);
  }
  const send = transport === 'ky' ? kySend(options.fetch) : fetchSend(options.fetch);
  return (url, init, state) =>
    send(url, init).then((response) => {
      state.answer = response;
      return readBody(response, state);
    });
}

function fetchSend(override: typeof fetch | undefined): Send {
  // `globalThis.fetch` is looked up per call, not captured, so interceptors installed after the
  // client was created (nock, msw) still see the request.
  return override ? (url, init) => override(url, init) : (url, init) => globalThis.fetch(url, init);
}

/**
 * ky as the transport, with its retry, timeout and HTTP-error throwing turned off. ky's retry is not
 * used because the policy needs things it cannot express: telling an attempt timeout from the overall
 * deadline and from a caller abort, failing early when `Retry-After` passes the deadline, and one
 * error mapping for every outcome. It is not the default because ky builds, clones and re-signals a
 * `Request` on every call, which measured about +60 µs per call (≈1.5x a raw loopback fetch).
 */
function kySend(override: typeof fetch | undefined): Send {
  // ky is imported on the first request, not with this module: its module body builds a `Request` to
  // probe for stream support, which loads Node's whole fetch stack (undici, http, http2, tls) — about a
  // third of an adapter's cold start, paid by every app although ky is an opt-in transport.
  // One import per client; a failed import is retried on the next call rather than cached.
  let instance: Promise<KyInstance> | undefined;
  const load = (): Promise<KyInstance> =>
    (instance ??= import('ky').then(
      ({ default: ky }) =>
        ky.create({
          retry: 0,
          timeout: false,
          throwHttpErrors: false,
          fetch: override ?? ((input, init) => globalThis.fetch(input, init)),
        }),
      (err: unknown) => {
        instance = undefined;
        throw err;
      },
    ));
  return async (url, init) => (await load())(url, init as Parameters<KyInstance>[1]);
}
