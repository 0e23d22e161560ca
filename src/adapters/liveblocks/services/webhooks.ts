import { inject, injectable } from 'inversify';
import { WebhookVerificationError } from '../../../core/errors.js';
import type { CallOptions } from '../../../core/model/common.js';
import type { CollabEvent, CreateWebhookSubscriptionInput, WebhookRequest, WebhookSubscription } from '../../../core/model/event.js';
import { registerSecret } from '../../../core/redact.js';
import type { WebhookService, WebhookSubscriptionService } from '../../../core/services/webhooks.js';
import { unreadableWebhookRequest, VERIFY_REJECTS_COLLAB_ERRORS } from '../../../core/webhooks/replay-service.js';
import { TrustedWebhookSecrets } from '../../../core/webhooks/trusted-secrets.js';
import { toLbEvents, toWebhookSubscription, webhookSecretOf } from '../mappers/webhook-subscriptions.js';
import { liveblocksEventOf } from '../webhook-events.js';
import { LIVEBLOCKS_TOKENS, type LiveblocksContext } from './context.js';

/**
 * The secrets `webhooks.verify` accepts: the configured ones, plus the secret of every subscription
 * created through this collab (so a process that subscribes can verify what it receives without
 * more config). The verifier is rebuilt only when a secret is added, never per request.
 */
@injectable()
export class LiveblocksWebhookKeys {
  readonly #trusted: TrustedWebhookSecrets;
  constructor(@inject(LIVEBLOCKS_TOKENS.Context) ctx: LiveblocksContext) {
    const { webhookSecret, webhookSecrets } = ctx.config;
    this.#trusted = new TrustedWebhookSecrets('liveblocks', [webhookSecret, ...(webhookSecrets ?? [])]);
  }

  /** Trusts one more signing secret (no-op when already trusted). */
  add(secret: string | undefined): void {
    this.#trusted.add(secret);
  }

  /** The verifier of the trusted secrets, or `undefined` while there is none. */
  get verifier(): ((request: WebhookRequest) => CollabEvent) | undefined {
    // Verifies and normalises in one pass; built once per set of secrets, never per request.
    return this.#trusted.verifierWith(liveblocksEventOf);
  }
}

/**
 * Webhook endpoints through the Liveblocks Management API (`/v2/management/projects/{projectId}/webhooks`,
 * bearer `managementToken`). Core event types map to Liveblocks ones (`document.updated` is
 * `ydocUpdated`, `comment.edited` also subscribes `commentMetadataUpdated`).
 */
@injectable()
export class LiveblocksWebhookSubscriptions implements WebhookSubscriptionService {
  constructor(
    @inject(LIVEBLOCKS_TOKENS.Context) private readonly ctx: LiveblocksContext,
    @inject(LIVEBLOCKS_TOKENS.WebhookKeys) private readonly keys: LiveblocksWebhookKeys,
  ) {}

  /**
   * Creates an endpoint. The result carries its signing secret, which this collab's `webhooks.verify`
   * trusts from then on; other processes need it in `webhookSecrets`.
   */
  async create(input: CreateWebhookSubscriptionInput, options?: CallOptions): Promise<WebhookSubscription> {
    const hook = await this.ctx.client.createWebhook({ url: input.url, subscribedEvents: toLbEvents(input.events) }, options?.signal);
    this.keys.add(webhookSecretOf(hook));
    return toWebhookSubscription(hook, true);
  }

  /** Gets an endpoint, without its secret. */
  async get(id: string, options?: CallOptions): Promise<WebhookSubscription> {
    const hook = await this.ctx.client.getWebhook(id, options?.signal);
    registerSecret(webhookSecretOf(hook));
    return toWebhookSubscription(hook, false);
  }

  /** Lists every endpoint of the project (all pages), without secrets. */
  async list(options?: CallOptions): Promise<WebhookSubscription[]> {
    const out: WebhookSubscription[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.ctx.client.listWebhooks(cursor, options?.signal);
      for (const hook of page.data) {
        registerSecret(webhookSecretOf(hook));
        out.push(toWebhookSubscription(hook, false));
      }
      cursor = page.nextCursor || undefined;
    } while (cursor);
    return out;
  }

  /** Deletes an endpoint. */
  async delete(id: string, options?: CallOptions): Promise<void> {
    await this.ctx.client.deleteWebhook(id, options?.signal);
  }
}

/**
 * Incoming Liveblocks webhooks. The verifier is built once from `webhookSecret` / `webhookSecrets`
 * (keys decoded up front), so `verify` costs one HMAC per secret tried plus a `JSON.parse`.
 */
@injectable()
export class LiveblocksWebhookService implements WebhookService {
  /** `verify` settles with CollabErrors only, so core's wrapper adds no promise layer (see the symbol). */
  readonly [VERIFY_REJECTS_COLLAB_ERRORS] = true;

  constructor(
    @inject(LIVEBLOCKS_TOKENS.Context) private readonly ctx: LiveblocksContext,
    @inject(LIVEBLOCKS_TOKENS.WebhookKeys) private readonly keys: LiveblocksWebhookKeys,
    @inject(LIVEBLOCKS_TOKENS.Subscriptions) readonly subscriptions: WebhookSubscriptionService,
  ) {}

  /**
   * Verifies the Standard Webhooks signature (`webhook-id`, `webhook-timestamp` within 5 minutes,
   * `webhook-signature` by any trusted secret) and normalises the event. Unknown event types become
   * `unknown` with the payload in `raw`.
   *
   * @throws WebhookVerificationError when a header is missing, the timestamp is stale, the signature
   * does not match, or no secret is known yet.
   */
  verify(request: WebhookRequest): Promise<CollabEvent> {
    // Not `async`: verification is synchronous, so the event is settled in one promise (a sync
    // throw still becomes a rejection, as callers of a Promise-returning method expect).
    try {
      const verifier = this.keys.verifier;
      if (verifier === undefined) {
        throw new WebhookVerificationError('No Liveblocks webhook secret is known: configure webhookSecret or webhookSecrets (whsec_...)', {
          provider: this.ctx.provider,
          operation: 'webhooks.verify',
        });
      }
      return Promise.resolve(verifier(request));
    } catch (err) {
      return Promise.reject(unreadableWebhookRequest(err, this.ctx.provider));
    }
  }
}
