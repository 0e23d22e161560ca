/** Contract: users (vendors/velt.md §6), from the reference's literal examples. */
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../../src/core/errors.js';
import { PartialBatchError } from '../../../../src/adapters/velt/index.js';
import { dataOf, expectVelt, ok, ORG, rejection, seen, useNock, veltCollab } from './harness.js';

useNock();

const USER = { email: 'userEmail@domain.com', name: 'userName', userId: 'yourUserId' };

describe('users.get -> POST /v2/users/get (§6.2)', () => {
  it('filters by userIds and maps the documented answer', async () => {
    expectVelt('/users/get', ok('User(s) retrieved successfully.', [USER], { nextPageToken: 'pageToken' }));
    const collab = await veltCollab();
    const user = await collab.users.get('yourUserId');
    expect(dataOf(0)).toEqual({ organizationId: ORG, userIds: ['yourUserId'] });
    expect(user).toMatchObject({ id: 'yourUserId', name: 'userName', email: 'userEmail@domain.com', metadata: {} });
    await collab.close();
  });

  it('is a NotFoundError when Velt answers no user', async () => {
    expectVelt('/users/get', ok('User(s) retrieved successfully.', []));
    const collab = await veltCollab();
    expect(await rejection(collab.users.get('nobody'))).toBeInstanceOf(NotFoundError);
    await collab.close();
  });
});

describe('users.list -> users/get pagination (§1.4: `nextPageToken` on users)', () => {
  it('sends pageSize and the vendor token of the cursor', async () => {
    expectVelt('/users/get', ok('User(s) retrieved successfully.', [USER], { nextPageToken: 'pageToken' }));
    expectVelt('/users/get', ok('User(s) retrieved successfully.', [{ ...USER, userId: 'u2' }]));
    const collab = await veltCollab();
    const first = await collab.users.list({ limit: 1 });
    expect(dataOf(0)).toEqual({ organizationId: ORG, pageSize: 1 });
    const second = await collab.users.list({ limit: 1, cursor: first.nextCursor! });
    expect(dataOf(1)).toEqual({ organizationId: ORG, pageSize: 1, pageToken: 'pageToken' });
    expect(second).toMatchObject({ items: [{ id: 'u2' }], nextCursor: null });
    await collab.close();
  });
});

describe('users.upsert -> users/get, then users/add or users/update (§6.1, §6.3)', () => {
  it('adds a new user with photoUrl and metadata fields', async () => {
    expectVelt('/users/get', ok('User(s) retrieved successfully.', []));
    expectVelt('/users/add', ok('User(s) processed successfully.', { yourUserId1: { success: true, id: '4c250058149d6c9fb8c894c9ef29c790', message: 'User added.' } }));
    expectVelt('/users/get', ok('User(s) retrieved successfully.', [{ userId: 'yourUserId1', name: 'User Name', email: 'user@email.com', photoUrl: 'https://example.com/a.png', team: 'qa', accessRole: 'editor' }]));
    const collab = await veltCollab();
    const user = await collab.users.upsert({ id: 'yourUserId1', name: 'User Name', email: 'user@email.com', avatarUrl: 'https://example.com/a.png', metadata: { team: 'qa' } });
    expect(dataOf(1)).toEqual({
      organizationId: ORG,
      users: [{ userId: 'yourUserId1', name: 'User Name', email: 'user@email.com', photoUrl: 'https://example.com/a.png', team: 'qa' }],
    });
    expect(user).toMatchObject({ id: 'yourUserId1', avatarUrl: 'https://example.com/a.png', metadata: { team: 'qa' } });
    await collab.close();
  });

  it('updates an existing user, clearing metadata keys no longer present', async () => {
    expectVelt('/users/get', ok('User(s) retrieved successfully.', [{ userId: 'yourUserId1', name: 'Old', team: 'qa', floor: 3 }]));
    expectVelt('/users/update', ok('User(s) processed successfully.', { yourUserId1: { success: true, id: '7d87015b055a168b098cf05b870e40ff', message: 'User updated.' } }));
    expectVelt('/users/get', ok('User(s) retrieved successfully.', [{ userId: 'yourUserId1', name: 'User Name', team: 'dev', floor: null }]));
    const collab = await veltCollab();
    const user = await collab.users.upsert({ id: 'yourUserId1', name: 'User Name', metadata: { team: 'dev' } });
    expect(dataOf(1)).toEqual({ organizationId: ORG, users: [{ userId: 'yourUserId1', name: 'User Name', team: 'dev', floor: null }] });
    expect(user.metadata).toEqual({ team: 'dev' });
    await collab.close();
  });

  it('maps the documented per-item failure of users/update ("User does not exist.") to NotFoundError', async () => {
    expectVelt('/users/get', ok('ok', [{ userId: 'yourUserId2' }]));
    expectVelt('/users/update', ok('User(s) processed successfully.', { yourUserId2: { success: false, id: 'ad22d93b49ad990d2b3d582d08d7768a', message: 'User does not exist.' } }));
    const collab = await veltCollab();
    expect(await rejection(collab.users.upsert({ id: 'yourUserId2', name: 'x' }))).toBeInstanceOf(NotFoundError);
    await collab.close();
  });
});

describe('users.delete -> POST /v2/users/delete (§6.4)', () => {
  it('sends userIds at organization level', async () => {
    expectVelt('/users/delete', ok('User(s) deleted successfully.', { yourUserId1: { success: true, message: 'User removed.' } }));
    const collab = await veltCollab();
    await collab.users.delete('yourUserId1');
    expect(dataOf(0)).toEqual({ organizationId: ORG, userIds: ['yourUserId1'] });
    await collab.close();
  });

  it('maps "User does not exist." to NotFoundError', async () => {
    expectVelt('/users/delete', ok('User(s) deleted successfully.', { yourUserId2: { success: false, message: 'User does not exist.' } }));
    const collab = await veltCollab();
    expect(await rejection(collab.users.delete('yourUserId2'))).toBeInstanceOf(NotFoundError);
    await collab.close();
  });

  it('reports an unexplained per-item failure as a PartialBatchError', async () => {
    expectVelt('/users/delete', ok('User(s) deleted successfully.', { u: { success: false, message: 'Failed to remove user.' } }));
    const collab = await veltCollab();
    const err = await rejection(collab.users.delete('u'));
    expect(PartialBatchError.is(err)).toBe(true);
    expect(err.message).toContain('Failed to remove user.');
    expect(seen).toHaveLength(1);
    await collab.close();
  });
});
