/**
 * Outgoing webhooks: when a management webhook (created through the Management API routes) subscribes
 * to an event type, the emulator POSTs `{ type, data }` to its URL, signed the Svix / Standard Webhooks
 * way (vendors/liveblocks.md §1.1): headers `webhook-id`, `webhook-timestamp` (seconds),
 * `webhook-signature: v1,<base64 HMAC-SHA256(base64decode(secret without "whsec_"), "id.ts.body")>`.
 *
 * Emulator choices (not vendor behaviour): delivery happens immediately (Liveblocks delays `notification`
 * events by 30 min by default and throttles storage events, §1.4), one attempt, no retries.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { newId } from './http.js';
import type { EmuWebhookDelivery, LiveblocksEmulatorState } from './state.js';

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export function signWebhook(secret: string, messageId: string, timestamp: string, rawBody: string): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return createHmac('sha256', key).update(`${messageId}.${timestamp}.${rawBody}`).digest('base64');
}

export class WebhookDispatcher {
  private readonly pending = new Set<Promise<void>>();
  private readonly controller = new AbortController();

  constructor(
    private readonly state: LiveblocksEmulatorState,
    private readonly now: () => Date,
    private readonly projectId: string,
  ) {}

  /** Sends `{ type, data: { projectId, ...data } }` to every enabled webhook subscribed to `type`. */
  emit(type: string, data: Record<string, unknown>): void {
    const now = this.now();
    for (const hook of this.state.webhooks.values()) {
      if (hook.disabled || !hook.subscribedEvents.includes(type)) continue;
      const payload = { type, data: { projectId: this.projectId, ...data } };
      const rawBody = JSON.stringify(payload);
      const messageId = newId('msg');
      const timestamp = Math.floor(now.getTime() / 1000).toString();
      const secrets = [
        hook.secret,
        ...hook.previousSecrets.filter((s) => s.expiresAt.getTime() > now.getTime()).map((s) => s.value),
      ];
      const signature = secrets.map((s) => `v1,${signWebhook(s, messageId, timestamp, rawBody)}`).join(' ');
      const headers: Record<string, string> = {
        ...hook.additionalHeaders,
        'content-type': 'application/json',
        'webhook-id': messageId,
        'webhook-timestamp': timestamp,
        'webhook-signature': signature,
      };
      const delivery: EmuWebhookDelivery = {
        webhookId: hook.id,
        messageId,
        url: hook.url,
        type,
        payload,
        rawBody,
        headers,
        sentAt: now,
      };
      this.state.webhookDeliveries.push(delivery);
      const p: Promise<void> = fetch(hook.url, {
        method: 'POST',
        headers,
        body: rawBody,
        signal: this.controller.signal,
      })
        .then(async (res) => {
          delivery.status = res.status;
          await res.arrayBuffer().catch(() => undefined);
        })
        .catch((err: unknown) => {
          delivery.error = err instanceof Error ? err.message : String(err);
        })
        .finally(() => {
          this.pending.delete(p);
        });
      this.pending.add(p);
    }
  }

  /** Resolves once every delivery started so far has finished (answered or failed). */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async close(): Promise<void> {
    this.controller.abort();
    await this.flush();
  }
}
