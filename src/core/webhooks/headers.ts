import { type CollabErrorInit, WebhookVerificationError } from '../errors.js';
import type { WebhookRequest } from '../model/event.js';

/**
 * Headers whose repeated values are a list rather than a conflict. Standard Webhooks puts several
 * signatures in `webhook-signature` (space-separated) during secret rotation, so a proxy or a Node
 * `headersDistinct` map that kept them apart still means "any of these".
 */
const LIST_HEADERS = new Set(['webhook-signature']);

/**
 * Reads one request header, whatever shape the framework handed us: a fetch `Headers`, Node's
 * `IncomingHttpHeaders` (or `headersDistinct`), or a plain record with any letter case.
 *
 * Array values: for `webhook-signature` the entries are joined with a space (each entry may carry
 * signatures); for any other header the value is returned only when every entry agrees, because two
 * different ids or timestamps mean the request is ambiguous and must not be guessed at.
 *
 * @param headers - The request headers.
 * @param name - The header name, any case.
 * @returns The value, or `undefined` when the header is absent.
 * @throws WebhookVerificationError when a non-list header is repeated with different values.
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
    // Headers#get is already case-insensitive; repeated fields come joined with ", ",
    // which the signature parser tolerates.
    const value = headers.get(lower);
    return value === null ? undefined : value;
  }
  if (headers === null || typeof headers !== 'object') return undefined;
  const record = headers as Record<string, unknown>;
  // Fast path: Node lowercases header names, so the exact key almost always hits.
  if (Object.prototype.hasOwnProperty.call(record, lower)) {
    const direct = record[lower];
    if (direct !== undefined) return normalise(direct, lower, init);
  }
  // Slow path for hand-written records (`Webhook-Id`): collect every case-insensitive match so a
  // record carrying both spellings is handled like a repeated header, not silently first-wins.
  let found: unknown[] | undefined;
  for (const key of Object.keys(record)) {
    if (key !== lower && key.toLowerCase() === lower) {
      const v = record[key];
      if (v !== undefined) (found ??= []).push(v);
    }
  }
  if (found === undefined) return undefined;
  return normalise(found.length === 1 ? found[0] : found.flat(), lower, init);
}

function normalise(value: unknown, lower: string, init: CollabErrorInit): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (!Array.isArray(value)) return undefined;
  const items = value.filter((v): v is string | number => typeof v === 'string' || typeof v === 'number').map(String);
  if (items.length === 0) return undefined;
  if (items.length === 1) return items[0];
  if (LIST_HEADERS.has(lower)) return items.join(' ');
  const first = items[0]!;
  for (let i = 1; i < items.length; i++) {
    if (items[i]!.trim() !== first.trim()) {
      throw new WebhookVerificationError(`Header ${lower} is repeated with different values`, init);
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
