import assert from 'node:assert/strict';
import type { PresenceEntry } from '../../core/model/presence.js';
import { describeValue, eventually, newRoom, newUser, sleep } from '../helpers.js';
import type { ConformanceCheck, ConformanceContext } from '../types.js';

async function probeHas(ctx: ConformanceContext, roomId: string, userId: string, expected: boolean, what: string): Promise<void> {
  if (!ctx.probe.presenceUserIds) return;
  const ids = await ctx.probe.presenceUserIds(roomId);
  assert.equal(ids.includes(userId), expected, `probe.presenceUserIds ${what}: ${describeValue(ids)}`);
}

async function probeEventually(ctx: ConformanceContext, roomId: string, userId: string, expected: boolean, what: string): Promise<void> {
  await eventually(() => probeHas(ctx, roomId, userId, expected, what), ctx.settleMs);
}

function find(entries: PresenceEntry[], userId: string): PresenceEntry | undefined {
  assert.ok(Array.isArray(entries), `presence.list must return an array, got ${describeValue(entries)}`);
  return entries.find((e) => e.userId === userId);
}

/** Checks of `collab.presence`. */
export const presenceChecks: ConformanceCheck[] = [
  {
    id: 'presence.set-list',
    group: 'presence',
    name: 'set then list contains the user with its data (when presence.list is yes) and info',
    requires: ['presence.set', 'presence.list'],
    async run(ctx) {
      const room = await newRoom(ctx);
      const userId = await newUser(ctx);
      const data = { cursor: { x: 10, y: 20 }, typing: false };
      const info = { name: 'Ada Conformance' };
      await ctx.collab.presence.set({ roomId: room.id, userId, data, info, ttlSeconds: 60 });
      if (ctx.available('presence.clear')) ctx.defer(() => ctx.collab.presence.clear(room.id, userId));
      const entry = await eventually(async () => {
        const e = find(await ctx.collab.presence.list(room.id), userId);
        assert.ok(e, `presence.list should contain ${userId}`);
        return e;
      }, ctx.settleMs);
      // A `partial` presence.list may not return data (Liveblocks REST never does); a `yes` one must.
      if (ctx.level('presence.list') === 'yes' || entry.data !== undefined) assert.deepEqual(entry.data, data, 'presence entry data');
      if (entry.info !== undefined) assert.deepEqual(entry.info, info, 'presence entry info');
      await probeHas(ctx, room.id, userId, true, 'after set');
    },
  },
  {
    id: 'presence.clear',
    group: 'presence',
    name: 'clear removes the user from the room',
    requires: ['presence.set', 'presence.list', 'presence.clear'],
    async run(ctx) {
      const room = await newRoom(ctx);
      const userId = await newUser(ctx);
      const other = await newUser(ctx, 'other');
      await ctx.collab.presence.set({ roomId: room.id, userId, ttlSeconds: 60 });
      await ctx.collab.presence.set({ roomId: room.id, userId: other, ttlSeconds: 60 });
      ctx.defer(() => ctx.collab.presence.clear(room.id, other));
      await ctx.collab.presence.clear(room.id, userId);
      await eventually(async () => {
        const entries = await ctx.collab.presence.list(room.id);
        assert.equal(find(entries, userId), undefined, 'presence.list after clear must not contain the user');
        assert.ok(find(entries, other), 'clear must not remove other users');
      }, ctx.settleMs);
      await probeHas(ctx, room.id, userId, false, 'after clear');
    },
  },
  {
    id: 'presence.expiry',
    group: 'presence',
    name: 'an entry set with ttlSeconds: 2 disappears within ttl + 5 s',
    requires: ['presence.set', 'presence.list'],
    slow: true,
    async run(ctx) {
      const room = await newRoom(ctx);
      const userId = await newUser(ctx);
      const start = Date.now();
      await ctx.collab.presence.set({ roomId: room.id, userId, ttlSeconds: 2 });
      if (ctx.available('presence.clear')) ctx.defer(() => ctx.collab.presence.clear(room.id, userId));
      await eventually(async () => assert.ok(find(await ctx.collab.presence.list(room.id), userId), 'present right after set'), 1500);
      for (;;) {
        const entries = await ctx.collab.presence.list(room.id);
        if (!find(entries, userId)) break;
        assert.ok(Date.now() - start < 7000, `still present ${Date.now() - start} ms after set with ttlSeconds: 2`);
        await sleep(250);
      }
      await probeHas(ctx, room.id, userId, false, 'after expiry');
    },
  },
  // Through the probe only, so they run where presence.list is `no` (Velt sets and clears presence over REST but cannot read it).
  {
    id: 'presence.set-probe',
    group: 'presence',
    name: 'set makes the user present in the vendor (read through the probe, so it runs without presence.list)',
    requires: ['presence.set'],
    requiresProbe: ['presenceUserIds'],
    async run(ctx) {
      const room = await newRoom(ctx);
      const userId = await newUser(ctx);
      const other = await newUser(ctx, 'other');
      if (ctx.available('presence.clear')) ctx.defer(() => ctx.collab.presence.clear(room.id, userId));
      await probeEventually(ctx, room.id, userId, false, 'before set');
      await ctx.collab.presence.set({ roomId: room.id, userId, data: { typing: false }, info: { name: 'Ada Conformance' }, ttlSeconds: 60 });
      await probeEventually(ctx, room.id, userId, true, 'after set');
      await probeEventually(ctx, room.id, other, false, 'of a user who set nothing');
    },
  },
  {
    id: 'presence.clear-probe',
    group: 'presence',
    name: 'clear removes the user from the vendor and leaves the others (read through the probe)',
    requires: ['presence.set', 'presence.clear'],
    requiresProbe: ['presenceUserIds'],
    async run(ctx) {
      const room = await newRoom(ctx);
      const userId = await newUser(ctx);
      const other = await newUser(ctx, 'other');
      await ctx.collab.presence.set({ roomId: room.id, userId, ttlSeconds: 60 });
      await ctx.collab.presence.set({ roomId: room.id, userId: other, ttlSeconds: 60 });
      ctx.defer(() => ctx.collab.presence.clear(room.id, other));
      await probeEventually(ctx, room.id, userId, true, 'after set');
      await ctx.collab.presence.clear(room.id, userId);
      await probeEventually(ctx, room.id, userId, false, 'after clear');
      await probeEventually(ctx, room.id, other, true, 'of the other user after clear');
    },
  },
];
