/**
 * Kabelwerk answers mapped to the shared error classes: REST statuses exactly as sdk-python's
 * `make_api_call` reads them (docs/vendors/kabelwerk.md §1.4), as refinements of core `defaultMapError`,
 * and rejected channel joins and pushes (§2.2).
 * @module
 */
import {
  AuthenticationError,
  type CollabError,
  type CollabErrorInit,
  NotFoundError,
  ProviderResponseError,
  ProviderUnavailableError,
  ValidationError,
} from '../../core/errors.js';
import { defaultMapError, type ErrorMapRefinements, type HttpErrorContext } from '../../core/http/index.js';
import { rec, str } from '../../core/records.js';

const PROVIDER = 'kabelwerk';

/**
 * The field and message of a Phoenix/Ecto changeset error body `{"errors": {"<field>": ["<message>"]}}`,
 * as sdk-python picks them: the alphabetically first field and its first message. `undefined` when the
 * body is not of that shape (sdk-python's `KeyError`/`IndexError` path, §1.4).
 */
export function changesetError(body: unknown): { field: string; message: string } | undefined {
  const errors = rec(rec(body)?.errors);
  if (!errors) return undefined;
  const field = Object.keys(errors).sort()[0];
  if (field === undefined) return undefined;
  const list = errors[field];
  const message = Array.isArray(list) ? str(list[0]) : undefined;
  return message === undefined ? undefined : { field, message };
}

/** Whether another attempt may succeed: gateway failures and overload, not a 4xx the server understood. */
function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** Kabelwerk's quirks on top of the default mapping (§1.4). */
const KABELWERK_REFINEMENTS: ErrorMapRefinements = {
  // Kabelwerk bodies carry no machine code; the changeset field is the useful part.
  code: () => undefined,
  explanation: (ctx) => {
    const change = changesetError(ctx.body);
    if (change) return `${change.field} ${change.message}`;
    const detail = str(rec(rec(ctx.body)?.errors)?.detail);
    return detail ?? (typeof ctx.body === 'string' ? str(ctx.body)?.slice(0, 200) : undefined);
  },
  field: (ctx) => changesetError(ctx.body)?.field,
  override: (ctx, _facts, message, init) => {
    const { status } = ctx;
    if (status === 400) {
      if (changesetError(ctx.body)) return undefined; // the default ValidationError, naming the field
      // sdk-python raises ServerError here; for unicollab it is a 400 of a shape Kabelwerk does not document.
      return new ProviderResponseError(`${PROVIDER} answered ${ctx.operation} with HTTP 400 without a {"errors": {"<field>": ["<message>"]}} body`, {
        ...init,
        path: 'errors',
        retryable: false,
      });
    }
    if (status === 401 || status === 403) return new AuthenticationError(message, init);
    if (status === 404) return new NotFoundError(message, init);
    return new ProviderUnavailableError(message, { ...init, retryable: retryableStatus(status) });
  },
};

/**
 * Maps a non-2xx Kabelwerk answer: 400 with a changeset body -> `ValidationError` naming the first
 * sorted field; any other 400 -> `ProviderResponseError`; 401/403 -> `AuthenticationError`; 404 ->
 * `NotFoundError`; anything else (409, 422, 429, 5xx...) -> `ProviderUnavailableError`, retryable for
 * 408, 429 and 5xx but 501/505 (sdk-python's `ServerError`).
 *
 * @param ctx - The answer (body already redacted by the HTTP layer).
 */
export function mapKabelwerkError(ctx: HttpErrorContext): CollabError {
  return defaultMapError(ctx, undefined, KABELWERK_REFINEMENTS);
}

/** `vendorCode` of a rejected channel join or push. */
export const CHANNEL_REJECTED = 'channel_rejected';

/** What a channel rejection says: the topic, the event and the server's `reason` (sdk-js ignores the rest). */
export interface ChannelRejection {
  readonly topic: string;
  readonly event: string;
  readonly reason: string | undefined;
}

const rejections = new WeakMap<CollabError, ChannelRejection>();

/**
 * A channel join or push answered `{"status": "error"}`: a `ValidationError` (field `request`, vendor
 * code `channel_rejected`), the way a REST 400 is. Callers that know what a rejection means there
 * (a join refused = not visible to that user) turn it into a more precise class.
 */
export function channelRejected(operation: string, topic: string, event: string, response: unknown): ValidationError {
  const reason = str(rec(response)?.reason) ?? str(rec(response)?.message);
  const said = reason ? `: ${reason.slice(0, 200)}` : '';
  const err = new ValidationError('request', `${PROVIDER} rejected ${event === 'phx_join' ? 'joining' : event + ' on'} ${topicKind(topic)}${said}`, {
    provider: PROVIDER,
    operation,
    vendorCode: CHANNEL_REJECTED,
    cause: { topic, event, response },
  });
  rejections.set(err, { topic, event, reason });
  return err;
}

/** The rejection behind an error made by {@link channelRejected}, else `undefined`. */
export function rejectionOf(err: unknown): ChannelRejection | undefined {
  return typeof err === 'object' && err !== null ? rejections.get(err as CollabError) : undefined;
}

/** `room:<id>` -> `room:<id>` (ids are not secret), `private` -> `private`: kept short for messages. */
function topicKind(topic: string): string {
  return topic.length > 64 ? `${topic.slice(0, 61)}...` : topic;
}

/** Common fields of the errors the realtime layer raises. */
export function realtimeInit(operation: string, extra: CollabErrorInit = {}): CollabErrorInit {
  return { provider: PROVIDER, operation, ...extra };
}

/**
 * A REST `ValidationError` re-addressed to the caller's input: Kabelwerk names its own fields
 * (`user`, `text`), the caller wrote `authorId` and `body`. Other errors pass through unchanged.
 *
 * @param err - What the call threw.
 * @param fields - Kabelwerk field -> the caller's field.
 */
export function inCallerTerms(err: unknown, fields: Readonly<Record<string, string>>): unknown {
  if (!(err instanceof ValidationError) || rejectionOf(err) !== undefined) return err;
  const renamed = fields[err.field];
  if (renamed === undefined) return err;
  const init: CollabErrorInit = { cause: err, retryable: false };
  if (err.provider !== undefined) init.provider = err.provider;
  if (err.operation !== undefined) init.operation = err.operation;
  if (err.status !== undefined) init.status = err.status;
  return new ValidationError(renamed, err.message.replace(/^Invalid [^:]+: /, ''), init);
}
