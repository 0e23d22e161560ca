/**
 * Writing one record into a target, idempotently: client-chosen ids where the target accepts them,
 * and, for what already exists (a re-run, or the in-flight window of a crashed run), reading the target
 * and writing only what is missing.
 * @module
 */
import type { BulkCommentWrite, ThreadBulkWrites } from '../core/adapter.js';
import type { CapabilityKey, CapabilityMap } from '../core/capabilities.js';
import type { Collab } from '../core/container.js';
import { CollabError } from '../core/errors.js';
import { toText } from '../core/body/index.js';
import type { Comment } from '../core/model/comment.js';
import type { Metadata, MetadataPatch } from '../core/model/common.js';
import type { RoomAccess } from '../core/model/room.js';
import type { Thread } from '../core/model/thread.js';
import type { Notification } from '../core/model/notification.js';
import { accessLost, documentContentCarried, triggerableData } from './loss.js';
import type { CommentRecord, DocumentRecord, NotificationRecord, RecordKind, RoomRecord, ThreadRecord, UserRecord } from './schemas.js';

/** `upsert`: what exists is brought in line with the source; `create-only`: what exists is left as it is (and counted skipped). */
export type ImportMode = 'upsert' | 'create-only';

/** What happened to one record. */
export type Outcome = 'written' | 'updated' | 'skipped' | 'dropped';

/** Counts of one record kind in an import report. */
export interface KindTally {
  /** Created in the target. */
  written: number;
  /** Existed and was changed to match the source (`upsert`), or completed (a thread missing comments). */
  updated: number;
  /** Existed already as it should (or `create-only` left it), nothing written. */
  skipped: number;
  /** Not written: the target cannot hold it (see the report's `losses`). */
  dropped: number;
  /** Done by an earlier run, per the checkpoint: not looked at again. */
  resumed: number;
}

/** Counts of the items inside threads. */
export interface ItemTally {
  /** Created. */
  written: number;
  /** Found in the target already. */
  skipped: number;
  /** Not written: the target cannot hold them. */
  dropped: number;
}

/** Every counter of an import. */
export interface ImportTally {
  /** Per record kind. */
  records: Record<RecordKind, KindTally>;
  /** Comments (the first comment of a thread included). */
  comments: ItemTally;
  /** Reactions, one per user and emoji. */
  reactions: ItemTally;
}

/** A zeroed tally. */
export function emptyTally(): ImportTally {
  const kind = (): KindTally => ({ written: 0, updated: 0, skipped: 0, dropped: 0, resumed: 0 });
  return {
    records: { user: kind(), room: kind(), document: kind(), thread: kind(), notification: kind() },
    comments: { written: 0, skipped: 0, dropped: 0 },
    reactions: { written: 0, skipped: 0, dropped: 0 },
  };
}

/** Shared state of the writers during one import. */
export interface WriteContext {
  /** The target. */
  collab: Collab;
  /** Its capabilities. */
  caps: CapabilityMap;
  /** Upsert or create-only. */
  mode: ImportMode;
  /** Counters. */
  tally: ImportTally;
  /** Source thread -> target thread id where the target assigned its own (key: `threadKey`). */
  threadIds: Record<string, string>;
  /** Whether the target was seen assigning thread ids. */
  targetAssignsThreadIds: boolean;
  /** Persists a new thread id mapping (the checkpoint), before the thread's comments are written. */
  saveMapping(): Promise<void>;
  /**
   * Makes sure a comment author exists in the target before a comment of theirs is written. Set when
   * the source had no user store (so its export holds no user records, only author ids) and the target
   * has one that comments may need (Kabelwerk refuses a message by an unknown user): a bare user (id only)
   * is created for each author the target does not know.
   */
  ensureAuthor?: (id: string) => Promise<void>;
  /** The target's bulk thread writes (`threadBulkWritesOf`), when it offers them: a thread and its comments in one or few requests. */
  bulk?: ThreadBulkWrites;
  /** The current room's thread listing, read once per room (targets that assign their own thread ids). */
  roomThreads?: RoomThreadIndex;
}

/** The key a thread is found by in a target that assigned its own id: its first comment's author and text. */
function openerKey(authorId: string, text: string): string {
  return `${authorId}\u0000${text}`;
}

/**
 * The threads of the room being imported, by their first comment, read from the target at most once
 * per room per run (instead of once per thread): for finding, in a target that assigns its own thread
 * ids, the thread a crashed or earlier run created. Holds ids only, for the room(s) in progress: the
 * importer calls `enter` when the source moves to another room, which drops the others. A thread found
 * is claimed (two source threads with the same first comment get two target threads), and threads this
 * run created are never handed out.
 */
export class RoomThreadIndex {
  private readonly rooms = new Map<string, { listing?: Promise<Map<string, string[]>>; created: Set<string> }>();

  constructor(private readonly collab: Collab) {}

  /** The source moved on to `roomId`: forget every other room. */
  enter(roomId: string): void {
    for (const key of this.rooms.keys()) if (key !== roomId) this.rooms.delete(key);
  }

  private entry(roomId: string): { listing?: Promise<Map<string, string[]>>; created: Set<string> } {
    let e = this.rooms.get(roomId);
    if (!e) this.rooms.set(roomId, (e = { created: new Set() }));
    return e;
  }

  /** A thread this run created (never a match for another source thread). */
  created(roomId: string, threadId: string): void {
    this.entry(roomId).created.add(threadId);
  }

  /** Reads (once) and claims the target thread whose first comment is `first`, if any. */
  async claim(roomId: string, first: CommentRecord): Promise<string | undefined> {
    const e = this.entry(roomId);
    if (!e.listing) {
      const listing = (async () => {
        const byOpener = new Map<string, string[]>();
        for await (const thread of this.collab.threads.iterate(roomId)) {
          const opener = thread.comments[0];
          if (!opener || opener.deletedAt !== undefined) continue;
          const key = openerKey(opener.authorId, toText(opener.body));
          const ids = byOpener.get(key);
          if (ids) ids.push(thread.id);
          else byOpener.set(key, [thread.id]);
        }
        return byOpener;
      })();
      e.listing = listing;
      listing.catch(() => {
        if (e.listing === listing) delete e.listing;
      });
    }
    const ids = (await e.listing).get(openerKey(first.authorId, toText(first.body)));
    if (!ids) return undefined;
    const at = ids.findIndex((id) => !e.created.has(id));
    if (at < 0) return undefined;
    const [id] = ids.splice(at, 1);
    return id;
  }
}

/** The key of a source thread in the id map. */
export function threadKey(roomId: string, threadId: string): string {
  return JSON.stringify([roomId, threadId]);
}

const is = (err: unknown, code: string): boolean => CollabError.is(err) && err.code === code;
const no = (caps: CapabilityMap, key: CapabilityKey): boolean => caps[key] === 'no';

function nonEmpty(metadata: Metadata): Metadata | undefined {
  return Object.keys(metadata).length > 0 ? metadata : undefined;
}

/** The patch that turns `current` metadata into `wanted` (`null` deletes), or `undefined` when equal. */
function metadataPatch(current: Metadata, wanted: Metadata): MetadataPatch | undefined {
  const patch: MetadataPatch = {};
  for (const [k, v] of Object.entries(wanted)) if (JSON.stringify(current[k]) !== JSON.stringify(v)) patch[k] = v;
  for (const k of Object.keys(current)) if (!(k in wanted)) patch[k] = null;
  return Object.keys(patch).length > 0 ? patch : undefined;
}

function carriedAccess(record: RoomRecord, caps: CapabilityMap): RoomAccess | undefined {
  if (!record.access || caps['rooms.access'] === 'no') return undefined;
  if (caps['rooms.access'] === 'partial' && accessLost(record, caps)) return record.access.default !== undefined ? { default: record.access.default } : undefined;
  return record.access;
}

/** Imports a room: created with its id; an existing one is updated (`upsert`) or left (`create-only`). */
export async function writeRoom(ctx: WriteContext, record: RoomRecord): Promise<Outcome> {
  const { collab, caps } = ctx;
  if (no(caps, 'rooms.create')) return 'dropped';
  const access = carriedAccess(record, caps);
  const metadata = nonEmpty(record.metadata);
  try {
    await collab.rooms.create({ id: record.id, ...(record.name !== undefined ? { name: record.name } : {}), ...(metadata ? { metadata } : {}), ...(access ? { access } : {}) });
    if (record.archived === true && !no(caps, 'rooms.archive')) await collab.rooms.update(record.id, { archived: true });
    return 'written';
  } catch (err) {
    if (!is(err, 'conflict')) throw err;
  }
  if (ctx.mode === 'create-only') return 'skipped';
  const current = await collab.rooms.get(record.id);
  const patch = metadataPatch(current.metadata, record.metadata);
  const rename = record.name !== undefined && record.name !== current.name;
  const archive = !no(caps, 'rooms.archive') && record.archived !== undefined && record.archived !== (current.archived ?? false);
  if (!patch && !rename && !archive) return 'skipped';
  await collab.rooms.update(record.id, { ...(rename ? { name: record.name } : {}), ...(patch ? { metadata: patch } : {}), ...(archive ? { archived: record.archived } : {}) });
  return 'updated';
}

/** Imports a user (an upsert, idempotent; `create-only` leaves an existing user as it is). */
export async function writeUser(ctx: WriteContext, record: UserRecord): Promise<Outcome> {
  const { collab, caps } = ctx;
  if (no(caps, 'users.upsert')) return 'dropped';
  if (ctx.mode === 'create-only' && !no(caps, 'users.get')) {
    try {
      await collab.users.get(record.id);
      return 'skipped';
    } catch (err) {
      if (!is(err, 'not_found')) throw err;
    }
  }
  const metadata = nonEmpty(record.metadata);
  await collab.users.upsert({
    id: record.id,
    ...(record.name ? { name: record.name } : {}),
    ...(record.email ? { email: record.email } : {}),
    ...(record.avatarUrl ? { avatarUrl: record.avatarUrl } : {}),
    ...(metadata ? { metadata } : {}),
  });
  return 'written';
}

/** Whether a target comment is the import of a source comment: same author and same text. */
function sameComment(target: Comment, source: CommentRecord): boolean {
  return target.deletedAt === undefined && target.authorId === source.authorId && toText(target.body) === toText(source.body);
}

/** Finds, in a room of the target, the thread a crashed run created for `record` (a target that assigns its own thread ids). */
async function findImportedThread(ctx: WriteContext, record: ThreadRecord): Promise<Thread | undefined> {
  const first = record.comments[0]!;
  if (ctx.roomThreads) {
    const id = await ctx.roomThreads.claim(record.roomId, first);
    return id === undefined ? undefined : getThread(ctx, record.roomId, id);
  }
  for await (const thread of ctx.collab.threads.iterate(record.roomId)) {
    const opener = thread.comments[0];
    if (opener && sameComment(opener, first)) return thread;
  }
  return undefined;
}

async function getThread(ctx: WriteContext, roomId: string, id: string): Promise<Thread | undefined> {
  try {
    return await ctx.collab.threads.get(roomId, id);
  } catch (err) {
    if (is(err, 'not_found')) return undefined;
    throw err;
  }
}

/** A source comment as a bulk write. */
function bulkComment(c: CommentRecord): BulkCommentWrite {
  return { authorId: c.authorId, body: c.body, ...(nonEmpty(c.metadata) ? { metadata: c.metadata } : {}), createdAt: new Date(c.createdAt) };
}

/** A comment just written (it has no reactions yet), standing for the target's. */
function writtenComment(id: string, source: CommentRecord): Comment {
  return { id, authorId: source.authorId, body: source.body, reactions: [] } as unknown as Comment;
}

/**
 * Imports a thread with its comments and reactions. The thread is created with its source id; when it
 * exists (a re-run) its comments are matched in order (same author and text) and only the missing ones
 * are added, then missing reactions, the resolved state and (`upsert`) metadata. Where the target offers
 * bulk writes (`ctx.bulk`), a new thread is created with all its comments (and resolved state) at once,
 * and missing comments of an existing thread are appended at once.
 *
 * @param reconcile - The record may have been written in part by a crashed run: look for it first.
 */
export async function writeThread(ctx: WriteContext, record: ThreadRecord, reconcile: boolean): Promise<Outcome> {
  const { collab, caps, tally } = ctx;
  const reactionTotal = record.comments.reduce((n, c) => n + c.reactions.reduce((m, r) => m + r.userIds.length, 0), 0);
  if (no(caps, 'threads.create')) {
    tally.comments.dropped += record.comments.length;
    tally.reactions.dropped += reactionTotal;
    return 'dropped';
  }
  const key = threadKey(record.roomId, record.id);
  const metadata = no(caps, 'threads.metadata') ? undefined : nonEmpty(record.metadata);
  const first = record.comments[0]!;
  const mapped = ctx.threadIds[key];
  const bulk = ctx.bulk && (record.comments.length === 1 || !no(caps, 'comments.create')) ? ctx.bulk : undefined;

  let thread: Thread | undefined;
  let created = false;
  /** Comments written with the thread itself (the first; all of them with a bulk create). */
  let createdComments = 0;
  // Targets that take our id need no lookup: a create of an existing thread is a ConflictError, and the
  // thread is read then. Targets that assign their own ids are looked up by the id map, or (in the
  // in-flight window of a crashed run, before the map was saved) by the thread's first comment.
  if (mapped !== undefined) thread = await getThread(ctx, record.roomId, mapped);
  else if (reconcile && ctx.targetAssignsThreadIds) thread = await findImportedThread(ctx, record);
  if (ctx.ensureAuthor) for (const c of record.comments) await ctx.ensureAuthor(c.authorId);
  if (!thread && bulk) {
    const resolved = record.resolved && !no(caps, 'threads.resolve');
    try {
      const made = await bulk.createThreadWithComments(record.roomId, {
        id: record.id,
        comments: record.comments.map(bulkComment),
        ...(metadata ? { metadata } : {}),
        ...(resolved ? { resolved: true } : {}),
        createdAt: new Date(record.createdAt),
      });
      thread = {
        id: made.threadId,
        roomId: record.roomId,
        resolved,
        metadata: metadata ?? {},
        comments: record.comments.map((c, i) => writtenComment(made.commentIds[i] ?? '', c)),
      } as unknown as Thread;
      created = true;
      createdComments = record.comments.length;
    } catch (err) {
      if (is(err, 'conflict')) thread = await collab.threads.get(record.roomId, record.id);
      // The target offers no bulk writes in this configuration: one entity at a time from now on.
      else if (is(err, 'unsupported_feature')) delete ctx.bulk;
      else if (!(is(err, 'validation_error') && (err as { field?: string }).field === 'id')) throw err;
      // A target that does not take this id: created below without one.
    }
  }
  if (!thread) {
    const input = { roomId: record.roomId, comment: { authorId: first.authorId, body: first.body, ...(nonEmpty(first.metadata) ? { metadata: first.metadata } : {}) }, ...(metadata ? { metadata } : {}) };
    try {
      thread = await collab.threads.create({ ...input, id: record.id });
      created = true;
    } catch (err) {
      if (is(err, 'conflict')) thread = await collab.threads.get(record.roomId, record.id);
      else if (is(err, 'validation_error') && (err as { field?: string }).field === 'id') {
        // The target assigns its own thread ids: an earlier run's thread is found by its first comment.
        ctx.targetAssignsThreadIds = true;
        if (reconcile) thread = await findImportedThread(ctx, record);
        if (!thread) {
          try {
            thread = await collab.threads.create(input);
            created = true;
          } catch (again) {
            // A target with fixed thread ids (one per room) that has the thread already: find it by its first comment.
            if (!is(again, 'conflict')) throw again;
            thread = await findImportedThread(ctx, record);
            if (!thread) throw again;
          }
        }
      } else throw err;
    }
    if (created) createdComments = 1;
  }
  if (created) ctx.roomThreads?.created(record.roomId, thread.id);
  if (thread.id !== record.id && ctx.threadIds[key] !== thread.id) {
    ctx.threadIds[key] = thread.id;
    ctx.targetAssignsThreadIds = true;
    await ctx.saveMapping();
  }

  // Comments, matched in order: the target's live comments that match the source's prefix are ours.
  const live = thread.comments.filter((c) => c.deletedAt === undefined);
  let matched = 0;
  if (!created) while (matched < live.length && matched < record.comments.length && sameComment(live[matched]!, record.comments[matched]!)) matched++;
  const foreign = !created && live.length > matched;
  if (!created && foreign && ctx.mode === 'create-only') {
    tally.comments.skipped += record.comments.length;
    tally.reactions.skipped += reactionTotal;
    return 'skipped';
  }
  let changed = created;
  const targets: Array<Comment | undefined> = live.slice(0, matched);
  const missing: number[] = [];
  for (let i = 0; i < record.comments.length; i++) {
    const source = record.comments[i]!;
    if (i < createdComments) {
      targets[i] = thread.comments[i];
      tally.comments.written++;
      continue;
    }
    if (i < matched) {
      tally.comments.skipped++;
      continue;
    }
    // An existing thread with comments of its own (upsert): add only the comments it does not have.
    const elsewhere = foreign ? live.find((c) => sameComment(c, source)) : undefined;
    if (elsewhere) {
      targets[i] = elsewhere;
      tally.comments.skipped++;
      continue;
    }
    if (no(caps, 'comments.create')) {
      tally.comments.dropped++;
      tally.reactions.dropped += source.reactions.reduce((m, r) => m + r.userIds.length, 0);
      continue;
    }
    missing.push(i);
  }
  if (missing.length > 0) {
    let appended: string[] | undefined;
    if (bulk && ctx.bulk) {
      try {
        appended = await bulk.appendComments(record.roomId, thread.id, missing.map((i) => bulkComment(record.comments[i]!)));
      } catch (err) {
        if (!is(err, 'unsupported_feature')) throw err;
        delete ctx.bulk;
      }
    }
    if (appended) {
      const ids = appended;
      missing.forEach((i, k) => (targets[i] = writtenComment(ids[k] ?? '', record.comments[i]!)));
    } else {
      for (const i of missing) {
        const source = record.comments[i]!;
        targets[i] = await collab.comments.create({ roomId: record.roomId, threadId: thread.id, authorId: source.authorId, body: source.body, ...(nonEmpty(source.metadata) ? { metadata: source.metadata } : {}) });
      }
    }
    tally.comments.written += missing.length;
    changed = true;
  }

  // Reactions: each user and emoji the target comment lacks.
  for (let i = 0; i < record.comments.length; i++) {
    const source = record.comments[i]!;
    const target = targets[i];
    for (const reaction of source.reactions) {
      for (const userId of reaction.userIds) {
        if (!target) continue; // counted with its comment above
        if (target.reactions.some((r) => r.emoji === reaction.emoji && r.userIds.includes(userId))) {
          tally.reactions.skipped++;
          continue;
        }
        if (no(caps, 'reactions.add')) {
          tally.reactions.dropped++;
          continue;
        }
        await collab.reactions.add({ roomId: record.roomId, threadId: thread.id, commentId: target.id, userId, emoji: reaction.emoji });
        tally.reactions.written++;
        changed = true;
      }
    }
  }

  // Resolved state and metadata.
  if (!no(caps, 'threads.resolve') && record.resolved !== thread.resolved && (record.resolved || ctx.mode === 'upsert')) {
    if (record.resolved) await collab.threads.resolve(record.roomId, thread.id, { userId: first.authorId });
    else await collab.threads.unresolve(record.roomId, thread.id, { userId: first.authorId });
    changed = true;
  }
  if (!created && metadata !== undefined && ctx.mode === 'upsert') {
    const patch = metadataPatch(thread.metadata, record.metadata);
    if (patch) {
      await collab.threads.updateMetadata(record.roomId, thread.id, patch);
      changed = true;
    }
  }
  return created ? 'written' : changed ? 'updated' : 'skipped';
}

/** Whether a target notification is the import of `record`. */
function sameNotification(n: Notification, record: NotificationRecord): boolean {
  return n.kind === 'custom' && n.customKind === record.customKind && n.subjectId === (record.subjectId ?? record.id) && n.roomId === record.roomId;
}

/** The newest notification of the user matching `record` (looked for in the first 100). */
async function findNotification(ctx: WriteContext, record: NotificationRecord): Promise<Notification | undefined> {
  if (no(ctx.caps, 'notifications.list')) return undefined;
  const page = await ctx.collab.notifications.list(record.userId, { limit: 100 });
  return page.items.find((n) => sameNotification(n, record));
}

/**
 * Imports an app-defined (custom) notification with `notifications.trigger`, then marks it read when the
 * source's was. Thread and mention notifications are not copied (the target derives its own).
 *
 * @param reconcile - Look for the notification first (a trigger has no client id to deduplicate on).
 */
export async function writeNotification(ctx: WriteContext, record: NotificationRecord, reconcile: boolean): Promise<Outcome> {
  const { collab, caps } = ctx;
  if (record.notificationKind !== 'custom' || no(caps, 'notifications.trigger')) return 'dropped';
  let existing = reconcile ? await findNotification(ctx, record) : undefined;
  let outcome: Outcome = 'skipped';
  if (!existing) {
    const data = triggerableData(record) ? (record.data as Record<string, string | number | boolean> | undefined) : undefined;
    await collab.notifications.trigger({
      userId: record.userId,
      kind: record.customKind ?? 'custom',
      subjectId: record.subjectId ?? record.id,
      ...(record.roomId !== undefined ? { roomId: record.roomId } : {}),
      ...(data !== undefined ? { data } : {}),
    });
    outcome = 'written';
  }
  if (record.readAt !== null && !no(caps, 'notifications.markRead')) {
    existing ??= await findNotification(ctx, record);
    if (existing && existing.readAt === null) {
      await collab.notifications.markRead(record.userId, existing.id);
      if (outcome === 'skipped') outcome = 'updated';
    }
  }
  return outcome;
}

/**
 * Imports a room's document: the Yjs state as one binary update where both sides have binary updates
 * (merging is idempotent), else each shared type's JSON with `documents.set`; then JSON storage with
 * `storage.initialize` (an existing different storage is replaced in `upsert` mode).
 */
export async function writeDocument(ctx: WriteContext, record: DocumentRecord): Promise<Outcome> {
  const { collab, caps } = ctx;
  let wrote = false;
  let dropped = false;
  if (record.sharedTypes.length > 0) {
    if (!documentContentCarried(caps, record.yjsState)) dropped = true;
    else if (record.yjsState !== undefined && !no(caps, 'documents.updates')) {
      await collab.documents.applyUpdate(record.roomId, new Uint8Array(Buffer.from(record.yjsState, 'base64')));
      wrote = true;
    } else {
      const present = ctx.mode === 'create-only' && !no(caps, 'documents.list') ? await collab.documents.list(record.roomId) : [];
      for (const shared of record.sharedTypes) {
        if (present.some((e) => e.key === shared.key)) continue;
        await collab.documents.set(record.roomId, { key: shared.key, type: shared.type, value: shared.value });
        wrote = true;
      }
    }
  }
  if (record.storage) {
    if (no(caps, 'storage.initialize')) dropped = true;
    else {
      const root = record.storage.format === 'lson' ? (record.storage.data as { lsonType: 'LiveObject'; data: Record<string, unknown> }) : { lsonType: 'LiveObject' as const, data: record.storage.data };
      try {
        await collab.storage.initialize(record.roomId, root);
        wrote = true;
      } catch (err) {
        if (!is(err, 'conflict')) throw err;
        if (ctx.mode === 'upsert' && !no(caps, 'storage.delete')) {
          const current = await collab.storage.get(record.roomId, { format: 'lson' });
          if (JSON.stringify(current.data) !== JSON.stringify(root)) {
            await collab.storage.delete(record.roomId);
            await collab.storage.initialize(record.roomId, root);
            wrote = true;
          }
        }
      }
    }
  }
  if (wrote) return 'written';
  return dropped ? 'dropped' : 'skipped';
}
