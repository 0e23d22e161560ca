/**
 * Wire (snake_case JSON) shapes of the Kabelwerk emulator, built from state records
 * (vendors/kabelwerk.md §2.5; sdk-js src/payloads.js is what parses them).
 */
import type { EmuDevice, EmuHub, EmuMarker, EmuMessage, EmuRoom, EmuUpload, EmuUser, KabelwerkEmulatorState } from './state.js';

export type UserRef = { id: number; key: string; name: string };

/** UTC with second precision and a `Z`, like the fixtures (`2023-07-22T09:46:57Z`). */
export function isoSeconds(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

export function userRef(u: EmuUser): UserRef {
  return { id: u.id, key: u.key, name: u.name };
}

export function ownUser(u: EmuUser) {
  return { id: u.id, key: u.key, name: u.name, hub_id: u.hubId, inserted_at: isoSeconds(u.insertedAt), updated_at: isoSeconds(u.updatedAt) };
}

export function hubWire(h: EmuHub) {
  return { id: h.id, name: h.name, slug: h.slug };
}

/** Builds every payload that needs lookups across the state (users of messages, upload URLs, ...). */
export class Wire {
  constructor(
    private readonly state: KabelwerkEmulatorState,
    /** Origin used in upload URLs, e.g. `http://127.0.0.1:4000`. */
    private readonly origin: () => string,
  ) {}

  private ref(userId: number | null): UserRef | null {
    if (userId === null) return null;
    const u = this.state.userById(userId);
    return u ? userRef(u) : null;
  }

  upload(u: EmuUpload) {
    const base = `${this.origin()}/media/uploads/${u.id}`;
    const isImage = u.width !== null && u.height !== null;
    let preview: { height: number; url: string; width: number };
    if (isImage) {
      const scale = Math.min(1, 500 / Math.max(u.width!, u.height!));
      preview =
        scale === 1
          ? { height: u.height!, url: base, width: u.width! }
          : { height: Math.round(u.height! * scale), url: `${base}/preview`, width: Math.round(u.width! * scale) };
    } else {
      preview = { height: 96, url: `${this.origin()}/assets/attachment.png`, width: 96 };
    }
    return {
      id: u.id,
      mime_type: u.mimeType,
      name: u.name,
      original: { height: u.height, url: base, width: u.width },
      preview,
    };
  }

  message(m: EmuMessage) {
    const upload = m.uploadId !== null ? this.state.uploads.get(m.uploadId) : undefined;
    return {
      id: m.id,
      room_id: m.roomId,
      user: this.ref(m.userId),
      type: m.type,
      text: m.text,
      html: m.html,
      inserted_at: isoSeconds(m.insertedAt),
      updated_at: isoSeconds(m.updatedAt),
      upload: upload ? this.upload(upload) : null,
    };
  }

  marker(mk: EmuMarker) {
    return { message_id: mk.messageId, room_id: mk.roomId, updated_at: isoSeconds(mk.updatedAt), user_id: mk.userId };
  }

  /** REST `update_room` answer: `{id, archived, attributes, hub_user, user}` (§1.5.4 fixtures). */
  restRoom(r: EmuRoom) {
    return {
      archived: this.state.isArchived(r),
      attributes: r.attributes,
      hub_user: this.ref(r.hubUserId),
      id: r.id,
      user: this.ref(r.endUserId),
    };
  }

  /** `set_attributes` reply / end-side room: `{id, attributes, user}`. */
  room(r: EmuRoom) {
    return { id: r.id, attributes: r.attributes, user: this.ref(r.endUserId) };
  }

  /** `set_inbox_info` reply / hub-side room: adds `archived` and `hub_user`. */
  hubRoom(r: EmuRoom) {
    return { ...this.room(r), archived: this.state.isArchived(r), hub_user: this.ref(r.hubUserId) };
  }

  /** `room:<id>` join reply for the given user (end or hub side). */
  roomJoin(r: EmuRoom, userId: number, messages: EmuMessage[]) {
    const user = this.state.userById(userId);
    const base = user?.hubId != null ? this.hubRoom(r) : this.room(r);
    const [own, other] = this.state.markerPair(r, userId);
    return {
      ...base,
      messages: messages.map((m) => this.message(m)),
      markers: [own ? this.marker(own) : null, other ? this.marker(other) : null],
    };
  }

  /** End-user inbox item: `{room: {id, hub}, message, marked_by}`. */
  userInboxItem(r: EmuRoom) {
    const latest = this.state.latestMessage(r.id);
    const hub = this.state.hub(r.hubId)!;
    return { room: { id: r.id, hub: hubWire(hub) }, message: latest ? this.message(latest) : null, marked_by: this.state.markedBy(r) };
  }

  /** Hub inbox item: `{room: {id, hub_id, archived, attributes, hub_user_id, user}, message, marked_by}`. */
  hubInboxItem(r: EmuRoom) {
    const latest = this.state.latestMessage(r.id);
    return {
      room: {
        id: r.id,
        hub_id: r.hubId,
        archived: this.state.isArchived(r),
        attributes: r.attributes,
        hub_user_id: r.hubUserId,
        user: this.ref(r.endUserId),
      },
      message: latest ? this.message(latest) : null,
      marked_by: this.state.markedBy(r),
    };
  }

  device(d: EmuDevice) {
    return {
      id: d.id,
      inserted_at: isoSeconds(d.insertedAt),
      push_notifications_enabled: d.pushNotificationsEnabled,
      push_notifications_token: d.pushNotificationsToken,
      updated_at: isoSeconds(d.updatedAt),
    };
  }
}
