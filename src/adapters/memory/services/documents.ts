import { inject, injectable } from 'inversify';
import type { CallOptions } from '../../../core/model/common.js';
import type { DocumentContent, DocumentEntry, DocumentRef, DocumentVersion, SetDocumentInput } from '../../../core/model/document.js';
import type { DocumentService, DocumentVersionService } from '../../../core/services/documents.js';
import type { StoredRoom, StoredRoomContent } from '../schemas.js';
import { MEMORY_TOKENS, type MemoryContext } from './context.js';

/** Loaded on first use, so apps that never touch documents never load `yjs`. */
const yjsJson = () => import('../../../core/documents/yjs-json.js');

function bytesOf(content: StoredRoomContent | undefined): Uint8Array | undefined {
  return content?.ydoc === undefined ? undefined : new Uint8Array(Buffer.from(content.ydoc, 'base64'));
}

function contentOf(room: StoredRoom): StoredRoomContent {
  room.content ??= {};
  return room.content;
}

/**
 * Each room's Yjs document, held as one merged update and persisted with the rest of the state
 * (its own journal record, so a write never rewrites the room).
 */
@injectable()
export class MemoryDocumentService implements DocumentService {
  readonly versions: DocumentVersionService;

  constructor(@inject(MEMORY_TOKENS.Context) private readonly ctx: MemoryContext) {
    this.versions = new MemoryDocumentVersions(ctx);
  }

  async get(roomId: string, ref: DocumentRef, options?: CallOptions): Promise<DocumentContent> {
    const room = this.ctx.room(roomId, 'documents.get', options);
    const { docFromUpdate, readSharedType } = await yjsJson();
    const value = readSharedType(docFromUpdate(bytesOf(room.content)), ref.key, ref.type);
    return { key: ref.key, type: ref.type, value, raw: { key: ref.key, type: ref.type, value: structuredClone(value) } };
  }

  async set(roomId: string, input: SetDocumentInput, options?: CallOptions): Promise<void> {
    const op = 'documents.set';
    const room = this.ctx.room(roomId, op, options);
    const { docFromUpdate, encodeDoc, writeSharedType, Y } = await yjsJson();
    const doc = docFromUpdate(bytesOf(room.content));
    const before = Y.encodeStateVector(doc);
    writeSharedType(doc, input.key, input.type, input.value);
    if (Buffer.compare(before, Y.encodeStateVector(doc)) !== 0) this.save(room, encodeDoc(doc), { key: input.key, type: input.type }, options);
    await this.ctx.commit(op);
  }

  async list(roomId: string, options?: CallOptions): Promise<DocumentEntry[]> {
    const room = this.ctx.room(roomId, 'documents.list', options);
    const { docFromUpdate, listSharedTypes } = await yjsJson();
    return listSharedTypes(docFromUpdate(bytesOf(room.content)));
  }

  async getUpdate(roomId: string, options?: CallOptions): Promise<Uint8Array> {
    const room = this.ctx.room(roomId, 'documents.getUpdate', options);
    const { docFromUpdate, encodeDoc } = await yjsJson();
    return encodeDoc(docFromUpdate(bytesOf(room.content)));
  }

  async applyUpdate(roomId: string, update: Uint8Array, options?: CallOptions): Promise<void> {
    const op = 'documents.applyUpdate';
    const room = this.ctx.room(roomId, op, options);
    const { applyUpdateChecked, docFromUpdate, encodeDoc } = await yjsJson();
    // The room is read again after the import: another call may have written while it loaded.
    const doc = docFromUpdate(bytesOf(room.content));
    applyUpdateChecked(doc, update);
    this.save(room, encodeDoc(doc), {}, options);
    await this.ctx.commit(op);
  }

  private save(room: StoredRoom, state: Uint8Array, data: Record<string, unknown>, options?: CallOptions): void {
    contentOf(room).ydoc = Buffer.from(state).toString('base64');
    this.ctx.changed({ type: 'document.updated', roomId: room.id, data }, options);
  }
}

/** Saved versions of a room's document: copies of its state, newest first. */
class MemoryDocumentVersions implements DocumentVersionService {
  constructor(private readonly ctx: MemoryContext) {}

  async list(roomId: string, options?: CallOptions): Promise<DocumentVersion[]> {
    const room = this.ctx.room(roomId, 'documents.versions.list', options);
    return (room.content?.versions ?? []).map(toVersion).reverse();
  }

  async create(roomId: string, options?: CallOptions): Promise<DocumentVersion> {
    const op = 'documents.versions.create';
    const room = this.ctx.room(roomId, op, options);
    const { docFromUpdate, encodeDoc } = await yjsJson();
    const content = contentOf(room);
    const version = { id: this.ctx.store.newId('v'), createdAt: new Date(this.ctx.store.now()), ydoc: Buffer.from(encodeDoc(docFromUpdate(bytesOf(content)))).toString('base64') };
    (content.versions ??= []).push(version);
    this.ctx.store.dirty({ kind: 'content', tenantId: this.ctx.tenantOf(options), roomId });
    await this.ctx.commit(op);
    return toVersion(version);
  }
}

function toVersion(v: { id: string; createdAt: Date }): DocumentVersion {
  return { id: v.id, createdAt: new Date(v.createdAt), raw: { id: v.id, createdAt: new Date(v.createdAt).toISOString() } };
}
