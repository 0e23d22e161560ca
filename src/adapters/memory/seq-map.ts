/**
 * Ordered indexes of the embedded provider: maps by id that also keep their values in `seq` order,
 * so a page of a listing is a binary search to the cursor plus a walk of the page, not a sort of the
 * whole collection (which made `iterate()` quadratic).
 * @module
 */

/** One position in the order. Dead once its key is deleted or re-set with another `seq`. */
interface Entry {
  readonly seq: number;
  readonly key: string;
  live: boolean;
}

/** Dead entries tolerated before the order array is compacted (besides "more than half dead"). */
const COMPACT_MIN_DEAD = 1024;

function before(a: Entry, b: Entry): boolean {
  return a.seq < b.seq || (a.seq === b.seq && a.key < b.key);
}

/**
 * A `Map` by id whose values also sit in `seq` order (ascending). Writes at run time append (a new
 * seq is always the largest handed out), so the order stays sorted at O(1) per write; values put out
 * of order (replaying a snapshot or a journal, whose order is not seq order) only mark it unsorted,
 * and the next read sorts once (TimSort: near-linear on mostly sorted input). Deletes leave dead
 * entries behind that are skipped and swept out once they are the majority, so every operation is
 * amortised O(1) and a page costs O(log n + what it walks).
 *
 * A value's `seq` must not change in place without `set` again (that moves it in the order).
 */
export class SeqMap<V extends { seq: number }> extends Map<string, V> {
  #order: Entry[] = [];
  #entries = new Map<string, Entry>();
  #dead = 0;
  #sorted = true;

  override set(key: string, value: V): this {
    // `Map`'s constructor calls `set` for an initial iterable before fields exist; none is passed here,
    // but guard anyway so a subclass misuse fails loudly rather than corrupting the order.
    if (this.#entries === undefined) throw new TypeError('SeqMap does not take initial entries; call set() after construction');
    const old = this.#entries.get(key);
    if (old === undefined || old.seq !== value.seq) {
      if (old !== undefined) this.#kill(old);
      const entry: Entry = { seq: value.seq, key, live: true };
      const last = this.#order[this.#order.length - 1];
      if (last !== undefined && before(entry, last)) this.#sorted = false;
      this.#order.push(entry);
      this.#entries.set(key, entry);
    }
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    const old = this.#entries.get(key);
    if (old !== undefined) {
      this.#entries.delete(key);
      this.#kill(old);
    }
    return super.delete(key);
  }

  override clear(): void {
    this.#order = [];
    this.#entries.clear();
    this.#dead = 0;
    this.#sorted = true;
    super.clear();
  }

  /**
   * The values in `seq` order, starting just after `after` (exclusive; from the start without it):
   * ascending, or newest first with `descending`. A binary search finds the start. The map must not
   * be written while the iterator is in use (pages are read synchronously, so it never is).
   */
  *walk(after: number | undefined, descending = false): Generator<V, void, undefined> {
    const order = this.#prepare();
    if (descending) {
      // Last index whose seq is below `after`.
      let i = after === undefined ? order.length - 1 : lowerBound(order, after) - 1;
      for (; i >= 0; i--) {
        const e = order[i]!;
        if (e.live) yield super.get(e.key)!;
      }
      return;
    }
    // First index whose seq is above `after`.
    for (let i = after === undefined ? 0 : upperBound(order, after); i < order.length; i++) {
      const e = order[i]!;
      if (e.live) yield super.get(e.key)!;
    }
  }

  #kill(entry: Entry): void {
    entry.live = false;
    this.#dead++;
    if (this.#dead > COMPACT_MIN_DEAD && this.#dead * 2 > this.#order.length) this.#sweep();
  }

  #sweep(): void {
    this.#order = this.#order.filter((e) => e.live);
    this.#dead = 0;
  }

  #prepare(): Entry[] {
    if (!this.#sorted) {
      this.#sweep();
      this.#order.sort((a, b) => a.seq - b.seq || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      this.#sorted = true;
    }
    return this.#order;
  }
}

/** First index whose seq is >= `seq`. */
function lowerBound(order: readonly Entry[], seq: number): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (order[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose seq is > `seq`. */
function upperBound(order: readonly Entry[], seq: number): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (order[mid]!.seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** What the per-thread index of an inbox needs of a notification. */
export interface ThreadKeyed {
  seq: number;
  id: string;
  kind: string;
  roomId?: string | undefined;
  threadId?: string | undefined;
}

/**
 * A user's inbox: notifications by id in `seq` order, plus an index of its `thread` notifications by
 * room and thread, so a reply finds each participant's notification without scanning their inbox.
 * A notification's kind, room and thread never change in place (only `seq`, `notifiedAt`, `readAt`).
 */
export class Inbox<V extends ThreadKeyed> extends SeqMap<V> {
  /** Room + thread -> ids of its `thread` notifications (one, except in files written by old bugs). */
  #byThread = new Map<string, Set<string>>();

  override set(key: string, value: V): this {
    const old = this.get(key);
    if (old !== undefined && old !== value) this.#unindex(old);
    if (value.kind === 'thread' && value.threadId !== undefined) {
      const k = threadKey(value.roomId, value.threadId);
      let ids = this.#byThread.get(k);
      if (!ids) this.#byThread.set(k, (ids = new Set()));
      ids.add(key);
    }
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    const old = this.get(key);
    if (old !== undefined) this.#unindex(old);
    return super.delete(key);
  }

  override clear(): void {
    this.#byThread.clear();
    super.clear();
  }

  /** The `thread` notification of this inbox for one thread (the first put, as a scan would find), if any. */
  threadNotification(roomId: string | undefined, threadId: string): V | undefined {
    const ids = this.#byThread.get(threadKey(roomId, threadId));
    if (!ids) return undefined;
    for (const id of ids) return this.get(id);
    return undefined;
  }

  #unindex(n: V): void {
    if (n.kind !== 'thread' || n.threadId === undefined) return;
    const k = threadKey(n.roomId, n.threadId);
    const ids = this.#byThread.get(k);
    if (!ids) return;
    ids.delete(n.id);
    if (ids.size === 0) this.#byThread.delete(k);
  }
}

function threadKey(roomId: string | undefined, threadId: string): string {
  return `${roomId ?? ''}\u0000${threadId}`;
}
