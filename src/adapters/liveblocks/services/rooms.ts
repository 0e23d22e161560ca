import { iteratePages } from '../../../core/paging.js';
import { inject, injectable } from 'inversify';
import { CollabError, ValidationError } from '../../../core/errors.js';
import type { CallOptions, Page, PageRequest } from '../../../core/model/common.js';
import type { CreateRoomInput, Room, RoomFilter, UpdateRoomInput } from '../../../core/model/room.js';
import type { RoomService } from '../../../core/services/rooms.js';
import type { LbListRoomsQuery } from '../client.js';
import { legacyMetadataParams, toCreateRoomBody, toRoom, toUpdateRoomBody, updateNeedsCurrentRoom } from '../mappers/rooms.js';
import { LIVEBLOCKS_TOKENS, type LiveblocksContext } from './context.js';

/** `GET /v2/rooms` accepts 1-100 per page (section 3.1). */
const MAX_PAGE = 100;
/** Room ids are at most 128 characters (section 2.2). */
const MAX_ROOM_ID = 128;

/**
 * Liveblocks rooms over `/v2/rooms`. `name` is kept in the metadata key `uc:name`; access levels map to
 * `defaultAccesses` / `usersAccesses` / `groupsAccesses`; `tenantId` is the `organizationId`.
 */
@injectable()
export class LiveblocksRoomService implements RoomService {
  constructor(@inject(LIVEBLOCKS_TOKENS.Context) private readonly ctx: LiveblocksContext) {}

  /**
   * Creates a room (`POST /v2/rooms`, `?idempotent` when asked). Without `access.default` the room is
   * private (`defaultAccesses: []`); tokens from `auth.issueToken` grant the rooms they list.
   */
  async create(input: CreateRoomInput, options?: CallOptions): Promise<Room> {
    const op = 'rooms.create';
    if (input.id.length > MAX_ROOM_ID) throw new ValidationError('id', `Liveblocks room ids are at most ${MAX_ROOM_ID} characters`, { provider: this.ctx.provider, operation: op });
    const body = toCreateRoomBody(input, this.ctx.tenantOf(options), op);
    return toRoom(await this.ctx.client.createRoom(body, input.idempotent === true, options?.signal));
  }

  /** Gets a room (`GET /v2/rooms/{id}`). */
  async get(id: string, options?: CallOptions): Promise<Room> {
    return toRoom(await this.ctx.client.getRoom(id, options?.signal));
  }

  /**
   * Lists one page of rooms, newest first (`GET /v2/rooms`). The metadata filter is sent in the query
   * language (`metadata['k']:'v'`, exact and AND-ed); `userId` and `groupIds` match rooms where any of
   * them has an access entry. `limit` above 100 is capped at Liveblocks' maximum.
   */
  async list(query: RoomFilter & PageRequest = {}, options?: CallOptions): Promise<Page<Room>> {
    return this.page(query, query.limit, query.cursor, options);
  }

  /** Iterates over every matching room, 100 per request unless `pageSize` says otherwise. */
  iterate(filter: RoomFilter & { pageSize?: number } = {}, options?: CallOptions): AsyncIterable<Room> {
    return iteratePages((cursor) => this.page(filter, filter.pageSize ?? MAX_PAGE, cursor, options));
  }

  /**
   * Updates a room (`POST /v2/rooms/{id}`). Metadata is a patch (`null` deletes a key); a new `name`
   * is written to its metadata key. In `access`, `default` replaces the default, and `users` / `groups`
   * each replace the whole map when given (one extra `GET` to know which entries to remove).
   */
  async update(id: string, patch: UpdateRoomInput, options?: CallOptions): Promise<Room> {
    const op = 'rooms.update';
    const current = updateNeedsCurrentRoom(patch) ? await this.ctx.client.getRoom(id, options?.signal) : undefined;
    return toRoom(await this.ctx.client.updateRoom(id, toUpdateRoomBody(patch, current, op), options?.signal));
  }

  /** Deletes a room (`DELETE /v2/rooms/{id}`). */
  async delete(id: string, options?: CallOptions): Promise<void> {
    try {
      await this.ctx.client.deleteRoom(id, options?.signal);
    } catch (err) {
      // rooms.delete is idempotent across providers: a room that is already gone is not an error.
      if (!(CollabError.is(err) && err.code === 'not_found')) throw err;
    }
  }

  private async page(q: RoomFilter, limit: number | undefined, cursor: string | undefined, options: CallOptions | undefined): Promise<Page<Room>> {
    const query: LbListRoomsQuery = {
      limit: limit === undefined ? undefined : Math.min(limit, MAX_PAGE),
      startingAfter: cursor,
      userId: q.userId,
      groupIds: q.groupIds?.length ? q.groupIds.join(',') : undefined,
      organizationId: this.ctx.tenantOf(options),
      ...legacyMetadataParams(q.metadata),
    };
    const page = await this.ctx.client.listRooms(query, options?.signal);
    // An empty string cursor would loop a caller forever; the core contract says null.
    return { items: page.data.map(toRoom), nextCursor: page.nextCursor || null };
  }
}
