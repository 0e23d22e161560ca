import assert from 'node:assert/strict';
import type { CommentBody } from '../../core/model/body.js';
import type { Thread } from '../../core/model/thread.js';
import {
  assertBodyEqual,
  assertDate,
  assertExactlyOnce,
  assertMetadata,
  collect,
  collectPages,
  eventually,
  expectError,
  newRoom,
  newThread,
  newUser,
  textBody,
} from '../helpers.js';
import type { ConformanceCheck, ConformanceContext } from '../types.js';

/** A body with two paragraphs, a mention and a link with text. */
export function richBody(ctx: ConformanceContext, mentionedUserId: string): CommentBody {
  return {
    version: 1,
    content: [
      {
        type: 'paragraph',
        children: [
          { type: 'text', text: 'Hello ' },
          { type: 'mention', userId: mentionedUserId },
          { type: 'text', text: ', see ' },
          { type: 'link', url: 'https://example.com/spec?section=2', text: 'the spec' },
          { type: 'text', text: ` (run ${ctx.runId}).` },
        ],
      },
      { type: 'paragraph', children: [{ type: 'text', text: 'Second paragraph.' }] },
    ],
  };
}

async function probeResolved(ctx: ConformanceContext, thread: Thread, expected: boolean, what: string): Promise<void> {
  if (!ctx.probe.threadResolved) return;
  assert.equal(await ctx.probe.threadResolved(thread.roomId, thread.id), expected, `probe.threadResolved ${what}`);
}

/** Checks of `collab.threads`. */
export const threadChecks: ConformanceCheck[] = [
  {
    id: 'threads.create-roundtrip',
    group: 'threads',
    name: 'create with a first comment round-trips the body (mention, link), metadata and ids; get returns the same',
    requires: ['threads.create', 'threads.get'],
    async run(ctx) {
      const room = await newRoom(ctx);
      const author = await newUser(ctx, 'author');
      const mentioned = await newUser(ctx, 'mentioned');
      const body = richBody(ctx, mentioned);
      const metadata = ctx.available('threads.metadata') ? { topic: 'conformance', priority: 2, urgent: true } : undefined;
      const thread = await newThread(ctx, room.id, author, { body, metadata });
      for (const [what, t] of [
        ['create result', thread],
        ['get', await ctx.collab.threads.get(room.id, thread.id)],
      ] as const) {
        assert.equal(t.id, thread.id, `${what}: id`);
        assert.equal(t.roomId, room.id, `${what}: roomId`);
        assert.equal(t.resolved, false, `${what}: a new thread is unresolved`);
        assertDate(t.createdAt, `${what}: createdAt`);
        if (metadata) assertMetadata(t.metadata, metadata, what);
        assert.equal(t.comments.length, 1, `${what}: a new thread has exactly its first comment`);
        const first = t.comments[0]!;
        assert.equal(first.threadId, thread.id, `${what}: comment.threadId`);
        assert.equal(first.roomId, room.id, `${what}: comment.roomId`);
        assert.equal(first.authorId, author, `${what}: comment.authorId`);
        assertDate(first.createdAt, `${what}: comment.createdAt`);
        assert.equal(first.deletedAt, undefined, `${what}: comment.deletedAt`);
        assertBodyEqual(first.body, body, `${what}: first comment`);
      }
      if (ctx.probe.threadExists) assert.equal(await ctx.probe.threadExists(room.id, thread.id), true, 'probe.threadExists after create');
      if (ctx.probe.commentText) {
        const text = await ctx.probe.commentText(room.id, thread.id, thread.comments[0]!.id);
        assert.ok(text?.includes(`run ${ctx.runId}`) && text.includes('Second paragraph'), `probe.commentText should hold the words written, got ${String(text)}`);
      }
    },
  },
  {
    id: 'threads.list',
    group: 'threads',
    name: 'list and iterate return every thread of the room exactly once (limit 1)',
    requires: ['threads.create', 'threads.list'],
    async run(ctx) {
      const room = await newRoom(ctx);
      const author = await newUser(ctx, 'author');
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await newThread(ctx, room.id, author, { body: textBody(`thread ${i}`) })).id);
      await eventually(async () => {
        const { items } = await collectPages((cursor) => ctx.collab.threads.list(room.id, { limit: 1, cursor }), 1);
        assertExactlyOnce(items.map((t) => t.id), ids, 'threads.list, limit 1', true);
        for (const t of items) assert.equal(t.roomId, room.id, 'listed thread roomId');
        const iterated = await collect(ctx.collab.threads.iterate(room.id, { limit: 2 }));
        assertExactlyOnce(iterated.map((t) => t.id), ids, 'threads.iterate', true);
      }, ctx.settleMs);
    },
  },
  {
    id: 'threads.list-resolved-filter',
    group: 'threads',
    name: 'list with resolved: true / false returns only resolved / unresolved threads',
    requires: ['threads.create', 'threads.list', 'threads.resolve'],
    async run(ctx) {
      const room = await newRoom(ctx);
      const author = await newUser(ctx, 'author');
      const open = await newThread(ctx, room.id, author, { body: textBody('open thread') });
      const done = await newThread(ctx, room.id, author, { body: textBody('resolved thread') });
      await ctx.collab.threads.resolve(room.id, done.id, { userId: author });
      await eventually(async () => {
        const resolved = (await collectPages((cursor) => ctx.collab.threads.list(room.id, { resolved: true, cursor }), 1000)).items;
        assert.deepEqual(resolved.map((t) => t.id), [done.id], 'resolved: true');
        assert.ok(resolved.every((t) => t.resolved), 'resolved: true returns threads with resolved = true');
        const unresolved = (await collectPages((cursor) => ctx.collab.threads.list(room.id, { resolved: false, cursor }), 1000)).items;
        assert.deepEqual(unresolved.map((t) => t.id), [open.id], 'resolved: false');
        assert.ok(unresolved.every((t) => !t.resolved), 'resolved: false returns threads with resolved = false');
      }, ctx.settleMs);
      await probeResolved(ctx, done, true, 'of the resolved thread');
      await probeResolved(ctx, open, false, 'of the open thread');
    },
  },
  {
    id: 'threads.resolve',
    group: 'threads',
    name: 'resolve / unresolve flip resolved and are idempotent',
    requires: ['threads.create', 'threads.get', 'threads.resolve'],
    async run(ctx) {
      const room = await newRoom(ctx);
      const author = await newUser(ctx, 'author');
      const thread = await newThread(ctx, room.id, author);
      const r1 = await ctx.collab.threads.resolve(room.id, thread.id, { userId: author });
      assert.equal(r1.resolved, true, 'resolve result');
      assert.equal(r1.id, thread.id, 'resolve result: id');
      const r2 = await ctx.collab.threads.resolve(room.id, thread.id, { userId: author });
      assert.equal(r2.resolved, true, 'second resolve (idempotent)');
      assert.equal((await ctx.collab.threads.get(room.id, thread.id)).resolved, true, 'get after resolve');
      await probeResolved(ctx, thread, true, 'after resolve');
      if (ctx.probe.threadResolvedBy) assert.equal(await ctx.probe.threadResolvedBy(room.id, thread.id), author, 'probe.threadResolvedBy after resolve: the resolver');
      const u1 = await ctx.collab.threads.unresolve(room.id, thread.id, { userId: author });
      assert.equal(u1.resolved, false, 'unresolve result');
      const u2 = await ctx.collab.threads.unresolve(room.id, thread.id, { userId: author });
      assert.equal(u2.resolved, false, 'second unresolve (idempotent)');
      assert.equal((await ctx.collab.threads.get(room.id, thread.id)).resolved, false, 'get after unresolve');
      await probeResolved(ctx, thread, false, 'after unresolve');
    },
  },
  {
    id: 'threads.update-metadata',
    group: 'threads',
    name: 'updateMetadata patches (null deletes, other keys kept) and returns the whole new metadata',
    requires: ['threads.create', 'threads.get', 'threads.metadata'],
    async run(ctx) {
      const room = await newRoom(ctx);
      const author = await newUser(ctx, 'author');
      const thread = await newThread(ctx, room.id, author, { metadata: { a: '1', b: '2' } });
      const result = await ctx.collab.threads.updateMetadata(room.id, thread.id, { b: null, c: 3 });
      assertMetadata(result, { a: '1', c: 3 }, 'updateMetadata result');
      assertMetadata((await ctx.collab.threads.get(room.id, thread.id)).metadata, { a: '1', c: 3 }, 'get after updateMetadata');
      if (ctx.probe.threadMetadata) {
        const stored = await ctx.probe.threadMetadata(room.id, thread.id);
        assert.ok(stored, 'probe.threadMetadata: thread missing');
        assert.equal(stored.a, '1', 'probe: kept key a');
        assert.equal(stored.c, 3, 'probe: added key c');
        assert.ok(stored.b === undefined || stored.b === null, `probe: key b should be deleted, got ${String(stored.b)}`);
      }
    },
  },
  {
    id: 'threads.delete',
    group: 'threads',
    name: 'delete removes the thread: get then rejects with NotFoundError',
    requires: ['threads.create', 'threads.get', 'threads.delete'],
    async run(ctx) {
      const room = await newRoom(ctx);
      const author = await newUser(ctx, 'author');
      const thread = await ctx.collab.threads.create({ roomId: room.id, comment: { authorId: author, body: textBody('to delete') } });
      await ctx.collab.threads.delete(room.id, thread.id);
      await expectError(() => ctx.collab.threads.get(room.id, thread.id), 'not_found', 'threads.get after delete');
      if (ctx.probe.threadExists) assert.equal(await ctx.probe.threadExists(room.id, thread.id), false, 'probe.threadExists after delete');
      if (ctx.available('threads.list')) {
        await eventually(async () => {
          const listed = (await ctx.collab.threads.list(room.id, { limit: 100 })).items.map((t) => t.id);
          assert.ok(!listed.includes(thread.id), 'a deleted thread must not be listed');
        }, ctx.settleMs);
      }
    },
  },
  {
    id: 'threads.get-missing',
    group: 'threads',
    name: 'get of a missing thread in an existing room rejects with NotFoundError',
    requires: ['threads.get'],
    async run(ctx) {
      const room = await newRoom(ctx);
      await expectError(() => ctx.collab.threads.get(room.id, ctx.id('missing-thread')), 'not_found', 'threads.get of a missing thread');
    },
  },
  {
    id: 'threads.get-missing-room',
    group: 'threads',
    name: 'get of a thread in a missing room rejects with NotFoundError',
    requires: ['threads.get'],
    async run(ctx) {
      await expectError(() => ctx.collab.threads.get(ctx.id('missing-room'), ctx.id('missing-thread')), 'not_found', 'threads.get in a missing room');
    },
  },
  {
    id: 'threads.other-room',
    group: 'threads',
    name: 'a thread is reachable only through its own room: get, resolve and delete through another room reject with NotFoundError',
    requires: ['threads.create', 'threads.get', 'threads.resolve', 'threads.delete', 'rooms.create'],
    async run(ctx) {
      const home = await newRoom(ctx);
      const elsewhere = await newRoom(ctx);
      const author = await newUser(ctx, 'author');
      const thread = await newThread(ctx, home.id, author);
      await expectError(() => ctx.collab.threads.get(elsewhere.id, thread.id), 'not_found', 'threads.get through another room');
      await expectError(() => ctx.collab.threads.resolve(elsewhere.id, thread.id, { userId: author }), 'not_found', 'threads.resolve through another room');
      await expectError(() => ctx.collab.threads.delete(elsewhere.id, thread.id), 'not_found', 'threads.delete through another room');
      const still = await ctx.collab.threads.get(home.id, thread.id);
      assert.equal(still.resolved, false, 'the thread must be untouched in its own room');
      if (ctx.probe.threadResolved) assert.equal(await ctx.probe.threadResolved(home.id, thread.id), false, 'probe.threadResolved');
    },
  },
  {
    id: 'threads.create-missing-room',
    group: 'threads',
    name: 'create in a missing room rejects with NotFoundError (providers with explicit rooms)',
    requires: ['threads.create', 'rooms.create'],
    async run(ctx) {
      const author = await newUser(ctx, 'author');
      const roomId = ctx.id('missing-room');
      await expectError(
        () => ctx.collab.threads.create({ roomId, comment: { authorId: author, body: textBody('nowhere') } }),
        'not_found',
        'threads.create in a missing room',
      );
      if (ctx.probe.roomExists) assert.equal(await ctx.probe.roomExists(roomId), false, 'the failed create must not create the room');
    },
  },
];
