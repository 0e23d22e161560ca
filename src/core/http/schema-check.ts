/**
 * Checking a vendor answer against its schema, the same way wherever an answer is checked (the HTTP
 * client for every adapter, and adapters that unwrap an envelope themselves).
 * @module
 */
import type { z } from 'zod';
import { compileSchema, INVALID } from './fast-schema.js';

/** One schema issue of a rejected answer, without its `input` (vendor data may be personal or secret). */
export interface AnswerIssue {
  path: string;
  code: string;
  message: string;
}

/** What {@link checkAnswer} found: zod's output, or where the answer first departs from the schema. */
export type AnswerCheck<T> =
  | { ok: true; data: T }
  | {
      ok: false;
      /** The first issue's path (`a.b.0`), or `(root)`. */
      path: string;
      /** The first issue's message. */
      message: string;
      /** The first ten issues. */
      issues: AnswerIssue[];
    };

/**
 * Checks `data` against `schema`: the compiled check answers the common case (a valid answer) without
 * zod's per-node allocations; zod itself runs only on a rejection, to name the field.
 *
 * @param data - A decoded answer: `JSON.parse` output, or a part of one (see `CheckedInput` `json`).
 */
export function checkAnswer<S extends z.ZodType>(schema: S, data: unknown): AnswerCheck<z.output<S>> {
  const fast = compileSchema(schema, 'json')(data);
  if (fast !== INVALID) return { ok: true, data: fast as z.output<S> };
  const result = schema.safeParse(data);
  if (result.success) return { ok: true, data: result.data };
  const issues = result.error.issues;
  const first = issues[0];
  return {
    ok: false,
    path: first && first.path.length > 0 ? first.path.map(String).join('.') : '(root)',
    message: first?.message ?? 'invalid',
    issues: issues.slice(0, 10).map((i) => ({ path: i.path.map(String).join('.'), code: i.code, message: i.message })),
  };
}
