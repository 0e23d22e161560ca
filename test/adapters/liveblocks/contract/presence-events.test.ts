/**
 * Contract tests of active users, server-set presence and broadcast (REST reference "active users"
 * example; vendors/liveblocks.md section 4.2 setPresence / broadcastEvent).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Collab } from '../../../../src/collab.js';
import { assertSent, expectCall, liveblocksCollab, useNock } from './helpers.js';

useNock();

let collab: Collab;
beforeAll(async () => {
  collab = await liveblocksCollab();
});

describe('GET /v2/rooms/{roomId}/active-users', () => {
  it('maps the reference example to one entry per connection; anonymous connections are left out', async () => {
    // The REST seed spells the path active_users (older OAS); @liveblocks/node and the dev server use active-users.
    const example = {
      data: [
        { type: 'user', connectionId: 16, id: 'alice', info: {} },
        { type: 'user', connectionId: 20, id: 'bob', info: { name: 'Bob' } },
        { type: 'user', connectionId: 21, id: null, info: null },
      ],
    };
    const seen = expectCall('GET', '/v2/rooms/react-todo-list/active-users', 200, example);
    const entries = await collab.presence.list('react-todo-list');
    assertSent(seen, { method: 'GET', uri: '/v2/rooms/react-todo-list/active-users' });
    expect(entries).toEqual([
      { userId: 'alice', connectionId: '16', status: 'online', info: {} },
      { userId: 'bob', connectionId: '20', status: 'online', info: { name: 'Bob' } },
    ]);
  });
});

describe('POST /v2/rooms/{roomId}/presence', () => {
  it('set sends { userId, data, userInfo, ttl }', async () => {
    const seen = expectCall('POST', '/v2/rooms/my-room-id/presence', 204);
    await collab.presence.set({ roomId: 'my-room-id', userId: 'agent-1', data: { cursor: { x: 1, y: 2 } }, info: { name: 'AI agent' }, ttlSeconds: 30 });
    assertSent(seen, {
      method: 'POST',
      uri: '/v2/rooms/my-room-id/presence',
      body: { userId: 'agent-1', data: { cursor: { x: 1, y: 2 } }, userInfo: { name: 'AI agent' }, ttl: 30 },
    });
  });

  it('set without data sends an empty object (the API requires data) and no ttl (Liveblocks default 60 s)', async () => {
    const seen = expectCall('POST', '/v2/rooms/my-room-id/presence', 204);
    await collab.presence.set({ roomId: 'my-room-id', userId: 'agent-1' });
    expect(seen[0]!.body).toEqual({ userId: 'agent-1', data: {} });
  });

  it('clear re-sets the presence with empty data and the minimum TTL (no delete endpoint exists)', async () => {
    const seen = expectCall('POST', '/v2/rooms/my-room-id/presence', 204);
    await collab.presence.clear('my-room-id', 'agent-1');
    assertSent(seen, { method: 'POST', uri: '/v2/rooms/my-room-id/presence', body: { userId: 'agent-1', data: {}, ttl: 2 } });
  });

  it('rejects ttlSeconds above 3599 before any request', async () => {
    await expect(collab.presence.set({ roomId: 'r', userId: 'u', ttlSeconds: 3600 })).rejects.toMatchObject({ code: 'validation_error', field: 'ttlSeconds' });
  });
});

describe('POST /v2/rooms/{roomId}/broadcast-event', () => {
  it('sends the payload itself as the JSON body (204)', async () => {
    const seen = expectCall('POST', '/v2/rooms/my-room-id/broadcast-event', 204);
    await expect(collab.events.broadcast('my-room-id', { type: 'EMOJI', emoji: '🔥' })).resolves.toBeUndefined();
    assertSent(seen, { method: 'POST', uri: '/v2/rooms/my-room-id/broadcast-event', body: { type: 'EMOJI', emoji: '🔥' } });
  });

  it('rejects a payload that is not JSON before any request', async () => {
    await expect(collab.events.broadcast('my-room-id', undefined)).rejects.toMatchObject({ code: 'validation_error', field: 'payload' });
  });
});
