/**
 * Liveblocks Management API webhooks <-> core webhook subscriptions and event types.
 * @module
 */
import type { CollabEventType, WebhookSubscription } from '../../../core/model/event.js';
import type { LbManagementWebhook, LbWebhookEventType } from '../schemas.js';
import { LB_EVENT_TO_COLLAB } from '../webhook-events.js';

/** The Liveblocks event types a core event type subscribes to (reverse of `LB_EVENT_TO_COLLAB`). */
export const COLLAB_EVENT_TO_LB: ReadonlyMap<CollabEventType, readonly LbWebhookEventType[]> = (() => {
  const out = new Map<CollabEventType, LbWebhookEventType[]>();
  for (const [lb, { type }] of LB_EVENT_TO_COLLAB) {
    let list = out.get(type);
    if (!list) out.set(type, (list = []));
    list.push(lb as LbWebhookEventType);
  }
  return out;
})();

/** Liveblocks `subscribedEvents` for core event types (`comment.edited` also subscribes `commentMetadataUpdated`...). */
export function toLbEvents(events: readonly CollabEventType[]): string[] {
  const out = new Set<string>();
  for (const e of events) for (const lb of COLLAB_EVENT_TO_LB.get(e) ?? []) out.add(lb);
  return [...out];
}

/** Core event types of Liveblocks `subscribedEvents` (unknown types are left out). */
export function fromLbEvents(events: readonly string[]): CollabEventType[] {
  const out = new Set<CollabEventType>();
  for (const e of events) {
    const mapped = LB_EVENT_TO_COLLAB.get(e);
    if (mapped) out.add(mapped.type);
  }
  return [...out];
}

/** The signing secret of a Management API webhook, whichever shape it came in. */
export function webhookSecretOf(w: LbManagementWebhook): string | undefined {
  const s = w.secret;
  return typeof s === 'string' ? s : s?.value;
}

/** A Management API webhook as a `WebhookSubscription`; the secret only when `withSecret` (create), never in `raw`. */
export function toWebhookSubscription(w: LbManagementWebhook, withSecret: boolean): WebhookSubscription {
  const { secret: _secret, ...raw } = w;
  const out: WebhookSubscription = {
    id: w.id,
    url: w.url,
    events: fromLbEvents(w.subscribedEvents),
    // Epoch when absent: the Python SDK models have createdAt, but the field is unconfirmed.
    createdAt: new Date(w.createdAt ?? 0),
    raw,
  };
  if (withSecret) {
    const secret = webhookSecretOf(w);
    if (secret !== undefined) out.secret = secret;
  }
  return out;
}
