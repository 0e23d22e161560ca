import { inject, injectable } from 'inversify';
import { ConflictError, UnsupportedFeatureError, ValidationError } from '../../../core/errors.js';
import type { CallOptions, Page, PageRequest } from '../../../core/model/common.js';
import type { CreateRoomInput, Room, RoomFilter, UpdateRoomInput } from '../../../core/model/room.js';
import { decodeListCursor, encodeListCursor, listKey } from '../../../core/paging.js';
import type { RoomService } from '../../../core/services/rooms.js';
import type { KabelwerkRoomPatch } from '../client.js';
import { rejectionOf } from '../errors.js';
import { assertNoNameKey, attributesOf, patchedAttributes, roomFromInbox, roomFromRest } from '../mappers/rooms.js';
import { KABELWERK_TOKENS, type KabelwerkContext } from './context.js';
import { type KabelwerkHubSide, PAGE_SIZE } from './hub.js';

/** Default page size of `rooms.list`. */
export const DEFAULT_ROOM_PAGE = 50;

/**
 * Rooms are Kabelwerk rooms: one per (end user, hub), addressed by the end user's key (§0). They are
 * created as the end user (realtime `create_room`, §2.4.1), read from the hub inbox as the hub user
 * (§2.4.2), and updated over REST (§1.5.4). Kabelwerk has no room deletion.
 */
@injectable()
export class KabelwerkRoomService implements RoomService {
  constructor(
    @inject(KABELWERK_TOKENS.Context) private readonly ctx: KabelwerkContext,
    @inject(KABELWERK_TOKENS.HubSide) private readonly hub: KabelwerkHubSide,
  ) {}

  async create(input: CreateRoomInput, options?: CallOptions): Promise<Room> {
    const op = 'rooms.create';
    assertNoNameKey(input.metadata, 'metadata', op);
    const tenant = this.ctx.tenantOf(options);
    const actor = await this.hub.actor(tenant, op, options);
    try {
      // As the end user: the hub by id works for "_" too. Connecting creates the end user if it is new.
      await this.ctx.realtime(op).pushPrivate(input.id, 'create_room', { hub: actor.hubId }, this.ctx.rt(op, options));
    } catch (err) {
      // create_room fails "if there already exists a room for this user and hub" (docs/rooms.md), among other reasons.
      if (rejectionOf(err) === undefined) throw err;
      const existing = await this.hub.findRoom(input.id, tenant, op, options);
      if (!existing) throw err;
      if (input.idempotent) return roomFromInbox(existing);
      throw new ConflictError(`kabelwerk ${op}: room ${JSON.stringify(input.id)} already exists (an end user has one room per hub)`, { provider: this.ctx.provider, operation: op });
    }
    const room = await this.ctx.client.updateRoom(tenant, input.id, { attributes: attributesOf(input.name, input.metadata) }, op, this.ctx.call(options));
    return roomFromRest(room);
  }

  async get(id: string, options?: CallOptions): Promise<Room> {
    return roomFromInbox(await this.hub.mustFindRoom(id, this.ctx.tenantOf(options), 'rooms.get', options));
  }

  async list(query: RoomFilter & PageRequest = {}, options?: CallOptions): Promise<Page<Room>> {
    const op = 'rooms.list';
    if (query.userId !== undefined) throw new ValidationError('userId', 'Kabelwerk lists the rooms of a hub, not of a user (a room id is its end user\'s key: use rooms.get)', { provider: this.ctx.provider, operation: op });
    if (query.groupIds !== undefined) throw new ValidationError('groupIds', 'Kabelwerk has no groups', { provider: this.ctx.provider, operation: op });
    assertNoNameKey(query.metadata, 'metadata', op);
    const tenant = this.ctx.tenantOf(options);
    const listing = listKey('rooms', tenant, { metadata: query.metadata, archived: query.archived });
    const offset = query.cursor === undefined ? 0 : offsetOf(decodeListCursor(query.cursor, listing, { provider: this.ctx.provider, operation: op }));
    // Kabelwerk pages hold at most 100 rooms (§2.4.3); a larger limit gets a shorter page, never a truncated listing.
    const pageSize = Math.min(query.limit ?? DEFAULT_ROOM_PAGE, PAGE_SIZE);
    const items = await this.hub.listRooms(tenant, { limit: pageSize, offset, archived: query.archived, attributes: query.metadata }, op, options);
    return { items: items.map(roomFromInbox), nextCursor: items.length >= pageSize ? encodeListCursor(listing, offset + items.length) : null };
  }

  async *iterate(filter: RoomFilter & { pageSize?: number } = {}, options?: CallOptions): AsyncIterable<Room> {
    const { pageSize, ...rest } = filter;
    // Offset pages over an inbox sorted by latest message: a room that gets a message meanwhile moves, so repeats are dropped.
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await this.list({ ...rest, limit: pageSize ?? PAGE_SIZE, ...(cursor ? { cursor } : {}) }, options);
      for (const room of page.items) {
        if (seen.has(room.id)) continue;
        seen.add(room.id);
        yield room;
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  async update(id: string, patch: UpdateRoomInput, options?: CallOptions): Promise<Room> {
    const op = 'rooms.update';
    assertNoNameKey(patch.metadata, 'patch.metadata', op);
    const tenant = this.ctx.tenantOf(options);
    const body: KabelwerkRoomPatch = {};
    if (patch.archived !== undefined) body.archived = patch.archived;
    if (patch.name !== undefined || patch.metadata !== undefined) {
      // Kabelwerk replaces the attribute map: read it (an empty PATCH changes nothing and answers the room), merge, write.
      const current = await this.ctx.client.updateRoom(tenant, id, {}, op, this.ctx.call(options));
      body.attributes = patchedAttributes(current.attributes, { name: patch.name, metadata: patch.metadata });
    }
    return roomFromRest(await this.ctx.client.updateRoom(tenant, id, body, op, this.ctx.call(options)));
  }

  async delete(_id: string, _options?: CallOptions): Promise<void> {
    throw new UnsupportedFeatureError(this.ctx.provider, 'rooms.delete', this.ctx.capabilities.notes['rooms.delete']);
  }
}

function offsetOf(position: unknown): number {
  // Our own cursors only (decodeListCursor checked the listing): anything else is not a position.
  return typeof position === 'number' && Number.isSafeInteger(position) && position >= 0 ? position : 0;
}
