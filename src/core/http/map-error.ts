import {
  AuthenticationError,
  CollabError,
  ConflictError,
  NotFoundError,
  PermissionError,
  ProviderUnavailableError,
  RateLimitError,
  ValidationError,
  type CollabErrorInit,
} from '../errors.js';
import type { HttpErrorContext } from './types.js';
import { rec, str } from '../records.js';

/** Fallback reason phrases: HTTP/2 responses and some proxies send an empty `statusText`. */
const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Longest vendor text quoted in an error message: enough to be useful, short enough for a log line. */
const MAX_QUOTED = 200;

/** The reason phrase of `status`, preferring the server's own `statusText`. */
export function reasonPhrase(status: number, statusText?: string): string {
  return statusText || REASON[status] || '';
}

/**
 * Turns a non-JSON error body (typically a proxy's HTML error page) into one readable line:
 * scripts, styles, comments and tags removed, whitespace collapsed, cut at 200 characters.
 */
export function cleanErrorText(text: string): string {
  // Bounding the input keeps the regexes cheap on a multi-megabyte page; the start is what matters.
  const head = text.length > 20_000 ? text.slice(0, 20_000) : text;
  const plain = head
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]*>?/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&quot;/gi, '"')
    .replace(/&#39;|&apos;/gi, "'")
    .replace(/&amp;/gi, '&')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > MAX_QUOTED ? plain.slice(0, MAX_QUOTED - 1) + '…' : plain;
}

/**
 * The human message in a vendor error body. Knows the common vendor shapes:
 * `{ error: CODE, message }`, `{ error: { message, status } }` (Google/Firebase style),
 * `{ errors: { field: [msg] } }` (Phoenix/Rails style), plus `detail` / `error_description` / `title`.
 */
export function vendorMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return str(body) === undefined ? undefined : cleanErrorText(body);
  const b = rec(body);
  if (!b) return undefined;
  const nested = rec(b.error);
  const direct = str(b.message) ?? str(nested?.message) ?? str(b.error_description) ?? str(b.detail) ?? str(b.title);
  if (direct) return cut(direct);
  if (Array.isArray(b.errors)) {
    const first = b.errors[0];
    const m = str(first) ?? str(rec(first)?.message);
    if (m) return cut(m);
  }
  const fieldErrors = rec(b.errors);
  if (fieldErrors) {
    const field = Object.keys(fieldErrors).sort()[0];
    if (field !== undefined) {
      const list = fieldErrors[field];
      const m = Array.isArray(list) ? str(list[0]) : str(list);
      if (m) return cut(`${field}: ${m}`);
    }
  }
  return str(b.error) ? cut(b.error as string) : undefined;
}

/** The vendor's machine code (`ROOM_NOT_FOUND`, `PERMISSION_DENIED`, ...) in an error body, if any. */
export function vendorCode(body: unknown): string | undefined {
  const b = rec(body);
  if (!b) return undefined;
  const nested = rec(b.error);
  if (nested) return str(nested.status) ?? str(nested.code);
  return str(b.error) ?? str(b.code);
}

function cut(text: string): string {
  return text.length > MAX_QUOTED ? text.slice(0, MAX_QUOTED - 1) + '…' : text;
}

/** What {@link defaultMapError} worked out about an answer, handed to the refinement hooks. */
export interface ErrorFacts {
  /** The vendor's error code, when the body has one. */
  readonly code: string | undefined;
  /** The vendor's explanation, when the body has one. */
  readonly explanation: string | undefined;
  /** The reason phrase of the status (the server's, else the standard one; `''` when unknown). */
  readonly reason: string;
}

/**
 * An adapter's tweaks to {@link defaultMapError}: each hook is optional, and whatever an adapter
 * leaves out keeps the default, so the adapter states only its vendor quirks.
 */
export interface ErrorMapRefinements {
  /** The vendor's error code (default: {@link vendorCode}). */
  code?(ctx: HttpErrorContext): string | undefined;
  /** The vendor's explanation (default: {@link vendorMessage}). */
  explanation?(ctx: HttpErrorContext): string | undefined;
  /** The message of a failure (default: `<provider> <operation> failed with HTTP <status>[ <reason>][: <explanation>]`). */
  message?(ctx: HttpErrorContext, facts: ErrorFacts): string;
  /** The message of a 400/422 (default: `<provider> rejected <operation> (HTTP <status>): <explanation or reason>`). */
  rejectedMessage?(ctx: HttpErrorContext, facts: ErrorFacts): string;
  /** The field a 400/422 `ValidationError` names (default and fallback: `request`). */
  field?(ctx: HttpErrorContext, facts: ErrorFacts): string | undefined;
  /**
   * An error that replaces the default class for this answer (say, a 403 that means bad
   * credentials); `undefined` keeps the default.
   */
  override?(ctx: HttpErrorContext, facts: ErrorFacts, message: string, init: CollabErrorInit): CollabError | undefined;
}

/** What {@link httpErrorInit} reads of a vendor answer (the status may be absent: an error sent with HTTP 200). */
export interface VendorAnswer {
  /** The provider id. */
  readonly provider: string;
  /** The operation, e.g. `rooms.get`. */
  readonly operation: string;
  /** HTTP status, when the error came with a non-2xx one. */
  readonly status?: number | undefined;
  /** The vendor's request id, when present. */
  readonly requestId?: string | undefined;
  /** The answer's body, already redacted. */
  readonly body: unknown;
}

/**
 * The `CollabErrorInit` of a vendor answer: provider, operation, status, request id, vendor code and
 * the (redacted) body as the cause. Absent values are left out rather than set to `undefined`.
 */
export function httpErrorInit(ctx: VendorAnswer, code: string | undefined): CollabErrorInit {
  const init: CollabErrorInit = { provider: ctx.provider, operation: ctx.operation, cause: { status: ctx.status, body: ctx.body } };
  if (ctx.status !== undefined) init.status = ctx.status;
  if (ctx.requestId !== undefined) init.requestId = ctx.requestId;
  if (code !== undefined) init.vendorCode = code;
  return init;
}

/**
 * The default mapping of a non-2xx answer to a `CollabError`, used when the adapter's `mapError`
 * returns `undefined`. Adapters call it with their {@link ErrorMapRefinements} to change only their quirks.
 *
 * 400/422 `ValidationError` (field `request`), 401 `AuthenticationError`, 403 `PermissionError`,
 * 404 `NotFoundError`, 409 `ConflictError`, 429 `RateLimitError` (with `retryAfterMs`),
 * 5xx `ProviderUnavailableError` (501/505 not retryable: asking again cannot help), anything else `CollabError`.
 *
 * @param ctx - The answer, with an already redacted body.
 * @param statusText - The server's reason phrase, if any.
 * @param refine - The adapter's tweaks.
 */
export function defaultMapError(ctx: HttpErrorContext, statusText?: string, refine: ErrorMapRefinements = {}): CollabError {
  const { status } = ctx;
  const facts: ErrorFacts = {
    code: refine.code ? refine.code(ctx) : vendorCode(ctx.body),
    explanation: refine.explanation ? refine.explanation(ctx) : vendorMessage(ctx.body),
    reason: reasonPhrase(status, statusText),
  };
  const init = httpErrorInit(ctx, facts.code);
  if (status === 400 || status === 422) {
    const message = refine.rejectedMessage
      ? refine.rejectedMessage(ctx, facts)
      : `${ctx.provider} rejected ${ctx.operation} (HTTP ${status}): ${facts.explanation ?? facts.reason}`;
    return refine.override?.(ctx, facts, message, init) ?? new ValidationError(refine.field?.(ctx, facts) ?? 'request', message, init);
  }
  const message = refine.message
    ? refine.message(ctx, facts)
    : `${ctx.provider} ${ctx.operation} failed with HTTP ${status}${facts.reason ? ' ' + facts.reason : ''}${facts.explanation ? ': ' + facts.explanation : ''}`;
  const refined = refine.override?.(ctx, facts, message, init);
  if (refined) return refined;
  switch (status) {
    case 401:
      return new AuthenticationError(message, init);
    case 403:
      return new PermissionError(message, init);
    case 404:
      return new NotFoundError(message, init);
    case 409:
      return new ConflictError(message, init);
    case 429:
      return new RateLimitError(message, ctx.retryAfterMs !== undefined ? { ...init, retryAfterMs: ctx.retryAfterMs } : init);
    default:
      if (status >= 500) return new ProviderUnavailableError(message, { ...init, retryable: status !== 501 && status !== 505 });
      return new CollabError(message, { ...init, retryable: status === 408 });
  }
}
