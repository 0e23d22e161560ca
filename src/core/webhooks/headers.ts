import { type CollabErrorInit, WebhookVerificationError } from '../errors.js';
import type { WebhookRequest } from '../model/event.js';

/**
 * Headers whose repeated values are a list rather than a conflict. Standard Webhooks puts several
 * signatures in `webhook-signature` (space-separated) during secret rotation, so a proxy or a Node
 * `headersDistinct` map that kept them apart still means "any of these".
 */
const LIST_HEADERS = new Set(['webhook-signature']);

/**
 * Headers that carry exactly one token, so a comma in them can only come from a repeated field that
 * `Headers#get` or Node's `req.headers` joined with ", ". Splitting them back lets two different ids
 * or timestamps be refused instead of being signed-over as one odd value (or, worse, half-matched).
 */
const SINGLE_TOKEN_HEADERS = new Set(['webhook-id', 'webhook-timestamp']);

/** The separator `Headers#get` and Node use to join repeated fields. */
const JOINED = ', ';

/**
 * Reads one request header, whatever shape the framework handed us: a fetch `Headers`, Node's
 * `IncomingHttpHeaders` (or `headersDistinct`), a plain record with any letter case, entries
 * (`[name, value][]`) or Node's flat `rawHeaders` (`[name, value, name, value, ...]`).
 *
 * A header may arrive more than once: as an array value, under two spellings of its name in a record
 * (`webhook-id` and `Webhook-Id`), as repeated entries, or joined with ", " by `Headers`/Node. For
 * `webhook-signature` the values are joined with a space (each may carry signatures); for any other
 * header the value is returned only when every occurrence agrees, because two different ids or
 * timestamps make the request ambiguous, and guessing which one was signed is how verifiers get fooled.
 *
 * @param headers - The request headers.
 * @param name - The header name, any case.
 * @returns The value, or `undefined` when the header is absent.
 * @throws WebhookVerificationError when a non-list header occurs more than once with different values.
 */
export function getHeader(headers: WebhookRequest['headers'], name: string): string | undefined {
  return readHeader(headers, name, { operation: 'webhooks.verify' });
}

/**
 * `getHeader` with the error fields of the caller (provider id), for the verifiers.
 * @internal
 */
export function readHeader(headers: WebhookRequest['headers'], name: string, init: CollabErrorInit): string | undefined {
  const lower = name.toLowerCase();
  if (isFetchHeaders(headers)) {
    // Headers#get is already case-insensitive; repeated fields come joined with ", ".
    const value = headers.get(lower);
    return value === null ? undefined : normalise(value, lower, init);
  }
  if (headers === null || typeof headers !== 'object') return undefined;
  if (Array.isArray(headers)) return fromEntries(headers as readonly unknown[], lower, init);
  const record = headers as Record<string, unknown>;
  const direct = Object.prototype.hasOwnProperty.call(record, lower) ? record[lower] : undefined;
  // Every other spelling must be looked for even when the lowercase key hit: a record carrying
  // `webhook-id` and `Webhook-Id` is a repeated header, not "first spelling wins". Only keys of the
  // same length can match, which keeps the scan cheap on Node's all-lowercase headers.
  // `for...in` rather than Object.keys: no array per header on the hot path (inherited keys are
  // filtered out where a name matches, which is rare).
  let found: unknown[] | undefined;
  for (const key in record) {
    if (key.length !== lower.length || key === lower || key.toLowerCase() !== lower) continue;
    if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
    const v = record[key];
    if (v !== undefined) (found ??= []).push(v);
  }
  if (found === undefined) return direct === undefined ? undefined : normalise(direct, lower, init);
  if (direct !== undefined) found.unshift(direct);
  return normalise(found.length === 1 ? found[0] : found.flat(), lower, init);
}

/** The three Standard Webhooks headers of a request, as `readStandardHeaders` returns them. */
export interface StandardHeaderValues {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

/**
 * `readHeader` of `webhook-id`, `webhook-timestamp` and `webhook-signature`, in that order, for the
 * verifier's hot path: the same values and errors, with a plain record scanned once for the other
 * spellings of all three instead of once per name, and no normalisation when the record holds each
 * header once as a string (Node's headers).
 * @internal
 */
export function readStandardHeaders(headers: WebhookRequest['headers'], init: CollabErrorInit): StandardHeaderValues {
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers) || isFetchHeaders(headers)) {
    return {
      id: readHeader(headers, 'webhook-id', init),
      timestamp: readHeader(headers, 'webhook-timestamp', init),
      signature: readHeader(headers, 'webhook-signature', init),
    };
  }
  const record = headers as Record<string, unknown>;
  // Other spellings (`Webhook-Id`...), as `readHeader` looks for them: same length, same lowercase.
  let otherIds: unknown[] | undefined;
  let otherTimestamps: unknown[] | undefined;
  let otherSignatures: unknown[] | undefined;
  for (const key in record) {
    const length = key.length;
    if ((key.charCodeAt(0) | 0x20) !== 0x77 /* w */ || (length !== 10 && length !== 17)) continue;
    if (key === 'webhook-id' || key === 'webhook-timestamp' || key === 'webhook-signature') continue;
    const lower = key.toLowerCase();
    if (lower !== 'webhook-id' && lower !== 'webhook-timestamp' && lower !== 'webhook-signature') continue;
    if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
    const v = record[key];
    if (v === undefined) continue;
    if (lower === 'webhook-id') (otherIds ??= []).push(v);
    else if (lower === 'webhook-timestamp') (otherTimestamps ??= []).push(v);
    else (otherSignatures ??= []).push(v);
  }
  return {
    id: pick(record, 'webhook-id', otherIds, init),
    timestamp: pick(record, 'webhook-timestamp', otherTimestamps, init),
    signature: pick(record, 'webhook-signature', otherSignatures, init),
  };
}

/** One header of a record, given its other spellings: `readHeader`'s step after its scan. */
function pick(record: Record<string, unknown>, name: string, found: unknown[] | undefined, init: CollabErrorInit): string | undefined {
  const direct = Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
  if (found === undefined) {
    // A single string: only a single-token header can hide a joined repeat (", ").
    if (typeof direct === 'string' && (!SINGLE_TOKEN_HEADERS.has(name) || direct.indexOf(JOINED) === -1)) return direct;
    return direct === undefined ? undefined : normalise(direct, name, init);
  }
  if (direct !== undefined) found.unshift(direct);
  return normalise(found.length === 1 ? found[0] : found.flat(), name, init);
}

/** Entries (`[name, value][]`) or Node's flat `rawHeaders` (`[name, value, ...]`). */
function fromEntries(entries: readonly unknown[], lower: string, init: CollabErrorInit): string | undefined {
  const values: unknown[] = [];
  if (entries.length > 0 && typeof entries[0] === 'string') {
    for (let i = 0; i + 1 < entries.length; i += 2) {
      const key = entries[i];
      if (typeof key === 'string' && key.toLowerCase() === lower) values.push(entries[i + 1]);
    }
  } else {
    for (const entry of entries) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string') continue;
      if (entry[0].toLowerCase() === lower) values.push(entry[1]);
    }
  }
  if (values.length === 0) return undefined;
  return normalise(values.length === 1 ? values[0] : values.flat(), lower, init);
}

function normalise(value: unknown, lower: string, init: CollabErrorInit): string | undefined {
  let items: string[];
  if (typeof value === 'string') {
    if (!SINGLE_TOKEN_HEADERS.has(lower) || !value.includes(JOINED)) return value;
    items = value.split(JOINED);
  } else if (typeof value === 'number') {
    return String(value);
  } else if (Array.isArray(value)) {
    items = value.filter((v): v is string | number => typeof v === 'string' || typeof v === 'number').map(String);
    if (SINGLE_TOKEN_HEADERS.has(lower)) items = items.flatMap((v) => v.split(JOINED));
  } else {
    return undefined;
  }
  if (items.length === 0) return undefined;
  if (items.length === 1) return items[0];
  if (LIST_HEADERS.has(lower)) return items.join(' ');
  const first = items[0]!;
  for (let i = 1; i < items.length; i++) {
    if (items[i]!.trim() !== first.trim()) {
      // The values themselves stay out of the message: for `authorization` they are credentials.
      throw new WebhookVerificationError(`Header ${lower} is repeated with different values`, { ...init, vendorCode: 'conflicting_headers' });
    }
  }
  return first;
}

function isFetchHeaders(headers: unknown): headers is Headers {
  if (typeof Headers !== 'undefined' && headers instanceof Headers) return true;
  // A Headers from another realm or polyfill: duck-type on the methods we use, but never treat
  // a plain record (whose `get` would be a header named "get") as one.
  return (
    typeof headers === 'object' &&
    headers !== null &&
    typeof (headers as { get?: unknown }).get === 'function' &&
    typeof (headers as { has?: unknown }).has === 'function' &&
    typeof (headers as { forEach?: unknown }).forEach === 'function'
  );
}
