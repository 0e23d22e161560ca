/**
 * Contract tests of the Yjs document endpoints (vendors/liveblocks.md section 3.7; the dev server's own
 * routes in node_modules/liveblocks/dist/dev-server-*.js): `GET /ydoc-binary`, `PUT /ydoc`
 * (octet-stream) and the history versions (`GET/POST /versions`). Reads use the binary document, not
 * `GET /ydoc?key&type` (see LiveblocksDocumentService.get for why).
 */
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collab } from '../../../../src/collab.js';
import { assertNoBody, assertOne, intercept } from './binary-helpers.js';
import { liveblocksCollab, rejection, SECRET, useNock } from './helpers.js';

useNock();

let collab: Collab;
beforeAll(async () => {
  collab = await liveblocksCollab();
});
afterAll(() => collab.close());

const ROOM = 'my-room-3ebc26e2bf96';
const YDOC = `/v2/rooms/${ROOM}/ydoc`;
const BINARY = `/v2/rooms/${ROOM}/ydoc-binary`;
const VERSIONS = `/v2/rooms/${ROOM}/versions`;

/** A document with one root type of each kind, as a Liveblocks room would hold it. */
function sampleDoc(): Y.Doc {
  const doc = new Y.Doc();
  doc.getText('body').insert(0, 'hello');
  doc.getMap('meta').set('title', 'Plan');
  doc.getArray('items').push([1, 'two']);
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText('hi')]);
  doc.getXmlFragment('prose').insert(0, [p]);
  return doc;
}

/** Applies `update` to a copy of `state` and returns the copy. */
function applied(state: Uint8Array, update: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  Y.applyUpdate(doc, update);
  return doc;
}

const ROOM_NOT_FOUND = { error: 'ROOM_NOT_FOUND', message: `Room with id "${ROOM}" not found.` };

describe('documents.get (GET /ydoc-binary, the key read from it)', () => {
  it.each([
    ['text', 'body', 'hello'],
    ['xml', 'prose', '<paragraph>hi</paragraph>'],
    ['array', 'items', [1, 'two']],
    ['map', 'meta', { title: 'Plan' }],
  ] as const)('reads a %s in one request, no body sent', async (type, key, expected) => {
    const seen = intercept('GET', BINARY, 200, Y.encodeStateAsUpdate(sampleDoc()));
    const content = await collab.documents.get(ROOM, { key, type });
    assertNoBody(assertOne(seen, { method: 'GET', uri: BINARY }));
    expect(content).toEqual({ key, type, value: expected, raw: { key, type, value: expected } });
  });

  it.each([
    ['text', ''],
    ['xml', ''],
    ['array', []],
    ['map', {}],
  ] as const)('an absent key reads as the empty %s', async (type, empty) => {
    intercept('GET', BINARY, 200, new Uint8Array([0, 0]));
    expect((await collab.documents.get(ROOM, { key: 'absent', type })).value).toEqual(empty);
  });

  it('a map holding { k: "" } is not mistaken for an absent key (the JSON endpoint answers both as { k: "" })', async () => {
    const doc = new Y.Doc();
    doc.getMap('k').set('k', '');
    intercept('GET', BINARY, 200, Y.encodeStateAsUpdate(doc));
    expect((await collab.documents.get(ROOM, { key: 'k', type: 'map' })).value).toEqual({ k: '' });
  });

  it('a key read as another kind than it holds is a ConflictError', async () => {
    intercept('GET', BINARY, 200, Y.encodeStateAsUpdate(sampleDoc()));
    await expect(collab.documents.get(ROOM, { key: 'body', type: 'map' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('the key never reaches the request (it is read locally)', async () => {
    const seen = intercept('GET', BINARY, 200, new Uint8Array([0, 0]));
    await collab.documents.get(ROOM, { key: '../a b&type=ymap/?#', type: 'text' });
    assertOne(seen, { method: 'GET', uri: BINARY });
  });

  it('a room id with "/" is one encoded segment; ".." is refused before any request', async () => {
    const seen = intercept('GET', '/v2/rooms/a%2Fb/ydoc-binary', 200, new Uint8Array([0, 0]));
    await collab.documents.get('a/b', { key: 'body', type: 'text' });
    expect(seen).toHaveLength(1);
    await expect(collab.documents.get('..', { key: 'body', type: 'text' })).rejects.toMatchObject({ code: 'validation_error', field: 'roomId' });
  });

  it('bytes that are not a Yjs update are a ProviderResponseError (API drift)', async () => {
    intercept('GET', BINARY, 200, new Uint8Array([0xff, 0xfe, 0xfd, 0x01]));
    await expect(collab.documents.get(ROOM, { key: 'body', type: 'text' })).rejects.toMatchObject({ code: 'provider_response_error', provider: 'liveblocks', operation: 'documents.get' });
  });

  it('404 ROOM_NOT_FOUND is a NotFoundError with the vendor code', async () => {
    intercept('GET', BINARY, 404, ROOM_NOT_FOUND);
    await expect(collab.documents.get(ROOM, { key: 'body', type: 'text' })).rejects.toMatchObject({ name: 'NotFoundError', status: 404, vendorCode: 'ROOM_NOT_FOUND' });
  });

  it('bad refs are ValidationErrors naming the field, before any request', async () => {
    await expect(collab.documents.get(ROOM, { key: '', type: 'text' })).rejects.toMatchObject({ code: 'validation_error', field: expect.stringMatching(/key$/) });
    await expect(collab.documents.get(ROOM, { key: 'k', type: 'yjs' as never })).rejects.toMatchObject({ code: 'validation_error', field: expect.stringMatching(/type$/) });
  });
});

describe('documents.set (GET /ydoc-binary, then PUT /ydoc with the replacement update)', () => {
  it('sends only the update that turns the key into the value, as application/octet-stream', async () => {
    const state = Y.encodeStateAsUpdate(sampleDoc());
    const read = intercept('GET', BINARY, 200, state);
    const put = intercept('PUT', YDOC, 200, { success: true });
    await collab.documents.set(ROOM, { key: 'body', type: 'text', value: 'hello world' });
    assertNoBody(assertOne(read, { method: 'GET', uri: BINARY }));
    const req = assertOne(put, { method: 'PUT', uri: YDOC });
    expect(req.headers['content-type']).toBe('application/octet-stream');
    const update = req.bytes();
    // An incremental update: smaller than the whole state, and applied to it gives the new value.
    expect(update.byteLength).toBeLessThan(state.byteLength);
    const after = applied(state, update);
    expect(after.getText('body').toString()).toBe('hello world');
    expect(after.getMap('meta').toJSON()).toEqual({ title: 'Plan' });
  });

  it.each([
    ['map', { title: 'Plan B', n: 1 }, (d: Y.Doc) => d.getMap('k').toJSON()],
    ['array', [1, { two: 2 }], (d: Y.Doc) => d.getArray('k').toJSON()],
    ['xml', '<heading level="1">Title</heading>', (d: Y.Doc) => d.getXmlFragment('k').toString()],
    ['text', 'words', (d: Y.Doc) => d.getText('k').toString()],
  ] as const)('writes a %s into an empty document', async (type, value, read) => {
    intercept('GET', BINARY, 200, Y.encodeStateAsUpdate(new Y.Doc()));
    const put = intercept('PUT', YDOC, 200, { success: true });
    await collab.documents.set(ROOM, { key: 'k', type, value });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, put[0]!.bytes());
    expect(read(doc)).toEqual(value);
  });

  it('sends nothing when the key already holds the value (no PUT)', async () => {
    const read = intercept('GET', BINARY, 200, Y.encodeStateAsUpdate(sampleDoc()));
    await collab.documents.set(ROOM, { key: 'body', type: 'text', value: 'hello' });
    expect(read).toHaveLength(1);
  });

  it('a key holding another kind is a ConflictError, and nothing is sent', async () => {
    intercept('GET', BINARY, 200, Y.encodeStateAsUpdate(sampleDoc()));
    await expect(collab.documents.set(ROOM, { key: 'body', type: 'map', value: { a: 1 } })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('bad XML and a value of the wrong JSON type are ValidationErrors on value, before any request', async () => {
    await expect(collab.documents.set(ROOM, { key: 'k', type: 'xml', value: '<open>' })).rejects.toMatchObject({ code: 'validation_error', field: expect.stringMatching(/value$/) });
    await expect(collab.documents.set(ROOM, { key: 'k', type: 'text', value: { a: 1 } })).rejects.toMatchObject({ code: 'validation_error', field: expect.stringMatching(/value$/) });
  });

  it('bytes from ydoc-binary that are not a Yjs update are API drift (ProviderResponseError), not bad input', async () => {
    intercept('GET', BINARY, 200, new Uint8Array([0xff, 0xfe, 0xfd, 0x01]));
    await expect(collab.documents.set(ROOM, { key: 'k', type: 'text', value: 'x' })).rejects.toMatchObject({ code: 'provider_response_error', operation: 'documents.set' });
  });

  it('404 on the read is a NotFoundError and nothing is written', async () => {
    intercept('GET', BINARY, 404, ROOM_NOT_FOUND);
    await expect(collab.documents.set(ROOM, { key: 'k', type: 'text', value: 'x' })).rejects.toMatchObject({ name: 'NotFoundError', vendorCode: 'ROOM_NOT_FOUND' });
  });
});

describe('documents.list (GET /ydoc-binary)', () => {
  it('names every root type with its kind, told from the content', async () => {
    const seen = intercept('GET', BINARY, 200, Y.encodeStateAsUpdate(sampleDoc()));
    const entries = await collab.documents.list(ROOM);
    assertOne(seen, { method: 'GET', uri: BINARY });
    expect([...entries].sort((a, b) => a.key.localeCompare(b.key))).toEqual([
      { key: 'body', type: 'text' },
      { key: 'items', type: 'array' },
      { key: 'meta', type: 'map' },
      { key: 'prose', type: 'xml' },
    ]);
  });

  it('an empty document (the dev server answers the two bytes 0x00 0x00) lists nothing', async () => {
    intercept('GET', BINARY, 200, new Uint8Array([0, 0]));
    expect(await collab.documents.list(ROOM)).toEqual([]);
  });
});

describe('documents.getUpdate / applyUpdate (GET /ydoc-binary, PUT /ydoc)', () => {
  it('getUpdate returns the bytes Liveblocks sent, as a Uint8Array', async () => {
    const state = Y.encodeStateAsUpdate(sampleDoc());
    const seen = intercept('GET', BINARY, 200, state);
    const bytes = await collab.documents.getUpdate(ROOM);
    assertNoBody(assertOne(seen, { method: 'GET', uri: BINARY }));
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(bytes).equals(Buffer.from(state))).toBe(true);
  });

  it('applyUpdate sends the update bytes unchanged with Content-Type application/octet-stream', async () => {
    const update = Y.encodeStateAsUpdate(sampleDoc());
    const seen = intercept('PUT', YDOC, 200, { success: true });
    await collab.documents.applyUpdate(ROOM, update);
    const req = assertOne(seen, { method: 'PUT', uri: YDOC });
    expect(req.headers['content-type']).toBe('application/octet-stream');
    expect(Buffer.from(req.bytes()).equals(Buffer.from(update))).toBe(true);
  });

  it('bytes that are not a Yjs update, an empty update and a string are ValidationErrors on update, before any request', async () => {
    for (const bad of [new Uint8Array([0xff, 0xfe, 0xfd, 0x01]), new Uint8Array(0), 'AAA=' as unknown as Uint8Array]) {
      await expect(collab.documents.applyUpdate(ROOM, bad)).rejects.toMatchObject({ code: 'validation_error', field: expect.stringMatching(/update$/) });
    }
  });

  it('a 422 UNPROCESSABLE_ENTITY from Liveblocks is a ValidationError on update', async () => {
    intercept('PUT', YDOC, 422, { error: 'UNPROCESSABLE_ENTITY', message: 'Could not apply update', suggestion: 'Please ensure the update is correct' });
    const err = await rejection(collab.documents.applyUpdate(ROOM, Y.encodeStateAsUpdate(sampleDoc())));
    expect(err).toMatchObject({ code: 'validation_error', field: 'update', status: 422, vendorCode: 'UNPROCESSABLE_ENTITY', provider: 'liveblocks' });
    expect(JSON.stringify(err.toJSON()) + String(err.stack)).not.toContain(SECRET);
  });

  it('404 is a NotFoundError', async () => {
    intercept('PUT', YDOC, 404, ROOM_NOT_FOUND);
    await expect(collab.documents.applyUpdate(ROOM, Y.encodeStateAsUpdate(sampleDoc()))).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});

/** A history version as section 3.7 shows it. */
const version = (id: string, createdAt: string, authors: string[]) => ({ type: 'historyVersion', id, createdAt, authors: authors.map((a) => ({ id: a })), kind: 'yjs' });

describe('documents.versions (GET/POST /v2/rooms/{id}/versions)', () => {
  it('list follows nextCursor (limit=100, then cursor=...) and maps authors to authorIds', async () => {
    const v1 = version('vh_2', '2024-05-02T10:00:00.000Z', ['alice', 'bob']);
    const v2 = version('vh_1', '2024-05-01T10:00:00.000Z', []);
    const first = intercept('GET', VERSIONS, 200, { data: [v1], nextCursor: 'cur/2' });
    const second = intercept('GET', VERSIONS, 200, { data: [v2], nextCursor: null });
    const versions = await collab.documents.versions.list(ROOM);
    assertNoBody(assertOne(first, { method: 'GET', uri: `${VERSIONS}?limit=100` }));
    assertOne(second, { method: 'GET', uri: `${VERSIONS}?limit=100&cursor=cur%2F2` });
    expect(versions).toEqual([
      { id: 'vh_2', createdAt: new Date('2024-05-02T10:00:00.000Z'), authorIds: ['alice', 'bob'], raw: v1 },
      { id: 'vh_1', createdAt: new Date('2024-05-01T10:00:00.000Z'), authorIds: [], raw: v2 },
    ]);
  });

  it('a nextCursor that comes back is a ProviderResponseError, not an endless loop', async () => {
    intercept('GET', VERSIONS, 200, { data: [], nextCursor: 'same' });
    intercept('GET', VERSIONS, 200, { data: [], nextCursor: 'same' });
    await expect(collab.documents.versions.list(ROOM)).rejects.toMatchObject({ code: 'provider_response_error', path: 'nextCursor' });
  });

  it('a version without createdAt is API drift', async () => {
    intercept('GET', VERSIONS, 200, { data: [{ type: 'historyVersion', id: 'vh_1', authors: [] }], nextCursor: null });
    await expect(collab.documents.versions.list(ROOM)).rejects.toMatchObject({ code: 'provider_response_error' });
  });

  it('create POSTs {} and returns the new version with the createdAt Liveblocks lists for it', async () => {
    const created = intercept('POST', VERSIONS, 200, { data: { id: 'vh_3' } });
    const listed = version('vh_3', '2024-05-03T10:00:00.000Z', ['unicollab']);
    const lookup = intercept('GET', VERSIONS, 200, { data: [listed, version('vh_2', '2024-05-02T10:00:00.000Z', [])], nextCursor: 'more' });
    const v = await collab.documents.versions.create(ROOM);
    const req = assertOne(created, { method: 'POST', uri: VERSIONS });
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.bodyText)).toEqual({});
    assertOne(lookup, { method: 'GET', uri: `${VERSIONS}?limit=20` });
    expect(v).toEqual({ id: 'vh_3', createdAt: new Date('2024-05-03T10:00:00.000Z'), authorIds: ['unicollab'], raw: listed });
  });

  it('create falls back to the time of the answer when the new version is not listed yet', async () => {
    intercept('POST', VERSIONS, 200, { data: { id: 'vh_4' } });
    intercept('GET', VERSIONS, 200, { data: [], nextCursor: null });
    const before = Date.now();
    const v = await collab.documents.versions.create(ROOM);
    expect(v.id).toBe('vh_4');
    expect(v.createdAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(v.createdAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(v.raw).toEqual({ data: { id: 'vh_4' } });
  });

  it('create still returns the saved version when the lookup after it fails', async () => {
    intercept('POST', VERSIONS, 200, { data: { id: 'vh_5' } });
    intercept('GET', VERSIONS, 500, { error: 'INTERNAL' });
    await expect(collab.documents.versions.create(ROOM)).resolves.toMatchObject({ id: 'vh_5', raw: { data: { id: 'vh_5' } } });
  });

  it('create is not retried (a retry could save a second version); a 503 fails the call', async () => {
    const retrying = await liveblocksCollab({ retries: 2 });
    try {
      const seen = intercept('POST', VERSIONS, 503, { error: 'SERVICE_UNAVAILABLE' });
      await expect(retrying.documents.versions.create(ROOM)).rejects.toMatchObject({ name: 'ProviderUnavailableError', status: 503 });
      expect(seen).toHaveLength(1);
    } finally {
      await retrying.close();
    }
  });

  it('404 ROOM_NOT_FOUND is a NotFoundError; the dev server\'s 501 is a ProviderUnavailableError that is not retryable', async () => {
    intercept('GET', VERSIONS, 404, ROOM_NOT_FOUND);
    await expect(collab.documents.versions.list(ROOM)).rejects.toMatchObject({ name: 'NotFoundError' });
    intercept('POST', VERSIONS, 501, { error: 'Not implemented', message: "This endpoint isn't implemented in the Liveblocks dev server." });
    await expect(collab.documents.versions.create(ROOM)).rejects.toMatchObject({ name: 'ProviderUnavailableError', status: 501, retryable: false });
  });
});

describe('capabilities', () => {
  it('declares every documents capability yes', () => {
    for (const key of ['documents.get', 'documents.set', 'documents.list', 'documents.updates', 'documents.versions'] as const) expect(collab.capabilities[key]).toBe('yes');
  });
});
