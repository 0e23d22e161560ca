/**
 * Side effects of comment writes: webhook events (velt.md §12) and in-app notifications.
 *
 * DOC: only `commentData[].triggerNotification: true` on /commentannotations/add is documented to
 * emit notifications and webhooks (velt.md §7.3, §15.7). With `webhookTriggers: 'all'` the
 * emulator also emits events for REST replies, edits, deletes and status/assign/priority changes
 * (UNCONFIRMED). Events are always recorded in `state.webhookEvents`; they are POSTed to the
 * configured basic URL / advanced endpoints only with `deliverWebhooks: true`.
 */
import type { Ctx } from '../context.js';
import {
  veltKey,
  type VeltAnnotationRecord,
  type VeltComment,
  type VeltNotificationRecord,
  type VeltUser,
  type VeltWebhookDelivery,
  type VeltWebhookEvent,
} from '../state.js';
import { clone, md5Hex, numericId16, pushId, signStandardWebhook } from '../util.js';

export interface CommentEventInput {
  event: string;
  actionType: string;
  rec: VeltAnnotationRecord;
  actionUser: VeltUser;
  targetComment?: VeltComment;
  extra?: Record<string, unknown>;
  /** true when the event is documented to fire (triggerNotification on annotation add) */
  documented: boolean;
}

export function emitCommentEvent(ctx: Ctx, input: CommentEventInput): void {
  if (!input.documented && ctx.opts.webhookTriggers !== 'all') return;
  const { rec } = input;
  const doc = ctx.state.documents.get(veltKey(rec.organizationId, rec.documentId));
  const metadata: Record<string, unknown> = {
    apiKey: ctx.opts.apiKey,
    clientDocumentId: rec.documentId,
    clientOrganizationId: rec.organizationId,
    documentId: rec.documentId,
    organizationId: rec.organizationId,
  };
  if (doc?.documentName !== undefined) metadata.documentName = doc.documentName;
  const webhookId = pushId(ctx.now(), ctx.rng);
  const common: Record<string, unknown> = {
    actionUser: clone(input.actionUser),
    commentAnnotation: clone(rec.annotation),
    ...(input.targetComment ? { targetComment: clone(input.targetComment) } : {}),
    metadata,
    ...(input.extra ?? {}),
  };
  const payloadV1 = { webhookId, actionType: input.actionType, notificationSource: 'comment', platform: 'sdk', ...common };
  const payloadV2 = {
    event: input.event,
    actionType: input.event.split('.')[1] ?? input.event,
    source: 'comment',
    platform: 'sdk',
    webhookId,
    data: common,
  };
  const ev: VeltWebhookEvent = {
    event: input.event,
    actionType: input.actionType,
    organizationId: rec.organizationId,
    documentId: rec.documentId,
    payloadV1,
    payloadV2,
    deliveries: [],
  };
  ctx.state.webhookEvents.push(ev);
  if (ctx.opts.deliverWebhooks) deliver(ctx, ev);
}

function deliver(ctx: Ctx, ev: VeltWebhookEvent): void {
  const s = ctx.state;
  const cfg = s.webhookConfig.webhookServiceConfig as {
    authToken?: string;
    rawNotificationUrl?: string;
    triggers?: Record<string, boolean>;
  };
  if (s.webhookConfig.useWebhookService && cfg.rawNotificationUrl && cfg.triggers?.[ev.event] !== false) {
    const body = JSON.stringify(ev.payloadV1);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    // DOC §12.1: `Authorization: Basic <authToken>` (raw token)
    if (cfg.authToken) headers.authorization = `Basic ${cfg.authToken}`;
    post(ctx, ev, { target: 'basic', url: cfg.rawNotificationUrl, headers, body });
  }
  if (s.advancedWebhookConfig.isEnabled) {
    for (const ep of s.advancedEndpoints.values()) {
      if (ep.disabled) continue;
      if (ep.filterTypes && !ep.filterTypes.includes(ev.event)) continue;
      const body = JSON.stringify(ev.payloadV2);
      const id = `msg_${md5Hex(ev.payloadV2.webhookId + ep.id).slice(0, 20)}`;
      const ts = Math.floor(ctx.now() / 1000);
      const headers = {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(ts),
        'webhook-signature': signStandardWebhook(ep.secret, id, ts, body),
      };
      post(ctx, ev, { target: 'advanced', url: ep.url, endpointId: ep.id, headers, body });
    }
  }
}

function post(ctx: Ctx, ev: VeltWebhookEvent, d: VeltWebhookDelivery): void {
  ev.deliveries.push(d);
  ctx.background(
    fetch(d.url, { method: 'POST', headers: d.headers, body: d.body })
      .then(async (r) => {
        d.status = r.status;
        await r.arrayBuffer().catch(() => undefined);
      })
      .catch((e: unknown) => {
        d.error = e instanceof Error ? e.message : String(e);
      }),
  );
}

/**
 * In-app notifications for a triggerNotification comment (UNCONFIRMED content): one notification
 * to every tagged user except the author.
 */
export function notifyMentions(ctx: Ctx, rec: VeltAnnotationRecord, comment: VeltComment, actionType: string): void {
  const recipients = [...new Set(comment.taggedUserContacts.map((t) => t.userId))].filter((u) => u !== comment.from.userId);
  if (!recipients.length) return;
  const seed = `${rec.organizationId}/${rec.annotation.annotationId}/${comment.commentId}/${ctx.state.nextSeq()}`;
  const id = numericId16(seed);
  const contacts = new Map(comment.taggedUserContacts.map((t) => [t.userId, t.contact]));
  const n: VeltNotificationRecord = {
    organizationId: rec.organizationId,
    documentId: rec.documentId,
    id,
    seq: ctx.state.nextSeq(),
    recipients,
    readByUserIds: [],
    notification: {
      id,
      notificationSource: 'comment',
      actionType,
      notificationSourceData: clone(rec.annotation),
      actionUser: clone(comment.from),
      displayHeadlineMessageTemplate: '{actionUser} mentioned you in a comment',
      displayHeadlineMessageTemplateData: { actionUser: clone(comment.from) },
      displayBodyMessage: comment.commentText ?? '',
      metadata: { apiKey: ctx.opts.apiKey, documentId: rec.documentId, organizationId: rec.organizationId },
      notifyUsers: Object.fromEntries(
        recipients.map((u) => [md5Hex(String(contacts.get(u)?.email ?? u)), true]),
      ),
      notifyUsersByUserId: Object.fromEntries(recipients.map((u) => [md5Hex(u), true])),
      timestamp: ctx.now(),
      targetAnnotationId: rec.annotation.annotationId,
    },
  };
  ctx.state.notifications.set(veltKey(rec.organizationId, id), n);
}
