import { z } from 'zod';
import { isWellFormedText } from './id.js';

/**
 * Limits of JSON payloads (presence `data`/`info`, token `userInfo`, notification `data`, broadcasts).
 * `maxDepth` counts nested objects/arrays (the payload itself is depth 1); `maxBytes` is the UTF-8 size
 * of the payload written as compact JSON (`JSON.stringify`), which is what goes on the wire.
 */
export interface JsonLimits {
  /** Deepest nesting of objects and arrays. */
  maxDepth: number;
  /** Largest serialized size, in UTF-8 bytes. */
  maxBytes: number;
}

/** The default limits: 32 levels and 256 KiB. */
export const DEFAULT_JSON_LIMITS: Readonly<JsonLimits> = Object.freeze({ maxDepth: 32, maxBytes: 256 * 1024 });

/** Broadcast payloads may be larger: 1 MB, the largest broadcast message a supported vendor documents. */
export const BROADCAST_JSON_LIMITS: Readonly<JsonLimits> = Object.freeze({ maxDepth: 32, maxBytes: 1_000_000 });

/** One problem found in a JSON payload: where (path below the payload) and what. */
export interface JsonProblem {
  /** Keys and indexes from the payload down to the bad value. */
  path: Array<string | number>;
  /** What is wrong, without the value itself. */
  message: string;
}

class Problem extends Error {
  constructor(
    readonly path: Array<string | number>,
    message: string,
  ) {
    super(message);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  try {
    const proto: unknown = Object.getPrototypeOf(value);
    const name = (proto as { constructor?: { name?: unknown } } | null)?.constructor?.name;
    return typeof name === 'string' && name !== '' ? `a ${name}` : 'an object with a custom prototype';
  } catch {
    return 'an unreadable object';
  }
}

/** UTF-8 size of `JSON.stringify(text)`, giving up (returning `Infinity`) once it exceeds `budget`. */
function jsonStringBytes(text: string, budget: number): number {
  // Every code unit costs at least one byte, plus the two quotes: too long is too long without looking.
  if (text.length + 2 > budget) return Infinity;
  let bytes = 2;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) bytes += 2;
    else if (c < 0x20) bytes += c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d ? 2 : 6;
    else if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    // A surrogate pair is one 4-byte character: 2 bytes per half (lone halves are rejected before).
    else if (c >= 0xd800 && c <= 0xdfff) bytes += 2;
    else bytes += 3;
    if (bytes > budget) return Infinity;
  }
  return bytes;
}

/** Walks a value as `JSON.stringify` would, with limits; throws `Problem`, or raw errors from hostile objects. */
class JsonWalker {
  private bytes = 0;
  private readonly ancestors = new Set<object>();

  constructor(private readonly limits: JsonLimits) {}

  private add(n: number, path: Array<string | number>): void {
    this.bytes += n;
    if (this.bytes > this.limits.maxBytes) throw new Problem(path, `must be at most ${this.limits.maxBytes} bytes as JSON`);
  }

  private text(value: string, path: Array<string | number>, what: string): void {
    if (!isWellFormedText(value)) throw new Problem(path, `${what} must be well-formed Unicode (it contains a lone surrogate)`);
    this.add(jsonStringBytes(value, this.limits.maxBytes - this.bytes), path);
  }

  walk(value: unknown, path: Array<string | number>, depth: number): void {
    switch (typeof value) {
      case 'string':
        return this.text(value, path, 'a string');
      case 'number':
        if (!Number.isFinite(value)) throw new Problem(path, 'must be a finite number (JSON has no NaN or Infinity)');
        return this.add(String(value).length, path);
      case 'boolean':
        return this.add(value ? 4 : 5, path);
      case 'object':
        if (value === null) return this.add(4, path);
        return this.container(value, path, depth + 1);
      default:
        throw new Problem(path, `must be JSON: ${typeof value} is not (only objects, arrays, strings, finite numbers, booleans and null)`);
    }
  }

  private container(value: object, path: Array<string | number>, depth: number): void {
    if (depth > this.limits.maxDepth) throw new Problem(path, `must nest at most ${this.limits.maxDepth} levels deep`);
    if (this.ancestors.has(value)) throw new Problem(path, 'must not contain a circular reference');
    this.ancestors.add(value);
    if (Array.isArray(value)) this.array(value, path, depth);
    else this.object(value, path, depth);
    this.ancestors.delete(value);
  }

  private array(value: unknown[], path: Array<string | number>, depth: number): void {
    this.add(2, path);
    const length = value.length;
    for (let i = 0; i < length; i++) {
      if (i > 0) this.add(1, path);
      const item = value[i];
      // JSON.stringify would silently write null for these: refuse instead of changing the data.
      if (item === undefined) throw new Problem([...path, i], 'must not be undefined (or a hole) in an array');
      this.walk(item, [...path, i], depth);
    }
  }

  private object(value: object, path: Array<string | number>, depth: number): void {
    const proto: unknown = Object.getPrototypeOf(value);
    // A plain object's prototype is Object.prototype (of any realm: its own prototype is null) or null.
    if (proto !== null && Object.getPrototypeOf(proto) !== null) {
      throw new Problem(path, `must be a plain object, array or JSON primitive, not ${describe(value)}`);
    }
    this.add(2, path);
    let first = true;
    for (const key of Object.keys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (descriptor === undefined) continue;
      // Reading a getter runs caller code (it may throw, or answer differently the next time): refuse it.
      if (!('value' in descriptor)) throw new Problem([...path, key], 'must be a data property, not a getter or setter');
      const item: unknown = descriptor.value;
      if (item === undefined) continue; // JSON.stringify leaves the key out, and so does every provider
      if (key === '__proto__') throw new Problem([...path, key], 'is a reserved key (it would replace the object prototype when copied)');
      if (!first) this.add(1, path);
      first = false;
      this.text(key, [...path, key], 'a key');
      this.add(1, path);
      this.walk(item, [...path, key], depth);
    }
  }
}

/**
 * Checks that `value` is JSON data: plain objects (prototype `Object.prototype` or `null`), arrays,
 * strings (well-formed Unicode), finite numbers, booleans and `null`; `undefined` object properties are
 * skipped as `JSON.stringify` does. Refused, each with the path of the first bad value: BigInt,
 * functions, symbols, `undefined` in arrays (and holes), `NaN`/`Infinity`, class instances (`Date`,
 * `Map`, boxed primitives...), getters/setters, `__proto__` keys, cycles, nesting deeper than
 * `limits.maxDepth`, and more than `limits.maxBytes` of JSON. Never throws: the walk stops at the first
 * problem or at the size limit, so a huge or self-referencing value costs at most the limit, and a Proxy
 * whose traps throw is reported as unreadable.
 */
export function jsonProblem(value: unknown, limits: JsonLimits = DEFAULT_JSON_LIMITS): JsonProblem | undefined {
  try {
    new JsonWalker(limits).walk(value, [], 0);
    return undefined;
  } catch (err) {
    if (err instanceof Problem) return { path: err.path, message: err.message };
    // A hostile object (a Proxy whose traps throw, a revoked Proxy) or a stack overflow.
    return { path: [], message: 'could not be read as JSON data' };
  }
}

function objectKind(value: unknown): 'object' | 'array' | 'other' | 'unreadable' {
  if (typeof value !== 'object' || value === null) return 'other';
  try {
    return Array.isArray(value) ? 'array' : 'object';
  } catch {
    return 'unreadable'; // a revoked Proxy: jsonProblem reports it
  }
}

function jsonCheck(limits: JsonLimits, objectOnly: boolean) {
  return (payload: { value: unknown; issues: unknown[] }): void => {
    const value = payload.value;
    const kind = objectOnly ? objectKind(value) : 'object';
    if (kind === 'other' || kind === 'array') {
      payload.issues.push({ code: 'custom', message: kind === 'array' ? 'must be an object, not an array' : 'must be an object', input: value });
      return;
    }
    const problem = jsonProblem(value, limits);
    if (problem) payload.issues.push({ code: 'custom', message: problem.message, path: problem.path, input: value });
  };
}

/**
 * A zod schema of a JSON object (see `jsonProblem` for what is accepted). The parsed value is the
 * input itself, not a copy. `T` is only the static type callers see.
 */
export function jsonObject<T extends Record<string, unknown> = Record<string, unknown>>(limits: JsonLimits = DEFAULT_JSON_LIMITS) {
  return z.custom<T>().check(jsonCheck(limits, true));
}

/** A zod schema of any JSON value (see `jsonProblem`), `undefined` refused. The parsed value is the input itself. */
export function jsonValue(limits: JsonLimits = DEFAULT_JSON_LIMITS) {
  return z.custom<unknown>().check((payload) => {
    if (payload.value === undefined) {
      payload.issues.push({ code: 'custom', message: 'is required', input: undefined });
      return;
    }
    jsonCheck(limits, false)(payload);
  });
}

/** A JSON object with the default limits (32 levels, 256 KiB). */
export const JsonObjectSchema = jsonObject();
