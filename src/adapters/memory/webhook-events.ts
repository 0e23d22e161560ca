import { WebhookVerificationError } from '../../core/errors.js';
import { type CollabEvent, CollabEventTypeSchema } from '../../core/model/event.js';
import type { VerifiedWebhook } from '../../core/webhooks/types.js';
import type { MemoryChange } from './store.js';

/** The JSON body the embedded provider POSTs to webhook subscriptions. */
export interface MemoryWebhookPayload {
  /** The normalised event type (`thread.created`...). */
  type: MemoryChange['type'];
  /** When the change happened (ISO-8601). */
  occurredAt: string;
  /** The tenant the change happened in. */
  tenantId: string;
  /** Ids of what changed, plus event details (`emoji`, `notificationId`...). */
  data: { roomId?: string; threadId?: string; commentId?: string; userId?: string } & Record<string, unknown>;
}

/** Builds the webhook body of a change. */
export function toWebhookPayload(change: MemoryChange, now: number): MemoryWebhookPayload {
  const data: MemoryWebhookPayload['data'] = { ...change.data };
  if (change.roomId !== undefined) data.roomId = change.roomId;
  if (change.threadId !== undefined) data.threadId = change.threadId;
  if (change.commentId !== undefined) data.commentId = change.commentId;
  if (change.userId !== undefined) data.userId = change.userId;
  return { type: change.type, occurredAt: new Date(now).toISOString(), tenantId: change.tenantId, data };
}

/** Normalises a verified memory webhook into a `CollabEvent`. An unknown type becomes `unknown`, not an error. */
export function toCollabEvent(verified: VerifiedWebhook): CollabEvent {
  let payload: unknown;
  try {
    payload = JSON.parse(verified.body);
  } catch {
    throw new WebhookVerificationError('Webhook body is not JSON', { provider: 'memory', operation: 'webhooks.verify' });
  }
  const p = (typeof payload === 'object' && payload !== null ? payload : {}) as Partial<MemoryWebhookPayload>;
  const type = CollabEventTypeSchema.safeParse(p.type);
  const data = (typeof p.data === 'object' && p.data !== null ? p.data : {}) as MemoryWebhookPayload['data'];
  const occurredAt = typeof p.occurredAt === 'string' && !Number.isNaN(Date.parse(p.occurredAt)) ? new Date(p.occurredAt) : verified.timestamp;
  const event: CollabEvent = { id: verified.id, type: type.success ? type.data : 'unknown', provider: 'memory', occurredAt, raw: payload };
  if (typeof data.roomId === 'string') event.roomId = data.roomId;
  if (typeof data.threadId === 'string') event.threadId = data.threadId;
  if (typeof data.commentId === 'string') event.commentId = data.commentId;
  if (typeof data.userId === 'string') event.userId = data.userId;
  return event;
}
