/**
 * "Did you mean ...?" for config keys and capability keys: a typo (`secretkey`, `room.get`) is refused,
 * and the error names the key the user most likely meant.
 */

/** Levenshtein distance of two strings (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The known key closest to `input`, compared case-insensitively, when it is close enough to be the
 * one meant: the same key in another case, or at most two edits away (and fewer edits than the key
 * is long, so a one-letter key does not "suggest" every other short key). `undefined` otherwise.
 */
export function closestKey(input: string, known: Iterable<string>): string | undefined {
  // Long inputs cannot be two edits from a real key; skipping them keeps a hostile key cheap.
  if (input.length > 128) return undefined;
  const lower = input.toLowerCase();
  let best: { key: string; d: number } | undefined;
  for (const key of known) {
    const d = distance(lower, key.toLowerCase());
    if (d <= 2 && d < Math.max(lower.length, 2) && (best === undefined || d < best.d)) best = { key, d };
  }
  return best?.key;
}
