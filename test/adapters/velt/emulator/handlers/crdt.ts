/**
 * /v2/crdt/add, /v2/crdt/get, /v2/crdt/update: CRDT (Yjs) editor data of a document
 * (docs/vendors/velt-crdt.md). One record per organization/document/editorId holding the JSON form
 * last written; the emulator keeps no Yjs document, so `update` is a plain replace.
 */
import { z } from 'zod';
import { invalidArgument, notFound, VeltApiError } from '../errors.js';
import { optStr, parse, requireDoc, requireOrg, str, success, type Ctx, type Handler } from '../context.js';
import { veltKey, type VeltCrdtRecord } from '../state.js';
import { clone } from '../util.js';

const crdtType = z.enum(['text', 'map', 'array', 'xml']);

const writeBody = z.object({
  organizationId: str,
  documentId: str,
  editorId: str,
  // `data` is required; its shape is checked against `type` below (DOC: string for text/xml, object for map, array for array)
  data: z.unknown().refine((v) => v !== undefined, { message: 'Invalid input: expected a value, received undefined' }),
  type: crdtType,
  contentKey: z.string().min(1).optional(),
});

const getBody = z.object({ organizationId: str, documentId: str, editorId: optStr });

/** DOC: contentKey defaults to "content" (TipTap editors use "default"). */
const DEFAULT_CONTENT_KEY = 'content';

function checkShape(type: z.infer<typeof crdtType>, value: unknown): void {
  const ok =
    type === 'text' || type === 'xml'
      ? typeof value === 'string'
      : type === 'map'
        ? typeof value === 'object' && value !== null && !Array.isArray(value)
        : Array.isArray(value);
  // Message: GUESS (status INVALID_ARGUMENT is documented for both write endpoints)
  if (!ok) throw invalidArgument(`data must be ${type === 'map' ? 'an object' : type === 'array' ? 'an array' : 'a string'} for type "${type}".`);
}

/** GUESS: the organization and document must exist (NOT_FOUND otherwise), as for comment writes without create flags. */
function requireParents(ctx: Ctx, organizationId: string, documentId: string): void {
  requireOrg(ctx, organizationId);
  requireDoc(ctx, organizationId, documentId);
}

function write(ctx: Ctx, req: z.infer<typeof writeBody>, prev: VeltCrdtRecord | undefined): void {
  const rec: VeltCrdtRecord = {
    organizationId: req.organizationId,
    documentId: req.documentId,
    editorId: req.editorId,
    type: req.type,
    contentKey: req.contentKey ?? prev?.contentKey ?? DEFAULT_CONTENT_KEY,
    data: clone(req.data),
    lastUpdate: new Date(ctx.now()).toISOString(),
    lastUpdatedBy: null,
    sessionId: null,
    seq: prev?.seq ?? ctx.state.nextSeq(),
  };
  ctx.state.crdt.set(veltKey(req.organizationId, req.documentId, req.editorId), rec);
}

// DOC: errors when data already exists for the editorId (status ALREADY_EXISTS per the docs' error table; message GUESS)
const add: Handler = (data, ctx) => {
  const req = parse(writeBody, data, ctx);
  checkShape(req.type, req.data);
  requireParents(ctx, req.organizationId, req.documentId);
  const key = veltKey(req.organizationId, req.documentId, req.editorId);
  if (ctx.state.crdt.has(key)) throw new VeltApiError('ALREADY_EXISTS', 'CRDT data already exists.');
  write(ctx, req, undefined);
  return success('CRDT data added successfully.');
};

// DOC: replaces existing data. Missing editorId: NOT_FOUND (INF from the docs' error table; `crdtUpdateMissing: 'create'`
// emulates the other reading). A different `type` than stored is accepted and replaces (UNCONFIRMED).
const update: Handler = (data, ctx) => {
  const req = parse(writeBody, data, ctx);
  checkShape(req.type, req.data);
  requireParents(ctx, req.organizationId, req.documentId);
  const prev = ctx.state.crdt.get(veltKey(req.organizationId, req.documentId, req.editorId));
  if (!prev && ctx.opts.crdtUpdateMissing === 'error') throw notFound('CRDT data not found.');
  write(ctx, req, prev);
  return success('CRDT data updated successfully.');
};

// DOC: without editorId every editor of the document; items carry no `type`. An unknown editorId answers `[]` (GUESS).
const get: Handler = (data, ctx) => {
  const req = parse(getBody, data, ctx);
  requireParents(ctx, req.organizationId, req.documentId);
  const recs = ctx.state
    .crdtOfDocument(req.organizationId, req.documentId)
    .filter((r) => req.editorId === undefined || r.editorId === req.editorId);
  return success(
    'CRDT data retrieved successfully.',
    recs.map((r) => ({ data: r.data, id: r.editorId, lastUpdate: r.lastUpdate, lastUpdatedBy: r.lastUpdatedBy, sessionId: r.sessionId })),
  );
};

export const crdtHandlers: Record<string, Handler> = {
  '/crdt/add': add,
  '/crdt/get': get,
  '/crdt/update': update,
};
