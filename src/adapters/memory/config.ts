import { z } from 'zod';
import type { AdapterConfigSpec } from '../../core/adapter.js';
import { httpConfigShape, webhookReplayShape } from '../../core/config.js';

/** Config of the embedded in-memory provider. */
export const MemoryConfigSchema = z.object({
  provider: z.literal('memory'),
  /**
   * Keep state in this file across runs, durably: a write resolves only once it is fsync'd to the
   * journal (`<path>.journal-<n>` beside it), compacted into the snapshot at `<path>` in the background.
   * `<path>.lock` holds the owning process's pid: a second process (or store) on the same path is a
   * `ConfigError` naming it.
   */
  persistPath: z.string().min(1).optional(),
  /** HMAC secret for `auth.issueToken` JWTs (random per instance when absent). */
  tokenSecret: z.string().min(16).optional(),
  /** Default presence TTL in seconds (default 60). */
  presenceTtlSeconds: z.number().int().min(1).optional(),
  /** Default tenant id. */
  tenantId: z.string().min(1).optional(),
  /**
   * Webhook delivery: retries after the first attempt. Alone, it cuts the standard schedule (see
   * `webhookRetrySchedule`) to that many retries; with `webhookBackoffMs`, a doubling schedule from
   * that delay (default 7 retries).
   */
  webhookRetries: z.number().int().min(0).max(10).optional(),
  /** Webhook delivery: the first retry delay of a doubling schedule, in ms (see `webhookRetries`). */
  webhookBackoffMs: z.number().int().min(0).optional(),
  /**
   * Webhook delivery: delays in ms before each attempt, counted from the previous failure (its length
   * is the number of attempts). Default: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, as
   * Standard Webhooks senders do. Pending deliveries are kept with the persisted state.
   */
  webhookRetrySchedule: z.array(z.number().int().min(0)).min(1).max(50).optional(),
  /** Webhook delivery: HTTP attempts in flight at once over all subscriptions (default 8). */
  webhookConcurrency: z.number().int().min(1).max(256).optional(),
  /** Webhook delivery: timeout of one attempt in ms (default 5000). */
  webhookTimeoutMs: z.number().int().min(1).optional(),
  logger: httpConfigShape.logger,
  ...webhookReplayShape,
});

/** Config of the in-memory provider. */
export type MemoryConfig = z.input<typeof MemoryConfigSchema>;
/** The validated memory config. */
export type ParsedMemoryConfig = z.output<typeof MemoryConfigSchema>;

/** The config spec of the embedded provider (the default when no vendor is configured). */
export const memoryConfig = {
  id: 'memory',
  configSchema: MemoryConfigSchema,
  env: { persistPath: { var: 'UNICOLLAB_MEMORY_PERSIST_PATH' } },
  secretFields: ['tokenSecret'],
} as const satisfies AdapterConfigSpec<typeof MemoryConfigSchema>;
