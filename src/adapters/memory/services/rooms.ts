import { inject, injectable } from 'inversify';
import { ConflictError } from '../../../core/errors.js';
import type { CallOptions, Page, PageRequest } from '../../../core/model/common.js';
import { PageRequestSchema } from '../../../core/model/common.js';
import {
  CreateRoomInputSchema,
  type CreateRoomInput,
  type Room,
  type RoomFilter,
  RoomFilterSchema,
  type UpdateRoomInput,
  UpdateRoomInputSchema,
} from '../../../core/model/room.js';
import type { RoomService } from '../../../core/services/rooms.js';
import { iteratePages, listKey } from '../../../core/paging.js';
import { applyMetadataPatch, copyMetadata, matchesMetadata } from '../../../core/metadata.js';
import { paginate } from '../mappers/paging.js';
import { toRoom } from '../mappers/rooms.js';
import type { StoredRoom } from '../schemas.js';
import { MEMORY_STORE, type MemoryStore } from '../store.js';
import { MEMORY_TOKENS, type MemoryContext } from './context.js';

const ListSchema = RoomFilterSchema.extend(PageRequestSchema.shape);

/** Rooms of the embedded provider. */
@injectable()
export class MemoryRoomService implements RoomService {
  constructor(@inject(MEMORY_TOKENS.Context) private readonly ctx: MemoryContext) {}

  /** The store, for `memoryStoreOf` (tests and probes). */
  get [MEMORY_STORE](): MemoryStore {
    return this.ctx.store;
  }

  async create(input: CreateRoomInput, options?: CallOptions): Promise<Room> {
    const op = 'rooms.create';
    const data = this.ctx.validate(CreateRoomInputSchema, input, '', op);
    const rooms = this.ctx.tenant(options).rooms;
    const existing = rooms.get(data.id);
    if (existing) {
      if (data.idempotent) {
        await this.ctx.commit(op); // it may have been created by a call whose save is still in flight
        return toRoom(existing);
      }
      throw new ConflictError(`Room ${JSON.stringify(data.id)} already exists`, { provider: 'memory', operation: op, vendorCode: 'ROOM_ALREADY_EXISTS' });
    }
    const room: StoredRoom = {
      id: data.id,
      seq: this.ctx.store.nextSeq(),
      metadata: copyMetadata(data.metadata),
      createdAt: new Date(this.ctx.store.now()),
      threads: new Map(),
    };
    if (data.name !== undefined) room.name = data.name;
    if (data.access !== undefined) room.access = structuredClone(data.access);
    rooms.set(room.id, room);
    this.ctx.changed({ type: 'room.created', roomId: room.id }, options);
    await this.ctx.commit(op);
    return toRoom(room);
  }

  async get(id: string, options?: CallOptions): Promise<Room> {
    const op = 'rooms.get';
    return toRoom(this.ctx.room(this.ctx.id(id, 'id', op), op, options));
  }

  async list(query: RoomFilter & PageRequest = {}, options?: CallOptions): Promise<Page<Room>> {
    const op = 'rooms.list';
    const q = this.ctx.validate(ListSchema, query, '', op);
    const rooms = [...this.ctx.tenant(options).rooms.values()].filter((r) => this.matches(r, q));
    const list = listKey('rooms', this.ctx.tenantOf(options), { metadata: q.metadata, userId: q.userId, groupIds: q.groupIds ? [...new Set(q.groupIds)].sort() : undefined });
    return paginate(rooms, q, toRoom, { operation: op, list, defaultLimit: 20 });
  }

  async *iterate(filter: RoomFilter & { pageSize?: number } = {}, options?: CallOptions): AsyncIterable<Room> {
    const { pageSize, ...rest } = filter;
    yield* iteratePages((cursor) => this.list({ ...rest, limit: pageSize ?? 50, ...(cursor ? { cursor } : {}) }, options));
  }

  async update(id: string, patch: UpdateRoomInput, options?: CallOptions): Promise<Room> {
    const op = 'rooms.update';
    this.ctx.id(id, 'id', op);
    const data = this.ctx.validate(UpdateRoomInputSchema, patch, 'patch', op);
    const room = this.ctx.room(id, op, options);
    if (data.name !== undefined) room.name = data.name;
    if (data.metadata) room.metadata = applyMetadataPatch(room.metadata, data.metadata);
    if (data.access !== undefined) room.access = structuredClone(data.access);
    this.ctx.touchedRoom(id, options);
    await this.ctx.commit(op);
    return toRoom(room);
  }

  async delete(id: string, options?: CallOptions): Promise<void> {
    const op = 'rooms.delete';
    if (this.ctx.tenant(options).rooms.delete(this.ctx.id(id, 'id', op))) {
      this.ctx.store.presence.delete(`${this.ctx.tenantOf(options)}\u0000${id}`);
      this.ctx.changed({ type: 'room.deleted', roomId: id }, options);
    }
    await this.ctx.commit(op); // idempotent: a missing room is not an error
  }

  private matches(room: StoredRoom, q: RoomFilter): boolean {
    if (!matchesMetadata(room.metadata, q.metadata)) return false;
    if (q.userId || q.groupIds?.length) {
      // Liveblocks semantics: userId and groupIds are OR'ed; a room matches when any of them has access.
      const users = room.access?.users ?? {};
      const groups = room.access?.groups ?? {};
      // Own keys only: a user id like `constructor` must not match an inherited member.
      const byUser = q.userId !== undefined && Object.hasOwn(users, q.userId) && users[q.userId] !== 'none';
      const byGroup = (q.groupIds ?? []).some((g) => Object.hasOwn(groups, g) && groups[g] !== 'none');
      if (!byUser && !byGroup) return false;
    }
    return true;
  }
}
