import type { Metadata, MetadataPatch } from './model/common.js';

/** Applies a metadata patch: `null` deletes a key, other values set it, absent keys are kept. Returns a new object. */
export function applyMetadataPatch(current: Metadata, patch: MetadataPatch): Metadata {
  const next: Metadata = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}

/**
 * The core metadata filter semantics, for adapters that filter on their side: every key of `filter`
 * must equal the value (as a string, so `1` matches `'1'`); a string list matches when it contains it.
 */
export function matchesMetadata(metadata: Metadata, filter: Record<string, string> | undefined): boolean {
  if (!filter) return true;
  for (const [key, expected] of Object.entries(filter)) {
    const actual = metadata[key];
    if (actual === undefined) return false;
    if (Array.isArray(actual) ? !actual.includes(expected) : String(actual) !== expected) return false;
  }
  return true;
}
