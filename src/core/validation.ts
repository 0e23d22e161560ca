import type { z } from 'zod';
import { AbortedError, ValidationError } from './errors.js';
import { CLEAN_ISSUES } from './issue-text.js';
import type { MethodShape } from './model/arguments.js';
import { idProblem } from './model/id.js';

/** Where a validation failure is reported: the operation (e.g. `rooms.get`) and the provider id. */
export interface ValidationContext {
  /** The operation, e.g. `threads.create`. */
  operation?: string;
  /** The provider id. */
  provider?: string;
}

function fieldOf(root: string, path: readonly PropertyKey[], whole: string): string {
  const field = [root, ...path.map(String)].filter(Boolean).join('.');
  return field === '' ? whole : field;
}

/**
 * Parses `input` with `schema`; on failure throws a `ValidationError` naming the first bad field
 * (prefixed with `root`: `query.limit`, or `comment.body` with an empty root) and listing every issue.
 * A problem with the whole value is reported under `root`, or `input` when `root` is empty. Never
 * echoes input values, and never throws anything but `ValidationError`: a hostile value (a Proxy or
 * getter that throws) is reported as unreadable rather than escaping as a raw `TypeError`.
 */
export function validate<S extends z.ZodType>(schema: S, input: unknown, root: string, operation?: string, provider?: string): z.output<S> {
  return parse(schema, input, root, root === '' ? 'input' : root, { operation, provider });
}

/** `validate`, with `whole` naming the value itself when an issue has no path. */
function parse<S extends z.ZodType>(schema: S, input: unknown, root: string, whole: string, init: ValidationContext): z.output<S> {
  let result: ReturnType<S['safeParse']>;
  try {
    // Every issue worded as one clean sentence (`expected a string`), not zod's "Invalid input: ...",
    // which doubled the "Invalid" of the error's own prefix; a schema's own message still wins.
    result = schema.safeParse(input, CLEAN_ISSUES) as ReturnType<S['safeParse']>;
  } catch {
    throw new ValidationError(whole, 'could not be read (a getter or Proxy trap threw)', init);
  }
  if (result.success) return result.data as z.output<S>;
  const issues = result.error.issues.map((issue) => ({ field: fieldOf(root, issue.path, whole), message: issue.message }));
  const first = issues[0] ?? { field: whole, message: 'is invalid' };
  throw new ValidationError(first.field, first.message, { ...init, issues });
}

/**
 * Validates a single required id argument (see `idProblem`: non-empty, at most 256 characters,
 * well-formed Unicode, not `.`/`..` in any percent-encoding). Throws `ValidationError` naming `field`.
 */
export function validateId(value: unknown, field: string, operation?: string, provider?: string): string {
  if (typeof value !== 'string') throw new ValidationError(field, 'must be a non-empty string', { operation, provider });
  const problem = idProblem(value);
  if (problem !== undefined) throw new ValidationError(field, problem, { operation, provider });
  return value;
}

/**
 * Validates the trailing `options` of a call: absent, or an object whose `signal` (if present) is an
 * `AbortSignal` and whose `tenantId` (if present) is an id. Throws `ValidationError` naming
 * `options`, `options.signal` or `options.tenantId`, and `AbortedError` when the signal has already
 * aborted, so a cancelled call never starts.
 */
export function validateCallOptions(options: unknown, context: ValidationContext = {}): void {
  if (options === undefined) return;
  const init = { operation: context.operation, provider: context.provider };
  if (typeof options !== 'object' || options === null) throw new ValidationError('options', 'must be an object ({ signal?, tenantId? })', init);
  let signal: unknown;
  let tenantId: unknown;
  try {
    ({ signal, tenantId } = options as { signal?: unknown; tenantId?: unknown });
  } catch {
    throw new ValidationError('options', 'could not be read (a getter or Proxy trap threw)', init);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new ValidationError('options.signal', 'must be an AbortSignal', init);
  if (tenantId !== undefined) validateId(tenantId, 'options.tenantId', context.operation, context.provider);
  if (signal instanceof AbortSignal && signal.aborted) throw AbortedError.from(signal, init);
}

/**
 * Validates a call against its method's shape (`METHOD_ARGUMENTS`): the options first (so a call
 * whose signal has aborted never starts, whatever its arguments), then every argument. Returns the
 * arguments the adapter receives: each `value` argument replaced by its parsed copy (so the adapter
 * sees exactly what the core schema accepted, never a caller's getter or Proxy), ids, opaque
 * arguments and the options as given. Throws `ValidationError` naming the first bad field, or
 * `AbortedError` for a signal that has aborted.
 */
export function validateArguments(shape: MethodShape, args: readonly unknown[], context: ValidationContext = {}): unknown[] {
  if (shape.options) validateCallOptions(args[shape.args.length], context);
  const parsed = [...args];
  for (let i = 0; i < shape.args.length; i++) {
    const arg = shape.args[i]!;
    const value = args[i];
    if (arg.kind === 'id') validateId(value, arg.field, context.operation, context.provider);
    else if (arg.kind === 'value' && !(arg.optional && value === undefined)) parsed[i] = parse(arg.schema, value, arg.root, arg.field, context);
  }
  return parsed;
}
