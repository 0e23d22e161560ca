/**
 * Checks channel replies against their schemas: a reply of an unknown shape is API drift
 * (`ProviderResponseError` naming the first bad field), never a crash in a mapper.
 * @module
 */
import type { z } from 'zod';
import { ProviderResponseError } from '../../../core/errors.js';

/**
 * The parsed reply, or `ProviderResponseError` naming the first field that does not match.
 *
 * @param schema - The reply's schema.
 * @param response - The `ok` reply's `response`.
 * @param operation - The operation, for the error.
 * @param what - What was answered, e.g. `room join`.
 */
export function parseChannelReply<S extends z.ZodType>(schema: S, response: unknown, operation: string, what: string): z.output<S> {
  const parsed = schema.safeParse(response);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  const path = first && first.path.length > 0 ? first.path.map(String).join('.') : '(root)';
  throw new ProviderResponseError(`kabelwerk answered ${what} of ${operation} with an unexpected shape: field "${path}": ${first?.message ?? 'invalid'}`, {
    provider: 'kabelwerk',
    operation,
    path,
  });
}

/**
 * A Kabelwerk timestamp (`2023-07-22T09:46:57Z`) as a `Date`; `ProviderResponseError` when it is not one.
 */
export function kabelwerkDate(value: string, field: string, operation: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new ProviderResponseError(`kabelwerk answered ${operation} with an unreadable timestamp in "${field}"`, { provider: 'kabelwerk', operation, path: field });
  }
  return date;
}
