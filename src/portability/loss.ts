/**
 * What an import into a target cannot carry, computed from the source records and the target's
 * capability map before anything is written. `importData` refuses a lossy import unless `allowLoss`
 * is set, and then reports every dropped item by kind; nothing is dropped silently.
 * @module
 */
import type { CapabilityKey, CapabilityMap } from '../core/capabilities.js';
import { TriggerNotificationInputSchema } from '../core/model/notification.js';
import type { ImportConstraintRule } from '../core/adapter.js';
import { ConstraintPass, type ConstraintsFactory } from './constraints.js';
import type { ExportRecord, NotificationRecord, RoomRecord } from './schemas.js';

/** The features a loss is counted under. */
export type LossFeature =
  | 'rooms'
  | 'rooms.access'
  | 'rooms.archived'
  | 'users'
  | 'threads'
  | 'threads.metadata'
  | 'threads.resolved'
  | 'comments'
  | 'reactions'
  | 'notifications'
  | 'notifications.read'
  | 'notifications.data'
  | 'notifications.derived'
  | 'documents'
  | 'storage'
  | 'timestamps'
  /** A structural rule of the target (its `ImportConstraints`), by rule id, e.g. `constraint:threads.beyondFirstPerRoom`. */
  | `constraint:${string}`;

/** One kind of item the target cannot carry, with how many of them. */
export interface LossItem {
  /** What is lost, e.g. `reactions` (one per user and emoji), `threads.metadata` (one per thread). */
  feature: LossFeature;
  /** The target capability that decides it, when one does. */
  capability?: CapabilityKey;
  /** How many items are lost (see `unit`). */
  count: number;
  /** What one counted item is (`reaction`, `thread`...). */
  unit: string;
  /** Why, in one sentence. */
  reason: string;
  /**
   * `true`: data the target cannot hold; an import refuses it without `allowLoss`. `false`: a difference
   * every import has (timestamps the target sets itself, notifications the target derives from the
   * imported comments), reported but not blocking.
   */
  blocking: boolean;
}

/** The losses of carrying a source into a target. */
export interface LossReport {
  /** The target provider. */
  target: string;
  /** Every loss with a non-zero count, blocking ones first. */
  items: LossItem[];
  /** Whether any item is blocking (the import needs `allowLoss`). */
  lossy: boolean;
}

/** A rule: the capability that must not be `no`, and what a record loses when it is. */
interface Rule {
  feature: LossFeature;
  unit: string;
  capability?: CapabilityKey;
  blocking: boolean;
  reason: string;
  /** Items of `record` this rule loses under `caps` (0 when none). */
  count(record: ExportRecord, caps: CapabilityMap): number;
}

const no = (caps: CapabilityMap, key: CapabilityKey): boolean => caps[key] === 'no';

/** The users × emoji pairs of a thread's reactions. */
export function reactionCount(record: ExportRecord): number {
  if (record.kind !== 'thread') return 0;
  let n = 0;
  for (const c of record.comments) for (const r of c.reactions) n += r.userIds.length;
  return n;
}

/** Whether a notification's `data` fits `notifications.trigger` (flat strings, numbers and booleans). */
export function triggerableData(n: NotificationRecord): boolean {
  return n.data === undefined || TriggerNotificationInputSchema.shape.data.safeParse(n.data).success;
}

/** Whether the importer writes this document's shared types (binary update or JSON per type). */
export function documentContentCarried(caps: CapabilityMap, yjsState: string | undefined): boolean {
  return (yjsState !== undefined && !no(caps, 'documents.updates')) || !no(caps, 'documents.set');
}

/** Whether a room's access cannot be carried whole: `no` loses it, `partial` keeps only its default level. */
export function accessLost(room: RoomRecord, caps: CapabilityMap): boolean {
  if (room.access === undefined) return false;
  if (caps['rooms.access'] === 'no') return true;
  if (caps['rooms.access'] === 'partial') return Object.keys(room.access.users ?? {}).length > 0 || Object.keys(room.access.groups ?? {}).length > 0;
  return false;
}

const RULES: readonly Rule[] = [
  { feature: 'rooms', unit: 'room', capability: 'rooms.create', blocking: true, reason: 'the target cannot create rooms (name and metadata are lost; threads are still written where the target opens rooms itself)', count: (r, c) => (r.kind === 'room' && no(c, 'rooms.create') ? 1 : 0) },
  { feature: 'rooms.access', unit: 'room', capability: 'rooms.access', blocking: true, reason: 'the target stores no room access (or, where rooms.access is partial, only the default level: per-user and per-group levels are lost)', count: (r, c) => (r.kind === 'room' && !no(c, 'rooms.create') && accessLost(r, c) ? 1 : 0) },
  { feature: 'rooms.archived', unit: 'room', capability: 'rooms.archive', blocking: true, reason: 'the target has no archived state', count: (r, c) => (r.kind === 'room' && r.archived === true && !no(c, 'rooms.create') && no(c, 'rooms.archive') ? 1 : 0) },
  { feature: 'users', unit: 'user', capability: 'users.upsert', blocking: true, reason: 'the target has no user store (comment authors are kept as ids)', count: (r, c) => (r.kind === 'user' && no(c, 'users.upsert') ? 1 : 0) },
  { feature: 'threads', unit: 'thread', capability: 'threads.create', blocking: true, reason: 'the target cannot create threads (with their comments and reactions)', count: (r, c) => (r.kind === 'thread' && no(c, 'threads.create') ? 1 : 0) },
  { feature: 'threads.metadata', unit: 'thread', capability: 'threads.metadata', blocking: true, reason: 'the target stores no thread metadata', count: (r, c) => (r.kind === 'thread' && !no(c, 'threads.create') && no(c, 'threads.metadata') && Object.keys(r.metadata).length > 0 ? 1 : 0) },
  { feature: 'threads.resolved', unit: 'thread', capability: 'threads.resolve', blocking: true, reason: 'the target cannot mark threads resolved', count: (r, c) => (r.kind === 'thread' && !no(c, 'threads.create') && no(c, 'threads.resolve') && r.resolved ? 1 : 0) },
  { feature: 'comments', unit: 'comment', capability: 'comments.create', blocking: true, reason: 'the target cannot add replies to a thread', count: (r, c) => (r.kind === 'thread' && !no(c, 'threads.create') && no(c, 'comments.create') ? r.comments.length - 1 : 0) },
  {
    feature: 'reactions',
    unit: 'reaction (user and emoji)',
    capability: 'reactions.add',
    blocking: true,
    reason: 'the target cannot add reactions',
    count: (r, c) => (r.kind === 'thread' && !no(c, 'threads.create') && no(c, 'reactions.add') ? reactionCount(r) : 0),
  },
  { feature: 'notifications', unit: 'notification', capability: 'notifications.trigger', blocking: true, reason: 'the target cannot create app-defined notifications', count: (r, c) => (r.kind === 'notification' && r.notificationKind === 'custom' && no(c, 'notifications.trigger') ? 1 : 0) },
  {
    feature: 'notifications.read',
    unit: 'notification',
    capability: 'notifications.markRead',
    blocking: true,
    reason: 'the target cannot mark an imported notification read (needs notifications.list and notifications.markRead)',
    count: (r, c) => (r.kind === 'notification' && r.notificationKind === 'custom' && !no(c, 'notifications.trigger') && r.readAt !== null && (no(c, 'notifications.markRead') || no(c, 'notifications.list')) ? 1 : 0),
  },
  { feature: 'notifications.data', unit: 'notification', capability: 'notifications.trigger', blocking: true, reason: 'notification data that is not flat (strings, numbers, booleans) cannot be sent with notifications.trigger', count: (r, c) => (r.kind === 'notification' && r.notificationKind === 'custom' && !no(c, 'notifications.trigger') && !triggerableData(r) ? 1 : 0) },
  { feature: 'notifications.derived', unit: 'notification', blocking: false, reason: 'thread and mention notifications are not copied: the target creates its own from the imported comments, where it has inbox rules', count: (r) => (r.kind === 'notification' && r.notificationKind !== 'custom' ? 1 : 0) },
  { feature: 'documents', unit: 'document', capability: 'documents.set', blocking: true, reason: 'the target can write neither Yjs updates nor shared types', count: (r, c) => (r.kind === 'document' && r.sharedTypes.length > 0 && !documentContentCarried(c, r.yjsState) ? 1 : 0) },
  { feature: 'storage', unit: 'document', capability: 'storage.initialize', blocking: true, reason: 'the target has no JSON storage', count: (r, c) => (r.kind === 'document' && r.storage !== undefined && no(c, 'storage.initialize') ? 1 : 0) },
  { feature: 'timestamps', unit: 'comment', blocking: false, reason: 'creation, edit and notification dates are set by the target when the import writes them', count: (r) => (r.kind === 'thread' ? r.comments.length : 0) },
];

/**
 * Counts the losses of a stream of records, one record at a time (keeps only the counters). With the
 * target's import constraints, each record is first cut to what the target's model accepts (what is
 * cut is counted under its rule, `constraint:<id>`), and the capability rules then count the rest: an
 * item is counted once, under the first reason it is lost.
 */
export class LossCounter {
  private readonly counts = new Map<LossFeature, number>();
  private readonly constraintCounts = new Map<string, { rule: ImportConstraintRule; count: number }>();
  private readonly pass: ConstraintPass;

  /**
   * @param target - The target provider id.
   * @param capabilities - The target's capability map (`collab.capabilities`).
   * @param constraints - The target's import constraints (`importConstraintsOf(collab)`), if any.
   */
  constructor(
    private readonly target: string,
    private readonly capabilities: CapabilityMap,
    constraints?: ConstraintsFactory,
  ) {
    this.pass = new ConstraintPass(constraints);
  }

  /** Adds what one record loses. */
  add(record: ExportRecord): void {
    const { record: kept, refused } = this.pass.apply(record);
    for (const { rule, count } of refused) {
      const entry = this.constraintCounts.get(rule.id) ?? { rule, count: 0 };
      entry.count += count;
      this.constraintCounts.set(rule.id, entry);
    }
    if (!kept) return;
    for (const rule of RULES) {
      const n = rule.count(kept, this.capabilities);
      if (n > 0) this.counts.set(rule.feature, (this.counts.get(rule.feature) ?? 0) + n);
    }
  }

  /** The report so far. */
  report(): LossReport {
    const items: LossItem[] = [];
    for (const rule of RULES) {
      const count = this.counts.get(rule.feature) ?? 0;
      if (count === 0) continue;
      items.push({ feature: rule.feature, ...(rule.capability ? { capability: rule.capability } : {}), count, unit: rule.unit, reason: rule.reason, blocking: rule.blocking });
    }
    for (const { rule, count } of this.constraintCounts.values()) {
      if (count > 0) items.push({ feature: `constraint:${rule.id}`, count, unit: rule.unit === 'thread' ? 'thread (comments included)' : rule.unit, reason: rule.reason, blocking: true });
    }
    items.sort((a, b) => Number(b.blocking) - Number(a.blocking));
    return { target: this.target, items, lossy: items.some((i) => i.blocking) };
  }
}

/**
 * The losses of importing `records` into a target with `capabilities`.
 *
 * @param records - Source records (header and trailer lines are ignored).
 * @param target - The target provider id, for messages.
 * @param capabilities - The target's capability map.
 * @param constraints - The target's import constraints (`importConstraintsOf(collab)`), if any.
 */
export async function computeLosses(records: AsyncIterable<{ kind: string }> | Iterable<{ kind: string }>, target: string, capabilities: CapabilityMap, constraints?: ConstraintsFactory): Promise<LossReport> {
  const counter = new LossCounter(target, capabilities, constraints);
  for await (const line of records) if (line.kind !== 'header' && line.kind !== 'trailer') counter.add(line as ExportRecord);
  return counter.report();
}

/** One line per loss item, for messages and CLI output: `12 reactions (user and emoji): the target cannot add reactions [reactions.add]`. */
export function describeLosses(report: LossReport): string[] {
  return report.items.map((i) => `${i.count} ${i.feature} (${i.count === 1 ? i.unit : i.unit.replace(/^([a-z]+)/i, '$1s')})${i.blocking ? '' : ' [not blocking]'}: ${i.reason}${i.capability ? ` [${report.target} ${i.capability}]` : ''}`);
}
