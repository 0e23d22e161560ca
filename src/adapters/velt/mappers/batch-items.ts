/**
 * Reading the entry of one id out of a Velt per-item batch answer (§1.2 (a)), for single-item writes that
 * decide from the write's own answer whether a read is needed at all.
 * @module
 */
import type { VeltItemMap, VeltItemResult } from '../schemas.js';

/** What a per-item answer says about one id: applied, failed (with Velt's entry), or nothing at all. */
export type ItemOutcome = { kind: 'applied' } | { kind: 'failed'; entry: VeltItemResult } | { kind: 'absent' };

/**
 * The outcome of `id` in a per-item answer. The map is keyed by the ids sent (§7.6, §9.3, §9.4 examples);
 * an entry whose `id` field names the id under another key is accepted too, because the key of a map is
 * the vendor's choice while `id` is the documented echo.
 */
export function itemOutcome(map: VeltItemMap, id: string): ItemOutcome {
  const entry = map[id] ?? Object.values(map).find((e) => e.id !== undefined && String(e.id) === id);
  if (!entry) return { kind: 'absent' };
  return entry.success ? { kind: 'applied' } : { kind: 'failed', entry };
}
