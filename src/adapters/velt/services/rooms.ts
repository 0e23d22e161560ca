import { iteratePages } from '../../../core/paging.js';
import { inject, injectable } from 'inversify';
import { ConflictError, NotFoundError, ValidationError } from '../../../core/errors.js';
import type { CallOptions, Page, PageRequest } from '../../../core/model/common.js';
import type { CreateRoomInput, Room, RoomFilter, UpdateRoomInput } from '../../../core/model/room.js';
import type { RoomService } from '../../../core/services/rooms.js';
import { assertBatchSucceeded } from '../errors.js';
import { matchesMetadata } from '../../../core/metadata.js';
import { assertNoReservedKeys, DOCUMENT_RESERVED_KEYS } from '../mappers/metadata.js';
import { accessTypeOf, toRoom } from '../mappers/rooms.js';
import type { VeltDocument } from '../schemas.js';
import { VELT_TOKENS, type VeltContext } from './context.js';

/**
 * Rooms are Velt documents of the organization (§5). `name` is `documentName`; room metadata is stored
 * as extra document fields (Velt's "documents with metadata"); access maps to `accessType`.
 */
@injectable()
export class VeltRoomService implements RoomService {
  constructor(@inject(VELT_TOKENS.Context) private readonly ctx: VeltContext) {}

  async create(input: CreateRoomInput, options?: CallOptions): Promise<Room> {
    const op = 'rooms.create';
    assertNoReservedKeys(input.metadata, DOCUMENT_RESERVED_KEYS, 'metadata', op);
    const document: { documentId: string } & Record<string, unknown> = { ...(input.metadata ?? {}), documentId: input.id };
    if (input.name !== undefined) document.documentName = input.name;
    if (input.access !== undefined) document.accessType = accessTypeOf(input.access, 'access', op);
    const org = this.ctx.tenantOf(options);
    try {
      const result = await this.ctx.client.addDocuments(
        { organizationId: org, documents: [document], ...(this.ctx.config.createMissing ? { createOrganization: true } : {}) },
        op,
        this.ctx.call(options),
        // The documentId is ours, so the create is retried like on every provider: `already-exists` on a
        // retry after a lost answer is our own create, and the room is read back below.
        true,
      );
      assertBatchSucceeded(result, op);
    } catch (err) {
      // Velt answers an existing documentId with a per-item `already-exists` (§5.1).
      if (!(input.idempotent && err instanceof ConflictError)) throw err;
    }
    return this.fetch(input.id, op, options);
  }

  async get(id: string, options?: CallOptions): Promise<Room> {
    const op = 'rooms.get';
    return this.fetch(id, op, options);
  }

  async list(query: RoomFilter & PageRequest = {}, options?: CallOptions): Promise<Page<Room>> {
    const op = 'rooms.list';
    if (query.userId !== undefined) throw new ValidationError('userId', 'Velt cannot list documents by user', { provider: 'velt', operation: op });
    if (query.groupIds !== undefined) throw new ValidationError('groupIds', 'Velt cannot list documents by group', { provider: 'velt', operation: op });
    const org = this.ctx.tenantOf(options);
    const inbox = this.ctx.notificationDocumentId;
    return this.ctx.scan({
      operation: op,
      limit: query.limit,
      cursor: query.cursor,
      fetchPage: (pageToken, pageSize) =>
        this.ctx.client.getDocuments({ organizationId: org, pageSize, ...(pageToken ? { pageToken } : {}) }, op, this.ctx.call(options)),
      // Velt has no metadata query (§5.2): the filter runs here. The notification inbox document is not a room.
      match: (doc: VeltDocument) => doc.id !== inbox && (query.metadata === undefined || matchesMetadata(toRoom(doc).metadata, query.metadata)),
      filtered: query.metadata !== undefined && Object.keys(query.metadata).length > 0,
      map: toRoom,
    });
  }

  iterate(filter: RoomFilter & { pageSize?: number } = {}, options?: CallOptions): AsyncIterable<Room> {
    const { pageSize, ...rest } = filter;
    return iteratePages((cursor) => this.list({ ...rest, limit: pageSize ?? 100, ...(cursor ? { cursor } : {}) }, options));
  }

  async update(id: string, patch: UpdateRoomInput, options?: CallOptions): Promise<Room> {
    const op = 'rooms.update';
    assertNoReservedKeys(patch.metadata, DOCUMENT_RESERVED_KEYS, 'patch.metadata', op);
    // Velt merges document fields (§5.3): a metadata patch is sent as is, `null` removing a key.
    const document: { documentId: string } & Record<string, unknown> = { ...(patch.metadata ?? {}), documentId: id };
    if (patch.name !== undefined) document.documentName = patch.name;
    if (patch.access !== undefined) document.accessType = accessTypeOf(patch.access, 'patch.access', op);
    if (Object.keys(document).length > 1) {
      const result = await this.ctx.client.updateDocuments({ organizationId: this.ctx.tenantOf(options), documents: [document] }, op, this.ctx.call(options));
      assertBatchSucceeded(result, op);
    }
    return this.fetch(id, op, options);
  }

  async delete(id: string, options?: CallOptions): Promise<void> {
    const op = 'rooms.delete';
    const org = this.ctx.tenantOf(options);
    const rest = async (): Promise<void> => {
      try {
        const result = await this.ctx.client.deleteDocuments({ organizationId: org, documentIds: [id] }, op, this.ctx.call(options));
        assertBatchSucceeded(result, op);
      } catch (err) {
        // Idempotent on every provider (RoomService contract): Velt's per-item `not-found` (§5.4) means "already gone".
        if (!(err instanceof NotFoundError)) throw err;
      }
    };
    const sh = this.ctx.selfHosted;
    if (!sh) return rest();
    // Self-hosted: Velt deletes the document's threads with it (§5.4), so their content (and reaction icons)
    // leaves the store first; a refusal by Velt puts it back, any other failure is a PartialFailureError.
    const comments = Object.values(await sh.store.comments.get(org, { documentIds: [id] }));
    const reactions = Object.values(await sh.store.reactions.get(org, { documentIds: [id] }));
    await sh.write({
      operation: op,
      written: [`store:comment_annotations?documentId=${id} (${comments.length} deleted)`, `store:reaction_annotations?documentId=${id} (${reactions.length} deleted)`],
      failedId: `velt:documents/${id}`,
      store: async () => {
        for (const c of comments) await sh.store.comments.delete(org, c.annotationId);
        for (const r of reactions) await sh.store.reactions.delete(org, r.annotationId);
      },
      rollback: async () => {
        if (comments.length > 0) await sh.store.comments.upsert(org, comments);
        if (reactions.length > 0) await sh.store.reactions.upsert(org, reactions);
      },
      rest,
    });
  }

  private async fetch(id: string, op: string, options?: CallOptions): Promise<Room> {
    // A missing id makes Velt answer HTTP 500 with a `not-found` item (§5.2), mapped to NotFoundError.
    const page = await this.ctx.client.getDocuments({ organizationId: this.ctx.tenantOf(options), documentIds: [id] }, op, this.ctx.call(options));
    const doc = page.items.find((d) => d.id === id);
    if (!doc) throw new NotFoundError(`velt ${op}: room ${JSON.stringify(id)} not found`, { provider: 'velt', operation: op, vendorCode: 'NOT_FOUND' });
    return toRoom(doc);
  }
}
