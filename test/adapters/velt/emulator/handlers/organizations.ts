/** /v2/organizations/* (velt.md §3) and /v2/organizations/folders/* (velt.md §4, minimal). */
import { z } from 'zod';
import { internal, invalidArgument, notFound } from '../errors.js';
import {
  accessTypeSchema,
  capIds,
  createOrg,
  idList,
  optBool,
  optStr,
  pageSizeOf,
  pageSizeSchema,
  pageTokenSchema,
  parse,
  requireOrg,
  str,
  success,
  type Ctx,
  type Handler,
} from '../context.js';
import { veltKey, type VeltOrganizationRecord } from '../state.js';
import { paginate } from '../util.js';
import { cascadeDeleteOrganization } from './cascade.js';

/** Organization object (§3): open on purpose, "other metadata fields may be included" (they are echoed by get). */
const orgSchema = z.looseObject({ organizationId: str, organizationName: z.string().optional(), disabled: optBool });

function applyOrgFields(rec: VeltOrganizationRecord, o: z.infer<typeof orgSchema>): void {
  const { organizationId: _id, organizationName, disabled, ...extra } = o;
  if (organizationName !== undefined) rec.organizationName = organizationName;
  if (disabled !== undefined) rec.disabled = disabled;
  Object.assign(rec.extra, extra);
}

export function orgToWire(rec: VeltOrganizationRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { ...rec.extra, id: rec.organizationId };
  if (rec.organizationName !== undefined) out.organizationName = rec.organizationName;
  out.disabled = rec.disabled;
  return out;
}

const add: Handler = (data, ctx) => {
  const { organizations } = parse(z.strictObject({ organizations: z.array(orgSchema).min(1) }), data, ctx);
  const out: Record<string, unknown> = {};
  const dupFailures: Record<string, unknown> = {};
  for (const o of organizations) {
    const id = o.organizationId;
    if (ctx.state.shouldFailItem(id)) {
      out[id] = { success: false, id: '', message: 'Failed to add organization.' };
      continue;
    }
    const existing = ctx.state.organizations.get(id);
    if (existing && ctx.opts.organizationAddExisting === 'error') {
      dupFailures[id] = { success: false, message: 'Organization already exists.' };
      continue;
    }
    const rec = existing ?? createOrg(ctx, id);
    applyOrgFields(rec, o);
    out[id] = { success: true, id: rec.internalId, message: 'Added Successfully' };
  }
  if (Object.keys(dupFailures).length) {
    // velt-py README "Error response (raw from Velt API)" example (only in organizationAddExisting:'error' mode)
    throw internal('Error adding organization(s).', { ...out, ...dupFailures });
  }
  return success('Organization(s) added successfully.', out);
};

const get: Handler = (data, ctx) => {
  const req = parse(
    z.strictObject({ organizationIds: idList.optional(), pageSize: pageSizeSchema, pageToken: pageTokenSchema }),
    data,
    ctx,
  );
  capIds(ctx, 'organizationIds', req.organizationIds);
  let list = [...ctx.state.organizations.values()].sort((a, b) => a.seq - b.seq);
  if (req.organizationIds) {
    const wanted = new Set(req.organizationIds);
    list = list.filter((o) => wanted.has(o.organizationId));
  }
  const page = paginate(list, (o) => [o.seq], {
    scope: 'organizations',
    pageSize: pageSizeOf(ctx, req.pageSize),
    pageToken: req.pageToken,
  });
  return success(
    'Organization(s) retrieved successfully.',
    page.items.map(orgToWire),
    page.nextToken ? { nextPageToken: page.nextToken } : {},
  );
};

const update: Handler = (data, ctx) => {
  const { organizations } = parse(z.strictObject({ organizations: z.array(orgSchema).min(1) }), data, ctx);
  const out: Record<string, unknown> = {};
  for (const o of organizations) {
    const rec = ctx.state.organizations.get(o.organizationId);
    if (!rec || ctx.state.shouldFailItem(o.organizationId)) {
      out[o.organizationId] = {
        success: false,
        id: rec?.internalId ?? '',
        message: rec ? 'Failed to update organization.' : 'Organization does not exist',
      };
      continue;
    }
    applyOrgFields(rec, o);
    out[o.organizationId] = { success: true, id: rec.internalId, message: 'Updated Successfully' };
  }
  return success('Organization(s) updated successfully.', out);
};

const del: Handler = (data, ctx) => {
  const { organizationIds } = parse(z.strictObject({ organizationIds: idList.min(1) }), data, ctx);
  const out: Record<string, unknown> = {};
  for (const id of organizationIds) {
    const rec = ctx.state.organizations.get(id);
    const internalId = rec?.internalId ?? '';
    if (!rec || ctx.state.shouldFailItem(id)) {
      out[id] = { success: false, id: internalId, message: rec ? 'Failed to delete organization.' : 'Organization does not exist' };
      continue;
    }
    ctx.state.organizations.delete(id);
    if (ctx.opts.cascadeDeletes) cascadeDeleteOrganization(ctx, id);
    out[id] = { success: true, id: internalId, message: 'Deleted Successfully' };
  }
  return success('Organization(s) deleted successfully.', out);
};

const disableState: Handler = (data, ctx) => {
  const req = parse(z.strictObject({ organizationIds: idList.min(1), disabled: z.boolean() }), data, ctx);
  const out: Record<string, unknown> = {};
  for (const id of req.organizationIds) {
    if (ctx.state.shouldFailItem(id)) {
      out[id] = { success: false, id: '', message: 'Organization does not exist' };
      continue;
    }
    // DOC: "If organization does not exist, it will be created."
    const rec = ctx.state.organizations.get(id) ?? createOrg(ctx, id);
    rec.disabled = req.disabled;
    out[id] = { success: true, id: rec.internalId, message: 'Updated disable state for organization Successfully' };
  }
  return success('Updated disable state for Organization(s) successfully.', out);
};

// ------------------------------------------------------------------ folders (minimal: add/get, velt.md §4)

function ensureFolder(ctx: Ctx, organizationId: string, folderId: string, fields: { folderName?: string; parentFolderId?: string; accessType?: z.infer<typeof accessTypeSchema> } = {}): void {
  const key = veltKey(organizationId, folderId);
  const existing = ctx.state.folders.get(key);
  if (existing) {
    if (fields.folderName !== undefined) existing.folderName = fields.folderName;
    if (fields.parentFolderId !== undefined) existing.parentFolderId = fields.parentFolderId;
    if (fields.accessType !== undefined) existing.accessType = fields.accessType;
    return;
  }
  ctx.state.folders.set(key, {
    organizationId,
    folderId,
    ...(fields.folderName !== undefined ? { folderName: fields.folderName } : {}),
    parentFolderId: fields.parentFolderId ?? 'root',
    accessType: fields.accessType ?? 'public',
    seq: ctx.state.nextSeq(),
    createdAt: ctx.now(),
  });
}
export { ensureFolder };

const folderAdd: Handler = (data, ctx) => {
  const req = parse(
    z.strictObject({
      organizationId: str,
      createOrganization: optBool,
      folders: z
        .array(z.strictObject({ folderId: str, folderName: optStr, parentFolderId: optStr, accessType: accessTypeSchema.optional() }))
        .min(1),
    }),
    data,
    ctx,
  );
  requireOrg(ctx, req.organizationId, req.createOrganization);
  const out: Record<string, unknown> = {};
  for (const f of req.folders) {
    if (f.parentFolderId && f.parentFolderId !== 'root' && !ctx.state.folders.has(veltKey(req.organizationId, f.parentFolderId))) {
      throw invalidArgument(`Parent folder ${f.parentFolderId} does not exist.`);
    }
    ensureFolder(ctx, req.organizationId, f.folderId, f);
    out[f.folderId] = { success: true, id: f.folderId, message: 'Folder added.' };
  }
  return success('Folder created successfully.', out);
};

const folderGet: Handler = (data, ctx) => {
  const req = parse(z.strictObject({ organizationId: str, folderId: optStr, maxDepth: z.number().int().min(0).optional() }), data, ctx);
  const all = [...ctx.state.folders.values()].filter((f) => f.organizationId === req.organizationId);
  const toWire = (f: (typeof all)[number], depth: number): Record<string, unknown> => {
    const children = all.filter((c) => c.parentFolderId === f.folderId);
    const wire: Record<string, unknown> = {
      folderId: f.folderId,
      folderName: f.folderName ?? f.folderId,
      organizationId: f.organizationId,
      parentFolderId: f.parentFolderId,
      apiKey: ctx.opts.apiKey,
      createdAt: f.createdAt,
      lastUpdated: f.createdAt,
      ancestors: ancestorsOf(f.folderId),
      accessType: f.accessType,
      inheritAccessFromParent: false,
    };
    if (depth > 0 && children.length) wire.subFolders = children.map((c) => toWire(c, depth - 1));
    return wire;
  };
  const ancestorsOf = (folderId: string): string[] => {
    const chain: string[] = [];
    let cur = all.find((f) => f.folderId === folderId);
    while (cur) {
      chain.unshift(cur.parentFolderId);
      if (cur.parentFolderId === 'root') break;
      const parentId: string = cur.parentFolderId;
      cur = all.find((f) => f.folderId === parentId);
    }
    return chain;
  };
  let roots;
  if (req.folderId) {
    const f = all.find((x) => x.folderId === req.folderId);
    if (!f) throw notFound('Folder not found.');
    roots = [f];
  } else roots = all.filter((f) => f.parentFolderId === 'root');
  return success('Folder(s) retrieved successfully.', roots.map((f) => toWire(f, req.maxDepth ?? 1)));
};

export const organizationHandlers: Record<string, Handler> = {
  '/organizations/add': add,
  '/organizations/get': get,
  '/organizations/update': update,
  '/organizations/delete': del,
  '/organizations/access/disablestate/update': disableState,
  '/organizations/folders/add': folderAdd,
  '/organizations/folders/get': folderGet,
};
