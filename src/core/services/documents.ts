import type { CallOptions } from '../model/common.js';
import type { DocumentContent, DocumentEntry, DocumentRef, DocumentVersion, SetDocumentInput } from '../model/document.js';

/** Saved versions of a room's document (capability `documents.versions`). */
export interface DocumentVersionService {
  /** The room document's saved versions, newest first. */
  list(roomId: string, options?: CallOptions): Promise<DocumentVersion[]>;
  /** Saves the document's current state as a new version and returns it. */
  create(roomId: string, options?: CallOptions): Promise<DocumentVersion>;
}

/**
 * The collaborative document of a room: a Yjs document whose root shared types are read and written
 * as JSON, or exchanged as binary Yjs updates by apps that hold a `Y.Doc`.
 */
export interface DocumentService {
  /** The JSON form of one root shared type (`documents.get`). An absent key reads as its type's empty value. */
  get(roomId: string, ref: DocumentRef, options?: CallOptions): Promise<DocumentContent>;
  /** Replaces one root shared type with `value` (`documents.set`). */
  set(roomId: string, input: SetDocumentInput, options?: CallOptions): Promise<void>;
  /** The root shared types present, with their types where the vendor can tell (`documents.list`). */
  list(roomId: string, options?: CallOptions): Promise<DocumentEntry[]>;
  /** The whole document as one binary Yjs update (`documents.updates`). */
  getUpdate(roomId: string, options?: CallOptions): Promise<Uint8Array>;
  /** Merges a binary Yjs update into the document, as Yjs merges concurrent updates (`documents.updates`). */
  applyUpdate(roomId: string, update: Uint8Array, options?: CallOptions): Promise<void>;
  /** Saved versions (`documents.versions`). */
  readonly versions: DocumentVersionService;
}
