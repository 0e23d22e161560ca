/**
 * Liveblocks webhooks: Standard Webhooks verification (through `core/webhooks`, `node:crypto` HMAC,
 * constant-time compare, keys decoded once) and normalisation of the 18 event types of
 * docs/vendors/liveblocks.md section 1.5 to `CollabEvent`.
 *
 * Unlike `@liveblocks/node`'s `WebhookHandler`, an unknown event type is not an error: the signature
 * is what makes a request trustworthy, and Liveblocks adds event types over time. It becomes `unknown`
 * with the payload in `raw`.
 */
import { WebhookVerificationError } from '../../core/errors.js';
import { parseIsoDate } from '../../core/iso-date.js';
import type { CollabEvent, CollabEventType, WebhookRequest } from '../../core/model/event.js';
import { createStandardWebhookVerifierWith, type VerifiedMessageBuilder } from '../../core/webhooks/standard.js';
import type { VerifiedWebhook } from '../../core/webhooks/types.js';
import type { LbWebhookEventType } from './schemas.js';

/** How one Liveblocks event type normalises: its core type, its timestamp field and the field naming the acting user. */
export interface EventRule {
  type: Exclude<CollabEventType, 'unknown'>;
  at: string;
  /** Fallback timestamp field (`notification`: `triggeredAt`, then `createdAt`). */
  at2?: string;
  user?: string;
}

/**
 * Every Liveblocks event type and its normalisation. `ydocUpdated` is a change of the room's Yjs
 * document (`document.updated`), `storageUpdated` one of its JSON storage (`storage.updated`);
 * `commentMetadataUpdated` has no core type of its own and is an edit of the comment.
 */
export const LB_EVENT_TO_COLLAB: ReadonlyMap<string, EventRule> = new Map<LbWebhookEventType, EventRule>([
  ['storageUpdated', { type: 'storage.updated', at: 'updatedAt' }],
  ['ydocUpdated', { type: 'document.updated', at: 'updatedAt' }],
  ['userEntered', { type: 'user.entered', at: 'enteredAt', user: 'userId' }],
  ['userLeft', { type: 'user.left', at: 'leftAt', user: 'userId' }],
  ['roomCreated', { type: 'room.created', at: 'createdAt' }],
  ['roomDeleted', { type: 'room.deleted', at: 'deletedAt' }],
  ['commentCreated', { type: 'comment.created', at: 'createdAt', user: 'createdBy' }],
  ['commentEdited', { type: 'comment.edited', at: 'editedAt' }],
  ['commentDeleted', { type: 'comment.deleted', at: 'deletedAt' }],
  ['commentMetadataUpdated', { type: 'comment.edited', at: 'updatedAt', user: 'updatedBy' }],
  ['commentReactionAdded', { type: 'reaction.added', at: 'addedAt', user: 'addedBy' }],
  ['commentReactionRemoved', { type: 'reaction.removed', at: 'removedAt', user: 'removedBy' }],
  ['threadCreated', { type: 'thread.created', at: 'createdAt', user: 'createdBy' }],
  ['threadDeleted', { type: 'thread.deleted', at: 'deletedAt' }],
  ['threadMetadataUpdated', { type: 'thread.metadata_updated', at: 'updatedAt', user: 'updatedBy' }],
  ['threadMarkedAsResolved', { type: 'thread.resolved', at: 'updatedAt', user: 'updatedBy' }],
  ['threadMarkedAsUnresolved', { type: 'thread.unresolved', at: 'updatedAt', user: 'updatedBy' }],
  ['notification', { type: 'notification.created', at: 'triggeredAt', at2: 'createdAt', user: 'userId' }],
]);

/** The time of an ISO date field in ms, or NaN when it is absent or not a date. */
function timeOf(value: unknown): number {
  return typeof value === 'string' ? parseIsoDate(value) : NaN;
}


/**
 * Normalises a verified Liveblocks webhook (`{ type, data }`) into a `CollabEvent`. Never throws for
 * an unknown type or missing fields (`unknown`, ids left out, `occurredAt` = the signed timestamp);
 * only a body that is not JSON is rejected, since nothing can be normalised from it.
 *
 * @param verified - The message `core/webhooks` verified (id, timestamp, body).
 * @throws WebhookVerificationError when the body is not JSON.
 */
export function toCollabEvent(verified: VerifiedWebhook): CollabEvent {
  return normalise(verified.id, verified.body, verified.timestamp, 0);
}

/**
 * `toCollabEvent` from the parts a verifier checked, for `createStandardWebhookVerifierWith`: the
 * signed timestamp becomes a Date only when the payload has no date of its own.
 * @internal
 */
export const liveblocksEventOf: VerifiedMessageBuilder<CollabEvent> = (id, timestampSeconds, body) => normalise(id, body, undefined, timestampSeconds);

function normalise(id: string, body: string, signedAt: Date | undefined, signedSeconds: number): CollabEvent {
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    throw new WebhookVerificationError('Liveblocks webhook body is not JSON', { provider: 'liveblocks', operation: 'webhooks.verify' });
  }
  const p = typeof payload === 'object' && payload !== null ? (payload as { type?: unknown; data?: unknown }) : undefined;
  const rule = typeof p?.type === 'string' ? LB_EVENT_TO_COLLAB.get(p.type) : undefined;
  const data = typeof p?.data === 'object' && p.data !== null ? (p.data as Record<string, unknown>) : undefined;
  let at = NaN;
  if (rule !== undefined && data !== undefined) {
    at = timeOf(data[rule.at]);
    if (Number.isNaN(at) && rule.at2 !== undefined) at = timeOf(data[rule.at2]);
  }
  const event: CollabEvent = {
    id,
    type: rule ? rule.type : 'unknown',
    provider: 'liveblocks',
    occurredAt: !Number.isNaN(at) ? new Date(at) : (signedAt ?? new Date(signedSeconds * 1000)),
    raw: payload,
  };
  if (data === undefined) return event;
  if (rule !== undefined && rule.user !== undefined && typeof data[rule.user] === 'string') event.userId = data[rule.user] as string;
  if (typeof data.roomId === 'string') event.roomId = data.roomId;
  if (typeof data.threadId === 'string') event.threadId = data.threadId;
  if (typeof data.commentId === 'string') event.commentId = data.commentId;
  return event;
}

/** Options of `createLiveblocksWebhookVerifier`. */
export interface LiveblocksWebhookVerifierOptions {
  /** Signing secrets (`whsec_...`); a signature by any of them passes (rotation). */
  secrets: readonly string[];
  /** Allowed clock skew in seconds (default 300, as `@liveblocks/node`). */
  toleranceSeconds?: number;
  /** Clock in ms (tests); read on every call. */
  now?: number | (() => number);
}

/**
 * Builds a Liveblocks webhook verifier with the secrets decoded once: verify the signature, then
 * normalise. Use it directly in an edge or serverless handler that has no collab, or through
 * `collab.webhooks.verify`, which uses the same code.
 *
 * ```ts
 * const verify = createLiveblocksWebhookVerifier({ secrets: [process.env.LIVEBLOCKS_WEBHOOK_SECRET!] });
 * const event = verify({ headers: req.headers, rawBody });   // throws WebhookVerificationError
 * ```
 *
 * @throws ConfigError when a secret is not `whsec_<base64>` (at build time, not per request).
 */
export function createLiveblocksWebhookVerifier(options: LiveblocksWebhookVerifierOptions): (request: WebhookRequest) => CollabEvent {
  return createStandardWebhookVerifierWith({ ...options, provider: 'liveblocks' }, liveblocksEventOf);
}
