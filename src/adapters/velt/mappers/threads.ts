/**
 * Velt comment annotations <-> core threads and comments (§7): statuses, reactions, dates, context metadata, comment ids.
 * @module
 */
import { ValidationError } from '../../../core/errors.js';
import type { Comment, Reaction } from '../../../core/model/comment.js';
import type { MetadataPatch } from '../../../core/model/common.js';
import type { Thread } from '../../../core/model/thread.js';
import { positiveIntegerId } from '../../../core/records.js';
import { redact } from '../../../core/redact.js';
import type { VeltAnnotation, VeltComment, VeltReaction, VeltStatusInput } from '../schemas.js';
import { fromVeltBody } from './bodies.js';
import { CONTEXT_RESERVED_KEYS, pickMetadata } from './metadata.js';

const PROVIDER = 'velt';

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
 * A user-supplied comment id -> Velt's numeric `commentId` (§7.1). Anything but a positive safe integer
 * is a `ValidationError` naming `commentId`, raised before any request: such an id can never exist in
 * Velt, and one past 2^53 - 1 would be rounded by `Number()` to the id of another comment.
 */
export function parseCommentId(value: string, operation: string, field = 'commentId'): number {
  const id = positiveIntegerId(value);
  if (id === undefined) {
    throw new ValidationError(field, 'Velt comment ids are positive integers up to 9007199254740991 (e.g. "126535")', { provider: PROVIDER, operation });
  }
  return id;
}

/** The status part of a `/commentannotations/update` `updatedData` (§7.6) that resolve / unresolve send. */
export interface VeltStatusPatch {
  status: VeltStatusInput;
  resolvedByUserId: string | null;
  statusUpdatedByUserId: string | null;
}

/**
 * The annotation as Velt stores it after a status update Velt acknowledged, built from the annotation read
 * before the write and the patch sent, so `threads.resolve` needs no read after its write. Velt's update
 * answer carries no annotation (§7.6 example), so:
 * - `status`, `resolvedByUserId` and `statusUpdatedByUserId` are the values sent; a non-terminal status also
 *   drops `resolvedByUserId` and the expanded `resolvedByUser`, as Velt does (§7.2); a terminal one drops the
 *   stale `resolvedByUser` (Velt expands the new resolver server-side; it is only in `raw` anyway);
 * - `lastUpdated` is `nowMs` (the caller's clock when the acknowledgement arrived; Velt sets its own clock,
 *   not returned), never earlier than the read's `lastUpdated`, so `updatedAt` does not go backwards under
 *   clock skew.
 * Pure: `current` is not modified.
 */
export function annotationAfterStatusPatch(current: VeltAnnotation, patch: VeltStatusPatch, nowMs: number): VeltAnnotation {
  const { resolvedByUser: _resolvedByUser, ...rest } = current as VeltAnnotation & { resolvedByUser?: unknown };
  const next: VeltAnnotation = { ...rest, status: { ...patch.status }, statusUpdatedByUserId: patch.statusUpdatedByUserId };
  if (patch.status.type === 'terminal' && patch.resolvedByUserId !== null) next.resolvedByUserId = patch.resolvedByUserId;
  else delete next.resolvedByUserId;
  next.lastUpdated = Math.max(nowMs, typeof current.lastUpdated === 'number' ? current.lastUpdated : 0);
  return next;
}

/** Annotation ids cannot contain a colon (§7.3, "Correlating results"). */
export function assertAnnotationId(id: string, field: string, operation: string): void {
  if (id.includes(':')) throw new ValidationError(field, 'Velt annotation ids cannot contain ":"', { provider: PROVIDER, operation });
}
