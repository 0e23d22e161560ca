import type { CallOptions, Page, PageRequest } from '../model/common.js';
import type { CreateRoomInput, Room, RoomFilter, UpdateRoomInput } from '../model/room.js';

/** Rooms (a vendor's rooms, documents or channels). */
export interface RoomService {
  /** Creates a room. `ConflictError` when the id is taken, unless `idempotent` is set. */
  create(input: CreateRoomInput, options?: CallOptions): Promise<Room>;
  /** Gets a room. `NotFoundError` when it does not exist. */
  get(id: string, options?: CallOptions): Promise<Room>;
  /** Lists one page of rooms matching the filter. */
  list(query?: RoomFilter & PageRequest, options?: CallOptions): Promise<Page<Room>>;
  /** Iterates over every room matching the filter, fetching pages as needed. */
  iterate(filter?: RoomFilter & { pageSize?: number }, options?: CallOptions): AsyncIterable<Room>;
  /** Updates name, metadata (a patch: `null` deletes a key) or access. */
  update(id: string, patch: UpdateRoomInput, options?: CallOptions): Promise<Room>;
  /**
   * Deletes a room and everything in it. Idempotent: deleting a room that does not exist resolves,
   * on every provider (some vendors answer 204 either way, so a check would cost a request per call).
   */
  delete(id: string, options?: CallOptions): Promise<void>;
}
