import { inject, injectable } from 'inversify';
import { NotFoundError, WebhookVerificationError } from '../../../core/errors.js';
import type { CallOptions } from '../../../core/model/common.js';
import type { CollabEvent, CreateWebhookSubscriptionInput, WebhookRequest, WebhookSubscription } from '../../../core/model/event.js';
import type { WebhookService, WebhookSubscriptionService } from '../../../core/services/webhooks.js';
import { getHeader, type StandardWebhookVerifier } from '../../../core/webhooks/index.js';
import { TrustedWebhookSecrets } from '../../../core/webhooks/trusted-secrets.js';
import { decodeBase64JsonBody, verifyBasicAuthWebhook } from '../basic-auth.js';
import { EVENTS_METADATA_KEY, filterTypesFor, normaliseAdvancedWebhook, normaliseBasicWebhook, toSubscription } from '../webhook-events.js';
import { VELT_TOKENS, type VeltContext } from './context.js';

/**
 * Webhook subscriptions are Velt advanced webhook endpoints (§12.3). Velt generates each endpoint's
 * signing secret: `create` fetches it (`endpoints/secret/get`) and returns it, and this process keeps it
 * so `webhooks.verify` accepts deliveries to the endpoints it created, besides the configured secret.
 */
@injectable()
export class VeltWebhookSubscriptions implements WebhookSubscriptionService {
  /** The configured `webhookSecret`, then the secrets of the endpoints created by this process. */
  readonly trusted: TrustedWebhookSecrets;

  constructor(@inject(VELT_TOKENS.Context) private readonly ctx: VeltContext) {
    this.trusted = new TrustedWebhookSecrets('velt', [ctx.config.webhookSecret]);
  }

  async create(input: CreateWebhookSubscriptionInput, options?: CallOptions): Promise<WebhookSubscription> {
    const op = 'webhooks.subscriptions.create';
    const events = [...new Set(input.events)];
    const filterTypes = filterTypesFor(events, op);
    const endpoint = await this.ctx.client.createWebhookEndpoint(
      {
        url: input.url,
        ...(input.description !== undefined ? { description: input.description } : {}),
        filterTypes,
        // The exact core types asked for: several of them share one Velt event (resolved/unresolved).
        metadata: { [EVENTS_METADATA_KEY]: events.join(' ') },
      },
      op,
      this.ctx.call(options),
    );
    let secret: string;
    try {
      secret = await this.ctx.client.getWebhookEndpointSecret({ endpointId: endpoint.id }, op, this.ctx.call(options));
    } catch (err) {
      // An endpoint whose secret we cannot give back is useless to the caller: remove it (best effort).
      await this.ctx.client.deleteWebhookEndpoint({ endpointId: endpoint.id }, op).catch(() => undefined);
      throw err;
    }
    this.trusted.add(secret);
    return { ...toSubscription(endpoint), secret };
  }

  async get(id: string, options?: CallOptions): Promise<WebhookSubscription> {
    const op = 'webhooks.subscriptions.get';
    // Velt documents no get-by-id endpoint: the listing is searched.
    const endpoint = (await this.ctx.client.listWebhookEndpoints(op, this.ctx.call(options))).find((e) => e.id === id);
    if (!endpoint) throw new NotFoundError(`velt ${op}: webhook subscription ${JSON.stringify(id)} not found`, { provider: 'velt', operation: op, vendorCode: 'NOT_FOUND' });
    return toSubscription(endpoint);
  }

  async list(options?: CallOptions): Promise<WebhookSubscription[]> {
    const op = 'webhooks.subscriptions.list';
    return (await this.ctx.client.listWebhookEndpoints(op, this.ctx.call(options))).map(toSubscription);
  }

  async delete(id: string, options?: CallOptions): Promise<void> {
    const op = 'webhooks.subscriptions.delete';
    // An unknown endpoint answers NOT_FOUND (§12.3).
    await this.ctx.client.deleteWebhookEndpoint({ endpointId: id }, op, this.ctx.call(options));
  }
}

/**
 * Incoming Velt webhooks: advanced ones (Standard Webhooks headers, §12.2) are verified against the
 * configured `webhookSecret` and the secrets of endpoints created here; basic ones (§12.1) by
 * `Authorization: Basic <webhookAuthToken>` in constant time. Base64-encoded bodies are decoded.
 */
@injectable()
export class VeltWebhookService implements WebhookService {
  constructor(
    @inject(VELT_TOKENS.Context) private readonly ctx: VeltContext,
    @inject(VELT_TOKENS.Subscriptions) readonly subscriptions: VeltWebhookSubscriptions,
  ) {}

  /**
   * Verifies an advanced (signed) or basic (token) Velt webhook and normalises it. A request with a
   * `webhook-signature` or `webhook-id` header is treated as advanced and must verify as one.
   *
   * @throws WebhookVerificationError when verification fails or the matching secret/token is not configured.
   */
  async verify(request: WebhookRequest): Promise<CollabEvent> {
    const init = { provider: 'velt', operation: 'webhooks.verify' };
    const headers = request?.headers ?? {};
    const signed = getHeader(headers, 'webhook-signature') !== undefined || getHeader(headers, 'webhook-id') !== undefined;
    if (signed) {
      const verified = this.#standardVerifier(init)(request);
      return normaliseAdvancedWebhook(decodeBase64JsonBody(verified.body), verified);
    }
    const token = this.ctx.config.webhookAuthToken;
    if (!token) {
      throw new WebhookVerificationError('No Standard Webhooks signature headers, and no webhookAuthToken is configured for basic Velt webhooks', init);
    }
    verifyBasicAuthWebhook(request, { token, provider: 'velt' });
    const raw: unknown = request.rawBody;
    if (typeof raw !== 'string' && !(raw instanceof Uint8Array)) throw new WebhookVerificationError('The raw body must be a string or bytes', init);
    const text = typeof raw === 'string' ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
    return normaliseBasicWebhook(decodeBase64JsonBody(text), text);
  }

  #standardVerifier(init: { provider: string; operation: string }): StandardWebhookVerifier {
    const verifier = this.subscriptions.trusted.verifier;
    if (verifier === undefined) throw new WebhookVerificationError('An advanced (signed) Velt webhook arrived but no webhookSecret is configured', init);
    return verifier;
  }
}
