/** Contract: rooms = documents (vendors/velt.md §5), from the reference's literal examples. */
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../../../src/core/errors.js';
import { PartialBatchError } from '../../../../src/adapters/velt/index.js';
import { API_KEY, AUTH_TOKEN, dataOf, expectVelt, ok, ORG, rejection, seen, useNock, veltCollab } from './harness.js';

useNock();

const GET_OK = ok('Document(s) retrieved successfully.', [{ documentName: 'yourDocumentName', disabled: false, accessType: 'public', id: 'yourDocumentId' }], {
  pageToken: 'nextPageToken',
});

describe('rooms.create -> POST /v2/organizations/documents/add (§5.1)', () => {
  it('sends the documented body and maps the stored document back', async () => {
    expectVelt('/organizations/documents/add', ok('Document(s) added successfully.', { yourDocumentId: { success: true, id: '8121657101517513', message: 'Added Successfully' } }));
    expectVelt('/organizations/documents/get', ok('Document(s) retrieved successfully.', [
      { documentName: 'Your Document Name', disabled: false, accessType: 'public', id: 'yourDocumentId', color: 'red' },
    ]));
    const collab = await veltCollab();
    const room = await collab.rooms.create({ id: 'yourDocumentId', name: 'Your Document Name', metadata: { color: 'red' } });
    expect(dataOf(0)).toEqual({ organizationId: ORG, documents: [{ documentId: 'yourDocumentId', documentName: 'Your Document Name', color: 'red' }] });
    expect(dataOf(1)).toEqual({ organizationId: ORG, documentIds: ['yourDocumentId'] });
    expect(seen[0]!.path).toBe('/v2/organizations/documents/add');
    expect(seen[0]!.headers['x-velt-api-key']).toBe(API_KEY);
    expect(seen[0]!.headers['x-velt-auth-token']).toBe(AUTH_TOKEN);
    expect(room).toMatchObject({ id: 'yourDocumentId', name: 'Your Document Name', metadata: { color: 'red' }, access: { default: 'write' } });
    await collab.close();
  });

  it('sends createOrganization with createMissing, and accessType from access', async () => {
    expectVelt('/organizations/documents/add', ok('Document(s) added successfully.', { d1: { success: true, id: '1', message: 'Added Successfully' } }));
    expectVelt('/organizations/documents/get', ok('ok', [{ id: 'd1', accessType: 'restricted', disabled: false }]));
    const collab = await veltCollab({ createMissing: true });
    const room = await collab.rooms.create({ id: 'd1', access: { default: 'none' } });
    expect(dataOf(0)).toEqual({ organizationId: ORG, createOrganization: true, documents: [{ documentId: 'd1', accessType: 'restricted' }] });
    expect(room.access).toEqual({ default: 'none' });
    await collab.close();
  });

  it('maps the documented partial-failure answer (HTTP 500, per-item already-exists) to ConflictError', async () => {
    expectVelt(
      '/organizations/documents/add',
      { error: { status: 'INTERNAL', message: 'Error adding document(s).', details: { yourDocumentId: { success: false, id: 'yourDocumentId', message: 'Document already exists', code: 'already-exists' } } } },
      500,
    );
    const collab = await veltCollab();
    const err = await rejection(collab.rooms.create({ id: 'yourDocumentId' }));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.status).toBe(500);
    await collab.close();
  });

  it('returns the existing room with idempotent: true', async () => {
    expectVelt(
      '/organizations/documents/add',
      { error: { status: 'INTERNAL', message: 'Error adding document(s).', details: { d1: { success: false, id: 'd1', message: 'Document already exists', code: 'already-exists' } } } },
      500,
    );
    expectVelt('/organizations/documents/get', ok('ok', [{ id: 'd1', documentName: 'Existing', accessType: 'public', disabled: false }]));
    const collab = await veltCollab();
    expect((await collab.rooms.create({ id: 'd1', idempotent: true })).name).toBe('Existing');
    await collab.close();
  });

  it('rejects access Velt cannot express and reserved metadata keys before any request', async () => {
    const collab = await veltCollab();
    expect(await rejection(collab.rooms.create({ id: 'd1', access: { default: 'read' } }))).toMatchObject({ code: 'validation_error', field: 'access.default' });
    expect(await rejection(collab.rooms.create({ id: 'd1', access: { users: { u: 'write' } } }))).toMatchObject({ field: 'access.users' });
    expect(await rejection(collab.rooms.create({ id: 'd1', metadata: { documentName: 'x' } }))).toMatchObject({ field: 'metadata.documentName' });
    expect(seen).toHaveLength(0);
    await collab.close();
  });
});

describe('rooms.get -> POST /v2/organizations/documents/get (§5.2)', () => {
  it('maps the documented answer', async () => {
    expectVelt('/organizations/documents/get', GET_OK);
    const collab = await veltCollab();
    const room = await collab.rooms.get('yourDocumentId');
    expect(dataOf(0)).toEqual({ organizationId: ORG, documentIds: ['yourDocumentId'] });
    expect(room).toMatchObject({ id: 'yourDocumentId', name: 'yourDocumentName', metadata: {}, access: { default: 'write' } });
    expect(room.raw).toMatchObject({ id: 'yourDocumentId', accessType: 'public' });
    await collab.close();
  });

  it('maps the documented missing-id answer (HTTP 500 with a not-found item) to NotFoundError, without retrying', async () => {
    expectVelt(
      '/organizations/documents/get',
      { error: { status: 'INTERNAL', message: 'Error retrieving document(s).', details: [{ id: 'yourDocumentId2', success: false, message: 'Document does not exist', code: 'not-found' }] } },
      500,
    );
    const collab = await veltCollab({ retries: 2 });
    const err = await rejection(collab.rooms.get('yourDocumentId2'));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.provider).toBe('velt');
    expect(err.operation).toBe('rooms.get');
    expect(seen).toHaveLength(1);
    await collab.close();
  });

  it('retries a by-id read that failed for real (UNAVAILABLE, no per-item breakdown)', async () => {
    expectVelt('/organizations/documents/get', { error: { status: 'UNAVAILABLE', message: 'Service unavailable' } }, 503);
    expectVelt('/organizations/documents/get', GET_OK);
    const collab = await veltCollab({ retries: 2 });
    await expect(collab.rooms.get('yourDocumentId')).resolves.toMatchObject({ id: 'yourDocumentId' });
    expect(seen).toHaveLength(2);
    await collab.close();
  });
});

describe('rooms.list -> documents/get pagination (§1.4: `pageToken` on documents)', () => {
  it('passes pageSize, returns a cursor for the next page and sends the vendor token back', async () => {
    expectVelt('/organizations/documents/get', GET_OK);
    expectVelt('/organizations/documents/get', ok('Document(s) retrieved successfully.', [{ id: 'doc2', disabled: false, accessType: 'public' }]));
    const collab = await veltCollab();
    const first = await collab.rooms.list({ limit: 20 });
    expect(dataOf(0)).toEqual({ organizationId: ORG, pageSize: 20 });
    expect(first.items.map((r) => r.id)).toEqual(['yourDocumentId']);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await collab.rooms.list({ limit: 20, cursor: first.nextCursor! });
    expect(dataOf(1)).toEqual({ organizationId: ORG, pageSize: 20, pageToken: 'nextPageToken' });
    expect(second).toMatchObject({ items: [{ id: 'doc2' }], nextCursor: null });
    await collab.close();
  });

  it('filters metadata client-side and leaves out the notification inbox document', async () => {
    expectVelt(
      '/organizations/documents/get',
      ok('ok', [
        { id: 'a', color: 'red', disabled: false, accessType: 'public' },
        { id: 'unicollab-notifications', disabled: false, accessType: 'public' },
        { id: 'b', color: 'blue', disabled: false, accessType: 'public' },
        { id: 'c', color: 'red', disabled: false, accessType: 'public' },
      ]),
    );
    const collab = await veltCollab();
    const page = await collab.rooms.list({ limit: 1, metadata: { color: 'red' } });
    expect(page.items.map((r) => r.id)).toEqual(['a']);
    expect(dataOf(0)).toEqual({ organizationId: ORG, pageSize: 100 });
    // The cursor resumes inside the same vendor page (same token, same page size).
    expectVelt('/organizations/documents/get', ok('ok', [
      { id: 'a', color: 'red' },
      { id: 'unicollab-notifications' },
      { id: 'b', color: 'blue' },
      { id: 'c', color: 'red' },
    ]));
    const next = await collab.rooms.list({ limit: 1, metadata: { color: 'red' }, cursor: page.nextCursor! });
    expect(dataOf(1)).toEqual({ organizationId: ORG, pageSize: 100 });
    expect(next).toMatchObject({ items: [{ id: 'c' }], nextCursor: null });
    await collab.close();
  });

  it('rejects a cursor it did not issue', async () => {
    const collab = await veltCollab();
    expect(await rejection(collab.rooms.list({ cursor: 'bm90LWEtY3Vyc29y' }))).toBeInstanceOf(ValidationError);
    await collab.close();
  });
});

describe('rooms.update -> POST /v2/organizations/documents/update (§5.3)', () => {
  it('sends name and the metadata patch (null removes a key)', async () => {
    expectVelt('/organizations/documents/update', ok('Document(s) updated successfully.', { yourDocumentId: { success: true, id: '8121657101517513', message: 'Updated Successfully' } }));
    expectVelt('/organizations/documents/get', ok('ok', [{ id: 'yourDocumentId', documentName: 'Your Document Name', a: '1', b: null, disabled: false, accessType: 'public' }]));
    const collab = await veltCollab();
    const room = await collab.rooms.update('yourDocumentId', { name: 'Your Document Name', metadata: { b: null } });
    expect(dataOf(0)).toEqual({ organizationId: ORG, documents: [{ documentId: 'yourDocumentId', documentName: 'Your Document Name', b: null }] });
    expect(room.metadata).toEqual({ a: '1' });
    await collab.close();
  });

  it('maps the documented not-found item (HTTP 500) to NotFoundError', async () => {
    expectVelt(
      '/organizations/documents/update',
      { error: { status: 'INTERNAL', message: 'Error updating document(s).', details: { gone: { success: false, id: 'gone', message: 'Document does not exist', code: 'not-found' } } } },
      500,
    );
    const collab = await veltCollab();
    expect(await rejection(collab.rooms.update('gone', { name: 'x' }))).toBeInstanceOf(NotFoundError);
    await collab.close();
  });
});

describe('rooms.delete -> POST /v2/organizations/documents/delete (§5.4)', () => {
  it('sends documentIds and accepts the documented answer', async () => {
    expectVelt('/organizations/documents/delete', ok('Document(s) deleted successfully.', { yourDocumentId1: { success: true, id: '6737987049068973', message: 'Deleted Successfully' } }));
    const collab = await veltCollab();
    await collab.rooms.delete('yourDocumentId1');
    expect(dataOf(0)).toEqual({ organizationId: ORG, documentIds: ['yourDocumentId1'] });
    await collab.close();
  });

  it('is idempotent: the documented not-found item (HTTP 500) of a missing document resolves', async () => {
    expectVelt(
      '/organizations/documents/delete',
      { error: { status: 'INTERNAL', message: 'Error deleting document(s).', details: { gone: { success: false, id: 'gone', message: 'Document does not exist', code: 'not-found' } } } },
      500,
    );
    const collab = await veltCollab();
    await expect(collab.rooms.delete('gone')).resolves.toBeUndefined();
    await collab.close();
  });

  it('never reports a per-item failure inside a 200 as success', async () => {
    expectVelt('/organizations/documents/delete', ok('Document(s) deleted successfully.', { d1: { success: false, id: 'd1', message: 'Internal error', code: 'internal' } }));
    const collab = await veltCollab();
    const err = await rejection(collab.rooms.delete('d1'));
    expect(PartialBatchError.is(err)).toBe(true);
    expect(err.failed).toEqual([{ id: 'd1', message: 'Internal error', code: 'internal' }]);
    expect(err.written).toEqual([]);
    await collab.close();
  });
});
