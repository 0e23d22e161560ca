/** /v2/auth/* (velt.md §11). */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { invalidArgument, notFound } from '../errors.js';
import { accessRoleSchema, hasDocAccess, idList, optBool, parse, str, success, type Ctx, type Handler } from '../context.js';
import { userKey, veltKey, type VeltPermissionResource } from '../state.js';
import { signJwt } from '../util.js';

const resourceSchema = z
  .strictObject({
    type: z.enum(['organization', 'document', 'folder']),
    id: str,
    organizationId: str.optional(),
    accessRole: accessRoleSchema.optional(),
    expiresAt: z.number().nonnegative().optional(),
  })
  .superRefine((r, c) => {
    if (r.type !== 'organization' && !r.organizationId) {
      c.addIssue({ code: 'custom', path: ['organizationId'], message: `organizationId is required for ${r.type} resources` });
    }
  });
const permissionsSchema = z.strictObject({ resources: z.array(resourceSchema) });

/** velt.md §11 docs-bug: expiresAt seconds vs ms — values < 1e12 are treated as seconds. */
const toMs = (v: number | undefined): number | undefined => (v === undefined ? undefined : v < 1e12 ? v * 1000 : v);

const resKey = (type: string, organizationId: string | undefined, id: string): string => veltKey(type, organizationId ?? '', id);

function grant(ctx: Ctx, userId: string, resources: Array<z.infer<typeof resourceSchema>>): void {
  let m = ctx.state.permissions.get(userId);
  if (!m) ctx.state.permissions.set(userId, (m = new Map()));
  for (const r of resources) {
    const rec: VeltPermissionResource = {
      type: r.type,
      id: r.id,
      accessRole: r.accessRole ?? 'editor',
      ...(r.organizationId !== undefined ? { organizationId: r.organizationId } : {}),
    };
    const exp = toMs(r.expiresAt);
    if (exp !== undefined) rec.expiresAtMs = exp;
    m.set(resKey(r.type, r.type === 'organization' ? undefined : r.organizationId, r.id), rec);
  }
}

const TOKEN_TTL_SECONDS = 48 * 3600; // DOC §11.1: token expires in 48 hours

const generateToken: Handler = (data, ctx) => {
  const req = parse(
    z.strictObject({
      userId: str,
      // §11.1 `{name, email, isAdmin?}`; `organizationId` is named so the check below can give its own message.
      userProperties: z.strictObject({ name: str, email: str, isAdmin: optBool, organizationId: z.unknown().optional() }),
      permissions: permissionsSchema,
    }),
    data,
    ctx,
  );
  // DOC §11.1: organizationId must NOT be in userProperties
  if ('organizationId' in req.userProperties) throw invalidArgument('organizationId is not allowed in userProperties; use permissions.resources.');
  grant(ctx, req.userId, req.permissions.resources); // INF: token permissions are persisted like permissions/add
  const iat = Math.floor(ctx.now() / 1000);
  // UNCONFIRMED claims & key: HS256 signed with the workspace auth token (verify with verifyJwt(token, authToken))
  const payload = {
    iss: 'velt-emulator',
    sub: req.userId,
    apiKey: ctx.opts.apiKey,
    userId: req.userId,
    userProperties: { isAdmin: false, ...req.userProperties },
    permissions: req.permissions,
    iat,
    exp: iat + TOKEN_TTL_SECONDS,
  };
  const token = signJwt(payload, ctx.opts.authToken);
  ctx.state.tokens.push({ userId: req.userId, token, payload });
  return success('Token generated successfully.', { token });
};

const permissionsAdd: Handler = (data, ctx) => {
  const req = parse(z.strictObject({ user: z.strictObject({ userId: str }), permissions: permissionsSchema }), data, ctx);
  grant(ctx, req.user.userId, req.permissions.resources);
  return success('Permissions added successfully.');
};

const permissionsRemove: Handler = (data, ctx) => {
  const req = parse(
    z.strictObject({
      userId: str,
      permissions: z.strictObject({
        resources: z.array(z.strictObject({ type: z.enum(['organization', 'document', 'folder']), id: str, organizationId: str.optional() })),
      }),
    }),
    data,
    ctx,
  );
  const m = ctx.state.permissions.get(req.userId);
  for (const r of req.permissions.resources) m?.delete(resKey(r.type, r.type === 'organization' ? undefined : r.organizationId, r.id));
  return success('Permissions removed successfully.');
};

const permissionsGet: Handler = (data, ctx) => {
  const req = parse(
    z.strictObject({
      organizationId: str,
      userIds: idList.min(1),
      folderIds: idList.optional(),
      documentIds: idList.optional(),
      skipResourceExistenceValidation: optBool,
    }),
    data,
    ctx,
  );
  const now = ctx.now();
  const out: Record<string, unknown> = {};
  let missing = false;
  for (const userId of req.userIds) {
    const perms = ctx.state.permissions.get(userId);
    const live = (type: string, id: string): VeltPermissionResource | undefined => {
      const p = perms?.get(resKey(type, type === 'organization' ? undefined : req.organizationId, id));
      return p && (p.expiresAtMs === undefined || p.expiresAtMs > now) ? p : undefined;
    };
    const orgUser = ctx.state.users.get(userKey(req.organizationId, { kind: 'organization' }, userId));
    const orgPerm = live('organization', req.organizationId);
    const entry: Record<string, Record<string, unknown>> = { folders: {}, documents: {}, organization: {} };
    if (orgUser || orgPerm) entry.organization![req.organizationId] = { accessRole: orgPerm?.accessRole ?? orgUser?.accessRole ?? 'editor' };
    else entry.organization![req.organizationId] = { error: 'User does not have access to organization', errorCode: 'permission_denied' };
    for (const folderId of req.folderIds ?? []) {
      const folder = ctx.state.folders.get(veltKey(req.organizationId, folderId));
      if (!folder) {
        missing = true;
        entry.folders![folderId] = { error: 'Folder does not exist', errorCode: 'does_not_exist' };
        continue;
      }
      const p = live('folder', folderId);
      const allowed = p || (folder.accessType !== 'restricted' && (orgUser || orgPerm || folder.accessType === 'public'));
      entry.folders![folderId] = allowed
        ? { accessRole: p?.accessRole ?? orgUser?.accessRole ?? 'editor', accessType: folder.accessType, ...(p?.expiresAtMs ? { expiresAt: Math.floor(p.expiresAtMs / 1000) } : {}) }
        : { error: 'User does not have access to folder', errorCode: 'permission_denied', accessType: folder.accessType };
    }
    for (const documentId of req.documentIds ?? []) {
      const doc = ctx.state.documents.get(veltKey(req.organizationId, documentId));
      if (!doc) {
        missing = true;
        entry.documents![documentId] = { error: 'Document does not exist', errorCode: 'does_not_exist' };
        continue;
      }
      const p = live('document', documentId);
      const docUser = ctx.state.users.get(userKey(req.organizationId, { kind: 'document', documentId }, userId));
      entry.documents![documentId] = hasDocAccess(ctx, doc, userId)
        ? {
            accessRole: p?.accessRole ?? docUser?.accessRole ?? orgPerm?.accessRole ?? orgUser?.accessRole ?? 'editor',
            accessType: doc.accessType,
            ...(p?.expiresAtMs ? { expiresAt: Math.floor(p.expiresAtMs / 1000) } : {}),
          }
        : { error: 'User does not have access to document', errorCode: 'permission_denied', accessType: doc.accessType };
    }
    out[userId] = entry;
  }
  if (missing && !req.skipResourceExistenceValidation) throw notFound('Folder or document does not exist', out);
  return success('User permissions retrieved successfully.', out);
};

const generateSignature: Handler = (data, ctx) => {
  const req = parse(
    z.strictObject({
      permissions: z
        .array(
          z.strictObject({
            userId: str,
            resourceId: str,
            type: z.enum(['document', 'folder', 'organization']),
            hasAccess: z.boolean(),
            accessRole: accessRoleSchema.optional(),
            expiresAt: z.number().optional(),
          }),
        )
        .min(1),
    }),
    data,
    ctx,
  );
  // UNCONFIRMED algorithm: hex HMAC-SHA256 of the JSON permissions keyed by the auth token
  const signature = createHmac('sha256', ctx.opts.authToken).update(JSON.stringify(req.permissions)).digest('hex');
  return success('Signature generated successfully.', { signature });
};

export const authHandlers: Record<string, Handler> = {
  '/auth/generate_token': generateToken,
  '/auth/permissions/add': permissionsAdd,
  '/auth/permissions/get': permissionsGet,
  '/auth/permissions/remove': permissionsRemove,
  '/auth/generate_signature': generateSignature,
};
