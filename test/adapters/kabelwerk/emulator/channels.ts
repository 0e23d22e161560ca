/**
 * Kabelwerk's channel topics (vendors/kabelwerk.md §2.3-§2.4): `private`, `user_inbox:<userId>`,
 * `hub_inbox:<hubId>`, `room:<roomId>`, `notifier:<userId>`; their joins, pushes and the broadcasts that
 * state changes cause (§6.2). REST (`rest.ts`) reuses `KabelwerkBroadcasts` so a REST post reaches sockets.
 *
 * Error replies carry `{reason}`; the SDKs ignore error contents (§2.2), so the wording is the emulator's.
 */
import type { ChannelHandler, PhoenixConnection, PhoenixServer, Reply } from './phoenix.js';
import { EmuStateError, type EmuMarker, type EmuMessage, type EmuRoom, type EmuUser, type KabelwerkEmulatorState } from './state.js';
import { ownUser, userRef, type Wire } from './wire.js';

type Conn = PhoenixConnection<number>;

/** Room join / `list_messages` page size (Dart RoomJoin doc and mock, §2.4.3). */
export const MESSAGE_PAGE = 100;

const UNAUTHORIZED = 'Unauthorized.';

const ok = (response: unknown): Reply => ({ status: 'ok', response });
const error = (reason: string): Reply => ({ status: 'error', response: { reason } });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => Number.isInteger(v);
const isBlank = (v: unknown) => typeof v !== 'string' || v.trim() === '';

/** Fans state changes out to the sockets that should hear about them. */
export class KabelwerkBroadcasts {
  constructor(
    private readonly state: KabelwerkEmulatorState,
    private readonly wire: Wire,
    private readonly server: PhoenixServer<number>,
  ) {}

  /** message_posted + the author's marker_moved on the room, inbox_updated on both inboxes, notifier for the others. */
  messagePosted(message: EmuMessage, marker: EmuMarker): void {
    const room = this.state.mustRoom(message.roomId);
    const payload = this.wire.message(message);
    this.server.broadcast(`room:${room.id}`, 'message_posted', payload);
    this.server.broadcast(`room:${room.id}`, 'marker_moved', this.wire.marker(marker));
    this.inboxes(room);
    for (const u of this.state.participants(room)) {
      if (u.id !== message.userId) this.server.broadcast(`notifier:${u.id}`, 'message_posted', { message: payload });
    }
  }

  /** message_deleted on the room; the inboxes too when the room's latest message changed (GUESS). */
  messageDeleted(message: EmuMessage): void {
    const room = this.state.mustRoom(message.roomId);
    this.server.broadcast(`room:${room.id}`, 'message_deleted', this.wire.message(message));
    const latest = this.state.latestMessage(room.id);
    if (!latest || latest.id < message.id) this.inboxes(room);
  }

  markerMoved(marker: EmuMarker): void {
    this.server.broadcast(`room:${marker.roomId}`, 'marker_moved', this.wire.marker(marker));
  }

  /** Archive, assignment or attributes changed: the hub inbox moves the room between filtered views. */
  roomChanged(room: EmuRoom): void {
    this.server.broadcast(`hub_inbox:${room.hubId}`, 'inbox_updated', this.wire.hubInboxItem(room));
  }

  /** A new (empty) room shows up in both inboxes (GUESS). */
  roomCreated(room: EmuRoom): void {
    this.inboxes(room);
  }

  /** user_updated (OwnUser) on the user's own `private` channels. */
  userUpdated(user: EmuUser): void {
    for (const conn of this.connectionsOf(user.id)) this.server.push(conn, 'private', 'user_updated', ownUser(user));
  }

  /** After `deleteUser`: channels of removed rooms close, unassigned rooms update, the user's sockets close. */
  userDeleted(userId: number, result: { removedRooms: EmuRoom[]; unassignedRooms: EmuRoom[] }): void {
    for (const room of result.removedRooms) {
      for (const conn of this.server.connections()) this.server.closeChannel(conn, `room:${room.id}`);
    }
    for (const room of result.unassignedRooms) this.roomChanged(room);
    for (const conn of this.connectionsOf(userId)) conn.ws.close(1000, 'user deleted');
  }

  connectionsOf(userId: number): Conn[] {
    return this.server.connections().filter((c) => c.assigns === userId);
  }

  private inboxes(room: EmuRoom): void {
    this.server.broadcast(`user_inbox:${room.endUserId}`, 'inbox_updated', this.wire.userInboxItem(room));
    this.server.broadcast(`hub_inbox:${room.hubId}`, 'inbox_updated', this.wire.hubInboxItem(room));
  }
}

/** Joins and pushes of every Kabelwerk topic. Connection assigns = the connected user's id. */
export class KabelwerkChannels implements ChannelHandler<number> {
  constructor(
    private readonly state: KabelwerkEmulatorState,
    private readonly wire: Wire,
    private readonly broadcasts: KabelwerkBroadcasts,
  ) {}

  join(conn: Conn, topic: string, params: unknown): Reply {
    const user = this.state.userById(conn.assigns);
    if (!user) return error(UNAUTHORIZED);
    const [kind, rest] = splitTopic(topic);
    switch (kind) {
      case 'private':
        return rest === undefined ? this.joinPrivate(user, params) : unmatched();
      case 'user_inbox':
        return user.hubId === null && rest === String(user.id) ? ok({}) : error(UNAUTHORIZED);
      case 'hub_inbox':
        return user.hubId !== null && rest === String(user.hubId) ? ok({}) : error(UNAUTHORIZED);
      case 'notifier':
        return rest === String(user.id) ? this.joinNotifier(user, params) : error(UNAUTHORIZED);
      case 'room':
        return this.joinRoom(user, rest, params);
      default:
        return unmatched();
    }
  }

  handleIn(conn: Conn, topic: string, event: string, payload: unknown): Reply {
    const user = this.state.userById(conn.assigns);
    if (!user) return error(UNAUTHORIZED);
    const [kind, rest] = splitTopic(topic);
    const p = isObject(payload) ? payload : {};
    try {
      switch (kind) {
        case 'private':
          return this.privatePush(conn, user, event, p);
        case 'user_inbox':
        case 'hub_inbox':
          return event === 'list_rooms' ? this.listRooms(user, p) : unknownEvent(event);
        case 'room':
          return this.roomPush(user, this.state.mustRoom(Number(rest)), event, p);
        default:
          return unknownEvent(event);
      }
    } catch (err) {
      if (err instanceof EmuStateError) return error(err.field ? `${err.field} ${err.message}` : err.message);
      throw err;
    }
  }

  // ------------------------------------------------------------------ private

  private joinPrivate(user: EmuUser, params: unknown): Reply {
    const ensure = isObject(params) ? params.ensure_rooms : undefined;
    if (ensure !== undefined && user.hubId === null) {
      const failed = error('Could not ensure the requested rooms.');
      let hubs;
      if (ensure === 'all') hubs = [...this.state.hubs.values()];
      else if (Array.isArray(ensure) && ensure.every((s) => typeof s === 'string')) {
        hubs = ensure.map((slug: string) => [...this.state.hubs.values()].find((h) => h.slug === slug));
        if (hubs.some((h) => h === undefined)) return failed;
      } else return failed;
      for (const hub of hubs) {
        if (!this.state.roomOf(user.id, hub!.id)) this.broadcasts.roomCreated(this.state.createRoom(user.id, hub!.id));
      }
    }
    return ok({ room_ids: this.state.roomsVisibleTo(user.id).map((r) => r.id), user: ownUser(user) });
  }

  private privatePush(conn: Conn, user: EmuUser, event: string, p: Record<string, unknown>): Reply {
    switch (event) {
      case 'update_user': {
        if (isBlank(p.name)) return error("name can't be blank");
        const updated = this.state.renameUser(user.id, p.name as string);
        this.broadcasts.userUpdated(updated);
        return ok(ownUser(updated));
      }
      case 'update_device': {
        if (typeof p.push_notifications_token !== 'string') return error('push_notifications_token is invalid');
        if (typeof p.push_notifications_enabled !== 'boolean') return error('push_notifications_enabled is invalid');
        const device = this.state.upsertDevice(user.id, conn.id, p.push_notifications_token, p.push_notifications_enabled);
        return ok(this.wire.device(device));
      }
      case 'create_room': {
        if (user.hubId !== null) return error('Only end users can create rooms.');
        const hub =
          isInt(p.hub) ? this.state.hubs.get(p.hub) : typeof p.hub === 'string' ? [...this.state.hubs.values()].find((h) => h.slug === p.hub) : undefined;
        if (!hub) return error('hub does not exist');
        if (this.state.roomOf(user.id, hub.id)) return error('A room for this user and hub already exists.');
        const room = this.state.createRoom(user.id, hub.id);
        this.broadcasts.roomCreated(room);
        return ok({ id: room.id, hub_id: room.hubId, user_id: room.endUserId });
      }
      case 'get_hub': {
        if (user.hubId === null) return error('Only hub users have a hub.');
        const hub = this.state.hub(user.hubId)!;
        return ok({ id: hub.id, name: hub.name, users: this.state.hubUsers(hub.id).map(userRef) });
      }
      default:
        return unknownEvent(event);
    }
  }

  // ------------------------------------------------------------------ inboxes

  private listRooms(user: EmuUser, p: Record<string, unknown>): Reply {
    const limit = p.limit ?? 10;
    const offset = p.offset ?? 0;
    if (!isInt(limit) || limit < 0) return error('limit is invalid');
    if (!isInt(offset) || offset < 0) return error('offset is invalid');
    let rooms = this.state.roomsVisibleTo(user.id);
    const hubSide = user.hubId !== null;
    if (hubSide) {
      if ('archived' in p) {
        if (typeof p.archived !== 'boolean') return error('archived is invalid');
        rooms = rooms.filter((r) => this.state.isArchived(r) === p.archived);
      }
      if ('hub_user' in p) {
        if (p.hub_user !== null && !isInt(p.hub_user)) return error('hub_user is invalid');
        rooms = rooms.filter((r) => r.hubUserId === p.hub_user);
      }
      if ('attributes' in p) {
        if (!isObject(p.attributes)) return error('attributes is invalid');
        const wanted = Object.entries(p.attributes);
        rooms = rooms.filter((r) => wanted.every(([k, v]) => sameJson(r.attributes[k], v)));
      }
      if ('search_query' in p) {
        if (typeof p.search_query !== 'string') return error('search_query is invalid');
        const q = p.search_query.trim().toLowerCase();
        rooms = rooms.filter((r) => matchesSearch(this.state.userById(r.endUserId), q));
      }
    }
    const sorted = this.byRecency(rooms).slice(offset, offset + limit);
    return ok({ items: sorted.map((r) => (hubSide ? this.wire.hubInboxItem(r) : this.wire.userInboxItem(r))) });
  }

  /** Latest message `inserted_at` desc, then its id desc; rooms without messages last, newest room first. */
  private byRecency(rooms: EmuRoom[]): EmuRoom[] {
    const latest = new Map(rooms.map((r) => [r.id, this.state.latestMessage(r.id)]));
    return [...rooms].sort((a, b) => {
      const ma = latest.get(a.id);
      const mb = latest.get(b.id);
      if (ma && mb) return mb.insertedAt.getTime() - ma.insertedAt.getTime() || mb.id - ma.id;
      if (ma) return -1;
      if (mb) return 1;
      return b.id - a.id;
    });
  }

  // ------------------------------------------------------------------ rooms

  private joinRoom(user: EmuUser, rest: string | undefined, params: unknown): Reply {
    const id = rest !== undefined && /^\d+$/.test(rest) ? Number(rest) : NaN;
    const room = this.state.roomById(id);
    if (!room || !this.state.canAccess(user.id, room)) return error(UNAUTHORIZED);
    const after = isObject(params) ? params.after : undefined;
    if (after !== undefined && !isInt(after)) return error('after is invalid');
    const all = this.state.messages(room.id);
    const messages = after !== undefined ? all.filter((m) => m.id > after) : all.slice(-MESSAGE_PAGE);
    return ok(this.wire.roomJoin(room, user.id, messages));
  }

  private roomPush(user: EmuUser, room: EmuRoom, event: string, p: Record<string, unknown>): Reply {
    switch (event) {
      case 'post_message': {
        const hasText = 'text' in p;
        const hasUpload = 'upload' in p;
        if (hasText === hasUpload) return error('Exactly one of text and upload is required.');
        if (hasText && isBlank(p.text)) return error("text can't be blank");
        if (hasUpload && !isInt(p.upload)) return error('upload is invalid');
        const { message, marker } = this.state.postMessage(room.id, user.id, hasText ? { text: p.text as string } : { uploadId: p.upload as number });
        this.broadcasts.messagePosted(message, marker);
        return ok(this.wire.message(message));
      }
      case 'delete_message': {
        if (!isInt(p.message)) return error('message is invalid');
        const message = this.state.deleteMessage(room.id, user.id, p.message);
        this.broadcasts.messageDeleted(message);
        return ok(this.wire.message(message));
      }
      case 'list_messages': {
        if (!isInt(p.before)) return error('before is invalid');
        const before = p.before;
        const messages = this.state.messages(room.id).filter((m) => m.id < before).slice(-MESSAGE_PAGE);
        return ok({ messages: messages.map((m) => this.wire.message(m)) });
      }
      case 'move_marker': {
        if (!isInt(p.message)) return error('message is invalid');
        const marker = this.state.moveMarker(room.id, user.id, p.message);
        this.broadcasts.markerMoved(marker);
        return ok(this.wire.marker(marker));
      }
      case 'set_attributes': {
        if (!isObject(p.attributes)) return error('attributes is invalid');
        this.state.updateRoom(room.id, { attributes: p.attributes });
        this.broadcasts.roomChanged(room);
        return ok(this.wire.room(room));
      }
      case 'set_inbox_info':
        return this.setInboxInfo(user, room, p);
      default:
        return unknownEvent(event);
    }
  }

  private setInboxInfo(user: EmuUser, room: EmuRoom, p: Record<string, unknown>): Reply {
    if (user.hubId === null) return error('Only hub users can change inbox info.');
    const patch: Parameters<KabelwerkEmulatorState['updateRoom']>[1] = {};
    if ('archive' in p) {
      if (typeof p.archive !== 'boolean') return error('archive is invalid');
      patch.archived = p.archive;
      if (p.archive && p.until !== undefined && p.until !== null) {
        const until = typeof p.until === 'string' ? new Date(p.until) : new Date(NaN);
        if (Number.isNaN(until.getTime())) return error('until is invalid');
        patch.archivedUntil = until;
      }
    }
    if ('hub_user' in p) {
      if (p.hub_user !== null && !isInt(p.hub_user)) return error('hub_user is invalid');
      patch.hubUserId = p.hub_user as number | null;
    }
    if (patch.archived === undefined && patch.hubUserId === undefined) return error('Nothing to update.');
    this.state.updateRoom(room.id, patch);
    this.broadcasts.roomChanged(room);
    return ok(this.wire.hubRoom(room));
  }

  // ------------------------------------------------------------------ notifier

  /** Messages by others in the user's rooms past the user's marker there, ascending by id; `{after}` narrows it. */
  private joinNotifier(user: EmuUser, params: unknown): Reply {
    const after = isObject(params) ? params.after : undefined;
    if (after !== undefined && !isInt(after)) return error('after is invalid');
    const messages: EmuMessage[] = [];
    for (const room of this.state.roomsVisibleTo(user.id)) {
      const seen = this.state.marker(room.id, user.id)?.messageId ?? 0;
      for (const m of this.state.messages(room.id)) {
        if (m.userId !== user.id && m.id > seen && (after === undefined || m.id > after)) messages.push(m);
      }
    }
    messages.sort((a, b) => a.id - b.id);
    return ok({ messages: messages.map((m) => this.wire.message(m)) });
  }
}

function splitTopic(topic: string): [string, string | undefined] {
  const i = topic.indexOf(':');
  return i < 0 ? [topic, undefined] : [topic.slice(0, i), topic.slice(i + 1)];
}

/** What Phoenix answers for a topic no channel is routed to. */
function unmatched(): Reply {
  return error('unmatched topic');
}

function unknownEvent(event: string): Reply {
  return error(`Unknown event: ${event}.`);
}

/** Case-insensitive prefix search over the room user's key, name, and each word of the name (GUESS beyond "prefix"). */
function matchesSearch(user: EmuUser | undefined, q: string): boolean {
  if (!user) return false;
  if (q === '') return true;
  const key = user.key.toLowerCase();
  const name = user.name.toLowerCase();
  return key.startsWith(q) || name.startsWith(q) || name.split(/\s+/).some((w) => w.startsWith(q));
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
