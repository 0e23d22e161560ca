import type { z } from 'zod';
import type { CollabError } from '../errors.js';
import type { CollabLogger } from '../logger.js';

/** What the error-mapping hook gets for a non-2xx answer. */
export interface HttpErrorContext {
  /** HTTP status. */
  status: number;
  /** Parsed JSON body, or the text body when it is not JSON (already redacted). */
  body: unknown;
  /** Response headers. */
  headers: Headers;
  /** The operation, e.g. `rooms.get`. */
  operation: string;
  /** The provider id. */
  provider: string;
  /** Milliseconds from `Retry-After` / `X-RateLimit-Retry-After`, when present. */
  retryAfterMs?: number;
  /** Vendor request id header, when present. */
  requestId?: string;
}

/** Options of `createHttpClient`. */
export interface HttpClientOptions {
  /** Provider id used in errors and logs. */
  provider: string;
  /** Base URL, e.g. `https://api.example.com`. */
  baseUrl: string;
  /** Headers sent with every request (auth). Never logged, never put in errors. */
  headers?: Record<string, string>;
  /** Timeout of one attempt (default 10 000 ms). */
  timeoutMs?: number;
  /** Overall deadline of a call including retries (default 30 000 ms). */
  deadlineMs?: number;
  /** Retries after the first attempt for idempotent requests (default 2). */
  retries?: number;
  /** Base backoff in ms for exponential backoff with full jitter (default 250). */
  backoffMs?: number;
  /**
   * Maximum computed backoff between attempts (default 20 000 ms). A server's `Retry-After` is waited
   * in full when it fits the deadline; when it does not, the call fails at once with the answer's error.
   */
  maxBackoffMs?: number;
  /**
   * Largest response body read, in bytes (default 10 MiB). A larger body (by `Content-Length`, or
   * counted while streaming) is cancelled unread and the call fails with `ProviderResponseError`.
   */
  maxResponseBytes?: number;
  /** `fetch` override. */
  fetch?: typeof fetch;
  /** Logger hook. */
  logger?: CollabLogger;
  /**
   * Maps a non-2xx answer to a `CollabError`. Return `undefined` to use the default status mapping
   * (400/422 Validation, 401 Authentication, 403 Permission, 404 NotFound, 409 Conflict, 429 RateLimit, 5xx ProviderUnavailable).
   */
  mapError?: (ctx: HttpErrorContext) => CollabError | undefined;
  /**
   * Credentials to look for in 2xx bodies: a parsed body that contains one is returned redacted, so an
   * API that echoes a key can never put it in an entity's `raw`. Empty by default (no walk at all).
   */
  echoedSecrets?: readonly string[];
  /** Names of response headers carrying the vendor request id (default `x-request-id`). */
  requestIdHeaders?: string[];
  /**
   * What sends each attempt. `node` (the default on Node.js when no `fetch` is given) writes the
   * request with `node:http` / `node:https` over Node's keep-alive agents: on a loopback server it cost
   * 0.4-0.5x the CPU of a plain `fetch` call (see the README's benchmarks). `fetch` (the default
   * elsewhere, or when `fetch` is given) calls the `fetch` function directly; `ky` goes through a `ky`
   * instance (retry, timeout and HTTP-error throwing off), about +60 µs per call over `fetch`. All
   * three give the same behaviour: the policy (timeouts, retries, redirects refused, the body limit,
   * redaction) stays in the client. `node` with a `fetch` is a `ValidationError` (it would never call it).
   */
  transport?: 'node' | 'fetch' | 'ky';
}

/**
 * A raw request body: what `fetch` accepts, spelled without the DOM lib so the published types
 * compile in a plain Node project.
 */
export type HttpRequestBody = string | ArrayBuffer | Uint8Array | Blob | FormData | URLSearchParams | ReadableStream<Uint8Array>;

/** One request. */
export interface HttpRequest<S extends z.ZodType | undefined = undefined> {
  /** HTTP method. */
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the base URL, e.g. `/v2/rooms/abc` (callers encode path segments). */
  path: string;
  /** Query parameters; `undefined` values are skipped. */
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body. */
  json?: unknown;
  /** Raw body (binary uploads); exclusive with `json`. */
  body?: HttpRequestBody;
  /** Extra headers for this request. */
  headers?: Record<string, string>;
  /** Schema the 2xx JSON body must match; a mismatch is `ProviderResponseError` with the path of the first bad field. */
  schema?: S;
  /** Whether the request may be retried (GETs, PUT/DELETE by id, creates with a client id, read-only POSTs). */
  idempotent: boolean;
  /** The operation name for errors and logs, e.g. `rooms.get`. */
  operation: string;
  /** Abort signal from the caller. */
  signal?: AbortSignal;
  /**
   * For a create with a client-chosen id (so `idempotent`): when a retry answers 409 after an attempt
   * whose outcome was unknown (network error, timeout, 5xx), that attempt created the object and only
   * its answer was lost. The call then resolves with this function's result (fetch the object) instead
   * of failing with `ConflictError`. A 409 on the first attempt is a real conflict and still throws.
   */
  recoverConflict?: () => Promise<unknown>;
  /**
   * How to read a 2xx body: `json` (default; an empty body gives `undefined`), `text`, `bytes` (a
   * `Uint8Array`, never scanned or redacted: binary content such as a Yjs update), `empty` (body ignored).
   */
  responseType?: 'json' | 'text' | 'bytes' | 'empty';
}

/** The shared HTTP client adapters use (one instance per adapter). */
export interface HttpClient {
  /** Sends a request with the retry, timeout and error policy; returns the parsed (and schema-checked) body. */
  request<S extends z.ZodType | undefined = undefined>(req: HttpRequest<S>): Promise<S extends z.ZodType ? z.output<S> : unknown>;
}
