/**
 * Tests of the Velt emulator's CRDT endpoints (/v2/crdt/add, /v2/crdt/get, /v2/crdt/update) over real
 * HTTP. Expected literals come from docs/vendors/velt-crdt.md.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startVeltEmulator, type VeltEmulator } from './server.js';

const HEADERS = { 'content-type': 'application/json', 'x-velt-api-key': 'velt_test_key', 'x-velt-auth-token': 'velt_test_token' };
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const ORG = 'org-1';
const DOC = 'doc-1';

let velt: VeltEmulator;

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function call(path: string, data: unknown, emu: VeltEmulator = velt): Promise<Answer> {
  const res = await fetch(`${emu.url}/v2${path}`, { method: 'POST', headers: HEADERS, body: JSON.stringify({ data }) });
  return { status: res.status, body: await res.json() };
}

async function ok(path: string, data: unknown, emu?: VeltEmulator): Promise<any> {
  const a = await call(path, data, emu);
  expect(a.status, JSON.stringify(a.body)).toBe(200);
  expect(a.body.result.status).toBe('success');
  return a.body.result;
}

async function err(path: string, data: unknown, httpStatus: number, status: string, emu?: VeltEmulator): Promise<any> {
  const a = await call(path, data, emu);
  expect(a.status, JSON.stringify(a.body)).toBe(httpStatus);
  expect(a.body.result).toBeUndefined();
  expect(a.body.error.status).toBe(status);
  expect(typeof a.body.error.message).toBe('string');
  return a.body.error;
}

async function seed(emu: VeltEmulator = velt): Promise<void> {
  await ok('/organizations/add', { organizations: [{ organizationId: ORG, organizationName: 'Org' }] }, emu);
  await ok('/organizations/documents/add', { organizationId: ORG, documents: [{ documentId: DOC, documentName: 'Doc' }] }, emu);
}

const write = (editorId: string, type: string, data: unknown, extra: Record<string, unknown> = {}) => ({ organizationId: ORG, documentId: DOC, editorId, type, data, ...extra });

beforeAll(async () => {
  velt = await startVeltEmulator({ now: () => new Date(NOW) });
});
afterAll(async () => {
  await velt.close();
});
beforeEach(async () => {
  velt.reset();
  await seed();
});

describe('crdt/add, crdt/get, crdt/update', () => {
  it('add stores an editor; get answers it with the documented fields and message, without type', async () => {
    const added = await ok('/crdt/add', write('my-rich-text-editor', 'xml', '<paragraph>Hello World</paragraph>', { contentKey: 'default' }));
    expect(added).toEqual({ status: 'success', message: 'CRDT data added successfully.' });
    const got = await ok('/crdt/get', { organizationId: ORG, documentId: DOC, editorId: 'my-rich-text-editor' });
    expect(got.message).toBe('CRDT data retrieved successfully.');
    expect(got.data).toEqual([
      { data: '<paragraph>Hello World</paragraph>', id: 'my-rich-text-editor', lastUpdate: new Date(NOW).toISOString(), lastUpdatedBy: null, sessionId: null },
    ]);
    expect(velt.state.crdtOf(ORG, DOC, 'my-rich-text-editor')).toMatchObject({ type: 'xml', contentKey: 'default' });
  });

  it('contentKey defaults to "content"', async () => {
    await ok('/crdt/add', write('e', 'text', 'x'));
    expect(velt.state.crdtOf(ORG, DOC, 'e')?.contentKey).toBe('content');
  });

  it('get without editorId answers every editor of the document in write order; an unknown editorId answers []', async () => {
    await ok('/crdt/add', write('b', 'map', { nodes: {} }));
    await ok('/crdt/add', write('a', 'array', [1, 2]));
    const all = await ok('/crdt/get', { organizationId: ORG, documentId: DOC });
    expect(all.data.map((e: { id: string; data: unknown }) => [e.id, e.data])).toEqual([
      ['b', { nodes: {} }],
      ['a', [1, 2]],
    ]);
    expect((await ok('/crdt/get', { organizationId: ORG, documentId: DOC, editorId: 'none' })).data).toEqual([]);
  });

  it('add on an editor that has data is ALREADY_EXISTS (409) and keeps the data', async () => {
    await ok('/crdt/add', write('e', 'text', 'first'));
    const e = await err('/crdt/add', write('e', 'text', 'second'), 409, 'ALREADY_EXISTS');
    expect(e.message).toMatch(/already exists/i);
    expect(velt.state.crdtOf(ORG, DOC, 'e')?.data).toBe('first');
  });

  it('update replaces the data (also with another type) and keeps the contentKey; update of a missing editor is NOT_FOUND', async () => {
    await ok('/crdt/add', write('e', 'text', 'first', { contentKey: 'default' }));
    expect(await ok('/crdt/update', write('e', 'map', { a: 1 }))).toEqual({ status: 'success', message: 'CRDT data updated successfully.' });
    expect(velt.state.crdtOf(ORG, DOC, 'e')).toMatchObject({ type: 'map', data: { a: 1 }, contentKey: 'default' });
    await err('/crdt/update', write('missing', 'text', 'x'), 404, 'NOT_FOUND');
    expect(velt.state.crdtOf(ORG, DOC, 'missing')).toBeUndefined();
  });

  it('with crdtUpdateMissing: "create", update of a missing editor creates it', async () => {
    const emu = await startVeltEmulator({ crdtUpdateMissing: 'create' });
    try {
      await seed(emu);
      await ok('/crdt/update', write('fresh', 'array', ['x']), emu);
      expect(emu.state.crdtOf(ORG, DOC, 'fresh')?.data).toEqual(['x']);
    } finally {
      await emu.close();
    }
  });

  it.each([
    ['text', { not: 'a string' }],
    ['xml', ['<p/>']],
    ['map', ['not', 'an', 'object']],
    ['map', null],
    ['array', { not: 'an array' }],
  ])('refuses data that does not match type %s (INVALID_ARGUMENT)', async (type, data) => {
    await err('/crdt/add', write('e', type, data), 400, 'INVALID_ARGUMENT');
    await err('/crdt/update', write('e', type, data), 400, 'INVALID_ARGUMENT');
  });

  it('validates bodies strictly: unknown type, missing fields, unknown fields', async () => {
    await err('/crdt/add', write('e', 'yjs', 'x'), 400, 'INVALID_ARGUMENT');
    await err('/crdt/add', { organizationId: ORG, documentId: DOC, type: 'text', data: 'x' }, 400, 'INVALID_ARGUMENT');
    const missingData = await err('/crdt/add', { organizationId: ORG, documentId: DOC, editorId: 'e', type: 'text' }, 400, 'INVALID_ARGUMENT');
    expect(missingData.message).toContain('data.data');
    await err('/crdt/add', write('e', 'text', 'x', { extra: true }), 400, 'INVALID_ARGUMENT');
    await err('/crdt/get', { organizationId: ORG }, 400, 'INVALID_ARGUMENT');
    await err('/crdt/get', { organizationId: ORG, documentId: DOC, editorIds: ['e'] }, 400, 'INVALID_ARGUMENT');
  });

  it('a missing organization or document is NOT_FOUND on every endpoint', async () => {
    for (const path of ['/crdt/add', '/crdt/update']) {
      await err(path, { ...write('e', 'text', 'x'), documentId: 'no-doc' }, 404, 'NOT_FOUND');
      await err(path, { ...write('e', 'text', 'x'), organizationId: 'no-org' }, 404, 'NOT_FOUND');
    }
    await err('/crdt/get', { organizationId: ORG, documentId: 'no-doc' }, 404, 'NOT_FOUND');
  });

  it('deleting the document deletes its CRDT data (cascade)', async () => {
    await ok('/crdt/add', write('e', 'text', 'x'));
    await ok('/organizations/documents/delete', { organizationId: ORG, documentIds: [DOC] });
    expect(velt.state.crdtOfDocument(ORG, DOC)).toEqual([]);
  });

  it('the endpoints are listed and take injected faults', async () => {
    expect(velt.endpoints).toEqual(expect.arrayContaining(['/crdt/add', '/crdt/get', '/crdt/update']));
    velt.state.failNext({ path: '/crdt/get', status: 'UNAVAILABLE' });
    await err('/crdt/get', { organizationId: ORG, documentId: DOC }, 503, 'UNAVAILABLE');
  });
});
