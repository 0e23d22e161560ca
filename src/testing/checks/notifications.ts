import assert from 'node:assert/strict';
import type { Notification } from '../../core/model/notification.js';
import { assertDate, assertExactlyOnce, collectPages, describeValue, eventually, expectError, newRoom, newThread, newUser, textBody } from '../helpers.js';
import type { ConformanceCheck, ConformanceContext } from '../types.js';
import { richBody } from './threads.js';

async function allOf(ctx: ConformanceContext, userId: string, unread?: boolean): Promise<Notification[]> {
  return (await collectPages((cursor) => ctx.collab.notifications.list(userId, { limit: 50, cursor, ...(unread === undefined ? {} : { unread }) }), 50)).items;
}

/** Polls the user's inbox until a notification matching `match` appears. */
async function awaitNotification(ctx: ConformanceContext, userId: string, match: (n: Notification) => boolean, what: string): Promise<Notification> {
  return eventually(async () => {
    const items = await allOf(ctx, userId);
    const found = items.find(match);
    assert.ok(found, `${what}: not in the inbox of ${userId} after ${ctx.settleMs} ms; inbox: ${describeValue(items.map((n) => ({ kind: n.kind, threadId: n.threadId, subjectId: n.subjectId })))}`);
    return found;
  }, ctx.settleMs);
}

async function triggerCustom(ctx: ConformanceContext, userId: string, roomId?: string): Promise<Notification> {
  const subjectId = ctx.id('subject');
  await ctx.collab.notifications.trigger({ userId, kind: 'conformanceCheck', subjectId, ...(roomId ? { roomId } : {}), data: { n: 1, label: 'x' } });
  return awaitNotification(ctx, userId, (n) => n.kind === 'custom' && n.subjectId === subjectId, 'the triggered custom notification');
}

/** Asserts the vendor holds the notification (no-op without `probe.notificationIds`). */
async function probeHolds(ctx: ConformanceContext, userId: string, id: string, what: string): Promise<void> {
  if (!ctx.probe.notificationIds) return;
  const ids = await ctx.probe.notificationIds(userId);
  assert.ok(ids.includes(id), `probe.notificationIds: the vendor must hold ${what} ${id}, holds ${describeValue(ids)}`);
}

function assertShape(n: Notification, userId: string, what: string): void {
  assert.equal(typeof n.id, 'string', `${what}: id`);
  assert.ok(n.id.length > 0, `${what}: id is empty`);
  assert.equal(n.userId, userId, `${what}: userId`);
  assertDate(n.notifiedAt, `${what}: notifiedAt`);
}

/** Checks of `collab.notifications`. */
export const notificationChecks: ConformanceCheck[] = [
  {
    id: 'notifications.mention',
    group: 'notifications',
    // Providers differ in the kind: the memory provider and Velt say `mention`, while Liveblocks notifies a
    // user mentioned in a comment through the thread (`thread`; its `textMention` is for text-editor mentions).
    // What every provider must do is notify the mentioned user about that thread.
    name: 'a mention in a comment body notifies the mentioned user about the thread (kind mention or thread)',
    requires: ['threads.create', 'notifications.list'],
    async run(ctx) {
      const room = await newRoom(ctx);
      const author = await newUser(ctx, 'author');
      const mentioned = await newUser(ctx, 'mentioned');
      const thread = await newThread(ctx, room.id, author, { body: richBody(ctx, mentioned) });
      const n = await awaitNotification(ctx, mentioned, (x) => (x.kind === 'mention' || x.kind === 'thread') && x.threadId === thread.id, 'mention notification');
      assertShape(n, mentioned, 'mention notification');
      assert.equal(n.roomId, room.id, 'mention notification: roomId');
      assert.equal(n.readAt, null, 'a new notification is unread');
      await probeHolds(ctx, mentioned, n.id, 'the mention notification');
    },
  },
  {
    id: 'notifications.thread-reply',
    group: 'notifications',
    name: 'a reply in a thread creates a thread notification for the other participant',
    requires: ['threads.create', 'comments.create', 'notifications.list'],
    async run(ctx) {
      const room = await newRoom(ctx);
      const author = await newUser(ctx, 'author');
      const replier = await newUser(ctx, 'replier');
      const thread = await newThread(ctx, room.id, author, { body: textBody('a question') });
      await ctx.collab.comments.create({ roomId: room.id, threadId: thread.id, authorId: replier, body: textBody('an answer') });
      const n = await awaitNotification(ctx, author, (x) => x.kind === 'thread' && x.threadId === thread.id, 'thread notification');
      assertShape(n, author, 'thread notification');
      assert.equal(n.roomId, room.id, 'thread notification: roomId');
      assert.equal(n.readAt, null, 'a new notification is unread');
      await probeHolds(ctx, author, n.id, 'the thread notification');
    },
  },
  {
    id: 'notifications.trigger-custom',
    group: 'notifications',
    name: 'trigger creates a custom notification with its kind, subject, room and data',
    requires: ['notifications.trigger', 'notifications.list'],
    async run(ctx) {
      const room = await newRoom(ctx);
      const userId = await newUser(ctx);
      const n = await triggerCustom(ctx, userId, room.id);
      assertShape(n, userId, 'custom notification');
      assert.equal(n.customKind, 'conformanceCheck', 'custom notification: customKind');
      assert.equal(n.roomId, room.id, 'custom notification: roomId');
      assert.deepEqual(n.data, { n: 1, label: 'x' }, 'custom notification: data');
      assert.equal(n.readAt, null, 'a new notification is unread');
      await probeHolds(ctx, userId, n.id, 'the custom notification');
      if (ctx.probe.notificationRead) assert.equal(await ctx.probe.notificationRead(userId, n.id), false, 'probe.notificationRead of the new notification');
    },
  },
  {
    id: 'notifications.mark-read',
    group: 'notifications',
    name: 'unread: true lists unread ones; markRead sets readAt and removes it from unread (idempotent)',
    requires: ['notifications.trigger', 'notifications.list', 'notifications.markRead'],
    async run(ctx) {
      const userId = await newUser(ctx);
      const n = await triggerCustom(ctx, userId);
      const other = await triggerCustom(ctx, userId);
      await eventually(async () => {
        const unread = (await allOf(ctx, userId, true)).map((x) => x.id);
        assertExactlyOnce(unread, [n.id, other.id], 'notifications.list unread: true');
      }, ctx.settleMs);
      if (ctx.probe.notificationRead) assert.equal(await ctx.probe.notificationRead(userId, n.id), false, 'probe.notificationRead before markRead');
      await ctx.collab.notifications.markRead(userId, n.id);
      await eventually(async () => {
        const all = await allOf(ctx, userId);
        const read = all.find((x) => x.id === n.id);
        assert.ok(read, 'a read notification is still listed without the unread filter');
        assertDate(read.readAt, 'readAt after markRead');
        assert.equal(all.find((x) => x.id === other.id)?.readAt, null, 'markRead must not touch other notifications');
        const unread = (await allOf(ctx, userId, true)).map((x) => x.id);
        assert.ok(!unread.includes(n.id), 'unread: true must not list a read notification');
        assert.ok(unread.includes(other.id), 'unread: true still lists the other one');
      }, ctx.settleMs);
      if (ctx.probe.notificationRead) assert.equal(await ctx.probe.notificationRead(userId, n.id), true, 'probe.notificationRead after markRead');
      await ctx.collab.notifications.markRead(userId, n.id);
    },
  },
  {
    id: 'notifications.delete',
    group: 'notifications',
    name: 'delete removes the notification; a second delete rejects with NotFoundError',
    requires: ['notifications.trigger', 'notifications.list', 'notifications.delete'],
    async run(ctx) {
      const userId = await newUser(ctx);
      const n = await triggerCustom(ctx, userId);
      await ctx.collab.notifications.delete(userId, n.id);
      await eventually(async () => {
        assert.ok(!(await allOf(ctx, userId)).some((x) => x.id === n.id), 'a deleted notification must not be listed');
      }, ctx.settleMs);
      if (ctx.probe.notificationIds) assert.ok(!(await ctx.probe.notificationIds(userId)).includes(n.id), 'probe.notificationIds after delete');
      await expectError(() => ctx.collab.notifications.delete(userId, n.id), 'not_found', 'second notifications.delete');
    },
  },
  {
    id: 'notifications.mark-read-missing',
    group: 'notifications',
    name: 'markRead of an unknown notification rejects with NotFoundError',
    requires: ['notifications.markRead'],
    async run(ctx) {
      const userId = await newUser(ctx);
      await expectError(() => ctx.collab.notifications.markRead(userId, ctx.id('missing-notification')), 'not_found', 'notifications.markRead of an unknown id');
    },
  },
  {
    id: 'notifications.other-user',
    group: 'notifications',
    name: "markRead and delete through another user's id reject with NotFoundError and leave the notification alone",
    requires: ['notifications.trigger', 'notifications.list', 'notifications.markRead', 'notifications.delete'],
    async run(ctx) {
      const owner = await newUser(ctx, 'owner');
      const intruder = await newUser(ctx, 'intruder');
      const n = await triggerCustom(ctx, owner);
      await expectError(() => ctx.collab.notifications.markRead(intruder, n.id), 'not_found', "notifications.markRead with another user's id");
      await expectError(() => ctx.collab.notifications.delete(intruder, n.id), 'not_found', "notifications.delete with another user's id");
      const still = (await allOf(ctx, owner)).find((x) => x.id === n.id);
      assert.ok(still, "the owner's notification must still exist");
      assert.equal(still.readAt, null, "the owner's notification must still be unread");
      if (ctx.probe.notificationRead) assert.equal(await ctx.probe.notificationRead(owner, n.id), false, 'probe.notificationRead of the owner');
    },
  },
  {
    id: 'notifications.pagination',
    group: 'notifications',
    name: 'list with a small limit visits every notification exactly once',
    requires: ['notifications.trigger', 'notifications.list'],
    async run(ctx) {
      const userId = await newUser(ctx);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await triggerCustom(ctx, userId)).id);
      await eventually(async () => {
        const { items, pages } = await collectPages((cursor) => ctx.collab.notifications.list(userId, { limit: 2, cursor }), 2);
        assertExactlyOnce(items.map((n) => n.id), ids, 'notifications.list, limit 2', true);
        assert.ok(pages >= 3, `5 notifications with limit 2 need at least 3 pages, got ${pages}`);
        for (let i = 1; i < items.length; i++) {
          assert.ok(items[i - 1]!.notifiedAt.getTime() >= items[i]!.notifiedAt.getTime(), 'notifications are listed newest first');
        }
      }, ctx.settleMs);
      if (ctx.probe.notificationIds) {
        const stored = await ctx.probe.notificationIds(userId);
        assertExactlyOnce(stored, ids, 'probe.notificationIds: the vendor holds every triggered notification');
      }
    },
  },
];
