import { ConfigError, ValidationError } from '../errors.js';
import type { InMemoryReplayStoreOptions, WebhookReplayStore } from './types.js';

const DEFAULT_MAX_ENTRIES = 100_000;

/**
 * A replay store inside this process: bounded and expiring, for an app that runs one instance (with
 * several instances, a replay sent to another instance gets through: use `createRedisReplayStore`).
 *
 * Ids live in a `Map` in claim order with their expiry. Expired ids are swept from the oldest end on
 * each claim, so no timer runs and the cost per claim stays constant on average. When `maxEntries`
 * live ids are held, the oldest claim is dropped to make room: availability is kept over protection
 * for the oldest id, since refusing new deliveries would lose real events.
 *
 * @param options - `maxEntries` (default 100 000) and a clock for tests.
 * @returns The store; `close()` forgets every id.
 * @throws ConfigError when `maxEntries` is not a positive integer.
 */
export function createInMemoryReplayStore(options: InMemoryReplayStoreOptions = {}): WebhookReplayStore {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new ConfigError('maxEntries must be a positive integer', { field: 'maxEntries', operation: 'webhooks.replayStore' });
  }
  const now = options.now ?? Date.now;
  /** id -> expiry (ms since epoch), in claim order (a re-claim after expiry moves the id to the end). */
  const entries = new Map<string, number>();

  const sweep = (at: number): void => {
    for (const [id, expires] of entries) {
      if (expires > at) break;
      entries.delete(id);
    }
  };

  return {
    async claim(id: string, ttlMs: number): Promise<boolean> {
      if (typeof id !== 'string' || id.length === 0) throw new ValidationError('id', 'must be a non-empty string', { operation: 'webhooks.replayStore.claim' });
      if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
        throw new ValidationError('ttlMs', 'must be a positive number of milliseconds', { operation: 'webhooks.replayStore.claim' });
      }
      const at = now();
      sweep(at);
      const expires = entries.get(id);
      if (expires !== undefined && expires > at) return false;
      // Delete before set so a re-claimed id moves to the end and the sweep order stays by claim time.
      entries.delete(id);
      entries.set(id, at + ttlMs);
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      return true;
    },
    async release(id: string): Promise<void> {
      entries.delete(id);
    },
    async close(): Promise<void> {
      entries.clear();
    },
  };
}
