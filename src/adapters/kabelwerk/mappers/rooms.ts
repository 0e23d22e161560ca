/**
 * Kabelwerk rooms <-> core rooms. A unicollab room is a Kabelwerk room (one end user and one hub), its
 * id the end user's key. Kabelwerk rooms have no name (§5): the name is kept in the attributes under
 * `uc:name`; every other attribute is room metadata (Kabelwerk replaces the whole map on update).
 * @module
 */
import { ValidationError } from '../../../core/errors.js';
import type { Metadata, MetadataPatch, MetadataValue } from '../../../core/model/common.js';
import type { Room } from '../../../core/model/room.js';
import { applyMetadataPatch } from '../../../core/metadata.js';
import { redact } from '../../../core/redact.js';
import type { KabelwerkHubInboxItem, KabelwerkRestRoom } from '../schemas.js';

/** The attribute key holding `Room.name` (the same key the Liveblocks adapter uses in metadata). */
export const ROOM_NAME_KEY = 'uc:name';

function isMetadataValue(value: unknown): value is MetadataValue {
  if (typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/**
 * Name and metadata of a room's attributes. Attribute values that are not metadata values (objects,
 * `null`, mixed lists: set by someone else through Kabelwerk) are left out of `metadata`; `raw` keeps them.
 */
export function fieldsOf(attributes: Record<string, unknown>): { name?: string; metadata: Metadata } {
  const metadata: Metadata = {};
  let name: string | undefined;
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    if (key === ROOM_NAME_KEY) {
      if (typeof value === 'string' && value !== '') name = value;
      continue;
    }
    if (isMetadataValue(value)) Object.defineProperty(metadata, key, { value: Array.isArray(value) ? [...value] : value, enumerable: true, writable: true, configurable: true });
  }
  return name === undefined ? { metadata } : { name, metadata };
}

/** Refuses metadata (or a patch, or a filter) that names the reserved name key. */
export function assertNoNameKey(metadata: Record<string, unknown> | undefined, field: string, operation: string): void {
  if (metadata && Object.hasOwn(metadata, ROOM_NAME_KEY)) {
    throw new ValidationError(`${field}.${ROOM_NAME_KEY}`, `is reserved for the room name (Kabelwerk rooms have no name field): use name`, { provider: 'kabelwerk', operation });
  }
}

/** The attributes of a new room. */
export function attributesOf(name: string | undefined, metadata: Metadata | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ...applyMetadataPatch({}, metadata ?? {}) };
  if (name !== undefined) out[ROOM_NAME_KEY] = name;
  return out;
}

/**
 * The whole attribute map after a patch (Kabelwerk replaces the map, so the patch is merged here):
 * every attribute Kabelwerk has is kept, including those that are not metadata values.
 */
export function patchedAttributes(current: Record<string, unknown>, patch: { name?: string | undefined; metadata?: MetadataPatch | undefined }): Record<string, unknown> {
  const next: Record<string, unknown> = {};
  for (const key of Object.keys(current)) {
    if (patch.metadata && Object.hasOwn(patch.metadata, key)) continue;
    Object.defineProperty(next, key, { value: current[key], enumerable: true, writable: true, configurable: true });
  }
  for (const [key, value] of Object.entries(patch.metadata ?? {})) {
    if (value !== null) Object.defineProperty(next, key, { value, enumerable: true, writable: true, configurable: true });
  }
  if (patch.name !== undefined) next[ROOM_NAME_KEY] = patch.name;
  return next;
}

/** A `PATCH /hubs/{hub}/rooms/{key}` answer as a core room; the assigned hub user is in `raw.hub_user`. */
export function roomFromRest(room: KabelwerkRestRoom): Room {
  return { id: room.user.key, ...fieldsOf(room.attributes), archived: room.archived, raw: redact(room) };
}

/** A hub inbox item as a core room; the assigned hub user's id is in `raw.room.hub_user_id`. */
export function roomFromInbox(item: KabelwerkHubInboxItem): Room {
  return { id: item.room.user.key, ...fieldsOf(item.room.attributes), archived: item.room.archived, raw: redact(item) };
}
