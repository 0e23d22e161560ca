import type { z } from 'zod';
import { ValidationError } from './errors.js';

/**
 * Parses `input` with `schema`; on failure throws a `ValidationError` naming the first bad field
 * (prefixed with `root`, e.g. `input.comment.body`) and listing every issue. Never echoes input values.
 */
export function validate<S extends z.ZodType>(schema: S, input: unknown, root: string, operation?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    field: [root, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }));
  const first = issues[0] ?? { field: root, message: 'is invalid' };
  return fail(first.field, first.message, operation, issues);
}

function fail(field: string, message: string, operation: string | undefined, issues: Array<{ field: string; message: string }>): never {
  throw new ValidationError(field, message, { operation, issues });
}

/** Validates a single required id argument. */
export function validateId(value: unknown, field: string, operation?: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ValidationError(field, typeof value === 'string' ? 'must not be empty' : 'must be a non-empty string', { operation });
  }
  if (value.length > 256) throw new ValidationError(field, 'must be at most 256 characters', { operation });
  return value;
}
