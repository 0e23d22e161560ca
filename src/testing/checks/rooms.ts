import assert from 'node:assert/strict';
import { CollabError } from '../../core/errors.js';
import type { Room, RoomAccess } from '../../core/model/room.js';
import {
  assertDate,
  assertExactlyOnce,
  assertMetadata,
  collect,
  collectPages,
  eventually,
  expectError,
  newRoom,
  probeRoomExists,
  RUN_METADATA_KEY,
} from '../helpers.js';
import type { ConformanceCheck, ConformanceContext } from '../types.js';

async function createRooms(ctx: ConformanceContext, count: number, metadata: Record<string, string>): Promise<Room[]> {
  const rooms: Room[] = [];
  for (let i = 0; i < count; i++) rooms.push(await newRoom(ctx, { metadata }));
  return rooms;
}

function compactAccess(access: RoomAccess | undefined): RoomAccess {
  const out: RoomAccess = {};
  if (access?.default !== undefined) out.default = access.default;
  if (access?.users && Object.keys(access.users).length > 0) out.users = { ...access.users };
  if (access?.groups && Object.keys(access.groups).length > 0) out.groups = { ...access.groups };
  return out;
}

interface AccessCase {
  id: string;
  name: string;
  access(ctx: ConformanceContext): RoomAccess;
}

// Each level separately, so a `partial` adapter runs the part it supports (Velt: default write and none).
const ACCESS_CASES: AccessCase[] = [
  { id: 'rooms.access', name: 'create with access round-trips default and per-user levels together', access: (ctx) => ({ default: 'read', users: { [ctx.id('user')]: 'write' } }) },
  { id: 'rooms.access-default-write', name: 'create with access { default: write } round-trips', access: () => ({ default: 'write' }) },
  { id: 'rooms.access-default-read', name: 'create with access { default: read } round-trips', access: () => ({ default: 'read' }) },
  { id: 'rooms.access-default-none', name: 'create with access { default: none } round-trips', access: () => ({ default: 'none' }) },
  { id: 'rooms.access-users', name: 'create with per-user access levels round-trips them', access: (ctx) => ({ default: 'none', users: { [ctx.id('user')]: 'write', [ctx.id('user')]: 'read' } }) },
  { id: 'rooms.access-groups', name: 'create with per-group access levels round-trips them', access: (ctx) => ({ default: 'none', groups: { [ctx.id('group')]: 'read' } }) },
];

function accessCheck(c: AccessCase): ConformanceCheck {
  return {
    id: c.id,
    group: 'rooms',
    name: c.name,
    requires: ['rooms.create', 'rooms.get', 'rooms.access'],
    async run(ctx) {
      const id = ctx.id('room');
      const access = c.access(ctx);
      let room: Room;
      try {
        room = await ctx.collab.rooms.create({ id, metadata: { [RUN_METADATA_KEY]: ctx.runId }, access });
      } catch (err) {
        // A `partial` declaration may refuse a level it cannot store, but only loudly, before changing anything.
        if (ctx.level('rooms.access') === 'partial' && CollabError.is(err) && (err.code === 'validation_error' || err.code === 'unsupported_feature')) {
          await probeRoomExists(ctx, id, false, 'after a refused access level');
          return ctx.skip(`rooms.access is partial and the adapter refuses ${JSON.stringify(access)}: ${err.message}`);
        }
        throw err;
      }
      if (ctx.available('rooms.delete')) ctx.defer(() => ctx.collab.rooms.delete(id));
      assert.deepEqual(compactAccess(room.access), access, 'create result: access');
      assert.deepEqual(compactAccess((await ctx.collab.rooms.get(id)).access), access, 'get: access');
    },
  };
}

/** Checks of `collab.rooms`. */
export const roomChecks: ConformanceCheck[] = [
  {
    id: 'rooms.roundtrip',
    group: 'rooms',
    name: 'create then get round-trips id, name and metadata',
    requires: ['rooms.create', 'rooms.get'],
    async run(ctx) {
      const metadata = { color: 'red', title: 'Conformance room ✓' };
      const room = await newRoom(ctx, { name: 'Conformance room', metadata });
      const expected = { [RUN_METADATA_KEY]: ctx.runId, ...metadata };
      assert.equal(typeof room.id, 'string');
      assert.equal(room.name, 'Conformance room', 'create result: name');
      assertMetadata(room.metadata, expected, 'create result');
      if (room.createdAt !== undefined) assertDate(room.createdAt, 'create result: createdAt');
      const got = await ctx.collab.rooms.get(room.id);
      assert.equal(got.id, room.id, 'get: id');
      assert.equal(got.name, 'Conformance room', 'get: name');
      assertMetadata(got.metadata, expected, 'get');
      if (got.createdAt !== undefined) assertDate(got.createdAt, 'get: createdAt');
      await probeRoomExists(ctx, room.id, true, 'after create');
      if (ctx.probe.roomName) assert.equal(await ctx.probe.roomName(room.id), 'Conformance room', 'probe.roomName after create');
      if (ctx.probe.roomMetadata) {
        const stored = await ctx.probe.roomMetadata(room.id);
        assert.ok(stored, 'probe.roomMetadata: room missing in the vendor');
        for (const [k, v] of Object.entries(metadata)) assert.deepEqual(stored[k], v, `probe.roomMetadata: key ${k}`);
      }
    },
  },
  {
    id: 'rooms.create-duplicate',
    group: 'rooms',
    name: 'create with a taken id rejects with ConflictError and changes nothing',
    requires: ['rooms.create', 'rooms.get'],
    async run(ctx) {
      const room = await newRoom(ctx, { metadata: { color: 'red' } });
      await expectError(
        () => ctx.collab.rooms.create({ id: room.id, metadata: { color: 'blue' } }),
        'conflict',
        'rooms.create with an existing id',
      );
      const got = await ctx.collab.rooms.get(room.id);
      assert.equal(got.metadata.color, 'red', 'the existing room must keep its metadata');
      if (ctx.probe.roomMetadata) assert.equal((await ctx.probe.roomMetadata(room.id))?.color, 'red', 'probe.roomMetadata after the failed create');
    },
  },
  {
    id: 'rooms.create-idempotent',
    group: 'rooms',
    name: 'create with idempotent: true returns the existing room',
    requires: ['rooms.create'],
    async run(ctx) {
      const room = await newRoom(ctx, { metadata: { color: 'red' } });
      const again = await ctx.collab.rooms.create({ id: room.id, metadata: { color: 'blue' }, idempotent: true });
      assert.equal(again.id, room.id, 'idempotent create: id');
      assert.equal(again.metadata.color, 'red', 'idempotent create must return the existing room, not apply the new input');
      if (ctx.probe.roomMetadata) assert.equal((await ctx.probe.roomMetadata(room.id))?.color, 'red', 'probe.roomMetadata after idempotent create');
    },
  },
  {
    id: 'rooms.update-metadata',
    group: 'rooms',
    name: 'update patches metadata: null deletes a key, other keys are kept',
    requires: ['rooms.create', 'rooms.get', 'rooms.update'],
    async run(ctx) {
      const room = await newRoom(ctx, { metadata: { a: '1', b: '2' } });
      const updated = await ctx.collab.rooms.update(room.id, { metadata: { b: null, c: '3' } });
      const expected = { [RUN_METADATA_KEY]: ctx.runId, a: '1', c: '3' };
      assert.equal(updated.id, room.id);
      assertMetadata(updated.metadata, expected, 'update result');
      assertMetadata((await ctx.collab.rooms.get(room.id)).metadata, expected, 'get after update');
      if (ctx.probe.roomMetadata) {
        const stored = await ctx.probe.roomMetadata(room.id);
        assert.ok(stored, 'probe.roomMetadata: room missing');
        assert.equal(stored.a, '1', 'probe: kept key a');
        assert.equal(stored.c, '3', 'probe: added key c');
        assert.ok(stored.b === undefined || stored.b === null, `probe: key b should be deleted, got ${String(stored.b)}`);
      }
    },
  },
  {
    id: 'rooms.update-name',
    group: 'rooms',
    name: 'update changes the name and keeps metadata',
    requires: ['rooms.create', 'rooms.get', 'rooms.update'],
    async run(ctx) {
      const room = await newRoom(ctx, { name: 'Before', metadata: { a: '1' } });
      const updated = await ctx.collab.rooms.update(room.id, { name: 'After' });
      assert.equal(updated.name, 'After', 'update result: name');
      const got = await ctx.collab.rooms.get(room.id);
      assert.equal(got.name, 'After', 'get after update: name');
      assertMetadata(got.metadata, { [RUN_METADATA_KEY]: ctx.runId, a: '1' }, 'get after name update');
      if (ctx.probe.roomName) assert.equal(await ctx.probe.roomName(room.id), 'After', 'probe.roomName after update');
      if (ctx.probe.roomMetadata) assert.equal((await ctx.probe.roomMetadata(room.id))?.a, '1', 'probe.roomMetadata after name update: key a kept');
    },
  },
  {
    id: 'rooms.update-missing',
    group: 'rooms',
    name: 'update of a missing room rejects with NotFoundError',
    requires: ['rooms.update'],
    async run(ctx) {
      await expectError(() => ctx.collab.rooms.update(ctx.id('missing-room'), { metadata: { a: '1' } }), 'not_found', 'rooms.update of a missing room');
    },
  },
  {
    id: 'rooms.delete',
    group: 'rooms',
    name: 'delete removes the room: get then rejects with NotFoundError; a second delete resolves (idempotent)',
    requires: ['rooms.create', 'rooms.get', 'rooms.delete'],
    async run(ctx) {
      const room = await newRoom(ctx);
      await ctx.collab.rooms.delete(room.id);
      await expectError(() => ctx.collab.rooms.get(room.id), 'not_found', 'rooms.get after delete');
      await probeRoomExists(ctx, room.id, false, 'after delete');
      await ctx.collab.rooms.delete(room.id);
      await probeRoomExists(ctx, room.id, false, 'after a second delete');
    },
  },
  {
    id: 'rooms.get-missing',
    group: 'rooms',
    name: 'get of a missing room rejects with NotFoundError',
    requires: ['rooms.get'],
    async run(ctx) {
      await expectError(() => ctx.collab.rooms.get(ctx.id('missing-room')), 'not_found', 'rooms.get of a missing room');
    },
  },
  {
    id: 'rooms.list-pagination',
    group: 'rooms',
    name: 'list with a small limit visits every room exactly once',
    requires: ['rooms.create', 'rooms.list'],
    async run(ctx) {
      const batch = ctx.id('batch');
      const rooms = await createRooms(ctx, 5, { batch });
      const expected = rooms.map((r) => r.id);
      await eventually(async () => {
        if (ctx.available('rooms.metadataFilter')) {
          const { items, pages } = await collectPages((cursor) => ctx.collab.rooms.list({ limit: 2, cursor, metadata: { [RUN_METADATA_KEY]: ctx.runId, batch } }), 2);
          assertExactlyOnce(items.map((r) => r.id), expected, 'rooms.list filtered by metadata, limit 2', true);
          assert.ok(pages >= 3, `5 rooms with limit 2 need at least 3 pages, got ${pages}`);
        } else {
          const { items } = await collectPages((cursor) => ctx.collab.rooms.list({ limit: 3, cursor }), 3, 5000);
          assertExactlyOnce(items.map((r) => r.id), expected, 'rooms.list (all pages), limit 3');
        }
      }, ctx.settleMs);
    },
  },
  {
    id: 'rooms.iterate',
    group: 'rooms',
    name: 'iterate visits every room exactly once',
    requires: ['rooms.create', 'rooms.list'],
    async run(ctx) {
      const batch = ctx.id('batch');
      const rooms = await createRooms(ctx, 5, { batch });
      const expected = rooms.map((r) => r.id);
      await eventually(async () => {
        if (ctx.available('rooms.metadataFilter')) {
          const items = await collect(ctx.collab.rooms.iterate({ pageSize: 2, metadata: { [RUN_METADATA_KEY]: ctx.runId, batch } }));
          assertExactlyOnce(items.map((r) => r.id), expected, 'rooms.iterate filtered by metadata, pageSize 2', true);
        } else {
          const items = await collect(ctx.collab.rooms.iterate({ pageSize: 3 }), 1_000_000);
          assertExactlyOnce(items.map((r) => r.id), expected, 'rooms.iterate, pageSize 3');
        }
      }, ctx.settleMs);
    },
  },
  {
    id: 'rooms.metadata-filter',
    group: 'rooms',
    name: 'metadata filter: every key must match exactly (AND), non-matching rooms are excluded',
    requires: ['rooms.create', 'rooms.list', 'rooms.metadataFilter'],
    async run(ctx) {
      const batch = ctx.id('batch');
      const red = await newRoom(ctx, { metadata: { batch, color: 'red', size: 's' } });
      const redLarge = await newRoom(ctx, { metadata: { batch, color: 'red', size: 'l' } });
      const blue = await newRoom(ctx, { metadata: { batch, color: 'blue', size: 's' } });
      const base = { [RUN_METADATA_KEY]: ctx.runId, batch };
      const ids = async (filter: Record<string, string>) =>
        (await collectPages((cursor) => ctx.collab.rooms.list({ limit: 50, cursor, metadata: { ...base, ...filter } }), 50)).items.map((r) => r.id).sort();
      await eventually(async () => {
        assert.deepEqual(await ids({}), [red.id, redLarge.id, blue.id].sort(), 'filter on the batch only');
        assert.deepEqual(await ids({ color: 'red' }), [red.id, redLarge.id].sort(), 'filter color=red');
        assert.deepEqual(await ids({ color: 'red', size: 's' }), [red.id], 'filter color=red AND size=s');
        assert.deepEqual(await ids({ color: 'blue', size: 'l' }), [], 'filter color=blue AND size=l matches nothing');
        assert.deepEqual(await ids({ color: 're' }), [], 'filter color=re (a prefix) must not match: exact match');
        assert.deepEqual(await ids({ shape: 'round' }), [], 'filter on a key no room has matches nothing');
      }, ctx.settleMs);
    },
  },
  {
    id: 'rooms.archive',
    group: 'rooms',
    name: 'archive and unarchive: get shows the flag, list filters on it, other fields stay',
    requires: ['rooms.create', 'rooms.get', 'rooms.list', 'rooms.update', 'rooms.archive'],
    async run(ctx) {
      const batch = ctx.id('batch');
      const kept = await newRoom(ctx, { metadata: { batch } });
      const done = await newRoom(ctx, { metadata: { batch, state: 'done' } });
      const archived = await ctx.collab.rooms.update(done.id, { archived: true });
      assert.equal(archived.archived, true, 'update result: archived');
      assert.deepEqual(archived.metadata, done.metadata, 'archiving keeps the metadata');
      assert.equal((await ctx.collab.rooms.get(done.id)).archived, true, 'get after archive');
      assert.notEqual((await ctx.collab.rooms.get(kept.id)).archived, true, 'an untouched room is not archived');
      const listed = async (archivedFilter: boolean) => {
        // Narrowed to this check's rooms where the provider filters on metadata, so a busy account is not walked.
        const metadata = ctx.available('rooms.metadataFilter') ? { metadata: { [RUN_METADATA_KEY]: ctx.runId, batch } } : {};
        const all = await collectPages((cursor) => ctx.collab.rooms.list({ limit: 50, cursor, archived: archivedFilter, ...metadata }), 50);
        return new Set(all.items.map((r) => r.id));
      };
      await eventually(async () => {
        const onlyArchived = await listed(true);
        assert.ok(onlyArchived.has(done.id) && !onlyArchived.has(kept.id), 'list { archived: true } holds the archived room only');
        const onlyOpen = await listed(false);
        assert.ok(onlyOpen.has(kept.id) && !onlyOpen.has(done.id), 'list { archived: false } holds the unarchived room only');
      }, ctx.settleMs);
      const reopened = await ctx.collab.rooms.update(done.id, { archived: false });
      assert.equal(reopened.archived, false, 'update result: unarchived');
      assert.equal((await ctx.collab.rooms.get(done.id)).archived, false, 'get after unarchive');
    },
  },
  ...ACCESS_CASES.map(accessCheck),
];
