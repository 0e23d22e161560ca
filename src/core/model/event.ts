import { z } from 'zod';
import { RawSchema } from './common.js';

/** Every normalised webhook event type. Vendor events without an equivalent become `unknown`. */
export const COLLAB_EVENT_TYPES = [
  'room.created',
  'room.deleted',
  'thread.created',
  'thread.deleted',
  'thread.resolved',
  'thread.unresolved',
  'thread.metadata_updated',
  'comment.created',
  'comment.edited',
  'comment.deleted',
  'reaction.added',
  'reaction.removed',
  'notification.created',
  'user.entered',
  'user.left',
  'storage.updated',
  'document.updated',
  'unknown',
] as const;

/** A normalised webhook event type. */
export const CollabEventTypeSchema = z.enum(COLLAB_EVENT_TYPES);
/** A normalised webhook event type. */
export type CollabEventType = z.infer<typeof CollabEventTypeSchema>;

/** A verified, normalised webhook event. `raw` is the vendor's parsed payload. */
export const CollabEventSchema = z.object({
  id: z.string(),
  type: CollabEventTypeSchema,
  provider: z.string(),
  occurredAt: z.date(),
  roomId: z.string().optional(),
  threadId: z.string().optional(),
  commentId: z.string().optional(),
  userId: z.string().optional(),
  /** The tenant (the vendor's organization) the event belongs to, when the payload names it. */
  tenantId: z.string().optional(),
  raw: RawSchema,
});
/** A verified, normalised webhook event. */
export type CollabEvent = z.infer<typeof CollabEventSchema>;

/** Input of `webhooks.subscriptions.create`. */
export const CreateWebhookSubscriptionInputSchema = z.object({
  url: z.string().url().refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL'),
  events: z.array(CollabEventTypeSchema.exclude(['unknown'])).min(1),
  description: z.string().max(256).optional(),
});
/** Input of `webhooks.subscriptions.create`. */
export type CreateWebhookSubscriptionInput = z.input<typeof CreateWebhookSubscriptionInputSchema>;

/** A webhook subscription: where events are POSTed. */
export interface WebhookSubscription {
  /** The subscription id. */
  id: string;
  /** The endpoint events are POSTed to. */
  url: string;
  /** The event types delivered. */
  events: CollabEventType[];
  /** The signing secret (`whsec_...`), returned only by `create`. */
  secret?: string;
  /** When the subscription was created. */
  createdAt: Date;
  /** The vendor payload (secrets removed). */
  raw: unknown;
}

/** What `webhooks.verify` takes: the request headers and the exact raw body. */
export interface WebhookRequest {
  /**
   * Request headers: a `Headers`, Node's `IncomingHttpHeaders`, a plain record, entries
   * (`[name, value][]`) or Node's flat `rawHeaders` (names are case-insensitive).
   */
  headers: Headers | Record<string, string | string[] | undefined> | ReadonlyArray<readonly [string, string]> | readonly string[];
  /** The raw body exactly as received: a string or the bytes. */
  rawBody: string | Uint8Array;
}
