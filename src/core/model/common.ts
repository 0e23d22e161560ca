import { z } from 'zod';
import { ID_MESSAGES, isDotSegment, isWellFormedText, MAX_ID_LENGTH } from './id.js';

/**
 * Keys refused in metadata, metadata patches and metadata filters: `__proto__` would be dropped (or
 * replace the prototype) when the record is copied, and `constructor` / `prototype` would match
 * inherited members of every object in a filter or lookup.
 */
export const RESERVED_METADATA_KEYS: readonly string[] = Object.freeze(['__proto__', 'constructor', 'prototype']);

/** Keys refused in every other input record (access maps, token rooms): the one a copy cannot keep. */
export const RESERVED_RECORD_KEYS: readonly string[] = Object.freeze(['__proto__']);

/**
 * `z.record(key, value)` that refuses `reserved` own keys with an issue at that key. zod's own record
 * silently skips `__proto__`, so the check looks at the caller's object before zod copies it.
 */
export function safeRecord<V extends z.ZodType>(value: V, reserved: readonly string[] = RESERVED_RECORD_KEYS, keySchema: z.ZodString = z.string()) {
  return z
    .custom<z.input<z.ZodRecord<z.ZodString, V>>>()
    .check((payload) => {
      const input = payload.value as unknown;
      // Not an object: the record schema below reports the type.
      if (typeof input !== 'object' || input === null) return;
      for (const key of reserved) {
        let own: boolean;
        try {
          own = Object.hasOwn(input, key);
        } catch {
          payload.issues.push({ code: 'custom', message: 'could not be read (a Proxy trap threw)', input });
          return;
        }
        if (own) payload.issues.push({ code: 'custom', message: 'is a reserved key', path: [key], input });
      }
    })
    .pipe(z.record(keySchema, value));
}

/** A metadata value: what every provider can store (some vendors also accept string lists). */
export const MetadataValueSchema = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);
/** A metadata value: a string, number, boolean or list of strings. */
export type MetadataValue = z.infer<typeof MetadataValueSchema>;

/** Free-form key/value metadata attached to rooms, threads and comments. Reserved keys (`RESERVED_METADATA_KEYS`) are refused. */
export const MetadataSchema = safeRecord(MetadataValueSchema, RESERVED_METADATA_KEYS);
/** Free-form key/value metadata attached to rooms, threads and comments. */
export type Metadata = z.infer<typeof MetadataSchema>;

/**
 * A metadata patch: a `null` value deletes the key, any other value sets it,
 * and keys not named are left as they are.
 */
export const MetadataPatchSchema = safeRecord(MetadataValueSchema.nullable(), RESERVED_METADATA_KEYS);
/** A metadata patch: `null` deletes a key, other values set it, absent keys are kept. */
export type MetadataPatch = z.infer<typeof MetadataPatchSchema>;

/** A metadata filter: every key given must equal its value. Reserved keys (`RESERVED_METADATA_KEYS`) are refused. */
export const MetadataFilterSchema = safeRecord(z.string(), RESERVED_METADATA_KEYS);

/**
 * An identifier (rooms, users, threads, comments...): non-empty, at most 256 characters, well-formed
 * Unicode, and not `.` / `..` in any percent-encoding (it would change the request path). See `idProblem`.
 */
export const IdSchema = z
  .string()
  .min(1, ID_MESSAGES.empty)
  .max(MAX_ID_LENGTH, ID_MESSAGES.tooLong)
  .refine(isWellFormedText, ID_MESSAGES.wellFormed)
  .refine((value) => !isDotSegment(value), ID_MESSAGES.dotSegment);

/** The vendor payload an entity was mapped from: an escape hatch, never containing secrets. */
export const RawSchema = z.unknown();

/** Options every service method accepts as its last argument. */
export interface CallOptions {
  /** Aborts the call (and any retries) when signalled. */
  signal?: AbortSignal;
  /** The tenant (a vendor's organization, hub or workspace); defaults to the adapter's configured one. */
  tenantId?: string;
}

/** One page of a listing. Pass `nextCursor` back as `cursor` to get the next page; `null` means this was the last. */
export interface Page<T> {
  /** The items of this page, in the provider's order. */
  items: T[];
  /** The cursor of the next page, or `null` when there is none. */
  nextCursor: string | null;
}

/** Paging input of list methods. */
export interface PageRequest {
  /** Maximum items in one page (provider limits apply; default is the provider's). */
  limit?: number;
  /** A `nextCursor` from a previous page. */
  cursor?: string;
}

/** The zod schema of `PageRequest`. */
export const PageRequestSchema = z.object({
  limit: z.number().int().min(1).max(1000).optional(),
  cursor: z.string().min(1).optional(),
});
