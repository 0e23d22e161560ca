import { inject, injectable } from 'inversify';
import type { CallOptions } from '../../../core/model/common.js';
import type { JsonPatchOperation, StorageDocument, StorageQuery } from '../../../core/model/document.js';
import type { StorageService } from '../../../core/services/storage.js';
import { toJsonStorageDocument, toLbPlainLson, toLsonStorageDocument } from '../mappers/documents.js';
import { LIVEBLOCKS_TOKENS, type LiveblocksContext } from './context.js';
import { refield } from './documents.js';

/**
 * The room's JSON storage (LiveObject / LiveList / LiveMap) over `/v2/rooms/{id}/storage`. Liveblocks'
 * plain-LSON nodes `{ liveblocksType, data }` are core's `{ lsonType, data }`.
 */
@injectable()
export class LiveblocksStorageService implements StorageService {
  constructor(@inject(LIVEBLOCKS_TOKENS.Context) private readonly ctx: LiveblocksContext) {}

  /**
   * The storage as JSON (`?format=json`) or LSON (`?format=plain-lson`). Liveblocks answers an empty
   * storage as `{}` / an empty LiveObject, so an uninitialised room needs no special case.
   */
  async get(roomId: string, query: StorageQuery = {}, options?: CallOptions): Promise<StorageDocument> {
    if (query.format === 'lson') return toLsonStorageDocument(await this.ctx.client.getStorageLson(roomId, 'storage.get', options?.signal));
    return toJsonStorageDocument(await this.ctx.client.getStorageJson(roomId, options?.signal));
  }

  /**
   * Initialises an empty storage (`POST .../storage`) and returns what Liveblocks stored, as LSON.
   * 409 `CANNOT_UPDATE_EXISTING_STORAGE` (storage not empty) is a `ConflictError`. Liveblocks
   * disconnects the room's users when it does this.
   */
  async initialize(roomId: string, root: { lsonType: 'LiveObject'; data: Record<string, unknown> }, options?: CallOptions): Promise<StorageDocument> {
    try {
      return toLsonStorageDocument(await this.ctx.client.initializeStorage(roomId, toLbPlainLson(root), options?.signal));
    } catch (err) {
      throw refield(err, 'root');
    }
  }

  /** Empties the storage (`DELETE .../storage`; deleting an empty storage succeeds too). The Yjs document is kept. */
  async delete(roomId: string, options?: CallOptions): Promise<void> {
    await this.ctx.client.deleteStorage(roomId, options?.signal);
  }

  /**
   * Applies a JSON Patch (`PATCH .../storage/json-patch`), all or nothing: a failing operation (a
   * `test` that does not hold, a missing path) is a 422, reported as a `ValidationError` on
   * `operations`. Paths go through LiveObject / LiveList / LiveMap nodes only, not into plain JSON values.
   */
  async patch(roomId: string, operations: JsonPatchOperation[], options?: CallOptions): Promise<void> {
    try {
      await this.ctx.client.patchStorage(roomId, operations, options?.signal);
    } catch (err) {
      throw refield(err, 'operations');
    }
  }
}
