import { inject, injectable } from 'inversify';
import { CollabError, ConflictError, ProviderResponseError, UnsupportedFeatureError } from '../../../core/errors.js';
import type { CallOptions } from '../../../core/model/common.js';
import type { DocumentContent, DocumentEntry, DocumentRef, SetDocumentInput, SharedType } from '../../../core/model/document.js';
import type { DocumentService, DocumentVersionService } from '../../../core/services/documents.js';
import { parseXmlFragment, XmlSyntaxError } from '../../../core/documents/xml.js';
import { redact } from '../../../core/redact.js';
import type { VeltCrdtEntry, VeltCrdtWrite } from '../schemas.js';
import { VELT_TOKENS, type VeltContext } from './context.js';

/** What an absent editor reads as (the core contract: its type's empty value). */
const EMPTY: Readonly<Record<SharedType, () => unknown>> = { text: () => '', xml: () => '', map: () => ({}), array: () => [] };

/** The JSON shape of a stored value: what `/crdt/get` lets us tell (a string may be a text or an XML fragment). */
type Shape = 'string' | 'map' | 'array';

/**
 * The room's Velt CRDT editor data (`/v2/crdt/add|get|update`, docs/vendors/velt-crdt.md): the room is the
 * Velt `documentId`, a key is an `editorId`, and each editor holds one Yjs shared type whose JSON form Velt
 * reads and writes. The editor's root type keeps Velt's default name (`contentKey` "content"); a TipTap
 * editor reads `"default"`, so content written here does not show in one (noted in the capability table).
 *
 * - `get` reads one editor (`/crdt/get` with `editorId`). An editor without data reads as the type's empty
 *   value. Velt answers no `type`: a value whose JSON shape is not the asked type's is a `ConflictError`, as
 *   on every provider; a string read as `xml` must parse as an XML fragment.
 * - `set` reads the editor first (`/crdt/get`), then `update`s it when it has data and `add`s it when not:
 *   two requests whatever the state. Velt's `add` fails on existing data and `update` on missing data
 *   (UNCONFIRMED: it may create instead), so neither alone is an upsert; reading first costs the same two
 *   requests as an add that fails, never depends on the UNCONFIRMED update-of-nothing, and tells the stored
 *   shape, so a map written over a text is a `ConflictError` (the core contract) instead of a silent
 *   re-typing. Text and XML cannot be told apart (both strings): a change between them is sent as an
 *   update with the new `type` (UNCONFIRMED whether Velt re-types the editor). An `add` that meets data
 *   written meanwhile (or its own retried write) falls back to reading and updating once.
 * - `list` reads every editor of the document (`/crdt/get` without `editorId`); types come from the JSON
 *   shape only: a string is reported as `text` (an XML fragment is a string too), an object as `map`, an
 *   array as `array` (capability `documents.list` is `partial`).
 * - No binary Yjs updates and no versions over REST: `getUpdate`, `applyUpdate` and `versions.*` are
 *   capability `no`; core's guard refuses them before this class runs, and they throw here too.
 */
@injectable()
export class VeltDocumentService implements DocumentService {
  readonly versions: DocumentVersionService;

  constructor(@inject(VELT_TOKENS.Context) private readonly ctx: VeltContext) {
    const unsupported = (): Promise<never> => Promise.reject(new UnsupportedFeatureError('velt', 'documents.versions', 'Velt has no REST endpoint for CRDT versions'));
    this.versions = { list: unsupported, create: unsupported };
  }

  async get(roomId: string, ref: DocumentRef, options?: CallOptions): Promise<DocumentContent> {
    const op = 'documents.get';
    const entries = await this.read(roomId, ref.key, op, options);
    const entry = entries.find((e) => e.id === ref.key);
    const value = entry === undefined ? EMPTY[ref.type]() : valueAs(entry.data, ref, op);
    return { key: ref.key, type: ref.type, value, raw: redact(entries) };
  }

  async set(roomId: string, input: SetDocumentInput, options?: CallOptions): Promise<void> {
    const op = 'documents.set';
    const body: VeltCrdtWrite = { organizationId: this.ctx.tenantOf(options), documentId: roomId, editorId: input.key, data: input.value, type: input.type };
    const stored = (await this.read(roomId, input.key, op, options)).find((e) => e.id === input.key);
    if (stored !== undefined) {
      assertWritable(stored, input, op);
      await this.ctx.client.updateCrdt(body, op, this.ctx.call(options));
      return;
    }
    try {
      await this.ctx.client.addCrdt(body, op, this.ctx.call(options));
    } catch (err) {
      if (!(CollabError.is(err) && err.code === 'conflict')) throw err;
      // Written meanwhile (or our own add, retried after a lost answer): check what is there, then replace it.
      const now = (await this.read(roomId, input.key, op, options)).find((e) => e.id === input.key);
      if (now === undefined) throw err;
      assertWritable(now, input, op);
      await this.ctx.client.updateCrdt(body, op, this.ctx.call(options));
    }
  }

  async list(roomId: string, options?: CallOptions): Promise<DocumentEntry[]> {
    const op = 'documents.list';
    const entries = await this.ctx.client.getCrdt({ organizationId: this.ctx.tenantOf(options), documentId: roomId }, op, this.ctx.call(options));
    const out: DocumentEntry[] = [];
    const seen = new Set<string>();
    for (const entry of entries) {
      if (seen.has(entry.id)) continue;
      seen.add(entry.id);
      const shape = shapeOf(entry.data, op);
      out.push({ key: entry.id, type: shape === 'string' ? 'text' : shape });
    }
    return out;
  }

  getUpdate(): Promise<Uint8Array> {
    return Promise.reject(new UnsupportedFeatureError('velt', 'documents.updates', 'Velt has no REST endpoint for binary Yjs updates'));
  }

  applyUpdate(): Promise<void> {
    return Promise.reject(new UnsupportedFeatureError('velt', 'documents.updates', 'Velt has no REST endpoint for binary Yjs updates'));
  }

  private read(roomId: string, editorId: string, op: string, options?: CallOptions): Promise<VeltCrdtEntry[]> {
    return this.ctx.client.getCrdt({ organizationId: this.ctx.tenantOf(options), documentId: roomId, editorId }, op, this.ctx.call(options));
  }
}

/** The JSON shape of a value Velt answered; anything else (`null`, a number) is API drift. */
function shapeOf(data: unknown, operation: string): Shape {
  if (typeof data === 'string') return 'string';
  if (Array.isArray(data)) return 'array';
  if (typeof data === 'object' && data !== null) return 'map';
  throw new ProviderResponseError(`velt answered ${operation} with CRDT data that is not a string, an object or an array`, { provider: 'velt', operation, path: 'data' });
}

function shapeOfType(type: SharedType): Shape {
  return type === 'map' || type === 'array' ? type : 'string';
}

/** The stored value as `ref.type`, or a `ConflictError` when the editor holds another kind. */
function valueAs(data: unknown, ref: DocumentRef, operation: string): unknown {
  const shape = shapeOf(data, operation);
  if (shape !== shapeOfType(ref.type)) throw kindConflict(ref.key, shape, ref.type, operation);
  if (ref.type === 'xml' && !isXmlFragment(data as string)) throw kindConflict(ref.key, 'text', 'xml', operation);
  return structuredClone(data);
}

/** Refuses to write `input.type` over an editor holding a value of another JSON shape. */
function assertWritable(stored: VeltCrdtEntry, input: SetDocumentInput, operation: string): void {
  const shape = shapeOf(stored.data, operation);
  if (shape !== shapeOfType(input.type)) throw kindConflict(input.key, shape, input.type, operation);
}

function kindConflict(key: string, held: Shape | 'text', asked: SharedType, operation: string): ConflictError {
  const what = held === 'string' ? 'a text or xml' : held === 'text' ? 'a text' : `a ${held}`;
  return new ConflictError(`velt ${operation}: editor ${JSON.stringify(key)} holds ${what}, not a ${asked}; a shared type keeps its kind`, { provider: 'velt', operation });
}

function isXmlFragment(value: string): boolean {
  try {
    parseXmlFragment(value);
    return true;
  } catch (err) {
    if (err instanceof XmlSyntaxError) return false;
    throw err;
  }
}
