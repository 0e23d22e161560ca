import { inject, injectable } from 'inversify';
import { ConflictError } from '../../../core/errors.js';
import type { CallOptions, Page, PageRequest } from '../../../core/model/common.js';
import type { CreateRoomInput, Room, RoomFilter, UpdateRoomInput } from '../../../core/model/room.js';
import type { RoomService } from '../../../core/services/rooms.js';
import { iteratePages, listKey } from '../../../core/paging.js';
import { applyMetadataPatch, copyMetadata, matchesMetadata } from '../../../core/metadata.js';
import { paginate } from '../mappers/paging.js';
import { SeqMap } from '../seq-map.js';
import { toRoom } from '../mappers/rooms.js';
import type { StoredRoom } from '../schemas.js';
import { MEMORY_STORE, type MemoryStore } from '../store.js';
import { MEMORY_TOKENS, type MemoryContext } from './context.js';

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
    const rooms = this.ctx.tenant(options).rooms;
    const existing = rooms.get(input.id);
    if (existing) {
      if (input.idempotent) {
        await this.ctx.commit(op); // it may have been created by a call whose save is still in flight
        return toRoom(existing);
      }
      throw new ConflictError(`Room ${JSON.stringify(input.id)} already exists`, { provider: 'memory', operation: op, vendorCode: 'ROOM_ALREADY_EXISTS' });
    }
    const room: StoredRoom = {
      id: input.id,
      seq: this.ctx.store.nextSeq(),
      metadata: copyMetadata(input.metadata),
      createdAt: new Date(this.ctx.store.now()),
      threads: new SeqMap(),
    };
    if (input.name !== undefined) room.name = input.name;
    if (input.access !== undefined) room.access = structuredClone(input.access);
    rooms.set(room.id, room);
    this.ctx.changed({ type: 'room.created', roomId: room.id }, options);
    await this.ctx.commit(op);
    return toRoom(room);
  }

  async get(id: string, options?: CallOptions): Promise<Room> {
    const op = 'rooms.get';
    return toRoom(this.ctx.room(id, op, options));
  }

  async list(query: RoomFilter & PageRequest = {}, options?: CallOptions): Promise<Page<Room>> {
    const op = 'rooms.list';
    const list = listKey('rooms', this.ctx.tenantOf(options), {
      metadata: query.metadata,
      userId: query.userId,
      groupIds: query.groupIds ? [...new Set(query.groupIds)].sort() : undefined,
      archived: query.archived,
    });
    return paginate(this.ctx.tenant(options).rooms, query, toRoom, { operation: op, list, defaultLimit: 20 }, (r) => this.matches(r, query));
  }

  iterate(filter: RoomFilter & { pageSize?: number } = {}, options?: CallOptions): AsyncIterable<Room> {
    const { pageSize, ...rest } = filter;
    return iteratePages((cursor) => this.list({ ...rest, limit: pageSize ?? 50, ...(cursor ? { cursor } : {}) }, options));
  }

  async update(id: string, patch: UpdateRoomInput, options?: CallOptions): Promise<Room> {
    const op = 'rooms.update';
    const room = this.ctx.room(id, op, options);
    if (patch.name !== undefined) room.name = patch.name;
    if (patch.metadata) room.metadata = applyMetadataPatch(room.metadata, patch.metadata);
    if (patch.access !== undefined) room.access = structuredClone(patch.access);
    // Stored only while true, so snapshots of never-archived rooms stay as they were.
    if (patch.archived === true) room.archived = true;
    else if (patch.archived === false) delete room.archived;
    this.ctx.touchedRoom(id, options);
    await this.ctx.commit(op);
    return toRoom(room);
  }

  async delete(id: string, options?: CallOptions): Promise<void> {
    const op = 'rooms.delete';
    if (this.ctx.tenant(options).rooms.delete(id)) {
      this.ctx.store.presence.delete(`${this.ctx.tenantOf(options)}\u0000${id}`);
      this.ctx.changed({ type: 'room.deleted', roomId: id }, options);
    }
    await this.ctx.commit(op); // idempotent: a missing room is not an error
  }

  private matches(room: StoredRoom, q: RoomFilter): boolean {
    if (!matchesMetadata(room.metadata, q.metadata)) return false;
    if (q.archived !== undefined && (room.archived === true) !== q.archived) return false;
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
