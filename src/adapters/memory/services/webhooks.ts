import { inject, injectable } from 'inversify';
import { NotFoundError, WebhookVerificationError } from '../../../core/errors.js';
import type { CallOptions } from '../../../core/model/common.js';
import {
  type CollabEvent,
  type CreateWebhookSubscriptionInput,
  type WebhookRequest,
  type WebhookSubscription,
} from '../../../core/model/event.js';
import { registerSecret } from '../../../core/redact.js';
import type { WebhookService, WebhookSubscriptionService } from '../../../core/services/webhooks.js';
import { TOKENS } from '../../../core/tokens.js';
import { WebhookDispatcher } from '../dispatcher.js';
import { generateWebhookSecret, newWebhookMessageId, verifyStandardWebhook, type WebhookVerifyCallOptions } from '../../../core/webhooks/index.js';
import type { MemoryChange, MemoryStore } from '../store.js';
import { MemoryDeliveryQueue } from '../delivery-queue.js';
import type { MemoryModuleOptions } from '../module-options.js';
import type { StoredSubscription } from '../schemas.js';
import { memoryWebhookSettings } from '../webhook-settings.js';
import { toCollabEvent, toWebhookPayload } from '../webhook-events.js';
import { MEMORY_TOKENS, type MemoryContext, type ParsedMemoryConfig } from './context.js';

/**
 * Fans every store change out to the subscriptions of its tenant as Standard Webhooks-signed POSTs.
 * Each delivery is saved with the state and attempted by the delivery queue (bounded concurrency,
 * retries over hours); `close()` aborts attempts in flight and leaves them pending for the next run.
 */
@injectable()
export class MemoryWebhookFanout {
  private readonly dispatcher: WebhookDispatcher;
  private readonly queue: MemoryDeliveryQueue;
  private readonly unsubscribe: () => void;

  constructor(
    @inject(MEMORY_TOKENS.Store) private readonly store: MemoryStore,
    @inject(TOKENS.Config) config: ParsedMemoryConfig,
    @inject(MEMORY_TOKENS.Options) options: MemoryModuleOptions,
  ) {
    const settings = memoryWebhookSettings(config, options.webhooks);
    this.dispatcher = new WebhookDispatcher({
      schedule: settings.schedule,
      concurrency: settings.concurrency,
      timeoutMs: settings.timeoutMs,
      ...(options.webhooks?.fetch ? { fetch: options.webhooks.fetch } : {}),
      ...(config.logger ? { logger: config.logger } : {}),
    });
    this.queue = new MemoryDeliveryQueue(store, this.dispatcher, settings, config.logger);
    for (const sub of store.subscriptions.values()) registerSecret(sub.secret);
    this.unsubscribe = store.onChange((change) => this.fanOut(change));
    this.queue.resume();
  }

  private fanOut(change: MemoryChange): void {
    if (this.store.subscriptions.size === 0) return;
    let payload: ReturnType<typeof toWebhookPayload> | undefined;
    for (const sub of this.store.subscriptions.values()) {
      if (sub.tenantId !== change.tenantId || !sub.events.includes(change.type)) continue;
      const now = this.store.now();
      payload ??= toWebhookPayload(change, now);
      this.queue.add({
        id: newWebhookMessageId(),
        tenantId: change.tenantId,
        subscriptionId: sub.id,
        payload: payload as unknown as Record<string, unknown>,
        attempts: 0,
        nextAttemptAt: now,
        createdAt: new Date(now),
      });
    }
  }

  /** Stops listening and aborts attempts in flight; pending deliveries stay saved for the next run. */
  async close(): Promise<void> {
    this.unsubscribe();
    await this.queue.close();
    await this.dispatcher.close({ abort: true });
  }
}

/** Webhook subscriptions of the embedded provider: saved with the state, each owned by one tenant. */
@injectable()
export class MemoryWebhookSubscriptions implements WebhookSubscriptionService {
  constructor(@inject(MEMORY_TOKENS.Context) private readonly ctx: MemoryContext) {}

  async create(input: CreateWebhookSubscriptionInput, options?: CallOptions): Promise<WebhookSubscription> {
    const op = 'webhooks.subscriptions.create';
    const store = this.ctx.store;
    const sub: StoredSubscription = {
      id: store.newId('wh'),
      tenantId: this.ctx.tenantOf(options),
      url: input.url,
      events: [...new Set(input.events)],
      secret: generateWebhookSecret(),
      createdAt: new Date(store.now()),
    };
    if (input.description !== undefined) sub.description = input.description;
    registerSecret(sub.secret);
    store.subscriptions.set(sub.id, sub);
    store.dirty({ kind: 'subscription', subscriptionId: sub.id });
    await this.ctx.commit(op);
    return { ...toSubscription(sub), secret: sub.secret };
  }

  async get(id: string, options?: CallOptions): Promise<WebhookSubscription> {
    return toSubscription(this.find(id, 'webhooks.subscriptions.get', options));
  }

  async list(options?: CallOptions): Promise<WebhookSubscription[]> {
    return this.ofTenant(options).map(toSubscription);
  }

  async delete(id: string, options?: CallOptions): Promise<void> {
    const op = 'webhooks.subscriptions.delete';
    const sub = this.find(id, op, options);
    const store = this.ctx.store;
    store.subscriptions.delete(sub.id);
    store.dirty({ kind: 'subscription', subscriptionId: sub.id });
    // Its pending deliveries go with it: nobody could verify them any more.
    for (const delivery of [...store.deliveries.values()]) {
      if (delivery.subscriptionId !== sub.id) continue;
      store.deliveries.delete(delivery.id);
      store.dirty({ kind: 'delivery', deliveryId: delivery.id });
    }
    await this.ctx.commit(op);
  }

  /** The subscriptions of the call's tenant. */
  ofTenant(options?: CallOptions): StoredSubscription[] {
    const tenantId = this.ctx.tenantOf(options);
    return [...this.ctx.store.subscriptions.values()].filter((s) => s.tenantId === tenantId);
  }

  private find(id: string, op: string, options?: CallOptions): StoredSubscription {
    const sub = this.ctx.store.subscriptions.get(id);
    // Another tenant's subscription is "not found", exactly like a missing one: ids do not leak across tenants.
    if (!sub || sub.tenantId !== this.ctx.tenantOf(options)) {
      throw new NotFoundError(`Webhook subscription ${JSON.stringify(id)} not found`, { provider: 'memory', operation: op });
    }
    return sub;
  }
}

function toSubscription(sub: StoredSubscription): WebhookSubscription {
  const { secret: _secret, ...raw } = sub;
  return { id: sub.id, url: sub.url, events: [...sub.events], createdAt: new Date(sub.createdAt), raw: structuredClone(raw) };
}

/**
 * Incoming webhooks of the embedded provider: verified against the secrets of the call's tenant's
 * subscriptions only (`options.tenantId`, default the configured tenant), and the event must be of that tenant.
 */
@injectable()
export class MemoryWebhookService implements WebhookService {
  constructor(
    @inject(MEMORY_TOKENS.Context) private readonly ctx: MemoryContext,
    @inject(MEMORY_TOKENS.Subscriptions) readonly subscriptions: MemoryWebhookSubscriptions,
  ) {}

  async verify(request: WebhookRequest, options?: WebhookVerifyCallOptions & CallOptions): Promise<CollabEvent> {
    const op = 'webhooks.verify';
    const tenantId = this.ctx.tenantOf(options);
    const secrets = this.subscriptions.ofTenant(options).map((s) => s.secret);
    if (secrets.length === 0) {
      throw new WebhookVerificationError(`No webhook subscription exists in tenant ${JSON.stringify(tenantId)}, so no secret can verify this request`, { provider: 'memory', operation: op });
    }
    const event = toCollabEvent(verifyStandardWebhook(request, { secrets, now: this.ctx.store.now(), provider: 'memory' }));
    const eventTenant = (event.raw as { tenantId?: unknown } | null)?.tenantId;
    if (eventTenant !== tenantId) {
      throw new WebhookVerificationError(`The webhook is an event of another tenant than ${JSON.stringify(tenantId)}`, { provider: 'memory', operation: op });
    }
    return event;
  }
}
