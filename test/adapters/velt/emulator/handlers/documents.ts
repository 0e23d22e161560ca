/**
 * /v2/organizations/documents/* (velt.md §5).
 * Partial failure rule (DOC, §5): if any item fails the whole call answers HTTP 500 INTERNAL with the
 * per-item breakdown in `error.details` (successful items in details WERE applied).
 */
import { z } from 'zod';
import { internal, notFound } from '../errors.js';
import {
  accessTypeSchema,
  capIds,
  createDoc,
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
import { veltKey, type VeltDocumentRecord } from '../state.js';
import { paginate } from '../util.js';
import { cascadeDeleteDocument } from './cascade.js';
import { ensureFolder } from './organizations.js';

/**
 * Document object (§5): `documentId`, `documentName?`, (openapi) `accessType`, `disabled`, plus custom keys.
 * Open on purpose: documents carry caller metadata. velt.md §5 does not say so explicitly, but Velt's own SDK
 * types do (`@veltdev/sdk` `UpdateDocumentMetadata { documentId: string; [key: string]: T | string }` and
 * `DocumentMetadata { …; [key: string]: any }`), and the Velt adapter keeps room metadata there.
 */
const docSchema = z.looseObject({
  documentId: str,
  documentName: z.string().optional(),
  accessType: accessTypeSchema.optional(),
  disabled: optBool,
});

function applyDocFields(rec: VeltDocumentRecord, d: z.infer<typeof docSchema>): void {
  const { documentId: _id, documentName, accessType, disabled, ...extra } = d;
  if (documentName !== undefined) rec.documentName = documentName;
  if (accessType !== undefined) rec.accessType = accessType;
  if (disabled !== undefined) rec.disabled = disabled;
  Object.assign(rec.extra, extra);
}

export function docToWire(rec: VeltDocumentRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { ...rec.extra };
  if (rec.documentName !== undefined) out.documentName = rec.documentName;
  out.disabled = rec.disabled;
  out.accessType = rec.accessType;
  out.id = rec.documentId;
  if (rec.folderId !== undefined) out.folderId = rec.folderId;
  return out;
}

function finish(message: string, errorMessage: string, out: Record<string, { success: boolean }>): ReturnType<Handler> {
  if (Object.values(out).some((r) => !r.success)) throw internal(errorMessage, out);
  return success(message, out);
}

function requireFolder(ctx: Ctx, organizationId: string, folderId: string, create: boolean | undefined): void {
  if (ctx.state.folders.has(veltKey(organizationId, folderId))) return;
  if (create || !ctx.opts.requireExistingParents) ensureFolder(ctx, organizationId, folderId);
  else throw notFound('Folder not found.');
}

const add: Handler = (data, ctx) => {
  const req = parse(
    z.strictObject({
      organizationId: str,
      documents: z.array(docSchema).min(1),
      createOrganization: optBool,
      folderId: optStr,
      createFolder: optBool,
    }),
    data,
    ctx,
  );
  requireOrg(ctx, req.organizationId, req.createOrganization);
  if (req.folderId) requireFolder(ctx, req.organizationId, req.folderId, req.createFolder);
  const out: Record<string, { success: boolean; id: string; message: string; code?: string }> = {};
  for (const d of req.documents) {
    const key = veltKey(req.organizationId, d.documentId);
    if (ctx.state.shouldFailItem(d.documentId)) {
      out[d.documentId] = { success: false, id: d.documentId, message: 'Internal error adding document', code: 'internal' };
      continue;
    }
    if (ctx.state.documents.has(key)) {
      out[d.documentId] = { success: false, id: d.documentId, message: 'Document already exists', code: 'already-exists' };
      continue;
    }
    const rec = createDoc(ctx, req.organizationId, d.documentId, req.folderId ? { folderId: req.folderId } : {});
    applyDocFields(rec, d);
    out[d.documentId] = { success: true, id: rec.internalId, message: 'Added Successfully' };
  }
  return finish('Document(s) added successfully.', 'Error adding document(s).', out);
};

const get: Handler = (data, ctx) => {
  const req = parse(
    z.strictObject({
      organizationId: str,
      documentIds: idList.optional(),
      folderId: optStr,
      pageSize: pageSizeSchema,
      pageToken: pageTokenSchema,
    }),
    data,
    ctx,
  );
  capIds(ctx, 'documentIds', req.documentIds);
  if (req.documentIds) {
    // Missing requested id ⇒ 500 with an array of per-item results in request order (DOC §5.2).
    const results = req.documentIds.map((id) => {
      const rec = ctx.state.documents.get(veltKey(req.organizationId, id));
      if (ctx.state.shouldFailItem(id)) return { id, success: false, message: 'Internal error retrieving document', code: 'internal' };
      if (!rec || (req.folderId !== undefined && rec.folderId !== req.folderId)) {
        return { id, success: false, message: 'Document does not exist', code: 'not-found' };
      }
      return docToWire(rec);
    });
    if (results.some((r) => (r as { success?: boolean }).success === false)) throw internal('Error retrieving document(s).', results);
    return success('Document(s) retrieved successfully.', results);
  }
  const list = [...ctx.state.documents.values()]
    .filter((d) => d.organizationId === req.organizationId && (req.folderId === undefined || d.folderId === req.folderId))
    .sort((a, b) => a.seq - b.seq);
  const page = paginate(list, (d) => [d.seq], {
    scope: `documents:${req.organizationId}`,
    pageSize: pageSizeOf(ctx, req.pageSize),
    pageToken: req.pageToken,
  });
  // NB: documents/get answers with `pageToken`, not `nextPageToken` (DOC §1.4)
  return success('Document(s) retrieved successfully.', page.items.map(docToWire), page.nextToken ? { pageToken: page.nextToken } : {});
};

const update: Handler = (data, ctx) => {
  const req = parse(z.strictObject({ organizationId: str, documents: z.array(docSchema).min(1) }), data, ctx);
  const out: Record<string, { success: boolean; id: string; message: string; code?: string }> = {};
  for (const d of req.documents) {
    const rec = ctx.state.documents.get(veltKey(req.organizationId, d.documentId));
    if (ctx.state.shouldFailItem(d.documentId)) {
      out[d.documentId] = { success: false, id: d.documentId, message: 'Internal error updating document', code: 'internal' };
    } else if (!rec) {
      out[d.documentId] = { success: false, id: d.documentId, message: 'Document does not exist', code: 'not-found' };
    } else {
      applyDocFields(rec, d);
      out[d.documentId] = { success: true, id: rec.internalId, message: 'Updated Successfully' };
    }
  }
  return finish('Document(s) updated successfully.', 'Error updating document(s).', out);
};

const del: Handler = (data, ctx) => {
  const req = parse(z.strictObject({ organizationId: str, documentIds: idList.min(1) }), data, ctx);
  const out: Record<string, { success: boolean; id: string; message: string; code?: string }> = {};
  for (const id of req.documentIds) {
    const key = veltKey(req.organizationId, id);
    const rec = ctx.state.documents.get(key);
    if (ctx.state.shouldFailItem(id)) {
      out[id] = { success: false, id, message: 'Internal error deleting document', code: 'internal' };
    } else if (!rec) {
      out[id] = { success: false, id, message: 'Document does not exist', code: 'not-found' };
    } else {
      ctx.state.documents.delete(key);
      if (ctx.opts.cascadeDeletes) cascadeDeleteDocument(ctx, req.organizationId, id);
      out[id] = { success: true, id: rec.internalId, message: 'Deleted Successfully' };
    }
  }
  return finish('Document(s) deleted successfully.', 'Error deleting document(s).', out);
};

const move: Handler = (data, ctx) => {
  const req = parse(z.strictObject({ organizationId: str, documentIds: idList.min(1), folderId: str }), data, ctx);
  capIds(ctx, 'documentIds', req.documentIds);
  if (!ctx.state.folders.has(veltKey(req.organizationId, req.folderId))) throw notFound('Folder not found.');
  const recs = req.documentIds.map((id) => ctx.state.documents.get(veltKey(req.organizationId, id)));
  const missing = req.documentIds.filter((_id, i) => !recs[i]);
  if (missing.length) throw notFound(`Document(s) not found: ${missing.join(', ')}.`);
  for (const r of recs) r!.folderId = req.folderId;
  return success('Documents moved successfully.');
};

const accessUpdate: Handler = (data, ctx) => {
  const req = parse(z.strictObject({ organizationId: str, documentIds: idList.min(1), accessType: accessTypeSchema }), data, ctx);
  const out: Record<string, unknown> = {};
  for (const id of req.documentIds) {
    const rec = ctx.state.documents.get(veltKey(req.organizationId, id));
    if (!rec || ctx.state.shouldFailItem(id)) {
      out[id] = { success: false, message: 'Document does not exist' };
      continue;
    }
    rec.accessType = req.accessType;
    out[id] = { success: true, accessType: req.accessType, message: 'Document access type updated.' };
  }
  return success('Updated access for documents successfully.', out);
};

const disableState: Handler = (data, ctx) => {
  const req = parse(z.strictObject({ organizationId: str, documentIds: idList.min(1), disabled: z.boolean() }), data, ctx);
  const out: Record<string, unknown> = {};
  for (const id of req.documentIds) {
    const rec = ctx.state.documents.get(veltKey(req.organizationId, id));
    if (!rec || ctx.state.shouldFailItem(id)) {
      out[id] = { success: false, message: 'Document does not exist' };
      continue;
    }
    rec.disabled = req.disabled;
    out[id] = { success: true, disabled: req.disabled, message: 'Document disabled state updated.' };
  }
  return success('Updated disable state for documents successfully.', out);
};

export const documentHandlers: Record<string, Handler> = {
  '/organizations/documents/add': add,
  '/organizations/documents/get': get,
  '/organizations/documents/update': update,
  '/organizations/documents/delete': del,
  '/organizations/documents/move': move,
  '/organizations/documents/access/update': accessUpdate,
  '/organizations/documents/access/disablestate/update': disableState,
};
