/**
 * Pure Velt <-> core mappers (no I/O): entities, bodies, metadata, statuses, cursors, permissions.
 * Sections of `../shared/vendors/velt.md` are cited as §N.
 */
import { fromHtml, fromText, mentionsOf, normalizeBody, toHtml, toText } from '../../core/body/index.js';
import type { MentionText } from '../../core/body/index.js';
import { ValidationError } from '../../core/errors.js';
import type { CommentBody } from '../../core/model/body.js';
import type { Comment, Reaction } from '../../core/model/comment.js';
import { type Metadata, type MetadataPatch, MetadataValueSchema } from '../../core/model/common.js';
import type { Notification } from '../../core/model/notification.js';
import type { AccessLevel, Room, RoomAccess } from '../../core/model/room.js';
import type { Thread } from '../../core/model/thread.js';
import type { User } from '../../core/model/user.js';
import { redact } from '../../core/redact.js';
import type {
  VeltAnnotation,
  VeltComment,
  VeltCommentInput,
  VeltDocument,
  VeltNotification,
  VeltReaction,
  VeltResource,
  VeltStatusInput,
  VeltTaggedContactInput,
  VeltUser,
} from './schemas.js';

const PROVIDER = 'velt';

// ------------------------------------------------------------------ statuses (§7.2)

/**
 * The status `threads.resolve` sets. Resolution is decided by `type: "terminal"` (never by the id alone,
 * since workspaces define their own statuses); the id is Velt's default resolved status.
 */
export const RESOLVED_STATUS: VeltStatusInput = { id: 'RESOLVED', name: 'Resolved', type: 'terminal' };
/** The status `threads.unresolve` sets: Velt's default initial status. */
export const OPEN_STATUS: VeltStatusInput = { id: 'OPEN', name: 'Open', type: 'default' };

/** Whether an annotation is resolved: its status type is `terminal` (§7.2, §15.11; the `resolved` flag is deprecated). */
export function isResolved(annotation: Pick<VeltAnnotation, 'status'>): boolean {
  return annotation.status?.type === 'terminal';
}

// ------------------------------------------------------------------ metadata

/**
 * Document keys Velt uses itself (§5, SDK `DocumentMetadata`): any other key of a document is room
 * metadata ("add documents with metadata", §5.1). A room metadata key among these is a `ValidationError`.
 */
export const DOCUMENT_RESERVED_KEYS: ReadonlySet<string> = new Set([
  'id', 'documentId', 'documentName', 'accessType', 'disabled', 'folderId', 'veltFolderId', 'organizationId', 'apiKey',
  'clientDocumentId', 'clientOrganizationId', 'pageInfo', 'locations', 'creator', 'createdAt', 'lastUpdated', 'metadata',
]);

/** User keys Velt uses itself (§6, §7.1 expanded user): any other key of a user is user metadata. */
export const USER_RESERVED_KEYS: ReadonlySet<string> = new Set([
  'id', 'userId', 'name', 'email', 'photoUrl', 'initial', 'accessRole', 'organizationId', 'clientOrganizationId', 'color',
  'textColor', 'type', 'isAdmin', 'isGuest', 'plan', 'groupId', 'clientUserName', 'name_lowercase', 'email_lowercase',
  'contacts', 'createdAt', 'lastUpdated',
]);

/** Context keys Velt manages on annotations (§7.1): `access` and the derived `accessFields`. */
export const CONTEXT_RESERVED_KEYS: ReadonlySet<string> = new Set(['access', 'accessFields']);

/** Keeps the entries of `source` that are valid metadata values and not reserved; `null` (a deleted key) is dropped. */
export function pickMetadata(source: Record<string, unknown> | null | undefined, reserved: ReadonlySet<string>): Metadata {
  const out: Metadata = {};
  if (!source) return out;
  for (const [key, value] of Object.entries(source)) {
    if (reserved.has(key) || value === null || value === undefined) continue;
    const parsed = MetadataValueSchema.safeParse(value);
    if (parsed.success) out[key] = Array.isArray(parsed.data) ? [...parsed.data] : parsed.data;
  }
  return out;
}

/** Throws a `ValidationError` naming `<field>.<key>` when metadata uses a key Velt reserves. */
export function assertNoReservedKeys(metadata: Record<string, unknown> | undefined, reserved: ReadonlySet<string>, field: string, operation: string): void {
  if (!metadata) return;
  for (const key of Object.keys(metadata)) {
    if (reserved.has(key)) {
      throw new ValidationError(`${field}.${key}`, `"${key}" is a field Velt uses itself and cannot be metadata`, { provider: PROVIDER, operation });
    }
  }
}

/**
 * The fields to send so that stored top-level metadata becomes `next`: every key of `next`, plus `null`
 * for each key of `previous` that is gone (Velt merges fields, so only an explicit `null` removes one).
 */
export function metadataDiff(previous: Metadata, next: Metadata): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(previous)) if (!(key in next)) out[key] = null;
  for (const [key, value] of Object.entries(next)) out[key] = Array.isArray(value) ? [...value] : value;
  return out;
}

// Metadata patch and filter semantics are shared by every adapter (core/metadata.ts).
export { applyMetadataPatch, matchesMetadata } from '../../core/metadata.js';

// ------------------------------------------------------------------ rooms = documents (§5)

/**
 * Core room access -> Velt `accessType` (§5, key-concepts "Access Control"): `write` -> `public`
 * (any authenticated user of the app), `none` -> `restricted` (only explicitly permitted users).
 * Velt has no read-only default and stores no per-user/group access on the document, so those are
 * a `ValidationError` rather than a silent downgrade.
 */
export function accessTypeOf(access: RoomAccess, field: string, operation: string): 'public' | 'restricted' {
  const fail = (path: string, message: string): never => {
    throw new ValidationError(path, message, { provider: PROVIDER, operation });
  };
  if (access.users && Object.keys(access.users).length > 0) fail(`${field}.users`, 'Velt stores no per-user access on documents: grant it with auth.issueToken');
  if (access.groups && Object.keys(access.groups).length > 0) fail(`${field}.groups`, 'Velt stores no per-group access on documents');
  const level: AccessLevel = access.default ?? 'write';
  if (level === 'read') fail(`${field}.default`, 'Velt has no read-only default access (use "write" for public or "none" for restricted)');
  return level === 'none' ? 'restricted' : 'public';
}

/** Velt `accessType` -> core room access. `organizationPrivate` has no core equivalent and is reported as `none` for outsiders. */
export function roomAccessOf(accessType: string | null | undefined): RoomAccess | undefined {
  if (accessType === 'public') return { default: 'write' };
  if (accessType === 'restricted' || accessType === 'organizationPrivate') return { default: 'none' };
  return undefined;
}

/** A Velt document -> core Room. Metadata is every non-reserved key of the document. */
export function toRoom(doc: VeltDocument): Room {
  const room: Room = { id: doc.id, metadata: pickMetadata(doc, DOCUMENT_RESERVED_KEYS), raw: redact(doc) };
  if (typeof doc.documentName === 'string' && doc.documentName !== '') room.name = doc.documentName;
  const access = roomAccessOf(doc.accessType);
  if (access) room.access = access;
  return room;
}

// ------------------------------------------------------------------ users (§6)

/** A Velt user -> core User. `photoUrl` is `avatarUrl`; metadata is every non-reserved key. */
export function toUser(user: VeltUser): User {
  const out: User = { id: user.userId, metadata: pickMetadata(user, USER_RESERVED_KEYS), raw: redact(user) };
  if (typeof user.name === 'string') out.name = user.name;
  if (typeof user.email === 'string') out.email = user.email;
  if (typeof user.photoUrl === 'string') out.avatarUrl = user.photoUrl;
  return out;
}

// ------------------------------------------------------------------ bodies (§7.1, §7.3)

/** What Velt stores for a comment body: plain text and HTML with `{{userId}}` mention placeholders, plus the tagged users. */
export interface VeltBodyFields {
  commentText: string;
  commentHtml: string;
  taggedUserContacts: VeltTaggedContactInput[];
}

/**
 * A `CommentBody` -> `commentText` + `commentHtml` + `taggedUserContacts`. Mentions are written as
 * Velt's `{{userId}}` placeholders (§7.3) and every mentioned user is tagged, with `text: "@userId"`
 * (required by comments/add, §7.8; also the fallback for ids a placeholder cannot hold).
 */
export function toVeltBody(body: CommentBody): VeltBodyFields {
  const normalised = normalizeBody(body);
  return {
    commentText: toText(normalised, { mentionStyle: 'placeholder' }),
    commentHtml: toHtml(normalised, { mentionStyle: 'placeholder' }),
    taggedUserContacts: mentionsOf(normalised).map((userId) => ({ userId, contact: { userId }, text: `@${userId}` })),
  };
}

/** What `fromVeltBody` reads of a comment (a stored comment, a webhook's comment, or `toVeltBody`'s output). */
export interface VeltBodyInput {
  commentText?: string | null | undefined;
  commentHtml?: string | null | undefined;
  taggedUserContacts?: ReadonlyArray<{ userId: string; text?: string | null | undefined; contact?: unknown }> | null | undefined;
}

/**
 * `commentHtml` (preferred: it keeps formatting and link texts) or `commentText` -> `CommentBody`.
 * `{{userId}}` placeholders become mentions; a tagged contact's display text (`"@Jim Halpert"`, as the
 * Velt UI writes it) becomes a mention too, unless that user already appears as a placeholder (so a
 * literal "@bob" typed next to a real mention of bob stays text).
 */
export function fromVeltBody(comment: VeltBodyInput): CommentBody {
  const html = typeof comment.commentHtml === 'string' && comment.commentHtml !== '' ? comment.commentHtml : undefined;
  const source = html ?? comment.commentText ?? '';
  const mentionTexts: MentionText[] = [];
  for (const tag of comment.taggedUserContacts ?? []) {
    if (typeof tag.text === 'string' && tag.text !== '' && !source.includes(`{{${tag.userId}}}`)) mentionTexts.push({ userId: tag.userId, text: tag.text });
  }
  if (html !== undefined) return normalizeBody(fromHtml(html, { placeholders: true, mentionTexts }));
  // Plain text from Velt marks mentions only by placeholders or tagged texts, never by a bare `@word`.
  return normalizeBody(fromText(source, { placeholders: true, mentionTexts, mentions: false }));
}

/** A comment to send: body fields, author and per-comment metadata (`context`). */
export function toVeltComment(input: { authorId: string; body: CommentBody; metadata?: Metadata | undefined }): VeltCommentInput {
  const fields = toVeltBody(input.body);
  const out: VeltCommentInput = { commentText: fields.commentText, commentHtml: fields.commentHtml, from: { userId: input.authorId } };
  if (fields.taggedUserContacts.length > 0) out.taggedUserContacts = fields.taggedUserContacts;
  if (input.metadata && Object.keys(input.metadata).length > 0) out.context = { ...input.metadata };
  return out;
}

// ------------------------------------------------------------------ comments and threads (§7)

/** Parses a Velt date: epoch ms (number or numeric string) or ISO string. */
export function veltDate(value: unknown): Date | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value);
  if (typeof value === 'string' && value !== '') {
    const d = /^\d+$/.test(value) ? new Date(Number(value)) : new Date(value);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

/** Reaction annotations -> core reactions: one entry per emoji with every user who chose it (§8). */
export function toReactions(reactions: readonly VeltReaction[] | null | undefined): Reaction[] {
  const byEmoji = new Map<string, Reaction>();
  for (const r of reactions ?? []) {
    const emoji = r.iconEmoji ?? r.icon;
    if (!emoji) continue;
    const users = [...(r.fromUsers ?? []), ...(r.reactions ?? [])].map((u) => u.from.userId);
    if (users.length === 0 && r.from) users.push(r.from.userId);
    let entry = byEmoji.get(emoji);
    if (!entry) {
      entry = { emoji, userIds: [] };
      const at = veltDate(r.lastUpdated);
      if (at) entry.createdAt = at;
      byEmoji.set(emoji, entry);
    }
    for (const u of users) if (!entry.userIds.includes(u)) entry.userIds.push(u);
  }
  return [...byEmoji.values()].filter((r) => r.userIds.length > 0);
}

/** A Velt comment -> core Comment. The numeric `commentId` becomes a string id. */
export function toComment(comment: VeltComment, threadId: string, roomId: string): Comment {
  const createdAt = veltDate(comment.createdAt) ?? veltDate(comment.lastUpdated) ?? new Date(0);
  const out: Comment = {
    id: String(comment.commentId),
    threadId,
    roomId,
    authorId: comment.from.userId,
    body: fromVeltBody(comment),
    createdAt,
    reactions: toReactions(comment.reactionAnnotations),
    metadata: pickMetadata(comment.context, CONTEXT_RESERVED_KEYS),
    raw: redact(comment),
  };
  // `status: "updated"` is the message's edit state (§7.1), not the thread's status.
  if (comment.isEdited === true || comment.status === 'updated') {
    out.editedAt = veltDate(comment.editedAt) ?? veltDate(comment.lastUpdated) ?? createdAt;
  }
  return out;
}

function withoutComments(annotation: VeltAnnotation): Record<string, unknown> {
  // The comments are mapped into `Thread.comments` (each with its own `raw`): no need to carry them twice.
  const { comments: _comments, ...rest } = annotation;
  return rest;
}

/** A Velt comment annotation -> core Thread; `roomId` is the document the caller asked about. */
export function toThread(annotation: VeltAnnotation, roomId: string): Thread {
  const comments = (annotation.comments ?? []).map((c) => toComment(c, annotation.annotationId, roomId));
  const createdAt = veltDate(annotation.createdAt) ?? comments[0]?.createdAt ?? new Date(0);
  const thread: Thread = {
    id: annotation.annotationId,
    roomId,
    resolved: isResolved(annotation),
    metadata: pickMetadata(annotation.context, CONTEXT_RESERVED_KEYS),
    comments,
    createdAt,
    raw: redact(withoutComments(annotation)),
  };
  const updatedAt = veltDate(annotation.lastUpdated);
  if (updatedAt) thread.updatedAt = updatedAt;
  return thread;
}

/**
 * The next `context` of an annotation after a metadata patch: keys Velt manages (`access`) and values
 * that are not metadata are kept as they are; `accessFields` is left out because Velt derives it.
 */
export function patchedContext(current: Record<string, unknown> | null | undefined, patch: MetadataPatch): Record<string, unknown> {
  const next: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(current ?? {})) if (key !== 'accessFields') next[key] = value;
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else next[key] = Array.isArray(value) ? [...value] : value;
  }
  return next;
}

/**
 * A user-supplied comment id -> Velt's numeric `commentId` (§7.1). Anything but a positive integer is a
 * `ValidationError` naming `commentId`, raised before any request: such an id can never exist in Velt.
 */
export function parseCommentId(value: string, operation: string, field = 'commentId'): number {
  if (typeof value !== 'string' || !/^[1-9]\d{0,15}$/.test(value)) {
    throw new ValidationError(field, 'Velt comment ids are positive integers (e.g. "126535")', { provider: PROVIDER, operation });
  }
  return Number(value);
}

/** Annotation ids cannot contain a colon (§7.3, "Correlating results"). */
export function assertAnnotationId(id: string, field: string, operation: string): void {
  if (id.includes(':')) throw new ValidationError(field, 'Velt annotation ids cannot contain ":"', { provider: PROVIDER, operation });
}

// ------------------------------------------------------------------ notifications (§9)

/** The marker under which `notifications.trigger` stores its fields in `notificationSourceData`. */
export const TRIGGER_MARKER = 'unicollab';

/** What `notifications.trigger` stores in `notificationSourceData` so `list` can give it back. */
export interface TriggeredSourceData {
  [TRIGGER_MARKER]: { kind: string; subjectId: string; roomId?: string; data?: Record<string, string | number | boolean> };
}

function rec(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Whether Velt reports the notification read by `userId` (`readByUserIds`/`isUnread`, UNCONFIRMED §9). */
export function isReadBy(n: VeltNotification, userId: string): boolean {
  if (typeof n.isUnread === 'boolean') return !n.isUnread;
  return (n.readByUserIds ?? []).includes(userId);
}

/**
 * A Velt notification -> core Notification of `userId`.
 * - `custom` source written by `notifications.trigger` -> `custom` with its kind, subject, room and data;
 * - `comment` source -> `mention` when the user is tagged in the thread, else `thread`;
 * - any other source (`huddle`, `crdt`...) -> `custom` with `customKind` = the source.
 * `readAt`: Velt returns no read time, so a read notification reports its own time (`timestamp`).
 * `inboxDocumentId` is the document `trigger` uses when no room is given: it is not reported as a room.
 */
export function toNotification(n: VeltNotification, userId: string, inboxDocumentId: string): Notification {
  const notifiedAt = new Date(n.timestamp);
  const documentId = n.metadata?.documentId;
  const out: Notification = {
    id: n.id,
    userId,
    kind: 'custom',
    notifiedAt,
    readAt: isReadBy(n, userId) ? notifiedAt : null,
    raw: redact(n),
  };
  if (documentId !== undefined && documentId !== inboxDocumentId) out.roomId = documentId;
  const source = rec(n.notificationSourceData);
  const triggered = rec(source?.[TRIGGER_MARKER]);
  if (n.notificationSource === 'comment') {
    const annotationId = n.targetAnnotationId ?? (typeof source?.annotationId === 'string' ? source.annotationId : undefined);
    if (annotationId) out.threadId = annotationId;
    const comments = Array.isArray(source?.comments) ? (source.comments as unknown[]).map(rec) : [];
    const mentioning = comments.filter((c) => Array.isArray(c?.taggedUserContacts) && (c.taggedUserContacts as unknown[]).some((t) => rec(t)?.userId === userId));
    const mentionedIds = Array.isArray(source?.mentionedUserIds) ? (source.mentionedUserIds as unknown[]) : [];
    if (mentioning.length > 0 || mentionedIds.includes(userId)) {
      out.kind = 'mention';
      const last = mentioning[mentioning.length - 1]?.commentId;
      out.subjectId = last !== undefined ? String(last) : (annotationId ?? n.id);
    } else {
      out.kind = 'thread';
      if (annotationId) out.subjectId = annotationId;
    }
  } else if (triggered && typeof triggered.kind === 'string') {
    out.customKind = triggered.kind;
    if (typeof triggered.subjectId === 'string') out.subjectId = triggered.subjectId;
    if (typeof triggered.roomId === 'string') out.roomId = triggered.roomId;
    const data = rec(triggered.data);
    if (data) out.data = { ...data };
  } else if (n.notificationSource) {
    out.customKind = n.notificationSource;
  }
  return out;
}

// ------------------------------------------------------------------ auth (§11)

/**
 * Core room permissions -> Velt permission resources: an exact room id -> a `document` resource, `*` ->
 * the whole `organization`; `read` -> `viewer`, `write` -> `editor`. Velt resources name exact ids, so
 * other prefix patterns (`team-*`) cannot be granted and are returned in `skipped`.
 */
export function tokenResources(rooms: Record<string, 'read' | 'write'> | undefined, organizationId: string): { resources: VeltResource[]; skipped: string[] } {
  const resources: VeltResource[] = [];
  const skipped: string[] = [];
  for (const [pattern, level] of Object.entries(rooms ?? {})) {
    const accessRole = level === 'write' ? 'editor' : 'viewer';
    if (pattern === '*') resources.push({ type: 'organization', id: organizationId, accessRole });
    else if (pattern.endsWith('*')) skipped.push(pattern);
    else resources.push({ type: 'document', id: pattern, organizationId, accessRole });
  }
  return { resources, skipped };
}

/** The `exp` of a JWT as a Date, without verifying it (Velt signs it; we only report the expiry). */
export function jwtExpiry(token: string): Date | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? new Date(claims.exp * 1000) : undefined;
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------ cursors

/**
 * A position in a Velt listing: the vendor page token (`null` = first page), the offset inside that
 * page and the vendor page size. Pages filtered on our side (metadata, resolved, unread) stop in the
 * middle of a vendor page, so the offset is needed to resume there.
 */
export interface VeltCursor {
  /** Vendor page token of the page to read, `null` for the first page. */
  t: string | null;
  /** Items of that page already returned. */
  o: number;
  /** Vendor page size the token and offset refer to. */
  s: number;
}

/** Encodes a cursor as opaque base64url. */
export function encodeCursor(cursor: VeltCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** Decodes a cursor; one we did not issue is a `ValidationError` on `cursor` (its value is not echoed). */
export function decodeCursor(cursor: string, operation: string, field = 'cursor'): VeltCursor {
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<VeltCursor>;
    if ((c.t === null || typeof c.t === 'string') && Number.isInteger(c.o) && c.o! >= 0 && Number.isInteger(c.s) && c.s! >= 1 && c.s! <= 1000) {
      return { t: c.t, o: c.o!, s: c.s! };
    }
  } catch {
    // reported below without the value
  }
  throw new ValidationError(field, 'is not a cursor returned by the velt provider', { provider: PROVIDER, operation });
}
