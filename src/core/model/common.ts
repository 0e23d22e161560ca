import { z } from 'zod';

/** A metadata value: what every provider can store (Liveblocks rooms also accept string lists). */
export const MetadataValueSchema = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);
/** A metadata value: a string, number, boolean or list of strings. */
export type MetadataValue = z.infer<typeof MetadataValueSchema>;

/** Free-form key/value metadata attached to rooms, threads and comments. */
export const MetadataSchema = z.record(z.string(), MetadataValueSchema);
/** Free-form key/value metadata attached to rooms, threads and comments. */
export type Metadata = z.infer<typeof MetadataSchema>;

/**
 * A metadata patch: a `null` value deletes the key, any other value sets it,
 * and keys not named are left as they are.
 */
export const MetadataPatchSchema = z.record(z.string(), MetadataValueSchema.nullable());
/** A metadata patch: `null` deletes a key, other values set it, absent keys are kept. */
export type MetadataPatch = z.infer<typeof MetadataPatchSchema>;

/** A non-empty identifier (rooms, users, threads, comments...). */
export const IdSchema = z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters');

/** The vendor payload an entity was mapped from: an escape hatch, never containing secrets. */
export const RawSchema = z.unknown();

/** Options every service method accepts as its last argument. */
export interface CallOptions {
  /** Aborts the call (and any retries) when signalled. */
  signal?: AbortSignal;
  /** The tenant (Liveblocks/Velt organization, Kabelwerk hub); defaults to the adapter's configured one. */
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
