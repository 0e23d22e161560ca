import assert from 'node:assert/strict';
import type { Comment } from '../../core/model/comment.js';
import type { CommentBody } from '../../core/model/body.js';
import { assertBodyEqual, assertDate, bodyWords, describeValue, expectError, newRoom, newThread, newUser, textBody } from '../helpers.js';
import type { ConformanceCheck, ConformanceContext } from '../types.js';
import { richBody } from './threads.js';

interface Fixture {
  roomId: string;
  threadId: string;
  firstCommentId: string;
  author: string;
  replier: string;
}

async function fixture(ctx: ConformanceContext): Promise<Fixture> {
  const room = await newRoom(ctx);
  const author = await newUser(ctx, 'author');
  const replier = await newUser(ctx, 'replier');
  const thread = await newThread(ctx, room.id, author);
  return { roomId: room.id, threadId: thread.id, firstCommentId: thread.comments[0]!.id, author, replier };
}

async function reply(ctx: ConformanceContext, f: Fixture, body: CommentBody): Promise<Comment> {
  return ctx.collab.comments.create({ roomId: f.roomId, threadId: f.threadId, authorId: f.replier, body });
}

function usersOf(comment: Comment, emoji: string): string[] {
  const entries = comment.reactions.filter((r) => r.emoji === emoji);
  assert.ok(entries.length <= 1, `reactions must have one entry per emoji, got ${describeValue(comment.reactions)}`);
  return [...(entries[0]?.userIds ?? [])].sort();
}

const FORMATTED: CommentBody = {
  version: 1,
  content: [
    {
      type: 'paragraph',
      children: [
        { type: 'text', text: 'plain ' },
        { type: 'text', text: 'bold', bold: true },
        { type: 'text', text: ' and ' },
        { type: 'text', text: 'italic', italic: true },
        { type: 'text', text: ' and ' },
        { type: 'text', text: 'struck', strikethrough: true },
        { type: 'text', text: ' and ' },
        { type: 'text', text: 'code', code: true },
        { type: 'text', text: ' end' },
      ],
    },
  ],
};

/** Asserts the vendor stores the comment with `words` in its text (each word of it, in order-free form); no-op without `probe.commentText`. */
async function probeCommentHas(ctx: ConformanceContext, f: Fixture, commentId: string, words: string, what: string): Promise<void> {
  if (!ctx.probe.commentText) return;
  const text = await ctx.probe.commentText(f.roomId, f.threadId, commentId);
  assert.ok(text !== undefined, `probe.commentText ${what}: comment ${commentId} missing in the vendor`);
  const missing = words.split(/\s+/).filter((w) => w.length > 0 && !w.startsWith('@') && !/^https?:/.test(w) && !text.includes(w));
  assert.deepEqual(missing, [], `probe.commentText ${what}: words missing from the vendor's text ${describeValue(text)}`);
}

/** Checks of `collab.comments`. */
export const commentChecks: ConformanceCheck[] = [
  {
    id: 'comments.create-reply',
    group: 'comments',
    name: 'create adds a reply (body with mention and link round-trips); get returns it; the thread lists both comments in order',
    requires: ['threads.create', 'comments.create', 'comments.get'],
    async run(ctx) {
      const f = await fixture(ctx);
      const body = richBody(ctx, f.author);
      const created = await reply(ctx, f, body);
      for (const [what, c] of [
        ['create result', created],
        ['get', await ctx.collab.comments.get(f.roomId, f.threadId, created.id)],
      ] as const) {
        assert.equal(c.id, created.id, `${what}: id`);
        assert.equal(c.threadId, f.threadId, `${what}: threadId`);
        assert.equal(c.roomId, f.roomId, `${what}: roomId`);
        assert.equal(c.authorId, f.replier, `${what}: authorId`);
        assertDate(c.createdAt, `${what}: createdAt`);
        assert.equal(c.editedAt, undefined, `${what}: editedAt of a new comment`);
        assert.equal(c.deletedAt, undefined, `${what}: deletedAt of a new comment`);
        assert.ok(Array.isArray(c.reactions), `${what}: reactions is an array`);
        assertBodyEqual(c.body, body, what);
      }
      if (ctx.available('threads.get')) {
        const thread = await ctx.collab.threads.get(f.roomId, f.threadId);
        assert.deepEqual(thread.comments.map((c) => c.id), [f.firstCommentId, created.id], 'thread comments, oldest first');
      }
      await probeCommentHas(ctx, f, created.id, bodyWords(body), 'after create');
      await probeCommentHas(ctx, f, f.firstCommentId, `first comment ${ctx.runId}`, 'of the first comment after a reply');
    },
  },
  {
    id: 'comments.formatting',
    group: 'comments',
    name: 'bold, italic, strikethrough and code runs round-trip',
    requires: ['threads.create', 'comments.create', 'comments.get'],
    async run(ctx) {
      const f = await fixture(ctx);
      const created = await reply(ctx, f, FORMATTED);
      assertBodyEqual(created.body, FORMATTED, 'create result');
      assertBodyEqual((await ctx.collab.comments.get(f.roomId, f.threadId, created.id)).body, FORMATTED, 'get');
      await probeCommentHas(ctx, f, created.id, bodyWords(FORMATTED), 'of the formatted reply');
    },
  },
  {
    id: 'comments.edit',
    group: 'comments',
    name: 'edit replaces the body and sets editedAt',
    requires: ['threads.create', 'comments.create', 'comments.get', 'comments.edit'],
    async run(ctx) {
      const f = await fixture(ctx);
      const created = await reply(ctx, f, textBody('original words'));
      const newBody = textBody(`edited words ${ctx.runId}`);
      const edited = await ctx.collab.comments.edit(f.roomId, f.threadId, created.id, { body: newBody });
      assert.equal(edited.id, created.id, 'edit result: id');
      assertDate(edited.editedAt, 'edit result: editedAt');
      assertBodyEqual(edited.body, newBody, 'edit result');
      const got = await ctx.collab.comments.get(f.roomId, f.threadId, created.id);
      assertDate(got.editedAt, 'get after edit: editedAt');
      assertBodyEqual(got.body, newBody, 'get after edit');
      if (ctx.probe.commentText) {
        const text = await ctx.probe.commentText(f.roomId, f.threadId, created.id);
        assert.ok(text?.includes(`edited words ${ctx.runId}`) && !text.includes('original words'), `probe.commentText after edit: ${String(text)}`);
      }
    },
  },
  {
    id: 'comments.delete',
    group: 'comments',
    name: 'delete removes the comment (get rejects with NotFoundError, or returns it with deletedAt set)',
    requires: ['threads.create', 'comments.create', 'comments.get', 'comments.delete'],
    async run(ctx) {
      const f = await fixture(ctx);
      const created = await reply(ctx, f, textBody(`to delete ${ctx.runId}`));
      await ctx.collab.comments.delete(f.roomId, f.threadId, created.id);
      let after: Comment | undefined;
      try {
        after = await ctx.collab.comments.get(f.roomId, f.threadId, created.id);
      } catch (err) {
        await expectError(() => Promise.reject(err), 'not_found', 'comments.get after delete');
      }
      if (after) {
        assertDate(after.deletedAt, 'comments.get after delete returned the comment: deletedAt must be set');
      }
      if (ctx.available('threads.get')) {
        const thread = await ctx.collab.threads.get(f.roomId, f.threadId);
        const listed = thread.comments.find((c) => c.id === created.id);
        assert.ok(!listed || listed.deletedAt instanceof Date, 'the thread must not show the deleted comment as a normal comment');
        assert.ok(thread.comments.some((c) => c.id === f.firstCommentId), 'the first comment is still there');
      }
      if (ctx.probe.commentText) {
        const text = await ctx.probe.commentText(f.roomId, f.threadId, created.id);
        assert.ok(!text?.includes(`to delete ${ctx.runId}`), `probe.commentText after delete should be gone, got ${String(text)}`);
      }
    },
  },
  {
    id: 'comments.other-thread',
    group: 'comments',
    name: 'a comment is reachable only through its own thread: get, edit and delete through another thread reject with NotFoundError',
    requires: ['threads.create', 'comments.get', 'comments.edit', 'comments.delete'],
    async run(ctx) {
      const f = await fixture(ctx);
      const other = await newThread(ctx, f.roomId, f.author);
      await expectError(() => ctx.collab.comments.get(f.roomId, other.id, f.firstCommentId), 'not_found', 'comments.get through another thread');
      await expectError(() => ctx.collab.comments.edit(f.roomId, other.id, f.firstCommentId, { body: textBody('hijacked') }), 'not_found', 'comments.edit through another thread');
      await expectError(() => ctx.collab.comments.delete(f.roomId, other.id, f.firstCommentId), 'not_found', 'comments.delete through another thread');
      const still = await ctx.collab.comments.get(f.roomId, f.threadId, f.firstCommentId);
      assert.ok(!bodyWords(still.body).includes('hijacked'), 'the comment must be untouched in its own thread');
      assert.equal(still.deletedAt, undefined, 'the comment must not be deleted');
      await probeCommentHas(ctx, f, f.firstCommentId, `first comment ${ctx.runId}`, 'after edit and delete through another thread');
      if (ctx.probe.commentText) {
        const text = await ctx.probe.commentText(f.roomId, f.threadId, f.firstCommentId);
        assert.ok(!text?.includes('hijacked'), `probe.commentText: the vendor's comment must be untouched, got ${String(text)}`);
      }
    },
  },
  {
    id: 'comments.get-missing',
    group: 'comments',
    name: 'get of a missing comment rejects with NotFoundError',
    requires: ['threads.create', 'comments.get'],
    async run(ctx) {
      const f = await fixture(ctx);
      // A numeric id: valid on every provider (Velt comment ids are numbers), and never issued.
      await expectError(() => ctx.collab.comments.get(f.roomId, f.threadId, String(4_000_000_000 + Math.floor(Math.random() * 1_000_000_000))), 'not_found', 'comments.get of a missing comment');
    },
  },
];

const EMOJI = '👍';

/** Checks of `collab.reactions`. */
export const reactionChecks: ConformanceCheck[] = [
  {
    id: 'reactions.add',
    group: 'reactions',
    name: 'add puts the user on the emoji entry; get shows it',
    requires: ['threads.create', 'reactions.add'],
    async run(ctx) {
      const f = await fixture(ctx);
      const result = await ctx.collab.reactions.add({ roomId: f.roomId, threadId: f.threadId, commentId: f.firstCommentId, userId: f.replier, emoji: EMOJI });
      assert.equal(result.id, f.firstCommentId, 'add returns the updated comment');
      assert.deepEqual(usersOf(result, EMOJI), [f.replier], 'add result: reaction users');
      if (ctx.available('comments.get')) {
        assert.deepEqual(usersOf(await ctx.collab.comments.get(f.roomId, f.threadId, f.firstCommentId), EMOJI), [f.replier], 'get after add: reaction users');
      }
      if (ctx.probe.reactionUsers) {
        assert.deepEqual((await ctx.probe.reactionUsers(f.roomId, f.threadId, f.firstCommentId, EMOJI)).sort(), [f.replier], 'probe.reactionUsers after add');
      }
    },
  },
  {
    id: 'reactions.add-idempotent',
    group: 'reactions',
    name: 'adding the same reaction twice keeps one entry per user; a second user joins the same entry',
    requires: ['threads.create', 'reactions.add'],
    async run(ctx) {
      const f = await fixture(ctx);
      const input = { roomId: f.roomId, threadId: f.threadId, commentId: f.firstCommentId, userId: f.replier, emoji: EMOJI };
      await ctx.collab.reactions.add(input);
      const twice = await ctx.collab.reactions.add(input);
      assert.deepEqual(usersOf(twice, EMOJI), [f.replier], 'after adding twice');
      const both = await ctx.collab.reactions.add({ ...input, userId: f.author });
      assert.deepEqual(usersOf(both, EMOJI), [f.author, f.replier].sort(), 'after a second user adds');
      if (ctx.probe.reactionUsers) {
        assert.deepEqual((await ctx.probe.reactionUsers(f.roomId, f.threadId, f.firstCommentId, EMOJI)).sort(), [f.author, f.replier].sort(), 'probe.reactionUsers');
      }
    },
  },
  {
    id: 'reactions.remove',
    group: 'reactions',
    name: 'remove takes the user off; removing an absent reaction is a no-op',
    requires: ['threads.create', 'reactions.add', 'reactions.remove'],
    async run(ctx) {
      const f = await fixture(ctx);
      const input = { roomId: f.roomId, threadId: f.threadId, commentId: f.firstCommentId, userId: f.replier, emoji: EMOJI };
      await ctx.collab.reactions.add(input);
      await ctx.collab.reactions.add({ ...input, userId: f.author });
      const removed = await ctx.collab.reactions.remove(input);
      assert.deepEqual(usersOf(removed, EMOJI), [f.author], 'remove result: only the other user remains');
      const again = await ctx.collab.reactions.remove(input);
      assert.deepEqual(usersOf(again, EMOJI), [f.author], 'removing again is a no-op');
      const never = await ctx.collab.reactions.remove({ ...input, emoji: '🎉' });
      assert.deepEqual(usersOf(never, '🎉'), [], 'removing a reaction never added is a no-op');
      assert.deepEqual(usersOf(never, EMOJI), [f.author], 'removing another emoji leaves this one');
      if (ctx.available('comments.get')) {
        assert.deepEqual(usersOf(await ctx.collab.comments.get(f.roomId, f.threadId, f.firstCommentId), EMOJI), [f.author], 'get after remove');
      }
      if (ctx.probe.reactionUsers) {
        assert.deepEqual(await ctx.probe.reactionUsers(f.roomId, f.threadId, f.firstCommentId, EMOJI), [f.author], 'probe.reactionUsers after remove');
      }
      const last = await ctx.collab.reactions.remove({ ...input, userId: f.author });
      assert.deepEqual(usersOf(last, EMOJI), [], 'after the last user removes, nobody reacted with the emoji');
    },
  },
];
