/** /v2/users/* (velt.md §6.1–6.4) and /v2/organizations/usergroups/* (velt.md §6.5). */
import { z } from 'zod';
import { invalidArgument, notFound } from '../errors.js';
import {
  accessRoleSchema,
  capIds,
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
  userInternalId,
  type Ctx,
  type Handler,
} from '../context.js';
import { scopeKey, userKey, veltKey, type VeltUserRecord, type VeltUserScope } from '../state.js';
import { initialOf, md5Hex, paginate } from '../util.js';
import { ensureFolder } from './organizations.js';

/**
 * User object as REST input (§6): `userId`, `name?`, `email?`, `photoUrl?`, `initial?`, `accessRole?`, plus
 * custom keys. Open on purpose: the reference's User model is open-ended ("Full SDK User also has
 * organizationId, color, textColor, type, isAdmin, isGuest, plan, …", §6), and the Velt adapter keeps user
 * metadata there (see context.ts `userSchema`).
 */
const userInput = z.looseObject({
  userId: str,
  name: z.string().optional(),
  email: z.string().optional(),
  photoUrl: z.string().optional(),
  initial: z.string().optional(),
  accessRole: accessRoleSchema.optional(),
});

export function userToWire(u: VeltUserRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { ...u.extra };
  if (u.email !== undefined) out.email = u.email;
  if (u.name !== undefined) out.name = u.name;
  if (u.photoUrl !== undefined) out.photoUrl = u.photoUrl;
  if (u.initial !== undefined) out.initial = u.initial;
  out.accessRole = u.accessRole;
  out.userId = u.userId;
  return out;
}

function applyUserFields(rec: VeltUserRecord, u: z.infer<typeof userInput>): void {
  const { userId: _id, name, email, photoUrl, initial, accessRole, ...extra } = u;
  if (name !== undefined) rec.name = name;
  if (email !== undefined) rec.email = email;
  if (photoUrl !== undefined) rec.photoUrl = photoUrl;
  if (accessRole !== undefined) rec.accessRole = accessRole;
  // DOC: `initial` auto-derived from `name` if absent
  rec.initial = initial ?? rec.initial ?? initialOf(rec.name);
  if (rec.initial === undefined) delete rec.initial;
  Object.assign(rec.extra, extra);
}

function scopeOf(documentId: string | undefined, folderId: string | undefined): VeltUserScope {
  if (documentId !== undefined && folderId !== undefined) throw invalidArgument('Either provide documentId or folderId.');
  if (documentId !== undefined) return { kind: 'document', documentId };
  if (folderId !== undefined) return { kind: 'folder', folderId };
  return { kind: 'organization' };
}

const scopeFields = {
  organizationId: str,
  documentId: optStr,
  folderId: optStr,
};

function requireScope(ctx: Ctx, organizationId: string, scope: VeltUserScope, createDocument?: boolean, createFolder?: boolean): void {
  if (scope.kind === 'document') requireDoc(ctx, organizationId, scope.documentId, createDocument);
  if (scope.kind === 'folder' && !ctx.state.folders.has(veltKey(organizationId, scope.folderId))) {
    if (createFolder || !ctx.opts.requireExistingParents) ensureFolder(ctx, organizationId, scope.folderId);
    else throw notFound('Folder not found.');
  }
}

const add: Handler = (data, ctx) => {
  const req = parse(
    z.strictObject({
      ...scopeFields,
      createOrganization: optBool,
      createDocument: optBool,
      createFolder: optBool,
      users: z.array(userInput).min(1),
    }),
    data,
    ctx,
  );
  const scope = scopeOf(req.documentId, req.folderId);
  // DOC §6.1: "If organization does not exist, it will be created."
  requireOrg(ctx, req.organizationId, true);
  requireScope(ctx, req.organizationId, scope, req.createDocument, req.createFolder);
  const out: Record<string, unknown> = {};
  for (const u of req.users) {
    const internalId = userInternalId(ctx, req.organizationId, u.userId);
    if (ctx.state.shouldFailItem(u.userId)) {
      out[u.userId] = { success: false, id: internalId, message: 'Failed to add user.' };
      continue;
    }
    const key = userKey(req.organizationId, scope, u.userId);
    let rec = ctx.state.users.get(key);
    if (!rec) {
      rec = {
        organizationId: req.organizationId,
        scope,
        userId: u.userId,
        internalId,
        accessRole: 'editor',
        extra: {},
        seq: ctx.state.nextSeq(),
      };
      ctx.state.users.set(key, rec);
    }
    applyUserFields(rec, u);
    out[u.userId] = { success: true, id: internalId, message: 'User added.' };
  }
  return success('User(s) processed successfully.', out);
};

const get: Handler = (data, ctx) => {
  const req = parse(
    z.strictObject({
      ...scopeFields,
      userIds: idList.optional(),
      organizationUserGroupIds: idList.optional(),
      allDocuments: optBool,
      groupByDocumentId: optBool,
      pageSize: pageSizeSchema,
      pageToken: pageTokenSchema,
    }),
    data,
    ctx,
  );
  capIds(ctx, 'userIds', req.userIds);
  capIds(ctx, 'organizationUserGroupIds', req.organizationUserGroupIds);
  let list = [...ctx.state.users.values()].filter((u) => u.organizationId === req.organizationId);
  if (req.allDocuments) list = list.filter((u) => u.scope.kind === 'document');
  else {
    const sk = scopeKey(scopeOf(req.documentId, req.folderId));
    list = list.filter((u) => scopeKey(u.scope) === sk);
  }
  if (req.userIds) {
    const wanted = new Set(req.userIds);
    list = list.filter((u) => wanted.has(u.userId));
  }
  if (req.organizationUserGroupIds) {
    const members = new Set<string>();
    for (const gid of req.organizationUserGroupIds) {
      for (const uid of ctx.state.userGroups.get(veltKey(req.organizationId, gid))?.userIds ?? []) members.add(uid);
    }
    list = list.filter((u) => members.has(u.userId));
  }
  list.sort((a, b) => a.seq - b.seq);
  const page = paginate(list, (u) => [u.seq], {
    scope: `users:${req.organizationId}`,
    pageSize: pageSizeOf(ctx, req.pageSize),
    pageToken: req.pageToken,
  });
  const extra = page.nextToken ? { nextPageToken: page.nextToken } : {};
  if (req.allDocuments && req.groupByDocumentId) {
    const grouped: Record<string, unknown[]> = {};
    for (const u of page.items) {
      const docId = u.scope.kind === 'document' ? u.scope.documentId : '';
      (grouped[docId] ??= []).push(userToWire(u));
    }
    return success('User(s) retrieved successfully.', grouped, extra);
  }
  return success('User(s) retrieved successfully.', page.items.map(userToWire), extra);
};

const update: Handler = (data, ctx) => {
  const req = parse(z.strictObject({ ...scopeFields, users: z.array(userInput).min(1) }), data, ctx);
  const scope = scopeOf(req.documentId, req.folderId);
  const out: Record<string, unknown> = {};
  for (const u of req.users) {
    const internalId = userInternalId(ctx, req.organizationId, u.userId);
    const rec = ctx.state.users.get(userKey(req.organizationId, scope, u.userId));
    if (!rec || ctx.state.shouldFailItem(u.userId)) {
      out[u.userId] = { success: false, id: internalId, message: rec ? 'Failed to update user.' : 'User does not exist.' };
      continue;
    }
    applyUserFields(rec, u);
    out[u.userId] = { success: true, id: internalId, message: 'User updated.' };
  }
  return success('User(s) processed successfully.', out);
};

const del: Handler = (data, ctx) => {
  const req = parse(z.strictObject({ ...scopeFields, userIds: idList.min(1) }), data, ctx);
  const scope = scopeOf(req.documentId, req.folderId);
  const out: Record<string, unknown> = {};
  for (const id of req.userIds) {
    const key = userKey(req.organizationId, scope, id);
    if (!ctx.state.users.has(key) || ctx.state.shouldFailItem(id)) {
      out[id] = { success: false, message: ctx.state.users.has(key) ? 'Failed to remove user.' : 'User does not exist.' };
      continue;
    }
    ctx.state.users.delete(key);
    if (scope.kind === 'organization') {
      for (const g of ctx.state.userGroups.values()) if (g.organizationId === req.organizationId) g.userIds.delete(id);
    }
    out[id] = { success: true, message: 'User removed.' };
  }
  return success('User(s) deleted successfully.', out);
};

// ------------------------------------------------------------------ user groups

const groupAdd: Handler = (data, ctx) => {
  const req = parse(
    z.strictObject({
      organizationId: str,
      createOrganization: optBool,
      organizationUserGroups: z.array(z.strictObject({ groupId: str, groupName: optStr })).min(1),
    }),
    data,
    ctx,
  );
  requireOrg(ctx, req.organizationId, req.createOrganization);
  const out: Record<string, unknown> = {};
  for (const g of req.organizationUserGroups) {
    const internalId = md5Hex(`${ctx.opts.apiKey}/group/${req.organizationId}/${g.groupId}`);
    if (ctx.state.shouldFailItem(g.groupId)) {
      out[g.groupId] = { success: false, id: internalId, message: 'Failed to add organization user group.' };
      continue;
    }
    const key = veltKey(req.organizationId, g.groupId);
    const existing = ctx.state.userGroups.get(key);
    if (existing) {
      if (g.groupName !== undefined) existing.groupName = g.groupName;
    } else {
      ctx.state.userGroups.set(key, {
        organizationId: req.organizationId,
        groupId: g.groupId,
        ...(g.groupName !== undefined ? { groupName: g.groupName } : {}),
        internalId,
        userIds: new Set(),
      });
    }
    out[g.groupId] = { success: true, id: internalId, message: 'Organization user group added.' };
  }
  return success('Organization User Groups added successfully.', out);
};

const groupUsersAdd: Handler = (data, ctx) => {
  const req = parse(z.strictObject({ organizationId: str, organizationUserGroupId: str, userIds: idList.min(1) }), data, ctx);
  const group = ctx.state.userGroups.get(veltKey(req.organizationId, req.organizationUserGroupId));
  if (!group) throw notFound('Organization user group does not exist.');
  const out: Record<string, unknown> = {};
  for (const id of req.userIds) {
    if (ctx.state.shouldFailItem(id)) {
      out[id] = { success: false, organizationUserGroupId: group.groupId, message: 'Failed to add user to organization user group.' };
      continue;
    }
    group.userIds.add(id);
    out[id] = { success: true, organizationUserGroupId: group.groupId, message: 'User added to organization user group.' };
  }
  return success('Added organization users to group successfully.', out);
};

const groupUsersDelete: Handler = (data, ctx) => {
  const req = parse(
    z.strictObject({ organizationId: str, organizationUserGroupId: str, userIds: idList.optional(), deleteAll: optBool }),
    data,
    ctx,
  );
  if (!req.userIds && !req.deleteAll) throw invalidArgument('Either userIds or deleteAll must be provided.');
  const group = ctx.state.userGroups.get(veltKey(req.organizationId, req.organizationUserGroupId));
  if (!group) throw notFound('Organization user group does not exist.');
  const ids = req.deleteAll ? [...group.userIds] : req.userIds!;
  const out: Record<string, unknown> = {};
  for (const id of ids) {
    group.userIds.delete(id);
    out[id] = { success: true, organizationUserGroupId: group.groupId, message: 'User deleted from organization user group.' };
  }
  return success('Deleted users from group successfully.', out);
};

export const userHandlers: Record<string, Handler> = {
  '/users/add': add,
  '/users/get': get,
  '/users/update': update,
  '/users/delete': del,
  '/organizations/usergroups/add': groupAdd,
  '/organizations/usergroups/users/add': groupUsersAdd,
  '/organizations/usergroups/users/delete': groupUsersDelete,
};
