import { redact, redactText } from './redact.js';

const BRAND = Symbol.for('unicollab.CollabError');

/** Stable machine-readable error codes; one per error class. */
export type CollabErrorCode =
  | 'validation_error'
  | 'not_found'
  | 'conflict'
  | 'authentication_error'
  | 'permission_denied'
  | 'rate_limited'
  | 'provider_unavailable'
  | 'network_error'
  | 'timeout'
  | 'provider_response_error'
  | 'unsupported_feature'
  | 'webhook_verification_failed'
  | 'config_error'
  | 'partial_failure'
  | 'aborted'
  | 'client_closed'
  | 'collab_error';

/** Fields every `CollabError` constructor takes. */
export interface CollabErrorInit {
  /** The provider id (`memory`, ...), when the error comes from one. */
  provider?: string;
  /** The operation, e.g. `rooms.get`. */
  operation?: string;
  /** The HTTP status the vendor answered, if any. */
  status?: number;
  /** The vendor's request id, if it sent one. */
  requestId?: string;
  /** The vendor's own error code (e.g. `ROOM_NOT_FOUND`), if any. */
  vendorCode?: string;
  /** The underlying error or response body (redacted). */
  cause?: unknown;
  /** Whether retrying the same call may succeed. */
  retryable?: boolean;
}

/**
 * Base class of every error unicollab throws. Use `CollabError.is(err)` rather than
 * `instanceof`: it also works when two copies of unicollab are installed.
 * Messages and `cause` are redacted: they never contain keys, tokens or Authorization headers.
 */
export class CollabError extends Error {
  /** Stable machine-readable code. */
  readonly code: CollabErrorCode = 'collab_error';
  /** The provider id, when the error comes from an adapter. */
  readonly provider?: string;
  /** The operation that failed, e.g. `threads.create`. */
  readonly operation?: string;
  /** HTTP status from the vendor, if any. */
  readonly status?: number;
  /** Vendor request id, for support tickets. */
  readonly requestId?: string;
  /** The vendor's own error code, if any. */
  readonly vendorCode?: string;
  /** Whether retrying the same call may succeed. */
  readonly retryable: boolean;

  constructor(message: string, init: CollabErrorInit = {}) {
    super(redactText(message), init.cause === undefined ? undefined : { cause: redactCause(init.cause) });
    this.name = new.target.name;
    // Every text field is redacted like the message: a vendor can echo a key in any header or field.
    this.provider = redactOptional(init.provider);
    this.operation = redactOptional(init.operation);
    this.status = init.status;
    this.requestId = redactOptional(init.requestId);
    this.vendorCode = redactOptional(init.vendorCode);
    this.retryable = init.retryable ?? false;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** True for any unicollab error, even one thrown by another copy of the package. */
  static is(err: unknown): err is CollabError {
    return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === true;
  }

  /**
   * A JSON view without secrets (for logs): `name`, `message` and every own field (a subclass's too),
   * each redacted again, so a field set after construction cannot leak either.
   */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: redactText(this.message) };
    for (const [key, value] of Object.entries(this)) if (key !== 'name' && key !== 'code' && key !== 'message') out[key] = redact(value);
    return out;
  }
}

function redactOptional(text: string | undefined): string | undefined {
  return text === undefined ? undefined : redactText(text);
}

function redactCause(cause: unknown): unknown {
  if (cause instanceof Error) {
    if (CollabError.is(cause)) return cause;
    const copy = new Error(redactText(cause.message));
    copy.name = cause.name;
    if (cause.stack) copy.stack = redactText(cause.stack);
    const code = (cause as { code?: unknown }).code;
    if (code !== undefined) (copy as { code?: unknown }).code = code;
    return copy;
  }
  return redact(cause);
}

/** Bad input, raised before any request. `field` names the offending input path (e.g. `comment.body`). */
export class ValidationError extends CollabError {
  override readonly code = 'validation_error' as const;
  /** Dotted path of the bad input field. */
  readonly field: string;
  /** Every problem found, as `{ field, message }`. */
  readonly issues: ReadonlyArray<{ field: string; message: string }>;
  constructor(field: string, message: string, init: CollabErrorInit & { issues?: Array<{ field: string; message: string }> } = {}) {
    super(`Invalid ${field}: ${message}`, init);
    this.field = redactText(field);
    this.issues = redact(init.issues ?? [{ field, message }]);
  }
}

/** The room, thread, comment, user or notification does not exist. */
export class NotFoundError extends CollabError {
  override readonly code = 'not_found' as const;
}

/** The resource already exists, or the change conflicts with its current state. */
export class ConflictError extends CollabError {
  override readonly code = 'conflict' as const;
}

/** The credentials are missing or wrong (HTTP 401, invalid key). */
export class AuthenticationError extends CollabError {
  override readonly code = 'authentication_error' as const;
}

/** The credentials are valid but not allowed to do this (HTTP 403). */
export class PermissionError extends CollabError {
  override readonly code = 'permission_denied' as const;
}

/** Too many requests. `retryAfterMs` says when to try again, when the vendor said. */
export class RateLimitError extends CollabError {
  override readonly code = 'rate_limited' as const;
  /** Milliseconds to wait before retrying, when known. */
  readonly retryAfterMs?: number;
  constructor(message: string, init: CollabErrorInit & { retryAfterMs?: number } = {}) {
    super(message, { retryable: true, ...init });
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** The vendor failed (HTTP 5xx) or is down. */
export class ProviderUnavailableError extends CollabError {
  override readonly code = 'provider_unavailable' as const;
  constructor(message: string, init: CollabErrorInit = {}) {
    super(message, { retryable: true, ...init });
  }
}

/** The request could not reach the vendor (DNS, refused or reset connection). */
export class NetworkError extends CollabError {
  override readonly code = 'network_error' as const;
  constructor(message: string, init: CollabErrorInit = {}) {
    super(message, { retryable: true, ...init });
  }
}

/** The request (or the whole call with its retries) ran out of time. */
export class TimeoutError extends CollabError {
  override readonly code = 'timeout' as const;
  constructor(message: string, init: CollabErrorInit = {}) {
    super(message, { retryable: true, ...init });
  }
}

/**
 * The collab was closed (`collab.close()`) and this call came after: its sockets, timers and stores
 * are released, so nothing is sent. Create a new collab instead. Never retryable.
 */
export class ClientClosedError extends CollabError {
  override readonly code = 'client_closed' as const;
  constructor(message: string, init: CollabErrorInit = {}) {
    super(message, { ...init, retryable: false });
  }
}

/**
 * The caller aborted the call through its `signal` (before it started or while it ran). `cause` is the
 * signal's `reason`. Never retried. Every provider throws this same class for an abort.
 */
export class AbortedError extends CollabError {
  override readonly code = 'aborted' as const;
  constructor(message: string, init: CollabErrorInit = {}) {
    super(message, { ...init, retryable: false });
  }

  /**
   * The `AbortedError` for a signal that has aborted, naming the operation. Its `cause` is the
   * signal's `reason` itself (the caller's own value, so it is not copied or redacted), letting a
   * caller tell its own aborts apart.
   */
  static from(signal: AbortSignal, init: CollabErrorInit = {}): AbortedError {
    const what = init.operation ? `${init.operation} was aborted` : 'The call was aborted';
    const err = new AbortedError(`${what} by the caller's signal`, { ...init, cause: undefined });
    Object.defineProperty(err, 'cause', { value: signal.reason, writable: true, configurable: true, enumerable: false });
    return err;
  }
}

/** The vendor answered something that does not match its documented shape (API drift). `path` is the first bad field. */
export class ProviderResponseError extends CollabError {
  override readonly code = 'provider_response_error' as const;
  /** Path of the first field that did not match, e.g. `data.0.createdAt`. */
  readonly path?: string;
  constructor(message: string, init: CollabErrorInit & { path?: string } = {}) {
    super(message, init);
    this.path = redactOptional(init.path);
  }
}

/** The configured provider cannot do this. Thrown before any request. */
export class UnsupportedFeatureError extends CollabError {
  override readonly code = 'unsupported_feature' as const;
  /** The capability key, e.g. `reactions.add`. */
  readonly feature: string;
  constructor(provider: string, feature: string, reason?: string) {
    super(`${provider} does not support ${feature}${reason ? `: ${reason}` : ''}`, { provider, operation: feature });
    this.feature = feature;
  }
}

/** A webhook request failed verification (signature, timestamp, headers or body). */
export class WebhookVerificationError extends CollabError {
  override readonly code = 'webhook_verification_failed' as const;
}

/** One problem of a config: the field (dotted path), the environment variable it is read from, and what is wrong. */
export interface ConfigIssue {
  /** The config field at fault, e.g. `apiKey` or `webhookSecrets.1`. */
  field: string;
  /** The environment variable the field is read from, if any. */
  envVar?: string;
  /** What is wrong, as the rest of a sentence about the field (`is required`). */
  message: string;
}

/**
 * The configuration is invalid. `issues` lists every problem found (so a config missing three values
 * is fixed in one go); `field` and `envVar` are those of the first one, for callers that read one.
 */
export class ConfigError extends CollabError {
  override readonly code = 'config_error' as const;
  /** The config field at fault (the first one when there are several), if one. */
  readonly field?: string;
  /** The environment variable `field` is read from, if any. */
  readonly envVar?: string;
  /**
   * Every problem found, in order. When the constructor is given none, the one `field`/`envVar` with
   * the whole message (empty when the error is about no field, e.g. a lock held by another process).
   */
  readonly issues: readonly ConfigIssue[];
  constructor(message: string, init: CollabErrorInit & { field?: string; envVar?: string; issues?: readonly ConfigIssue[] } = {}) {
    super(message, init);
    const first = init.issues?.[0];
    this.field = redactOptional(init.field ?? first?.field);
    this.envVar = init.envVar ?? first?.envVar;
    const issues = init.issues ?? (init.field !== undefined ? [{ field: init.field, ...(init.envVar !== undefined ? { envVar: init.envVar } : {}), message }] : []);
    this.issues = redact(issues.map((issue) => ({ ...issue })));
  }
}

/** One item a batch operation could not apply. */
export interface PartialFailureItem {
  /** The id the item was sent with. */
  id: string;
  /** The vendor's message for the item. */
  message?: string;
  /** The vendor's per-item code, when given. */
  code?: string;
}

/**
 * A batch operation was applied only in part: `written` lists the ids that were applied and `failed`
 * the ones that were not, with the vendor's reason for each. Never retry the whole batch (it would
 * repeat the written items): retry `failed` only.
 */
export class PartialFailureError extends CollabError {
  override readonly code = 'partial_failure' as const;
  /** The items that were not applied. */
  readonly failed: readonly PartialFailureItem[];
  /** The ids of the items that were applied. */
  readonly written: readonly string[];
  constructor(message: string, failed: PartialFailureItem[], written: string[], init: CollabErrorInit = {}) {
    super(message, { retryable: false, ...init });
    this.failed = redact(failed.map((f) => ({ ...f })));
    this.written = redact([...written]);
  }
}
