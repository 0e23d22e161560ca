/**
 * /v2/commentannotations/* (threads) and /v2/commentannotations/comments/* (messages), velt.md §7.
 * Reactions are read-only here (velt.md §8); seed them with `state.addReaction`.
 */
import { z } from 'zod';
import { VeltApiError, invalidArgument, notFound, permissionDenied } from '../errors.js';
import {
  capIds,
  expandUser,
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
import {
  veltKey,
  type VeltAnnotationRecord,
  type VeltComment,
  type VeltCommentAnnotation,
  type VeltStatus,
  type VeltUser,
} from '../state.js';
import { clone, locationHash, md5Hex, paginate, pushId } from '../util.js';
import { emitCommentEvent, notifyMentions } from './events.js';

// ------------------------------------------------------------------ schemas

// Every object whose fields velt.md lists is strict (`z.strictObject`), nested ones included; `parse`
// (context.ts) turns an unknown key into 400 INVALID_ARGUMENT, or drops it when `rejectUnknownFields: false`.
// Open on purpose, with the reference's reason: `context` ("your metadata", §7.1), `location`
// ("{id?, locationName?, version?, …any}", §7.1), `suggestion` ("…custom", §7.1), and user references
// (`userSchema`, see context.ts).

/** Object schema for listed fields: always strict (`parse` drops unknown keys when `rejectUnknownFields` is off). */
function obj<T extends z.ZodRawShape>(_ctx: Ctx, shape: T) {
  return z.strictObject(shape);
}

/** CustomStatus `{id, name, type, color, lightColor, svg?, iconUrl?}` (§7.1, §7.3, §7.6). */
const statusSchema = z.strictObject({
  id: str,
  name: str,
  type: z.enum(['default', 'ongoing', 'terminal']),
  color: optStr,
  lightColor: optStr,
  svg: optStr,
  iconUrl: optStr,
});
/** CustomPriority `{id, name, color, lightColor}` (§7.1, §7.3, §7.6). */
const prioritySchema = z.strictObject({ id: str, name: str, color: optStr, lightColor: optStr });
/** `taggedUserContacts[]`: `{userId, contact: User, text?}` (§7.1, §7.3; `text` required in §7.8). */
const taggedContactSchema = z.strictObject({ userId: str, contact: userSchema, text: optStr });
const taggedContactWithTextSchema = z.strictObject({ userId: str, contact: userSchema, text: z.string() });
/** Attachment (§7.1, §7.8); its `metadata` has no documented fields, so it stays open. */
const attachmentSchema = z.strictObject({
  attachmentId: z.number(),
  name: optStr,
  bucketPath: optStr,
  size: z.number().optional(),
  type: optStr,
  url: optStr,
  thumbnail: optStr,
  mimeType: optStr,
  metadata: z.unknown().optional(),
});
/** `context`: "your metadata" (§7.1), free-form by definition. */
const contextSchema = z.record(z.string(), z.unknown());
/** Agent `reason` (§7.3): every field is listed. */
const agentReasonSchema = z.strictObject({
  title: z.string(),
  description: z.string(),
  severity: z.enum(['critical', 'high', 'medium', 'low', 'info']),
  findingId: optStr,
  findingType: z.enum(['text', 'pin', 'page']).optional(),
  issueType: optStr,
  confidence: z.number().min(0).max(100).optional(),
  suggestion: optStr,
  suggestedFix: optStr,
  htmlSnippet: optStr,
  htmlSelector: optStr,
  source: z.enum(['instructions', 'knowledge']).optional(),
  knowledgeSection: optStr,
});
/** `agent` (§7.3): `{agentSource, agentId, executionId?, agentName?, url?, reason}`. */
const agentSchema = z.strictObject({
  agentSource: z.enum(['velt', 'external']),
  agentId: str,
  executionId: optStr,
  agentName: optStr,
  url: optStr,
  reason: agentReasonSchema.optional(),
});
/** `targetElement` on add (§7.3): `{elementId?, targetText?, occurrence?, selectAllContent?}`. */
const targetElementSchema = z.strictObject({
  elementId: optStr,
  targetText: optStr,
  occurrence: z.number().optional(),
  selectAllContent: optBool,
});
/** `location` (§7.1): `{id?, locationName?, version?, …any}`: open by definition. */
const locationSchema = z.looseObject({ id: z.union([str, z.number()]), locationName: optStr });
/** Annotation fields the Node SDK allowlist accepts besides the documented ones (§7.3); stored as sent. */
const NODE_ALLOWLIST_EXTRAS = [
  'pageInfo',
  'isPageAnnotation',
  'positionX',
  'positionY',
  'screenWidth',
  'screenHeight',
  'screenScrollHeight',
  'screenScrollTop',
] as const;
const commentIdSchema = z.number().int().positive();
const timestampMs = z.number().int().nonnegative();

function commentInputShape(opts: { annotationAdd: boolean }) {
  return {
    commentId: commentIdSchema.optional(),
    commentText: optStr,
    commentHtml: optStr,
    from: userSchema,
    context: contextSchema.optional(),
    isCommentResolverUsed: optBool,
    isCommentTextAvailable: optBool,
    createdAt: timestampMs.optional(),
    lastUpdated: timestampMs.optional(),
    taggedUserContacts: z.array(opts.annotationAdd ? taggedContactSchema : taggedContactWithTextSchema).optional(),
    attachments: z.array(attachmentSchema).optional(),
    agent: agentSchema.optional(),
    ...(opts.annotationAdd ? { triggerNotification: optBool, triggerActivities: optBool } : {}),
  };
}
type CommentInput = {
  commentId?: number;
  commentText?: string;
  commentHtml?: string;
  from: VeltUser;
  context?: Record<string, unknown>;
  isCommentResolverUsed?: boolean;
  isCommentTextAvailable?: boolean;
  createdAt?: number;
  lastUpdated?: number;
  taggedUserContacts?: Array<{ userId: string; contact: VeltUser; text?: string }>;
  attachments?: unknown[];
  agent?: Record<string, unknown>;
  triggerNotification?: boolean;
  triggerActivities?: boolean;
};

/** `visibility` (§7.3): `{type, organizationId?, userIds?}` (+ `organizationIds`, §7.1 visibilityConfig). */
const visibilitySchema = z
  .strictObject({
    type: z.enum(['public', 'organizationPrivate', 'restricted']),
    organizationId: optStr,
    organizationIds: z.array(str).optional(),
    userIds: z.array(str).optional(),
  })
  .superRefine((v, c) => {
    if (v.type === 'organizationPrivate' && !v.organizationId) {
      c.addIssue({ code: 'custom', message: 'organizationId is required for organizationPrivate visibility', path: ['organizationId'] });
    }
    if (v.type === 'restricted' && !v.userIds?.length) {
      c.addIssue({ code: 'custom', message: 'userIds must be a non-empty array for restricted visibility', path: ['userIds'] });
    }
  });

function annotationInputSchema(ctx: Ctx) {
  // `commentAnnotations[]` (§7.3): the documented fields plus the Node SDK allowlist extras.
  return z.strictObject({
    annotationId: str.refine((s) => !s.includes(':'), 'annotationId cannot contain ":"').optional(),
    location: locationSchema.optional(),
    targetElement: targetElementSchema.optional(),
    commentData: z.array(obj(ctx, commentInputShape({ annotationAdd: true }))).min(1).optional(),
    comments: z.array(obj(ctx, commentInputShape({ annotationAdd: true }))).min(1).optional(),
    status: statusSchema.optional(),
    assignedTo: userSchema.optional(),
    context: contextSchema.optional(),
    createdAt: timestampMs.optional(),
    lastUpdated: timestampMs.optional(),
    priority: prioritySchema.optional(),
    type: z.enum(['comment', 'suggestion']).optional(),
    suggestion: z.looseObject({}).optional(),
    commentType: z.enum(['manual', 'chart', 'suggestion']).optional(),
    visibility: visibilitySchema.optional(),
    ...Object.fromEntries(NODE_ALLOWLIST_EXTRAS.map((k) => [k, z.unknown().optional()])),
  });
}

// ------------------------------------------------------------------ builders

/** Default status (velt.md §7.1). */
export const DEFAULT_STATUS: VeltStatus = {
  id: 'OPEN',
  name: 'Open',
  type: 'default',
  color: 'var(--velt-accent, #625DF5)',
  lightColor: 'var(--velt-accent-light, #E7E8FA)',
  svg: '<svg width="12" height="12" viewBox="0 0 12 12"><circle cx="6" cy="6" r="5" fill="currentColor"/></svg>',
};

function withStatusDefaults(s: z.infer<typeof statusSchema>): VeltStatus {
  const out = { ...s } as VeltStatus;
  out.color ??= s.type === 'terminal' ? '#00C48C' : s.type === 'ongoing' ? '#FF7162' : DEFAULT_STATUS.color!;
  out.lightColor ??= s.type === 'terminal' ? '#E6FAF4' : s.type === 'ongoing' ? '#FFF0EF' : DEFAULT_STATUS.lightColor!;
  return out;
}

function accessContext(context: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(context ?? {}) };
  const access = (out.access as Record<string, unknown> | undefined) ?? { default: 'velt' };
  out.access = access;
  out.accessFields = Object.entries(access).map(([k, v]) => `${k}:${String(v)}`);
  return out;
}

function nextCommentId(ctx: Ctx, taken: Set<number>): number {
  for (;;) {
    const id = ctx.rng.int(100000, 1000000);
    if (!ctx.state.usedCommentIds.has(id) && !taken.has(id)) {
      ctx.state.usedCommentIds.add(id);
      return id;
    }
  }
}

/**
 * Self-hosted mode (`selfHosted`, docs/vendors/velt-self-hosting.md §1.9): what Velt keeps of a comment
 * written with `isCommentResolverUsed: true`. Text or HTML sent with the flag is rejected (400) or stripped:
 * GUESS, the reference leaves it UNCONFIRMED (§5.6). Either way Velt's side never holds it.
 */
function selfHostedContent(ctx: Ctx, input: { isCommentResolverUsed?: boolean; commentText?: string; commentHtml?: string }): void {
  if (!ctx.opts.selfHosted || input.isCommentResolverUsed !== true) return;
  if (input.commentText === undefined && input.commentHtml === undefined) return;
  if (ctx.opts.selfHosted === 'reject') throw invalidArgument('commentText/commentHtml cannot be sent with isCommentResolverUsed: true (self-hosted organization).');
  delete input.commentText;
  delete input.commentHtml;
}

/** Self-hosted mode: a user object stored at Velt shrinks to `{ userId }` (§1.9, with a user provider). */
function shrinkUsers(c: VeltComment): void {
  c.from = { userId: c.from.userId };
  c.to = c.to.map((u) => ({ userId: u.userId }));
  c.taggedUserContacts = c.taggedUserContacts.map((t) => ({ ...t, contact: { userId: t.userId } }));
}

function buildComment(ctx: Ctx, organizationId: string, input: CommentInput, taken: Set<number>): VeltComment {
  selfHostedContent(ctx, input);
  if (input.commentId !== undefined && taken.has(input.commentId)) {
    throw invalidArgument(`commentId ${input.commentId} already exists in this annotation.`);
  }
  const commentId = input.commentId ?? nextCommentId(ctx, taken);
  taken.add(commentId);
  ctx.state.usedCommentIds.add(commentId);
  const now = ctx.now();
  const tagged = (input.taggedUserContacts ?? []).map((t) => ({ ...t, contact: { ...t.contact } }));
  const c: VeltComment = {
    commentId,
    type: 'text',
    status: 'added',
    from: expandUser(ctx, organizationId, input.from),
    to: tagged.map((t) => ({ ...t.contact, userId: t.userId })),
    taggedUserContacts: tagged,
    toOrganizationUserGroup: [],
    attachments: input.attachments ? clone(input.attachments) : [],
    recorders: [],
    customList: [],
    reactionAnnotationIds: [],
    reactionAnnotations: [],
    isDraft: false,
    isCommentTextAvailable: input.isCommentTextAvailable ?? true,
    createdAt: input.createdAt ?? now,
    lastUpdated: new Date(input.lastUpdated ?? now).toISOString(),
  };
  if (input.commentText !== undefined) c.commentText = input.commentText;
  if (input.commentHtml !== undefined) c.commentHtml = input.commentHtml;
  if (input.context !== undefined) c.context = clone(input.context);
  if (input.isCommentResolverUsed !== undefined) c.isCommentResolverUsed = input.isCommentResolverUsed;
  if (ctx.opts.selfHosted && c.isCommentResolverUsed === true) shrinkUsers(c);
  if (input.agent) {
    c.agent = clone(input.agent);
    c.sourceType = 'agent';
  }
  return c;
}

function recomputeDerived(a: VeltCommentAnnotation): void {
  const mentioned = new Set<string>();
  const involved = new Set<string>([a.from.userId]);
  for (const c of a.comments) {
    involved.add(c.from.userId);
    for (const t of c.taggedUserContacts) {
      mentioned.add(t.userId);
      involved.add(t.userId);
    }
  }
  if (a.assignedTo) involved.add(a.assignedTo.userId);
  a.mentionedUserIds = [...mentioned];
  a.involvedUserIds = [...involved];
  for (const uid of involved) {
    const key = md5Hex(uid);
    if (!a.subscribedUsers[key] && !a.unsubscribedUsers[key]) a.subscribedUsers[key] = { user: { userId: uid }, type: 'auto' };
  }
}

/** Wire form for get endpoints: adds `annotationIndex` (1-based position in the document, INF). */
function annotationToWire(ctx: Ctx, rec: VeltAnnotationRecord): Record<string, unknown> {
  const siblings = ctx.state.annotationsOf(rec.organizationId, rec.documentId);
  const out = clone(rec.annotation) as Record<string, unknown>;
  return { ...out, annotationIndex: siblings.findIndex((s) => s === rec) + 1 };
}

function annotationsOfScope(ctx: Ctx, organizationId: string | undefined, documentId: string): VeltAnnotationRecord[] {
  return [...ctx.state.annotations.values()]
    .filter((a) => a.documentId === documentId && (organizationId === undefined || a.organizationId === organizationId))
    .sort((a, b) => a.seq - b.seq);
}

const isTerminal = (a: VeltCommentAnnotation): boolean => a.status.type === 'terminal';

// ------------------------------------------------------------------ /commentannotations/add

const add: Handler = (data, ctx) => {
  const req = parse(
    z.object({
      organizationId: str,
      documentId: str,
      createOrganization: optBool,
      createDocument: optBool,
      verifyUserPermissions: optBool,
      commentAnnotations: z.array(annotationInputSchema(ctx)).min(1),
    }),
    data,
    ctx,
  );
  req.commentAnnotations.forEach((a, i) => {
    if (!a.commentData && !a.comments) throw invalidArgument(`data.commentAnnotations[${i}].commentData is required.`);
  });
  requireOrg(ctx, req.organizationId, req.createOrganization);
  const doc = requireDoc(ctx, req.organizationId, req.documentId, req.createDocument);
  const out: Record<string, Record<string, unknown>> = {};
  let denied = false;
  let failed = false;
  let duplicate = false;
  const created: Array<{ rec: VeltAnnotationRecord; inputs: CommentInput[] }> = [];
  req.commentAnnotations.forEach((input, index) => {
    const commentInputs = (input.commentData ?? input.comments) as CommentInput[];
    const key = input.annotationId ?? `__velt_denied:${index}`;
    if (req.verifyUserPermissions && !hasDocAccess(ctx, doc, commentInputs[0]!.from.userId)) {
      denied = true;
      out[key] = { success: false, message: 'User does not have access to the document.' };
      return;
    }
    if (input.annotationId !== undefined && ctx.state.shouldFailItem(input.annotationId)) {
      failed = true;
      out[key] = { success: false, annotationId: input.annotationId, message: 'Failed to add annotation.' };
      return;
    }
    const annotationId = input.annotationId ?? pushId(ctx.now(), ctx.rng);
    const mapKey = veltKey(req.organizationId, req.documentId, annotationId);
    if (ctx.state.annotations.has(mapKey) && ctx.opts.annotationAddExisting === 'error') {
      duplicate = true;
      out[annotationId] = { success: false, annotationId, message: 'Annotation already exists.' };
      return;
    }
    const taken = new Set<number>();
    const comments = commentInputs.map((c) => buildComment(ctx, req.organizationId, c, taken));
    const now = ctx.now();
    const docKey = veltKey(req.organizationId, req.documentId);
    const number = (ctx.state.annotationNumbers.get(docKey) ?? 0) + 1;
    ctx.state.annotationNumbers.set(docKey, number);
    const ann: VeltCommentAnnotation = {
      annotationId,
      annotationNumber: number,
      type: input.type ?? 'comment',
      commentType: input.commentType ?? 'manual',
      sourceType: commentInputs[0]!.agent ? 'agent' : 'rest-api',
      status: input.status ? withStatusDefaults(input.status) : { ...DEFAULT_STATUS },
      from: comments[0]!.from,
      comments,
      context: accessContext(input.context),
      visibilityConfig: input.visibility ? clone(input.visibility) : { type: 'public' },
      metadata: { apiKey: ctx.opts.apiKey, organizationId: req.organizationId, documentId: req.documentId },
      subscribedUsers: {},
      unsubscribedUsers: {},
      subscribedGroups: {},
      customList: [],
      statusUpdatedByUserId: null,
      hasDraftComments: false,
      createdAt: input.createdAt ?? now,
      lastUpdated: input.lastUpdated ?? now,
      involvedUserIds: [],
      mentionedUserIds: [],
    };
    for (const k of NODE_ALLOWLIST_EXTRAS) {
      const v = (input as Record<string, unknown>)[k];
      if (v !== undefined) ann[k] = clone(v); // Node allowlist extras (pageInfo, positionX, ...)
    }
    if (input.location) {
      ann.location = clone(input.location);
      ann.locationId = locationHash(input.location);
    }
    if (input.targetElement) ann.targetElement = clone(input.targetElement);
    if (input.priority) ann.priority = clone(input.priority);
    if (input.assignedTo) ann.assignedTo = expandUser(ctx, req.organizationId, input.assignedTo);
    if (input.type === 'suggestion') ann.suggestion = { ...(input.suggestion ?? {}), status: 'pending' };
    if (commentInputs[0]!.agent) ann.agent = { agentType: 'custom', ...clone(commentInputs[0]!.agent) };
    if (ctx.opts.maintainDeprecatedResolvedFlag) ann.resolved = isTerminal(ann);
    recomputeDerived(ann);
    const rec: VeltAnnotationRecord = {
      organizationId: req.organizationId,
      documentId: req.documentId,
      seq: ctx.state.nextSeq(),
      viewedByUserIds: new Set(),
      annotation: ann,
    };
    ctx.state.annotations.set(mapKey, rec);
    created.push({ rec, inputs: commentInputs });
    const entry: Record<string, unknown> = {
      success: true,
      annotationId,
      commentIds: comments.map((c) => c.commentId),
      message: 'Added Successfully',
    };
    const findingId = (commentInputs[0]!.agent?.reason as { findingId?: unknown } | undefined)?.findingId;
    if (findingId !== undefined) entry.findingId = findingId;
    out[annotationId] = entry;
  });
  for (const { rec, inputs } of created) {
    const a = rec.annotation;
    const triggered = inputs.some((c) => c.triggerNotification === true);
    a.comments.forEach((c, i) => {
      if (inputs[i]?.triggerNotification) notifyMentions(ctx, rec, c, i === 0 ? 'newlyAdded' : 'added');
    });
    emitCommentEvent(ctx, {
      event: 'comment_annotation.add',
      actionType: 'newlyAdded',
      rec,
      actionUser: a.from,
      targetComment: a.comments[0]!,
      documented: triggered,
    });
  }
  if (denied || failed || duplicate) {
    const status = denied ? 'PERMISSION_DENIED' : failed ? 'INTERNAL' : 'ALREADY_EXISTS';
    throw new VeltApiError(status, 'Error adding comment annotation(s).', out);
  }
  return success('Comment Annotation(s) added successfully.', out);
};

// ------------------------------------------------------------------ /commentannotations/get

const AGENT_FILTERS = ['agentId', 'executionId', 'agentType', 'agentSource', 'agentSuggestions', 'agentComments'] as const;

function agentOf(a: VeltCommentAnnotation): Record<string, unknown> | undefined {
  return a.agent ?? a.comments[0]?.agent;
}

const get: Handler = (data, ctx) => {
  const req = parse(
    z.object({
      organizationId: str,
      documentId: optStr,
      documentIds: idList.optional(),
      groupByDocumentId: optBool,
      folderId: optStr,
      locationIds: z.array(z.union([str, z.number()])).optional(),
      annotationIds: idList.optional(),
      userIds: idList.optional(),
      mentionedUserIds: idList.optional(),
      resolvedBy: optStr,
      statusIds: idList.optional(),
      statusId: optStr,
      updatedAfter: timestampMs.optional(),
      updatedBefore: timestampMs.optional(),
      createdAfter: timestampMs.optional(),
      createdBefore: timestampMs.optional(),
      order: z.enum(['asc', 'desc']).optional(),
      agentId: optStr,
      executionId: optStr,
      agentType: z.enum(['built-in', 'custom', 'external']).optional(),
      agentSource: z.enum(['velt', 'external']).optional(),
      agentSuggestions: optBool,
      agentComments: optBool,
      pageSize: pageSizeSchema,
      pageToken: pageTokenSchema,
    }),
    data,
    ctx,
  );
  capIds(ctx, 'documentIds', req.documentIds);
  capIds(ctx, 'locationIds', req.locationIds);
  capIds(ctx, 'annotationIds', req.annotationIds);
  capIds(ctx, 'userIds', req.userIds);
  const agentFilters = AGENT_FILTERS.filter((k) => req[k] !== undefined);
  if (agentFilters.length > 1) throw invalidArgument(`Only one agent filter may be used per request (got ${agentFilters.join(', ')}).`);

  let docIds: Set<string> | undefined;
  if (req.documentId !== undefined || req.documentIds !== undefined) {
    docIds = new Set([...(req.documentId !== undefined ? [req.documentId] : []), ...(req.documentIds ?? [])]);
  } else if (req.folderId !== undefined) {
    docIds = new Set(
      ctx.state.documentsOf(req.organizationId).filter((d) => d.folderId === req.folderId).map((d) => d.documentId),
    );
  }
  const statusIds = req.statusIds ?? (req.statusId !== undefined ? [req.statusId] : undefined);
  const matches = (r: VeltAnnotationRecord): boolean => {
    const a = r.annotation;
    if (r.organizationId !== req.organizationId) return false;
    if (docIds && !docIds.has(r.documentId)) return false;
    if (req.locationIds && !req.locationIds.map(String).includes(String(a.location?.id))) return false;
    if (req.userIds && !req.userIds.includes(a.from.userId)) return false;
    if (req.mentionedUserIds && !req.mentionedUserIds.some((u) => a.mentionedUserIds.includes(u))) return false;
    if (req.resolvedBy !== undefined && a.resolvedByUserId !== req.resolvedBy) return false;
    if (statusIds && !statusIds.includes(a.status.id)) return false;
    if (req.updatedAfter !== undefined && !(a.lastUpdated > req.updatedAfter)) return false;
    if (req.updatedBefore !== undefined && !(a.lastUpdated < req.updatedBefore)) return false;
    if (req.createdAfter !== undefined && !(a.createdAt > req.createdAfter)) return false;
    if (req.createdBefore !== undefined && !(a.createdAt < req.createdBefore)) return false;
    const agent = agentOf(a);
    if (req.agentId !== undefined && agent?.agentId !== req.agentId) return false;
    if (req.executionId !== undefined && agent?.executionId !== req.executionId) return false;
    if (req.agentType !== undefined && agent?.agentType !== req.agentType) return false;
    if (req.agentSource !== undefined && agent?.agentSource !== req.agentSource) return false;
    if (req.agentComments !== undefined && Boolean(agent) !== req.agentComments) return false;
    if (req.agentSuggestions !== undefined && (a.type === 'suggestion' && a.suggestion?.status === 'pending' && !!agent) !== req.agentSuggestions) return false;
    return true;
  };
  const pageSize = pageSizeOf(ctx, req.pageSize);
  const desc = (req.order ?? 'desc') === 'desc';

  let items: Array<VeltAnnotationRecord | null>;
  let nextToken: string | undefined;
  if (req.annotationIds) {
    // position-preserving; `null` for ids that do not exist (velt.md §7.4 INF)
    const list = req.annotationIds
      .map((id, idx) => {
        const rec = [...ctx.state.annotations.values()].find(
          (r) => r.organizationId === req.organizationId && r.annotation.annotationId === id,
        );
        if (!rec) return { idx, rec: null };
        return matches(rec) ? { idx, rec } : undefined;
      })
      .filter((x): x is { idx: number; rec: VeltAnnotationRecord | null } => x !== undefined);
    const page = paginate(list, (x) => [x.idx], { scope: `annotations:${req.organizationId}:ids`, pageSize, pageToken: req.pageToken });
    items = page.items.map((x) => x.rec);
    nextToken = page.nextToken;
  } else {
    const list = [...ctx.state.annotations.values()].filter(matches);
    const dir = desc ? -1 : 1;
    list.sort((a, b) => dir * (a.annotation.lastUpdated - b.annotation.lastUpdated || a.seq - b.seq));
    const page = paginate(list, (r) => [r.annotation.lastUpdated, r.seq], {
      scope: `annotations:${req.organizationId}:${desc ? 'desc' : 'asc'}`,
      pageSize,
      pageToken: req.pageToken,
      desc,
    });
    items = page.items;
    nextToken = page.nextToken;
  }
  const extra = nextToken ? { nextPageToken: nextToken } : {};
  if (req.groupByDocumentId) {
    const grouped: Record<string, unknown[]> = {};
    for (const r of items) if (r) (grouped[r.documentId] ??= []).push(annotationToWire(ctx, r));
    return success('Annotations fetched successfully.', grouped, extra);
  }
  return success('Annotation(s) fetched successfully.', items.map((r) => (r ? annotationToWire(ctx, r) : null)), extra);
};

// ------------------------------------------------------------------ /commentannotations/count/get

const count: Handler = (data, ctx) => {
  const req = parse(
    z.object({
      organizationId: str,
      documentIds: idList.min(1),
      userId: str,
      statusIds: idList.optional(),
      agentId: optStr,
      executionId: optStr,
      agentType: optStr,
      agentSource: optStr,
      agentSuggestions: optBool,
      agentComments: optBool,
    }),
    data,
    ctx,
  );
  capIds(ctx, 'documentIds', req.documentIds);
  const out: Record<string, { total: number; unread: number }> = {};
  for (const docId of req.documentIds) {
    let list = annotationsOfScope(ctx, req.organizationId, docId);
    if (req.statusIds) list = list.filter((r) => req.statusIds!.includes(r.annotation.status.id));
    else if (!ctx.opts.countIncludesTerminal) list = list.filter((r) => !isTerminal(r.annotation));
    // UNCONFIRMED definition of unread: not viewed by the user and not created by the user
    const unread = list.filter((r) => !r.viewedByUserIds.has(req.userId) && r.annotation.from.userId !== req.userId).length;
    out[docId] = { total: list.length, unread };
  }
  return success('Comment count retrieved successfully.', out);
};

// ------------------------------------------------------------------ /commentannotations/update

function updatedDataSchema(ctx: Ctx) {
  return obj(ctx, {
    location: z.looseObject({}).optional(),
    targetElement: targetElementSchema.optional(),
    from: userSchema.optional(),
    status: statusSchema.optional(),
    statusUpdatedByUserId: z.string().nullable().optional(),
    resolvedByUserId: z.string().nullable().optional(),
    assignedTo: userSchema.nullable().optional(),
    context: contextSchema.optional(),
    priority: prioritySchema.nullable().optional(),
    suggestion: z.looseObject({ status: z.enum(['pending', 'accepted', 'rejected']).optional() }).optional(),
    visibility: visibilitySchema.optional(),
    createdAt: timestampMs.optional(),
    lastUpdated: timestampMs.optional(),
  });
}

/** `updateUsers[].oldUser/newUser`: `{userId, name?, email?}` (§7.6). */
const userRefSchema = z.strictObject({ userId: str, name: optStr, email: optStr });

function rewriteUsers(value: unknown, oldId: string, newUser: VeltUser): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteUsers(v, oldId, newUser));
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const next: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) next[k] = rewriteUsers(v, oldId, newUser);
    if (o.userId === oldId) Object.assign(next, newUser);
    return next;
  }
  return value;
}

const update: Handler = (data, ctx) => {
  const ud = updatedDataSchema(ctx);
  const req = parse(
    z.object({
      organizationId: str,
      documentId: str,
      locationIds: z.array(z.union([str, z.number()])).optional(),
      userIds: idList.optional(),
      annotationIds: idList.optional(),
      // docs-bug §7.6/§15.3: object in every example, `object[]` in the param table — accept both
      updatedData: z.union([ud, z.array(ud)]).optional(),
      updateUsers: z.array(z.strictObject({ oldUser: userRefSchema, newUser: userRefSchema })).optional(),
    }),
    data,
    ctx,
  );
  if (!req.updatedData && !req.updateUsers) throw invalidArgument('Either updatedData or updateUsers must be provided.');
  capIds(ctx, 'annotationIds', req.annotationIds);
  capIds(ctx, 'locationIds', req.locationIds);
  capIds(ctx, 'userIds', req.userIds);
  const patches = req.updatedData === undefined ? [] : Array.isArray(req.updatedData) ? req.updatedData : [req.updatedData];
  const inDoc = annotationsOfScope(ctx, req.organizationId, req.documentId);
  const selected = inDoc.filter(
    (r) =>
      (!req.annotationIds || req.annotationIds.includes(r.annotation.annotationId)) &&
      (!req.locationIds || req.locationIds.map(String).includes(String(r.annotation.location?.id))) &&
      (!req.userIds || req.userIds.includes(r.annotation.from.userId)),
  );
  const out: Record<string, unknown> = {};
  for (const id of req.annotationIds ?? []) {
    if (!selected.some((r) => r.annotation.annotationId === id)) out[id] = { success: false, id, message: 'Annotation not found.' };
  }
  for (const rec of selected) {
    const a = rec.annotation;
    const id = a.annotationId;
    if (ctx.state.shouldFailItem(id)) {
      out[id] = { success: false, id, message: 'Failed to update annotation.' };
      continue;
    }
    const oldStatus = clone(a.status);
    const oldAssigned = a.assignedTo?.userId;
    const oldPriority = a.priority?.id;
    let explicitLastUpdated: number | undefined;
    for (const p of patches) {
      if (p.location) {
        a.location = clone(p.location);
        a.locationId = locationHash(p.location);
      }
      if (p.targetElement) a.targetElement = clone(p.targetElement);
      if (p.from) a.from = expandUser(ctx, req.organizationId, p.from);
      if (p.context) a.context = accessContext(p.context);
      if (p.priority !== undefined) {
        if (p.priority === null) delete a.priority;
        else a.priority = clone(p.priority);
      }
      if (p.assignedTo !== undefined) {
        if (p.assignedTo === null) delete a.assignedTo;
        else a.assignedTo = expandUser(ctx, req.organizationId, p.assignedTo);
      }
      if (p.suggestion) a.suggestion = clone(p.suggestion);
      if (p.visibility) a.visibilityConfig = clone(p.visibility);
      if (p.createdAt !== undefined) a.createdAt = p.createdAt;
      if (p.lastUpdated !== undefined) explicitLastUpdated = p.lastUpdated;
      if (p.statusUpdatedByUserId !== undefined) a.statusUpdatedByUserId = p.statusUpdatedByUserId;
      if (p.resolvedByUserId !== undefined) {
        if (p.resolvedByUserId === null) {
          delete a.resolvedByUserId;
          delete a.resolvedByUser;
        } else {
          a.resolvedByUserId = p.resolvedByUserId;
          a.resolvedByUser = expandUser(ctx, req.organizationId, { userId: p.resolvedByUserId });
        }
      }
      if (p.status) {
        a.status = withStatusDefaults(p.status);
        // DOC §7.2: a non-terminal status clears resolvedByUserId / resolvedByUser automatically
        if (p.status.type !== 'terminal') {
          delete a.resolvedByUserId;
          delete a.resolvedByUser;
        }
        if (ctx.opts.maintainDeprecatedResolvedFlag) a.resolved = p.status.type === 'terminal';
      }
    }
    for (const u of req.updateUsers ?? []) {
      const rewritten = rewriteUsers(a, u.oldUser.userId, u.newUser) as VeltCommentAnnotation;
      Object.assign(a, rewritten);
    }
    a.lastUpdated = explicitLastUpdated ?? ctx.now();
    recomputeDerived(a);
    out[id] = { success: true, id, message: 'Annotations updated successfully' };
    const actionUser = { userId: a.statusUpdatedByUserId ?? a.from.userId };
    if (oldStatus.id !== a.status.id || oldStatus.type !== a.status.type) {
      emitCommentEvent(ctx, {
        event: 'comment_annotation.status_change',
        actionType: 'statusChanged',
        rec,
        actionUser,
        extra: { oldStatus, newStatus: clone(a.status) },
        documented: false,
      });
    }
    if (oldAssigned !== a.assignedTo?.userId && a.assignedTo) {
      emitCommentEvent(ctx, { event: 'comment_annotation.assign', actionType: 'assigned', rec, actionUser, extra: { assigned: true }, documented: false });
    }
    if (oldPriority !== a.priority?.id) {
      emitCommentEvent(ctx, {
        event: 'comment_annotation.priority_change',
        actionType: 'priorityChanged',
        rec,
        actionUser,
        extra: { newPriority: clone(a.priority) },
        documented: false,
      });
    }
  }
  return success('Annotations updated successfully.', out);
};

// ------------------------------------------------------------------ /commentannotations/delete

const del: Handler = (data, ctx) => {
  const req = parse(
    z.object({
      organizationId: optStr,
      documentId: str,
      locationIds: z.array(z.union([str, z.number()])).optional(),
      annotationIds: idList.optional(),
      userIds: idList.optional(),
      agentId: optStr,
      agentSuggestions: optBool,
      agentUrls: z.array(z.string()).min(1).optional(),
    }),
    data,
    ctx,
  );
  capIds(ctx, 'annotationIds', req.annotationIds);
  capIds(ctx, 'locationIds', req.locationIds);
  capIds(ctx, 'userIds', req.userIds);
  if (req.agentUrls && req.agentUrls.every((u) => !URL.canParse(u))) throw invalidArgument('agentUrls must contain at least one valid URL.');
  // UNCONFIRMED: without organizationId the document id is matched in any organization
  const inDoc = annotationsOfScope(ctx, req.organizationId, req.documentId);
  const selected = inDoc.filter((r) => {
    const a = r.annotation;
    const agent = agentOf(a);
    return (
      (!req.annotationIds || req.annotationIds.includes(a.annotationId)) &&
      (!req.locationIds || req.locationIds.map(String).includes(String(a.location?.id))) &&
      (!req.userIds || req.userIds.includes(a.from.userId)) &&
      (req.agentId === undefined || agent?.agentId === req.agentId) &&
      (!req.agentSuggestions || (a.type === 'suggestion' && a.suggestion?.status === 'pending' && !!agent)) &&
      (!req.agentUrls || req.agentUrls.includes(String(agent?.url)))
    );
  });
  const out: Record<string, unknown> = {};
  for (const id of req.annotationIds ?? []) {
    if (!selected.some((r) => r.annotation.annotationId === id)) out[id] = { success: false, id, message: 'Annotation not found.' };
  }
  for (const rec of selected) {
    const id = rec.annotation.annotationId;
    if (ctx.state.shouldFailItem(id)) {
      out[id] = { success: false, id, message: 'Failed to delete annotation.' };
      continue;
    }
    ctx.state.annotations.delete(veltKey(rec.organizationId, rec.documentId, id));
    out[id] = { success: true, id, message: 'Deleted Successfully' };
  }
  return success('Annotations deleted successfully.', out);
};

// ------------------------------------------------------------------ comments (messages)

function requireAnnotation(ctx: Ctx, organizationId: string, documentId: string, annotationId: string): VeltAnnotationRecord {
  const rec = ctx.state.annotations.get(veltKey(organizationId, documentId, annotationId));
  if (!rec) throw notFound('Annotation not found.');
  return rec;
}

const commentAdd: Handler = (data, ctx) => {
  const req = parse(
    z.object({
      organizationId: str,
      createOrganization: optBool,
      documentId: str,
      createDocument: optBool,
      annotationId: str,
      verifyUserPermissions: optBool,
      commentData: z.array(obj(ctx, commentInputShape({ annotationAdd: false }))).min(1),
    }),
    data,
    ctx,
  );
  requireOrg(ctx, req.organizationId, req.createOrganization);
  const doc = requireDoc(ctx, req.organizationId, req.documentId, req.createDocument);
  const rec = requireAnnotation(ctx, req.organizationId, req.documentId, req.annotationId);
  const inputs = req.commentData as CommentInput[];
  if (req.verifyUserPermissions) {
    for (const c of inputs) {
      if (!hasDocAccess(ctx, doc, c.from.userId)) throw permissionDenied('User does not have access to the document.');
    }
  }
  const taken = new Set(rec.annotation.comments.map((c) => c.commentId));
  const built = inputs.map((c) => buildComment(ctx, req.organizationId, c, taken));
  rec.annotation.comments.push(...built);
  rec.annotation.lastUpdated = ctx.now();
  recomputeDerived(rec.annotation);
  for (const c of built) {
    emitCommentEvent(ctx, { event: 'comment.add', actionType: 'added', rec, actionUser: c.from, targetComment: c, documented: false });
  }
  return success('Comment(s) added successfully.', built.map((c) => c.commentId));
};

const commentGet: Handler = (data, ctx) => {
  const req = parse(
    z.object({
      organizationId: str,
      documentId: str,
      annotationId: str,
      // docs-bug §7.9/§15.6: marked required, omitted by examples — optional here
      userIds: idList.optional(),
      commentIds: z.array(commentIdSchema).optional(),
    }),
    data,
    ctx,
  );
  const rec = requireAnnotation(ctx, req.organizationId, req.documentId, req.annotationId);
  let comments: Array<VeltComment | null> = rec.annotation.comments;
  if (req.commentIds) comments = req.commentIds.map((id) => rec.annotation.comments.find((c) => c.commentId === id) ?? null);
  if (req.userIds) comments = comments.filter((c) => c === null || req.userIds!.includes(c.from.userId));
  return success('Comments retrieved successfully.', comments.map((c) => (c ? clone(c) : null)));
};

const commentUpdate: Handler = (data, ctx) => {
  const req = parse(
    z.object({
      organizationId: str,
      documentId: str,
      annotationId: str,
      commentIds: z.array(commentIdSchema).min(1),
      userIds: idList.optional(),
      updatedData: obj(ctx, {
        commentText: optStr,
        commentHtml: optStr,
        context: contextSchema.optional(),
        isCommentResolverUsed: optBool,
        isCommentTextAvailable: optBool,
        // docs-bug §7.10/§15.6: `from` marked required, omitted by examples — optional here
        from: userSchema.optional(),
        taggedUserContacts: z.array(taggedContactSchema).optional(),
        attachments: z.array(attachmentSchema).optional(),
        createdAt: timestampMs.optional(),
        lastUpdated: timestampMs.optional(),
      }),
    }),
    data,
    ctx,
  );
  const rec = requireAnnotation(ctx, req.organizationId, req.documentId, req.annotationId);
  const out: Record<string, unknown> = {};
  const p = req.updatedData;
  selfHostedContent(ctx, p);
  for (const id of req.commentIds) {
    const c = rec.annotation.comments.find((x) => x.commentId === id);
    if (!c || ctx.state.shouldFailItem(id)) {
      out[String(id)] = { success: false, id, message: c ? 'Failed to update comment.' : 'Not found' };
      continue;
    }
    if (p.commentText !== undefined) c.commentText = p.commentText;
    if (p.commentHtml !== undefined) c.commentHtml = p.commentHtml;
    if (p.context !== undefined) c.context = clone(p.context);
    if (p.isCommentResolverUsed !== undefined) c.isCommentResolverUsed = p.isCommentResolverUsed;
    if (p.isCommentTextAvailable !== undefined) c.isCommentTextAvailable = p.isCommentTextAvailable;
    if (p.from) c.from = expandUser(ctx, req.organizationId, p.from);
    if (p.taggedUserContacts) {
      c.taggedUserContacts = clone(p.taggedUserContacts) as VeltComment['taggedUserContacts'];
      c.to = c.taggedUserContacts.map((t) => ({ ...t.contact, userId: t.userId }));
    }
    if (ctx.opts.selfHosted && c.isCommentResolverUsed === true) {
      // A comment whose content moved to the resolver keeps none at Velt (GUESS: an update flagging it drops old text).
      delete c.commentText;
      delete c.commentHtml;
      shrinkUsers(c);
    }
    if (p.attachments) c.attachments = clone(p.attachments);
    if (p.createdAt !== undefined) c.createdAt = p.createdAt;
    const now = ctx.now();
    c.status = 'updated';
    c.isEdited = true;
    c.editedAt = now;
    c.lastUpdated = new Date(p.lastUpdated ?? now).toISOString();
    out[String(id)] = { success: true, id, message: 'Updated successfully' };
    emitCommentEvent(ctx, { event: 'comment.update', actionType: 'updated', rec, actionUser: c.from, targetComment: c, documented: false });
  }
  rec.annotation.lastUpdated = ctx.now();
  recomputeDerived(rec.annotation);
  return success('Comment updated successfully.', out);
};

const commentDelete: Handler = (data, ctx) => {
  const req = parse(
    z.object({
      organizationId: str,
      documentId: str,
      annotationId: str,
      commentIds: z.array(commentIdSchema).optional(),
    }),
    data,
    ctx,
  );
  const rec = requireAnnotation(ctx, req.organizationId, req.documentId, req.annotationId);
  const a = rec.annotation;
  const ids = req.commentIds ?? a.comments.map((c) => c.commentId); // omitted ⇒ all comments (DOC §7.11)
  const out: Record<string, unknown> = {};
  for (const id of ids) {
    const c = a.comments.find((x) => x.commentId === id);
    if (!c || ctx.state.shouldFailItem(id)) {
      out[String(id)] = { success: false, id, message: c ? 'Failed to delete comment.' : 'Not found' };
      continue;
    }
    a.comments = a.comments.filter((x) => x !== c);
    out[String(id)] = { success: true, id, message: 'Deleted successfully' };
    emitCommentEvent(ctx, { event: 'comment.delete', actionType: 'deleted', rec, actionUser: c.from, targetComment: c, documented: false });
  }
  a.lastUpdated = ctx.now();
  if (a.comments.length === 0 && ctx.opts.deleteAnnotationWhenEmpty) {
    ctx.state.annotations.delete(veltKey(rec.organizationId, rec.documentId, a.annotationId));
  }
  return success('Comments(s) deleted successfully.', out);
};

export const commentHandlers: Record<string, Handler> = {
  '/commentannotations/add': add,
  '/commentannotations/get': get,
  '/commentannotations/count/get': count,
  '/commentannotations/update': update,
  '/commentannotations/delete': del,
  '/commentannotations/comments/add': commentAdd,
  '/commentannotations/comments/get': commentGet,
  '/commentannotations/comments/update': commentUpdate,
  '/commentannotations/comments/delete': commentDelete,
};
