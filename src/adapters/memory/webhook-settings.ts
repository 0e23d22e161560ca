import { ConfigError } from '../../core/errors.js';
import { DEFAULT_WEBHOOK_CONCURRENCY, STANDARD_WEBHOOK_SCHEDULE_MS } from './dispatcher.js';
import type { ParsedMemoryConfig } from './services/context.js';

/** How the memory provider delivers webhooks. */
export interface MemoryWebhookSettings {
  /** Delay before each attempt in ms, relative to the previous failure; its length is the number of attempts. */
  schedule: readonly number[];
  /** HTTP attempts in flight at once, over all subscriptions. */
  concurrency: number;
  /** Timeout of one attempt in ms. */
  timeoutMs: number;
}

/** Config fields read when present (newer config schemas), beyond the ones `MemoryConfigSchema` types. */
interface ExtraWebhookConfig {
  webhookRetrySchedule?: unknown;
  webhookConcurrency?: unknown;
  webhookTimeoutMs?: unknown;
}

/**
 * The delivery settings of a memory config: `webhookRetrySchedule` (ms delays) when given; else an
 * exponential schedule from `webhookBackoffMs` (doubling, `webhookRetries` retries, default 7); else
 * the Standard Webhooks schedule (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h), cut to
 * `webhookRetries` + 1 attempts when that is set. `overrides` win (tests, internal callers).
 *
 * @throws ConfigError naming the field when a value is unusable.
 */
export function memoryWebhookSettings(config: ParsedMemoryConfig, overrides: Partial<MemoryWebhookSettings> = {}): MemoryWebhookSettings {
  const extra = config as ParsedMemoryConfig & ExtraWebhookConfig;
  const retries = config.webhookRetries;
  let schedule: readonly number[];
  if (overrides.schedule !== undefined) schedule = checkSchedule('webhookRetrySchedule', overrides.schedule);
  else if (extra.webhookRetrySchedule !== undefined) schedule = checkSchedule('webhookRetrySchedule', extra.webhookRetrySchedule);
  else if (config.webhookBackoffMs !== undefined) {
    const base = config.webhookBackoffMs;
    schedule = [0, ...Array.from({ length: retries ?? STANDARD_WEBHOOK_SCHEDULE_MS.length - 1 }, (_, i) => base * 2 ** i)];
  } else if (retries !== undefined) {
    const last = STANDARD_WEBHOOK_SCHEDULE_MS[STANDARD_WEBHOOK_SCHEDULE_MS.length - 1]!;
    schedule = Array.from({ length: retries + 1 }, (_, i) => STANDARD_WEBHOOK_SCHEDULE_MS[i] ?? last);
  } else schedule = STANDARD_WEBHOOK_SCHEDULE_MS;
  return {
    schedule,
    concurrency: checkInteger('webhookConcurrency', overrides.concurrency ?? extra.webhookConcurrency ?? DEFAULT_WEBHOOK_CONCURRENCY, 1),
    timeoutMs: checkInteger('webhookTimeoutMs', overrides.timeoutMs ?? extra.webhookTimeoutMs ?? 5000, 1),
  };
}

function checkSchedule(field: string, value: unknown): readonly number[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
    throw new ConfigError(`Invalid memory config: ${field} must be a non-empty list of delays in ms`, { field, provider: 'memory' });
  }
  return [...(value as number[])];
}

function checkInteger(field: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ConfigError(`Invalid memory config: ${field} must be an integer of at least ${min}`, { field, provider: 'memory' });
  }
  return value;
}
