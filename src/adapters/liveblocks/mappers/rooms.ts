/**
 * Liveblocks rooms <-> core rooms: names in metadata, access levels as permission lists, metadata queries.
 * @module
 */
import { isoDate } from '../../../core/iso-date.js';
import { ValidationError } from '../../../core/errors.js';
import type { Metadata, MetadataPatch } from '../../../core/model/common.js';
import type { AccessLevel, Room, RoomAccess } from '../../../core/model/room.js';
import type { LbCreateRoomBody, LbRoom, LbUpdateRoomBody } from '../schemas.js';

const PROVIDER = 'liveblocks';

/**
 * Room metadata key holding `Room.name`: Liveblocks rooms have no name field, so the name travels
 * in metadata under a key apps are unlikely to use, and is taken out of `Room.metadata` again.
 */
export const ROOM_NAME_KEY = 'uc:name';

/** Liveblocks permissions granted for each core access level ("read" keeps presence writable, as the reference's read-only example). */
const LEVEL_PERMISSIONS: Readonly<Record<AccessLevel, readonly string[]>> = {
  write: ['room:write'],
  read: ['room:read', 'room:presence:write'],
  none: [],
};

/** The Liveblocks permissions of an access level. A fresh array: callers may send it as-is. */
export function permissionsOf(level: AccessLevel): string[] {
  return [...LEVEL_PERMISSIONS[level]];
}

/**
 * The access level a permission list amounts to, or `undefined` when it grants something finer than
 * the core levels describe (e.g. only `comments:write`); `raw` keeps the exact list.
 */
export function levelOf(permissions: readonly string[]): AccessLevel | undefined {
  if (permissions.length === 0) return 'none';
  if (permissions.includes('room:write') || permissions.includes('*:write')) return 'write';
  if (permissions.includes('room:read') || permissions.includes('*:read')) return 'read';
  return undefined;
}

function levelsOf(map: Record<string, string[]>): Record<string, AccessLevel> {
  const out: Record<string, AccessLevel> = {};
  for (const id in map) {
    const level = levelOf(map[id]!);
    if (level !== undefined) out[id] = level;
  }
  return out;
}

/** A Liveblocks room as a core `Room`: the name comes out of metadata, permissions become levels. */
export function toRoom(room: LbRoom): Room {
  const metadata: Metadata = {};
  let name: string | undefined;
  for (const key in room.metadata) {
    const value = room.metadata[key]!;
    if (key === ROOM_NAME_KEY) {
      if (typeof value === 'string') name = value;
      else if (Array.isArray(value) && typeof value[0] === 'string') name = value[0];
      continue;
    }
    metadata[key] = value;
  }
  const access: RoomAccess = { users: levelsOf(room.usersAccesses), groups: levelsOf(room.groupsAccesses) };
  const level = levelOf(room.defaultAccesses);
  if (level !== undefined) access.default = level;
  const out: Room = { id: room.id, metadata, access, raw: room };
  if (name !== undefined) out.name = name;
  if (room.createdAt !== undefined) out.createdAt = isoDate(room.createdAt);
  return out;
}

/** Room metadata values Liveblocks can store (strings and string lists); anything else is rejected before the request. */
function roomMetadataValue(value: unknown, field: string, operation: string): string | string[] {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new ValidationError(field, 'Liveblocks room metadata values must be strings or lists of strings', { provider: PROVIDER, operation });
}

function checkUserKey(key: string, field: string, operation: string): void {
  if (key === ROOM_NAME_KEY) {
    throw new ValidationError(`${field}.${key}`, `is reserved: unicollab stores the room name under this key (use "name")`, { provider: PROVIDER, operation });
  }
}

function accessMap(levels: Record<string, AccessLevel>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const id in levels) out[id] = permissionsOf(levels[id]!);
  return out;
}

/**
 * The body of `POST /v2/rooms`. Without `access.default` the room is private (`defaultAccesses: []`):
 * Liveblocks requires the field, and an access token grants the rooms it lists whatever the default.
 */
export function toCreateRoomBody(
  input: { id: string; name?: string; metadata?: Metadata; access?: RoomAccess },
  organizationId: string | undefined,
  operation: string,
): LbCreateRoomBody {
  const body: LbCreateRoomBody = { id: input.id, defaultAccesses: permissionsOf(input.access?.default ?? 'none') };
  if (input.metadata !== undefined || input.name !== undefined) {
    const metadata: Record<string, string | string[]> = {};
    for (const key in input.metadata) {
      checkUserKey(key, 'metadata', operation);
      metadata[key] = roomMetadataValue(input.metadata[key], `metadata.${key}`, operation);
    }
    if (input.name !== undefined) metadata[ROOM_NAME_KEY] = input.name;
    body.metadata = metadata;
  }
  if (input.access?.users !== undefined) body.usersAccesses = accessMap(input.access.users);
  if (input.access?.groups !== undefined) body.groupsAccesses = accessMap(input.access.groups);
  if (organizationId !== undefined) body.organizationId = organizationId;
  return body;
}

/** True when an update replaces user or group accesses, which needs the room's current entries. */
export function updateNeedsCurrentRoom(patch: { access?: RoomAccess }): boolean {
  return patch.access?.users !== undefined || patch.access?.groups !== undefined;
}

function replaceAccesses(next: Record<string, AccessLevel>, current: Record<string, string[]> | undefined): Record<string, string[] | null> {
  const out: Record<string, string[] | null> = {};
  // Liveblocks merges access maps; `null` removes an entry, so replacing means nulling what is not kept.
  for (const id in current) if (!(id in next)) out[id] = null;
  for (const id in next) out[id] = permissionsOf(next[id]!);
  return out;
}

/**
 * The body of `POST /v2/rooms/{id}`. Metadata is a patch (`null` deletes, as Liveblocks does); `name`
 * is written to its metadata key. In `access`, each part given replaces that part (`users` replaces
 * every user entry, using `current` to remove the others) and parts not given are left as they are.
 */
export function toUpdateRoomBody(
  patch: { name?: string; metadata?: MetadataPatch; access?: RoomAccess },
  current: LbRoom | undefined,
  operation: string,
): LbUpdateRoomBody {
  const body: LbUpdateRoomBody = {};
  if (patch.metadata !== undefined || patch.name !== undefined) {
    const metadata: Record<string, string | string[] | null> = {};
    for (const key in patch.metadata) {
      checkUserKey(key, 'patch.metadata', operation);
      const value = patch.metadata[key];
      metadata[key] = value === null ? null : roomMetadataValue(value, `patch.metadata.${key}`, operation);
    }
    if (patch.name !== undefined) metadata[ROOM_NAME_KEY] = patch.name;
    body.metadata = metadata;
  }
  if (patch.access?.default !== undefined) body.defaultAccesses = permissionsOf(patch.access.default);
  if (patch.access?.users !== undefined) body.usersAccesses = replaceAccesses(patch.access.users, current?.usersAccesses);
  if (patch.access?.groups !== undefined) body.groupsAccesses = replaceAccesses(patch.access.groups, current?.groupsAccesses);
  return body;
}

/**
 * Quotes a query-language value exactly as `@liveblocks/core`'s `objectToQuery` does: single quotes,
 * or JSON double quotes when the string contains a single quote; numbers and booleans bare.
 */
export function quoteQueryValue(input: string | number | boolean): string {
  const json = JSON.stringify(input);
  if (typeof input !== 'string' || json.includes("'")) return json;
  return `'${json.slice(1, -1).replace(/\\"/g, '"')}'`;
}

function metadataClauses(metadata: Record<string, string> | undefined): string {
  let query = '';
  for (const key in metadata) query += `${query === '' ? '' : ' '}metadata[${quoteQueryValue(key)}]:${quoteQueryValue(metadata[key]!)}`;
  return query;
}

/**
 * A room metadata filter as `metadata.KEY=VALUE` parameters (documented, exact match, AND-ed).
 * Not the query language: the Liveblocks dev server ignores `query=` (and, when it is present, these
 * parameters too), so a query-language filter would silently return every room there.
 */
export function legacyMetadataParams(metadata: Record<string, string> | undefined): Record<`metadata.${string}`, string> {
  const out: Record<`metadata.${string}`, string> = {};
  for (const key in metadata) out[`metadata.${key}`] = metadata[key]!;
  return out;
}

/** The `query` of `GET /v2/rooms/{id}/threads`, e.g. `resolved:true metadata['k']:'v'`, or `undefined`. */
export function threadQuery(query: { resolved?: boolean; metadata?: Record<string, string> }): string | undefined {
  const meta = metadataClauses(query.metadata);
  if (query.resolved === undefined) return meta || undefined;
  return `resolved:${query.resolved}${meta ? ' ' + meta : ''}`;
}
