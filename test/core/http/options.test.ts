import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { httpOptionsFromConfig } from '../../../src/core/http/options.js';
import { nodeRequestsDuring } from '../../support/node-requests.js';

describe('httpOptionsFromConfig', () => {
  it('picks the HTTP settings a config carries and nothing else', () => {
    const fetchImpl = (async () => new Response()) as typeof fetch;
    const logger = { http: () => {} };
    expect(httpOptionsFromConfig({ timeoutMs: 5, deadlineMs: 9, retries: 0, fetch: fetchImpl, logger, transport: 'ky', secretKey: 'sk_x' } as never)).toEqual({
      timeoutMs: 5,
      deadlineMs: 9,
      retries: 0,
      fetch: fetchImpl,
      logger,
      transport: 'ky',
    });
  });

  it('leaves absent settings out, so the client defaults apply', () => {
    expect(httpOptionsFromConfig({})).toEqual({});
    expect('retries' in httpOptionsFromConfig({ retries: undefined })).toBe(false);
  });
});

describe('transport in a vendor config', () => {
  it('reaches the HTTP client: ky hands fetch a Request, the fetch transport a URL string', async () => {
    const { createCollab } = await import('../../../src/collab.js');
    const seen: unknown[] = [];
    const recordingFetch = (async (input: unknown) => {
      seen.push(input);
      return new Response(JSON.stringify({ type: 'room', id: 'r', createdAt: '2024-01-01T00:00:00.000Z', metadata: {}, defaultAccesses: [], usersAccesses: {}, groupsAccesses: {} }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    }) as typeof fetch;
    for (const transport of ['fetch', 'ky'] as const) {
      const collab = await createCollab({ provider: 'liveblocks', secretKey: 'sk_localdev', baseUrl: 'http://lb.test', fetch: recordingFetch, transport });
      await expect(collab.rooms.get('r')).resolves.toMatchObject({ id: 'r' });
      await collab.close();
    }
    expect(typeof seen[0]).toBe('string');
    expect(seen[1]).toBeInstanceOf(Request);
    expect((seen[1] as Request).url).toBe('http://lb.test/v2/rooms/r');
  });
});

describe('echoedSecrets', () => {
  const SECRET = 'plain-looking-credential-7f3a9c';
  const answering = (body: unknown) =>
    (async () => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } })) as unknown as typeof fetch;

  it('redacts a 2xx body that echoes a configured credential, even under a harmless field name', async () => {
    const { createHttpClient } = await import('../../../src/core/http/index.js');
    const c = createHttpClient({ provider: 'x', baseUrl: 'http://unused.test', echoedSecrets: [SECRET], fetch: answering({ id: 'r', note: `key ${SECRET}`, list: [{ [SECRET]: 1 }] }) });
    const out = await c.request({ method: 'GET', path: '/r', idempotent: true, operation: 'x' });
    expect(JSON.stringify(out)).not.toContain(SECRET);
    expect(out).toMatchObject({ id: 'r' });
  });

  it('redacts a body echoing an auth header credential, with or without its scheme, plain or JSON-escaped', async () => {
    const { createHttpClient } = await import('../../../src/core/http/index.js');
    const escaped = `{"id":"r","note":"${SECRET.replace('p', '\\u0070')}"}`;
    for (const text of [JSON.stringify({ id: 'r', note: `Bearer ${SECRET}` }), JSON.stringify({ id: 'r', note: SECRET }), escaped]) {
      const fetchText = (async () => new Response(text, { status: 200, headers: { 'content-type': 'application/json' } })) as unknown as typeof fetch;
      const c = createHttpClient({ provider: 'x', baseUrl: 'http://unused.test', headers: { Authorization: `Bearer ${SECRET}` }, fetch: fetchText });
      const out = await c.request({ method: 'GET', path: '/r', idempotent: true, operation: 'x' });
      expect(JSON.stringify(out), text).not.toContain(SECRET);
      expect(out).toMatchObject({ id: 'r' });
    }
  });

  it('returns a body without the credential as it is (no copy), and walks nothing when none is configured', async () => {
    const { createHttpClient } = await import('../../../src/core/http/index.js');
    const body = { id: 'r', note: `key ${SECRET}` };
    const clean = createHttpClient({ provider: 'x', baseUrl: 'http://unused.test', echoedSecrets: ['another-credential-0000'], fetch: answering(body) });
    expect(await clean.request({ method: 'GET', path: '/r', idempotent: true, operation: 'x' })).toEqual(body);
    const none = createHttpClient({ provider: 'x', baseUrl: 'http://unused.test', fetch: answering(body) });
    expect(await none.request({ method: 'GET', path: '/r', idempotent: true, operation: 'x' })).toEqual(body);
  });
});

describe("transport 'node' in a vendor config", () => {
  it('reaches the HTTP client: the request goes out through node:http, not fetch', async () => {
    const { createCollab } = await import('../../../src/collab.js');
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'room', id: 'r', metadata: {}, defaultAccesses: [], usersAccesses: {}, groupsAccesses: {} }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const collab = await createCollab({ provider: 'liveblocks', secretKey: 'sk_localdev', baseUrl, transport: 'node' });
      const { started, value } = await nodeRequestsDuring(() => collab.rooms.get('r'));
      expect(value).toMatchObject({ id: 'r' });
      await collab.close();
      expect(started).toEqual([{ method: 'GET', path: '/v2/rooms/r' }]);
      expect(fetchSpy).not.toHaveBeenCalled();
    } finally {
      fetchSpy.mockRestore();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("with a `fetch` option is a ConfigError at createCollab, naming transport (the fetch would never be called)", async () => {
    const { createCollab } = await import('../../../src/collab.js');
    const err = await createCollab({ provider: 'liveblocks', secretKey: 'sk_localdev', baseUrl: 'http://lb.test', fetch, transport: 'node' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).field).toBe('transport');
    expect((err as Error).message).toContain("use 'fetch'");
  });
});
