/**
 * One clean sentence per zod issue, shared by `ValidationError` (validation.ts) and `ConfigError`
 * (config.ts). Zod's own English messages start with a category ("Invalid input: expected string,
 * received undefined"), which doubled the "Invalid" of our own prefixes and spoke zod's vocabulary;
 * these read as the rest of a sentence about the field: `id: expected a string`.
 *
 * Used as zod's per-parse error map (`schema.safeParse(input, { error: issueText })`), so a message a
 * schema sets itself (`.refine(fn, 'must start with sk_')`) still wins. Never echoes the input value:
 * only its kind (`got a number`), so a rejected secret stays out of the text.
 */
import type { z } from 'zod';

const TYPE_NAMES: Readonly<Record<string, string>> = {
  int: 'an integer',
  nan: 'NaN',
  bigint: 'a bigint',
  undefined: 'undefined',
  null: 'null',
  never: 'nothing',
  void: 'nothing',
  date: 'a date',
  array: 'an array',
  object: 'an object',
  function: 'a function',
  record: 'an object',
  tuple: 'an array',
};

function typeName(type: string): string {
  return TYPE_NAMES[type] ?? `${/^[aeiou]/i.test(type) ? 'an' : 'a'} ${type}`;
}

/** The kind of a value, never the value: `null`, `an array`, `a string`, ... */
function kindOf(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  if (typeof input === 'number' && Number.isNaN(input)) return 'NaN';
  if (input instanceof Date) return 'a date';
  return typeName(typeof input);
}

const UNITS: Readonly<Record<string, string>> = { string: 'characters', array: 'items', set: 'items', map: 'entries', file: 'bytes' };

const FORMATS: Readonly<Record<string, string>> = {
  url: 'a valid URL',
  email: 'a valid email address',
  uuid: 'a UUID',
  guid: 'a GUID',
  datetime: 'an ISO 8601 date-time',
  date: 'an ISO 8601 date',
  time: 'an ISO 8601 time',
  duration: 'an ISO 8601 duration',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
  base64: 'base64 text',
  base64url: 'base64url text',
  jwt: 'a JWT',
  json_string: 'JSON text',
};

/** A schema constant (an enum option, a literal) as it is written in code. */
function literal(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : typeof value === 'bigint' ? `${value}n` : String(value);
}

function plural(n: number | bigint, unit: string): string {
  return `${n} ${Number(n) === 1 ? unit.replace(/s$/, '').replace(/ie$/, 'y') : unit}`;
}

/** The text of a size issue: `too_small` (`at least`) or `too_big` (`at most`). */
function sizeText(issue: { origin?: string; exact?: boolean; inclusive?: boolean }, bound: number | bigint, small: boolean): string {
  const unit = issue.origin ? UNITS[issue.origin] : undefined;
  if (unit) {
    if (issue.exact) return `must have exactly ${plural(bound, unit)}`;
    if (small && Number(bound) === 1 && issue.inclusive !== false) return 'must not be empty';
    const limit = issue.inclusive === false ? (small ? 'more than' : 'fewer than') : small ? 'at least' : 'at most';
    return `must have ${limit} ${plural(bound, unit)}`;
  }
  if (issue.exact) return `must be exactly ${bound}`;
  const limit = issue.inclusive === false ? (small ? 'greater than' : 'less than') : small ? 'at least' : 'at most';
  return `must be ${limit} ${bound}`;
}

/**
 * The sentence for one zod issue, without the field name: `is required`, `expected a string, got a
 * number`, `must be at most 256`, `must be one of "fetch", "ky"`. Pass it as the `error` option of
 * `safeParse` (zod's per-parse error map).
 */
export function issueText(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `expected ${typeName(issue.expected)}, got ${kindOf(issue.input)}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${literal(issue.values[0])}` : `must be one of ${issue.values.map(literal).join(', ')}`;
    case 'too_small':
      return sizeText(issue, issue.minimum, true);
    case 'too_big':
      return sizeText(issue, issue.maximum, false);
    case 'invalid_format': {
      const format = issue as z.core.$ZodRawIssue<z.core.$ZodIssueInvalidStringFormat> & { prefix?: string; suffix?: string; includes?: string };
      if (format.format === 'starts_with') return `must start with ${JSON.stringify(format.prefix)}`;
      if (format.format === 'ends_with') return `must end with ${JSON.stringify(format.suffix)}`;
      if (format.format === 'includes') return `must contain ${JSON.stringify(format.includes)}`;
      if (format.format === 'regex') return `must match ${format.pattern ?? 'the expected pattern'}`;
      return `must be ${FORMATS[format.format] ?? `a valid ${format.format}`}`;
    }
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'unrecognized_keys':
      return `has unknown ${issue.keys.length === 1 ? 'key' : 'keys'} ${issue.keys.map((k) => JSON.stringify(k.slice(0, 64))).join(', ')}`;
    case 'invalid_key':
      return `has an invalid key`;
    case 'invalid_element':
      return `has an invalid entry`;
    case 'invalid_union':
      return 'matches none of the accepted forms';
    default:
      return 'is invalid';
  }
}

/** The zod parse options that word every issue with `issueText`. */
export const CLEAN_ISSUES = { error: issueText } as const;
