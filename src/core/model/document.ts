import { z } from 'zod';
import { RawSchema } from './common.js';
import { type JsonLimits, jsonObject, jsonValue } from './json.js';
import { parseXmlFragment, XmlSyntaxError } from '../documents/xml.js';

/**
 * The Yjs shared types a document's root can hold, by their JSON form: `text` (`Y.Text`, a string),
 * `map` (`Y.Map`, a JSON object), `array` (`Y.Array`, a JSON array) and `xml` (`Y.XmlFragment`, its
 * XML serialisation as a string).
 */
export const SHARED_TYPES = ['text', 'map', 'array', 'xml'] as const;
/** A Yjs shared type, by its JSON form (see `SHARED_TYPES`). */
export const SharedTypeSchema = z.enum(SHARED_TYPES);
/** A Yjs shared type, by its JSON form (see `SHARED_TYPES`). */
export type SharedType = z.infer<typeof SharedTypeSchema>;

/** Size and depth limits of a shared type's JSON value (2 MiB, 64 levels). */
export const DOCUMENT_JSON_LIMITS: Readonly<JsonLimits> = Object.freeze({ maxDepth: 64, maxBytes: 2 * 1024 * 1024 });
/** The largest binary Yjs update accepted by `documents.applyUpdate` (16 MiB). */
export const MAX_DOCUMENT_UPDATE_BYTES = 16 * 1024 * 1024;
/** Size and depth limits of a JSON storage document (2 MiB, 64 levels). */
export const STORAGE_JSON_LIMITS: Readonly<JsonLimits> = Object.freeze({ maxDepth: 64, maxBytes: 2 * 1024 * 1024 });

/**
 * The name of a root shared type of a Y.Doc (`doc.getText(key)`). Any non-empty string of at most
 * 256 characters: it never reaches a request path (vendors take it in a query or a body).
 */
export const DocumentKeySchema = z.string().min(1, 'must be a non-empty string').max(256, 'must be at most 256 characters');

/** Which root shared type of a room's document: its key and its type. */
export const DocumentRefSchema = z.object({ key: DocumentKeySchema, type: SharedTypeSchema });
/** Which root shared type of a room's document: its key and its type. */
export type DocumentRef = z.infer<typeof DocumentRefSchema>;

const documentValue = jsonValue(DOCUMENT_JSON_LIMITS);

/**
 * Input of `documents.set`: the shared type `key` of type `type` becomes `value`, whose JSON form must
 * match the type (`text`/`xml`: a string, `map`: an object, `array`: an array).
 */
export const SetDocumentInputSchema = DocumentRefSchema.extend({ value: documentValue }).superRefine((input, ctx) => {
  const problem = valueProblem(input.type, input.value);
  if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
  const proto = protoKeyPath(input.value);
  if (proto) ctx.addIssue({ code: 'custom', path: ['value', ...proto], message: 'has a "__proto__" key, which Yjs cannot store (its decoder drops it): rename the key' });
});

/** The path of the first object key named `__proto__` in a JSON value (Yjs' encoding would silently lose it). */
function protoKeyPath(value: unknown, path: (string | number)[] = []): (string | number)[] | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = protoKeyPath(value[i], [...path, i]);
      if (p) return p;
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const key of Object.keys(value)) {
    // A nested key is lost on decode; a map's own top-level key survives (it is an entry name), but is
    // refused too, so the rule is one sentence.
    if (key === '__proto__') return [...path, key];
    const p = protoKeyPath((value as Record<string, unknown>)[key], [...path, key]);
    if (p) return p;
  }
  return undefined;
}
/** Input of `documents.set`. */
export type SetDocumentInput = z.input<typeof SetDocumentInputSchema>;

function valueProblem(type: SharedType, value: unknown): string | undefined {
  switch (type) {
    case 'text':
      return typeof value === 'string' ? undefined : 'must be a string for a text shared type';
    case 'xml':
      return typeof value === 'string' ? xmlProblem(value) : 'must be a string (the XML form) for an xml shared type';
    case 'map':
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? undefined : 'must be a JSON object for a map shared type';
    case 'array':
      return Array.isArray(value) ? undefined : 'must be a JSON array for an array shared type';
  }
}

/** Why an XML string is not the XML form of a fragment (checked here so no adapter sends a request first). */
function xmlProblem(xml: string): string | undefined {
  try {
    parseXmlFragment(xml);
    return undefined;
  } catch (err) {
    if (err instanceof XmlSyntaxError) return `is not the XML form of a fragment: ${err.message}`;
    throw err;
  }
}

/** One root shared type of a document, as `documents.get` returns it. */
export interface DocumentContent {
  /** The shared type's key. */
  key: string;
  /** Its type. */
  type: SharedType;
  /** Its JSON form: a string (`text`, `xml`), an object (`map`) or an array (`array`). */
  value: unknown;
  /** The vendor's answer. */
  raw: unknown;
}

/** A root shared type present in a document, as `documents.list` returns it. */
export interface DocumentEntry {
  /** The shared type's key. */
  key: string;
  /** Its type, where the vendor can tell. */
  type?: SharedType;
}

/** A binary Yjs update (`Y.encodeStateAsUpdate`, `Y.encodeUpdate`...), at most `MAX_DOCUMENT_UPDATE_BYTES`. */
export const DocumentUpdateSchema = z
  .custom<Uint8Array>((value) => value instanceof Uint8Array, { message: 'must be a Uint8Array (a binary Yjs update)' })
  .refine((value) => value.byteLength > 0, { message: 'must not be empty' })
  .refine((value) => value.byteLength <= MAX_DOCUMENT_UPDATE_BYTES, { message: `must be at most ${MAX_DOCUMENT_UPDATE_BYTES} bytes` });

/** A saved version of a room's document (Yjs history). */
export const DocumentVersionSchema = z.object({
  id: z.string(),
  createdAt: z.date(),
  /** Users whose changes the version holds, where the vendor records them. */
  authorIds: z.array(z.string()).optional(),
  raw: RawSchema,
});
/** A saved version of a room's document (Yjs history). */
export type DocumentVersion = z.infer<typeof DocumentVersionSchema>;

/**
 * The two forms of a JSON storage document: plain JSON, or LSON, where conflict-free containers are
 * nodes `{ lsonType: 'LiveObject' | 'LiveList' | 'LiveMap', data }` (adapters map their vendor's node shape).
 */
export const StorageFormatSchema = z.enum(['json', 'lson']);
/** The two forms of a JSON storage document. */
export type StorageFormat = z.infer<typeof StorageFormatSchema>;

/** Query of `storage.get`. */
export const StorageQuerySchema = z.object({ format: StorageFormatSchema.optional() });
/** Query of `storage.get`: `format` defaults to `json`. */
export type StorageQuery = z.input<typeof StorageQuerySchema>;

/** A room's JSON storage document, as `storage.get` returns it. */
export interface StorageDocument {
  /** The form of `data`. */
  format: StorageFormat;
  /** The root object: plain JSON, or an LSON `LiveObject` node. */
  data: Record<string, unknown>;
  /** The vendor's answer. */
  raw: unknown;
}

/**
 * The root of a storage document to initialise, as LSON: a `LiveObject` node
 * (`{ lsonType: 'LiveObject', data: { ... } }`) whose values are JSON or nested
 * `LiveObject`/`LiveList`/`LiveMap` nodes.
 */
export const StorageRootSchema = jsonObject<{ lsonType: 'LiveObject'; data: Record<string, unknown> }>(STORAGE_JSON_LIMITS).superRefine((root, ctx) => {
  const problem = lsonProblem(root, true);
  if (problem) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
});

function lsonProblem(node: unknown, isRoot: boolean, path: (string | number)[] = []): { path: (string | number)[]; message: string } | undefined {
  if (node === null || typeof node !== 'object') return isRoot ? { path, message: 'must be a LiveObject node ({ lsonType: "LiveObject", data })' } : undefined;
  if (Array.isArray(node)) {
    if (isRoot) return { path, message: 'must be a LiveObject node ({ lsonType: "LiveObject", data })' };
    for (let i = 0; i < node.length; i++) {
      const p = lsonProblem(node[i], false, [...path, i]);
      if (p) return p;
    }
    return undefined;
  }
  const record = node as Record<string, unknown>;
  const kind = record.lsonType;
  if (kind === undefined) {
    if (isRoot) return { path, message: 'must be a LiveObject node ({ lsonType: "LiveObject", data })' };
    for (const [k, v] of Object.entries(record)) {
      const p = lsonProblem(v, false, [...path, k]);
      if (p) return p;
    }
    return undefined;
  }
  if (isRoot && kind !== 'LiveObject') return { path: [...path, 'lsonType'], message: 'must be "LiveObject" at the root' };
  const data = record.data;
  switch (kind) {
    case 'LiveObject':
    case 'LiveMap':
      if (data === null || typeof data !== 'object' || Array.isArray(data)) return { path: [...path, 'data'], message: `must be an object in a ${kind} node` };
      for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
        const p = lsonProblem(v, false, [...path, 'data', k]);
        if (p) return p;
      }
      return undefined;
    case 'LiveList':
      if (!Array.isArray(data)) return { path: [...path, 'data'], message: 'must be an array in a LiveList node' };
      for (let i = 0; i < data.length; i++) {
        const p = lsonProblem(data[i], false, [...path, 'data', i]);
        if (p) return p;
      }
      return undefined;
    default:
      return { path: [...path, 'lsonType'], message: 'must be "LiveObject", "LiveList" or "LiveMap"' };
  }
}

/** One JSON Patch operation (RFC 6902) on a storage document. */
export const JsonPatchOperationSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('add'), path: z.string(), value: jsonValue(STORAGE_JSON_LIMITS) }),
  z.object({ op: z.literal('replace'), path: z.string(), value: jsonValue(STORAGE_JSON_LIMITS) }),
  z.object({ op: z.literal('test'), path: z.string(), value: jsonValue(STORAGE_JSON_LIMITS) }),
  z.object({ op: z.literal('remove'), path: z.string() }),
  z.object({ op: z.literal('move'), from: z.string(), path: z.string() }),
  z.object({ op: z.literal('copy'), from: z.string(), path: z.string() }),
]);
/** One JSON Patch operation (RFC 6902) on a storage document. */
export type JsonPatchOperation = z.infer<typeof JsonPatchOperationSchema>;
/** The operations of `storage.patch`: a non-empty JSON Patch (RFC 6902), at most 1000 operations. */
export const JsonPatchSchema = z.array(JsonPatchOperationSchema).min(1, 'must hold at least one operation').max(1000, 'must hold at most 1000 operations');
