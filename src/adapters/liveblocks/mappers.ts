/**
 * Liveblocks <-> core mapping: pure functions, no I/O. Wire shapes are in `schemas.ts`
 * (vendors/liveblocks.md section 3); core shapes in `core/model`.
 */
import {
  AuthenticationError,
  type CollabError,
  type CollabErrorInit,
  ConflictError,
  NotFoundError,
  PermissionError,
  ProviderUnavailableError,
  RateLimitError,
  ValidationError,
} from '../../core/errors.js';
import { cleanErrorText, type HttpErrorContext } from '../../core/http/index.js';
import type { CommentBody, CommentInline, CommentParagraph, CommentText } from '../../core/model/body.js';
import type { Comment, Reaction } from '../../core/model/comment.js';
import type { Metadata, MetadataPatch, Page } from '../../core/model/common.js';
import type { CollabEventType, WebhookSubscription } from '../../core/model/event.js';
import type { Notification } from '../../core/model/notification.js';
import type { PresenceEntry } from '../../core/model/presence.js';
import type { AccessLevel, Room, RoomAccess } from '../../core/model/room.js';
import type { Thread } from '../../core/model/thread.js';
import type {
  LbActiveUsers,
  LbComment,
  LbCommentBody,
  LbCreateRoomBody,
  LbInline,
  LbManagementWebhook,
  LbNotification,
  LbOutgoingBody,
  LbRoom,
  LbThread,
  LbUpdateRoomBody,
  LbWebhookEventType,
} from './schemas.js';
import { LB_EVENT_TO_COLLAB } from './webhooks.js';

const PROVIDER = 'liveblocks';

// ---------------------------------------------------------------------------------------------- errors

/** 403 codes that mean "wrong credentials" rather than "not allowed": DESIGN maps an invalid key to AuthenticationError. */
const BAD_CREDENTIAL_CODES = new Set(['INVALID_SECRET_KEY', 'INVALID_PUBLIC_KEY', 'INVALID_ACCESS_TOKEN', 'WRONG_KEY_USED', 'MISSING_SECRET_KEY']);
/** The dev server's 403 says "Invalid secret key" under the generic code `Forbidden` (section 5.2). */
const BAD_CREDENTIAL_TEXT = /invalid (secret|public) key|invalid .*access token/i;
/** Liveblocks 422 messages name the key: "Missing key: 'defaultAccesses'." / "Value at key 'permissions': ...". */
const KEY_IN_MESSAGE = /key:? '([^']+)'/;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/**
 * Maps a Liveblocks error answer (`{ error, message, suggestion, docs }`, section 2) to the shared
 * error classes, keeping the machine code (`ROOM_NOT_FOUND`...) as `vendorCode` and the suggestion
 * in the message. The body is already redacted by the HTTP layer.
 *
 * @param ctx - The non-2xx answer.
 * @returns The error, or `undefined` for statuses the default mapping handles as well (405, 408...).
 */
export function toCollabError(ctx: HttpErrorContext): CollabError | undefined {
  const { status, operation } = ctx;
  const body = typeof ctx.body === 'object' && ctx.body !== null && !Array.isArray(ctx.body) ? (ctx.body as Record<string, unknown>) : undefined;
  const code = str(body?.error);
  const said = str(body?.message) ?? str(body?.reason) ?? (typeof ctx.body === 'string' && ctx.body !== '' ? cleanErrorText(ctx.body) : undefined);
  const suggestion = str(body?.suggestion);
  const init: CollabErrorInit = { provider: PROVIDER, operation, status, cause: { status, body: ctx.body } };
  if (ctx.requestId !== undefined) init.requestId = ctx.requestId;
  if (code !== undefined) init.vendorCode = code;
  const detail = `${code ? ` ${code}` : ''}${said ? `: ${said}` : ''}${suggestion ? ` Suggestion: ${suggestion}` : ''}`;
  const message = `liveblocks ${operation} failed with HTTP ${status}${detail}`;

  if (status === 400 || status === 422) {
    const field = said ? KEY_IN_MESSAGE.exec(said)?.[1] : undefined;
    return new ValidationError(field ?? 'request', `liveblocks rejected ${operation} (HTTP ${status}${code ? ` ${code}` : ''})${said ? `: ${said}` : ''}`, init);
  }
  switch (status) {
    case 401:
      return new AuthenticationError(message, init);
    case 403:
      return (code !== undefined && BAD_CREDENTIAL_CODES.has(code)) || (said !== undefined && BAD_CREDENTIAL_TEXT.test(said))
        ? new AuthenticationError(message, init)
        : new PermissionError(message, init);
    case 404:
      return new NotFoundError(message, init);
    case 409:
      return new ConflictError(message, init);
    case 429:
      return new RateLimitError(message, ctx.retryAfterMs !== undefined ? { ...init, retryAfterMs: ctx.retryAfterMs } : init);
    case 501:
      // The dev server answers 501 for whole feature groups (section 5.4): say so, since asking again cannot help.
      return new ProviderUnavailableError(
        `liveblocks ${operation} is not implemented by this Liveblocks server (HTTP 501${code ? ` ${code}` : ''})${said ? `: ${said}` : ''}` +
          ' (the Liveblocks dev server does not implement comments, notifications, presence-set, broadcast or the Management API)',
        { ...init, retryable: false },
      );
    default:
      if (status >= 500) return new ProviderUnavailableError(message, { ...init, retryable: status !== 505 });
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------- rooms

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
  if (room.createdAt !== undefined) out.createdAt = new Date(room.createdAt);
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

// ---------------------------------------------------------------------------------------------- bodies

function wireText(node: CommentText): LbInline {
  // Only `true` flags travel: Liveblocks' own editor never writes `false` ones.
  const out: { text: string; bold?: boolean; italic?: boolean; strikethrough?: boolean; code?: boolean } = { text: node.text };
  if (node.bold === true) out.bold = true;
  if (node.italic === true) out.italic = true;
  if (node.strikethrough === true) out.strikethrough = true;
  if (node.code === true) out.code = true;
  return out;
}

/**
 * A core `CommentBody` as Liveblocks stores it: text runs lose `type`, mentions become
 * `{ type: 'mention', kind: 'user', id }`. An empty paragraph gets one empty text run and an empty
 * body one empty paragraph, the shapes Liveblocks' editor produces, since the API requires paragraphs.
 */
export function toWireBody(body: CommentBody): LbOutgoingBody {
  const content: LbOutgoingBody['content'] = [];
  for (const paragraph of body.content) {
    const children: LbInline[] = [];
    for (const node of paragraph.children) {
      if (node.type === 'text') children.push(wireText(node));
      else if (node.type === 'mention') children.push({ type: 'mention', kind: 'user', id: node.userId });
      else if (node.type === 'link') children.push(node.text !== undefined ? { type: 'link', url: node.url, text: node.text } : { type: 'link', url: node.url });
    }
    if (children.length === 0) children.push({ text: '' });
    content.push({ type: 'paragraph', children });
  }
  if (content.length === 0) content.push({ type: 'paragraph', children: [{ text: '' }] });
  return { version: 1, content };
}

function coreInline(node: unknown): CommentInline | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const n = node as Record<string, unknown>;
  const type = n.type;
  if (type === 'mention') {
    if (typeof n.id !== 'string' || n.id === '') return undefined;
    // Group mentions have no core equivalent: keep what a reader sees; `raw` keeps the node.
    if (n.kind === 'group') return { type: 'text', text: `@${n.id}` };
    return { type: 'mention', userId: n.id };
  }
  if (type === 'link') {
    if (typeof n.url !== 'string' || n.url === '') return undefined;
    return typeof n.text === 'string' && n.text !== '' ? { type: 'link', url: n.url, text: n.text } : { type: 'link', url: n.url };
  }
  if ((type === undefined || type === 'text') && typeof n.text === 'string') {
    const out: CommentText = { type: 'text', text: n.text };
    if (n.bold === true) out.bold = true;
    if (n.italic === true) out.italic = true;
    if (n.strikethrough === true) out.strikethrough = true;
    if (n.code === true) out.code = true;
    return out;
  }
  // Unknown inline types (added by Liveblocks later) are skipped rather than failing the whole read.
  return undefined;
}

/** A Liveblocks comment body as a core `CommentBody` (lenient: mentions without `kind`, unknown nodes skipped). */
export function fromWireBody(body: LbCommentBody): CommentBody {
  const content: CommentParagraph[] = [];
  for (const block of body.content) {
    const children: CommentInline[] = [];
    for (const node of block.children) {
      const inline = coreInline(node);
      if (inline !== undefined && !(inline.type === 'text' && inline.text === '')) children.push(inline);
    }
    content.push({ type: 'paragraph', children });
  }
  return { version: 1, content };
}

// ---------------------------------------------------------------------------------------------- threads and comments

function toReaction(r: LbComment['reactions'][number]): Reaction {
  const out: Reaction = { emoji: r.emoji, userIds: r.users.map((u) => u.id) };
  if (r.createdAt !== undefined) out.createdAt = new Date(r.createdAt);
  return out;
}

/**
 * A Liveblocks comment as a core `Comment`. A deleted comment (Liveblocks keeps it in its thread
 * without a body, section 3.4) gets an empty body and `deletedAt`.
 */
export function toComment(c: LbComment): Comment {
  const out: Comment = {
    id: c.id,
    threadId: c.threadId,
    roomId: c.roomId,
    authorId: c.userId,
    body: c.body !== undefined ? fromWireBody(c.body) : { version: 1, content: [] },
    createdAt: new Date(c.createdAt),
    reactions: c.reactions.map(toReaction),
    metadata: { ...c.metadata },
    raw: c,
  };
  if (c.editedAt !== undefined) out.editedAt = new Date(c.editedAt);
  if (c.deletedAt !== undefined) out.deletedAt = new Date(c.deletedAt);
  return out;
}

/** A Liveblocks thread (with its comments, oldest first) as a core `Thread`. */
export function toThread(t: LbThread): Thread {
  const out: Thread = {
    id: t.id,
    roomId: t.roomId,
    resolved: t.resolved,
    metadata: { ...t.metadata },
    comments: t.comments.map(toComment),
    createdAt: new Date(t.createdAt),
    raw: t,
  };
  if (t.updatedAt !== undefined) out.updatedAt = new Date(t.updatedAt);
  return out;
}

/** Thread and comment metadata values Liveblocks stores: string, number, boolean (no lists). */
export function toWireThreadMetadata(metadata: Metadata, field: string, operation: string): Record<string, string | number | boolean>;
export function toWireThreadMetadata(metadata: MetadataPatch, field: string, operation: string): Record<string, string | number | boolean | null>;
export function toWireThreadMetadata(metadata: MetadataPatch, field: string, operation: string): Record<string, string | number | boolean | null> {
  for (const key in metadata) {
    const value = metadata[key];
    if (Array.isArray(value)) {
      throw new ValidationError(`${field}.${key}`, 'Liveblocks thread and comment metadata values must be strings, numbers or booleans', { provider: PROVIDER, operation });
    }
  }
  return metadata as Record<string, string | number | boolean | null>;
}

/** Position of a thread in client-side pagination: creation time, then id (stable whatever the API order). */
type ThreadKey = readonly [number, string];

function compareKeys(a: ThreadKey, b: ThreadKey): number {
  return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
}

/** An opaque `threads.list` cursor: the position of the last thread of a page. */
export function encodeThreadCursor(key: ThreadKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Decodes a `threads.list` cursor; `ValidationError` on anything `encodeThreadCursor` did not make. */
export function decodeThreadCursor(cursor: string, operation: string): ThreadKey {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === 2 && typeof key[0] === 'number' && typeof key[1] === 'string') return [key[0], key[1]];
  } catch {
    // Reported below with the same message as a well-formed but foreign value.
  }
  throw new ValidationError('query.cursor', 'is not a cursor returned by threads.list', { provider: PROVIDER, operation });
}

/**
 * One page of a room's threads. Liveblocks returns every thread at once, so pages are cut here:
 * threads are ordered by creation (then id) and the cursor is the position of the last one, which
 * stays valid when threads are created or deleted between pages. Only the page is mapped.
 *
 * @param threads - Every thread the API returned.
 * @param limit - Page size; all remaining threads when absent.
 * @param after - The decoded cursor of the previous page.
 */
export function pageThreads(threads: readonly LbThread[], limit: number | undefined, after: ThreadKey | undefined): Page<Thread> {
  const keyed = threads.map((t) => ({ t, key: [Date.parse(t.createdAt), t.id] as ThreadKey })).sort((a, b) => compareKeys(a.key, b.key));
  let start = 0;
  if (after !== undefined) {
    while (start < keyed.length && compareKeys(keyed[start]!.key, after) <= 0) start++;
  }
  const end = limit === undefined ? keyed.length : Math.min(keyed.length, start + limit);
  const items: Thread[] = [];
  for (let i = start; i < end; i++) items.push(toThread(keyed[i]!.t));
  return { items, nextCursor: end < keyed.length && end > start ? encodeThreadCursor(keyed[end - 1]!.key) : null };
}

/** Every thread, in the order `pageThreads` uses. */
export function sortedThreads(threads: readonly LbThread[]): Thread[] {
  return pageThreads(threads, undefined, undefined).items;
}

// ---------------------------------------------------------------------------------------------- presence

/**
 * Active users as presence entries. Anonymous connections (`id: null`) are left out: the core entry
 * is keyed by user id. Liveblocks' REST API does not return presence data, only user info.
 */
export function toPresenceEntries(wire: LbActiveUsers): PresenceEntry[] {
  const out: PresenceEntry[] = [];
  for (const user of wire.data) {
    if (typeof user.id !== 'string' || user.id === '') continue;
    const entry: PresenceEntry = { userId: user.id, connectionId: String(user.connectionId), status: 'online' };
    if (user.info) entry.info = user.info;
    out.push(entry);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- notifications

/**
 * A Liveblocks inbox notification as a core `Notification`: `thread` stays `thread`, `textMention`
 * becomes `mention` (subject: the mention id), and `$kind` becomes `custom` with `customKind` and the
 * data of its latest activity (Liveblocks groups triggers with the same subject into activities).
 */
export function toNotification(n: LbNotification, userId: string): Notification {
  const out: Notification = {
    id: n.id,
    userId,
    kind: 'custom',
    notifiedAt: new Date(n.notifiedAt),
    readAt: n.readAt ? new Date(n.readAt) : null,
    raw: n,
  };
  if (typeof n.roomId === 'string') out.roomId = n.roomId;
  if (n.kind === 'thread') {
    out.kind = 'thread';
    if (n.threadId !== undefined) out.threadId = n.threadId;
  } else if (n.kind === 'textMention') {
    out.kind = 'mention';
    if (n.mentionId !== undefined) out.subjectId = n.mentionId;
  } else {
    out.customKind = n.kind.startsWith('$') ? n.kind.slice(1) : n.kind;
    if (n.subjectId !== undefined) out.subjectId = n.subjectId;
    const last = n.activities?.[n.activities.length - 1];
    if (last) out.data = { ...last.data };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- auth

/** Room patterns an access token accepts: an id (at most 128 characters) optionally ending in `*`, or `*` alone. */
const ROOM_PATTERN = /^([*]|[^*]{1,128}[*]?)$/;
/** `@liveblocks/node` refuses more than 10 room patterns per token (the API answers 422). */
export const MAX_TOKEN_ROOMS = 10;

/**
 * The `permissions` of `POST /v2/authorize-user`: `write` -> `["room:write"]`, `read` ->
 * `["room:read", "room:presence:write"]` (the reference's read-only access).
 */
export function tokenPermissions(rooms: Record<string, 'read' | 'write'> | undefined, operation: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let count = 0;
  for (const pattern in rooms) {
    if (!ROOM_PATTERN.test(pattern)) {
      throw new ValidationError(`rooms.${pattern}`, 'must be a room id, a prefix ending in *, or *', { provider: PROVIDER, operation });
    }
    if (++count > MAX_TOKEN_ROOMS) {
      throw new ValidationError('rooms', `Liveblocks tokens allow at most ${MAX_TOKEN_ROOMS} rooms or patterns`, { provider: PROVIDER, operation });
    }
    out[pattern] = permissionsOf(rooms[pattern]!);
  }
  return out;
}

/** The `exp` claim of a JWT as a Date, without verifying it (the token is Liveblocks' to check). */
export function tokenExpiry(token: string): Date | undefined {
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  if (second < 0) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8'));
    const exp = (claims as { exp?: unknown } | null)?.exp;
    return typeof exp === 'number' && Number.isFinite(exp) && exp > 0 ? new Date(exp * 1000) : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------- webhook subscriptions

/** The Liveblocks event types a core event type subscribes to (reverse of `LB_EVENT_TO_COLLAB`). */
export const COLLAB_EVENT_TO_LB: ReadonlyMap<CollabEventType, readonly LbWebhookEventType[]> = (() => {
  const out = new Map<CollabEventType, LbWebhookEventType[]>();
  for (const [lb, { type }] of LB_EVENT_TO_COLLAB) {
    let list = out.get(type);
    if (!list) out.set(type, (list = []));
    list.push(lb as LbWebhookEventType);
  }
  return out;
})();

/** Liveblocks `subscribedEvents` for core event types (`storage.updated` also subscribes `ydocUpdated`...). */
export function toLbEvents(events: readonly CollabEventType[]): string[] {
  const out = new Set<string>();
  for (const e of events) for (const lb of COLLAB_EVENT_TO_LB.get(e) ?? []) out.add(lb);
  return [...out];
}

/** Core event types of Liveblocks `subscribedEvents` (unknown types are left out). */
export function fromLbEvents(events: readonly string[]): CollabEventType[] {
  const out = new Set<CollabEventType>();
  for (const e of events) {
    const mapped = LB_EVENT_TO_COLLAB.get(e);
    if (mapped) out.add(mapped.type);
  }
  return [...out];
}

/** The signing secret of a Management API webhook, whichever shape it came in. */
export function webhookSecretOf(w: LbManagementWebhook): string | undefined {
  const s = w.secret;
  return typeof s === 'string' ? s : s?.value;
}

/** A Management API webhook as a `WebhookSubscription`; the secret only when `withSecret` (create), never in `raw`. */
export function toWebhookSubscription(w: LbManagementWebhook, withSecret: boolean): WebhookSubscription {
  const { secret: _secret, ...raw } = w;
  const out: WebhookSubscription = {
    id: w.id,
    url: w.url,
    events: fromLbEvents(w.subscribedEvents),
    // Epoch when absent: the Python SDK models have createdAt, but the field is unconfirmed.
    createdAt: new Date(w.createdAt ?? 0),
    raw,
  };
  if (withSecret) {
    const secret = webhookSecretOf(w);
    if (secret !== undefined) out.secret = secret;
  }
  return out;
}
