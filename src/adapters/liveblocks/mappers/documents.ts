/**
 * Liveblocks Yjs history versions and JSON storage <-> core versions and storage documents. Pure: no
 * I/O. (Yjs documents need no mapper: core's Yjs helpers read the binary document directly.)
 * @module
 */
import { isoDate } from '../../../core/iso-date.js';
import { renameLsonKind } from '../../../core/documents/lson.js';
import type { DocumentVersion, StorageDocument } from '../../../core/model/document.js';
import type { LbHistoryVersion, LbPlainLsonRoot } from '../schemas.js';

/** The kind key of Liveblocks' plain-LSON nodes (`{ liveblocksType, data }`). */
const LB_KIND = 'liveblocksType';
/** The kind key of core's LSON nodes (`{ lsonType, data }`). */
const CORE_KIND = 'lsonType';

/** A Liveblocks history version -> core `DocumentVersion` (`authorIds` from `authors[].id`). */
export function toDocumentVersion(wire: LbHistoryVersion): DocumentVersion {
  return { id: wire.id, createdAt: isoDate(wire.createdAt), authorIds: wire.authors.map((a) => a.id), raw: wire };
}

/** Core's LSON root -> Liveblocks plain LSON (`lsonType` renamed `liveblocksType` in every node). */
export function toLbPlainLson(root: { lsonType: 'LiveObject'; data: Record<string, unknown> }): LbPlainLsonRoot {
  return renameLsonKind(root, CORE_KIND, LB_KIND) as LbPlainLsonRoot;
}

/**
 * A plain-LSON answer -> core `StorageDocument` as LSON (`liveblocksType` renamed `lsonType`).
 * `LiveFile` nodes have no core kind and stay as Liveblocks writes them.
 */
export function toLsonStorageDocument(wire: LbPlainLsonRoot): StorageDocument {
  return { format: 'lson', data: renameLsonKind(wire, LB_KIND, CORE_KIND) as Record<string, unknown>, raw: wire };
}

/** A `format=json` answer -> core `StorageDocument` as JSON. */
export function toJsonStorageDocument(wire: Record<string, unknown>): StorageDocument {
  return { format: 'json', data: wire, raw: wire };
}
