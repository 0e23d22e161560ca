import assert from 'node:assert/strict';
import { assertExactlyOnce, assertMetadata, collectPages, eventually, expectError } from '../helpers.js';
import type { ConformanceCheck, ConformanceContext } from '../types.js';

function trackUser(ctx: ConformanceContext, id: string): void {
  if (ctx.available('users.delete')) ctx.defer(() => ctx.collab.users.delete(id));
}

/** Checks of `collab.users`. */
export const userChecks: ConformanceCheck[] = [
  {
    id: 'users.upsert-create',
    group: 'users',
    name: 'upsert creates a user; get round-trips name, email, avatarUrl and metadata',
    requires: ['users.upsert', 'users.get'],
    async run(ctx) {
      const id = ctx.id('user');
      const input = { id, name: 'Ada Conformance', email: `${id}@example.com`, avatarUrl: 'https://example.com/a.png', metadata: { team: 'qa' } };
      const created = await ctx.collab.users.upsert(input);
      trackUser(ctx, id);
      for (const user of [created, await ctx.collab.users.get(id)]) {
        assert.equal(user.id, id, 'id');
        assert.equal(user.name, input.name, 'name');
        assert.equal(user.email, input.email, 'email');
        assert.equal(user.avatarUrl, input.avatarUrl, 'avatarUrl');
        assertMetadata(user.metadata, input.metadata, 'user');
      }
      if (ctx.probe.userExists) assert.equal(await ctx.probe.userExists(id), true, 'probe.userExists after upsert');
      if (ctx.probe.user) {
        const stored = await ctx.probe.user(id);
        assert.equal(stored?.name, input.name, 'probe.user: name');
        assert.equal(stored?.email, input.email, 'probe.user: email');
      }
    },
  },
  {
    id: 'users.upsert-update',
    group: 'users',
    name: 'upsert of an existing user updates the fields given and keeps the others',
    requires: ['users.upsert', 'users.get'],
    async run(ctx) {
      const id = ctx.id('user');
      await ctx.collab.users.upsert({ id, name: 'Before', email: `${id}@example.com` });
      trackUser(ctx, id);
      const updated = await ctx.collab.users.upsert({ id, name: 'After' });
      assert.equal(updated.name, 'After', 'upsert result: name');
      const got = await ctx.collab.users.get(id);
      assert.equal(got.name, 'After', 'get: name updated');
      assert.equal(got.email, `${id}@example.com`, 'get: email kept (not given in the update)');
      if (ctx.probe.user) {
        const stored = await ctx.probe.user(id);
        assert.ok(stored, 'probe.user: the user is missing in the vendor');
        assert.equal(stored.name, 'After', 'probe.user: name updated in the vendor');
        assert.equal(stored.email, `${id}@example.com`, 'probe.user: email kept in the vendor');
      }
    },
  },
  {
    id: 'users.get-missing',
    group: 'users',
    name: 'get of an unknown user rejects with NotFoundError',
    requires: ['users.get'],
    async run(ctx) {
      await expectError(() => ctx.collab.users.get(ctx.id('missing-user')), 'not_found', 'users.get of an unknown user');
    },
  },
  {
    id: 'users.list-pagination',
    group: 'users',
    name: 'list with a small limit visits every user exactly once',
    requires: ['users.upsert', 'users.list'],
    async run(ctx) {
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        const id = ctx.id('user');
        await ctx.collab.users.upsert({ id, name: `Paged ${i}` });
        trackUser(ctx, id);
        ids.push(id);
      }
      await eventually(async () => {
        const { items } = await collectPages((cursor) => ctx.collab.users.list({ limit: 2, cursor }), 2, 5000);
        assertExactlyOnce(items.map((u) => u.id), ids, 'users.list, limit 2');
      }, ctx.settleMs);
    },
  },
  {
    id: 'users.delete',
    group: 'users',
    name: 'delete removes the user: get then rejects with NotFoundError, a second delete too',
    requires: ['users.upsert', 'users.get', 'users.delete'],
    async run(ctx) {
      const id = ctx.id('user');
      await ctx.collab.users.upsert({ id, name: 'Doomed' });
      await ctx.collab.users.delete(id);
      await expectError(() => ctx.collab.users.get(id), 'not_found', 'users.get after delete');
      if (ctx.probe.userExists) assert.equal(await ctx.probe.userExists(id), false, 'probe.userExists after delete');
      await expectError(() => ctx.collab.users.delete(id), 'not_found', 'second users.delete');
    },
  },
];
