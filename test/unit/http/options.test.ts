import { describe, expect, it } from 'vitest';
import { httpOptionsFromConfig } from '../../../src/core/http/options.js';

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
  it('reaches the HTTP client: ky hands fetch a Request, the default transport a URL string', async () => {
    const { createCollab } = await import('../../../src/core/container.js');
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
