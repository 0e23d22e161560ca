/**
 * The one place retry delays are computed, for every retry loop in the library (the HTTP client's
 * request retries and any adapter that redelivers on a schedule), so jitter rules cannot drift apart.
 * @module
 */

/** Returns a number in `[0, 1)`; injectable so tests can pin the jitter. */
export type RandomSource = () => number;

/**
 * Exponential backoff with full jitter: a uniform delay in `[0, min(maxMs, baseMs * 2^(attempt - 1)))`.
 * Full jitter spreads clients that failed together across the whole window, which is what sheds load
 * from a struggling server fastest.
 *
 * @param attempt - The attempt that just failed, from 1.
 * @param baseMs - The window of the first retry.
 * @param maxMs - The largest window.
 * @param random - Source of randomness (default `Math.random`).
 */
export function fullJitterBackoffMs(attempt: number, baseMs: number, maxMs: number, random: RandomSource = Math.random): number {
  return random() * Math.min(maxMs, baseMs * 2 ** (attempt - 1));
}

/** Relative spread of {@link scheduledBackoffMs}: each delay lands within ±20% of its scheduled value. */
export const SCHEDULE_JITTER = 0.2;

/**
 * The delay before the next attempt of a fixed schedule after `attemptsMade` attempts, jittered by
 * ±{@link SCHEDULE_JITTER} so deliveries that failed together do not all come back at once (a zero
 * delay stays zero), rounded to whole ms and capped at `maxMs`.
 *
 * @param schedule - Delay before each attempt, relative to the previous failure; its length is the number of attempts.
 * @param attemptsMade - Attempts already made.
 * @param maxMs - Upper bound of one delay (default none).
 * @param random - Source of randomness (default `Math.random`).
 * @returns The delay in ms, or `undefined` when the schedule is used up.
 */
export function scheduledBackoffMs(
  schedule: readonly number[],
  attemptsMade: number,
  maxMs = Number.POSITIVE_INFINITY,
  random: RandomSource = Math.random,
): number | undefined {
  const base = schedule[attemptsMade];
  if (base === undefined) return undefined;
  if (base === 0) return 0;
  return Math.round(Math.min(maxMs, base * (1 - SCHEDULE_JITTER + 2 * SCHEDULE_JITTER * random())));
}
