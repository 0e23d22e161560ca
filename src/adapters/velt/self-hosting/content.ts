/**
 * Self-hosted mode of the Velt adapter: pure functions that split what unicollab writes into the
 * structural part sent to Velt's REST API and the content kept in the `VeltContentStore`, and merge the
 * two back on read (docs/vendors/velt-self-hosting.md §1.9, §1.10, §4.E). No I/O here: the services
 * read and write the store and call the client.
 *
 * What goes where (as Velt's browser SDK does with a comment / reaction / user resolver, §1.9):
 * - store (`comment_annotations`, keyed by `annotationId`, then `comments[commentId]`): `commentText`,
 *   `commentHtml`, `from`, `to`, `taggedUserContacts` of every message, `from` of the thread;
 * - Velt: the annotation's structure (status, context, timestamps, `from: {userId}`), each message's
 *   `commentId`, `from: {userId}`, `context`, `taggedUserContacts` reduced to ids with `text: "@userId"`
 *   (so Velt's mention notifications keep working; no display name is sent), and the flags
 *   `isCommentResolverUsed: true` and `isCommentTextAvailable`;
 * - reactions: the icon is in the store (`reaction_annotations`, keyed by the reaction annotation id);
 *   Velt keeps `reactions[].from`. unicollab cannot write reactions (Velt has no REST endpoint), it
 *   merges icons on read;
 * - users: the profile (`name`, `email`, `photoUrl`) is in the store (`users`); Velt keeps the
 *   `userId` and the user's metadata fields.
 *
 * UNCONFIRMED §5.6 (REST writes with self-hosting: does Velt store, strip or reject `commentText` sent
 * with `isCommentResolverUsed: true`?). Choice: the text is **never sent**. Whatever Velt does with it,
 * leaving it out is the only choice that keeps the content off Velt's servers, which is what self-hosting
 * is for, and it matches what Velt's own browser SDK sends (structure + flags, text to the resolver).
 * `isCommentTextAvailable` says whether the message has text, so Velt's UI asks the resolver for it.
 * @module
 */
import type { VeltAnnotation, VeltComment, VeltCommentInput, VeltUser } from '../schemas.js';
import type { VeltPartialComment, VeltPartialCommentAnnotation, VeltPartialReactionAnnotation, VeltUserProfile } from './types.js';

/** The key of the store record in which unicollab notes writes not yet confirmed by Velt. */
export const PENDING_KEY = 'unicollabPending';

/** A write to the store that Velt has not confirmed yet, by comment id (see `pendingOf`). */
export interface PendingWrite {
  /** `create`: a new message; `edit`: new content of an existing message. */
  op: 'create' | 'edit';
  /** Fingerprint of the input (author + content), so a retry of the same create reuses the comment id. */
  fingerprint: string;
  /** When the store was written (epoch ms). */
  at: number;
}

/**
 * How old a pending create must be before another writer may remove it as an orphan (10 minutes: longer
 * than any REST call with its retries). A younger one may be a concurrent write still waiting for Velt.
 */
export const ORPHAN_GRACE_MS = 10 * 60_000;

/** The parts of a message to write: what Velt gets and what the store keeps. */
export interface SplitComment {
  velt: VeltCommentInput;
  content: VeltPartialComment;
}

/** The profile fields that stay out of Velt when self-hosting users (§1.9 "Users"). */
export const PROFILE_FIELDS = ['name', 'email', 'photoUrl'] as const;

/**
 * A message as `toVeltComment` builds it -> the structural part for Velt (no `commentText` /
 * `commentHtml`, flags set) and the content for the store (keyed by `commentId`).
 */
export function splitComment(input: VeltCommentInput, commentId: number): SplitComment {
  const { commentText, commentHtml, taggedUserContacts, ...structure } = input;
  const hasText = (typeof commentText === 'string' && commentText !== '') || (typeof commentHtml === 'string' && commentHtml !== '');
  const velt: VeltCommentInput = { ...structure, commentId, from: { userId: input.from.userId }, isCommentResolverUsed: true, isCommentTextAvailable: hasText };
  if (taggedUserContacts && taggedUserContacts.length > 0) velt.taggedUserContacts = structuralTags(taggedUserContacts);
  const content: VeltPartialComment = { commentId, from: { userId: input.from.userId } };
  if (typeof commentText === 'string') content.commentText = commentText;
  if (typeof commentHtml === 'string') content.commentHtml = commentHtml;
  if (taggedUserContacts && taggedUserContacts.length > 0) {
    content.taggedUserContacts = taggedUserContacts.map((t) => ({ userId: t.userId, contact: { userId: t.userId }, ...(t.text !== undefined ? { text: t.text } : {}) }));
    content.to = taggedUserContacts.map((t) => ({ userId: t.userId }));
  }
  return { velt, content };
}

/** Tagged users as Velt keeps them: ids only, the text `@userId` (Velt's comments/add requires one). */
export function structuralTags(tags: ReadonlyArray<{ userId: string }>): Array<{ userId: string; contact: { userId: string }; text: string }> {
  return tags.map((t) => ({ userId: t.userId, contact: { userId: t.userId }, text: `@${t.userId}` }));
}

/** A stable fingerprint of a message to write (author, text, HTML, mentions). */
export function fingerprintOf(content: VeltPartialComment): string {
  return JSON.stringify([content.from?.userId ?? null, content.commentText ?? null, content.commentHtml ?? null, (content.taggedUserContacts ?? []).map((t) => t.userId)]);
}

/** The pending writes noted on a store record (an empty object when there are none). */
export function pendingOf(record: VeltPartialCommentAnnotation | undefined): Record<string, PendingWrite> {
  const value = record?.[PENDING_KEY] as unknown;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  return { ...(value as Record<string, PendingWrite>) };
}

/**
 * The comment id of a pending create with the same fingerprint (a retry after a `PartialFailureError`),
 * so the retry reuses it instead of adding a second message.
 */
export function pendingCreateFor(record: VeltPartialCommentAnnotation | undefined, fingerprint: string): number | undefined {
  for (const [id, pending] of Object.entries(pendingOf(record))) {
    if (pending.op === 'create' && pending.fingerprint === fingerprint && /^\d+$/.test(id)) return Number(id);
  }
  return undefined;
}

/**
 * A new comment id: an integer in [100000, 2^31) (Velt's own ids are 6-digit numbers, §7.1; a wider
 * range keeps collisions with ids Velt generated for messages written elsewhere unlikely), not among `taken`.
 */
export function newCommentId(taken: ReadonlySet<number>, random: () => number = Math.random): number {
  for (;;) {
    const id = 100000 + Math.floor(random() * (2 ** 31 - 100001));
    if (!taken.has(id)) return id;
  }
}

/** A new annotation id in the shape of Velt's (20 characters, no `:`, §7.3). */
export function newAnnotationId(random: () => number = Math.random): string {
  const alphabet = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
  let id = '-U';
  while (id.length < 20) id += alphabet[Math.floor(random() * alphabet.length)];
  return id;
}

/** The comment ids a store record holds content for. */
export function storedCommentIds(record: VeltPartialCommentAnnotation | undefined): Set<number> {
  const out = new Set<number>();
  for (const id of Object.keys(record?.comments ?? {})) if (/^\d+$/.test(id)) out.add(Number(id));
  return out;
}

/**
 * The store record after writing one message's content: the other messages are kept (the store's
 * upsert replaces the `comments` map as a whole), and the write is noted as pending.
 */
export function withComment(
  record: VeltPartialCommentAnnotation | undefined,
  scope: { annotationId: string; organizationId: string; documentId: string },
  content: VeltPartialComment,
  pending: PendingWrite,
): VeltPartialCommentAnnotation {
  const id = String(content.commentId);
  const previous = record?.comments?.[id];
  const next: VeltPartialCommentAnnotation = {
    ...(record ?? {}),
    annotationId: scope.annotationId,
    metadata: { ...(record?.metadata ?? {}), organizationId: scope.organizationId, documentId: scope.documentId },
    comments: { ...(record?.comments ?? {}), [id]: { ...(previous ?? {}), ...content } },
    [PENDING_KEY]: { ...pendingOf(record), [id]: pending },
  };
  if (next.from === undefined && content.from) next.from = { userId: content.from.userId };
  return next;
}

/**
 * One message's content to write with `VeltSelfHosted.putComment`: `content` over what the record stores
 * for that message (an edit keeps the stored fields it does not change, e.g. the author).
 */
export function mergedContent(record: VeltPartialCommentAnnotation | undefined, content: VeltPartialComment): VeltPartialComment {
  return { ...(record?.comments?.[String(content.commentId)] ?? {}), ...content };
}

/** The store record without one message (its content and any pending note). */
export function withoutComment(record: VeltPartialCommentAnnotation, commentId: number): VeltPartialCommentAnnotation {
  const id = String(commentId);
  const { [id]: _removed, ...comments } = record.comments ?? {};
  const { [id]: _pending, ...pending } = pendingOf(record);
  return { ...record, comments, [PENDING_KEY]: pending };
}

/** The pending notes left once `commentIds` are confirmed by Velt (the value to write back). */
export function confirmed(record: VeltPartialCommentAnnotation | undefined, commentIds: readonly (string | number)[]): Record<string, PendingWrite> {
  const pending = pendingOf(record);
  for (const id of commentIds) delete pending[String(id)];
  return pending;
}

/**
 * The pending creates Velt does not have: content written for a message whose REST write failed and
 * that no retry completed (`veltCommentIds` are the ids Velt returned for the annotation). Readers never
 * see them (Velt is the structure's source of truth); the next write to the annotation removes them.
 * With `olderThan` (epoch ms), only notes written before it count: a younger pending create may be another
 * writer's REST call still in flight, whose content must not be removed (see `ORPHAN_GRACE_MS`).
 */
export function orphanCreates(record: VeltPartialCommentAnnotation | undefined, veltCommentIds: ReadonlySet<number>, keep?: number, olderThan?: number): number[] {
  const out: number[] = [];
  for (const [id, pending] of Object.entries(pendingOf(record))) {
    const n = Number(id);
    if (olderThan !== undefined && !(typeof pending.at === 'number' && pending.at < olderThan)) continue;
    if (pending.op === 'create' && !veltCommentIds.has(n) && n !== keep) out.push(n);
  }
  return out;
}

/** A Velt message with its content from the store merged in (the store wins for text and HTML). */
export function mergeComment(comment: VeltComment, record: VeltPartialCommentAnnotation | undefined, icons: Readonly<Record<string, string>>): VeltComment {
  const content = record?.comments?.[String(comment.commentId)];
  let out: VeltComment = comment;
  if (content) {
    out = { ...comment };
    if (typeof content.commentText === 'string') out.commentText = content.commentText;
    if (typeof content.commentHtml === 'string') out.commentHtml = content.commentHtml;
    if (Array.isArray(content.taggedUserContacts) && content.taggedUserContacts.length > 0) {
      out.taggedUserContacts = content.taggedUserContacts.map((t) => ({ userId: t.userId, ...(t.text !== undefined ? { text: t.text } : {}), contact: { ...(t.contact ?? {}), userId: t.userId } }));
    }
  }
  if (comment.reactionAnnotations && comment.reactionAnnotations.some((r) => r.annotationId !== undefined && icons[r.annotationId] !== undefined)) {
    if (out === comment) out = { ...comment };
    out.reactionAnnotations = comment.reactionAnnotations.map((r) => (r.annotationId !== undefined && icons[r.annotationId] !== undefined && !r.icon ? { ...r, icon: icons[r.annotationId] } : r));
  }
  return out;
}

/** A Velt annotation with every message's content merged in. */
export function mergeAnnotation(annotation: VeltAnnotation, record: VeltPartialCommentAnnotation | undefined, icons: Readonly<Record<string, string>>): VeltAnnotation {
  if (!record && Object.keys(icons).length === 0) return annotation;
  return { ...annotation, comments: (annotation.comments ?? []).map((c) => mergeComment(c, record, icons)) };
}

/** The reaction annotation ids of the messages (to look their icons up). */
export function reactionIdsOf(comments: ReadonlyArray<VeltComment | null | undefined>): string[] {
  const out = new Set<string>();
  for (const c of comments) for (const r of c?.reactionAnnotations ?? []) if (typeof r.annotationId === 'string' && !r.icon) out.add(r.annotationId);
  return [...out];
}

/** Icons by reaction annotation id, from the store's reaction records. */
export function iconsOf(records: Readonly<Record<string, VeltPartialReactionAnnotation>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, r] of Object.entries(records)) if (typeof r.icon === 'string' && r.icon !== '') out[id] = r.icon;
  return out;
}

/** A Velt user with the profile from the store merged in. */
export function mergeUser(user: VeltUser, profile: VeltUserProfile | undefined): VeltUser {
  if (!profile) return user;
  const out: VeltUser = { ...user };
  for (const field of PROFILE_FIELDS) if (typeof profile[field] === 'string') (out as Record<string, unknown>)[field] = profile[field];
  return out;
}

/**
 * A user to write -> the profile for the store (name, email, photoUrl over the stored profile; an
 * absent field keeps its stored value) and the rest (userId and metadata fields) for Velt.
 */
export function splitUser(user: Record<string, unknown> & { userId: string }, stored: VeltUserProfile | undefined): { velt: Record<string, unknown> & { userId: string }; profile: VeltUserProfile } {
  const velt: Record<string, unknown> & { userId: string } = { userId: user.userId };
  const profile: VeltUserProfile = { ...(stored ?? {}), userId: user.userId };
  for (const [key, value] of Object.entries(user)) {
    if (key === 'userId') continue;
    if ((PROFILE_FIELDS as readonly string[]).includes(key)) profile[key] = value;
    else velt[key] = value;
  }
  return { velt, profile };
}
