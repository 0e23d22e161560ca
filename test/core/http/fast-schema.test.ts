import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as kabelwerk from '../../../src/adapters/kabelwerk/schemas.js';
import * as liveblocks from '../../../src/adapters/liveblocks/schemas.js';
import * as velt from '../../../src/adapters/velt/schemas.js';
import { compileSchema, compileSchemaInterpreted, INVALID } from '../../../src/core/http/fast-schema.js';

// The compiled check must accept exactly what zod accepts and give zod's output for it.

interface Def {
  type: string;
  innerType?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  values?: unknown[];
  in?: z.ZodType;
}
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

const ABSENT = Symbol('absent');
const strings = fc.oneof(
  { arbitrary: fc.string({ maxLength: 8 }), weight: 1 },
  { arbitrary: fc.constant('2024-01-01T00:00:00.000Z'), weight: 2 },
  fc.constantFrom('2024-01-01T00:00:00.000Z', '2022-07-13T14:32:50.697Z', 'not a date', '', '42', 'room', 'comment', 'thread', 'LiveObject', '__proto__'),
);
const keys = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('__proto__', 'id', 'toString', 'constructor'));

/** Values shaped like `schema` (mostly valid), with a few wrong ones mixed in at every level. */
function shaped(schema: z.ZodType, depth: number): fc.Arbitrary<unknown> {
  const wrong = fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constant(ABSENT));
  if (depth > 5) return wrong;
  const valid = validFor(schema, depth);
  return fc.oneof({ arbitrary: valid, weight: 19 }, { arbitrary: wrong, weight: 1 });
}

function validFor(schema: z.ZodType, depth: number): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return strings;
    case 'number':
      return fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true, noDefaultInfinity: true }));
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'literal':
      return fc.constantFrom(...(def.values ?? []));
    case 'optional':
    case 'default':
      return fc.oneof(fc.constant(ABSENT), shaped(def.innerType!, depth));
    case 'nullable':
      return fc.oneof(fc.constant(null), shaped(def.innerType!, depth));
    case 'array':
      return fc.array(shaped(def.element!, depth + 1), { maxLength: 3 });
    case 'union':
      return fc.oneof(...(def.options ?? []).map((o) => shaped(o, depth)));
    case 'record':
      return fc.dictionary(keys, shaped(def.valueType!, depth + 1), { maxKeys: 3 });
    case 'pipe':
      return shaped(def.in!, depth);
    case 'lazy':
      // The adapters' response schemas are lazy (built on first use): valid values are the inner schema's.
      return validFor((schema as unknown as { _zod: { innerType: z.ZodType } })._zod.innerType, depth);
    case 'object': {
      const shape = def.shape ?? {};
      const fields = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, shaped(v, depth + 1)]));
      return fc.tuple(fc.record(fields), fc.dictionary(keys, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 })).map(([known, extra]) => ({ ...extra, ...known }));
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Drops the `ABSENT` markers and makes the value real JSON, as the HTTP client hands it over. */
function asJson(value: unknown): string | undefined {
  return JSON.stringify(value, (_k, v: unknown) => (v === ABSENT ? undefined : v));
}

const interpreted = new WeakMap<z.ZodType, Array<(v: unknown) => unknown>>();

/**
 * Checks the generated and the interpreted compiled check, each for any input and for JSON input (the
 * mode the HTTP client uses), against `safeParse`; true when zod accepts. Every input here is JSON.
 */
function expectSameAsZod(schema: z.ZodType, text: string | undefined): boolean {
  const input = (): unknown => (text === undefined ? undefined : JSON.parse(text));
  const slow = schema.safeParse(input());
  let others = interpreted.get(schema);
  if (others === undefined) interpreted.set(schema, (others = [compileSchemaInterpreted(schema), compileSchemaInterpreted(schema, 'json')]));
  for (const fast of [compileSchema(schema)(input()), compileSchema(schema, 'json')(input()), ...others.map((check) => check(input()))]) {
    if (!slow.success) expect(fast).toBe(INVALID);
    else {
      expect(fast).not.toBe(INVALID);
      // Same values, same keys in the same order (undefined-valued keys included), same prototypes.
      expect(structure(fast)).toStrictEqual(structure(slow.data));
    }
  }
  return slow.success;
}

/** A value as nested entry lists, so comparing two compares key order and prototypes too (a `constructor` key is data). */
function structure(value: unknown): unknown {
  if (Array.isArray(value)) return ['array', value.map(structure)];
  if (typeof value === 'object' && value !== null) {
    const proto = Object.getPrototypeOf(value) === Object.prototype ? 'object' : String(Object.getPrototypeOf(value));
    return [proto, Reflect.ownKeys(value).map((k) => [String(k), structure((value as Record<PropertyKey, unknown>)[k])])];
  }
  return value;
}

const schemas: Array<[string, z.ZodType]> = [];
for (const [vendor, module] of [
  ['liveblocks', liveblocks],
  ['velt', velt],
  ['kabelwerk', kabelwerk],
] as const) {
  for (const [name, value] of Object.entries(module)) if (value instanceof z.ZodType) schemas.push([`${vendor}.${name}`, value]);
}
for (const [name, value] of Object.entries(velt.RESULT_DATA)) schemas.push([`velt.RESULT_DATA.${name}`, value]);

describe('compileSchema: the same answer as zod', () => {
  it('finds the vendor schemas', () => {
    expect(schemas.length).toBeGreaterThan(30);
  });

  for (const [name, schema] of schemas) {
    it(`${name}: accepts and rejects exactly what zod does, with zod's output`, () => {
      let accepted = 0;
      fc.assert(
        fc.property(shaped(schema, 0), (value) => {
          if (expectSameAsZod(schema, asJson(value))) accepted++;
        }),
        { numRuns: 300 },
      );
      // Both sides of the answer are exercised.
      expect(accepted).toBeGreaterThan(0);
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
          expectSameAsZod(schema, JSON.stringify(value));
        }),
        { numRuns: 100 },
      );
    });
  }

  it('the reference "Get room" answer', () => {
    const room = {
      type: 'room',
      id: 'react-todo-list',
      lastConnectionAt: '2022-08-04T21:07:09.380Z',
      createdAt: '2022-07-13T14:32:50.697Z',
      metadata: { color: 'blue', size: '10', target: ['abc', 'def'] },
      defaultAccesses: ['room:write'],
      groupsAccesses: { marketing: ['room:write'] },
      usersAccesses: { alice: ['room:write'], vinod: ['room:write'] },
    };
    expectSameAsZod(liveblocks.LbRoomSchema, JSON.stringify(room));
    expectSameAsZod(liveblocks.LbRoomSchema, JSON.stringify({ ...room, createdAt: 'yesterday' }));
    expectSameAsZod(liveblocks.LbRoomSchema, JSON.stringify({ id: 'r' }));
    expectSameAsZod(liveblocks.LbRoomSchema, '{"id":"r","__proto__":{"polluted":true},"metadata":{"__proto__":"x","a":"b"}}');
  });

  it('gives every call its own default values', () => {
    const check = compileSchema(liveblocks.LbRoomSchema);
    const a = check({ id: 'a' }) as { metadata: object; defaultAccesses: unknown[] };
    const b = check({ id: 'b' }) as { metadata: object; defaultAccesses: unknown[] };
    expect(a.metadata).toEqual({});
    expect(a.metadata).not.toBe(b.metadata);
    expect(a.defaultAccesses).not.toBe(b.defaultAccesses);
  });

  it('hand-made schemas: strict and strip objects, checks, transforms, records, recursion', () => {
    const cases: Array<[z.ZodType, unknown[]]> = [
      [z.object({ a: z.string() }), [{ a: 'x', b: 1 }, { a: 1 }, {}, null, []]],
      [z.strictObject({ a: z.string().optional() }), [{}, { a: 'x' }, { b: 1 }, { __proto__: 1 }]],
      [z.string().min(2).max(3), ['a', 'ab', 'abcd', 3]],
      [z.number().int().positive(), [1, 0, 1.5, -1, '1']],
      [z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]), [1, '12', 'x', 1.5]],
      [z.record(z.string(), z.number()), [{ a: 1 }, { a: 'x' }, {}, [], { __proto__: 1, b: 2 }]],
      [z.record(z.enum(['a', 'b']), z.number()), [{ a: 1, b: 2 }, { a: 1 }, { c: 1, a: 1, b: 2 }]],
      [z.array(z.string().default('d')), [['x'], [], [1]]],
      [z.looseObject({ a: z.string().default('z'), b: z.number().nullable().optional() }), [{}, { a: 'x', b: null }, { b: 'x' }, { c: [1] }]],
      [z.object({ a: z.unknown(), b: z.any().optional() }), [{}, { a: 1 }, { b: undefined }]],
      [z.discriminatedUnion('k', [z.object({ k: z.literal('a'), x: z.string() }), z.object({ k: z.literal('b') })]), [{ k: 'a', x: 's' }, { k: 'b' }, { k: 'c' }]],
      [z.custom<object>((v) => typeof v === 'object' && v !== null), [{}, 1, null]],
      [z.string().optional().default('q'), [undefined, 'x']],
      [z.object({ d: z.string().default('x').optional() }), [{}, { d: 'y' }]],
    ];
    for (const [schema, values] of cases) for (const value of values) expectSameAsZod(schema, value === undefined ? undefined : JSON.stringify(value));

    interface Tree {
      name: string;
      children: Tree[];
    }
    const Tree: z.ZodType<Tree> = z.object({
      name: z.string(),
      get children() {
        return z.array(Tree);
      },
    });
    expectSameAsZod(Tree, JSON.stringify({ name: 'a', children: [{ name: 'b', children: [] }] }));
    expectSameAsZod(Tree, JSON.stringify({ name: 'a', children: [{ name: 1, children: [] }] }));
  });

  it('records: non-enumerable keys are dropped and symbol keys rejected, as zod does', () => {
    const schema = z.record(z.string(), z.number());
    const hidden = Object.defineProperty({ a: 1 }, 'b', { value: 2, enumerable: false });
    expect(compileSchema(schema)(hidden)).toStrictEqual(schema.parse(hidden));
    const symbolic = { a: 1, [Symbol('s')]: 2 };
    expect(compileSchema(schema)(symbolic)).toBe(INVALID);
    expect(schema.safeParse(symbolic).success).toBe(false);
  });
});

describe('the HTTP client with a compiled check', () => {
  const answering = (body: unknown) => (async () => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } })) as typeof fetch;

  it("returns zod's output for a valid body and names the drifting field of an invalid one", async () => {
    const { createHttpClient } = await import('../../../src/core/http/client.js');
    const room = { id: 'r', createdAt: '2024-01-01T00:00:00.000Z', extra: 1 };
    const ok = createHttpClient({ provider: 'x', baseUrl: 'http://unused.test', fetch: answering(room) });
    const got = await ok.request({ method: 'GET', path: '/r', schema: liveblocks.LbRoomSchema, idempotent: true, operation: 'rooms.get' });
    expect(got).toStrictEqual(liveblocks.LbRoomSchema.parse(room));

    const drift = createHttpClient({ provider: 'x', baseUrl: 'http://unused.test', fetch: answering({ ...room, createdAt: 'soon', metadata: { a: 1 } }) });
    const error = await drift.request({ method: 'GET', path: '/r', schema: liveblocks.LbRoomSchema, idempotent: true, operation: 'rooms.get' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'provider_response_error', path: 'createdAt' });
    expect(String((error as Error).message)).toContain('field "createdAt"');
  });
});
