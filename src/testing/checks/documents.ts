import assert from 'node:assert/strict';
import type { SharedType } from '../../core/model/document.js';
import { MAX_DOCUMENT_UPDATE_BYTES } from '../../core/model/document.js';
import { describeValue, eventually, expectError, newRoom } from '../helpers.js';
import type { ConformanceCheck, ConformanceContext } from '../types.js';

/** Loaded when a check needs a real `Y.Doc` (the suite is importable without ever loading `yjs`). */
const yjs = () => import('yjs');

/** One value per shared type, each with something a sloppy mapping would lose (nesting, unicode, order). */
const SAMPLES: ReadonlyArray<{ type: SharedType; value: unknown; replacement: unknown }> = [
  { type: 'text', value: 'Hello, Yjs \u2713 \u{1F600}', replacement: 'Hello again' },
  { type: 'map', value: { title: 'Plan', count: 3, done: false, nested: { tags: ['a', 'b'], none: null } }, replacement: { title: 'Plan B' } },
  { type: 'array', value: [1, 'two', { three: 3 }, [4], null, true], replacement: ['only'] },
  { type: 'xml', value: '<paragraph align="left">Hello <bold>world</bold></paragraph><paragraph>second</paragraph>', replacement: '<heading>Title</heading>' },
];

const EMPTY: Readonly<Record<SharedType, unknown>> = { text: '', map: {}, array: [], xml: '' };

async function requestsSoFar(ctx: ConformanceContext): Promise<number | undefined> {
  return ctx.probe.requestCount ? await ctx.probe.requestCount() : undefined;
}

/** Checks of `collab.documents`. */
export const documentChecks: ConformanceCheck[] = [
  {
    id: 'documents.round-trip',
    group: 'documents',
    name: 'set then get returns the same JSON for every shared type, and a second set replaces it',
    requires: ['documents.get', 'documents.set'],
    async run(ctx) {
      const room = await newRoom(ctx);
      for (const { type, value, replacement } of SAMPLES) {
        const key = `uc-${type}`;
        await ctx.collab.documents.set(room.id, { key, type, value });
        const read = await ctx.collab.documents.get(room.id, { key, type });
        assert.deepEqual(read.value, value, `documents.get of the ${type} just set`);
        assert.equal(read.key, key, `${type}: key`);
        assert.equal(read.type, type, `${type}: type`);
        if (ctx.probe.documentValue) assert.deepEqual(await ctx.probe.documentValue(room.id, key, type), value, `${type}: the vendor's own view`);
        await ctx.collab.documents.set(room.id, { key, type, value: replacement });
        assert.deepEqual((await ctx.collab.documents.get(room.id, { key, type })).value, replacement, `documents.get of the replaced ${type}`);
      }
    },
  },
  {
    id: 'documents.empty',
    group: 'documents',
    name: 'a key never written reads as the empty value of its type',
    requires: ['documents.get'],
    async run(ctx) {
      const room = await newRoom(ctx);
      for (const type of Object.keys(EMPTY) as SharedType[]) {
        const read = await ctx.collab.documents.get(room.id, { key: `uc-absent-${type}`, type });
        assert.deepEqual(read.value, EMPTY[type], `documents.get of an absent ${type}`);
      }
    },
  },
  {
    id: 'documents.list',
    group: 'documents',
    name: 'list names the keys written, with their types where given, and nothing for a new room',
    requires: ['documents.list', 'documents.set'],
    async run(ctx) {
      const room = await newRoom(ctx);
      assert.deepEqual(await ctx.collab.documents.list(room.id), [], 'documents.list of a new room');
      await ctx.collab.documents.set(room.id, { key: 'body', type: 'text', value: 'words' });
      await ctx.collab.documents.set(room.id, { key: 'meta', type: 'map', value: { a: 1 } });
      const entries = await ctx.collab.documents.list(room.id);
      for (const [key, type] of [['body', 'text'], ['meta', 'map']] as const) {
        const entry = entries.find((e) => e.key === key);
        assert.ok(entry, `documents.list lacks ${key}: ${describeValue(entries)}`);
        if (entry.type !== undefined) assert.equal(entry.type, type, `documents.list type of ${key}`);
      }
    },
  },
  {
    id: 'documents.binary-updates',
    group: 'documents',
    name: "an update made by a real Y.Doc reads back as JSON, and getUpdate loads into a Y.Doc with the same content",
    requires: ['documents.updates', 'documents.get'],
    async run(ctx) {
      const Y = await yjs();
      const room = await newRoom(ctx);
      const local = new Y.Doc();
      local.getText('body').insert(0, 'typed in a Y.Doc');
      local.getMap('meta').set('author', 'ada');
      local.getArray('items').push([1, 2, 3]);
      await ctx.collab.documents.applyUpdate(room.id, Y.encodeStateAsUpdate(local));
      assert.equal((await ctx.collab.documents.get(room.id, { key: 'body', type: 'text' })).value, 'typed in a Y.Doc', 'text from the update');
      assert.deepEqual((await ctx.collab.documents.get(room.id, { key: 'meta', type: 'map' })).value, { author: 'ada' }, 'map from the update');
      assert.deepEqual((await ctx.collab.documents.get(room.id, { key: 'items', type: 'array' })).value, [1, 2, 3], 'array from the update');
      const state = await ctx.collab.documents.getUpdate(room.id);
      assert.ok(state instanceof Uint8Array, `getUpdate returns a Uint8Array, got ${describeValue(state)}`);
      const copy = new Y.Doc();
      Y.applyUpdate(copy, state);
      assert.equal(copy.getText('body').toString(), 'typed in a Y.Doc', 'getUpdate: text');
      assert.deepEqual(copy.getMap('meta').toJSON(), { author: 'ada' }, 'getUpdate: map');
    },
  },
  {
    id: 'documents.concurrent-updates',
    group: 'documents',
    name: 'concurrent applyUpdate calls from two replicas merge as Yjs merges them (nothing lost)',
    requires: ['documents.updates', 'documents.get'],
    async run(ctx) {
      const Y = await yjs();
      const room = await newRoom(ctx);
      const origin = new Y.Doc();
      origin.getText('body').insert(0, 'shared ');
      await ctx.collab.documents.applyUpdate(room.id, Y.encodeStateAsUpdate(origin));
      const base = await ctx.collab.documents.getUpdate(room.id);
      const [a, b] = [new Y.Doc(), new Y.Doc()];
      Y.applyUpdate(a, base);
      Y.applyUpdate(b, base);
      const svA = Y.encodeStateVector(a);
      const svB = Y.encodeStateVector(b);
      a.getText('body').insert(0, 'alpha ');
      b.getText('body').insert(b.getText('body').length, 'beta');
      await Promise.all([ctx.collab.documents.applyUpdate(room.id, Y.encodeStateAsUpdate(a, svA)), ctx.collab.documents.applyUpdate(room.id, Y.encodeStateAsUpdate(b, svB))]);
      Y.applyUpdate(a, Y.encodeStateAsUpdate(b, svB));
      const expected = a.getText('body').toString();
      assert.ok(expected.includes('alpha') && expected.includes('beta'), `local merge keeps both edits: ${expected}`);
      await eventually(async () => {
        assert.equal((await ctx.collab.documents.get(room.id, { key: 'body', type: 'text' })).value, expected, 'the merged text');
      }, ctx.settleMs);
    },
  },
  {
    id: 'documents.validation',
    group: 'documents',
    name: 'bad keys, types, values and updates reject with ValidationError naming the field, before any request',
    requires: ['documents.get', 'documents.set'],
    async run(ctx) {
      const room = await newRoom(ctx);
      const before = await requestsSoFar(ctx);
      const docs = ctx.collab.documents;
      await expectError(() => docs.get(room.id, { key: '', type: 'text' }), 'validation_error', 'documents.get with an empty key', { field: (f) => f.endsWith('key'), fieldLabel: 'key' });
      await expectError(() => docs.get(room.id, { key: 'k', type: 'yjs' as SharedType }), 'validation_error', 'documents.get with an unknown type', { field: (f) => f.endsWith('type'), fieldLabel: 'type' });
      await expectError(() => docs.set(room.id, { key: 'k', type: 'text', value: { not: 'a string' } }), 'validation_error', 'documents.set of an object as text', { field: (f) => f.endsWith('value'), fieldLabel: 'value' });
      await expectError(() => docs.set(room.id, { key: 'k', type: 'map', value: [1] }), 'validation_error', 'documents.set of an array as a map', { field: (f) => f.endsWith('value'), fieldLabel: 'value' });
      await expectError(() => docs.set(room.id, { key: 'k', type: 'xml', value: '<open>' }), 'validation_error', 'documents.set of unclosed XML', { field: (f) => f.endsWith('value'), fieldLabel: 'value' });
      await expectError(() => docs.set(room.id, { key: 'k', type: 'text', value: 'x'.repeat(2 * 1024 * 1024 + 1) }), 'validation_error', 'documents.set of a text over 2 MiB', { field: (f) => f.endsWith('value'), fieldLabel: 'value' });
      if (ctx.available('documents.updates')) {
        await expectError(() => docs.applyUpdate(room.id, 'AAA=' as unknown as Uint8Array), 'validation_error', 'applyUpdate of a string', { field: (f) => f.endsWith('update'), fieldLabel: 'update' });
        await expectError(() => docs.applyUpdate(room.id, new Uint8Array(0)), 'validation_error', 'applyUpdate of no bytes', { field: (f) => f.endsWith('update'), fieldLabel: 'update' });
        await expectError(() => docs.applyUpdate(room.id, new Uint8Array(MAX_DOCUMENT_UPDATE_BYTES + 1)), 'validation_error', 'applyUpdate over the size limit', { field: (f) => f.endsWith('update'), fieldLabel: 'update' });
      }
      const after = await requestsSoFar(ctx);
      if (before !== undefined) assert.equal(after, before, 'no request was sent for invalid input');
      if (ctx.available('documents.updates')) {
        // Well-formed in size but not a Yjs update: refused (by core or by the vendor), never stored.
        await expectError(() => docs.applyUpdate(room.id, new Uint8Array([1, 2, 3, 4, 5])), 'validation_error', 'applyUpdate of bytes that are not a Yjs update', { field: (f) => f.endsWith('update'), fieldLabel: 'update' });
      }
    },
  },
  {
    id: 'documents.kind-mismatch',
    group: 'documents',
    name: 'writing a key as another type than it holds is refused with ConflictError, and the content is kept',
    requires: ['documents.get', 'documents.set'],
    async run(ctx) {
      const room = await newRoom(ctx);
      await ctx.collab.documents.set(room.id, { key: 'body', type: 'text', value: 'kept' });
      await expectError(() => ctx.collab.documents.set(room.id, { key: 'body', type: 'map', value: { a: 1 } }), 'conflict', 'documents.set of a map over a text');
      assert.equal((await ctx.collab.documents.get(room.id, { key: 'body', type: 'text' })).value, 'kept', 'the text after the refused write');
    },
  },
  {
    id: 'documents.unknown-room',
    group: 'documents',
    name: 'get of a room that does not exist rejects with NotFoundError',
    requires: ['documents.get', 'rooms.create'],
    async run(ctx) {
      await expectError(() => ctx.collab.documents.get(ctx.id('missing-room'), { key: 'body', type: 'text' }), 'not_found', 'documents.get of a missing room');
    },
  },
  {
    id: 'documents.versions',
    group: 'documents',
    name: 'versions.create saves a version that versions.list returns',
    requires: ['documents.versions', 'documents.set'],
    async run(ctx) {
      const room = await newRoom(ctx);
      await ctx.collab.documents.set(room.id, { key: 'body', type: 'text', value: 'version one' });
      const created = await ctx.collab.documents.versions.create(room.id);
      assert.equal(typeof created.id, 'string', 'version id');
      await eventually(async () => {
        const versions = await ctx.collab.documents.versions.list(room.id);
        assert.ok(versions.some((v) => v.id === created.id), `versions.list lacks ${created.id}: ${describeValue(versions)}`);
        for (const v of versions) assert.ok(v.createdAt instanceof Date && !Number.isNaN(v.createdAt.getTime()), `createdAt of ${v.id}`);
      }, ctx.settleMs);
    },
  },
];
