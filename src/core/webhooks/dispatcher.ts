import type { KeyObject } from 'node:crypto';
import { ConfigError, ValidationError } from '../errors.js';
import type { CollabLogger } from '../logger.js';
import { redact, redactText } from '../redact.js';
import { computeSignature, decodeWebhookSecret, newWebhookMessageId } from './standard.js';
import type { DeliveryResult, WebhookDeliveryInput, WebhookDispatcherOptions } from './types.js';

/** Outcome of one HTTP attempt. */
interface AttemptOutcome {
  ok: boolean;
  status?: number;
  error?: string;
}

/** Abort reasons, told apart so the result says why an attempt stopped. */
const TIMEOUT = Symbol('timeout');
const CLOSED = Symbol('closed');

/**
 * Delivers events to webhook subscribers the Standard Webhooks way (the scheme Liveblocks and Velt
 * use, so a receiver written for them can consume unicollab's memory provider too).
 *
 * Each delivery POSTs `JSON.stringify(payload)` with `content-type: application/json`,
 * `webhook-id`, `webhook-timestamp` and `webhook-signature`. A non-2xx answer (3xx included:
 * redirects are not followed, as Svix does not, so a signed payload never goes where it was not
 * sent), a network error or a timeout is retried with exponential backoff. Like Svix, every retry
 * keeps the same `webhook-id` (the receiver's dedupe key) with a fresh timestamp and signature, so
 * a late retry is not rejected as stale.
 *
 * Delivery failures are reported in the `DeliveryResult` and through `logger.warn` (redacted),
 * never thrown. Backoff timers are unref'd: a pending retry does not keep the process alive.
 */
export class WebhookDispatcher {
  readonly #retries: number;
  readonly #backoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  readonly #logger: CollabLogger | undefined;
  readonly #userAgent: string;
  #closed = false;
  /** Deliveries not yet settled, so `close()` can wait for them. */
  readonly #inFlight = new Set<Promise<DeliveryResult>>();
  /** Controllers of HTTP attempts in progress, so `close({ abort: true })` can stop them. */
  readonly #attempts = new Set<AbortController>();
  /** Wake-up functions of pending backoff sleeps, so `close()` cancels retries at once. */
  readonly #sleeps = new Set<() => void>();

  /**
   * @param options - Retry count (default 3), first backoff (default 200 ms), per-attempt timeout
   *   (default 5000 ms), a `fetch` to use and a logger.
   * @throws ConfigError when a number is negative or not finite.
   */
  constructor(options: WebhookDispatcherOptions = {}) {
    this.#retries = checkCount('retries', options.retries ?? 3);
    this.#backoffMs = checkCount('backoffMs', options.backoffMs ?? 200);
    this.#maxBackoffMs = checkCount('maxBackoffMs', options.maxBackoffMs ?? 30_000);
    this.#timeoutMs = checkCount('timeoutMs', options.timeoutMs ?? 5000);
    // Resolved per call rather than captured, so a fetch mocked after construction (tests) is used.
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#logger = options.logger;
    this.#userAgent = options.userAgent ?? 'unicollab-webhooks';
  }

  /** True once `close()` was called; later deliveries resolve undelivered without a request. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Delivers one event, retrying as configured.
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
    const run = this.#run(prepared);
    this.#inFlight.add(run);
    // The caller handles `run`; this branch only untracks it and must not add an unhandled rejection.
    run.finally(() => this.#inFlight.delete(run)).catch(() => undefined);
    return run;
  }

  /**
   * Stops the dispatcher: pending retries are cancelled at once (their deliveries resolve
   * undelivered), no new attempt starts, and the returned promise resolves when every delivery has
   * settled. Attempts already on the wire are left to finish (bounded by `timeoutMs`) unless
   * `abort` is set, in which case they are aborted. Safe to call twice.
   *
   * @param options - `abort: true` also aborts the HTTP requests in progress.
   */
  async close(options: { abort?: boolean } = {}): Promise<void> {
    this.#closed = true;
    for (const wake of [...this.#sleeps]) wake();
    if (options.abort) for (const controller of this.#attempts) controller.abort(CLOSED);
    await Promise.allSettled([...this.#inFlight]);
  }

  async #run(delivery: PreparedDelivery): Promise<DeliveryResult> {
    const { url, id } = delivery;
    const safeUrl = url.origin + url.pathname;
    let attempts = 0;
    let last: AttemptOutcome = { ok: false };
    for (;;) {
      attempts += 1;
      last = await this.#attempt(delivery);
      if (last.ok) return withStatus({ delivered: true, attempts, id }, last.status);
      const retrying = attempts <= this.#retries && !this.#closed;
      const delay = retrying ? this.#delay(attempts) : 0;
      this.#warn(
        retrying
          ? `Webhook delivery attempt ${attempts} to ${safeUrl} failed (${last.error}); retrying in ${delay} ms`
          : `Webhook delivery to ${safeUrl} failed after ${attempts} attempt(s): ${last.error}`,
        { id, url: safeUrl, attempt: attempts, status: last.status, error: last.error, willRetry: retrying },
      );
      if (!retrying) break;
      if (!(await this.#sleep(delay))) {
        last = { ...last, error: `dispatcher closed (last attempt: ${last.error})` };
        break;
      }
      if (this.#closed) {
        last = { ...last, error: `dispatcher closed (last attempt: ${last.error})` };
        break;
      }
    }
    return withStatus({ delivered: false, attempts, id, error: last.error ?? 'delivery failed' }, last.status);
  }

  async #attempt({ url, key, body, id, authorization }: PreparedDelivery): Promise<AttemptOutcome> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(TIMEOUT), this.#timeoutMs);
    timer.unref();
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
      if (reason === CLOSED) return { ok: false, error: 'dispatcher closed' };
      return { ok: false, error: `network error: ${describeNetworkError(err)}` };
    } finally {
      clearTimeout(timer);
      this.#attempts.delete(controller);
    }
  }

  #delay(attempt: number): number {
    const base = this.#backoffMs * 2 ** (attempt - 1);
    // ±20% jitter so the retries of many deliveries that failed together do not hit the endpoint together;
    // the cap applies after it, so maxBackoffMs really is the longest wait.
    return Math.round(Math.min(this.#maxBackoffMs, base * (0.8 + 0.4 * Math.random())));
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
