import { inject, injectable } from 'inversify';
import { CollabError, ProviderResponseError, ValidationError } from '../../../core/errors.js';
import type { CallOptions } from '../../../core/model/common.js';
import type { DocumentContent, DocumentEntry, DocumentRef, DocumentVersion, SetDocumentInput } from '../../../core/model/document.js';
import type { DocumentService, DocumentVersionService } from '../../../core/services/documents.js';
import { toDocumentVersion } from '../mappers/documents.js';
import type { LbHistoryVersion } from '../schemas.js';
import { LIVEBLOCKS_TOKENS, type LiveblocksContext } from './context.js';

/** Loaded on first use, so apps that never touch documents never load `yjs`. */
const yjsJson = () => import('../../../core/documents/yjs-json.js');

/** `GET /v2/rooms/{id}/versions` returns at most 100 per page ([NODE] getVersionHistory: 1-100, default 20). */
const VERSION_PAGE = 100;
/** Versions looked at after a create to find its `createdAt` (the new one is the newest). */
const CREATED_LOOKUP = 20;

/**
 * The room's Yjs document over `/v2/rooms/{id}/ydoc-binary` (reads) and `PUT /v2/rooms/{id}/ydoc`
 * (writes); core's Yjs helpers turn it into JSON and back, so every adapter reads and writes the same way.
 *
 * - `get` reads the binary document and the key from it (see `get` for why not `GET /ydoc?key&type`).
 * - `set` reads the whole document (`GET /ydoc-binary`), lets core compute the Yjs update that turns
 *   the key into the value (only what differs, so concurrent edits elsewhere survive the merge) and
 *   sends it (`PUT /ydoc`). Nothing is sent when core finds the key already holds the value.
 * - `list` reads the binary document and tells each root type's kind from its content (core
 *   `listSharedTypes`): `GET /ydoc` without a key infers the same kinds but cannot tell a text from an
 *   XML fragment once both are JSON strings.
 */
@injectable()
export class LiveblocksDocumentService implements DocumentService {
  readonly versions: DocumentVersionService;

  constructor(@inject(LIVEBLOCKS_TOKENS.Context) private readonly ctx: LiveblocksContext) {
    this.versions = new LiveblocksDocumentVersions(ctx);
  }

  /**
   * The JSON of one root type, read from the binary document (`GET /ydoc-binary`) with core
   * `readSharedType`: an absent key reads as the type's empty value, a key holding another kind is a
   * `ConflictError`. Not `GET /ydoc?key&type`: there a read with the wrong `type` answers a converted
   * view (`{}` for a text read as a map) and leaves the server's copy of the type re-typed, so every
   * later read of that key with its right type answers HTTP 500 (observed on the liveblocks@1.9.0 dev
   * server; production UNCONFIRMED); an absent key also answers `{ [key]: "" }`, which is a valid map.
   */
  async get(roomId: string, ref: DocumentRef, options?: CallOptions): Promise<DocumentContent> {
    const op = 'documents.get';
    const bytes = await this.ctx.client.getYjsBinary(roomId, op, options?.signal);
    const { docFromUpdate, readSharedType } = await yjsJson();
    const value = readSharedType(vendorDoc(docFromUpdate, bytes, op), ref.key, ref.type);
    // The vendor answered bytes; raw holds what was read from them, in the shape every adapter uses.
    return { key: ref.key, type: ref.type, value, raw: { key: ref.key, type: ref.type, value: structuredClone(value) } };
  }

  /**
   * Replaces one root type with `value`: `GET /ydoc-binary`, core's replacement update, `PUT /ydoc`.
   * XML is checked before any request; a key holding another kind is a `ConflictError` (from core).
   */
  async set(roomId: string, input: SetDocumentInput, options?: CallOptions): Promise<void> {
    const op = 'documents.set';
    const { checkValue, replacementUpdate } = await yjsJson();
    checkValue(input.type, input.value);
    const current = await this.ctx.client.getYjsBinary(roomId, op, options?.signal);
    let update: Uint8Array | undefined;
    try {
      update = replacementUpdate(current, input.key, input.type, input.value);
    } catch (err) {
      // Core names the state it could not load `current`: here that is the vendor's answer, so API drift.
      if (isValidationError(err) && err.field === 'current') throw driftFrom(err, op);
      throw err;
    }
    if (update === undefined) return;
    await this.ctx.client.sendYjsUpdate(roomId, update, op, options?.signal);
  }

  /** The root types present with their kinds, from the binary document (an empty root type has none). */
  async list(roomId: string, options?: CallOptions): Promise<DocumentEntry[]> {
    const op = 'documents.list';
    const bytes = await this.ctx.client.getYjsBinary(roomId, op, options?.signal);
    const { docFromUpdate, listSharedTypes } = await yjsJson();
    return listSharedTypes(vendorDoc(docFromUpdate, bytes, op));
  }

  /** The whole document as one binary Yjs update, v1 encoding (`GET /ydoc-binary`). */
  async getUpdate(roomId: string, options?: CallOptions): Promise<Uint8Array> {
    return this.ctx.client.getYjsBinary(roomId, 'documents.getUpdate', options?.signal);
  }

  /**
   * Sends a binary Yjs update (`PUT /ydoc`). Bytes that are not a v1 update are refused before the
   * request (`ValidationError` on `update`), as is a Liveblocks 422 for one.
   */
  async applyUpdate(roomId: string, update: Uint8Array, options?: CallOptions): Promise<void> {
    const op = 'documents.applyUpdate';
    const { docFromUpdate } = await yjsJson();
    // Decoding into a throw-away doc is the only full check Yjs offers; it costs far less than the upload.
    docFromUpdate(update, 'update');
    try {
      await this.ctx.client.sendYjsUpdate(roomId, update, op, options?.signal);
    } catch (err) {
      throw refield(err, 'update');
    }
  }
}

/** Saved Yjs versions over `/v2/rooms/{id}/versions` (not implemented by the dev server: 501). */
class LiveblocksDocumentVersions implements DocumentVersionService {
  constructor(private readonly ctx: LiveblocksContext) {}

  /** Every version, newest first, following `nextCursor` 100 at a time. */
  async list(roomId: string, options?: CallOptions): Promise<DocumentVersion[]> {
    const out: DocumentVersion[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await this.ctx.client.listVersions(roomId, { limit: VERSION_PAGE, cursor }, options?.signal);
      out.push(...page.data.map(toDocumentVersion));
      cursor = page.nextCursor || undefined;
      // A cursor that comes back would make this loop forever: that is API drift, not an empty page.
      if (cursor !== undefined) {
        if (seen.has(cursor)) throw new ProviderResponseError('liveblocks documents.versions.list: the same nextCursor came back twice', { provider: this.ctx.provider, operation: 'documents.versions.list', path: 'nextCursor' });
        seen.add(cursor);
      }
    } while (cursor !== undefined);
    return out;
  }

  /**
   * Saves a version (`POST /versions`, which answers only `{ data: { id } }`), then reads the newest
   * versions once to return its `createdAt` and authors. When Liveblocks does not list it yet (or that
   * read fails), `createdAt` is the time the answer arrived and `raw` the create answer.
   */
  async create(roomId: string, options?: CallOptions): Promise<DocumentVersion> {
    const created = await this.ctx.client.createVersion(roomId, options?.signal);
    const answeredAt = new Date();
    const id = created.data.id;
    let listed: LbHistoryVersion | undefined;
    try {
      const page = await this.ctx.client.listVersions(roomId, { limit: CREATED_LOOKUP }, options?.signal);
      listed = page.data.find((v) => v.id === id);
    } catch (err) {
      // The version is saved whatever the lookup does: failing now would invite a retry that saves a second one.
      if (!CollabError.is(err)) throw err;
    }
    return listed ? toDocumentVersion(listed) : { id, createdAt: answeredAt, raw: created };
  }
}

type DocFromUpdate = (typeof import('../../../core/documents/yjs-json.js'))['docFromUpdate'];

/** Loads the vendor's document, where bad bytes are API drift rather than bad input. */
function vendorDoc(docFromUpdate: DocFromUpdate, bytes: Uint8Array, operation: string) {
  try {
    return docFromUpdate(bytes, 'ydoc-binary');
  } catch (err) {
    throw driftFrom(err, operation);
  }
}

function driftFrom(err: unknown, operation: string): ProviderResponseError {
  return new ProviderResponseError(`liveblocks ${operation}: GET /ydoc-binary answered bytes that are not a Yjs update`, { provider: 'liveblocks', operation, path: 'ydoc-binary', cause: err });
}

function isValidationError(err: unknown): err is ValidationError {
  return CollabError.is(err) && err.code === 'validation_error';
}

/**
 * A vendor 400/422 names no input field (`field: "request"`); where the method has one input that the
 * vendor judged, say which.
 */
export function refield(err: unknown, field: string): unknown {
  if (!isValidationError(err) || err.field !== 'request') return err;
  const init = { provider: err.provider, operation: err.operation, status: err.status, requestId: err.requestId, vendorCode: err.vendorCode, cause: err };
  return new ValidationError(field, err.message.replace(/^Invalid request: /, ''), init);
}
