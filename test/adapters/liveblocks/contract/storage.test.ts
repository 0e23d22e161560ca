/**
 * Contract tests of the JSON storage endpoints (vendors/liveblocks.md section 3.7; the dev server's
 * routes): `GET /storage?format=json|plain-lson`, `POST /storage`, `DELETE /storage` and
 * `PATCH /storage/json-patch` (liveblocks.io/docs/guides/modifying-storage-via-rest-api-with-json-patch).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collab } from '../../../../src/collab.js';
import { assertNoBody, assertOne, intercept } from './binary-helpers.js';
import { liveblocksCollab, SECRET, useNock } from './helpers.js';

useNock();

let collab: Collab;
beforeAll(async () => {
  collab = await liveblocksCollab();
});
afterAll(() => collab.close());

const ROOM = 'my-room-3ebc26e2bf96';
const STORAGE = `/v2/rooms/${ROOM}/storage`;

/** A plain-LSON root with every container kind, as Liveblocks answers it. */
const PLAIN_LSON = {
  liveblocksType: 'LiveObject',
  data: {
    title: 'Board',
    tags: ['plain', 'json'],
    cards: { liveblocksType: 'LiveList', data: [{ liveblocksType: 'LiveObject', data: { text: 'first' } }, 'second'] },
    byUser: { liveblocksType: 'LiveMap', data: { ada: { liveblocksType: 'LiveObject', data: { seen: true } } } },
  },
};
/** The same root in core's LSON. */
const CORE_LSON = {
  lsonType: 'LiveObject',
  data: {
    title: 'Board',
    tags: ['plain', 'json'],
    cards: { lsonType: 'LiveList', data: [{ lsonType: 'LiveObject', data: { text: 'first' } }, 'second'] },
    byUser: { lsonType: 'LiveMap', data: { ada: { lsonType: 'LiveObject', data: { seen: true } } } },
  },
} as const;
const JSON_FORM = { title: 'Board', tags: ['plain', 'json'], cards: [{ text: 'first' }, 'second'], byUser: { ada: { seen: true } } };

const ROOM_NOT_FOUND = { error: 'ROOM_NOT_FOUND', message: `Room with id "${ROOM}" not found.` };

describe('GET /v2/rooms/{id}/storage (storage.get)', () => {
  it('reads JSON by default (?format=json)', async () => {
    const seen = intercept('GET', STORAGE, 200, JSON_FORM);
    const doc = await collab.storage.get(ROOM);
    assertNoBody(assertOne(seen, { method: 'GET', uri: `${STORAGE}?format=json` }));
    expect(doc).toEqual({ format: 'json', data: JSON_FORM, raw: JSON_FORM });
  });

  it('reads LSON with ?format=plain-lson, liveblocksType renamed lsonType in every node, raw the vendor answer', async () => {
    const seen = intercept('GET', STORAGE, 200, PLAIN_LSON);
    const doc = await collab.storage.get(ROOM, { format: 'lson' });
    assertOne(seen, { method: 'GET', uri: `${STORAGE}?format=plain-lson` });
    expect(doc).toEqual({ format: 'lson', data: CORE_LSON, raw: PLAIN_LSON });
  });

  it('an empty storage reads as {} and as an empty LiveObject', async () => {
    intercept('GET', STORAGE, 200, {});
    expect((await collab.storage.get(ROOM)).data).toEqual({});
    intercept('GET', STORAGE, 200, { liveblocksType: 'LiveObject', data: {} });
    expect((await collab.storage.get(ROOM, { format: 'lson' })).data).toEqual({ lsonType: 'LiveObject', data: {} });
  });

  it('a "__proto__" key of the stored data stays data', async () => {
    intercept('GET', STORAGE, 200, { liveblocksType: 'LiveObject', data: JSON.parse('{"__proto__":{"polluted":true}}') });
    const doc = await collab.storage.get(ROOM, { format: 'lson' });
    expect(Object.keys((doc.data as { data: object }).data)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('an LSON answer whose root is not a LiveObject is API drift', async () => {
    intercept('GET', STORAGE, 200, { liveblocksType: 'LiveList', data: [] });
    await expect(collab.storage.get(ROOM, { format: 'lson' })).rejects.toMatchObject({ code: 'provider_response_error' });
  });

  it('404 ROOM_NOT_FOUND is a NotFoundError; a room id with "/" stays one path segment', async () => {
    intercept('GET', STORAGE, 404, ROOM_NOT_FOUND);
    await expect(collab.storage.get(ROOM)).rejects.toMatchObject({ name: 'NotFoundError', vendorCode: 'ROOM_NOT_FOUND' });
    const seen = intercept('GET', '/v2/rooms/a%2F..%2Fb/storage', 200, {});
    await collab.storage.get('a/../b');
    expect(seen).toHaveLength(1);
  });

  it('an unknown format is a ValidationError before any request', async () => {
    await expect(collab.storage.get(ROOM, { format: 'xml' as never })).rejects.toMatchObject({ code: 'validation_error', field: expect.stringContaining('format') });
  });
});

describe('POST /v2/rooms/{id}/storage (storage.initialize)', () => {
  it('sends the root as plain LSON and returns what Liveblocks stored, as core LSON', async () => {
    const seen = intercept('POST', STORAGE, 200, PLAIN_LSON);
    const doc = await collab.storage.initialize(ROOM, structuredClone(CORE_LSON) as never);
    const req = assertOne(seen, { method: 'POST', uri: STORAGE });
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.bodyText)).toEqual(PLAIN_LSON);
    expect(doc).toEqual({ format: 'lson', data: CORE_LSON, raw: PLAIN_LSON });
  });

  it('409 CANNOT_UPDATE_EXISTING_STORAGE is a ConflictError', async () => {
    intercept('POST', STORAGE, 409, {
      error: 'CANNOT_UPDATE_EXISTING_STORAGE',
      message: "The room already has storage data. It's only possible to initialize the storage for an empty room.",
      suggestion: 'Create another room or clear this room storage first.',
    });
    const err = await collab.storage.initialize(ROOM, { lsonType: 'LiveObject', data: { a: 1 } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ConflictError', code: 'conflict', status: 409, vendorCode: 'CANNOT_UPDATE_EXISTING_STORAGE', operation: 'storage.initialize' });
    expect(String(err)).not.toContain(SECRET);
  });

  it('a retry that meets 409 after a lost answer reads the storage back instead of failing', async () => {
    const retrying = await liveblocksCollab({ retries: 1 });
    try {
      const first = intercept('POST', STORAGE, 503, { error: 'SERVICE_UNAVAILABLE' });
      const second = intercept('POST', STORAGE, 409, { error: 'CANNOT_UPDATE_EXISTING_STORAGE' });
      const read = intercept('GET', STORAGE, 200, PLAIN_LSON);
      const doc = await retrying.storage.initialize(ROOM, structuredClone(CORE_LSON) as never);
      expect([first.length, second.length]).toEqual([1, 1]);
      assertOne(read, { method: 'GET', uri: `${STORAGE}?format=plain-lson` });
      expect(doc.data).toEqual(CORE_LSON);
    } finally {
      await retrying.close();
    }
  });

  it('a 422 from Liveblocks is a ValidationError on root', async () => {
    intercept('POST', STORAGE, 422, { error: 'UNPROCESSABLE_ENTITY', message: 'Invalid storage' });
    await expect(collab.storage.initialize(ROOM, { lsonType: 'LiveObject', data: {} })).rejects.toMatchObject({ code: 'validation_error', field: 'root', status: 422 });
  });

  it('a root that is not a LiveObject node is a ValidationError before any request', async () => {
    await expect(collab.storage.initialize(ROOM, { title: 'plain' } as never)).rejects.toMatchObject({ code: 'validation_error', field: expect.stringContaining('root') });
    await expect(collab.storage.initialize(ROOM, { lsonType: 'LiveList', data: [] } as never)).rejects.toMatchObject({ code: 'validation_error', field: expect.stringContaining('root') });
  });
});

describe('DELETE /v2/rooms/{id}/storage (storage.delete)', () => {
  it.each([200, 204])('resolves on %i with no body sent', async (status) => {
    const seen = intercept('DELETE', STORAGE, status);
    await expect(collab.storage.delete(ROOM)).resolves.toBeUndefined();
    assertNoBody(assertOne(seen, { method: 'DELETE', uri: STORAGE }));
  });

  it('404 ROOM_NOT_FOUND is a NotFoundError', async () => {
    intercept('DELETE', STORAGE, 404, ROOM_NOT_FOUND);
    await expect(collab.storage.delete(ROOM)).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});

describe('PATCH /v2/rooms/{id}/storage/json-patch (storage.patch)', () => {
  const OPS = [
    { op: 'replace', path: '/title', value: 'Renamed' },
    { op: 'add', path: '/cards/1', value: { text: 'inserted' } },
    { op: 'remove', path: '/tags' },
    { op: 'move', from: '/title', path: '/name' },
    { op: 'copy', from: '/name', path: '/label' },
    { op: 'test', path: '/name', value: 'Renamed' },
  ] as const;

  it('sends the operations as the bare JSON array body', async () => {
    const seen = intercept('PATCH', `${STORAGE}/json-patch`, 200);
    await collab.storage.patch(ROOM, structuredClone(OPS) as never);
    const req = assertOne(seen, { method: 'PATCH', uri: `${STORAGE}/json-patch` });
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.bodyText)).toEqual(OPS);
  });

  it('a 422 (an operation failed, nothing applied) is a ValidationError on operations', async () => {
    intercept('PATCH', `${STORAGE}/json-patch`, 422, { error: 'UNPROCESSABLE_ENTITY', message: 'Test operation failed at /name' });
    await expect(collab.storage.patch(ROOM, [{ op: 'test', path: '/name', value: 'x' }])).rejects.toMatchObject({ code: 'validation_error', field: 'operations', status: 422 });
  });

  it('is not retried (a second add would insert twice): one 503 fails the call', async () => {
    const retrying = await liveblocksCollab({ retries: 2 });
    try {
      const seen = intercept('PATCH', `${STORAGE}/json-patch`, 503, { error: 'SERVICE_UNAVAILABLE' });
      await expect(retrying.storage.patch(ROOM, [{ op: 'add', path: '/cards/-', value: 'x' }])).rejects.toMatchObject({ name: 'ProviderUnavailableError' });
      expect(seen).toHaveLength(1);
    } finally {
      await retrying.close();
    }
  });

  it('an empty patch and an unknown op are ValidationErrors before any request', async () => {
    await expect(collab.storage.patch(ROOM, [])).rejects.toMatchObject({ code: 'validation_error', field: expect.stringContaining('operations') });
    await expect(collab.storage.patch(ROOM, [{ op: 'explode', path: '/a' } as never])).rejects.toMatchObject({ code: 'validation_error', field: expect.stringContaining('operations') });
  });
});

describe('capabilities', () => {
  it('storage get/initialize/delete are yes; patch is partial with a note', () => {
    expect(collab.capabilities['storage.get']).toBe('yes');
    expect(collab.capabilities['storage.initialize']).toBe('yes');
    expect(collab.capabilities['storage.delete']).toBe('yes');
    expect(collab.capabilities['storage.patch']).toBe('partial');
  });
});
