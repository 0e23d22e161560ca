/**
 * Contract: documents over Velt CRDT editor data (docs/vendors/velt-crdt.md): POST /v2/crdt/get,
 * /v2/crdt/add and /v2/crdt/update, answered with the documented envelopes. `expectVelt` checks the
 * method, path and the x-velt-api-key / x-velt-auth-token / JSON content-type headers of every call.
 */
import { describe, expect, it } from 'vitest';
import { AuthenticationError, ConflictError, NotFoundError, PermissionError, ProviderResponseError, UnsupportedFeatureError, ValidationError } from '../../../../src/core/errors.js';
import { API_KEY, AUTH_TOKEN, dataOf, expectVelt, ok, ORG, rejection, seen, useNock, veltCollab } from './harness.js';

useNock();

const RETRIEVED = 'CRDT data retrieved successfully.';
const ADDED = 'CRDT data added successfully.';
const UPDATED = 'CRDT data updated successfully.';

/** An editor entry as the get-crdt-data reference shows it. */
function entry(id: string, data: unknown): Record<string, unknown> {
  return { data, id, lastUpdate: '2026-01-01T12:00:00.000Z', lastUpdatedBy: 'user-1', sessionId: null };
}

function expectPost(index: number, path: string): void {
  const call = seen[index];
  expect(call, `call #${index}`).toBeDefined();
  expect(call!.method).toBe('POST');
  expect(call!.path).toBe(`/v2${path}`);
  expect(call!.headers['x-velt-api-key']).toBe(API_KEY);
  expect(call!.headers['x-velt-auth-token']).toBe(AUTH_TOKEN);
}

describe('documents.get -> POST /v2/crdt/get with editorId', () => {
  it('reads one editor: roomId is the documentId, key the editorId; raw is the answered list', async () => {
    const answered = [entry('body', 'Hello, Velt')];
    expectVelt('/crdt/get', ok(RETRIEVED, answered));
    const collab = await veltCollab();
    const doc = await collab.documents.get('doc-456', { key: 'body', type: 'text' });
    expectPost(0, '/crdt/get');
    expect(dataOf(0)).toEqual({ organizationId: ORG, documentId: 'doc-456', editorId: 'body' });
    expect(doc).toEqual({ key: 'body', type: 'text', value: 'Hello, Velt', raw: answered });
    expect(seen).toHaveLength(1);
    await collab.close();
  });

  it.each([
    ['map', { nodes: { 'node-1': { label: 'A' } }, edges: {} }],
    ['array', [1, 'two', { three: 3 }]],
    ['xml', '<paragraph>Hello <bold>World</bold></paragraph>'],
  ] as const)('maps a %s value as answered', async (type, value) => {
    expectVelt('/crdt/get', ok(RETRIEVED, [entry('k', value)]));
    const collab = await veltCollab();
    expect((await collab.documents.get('doc-456', { key: 'k', type })).value).toEqual(value);
    await collab.close();
  });

  it.each([
    ['text', ''],
    ['xml', ''],
    ['map', {}],
    ['array', []],
  ] as const)('an editor without data reads as the empty %s', async (type, empty) => {
    expectVelt('/crdt/get', ok(RETRIEVED, []));
    const collab = await veltCollab();
    const doc = await collab.documents.get('doc-456', { key: 'absent', type });
    expect(doc.value).toEqual(empty);
    expect(doc.raw).toEqual([]);
    await collab.close();
  });

  it('uses the tenantId as organizationId', async () => {
    expectVelt('/crdt/get', ok(RETRIEVED, []));
    const collab = await veltCollab();
    await collab.documents.get('doc-456', { key: 'body', type: 'text' }, { tenantId: 'other-org' });
    expect(dataOf(0)).toEqual({ organizationId: 'other-org', documentId: 'doc-456', editorId: 'body' });
    await collab.close();
  });

  it('a value of another JSON shape than the asked type is a ConflictError', async () => {
    expectVelt('/crdt/get', ok(RETRIEVED, [entry('body', { a: 1 })]));
    const collab = await veltCollab();
    expect(await rejection(collab.documents.get('doc-456', { key: 'body', type: 'text' }))).toBeInstanceOf(ConflictError);
    expectVelt('/crdt/get', ok(RETRIEVED, [entry('body', 'a < b')]));
    // A string that is not an XML fragment is a text, not an xml.
    expect(await rejection(collab.documents.get('doc-456', { key: 'body', type: 'xml' }))).toBeInstanceOf(ConflictError);
    await collab.close();
  });

  it('a value that is no JSON shape of a shared type (null, a number) is API drift', async () => {
    expectVelt('/crdt/get', ok(RETRIEVED, [entry('body', 42)]));
    const collab = await veltCollab();
    const err = await rejection(collab.documents.get('doc-456', { key: 'body', type: 'text' }));
    expect(err).toBeInstanceOf(ProviderResponseError);
    expect(err.path).toBe('data');
    await collab.close();
  });

  it('an answer without a data list is API drift naming the field', async () => {
    expectVelt('/crdt/get', ok(RETRIEVED, { not: 'a list' }));
    const collab = await veltCollab();
    const err = await rejection(collab.documents.get('doc-456', { key: 'body', type: 'text' }));
    expect(err).toBeInstanceOf(ProviderResponseError);
    expect(err.path).toBe('result.data');
    await collab.close();
  });

  it('maps vendor errors: NOT_FOUND -> NotFoundError, PERMISSION_DENIED -> PermissionError (AuthenticationError for a bad key), INVALID_ARGUMENT -> ValidationError', async () => {
    const collab = await veltCollab();
    expectVelt('/crdt/get', { error: { message: 'Document does not exist.', status: 'NOT_FOUND' } }, 404);
    expect(await rejection(collab.documents.get('missing', { key: 'body', type: 'text' }))).toBeInstanceOf(NotFoundError);
    expectVelt('/crdt/get', { error: { message: 'Permission denied.', status: 'PERMISSION_DENIED' } }, 403);
    expect(await rejection(collab.documents.get('doc-456', { key: 'body', type: 'text' }))).toBeInstanceOf(PermissionError);
    expectVelt('/crdt/get', { error: { message: 'Invalid API key.', status: 'PERMISSION_DENIED' } }, 403);
    expect(await rejection(collab.documents.get('doc-456', { key: 'body', type: 'text' }))).toBeInstanceOf(AuthenticationError);
    expectVelt('/crdt/get', { error: { message: 'data.documentId is required.', status: 'INVALID_ARGUMENT' } }, 400);
    expect(await rejection(collab.documents.get('doc-456', { key: 'body', type: 'text' }))).toBeInstanceOf(ValidationError);
    await collab.close();
  });
});

describe('documents.set -> /v2/crdt/get, then /v2/crdt/add or /v2/crdt/update', () => {
  it('adds an editor that has no data: get, then add with type and data', async () => {
    expectVelt('/crdt/get', ok(RETRIEVED, []));
    expectVelt('/crdt/add', ok(ADDED));
    const collab = await veltCollab();
    await collab.documents.set('doc-456', { key: 'my-flow-editor', type: 'map', value: { nodes: {}, edges: {} } });
    expectPost(0, '/crdt/get');
    expect(dataOf(0)).toEqual({ organizationId: ORG, documentId: 'doc-456', editorId: 'my-flow-editor' });
    expectPost(1, '/crdt/add');
    expect(dataOf(1)).toEqual({ organizationId: ORG, documentId: 'doc-456', editorId: 'my-flow-editor', data: { nodes: {}, edges: {} }, type: 'map' });
    expect(seen).toHaveLength(2);
    await collab.close();
  });

  it('updates an editor that has data: get, then update (replace)', async () => {
    expectVelt('/crdt/get', ok(RETRIEVED, [entry('body', 'old text')]));
    expectVelt('/crdt/update', ok(UPDATED));
    const collab = await veltCollab();
    await collab.documents.set('doc-456', { key: 'body', type: 'text', value: 'new text' });
    expectPost(1, '/crdt/update');
    expect(dataOf(1)).toEqual({ organizationId: ORG, documentId: 'doc-456', editorId: 'body', data: 'new text', type: 'text' });
    expect(seen).toHaveLength(2);
    await collab.close();
  });

  it('a change between text and xml (both strings) is sent as an update with the new type', async () => {
    expectVelt('/crdt/get', ok(RETRIEVED, [entry('body', 'plain words')]));
    expectVelt('/crdt/update', ok(UPDATED));
    const collab = await veltCollab();
    await collab.documents.set('doc-456', { key: 'body', type: 'xml', value: '<paragraph>Hello World</paragraph>' });
    expect(dataOf(1)).toMatchObject({ type: 'xml', data: '<paragraph>Hello World</paragraph>' });
    await collab.close();
  });

  it('writing a map over a stored text is a ConflictError and sends no write', async () => {
    expectVelt('/crdt/get', ok(RETRIEVED, [entry('body', 'kept')]));
    const collab = await veltCollab();
    expect(await rejection(collab.documents.set('doc-456', { key: 'body', type: 'map', value: { a: 1 } }))).toBeInstanceOf(ConflictError);
    expect(seen.map((s) => s.path)).toEqual(['/v2/crdt/get']);
    await collab.close();
  });

  it('an add that meets data written meanwhile (ALREADY_EXISTS) reads again and updates', async () => {
    expectVelt('/crdt/get', ok(RETRIEVED, []));
    expectVelt('/crdt/add', { error: { message: 'CRDT data already exists.', status: 'ALREADY_EXISTS' } }, 409);
    expectVelt('/crdt/get', ok(RETRIEVED, [entry('body', 'theirs')]));
    expectVelt('/crdt/update', ok(UPDATED));
    const collab = await veltCollab();
    await collab.documents.set('doc-456', { key: 'body', type: 'text', value: 'mine' });
    expect(seen.map((s) => s.path)).toEqual(['/v2/crdt/get', '/v2/crdt/add', '/v2/crdt/get', '/v2/crdt/update']);
    expect(dataOf(3)).toEqual({ organizationId: ORG, documentId: 'doc-456', editorId: 'body', data: 'mine', type: 'text' });
    await collab.close();
  });

  it('maps a write error: NOT_FOUND on add (missing document) -> NotFoundError', async () => {
    expectVelt('/crdt/get', ok(RETRIEVED, []));
    expectVelt('/crdt/add', { error: { message: 'Document does not exist.', status: 'NOT_FOUND' } }, 404);
    const collab = await veltCollab();
    expect(await rejection(collab.documents.set('doc-456', { key: 'body', type: 'text', value: 'x' }))).toBeInstanceOf(NotFoundError);
    await collab.close();
  });

  it('refuses a value that does not match its type before any request (core validation)', async () => {
    const collab = await veltCollab();
    const err = await rejection(collab.documents.set('doc-456', { key: 'body', type: 'array', value: { not: 'an array' } }));
    expect(err).toBeInstanceOf(ValidationError);
    expect(seen).toHaveLength(0);
    await collab.close();
  });
});

describe('documents.list -> POST /v2/crdt/get without editorId', () => {
  it('lists every editor, with types inferred from the JSON shape (a string lists as text)', async () => {
    expectVelt(
      '/crdt/get',
      ok(RETRIEVED, [entry('body', 'words'), entry('meta', { a: 1 }), entry('items', [1]), entry('rich', '<paragraph>x</paragraph>')]),
    );
    const collab = await veltCollab();
    const entries = await collab.documents.list('doc-456');
    expectPost(0, '/crdt/get');
    expect(dataOf(0)).toEqual({ organizationId: ORG, documentId: 'doc-456' });
    expect(entries).toEqual([
      { key: 'body', type: 'text' },
      { key: 'meta', type: 'map' },
      { key: 'items', type: 'array' },
      { key: 'rich', type: 'text' },
    ]);
    await collab.close();
  });

  it('a document without CRDT data lists nothing', async () => {
    expectVelt('/crdt/get', ok(RETRIEVED, []));
    const collab = await veltCollab();
    expect(await collab.documents.list('doc-456')).toEqual([]);
    await collab.close();
  });
});

describe('documents.updates and documents.versions are "no": UnsupportedFeatureError before any request', () => {
  it('getUpdate, applyUpdate, versions.list and versions.create reject without a call', async () => {
    const collab = await veltCollab();
    expect(collab.capabilities['documents.updates']).toBe('no');
    expect(collab.capabilities['documents.versions']).toBe('no');
    expect(collab.capabilities['documents.list']).toBe('partial');
    expect(collab.capabilities['storage.get']).toBe('no');
    for (const call of [
      () => collab.documents.getUpdate('doc-456'),
      () => collab.documents.applyUpdate('doc-456', new Uint8Array([0, 0])),
      () => collab.documents.versions.list('doc-456'),
      () => collab.documents.versions.create('doc-456'),
    ]) {
      expect(await rejection(call())).toBeInstanceOf(UnsupportedFeatureError);
    }
    expect(seen).toHaveLength(0);
    await collab.close();
  });
});
