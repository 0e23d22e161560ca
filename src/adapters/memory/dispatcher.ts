import type { KeyObject } from 'node:crypto';
import { scheduledBackoffMs } from '../../core/backoff.js';
import { ConfigError, ValidationError } from '../../core/errors.js';
import type { CollabLogger } from '../../core/logger.js';
import { redact, redactText } from '../../core/redact.js';
import { computeSignature, decodeWebhookSecret, newWebhookMessageId } from '../../core/webhooks/standard.js';

/** Constructor options of `WebhookDispatcher`. */
export interface WebhookDispatcherOptions {
  /** Retries after the first attempt (default 3, so at most 4 attempts). */
  retries?: number;
  /** Delay before the first retry in ms; doubles on each retry, with ±20% jitter (default 200). */
  backoffMs?: number;
  /** Upper bound of one backoff delay in ms (default 30 000). */
  maxBackoffMs?: number;
  /** Timeout of one attempt in ms (default 5000). */
  timeoutMs?: number;
  /** The fetch implementation (default: the global `fetch`). */
  fetch?: typeof fetch;
  /** Receives a redacted warning for each failed attempt and for each delivery given up. */
  logger?: CollabLogger;
  /** `user-agent` header sent with each delivery (default `unicollab-webhooks`). */
  userAgent?: string;
}

/** One delivery for `WebhookDispatcher#deliver`. */
export interface WebhookDeliveryInput {
  /** The subscriber endpoint (http or https). Credentials in it (`https://user:pass@host`) are sent as Basic auth. */
  url: string;
  /** The subscription's signing secret (`whsec_...`). */
  secret: string;
  /** The event; sent as `JSON.stringify(payload)`, the same bytes on every attempt. */
  payload: unknown;
  /** The `webhook-id` (default: a new `msg_...` id). Kept across retries so the receiver can dedupe. */
  id?: string;
}

/** The outcome of `WebhookDispatcher#deliver`. Delivery failures are reported here, never thrown. */
export interface DeliveryResult {
  /** True when an attempt got a 2xx answer. */
  delivered: boolean;
  /** Attempts made (0 when the dispatcher was already closed). */
  attempts: number;
  /** The `webhook-id` that was sent. */
  id: string;
  /** HTTP status of the last attempt, when one answered. */
  status?: number;
  /** Why the last attempt failed (`HTTP 500`, `timed out after 5000 ms`, `network error: ECONNREFUSED`, `dispatcher closed`). */
  error?: string;
}

/**
 * The retry schedule of Standard Webhooks senders (Svix): the delay before each attempt, relative
 * to the previous failure: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (8 attempts over
 * about 28 hours), so a receiver that is down for an afternoon still gets its events.
 */
export const STANDARD_WEBHOOK_SCHEDULE_MS: readonly number[] = Object.freeze([0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);

/** Attempts in flight at once, over all deliveries, by default. */
export const DEFAULT_WEBHOOK_CONCURRENCY = 8;

/** Options of `WebhookDispatcher` beyond `WebhookDispatcherOptions`. */
export interface WebhookDispatcherTuning {
  /**
   * Delay before each attempt in ms, relative to the previous failure (`schedule[0]` before the
   * first); its length is the number of attempts. Each delay but 0 gets ±20% jitter. Default
   * `STANDARD_WEBHOOK_SCHEDULE_MS`, or the exponential one of `retries` / `backoffMs` when those are given.
   */
  schedule?: readonly number[];
  /** HTTP attempts in flight at once over all deliveries (default 8); the others wait their turn. */
  concurrency?: number;
}

/** Constructor options of `WebhookDispatcher`. */
export type WebhookDispatcherConfig = WebhookDispatcherOptions & WebhookDispatcherTuning;

/** The outcome of one attempt made with `WebhookDispatcher#attempt`. Never thrown. */
export interface WebhookAttemptResult {
  /** True when the endpoint answered 2xx. */
  delivered: boolean;
  /** The `webhook-id` sent. */
  id: string;
  /** HTTP status, when the endpoint answered. */
  status?: number;
  /** Why it failed (`HTTP 500`, `timed out after 5000 ms`, `network error: ECONNREFUSED`, `dispatcher closed`, `aborted`). */
  error?: string;
  /**
   * True when the attempt was stopped by `close()` or the caller's signal (before or while it ran):
   * it says nothing about the endpoint, so a persistent queue should not count it.
   */
  aborted: boolean;
}

/**
 * The delay before the next attempt after `attemptsMade` attempts, with ±20% jitter so deliveries
 * that failed together do not all come back at once; `undefined` when the schedule is used up.
 */
export function nextRetryDelayMs(schedule: readonly number[], attemptsMade: number, maxMs = Number.POSITIVE_INFINITY): number | undefined {
  return scheduledBackoffMs(schedule, attemptsMade, maxMs);
}

/** Outcome of one HTTP attempt. */
interface AttemptOutcome {
  ok: boolean;
  status?: number;
  error?: string;
  aborted?: boolean;
}

/** Abort reasons, told apart so the result says why an attempt stopped. */
const TIMEOUT = Symbol('timeout');
const CLOSED = Symbol('closed');
const CALLER = Symbol('caller');

/** A counting semaphore whose waiters can be cancelled (by a signal, or all at once by `close`). */
class Slots {
  #free: number;
  readonly #waiters = new Set<{ grant: () => void; cancel: () => void }>();

  constructor(size: number) {
    this.#free = size;
  }

  /** Resolves with a release function when a slot is free; `undefined` when cancelled first. */
  acquire(signal?: AbortSignal): Promise<(() => void) | undefined> {
    if (signal?.aborted) return Promise.resolve(undefined);
    if (this.#free > 0) {
      this.#free -= 1;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve) => {
      const waiter = {
        grant: () => {
          cleanup();
          resolve(this.#releaser());
        },
        cancel: () => {
          cleanup();
          resolve(undefined);
        },
      };
      const onAbort = (): void => waiter.cancel();
      const cleanup = (): void => {
        this.#waiters.delete(waiter);
        signal?.removeEventListener('abort', onAbort);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(waiter);
    });
  }

  /** Cancels every waiter. */
  cancelAll(): void {
    for (const waiter of [...this.#waiters]) waiter.cancel();
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.values().next();
      // The slot passes straight to the next waiter, so a burst cannot jump the queue.
      if (!next.done) next.value.grant();
      else this.#free += 1;
    };
  }
}

/**
 * Delivers events to webhook subscribers the Standard Webhooks way (the scheme Liveblocks and Velt
 * use, so a receiver written for them can consume unicollab's memory provider too).
 *
 * Each delivery POSTs `JSON.stringify(payload)` with `content-type: application/json`,
 * `webhook-id`, `webhook-timestamp` and `webhook-signature`. A non-2xx answer (3xx included:
 * redirects are not followed, as Svix does not, so a signed payload never goes where it was not
 * sent), a network error or a timeout is retried on a schedule (by default the Standard Webhooks
 * one, over about a day). Like Svix, every retry keeps the same `webhook-id` (the receiver's dedupe
 * key) with a fresh timestamp and signature, so a late retry is not rejected as stale. At most
 * `concurrency` attempts are in flight at once, over all deliveries (connections are reused).
 *
 * `deliver()` retries in this process; `attempt()` makes one attempt, for a caller that keeps its own
 * durable queue (the memory provider persists pending deliveries and resumes them after a restart).
 *
 * Delivery failures are reported in the result and through `logger.warn` (redacted), never thrown.
 * Backoff timers are unref'd: a pending retry does not keep the process alive.
 */
export class WebhookDispatcher {
  readonly #schedule: readonly number[];
  readonly #maxBackoffMs: number;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  readonly #logger: CollabLogger | undefined;
  readonly #userAgent: string;
  readonly #slots: Slots;
  #closed = false;
  /** Deliveries and attempts not yet settled, so `close()` can wait for them. */
  readonly #inFlight = new Set<Promise<unknown>>();
  /** Controllers of HTTP attempts in progress, so `close({ abort: true })` can stop them. */
  readonly #attempts = new Set<AbortController>();
  /** Wake-up functions of pending backoff sleeps, so `close()` cancels retries at once. */
  readonly #sleeps = new Set<() => void>();

  /**
   * @param options - The retry `schedule` (or the older `retries` + `backoffMs` + `maxBackoffMs`
   *   exponential one), `concurrency` (default 8), per-attempt timeout (default 5000 ms), a `fetch`
   *   to use and a logger.
   * @throws ConfigError when a number is negative or not finite, the schedule is empty, or the
   *   concurrency is not a positive integer.
   */
  constructor(options: WebhookDispatcherConfig = {}) {
    const exponential = options.retries !== undefined || options.backoffMs !== undefined;
    if (options.schedule !== undefined) {
      if (!Array.isArray(options.schedule) || options.schedule.length === 0) throw new ConfigError('WebhookDispatcher schedule must be a non-empty array of delays in ms', { field: 'schedule' });
      this.#schedule = options.schedule.map((ms, i) => checkCount(`schedule.${i}`, ms));
    } else if (exponential) {
      const retries = checkCount('retries', options.retries ?? 3);
      const backoffMs = checkCount('backoffMs', options.backoffMs ?? 200);
      this.#schedule = [0, ...Array.from({ length: retries }, (_, i) => backoffMs * 2 ** i)];
    } else {
      this.#schedule = STANDARD_WEBHOOK_SCHEDULE_MS;
    }
    // The old exponential options cap each delay at 30 s by default; an explicit schedule is taken as written.
    this.#maxBackoffMs = checkCount('maxBackoffMs', options.maxBackoffMs ?? (exponential && options.schedule === undefined ? 30_000 : Number.MAX_VALUE));
    this.#timeoutMs = checkCount('timeoutMs', options.timeoutMs ?? 5000);
    const concurrency = options.concurrency ?? DEFAULT_WEBHOOK_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new ConfigError('WebhookDispatcher concurrency must be a positive integer', { field: 'concurrency' });
    this.#slots = new Slots(concurrency);
    // Resolved per call rather than captured, so a fetch mocked after construction (tests) is used.
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#logger = options.logger;
    this.#userAgent = options.userAgent ?? 'unicollab-webhooks';
  }

  /** True once `close()` was called; later deliveries resolve undelivered without a request. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The delays before each attempt, in ms (its length is the number of attempts). */
  get schedule(): readonly number[] {
    return this.#schedule;
  }

  /**
   * Delivers one event, retrying on the schedule.
   *
   * @param input - Endpoint URL, the subscription secret, the payload and optionally the `webhook-id`.
   * @returns Whether it was delivered, after how many attempts, the last status and error. Resolves
   *   (never rejects) on delivery failure; after `close()` it resolves with `error: 'dispatcher closed'`.
   * @throws ValidationError (as a rejected promise) when the URL, secret, id or payload is unusable:
   *   those are programming errors that no retry would fix.
   */
  deliver(input: WebhookDeliveryInput): Promise<DeliveryResult> {
    let prepared: PreparedDelivery;
    try {
      prepared = prepare(input);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.#closed) return Promise.resolve({ delivered: false, attempts: 0, id: prepared.id, error: 'dispatcher closed' });
    return this.#track(this.#run(prepared));
  }

  /**
   * Makes one attempt (after waiting for a free slot), without retrying: for callers that keep
   * their own durable retry queue.
   *
   * @param input - Endpoint URL, the subscription secret, the payload and the `webhook-id`.
   * @param options - `signal` cancels the attempt (waiting or on the wire): the result is then `aborted`.
   * @returns The outcome; never rejects for a delivery failure. Not logged: the caller knows whether
   *   it will retry, so it reports.
   * @throws ValidationError (as a rejected promise) when the URL, secret, id or payload is unusable.
   */
  attempt(input: WebhookDeliveryInput, options: { signal?: AbortSignal } = {}): Promise<WebhookAttemptResult> {
    let prepared: PreparedDelivery;
    try {
      prepared = prepare(input);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.#closed) return Promise.resolve({ delivered: false, id: prepared.id, error: 'dispatcher closed', aborted: true });
    return this.#track(
      this.#attemptInSlot(prepared, options.signal).then((outcome) => {
        const result: WebhookAttemptResult = { delivered: outcome.ok, id: prepared.id, aborted: outcome.aborted === true };
        if (outcome.status !== undefined) result.status = outcome.status;
        if (outcome.error !== undefined) result.error = outcome.error;
        return result;
      }),
    );
  }

  /**
   * Stops the dispatcher: pending retries and attempts waiting for a slot are cancelled at once
   * (their deliveries resolve undelivered), no new attempt starts, and the returned promise resolves
   * when every delivery has settled. Attempts already on the wire are left to finish (bounded by
   * `timeoutMs`) unless `abort` is set, in which case they are aborted. Safe to call twice.
   *
   * @param options - `abort: true` also aborts the HTTP requests in progress.
   */
  async close(options: { abort?: boolean } = {}): Promise<void> {
    this.#closed = true;
    for (const wake of [...this.#sleeps]) wake();
    this.#slots.cancelAll();
    if (options.abort) for (const controller of this.#attempts) controller.abort(CLOSED);
    await Promise.allSettled([...this.#inFlight]);
  }

  #track<T>(run: Promise<T>): Promise<T> {
    this.#inFlight.add(run);
    // The caller handles `run`; this branch only untracks it and must not add an unhandled rejection.
    run.finally(() => this.#inFlight.delete(run)).catch(() => undefined);
    return run;
  }

  async #run(delivery: PreparedDelivery): Promise<DeliveryResult> {
    const { url, id } = delivery;
    const safeUrl = url.origin + url.pathname;
    let attempts = 0;
    let last: AttemptOutcome = { ok: false };
    const first = this.#schedule[0] ?? 0;
    if (first > 0 && !(await this.#sleep(first))) return { delivered: false, attempts: 0, id, error: 'dispatcher closed' };
    for (;;) {
      const outcome = await this.#attemptInSlot(delivery, undefined);
      // Cancelled while waiting for a slot: no request was made.
      if (outcome.started === false) {
        return withStatus({ delivered: false, attempts, id, error: attempts > 0 ? `dispatcher closed (last attempt: ${last.error})` : 'dispatcher closed' }, last.status);
      }
      attempts += 1;
      last = outcome;
      if (last.ok) return withStatus({ delivered: true, attempts, id }, last.status);
      const delay = this.#closed ? undefined : nextRetryDelayMs(this.#schedule, attempts, this.#maxBackoffMs);
      const retrying = delay !== undefined;
      this.#warn(
        retrying
          ? `Webhook delivery attempt ${attempts} to ${safeUrl} failed (${last.error}); retrying in ${delay} ms`
          : `Webhook delivery to ${safeUrl} failed after ${attempts} attempt(s): ${last.error}`,
        { id, url: safeUrl, attempt: attempts, status: last.status, error: last.error, willRetry: retrying },
      );
      if (!retrying) break;
      if (!(await this.#sleep(delay)) || this.#closed) {
        last = { ...last, error: `dispatcher closed (last attempt: ${last.error})` };
        break;
      }
    }
    return withStatus({ delivered: false, attempts, id, error: last.error ?? 'delivery failed' }, last.status);
  }

  /** One HTTP attempt once a slot is free; `started: false` when cancelled before it began. */
  async #attemptInSlot(delivery: PreparedDelivery, signal: AbortSignal | undefined): Promise<AttemptOutcome & { started?: boolean }> {
    const release = await this.#slots.acquire(signal);
    if (!release) return { ok: false, aborted: true, started: false, error: this.#closed ? 'dispatcher closed' : 'aborted' };
    try {
      if (this.#closed) return { ok: false, aborted: true, started: false, error: 'dispatcher closed' };
      return { ...(await this.#attempt(delivery, signal)), started: true };
    } finally {
      release();
    }
  }

  async #attempt({ url, key, body, id, authorization }: PreparedDelivery, signal: AbortSignal | undefined): Promise<AttemptOutcome> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(TIMEOUT), this.#timeoutMs);
    timer.unref();
    const onCallerAbort = (): void => controller.abort(CALLER);
    if (signal?.aborted) return { ok: false, aborted: true, error: 'aborted' };
    signal?.addEventListener('abort', onCallerAbort, { once: true });
    this.#attempts.add(controller);
    // A fresh timestamp per attempt: receivers reject timestamps older than their tolerance
    // (5 min by default), and retries may come much later than the first attempt.
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': this.#userAgent,
      'webhook-id': id,
      'webhook-timestamp': timestamp,
      'webhook-signature': `v1,${computeSignature(key, id, timestamp, body)}`,
    };
    if (authorization !== undefined) headers.authorization = authorization;
    try {
      const response = await this.#fetch(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: controller.signal,
      });
      // The answer's body is not used; cancelling it frees the connection for reuse.
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
      return { ok: false, status: response.status, error: `HTTP ${response.status}` };
    } catch (err) {
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : undefined;
      if (reason === TIMEOUT) return { ok: false, error: `timed out after ${this.#timeoutMs} ms` };
      if (reason === CLOSED) return { ok: false, aborted: true, error: 'dispatcher closed' };
      if (reason === CALLER) return { ok: false, aborted: true, error: 'aborted' };
      return { ok: false, error: `network error: ${describeNetworkError(err)}` };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallerAbort);
      this.#attempts.delete(controller);
    }
  }

  /** Resolves true after `ms`, or false at once when `close()` cancels it. */
  #sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#sleeps.delete(wake);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.#sleeps.delete(wake);
        resolve(true);
      }, ms);
      // A retry waiting for its turn must not hold the process open; close() is for orderly shutdown.
      timer.unref();
      this.#sleeps.add(wake);
    });
  }

  #warn(message: string, details: Record<string, unknown>): void {
    if (!this.#logger?.warn) return;
    try {
      this.#logger.warn(redactText(message), redact(details));
    } catch {
      // A failing logger must not turn a reported delivery failure into a thrown one.
    }
  }
}

function checkCount(field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigError(`WebhookDispatcher ${field} must be a non-negative finite number`, { field });
  }
  return value;
}

interface PreparedDelivery {
  url: URL;
  key: KeyObject;
  body: string;
  id: string;
  authorization: string | undefined;
}

function prepare(input: WebhookDeliveryInput): PreparedDelivery {
  if (input === null || typeof input !== 'object') throw new ValidationError('delivery', 'must be { url, secret, payload }');
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw new ValidationError('url', 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ValidationError('url', 'must be an http(s) URL');
  // fetch refuses URLs with credentials; endpoints given as https://user:pass@host get them as
  // Basic auth instead (what Svix does), and the credentials never reach a log line.
  let authorization: string | undefined;
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    authorization = 'Basic ' + Buffer.from(`${user}:${pass}`, 'utf8').toString('base64');
    url.username = '';
    url.password = '';
  }
  // Decoded once per delivery, not per attempt.
  const key = decodeWebhookSecret(input.secret);
  if (key === undefined) throw new ValidationError('secret', 'must be whsec_<base64>');
  const id = input.id ?? newWebhookMessageId();
  if (typeof id !== 'string' || id.length === 0) throw new ValidationError('id', 'must be a non-empty string');
  let body: string | undefined;
  try {
    body = JSON.stringify(input.payload);
  } catch {
    throw new ValidationError('payload', 'is not JSON-serialisable');
  }
  if (body === undefined) throw new ValidationError('payload', 'is not JSON-serialisable');
  return { url, key, body, id, authorization };
}

function withStatus(result: DeliveryResult, status: number | undefined): DeliveryResult {
  if (status !== undefined) result.status = status;
  return result;
}

/** `fetch failed` says nothing; undici puts the useful part (ECONNREFUSED...) in `cause`. */
function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return redactText(cause.message);
  if (err instanceof Error) return redactText(err.message);
  return 'unknown error';
}
