import { inject, injectable } from 'inversify';
import { NotFoundError, WebhookVerificationError } from '../../../core/errors.js';
import type { CallOptions } from '../../../core/model/common.js';
import {
  type CollabEvent,
  type CreateWebhookSubscriptionInput,
  CreateWebhookSubscriptionInputSchema,
  type WebhookRequest,
  type WebhookSubscription,
} from '../../../core/model/event.js';
import { registerSecret } from '../../../core/redact.js';
import type { WebhookService, WebhookSubscriptionService } from '../../../core/services/webhooks.js';
import { TOKENS } from '../../../core/tokens.js';
import type { CollabLogger } from '../../../core/logger.js';
import { generateWebhookSecret, newWebhookMessageId, verifyStandardWebhook, WebhookDispatcher } from '../../../core/webhooks/index.js';
import { validate, validateId } from '../../../core/validation.js';
import type { MemoryChange, MemoryStore } from '../client.js';
import type { StoredSubscription } from '../schemas.js';
import { toCollabEvent, toWebhookPayload } from '../webhooks.js';
import { MEMORY_TOKENS, type ParsedMemoryConfig } from './context.js';

/**
 * Fans every store change out to the matching subscriptions as a Standard Webhooks-signed POST,
 * with retries. Deliveries run in the background; `close()` waits for them (or cancels retries).
 */
@injectable()
export class MemoryWebhookFanout {
  private readonly dispatcher: WebhookDispatcher;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly unsubscribe: () => void;

  constructor(
    @inject(MEMORY_TOKENS.Store) private readonly store: MemoryStore,
    @inject(TOKENS.Config) config: ParsedMemoryConfig,
  ) {
    const logger: CollabLogger | undefined = config.logger;
    this.dispatcher = new WebhookDispatcher({
      retries: config.webhookRetries ?? 3,
      backoffMs: config.webhookBackoffMs ?? 200,
      ...(logger ? { logger } : {}),
    });
    for (const sub of store.subscriptions.values()) registerSecret(sub.secret);
    this.unsubscribe = store.onChange((change) => this.fanOut(change));
  }

  private fanOut(change: MemoryChange): void {
    if (this.store.subscriptions.size === 0) return;
    const payload = toWebhookPayload(change, this.store.now());
    for (const sub of this.store.subscriptions.values()) {
      if (!sub.events.includes(change.type)) continue;
      const delivery = this.dispatcher.deliver({ url: sub.url, secret: sub.secret, payload, id: newWebhookMessageId() });
      this.inFlight.add(delivery);
      void delivery.finally(() => this.inFlight.delete(delivery));
    }
  }

  /** Resolves when every delivery started so far has finished (delivered or given up). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops listening, cancels pending retries and waits for in-flight deliveries. */
  async close(): Promise<void> {
    this.unsubscribe();
    await this.dispatcher.close();
    await this.idle();
  }
}

/** Webhook subscriptions of the embedded provider (stored, persisted with the state). */
@injectable()
export class MemoryWebhookSubscriptions implements WebhookSubscriptionService {
  constructor(@inject(MEMORY_TOKENS.Store) private readonly store: MemoryStore) {}

  async create(input: CreateWebhookSubscriptionInput, _options?: CallOptions): Promise<WebhookSubscription> {
    const data = validate(CreateWebhookSubscriptionInputSchema, input, '', 'webhooks.subscriptions.create');
    const sub: StoredSubscription = {
      id: this.store.newId('wh'),
      url: data.url,
      events: [...new Set(data.events)],
      secret: generateWebhookSecret(),
      createdAt: new Date(this.store.now()),
    };
    if (data.description !== undefined) sub.description = data.description;
    registerSecret(sub.secret);
    this.store.subscriptions.set(sub.id, sub);
    this.store.changed(undefined);
    return { ...toSubscription(sub), secret: sub.secret };
  }

  async get(id: string, _options?: CallOptions): Promise<WebhookSubscription> {
    return toSubscription(this.find(id, 'webhooks.subscriptions.get'));
  }

  async list(_options?: CallOptions): Promise<WebhookSubscription[]> {
    return [...this.store.subscriptions.values()].map(toSubscription);
  }

  async delete(id: string, _options?: CallOptions): Promise<void> {
    this.find(id, 'webhooks.subscriptions.delete');
    this.store.subscriptions.delete(id);
    this.store.changed(undefined);
  }

  private find(id: string, op: string): StoredSubscription {
    const sub = this.store.subscriptions.get(validateId(id, 'id', op));
    if (!sub) throw new NotFoundError(`Webhook subscription ${JSON.stringify(id)} not found`, { provider: 'memory', operation: op });
    return sub;
  }
}

function toSubscription(sub: StoredSubscription): WebhookSubscription {
  const { secret: _secret, ...raw } = sub;
  return { id: sub.id, url: sub.url, events: [...sub.events], createdAt: new Date(sub.createdAt), raw: structuredClone(raw) };
}

/** Incoming webhooks of the embedded provider: verified against the secrets of its subscriptions. */
@injectable()
export class MemoryWebhookService implements WebhookService {
  constructor(
    @inject(MEMORY_TOKENS.Store) private readonly store: MemoryStore,
    @inject(MEMORY_TOKENS.Subscriptions) readonly subscriptions: MemoryWebhookSubscriptions,
  ) {}

  async verify(request: WebhookRequest): Promise<CollabEvent> {
    const secrets = [...this.store.subscriptions.values()].map((s) => s.secret);
    if (secrets.length === 0) {
      throw new WebhookVerificationError('No webhook subscription exists, so no secret can verify this request', { provider: 'memory', operation: 'webhooks.verify' });
    }
    const verified = verifyStandardWebhook(request, { secrets, now: this.store.now() });
    return toCollabEvent(verified);
  }
}
