/** A deadline registered with a `DeadlineTimer`. */
export interface DeadlineEntry {
  /** When it is due, in `performance.now()` milliseconds. */
  readonly at: number;
  /** Called once, as a method of the entry, when it is due (unless removed first). */
  fire(): void;
}

/**
 * Per-attempt timeouts without a Node timer per attempt. One timer is armed for the earliest pending
 * deadline; finishing an attempt only removes its entry (the timer is left armed and re-arms itself for
 * the next earliest entry when it fires). On Node 20 a `setTimeout`/`clearTimeout` pair costs several
 * microseconds per request, a visible share of a loopback call; a Set add/delete costs almost nothing.
 * The timer is unref'd: pending requests keep the process alive through their sockets, not through it.
 */
export class DeadlineTimer {
  private readonly pending = new Set<DeadlineEntry>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private armedAt = Infinity;

  /** Registers `fire` to run at `at` (a `performance.now()` time). */
  add(at: number, fire: () => void): DeadlineEntry {
    return this.addEntry({ at, fire });
  }

  /** Registers an entry of the caller's own (an object that is its own deadline saves an allocation). */
  addEntry<E extends DeadlineEntry>(entry: E): E {
    this.pending.add(entry);
    if (entry.at < this.armedAt) this.arm(entry.at);
    return entry;
  }

  /** Forgets an entry that finished in time. */
  remove(entry: DeadlineEntry): void {
    this.pending.delete(entry);
  }

  private arm(at: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.armedAt = at;
    this.timer = setTimeout(() => this.tick(), Math.max(0, at - performance.now()));
    this.timer.unref?.();
  }

  private tick(): void {
    this.timer = undefined;
    this.armedAt = Infinity;
    const now = performance.now();
    let due: DeadlineEntry[] | undefined;
    let next = Infinity;
    for (const entry of this.pending) {
      if (entry.at <= now) (due ??= []).push(entry);
      else if (entry.at < next) next = entry.at;
    }
    if (due) {
      // Fired in deadline order (the Set is in insertion order), each removed first so a callback
      // that adds or removes entries sees a consistent set.
      due.sort((a, b) => a.at - b.at);
      for (const entry of due) this.pending.delete(entry);
      for (const entry of due) entry.fire();
    }
    // A callback may have added an entry earlier than `next` (it re-armed the timer itself then).
    if (next !== Infinity && next < this.armedAt) this.arm(next);
  }
}
