import type { Metadata, MetadataPatch } from '../../core/model/common.js';

// Core validation refuses reserved keys (`__proto__`, `constructor`...), but the store must not rely
// on it: these helpers only ever read and write own properties, so no key can reach a prototype and
// no filter can match an inherited member.

/** A copy of `metadata` with its own enumerable keys only; an own `__proto__` key stays a plain key. */
export function ownMetadata(metadata: Metadata | undefined): Metadata {
  const out: Metadata = {};
  if (!metadata) return out;
  for (const key of Object.keys(metadata)) {
    const value = metadata[key];
    if (value !== undefined) define(out, key, structuredClone(value));
  }
  return out;
}

/** Applies a patch (`null` deletes a key, other values set it) to a copy; the input is not changed. */
export function patchOwnMetadata(current: Metadata, patch: MetadataPatch): Metadata {
  const next = ownMetadata(current);
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) delete next[key];
    else if (value !== undefined) define(next, key, structuredClone(value));
  }
  return next;
}

/**
 * The core filter semantics (every key equal as a string; a list matches when it contains the value)
 * on own keys only: `{ constructor: '...' }` never matches the inherited `Object` constructor.
 */
export function matchesOwnMetadata(metadata: Metadata, filter: Record<string, string> | undefined): boolean {
  if (!filter) return true;
  for (const key of Object.keys(filter)) {
    if (!Object.hasOwn(metadata, key)) return false;
    const actual = metadata[key];
    const expected = filter[key];
    if (actual === undefined || expected === undefined) return false;
    if (Array.isArray(actual) ? !actual.includes(expected) : String(actual) !== expected) return false;
  }
  return true;
}

function define(target: Metadata, key: string, value: Metadata[string]): void {
  // defineProperty, not assignment: `target.__proto__ = v` would replace the prototype.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
