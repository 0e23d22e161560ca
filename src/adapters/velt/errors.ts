/**
 * Velt error envelopes (`{"error":{"message","status","details"}}`, docs/vendors/velt.md §1.3) mapped to the
 * shared `CollabError` classes, plus `PartialBatchError` (a core `PartialFailureError`) for batch answers
 * where some items failed.
 *
 * Velt speaks the Firebase callable protocol, so the gRPC-style `status` string is the reliable signal:
 * the same error may arrive with its inferred HTTP status, with HTTP 500 (documents, §5) or even with
 * HTTP 200 (a 2xx body carrying `error`). The mapping therefore reads `error.status` first and falls
 * back to the HTTP status only when the body says nothing.
 */
import {
  AuthenticationError,
  CollabError,
  type CollabErrorInit,
  ConflictError,
  PartialFailureError,
  type PartialFailureItem,
  NotFoundError,
  PermissionError,
  ProviderUnavailableError,
  RateLimitError,
  ValidationError,
} from '../../core/errors.js';
import { redact } from '../../core/redact.js';
import { partialFailureMessage } from '../../core/partial-failure.js';
import { rec } from '../../core/records.js';
import { httpErrorInit } from '../../core/http/map-error.js';

const PROVIDER = 'velt';

/** One item of a batch that Velt reported as failed. */
export type BatchItemFailure = PartialFailureItem;

/**
 * Some items of a Velt batch request failed: a `PartialFailureError` (code `partial_failure`) whose message
 * names the failed items and Velt's reasons. `written` lists the ids Velt applied and `failed` the ones it
 * did not; callers (export/migrate) need both lists to resume without duplicates.
 */
export class PartialBatchError extends PartialFailureError {
  constructor(operation: string, failed: BatchItemFailure[], written: string[], init: CollabErrorInit = {}) {
    super(partialFailureMessage(PROVIDER, operation, failed, written), failed, written, {
      provider: PROVIDER,
      operation,
      ...init,
    });
  }

  /** True for a partial-failure error, even one thrown by another copy of unicollab. */
  static override is(err: unknown): err is PartialBatchError {
    return CollabError.is(err) && err.code === 'partial_failure';
  }
}

/** `not-found` / `notFound` / `NOT_FOUND` → `NOT_FOUND`. */
function normaliseCode(code: unknown): string | undefined {
  if (typeof code !== 'string' || code.trim() === '') return undefined;
  return code
    .trim()
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .replace(/[-\s]+/g, '_')
    .toUpperCase();
}

const NOT_FOUND_TEXT = /not found|does not exist|doesn't exist|no such/i;
const EXISTS_TEXT = /already exists?/i;

/** What a failed batch item stands for, from its code or (when Velt gives none) its message. */
function itemKind(item: BatchItemFailure): 'not_found' | 'conflict' | 'other' {
  const code = normaliseCode(item.code);
  if (code === 'NOT_FOUND' || code === 'DOES_NOT_EXIST') return 'not_found';
  if (code === 'ALREADY_EXISTS') return 'conflict';
  if (code === undefined && item.message) {
    if (NOT_FOUND_TEXT.test(item.message)) return 'not_found';
    if (EXISTS_TEXT.test(item.message)) return 'conflict';
  }
  return 'other';
}

/**
 * Splits a per-item breakdown (a map keyed by the ids sent, or the array of `documents/get`, §5.2) into
 * failed and applied items. Array items without `success` are found records (successes).
 * Returns `undefined` when `details` is not a breakdown.
 */
export function splitBatch(details: unknown): { failed: BatchItemFailure[]; written: string[] } | undefined {
  const isArray = Array.isArray(details);
  const map = rec(details);
  if (!isArray && !map) return undefined;
  const entries: Array<[string, unknown]> = isArray
    ? (details as unknown[]).map((v, i) => [String(rec(v)?.id ?? i), v])
    : Object.entries(map!);
  const failed: BatchItemFailure[] = [];
  const written: string[] = [];
  for (const [key, value] of entries) {
    if (value === null) continue; // position placeholders of get answers carry nothing
    const item = rec(value);
    if (!item) return undefined;
    if (item.success === false) {
      // Map keys are the ids sent (denied annotations without an id are keyed `__velt_denied:<index>`).
      const failure: BatchItemFailure = { id: key };
      if (typeof item.message === 'string') failure.message = item.message;
      if (typeof item.code === 'string') failure.code = item.code;
      failed.push(failure);
    } else if (item.success === true) {
      written.push(typeof item.annotationId === 'string' ? item.annotationId : key);
    } else if (isArray) {
      written.push(key); // a found record of documents/get (§5.2)
    } else return undefined;
  }
  return failed.length > 0 ? { failed, written } : undefined;
}

/**
 * Classifies a batch whose items failed: all failed items "not found" → `NotFoundError`, all "already
 * exists" → `ConflictError` (when nothing was written), otherwise `PartialBatchError`.
 */
export function batchError(operation: string, failed: BatchItemFailure[], written: string[], init: CollabErrorInit = {}): CollabError {
  const base: CollabErrorInit = { provider: PROVIDER, operation, ...init };
  if (written.length === 0 && failed.length > 0) {
    const kinds = new Set(failed.map(itemKind));
    const what = failed.map((f) => `${f.id}${f.message ? ` (${f.message})` : ''}`).join(', ');
    if (kinds.size === 1 && kinds.has('not_found')) {
      return new NotFoundError(`velt ${operation}: not found: ${what}`, { ...base, vendorCode: base.vendorCode ?? 'NOT_FOUND' });
    }
    if (kinds.size === 1 && kinds.has('conflict')) {
      return new ConflictError(`velt ${operation}: already exists: ${what}`, { ...base, vendorCode: base.vendorCode ?? 'ALREADY_EXISTS' });
    }
  }
  return new PartialBatchError(operation, failed, written, base);
}

/** What `mapVeltError` needs to know about an answer. */
export interface VeltErrorInput {
  /** HTTP status, when the answer was not a 2xx (a 2xx body carrying `error` has none worth reporting). */
  status?: number;
  /** The parsed body (already redacted by the HTTP layer for non-2xx answers). */
  body: unknown;
  /** The operation, e.g. `rooms.get`. */
  operation: string;
  /** Milliseconds from `Retry-After`, when sent. */
  retryAfterMs?: number;
  /** Vendor request id, when sent. */
  requestId?: string;
}

/**
 * Maps a Velt error envelope to the shared error class for the same situation on every provider:
 * `INVALID_ARGUMENT`/`OUT_OF_RANGE` → `ValidationError` (field `request`); `UNAUTHENTICATED`, and
 * `PERMISSION_DENIED`/`INVALID_ARGUMENT` about the API key or auth token → `AuthenticationError`;
 * other `PERMISSION_DENIED` → `PermissionError`; `NOT_FOUND` → `NotFoundError`; `ALREADY_EXISTS`,
 * `ABORTED`, `FAILED_PRECONDITION` → `ConflictError`; `RESOURCE_EXHAUSTED` → `RateLimitError`;
 * `INTERNAL`, `UNKNOWN`, `DATA_LOSS`, `UNAVAILABLE`, `DEADLINE_EXCEEDED`, `UNIMPLEMENTED` →
 * `ProviderUnavailableError`. An error whose `details` is a per-item breakdown (documents §5, comment
 * annotations §7.3) is classified by its items first (see `batchError`).
 *
 * @returns The error, or `undefined` when the body is not a Velt error envelope (the caller then falls
 *   back to the HTTP status mapping).
 */
export function mapVeltError(input: VeltErrorInput): CollabError | undefined {
  const error = rec(rec(input.body)?.error);
  if (!error) return undefined;
  const vendorCode = normaliseCode(error.status) ?? normaliseCode(typeof error.code === 'string' ? error.code : undefined);
  const said = typeof error.message === 'string' && error.message.trim() !== '' ? error.message.trim().slice(0, 200) : undefined;
  // A 2xx body carrying `error` has not been through the HTTP layer's redaction.
  const init = httpErrorInit({ ...input, provider: PROVIDER, body: redact(input.body) }, vendorCode);
  const batch = splitBatch(error.details);
  if (batch) return batchError(input.operation, batch.failed, batch.written, init);

  const http = input.status !== undefined ? ` (HTTP ${input.status})` : '';
  const message = `velt ${input.operation} failed${http}: ${vendorCode ?? 'error'}${said ? `: ${said}` : ''}`;
  const aboutCredentials = said !== undefined && /api[ -]?key|auth[ -]?token/i.test(said);
  switch (vendorCode) {
    case 'INVALID_ARGUMENT':
    case 'OUT_OF_RANGE':
      // Velt reports a missing auth token as INVALID_ARGUMENT (§1.3): that is a credentials problem.
      if (aboutCredentials) return new AuthenticationError(message, init);
      return new ValidationError('request', `velt rejected ${input.operation}${http}: ${said ?? vendorCode}`, init);
    case 'UNAUTHENTICATED':
      return new AuthenticationError(message, init);
    case 'PERMISSION_DENIED':
      // "Invalid API key." / "Auth token is not registered" are wrong credentials, not a missing grant.
      return aboutCredentials ? new AuthenticationError(message, init) : new PermissionError(message, init);
    case 'NOT_FOUND':
      return new NotFoundError(message, init);
    case 'ALREADY_EXISTS':
    case 'FAILED_PRECONDITION':
      return new ConflictError(message, init);
    case 'ABORTED':
      // gRPC ABORTED is a concurrency conflict: trying again may succeed.
      return new ConflictError(message, { ...init, retryable: true });
    case 'RESOURCE_EXHAUSTED':
      return new RateLimitError(message, { ...init, retryAfterMs: input.retryAfterMs });
    case 'UNIMPLEMENTED':
      return new ProviderUnavailableError(message, { ...init, retryable: false });
    case 'INTERNAL':
    case 'UNKNOWN':
    case 'DATA_LOSS':
    case 'UNAVAILABLE':
    case 'DEADLINE_EXCEEDED':
      return new ProviderUnavailableError(message, init);
    case 'CANCELLED':
      return new CollabError(message, { ...init, retryable: true });
    default:
      // An unknown status string: let the HTTP status decide, when there is one.
      if (input.status !== undefined && input.status >= 300) return undefined;
      return new ProviderUnavailableError(message, { ...init, retryable: false });
  }
}

/**
 * Checks a per-item batch answer that came back as a success (HTTP 200, §1.2): throws when any
 * item has `success: false` (see `batchError`), so a partial success is never silent.
 *
 * @param data - The `result.data` map keyed by the ids sent.
 * @param operation - The operation, for the error.
 * @returns The ids Velt applied.
 */
export function assertBatchSucceeded(data: unknown, operation: string): string[] {
  const split = splitBatch(data);
  if (split) throw batchError(operation, split.failed, split.written, { vendorCode: 'ITEM_FAILED' });
  const map = rec(data);
  return map ? Object.keys(map) : [];
}
