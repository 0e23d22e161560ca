import type { CollabLogger } from '../../core/logger.js';
import { redact, redactText } from '../../core/redact.js';
import { nextRetryDelayMs, type WebhookAttemptResult, type WebhookDispatcher } from './dispatcher.js';
import type { MemoryStore } from './store.js';
import type { StoredDelivery } from './schemas.js';

/** Longest single timer: setTimeout wraps around above 2^31 - 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const noop = (): void => undefined;

/**
 * The memory provider's webhook outbox. Each pending delivery is an entity of the store (saved with
 * the state, so a restart resumes it); this queue attempts due deliveries through the dispatcher,
 * at most `concurrency` at once, and reschedules failures on the retry schedule until they succeed or
 * the schedule is used up. A delivery is first attempted once the change that queued it is saved,
 * so no event goes out for a write that was not made durable first.
 */
export class MemoryDeliveryQueue {
  readonly #store: MemoryStore;
  readonly #dispatcher: WebhookDispatcher;
  readonly #schedule: readonly number[];
  readonly #concurrency: number;
  readonly #logger: CollabLogger | undefined;
  /** Ids due for an attempt, in order. */
  readonly #due = new Set<string>();
  /** Ids whose attempt is on its way, with the controller that aborts it. */
  readonly #running = new Map<string, AbortController>();
  readonly #settling = new Set<Promise<void>>();
  /** Retry timers by delivery id. */
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #closed = false;

  constructor(store: MemoryStore, dispatcher: WebhookDispatcher, settings: { schedule: readonly number[]; concurrency: number }, logger?: CollabLogger) {
    this.#store = store;
    this.#dispatcher = dispatcher;
    this.#schedule = settings.schedule;
    this.#concurrency = settings.concurrency;
    this.#logger = logger;
  }

  /** Schedules every delivery loaded with the state (after a restart). */
  resume(): void {
    for (const delivery of this.#store.deliveries.values()) this.#arm(delivery);
  }

  /** Adds a delivery to the store; it is attempted once the current changes are saved. */
  add(delivery: StoredDelivery): void {
    this.#store.deliveries.set(delivery.id, delivery);
    this.#store.dirty({ kind: 'delivery', deliveryId: delivery.id });
    // Attempted even when the save fails: the change it reports is applied in memory either way.
    void this.#store.commit().catch(noop).finally(() => this.#arm(delivery));
  }

  /**
   * Stops: retry timers are cleared and attempts in flight are aborted; every delivery not yet made
   * stays pending in the store (an aborted attempt does not count), to be resumed after a restart.
   */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.#due.clear();
    for (const controller of this.#running.values()) controller.abort();
    await Promise.allSettled([...this.#settling]);
  }

  #arm(delivery: StoredDelivery): void {
    if (this.#closed || this.#store.deliveries.get(delivery.id) !== delivery) return;
    const wait = delivery.nextAttemptAt - this.#store.now();
    if (wait <= 0) {
      this.#due.add(delivery.id);
      this.#pump();
      return;
    }
    clearTimeout(this.#timers.get(delivery.id));
    const timer = setTimeout(() => {
      this.#timers.delete(delivery.id);
      this.#arm(delivery);
    }, Math.min(wait, MAX_TIMER_MS));
    // Pending retries do not keep the process alive; they are saved and resume after a restart.
    timer.unref();
    this.#timers.set(delivery.id, timer);
  }

  #pump(): void {
    for (const id of this.#due) {
      if (this.#closed || this.#running.size >= this.#concurrency) return;
      this.#due.delete(id);
      const delivery = this.#store.deliveries.get(id);
      if (delivery && !this.#running.has(id)) this.#start(delivery);
    }
  }

  #start(delivery: StoredDelivery): void {
    const sub = this.#store.subscriptions.get(delivery.subscriptionId);
    if (!sub) {
      this.#remove(delivery);
      return;
    }
    const controller = new AbortController();
    this.#running.set(delivery.id, controller);
    const run = this.#dispatcher
      .attempt({ url: sub.url, secret: sub.secret, payload: delivery.payload, id: delivery.id }, { signal: controller.signal })
      .catch((err: unknown): WebhookAttemptResult => ({ delivered: false, id: delivery.id, aborted: false, error: `unusable delivery: ${(err as Error).message}` }))
      .then((result) => this.#settle(delivery, sub.url, result))
      .finally(() => {
        this.#running.delete(delivery.id);
        this.#settling.delete(run);
        this.#pump();
      });
    this.#settling.add(run);
  }

  #settle(delivery: StoredDelivery, url: string, result: WebhookAttemptResult): void {
    // Aborted by close(): nothing was learnt about the endpoint, so the delivery stays as it was.
    if (result.aborted || this.#closed) return;
    // Dropped meanwhile (its subscription was deleted).
    if (this.#store.deliveries.get(delivery.id) !== delivery) return;
    if (result.delivered) {
      this.#remove(delivery);
      return;
    }
    delivery.attempts += 1;
    if (result.error !== undefined) delivery.lastError = result.error;
    const delay = nextRetryDelayMs(this.#schedule, delivery.attempts);
    const safeUrl = safe(url);
    if (delay === undefined) {
      this.#warn(`Webhook delivery ${delivery.id} to ${safeUrl} given up after ${delivery.attempts} attempt(s): ${result.error}`, delivery, safeUrl, result, false);
      this.#remove(delivery);
      return;
    }
    this.#warn(`Webhook delivery attempt ${delivery.attempts} of ${delivery.id} to ${safeUrl} failed (${result.error}); retrying in ${delay} ms`, delivery, safeUrl, result, true);
    delivery.nextAttemptAt = this.#store.now() + delay;
    this.#store.dirty({ kind: 'delivery', deliveryId: delivery.id });
    void this.#store.commit().catch(noop); // a failed save is reported by the store itself
    this.#arm(delivery);
  }

  #remove(delivery: StoredDelivery): void {
    this.#store.deliveries.delete(delivery.id);
    this.#store.dirty({ kind: 'delivery', deliveryId: delivery.id });
    void this.#store.commit().catch(noop);
  }

  #warn(message: string, delivery: StoredDelivery, url: string, result: WebhookAttemptResult, willRetry: boolean): void {
    if (!this.#logger?.warn) return;
    try {
      this.#logger.warn(redactText(message), redact({ id: delivery.id, url, attempt: delivery.attempts, status: result.status, error: result.error, willRetry }));
    } catch {
      // A failing logger must not break delivery.
    }
  }
}

/** The URL without credentials or query (they may hold tokens). */
function safe(url: string): string {
  try {
    const u = new URL(url);
    return u.origin + u.pathname;
  } catch {
    return '(invalid URL)';
  }
}
