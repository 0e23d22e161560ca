/** Shared handler context, validation and lookup helpers of the Velt emulator. */
import { z } from 'zod';
import { invalidArgument, notFound, type VeltErrorStatus } from './errors.js';
import {
  userKey,
  veltKey,
  type VeltAccessType,
  type VeltDocumentRecord,
  type VeltEmulatorState,
  type VeltOrganizationRecord,
  type VeltUser,
} from './state.js';
import { md5Hex, numericId16, type Rng } from './util.js';

export interface ResolvedVeltOptions {
  apiKey: string;
  authToken: string;
  httpStatusFor: Partial<Record<VeltErrorStatus, number>>;
  maxIdsPerFilter: number;
  defaultPageSize: number;
  maxPageSize: number;
  rejectUnknownFields: boolean;
  organizationAddExisting: 'upsert' | 'error';
  annotationAddExisting: 'error' | 'overwrite';
  notificationAddExisting: 'overwrite' | 'error';
  requireExistingParents: boolean;
  cascadeDeletes: boolean;
  deleteAnnotationWhenEmpty: boolean;
  maintainDeprecatedResolvedFlag: boolean;
  countIncludesTerminal: boolean;
  exposeNotificationReadState: boolean;
  acceptUnwrappedLivestate: boolean;
  advancedWebhooksAvailable: boolean;
  requireAdvancedWebhooksEnabled: boolean;
  webhookTriggers: 'documented' | 'all';
  deliverWebhooks: boolean;
  crdtUpdateMissing: 'error' | 'create';
  selfHosted: false | 'reject' | 'strip';
  rateLimit?: { requests: number; windowMs: number };
}

export interface Ctx {
  state: VeltEmulatorState;
  opts: ResolvedVeltOptions;
  rng: Rng;
  /** epoch ms from `options.now` */
  now(): number;
  /** endpoint path without the `/v2` prefix */
  path: string;
  /** true when /livestate/broadcast arrived without the `data` wrapper (velt.md §10.1 docs-bug) */
  unwrapped?: boolean;
  /** async side effects (webhook deliveries) to await before close */
  background(p: Promise<unknown>): void;
}

/** The `result` object of a success answer (velt.md §1.2). */
export interface VeltResult {
  status: 'success';
  message: string;
  data?: unknown;
  nextPageToken?: string;
  pageToken?: string;
}

export type Handler = (data: Record<string, unknown>, ctx: Ctx) => VeltResult;

export const success = (message: string, data?: unknown, extra: Partial<VeltResult> = {}): VeltResult => {
  const r: VeltResult = { status: 'success', message };
  if (data !== undefined) r.data = data;
  return Object.assign(r, extra);
};

// ------------------------------------------------------------------ zod helpers

export const str = z.string().min(1);
export const optStr = z.string().optional();
export const optBool = z.boolean().optional();
export const idList = z.array(str);
export const pageSizeSchema = z.number().int().min(1).optional();
export const pageTokenSchema = z.string().optional();
/**
 * A user reference inside another object (`from`, `assignedTo`, `actionUser`, `notifyUsers[]`, tagged
 * `contact`). Left open on purpose: the reference points these at the SDK `User` model, whose field list is
 * open-ended ("Full SDK User also has organizationId, color, textColor, type, isAdmin, isGuest, plan, …",
 * velt.md §6, §7.1), so an unknown key there is not evidence of a misspelling.
 */
export const userSchema = z.looseObject({
  userId: str,
  name: z.string().optional(),
  email: z.string().optional(),
  photoUrl: z.string().optional(),
});
export const accessTypeSchema = z.enum(['public', 'organizationPrivate', 'restricted']);
export const accessRoleSchema = z.enum(['viewer', 'editor']);

const fieldPath = (path: readonly PropertyKey[]): string =>
  `data${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`;

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = fieldPath(issue.path);
  if (issue.code === 'unrecognized_keys') return `Unknown field(s) in ${where}: ${issue.keys.join(', ')}.`;
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) return `${where} is required.`;
  return `${where}: ${issue.message}`;
}

/** Every `unrecognized_keys` issue, including those inside union branches. */
function unknownKeyIssues(issues: readonly z.core.$ZodIssue[]): Array<{ path: PropertyKey[]; keys: string[] }> {
  const out: Array<{ path: PropertyKey[]; keys: string[] }> = [];
  for (const i of issues) {
    if (i.code === 'unrecognized_keys') out.push({ path: [...i.path], keys: i.keys });
    else if (i.code === 'invalid_union') for (const branch of i.errors) out.push(...unknownKeyIssues(branch));
  }
  return out;
}

function dropKeys(root: unknown, path: readonly PropertyKey[], keys: string[]): boolean {
  let cur: unknown = root;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return false;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  if (cur === null || typeof cur !== 'object') return false;
  let dropped = false;
  for (const k of keys) if (k in cur) dropped = delete (cur as Record<string, unknown>)[k] || dropped;
  return dropped;
}

/**
 * Validates `data` against `schema`. Schemas are strict at every level where the reference lists an
 * object's fields (nested objects included; open objects are `z.looseObject`/records, each with the reason),
 * so an unknown or misspelt field is a 400 INVALID_ARGUMENT naming it:
 * `Unknown field(s) in data: organizationID.` / `Unknown field(s) in data.commentAnnotations[0].status: colour.`
 * With `opts.rejectUnknownFields: false` unknown fields are dropped instead, at any depth (the real API may
 * ignore them: UNCONFIRMED).
 */
export function parse<S extends z.ZodObject>(schema: S, data: Record<string, unknown>, ctx: Ctx): z.infer<S> {
  if (ctx.opts.rejectUnknownFields) {
    const known = new Set(Object.keys(schema.shape));
    const unknown = Object.keys(data).filter((k) => !known.has(k));
    if (unknown.length) throw invalidArgument(`Unknown field(s) in data: ${unknown.join(', ')}.`);
  }
  let input: unknown = data;
  const top = ctx.opts.rejectUnknownFields ? schema : schema.strip();
  for (let attempt = 0; ; attempt++) {
    const r = top.safeParse(input);
    if (r.success) return r.data as z.infer<S>;
    if (!ctx.opts.rejectUnknownFields && attempt < 50) {
      const extra = unknownKeyIssues(r.error.issues);
      if (extra.length) {
        if (input === data) input = structuredClone(data);
        if (extra.map((e) => dropKeys(input, e.path, e.keys)).some(Boolean)) continue;
      }
    }
    const first = r.error.issues[0];
    throw invalidArgument(first ? describeIssue(first) : 'Invalid argument.');
  }
}

/** 30-ids-per-filter cap (velt.md §1.5; error status INF INVALID_ARGUMENT, message UNCONFIRMED). */
export function capIds(ctx: Ctx, field: string, ids: readonly unknown[] | undefined): void {
  if (ids && ids.length > ctx.opts.maxIdsPerFilter) {
    throw invalidArgument(`${field} cannot contain more than ${ctx.opts.maxIdsPerFilter} items.`);
  }
}

/** pageSize default 1000 (DOC), values above `maxPageSize` are clamped (UNCONFIRMED). */
export function pageSizeOf(ctx: Ctx, pageSize: number | undefined): number {
  return Math.min(pageSize ?? ctx.opts.defaultPageSize, ctx.opts.maxPageSize);
}

// ------------------------------------------------------------------ parents

export function orgInternalId(ctx: Ctx, organizationId: string): string {
  return md5Hex(`${ctx.opts.apiKey}/org/${organizationId}`);
}

export function docInternalId(ctx: Ctx, organizationId: string, documentId: string): string {
  return numericId16(`${ctx.opts.apiKey}/doc/${organizationId}/${documentId}`);
}

export function userInternalId(ctx: Ctx, organizationId: string, userId: string): string {
  return md5Hex(`${ctx.opts.apiKey}/user/${organizationId}/${userId}`);
}

export function createOrg(ctx: Ctx, organizationId: string, fields: Partial<VeltOrganizationRecord> = {}): VeltOrganizationRecord {
  const rec: VeltOrganizationRecord = {
    organizationId,
    internalId: orgInternalId(ctx, organizationId),
    disabled: false,
    extra: {},
    seq: ctx.state.nextSeq(),
    createdAt: ctx.now(),
    ...fields,
  };
  ctx.state.organizations.set(organizationId, rec);
  return rec;
}

/**
 * Returns the organization, creating it when `create` (or when parents are not required).
 * Missing without create flag ⇒ NOT_FOUND "Organization does not exist." (UNCONFIRMED).
 */
export function requireOrg(ctx: Ctx, organizationId: string, create = false): VeltOrganizationRecord {
  const org = ctx.state.organizations.get(organizationId);
  if (org) return org;
  if (create || !ctx.opts.requireExistingParents) return createOrg(ctx, organizationId);
  throw notFound('Organization does not exist.');
}

export function createDoc(
  ctx: Ctx,
  organizationId: string,
  documentId: string,
  fields: Partial<VeltDocumentRecord> = {},
): VeltDocumentRecord {
  const rec: VeltDocumentRecord = {
    organizationId,
    documentId,
    internalId: docInternalId(ctx, organizationId, documentId),
    accessType: 'public',
    disabled: false,
    extra: {},
    seq: ctx.state.nextSeq(),
    createdAt: ctx.now(),
    ...fields,
  };
  ctx.state.documents.set(veltKey(organizationId, documentId), rec);
  return rec;
}

export function requireDoc(ctx: Ctx, organizationId: string, documentId: string, create = false): VeltDocumentRecord {
  const doc = ctx.state.documents.get(veltKey(organizationId, documentId));
  if (doc) return doc;
  if (create || !ctx.opts.requireExistingParents) return createDoc(ctx, organizationId, documentId);
  throw notFound('Document does not exist.');
}

/** Expands a user reference the way annotations return it (velt.md §7.1 "User object as returned inside annotations"). */
export function expandUser(ctx: Ctx, organizationId: string, ref: VeltUser): VeltUser {
  const known = ctx.state.users.get(userKey(organizationId, { kind: 'organization' }, ref.userId));
  const name = ref.name ?? known?.name;
  const email = ref.email ?? known?.email;
  const out: VeltUser = { ...ref, userId: ref.userId };
  if (name !== undefined) out.name = name;
  if (email !== undefined) out.email = email;
  const photoUrl = (ref.photoUrl as string | undefined) ?? known?.photoUrl;
  if (photoUrl !== undefined) out.photoUrl = photoUrl;
  out.organizationId = organizationId;
  const initial = name?.trim()[0]?.toUpperCase();
  if (initial) out.initial = initial;
  out.type = 'signedIn';
  out.isAdmin = false;
  return out;
}

/**
 * Whether `userId` may access the document (velt.md §11.6): `public` ⇒ anyone; `organizationPrivate`
 * ⇒ org-level users; `restricted` ⇒ document-level users or an explicit permission. Explicit
 * org/document permissions (auth/permissions/add, generate_token) also grant access.
 */
export function hasDocAccess(ctx: Ctx, doc: VeltDocumentRecord, userId: string, access: VeltAccessType = doc.accessType): boolean {
  const now = ctx.now();
  const perms = [...(ctx.state.permissions.get(userId)?.values() ?? [])].filter(
    (p) => p.expiresAtMs === undefined || p.expiresAtMs > now,
  );
  const docPerm = perms.some((p) => p.type === 'document' && p.id === doc.documentId && p.organizationId === doc.organizationId);
  const docUser = ctx.state.users.has(userKey(doc.organizationId, { kind: 'document', documentId: doc.documentId }, userId));
  if (docPerm || docUser) return true;
  if (access === 'restricted') return false;
  const orgUser =
    ctx.state.users.has(userKey(doc.organizationId, { kind: 'organization' }, userId)) ||
    perms.some((p) => p.type === 'organization' && p.id === doc.organizationId);
  if (access === 'organizationPrivate') return orgUser;
  return true;
}
