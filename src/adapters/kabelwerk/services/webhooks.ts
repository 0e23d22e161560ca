import { inject, injectable } from 'inversify';
import { UnsupportedFeatureError } from '../../../core/errors.js';
import type { CallOptions } from '../../../core/model/common.js';
import type { CollabEvent, CreateWebhookSubscriptionInput, WebhookRequest, WebhookSubscription } from '../../../core/model/event.js';
import type { WebhookService, WebhookSubscriptionService } from '../../../core/services/webhooks.js';
import type { WebhookVerifyCallOptions } from '../../../core/webhooks/types.js';
import { KABELWERK_TOKENS, type KabelwerkContext } from './context.js';

/** Kabelwerk documents no webhooks (§4): every method throws `UnsupportedFeatureError`. */
@injectable()
export class KabelwerkWebhookSubscriptions implements WebhookSubscriptionService {
  constructor(@inject(KABELWERK_TOKENS.Context) private readonly ctx: KabelwerkContext) {}

  async create(_input: CreateWebhookSubscriptionInput, _options?: CallOptions): Promise<WebhookSubscription> {
    return this.unsupported();
  }

  async get(_id: string, _options?: CallOptions): Promise<WebhookSubscription> {
    return this.unsupported();
  }

  async list(_options?: CallOptions): Promise<WebhookSubscription[]> {
    return this.unsupported();
  }

  async delete(_id: string, _options?: CallOptions): Promise<void> {
    return this.unsupported();
  }

  private unsupported(): never {
    throw new UnsupportedFeatureError(this.ctx.provider, 'webhooks.subscriptions', this.ctx.capabilities.notes['webhooks.subscriptions']);
  }
}

/** Kabelwerk documents no webhooks (§4): a server learns of events only over the realtime API. */
@injectable()
export class KabelwerkWebhookService implements WebhookService {
  readonly subscriptions: WebhookSubscriptionService;

  constructor(@inject(KABELWERK_TOKENS.Context) private readonly ctx: KabelwerkContext) {
    this.subscriptions = new KabelwerkWebhookSubscriptions(ctx);
  }

  async verify(_request: WebhookRequest, _options?: WebhookVerifyCallOptions): Promise<CollabEvent> {
    throw new UnsupportedFeatureError(this.ctx.provider, 'webhooks.verify', this.ctx.capabilities.notes['webhooks.verify']);
  }
}
