/**
 * Contract tests of the token endpoints (Python SDK README authorize_user / identify_user; request and
 * token examples from the REST reference's authorize example).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Collab } from '../../../../src/collab.js';
import { assertSent, expectCall, liveblocksCollab, useNock } from './helpers.js';

useNock();

/** The token of the REST reference example (a JWT without `exp`). */
const EXAMPLE_TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const USER_ID = 'b2c1c290-f2c9-45de-a74e-6b7aa0690f59';
const USER_INFO = { name: 'bob', colors: ['blue', 'red'] };

let collab: Collab;
beforeAll(async () => {
  collab = await liveblocksCollab();
});

function jwtWithExp(exp: number): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ k: 'acc', exp })}.`;
}

describe('POST /v2/authorize-user', () => {
  it('sends userId, permissions from rooms (write -> room:write, read -> room:read + room:presence:write) and userInfo', async () => {
    const seen = expectCall('POST', '/v2/authorize-user', 200, { token: EXAMPLE_TOKEN });
    const issued = await collab.auth.issueToken({ userId: USER_ID, userInfo: USER_INFO, rooms: { 'my-room-id': 'write', 'org:team:*': 'read' } });
    assertSent(seen, {
      method: 'POST',
      uri: '/v2/authorize-user',
      body: { userId: USER_ID, permissions: { 'my-room-id': ['room:write'], 'org:team:*': ['room:read', 'room:presence:write'] }, userInfo: USER_INFO },
    });
    expect(issued).toEqual({ token: EXAMPLE_TOKEN });
  });

  it('reads expiresAt from the exp claim and sends the tenant as organizationId', async () => {
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const seen = expectCall('POST', '/v2/authorize-user', 200, { token: jwtWithExp(exp) });
    const issued = await collab.auth.issueToken({ userId: USER_ID }, { tenantId: 'org_123456789' });
    expect(seen[0]!.body).toEqual({ userId: USER_ID, permissions: {}, organizationId: 'org_123456789' });
    expect(issued.expiresAt).toEqual(new Date(exp * 1000));
  });

  it('rejects bad room patterns and more than 10 rooms before any request', async () => {
    await expect(collab.auth.issueToken({ userId: 'u', rooms: { 'a*b': 'read' } })).rejects.toMatchObject({ code: 'validation_error', field: 'rooms.a*b' });
    const rooms = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`room-${i}`, 'read' as const]));
    await expect(collab.auth.issueToken({ userId: 'u', rooms })).rejects.toMatchObject({ code: 'validation_error', field: 'rooms' });
  });
});

describe('POST /v2/identify-user', () => {
  it("sends userId, groupIds and userInfo with mode: 'id'", async () => {
    const seen = expectCall('POST', '/v2/identify-user', 200, { token: EXAMPLE_TOKEN });
    const issued = await collab.auth.issueToken({ mode: 'id', userId: USER_ID, groupIds: ['g1', 'g2'], userInfo: USER_INFO });
    assertSent(seen, { method: 'POST', uri: '/v2/identify-user', body: { userId: USER_ID, groupIds: ['g1', 'g2'], userInfo: USER_INFO } });
    expect(issued.token).toBe(EXAMPLE_TOKEN);
  });

  it("is the default with tokenMode: 'id' in config, and refuses room permissions (ID tokens carry none)", async () => {
    const idCollab = await liveblocksCollab({ tokenMode: 'id' });
    const seen = expectCall('POST', '/v2/identify-user', 200, { token: EXAMPLE_TOKEN });
    await idCollab.auth.issueToken({ userId: USER_ID });
    assertSent(seen, { method: 'POST', uri: '/v2/identify-user', body: { userId: USER_ID } });
    await expect(idCollab.auth.issueToken({ userId: USER_ID, rooms: { r: 'write' } })).rejects.toMatchObject({ code: 'validation_error', field: 'rooms' });
    await idCollab.close();
  });
});
