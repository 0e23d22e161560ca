import assert from 'node:assert/strict';
import { expectError, newRoom } from '../helpers.js';
import type { ConformanceCheck } from '../types.js';

/** An LSON root with every container kind, nested. */
const ROOT = {
  lsonType: 'LiveObject',
  data: {
    title: 'Board',
    count: 2,
    tags: ['plain', 'json'],
    cards: { lsonType: 'LiveList', data: [{ lsonType: 'LiveObject', data: { text: 'first' } }, 'second'] },
    byUser: { lsonType: 'LiveMap', data: { ada: { lsonType: 'LiveObject', data: { seen: true } } } },
  },
} as const;

const ROOT_JSON = { title: 'Board', count: 2, tags: ['plain', 'json'], cards: [{ text: 'first' }, 'second'], byUser: { ada: { seen: true } } };

/** Checks of `collab.storage`. */
export const storageChecks: ConformanceCheck[] = [
  {
    id: 'storage.round-trip',
    group: 'storage',
    name: 'initialize with LSON, then get returns it as JSON and as the same LSON',
    requires: ['storage.initialize', 'storage.get'],
    async run(ctx) {
      const room = await newRoom(ctx);
      await ctx.collab.storage.initialize(room.id, structuredClone(ROOT) as never);
      const json = await ctx.collab.storage.get(room.id);
      assert.equal(json.format, 'json', 'default format');
      assert.deepEqual(json.data, ROOT_JSON, 'storage.get as JSON');
      const lson = await ctx.collab.storage.get(room.id, { format: 'lson' });
      assert.equal(lson.format, 'lson', 'format');
      assert.deepEqual(lson.data, ROOT, 'storage.get as LSON');
    },
  },
  {
    id: 'storage.empty',
    group: 'storage',
    name: 'a room never initialised reads as an empty object (and an empty LiveObject as LSON)',
    requires: ['storage.get'],
    async run(ctx) {
      const room = await newRoom(ctx);
      assert.deepEqual((await ctx.collab.storage.get(room.id)).data, {}, 'JSON of an empty storage');
      assert.deepEqual((await ctx.collab.storage.get(room.id, { format: 'lson' })).data, { lsonType: 'LiveObject', data: {} }, 'LSON of an empty storage');
    },
  },
  {
    id: 'storage.initialize-conflict',
    group: 'storage',
    name: 'initialize of a storage that is not empty rejects with ConflictError and keeps it',
    requires: ['storage.initialize', 'storage.get'],
    async run(ctx) {
      const room = await newRoom(ctx);
      await ctx.collab.storage.initialize(room.id, { lsonType: 'LiveObject', data: { kept: true } });
      await expectError(() => ctx.collab.storage.initialize(room.id, { lsonType: 'LiveObject', data: { other: 1 } }), 'conflict', 'a second initialize');
      assert.deepEqual((await ctx.collab.storage.get(room.id)).data, { kept: true }, 'storage after the refused initialize');
    },
  },
  {
    id: 'storage.delete',
    group: 'storage',
    name: 'delete empties the storage, is idempotent, and initialize works again after it',
    requires: ['storage.initialize', 'storage.get', 'storage.delete'],
    async run(ctx) {
      const room = await newRoom(ctx);
      await ctx.collab.storage.initialize(room.id, { lsonType: 'LiveObject', data: { a: 1 } });
      await ctx.collab.storage.delete(room.id);
      assert.deepEqual((await ctx.collab.storage.get(room.id)).data, {}, 'storage after delete');
      await ctx.collab.storage.delete(room.id);
      await ctx.collab.storage.initialize(room.id, { lsonType: 'LiveObject', data: { b: 2 } });
      assert.deepEqual((await ctx.collab.storage.get(room.id)).data, { b: 2 }, 'storage initialised again');
    },
  },
  {
    id: 'storage.patch',
    group: 'storage',
    name: 'patch applies add, replace, remove and move to the JSON form; a failing test op applies nothing',
    requires: ['storage.initialize', 'storage.get', 'storage.patch'],
    async run(ctx) {
      const room = await newRoom(ctx);
      await ctx.collab.storage.initialize(room.id, structuredClone(ROOT) as never);
      await ctx.collab.storage.patch(room.id, [
        { op: 'replace', path: '/title', value: 'Renamed' },
        { op: 'add', path: '/cards/1', value: 'inserted' },
        { op: 'remove', path: '/tags' },
        { op: 'move', from: '/count', path: '/total' },
        { op: 'add', path: '/byUser/bob', value: { seen: false } },
      ]);
      const expected = { title: 'Renamed', cards: [{ text: 'first' }, 'inserted', 'second'], byUser: { ada: { seen: true }, bob: { seen: false } }, total: 2 };
      assert.deepEqual((await ctx.collab.storage.get(room.id)).data, expected, 'storage after the patch');
      const failed = await ctx.collab.storage.patch(room.id, [{ op: 'replace', path: '/title', value: 'Not applied' }, { op: 'test', path: '/total', value: 99 }]).then(
        () => undefined,
        (err: unknown) => err,
      );
      assert.ok(failed !== undefined, 'a patch whose test op fails rejects');
      assert.deepEqual((await ctx.collab.storage.get(room.id)).data, expected, 'storage after the failed patch (all or nothing)');
    },
  },
  {
    id: 'storage.validation',
    group: 'storage',
    name: 'a root that is not a LiveObject node and an empty patch reject with ValidationError naming the field',
    requires: ['storage.initialize'],
    async run(ctx) {
      const room = await newRoom(ctx);
      await expectError(() => ctx.collab.storage.initialize(room.id, { title: 'plain' } as never), 'validation_error', 'initialize with plain JSON', { field: (f) => f.includes('root'), fieldLabel: 'root' });
      await expectError(() => ctx.collab.storage.initialize(room.id, { lsonType: 'LiveList', data: [] } as never), 'validation_error', 'initialize with a LiveList root', { field: (f) => f.includes('root'), fieldLabel: 'root' });
      await expectError(() => ctx.collab.storage.get(room.id, { format: 'xml' as 'json' }), 'validation_error', 'get with an unknown format', { field: (f) => f.includes('format'), fieldLabel: 'format' });
      if (ctx.available('storage.patch')) {
        await expectError(() => ctx.collab.storage.patch(room.id, []), 'validation_error', 'an empty patch', { field: (f) => f.includes('operations'), fieldLabel: 'operations' });
        await expectError(() => ctx.collab.storage.patch(room.id, [{ op: 'explode', path: '/a' } as never]), 'validation_error', 'an unknown patch op', { field: (f) => f.includes('operations'), fieldLabel: 'operations' });
      }
    },
  },
  {
    id: 'storage.unknown-room',
    group: 'storage',
    name: 'get of a room that does not exist rejects with NotFoundError',
    requires: ['storage.get', 'rooms.create'],
    async run(ctx) {
      await expectError(() => ctx.collab.storage.get(ctx.id('missing-room')), 'not_found', 'storage.get of a missing room');
    },
  },
];
