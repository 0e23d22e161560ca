/**
 * Store-independent behaviour of the data-provider handler: configuration, routing under any mount
 * point, CORS, size limits, authorize edge cases, the Node http adapter and the blob store's key checks.
 */
import { once } from 'node:events';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from 'unicollab';
import {
  createFileSystemVeltBlobStore,
  createMemoryVeltContentStore,
  createVeltDataProviderHandler,
  isSafeBlobKey,
  toNodeHandler,
  VELT_DATA_PROVIDER_ROUTES,
  type VeltDataProviderHandlerOptions,
} from 'unicollab/velt';
import * as fx from './fixtures.js';
import { attachmentRequest, call } from './suites.js';

const APP = 'https://app.example.test';
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'velt-handler-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const make = (overrides: Partial<VeltDataProviderHandlerOptions> = {}) =>
  createVeltDataProviderHandler({
    store: createMemoryVeltContentStore(),
    blobs: createFileSystemVeltBlobStore({ root, publicUrl: (key) => `https://files.example.test/${key}` }),
    authorize: () => true,
    cors: { origins: [APP], credentials: true },
    ...overrides,
  });

describe('createVeltDataProviderHandler: configuration', () => {
  it('throws ConfigError without authorize (no default that lets everyone in)', () => {
    expect(() => createVeltDataProviderHandler({} as never)).toThrow(ConfigError);
    expect(() => createVeltDataProviderHandler({ authorize: undefined } as never)).toThrow(/authorize is required/);
    expect(() => createVeltDataProviderHandler(undefined as never)).toThrow(ConfigError);
  });

  it('throws ConfigError for origins that are not bare origins', () => {
    expect(() => make({ cors: { origins: ['https://app.example.test/path'] } })).toThrow(ConfigError);
    expect(() => make({ cors: { origins: ['*'] } })).toThrow(ConfigError);
    expect(() => make({ cors: 'x' as never })).toThrow(ConfigError);
  });

  it('exports the route table: every URL-mode endpoint, all POST, multipart only for attachments/save', () => {
    expect(VELT_DATA_PROVIDER_ROUTES.map((r) => r.path)).toEqual([
      '/comments/get',
      '/comments/save',
      '/comments/delete',
      '/reactions/get',
      '/reactions/save',
      '/reactions/delete',
      '/attachments/save',
      '/attachments/delete',
      '/users/get',
      '/notifications/get',
      '/notifications/delete',
    ]);
    expect(VELT_DATA_PROVIDER_ROUTES.every((r) => r.method === 'POST')).toBe(true);
    expect(VELT_DATA_PROVIDER_ROUTES.filter((r) => r.body === 'multipart').map((r) => r.path)).toEqual(['/attachments/save']);
    expect(VELT_DATA_PROVIDER_ROUTES.find((r) => r.path === '/comments/get')?.veltConfig).toBe('comment.config.getConfig.url');
  });
});

describe('createVeltDataProviderHandler: routing', () => {
  it('matches the last two path segments under any mount point, ignoring a query string', async () => {
    const handler = make();
    for (const url of ['http://h/comments/get', 'http://h/api/velt/comments/get', 'http://h/a/b/c/comments/get/?x=1']) {
      const response = await handler(new Request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fx.getCommentsBody) }));
      expect(response.status, url).toBe(200);
    }
  });

  it('answers 404 for unknown routes, 405 for other methods, as envelopes', async () => {
    const handler = make();
    const unknown = await call(handler, 'comments/list', {});
    expect(unknown).toMatchObject({ status: 404, json: { success: false, statusCode: 404, errorCode: 'NOT_FOUND' } });
    expect((await call(handler, 'users/save', {})).status).toBe(404);
    const get = await handler(new Request('http://h/api/velt/comments/get'));
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    expect(await get.json()).toMatchObject({ success: false, statusCode: 405, errorCode: 'METHOD_NOT_ALLOWED' });
  });

  it('serves no attachment routes without a blob store', async () => {
    const handler = make({ blobs: undefined });
    expect((await handler(attachmentRequest(fx.saveAttachmentPart, new Uint8Array([1])))).status).toBe(404);
    expect((await call(handler, 'attachments/delete', fx.deleteAttachmentBody)).status).toBe(404);
  });

  it('refuses a JSON route sent as another media type with 415', async () => {
    const handler = make();
    const response = await handler(new Request('http://h/comments/get', { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<x/>' }));
    expect(response.status).toBe(415);
  });
});

describe('createVeltDataProviderHandler: CORS', () => {
  it('answers a preflight from a configured origin with credentials and Vary: Origin', async () => {
    const handler = make();
    const response = await handler(
      new Request('http://api.test/api/velt/comments/save', {
        method: 'OPTIONS',
        headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
      }),
    );
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type, authorization');
    expect(response.headers.get('vary')).toMatch(/Origin/);
  });

  it('adds the CORS headers to the actual responses, errors included', async () => {
    const handler = make();
    const ok = await call(handler, 'comments/get', fx.getCommentsBody, { origin: APP });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(APP);
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ok.headers.get('vary')).toBe('Origin');
    const bad = await call(handler, 'comments/get', {}, { origin: APP });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('omits Allow-Credentials when not asked for', async () => {
    const handler = make({ cors: { origins: [APP] } });
    const ok = await call(handler, 'comments/get', fx.getCommentsBody, { origin: APP });
    expect(ok.headers.get('access-control-allow-origin')).toBe(APP);
    expect(ok.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('refuses other origins with 403 and no CORS headers, before reading or storing anything', async () => {
    let authorized = 0;
    const store = createMemoryVeltContentStore();
    const handler = make({ store, authorize: () => ++authorized > 0 });
    const preflight = await handler(new Request('http://api.test/comments/save', { method: 'OPTIONS', headers: { origin: 'https://evil.example' } }));
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    // multipart/form-data is a "simple" request a browser sends without a preflight: it must be refused too
    const form = attachmentRequest(fx.saveAttachmentPart, new Uint8Array([1]), { origin: 'https://evil.example' });
    expect((await handler(form)).status).toBe(403);
    const save = await call(handler, 'comments/save', fx.saveCommentsBody, { origin: 'https://evil.example' });
    expect(save).toMatchObject({ status: 403, json: { errorCode: 'FORBIDDEN' } });
    expect(authorized).toBe(0);
    expect(await store.comments.get(fx.ORG, {})).toEqual({});
  });

  it('lets same-origin browser calls (Origin = the request origin) through without CORS headers', async () => {
    const handler = make({ cors: undefined });
    const ok = await call(handler, 'comments/get', fx.getCommentsBody, { origin: 'http://api.example.test' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBeNull();
    expect((await call(handler, 'comments/get', fx.getCommentsBody, { origin: APP })).status).toBe(403);
  });
});

describe('createVeltDataProviderHandler: limits and authorize', () => {
  it('answers 413 for a JSON body over maxBodyBytes (declared or streamed) and stores nothing', async () => {
    const store = createMemoryVeltContentStore();
    const handler = make({ store, maxBodyBytes: 200 });
    const big = { ...fx.saveCommentsBody, commentAnnotation: { a: { annotationId: 'a', comments: { '1': { commentId: '1', commentText: 'x'.repeat(500) } } } } };
    const declared = await call(handler, 'comments/save', big);
    expect(declared).toMatchObject({ status: 413, json: { success: false, statusCode: 413, errorCode: 'PAYLOAD_TOO_LARGE' } });
    const bytes = new TextEncoder().encode(JSON.stringify(big));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 50) controller.enqueue(bytes.slice(i, i + 50));
        controller.close();
      },
    });
    const streamed = await handler(new Request('http://h/comments/save', { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit));
    expect(streamed.status).toBe(413);
    expect(await store.comments.get(fx.ORG, {})).toEqual({});
  });

  it('answers 413 for an attachment over maxAttachmentBytes and writes no file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'velt-limit-'));
    try {
      const handler = make({ blobs: createFileSystemVeltBlobStore({ root: dir, publicUrl: (k) => `https://f/${k}` }), maxAttachmentBytes: 1000 });
      // The multipart bytes as a plain body: undici's FormData body stream (Node 24) rejects internally
      // when a reader cancels it mid-way, which a real socket stream (toNodeHandler) does not.
      const form = attachmentRequest(fx.saveAttachmentPart, new Uint8Array(5000));
      const bytes = new Uint8Array(await form.arrayBuffer());
      const response = await handler(new Request(form.url, { method: 'POST', headers: { 'content-type': form.headers.get('content-type') ?? '' }, body: bytes }));
      expect(response.status).toBe(413);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('allows only an exact `true` from authorize; a throwing authorize is a 500 without details', async () => {
    const truthy = make({ authorize: (() => 'yes') as never });
    expect((await call(truthy, 'comments/get', fx.getCommentsBody)).status).toBe(403);
    const errors: unknown[] = [];
    const throwing = make({
      authorize: async () => {
        throw new Error('jwks fetch failed for secret-key-123');
      },
      onError: (error) => errors.push(error),
    });
    const result = await call(throwing, 'comments/get', fx.getCommentsBody);
    expect(result).toMatchObject({ status: 500, json: { errorCode: 'INTERNAL_ERROR', error: 'internal error' } });
    expect(JSON.stringify(result.json)).not.toContain('secret-key-123');
    expect(errors).toHaveLength(1);
  });

  it('passes the request to authorize (Bearer tokens from Velt headers, cookies)', async () => {
    const seen: string[] = [];
    const handler = make({
      authorize: (request, context) => {
        seen.push(`${request.headers.get('authorization')}|${request.headers.get('cookie')}|${context.organizationId}|${context.documentIds.join(',')}`);
        return true;
      },
    });
    await call(handler, 'comments/delete', { commentAnnotationId: 'a', metadata: { organizationId: fx.ORG, documentId: 'doc-9' } }, { authorization: 'Bearer t1', cookie: 's=1' });
    expect(seen).toEqual(['Bearer t1|s=1|org-123|doc-9']);
  });
});

describe('toNodeHandler', () => {
  let server: Server;
  let base: string;
  const store = createMemoryVeltContentStore();

  beforeAll(async () => {
    const handler = make({ store, authorize: (request) => request.headers.get('authorization') === 'Bearer ok' });
    server = createServer(toNodeHandler(handler));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/velt`;
  });
  afterAll(async () => {
    server.close();
    await once(server, 'close');
  });

  it('serves JSON routes over Node http with status = statusCode and CORS headers', async () => {
    const headers = { 'content-type': 'application/json', authorization: 'Bearer ok', origin: APP };
    const saved = await fetch(`${base}/comments/save`, { method: 'POST', headers, body: JSON.stringify(fx.saveCommentsBody) });
    expect(saved.status).toBe(200);
    expect(saved.headers.get('access-control-allow-origin')).toBe(APP);
    expect(await saved.json()).toEqual({ success: true, statusCode: 200 });
    const got = await fetch(`${base}/comments/get`, { method: 'POST', headers, body: JSON.stringify({ organizationId: fx.ORG }) });
    expect(((await got.json()) as { data: object }).data).toHaveProperty('annotation-1');
    const denied = await fetch(`${base}/comments/get`, { method: 'POST', headers: { ...headers, authorization: 'Bearer no' }, body: JSON.stringify({ organizationId: fx.ORG }) });
    expect(denied.status).toBe(403);
    const preflight = await fetch(`${base}/comments/get`, { method: 'OPTIONS', headers: { origin: APP, 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('serves multipart attachments over Node http', async () => {
    const form = new FormData();
    form.set('file', new File([new Uint8Array([1, 2, 3])], 'image.png', { type: 'image/png' }));
    form.set('request', JSON.stringify(fx.saveAttachmentPart));
    const response = await fetch(`${base}/attachments/save`, { method: 'POST', headers: { authorization: 'Bearer ok' }, body: form });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: { url: string } }).data.url).toMatch(/^https:\/\/files\.example\.test\/attachments\//);
    expect((await store.attachments.get(fx.ORG, 758336))?.size).toBe(3);
  });

  it('accepts a body already parsed by a JSON body parser (Express)', async () => {
    const handler = make({ store, authorize: () => true });
    const parsed = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        (req as { body?: unknown }).body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        toNodeHandler(handler)(req, res);
      });
    });
    parsed.listen(0, '127.0.0.1');
    await once(parsed, 'listening');
    try {
      const url = `http://127.0.0.1:${(parsed.address() as AddressInfo).port}/comments/get`;
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ organizationId: fx.ORG }) });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { data: object }).data).toHaveProperty('annotation-1');
    } finally {
      parsed.close();
    }
  });
});

describe('createFileSystemVeltBlobStore', () => {
  it('refuses keys that could leave the root', async () => {
    const blobs = createFileSystemVeltBlobStore({ root, publicUrl: (key) => `https://f/${key}` });
    for (const key of ['../x', 'a/../../x', '/etc/passwd', 'a\\b', '', '.hidden', 'a//b', 'a/./b']) {
      expect(isSafeBlobKey(key), key).toBe(false);
      await expect(blobs.put(key, new Uint8Array([1]), {})).rejects.toThrow(/invalid blob key/);
    }
    expect(isSafeBlobKey('attachments/0b8e-uuid.png')).toBe(true);
  });

  it('writes, reads and deletes under the root; publicUrl gives the URL', async () => {
    const blobs = createFileSystemVeltBlobStore({ root, publicUrl: (key) => `https://f/${key}` });
    expect(await blobs.put('attachments/k.bin', new Uint8Array([9, 8]), {})).toEqual({ url: 'https://f/attachments/k.bin' });
    expect(await blobs.get('attachments/k.bin')).toEqual(new Uint8Array([9, 8]));
    await blobs.delete('attachments/k.bin');
    await blobs.delete('attachments/k.bin');
    expect(await blobs.get('attachments/k.bin')).toBeUndefined();
  });

  it('needs a root and a publicUrl function', () => {
    expect(() => createFileSystemVeltBlobStore({ root: '', publicUrl: () => '' })).toThrow(ConfigError);
    expect(() => createFileSystemVeltBlobStore({ root } as never)).toThrow(ConfigError);
  });
});
