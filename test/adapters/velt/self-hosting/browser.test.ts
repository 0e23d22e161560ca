/**
 * A real browser calls the Velt data-provider handler across origins (issue 14): headless Chromium
 * (Debian's `chromium`, driven by `playwright-core`; see test/support/chromium.ts) loads a page from
 * one localhost origin and `fetch`es the handler served by `toNodeHandler` on ANOTHER origin (another
 * port), as Velt's front-end SDK does with URL-mode data providers. It proves what a browser needs and
 * a Node-side test cannot: the CORS preflight of a JSON call with an `Authorization` header, cookies
 * sent and accepted with `credentials: 'include'` (`Access-Control-Allow-Credentials`), a multipart
 * attachment built from a `File` in the page (a "simple" request: no preflight, so the actual
 * response's CORS headers are what lets the page read it), and a page on a non-allowed origin refused
 * (its fetch fails and nothing is stored) even though the browser sends it the user's cookie.
 *
 * Origins: the app page is `http://localhost:<appPort>` (allowed), the handler
 * `http://localhost:<apiPort>/api/velt/...`, and another page `http://localhost:<otherPort>` (not
 * allowed). All are the same site (cookies ignore ports), so the session cookie the app sets
 * (`SameSite=Lax`, `HttpOnly`) reaches the handler, and reaches it from the other page too.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFileSystemVeltBlobStore, createMemoryVeltContentStore, createVeltDataProviderHandler, toNodeHandler, type VeltBlobStore, type VeltContentStore } from 'unicollab/velt';
import { launchChromium } from '../../../support/chromium.js';
import * as fx from './fixtures.js';

const SESSION = 'velt-browser-session-1';
const BEARER = 'velt-browser-bearer-1';
const MOUNT = '/api/velt';

/** One request the handler's server saw. */
interface Seen {
  method: string;
  path: string;
  origin: string | undefined;
  cookie: string | undefined;
  authorization: string | undefined;
  contentType: string | undefined;
  requestHeaders: string | undefined;
  status?: number;
  allowOrigin?: string | undefined;
  allowCredentials?: string | undefined;
}

/** What a `fetch` in the page ended with. */
type PageResult = { ok: true; status: number; body: unknown } | { ok: false; error: string };

async function listen(listener: RequestListener): Promise<{ server: Server; port: number }> {
  const server = createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

async function close(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** A page server: `/` is an empty HTML page; with `setCookie`, it also logs the user in (the session cookie). */
function pageServer(setCookie: boolean): RequestListener {
  return (req, res) => {
    if (req.method === 'GET' && req.url === '/') {
      if (setCookie) res.setHeader('set-cookie', `velt_session=${SESSION}; Path=/; HttpOnly; SameSite=Lax`);
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end('<!doctype html><html><head><title>app</title></head><body>app</body></html>');
      return;
    }
    res.statusCode = 404;
    res.end();
  };
}

/** Deterministic bytes covering every byte value (NUL, CR/LF, 0xFF, boundary-like dashes). */
function expectedBytes(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 131 + (i >> 8)) & 0xff;
  return out;
}

/** `fetch` with a JSON body, run inside the page (its origin is the page's). */
function pageJson(page: Page, url: string, body: unknown, options: { credentials: RequestCredentials; bearer?: string }): Promise<PageResult> {
  return page.evaluate(
    async ({ url, body, credentials, bearer }) => {
      try {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (bearer) headers.authorization = `Bearer ${bearer}`;
        const response = await fetch(url, { method: 'POST', credentials, headers, body: JSON.stringify(body) });
        return { ok: true as const, status: response.status, body: (await response.json()) as unknown };
      } catch (error) {
        return { ok: false as const, error: String(error) };
      }
    },
    { url, body, credentials: options.credentials, bearer: options.bearer },
  );
}

/** `attachments/save` as Velt's SDK sends it: multipart `file` (a `File` built in the page) + `request` (JSON). */
function pageAttachment(page: Page, url: string, part: unknown, file: { name: string; type: string; size: number }): Promise<PageResult> {
  return page.evaluate(
    async ({ url, part, file }) => {
      try {
        const bytes = new Uint8Array(file.size);
        for (let i = 0; i < file.size; i++) bytes[i] = (i * 131 + (i >> 8)) & 0xff;
        const form = new FormData();
        form.append('file', new File([bytes], file.name, { type: file.type }));
        form.append('request', JSON.stringify(part));
        // No headers: the browser sets multipart/form-data with its boundary. A "simple" request: no preflight.
        const response = await fetch(url, { method: 'POST', credentials: 'include', body: form });
        return { ok: true as const, status: response.status, body: (await response.json()) as unknown };
      } catch (error) {
        return { ok: false as const, error: String(error) };
      }
    },
    { url, part, file },
  );
}

describe('Velt data-provider handler called by headless Chromium across origins', () => {
  let browser: Browser | undefined;
  let api: Server | undefined;
  let app: Server | undefined;
  let other: Server | undefined;
  let blobDir = '';
  let store: VeltContentStore;
  let blobs: VeltBlobStore;
  let apiBase = '';
  let appOrigin = '';
  let otherOrigin = '';
  const seen: Seen[] = [];
  const authorized: { route: string; organizationId: string; documentIds: string[] }[] = [];

  let launchError: unknown;

  beforeAll(async () => {
    // A missing Chromium fails every test (below), not the hook: a failed hook only marks the tests skipped.
    browser = await launchChromium().catch((error: unknown) => {
      launchError = error;
      return undefined;
    });
    blobDir = await mkdtemp(join(tmpdir(), 'unicollab-velt-browser-'));
    store = createMemoryVeltContentStore();

    const appServer = await listen(pageServer(true));
    app = appServer.server;
    appOrigin = `http://localhost:${appServer.port}`;
    const otherServer = await listen(pageServer(false));
    other = otherServer.server;
    otherOrigin = `http://localhost:${otherServer.port}`;

    let apiOrigin = '';
    blobs = createFileSystemVeltBlobStore({ root: blobDir, publicUrl: (key) => `${apiOrigin}/files/${key}` });
    const handler = createVeltDataProviderHandler({
      store,
      blobs,
      cors: { origins: [appOrigin], credentials: true },
      // The app's session cookie authenticates the call; a Bearer token, when sent, must be the user's too.
      authorize: (request, context) => {
        const cookies = (request.headers.get('cookie') ?? '').split(/;\s*/);
        const bearer = request.headers.get('authorization');
        const allowed = cookies.includes(`velt_session=${SESSION}`) && (bearer === null || bearer === `Bearer ${BEARER}`) && context.organizationId === fx.ORG;
        if (allowed) authorized.push({ route: context.route, organizationId: context.organizationId, documentIds: context.documentIds });
        return allowed;
      },
    });
    const node = toNodeHandler(handler);
    const apiServer = await listen((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const entry: Seen = {
        method: req.method ?? '',
        path,
        origin: header(req, 'origin'),
        cookie: header(req, 'cookie'),
        authorization: header(req, 'authorization'),
        contentType: header(req, 'content-type'),
        requestHeaders: header(req, 'access-control-request-headers'),
      };
      seen.push(entry);
      res.on('finish', () => {
        entry.status = res.statusCode;
        entry.allowOrigin = res.getHeader('access-control-allow-origin') as string | undefined;
        entry.allowCredentials = res.getHeader('access-control-allow-credentials') as string | undefined;
      });
      if (req.method === 'GET' && path.startsWith('/files/')) {
        // Serves the stored bytes at the URL handed to Velt (the test reads them back from Node).
        void blobs.get(path.slice('/files/'.length)).then((bytes) => {
          res.statusCode = bytes ? 200 : 404;
          res.end(bytes);
        });
        return;
      }
      node(req, res);
    });
    api = apiServer.server;
    apiOrigin = `http://localhost:${apiServer.port}`;
    apiBase = `${apiOrigin}${MOUNT}`;
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([close(api), close(app), close(other)]);
    if (blobDir) await rm(blobDir, { recursive: true, force: true });
  });

  let context: BrowserContext;
  let consoleMessages: string[];

  beforeEach(async (test) => {
    if (!browser) throw launchError;
    context = await browser.newContext();
    consoleMessages = [];
    test.onTestFinished(() => context.close());
    seen.length = 0;
    authorized.length = 0;
  });

  /** Opens `origin`'s page in the test's browser context (the app's page also sets the session cookie). */
  async function open(origin: string): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (message) => consoleMessages.push(message.text()));
    const response = await page.goto(`${origin}/`);
    expect(response?.status()).toBe(200);
    expect(await page.evaluate(() => location.origin)).toBe(origin);
    return page;
  }

  const requestsTo = (route: string) => seen.filter((s) => s.path === `${MOUNT}/${route}`);

  it('JSON: comments save then get, with a CORS preflight, the session cookie and a Bearer header', async () => {
    const page = await open(appOrigin);
    expect(appOrigin).not.toBe(new URL(apiBase).origin);

    const saved = await pageJson(page, `${apiBase}/comments/save`, fx.saveCommentsBody, { credentials: 'include', bearer: BEARER });
    expect(saved).toEqual({ ok: true, status: 200, body: { success: true, statusCode: 200 } });

    const got = await pageJson(page, `${apiBase}/comments/get`, { organizationId: fx.ORG, commentAnnotationIds: ['annotation-1'], documentIds: ['doc-1'] }, { credentials: 'include', bearer: BEARER });
    expect(got.ok).toBe(true);
    if (!got.ok) return;
    expect(got.status).toBe(200);
    const body = got.body as { success: boolean; data: Record<string, { annotationId: string; comments: Record<string, { commentText: string }>; metadata: Record<string, unknown> }> };
    expect(body.success).toBe(true);
    expect(body.data['annotation-1']?.comments['123456']?.commentText).toBe('Hello');
    expect(body.data['annotation-1']?.metadata).toMatchObject({ organizationId: fx.ORG, documentId: 'doc-1' });

    // The browser asked first (application/json and Authorization are not "simple"), without credentials...
    for (const route of ['comments/save', 'comments/get']) {
      const [preflight, post, ...rest] = requestsTo(route);
      expect(rest).toEqual([]);
      expect(preflight).toMatchObject({ method: 'OPTIONS', origin: appOrigin, status: 204, allowOrigin: appOrigin, allowCredentials: 'true' });
      expect(preflight!.cookie).toBeUndefined();
      expect(preflight!.authorization).toBeUndefined();
      expect(preflight!.requestHeaders?.split(',').map((h) => h.trim().toLowerCase()).sort()).toEqual(['authorization', 'content-type']);
      // ...then sent the call with the cookie the app's page set and the header, and could read the answer.
      expect(post).toMatchObject({ method: 'POST', origin: appOrigin, authorization: `Bearer ${BEARER}`, status: 200, allowOrigin: appOrigin, allowCredentials: 'true' });
      expect(post!.contentType).toMatch(/^application\/json/);
      expect(post!.cookie).toContain(`velt_session=${SESSION}`);
    }
    expect(authorized).toEqual([
      { route: 'comments/save', organizationId: fx.ORG, documentIds: ['doc-1'] },
      { route: 'comments/get', organizationId: fx.ORG, documentIds: ['doc-1'] },
    ]);
    // What the browser saved is in the store (the handler is not just echoing).
    expect((await store.comments.get(fx.ORG, { annotationIds: ['annotation-1'] }))['annotation-1']?.comments).toMatchObject({ '123456': { commentText: 'Hello' } });
  });

  it('without credentials the cookie is not sent and authorize refuses: a readable 403 FORBIDDEN', async () => {
    const page = await open(appOrigin);
    const result = await pageJson(page, `${apiBase}/reactions/save`, fx.saveReactionsBody, { credentials: 'omit' });
    expect(result).toEqual({ ok: true, status: 403, body: { success: false, statusCode: 403, error: 'not allowed', errorCode: 'FORBIDDEN' } });
    const post = requestsTo('reactions/save').find((s) => s.method === 'POST');
    expect(post).toMatchObject({ origin: appOrigin, status: 403, allowOrigin: appOrigin });
    expect(post!.cookie).toBeUndefined();
    expect(await store.reactions.get(fx.ORG, {})).toEqual({});

    // The same call with the cookie goes through.
    const allowed = await pageJson(page, `${apiBase}/reactions/save`, fx.saveReactionsBody, { credentials: 'include' });
    expect(allowed).toEqual({ ok: true, status: 200, body: { success: true, statusCode: 200 } });
    expect((await store.reactions.get(fx.ORG, {}))['reaction-1']).toMatchObject({ icon: 'thumbsup' });
  });

  it('multipart: attachments save with a File built in the page, credentials included, bytes stored intact', async () => {
    const page = await open(appOrigin);
    const size = 300 * 1024; // several chunks through toNodeHandler's stream
    const result = await pageAttachment(page, `${apiBase}/attachments/save`, fx.saveAttachmentPart, { name: 'image.png', type: 'image/png', size });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.status).toBe(200);
    const body = result.body as { success: boolean; statusCode: number; data: { url: string } };
    expect(body).toMatchObject({ success: true, statusCode: 200 });
    expect(body.data.url).toMatch(new RegExp(`^${new URL(apiBase).origin}/files/attachments/[0-9a-f-]{36}\\.png$`));

    // A simple request: no preflight; the actual response's CORS headers let the page read the answer.
    const calls = requestsTo('attachments/save');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ method: 'POST', origin: appOrigin, status: 200, allowOrigin: appOrigin, allowCredentials: 'true' });
    expect(calls[0]!.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(calls[0]!.cookie).toContain(`velt_session=${SESSION}`);
    expect(authorized).toEqual([{ route: 'attachments/save', organizationId: fx.ORG, documentIds: ['doc-1'] }]);

    const record = await store.attachments.get(fx.ORG, fx.saveAttachmentPart.attachment.attachmentId);
    expect(record).toMatchObject({ attachmentId: 758336, name: 'image.png', mimeType: 'image/png', size, url: body.data.url });
    const served = await fetch(body.data.url);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(Buffer.from(expectedBytes(size)))).toBe(true);
  });

  it('a page on a non-allowed origin is refused, though the browser sends it the session cookie; nothing is stored', async () => {
    await open(appOrigin); // the user is logged in to the app: the session cookie is in the browser
    const page = await open(otherOrigin);
    const filesBefore = await readdir(blobDir, { recursive: true });

    // JSON: the preflight is refused (403, no Access-Control-Allow-Origin), so the browser never sends the call.
    const json = await pageJson(page, `${apiBase}/comments/save`, { ...fx.saveCommentsBody, commentAnnotation: { 'annotation-x': { annotationId: 'annotation-x', comments: { c: { commentId: 'c', commentText: 'from elsewhere' } }, metadata: {} } } }, { credentials: 'include', bearer: BEARER });
    expect(json.ok).toBe(false);
    if (!json.ok) expect(json.error).toMatch(/TypeError/);
    expect(requestsTo('comments/save')).toEqual([
      expect.objectContaining({ method: 'OPTIONS', origin: otherOrigin, status: 403, allowOrigin: undefined, allowCredentials: undefined }),
    ]);

    // Multipart needs no preflight: the browser sends it, with the cookie, and the handler refuses it on its origin.
    const part = { ...fx.saveAttachmentPart, attachment: { ...fx.saveAttachmentPart.attachment, attachmentId: 999001 } };
    const multipart = await pageAttachment(page, `${apiBase}/attachments/save`, part, { name: 'x.png', type: 'image/png', size: 1024 });
    expect(multipart.ok).toBe(false);
    if (!multipart.ok) expect(multipart.error).toMatch(/TypeError/);
    const posts = requestsTo('attachments/save');
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ method: 'POST', origin: otherOrigin, status: 403, allowOrigin: undefined });
    expect(posts[0]!.cookie).toContain(`velt_session=${SESSION}`);

    expect(consoleMessages.filter((m) => /blocked by CORS policy/.test(m)).length).toBeGreaterThanOrEqual(2);
    expect(authorized).toEqual([]);
    expect(await store.comments.get(fx.ORG, { annotationIds: ['annotation-x'] })).toEqual({});
    expect(await store.attachments.get(fx.ORG, 999001)).toBeUndefined();
    expect(await readdir(blobDir, { recursive: true })).toEqual(filesBefore);
  });
});
