/**
 * The Kabelwerk emulator's data: hubs, users, rooms, messages, markers, devices, uploads and id counters.
 * Pure (no I/O, no broadcasts): `rest.ts` and `channels.ts` validate input, call these methods, and fan
 * the results out to sockets. Tests read it directly for probes (`emu.state.user('kusanagi')`, ...).
 */
import { messageHtml, messageText } from './markup.js';

export interface EmuHub {
  id: number;
  slug: string;
  name: string;
}

export interface EmuUser {
  id: number;
  key: string;
  name: string;
  /** `null` for end users, the hub's id for hub users (sdk-js decides "hub side" by `Boolean(hubId)`). */
  hubId: number | null;
  insertedAt: Date;
  updatedAt: Date;
}

export interface EmuRoom {
  id: number;
  hubId: number;
  /** The room's end user: one room per (end user, hub). */
  endUserId: number;
  /** As stored; read it through `state.isArchived(room)` so an elapsed `archivedUntil` is honoured. */
  archived: boolean;
  archivedUntil: Date | null;
  attributes: Record<string, unknown>;
  /** The assigned hub user's id, or null. */
  hubUserId: number | null;
  insertedAt: Date;
}

export type EmuMessageType = 'text' | 'image' | 'attachment';

export interface EmuMessage {
  id: number;
  roomId: number;
  /** The author's id; the author may have been deleted since (the wire then shows `user: null`). */
  userId: number;
  type: EmuMessageType;
  /** The raw input as received (the wire `text` is HTML-escaped). */
  input: string;
  text: string;
  html: string;
  uploadId: number | null;
  insertedAt: Date;
  updatedAt: Date;
}

export interface EmuMarker {
  roomId: number;
  userId: number;
  messageId: number;
  updatedAt: Date;
}

export interface EmuDevice {
  id: number;
  userId: number;
  /** The socket connection the device was registered on ("the currently connected device"). */
  connectionId: number;
  pushNotificationsToken: string;
  pushNotificationsEnabled: boolean;
  insertedAt: Date;
  updatedAt: Date;
}

export interface EmuUpload {
  id: number;
  userId: number;
  roomId: number | null;
  mimeType: string;
  name: string;
  width: number | null;
  height: number | null;
  bytes: Uint8Array;
  insertedAt: Date;
}

/** A rule violation in a state operation; `field` names the offending input where there is one. */
export class EmuStateError extends Error {
  constructor(
    readonly kind: 'invalid' | 'not_found' | 'conflict',
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'EmuStateError';
  }
}

/** Hub placeholder of REST paths meaning "the only / default hub" (vendors/kabelwerk.md §1.5.4). */
export const DEFAULT_HUB = '_';

export class KabelwerkEmulatorState {
  readonly hubs = new Map<number, EmuHub>();
  readonly users = new Map<number, EmuUser>();
  readonly rooms = new Map<number, EmuRoom>();
  /** Live messages, by id (ascending insertion = ascending id). */
  readonly messagesById = new Map<number, EmuMessage>();
  /** Messages removed by `delete_message`, kept for probes. */
  readonly deletedMessages = new Map<number, EmuMessage>();
  /** Key `${roomId}:${userId}`. */
  readonly markers = new Map<string, EmuMarker>();
  readonly devices = new Map<number, EmuDevice>();
  readonly uploads = new Map<number, EmuUpload>();

  private seq = { hub: 0, user: 0, room: 0, message: 0, device: 0, upload: 0 };

  constructor(
    private readonly now: () => Date,
    private readonly initialHubs: ReadonlyArray<{ slug: string; name?: string }>,
  ) {
    this.seedHubs();
  }

  /** Drops everything and re-creates the configured hubs (ids restart at 1). */
  clear(): void {
    this.hubs.clear();
    this.users.clear();
    this.rooms.clear();
    this.messagesById.clear();
    this.deletedMessages.clear();
    this.markers.clear();
    this.devices.clear();
    this.uploads.clear();
    this.seq = { hub: 0, user: 0, room: 0, message: 0, device: 0, upload: 0 };
    this.seedHubs();
  }

  private seedHubs(): void {
    for (const h of this.initialHubs) {
      const id = ++this.seq.hub;
      this.hubs.set(id, { id, slug: h.slug, name: h.name ?? h.slug });
    }
  }

  // ------------------------------------------------------------------ hubs

  /** A hub by id, by slug, or `_` for the default (first) hub. */
  hub(slugOrId: string | number): EmuHub | undefined {
    if (typeof slugOrId === 'number') return this.hubs.get(slugOrId);
    if (slugOrId === DEFAULT_HUB) return this.defaultHub();
    return [...this.hubs.values()].find((h) => h.slug === slugOrId);
  }

  defaultHub(): EmuHub | undefined {
    return this.hubs.values().next().value;
  }

  // ------------------------------------------------------------------ users

  /** A user (end or hub) by key. */
  user(key: string): EmuUser | undefined {
    return [...this.users.values()].find((u) => u.key === key);
  }

  userById(id: number): EmuUser | undefined {
    return this.users.get(id);
  }

  /** The hub users of a hub, by id. */
  hubUsers(hubId: number): EmuUser[] {
    return [...this.users.values()].filter((u) => u.hubId === hubId);
  }

  createUser(input: { key: string; name: string; hubId: number | null }): EmuUser {
    if (this.user(input.key)) throw new EmuStateError('conflict', 'has already been taken', 'key');
    if (input.hubId !== null && !this.hubs.has(input.hubId)) throw new EmuStateError('not_found', 'does not exist', 'hub');
    const at = this.now();
    const user: EmuUser = { id: ++this.seq.user, key: input.key, name: input.name, hubId: input.hubId, insertedAt: at, updatedAt: at };
    this.users.set(user.id, user);
    return user;
  }

  renameUser(userId: number, name: string): EmuUser {
    const user = this.mustUser(userId);
    user.name = name;
    user.updatedAt = this.now();
    return user;
  }

  /**
   * Removes a user. An end user's rooms go with them (with their messages and markers); a hub user's
   * assignments are cleared and their messages stay, authored by nobody (GUESS, see README).
   * Returns the rooms that were removed and the rooms whose assignment was cleared.
   */
  deleteUser(userId: number): { removedRooms: EmuRoom[]; unassignedRooms: EmuRoom[] } {
    const user = this.mustUser(userId);
    const removedRooms: EmuRoom[] = [];
    const unassignedRooms: EmuRoom[] = [];
    for (const room of [...this.rooms.values()]) {
      if (room.endUserId === user.id) {
        removedRooms.push(room);
        this.rooms.delete(room.id);
        for (const m of [...this.messagesById.values()]) if (m.roomId === room.id) this.messagesById.delete(m.id);
        for (const [k, mk] of [...this.markers]) if (mk.roomId === room.id) this.markers.delete(k);
      } else if (room.hubUserId === user.id) {
        room.hubUserId = null;
        unassignedRooms.push(room);
      }
    }
    for (const [k, mk] of [...this.markers]) if (mk.userId === user.id) this.markers.delete(k);
    for (const [id, d] of [...this.devices]) if (d.userId === user.id) this.devices.delete(id);
    this.users.delete(user.id);
    return { removedRooms, unassignedRooms };
  }

  // ------------------------------------------------------------------ rooms

  /** The room of an end user (by key) on a hub (slug, or `_`). */
  room(hubSlug: string, endUserKey: string): EmuRoom | undefined {
    const hub = this.hub(hubSlug);
    const user = this.user(endUserKey);
    if (!hub || !user) return undefined;
    return this.roomOf(user.id, hub.id);
  }

  roomById(id: number): EmuRoom | undefined {
    return this.rooms.get(id);
  }

  roomOf(endUserId: number, hubId: number): EmuRoom | undefined {
    return [...this.rooms.values()].find((r) => r.endUserId === endUserId && r.hubId === hubId);
  }

  /** The rooms an end user owns, or all rooms of a hub user's hub, ascending by id. */
  roomsVisibleTo(userId: number): EmuRoom[] {
    const user = this.mustUser(userId);
    return [...this.rooms.values()].filter((r) => (user.hubId === null ? r.endUserId === user.id : r.hubId === user.hubId));
  }

  /** Whether a user may see a room: its end user, or any hub user of its hub. */
  canAccess(userId: number, room: EmuRoom): boolean {
    const user = this.users.get(userId);
    if (!user) return false;
    return user.hubId === null ? room.endUserId === user.id : room.hubId === user.hubId;
  }

  /** The room's participants: its end user and every hub user of its hub. */
  participants(room: EmuRoom): EmuUser[] {
    const endUser = this.users.get(room.endUserId);
    return [...(endUser ? [endUser] : []), ...this.hubUsers(room.hubId)];
  }

  createRoom(endUserId: number, hubId: number): EmuRoom {
    const user = this.mustUser(endUserId);
    if (user.hubId !== null) throw new EmuStateError('invalid', 'hub users do not own rooms', 'user');
    if (!this.hubs.has(hubId)) throw new EmuStateError('not_found', 'does not exist', 'hub');
    if (this.roomOf(endUserId, hubId)) throw new EmuStateError('conflict', 'has already been taken', 'hub');
    const room: EmuRoom = {
      id: ++this.seq.room,
      hubId,
      endUserId,
      archived: false,
      archivedUntil: null,
      attributes: {},
      hubUserId: null,
      insertedAt: this.now(),
    };
    this.rooms.set(room.id, room);
    return room;
  }

  /** `archived` with `archive(until)` honoured: once `until` has passed the room reads as not archived. */
  isArchived(room: EmuRoom): boolean {
    if (room.archived && room.archivedUntil && this.now().getTime() >= room.archivedUntil.getTime()) {
      room.archived = false;
      room.archivedUntil = null;
    }
    return room.archived;
  }

  updateRoom(
    roomId: number,
    patch: { archived?: boolean; archivedUntil?: Date | null; attributes?: Record<string, unknown>; hubUserId?: number | null },
  ): EmuRoom {
    const room = this.mustRoom(roomId);
    if (patch.hubUserId !== undefined && patch.hubUserId !== null) {
      const hubUser = this.users.get(patch.hubUserId);
      if (!hubUser || hubUser.hubId !== room.hubId) throw new EmuStateError('invalid', 'does not exist', 'hub_user');
    }
    if (patch.archived !== undefined) {
      room.archived = patch.archived;
      room.archivedUntil = patch.archived ? (patch.archivedUntil ?? null) : null;
    }
    if (patch.attributes !== undefined) room.attributes = structuredClone(patch.attributes);
    if (patch.hubUserId !== undefined) room.hubUserId = patch.hubUserId;
    return room;
  }

  // ------------------------------------------------------------------ messages

  /** The room's live messages, ascending by id. */
  messages(roomId: number): EmuMessage[] {
    return [...this.messagesById.values()].filter((m) => m.roomId === roomId);
  }

  message(id: number): EmuMessage | undefined {
    return this.messagesById.get(id);
  }

  latestMessage(roomId: number): EmuMessage | undefined {
    const list = this.messages(roomId);
    return list[list.length - 1];
  }

  /** Posts a message and moves the author's marker onto it (docs/rooms.md "Markers"). */
  postMessage(roomId: number, userId: number, content: { text: string } | { uploadId: number }): { message: EmuMessage; marker: EmuMarker } {
    const room = this.mustRoom(roomId);
    if (!this.canAccess(userId, room)) throw new EmuStateError('invalid', 'is not a participant of this room', 'user');
    const at = this.now();
    let message: EmuMessage;
    if ('text' in content) {
      message = {
        id: ++this.seq.message,
        roomId,
        userId,
        type: 'text',
        input: content.text,
        text: messageText(content.text),
        html: messageHtml(content.text),
        uploadId: null,
        insertedAt: at,
        updatedAt: at,
      };
    } else {
      const upload = this.uploads.get(content.uploadId);
      if (!upload || upload.userId !== userId) throw new EmuStateError('invalid', 'does not exist', 'upload');
      if (upload.roomId !== null && upload.roomId !== roomId) throw new EmuStateError('invalid', 'belongs to another room', 'upload');
      upload.roomId = roomId;
      message = {
        id: ++this.seq.message,
        roomId,
        userId,
        type: upload.mimeType.startsWith('image/') ? 'image' : 'attachment',
        input: '',
        text: '',
        html: '',
        uploadId: upload.id,
        insertedAt: at,
        updatedAt: at,
      };
    }
    this.messagesById.set(message.id, message);
    const marker = this.moveMarker(roomId, userId, message.id);
    return { message, marker };
  }

  /** Deletes an own message ("Users can only delete their own messages", docs/rooms.md). */
  deleteMessage(roomId: number, userId: number, messageId: number): EmuMessage {
    const message = this.messagesById.get(messageId);
    if (!message || message.roomId !== roomId) throw new EmuStateError('not_found', 'does not exist', 'message');
    if (message.userId !== userId) throw new EmuStateError('invalid', 'is not yours', 'message');
    this.messagesById.delete(messageId);
    this.deletedMessages.set(messageId, message);
    return message;
  }

  // ------------------------------------------------------------------ markers

  marker(roomId: number, userId: number): EmuMarker | undefined {
    return this.markers.get(`${roomId}:${userId}`);
  }

  /** Creates or moves a user's marker to a live message of the room (moving backwards is allowed: GUESS). */
  moveMarker(roomId: number, userId: number, messageId: number): EmuMarker {
    const message = this.messagesById.get(messageId);
    if (!message || message.roomId !== roomId) throw new EmuStateError('not_found', 'does not exist', 'message');
    const marker: EmuMarker = { roomId, userId, messageId, updatedAt: this.now() };
    this.markers.set(`${roomId}:${userId}`, marker);
    return marker;
  }

  /**
   * The pair a room join returns: [own, other]. Other = for an end user the latest hub-side marker
   * (highest message id, then latest move); for a hub user the end user's marker (docs/rooms.md).
   */
  markerPair(room: EmuRoom, userId: number): [EmuMarker | null, EmuMarker | null] {
    const user = this.mustUser(userId);
    const own = this.marker(room.id, userId) ?? null;
    if (user.hubId !== null) return [own, this.marker(room.id, room.endUserId) ?? null];
    const hubSide = [...this.markers.values()].filter((m) => m.roomId === room.id && m.userId !== room.endUserId);
    hubSide.sort((a, b) => b.messageId - a.messageId || b.updatedAt.getTime() - a.updatedAt.getTime());
    return [own, hubSide[0] ?? null];
  }

  /** Users whose marker is on (or past) the room's latest message: the inbox item's `marked_by`. */
  markedBy(room: EmuRoom): number[] {
    const latest = this.latestMessage(room.id);
    if (!latest) return [];
    return [...this.markers.values()]
      .filter((m) => m.roomId === room.id && m.messageId >= latest.id)
      .map((m) => m.userId)
      .sort((a, b) => a - b);
  }

  // ------------------------------------------------------------------ devices and uploads

  /** One device per socket connection: a second `update_device` on the same connection updates it (GUESS). */
  upsertDevice(userId: number, connectionId: number, token: string, enabled: boolean): EmuDevice {
    const at = this.now();
    const existing = [...this.devices.values()].find((d) => d.connectionId === connectionId && d.userId === userId);
    if (existing) {
      existing.pushNotificationsToken = token;
      existing.pushNotificationsEnabled = enabled;
      existing.updatedAt = at;
      return existing;
    }
    const device: EmuDevice = {
      id: ++this.seq.device,
      userId,
      connectionId,
      pushNotificationsToken: token,
      pushNotificationsEnabled: enabled,
      insertedAt: at,
      updatedAt: at,
    };
    this.devices.set(device.id, device);
    return device;
  }

  createUpload(input: { userId: number; mimeType: string; name: string; width: number | null; height: number | null; bytes: Uint8Array }): EmuUpload {
    this.mustUser(input.userId);
    const upload: EmuUpload = { id: ++this.seq.upload, roomId: null, insertedAt: this.now(), ...input };
    this.uploads.set(upload.id, upload);
    return upload;
  }

  // ------------------------------------------------------------------ helpers

  mustUser(id: number): EmuUser {
    const user = this.users.get(id);
    if (!user) throw new EmuStateError('not_found', 'does not exist', 'user');
    return user;
  }

  mustRoom(id: number): EmuRoom {
    const room = this.rooms.get(id);
    if (!room) throw new EmuStateError('not_found', 'does not exist', 'room');
    return room;
  }
}
