import type { CallOptions } from '../model/common.js';
import type { JsonPatchOperation, StorageDocument, StorageQuery } from '../model/document.js';

/** The JSON storage document of a room: a tree of conflict-free objects, lists and maps (see `StorageFormat`). */
export interface StorageService {
  /** The room's storage as plain JSON (default) or LSON (`storage.get`); an uninitialised room reads as `{}`. */
  get(roomId: string, query?: StorageQuery, options?: CallOptions): Promise<StorageDocument>;
  /** Initialises an empty storage with an LSON root (`storage.initialize`); `ConflictError` when it is not empty. */
  initialize(roomId: string, root: { lsonType: 'LiveObject'; data: Record<string, unknown> }, options?: CallOptions): Promise<StorageDocument>;
  /** Deletes the room's storage (`storage.delete`); idempotent. */
  delete(roomId: string, options?: CallOptions): Promise<void>;
  /** Applies a JSON Patch (RFC 6902) to the JSON form of the storage (`storage.patch`). */
  patch(roomId: string, operations: JsonPatchOperation[], options?: CallOptions): Promise<void>;
}
