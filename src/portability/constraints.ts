/**
 * The target's structural import constraints (`ImportConstraints`, declared by an adapter on its thread
 * service) applied to source records: the same verdicts in the loss scan, the import and `verify`, so
 * what the target would refuse part-way is refused before any write, or dropped whole with `allowLoss`.
 * @module
 */
import { IMPORT_CONSTRAINTS, type ImportConstraintRule, type ImportConstraints, THREAD_BULK_WRITES, type ThreadBulkWrites } from '../core/adapter.js';
import type { Collab } from '../core/container.js';
import type { CommentRecord, ExportRecord, ThreadRecord } from './schemas.js';

/** A factory of fresh constraint instances (one per pass over a source). */
export type ConstraintsFactory = () => ImportConstraints;

/** The target's import constraints factory, when its thread service declares one. */
export function importConstraintsOf(collab: Pick<Collab, 'threads'>): ConstraintsFactory | undefined {
  const threads = collab.threads as unknown as Partial<Record<typeof IMPORT_CONSTRAINTS, () => ImportConstraints>>;
  const hook = threads[IMPORT_CONSTRAINTS];
  return typeof hook === 'function' ? () => hook.call(threads) : undefined;
}

/** The target's bulk thread writes, when its thread service offers them. */
export function threadBulkWritesOf(collab: Pick<Collab, 'threads'>): ThreadBulkWrites | undefined {
  const bulk = (collab.threads as unknown as Partial<Record<typeof THREAD_BULK_WRITES, ThreadBulkWrites>>)[THREAD_BULK_WRITES];
  return bulk && typeof bulk.createThreadWithComments === 'function' && typeof bulk.appendComments === 'function' ? bulk : undefined;
}

/** What the constraints took out of one record. */
export interface Constrained {
  /** The record as the target can take it; `undefined` when nothing of it can be written. */
  record: ExportRecord | undefined;
  /** Items refused, per rule. */
  refused: Array<{ rule: ImportConstraintRule; count: number }>;
  /** The source comments refused (every comment of a refused thread included). */
  droppedComments: CommentRecord[];
}

const reactionsOf = (c: CommentRecord): number => c.reactions.reduce((n, r) => n + r.userIds.length, 0);

/** The reactions (user and emoji pairs) of some comments. */
export function reactionsIn(comments: readonly CommentRecord[]): number {
  return comments.reduce((n, c) => n + reactionsOf(c), 0);
}

/**
 * One pass of constraints over a source: feed it every record, in order (including records a resumed
 * import skips, so its state is the same as in the first run).
 */
export class ConstraintPass {
  private readonly constraints: ImportConstraints | undefined;
  private readonly rules = new Map<string, ImportConstraintRule>();

  /** @param factory - The target's constraints (none: every record passes unchanged). */
  constructor(factory: ConstraintsFactory | undefined) {
    this.constraints = factory?.();
    for (const rule of this.constraints?.rules ?? []) this.rules.set(rule.id, rule);
  }

  /** Whether there is anything to apply. */
  get active(): boolean {
    return this.constraints !== undefined;
  }

  private rule(id: string): ImportConstraintRule {
    const rule = this.rules.get(id);
    if (!rule) throw new TypeError(`the target's import constraints named an undeclared rule ${JSON.stringify(id)}`);
    return rule;
  }

  /** Applies the constraints to the next record of the source. */
  apply(record: ExportRecord): Constrained {
    const c = this.constraints;
    if (!c) return { record, refused: [], droppedComments: [] };
    if (record.kind === 'user') {
      c.user?.({ id: record.id, metadata: record.metadata });
      return { record, refused: [], droppedComments: [] };
    }
    if (record.kind !== 'thread') return { record, refused: [], droppedComments: [] };
    const verdict = c.thread({ roomId: record.roomId, id: record.id, comments: record.comments.map((cm) => ({ authorId: cm.authorId })) });
    if (!verdict || (verdict.thread === undefined && (verdict.comments?.length ?? 0) === 0)) return { record, refused: [], droppedComments: [] };
    if (verdict.thread !== undefined) return { record: undefined, refused: [{ rule: this.rule(verdict.thread), count: 1 }], droppedComments: record.comments };
    const byRule = new Map<string, number>();
    const dropped = new Set<number>();
    for (const { index, rule } of verdict.comments ?? []) {
      if (!Number.isInteger(index) || index < 0 || index >= record.comments.length || dropped.has(index)) continue;
      dropped.add(index);
      byRule.set(rule, (byRule.get(rule) ?? 0) + 1);
    }
    const refused = [...byRule].map(([id, count]) => ({ rule: this.rule(id), count }));
    const kept = record.comments.filter((_, i) => !dropped.has(i));
    const droppedComments = record.comments.filter((_, i) => dropped.has(i));
    const trimmed: ThreadRecord | undefined = kept.length > 0 ? { ...record, comments: kept } : undefined;
    return { record: trimmed, refused, droppedComments };
  }
}
