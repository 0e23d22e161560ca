import type { CallOptions } from '../model/common.js';
import type { WebhookRequest } from '../model/event.js';

/** Options of `verifyStandardWebhook` and `createStandardWebhookVerifier`. */
export interface StandardWebhookVerifyOptions {
  /**
   * Accepted secrets (`whsec_<base64>`, or the bare base64 without the prefix, as the
   * Standard Webhooks libraries accept); a signature by any of them passes (rotation).
   */
  secrets: readonly string[];
  /** Allowed clock skew in seconds, both ways (default 300, the Standard Webhooks / Svix value). */
  toleranceSeconds?: number;
  /**
   * Current time in ms (tests). A function is called on every verification, which is what a
   * long-lived verifier from `createStandardWebhookVerifier` needs; a number freezes the clock.
   */
  now?: number | (() => number);
  /** Provider id put on the `WebhookVerificationError`s (e.g. `memory`), so callers can tell sources apart. */
  provider?: string;
}

/** A verified Standard Webhooks message. */
export interface VerifiedWebhook {
  /** The `webhook-id` header (dedupe on it: deliveries are retried with the same id). */
  id: string;
  /** The `webhook-timestamp` header as a Date. */
  timestamp: Date;
  /** The raw body as a string (UTF-8 decoded when it came as bytes). */
  body: string;
}

/** A verifier with its keys decoded once, returned by `createStandardWebhookVerifier`. */
export type StandardWebhookVerifier = (request: WebhookRequest) => VerifiedWebhook;

/** What `signStandardWebhook` signs. */
export interface StandardWebhookSignInput {
  /** The message id (`webhook-id`). */
  id: string;
  /** Unix time in SECONDS (`webhook-timestamp`). */
  timestamp: number;
  /** The exact body that will be sent. */
  body: string | Uint8Array;
}

export type { WebhookRequest };

/**
 * Remembers webhook delivery ids so a delivery seen once is refused when it comes again (a replay
 * of a captured request, or a duplicate delivery). Share one store between the instances of an app
 * (e.g. `createRedisReplayStore`) or a replay sent to another instance gets through.
 *
 * Only deliveries that passed verification are claimed, so forged requests cannot use up ids.
 */
export interface WebhookReplayStore {
  /**
   * Records `id` for `ttlMs` milliseconds, atomically.
   * @returns `true` when the id was not already recorded (first delivery), `false` when it was (replay).
   */
  claim(id: string, ttlMs: number): Promise<boolean>;
  /**
   * Forgets a claimed id, so a delivery that the app failed to process is accepted when the sender
   * retries it. Optional: a store without it keeps every claim until it expires.
   */
  release?(id: string): Promise<void>;
  /** Releases the store's resources (the Redis connection it opened). Optional. */
  close?(): Promise<void>;
}

/** Options of `createInMemoryReplayStore`. */
export interface InMemoryReplayStoreOptions {
  /**
   * Most ids kept (default 100 000). When full, expired ids go first, then the oldest claims, which
   * weakens protection for those: size it above the deliveries one replay window receives.
   */
  maxEntries?: number;
  /** Clock in ms (tests; default `Date.now`). */
  now?: () => number;
}

/** The part of a Redis client `createRedisReplayStore` uses: node-redis (`sendCommand`) or ioredis (`call`). */
export type RedisReplayClient =
  | { sendCommand(args: string[]): Promise<unknown> }
  | { call(command: string, ...args: string[]): Promise<unknown> };

/** Options of `createRedisReplayStore`: a connected `client`, or a `url` to open one with the `redis` package. */
export interface RedisReplayStoreOptions {
  /**
   * A connected node-redis (`redis` / `@redis/client`) or ioredis client. The store never closes it:
   * its owner does.
   */
  client?: RedisReplayClient;
  /**
   * `redis://` or `rediss://` URL: the store opens its own connection with the `redis` package
   * (an optional peer dependency, loaded on first use) and closes it in `close()`.
   */
  url?: string;
  /** Key prefix, so several apps can share one Redis (default `unicollab:webhook-replay:`). */
  prefix?: string;
  /** Longest wait for one Redis answer in ms (default 5000); a slower answer fails the verification as retryable. */
  timeoutMs?: number;
}

/** Per-call options of `webhooks.verify`. */
export interface WebhookVerifyCallOptions extends CallOptions {
  /** Replay store for this call, instead of the configured `webhookReplayStore`. */
  replayStore?: WebhookReplayStore;
  /**
   * How long (seconds) the id of a delivery without a signed timestamp (an unsigned basic-auth webhook) is
   * remembered, instead of the configured `webhookReplayWindowSeconds` (default 86 400).
   */
  replayWindowSeconds?: number;
}
