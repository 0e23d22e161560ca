/**
 * `verify`: compares a source and a target after a migration, per kind and per room, and samples content
 * (comment bodies as text, resolved flags, reaction sets, metadata, documents, read state), taking into
 * account what the target cannot hold (those differences are expected, and counted as such).
 * @module
 */
import type { CapabilityKey, CapabilityMap } from '../core/capabilities.js';
import type { Collab } from '../core/container.js';
import { CollabError } from '../core/errors.js';
import { toText } from '../core/body/index.js';
import type { Comment } from '../core/model/comment.js';
import type { Notification } from '../core/model/notification.js';
import type { Thread } from '../core/model/thread.js';
import { ConstraintPass, importConstraintsOf } from './constraints.js';
import { exportData } from './export.js';
import { accessLost, documentContentCarried, LossCounter, type LossReport, triggerableData } from './loss.js';
import type { CommentRecord, DocumentRecord, NotificationRecord, RoomRecord, ThreadRecord, UserRecord } from './schemas.js';

/** The kinds `verify` counts. */
export type VerifyKind = 'room' | 'user' | 'thread' | 'comment' | 'reaction' | 'notification' | 'document';

/** Counts of one kind. */
export interface KindComparison {
  /** In the source. */
  source: number;
  /** Found in the target, matching. */
  matched: number;
  /** Not in the target, as predicted by its capabilities. */
  expectedMissing: number;
  /** Not in the target (or different), unexplained. */
  differences: number;
}

/** One unexplained difference. */
export interface VerifyDifference {
  /** What kind of item. */
  kind: VerifyKind;
  /** The room, when the item belongs to one. */
  roomId?: string;
  /** The source id of the item. */
  id: string;
  /** What differs. */
  message: string;
}

/** Counts of one room. */
export interface RoomComparison {
  /** The room id. */
  roomId: string;
  /** Threads of the room. */
  threads: KindComparison;
  /** Comments of the room's threads. */
  comments: KindComparison;
  /** Reactions (user and emoji pairs) of the room's comments. */
  reactions: KindComparison;
}

/** The outcome of `verify`. */
export interface VerifyReport {
  /** `true` when there is no unexplained difference. */
  ok: boolean;
  /** The source provider. */
  from: string;
  /** The target provider. */
  to: string;
  /** Per kind. */
  kinds: Record<VerifyKind, KindComparison>;
  /** Per room (every room compared). */
  rooms: RoomComparison[];
  /** Unexplained differences (at most `maxDifferences`; `differenceCount` has the total). */
  differences: VerifyDifference[];
  /** Every unexplained difference, listed or not. */
  differenceCount: number;
  /** What the target's capabilities predict it cannot hold. */
  expected: LossReport;
}

/** Options of `verify`. */
export interface VerifyOptions {
  /** Only these rooms (and their notifications). */
  rooms?: readonly string[];
  /** Source thread -> target thread ids where the target assigned its own (the checkpoint's `threadIds`); otherwise threads are matched by id, then by their first comment. */
  threadIds?: Readonly<Record<string, string>>;
  /** Stops the comparison. */
  signal?: AbortSignal;
  /** Differences listed in the report (default 100). */
  maxDifferences?: number;
}

const zero = (): KindComparison => ({ source: 0, matched: 0, expectedMissing: 0, differences: 0 });

/** JSON with sorted keys, for order-independent equality. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

async function orUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (CollabError.is(err) && (err.code === 'not_found' || err.code === 'unsupported_feature')) return undefined;
    throw err;
  }
}

const sameComment = (target: Comment, source: CommentRecord): boolean => target.deletedAt === undefined && target.authorId === source.authorId && toText(target.body) === toText(source.body);

function reactionSet(reactions: ReadonlyArray<{ emoji: string; userIds: readonly string[] }>): string {
  return reactions
    .flatMap((r) => r.userIds.map((u) => `${r.emoji}\u0000${u}`))
    .sort()
    .join('\n');
}

/** The walk of one comparison. */
class Comparison {
  readonly kinds: Record<VerifyKind, KindComparison> = { room: zero(), user: zero(), thread: zero(), comment: zero(), reaction: zero(), notification: zero(), document: zero() };
  readonly rooms: RoomComparison[] = [];
  readonly differences: VerifyDifference[] = [];
  differenceCount = 0;
  private readonly caps: CapabilityMap;
  private roomThreads: Thread[] = [];
  private currentRoom: RoomComparison | undefined;
  private notificationUser: string | undefined;
  private userNotifications: Notification[] = [];

  constructor(
    private readonly to: Collab,
    private readonly options: VerifyOptions,
  ) {
    this.caps = to.capabilities;
  }

  private no(key: CapabilityKey): boolean {
    return this.caps[key] === 'no';
  }

  private differ(kind: VerifyKind, id: string, message: string, roomId?: string, room?: KindComparison): void {
    this.kinds[kind].differences++;
    if (room) room.differences++;
    this.differenceCount++;
    if (this.differences.length < (this.options.maxDifferences ?? 100)) this.differences.push({ kind, id, message, ...(roomId !== undefined ? { roomId } : {}) });
  }

  async user(record: UserRecord): Promise<void> {
    const k = this.kinds.user;
    k.source++;
    if (this.no('users.upsert')) return void k.expectedMissing++;
    if (this.no('users.get')) return void k.matched++;
    const user = await orUndefined(() => this.to.users.get(record.id));
    if (!user) return this.differ('user', record.id, 'is missing in the target');
    if (record.name !== undefined && user.name !== record.name) return this.differ('user', record.id, `name is ${JSON.stringify(user.name)}, expected ${JSON.stringify(record.name)}`);
    k.matched++;
  }

  async room(record: RoomRecord): Promise<void> {
    const k = this.kinds.room;
    k.source++;
    this.currentRoom = { roomId: record.id, threads: zero(), comments: zero(), reactions: zero() };
    this.rooms.push(this.currentRoom);
    this.roomThreads = [];
    const room = await orUndefined(() => this.to.rooms.get(record.id));
    if (!room) {
      if (this.no('rooms.create')) k.expectedMissing++;
      else this.differ('room', record.id, 'is missing in the target', record.id);
    } else {
      const metadataDiffers = stable(room.metadata) !== stable(record.metadata);
      if (!this.no('rooms.create') && metadataDiffers) this.differ('room', record.id, `metadata is ${stable(room.metadata)}, expected ${stable(record.metadata)}`, record.id);
      else if (!this.no('rooms.create') && record.name !== undefined && room.name !== record.name) this.differ('room', record.id, `name is ${JSON.stringify(room.name)}, expected ${JSON.stringify(record.name)}`, record.id);
      else if (accessLost(record, this.caps)) k.expectedMissing++;
      else k.matched++;
    }
    if (!this.no('threads.list')) {
      for await (const thread of this.to.threads.iterate(record.id)) this.roomThreads.push(thread);
    }
  }

  private findThread(record: ThreadRecord): Thread | undefined {
    const mapped = this.options.threadIds?.[JSON.stringify([record.roomId, record.id])] ?? record.id;
    const byId = this.roomThreads.find((t) => t.id === mapped);
    if (byId) return byId;
    const first = record.comments[0]!;
    return this.roomThreads.find((t) => t.comments[0] !== undefined && sameComment(t.comments[0], first));
  }

  /**
   * @param original - The source thread.
   * @param constrained - What the target's import constraints let through (`undefined`: nothing), and what they dropped.
   */
  thread(original: ThreadRecord, constrained: { record: ThreadRecord | undefined; droppedComments: readonly CommentRecord[] } = { record: original, droppedComments: [] }): void {
    const room = this.currentRoom;
    const kt = this.kinds.thread;
    const kc = this.kinds.comment;
    const kr = this.kinds.reaction;
    const reactionsOf = (comments: readonly CommentRecord[]): number => comments.reduce((n, c) => n + c.reactions.reduce((m, r) => m + r.userIds.length, 0), 0);
    const reactions = reactionsOf(original.comments);
    kt.source++;
    kc.source += original.comments.length;
    kr.source += reactions;
    if (room) {
      room.threads.source++;
      room.comments.source += original.comments.length;
      room.reactions.source += reactions;
    }
    // What the target's model refuses (its import constraints) is expected to be missing.
    const droppedReactions = reactionsOf(constrained.droppedComments);
    kc.expectedMissing += constrained.droppedComments.length;
    kr.expectedMissing += droppedReactions;
    if (room) {
      room.comments.expectedMissing += constrained.droppedComments.length;
      room.reactions.expectedMissing += droppedReactions;
    }
    const record = constrained.record;
    if (!record) {
      kt.expectedMissing++;
      if (room) room.threads.expectedMissing++;
      return;
    }
    if (this.no('threads.create')) {
      kt.expectedMissing++;
      kc.expectedMissing += record.comments.length;
      kr.expectedMissing += reactionsOf(record.comments);
      return;
    }
    const thread = this.findThread(record);
    if (!thread) {
      this.differ('thread', record.id, 'is missing in the target', record.roomId, room?.threads);
      return;
    }
    let threadOk = true;
    if (!this.no('threads.resolve') && thread.resolved !== record.resolved) {
      this.differ('thread', record.id, `resolved is ${thread.resolved}, expected ${record.resolved}`, record.roomId, room?.threads);
      threadOk = false;
    } else if (!this.no('threads.metadata') && stable(thread.metadata) !== stable(record.metadata)) {
      this.differ('thread', record.id, `metadata is ${stable(thread.metadata)}, expected ${stable(record.metadata)}`, record.roomId, room?.threads);
      threadOk = false;
    }
    if (threadOk) {
      const lost = (this.no('threads.resolve') && record.resolved) || (this.no('threads.metadata') && Object.keys(record.metadata).length > 0);
      kt[lost ? 'expectedMissing' : 'matched']++;
      if (room) room.threads[lost ? 'expectedMissing' : 'matched']++;
    }
    const live = thread.comments.filter((c) => c.deletedAt === undefined);
    record.comments.forEach((source, i) => {
      const n = source.reactions.reduce((m, r) => m + r.userIds.length, 0);
      if (i > 0 && this.no('comments.create')) {
        kc.expectedMissing++;
        kr.expectedMissing += n;
        return;
      }
      const target = live[i];
      if (!target || !sameComment(target, source)) {
        this.differ('comment', source.id, target ? `comment ${i} is ${JSON.stringify(toText(target.body))} by ${target.authorId}, expected ${JSON.stringify(toText(source.body))} by ${source.authorId}` : `comment ${i} is missing`, record.roomId, room?.comments);
        kr.differences += n;
        return;
      }
      kc.matched++;
      if (room) room.comments.matched++;
      if (this.no('reactions.add')) {
        kr.expectedMissing += n;
        if (room) room.reactions.expectedMissing += n;
      } else if (reactionSet(target.reactions) !== reactionSet(source.reactions)) {
        this.differ('reaction', source.id, `reactions are [${reactionSet(target.reactions).replaceAll('\u0000', ' ').split('\n').join(', ')}], expected [${reactionSet(source.reactions).replaceAll('\u0000', ' ').split('\n').join(', ')}]`, record.roomId, room?.reactions);
      } else {
        kr.matched += n;
        if (room) room.reactions.matched += n;
      }
    });
    if (live.length > record.comments.length) this.differ('comment', record.id, `the target thread has ${live.length - record.comments.length} comments more than the source`, record.roomId, room?.comments);
  }

  async document(record: DocumentRecord): Promise<void> {
    const k = this.kinds.document;
    k.source++;
    let ok = true;
    let lost = false;
    if (record.sharedTypes.length > 0) {
      if (!documentContentCarried(this.caps, record.yjsState) || this.no('documents.get')) lost = true;
      else {
        for (const shared of record.sharedTypes) {
          const content = await orUndefined(() => this.to.documents.get(record.roomId, { key: shared.key, type: shared.type }));
          if (!content || stable(content.value) !== stable(shared.value)) {
            ok = false;
            this.differ('document', record.roomId, `shared type ${JSON.stringify(shared.key)} is ${content ? stable(content.value) : 'missing'}, expected ${stable(shared.value)}`, record.roomId);
          }
        }
      }
    }
    if (record.storage) {
      if (this.no('storage.initialize') || this.no('storage.get')) lost = true;
      else {
        const current = await orUndefined(() => this.to.storage.get(record.roomId, { format: record.storage!.format }));
        if (!current || stable(current.data) !== stable(record.storage.data)) {
          ok = false;
          this.differ('document', record.roomId, `storage is ${current ? stable(current.data) : 'missing'}, expected ${stable(record.storage.data)}`, record.roomId);
        }
      }
    }
    if (ok) k[lost ? 'expectedMissing' : 'matched']++;
  }

  async notification(record: NotificationRecord): Promise<void> {
    // Thread and mention notifications are derived by each provider from its own comments: not compared.
    if (record.notificationKind !== 'custom') return;
    const k = this.kinds.notification;
    k.source++;
    if (this.no('notifications.trigger')) return void k.expectedMissing++;
    if (this.no('notifications.list')) return void k.matched++;
    if (this.notificationUser !== record.userId) {
      this.notificationUser = record.userId;
      this.userNotifications = (await this.to.notifications.list(record.userId, { limit: 1000 })).items.filter((n) => n.kind === 'custom');
    }
    const subject = record.subjectId ?? record.id;
    const index = this.userNotifications.findIndex((n) => n.customKind === record.customKind && n.subjectId === subject && n.roomId === record.roomId);
    if (index < 0) return this.differ('notification', record.id, `is missing for user ${record.userId}`, record.roomId);
    const [found] = this.userNotifications.splice(index, 1);
    const readExpected = record.readAt !== null;
    if (readExpected !== (found!.readAt !== null) && !this.no('notifications.markRead')) return this.differ('notification', record.id, `read is ${found!.readAt !== null}, expected ${readExpected}`, record.roomId);
    if (record.data !== undefined && triggerableData(record) && stable(found!.data ?? {}) !== stable(record.data)) return this.differ('notification', record.id, `data is ${stable(found!.data)}, expected ${stable(record.data)}`, record.roomId);
    k.matched++;
  }
}

/**
 * Compares `from` (the source) with `to` (the target of a migration): every record of `from` is looked
 * for in `to` and compared. Differences the target's capabilities predict (e.g. reactions into a target
 * that cannot add them) are counted as `expectedMissing`, not as differences. Creation dates and
 * target-assigned comment ids are not compared. Holds one room's target threads at a time.
 *
 * @param from - The source.
 * @param to - The target.
 * @param options - Room filter, thread id map, signal.
 */
export async function verify(from: Collab, to: Collab, options: VerifyOptions = {}): Promise<VerifyReport> {
  const comparison = new Comparison(to, options);
  const constraints = importConstraintsOf(to);
  const losses = new LossCounter(to.provider, to.capabilities, constraints);
  const pass = new ConstraintPass(constraints);
  for await (const line of exportData(from, { ...(options.rooms ? { rooms: options.rooms } : {}), ...(options.signal ? { signal: options.signal } : {}) })) {
    if (line.kind === 'header' || line.kind === 'trailer') continue;
    losses.add(line);
    const constrained = pass.apply(line);
    switch (line.kind) {
      case 'user':
        await comparison.user(line);
        break;
      case 'room':
        await comparison.room(line);
        break;
      case 'thread':
        comparison.thread(line, { record: constrained.record as ThreadRecord | undefined, droppedComments: constrained.droppedComments });
        break;
      case 'document':
        await comparison.document(line);
        break;
      case 'notification':
        await comparison.notification(line);
        break;
    }
  }
  return {
    ok: comparison.differenceCount === 0,
    from: from.provider,
    to: to.provider,
    kinds: comparison.kinds,
    rooms: comparison.rooms,
    differences: comparison.differences,
    differenceCount: comparison.differenceCount,
    expected: losses.report(),
  };
}
