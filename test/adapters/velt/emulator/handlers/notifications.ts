/** /v2/notifications/* (velt.md §9). */
import { z } from 'zod';
import { VeltApiError, invalidArgument } from '../errors.js';
import {
  capIds,
  hasDocAccess,
  idList,
  optBool,
  optStr,
  pageSizeOf,
  pageSizeSchema,
  pageTokenSchema,
  parse,
  requireDoc,
  requireOrg,
  str,
  success,
  userSchema,
  type Ctx,
  type Handler,
} from '../context.js';
import { veltKey, type VeltNotificationRecord } from '../state.js';
import { clone, md5Hex, numericId16, paginate } from '../util.js';

const add: Handler = (data, ctx) => {
  const req = parse(
    z.strictObject({
      organizationId: str,
      createOrganization: optBool,
      documentId: str,
      createDocument: optBool,
      actionUser: userSchema,
      verifyUserPermissions: optBool,
      notificationId: z.string().regex(/^[A-Za-z0-9_-]+$/, 'notificationId may only contain letters, digits, "_" and "-"').optional(),
      isNotificationResolverUsed: optBool,
      displayHeadlineMessageTemplate: optStr,
      displayHeadlineMessageTemplateData: z.record(z.string(), z.unknown()).optional(),
      displayBodyMessage: optStr,
      displayBodyMessageTemplate: optStr,
      displayBodyMessageTemplateData: z.record(z.string(), z.unknown()).optional(),
      notifyUsers: z.array(userSchema),
      notifyAll: optBool,
      notificationSource: optStr,
      notificationSourceData: z.unknown().optional(),
      context: z.strictObject({ access: z.record(z.string(), z.union([z.string(), z.number()])) }).optional(),
      // Node allowlist fields with no documented content (§9.1): open. `actionUser`/`notifyUsers` are SDK
      // `User`s (open, see context.ts `userSchema`); `context` is `{access}` (§9.1) and strict.
      location: z.looseObject({}).optional(),
      metadata: z.looseObject({}).optional(),
      isCrossOrganizationEnabled: optBool,
    }),
    data,
    ctx,
  );
  if (!req.isNotificationResolverUsed) {
    if (req.displayHeadlineMessageTemplate === undefined) throw invalidArgument('data.displayHeadlineMessageTemplate is required.');
    if (req.displayBodyMessage === undefined) throw invalidArgument('data.displayBodyMessage is required.');
  }
  requireOrg(ctx, req.organizationId, req.createOrganization);
  const doc = requireDoc(ctx, req.organizationId, req.documentId, req.createDocument);
  const id = req.notificationId ?? numericId16(`${ctx.opts.apiKey}/notification/${ctx.state.nextSeq()}/${ctx.rng.next()}`);
  const key = veltKey(req.organizationId, id);
  const existing = ctx.state.notifications.get(key);
  if (existing && ctx.opts.notificationAddExisting === 'error') {
    throw new VeltApiError('ALREADY_EXISTS', 'Notification already exists.');
  }
  // notifyAll defaults to true (DOC §9.1): every org-level user of the organization is a recipient too
  const recipients = new Set(req.notifyUsers.map((u) => u.userId));
  if (req.notifyAll ?? true) for (const u of ctx.state.usersOf(req.organizationId, { kind: 'organization' })) recipients.add(u.userId);
  let list = [...recipients];
  if (req.verifyUserPermissions) {
    list = list.filter((u) => hasDocAccess(ctx, doc, u));
  }
  const emails = new Map(req.notifyUsers.map((u) => [u.userId, u.email]));
  const notification: VeltNotificationRecord['notification'] = {
    id,
    notificationSource: req.notificationSource ?? 'custom',
    notificationSourceData: clone(req.notificationSourceData ?? {}),
    actionUser: clone(req.actionUser),
    metadata: {
      ...(req.metadata ?? {}),
      apiKey: ctx.opts.apiKey,
      documentId: req.documentId,
      organizationId: req.organizationId,
    },
    notifyUsers: Object.fromEntries(list.map((u) => [md5Hex(emails.get(u) ?? u), true])),
    notifyUsersByUserId: Object.fromEntries(list.map((u) => [md5Hex(u), true])),
    timestamp: ctx.now(),
  };
  if (req.displayHeadlineMessageTemplate !== undefined) notification.displayHeadlineMessageTemplate = req.displayHeadlineMessageTemplate;
  if (req.displayHeadlineMessageTemplateData !== undefined) notification.displayHeadlineMessageTemplateData = clone(req.displayHeadlineMessageTemplateData);
  if (req.displayBodyMessage !== undefined) notification.displayBodyMessage = req.displayBodyMessage;
  if (req.displayBodyMessageTemplate !== undefined) notification.displayBodyMessageTemplate = req.displayBodyMessageTemplate;
  if (req.displayBodyMessageTemplateData !== undefined) notification.displayBodyMessageTemplateData = clone(req.displayBodyMessageTemplateData);
  if (req.isNotificationResolverUsed !== undefined) notification.isNotificationResolverUsed = req.isNotificationResolverUsed;
  if (req.context !== undefined) notification.context = clone(req.context);
  if (req.location !== undefined) notification.location = clone(req.location);
  const locationId = req.location && 'id' in req.location ? String(req.location.id) : undefined;
  ctx.state.notifications.set(key, {
    organizationId: req.organizationId,
    documentId: req.documentId,
    id,
    seq: existing?.seq ?? ctx.state.nextSeq(),
    recipients: list,
    readByUserIds: [],
    ...(locationId !== undefined ? { locationId } : {}),
    notification,
  });
  return success('Notification added successfully.', { success: true, message: 'Notification added successfully.' });
};

/** Wire item; read state is UNCONFIRMED (velt.md §9) — returned as `readByUserIds` (and `isUnread` for a userId query). */
function notificationToWire(ctx: Ctx, n: VeltNotificationRecord, userId: string | undefined): Record<string, unknown> {
  const out = clone(n.notification) as Record<string, unknown>;
  if (ctx.opts.exposeNotificationReadState) {
    out.readByUserIds = [...n.readByUserIds];
    if (userId !== undefined) out.isUnread = !n.readByUserIds.includes(userId);
  }
  return out;
}

function scopeFilter(
  req: { organizationId: string; documentId?: string; userId?: string; locationId?: string },
): (n: VeltNotificationRecord) => boolean {
  return (n) =>
    n.organizationId === req.organizationId &&
    (req.documentId === undefined || n.documentId === req.documentId) &&
    (req.userId === undefined || n.recipients.includes(req.userId)) &&
    (req.locationId === undefined || n.locationId === req.locationId);
}

const get: Handler = (data, ctx) => {
  const req = parse(
    z.strictObject({
      organizationId: str,
      documentId: optStr,
      userId: optStr,
      locationId: optStr,
      notificationIds: idList.optional(),
      pageSize: pageSizeSchema,
      pageToken: pageTokenSchema,
      order: z.enum(['asc', 'desc']).optional(),
    }),
    data,
    ctx,
  );
  // "Either pass this or …" (DOC §9.2): at least one of documentId / userId (INF)
  if (req.documentId === undefined && req.userId === undefined) throw invalidArgument('Either documentId or userId must be provided.');
  capIds(ctx, 'notificationIds', req.notificationIds);
  const desc = (req.order ?? 'desc') === 'desc';
  const dir = desc ? -1 : 1;
  const list = [...ctx.state.notifications.values()]
    .filter(scopeFilter(req))
    .filter((n) => !req.notificationIds || req.notificationIds.includes(n.id))
    .sort((a, b) => dir * (a.notification.timestamp - b.notification.timestamp || a.seq - b.seq));
  const page = paginate(list, (n) => [n.notification.timestamp, n.seq], {
    scope: `notifications:${req.organizationId}:${desc ? 'desc' : 'asc'}`,
    pageSize: pageSizeOf(ctx, req.pageSize),
    pageToken: req.pageToken,
    desc,
  });
  // NB: notifications/get answers with `pageToken`, not `nextPageToken` (DOC §1.4)
  return success(
    'Notification(s) retrieved successfully.',
    page.items.map((n) => notificationToWire(ctx, n, req.userId)),
    page.nextToken ? { pageToken: page.nextToken } : {},
  );
};

/** `notifications[]` of /notifications/update (§9.3): every field is listed. */
const notificationUpdateItem = z.strictObject({
  id: str,
  actionUser: userSchema.optional(),
  displayHeadlineMessageTemplate: optStr,
  displayHeadlineMessageTemplateData: z.record(z.string(), z.unknown()).optional(),
  displayBodyMessage: optStr,
  notificationSourceData: z.unknown().optional(),
  readByUserIds: idList.optional(),
  persistReadForUsers: optBool,
});

const update: Handler = (data, ctx) => {
  const req = parse(
    z.strictObject({
      organizationId: str,
      documentId: optStr,
      locationId: optStr,
      userId: optStr,
      verifyUserPermissions: optBool,
      // §9.3/§15.3: typed "object", every example is an array — accept both
      notifications: z.union([z.array(notificationUpdateItem).min(1), notificationUpdateItem]),
    }),
    data,
    ctx,
  );
  const items = Array.isArray(req.notifications) ? req.notifications : [req.notifications];
  const inScope = scopeFilter(req);
  const out: Record<string, unknown> = {};
  for (const item of items) {
    const n = ctx.state.notifications.get(veltKey(req.organizationId, item.id));
    if (!n || !inScope(n) || ctx.state.shouldFailItem(item.id)) {
      out[item.id] = { success: false, message: 'Failed to update notification.' };
      continue;
    }
    const { id: _id, readByUserIds, persistReadForUsers, ...fields } = item;
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) n.notification[k] = clone(v);
    // INF: readByUserIds marks these users as having read it (union, no REST "mark unread")
    if (readByUserIds) n.readByUserIds = [...new Set([...n.readByUserIds, ...readByUserIds])];
    if (persistReadForUsers !== undefined) n.persistReadForUsers = persistReadForUsers;
    out[item.id] = { success: true, message: 'Notification updated.' };
  }
  return success('Notification(s) updated successfully.', out);
};

const del: Handler = (data, ctx) => {
  const req = parse(
    z.strictObject({
      organizationId: str,
      documentId: optStr,
      locationId: optStr,
      userId: optStr,
      notificationIds: idList.optional(),
    }),
    data,
    ctx,
  );
  capIds(ctx, 'notificationIds', req.notificationIds);
  const inScope = scopeFilter(req);
  const out: Record<string, unknown> = {};
  const targets = req.notificationIds
    ? req.notificationIds.map((id) => ({ id, n: ctx.state.notifications.get(veltKey(req.organizationId, id)) }))
    : [...ctx.state.notifications.values()].filter(inScope).map((n) => ({ id: n.id, n }));
  for (const { id, n } of targets) {
    if (!n || !inScope(n) || ctx.state.shouldFailItem(id)) {
      out[id] = { success: false, message: 'Failed to delete notification.' };
      continue;
    }
    if (req.userId !== undefined) {
      // UNCONFIRMED: with userId the notification is removed from that user's feed only
      n.recipients = n.recipients.filter((u) => u !== req.userId);
      if (n.recipients.length === 0) ctx.state.notifications.delete(veltKey(req.organizationId, id));
    } else ctx.state.notifications.delete(veltKey(req.organizationId, id));
    out[id] = { success: true, message: 'Notification deleted.' };
  }
  return success('Notification(s) deleted successfully.', out);
};

const prefSchema = z.enum(['ALL', 'MINE', 'NONE']);

const configGet: Handler = (data, ctx) => {
  const req = parse(
    z.strictObject({ organizationId: str, userId: str, documentIds: idList.optional(), getOrganizationConfig: optBool }),
    data,
    ctx,
  );
  capIds(ctx, 'documentIds', req.documentIds);
  if (!req.documentIds && !req.getOrganizationConfig) throw invalidArgument('data.documentIds is required.');
  const scopes = [...(req.getOrganizationConfig ? [''] : []), ...(req.documentIds ?? [])];
  const out = scopes.map((docId) => {
    const cfg =
      ctx.state.notificationConfigs.get(veltKey(req.organizationId, req.userId, docId)) ??
      ctx.state.notificationConfigs.get(veltKey(req.organizationId, req.userId, '')) ?? { inbox: 'ALL', email: 'ALL' };
    const metadata: Record<string, unknown> = { organizationId: req.organizationId, apiKey: ctx.opts.apiKey, userId: req.userId };
    if (docId) metadata.documentId = docId;
    return { config: { ...cfg }, metadata };
  });
  return success('User config fetched successfully.', out);
};

const configSet: Handler = (data, ctx) => {
  const req = parse(
    z.strictObject({
      organizationId: str,
      userIds: idList.min(1),
      documentIds: idList.optional(),
      config: z.strictObject({ inbox: prefSchema.optional(), email: prefSchema.optional(), slack: prefSchema.optional() }),
    }),
    data,
    ctx,
  );
  capIds(ctx, 'documentIds', req.documentIds);
  const out: Record<string, unknown> = {};
  for (const userId of req.userIds) {
    for (const docId of req.documentIds ?? ['']) {
      const key = veltKey(req.organizationId, userId, docId);
      const prev = ctx.state.notificationConfigs.get(key) ?? {};
      const next: Record<string, string> = { ...prev };
      for (const [k, v] of Object.entries(req.config)) if (v !== undefined) next[k] = v;
      ctx.state.notificationConfigs.set(key, next);
      out[userId] = { success: true, userId, ...(docId ? { documentId: docId } : {}), message: 'User config set successfully.' };
    }
  }
  return success('User config set successfully.', out);
};

export const notificationHandlers: Record<string, Handler> = {
  '/notifications/add': add,
  '/notifications/get': get,
  '/notifications/update': update,
  '/notifications/delete': del,
  '/notifications/config/get': configGet,
  '/notifications/config/set': configSet,
};
