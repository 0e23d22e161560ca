import type { Metadata, MetadataPatch } from './model/common.js';

/**
 * Applies a metadata patch: `null` deletes a key, other values set it, absent keys are kept. Returns a
 * new object. Only own keys count, on both sides, and the result is built with defined properties, so
 * a key such as `__proto__` is kept as data (or deleted) instead of replacing the result's prototype.
 * (Input schemas refuse reserved keys; this stays safe for data that did not pass through them.)
 */
export function applyMetadataPatch(current: Metadata, patch: MetadataPatch): Metadata {
  const next: Metadata = {};
  for (const key of Object.keys(current)) {
    if (Object.hasOwn(patch, key) && patch[key] === null) continue;
    define(next, key, current[key]!);
  }
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value !== null && value !== undefined) define(next, key, value);
  }
  return next;
}

/**
 * A copy of `metadata` with its own enumerable keys only (`undefined` values dropped), built like
 * {@link applyMetadataPatch}'s result: a store that keeps it shares nothing with the caller's object.
 */
export function copyMetadata(metadata: Metadata | undefined): Metadata {
  const out: Metadata = {};
  if (!metadata) return out;
  for (const key of Object.keys(metadata)) {
    const value = metadata[key];
    if (value !== undefined) define(out, key, value);
  }
  return out;
}

function define(target: Metadata, key: string, value: Metadata[string]): void {
  // defineProperty, not assignment: `target.__proto__ = v` would replace the prototype. String lists
  // are copied so the result never aliases a caller's array.
  Object.defineProperty(target, key, { value: Array.isArray(value) ? [...value] : value, enumerable: true, writable: true, configurable: true });
}

/**
 * The core metadata filter semantics, for adapters that filter on their side: every key of `filter`
 * must equal the value (as a string, so `1` matches `'1'`); a string list matches when it contains it.
 * Only own keys of `metadata` match: `{ constructor: '...' }` never matches an inherited member.
 */
export function matchesMetadata(metadata: Metadata, filter: Record<string, string> | undefined): boolean {
  if (!filter) return true;
  for (const key of Object.keys(filter)) {
    const expected = filter[key]!;
    if (!Object.hasOwn(metadata, key)) return false;
    const actual = metadata[key];
    if (actual === undefined) return false;
    if (Array.isArray(actual) ? !actual.includes(expected) : String(actual) !== expected) return false;
  }
  return true;
}
