import { inject, injectable } from 'inversify';
import { ConflictError, NotFoundError, ValidationError } from '../../../core/errors.js';
import { raceAbort } from '../../../core/abort.js';
import type { CallOptions } from '../../../core/model/common.js';
import { DEFAULT_HUB } from '../config.js';
import { rejectionOf } from '../errors.js';
import { parseChannelReply } from '../mappers/replies.js';
import type { JoinedChannel } from '../realtime.js';
import { type KabelwerkHubInboxItem, KabelwerkListRoomsSchema, type KabelwerkMessage, KabelwerkMessagesSchema, type KabelwerkRoomJoin, KabelwerkRoomJoinSchema } from '../schemas.js';
import { KABELWERK_TOKENS, type KabelwerkContext } from './context.js';

/** The key of the service hub user the adapter creates in the default hub. */
export const SERVICE_HUB_USER = 'unicollab';

/** Rooms per `list_rooms` and messages per `list_messages`: Kabelwerk's page size (Dart doc and mock, §2.4.3). */
export const PAGE_SIZE = 100;

/** Stops a listing whose server ignores `offset` (every page the same) instead of looping. */
const MAX_PAGES = 1000;

/** The hub user a tenant's hub-side reads act as, and that hub's id (for `hub_inbox:<id>`). */
export interface HubActor {
  readonly key: string;
  readonly hubId: number;
}

/** A room's join reply and every message fetched (oldest first). */
export interface RoomMessages {
  readonly room: KabelwerkRoomJoin;
  readonly messages: KabelwerkMessage[];
}

/** `list_rooms` filters (hub side, §2.4.2). */
export interface InboxQuery {
  limit: number;
  offset: number;
  archived?: boolean | undefined;
  attributes?: Record<string, string> | undefined;
  search_query?: string | undefined;
}

/**
 * Hub-side reads over the realtime API (§2.4.2, §2.4.3), as the configured `hubUserId` or as the
 * service hub user, created over REST on first use (connecting with an unknown key would create an end
 * user instead, §2.1). Kabelwerk's REST API reads nothing (§1.6), so every read goes through here.
 */
@injectable()
export class KabelwerkHubSide {
  private readonly actors = new Map<string, Promise<HubActor>>();
  /** Room number -> its end user's key (both are fixed for a room's life). */
  private readonly roomKeys = new Map<number, string>();

  constructor(@inject(KABELWERK_TOKENS.Context) private readonly ctx: KabelwerkContext) {}

  /** The key of the hub user acting for `tenant`, and whether the adapter creates it. */
  actorKeyOf(tenant: string, operation: string): { key: string; create: boolean } {
    const configured = this.ctx.config.hubUserId;
    if (configured !== undefined && tenant === this.ctx.defaultTenantId) return { key: configured, create: false };
    if (tenant === DEFAULT_HUB) {
      throw new ValidationError('tenantId', `"${DEFAULT_HUB}" names no hub the service hub user can be created in: pass the hub's slug (or configure hubUserId for the default hub)`, {
        provider: this.ctx.provider,
        operation,
      });
    }
    return { key: tenant === this.ctx.defaultTenantId ? SERVICE_HUB_USER : `${SERVICE_HUB_USER}-${tenant}`, create: true };
  }

  /** The hub user of `tenant` (created once per process when it is the service user) and its hub id. */
  actor(tenant: string, operation: string, options?: CallOptions): Promise<HubActor> {
    let actor = this.actors.get(tenant);
    if (!actor) {
      // Shared by concurrent callers, so it runs without any one caller's signal.
      actor = this.resolveActor(tenant, operation);
      this.actors.set(tenant, actor);
      actor.catch(() => {
        if (this.actors.get(tenant) === actor) this.actors.delete(tenant);
      });
    }
    return raceAbort(actor, options?.signal, { provider: this.ctx.provider, operation });
  }

  private async resolveActor(tenant: string, operation: string): Promise<HubActor> {
    const { key, create } = this.actorKeyOf(tenant, operation);
    if (create) {
      try {
        await this.ctx.client.createUser({ key, name: SERVICE_HUB_USER, hub: tenant }, operation);
      } catch (err) {
        // "has already been taken": created before (by this or another process). Anything else is real.
        if (!(err instanceof ValidationError && err.field === 'key')) throw err;
      }
    }
    const me = await this.ctx.realtime(operation).identity(key, { operation });
    if (me.user.hub_id === null) {
      throw new ConflictError(
        `kabelwerk ${operation}: the key "${key}" belongs to an end user, not a hub user; ${create ? 'configure hubUserId with the key of a hub user' : 'hubUserId must be the key of a hub user'}`,
        { provider: this.ctx.provider, operation },
      );
    }
    return { key, hubId: me.user.hub_id };
  }

  /** Runs `task` on the tenant's hub inbox channel. */
  private async inbox<T>(tenant: string, operation: string, options: CallOptions | undefined, task: (channel: JoinedChannel, actor: HubActor) => Promise<T>): Promise<T> {
    const actor = await this.actor(tenant, operation, options);
    return this.ctx.realtime(operation).withChannel(actor.key, `hub_inbox:${actor.hubId}`, {}, this.ctx.rt(operation, options), (channel) => task(channel, actor));
  }

  /** One `list_rooms` page of the tenant's hub inbox. */
  async listRooms(tenant: string, query: InboxQuery, operation: string, options?: CallOptions): Promise<KabelwerkHubInboxItem[]> {
    return this.inbox(tenant, operation, options, async (channel) => this.page(channel, query, operation));
  }

  private async page(channel: JoinedChannel, query: InboxQuery, operation: string): Promise<KabelwerkHubInboxItem[]> {
    const payload: Record<string, unknown> = { limit: query.limit, offset: query.offset };
    if (query.archived !== undefined) payload.archived = query.archived;
    if (query.attributes !== undefined && Object.keys(query.attributes).length > 0) payload.attributes = query.attributes;
    if (query.search_query !== undefined) payload.search_query = query.search_query;
    return parseChannelReply(KabelwerkListRoomsSchema, await channel.push('list_rooms', payload), operation, 'list_rooms').items;
  }

  /**
   * The room of the end user `roomId` on the tenant's hub, or `undefined`. The hub inbox search is a
   * prefix search over keys and names (§2.4.2), so pages are read until the exact key turns up.
   */
  async findRoom(roomId: string, tenant: string, operation: string, options?: CallOptions): Promise<KabelwerkHubInboxItem | undefined> {
    return this.inbox(tenant, operation, options, async (channel) => {
      const seen = new Set<number>();
      for (let pageNo = 0; pageNo < MAX_PAGES; pageNo++) {
        const items = await this.page(channel, { limit: PAGE_SIZE, offset: pageNo * PAGE_SIZE, search_query: roomId }, operation);
        const hit = items.find((item) => item.room.user.key === roomId);
        if (hit) {
          this.roomKeys.set(hit.room.id, roomId);
          return hit;
        }
        const fresh = items.filter((item) => !seen.has(item.room.id));
        if (items.length < PAGE_SIZE || fresh.length === 0) return undefined;
        for (const item of items) seen.add(item.room.id);
      }
      return undefined;
    });
  }

  /** The room of `roomId` on the tenant's hub; `NotFoundError` when the end user has none there. */
  async mustFindRoom(roomId: string, tenant: string, operation: string, options?: CallOptions): Promise<KabelwerkHubInboxItem> {
    const item = await this.findRoom(roomId, tenant, operation, options);
    if (!item) throw new NotFoundError(`kabelwerk ${operation}: room ${JSON.stringify(roomId)} not found`, { provider: this.ctx.provider, operation });
    return item;
  }

  /**
   * The room's messages, oldest first: the join's latest page, then `list_messages {before}` until
   * Kabelwerk answers none, or (with `downTo`) until that message id is loaded.
   */
  async messages(tenant: string, roomNumber: number, operation: string, options?: CallOptions, downTo?: number): Promise<RoomMessages> {
    const actor = await this.actor(tenant, operation, options);
    return this.readRoom(actor.key, roomNumber, operation, options, downTo);
  }

  /** `messages`, as any user that may join the room. */
  async readRoom(userKey: string, roomNumber: number, operation: string, options?: CallOptions, downTo?: number): Promise<RoomMessages> {
    return this.joinRoom(userKey, roomNumber, operation, options, async (channel, room) => {
      const messages = await this.olderMessages(channel, room.messages, operation, downTo);
      return { room, messages };
    });
  }

  /** Joins `room:<roomNumber>` as `userKey`; a refused join (the room is gone or not the user's) is `NotFoundError`. */
  async joinRoom<T>(userKey: string, roomNumber: number, operation: string, options: CallOptions | undefined, task: (channel: JoinedChannel, room: KabelwerkRoomJoin) => Promise<T>): Promise<T> {
    try {
      return await this.ctx.realtime(operation).withChannel(userKey, `room:${roomNumber}`, {}, this.ctx.rt(operation, options), async (channel, reply) => {
        const room = parseChannelReply(KabelwerkRoomJoinSchema, reply, operation, 'room join');
        this.roomKeys.set(roomNumber, room.user.key);
        return task(channel, room);
      });
    } catch (err) {
      const rejection = rejectionOf(err);
      if (rejection?.event === 'phx_join' && rejection.topic === `room:${roomNumber}`) {
        throw new NotFoundError(`kabelwerk ${operation}: the room is not there for this user${rejection.reason ? ` (${rejection.reason})` : ''}`, {
          provider: this.ctx.provider,
          operation,
          vendorCode: 'channel_rejected',
        });
      }
      throw err;
    }
  }

  /** Pages back from `latest` with `list_messages {before}`; ascending, without repeats. */
  async olderMessages(channel: JoinedChannel, latest: readonly KabelwerkMessage[], operation: string, downTo?: number): Promise<KabelwerkMessage[]> {
    const byId = new Map<number, KabelwerkMessage>();
    for (const m of latest) byId.set(m.id, m);
    let before = minId(latest);
    for (let pageNo = 0; before !== undefined && pageNo < MAX_PAGES; pageNo++) {
      if (downTo !== undefined && before <= downTo) break;
      const page = parseChannelReply(KabelwerkMessagesSchema, await channel.push('list_messages', { before }), operation, 'list_messages').messages;
      const older = page.filter((m) => m.id < before! && !byId.has(m.id));
      if (older.length === 0) break;
      for (const m of older) byId.set(m.id, m);
      before = minId(older);
    }
    return [...byId.values()].sort((a, b) => a.id - b.id);
  }

  /** The end user's key of room `roomNumber`, as `userKey` sees it (cached: it never changes). */
  async roomKeyOf(userKey: string, roomNumber: number, operation: string, options?: CallOptions): Promise<string> {
    const known = this.roomKeys.get(roomNumber);
    if (known !== undefined) return known;
    return this.joinRoom(userKey, roomNumber, operation, options, async (_channel, room) => room.user.key);
  }
}

function minId(messages: readonly KabelwerkMessage[]): number | undefined {
  let min: number | undefined;
  for (const m of messages) if (min === undefined || m.id < min) min = m.id;
  return min;
}

