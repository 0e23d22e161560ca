import assert from 'node:assert/strict';
import { CAPABILITY_KEYS, type CapabilityKey, isCapabilityKey } from '../../core/capabilities.js';
import { collect, expectError, textBody } from '../helpers.js';
import type { ConformanceCheck, ConformanceContext, GroupName } from '../types.js';

type Call = (ctx: ConformanceContext, ids: Ids) => Promise<unknown>;

interface UnsupportedCase {
  /** Calls a method guarded by the capability. */
  call: Call;
  /** With a probe: asserts the vendor state did not change. */
  unchanged?(ctx: ConformanceContext, ids: Ids): Promise<void>;
}

/** Fresh ids for one unsupported check: an unsupported call must fail before any lookup, whatever the arguments. */
interface Ids {
  room: string;
  user: string;
  thread: string;
  comment: string;
  notification: string;
}

function freshIds(ctx: ConformanceContext): Ids {
  return { room: ctx.id('room'), user: ctx.id('user'), thread: ctx.id('thread'), comment: ctx.id('comment'), notification: ctx.id('notification') };
}

const body = textBody('unsupported');

async function roomAbsent(ctx: ConformanceContext, ids: Ids): Promise<void> {
  if (ctx.probe.roomExists) assert.equal(await ctx.probe.roomExists(ids.room), false, 'probe: the room must not exist after the rejected call');
}

const CASES: Record<CapabilityKey, UnsupportedCase> = {
  'rooms.create': { call: (ctx, ids) => ctx.collab.rooms.create({ id: ids.room }), unchanged: roomAbsent },
  'rooms.get': { call: (ctx, ids) => ctx.collab.rooms.get(ids.room) },
  'rooms.list': { call: (ctx, ids) => ctx.collab.rooms.list({ limit: 1 }) },
  'rooms.update': { call: (ctx, ids) => ctx.collab.rooms.update(ids.room, { metadata: { a: '1' } }), unchanged: roomAbsent },
  'rooms.delete': { call: (ctx, ids) => ctx.collab.rooms.delete(ids.room) },
  'rooms.metadataFilter': { call: (ctx, ids) => ctx.collab.rooms.list({ metadata: { ucConformance: ctx.runId } }) },
  'rooms.access': { call: (ctx, ids) => ctx.collab.rooms.create({ id: ids.room, access: { default: 'read' } }), unchanged: roomAbsent },
  'rooms.archive': { call: (ctx, ids) => ctx.collab.rooms.update(ids.room, { archived: true }), unchanged: roomAbsent },
  'users.upsert': {
    call: (ctx, ids) => ctx.collab.users.upsert({ id: ids.user, name: 'Unsupported' }),
    unchanged: async (ctx, ids) => {
      if (ctx.probe.userExists) assert.equal(await ctx.probe.userExists(ids.user), false, 'probe: the user must not exist');
    },
  },
  'users.get': { call: (ctx, ids) => ctx.collab.users.get(ids.user) },
  'users.list': { call: (ctx, ids) => ctx.collab.users.list({ limit: 1 }) },
  'users.delete': { call: (ctx, ids) => ctx.collab.users.delete(ids.user) },
  'threads.create': {
    call: (ctx, ids) => ctx.collab.threads.create({ roomId: ids.room, comment: { authorId: ids.user, body } }),
    unchanged: roomAbsent,
  },
  'threads.get': { call: (ctx, ids) => ctx.collab.threads.get(ids.room, ids.thread) },
  'threads.list': { call: (ctx, ids) => ctx.collab.threads.list(ids.room) },
  'threads.delete': { call: (ctx, ids) => ctx.collab.threads.delete(ids.room, ids.thread) },
  'threads.resolve': { call: (ctx, ids) => ctx.collab.threads.resolve(ids.room, ids.thread, { userId: ids.user }) },
  'threads.metadata': { call: (ctx, ids) => ctx.collab.threads.updateMetadata(ids.room, ids.thread, { a: '1' }) },
  'comments.create': { call: (ctx, ids) => ctx.collab.comments.create({ roomId: ids.room, threadId: ids.thread, authorId: ids.user, body }) },
  'comments.get': { call: (ctx, ids) => ctx.collab.comments.get(ids.room, ids.thread, ids.comment) },
  'comments.edit': { call: (ctx, ids) => ctx.collab.comments.edit(ids.room, ids.thread, ids.comment, { body }) },
  'comments.delete': { call: (ctx, ids) => ctx.collab.comments.delete(ids.room, ids.thread, ids.comment) },
  'reactions.add': {
    call: (ctx, ids) => ctx.collab.reactions.add({ roomId: ids.room, threadId: ids.thread, commentId: ids.comment, userId: ids.user, emoji: '👍' }),
  },
  'reactions.remove': {
    call: (ctx, ids) => ctx.collab.reactions.remove({ roomId: ids.room, threadId: ids.thread, commentId: ids.comment, userId: ids.user, emoji: '👍' }),
  },
  'presence.list': { call: (ctx, ids) => ctx.collab.presence.list(ids.room) },
  'presence.set': {
    call: (ctx, ids) => ctx.collab.presence.set({ roomId: ids.room, userId: ids.user, ttlSeconds: 60 }),
    unchanged: async (ctx, ids) => {
      if (ctx.probe.presenceUserIds) assert.ok(!(await ctx.probe.presenceUserIds(ids.room)).includes(ids.user), 'probe: the user must not be present');
    },
  },
  'presence.clear': { call: (ctx, ids) => ctx.collab.presence.clear(ids.room, ids.user) },
  'notifications.list': { call: (ctx, ids) => ctx.collab.notifications.list(ids.user) },
  'notifications.markRead': { call: (ctx, ids) => ctx.collab.notifications.markRead(ids.user, ids.notification) },
  'notifications.delete': { call: (ctx, ids) => ctx.collab.notifications.delete(ids.user, ids.notification) },
  'notifications.trigger': {
    call: (ctx, ids) => ctx.collab.notifications.trigger({ userId: ids.user, kind: 'conformanceCheck', subjectId: ids.thread }),
    unchanged: async (ctx, ids) => {
      if (ctx.probe.notificationIds) assert.deepEqual(await ctx.probe.notificationIds(ids.user), [], 'probe: no notification may be created');
    },
  },
  'auth.issueToken': { call: (ctx, ids) => ctx.collab.auth.issueToken({ userId: ids.user }) },
  'webhooks.verify': { call: (ctx, ids) => ctx.collab.webhooks.verify({ headers: {}, rawBody: '{}' }) },
  'webhooks.subscriptions': { call: (ctx, ids) => ctx.collab.webhooks.subscriptions.create({ url: 'https://example.com/unicollab-conformance', events: ['thread.created'] }) },
  'events.broadcast': { call: (ctx, ids) => ctx.collab.events.broadcast(ids.room, { type: 'unsupported' }) },
  'documents.get': { call: (ctx, ids) => ctx.collab.documents.get(ids.room, { key: 'text', type: 'text' }) },
  'documents.set': { call: (ctx, ids) => ctx.collab.documents.set(ids.room, { key: 'text', type: 'text', value: 'unsupported' }), unchanged: roomAbsent },
  'documents.list': { call: (ctx, ids) => ctx.collab.documents.list(ids.room) },
  'documents.updates': { call: (ctx, ids) => ctx.collab.documents.getUpdate(ids.room) },
  'documents.versions': { call: (ctx, ids) => ctx.collab.documents.versions.list(ids.room) },
  'storage.get': { call: (ctx, ids) => ctx.collab.storage.get(ids.room) },
  'storage.initialize': { call: (ctx, ids) => ctx.collab.storage.initialize(ids.room, { lsonType: 'LiveObject', data: {} }), unchanged: roomAbsent },
  'storage.delete': { call: (ctx, ids) => ctx.collab.storage.delete(ids.room) },
  'storage.patch': { call: (ctx, ids) => ctx.collab.storage.patch(ids.room, [{ op: 'add', path: '/a', value: 1 }]) },
};

/** Extra guarded methods per capability (e.g. `iterate` shares `rooms.list`), also checked to reject. */
const EXTRA_CALLS: Partial<Record<CapabilityKey, Call[]>> = {
  'rooms.list': [(ctx, ids) => collect(ctx.collab.rooms.iterate())],
  'rooms.metadataFilter': [(ctx, ids) => collect(ctx.collab.rooms.iterate({ metadata: { ucConformance: ctx.runId } }))],
  'rooms.archive': [
    (ctx, ids) => ctx.collab.rooms.update(ids.room, { archived: false }),
    (ctx, ids) => ctx.collab.rooms.list({ archived: false, limit: 1 }),
    (ctx, ids) => collect(ctx.collab.rooms.iterate({ archived: true })),
  ],
  'threads.list': [(ctx, ids) => collect(ctx.collab.threads.iterate(ids.room))],
  'threads.resolve': [(ctx, ids) => ctx.collab.threads.unresolve(ids.room, ids.thread, { userId: ids.user })],
  'webhooks.subscriptions': [(ctx, ids) => ctx.collab.webhooks.subscriptions.list(), (ctx, ids) => ctx.collab.webhooks.subscriptions.get('sub_missing'), (ctx, ids) => ctx.collab.webhooks.subscriptions.delete('sub_missing')],
  'rooms.update': [(ctx, ids) => ctx.collab.rooms.update(ids.room, { name: 'Renamed' })],
  'documents.updates': [(ctx, ids) => ctx.collab.documents.applyUpdate(ids.room, new Uint8Array([0, 0]))],
  'documents.versions': [(ctx, ids) => ctx.collab.documents.versions.create(ids.room)],
};

/** The group a capability key belongs to (`webhooks.subscriptions` -> `webhooks`). */
export function groupOf(key: CapabilityKey): GroupName {
  return key.split('.')[0] as GroupName;
}

/**
 * One check per capability key, run only when the adapter declares it `no`: calling the guarded method
 * must reject with `UnsupportedFeatureError` naming the feature (never a silent no-op), and with a probe,
 * nothing may change in the vendor.
 */
export const unsupportedChecks: ConformanceCheck[] = CAPABILITY_KEYS.map((key) => ({
  id: `${groupOf(key)}.unsupported-${key}`,
  group: groupOf(key),
  name: `${key} is declared "no": its methods reject with UnsupportedFeatureError`,
  requires: [],
  unsupported: key,
  async run(ctx: ConformanceContext) {
    const ids = freshIds(ctx);
    const calls = [CASES[key].call, ...(EXTRA_CALLS[key] ?? [])];
    for (const [i, call] of calls.entries()) {
      const what = `${key} call #${i + 1}`;
      const err = await expectError(() => call(ctx, ids), 'unsupported_feature', what);
      const feature = (err as { feature?: unknown }).feature;
      // A call may be guarded by two keys (rooms.create with access): the other one may be the one reported when it is also "no".
      assert.ok(
        feature === key || (typeof feature === 'string' && isCapabilityKey(feature) && ctx.level(feature) === 'no'),
        `${what}: UnsupportedFeatureError.feature should be ${key}, got ${String(feature)}`,
      );
      assert.equal(err.provider, ctx.collab.provider, `${what}: UnsupportedFeatureError.provider`);
    }
    await CASES[key].unchanged?.(ctx, ids);
  },
}));
