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

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function rec(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * The human message in a vendor error body. Knows the shapes our vendors use: Liveblocks
 * `{ error: CODE, message }`, Velt/Firebase `{ error: { message, status } }`, Kabelwerk/Phoenix
 * `{ errors: { field: [msg] } }`, plus the common `detail` / `error_description` / `title`.
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

/**
 * The default mapping of a non-2xx answer to a `CollabError`, used when the adapter's `mapError`
 * returns `undefined`. Adapters may call it themselves to refine only some cases.
 *
 * 400/422 `ValidationError` (field `request`), 401 `AuthenticationError`, 403 `PermissionError`,
 * 404 `NotFoundError`, 409 `ConflictError`, 429 `RateLimitError` (with `retryAfterMs`),
 * 5xx `ProviderUnavailableError` (501/505 not retryable: asking again cannot help), anything else `CollabError`.
 *
 * @param ctx - The answer, with an already redacted body.
 * @param statusText - The server's reason phrase, if any.
 */
export function defaultMapError(ctx: HttpErrorContext, statusText?: string): CollabError {
  const { status } = ctx;
  const said = vendorMessage(ctx.body);
  const init: CollabErrorInit = {
    provider: ctx.provider,
    operation: ctx.operation,
    status,
    requestId: ctx.requestId,
    vendorCode: vendorCode(ctx.body),
    cause: { status, body: ctx.body },
  };
  if (status === 400 || status === 422) {
    return new ValidationError('request', `${ctx.provider} rejected ${ctx.operation} (HTTP ${status}): ${said ?? reasonPhrase(status, statusText)}`, init);
  }
  const reason = reasonPhrase(status, statusText);
  const message = `${ctx.provider} ${ctx.operation} failed with HTTP ${status}${reason ? ' ' + reason : ''}${said ? ': ' + said : ''}`;
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
      return new RateLimitError(message, { ...init, retryAfterMs: ctx.retryAfterMs });
    default:
      if (status >= 500) return new ProviderUnavailableError(message, { ...init, retryable: status !== 501 && status !== 505 });
      return new CollabError(message, { ...init, retryable: status === 408 });
  }
}
