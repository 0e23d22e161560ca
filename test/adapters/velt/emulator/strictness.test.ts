/**
 * The Velt emulator refuses what the vendor would refuse: every object whose fields velt.md lists is strict,
 * nested ones included (commentAnnotations[] items, commentData[] items, status, priority, visibility,
 * taggedUserContacts[], attachments[], updatedData, updateUsers[], notifications[], users[] of presence,
 * resources[], config objects, …). An unknown or misspelt field is a 400 INVALID_ARGUMENT in the vendor
 * envelope (`{"error":{"message","status"}}`, velt.md §1.3) naming it, and nothing is written.
 *
 * Table-driven: one or more rows per endpoint (the nested level where there is one), each with the same body
 * without the typo, which is accepted. A meta test checks every endpoint (except the CRDT ones, tested in
 * crdt.test.ts) has a row. Objects the reference leaves open (`context`, `location`, `suggestion`, user
 * references, organization and document extras) are checked to stay open.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startVeltEmulator, type VeltEmulator } from './server.js';

const HEADERS = { 'content-type': 'application/json', 'x-velt-api-key': 'velt_test_key', 'x-velt-auth-token': 'velt_test_token' };
const nowMs = Date.UTC(2026, 0, 1, 12, 0, 0);

let velt: VeltEmulator;

async function call(path: string, data: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${velt.url}/v2${path}`, { method: 'POST', headers: HEADERS, body: JSON.stringify({ data }) });
  return { status: res.status, body: await res.json() };
}

async function ok(path: string, data: unknown): Promise<any> {
  const a = await call(path, data);
  expect(a.status, `${path}: ${JSON.stringify(a.body)}`).toBe(200);
  return a.body.result;
}

const O = 'o';
const D = 'd';
const A = 'a1';
const C = 111111;
const from = { userId: 'u1' };

let endpointId = '';

beforeAll(async () => {
  velt = await startVeltEmulator({ now: () => new Date(nowMs), seed: 7 });
});

afterAll(async () => {
  await velt.close();
});

beforeEach(async () => {
  velt.reset();
  await ok('/organizations/documents/add', { organizationId: O, createOrganization: true, documents: [{ documentId: D }] });
  await ok('/organizations/folders/add', { organizationId: O, folders: [{ folderId: 'f1', folderName: 'F1' }] });
  await ok('/users/add', { organizationId: O, users: [{ userId: 'u1', name: 'U One', email: 'u1@example.test' }] });
  await ok('/organizations/usergroups/add', { organizationId: O, organizationUserGroups: [{ groupId: 'g1', groupName: 'G1' }] });
  await ok('/commentannotations/add', {
    organizationId: O,
    documentId: D,
    commentAnnotations: [{ annotationId: A, commentData: [{ commentId: C, commentText: 'root', from }] }],
  });
  await ok('/notifications/add', {
    organizationId: O,
    documentId: D,
    notificationId: 'n1',
    actionUser: from,
    displayHeadlineMessageTemplate: 'h',
    displayBodyMessage: 'b',
    notifyUsers: [from],
    notifyAll: false,
  });
  await ok('/workspace/advancedwebhookconfig/update', { isEnabled: true });
  endpointId = (await ok('/workspace/advancedwebhook/endpoints/create', { url: 'https://example.test/ep' })).data.id;
});

interface Row {
  endpoint: string;
  /** A `data` the endpoint accepts. */
  valid: () => Record<string, unknown>;
  /** The same with one unknown or misspelt field. */
  typo: () => Record<string, unknown>;
  /** Where the field sits, as the message names it (`data`, `data.commentAnnotations[0].status`, …). */
  at: string;
  key: string;
}

const withTypo = (base: Record<string, unknown>, extra: Record<string, unknown>) => ({ ...base, ...extra });
const ann = (over: Record<string, unknown> = {}, comment: Record<string, unknown> = {}) => ({
  organizationId: O,
  documentId: D,
  commentAnnotations: [{ commentData: [{ commentText: 'hi', from, ...comment }], ...over }],
});
const upd = (updatedData: unknown, rest: Record<string, unknown> = {}) => ({ organizationId: O, documentId: D, annotationIds: [A], updatedData, ...rest });
const resolved = { id: 'RESOLVED', name: 'Resolved', type: 'terminal' };
const cAdd = (item: Record<string, unknown>) => ({ organizationId: O, documentId: D, annotationId: A, commentData: [{ commentText: 'r', from, ...item }] });
const note = (over: Record<string, unknown>) => ({
  organizationId: O,
  documentId: D,
  actionUser: from,
  displayHeadlineMessageTemplate: 'h',
  displayBodyMessage: 'b',
  notifyUsers: [from],
  notifyAll: false,
  ...over,
});
const token = (props: Record<string, unknown>, resource: Record<string, unknown> = {}) => ({
  userId: 'u1',
  userProperties: { name: 'U', email: 'u@example.test', ...props },
  permissions: { resources: [{ type: 'organization', id: O, ...resource }] },
});
const top = (endpoint: string, valid: Record<string, unknown>, key: string): Row => ({
  endpoint,
  valid: () => valid,
  typo: () => withTypo(valid, { [key]: true }),
  at: 'data',
  key,
});

const ROWS: Row[] = [
  // organizations (§3): the organization object itself is open ("other metadata fields may be included")
  top('/organizations/add', { organizations: [{ organizationId: 'o2', organizationName: 'O2' }] }, 'organisations'),
  top('/organizations/get', { organizationIds: [O] }, 'organizationID'),
  top('/organizations/update', { organizations: [{ organizationId: O, organizationName: 'O!' }] }, 'organisations'),
  top('/organizations/delete', { organizationIds: ['o-missing'] }, 'organizationID'),
  top('/organizations/access/disablestate/update', { organizationIds: [O], disabled: false }, 'disable'),
  { endpoint: '/organizations/folders/add', valid: () => ({ organizationId: O, folders: [{ folderId: 'f2', folderName: 'F2' }] }), typo: () => ({ organizationId: O, folders: [{ folderId: 'f2', foldername: 'F2' }] }), at: 'data.folders[0]', key: 'foldername' },
  top('/organizations/folders/get', { organizationId: O }, 'maxdepth'),
  // documents (§5): the document object is open (custom metadata), so the rows are top level
  top('/organizations/documents/add', { organizationId: O, documents: [{ documentId: 'd2' }] }, 'createOrganisation'),
  top('/organizations/documents/get', { organizationId: O, documentIds: [D] }, 'documentID'),
  top('/organizations/documents/update', { organizationId: O, documents: [{ documentId: D, documentName: 'D' }] }, 'document'),
  top('/organizations/documents/delete', { organizationId: O, documentIds: [D] }, 'documentID'),
  top('/organizations/documents/move', { organizationId: O, documentIds: [D], folderId: 'f1' }, 'folderID'),
  top('/organizations/documents/access/update', { organizationId: O, documentIds: [D], accessType: 'public' }, 'accesType'),
  top('/organizations/documents/access/disablestate/update', { organizationId: O, documentIds: [D], disabled: false }, 'disable'),
  // users (§6): user objects are open (the SDK User model), group items are strict
  top('/users/add', { organizationId: O, users: [{ userId: 'u2', name: 'U2' }] }, 'createOrganisation'),
  top('/users/get', { organizationId: O }, 'userID'),
  top('/users/update', { organizationId: O, users: [{ userId: 'u1', name: 'U!' }] }, 'user'),
  top('/users/delete', { organizationId: O, userIds: ['u-missing'] }, 'userID'),
  { endpoint: '/organizations/usergroups/add', valid: () => ({ organizationId: O, organizationUserGroups: [{ groupId: 'g2', groupName: 'G2' }] }), typo: () => ({ organizationId: O, organizationUserGroups: [{ groupId: 'g2', groupname: 'G2' }] }), at: 'data.organizationUserGroups[0]', key: 'groupname' },
  top('/organizations/usergroups/users/add', { organizationId: O, organizationUserGroupId: 'g1', userIds: ['u1'] }, 'userID'),
  top('/organizations/usergroups/users/delete', { organizationId: O, organizationUserGroupId: 'g1', userIds: ['u1'] }, 'deleteall'),
  // comment annotations (§7.3): nested objects
  { endpoint: '/commentannotations/add', valid: () => ann({ annotationId: 'x1' }), typo: () => ann({ annotationID: 'x1' }), at: 'data.commentAnnotations[0]', key: 'annotationID' },
  { endpoint: '/commentannotations/add', valid: () => ann({}, { triggerNotification: false }), typo: () => ann({}, { triggerNotifcation: false }), at: 'data.commentAnnotations[0].commentData[0]', key: 'triggerNotifcation' },
  { endpoint: '/commentannotations/add', valid: () => ann({ status: { ...resolved, color: '#0f0' } }), typo: () => ann({ status: { ...resolved, colour: '#0f0' } }), at: 'data.commentAnnotations[0].status', key: 'colour' },
  { endpoint: '/commentannotations/add', valid: () => ann({ priority: { id: 'P0', name: 'P0', color: '#f00' } }), typo: () => ann({ priority: { id: 'P0', name: 'P0', colour: '#f00' } }), at: 'data.commentAnnotations[0].priority', key: 'colour' },
  { endpoint: '/commentannotations/add', valid: () => ann({ visibility: { type: 'restricted', userIds: ['u1'] } }), typo: () => ann({ visibility: { type: 'restricted', userIds: ['u1'], userid: 'u1' } }), at: 'data.commentAnnotations[0].visibility', key: 'userid' },
  { endpoint: '/commentannotations/add', valid: () => ann({ targetElement: { elementId: 'e1' } }), typo: () => ann({ targetElement: { elementID: 'e1' } }), at: 'data.commentAnnotations[0].targetElement', key: 'elementID' },
  { endpoint: '/commentannotations/add', valid: () => ann({}, { taggedUserContacts: [{ userId: 'u1', contact: from, text: '@U' }] }), typo: () => ann({}, { taggedUserContacts: [{ userId: 'u1', contact: from, txt: '@U' }] }), at: 'data.commentAnnotations[0].commentData[0].taggedUserContacts[0]', key: 'txt' },
  { endpoint: '/commentannotations/add', valid: () => ann({}, { attachments: [{ attachmentId: 1, mimeType: 'image/png' }] }), typo: () => ann({}, { attachments: [{ attachmentId: 1, mimetype: 'image/png' }] }), at: 'data.commentAnnotations[0].commentData[0].attachments[0]', key: 'mimetype' },
  top('/commentannotations/get', { organizationId: O, documentId: D }, 'documentID'),
  top('/commentannotations/count/get', { organizationId: O, documentIds: [D], userId: 'u1' }, 'userID'),
  // update (§7.6): updatedData as an object and as an array, its status, and updateUsers
  { endpoint: '/commentannotations/update', valid: () => upd({ status: resolved, resolvedByUserId: 'u1' }), typo: () => upd({ status: resolved, resolvedByUserID: 'u1' }), at: 'data.updatedData', key: 'resolvedByUserID' },
  { endpoint: '/commentannotations/update', valid: () => upd([{ priority: { id: 'P1', name: 'P1' } }]), typo: () => upd([{ priorty: { id: 'P1', name: 'P1' } }]), at: 'data.updatedData[0]', key: 'priorty' },
  { endpoint: '/commentannotations/update', valid: () => upd({ status: { ...resolved, lightColor: '#fff' } }), typo: () => upd({ status: { ...resolved, lightColour: '#fff' } }), at: 'data.updatedData.status', key: 'lightColour' },
  { endpoint: '/commentannotations/update', valid: () => upd(undefined, { updateUsers: [{ oldUser: { userId: 'u1' }, newUser: { userId: 'u9', name: 'N' } }] }), typo: () => upd(undefined, { updateUsers: [{ oldUser: { userId: 'u1' }, newUser: { userId: 'u9', nmae: 'N' } }] }), at: 'data.updateUsers[0].newUser', key: 'nmae' },
  top('/commentannotations/delete', { organizationId: O, documentId: D, annotationIds: ['missing'] }, 'annotationID'),
  // comments (§7.8-7.11)
  { endpoint: '/commentannotations/comments/add', valid: () => cAdd({ commentHtml: '<p>r</p>' }), typo: () => cAdd({ triggerNotification: true }), at: 'data.commentData[0]', key: 'triggerNotification' },
  { endpoint: '/commentannotations/comments/add', valid: () => cAdd({ taggedUserContacts: [{ userId: 'u1', contact: from, text: '@U' }] }), typo: () => cAdd({ taggedUserContacts: [{ userId: 'u1', contact: from, text: '@U', txt: '@U' }] }), at: 'data.commentData[0].taggedUserContacts[0]', key: 'txt' },
  top('/commentannotations/comments/get', { organizationId: O, documentId: D, annotationId: A }, 'commentID'),
  { endpoint: '/commentannotations/comments/update', valid: () => ({ organizationId: O, documentId: D, annotationId: A, commentIds: [C], updatedData: { commentText: 'x' } }), typo: () => ({ organizationId: O, documentId: D, annotationId: A, commentIds: [C], updatedData: { commentTxt: 'x' } }), at: 'data.updatedData', key: 'commentTxt' },
  top('/commentannotations/comments/delete', { organizationId: O, documentId: D, annotationId: A, commentIds: [999999] }, 'commentID'),
  // notifications (§9)
  { endpoint: '/notifications/add', valid: () => note({ context: { access: { team: 'a' } } }), typo: () => note({ context: { access: { team: 'a' }, acess: {} } }), at: 'data.context', key: 'acess' },
  top('/notifications/get', { organizationId: O, userId: 'u1' }, 'userID'),
  { endpoint: '/notifications/update', valid: () => ({ organizationId: O, notifications: [{ id: 'n1', readByUserIds: ['u1'] }] }), typo: () => ({ organizationId: O, notifications: [{ id: 'n1', readByUserIDs: ['u1'] }] }), at: 'data.notifications[0]', key: 'readByUserIDs' },
  // `isRead` is documented as NOT supported (§9.3); the single-object form too
  { endpoint: '/notifications/update', valid: () => ({ organizationId: O, notifications: { id: 'n1', readByUserIds: ['u1'] } }), typo: () => ({ organizationId: O, notifications: { id: 'n1', isRead: true } }), at: 'data.notifications', key: 'isRead' },
  top('/notifications/delete', { organizationId: O, notificationIds: ['missing'] }, 'notificationID'),
  top('/notifications/config/get', { organizationId: O, userId: 'u1', getOrganizationConfig: true }, 'userID'),
  { endpoint: '/notifications/config/set', valid: () => ({ organizationId: O, userIds: ['u1'], config: { email: 'NONE' } }), typo: () => ({ organizationId: O, userIds: ['u1'], config: { emial: 'NONE' } }), at: 'data.config', key: 'emial' },
  // presence and live state (§10)
  { endpoint: '/presence/add', valid: () => ({ organizationId: O, documentId: D, users: [{ userId: 'u1', status: 'online' }] }), typo: () => ({ organizationId: O, documentId: D, users: [{ userId: 'u1', stauts: 'online' }] }), at: 'data.users[0]', key: 'stauts' },
  { endpoint: '/presence/update', valid: () => ({ organizationId: O, documentId: D, users: [{ userId: 'u1', name: 'U' }] }), typo: () => ({ organizationId: O, documentId: D, users: [{ userId: 'u1', nmae: 'U' }] }), at: 'data.users[0]', key: 'nmae' },
  top('/presence/delete', { organizationId: O, documentId: D, userIds: ['u1'] }, 'userID'),
  top('/livestate/broadcast', { organizationId: O, documentId: D, liveStateDataId: 'ch', data: { any: { json: 1 } }, merge: true }, 'merg'),
  // auth (§11)
  { endpoint: '/auth/generate_token', valid: () => token({ isAdmin: false }), typo: () => token({ isadmin: false }), at: 'data.userProperties', key: 'isadmin' },
  { endpoint: '/auth/generate_token', valid: () => token({}, { accessRole: 'viewer' }), typo: () => token({}, { accesRole: 'viewer' }), at: 'data.permissions.resources[0]', key: 'accesRole' },
  { endpoint: '/auth/permissions/add', valid: () => ({ user: { userId: 'u1' }, permissions: { resources: [{ type: 'document', id: D, organizationId: O }] } }), typo: () => ({ user: { userId: 'u1', name: 'U' }, permissions: { resources: [{ type: 'document', id: D, organizationId: O }] } }), at: 'data.user', key: 'name' },
  top('/auth/permissions/get', { organizationId: O, userIds: ['u1'], documentIds: [D] }, 'documentID'),
  { endpoint: '/auth/permissions/remove', valid: () => ({ userId: 'u1', permissions: { resources: [{ type: 'organization', id: O }] } }), typo: () => ({ userId: 'u1', permissions: { resources: [{ type: 'organization', id: O }], resource: [] } }), at: 'data.permissions', key: 'resource' },
  { endpoint: '/auth/generate_signature', valid: () => ({ permissions: [{ userId: 'u1', resourceId: D, type: 'document', hasAccess: true }] }), typo: () => ({ permissions: [{ userId: 'u1', resourceId: D, type: 'document', hasAccess: true, hasAcess: true }] }), at: 'data.permissions[0]', key: 'hasAcess' },
  // webhook configuration (§12.3)
  top('/workspace/webhookconfig/get', {}, 'useWebhookService'),
  { endpoint: '/workspace/webhookconfig/update', valid: () => ({ useWebhookService: true, webhookServiceConfig: { rawNotificationUrl: 'https://example.test/h' } }), typo: () => ({ useWebhookService: true, webhookServiceConfig: { rawNotificationURL: 'https://example.test/h' } }), at: 'data.webhookServiceConfig', key: 'rawNotificationURL' },
  top('/workspace/advancedwebhookconfig/get', {}, 'isEnabled'),
  top('/workspace/advancedwebhookconfig/update', { encodeData: false }, 'isEnable'),
  top('/workspace/advancedwebhook/endpoints/create', { url: 'https://example.test/e2' }, 'filterType'),
  top('/workspace/advancedwebhook/endpoints/get', {}, 'iter'),
  { endpoint: '/workspace/advancedwebhook/endpoints/update', valid: () => ({ endpointId, description: 'd' }), typo: () => ({ endpointId, description: 'd', desciption: 'd' }), at: 'data', key: 'desciption' },
  { endpoint: '/workspace/advancedwebhook/endpoints/secret/get', valid: () => ({ endpointId }), typo: () => ({ endpointId, endpointID: endpointId }), at: 'data', key: 'endpointID' },
  { endpoint: '/workspace/advancedwebhook/endpoints/delete', valid: () => ({ endpointId }), typo: () => ({ endpointId, endpointID: endpointId }), at: 'data', key: 'endpointID' },
];

/** Everything the emulator holds, as JSON (Maps and Sets expanded), to check a refused call wrote nothing. */
function snapshot(): string {
  const s = velt.state as unknown as Record<string, unknown>;
  const keys = Object.keys(s).filter((k) => k !== 'rng' && typeof s[k] !== 'function');
  return JSON.stringify(
    Object.fromEntries(keys.map((k) => [k, s[k]])),
    (_k, v: unknown) => (v instanceof Map ? [...v] : v instanceof Set ? [...v] : v),
  );
}

describe('every endpoint refuses an unknown or misspelt (nested) field with INVALID_ARGUMENT', () => {
  it.each(ROWS.map((r, i) => ({ ...r, name: `${r.endpoint} ${r.at}.${r.key}`, i })))('$name', async (row) => {
    const before = snapshot();
    const refused = await call(row.endpoint, row.typo());
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.body).toEqual({
      error: { status: 'INVALID_ARGUMENT', message: `Unknown field(s) in ${row.at}: ${row.key}.` },
    });
    expect(snapshot()).toBe(before);
    // The same body without the typo is accepted: the field, not the rest of the body, was the problem.
    await ok(row.endpoint, row.valid());
  });

  it('every endpoint except the CRDT ones (crdt.test.ts) has a row', () => {
    const covered = new Set(ROWS.map((r) => r.endpoint));
    const missing = velt.endpoints.filter((e) => !e.startsWith('/crdt/') && !covered.has(e));
    expect(missing).toEqual([]);
    expect([...covered].filter((e) => !velt.endpoints.includes(e))).toEqual([]);
  });
});

describe('objects the reference leaves open stay open', () => {
  it('annotation and comment `context` ("your metadata"), `location` (…any), `suggestion` (…custom), user references', async () => {
    const res = await ok('/commentannotations/add', {
      organizationId: O,
      documentId: D,
      commentAnnotations: [
        {
          annotationId: 'open1',
          context: { anything: { nested: true } },
          location: { id: 'l1', version: { id: 'v1', name: 'V1' }, custom: 1 },
          type: 'suggestion',
          suggestion: { oldValue: 'a', newValue: 'b', myField: 1 },
          assignedTo: { userId: 'u1', color: '#123', plan: 'pro' },
          pageInfo: { url: 'https://example.test' },
          commentData: [{ commentText: 'x', from: { userId: 'u1', isAdmin: false, textColor: '#fff' }, context: { k: 'v' } }],
        },
      ],
    });
    expect(res.data.open1.success).toBe(true);
    const stored = velt.state.annotation(O, D, 'open1') as any;
    expect(stored.context.anything).toEqual({ nested: true });
    expect(stored.location.custom).toBe(1);
    expect(stored.suggestion.myField).toBe(1);
    expect(stored.pageInfo).toEqual({ url: 'https://example.test' });
  });

  it('organization and document extras (custom metadata) and user extras', async () => {
    await ok('/organizations/add', { organizations: [{ organizationId: 'o3', organizationName: 'O3', tier: 'gold' }] });
    await ok('/organizations/documents/add', { organizationId: O, documents: [{ documentId: 'd3', color: 'blue' }] });
    await ok('/users/add', { organizationId: O, users: [{ userId: 'u3', name: 'U3', team: 'x' }] });
    const docs = await ok('/organizations/documents/get', { organizationId: O, documentIds: ['d3'] });
    expect(docs.data[0].color).toBe('blue');
  });

  it('notification template data, source data, location and metadata; livestate data', async () => {
    await ok('/notifications/add', note({ displayHeadlineMessageTemplateData: { any: 'x' }, notificationSourceData: { a: [1] }, location: { id: 'l' }, metadata: { custom: true } }));
    await ok('/livestate/broadcast', { organizationId: O, documentId: D, liveStateDataId: 'ch', data: { deep: { any: [1, { x: 2 }] } } });
  });

  it('with rejectUnknownFields: false, unknown nested fields are dropped instead (stored without them)', async () => {
    const lenient = await startVeltEmulator({ now: () => new Date(nowMs), rejectUnknownFields: false });
    try {
      const res = await fetch(`${lenient.url}/v2/commentannotations/add`, {
        method: 'POST',
        headers: HEADERS,
        body: JSON.stringify({
          data: {
            organizationId: O,
            documentId: D,
            createOrganization: true,
            createDocument: true,
            bogus: 1,
            commentAnnotations: [
              { annotationId: 'l1', status: { ...resolved, colour: '#0f0' }, commentData: [{ commentText: 'x', from, triggerNotifcation: true }] },
            ],
          },
        }),
      });
      expect(res.status).toBe(200);
      const stored = lenient.state.annotation(O, D, 'l1') as any;
      expect(stored.status.id).toBe('RESOLVED');
      expect(stored.status).not.toHaveProperty('colour');
      expect(stored.comments[0]).not.toHaveProperty('triggerNotifcation');
    } finally {
      await lenient.close();
    }
  });
});

describe('resolve without resolvedByUserId (§7.2, §7.6)', () => {
  it('is accepted: the reference makes resolvedByUserId optional ("optionally resolvedByUserId"), so the emulator does not refuse it', async () => {
    await ok('/commentannotations/update', upd({ status: resolved }));
    const a = velt.state.annotation(O, D, A) as any;
    expect(a.status.type).toBe('terminal');
    expect(a.resolvedByUserId).toBeUndefined();
  });
});
