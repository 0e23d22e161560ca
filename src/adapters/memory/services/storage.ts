import { inject, injectable } from 'inversify';
import { ConflictError } from '../../../core/errors.js';
import { lsonToJson } from '../../../core/documents/lson.js';
import type { CallOptions } from '../../../core/model/common.js';
import type { JsonPatchOperation, StorageDocument, StorageQuery } from '../../../core/model/document.js';
import type { StorageService } from '../../../core/services/storage.js';
import { patchLson } from '../lson-patch.js';
import { MEMORY_TOKENS, type MemoryContext } from './context.js';

type LsonRoot = { lsonType: 'LiveObject'; data: Record<string, unknown> };

const EMPTY_ROOT: Readonly<LsonRoot> = Object.freeze({ lsonType: 'LiveObject', data: Object.freeze({}) as Record<string, unknown> });

function document(root: LsonRoot, format: 'json' | 'lson'): StorageDocument {
  const data = (format === 'json' ? lsonToJson(root) : structuredClone(root)) as Record<string, unknown>;
  return { format, data, raw: structuredClone(root) };
}

/** Each room's JSON storage, kept as its LSON root (what `format: 'lson'` returns) and persisted with the room's content. */
@injectable()
export class MemoryStorageService implements StorageService {
  constructor(@inject(MEMORY_TOKENS.Context) private readonly ctx: MemoryContext) {}

  async get(roomId: string, query: StorageQuery = {}, options?: CallOptions): Promise<StorageDocument> {
    const room = this.ctx.room(roomId, 'storage.get', options);
    return document((room.content?.storage as LsonRoot | undefined) ?? EMPTY_ROOT, query.format ?? 'json');
  }

  async initialize(roomId: string, root: LsonRoot, options?: CallOptions): Promise<StorageDocument> {
    const op = 'storage.initialize';
    const room = this.ctx.room(roomId, op, options);
    const current = room.content?.storage as LsonRoot | undefined;
    if (current && Object.keys(current.data).length > 0) {
      throw new ConflictError(`Room ${JSON.stringify(roomId)} already has storage; only an empty storage can be initialised (delete it first)`, { provider: 'memory', operation: op, vendorCode: 'CANNOT_UPDATE_EXISTING_STORAGE' });
    }
    // A private copy: the caller keeps its object, and core hands over the caller's own value.
    const stored = JSON.parse(JSON.stringify(root)) as LsonRoot;
    (room.content ??= {}).storage = stored;
    this.ctx.changed({ type: 'storage.updated', roomId }, options);
    await this.ctx.commit(op);
    return document(stored, 'lson');
  }

  async delete(roomId: string, options?: CallOptions): Promise<void> {
    const op = 'storage.delete';
    const room = this.ctx.room(roomId, op, options);
    if (room.content?.storage !== undefined) {
      delete room.content.storage;
      this.ctx.changed({ type: 'storage.updated', roomId }, options);
    }
    await this.ctx.commit(op);
  }

  async patch(roomId: string, operations: JsonPatchOperation[], options?: CallOptions): Promise<void> {
    const op = 'storage.patch';
    const room = this.ctx.room(roomId, op, options);
    const patched = patchLson((room.content?.storage as LsonRoot | undefined) ?? EMPTY_ROOT, operations);
    (room.content ??= {}).storage = patched;
    this.ctx.changed({ type: 'storage.updated', roomId }, options);
    await this.ctx.commit(op);
  }
}
