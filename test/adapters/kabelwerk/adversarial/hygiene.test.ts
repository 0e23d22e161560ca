/**
 * Hostile or broken answers and secret hygiene: REST answers of an unknown shape are API drift
 * (ProviderResponseError), redirects are never followed, the API token, the private key and minted
 * tokens never reach an error, `raw` or `util.inspect` of the collab, and a closed collab leaves
 * nothing running (sockets, heartbeats, timers).
 */
import { inspect } from 'node:util';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CollabError, ProviderResponseError } from '../../../../src/core/errors.js';
import { textBody } from '../../../../src/testing/helpers.js';
import type { KabelwerkEmulator } from '../emulator/server.js';
import { API_TOKEN, kabelwerkCollab, PRIVATE_KEY, startEmulator } from '../support.js';
import { expectKabelwerk, kabelwerkRestCollab, rejection } from '../contract/harness.js';

const KEY_LINE = PRIVATE_KEY.split('\n')[1]!;

function assertClean(value: unknown, what: string): void {
  const texts = [inspect(value, { depth: 12, showHidden: true }), JSON.stringify(value) ?? ''];
  if (value instanceof Error) texts.push(String(value.stack), String(value.message));
  for (const text of texts) {
    expect(text, what).not.toContain(API_TOKEN);
    expect(text, what).not.toContain(KEY_LINE);
    expect(text, what).not.toMatch(/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\./);
  }
}

describe('REST answers of an unknown shape (nock)', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });

  it('a message without its user is a ProviderResponseError naming the field', async () => {
    expectKabelwerk('POST', '/hubs/_/rooms/k/messages', { status: 201, body: { id: 1, room_id: 2, type: 'text', text: 'x', html: '<p>x</p>', inserted_at: '2023-07-22T09:46:57Z', updated_at: '2023-07-22T09:46:57Z' } });
    const collab = await kabelwerkRestCollab();
    const err = await rejection(collab.comments.create({ roomId: 'k', threadId: 'k', authorId: 'b', body: textBody('x') }));
    expect(err).toBeInstanceOf(ProviderResponseError);
    expect(err.path).toBe('user');
    await collab.close();
  });

  it('a room whose attributes are not an object, and a body that is not JSON, are ProviderResponseErrors', async () => {
    expectKabelwerk('PATCH', '/hubs/_/rooms/k', { status: 200, body: { id: 1, archived: false, attributes: [], hub_user: null, user: { id: 1, key: 'k', name: 'K' } } });
    expectKabelwerk('PATCH', '/hubs/_/rooms/k', { status: 200, body: '<html>maintenance</html>' });
    const collab = await kabelwerkRestCollab();
    expect(await rejection(collab.rooms.update('k', { archived: true }))).toMatchObject({ code: 'provider_response_error', path: 'attributes' });
    expect(await rejection(collab.rooms.update('k', { archived: true }))).toMatchObject({ code: 'provider_response_error' });
    await collab.close();
  });

  it('a redirect is never followed (the token would go along)', async () => {
    nock('https://hubdemo.kabelwerk.io').delete('/api/users/k').reply(307, '', { location: 'https://elsewhere.example/api/users/k' });
    const elsewhere = nock('https://elsewhere.example').delete('/api/users/k').reply(204);
    const collab = await kabelwerkRestCollab();
    expect(await rejection(collab.users.delete('k'))).toMatchObject({ code: 'provider_response_error', status: 307 });
    expect(elsewhere.isDone()).toBe(false);
    await collab.close();
  });
});

describe('secrets and leftovers (emulator)', () => {
  let emulator: KabelwerkEmulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('no secret in inspect(collab), results, raw payloads or errors, even a rejection that echoes a token', async () => {
    const collab = await kabelwerkCollab(emulator);
    try {
      const room = await collab.rooms.create({ id: 'hygiene', name: 'H' });
      const thread = await collab.threads.create({ roomId: 'hygiene', comment: { authorId: 'hygiene', body: textBody('x') } });
      // Sockets are open now: their URLs carry minted tokens, which inspect must not reach.
      assertClean(collab, 'collab');
      assertClean([room, thread, await collab.rooms.get('hygiene'), await collab.notifications.list('hygiene')], 'results');
      const { token } = await collab.auth.issueToken({ userId: 'hygiene' });
      emulator.failNextPush({ event: 'list_rooms', reply: 'error', response: { reason: `bad token ${token} / ${API_TOKEN}` } });
      const err = await rejection(collab.rooms.get('hygiene'));
      expect(CollabError.is(err)).toBe(true);
      assertClean(err, 'rejection');
      assertClean(err.toJSON(), 'rejection json');
    } finally {
      await collab.close();
    }
  });

  it('a closed collab leaves no socket and no timer running', async () => {
    const count = () => {
      const counts = new Map<string, number>();
      for (const r of process.getActiveResourcesInfo()) counts.set(r, (counts.get(r) ?? 0) + 1);
      return counts;
    };
    await new Promise((r) => setTimeout(r, 50));
    const before = count();
    const collab = await kabelwerkCollab(emulator);
    try {
      await collab.rooms.create({ id: 'leftovers' });
      await collab.notifications.list('leftovers');
      expect(emulator.connections().length).toBeGreaterThanOrEqual(2);
    } finally {
      await collab.close();
    }
    const deadline = Date.now() + 3000;
    while (emulator.connections().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(emulator.connections()).toEqual([]);
    await new Promise((r) => setTimeout(r, 100));
    const after = count();
    for (const kind of ['TCPSocketWrap', 'Timeout']) expect(after.get(kind) ?? 0, kind).toBeLessThanOrEqual(before.get(kind) ?? 0);
  });
});
