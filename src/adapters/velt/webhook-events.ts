/**
 * Velt webhooks (docs/vendors/velt.md §12) normalised to `CollabEvent`, and the mapping between core event
 * types and Velt's advanced-webhook event names used as endpoint `filterTypes`. Pure: verification
 * (which reads headers and secrets) lives in `services/webhooks.ts`.
 *
 * - Basic (V1) webhooks carry `actionType` (`newlyAdded`, `added`, `statusChanged`...) and
 *   `notificationSource` (`comment`, `huddle`, `crdt`, `recorder`) at the top level (§12.1).
 * - Advanced (V2) webhooks carry `event` (`comment_annotation.add`, `comment.add`...) and the payload
 *   under `data` (§12.2), whose `metadata` may nest the ids (`metadata.document.documentId`,
 *   `metadata.organization.organizationId`).
 */
import { nodeCrypto } from '../../core/node-crypto.js';
import { ValidationError } from '../../core/errors.js';
import type { CollabEvent, CollabEventType, WebhookSubscription } from '../../core/model/event.js';
import { redact } from '../../core/redact.js';
import type { VerifiedWebhook } from '../../core/webhooks/index.js';
import { veltDate } from './mappers/threads.js';
import type { VeltWebhookEndpoint } from './schemas.js';
import { idString as str, rec } from '../../core/records.js';

const PROVIDER = 'velt';

/** A status change is a resolution or a reopening depending on the new status type (§7.2). */
export type VeltMappedEventType = CollabEventType | 'status_change';

/** Advanced (V2) event names -> core event types (§12.2). Unlisted events become `unknown`. */
export const ADVANCED_EVENT_TYPES: Readonly<Record<string, VeltMappedEventType>> = {
  'comment_annotation.add': 'thread.created',
  'comment_annotation.status_change': 'status_change',
  'comment.add': 'comment.created',
  'comment.update': 'comment.edited',
  'comment.delete': 'comment.deleted',
  'comment.reaction_add': 'reaction.added',
  'comment.reaction_delete': 'reaction.removed',
  // CRDT data is an editor's Yjs document (docs/vendors/velt-crdt.md), so `document.updated`.
  'crdt.update_data': 'document.updated',
};

/** Basic (V1) `actionType`s -> core event types (§12.1). Unlisted action types become `unknown`. */
export const BASIC_ACTION_TYPES: Readonly<Record<string, VeltMappedEventType>> = {
  newlyAdded: 'thread.created',
  added: 'comment.created',
  updated: 'comment.edited',
  deleted: 'comment.deleted',
  statusChanged: 'status_change',
  reactionAdded: 'reaction.added',
  reactionDeleted: 'reaction.removed',
  updateData: 'document.updated',
};

/** Core event types -> the Velt event names an endpoint must filter on to receive them. */
const FILTER_TYPES: Readonly<Partial<Record<CollabEventType, string>>> = {
  'thread.created': 'comment_annotation.add',
  'thread.resolved': 'comment_annotation.status_change',
  'thread.unresolved': 'comment_annotation.status_change',
  'comment.created': 'comment.add',
  'comment.edited': 'comment.update',
  'comment.deleted': 'comment.delete',
  'reaction.added': 'comment.reaction_add',
  'reaction.removed': 'comment.reaction_delete',
  'document.updated': 'crdt.update_data',
};

/** Endpoint metadata key holding the exact core event types a subscription asked for. */
export const EVENTS_METADATA_KEY = 'unicollabEvents';

/**
 * The Velt `filterTypes` for core event types. Types Velt has no event for (`room.*`, `thread.deleted`,
 * `thread.metadata_updated`, `notification.created`, `user.*`, `storage.updated`) are a `ValidationError` naming `events`.
 */
export function filterTypesFor(events: readonly CollabEventType[], operation: string): string[] {
  const missing = events.filter((e) => FILTER_TYPES[e] === undefined);
  if (missing.length > 0) {
    throw new ValidationError('events', `Velt has no webhook event for ${missing.join(', ')}`, { provider: PROVIDER, operation });
  }
  return [...new Set(events.map((e) => FILTER_TYPES[e]!))];
}

/** The core event types of an endpoint: from its metadata when unicollab created it, else from its `filterTypes`. */
export function eventsOf(endpoint: VeltWebhookEndpoint): CollabEventType[] {
  const stored = endpoint.metadata?.[EVENTS_METADATA_KEY];
  if (typeof stored === 'string' && stored !== '') return [...new Set(stored.split(/[\s,]+/).filter(Boolean))] as CollabEventType[];
  const out = new Set<CollabEventType>();
  for (const [core, velt] of Object.entries(FILTER_TYPES)) {
    if (!endpoint.filterTypes || endpoint.filterTypes.includes(velt)) out.add(core as CollabEventType);
  }
  return [...out];
}

/** An advanced webhook endpoint -> core subscription (never with its secret). */
export function toSubscription(endpoint: VeltWebhookEndpoint): WebhookSubscription {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: eventsOf(endpoint),
    createdAt: veltDate(endpoint.createdAt) ?? new Date(0),
    raw: redact(endpoint),
  };
}

/** Resolves a status change into `thread.resolved` / `thread.unresolved` from the new status type (§7.2). */
function resolveType(mapped: VeltMappedEventType | undefined, payload: Record<string, unknown>): CollabEventType {
  if (mapped === undefined) return 'unknown';
  if (mapped !== 'status_change') return mapped;
  const status = rec(payload.newStatus) ?? rec(rec(payload.commentAnnotation)?.status);
  if (typeof status?.type !== 'string') return 'unknown';
  return status.type === 'terminal' ? 'thread.resolved' : 'thread.unresolved';
}

/** The ids a comment payload can carry. */
type EventIds = Pick<CollabEvent, 'roomId' | 'threadId' | 'commentId' | 'userId' | 'tenantId'>;

/**
 * Room, thread, comment, user and tenant ids of a comment payload (V1 top level, or V2 `data`).
 *
 * V1 `metadata` is flat (`clientDocumentId`, `documentId`, `clientOrganizationId`, `organizationId`;
 * §12.1). Velt's advanced (V2) webhook docs nest them instead: `metadata.document.documentId` and
 * `metadata.organization.organizationId`. UNCONFIRMED beyond those two paths (the reference in
 * docs/vendors/velt.md does not show the nested shape): whether the nested objects also carry
 * `clientDocumentId` / `clientOrganizationId`, and whether their ids are the app's or Velt's
 * internal ones. The app's (`client*`) ids are preferred wherever they appear, then the nested ids,
 * then the flat internal ones.
 */
function idsOf(payload: Record<string, unknown>): EventIds {
  const annotation = rec(payload.commentAnnotation);
  const metadata = rec(payload.metadata) ?? rec(annotation?.metadata);
  const document = rec(metadata?.document);
  const organization = rec(metadata?.organization);
  const annotationMeta = rec(annotation?.metadata);
  const out: EventIds = {};
  // `clientDocumentId` is the id the app chose; `documentId` may be Velt's internal one in some payloads.
  const roomId =
    str(metadata?.clientDocumentId) ??
    str(document?.clientDocumentId) ??
    str(document?.documentId) ??
    str(metadata?.documentId) ??
    str(annotationMeta?.documentId);
  if (roomId) out.roomId = roomId;
  const tenantId =
    str(metadata?.clientOrganizationId) ??
    str(organization?.clientOrganizationId) ??
    str(organization?.organizationId) ??
    str(metadata?.organizationId) ??
    str(annotationMeta?.organizationId);
  if (tenantId) out.tenantId = tenantId;
  const threadId = str(annotation?.annotationId);
  if (threadId) out.threadId = threadId;
  const commentId = str(rec(payload.targetComment)?.commentId);
  if (commentId) out.commentId = commentId;
  const userId = str(rec(payload.actionUser)?.userId);
  if (userId) out.userId = userId;
  return out;
}

/**
 * A basic (V1) webhook payload (already authenticated and base64-decoded) -> `CollabEvent`. Its id is
 * `webhookId` (a hash of the body when absent), its time the target comment's or thread's last update.
 */
export function normaliseBasicWebhook(payload: unknown, rawBody: string): CollabEvent {
  const p = rec(payload) ?? {};
  const type = resolveType(typeof p.actionType === 'string' ? BASIC_ACTION_TYPES[p.actionType] : undefined, p);
  const occurredAt =
    veltDate(rec(p.targetComment)?.lastUpdated) ?? veltDate(rec(p.commentAnnotation)?.lastUpdated) ?? veltDate(rec(p.crdtData)?.lastUpdate) ?? new Date();
  const id = str(p.webhookId) ?? `sha256:${nodeCrypto().createHash('sha256').update(rawBody).digest('hex').slice(0, 32)}`;
  return { id, type, provider: PROVIDER, occurredAt, ...idsOf(p), raw: redact(payload) };
}

/**
 * An advanced (V2) webhook payload (signature verified, base64-decoded) -> `CollabEvent`. Its id is the
 * `webhook-id` header (stable across retries, the dedupe key) and its time the `webhook-timestamp`.
 */
export function normaliseAdvancedWebhook(payload: unknown, verified: VerifiedWebhook): CollabEvent {
  const p = rec(payload) ?? {};
  const data = rec(p.data) ?? {};
  const type = resolveType(typeof p.event === 'string' ? ADVANCED_EVENT_TYPES[p.event] : undefined, data);
  // UNCONFIRMED: the envelope may carry `metadata` beside `data` rather than inside it; ids in `data` win.
  const envelope = rec(p.metadata) ? idsOf({ metadata: p.metadata }) : {};
  return { id: verified.id, type, provider: PROVIDER, occurredAt: verified.timestamp, ...envelope, ...idsOf(data), raw: redact(payload) };
}
