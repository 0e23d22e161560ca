/**
 * Tests of the Velt REST v2 emulator (test/adapters/velt/emulator/server.ts) over real HTTP with global fetch.
 * Expected literals come from ../shared/vendors/velt.md (cited as §N).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  signStandardWebhook,
  startVeltEmulator,
  verifyVeltEmulatorToken,
  type VeltEmulator,
  type VeltEmulatorOptions,
} from './server.js';

const API_KEY = 'velt_test_key';
const AUTH_TOKEN = 'velt_test_token';
const HEADERS = { 'content-type': 'application/json', 'x-velt-api-key': API_KEY, 'x-velt-auth-token': AUTH_TOKEN };

let nowMs = Date.UTC(2026, 0, 1, 12, 0, 0);
const tick = (ms = 1000): void => {
  nowMs += ms;
};

let velt: VeltEmulator;

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

async function raw(
  emu: VeltEmulator,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const res = await fetch(`${emu.url}${path}`, {
    method: init.method ?? 'POST',
    headers: init.headers ?? HEADERS,
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* keep text */
  }
  return { status: res.status, body, headers: res.headers };
}

const call = (path: string, data: unknown, emu: VeltEmulator = velt): Promise<Answer> =>
  raw(emu, `/v2${path}`, { body: JSON.stringify({ data }) });

/** asserts a success envelope and returns `result` */
async function ok(path: string, data: unknown, emu: VeltEmulator = velt): Promise<any> {
  const a = await call(path, data, emu);
  expect(a.status, JSON.stringify(a.body)).toBe(200);
  expect(a.body.result.status).toBe('success');
  return a.body.result;
}

/** asserts a vendor error envelope and returns `error` */
async function err(path: string, data: unknown, httpStatus: number, status: string, emu: VeltEmulator = velt): Promise<any> {
  const a = await call(path, data, emu);
  expect(a.status, JSON.stringify(a.body)).toBe(httpStatus);
  expect(a.body.result).toBeUndefined();
  expect(a.body.error.status).toBe(status);
  expect(typeof a.body.error.message).toBe('string');
  return a.body.error;
}

async function withEmulator(options: VeltEmulatorOptions, fn: (emu: VeltEmulator) => Promise<void>): Promise<void> {
  const emu = await startVeltEmulator({ now: () => new Date(nowMs), ...options });
  try {
    await fn(emu);
  } finally {
    await emu.close();
  }
}

async function seedDoc(org = 'org-1', doc = 'doc-1'): Promise<void> {
  await ok('/organizations/documents/add', {
    organizationId: org,
    createOrganization: true,
    documents: [{ documentId: doc, documentName: 'Doc' }],
  });
}

async function addThread(opts: { org?: string; doc?: string; text?: string; userId?: string; extra?: Record<string, unknown> } = {}) {
  const result = await ok('/commentannotations/add', {
    organizationId: opts.org ?? 'org-1',
    documentId: opts.doc ?? 'doc-1',
    commentAnnotations: [
      {
        ...(opts.extra ?? {}),
        commentData: [
          { commentText: opts.text ?? 'Hello', commentHtml: `<p>${opts.text ?? 'Hello'}</p>`, from: { userId: opts.userId ?? 'alice' } },
        ],
      },
    ],
  });
  const entry = Object.values(result.data)[0] as { annotationId: string; commentIds: number[] };
  return entry;
}

beforeAll(async () => {
  velt = await startVeltEmulator({ now: () => new Date(nowMs), seed: 7 });
});
afterAll(async () => {
  await velt.close();
});
beforeEach(() => {
  velt.reset();
});

// ====================================================================== protocol

describe('protocol: method, envelope, headers (§1)', () => {
  it('rejects non-POST methods with 400 INVALID_ARGUMENT in the vendor envelope', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const a = await raw(velt, '/v2/organizations/get', { method });
      expect(a.status).toBe(400);
      expect(a.body).toEqual({ error: { message: 'Bad Request', status: 'INVALID_ARGUMENT' } });
    }
  });

  it('answers NOT_FOUND for unknown endpoints', async () => {
    const a = await call('/organizations/list', {});
    expect(a.status).toBe(404);
    expect(a.body.error.status).toBe('NOT_FOUND');
  });

  it('requires a JSON content type and a JSON object body', async () => {
    let a = await raw(velt, '/v2/organizations/get', {
      headers: { ...HEADERS, 'content-type': 'text/plain' },
      body: JSON.stringify({ data: {} }),
    });
    expect(a.status).toBe(400);
    expect(a.body.error.status).toBe('INVALID_ARGUMENT');
    a = await raw(velt, '/v2/organizations/get', { body: '{"data": {' });
    expect(a.status).toBe(400);
    expect(a.body.error.status).toBe('INVALID_ARGUMENT');
  });

  it('enforces the {"data": ...} envelope (unwrapped generate_token is INVALID_ARGUMENT, §11.1)', async () => {
    const unwrapped = {
      userId: 'u',
      userProperties: { name: 'U', email: 'u@x.io' },
      permissions: { resources: [] },
    };
    let a = await raw(velt, '/v2/auth/generate_token', { body: JSON.stringify(unwrapped) });
    expect(a.status).toBe(400);
    expect(a.body.error.status).toBe('INVALID_ARGUMENT');
    for (const body of [{ data: [] }, { data: null }, { data: 'x' }, {}]) {
      a = await raw(velt, '/v2/organizations/get', { body: JSON.stringify(body) });
      expect(a.status, JSON.stringify(body)).toBe(400);
      expect(a.body.error.status).toBe('INVALID_ARGUMENT');
    }
    expect(velt.requests.at(-1)?.note).toMatch(/data/);
  });

  it('missing credentials → 400 INVALID_ARGUMENT, wrong ones → 403 PERMISSION_DENIED (§1.3)', async () => {
    const body = JSON.stringify({ data: {} });
    const cases: Array<[Record<string, string>, number, string]> = [
      [{ 'content-type': 'application/json', 'x-velt-auth-token': AUTH_TOKEN }, 400, 'INVALID_ARGUMENT'],
      [{ 'content-type': 'application/json', 'x-velt-api-key': API_KEY }, 400, 'INVALID_ARGUMENT'],
      [{ ...HEADERS, 'x-velt-api-key': 'nope' }, 403, 'PERMISSION_DENIED'],
      [{ ...HEADERS, 'x-velt-auth-token': 'nope' }, 403, 'PERMISSION_DENIED'],
    ];
    for (const [headers, status, code] of cases) {
      const a = await raw(velt, '/v2/organizations/get', { headers, body });
      expect(a.status).toBe(status);
      expect(a.body.error.status).toBe(code);
    }
    const wrongKey = await raw(velt, '/v2/organizations/get', { headers: { ...HEADERS, 'x-velt-api-key': 'nope' }, body });
    expect(wrongKey.body).toEqual({ error: { status: 'PERMISSION_DENIED', message: 'Invalid API key.' } });
  });

  it('honours custom credentials', async () => {
    await withEmulator({ apiKey: 'k2', authToken: 't2' }, async (emu) => {
      const body = JSON.stringify({ data: {} });
      expect((await raw(emu, '/v2/organizations/get', { body })).status).toBe(403);
      const a = await raw(emu, '/v2/organizations/get', {
        headers: { 'content-type': 'application/json', 'x-velt-api-key': 'k2', 'x-velt-auth-token': 't2' },
        body,
      });
      expect(a.status).toBe(200);
    });
  });

  it('rejects bad field types and missing required fields with INVALID_ARGUMENT naming the field', async () => {
    let e = await err('/organizations/add', { organizations: [{ organizationId: 42 }] }, 400, 'INVALID_ARGUMENT');
    expect(e.message).toContain('organizationId');
    e = await err('/organizations/add', {}, 400, 'INVALID_ARGUMENT');
    expect(e.message).toContain('organizations');
    await err('/organizations/get', { pageSize: 'ten' }, 400, 'INVALID_ARGUMENT');
    await err('/organizations/get', { pageSize: 0 }, 400, 'INVALID_ARGUMENT');
  });

  it('rejects unknown top-level fields by default, accepts them when configured', async () => {
    const e = await err('/organizations/get', { organizationID: ['x'] }, 400, 'INVALID_ARGUMENT');
    expect(e.message).toContain('organizationID');
    await withEmulator({ rejectUnknownFields: false }, async (emu) => {
      await ok('/organizations/get', { organizationID: ['x'] }, emu);
    });
  });

  it('records every request with secrets redacted and the parsed body', async () => {
    await ok('/organizations/add', { organizations: [{ organizationId: 'o', organizationName: 'O' }] });
    await raw(velt, '/v2/organizations/get', { method: 'GET' });
    expect(velt.requests).toHaveLength(2);
    const [first, second] = velt.requests;
    expect(first).toMatchObject({
      method: 'POST',
      path: '/v2/organizations/add',
      status: 200,
      body: { data: { organizations: [{ organizationId: 'o', organizationName: 'O' }] } },
    });
    expect(first!.headers['x-velt-api-key']).toBe('[REDACTED]');
    expect(first!.headers['x-velt-auth-token']).toBe('[REDACTED]');
    expect(first!.headers['content-type']).toBe('application/json');
    expect((first!.response as any).result.status).toBe('success');
    expect(second).toMatchObject({ method: 'GET', status: 400 });
    const dump = JSON.stringify(velt.requests);
    expect(dump).not.toContain(AUTH_TOKEN);
    expect(dump).not.toContain(`"${API_KEY}"`);
  });

  it('reset() clears state and requests', async () => {
    await ok('/organizations/add', { organizations: [{ organizationId: 'o' }] });
    velt.reset();
    expect(velt.requests).toHaveLength(0);
    expect(velt.state.organizations.size).toBe(0);
  });
});

// ====================================================================== organizations

describe('organizations (§3)', () => {
  it('add / get / update / delete with the documented shapes', async () => {
    const added = await ok('/organizations/add', {
      organizations: [{ organizationId: 'yourOrganizationId', organizationName: 'Your Organization Name' }],
    });
    expect(added.message).toBe('Organization(s) added successfully.');
    const entry = added.data.yourOrganizationId;
    expect(entry).toEqual({ success: true, id: expect.stringMatching(/^[0-9a-f]{32}$/), message: 'Added Successfully' });

    const got = await ok('/organizations/get', { organizationIds: ['yourOrganizationId'] });
    expect(got.message).toBe('Organization(s) retrieved successfully.');
    expect(got.data).toEqual([{ id: 'yourOrganizationId', organizationName: 'Your Organization Name', disabled: false }]);
    expect(got.nextPageToken).toBeUndefined();

    const updated = await ok('/organizations/update', {
      organizations: [
        { organizationId: 'yourOrganizationId', organizationName: 'Renamed' },
        { organizationId: 'ghost', organizationName: 'x' },
      ],
    });
    expect(updated.message).toBe('Organization(s) updated successfully.');
    expect(updated.data.yourOrganizationId).toEqual({ success: true, id: entry.id, message: 'Updated Successfully' });
    expect(updated.data.ghost.success).toBe(false);
    expect(velt.state.organization('yourOrganizationId')?.organizationName).toBe('Renamed');

    const deleted = await ok('/organizations/delete', { organizationIds: ['yourOrganizationId', 'ghost'] });
    expect(deleted.message).toBe('Organization(s) deleted successfully.');
    expect(deleted.data.yourOrganizationId).toEqual({ success: true, id: entry.id, message: 'Deleted Successfully' });
    expect(deleted.data.ghost).toMatchObject({ success: false, message: 'Organization does not exist' });
    expect(velt.state.organizations.size).toBe(0);
  });

  it('add upserts an existing organization (openapi, §15.8) and echoes extra metadata', async () => {
    await ok('/organizations/add', { organizations: [{ organizationId: 'o', organizationName: 'A', plan: 'pro' }] });
    const again = await ok('/organizations/add', { organizations: [{ organizationId: 'o', organizationName: 'B' }] });
    expect(again.data.o.success).toBe(true);
    const got = await ok('/organizations/get', {});
    expect(got.data).toEqual([{ id: 'o', organizationName: 'B', disabled: false, plan: 'pro' }]);
  });

  it('organizationAddExisting:"error" answers 500 INTERNAL with per-item details (velt-py README)', async () => {
    await withEmulator({ organizationAddExisting: 'error' }, async (emu) => {
      await ok('/organizations/add', { organizations: [{ organizationId: 'o' }] }, emu);
      const e = await err('/organizations/add', { organizations: [{ organizationId: 'o' }, { organizationId: 'p' }] }, 500, 'INTERNAL', emu);
      expect(e.message).toBe('Error adding organization(s).');
      expect(e.details.o).toEqual({ success: false, message: 'Organization already exists.' });
      expect(e.details.p.success).toBe(true);
    });
  });

  it('disable state update creates missing orgs and sets disabled', async () => {
    const r = await ok('/organizations/access/disablestate/update', { organizationIds: ['o1'], disabled: true });
    expect(r.message).toBe('Updated disable state for Organization(s) successfully.');
    expect(r.data.o1).toMatchObject({ success: true, message: 'Updated disable state for organization Successfully' });
    expect(velt.state.organization('o1')?.disabled).toBe(true);
  });

  it('paginates with nextPageToken, visiting each organization exactly once', async () => {
    const ids = Array.from({ length: 25 }, (_, i) => `org-${String(i).padStart(2, '0')}`);
    await ok('/organizations/add', { organizations: ids.map((organizationId) => ({ organizationId })) });
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await ok('/organizations/get', { pageSize: 10, ...(token ? { pageToken: token } : {}) });
      expect(r.pageToken).toBeUndefined();
      seen.push(...r.data.map((o: { id: string }) => o.id));
      token = r.nextPageToken;
      pages++;
      if (pages === 1) await ok('/organizations/add', { organizations: [{ organizationId: 'late' }] });
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids, 'late']);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('rejects a garbage pageToken', async () => {
    await err('/organizations/get', { pageToken: 'not-a-token' }, 400, 'INVALID_ARGUMENT');
  });

  it('caps id filters at 30 (§1.5)', async () => {
    const ids = Array.from({ length: 31 }, (_, i) => `o${i}`);
    await err('/organizations/get', { organizationIds: ids }, 400, 'INVALID_ARGUMENT');
    await ok('/organizations/get', { organizationIds: ids.slice(0, 30) });
  });

  it('per-item failures in a batch: failItem() and the __fail__ prefix', async () => {
    velt.state.failItem('org-b');
    const r = await ok('/organizations/add', {
      organizations: [{ organizationId: 'org-a' }, { organizationId: 'org-b' }, { organizationId: '__fail__c' }],
    });
    expect(r.data['org-a'].success).toBe(true);
    expect(r.data['org-b'].success).toBe(false);
    expect(r.data.__fail__c.success).toBe(false);
    expect([...velt.state.organizations.keys()]).toEqual(['org-a']);
  });
});

// ====================================================================== documents

describe('documents (§5)', () => {
  it('add requires the organization unless createOrganization', async () => {
    const e = await err('/organizations/documents/add', { organizationId: 'o', documents: [{ documentId: 'd' }] }, 404, 'NOT_FOUND');
    expect(e.message).toMatch(/Organization/);
    const r = await ok('/organizations/documents/add', {
      organizationId: 'o',
      createOrganization: true,
      documents: [{ documentId: 'yourDocumentId', documentName: 'Your Document Name' }],
    });
    expect(r).toEqual({
      status: 'success',
      message: 'Document(s) added successfully.',
      data: { yourDocumentId: { success: true, id: expect.stringMatching(/^\d{16}$/), message: 'Added Successfully' } },
    });
  });

  it('partial failure answers HTTP 500 INTERNAL with per-item details; successful items are applied', async () => {
    await seedDoc('o', 'd1');
    const e = await err(
      '/organizations/documents/add',
      { organizationId: 'o', documents: [{ documentId: 'd2' }, { documentId: 'd1' }] },
      500,
      'INTERNAL',
    );
    expect(e.message).toBe('Error adding document(s).');
    expect(e.details.d2).toMatchObject({ success: true, message: 'Added Successfully' });
    expect(e.details.d1).toEqual({ success: false, id: 'd1', message: 'Document already exists', code: 'already-exists' });
    expect(velt.state.document('o', 'd2')).toBeDefined();
  });

  it('get by ids; a missing id is a 500 with an array of per-item results', async () => {
    await seedDoc('o', 'd1');
    const r = await ok('/organizations/documents/get', { organizationId: 'o', documentIds: ['d1'] });
    expect(r.data).toEqual([{ documentName: 'Doc', disabled: false, accessType: 'public', id: 'd1' }]);
    const e = await err('/organizations/documents/get', { organizationId: 'o', documentIds: ['d1', 'nope'] }, 500, 'INTERNAL');
    expect(e.message).toBe('Error retrieving document(s).');
    expect(e.details[0]).toMatchObject({ id: 'd1' });
    expect(e.details[1]).toEqual({ id: 'nope', success: false, message: 'Document does not exist', code: 'not-found' });
    const ids = Array.from({ length: 31 }, (_, i) => `d${i}`);
    await err('/organizations/documents/get', { organizationId: 'o', documentIds: ids }, 400, 'INVALID_ARGUMENT');
  });

  it('paginates with `pageToken` (not nextPageToken) and visits each document once', async () => {
    await ok('/organizations/add', { organizations: [{ organizationId: 'o' }] });
    const ids = Array.from({ length: 7 }, (_, i) => `d${i}`);
    await ok('/organizations/documents/add', { organizationId: 'o', documents: ids.map((documentId) => ({ documentId })) });
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const r = await ok('/organizations/documents/get', { organizationId: 'o', pageSize: 3, ...(token ? { pageToken: token } : {}) });
      expect(r.nextPageToken).toBeUndefined();
      seen.push(...r.data.map((d: { id: string }) => d.id));
      token = r.pageToken;
    } while (token);
    expect(seen).toEqual(ids);
  });

  it('update / delete (partial failure = 500) / access / disable state', async () => {
    await seedDoc('o', 'd1');
    const u = await ok('/organizations/documents/update', { organizationId: 'o', documents: [{ documentId: 'd1', documentName: 'New' }] });
    expect(u.message).toBe('Document(s) updated successfully.');
    expect(u.data.d1).toMatchObject({ success: true, message: 'Updated Successfully' });
    const ue = await err('/organizations/documents/update', { organizationId: 'o', documents: [{ documentId: 'x' }] }, 500, 'INTERNAL');
    expect(ue.details.x.code).toBe('not-found');

    const acc = await ok('/organizations/documents/access/update', { organizationId: 'o', documentIds: ['d1'], accessType: 'organizationPrivate' });
    expect(acc.data.d1).toEqual({ success: true, accessType: 'organizationPrivate', message: 'Document access type updated.' });
    const dis = await ok('/organizations/documents/access/disablestate/update', { organizationId: 'o', documentIds: ['d1'], disabled: true });
    expect(dis.data.d1).toEqual({ success: true, disabled: true, message: 'Document disabled state updated.' });
    await err('/organizations/documents/access/update', { organizationId: 'o', documentIds: ['d1'], accessType: 'secret' }, 400, 'INVALID_ARGUMENT');

    const de = await err('/organizations/documents/delete', { organizationId: 'o', documentIds: ['d1', 'x'] }, 500, 'INTERNAL');
    expect(de.message).toBe('Error deleting document(s).');
    expect(de.details.d1.success).toBe(true);
    expect(velt.state.document('o', 'd1')).toBeUndefined();
  });

  it('document delete cascades to its comment annotations and notifications', async () => {
    await seedDoc('org-1', 'doc-1');
    await addThread();
    expect(velt.state.annotationsOf('org-1', 'doc-1')).toHaveLength(1);
    await ok('/organizations/documents/delete', { organizationId: 'org-1', documentIds: ['doc-1'] });
    expect(velt.state.annotationsOf('org-1', 'doc-1')).toHaveLength(0);
  });
});

// ====================================================================== users

describe('users (§6)', () => {
  it('add (org auto-created) / get / update / delete with the documented shapes', async () => {
    const add = await ok('/users/add', {
      organizationId: 'o',
      users: [{ userId: 'yourUserId1', name: 'User Name', email: 'user@email.com', accessRole: 'viewer' }],
    });
    expect(add).toEqual({
      status: 'success',
      message: 'User(s) processed successfully.',
      data: { yourUserId1: { success: true, id: expect.stringMatching(/^[0-9a-f]{32}$/), message: 'User added.' } },
    });
    expect(velt.state.organization('o')).toBeDefined();

    const got = await ok('/users/get', { organizationId: 'o', userIds: ['yourUserId1'] });
    expect(got.message).toBe('User(s) retrieved successfully.');
    expect(got.data).toEqual([
      { email: 'user@email.com', name: 'User Name', initial: 'U', accessRole: 'viewer', userId: 'yourUserId1' },
    ]);

    const upd = await ok('/users/update', {
      organizationId: 'o',
      users: [
        { userId: 'yourUserId1', name: 'Renamed', accessRole: 'editor' },
        { userId: 'yourUserId2', name: 'x' },
      ],
    });
    expect(upd.data.yourUserId1).toMatchObject({ success: true, message: 'User updated.' });
    expect(upd.data.yourUserId2).toMatchObject({ success: false, message: 'User does not exist.' });
    expect(velt.state.user('o', 'yourUserId1')).toMatchObject({ name: 'Renamed', accessRole: 'editor' });

    const del = await ok('/users/delete', { organizationId: 'o', userIds: ['yourUserId1', 'yourUserId2'] });
    expect(del).toEqual({
      status: 'success',
      message: 'User(s) deleted successfully.',
      data: {
        yourUserId1: { success: true, message: 'User removed.' },
        yourUserId2: { success: false, message: 'User does not exist.' },
      },
    });
  });

  it('document-level users are separate from organization users', async () => {
    await seedDoc('o', 'd');
    await ok('/users/add', { organizationId: 'o', documentId: 'd', users: [{ userId: 'docUser' }] });
    await ok('/users/add', { organizationId: 'o', users: [{ userId: 'orgUser' }] });
    expect((await ok('/users/get', { organizationId: 'o' })).data.map((u: any) => u.userId)).toEqual(['orgUser']);
    expect((await ok('/users/get', { organizationId: 'o', documentId: 'd' })).data.map((u: any) => u.userId)).toEqual(['docUser']);
    const grouped = await ok('/users/get', { organizationId: 'o', allDocuments: true, groupByDocumentId: true });
    expect(Object.keys(grouped.data)).toEqual(['d']);
    await err('/users/add', { organizationId: 'o', documentId: 'missing', users: [{ userId: 'u' }] }, 404, 'NOT_FOUND');
    await err('/users/add', { organizationId: 'o', documentId: 'd', folderId: 'f', users: [{ userId: 'u' }] }, 400, 'INVALID_ARGUMENT');
  });

  it('paginates with nextPageToken; caps userIds at 30; per-item failure', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `u${String(i).padStart(2, '0')}`);
    velt.state.failItem('u05');
    const add = await ok('/users/add', { organizationId: 'o', users: ids.map((userId) => ({ userId })) });
    expect(add.data.u05.success).toBe(false);
    expect(add.data.u04.success).toBe(true);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const r = await ok('/users/get', { organizationId: 'o', pageSize: 5, ...(token ? { pageToken: token } : {}) });
      seen.push(...r.data.map((u: { userId: string }) => u.userId));
      token = r.nextPageToken;
    } while (token);
    expect(seen).toEqual(ids.filter((i) => i !== 'u05'));
    await err('/users/get', { organizationId: 'o', userIds: Array.from({ length: 31 }, (_, i) => `x${i}`) }, 400, 'INVALID_ARGUMENT');
  });

  it('user groups filter users/get', async () => {
    await ok('/users/add', { organizationId: 'o', users: [{ userId: 'a' }, { userId: 'b' }] });
    const g = await ok('/organizations/usergroups/add', { organizationId: 'o', organizationUserGroups: [{ groupId: 'eng', groupName: 'Engineering' }] });
    expect(g.data.eng).toMatchObject({ success: true, message: 'Organization user group added.' });
    await ok('/organizations/usergroups/users/add', { organizationId: 'o', organizationUserGroupId: 'eng', userIds: ['b'] });
    const r = await ok('/users/get', { organizationId: 'o', organizationUserGroupIds: ['eng'] });
    expect(r.data.map((u: any) => u.userId)).toEqual(['b']);
  });
});

// ====================================================================== comment annotations

describe('comment annotations (§7)', () => {
  beforeEach(async () => {
    await seedDoc();
  });

  it('add returns a map keyed by annotationId with numeric commentIds', async () => {
    const r = await ok('/commentannotations/add', {
      organizationId: 'org-1',
      documentId: 'doc-1',
      commentAnnotations: [
        {
          location: { id: 'yourLocationId', locationName: 'yourLocationName' },
          context: { section: 'intro' },
          commentData: [
            {
              commentText: 'Hey {{bob}}, can you review this?',
              commentHtml: '<p>Hey {{bob}}, can you review this?</p>',
              from: { userId: 'alice', name: 'Alice', email: 'alice@x.io' },
              taggedUserContacts: [{ userId: 'bob', contact: { userId: 'bob', name: 'Bob', email: 'bob@x.io' } }],
            },
            { commentText: 'second', from: { userId: 'alice' } },
          ],
        },
      ],
    });
    expect(r.message).toBe('Comment Annotation(s) added successfully.');
    const [key, entry] = Object.entries(r.data)[0] as [string, any];
    expect(key).toMatch(/^[-0-9A-Za-z_]{20}$/);
    expect(entry).toEqual({ success: true, annotationId: key, commentIds: [expect.any(Number), expect.any(Number)], message: 'Added Successfully' });
    expect(Number.isInteger(entry.commentIds[0])).toBe(true);
    expect(entry.commentIds[0]).toBeGreaterThanOrEqual(100000);

    const got = await ok('/commentannotations/get', { organizationId: 'org-1', documentId: 'doc-1' });
    expect(got.message).toBe('Annotation(s) fetched successfully.');
    const a = got.data[0];
    expect(a).toMatchObject({
      annotationId: key,
      annotationNumber: 1,
      annotationIndex: 1,
      type: 'comment',
      sourceType: 'rest-api',
      status: { id: 'OPEN', name: 'Open', type: 'default' },
      context: { section: 'intro', access: { default: 'velt' }, accessFields: ['default:velt'] },
      visibilityConfig: { type: 'public' },
      location: { id: 'yourLocationId', locationName: 'yourLocationName' },
      metadata: { organizationId: 'org-1', documentId: 'doc-1' },
      from: { userId: 'alice', name: 'Alice' },
      mentionedUserIds: ['bob'],
      createdAt: nowMs,
      lastUpdated: nowMs,
    });
    expect(typeof a.locationId).toBe('number');
    expect(a.comments).toHaveLength(2);
    const c = a.comments[0];
    expect(c).toMatchObject({
      commentId: entry.commentIds[0],
      type: 'text',
      status: 'added',
      commentText: 'Hey {{bob}}, can you review this?',
      commentHtml: '<p>Hey {{bob}}, can you review this?</p>',
      taggedUserContacts: [{ userId: 'bob', contact: { userId: 'bob', name: 'Bob', email: 'bob@x.io' } }],
      to: [{ userId: 'bob' }],
      reactionAnnotationIds: [],
      createdAt: nowMs,
      lastUpdated: new Date(nowMs).toISOString(),
    });
    expect(typeof c.commentId).toBe('number');
  });

  it('validates add input: from required, annotationId without colon, documentId known unless createDocument', async () => {
    await err('/commentannotations/add', { organizationId: 'org-1', documentId: 'doc-1', commentAnnotations: [{ commentData: [{ commentText: 'x' }] }] }, 400, 'INVALID_ARGUMENT');
    await err(
      '/commentannotations/add',
      { organizationId: 'org-1', documentId: 'doc-1', commentAnnotations: [{ annotationId: 'a:b', commentData: [{ from: { userId: 'u' } }] }] },
      400,
      'INVALID_ARGUMENT',
    );
    await err('/commentannotations/add', { organizationId: 'org-1', documentId: 'doc-1', commentAnnotations: [{ commentData: [{ from: { userId: 'u' }, commentId: '12' }] }] }, 400, 'INVALID_ARGUMENT');
    await err('/commentannotations/add', { organizationId: 'org-1', documentId: 'nope', commentAnnotations: [{ commentData: [{ from: { userId: 'u' } }] }] }, 404, 'NOT_FOUND');
    await ok('/commentannotations/add', {
      organizationId: 'org-1',
      documentId: 'nope',
      createDocument: true,
      commentAnnotations: [{ commentData: [{ from: { userId: 'u' } }] }],
    });
    expect(velt.state.document('org-1', 'nope')).toBeDefined();
  });

  it('supplied ids are kept; duplicates are ALREADY_EXISTS; a forced item failure is a partial failure', async () => {
    const r = await ok('/commentannotations/add', {
      organizationId: 'org-1',
      documentId: 'doc-1',
      commentAnnotations: [{ annotationId: 'thread-1', commentData: [{ commentId: 4242, from: { userId: 'u' } }] }],
    });
    expect(r.data['thread-1']).toEqual({ success: true, annotationId: 'thread-1', commentIds: [4242], message: 'Added Successfully' });
    const dup = await err(
      '/commentannotations/add',
      { organizationId: 'org-1', documentId: 'doc-1', commentAnnotations: [{ annotationId: 'thread-1', commentData: [{ from: { userId: 'u' } }] }] },
      409,
      'ALREADY_EXISTS',
    );
    expect(dup.details['thread-1'].success).toBe(false);

    const e = await err(
      '/commentannotations/add',
      {
        organizationId: 'org-1',
        documentId: 'doc-1',
        commentAnnotations: [
          { annotationId: 'ok-1', commentData: [{ from: { userId: 'u' } }] },
          { annotationId: '__fail__x', commentData: [{ from: { userId: 'u' } }] },
        ],
      },
      500,
      'INTERNAL',
    );
    expect(e.details['ok-1']).toMatchObject({ success: true, annotationId: 'ok-1' });
    expect(e.details.__fail__x.success).toBe(false);
    expect(velt.state.annotation('org-1', 'doc-1', 'ok-1')).toBeDefined();
  });

  it('verifyUserPermissions denial → PERMISSION_DENIED with __velt_denied:<index> entries', async () => {
    await ok('/organizations/documents/access/update', { organizationId: 'org-1', documentIds: ['doc-1'], accessType: 'restricted' });
    await ok('/users/add', { organizationId: 'org-1', documentId: 'doc-1', users: [{ userId: 'member' }] });
    const e = await err(
      '/commentannotations/add',
      {
        organizationId: 'org-1',
        documentId: 'doc-1',
        verifyUserPermissions: true,
        commentAnnotations: [{ commentData: [{ from: { userId: 'member' } }] }, { commentData: [{ from: { userId: 'stranger' } }] }],
      },
      403,
      'PERMISSION_DENIED',
    );
    expect(e.details['__velt_denied:1']).toEqual({ success: false, message: expect.any(String) });
    const created = Object.values(e.details).filter((d: any) => d.success);
    expect(created).toHaveLength(1);
    expect(velt.state.annotationsOf('org-1', 'doc-1')).toHaveLength(1);
  });

  it('resolves via a terminal status with resolvedByUserId, reopening clears it (§7.2)', async () => {
    const { annotationId } = await addThread();
    tick();
    const upd = await ok('/commentannotations/update', {
      organizationId: 'org-1',
      documentId: 'doc-1',
      annotationIds: [annotationId, 'ghost'],
      updatedData: { status: { id: 'RESOLVED', name: 'Resolved', type: 'terminal' }, resolvedByUserId: 'bob', statusUpdatedByUserId: 'bob' },
    });
    expect(upd.message).toBe('Annotations updated successfully.');
    expect(upd.data[annotationId]).toEqual({ success: true, id: annotationId, message: 'Annotations updated successfully' });
    expect(upd.data.ghost).toEqual({ success: false, id: 'ghost', message: 'Annotation not found.' });

    const a = velt.state.annotation('org-1', 'doc-1', annotationId)!;
    expect(a.status.type).toBe('terminal');
    expect(a.resolvedByUserId).toBe('bob');
    expect(a.resolvedByUser?.userId).toBe('bob');
    expect(a.lastUpdated).toBe(nowMs);
    expect(a.resolved).toBeUndefined();

    const resolved = await ok('/commentannotations/get', { organizationId: 'org-1', statusIds: ['RESOLVED'] });
    expect(resolved.data.map((x: any) => x.annotationId)).toEqual([annotationId]);
    expect((await ok('/commentannotations/get', { organizationId: 'org-1', resolvedBy: 'bob' })).data).toHaveLength(1);
    expect((await ok('/commentannotations/get', { organizationId: 'org-1', statusId: 'OPEN' })).data).toHaveLength(0);

    await ok('/commentannotations/update', {
      organizationId: 'org-1',
      documentId: 'doc-1',
      annotationIds: [annotationId],
      updatedData: { status: { id: 'OPEN', name: 'Open', type: 'default' } },
    });
    const reopened = velt.state.annotation('org-1', 'doc-1', annotationId)!;
    expect(reopened.resolvedByUserId).toBeUndefined();
    expect(reopened.resolvedByUser).toBeUndefined();
    expect(reopened.statusUpdatedByUserId).toBe('bob');
  });

  it('update validates updatedData strictly and accepts the array form (§15.3)', async () => {
    const { annotationId } = await addThread();
    await err(
      '/commentannotations/update',
      { organizationId: 'org-1', documentId: 'doc-1', annotationIds: [annotationId], updatedData: { resolved: true } },
      400,
      'INVALID_ARGUMENT',
    );
    await err(
      '/commentannotations/update',
      { organizationId: 'org-1', documentId: 'doc-1', annotationIds: [annotationId], updatedData: { status: { id: 'X', name: 'X', type: 'done' } } },
      400,
      'INVALID_ARGUMENT',
    );
    await ok('/commentannotations/update', {
      organizationId: 'org-1',
      documentId: 'doc-1',
      annotationIds: [annotationId],
      updatedData: [{ context: { k: 'v' } }],
    });
    expect(velt.state.annotation('org-1', 'doc-1', annotationId)!.context).toMatchObject({ k: 'v' });
  });

  it('get: null for unknown annotationIds, 30-id cap, one agent filter at most, grouping', async () => {
    const { annotationId } = await addThread();
    const r = await ok('/commentannotations/get', { organizationId: 'org-1', documentId: 'doc-1', annotationIds: [annotationId, 'missing'] });
    expect(r.data[0].annotationId).toBe(annotationId);
    expect(r.data[1]).toBeNull();
    await err('/commentannotations/get', { organizationId: 'org-1', annotationIds: Array.from({ length: 31 }, (_, i) => `a${i}`) }, 400, 'INVALID_ARGUMENT');
    await err('/commentannotations/get', { organizationId: 'org-1', documentIds: Array.from({ length: 31 }, (_, i) => `d${i}`) }, 400, 'INVALID_ARGUMENT');
    await err('/commentannotations/get', { organizationId: 'org-1', agentId: 'a', agentComments: true }, 400, 'INVALID_ARGUMENT');
    const g = await ok('/commentannotations/get', { organizationId: 'org-1', groupByDocumentId: true });
    expect(g.message).toBe('Annotations fetched successfully.');
    expect(Object.keys(g.data)).toEqual(['doc-1']);
  });

  it('get paginates (nextPageToken, newest first) visiting each thread once even while new threads are added', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      tick();
      ids.push((await addThread({ text: `t${i}` })).annotationId);
    }
    const seen: string[] = [];
    let token: string | undefined;
    let first = true;
    do {
      const r = await ok('/commentannotations/get', { organizationId: 'org-1', documentId: 'doc-1', pageSize: 3, ...(token ? { pageToken: token } : {}) });
      expect(r.pageToken).toBeUndefined();
      seen.push(...r.data.map((a: any) => a.annotationId));
      token = r.nextPageToken;
      if (first) {
        first = false;
        tick();
        await addThread({ text: 'newer' }); // lands before the cursor in desc order: not visited
      }
    } while (token);
    expect(seen).toEqual([...ids].reverse());
    const asc = await ok('/commentannotations/get', { organizationId: 'org-1', documentId: 'doc-1', order: 'asc', pageSize: 2 });
    expect(asc.data.map((a: any) => a.annotationId)).toEqual(ids.slice(0, 2));
  });

  it('count/get: totals and unread per document', async () => {
    const t1 = await addThread({ userId: 'alice' });
    await addThread({ userId: 'bob' });
    await ok('/commentannotations/update', {
      organizationId: 'org-1',
      documentId: 'doc-1',
      annotationIds: [t1.annotationId],
      updatedData: { status: { id: 'RESOLVED', name: 'Resolved', type: 'terminal' } },
    });
    const r = await ok('/commentannotations/count/get', { organizationId: 'org-1', documentIds: ['doc-1', 'doc-2'], userId: 'carol' });
    expect(r).toEqual({
      status: 'success',
      message: 'Comment count retrieved successfully.',
      data: { 'doc-1': { total: 2, unread: 2 }, 'doc-2': { total: 0, unread: 0 } },
    });
    velt.state.markAnnotationViewed('org-1', 'doc-1', t1.annotationId, 'carol');
    const open = await ok('/commentannotations/count/get', { organizationId: 'org-1', documentIds: ['doc-1'], userId: 'carol', statusIds: ['OPEN'] });
    expect(open.data['doc-1']).toEqual({ total: 1, unread: 1 });
    const alice = await ok('/commentannotations/count/get', { organizationId: 'org-1', documentIds: ['doc-1'], userId: 'alice' });
    expect(alice.data['doc-1']).toEqual({ total: 2, unread: 1 });
    await err('/commentannotations/count/get', { organizationId: 'org-1', documentIds: ['doc-1'] }, 400, 'INVALID_ARGUMENT');
  });

  it('delete: per-item results, missing ids reported, no selector deletes all', async () => {
    const t1 = await addThread();
    await addThread();
    const r = await ok('/commentannotations/delete', { organizationId: 'org-1', documentId: 'doc-1', annotationIds: [t1.annotationId, 'ghost'] });
    expect(r.message).toBe('Annotations deleted successfully.');
    expect(r.data[t1.annotationId]).toEqual({ success: true, id: t1.annotationId, message: 'Deleted Successfully' });
    expect(r.data.ghost).toEqual({ success: false, id: 'ghost', message: 'Annotation not found.' });
    expect(velt.state.annotationsOf('org-1', 'doc-1')).toHaveLength(1);
    await ok('/commentannotations/delete', { organizationId: 'org-1', documentId: 'doc-1' });
    expect(velt.state.annotationsOf('org-1', 'doc-1')).toHaveLength(0);
    await err('/commentannotations/delete', { organizationId: 'org-1' }, 400, 'INVALID_ARGUMENT');
  });

  it('triggerNotification emits a notification to tagged users and records a webhook event', async () => {
    await ok('/commentannotations/add', {
      organizationId: 'org-1',
      documentId: 'doc-1',
      commentAnnotations: [
        {
          commentData: [
            {
              triggerNotification: true,
              commentText: 'Hi {{bob}}',
              from: { userId: 'alice' },
              taggedUserContacts: [{ userId: 'bob', contact: { userId: 'bob', name: 'Bob' } }],
            },
          ],
        },
      ],
    });
    expect(velt.state.notificationsFor('org-1', 'bob')).toHaveLength(1);
    expect(velt.state.notificationsFor('org-1', 'alice')).toHaveLength(0);
    expect(velt.state.webhookEvents.map((e) => [e.event, e.actionType])).toEqual([['comment_annotation.add', 'newlyAdded']]);
    await addThread(); // no triggerNotification → nothing documented fires
    expect(velt.state.webhookEvents).toHaveLength(1);
  });
});

// ====================================================================== comments

describe('comments inside an annotation (§7.8–7.11)', () => {
  let annotationId: string;
  let rootId: number;
  beforeEach(async () => {
    await seedDoc();
    const t = await addThread();
    annotationId = t.annotationId;
    rootId = t.commentIds[0]!;
  });
  const base = () => ({ organizationId: 'org-1', documentId: 'doc-1', annotationId });

  it('add returns the array of new numeric comment ids', async () => {
    const r = await ok('/commentannotations/comments/add', {
      ...base(),
      commentData: [
        { commentText: 'Sample Comment', commentHtml: '<div>Hello</div>', from: { userId: 'bob' } },
        { commentId: 777777, commentText: 'x', from: { userId: 'bob' } },
      ],
    });
    expect(r.message).toBe('Comment(s) added successfully.');
    expect(r.data).toHaveLength(2);
    expect(r.data.every((id: unknown) => typeof id === 'number')).toBe(true);
    expect(r.data[1]).toBe(777777);
    expect(velt.state.annotation('org-1', 'doc-1', annotationId)!.comments).toHaveLength(3);
    await err('/commentannotations/comments/add', { ...base(), annotationId: 'ghost', commentData: [{ from: { userId: 'bob' } }] }, 404, 'NOT_FOUND');
    // annotation-level / undocumented fields are not accepted on this endpoint (§7.8)
    await err('/commentannotations/comments/add', { ...base(), commentData: [{ from: { userId: 'bob' }, triggerNotification: true }] }, 400, 'INVALID_ARGUMENT');
    await err('/commentannotations/comments/add', { ...base(), commentData: [{ from: { userId: 'bob' }, commentId: rootId }] }, 400, 'INVALID_ARGUMENT');
  });

  it('get: all comments, or by commentIds with null for missing ones', async () => {
    const all = await ok('/commentannotations/comments/get', base());
    expect(all.message).toBe('Comments retrieved successfully.');
    expect(all.data.map((c: any) => c.commentId)).toEqual([rootId]);
    const some = await ok('/commentannotations/comments/get', { ...base(), commentIds: [rootId, 1] });
    expect(some.data[0].commentId).toBe(rootId);
    expect(some.data[1]).toBeNull();
    await err('/commentannotations/comments/get', { ...base(), commentIds: [String(rootId)] }, 400, 'INVALID_ARGUMENT');
  });

  it('update edits text, marks status "updated" and reports missing ids', async () => {
    tick();
    const r = await ok('/commentannotations/comments/update', {
      ...base(),
      commentIds: [rootId, 123],
      updatedData: { commentText: 'Sample Updated Comment', commentHtml: '<div>Hello Updated</div>' },
    });
    expect(r.message).toBe('Comment updated successfully.');
    expect(r.data[String(rootId)]).toEqual({ success: true, id: rootId, message: 'Updated successfully' });
    expect(r.data['123']).toEqual({ success: false, id: 123, message: 'Not found' });
    const c = velt.state.comment('org-1', 'doc-1', annotationId, rootId)!;
    expect(c).toMatchObject({ commentText: 'Sample Updated Comment', commentHtml: '<div>Hello Updated</div>', status: 'updated' });
    expect(c.lastUpdated).toBe(new Date(nowMs).toISOString());
    await err('/commentannotations/comments/update', { ...base(), commentIds: [rootId], updatedData: { body: 'x' } }, 400, 'INVALID_ARGUMENT');
  });

  it('delete removes listed comments, reports missing ones, deletes all when commentIds omitted', async () => {
    const added = await ok('/commentannotations/comments/add', { ...base(), commentData: [{ from: { userId: 'bob' } }, { from: { userId: 'bob' } }] });
    const r = await ok('/commentannotations/comments/delete', { ...base(), commentIds: [added.data[0], 5] });
    expect(r.message).toBe('Comments(s) deleted successfully.');
    expect(r.data[String(added.data[0])]).toEqual({ success: true, id: added.data[0], message: 'Deleted successfully' });
    expect(r.data['5']).toEqual({ success: false, id: 5, message: 'Not found' });
    velt.state.failItem(rootId);
    const partial = await ok('/commentannotations/comments/delete', base());
    expect(partial.data[String(rootId)].success).toBe(false);
    expect(partial.data[String(added.data[1])].success).toBe(true);
    expect(velt.state.annotation('org-1', 'doc-1', annotationId)!.comments.map((c) => c.commentId)).toEqual([rootId]);
  });

  it('reactions (SDK-only writes) are readable from comment data (§8)', async () => {
    velt.state.addReaction('org-1', 'doc-1', annotationId, rootId, { icon: 'HEART_FACE', user: { userId: 'bob' }, at: nowMs });
    const r = await ok('/commentannotations/comments/get', base());
    const c = r.data[0];
    expect(c.reactionAnnotationIds).toHaveLength(1);
    expect(c.reactionAnnotations[0]).toMatchObject({ type: 'reaction', icon: 'HEART_FACE', commentAnnotationId: annotationId, fromUsers: [{ from: { userId: 'bob' } }] });
    const list = await ok('/commentannotations/get', { organizationId: 'org-1', documentId: 'doc-1' });
    expect(list.data[0].comments[0].reactionAnnotations[0].icon).toBe('HEART_FACE');
  });
});

// ====================================================================== notifications

describe('notifications (§9)', () => {
  beforeEach(async () => {
    await seedDoc('org1', 'document3');
  });
  const addBody = (extra: Record<string, unknown> = {}) => ({
    organizationId: 'org1',
    documentId: 'document3',
    actionUser: { userId: '1.1' },
    displayHeadlineMessageTemplate: '{actionUser} mentioned {recipientUser}',
    displayHeadlineMessageTemplateData: { actionUser: { userId: '1.1' }, recipientUser: { userId: '2.2' } },
    displayBodyMessage: 'This is body message (Secondary message)',
    notifyUsers: [{ userId: '2.2' }],
    notifyAll: false,
    ...extra,
  });

  it('add / get by user with read state / update (mark read) / delete', async () => {
    const added = await ok('/notifications/add', addBody({ notificationId: 'n-1' }));
    expect(added).toEqual({
      status: 'success',
      message: 'Notification added successfully.',
      data: { success: true, message: 'Notification added successfully.' },
    });
    const got = await ok('/notifications/get', { organizationId: 'org1', userId: '2.2' });
    expect(got.message).toBe('Notification(s) retrieved successfully.');
    expect(got.data).toHaveLength(1);
    expect(got.data[0]).toMatchObject({
      id: 'n-1',
      notificationSource: 'custom',
      actionUser: { userId: '1.1' },
      displayBodyMessage: 'This is body message (Secondary message)',
      metadata: { documentId: 'document3', organizationId: 'org1' },
      timestamp: nowMs,
      readByUserIds: [],
      isUnread: true,
    });
    expect(Object.values(got.data[0].notifyUsersByUserId)).toEqual([true]);
    expect((await ok('/notifications/get', { organizationId: 'org1', userId: '3.3' })).data).toHaveLength(0);

    const upd = await ok('/notifications/update', {
      organizationId: 'org1',
      userId: '2.2',
      notifications: [{ id: 'n-1', readByUserIds: ['2.2'] }, { id: 'ghost', readByUserIds: ['2.2'] }],
    });
    expect(upd.message).toBe('Notification(s) updated successfully.');
    expect(upd.data['n-1']).toEqual({ success: true, message: 'Notification updated.' });
    expect(upd.data.ghost).toEqual({ success: false, message: 'Failed to update notification.' });
    const after = await ok('/notifications/get', { organizationId: 'org1', userId: '2.2' });
    expect(after.data[0]).toMatchObject({ readByUserIds: ['2.2'], isUnread: false });
    expect(velt.state.notification('org1', 'n-1')?.readByUserIds).toEqual(['2.2']);

    const del = await ok('/notifications/delete', { organizationId: 'org1', documentId: 'document3', notificationIds: ['n-1', 'ghost'] });
    expect(del).toEqual({
      status: 'success',
      message: 'Notification(s) deleted successfully.',
      data: { 'n-1': { success: true, message: 'Notification deleted.' }, ghost: { success: false, message: 'Failed to delete notification.' } },
    });
    expect(velt.state.notifications.size).toBe(0);
  });

  it('notifyAll defaults to true: every organization user receives it', async () => {
    await ok('/users/add', { organizationId: 'org1', users: [{ userId: 'm1' }, { userId: 'm2' }] });
    const { notifyAll: _n, ...body } = addBody();
    await ok('/notifications/add', body);
    expect(velt.state.notificationsFor('org1', 'm1')).toHaveLength(1);
    expect(velt.state.notificationsFor('org1', '2.2')).toHaveLength(1);
  });

  it('validates: headline/body required, userId or documentId on get, 30-id cap, id charset', async () => {
    const { displayBodyMessage: _b, ...noBody } = addBody();
    await err('/notifications/add', noBody, 400, 'INVALID_ARGUMENT');
    await ok('/notifications/add', { ...noBody, isNotificationResolverUsed: true });
    await err('/notifications/add', addBody({ notificationId: 'bad id!' }), 400, 'INVALID_ARGUMENT');
    await err('/notifications/get', { organizationId: 'org1' }, 400, 'INVALID_ARGUMENT');
    await err('/notifications/get', { organizationId: 'org1', userId: '2.2', notificationIds: Array.from({ length: 31 }, (_, i) => `n${i}`) }, 400, 'INVALID_ARGUMENT');
  });

  it('paginates with `pageToken`, newest first, each notification once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      tick();
      ids.push(`n${i}`);
      await ok('/notifications/add', addBody({ notificationId: `n${i}` }));
    }
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const r = await ok('/notifications/get', { organizationId: 'org1', userId: '2.2', pageSize: 2, ...(token ? { pageToken: token } : {}) });
      expect(r.nextPageToken).toBeUndefined();
      seen.push(...r.data.map((n: any) => n.id));
      token = r.pageToken;
    } while (token);
    expect(seen).toEqual([...ids].reverse());
  });

  it('per-item failure in update via failItem', async () => {
    await ok('/notifications/add', addBody({ notificationId: 'a' }));
    await ok('/notifications/add', addBody({ notificationId: 'b' }));
    velt.state.failItem('b');
    const r = await ok('/notifications/update', { organizationId: 'org1', notifications: [{ id: 'a', readByUserIds: ['2.2'] }, { id: 'b', readByUserIds: ['2.2'] }] });
    expect(r.data.a.success).toBe(true);
    expect(r.data.b.success).toBe(false);
  });
});

// ====================================================================== presence & live state

describe('presence and live state (§10)', () => {
  it('presence add / update / delete', async () => {
    const body = { organizationId: 'org-123', documentId: 'doc-456', users: [{ userId: 'user-1', name: 'User Name', status: 'online' }] };
    expect(await ok('/presence/add', body)).toEqual({ status: 'success', message: 'Presence added successfully.', data: { success: true } });
    expect((await ok('/presence/update', { ...body, users: [{ userId: 'user-1', status: 'away' }] })).message).toBe('Presence updated successfully.');
    expect(velt.state.presenceOf('org-123', 'doc-456')).toEqual([{ userId: 'user-1', name: 'User Name', status: 'away', updatedAt: nowMs }]);
    await err('/presence/update', { ...body, users: [{ userId: 'user-1', status: 'busy' }] }, 400, 'INVALID_ARGUMENT');
    expect((await ok('/presence/delete', { organizationId: 'org-123', documentId: 'doc-456', userIds: ['user-1'] })).message).toBe('Presence deleted successfully.');
    expect(velt.state.presenceOf('org-123', 'doc-456')).toEqual([]);
  });

  it('livestate broadcast: wrapped and unwrapped bodies, merge', async () => {
    const event = { organizationId: 'O', documentId: 'D', liveStateDataId: 'ch', data: { status: 'active' } };
    expect(await ok('/livestate/broadcast', event)).toEqual({ status: 'success', message: 'Event broadcasted successfully.', data: { success: true } });
    const unwrapped = await raw(velt, '/v2/livestate/broadcast', { body: JSON.stringify({ ...event, data: { message: 'hi' }, merge: true }) });
    expect(unwrapped.status).toBe(200);
    expect(velt.state.liveStateOf('O', 'D', 'ch')).toEqual({ status: 'active', message: 'hi' });
    expect(velt.state.broadcasts.map((b) => b.wrapped)).toEqual([true, false]);
    await ok('/livestate/broadcast', { ...event, data: { only: 1 } });
    expect(velt.state.liveStateOf('O', 'D', 'ch')).toEqual({ only: 1 });
    await withEmulator({ acceptUnwrappedLivestate: false }, async (emu) => {
      expect((await raw(emu, '/v2/livestate/broadcast', { body: JSON.stringify(event) })).status).toBe(400);
    });
  });
});

// ====================================================================== auth

describe('auth (§11)', () => {
  const tokenBody = {
    userId: 'user123',
    userProperties: { isAdmin: false, name: 'John Doe', email: 'john@example.com' },
    permissions: {
      resources: [
        { type: 'organization', id: 'org_123', accessRole: 'viewer' },
        { type: 'document', id: 'doc_456', organizationId: 'org_123', accessRole: 'editor', expiresAt: 1640995200 },
      ],
    },
  };

  it('generate_token returns an HS256 JWT valid for 48 hours', async () => {
    const r = await ok('/auth/generate_token', tokenBody);
    expect(r.message).toBe('Token generated successfully.');
    expect(r.data.token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    const claims = verifyVeltEmulatorToken(r.data.token, AUTH_TOKEN);
    expect(claims).toMatchObject({ userId: 'user123', iat: Math.floor(nowMs / 1000), exp: Math.floor(nowMs / 1000) + 48 * 3600 });
    expect(() => verifyVeltEmulatorToken(r.data.token, 'other')).toThrow();
    expect(velt.state.tokens).toHaveLength(1);
  });

  it('generate_token validation', async () => {
    await err('/auth/generate_token', { ...tokenBody, userProperties: { ...tokenBody.userProperties, organizationId: 'o' } }, 400, 'INVALID_ARGUMENT');
    await err('/auth/generate_token', { ...tokenBody, userProperties: { name: 'x' } }, 400, 'INVALID_ARGUMENT');
    await err('/auth/generate_token', { ...tokenBody, permissions: { resources: [{ type: 'document', id: 'd' }] } }, 400, 'INVALID_ARGUMENT');
  });

  it('permissions add / get / remove', async () => {
    await seedDoc('org1', 'doc1');
    await ok('/organizations/documents/access/update', { organizationId: 'org1', documentIds: ['doc1'], accessType: 'restricted' });
    const denied = await ok('/auth/permissions/get', { organizationId: 'org1', userIds: ['u'], documentIds: ['doc1'] });
    expect(denied.data.u.documents.doc1).toMatchObject({ errorCode: 'permission_denied', accessType: 'restricted' });

    expect(
      await ok('/auth/permissions/add', {
        user: { userId: 'u' },
        permissions: { resources: [{ type: 'document', id: 'doc1', organizationId: 'org1', accessRole: 'viewer' }] },
      }),
    ).toEqual({ status: 'success', message: 'Permissions added successfully.' });
    const got = await ok('/auth/permissions/get', { organizationId: 'org1', userIds: ['u'], documentIds: ['doc1'] });
    expect(got.message).toBe('User permissions retrieved successfully.');
    expect(got.data.u.documents.doc1).toEqual({ accessRole: 'viewer', accessType: 'restricted' });

    const missing = await err('/auth/permissions/get', { organizationId: 'org1', userIds: ['u'], documentIds: ['nope'] }, 404, 'NOT_FOUND');
    expect(missing.message).toBe('Folder or document does not exist');
    expect(missing.details.u.documents.nope).toEqual({ error: 'Document does not exist', errorCode: 'does_not_exist' });

    expect(
      await ok('/auth/permissions/remove', { userId: 'u', permissions: { resources: [{ type: 'document', id: 'doc1', organizationId: 'org1' }] } }),
    ).toEqual({ status: 'success', message: 'Permissions removed successfully.' });
    expect(velt.state.permissionsOf('u')).toEqual([]);
  });
});

// ====================================================================== webhook configuration

describe('webhook configuration (§12.3)', () => {
  it('basic config get / update', async () => {
    const g = await ok('/workspace/webhookconfig/get', {});
    expect(g).toEqual({
      status: 'success',
      message: 'Webhook configuration retrieved successfully.',
      data: { useWebhookService: false, webhookServiceConfig: { authToken: '', rawNotificationUrl: '', processedNotificationUrl: '' } },
    });
    const u = await ok('/workspace/webhookconfig/update', { useWebhookService: true, webhookServiceConfig: { rawNotificationUrl: 'https://example.com/hook' } });
    expect(u.message).toBe('Webhook configuration updated successfully.');
    expect(u.data.useWebhookService).toBe(true);
    expect(u.data.webhookServiceConfig.triggers['comment.add']).toBe(true);
    expect(u.data.webhookServiceConfig.triggers['comment_annotation.suggestion_accept']).toBe(false);
    const e = await err('/workspace/webhookconfig/update', {}, 400, 'INVALID_ARGUMENT');
    expect(e.message).toBe('Invalid webhook service configuration.');
  });

  it('advanced endpoints: FAILED_PRECONDITION until enabled, then CRUD + secret', async () => {
    await err('/workspace/advancedwebhook/endpoints/create', { url: 'https://example.com/h' }, 400, 'FAILED_PRECONDITION');
    await err('/workspace/advancedwebhookconfig/update', { encodeData: true }, 400, 'FAILED_PRECONDITION');
    const cfg = await ok('/workspace/advancedwebhookconfig/update', { isEnabled: true });
    expect(cfg.data).toEqual({ isEnabled: true, encryptData: false, encodeData: false, publicKey: '', enableDataProtection: false });

    const bad = await err('/workspace/advancedwebhook/endpoints/create', { url: 'ftp://x' }, 400, 'INVALID_ARGUMENT');
    expect(bad.message).toBe('url must be a valid http(s) URL.');
    const created = await ok('/workspace/advancedwebhook/endpoints/create', { url: 'https://example.com/h', filterTypes: ['comment.add'] });
    expect(created.data).toMatchObject({
      id: expect.stringMatching(/^ep_[0-9A-Za-z]{27}$/),
      url: 'https://example.com/h',
      description: null,
      filterTypes: ['comment.add'],
      channels: null,
      disabled: false,
      rateLimit: null,
      uid: null,
    });
    expect(created.data.secret).toBeUndefined();
    const id = created.data.id;
    const list = await ok('/workspace/advancedwebhook/endpoints/get', {});
    expect(list.data).toMatchObject({ endpoints: [{ id }], iterator: null, prevIterator: null, done: true });
    const noFields = await err('/workspace/advancedwebhook/endpoints/update', { endpointId: id }, 400, 'INVALID_ARGUMENT');
    expect(noFields.message).toBe('At least one endpoint field besides endpointId must be provided.');
    expect((await ok('/workspace/advancedwebhook/endpoints/update', { endpointId: id, disabled: true })).data.disabled).toBe(true);
    const secret = await ok('/workspace/advancedwebhook/endpoints/secret/get', { endpointId: id });
    expect(secret.data).toEqual({ endpointId: id, secret: expect.stringMatching(/^whsec_/) });
    expect((await ok('/workspace/advancedwebhook/endpoints/delete', { endpointId: id })).data).toEqual({ endpointId: id, deleted: true });
    await err('/workspace/advancedwebhook/endpoints/delete', { endpointId: id }, 404, 'NOT_FOUND');
  });

  it('delivers signed Standard Webhooks to advanced endpoints when deliverWebhooks is on', async () => {
    const received: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = [];
    const sink = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
    const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/hook`;
    try {
      await withEmulator({ deliverWebhooks: true, seed: 3 }, async (emu) => {
        await ok('/workspace/advancedwebhookconfig/update', { isEnabled: true }, emu);
        const ep = await ok('/workspace/advancedwebhook/endpoints/create', { url: sinkUrl }, emu);
        const { secret } = (await ok('/workspace/advancedwebhook/endpoints/secret/get', { endpointId: ep.data.id }, emu)).data;
        await ok('/organizations/documents/add', { organizationId: 'o', createOrganization: true, documents: [{ documentId: 'd' }] }, emu);
        await ok(
          '/commentannotations/add',
          { organizationId: 'o', documentId: 'd', commentAnnotations: [{ commentData: [{ triggerNotification: true, from: { userId: 'u' } }] }] },
          emu,
        );
        await emu.close(); // waits for pending deliveries
        expect(received).toHaveLength(1);
        const { headers, body } = received[0]!;
        const sig = signStandardWebhook(secret, String(headers['webhook-id']), Number(headers['webhook-timestamp']), body);
        expect(String(headers['webhook-signature'])).toBe(sig);
        expect(JSON.parse(body)).toMatchObject({ event: 'comment_annotation.add', source: 'comment', data: { commentAnnotation: { metadata: { documentId: 'd' } } } });
        expect(emu.state.webhookEvents[0]!.deliveries[0]!.status).toBe(204);
      });
    } finally {
      await new Promise<void>((r) => sink.close(() => r()));
    }
  });

  it('signStandardWebhook matches the documented test vector (§12.2)', () => {
    expect(signStandardWebhook('whsec_plJ3nmyCDGBKInavdOK15jsl', 'msg_loFOjxBNrRLzqYUf', 1731705121, '{"event_type":"ping","data":{"success":true}}')).toBe(
      'v1,rAvfW3dJ/X/qxhsaXPOyyCGmRKsaKWcsNccKXlIktD0=',
    );
  });
});

// ====================================================================== configurable ambiguities (§15)

describe('configurable ambiguities (§15)', () => {
  it('organization delete cascades by default; cascadeDeletes:false keeps children', async () => {
    await seedDoc('o', 'd');
    await ok('/users/add', { organizationId: 'o', users: [{ userId: 'u' }] });
    await addThread({ org: 'o', doc: 'd' });
    await ok('/organizations/delete', { organizationIds: ['o'] });
    expect(velt.state.documentsOf('o')).toHaveLength(0);
    expect(velt.state.usersOf('o')).toHaveLength(0);
    expect(velt.state.annotationsOf('o')).toHaveLength(0);
    await withEmulator({ cascadeDeletes: false }, async (emu) => {
      await ok('/organizations/documents/add', { organizationId: 'o', createOrganization: true, documents: [{ documentId: 'd' }] }, emu);
      await ok('/organizations/delete', { organizationIds: ['o'] }, emu);
      expect(emu.state.documentsOf('o')).toHaveLength(1);
    });
  });

  it('notifications/delete with userId removes the notification from that user only', async () => {
    await seedDoc('o', 'd');
    await ok('/notifications/add', {
      organizationId: 'o',
      documentId: 'd',
      notificationId: 'n',
      actionUser: { userId: 'a' },
      displayHeadlineMessageTemplate: 'h',
      displayBodyMessage: 'b',
      notifyUsers: [{ userId: 'x' }, { userId: 'y' }],
      notifyAll: false,
    });
    const r = await ok('/notifications/delete', { organizationId: 'o', userId: 'x', notificationIds: ['n'] });
    expect(r.data.n.success).toBe(true);
    expect(velt.state.notificationsFor('o', 'x')).toHaveLength(0);
    expect(velt.state.notificationsFor('o', 'y')).toHaveLength(1);
  });

  it('webhookTriggers:"all" records events for REST replies, edits, deletes and status changes', async () => {
    await withEmulator({ webhookTriggers: 'all' }, async (emu) => {
      await ok('/organizations/documents/add', { organizationId: 'o', createOrganization: true, documents: [{ documentId: 'd' }] }, emu);
      const add = await ok('/commentannotations/add', { organizationId: 'o', documentId: 'd', commentAnnotations: [{ commentData: [{ from: { userId: 'u' } }] }] }, emu);
      const annotationId = Object.keys(add.data)[0]!;
      const base = { organizationId: 'o', documentId: 'd', annotationId };
      const [cid] = (await ok('/commentannotations/comments/add', { ...base, commentData: [{ from: { userId: 'v' } }] }, emu)).data;
      await ok('/commentannotations/comments/update', { ...base, commentIds: [cid], updatedData: { commentText: 'e' } }, emu);
      await ok('/commentannotations/comments/delete', { ...base, commentIds: [cid] }, emu);
      await ok(
        '/commentannotations/update',
        { organizationId: 'o', documentId: 'd', annotationIds: [annotationId], updatedData: { status: { id: 'RESOLVED', name: 'Resolved', type: 'terminal' } } },
        emu,
      );
      expect(emu.state.webhookEvents.map((e) => e.event)).toEqual([
        'comment_annotation.add',
        'comment.add',
        'comment.update',
        'comment.delete',
        'comment_annotation.status_change',
      ]);
      expect(emu.state.webhookEvents[4]!.payloadV1).toMatchObject({ actionType: 'statusChanged', oldStatus: { id: 'OPEN' }, newStatus: { id: 'RESOLVED', type: 'terminal' } });
    });
  });

  it('page sizes above maxPageSize are clamped; maintainDeprecatedResolvedFlag sets `resolved`', async () => {
    await withEmulator({ maxPageSize: 2, maintainDeprecatedResolvedFlag: true }, async (emu) => {
      await ok('/organizations/add', { organizations: [{ organizationId: 'a' }, { organizationId: 'b' }, { organizationId: 'c' }] }, emu);
      const r = await ok('/organizations/get', { pageSize: 100 }, emu);
      expect(r.data).toHaveLength(2);
      expect(r.nextPageToken).toEqual(expect.any(String));
      await ok('/organizations/documents/add', { organizationId: 'a', documents: [{ documentId: 'd' }] }, emu);
      const add = await ok('/commentannotations/add', { organizationId: 'a', documentId: 'd', commentAnnotations: [{ commentData: [{ from: { userId: 'u' } }] }] }, emu);
      const annotationId = Object.keys(add.data)[0]!;
      expect(emu.state.annotation('a', 'd', annotationId)!.resolved).toBe(false);
      await ok(
        '/commentannotations/update',
        { organizationId: 'a', documentId: 'd', annotationIds: [annotationId], updatedData: { status: { id: 'DONE', name: 'Done', type: 'terminal' } } },
        emu,
      );
      expect(emu.state.annotation('a', 'd', annotationId)!.resolved).toBe(true);
    });
  });
});

// ====================================================================== fault injection & status mapping

describe('fault injection and HTTP status mapping', () => {
  afterEach(() => {
    velt.state.faults.length = 0;
  });

  it('failNext answers one vendor error for the matching path, then recovers', async () => {
    velt.state.failNext({ path: '/users/get', status: 'INTERNAL', message: 'boom' });
    await ok('/organizations/get', {}); // other path unaffected
    const e = await err('/users/get', { organizationId: 'o' }, 500, 'INTERNAL');
    expect(e.message).toBe('boom');
    await ok('/users/get', { organizationId: 'o' });
  });

  it('RESOURCE_EXHAUSTED maps to 429 and can carry Retry-After', async () => {
    velt.state.failNext({ status: 'RESOURCE_EXHAUSTED', headers: { 'retry-after': '2' } });
    const a = await call('/organizations/get', {});
    expect(a.status).toBe(429);
    expect(a.headers.get('retry-after')).toBe('2');
    expect(a.body.error.status).toBe('RESOURCE_EXHAUSTED');
  });

  it('status strings map per §1.3', async () => {
    const expected: Record<string, number> = { PERMISSION_DENIED: 403, NOT_FOUND: 404, ALREADY_EXISTS: 409, ABORTED: 409, FAILED_PRECONDITION: 400, DEADLINE_EXCEEDED: 504, UNAVAILABLE: 503 };
    for (const [status, http] of Object.entries(expected)) {
      velt.state.failNext({ status: status as never });
      expect((await call('/organizations/get', {})).status, status).toBe(http);
    }
  });

  it('httpStatusFor overrides the mapping', async () => {
    await withEmulator({ httpStatusFor: { NOT_FOUND: 200 } }, async (emu) => {
      await ok('/organizations/add', { organizations: [{ organizationId: 'o' }] }, emu);
      const a = await call('/organizations/documents/add', { organizationId: 'x', documents: [{ documentId: 'd' }] }, emu);
      expect(a.status).toBe(200);
      expect(a.body.error.status).toBe('NOT_FOUND');
    });
  });

  it('html, truncated and reset faults', async () => {
    velt.state.failNext({ kind: 'html' });
    const h = await call('/organizations/get', {});
    expect(h.status).toBe(502);
    expect(typeof h.body).toBe('string');
    velt.state.failNext({ kind: 'truncated' });
    const t = await call('/organizations/get', {});
    expect(t.status).toBe(200);
    expect(typeof t.body).toBe('string');
    velt.state.failNext({ kind: 'reset' });
    await expect(call('/organizations/get', {})).rejects.toThrow();
    await ok('/organizations/get', {});
  });

  it('rateLimit option answers 429 RESOURCE_EXHAUSTED beyond the budget', async () => {
    await withEmulator({ rateLimit: { requests: 2, windowMs: 60_000 } }, async (emu) => {
      await ok('/organizations/get', {}, emu);
      await ok('/organizations/get', {}, emu);
      const a = await call('/organizations/get', {}, emu);
      expect(a.status).toBe(429);
      expect(a.body.error.status).toBe('RESOURCE_EXHAUSTED');
      expect(Number(a.headers.get('retry-after'))).toBeGreaterThan(0);
    });
  });
});
