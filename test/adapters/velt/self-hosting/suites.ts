/**
 * The store and handler suites, run against every `VeltContentStore` (memory.test.ts, postgres.test.ts).
 * `makeStore` must return a fresh, empty store each call.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createFileSystemVeltBlobStore,
  createVeltDataProviderHandler,
  type VeltAuthorizeContext,
  type VeltContentStore,
  type VeltDataProviderHandlerOptions,
  type VeltPartialCommentAnnotation,
} from 'unicollab/velt';
import * as fx from './fixtures.js';

export type StoreFactory = () => Promise<VeltContentStore>;

const BASE = 'http://api.example.test/api/velt';

/** POSTs a JSON body to a route; resolves the HTTP status and the parsed envelope. */
export async function call(handler: (r: Request) => Promise<Response>, route: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await handler(
    new Request(`${BASE}/${route}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
  );
  const json = (await response.json()) as { success: boolean; statusCode: number; data?: unknown; error?: string; errorCode?: string };
  return { status: response.status, json, headers: response.headers };
}

/** Builds the multipart body Velt's front end sends to `attachments/save`. */
export function attachmentRequest(part: unknown, bytes: Uint8Array | null, headers: Record<string, string> = {}, route = 'attachments/save'): Request {
  const form = new FormData();
  if (bytes) form.set('file', new File([new Uint8Array(bytes)], 'image.png', { type: 'image/png' }));
  form.set('request', typeof part === 'string' ? part : JSON.stringify(part));
  return new Request(`${BASE}/${route}`, { method: 'POST', body: form, headers });
}

const clone = <T>(value: T): T => structuredClone(value);

export function storeSuite(label: string, makeStore: StoreFactory): void {
  describe(`VeltContentStore (${label})`, () => {
    it('upserts annotations by merging top-level keys, replacing comments, keeping absent keys, storing null', async () => {
      const store = await makeStore();
      await store.comments.upsert('o1', [
        { annotationId: 'a1', metadata: { organizationId: 'o1', documentId: 'd1' }, comments: { '1': { commentId: '1', commentText: 'one' } }, resolvedByUserId: 'u1', custom: 'x' },
      ]);
      await store.comments.upsert('o1', [{ annotationId: 'a1', metadata: { organizationId: 'o1', documentId: 'd1' }, comments: { '2': { commentId: 2, commentText: 'two' } } }]);
      let got = await store.comments.get('o1', {});
      expect(got).toEqual({
        a1: { annotationId: 'a1', metadata: { organizationId: 'o1', documentId: 'd1' }, comments: { '2': { commentId: 2, commentText: 'two' } }, resolvedByUserId: 'u1', custom: 'x' },
      });
      await store.comments.upsert('o1', [{ annotationId: 'a1', comments: {}, resolvedByUserId: null }]);
      got = await store.comments.get('o1', { annotationIds: ['a1'] });
      expect(got.a1?.resolvedByUserId).toBeNull();
      expect(got.a1?.comments).toEqual({});
      expect(got.a1?.metadata).toEqual({ organizationId: 'o1', documentId: 'd1' });
    });

    it('filters by annotation ids, documents and folder (AND), within the organization only', async () => {
      const store = await makeStore();
      const rec = (id: string, documentId: string, folderId?: string): VeltPartialCommentAnnotation => ({
        annotationId: id,
        metadata: { organizationId: 'o1', documentId, ...(folderId ? { folderId } : {}) },
        comments: {},
      });
      await store.comments.upsert('o1', [rec('a1', 'd1', 'f1'), rec('a2', 'd2', 'f1'), rec('a3', 'd3')]);
      await store.comments.upsert('o2', [{ annotationId: 'a1', metadata: { organizationId: 'o2', documentId: 'd1' }, comments: {} }]);
      const ids = async (q: Parameters<VeltContentStore['comments']['get']>[1], org = 'o1') => Object.keys(await store.comments.get(org, q)).sort();
      expect(await ids({})).toEqual(['a1', 'a2', 'a3']);
      expect(await ids({ annotationIds: ['a1', 'a3', 'nope'] })).toEqual(['a1', 'a3']);
      expect(await ids({ documentIds: ['d1', 'd2'] })).toEqual(['a1', 'a2']);
      expect(await ids({ documentIds: ['d1', 'd2'], annotationIds: ['a2', 'a3'] })).toEqual(['a2']);
      expect(await ids({ folderId: 'f1' })).toEqual(['a1', 'a2']);
      expect(await ids({}, 'o2')).toEqual(['a1']);
      expect((await store.comments.get('o2', {})).a1?.metadata?.organizationId).toBe('o2');
      expect(await ids({}, 'o3')).toEqual([]);
    });

    it('upserts several annotations at once, the last of a repeated id winning', async () => {
      const store = await makeStore();
      await store.comments.upsert('o1', [
        { annotationId: 'a1', comments: { '1': { commentId: '1', commentText: 'first' } } },
        { annotationId: 'a2', comments: {} },
        { annotationId: 'a1', comments: { '1': { commentId: '1', commentText: 'last' } } },
      ]);
      const got = await store.comments.get('o1', {});
      expect(Object.keys(got).sort()).toEqual(['a1', 'a2']);
      expect(got.a1?.comments['1']?.commentText).toBe('last');
      await store.comments.upsert('o1', []);
    });

    it('deletes within the organization and says whether something was deleted', async () => {
      const store = await makeStore();
      await store.reactions.upsert('o1', [{ annotationId: 'r1', icon: 'HEART_FACE' }]);
      await store.reactions.upsert('o2', [{ annotationId: 'r1', icon: 'thumbsup' }]);
      expect(await store.reactions.delete('o2', 'r1')).toBe(true);
      expect(await store.reactions.delete('o2', 'r1')).toBe(false);
      expect(await store.reactions.get('o1', {})).toEqual({ r1: { annotationId: 'r1', icon: 'HEART_FACE' } });
    });

    it('keeps attachments per organization and returns the record an upsert replaced', async () => {
      const store = await makeStore();
      const a = { attachmentId: 758336, name: 'a.png', mimeType: 'image/png', size: 3, url: 'https://f/a', blobKey: 'attachments/a', metadata: { organizationId: 'o1', documentId: 'd1' } };
      expect(await store.attachments.upsert('o1', a)).toBeUndefined();
      expect(await store.attachments.upsert('o1', { ...a, blobKey: 'attachments/b', url: 'https://f/b' })).toEqual(a);
      expect(await store.attachments.get('o1', 758336)).toEqual({ ...a, blobKey: 'attachments/b', url: 'https://f/b' });
      expect(await store.attachments.get('o2', 758336)).toBeUndefined();
      expect(await store.attachments.delete('o2', 758336)).toBeUndefined();
      expect((await store.attachments.delete('o1', 758336))?.blobKey).toBe('attachments/b');
      expect(await store.attachments.get('o1', 758336)).toBeUndefined();
    });

    it('keeps users and notifications per organization', async () => {
      const store = await makeStore();
      await store.users.upsert('o1', [fx.user1, { userId: 'u2', name: 'Two' }]);
      await store.users.upsert('o2', [{ userId: 'USER_ID_1', name: 'Other org' }]);
      expect(await store.users.get('o1', ['USER_ID_1', 'missing'])).toEqual({ USER_ID_1: fx.user1 });
      expect(await store.users.get('o2', ['USER_ID_1'])).toEqual({ USER_ID_1: { userId: 'USER_ID_1', name: 'Other org' } });
      expect(await store.users.get('o1', [])).toEqual({});
      await store.users.upsert('o1', [{ userId: 'u2', name: 'Two again' }]);
      expect(await store.users.get('o1', ['u2'])).toEqual({ u2: { userId: 'u2', name: 'Two again' } });
      await store.users.upsert('o1', [{ userId: 'u3', name: 'first' }, { userId: 'u3', name: 'last' }]);
      expect(await store.users.get('o1', ['u3'])).toEqual({ u3: { userId: 'u3', name: 'last' } });
      await store.notifications.upsert('o1', [fx.notification1]);
      expect(await store.notifications.get('o1', ['n-1'])).toEqual({ 'n-1': fx.notification1 });
      expect(await store.notifications.delete('o2', 'n-1')).toBe(false);
      expect(await store.notifications.delete('o1', 'n-1')).toBe(true);
    });

    it('stores ids and text with quotes, backslashes and unicode literally', async () => {
      const store = await makeStore();
      const id = `a'); DROP TABLE comment_annotations; --\\"☃`;
      await store.comments.upsert("o'1", [{ annotationId: id, comments: { '1': { commentId: '1', commentText: "it's 💬 \\ \"quoted\"" } } }]);
      expect(Object.keys(await store.comments.get("o'1", { annotationIds: [id] }))).toEqual([id]);
      expect(await store.comments.get('o1', {})).toEqual({});
    });
  });
}

export function handlerSuite(label: string, makeStore: StoreFactory): void {
  describe(`createVeltDataProviderHandler (${label})`, () => {
    let root: string;
    let store: VeltContentStore;
    let calls: VeltAuthorizeContext[];
    let handler: (r: Request) => Promise<Response>;
    const make = (overrides: Partial<VeltDataProviderHandlerOptions> = {}) =>
      createVeltDataProviderHandler({
        store,
        blobs: createFileSystemVeltBlobStore({ root, publicUrl: (key) => `https://files.example.test/${key}` }),
        authorize: (request, context) => {
          calls.push(context);
          return request.headers.get('authorization') !== 'Bearer denied' && context.organizationId !== 'org-forbidden';
        },
        ...overrides,
      });

    const roots: string[] = [];
    afterAll(async () => {
      for (const dir of roots) await rm(dir, { recursive: true, force: true });
    });
    const fresh = async (overrides: Partial<VeltDataProviderHandlerOptions> = {}) => {
      root = await mkdtemp(join(tmpdir(), 'velt-blobs-'));
      roots.push(root);
      store = await makeStore();
      calls = [];
      handler = make(overrides);
    };

    it('comments: save, get, retried save, delete, delete again (the §4.C bodies)', async () => {
      await fresh();
      const saved = await call(handler, 'comments/save', fx.saveCommentsBody);
      expect(saved).toMatchObject({ status: 200, json: { success: true, statusCode: 200 } });
      expect(saved.json).toEqual({ success: true, statusCode: 200 });
      expect(calls.at(-1)).toMatchObject({ organizationId: fx.ORG, documentIds: ['doc-1'], route: 'comments/save' });

      const expected = {
        'annotation-1': { annotationId: 'annotation-1', comments: { '123456': { commentId: '123456', commentText: 'Hello' } }, metadata: { organizationId: fx.ORG, documentId: 'doc-1' } },
      };
      const got = await call(handler, 'comments/get', { ...fx.getCommentsBody, commentAnnotationIds: ['annotation-1', 'ann-2'] });
      expect(got.status).toBe(200);
      expect(got.json).toEqual({ success: true, statusCode: 200, data: expected });
      expect(calls.at(-1)).toMatchObject({ organizationId: fx.ORG, documentIds: ['doc-1'], route: 'comments/get' });
      // the §4.C get names ids that do not exist: they are simply absent
      expect((await call(handler, 'comments/get', fx.getCommentsBody)).json).toEqual({ success: true, statusCode: 200, data: {} });

      // Velt retries a save with the same body: same single record
      expect((await call(handler, 'comments/save', fx.saveCommentsBody)).status).toBe(200);
      expect((await call(handler, 'comments/get', { organizationId: fx.ORG })).json.data).toEqual(expected);

      const del = await call(handler, 'comments/delete', fx.deleteCommentBody);
      expect(del).toMatchObject({ status: 200, json: { success: true, statusCode: 200 } });
      expect((await call(handler, 'comments/get', { organizationId: fx.ORG })).json.data).toEqual({});
      // delete of a missing record is a success (a 404 would make Velt retry and revert)
      expect((await call(handler, 'comments/delete', fx.deleteCommentBody)).json).toEqual({ success: true, statusCode: 200 });
    });

    it('comments: a later save replaces the comments map; resolvedByUserId absent keeps, null clears; targetComment is not stored', async () => {
      await fresh();
      const body = clone(fx.saveCommentsBody) as typeof fx.saveCommentsBody & Record<string, unknown>;
      (body.commentAnnotation['annotation-1'] as Record<string, unknown>).resolvedByUserId = 'u-1';
      await call(handler, 'comments/save', body);
      await call(handler, 'comments/save', {
        ...fx.saveCommentsBody,
        event: 'comment.add',
        commentId: '777',
        targetComment: { commentId: '777', commentText: 'context only' },
        commentAnnotation: {
          'annotation-1': { annotationId: 'annotation-1', comments: { '123456': { commentId: '123456', commentText: 'Hello' }, '777': { commentId: '777', commentHtml: '<p>New</p>', commentText: 'New' } } },
        },
      });
      let record = ((await call(handler, 'comments/get', { organizationId: fx.ORG })).json.data as Record<string, Record<string, unknown>>)['annotation-1'];
      expect(Object.keys(record?.comments as object).sort()).toEqual(['123456', '777']);
      expect(record?.resolvedByUserId).toBe('u-1');
      expect(JSON.stringify(record)).not.toContain('context only');
      expect(record).not.toHaveProperty('targetComment');
      await call(handler, 'comments/save', { ...fx.saveCommentsBody, commentAnnotation: { 'annotation-1': { annotationId: 'annotation-1', comments: {}, resolvedByUserId: null } } });
      record = ((await call(handler, 'comments/get', { organizationId: fx.ORG })).json.data as Record<string, Record<string, unknown>>)['annotation-1'];
      expect(record?.resolvedByUserId).toBeNull();
      expect(record?.comments).toEqual({});
    });

    it('comments: documentIds, folder + allDocuments, annotation ids', async () => {
      await fresh();
      await call(handler, 'comments/save', { metadata: { organizationId: fx.ORG, documentId: 'doc-1', folderId: 'f-1' }, commentAnnotation: { a1: { annotationId: 'a1', comments: {} } } });
      await call(handler, 'comments/save', { metadata: { organizationId: fx.ORG, documentId: 'doc-2', folderId: 'f-1' }, commentAnnotation: { a2: { annotationId: 'a2', comments: {} } } });
      await call(handler, 'comments/save', { metadata: { organizationId: fx.ORG, documentId: 'doc-3' }, commentAnnotation: { a3: { annotationId: 'a3', comments: {} } } });
      const keys = async (body: object) => Object.keys((await call(handler, 'comments/get', { organizationId: fx.ORG, ...body })).json.data as object).sort();
      expect(await keys({ documentIds: ['doc-2', 'doc-3'] })).toEqual(['a2', 'a3']);
      expect(await keys({ folderId: 'f-1', allDocuments: true })).toEqual(['a1', 'a2']);
      expect(await keys({ commentAnnotationIds: ['a3', 'zzz'] })).toEqual(['a3']);
      expect(await keys({ commentAnnotationIds: ['a1', 'a3'], documentIds: ['doc-3'] })).toEqual(['a3']);
      // as velt-py: empty lists are no filter
      expect(await keys({ commentAnnotationIds: [], documentIds: [] })).toEqual(['a1', 'a2', 'a3']);
    });

    it('reactions: save, get, retried save, legacy user -> from, delete', async () => {
      await fresh();
      expect((await call(handler, 'reactions/save', fx.saveReactionsBody)).json).toEqual({ success: true, statusCode: 200 });
      expect((await call(handler, 'reactions/save', fx.saveReactionsBody)).status).toBe(200);
      const got = await call(handler, 'reactions/get', fx.getReactionsBody);
      expect(got.json).toEqual({
        success: true,
        statusCode: 200,
        data: { 'reaction-1': { annotationId: 'reaction-1', icon: 'thumbsup', from: { userId: 'u-1' }, metadata: { organizationId: fx.ORG, documentId: 'doc-1' } } },
      });
      await call(handler, 'reactions/save', { metadata: { organizationId: fx.ORG, documentId: 'doc-1' }, reactionAnnotation: { 'reaction-2': { icon: 'HEART_FACE', user: { userId: 'u-2' } } } });
      const legacy = ((await call(handler, 'reactions/get', { organizationId: fx.ORG, reactionAnnotationIds: ['reaction-2'] })).json.data as Record<string, object>)['reaction-2'];
      expect(legacy).toEqual({ annotationId: 'reaction-2', icon: 'HEART_FACE', from: { userId: 'u-2' }, metadata: { organizationId: fx.ORG, documentId: 'doc-1' } });
      expect((await call(handler, 'reactions/delete', fx.deleteReactionBody)).json).toEqual({ success: true, statusCode: 200 });
      expect((await call(handler, 'reactions/delete', fx.deleteReactionBody)).json).toEqual({ success: true, statusCode: 200 });
      expect(Object.keys((await call(handler, 'reactions/get', { organizationId: fx.ORG })).json.data as object)).toEqual(['reaction-2']);
    });

    it('attachments: multipart save returns a loadable URL, a retry replaces the file, delete removes it', async () => {
      await fresh();
      const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
      const response = await handler(attachmentRequest(fx.saveAttachmentPart, bytes));
      expect(response.status).toBe(200);
      const saved = (await response.json()) as { success: boolean; statusCode: number; data: { url: string } };
      expect(saved).toMatchObject({ success: true, statusCode: 200 });
      expect(saved.data.url).toMatch(/^https:\/\/files\.example\.test\/attachments\/[0-9a-f-]{36}\.png$/);
      expect(calls.at(-1)).toMatchObject({ organizationId: fx.ORG, documentIds: ['doc-1'], route: 'attachments/save' });
      const key = saved.data.url.replace('https://files.example.test/', '');
      expect(new Uint8Array(await readFile(join(root, key)))).toEqual(bytes);
      const record = await store.attachments.get(fx.ORG, 758336);
      expect(record).toMatchObject({ attachmentId: 758336, name: 'image.png', mimeType: 'image/png', size: bytes.byteLength, url: saved.data.url, blobKey: key });
      expect(record?.metadata).toMatchObject({ organizationId: fx.ORG, documentId: 'doc-1', commentAnnotationId: 'ann_55' });

      // a retried save: one record, the old file gone
      const retried = (await (await handler(attachmentRequest(fx.saveAttachmentPart, bytes))).json()) as { data: { url: string } };
      const key2 = retried.data.url.replace('https://files.example.test/', '');
      expect(key2).not.toBe(key);
      expect((await store.attachments.get(fx.ORG, 758336))?.blobKey).toBe(key2);
      expect(await readdir(join(root, 'attachments'))).not.toContain(key.split('/')[1]);

      // another organization cannot delete it
      const other = await call(handler, 'attachments/delete', { ...fx.deleteAttachmentBody, metadata: { ...fx.deleteAttachmentBody.metadata, organizationId: 'org-other' } });
      expect(other.json).toEqual({ success: true, statusCode: 200 });
      expect(await store.attachments.get(fx.ORG, 758336)).toBeDefined();

      expect((await call(handler, 'attachments/delete', fx.deleteAttachmentBody)).json).toEqual({ success: true, statusCode: 200 });
      expect(await store.attachments.get(fx.ORG, 758336)).toBeUndefined();
      expect(await readdir(join(root, 'attachments'))).not.toContain(key2.split('/')[1]);
      expect((await call(handler, 'attachments/delete', fx.deleteAttachmentBody)).json).toEqual({ success: true, statusCode: 200 });
    });

    it('attachments: bad multipart bodies are 400/415 and store nothing', async () => {
      await fresh();
      const send = async (request: Request) => {
        const response = await handler(request);
        return { status: response.status, json: (await response.json()) as Record<string, unknown> };
      };
      expect(await send(attachmentRequest(fx.saveAttachmentPart, null))).toMatchObject({ status: 400, json: { success: false, statusCode: 400, errorCode: 'INVALID_INPUT' } });
      expect(await send(attachmentRequest('{not json', new Uint8Array([1])))).toMatchObject({ status: 400, json: { errorCode: 'INVALID_INPUT' } });
      expect(await send(attachmentRequest({ attachment: { attachmentId: 'x' }, metadata: fx.saveAttachmentPart.metadata }, new Uint8Array([1])))).toMatchObject({ status: 400 });
      expect(await send(attachmentRequest({ attachment: { attachmentId: 1 } }, new Uint8Array([1])))).toMatchObject({ status: 400, json: { error: 'metadata.organizationId is required' } });
      const json = await call(handler, 'attachments/save', fx.saveAttachmentPart);
      expect(json).toMatchObject({ status: 415, json: { success: false, statusCode: 415, errorCode: 'UNSUPPORTED_MEDIA_TYPE' } });
      expect(await store.attachments.get(fx.ORG, 758336)).toBeUndefined();
      expect(await readdir(root).then((entries) => entries.filter((e) => e === 'attachments'))).toEqual([]);
    });

    it('users/get: profiles of the organization, unknown ids absent', async () => {
      await fresh();
      await store.users.upsert(fx.ORG, [fx.user1]);
      await store.users.upsert('org-other', [{ userId: 'user-2', name: 'Other org' }]);
      const got = await call(handler, 'users/get', fx.getUsersBody);
      expect(got).toMatchObject({ status: 200 });
      expect(got.json).toEqual({ success: true, statusCode: 200, data: { USER_ID_1: fx.user1 } });
      expect(calls.at(-1)).toMatchObject({ organizationId: fx.ORG, documentIds: [], route: 'users/get' });
    });

    it('notifications: get and delete', async () => {
      await fresh();
      await store.notifications.upsert(fx.ORG, [fx.notification1]);
      expect((await call(handler, 'notifications/get', fx.getNotificationsBody)).json).toEqual({ success: true, statusCode: 200, data: { 'n-1': fx.notification1 } });
      expect((await call(handler, 'notifications/get', { ...fx.getNotificationsBody, organizationId: 'org-other' })).json.data).toEqual({});
      expect((await call(handler, 'notifications/delete', { ...fx.deleteNotificationBody, organizationId: 'org-other' })).json).toEqual({ success: true, statusCode: 200 });
      expect((await call(handler, 'notifications/get', fx.getNotificationsBody)).json.data).toEqual({ 'n-1': fx.notification1 });
      expect((await call(handler, 'notifications/delete', fx.deleteNotificationBody)).json).toEqual({ success: true, statusCode: 200 });
      expect((await call(handler, 'notifications/delete', fx.deleteNotificationBody)).json).toEqual({ success: true, statusCode: 200 });
      expect((await call(handler, 'notifications/get', fx.getNotificationsBody)).json.data).toEqual({});
    });

    it('cross-organization isolation: same ids in two organizations never mix', async () => {
      await fresh();
      const inOrg = (organizationId: string, text: string) => ({
        metadata: { organizationId, documentId: 'doc-1' },
        commentAnnotation: { 'annotation-1': { annotationId: 'annotation-1', comments: { '1': { commentId: '1', commentText: text } } } },
      });
      await call(handler, 'comments/save', inOrg('org-a', 'secret of a'));
      await call(handler, 'comments/save', inOrg('org-b', 'secret of b'));
      const read = async (org: string) => JSON.stringify((await call(handler, 'comments/get', { organizationId: org, documentIds: ['doc-1'] })).json.data);
      expect(await read('org-a')).toContain('secret of a');
      expect(await read('org-a')).not.toContain('secret of b');
      expect(await read('org-b')).toContain('secret of b');
      expect(await read('org-c')).toBe('{}');
      await call(handler, 'comments/delete', { commentAnnotationId: 'annotation-1', metadata: { organizationId: 'org-b' } });
      expect(await read('org-a')).toContain('secret of a');
      expect(await read('org-b')).toBe('{}');
    });

    it('authorization refusals are 403 FORBIDDEN and store nothing', async () => {
      await fresh();
      const denied = await call(handler, 'comments/save', fx.saveCommentsBody, { authorization: 'Bearer denied' });
      expect(denied).toMatchObject({ status: 403, json: { success: false, statusCode: 403, errorCode: 'FORBIDDEN' } });
      expect(await store.comments.get(fx.ORG, {})).toEqual({});
      await call(handler, 'comments/save', fx.saveCommentsBody);
      expect((await call(handler, 'comments/get', fx.getCommentsBody, { authorization: 'Bearer denied' })).status).toBe(403);
      expect((await call(handler, 'comments/delete', fx.deleteCommentBody, { authorization: 'Bearer denied' })).status).toBe(403);
      expect(Object.keys(await store.comments.get(fx.ORG, {}))).toEqual(['annotation-1']);
      expect((await call(handler, 'users/get', { ...fx.getUsersBody, organizationId: 'org-forbidden' })).status).toBe(403);
      expect((await handler(attachmentRequest(fx.saveAttachmentPart, new Uint8Array([1]), { authorization: 'Bearer denied' }))).status).toBe(403);
      expect(await store.attachments.get(fx.ORG, 758336)).toBeUndefined();
    });

    it('bad bodies are 400 INVALID_INPUT and store nothing', async () => {
      await fresh();
      const bad = async (route: string, body: unknown) => {
        const result = await call(handler, route, body);
        expect(result.status, `${route} ${JSON.stringify(body)}`).toBe(400);
        expect(result.json).toMatchObject({ success: false, statusCode: 400, errorCode: 'INVALID_INPUT' });
        expect(Object.keys(result.json).sort()).toEqual(['error', 'errorCode', 'statusCode', 'success']);
      };
      await bad('comments/save', '{"metadata":');
      await bad('comments/save', '[]');
      await bad('comments/save', { commentAnnotation: fx.saveCommentsBody.commentAnnotation });
      await bad('comments/save', { ...fx.saveCommentsBody, metadata: { organizationId: '' } });
      await bad('comments/save', { ...fx.saveCommentsBody, commentAnnotation: {} });
      await bad('comments/save', { ...fx.saveCommentsBody, commentAnnotation: { 'annotation-1': { annotationId: 'other', comments: {} } } });
      await bad('comments/save', { ...fx.saveCommentsBody, commentAnnotation: { 'annotation-1': { comments: { '1': { commentText: 'no id' } } } } });
      await bad('comments/save', { ...fx.saveCommentsBody, commentAnnotation: { 'annotation-1': 'text' } });
      await bad('comments/get', { documentIds: ['doc-1'] });
      await bad('comments/get', { organizationId: '' });
      await bad('comments/get', { organizationId: fx.ORG, documentIds: 'doc-1' });
      await bad('comments/delete', { metadata: { organizationId: fx.ORG } });
      await bad('comments/delete', { commentAnnotationId: 'annotation-1' });
      await bad('reactions/save', { metadata: { organizationId: fx.ORG }, reactionAnnotation: { r: { icon: 5 } } });
      await bad('users/get', { organizationId: fx.ORG });
      await bad('notifications/get', { organizationId: fx.ORG, notificationIds: [1] });
      await bad('attachments/delete', { attachmentId: '758336', metadata: { organizationId: fx.ORG } });
      expect(await store.comments.get(fx.ORG, {})).toEqual({});
      expect(await store.reactions.get(fx.ORG, {})).toEqual({});
    });

    it('store failures are 500 INTERNAL_ERROR with no details; onError gets the error', async () => {
      await fresh();
      const errors: unknown[] = [];
      const failing: VeltContentStore = {
        ...store,
        comments: {
          ...store.comments,
          get: async () => {
            throw new Error('connection to postgres://admin:hunter2@db failed');
          },
        },
      };
      handler = make({ store: failing, onError: (error) => errors.push(error) });
      const result = await call(handler, 'comments/get', fx.getCommentsBody);
      expect(result).toMatchObject({ status: 500, json: { success: false, statusCode: 500, errorCode: 'INTERNAL_ERROR', error: 'internal error' } });
      expect(JSON.stringify(result.json)).not.toMatch(/hunter2|stack|postgres/);
      expect(errors).toHaveLength(1);
    });
  });
}
