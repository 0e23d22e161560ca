/**
 * The compiled schema checks, edge by edge (written against `npm run mutation -- core-http-schema`,
 * see docs/mutation.md): every object field kind (required, optional, defaulted, optional over a
 * default, exact optional, prefault, unknown) present, absent and explicitly undefined; strip, loose,
 * strict and catch-all objects; record inputs that are not plain objects, symbol, `__proto__` and
 * hidden keys; defaults, checks (refinements, overwrites, `when`, async), unions left to zod or not,
 * coercion; and the "returned itself, not copied" rule, which also tells a compiled node from one
 * left to zod (zod copies arrays). Hand-made inputs, not property tests: each case is one call.
 */
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { compileSchema, compileSchemaInterpreted, INVALID } from '../../../src/core/http/fast-schema.js';

/** A value as nested entry lists, so comparing two compares key order and prototypes too. */
function structure(value: unknown): unknown {
  if (Array.isArray(value)) return ['array', value.map(structure)];
  if (typeof value === 'object' && value !== null) {
    const proto = Object.getPrototypeOf(value) === Object.prototype ? 'object' : String(Object.getPrototypeOf(value));
    return [proto, Reflect.ownKeys(value).map((k) => [String(k), structure((value as Record<PropertyKey, unknown>)[k])])];
  }
  return value;
}

/** The generated and the interpreted compiled check give zod's answer for each input (made fresh per call). */
function expectSameAsZod(schema: z.ZodType, inputs: ReadonlyArray<() => unknown>): void {
  const checks = [compileSchema(schema), compileSchemaInterpreted(schema)];
  for (const [n, input] of inputs.entries()) {
    const slow = schema.safeParse(input());
    for (const [i, check] of checks.entries()) {
      const fast = check(input());
      const label = `input #${n} (${String(input).slice(6, 80)}), ${i === 0 ? 'generated' : 'interpreted'}`;
      if (!slow.success) expect(fast, label).toBe(INVALID);
      else {
        expect(fast, label).not.toBe(INVALID);
        expect(structure(fast), label).toStrictEqual(structure(slow.data));
      }
    }
  }
}

/** Both compiled forms of `schema` applied to a fresh `input()`. */
function bothForms(schema: z.ZodType): Array<(v: unknown) => unknown> {
  return [compileSchema(schema), compileSchemaInterpreted(schema)];
}

const json = (text: string) => () => JSON.parse(text) as unknown;
const value = (v: unknown) => () => v;

describe('compiled object fields, as zod handles each kind', () => {
  const objectInputs = [json('{}'), json('{"f":"x"}'), json('{"f":1}'), json('{"f":null}'), () => ({ f: undefined }), json('{"g":"x"}')];
  const fields: Array<[string, z.ZodType]> = [
    ['required', z.string()],
    ['optional', z.string().optional()],
    ['nullable optional', z.string().nullable().optional()],
    ['optional nullable', z.string().optional().nullable()],
    ['default', z.string().default('d')],
    ['default over optional', z.string().optional().default('d')],
    ['optional over default', z.string().default('d').optional()],
    ['exact optional', z.string().exactOptional()],
    ['prefault', z.string().prefault('p')],
    ['unknown', z.unknown()],
    ['any', z.any()],
    ['undefined', z.undefined()],
    ['catch', z.string().catch('c')],
    ['transform to undefined', z.string().transform(() => undefined)],
    ['optional transform to undefined', z.string().transform(() => undefined).optional()],
    ['default of a transform to undefined', z.string().transform(() => undefined).default('d' as never)],
    ['literal', z.literal('x')],
    ['literal union', z.literal(['x', 1])],
    ['null', z.null()],
    ['nullable', z.string().nullable()],
  ];
  for (const [name, field] of fields) {
    it(`${name}: present, absent, undefined, wrong`, () => {
      expectSameAsZod(z.object({ f: field }), objectInputs);
      expectSameAsZod(z.object({ a: z.number().optional(), f: field, z: z.boolean().default(true) }), [...objectInputs, json('{"a":1,"f":"x","z":false}'), json('{"a":"1","f":"x"}')]);
    });
  }

  it('rejects what is not a plain-shaped object', () => {
    const schema = z.object({ f: z.string().optional() });
    expectSameAsZod(schema, [value(null), value([]), value(['x']), value('x'), value(1), value(undefined), value(true), () => Object.assign(Object.create(null), { f: 'x' })]);
  });
});

describe('compiled objects: unknown keys', () => {
  const inputs = [json('{"a":"x"}'), json('{"a":"x","b":1}'), json('{"a":"x","b":"y","c":[1]}'), json('{"a":"x","__proto__":{"p":1}}'), json('{"__proto__":1,"a":"x","b":2}'), json('{"b":1}'), () => ({ a: 'x', b: undefined })];
  const modes: Array<[string, z.ZodType]> = [
    ['strip', z.object({ a: z.string() })],
    ['strict', z.strictObject({ a: z.string() })],
    ['loose', z.looseObject({ a: z.string() })],
    ['catch-all unknown', z.object({ a: z.string() }).catchall(z.unknown())],
    ['catch-all any', z.object({ a: z.string() }).catchall(z.any())],
    ['catch-all number', z.object({ a: z.string() }).catchall(z.number())],
    ['catch-all string with a default', z.object({ a: z.string() }).catchall(z.string().default('d'))],
    ['catch-all refined unknown', z.object({ a: z.string() }).catchall(z.unknown().refine((v) => v !== 'y'))],
    ['catch-all never', z.object({ a: z.string() }).catchall(z.never())],
  ];
  for (const [name, schema] of modes) {
    it(`${name}`, () => {
      expectSameAsZod(schema, inputs);
    });
  }

  it('loose objects copy unknown keys after the known ones, never __proto__', () => {
    for (const check of bothForms(z.looseObject({ a: z.string(), b: z.number().optional() }))) {
      const out = check(JSON.parse('{"z":1,"a":"x","__proto__":{"p":1},"y":[2]}')) as Record<string, unknown>;
      expect(Object.keys(out)).toStrictEqual(['a', 'z', 'y']);
      expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
      expect(out).toStrictEqual({ a: 'x', z: 1, y: [2] });
    }
  });

  it('a catch-all refinement rejects a bad unknown key', () => {
    for (const check of bothForms(z.object({ a: z.string() }).catchall(z.unknown().refine((v) => v !== 'y')))) {
      expect(check({ a: 'x', b: 'y' })).toBe(INVALID);
      expect(check({ a: 'x', b: 'z' })).toStrictEqual({ a: 'x', b: 'z' });
    }
  });

  it('shape keys that Object.prototype also has, and symbol keys, are left to zod', () => {
    for (const key of ['toString', 'constructor', 'hasOwnProperty', 'valueOf']) {
      expectSameAsZod(z.object({ [key]: z.string() }), [json('{}'), json(`{"${key}":"x"}`), json(`{"${key}":1}`)]);
      expectSameAsZod(z.object({ [key]: z.string().optional() }), [json('{}'), json(`{"${key}":"x"}`)]);
      expectSameAsZod(z.object({ [key]: z.unknown() }), [json('{}'), json(`{"${key}":"x"}`)]);
    }
    const s = Symbol('s');
    const withSymbol = z.object({ a: z.string(), [s]: z.number() } as unknown as { a: z.ZodString });
    expectSameAsZod(withSymbol, [json('{"a":"x"}'), () => ({ a: 'x', [s]: 1 }), () => ({ a: 'x', [s]: 'no' })]);
  });
});

describe('compiled records', () => {
  const schema = z.record(z.string(), z.number());

  it("in JSON input mode list keys with Object.keys and probe no key's descriptor; in any mode they do", () => {
    // Both modes give zod's output for JSON input (fast-schema.test.ts); what JSON mode saves is these calls.
    const ownKeys = vi.spyOn(Reflect, 'ownKeys');
    const enumerable = vi.spyOn(Object.prototype, 'propertyIsEnumerable');
    try {
      for (const check of [compileSchema(schema, 'json'), compileSchemaInterpreted(schema, 'json')]) {
        ownKeys.mockClear();
        enumerable.mockClear();
        expect(check(JSON.parse('{"a":1,"b":2,"__proto__":3}'))).toStrictEqual({ a: 1, b: 2 });
        expect(ownKeys).not.toHaveBeenCalled();
        expect(enumerable).not.toHaveBeenCalled();
      }
      ownKeys.mockClear();
      enumerable.mockClear();
      expect(compileSchema(schema)(JSON.parse('{"a":1,"b":2}'))).toStrictEqual({ a: 1, b: 2 });
      expect(ownKeys).toHaveBeenCalledTimes(1);
      expect(enumerable).toHaveBeenCalledTimes(2);
    } finally {
      ownKeys.mockRestore();
      enumerable.mockRestore();
    }
  });

  class Box {
    a = 1;
  }
  const foreignCtor = (): object => {
    function F(this: { a: number }) {
      this.a = 1;
    }
    return new (F as unknown as new () => object)();
  };
  const ctorWithoutObjectPrototype = (): object => {
    const f = function () {};
    (f as { prototype: unknown }).prototype = 5;
    return { a: 1, constructor: f };
  };

  it("accepts what zod's isPlainObject accepts", () => {
    expectSameAsZod(schema, [
      json('{"a":1,"b":2}'),
      json('{}'),
      value(null),
      value([]),
      value([1]),
      value('a'),
      value(1),
      value(undefined),
      () => new Box(),
      foreignCtor,
      ctorWithoutObjectPrototype,
      json('{"constructor":1,"a":2}'),
      json('{"constructor":{"prototype":{}},"a":2}'),
      () => new Date(0),
      () => new Map(),
    ]);
  });

  it('accepts a prototype-less object (returned itself: JSON never makes one, see the module comment)', () => {
    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    expect(schema.safeParse(bare).success).toBe(true);
    for (const check of bothForms(schema)) expect(check(bare)).toBe(bare);
  });

  it('keys: __proto__ dropped, hidden keys dropped, enumerable symbols rejected, hidden symbols dropped', () => {
    const hiddenSymbol = () => Object.defineProperty({ a: 1, b: 2 }, Symbol('h'), { value: 3, enumerable: false });
    const hiddenFirst = () => Object.defineProperty({}, 'h', { value: 'not a number', enumerable: false, configurable: true });
    expectSameAsZod(schema, [
      json('{"a":1,"__proto__":5,"b":2}'),
      json('{"__proto__":"x"}'),
      () => Object.defineProperty({ a: 1, c: 3 }, 'b', { value: 'x', enumerable: false }),
      hiddenSymbol,
      () => ({ a: 1, [Symbol('s')]: 2 }),
      hiddenFirst,
    ]);
    for (const check of bothForms(schema)) {
      const withHiddenSymbol = hiddenSymbol();
      const out = check(withHiddenSymbol) as Record<PropertyKey, unknown>;
      expect(out).not.toBe(withHiddenSymbol);
      expect(Reflect.ownKeys(out)).toStrictEqual(['a', 'b']);
      const proto = JSON.parse('{"a":1,"__proto__":5,"b":2}') as object;
      const cleaned = check(proto) as Record<PropertyKey, unknown>;
      expect(Reflect.ownKeys(cleaned)).toStrictEqual(['a', 'b']);
      expect(Object.getPrototypeOf(cleaned)).toBe(Object.prototype);
    }
  });

  it('returns the input itself when every value is unchanged, else a copy keeping the earlier keys', () => {
    const changing = z.record(z.string(), z.union([z.string(), z.object({ v: z.string() })]));
    for (const check of bothForms(changing)) {
      const same = { a: 'x', b: 'y' };
      expect(check(same)).toBe(same);
      const input = JSON.parse('{"a":"x","b":{"v":"y","extra":1},"c":"z","d":{"v":"w"}}') as Record<string, unknown>;
      const out = check(input) as Record<string, unknown>;
      expect(out).not.toBe(input);
      expect(structure(out)).toStrictEqual(structure({ a: 'x', b: { v: 'y' }, c: 'z', d: { v: 'w' } }));
      expect(input.b).toStrictEqual({ v: 'y', extra: 1 });
    }
    expectSameAsZod(changing, [json('{"a":"x","b":{"v":"y","extra":1},"c":"z"}'), json('{"a":"x","b":{"v":1}}'), json('{"a":{"v":"q"},"b":"x"}')]);
  });

  it('keys that are refined, enums, literals or coerced are left to zod', () => {
    const cases: Array<[z.ZodType, Array<() => unknown>]> = [
      [z.record(z.string().min(2), z.number()), [json('{"ab":1}'), json('{"a":1}')]],
      [z.record(z.string().refine((k) => k !== 'x'), z.number()), [json('{"ab":1}'), json('{"x":1}')]],
      [z.record(z.enum(['a', 'b']), z.number()), [json('{"a":1,"b":2}'), json('{"a":1}'), json('{"c":1,"a":1,"b":2}')]],
      [z.record(z.literal('a'), z.number()), [json('{"a":1}'), json('{"b":1}')]],
      [z.partialRecord(z.enum(['a', 'b']), z.number()), [json('{"a":1}'), json('{"c":1}')]],
      [z.record(z.coerce.string(), z.number()), [json('{"a":1}')]],
    ];
    for (const [schema, inputs] of cases) expectSameAsZod(schema, inputs);
    // A key schema left to zod leaves the whole record to zod, which copies the values' arrays.
    const input = { ab: ['x'] };
    expect((compileSchema(z.record(z.string().min(2), z.array(z.string())))(input) as typeof input).ab).not.toBe(input.ab);
    expect((compileSchema(z.record(z.string(), z.array(z.string())))(input) as typeof input).ab).toBe(input.ab);
  });
});

describe('compiled arrays', () => {
  it('returns the input itself when every item is unchanged, else a copy keeping the earlier items', () => {
    const plain = z.array(z.string());
    const changing = z.array(z.union([z.string(), z.object({ v: z.string() })]));
    for (const check of [...bothForms(plain), ...bothForms(changing)]) {
      const same = ['a', 'b', 'c'];
      expect(check(same)).toBe(same);
      expect(check([])).toStrictEqual([]);
    }
    for (const check of bothForms(changing)) {
      const input = JSON.parse('["a",{"v":"b","x":1},"c",{"v":"d"}]') as unknown[];
      const out = check(input);
      expect(out).not.toBe(input);
      expect(out).toStrictEqual(['a', { v: 'b' }, 'c', { v: 'd' }]);
      expect(input[1]).toStrictEqual({ v: 'b', x: 1 });
    }
    expectSameAsZod(changing, [json('["a",{"v":"b","x":1},"c"]'), json('[{"v":"b"},"a"]'), json('["a",{"v":1}]'), json('["a",1]'), json('{}'), value('a')]);
    expectSameAsZod(z.array(z.string().default('d')), [() => ['a', undefined, 'b'], json('["a"]')]);
  });

  it('nested arrays and the same schema twice in one object stay compiled (not copied)', () => {
    const list = z.array(z.string());
    const schema = z.object({ a: list, b: list, c: z.array(list) });
    for (const check of bothForms(schema)) {
      const input = { a: ['x'], b: ['y'], c: [['z']] };
      const out = check(input) as typeof input;
      expect(out).toStrictEqual(input);
      expect(out.a).toBe(input.a);
      expect(out.b).toBe(input.b);
      expect(out.c).toBe(input.c);
    }
  });
});

describe('compiled scalars, defaults and coercion', () => {
  it('numbers are finite', () => {
    expectSameAsZod(z.number(), [value(1), value(-0), value(Number.POSITIVE_INFINITY), value(Number.NEGATIVE_INFINITY), value(Number.NaN), value('1'), value(null)]);
    for (const check of bothForms(z.number())) {
      expect(check(Number.POSITIVE_INFINITY)).toBe(INVALID);
      expect(check(Number.NaN)).toBe(INVALID);
      expect(check(2.5)).toBe(2.5);
    }
  });

  it('strings, booleans, null, literals', () => {
    expectSameAsZod(z.string(), [value(''), value('a'), value(1), value(null), value(undefined)]);
    expectSameAsZod(z.boolean(), [value(true), value(false), value(0), value('true')]);
    expectSameAsZod(z.null(), [value(null), value(undefined), value(0), value('')]);
    expectSameAsZod(z.literal([1, 'a', null]), [value(1), value('a'), value(null), value('1'), value(2)]);
    for (const check of bothForms(z.null())) expect(check(undefined)).toBe(INVALID);
    for (const check of bothForms(z.string().nullable())) {
      expect(check(null)).toBeNull();
      expect(check('a')).toBe('a');
      expect(check(undefined)).toBe(INVALID);
    }
    for (const check of bothForms(z.string().optional())) {
      expect(check(undefined)).toBeUndefined();
      expect(check(null)).toBe(INVALID);
    }
  });

  it('coerced nodes are left to zod', () => {
    expectSameAsZod(z.coerce.number(), [value('5'), value('x'), value(5)]);
    expectSameAsZod(z.coerce.string(), [value(5), value('a')]);
    expectSameAsZod(z.object({ n: z.coerce.number() }), [json('{"n":"7"}')]);
    for (const check of bothForms(z.coerce.number())) expect(check('5')).toBe(5);
  });

  it('a default replaces undefined, and an inner result that is undefined', () => {
    const viaTransform = z.unknown().transform(() => undefined).default('d' as never);
    expectSameAsZod(viaTransform, [value(5), value(undefined), value('x')]);
    for (const check of bothForms(viaTransform)) {
      expect(check(5)).toBe('d');
      expect(check(undefined)).toBe('d');
    }
    for (const check of bothForms(z.string().default('d'))) {
      expect(check(undefined)).toBe('d');
      expect(check('x')).toBe('x');
      expect(check(1)).toBe(INVALID);
    }
    for (const check of bothForms(z.array(z.string()).default([]))) {
      const a = check(undefined) as unknown[];
      const b = check(undefined) as unknown[];
      expect(a).toStrictEqual([]);
      expect(a).not.toBe(b);
    }
  });

  it('an optional over a default, and an exact optional, are left to zod', () => {
    expectSameAsZod(z.string().default('d').optional(), [value(undefined), value('x'), value(1)]);
    expectSameAsZod(z.string().exactOptional(), [value(undefined), value('x')]);
    expectSameAsZod(z.object({ e: z.string().exactOptional() }), [json('{}'), () => ({ e: undefined }), json('{"e":"x"}')]);
    // Left to zod, which copies the inner array; compiled, the array is returned itself.
    const input = ['x'];
    expect(compileSchema(z.array(z.string()).exactOptional())(input)).not.toBe(input);
    expect(compileSchema(z.array(z.string()).optional())(input)).toBe(input);
    expect(compileSchema(z.array(z.string()).default([]).optional())(input)).not.toBe(input);
    expect(compileSchema(z.array(z.string()).default([]))(input)).toBe(input);
    expect(compileSchema(z.array(z.string()).nullable())(input)).toBe(input);
  });
});

describe('compiled checks', () => {
  it('one refinement, several, with when, mixed with built-in checks', () => {
    // Null-safe: with a `when`, zod runs a refinement even on a value of the wrong type.
    const long = (s: unknown) => typeof s === 'string' && s.length > 1;
    const noX = (s: unknown) => typeof s === 'string' && !s.includes('x');
    const cases: z.ZodType[] = [
      z.string().refine(long),
      z.string().refine(long).refine(noX),
      z.string().refine(noX).refine(long),
      z.string().min(2).refine(noX),
      z.string().refine(noX).max(3),
      z.string().refine(long, { when: () => true }),
      z.string().refine(long, { when: () => false }),
      z.string().refine(long, { when: (p) => typeof p.value === 'string' && p.value.startsWith('a') }),
      z.string().refine(() => 0),
      z.string().refine(() => 'yes'),
      z.number().int().positive(),
      z.number().min(0).max(10),
    ];
    const inputs = [value(''), value('a'), value('ab'), value('abcd'), value('xy'), value('axy'), value('bx'), value(0), value(1), value(11), value(1.5), value(null)];
    for (const schema of cases) expectSameAsZod(schema, inputs);
  });

  it('overwrites (trim, toLowerCase) give the overwritten value', () => {
    for (const schema of [z.string().trim(), z.string().toLowerCase(), z.string().trim().min(2), z.string().refine(() => true).trim()]) {
      expectSameAsZod(schema, [value('  Ab '), value(' a '), value('ok')]);
    }
    for (const check of bothForms(z.string().trim().toLowerCase())) expect(check('  Ab ')).toBe('ab');
    for (const check of bothForms(z.object({ s: z.string().trim() }))) expect(check({ s: ' a ' })).toStrictEqual({ s: 'a' });
  });

  it('an async refinement is INVALID (zod\'s safeParse would throw for it)', () => {
    const cases = [z.string().refine(async () => true), z.string().refine(() => true).refine(async () => true), z.string().min(1).refine(async () => true)];
    for (const schema of cases) for (const check of bothForms(schema)) expect(check('ab')).toBe(INVALID);
    // Its base still rejects first: the refinement is not called then.
    let called = 0;
    for (const check of bothForms(z.string().refine(() => ++called > 0))) expect(check(1)).toBe(INVALID);
    expect(called).toBe(0);
  });

  it('custom nodes run their predicate on the value', () => {
    const schema = z.custom<string>((v) => typeof v === 'string' && v.length > 2);
    expectSameAsZod(schema, [value('abc'), value('ab'), value(3), value(null)]);
    for (const check of bothForms(schema)) {
      expect(check('abc')).toBe('abc');
      expect(check('ab')).toBe(INVALID);
    }
  });

  it('an object with a refinement over the whole object', () => {
    const schema = z.object({ a: z.number(), b: z.number() }).refine((o) => o.a < o.b);
    expectSameAsZod(schema, [json('{"a":1,"b":2}'), json('{"a":2,"b":1}'), json('{"a":1}')]);
  });
});

describe('compiled unions', () => {
  it('gives the first option that accepts', () => {
    const schema = z.union([z.object({ a: z.string() }), z.looseObject({ a: z.string() }), z.number()]);
    expectSameAsZod(schema, [json('{"a":"x","b":1}'), json('{"b":1}'), value(1), value('x')]);
    for (const check of bothForms(schema)) expect(check({ a: 'x', b: 1 })).toStrictEqual({ a: 'x' });
    expectSameAsZod(z.union([z.string()]), [value('x'), value(1)]);
    expectSameAsZod(z.union([z.string(), z.number()]), [value('x'), value(1), value(null)]);
  });

  it('exclusive and discriminated unions are left to zod', () => {
    const xor = z.xor([z.string(), z.string().min(1)]);
    expectSameAsZod(xor, [value(''), value('ab'), value(1)]);
    for (const check of bothForms(xor)) expect(check('ab')).toBe(INVALID);
    const picked = z.discriminatedUnion('k', [z.object({ k: z.literal('a'), xs: z.array(z.string()) }), z.object({ k: z.literal('b') })]);
    expectSameAsZod(picked, [json('{"k":"a","xs":["1"]}'), json('{"k":"b"}'), json('{"k":"c"}'), json('{"k":"a"}')]);
    const input = { k: 'a', xs: ['1'] };
    expect((compileSchema(picked)(input) as typeof input).xs).not.toBe(input.xs);
    const plain = z.union([z.object({ k: z.literal('a'), xs: z.array(z.string()) }), z.object({ k: z.literal('b') })]);
    expect((compileSchema(plain)(input) as typeof input).xs).toBe(input.xs);
  });
});

describe('compileSchema', () => {
  it('compiles a schema once and caches it', () => {
    const schema = z.object({ a: z.string() });
    expect(compileSchema(schema)).toBe(compileSchema(schema));
    expect(compileSchemaInterpreted(schema)).not.toBe(compileSchemaInterpreted(schema));
  });

  it('generates code for object checks, except in the interpreted form', () => {
    // The generated check is a `function check`; the interpreted one an anonymous closure.
    const schema = z.object({ a: z.string(), b: z.number().optional(), c: z.string().default('c') });
    expect(compileSchema(schema).name).toBe('check');
    expect(compileSchema(z.looseObject({ a: z.string() })).name).toBe('check');
    expect(compileSchema(z.strictObject({ a: z.string() })).name).toBe('check');
    expect(compileSchema(z.object({ a: z.string() }).catchall(z.number())).name).toBe('check');
    expect(compileSchemaInterpreted(schema).name).toBe('');
    // The interpreted form is a one-off: later compilations generate code again.
    expect(compileSchema(z.object({ b: z.string() })).name).toBe('check');
  });

  it('recursive schemas keep zod at the loop', () => {
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
    expectSameAsZod(Tree, [json('{"name":"a","children":[{"name":"b","children":[]}]}'), json('{"name":"a","children":[{"name":1,"children":[]}]}'), json('{"name":"a"}')]);
  });

  it('a lazy schema that reaches itself is compiled down to the loop, where zod takes over', () => {
    interface Tree {
      name: string;
      children?: Tree[];
    }
    const Tree: z.ZodType<Tree> = z.lazy(() => z.object({ name: z.string(), children: z.array(Tree).optional() }));
    const inputs = [json('{"name":"a","children":[{"name":"b"}]}'), json('{"name":"a","children":[{"name":1}]}'), json('{"name":"a","children":[{"name":"b","children":[{"x":1}]}]}'), json('{"name":2}')];
    expectSameAsZod(Tree, inputs);
    // Compiled, not delegated: the outer lazy's own zod parser never runs for a valid value.
    const internals = (Tree as unknown as { _zod: { run: (...args: unknown[]) => unknown } })._zod;
    const run = internals.run;
    let outerRuns = 0;
    internals.run = (...args: unknown[]) => {
      outerRuns++;
      return run(...args);
    };
    try {
      for (const check of bothForms(Tree)) expect(check(JSON.parse('{"name":"a"}'))).toStrictEqual({ name: 'a' });
    } finally {
      internals.run = run;
    }
    expect(outerRuns).toBe(0);
  });
});

describe('which nodes are compiled and which are left to zod', () => {
  /** Counts calls of the node's own zod parser (`_zod.run`), which only a node left to zod calls. */
  function zodRuns(schema: z.ZodType): { n: number } {
    const calls = { n: 0 };
    const internals = (schema as unknown as { _zod: { run: (...args: unknown[]) => unknown } })._zod;
    const run = internals.run;
    internals.run = (...args: unknown[]) => {
      calls.n++;
      return run.apply(internals, args);
    };
    return calls;
  }

  const compiledKinds: Array<[string, () => z.ZodType, unknown]> = [
    ['string', () => z.string(), 'x'],
    ['number', () => z.number(), 1],
    ['boolean', () => z.boolean(), true],
    ['null', () => z.null(), null],
    ['any', () => z.any(), 1],
    ['unknown', () => z.unknown(), 1],
    ['custom', () => z.custom<number>((v) => typeof v === 'number'), 1],
    ['literal', () => z.literal('a'), 'a'],
    ['optional', () => z.string().optional(), undefined],
    ['nullable', () => z.string().nullable(), null],
    ['default', () => z.string().default('d'), undefined],
    ['array', () => z.array(z.string()), ['a']],
    ['object', () => z.object({ a: z.string() }), { a: 'x' }],
    ['record', () => z.record(z.string(), z.number()), { a: 1 }],
    ['union', () => z.union([z.string(), z.number()]), 1],
    ['one-option union', () => z.union([z.string()]), 'x'],
    ['lazy', () => z.lazy(() => z.object({ a: z.string() })), { a: 'x' }],
  ];

  const delegatedKinds: Array<[string, () => z.ZodType, unknown]> = [
    ['transform', () => z.string().transform((s) => s.length), 'abc'],
    ['coercion', () => z.coerce.number(), '2'],
    ['discriminated union', () => z.discriminatedUnion('k', [z.object({ k: z.literal('a') }), z.object({ k: z.literal('b') })]), { k: 'a' }],
  ];
  /** zod's output from both compiled forms, and how many times they called the node's own zod parser. */
  function runsOf(make: () => z.ZodType, input: unknown): number {
    const schema = make();
    const expected = schema.safeParse(input);
    expect(expected.success).toBe(true);
    const calls = zodRuns(schema);
    for (const check of bothForms(schema)) expect(check(input)).toStrictEqual(expected.data);
    return calls.n;
  }
  for (const [kind, make, input] of compiledKinds) {
    it(`${kind} is checked natively, never through zod's parser`, () => expect(runsOf(make, input)).toBe(0));
  }
  for (const [kind, make, input] of delegatedKinds) {
    it(`${kind} is left to zod's own parser (once per compiled form), with zod's output`, () => expect(runsOf(make, input)).toBe(2));
  }

  it('an async transform inside a subtree left to zod is INVALID (safeParse would throw), not a crash', () => {
    const schema = z.object({ a: z.string().transform(async (s) => s) });
    for (const check of bothForms(schema)) expect(check({ a: 'x' })).toBe(INVALID);
    expect(() => schema.safeParse({ a: 'x' })).toThrow();
  });

  it('refinements are not called on a value whose base check failed', () => {
    const seen: unknown[] = [];
    const startsWithX = (s: string) => {
      seen.push(s);
      return s.startsWith('x');
    };
    const two = z.string().refine(startsWithX).refine((s) => s.length < 5);
    const one = z.string().refine(startsWithX);
    for (const schema of [two, one]) {
      for (const check of bothForms(schema)) {
        expect(check(5)).toBe(INVALID);
        expect(check('xy')).toBe('xy');
        expect(check('ab')).toBe(INVALID);
      }
    }
    expect(seen).toStrictEqual(['xy', 'ab', 'xy', 'ab', 'xy', 'ab', 'xy', 'ab']);
  });

  it('fields named like Object.prototype members are own keys only, as zod reads them', () => {
    for (const key of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const schema = z.object({ [key]: z.string().optional() });
      expectSameAsZod(schema, [json('{}'), json(`{"${key}":"x"}`), json(`{"${key}":1}`)]);
      // Left to zod: `key in input` would find the inherited member.
      const expected = schema.safeParse({ [key]: 'x' });
      const calls = zodRuns(schema);
      for (const check of bothForms(schema)) expect(check({ [key]: 'x' })).toStrictEqual(expected.data);
      expect(calls.n).toBe(2);
    }
  });
});

describe('compiled object fields whose check gives undefined', () => {
  it('keep the key when it was present, or when a default gives undefined, as zod does', () => {
    const kinds: Record<string, z.ZodType> = {
      optional: z.string().optional(),
      unknown: z.unknown(),
      'default of undefined': z.unknown().default(undefined),
      'optional default of undefined': z.unknown().default(undefined).optional(),
      'default, then optional': z.string().optional().default(undefined as unknown as string),
    };
    for (const field of Object.values(kinds)) {
      const schema = z.object({ a: field, b: z.number() });
      expectSameAsZod(schema, [value({ a: undefined, b: 1 }), value({ b: 1 }), value({ a: 'x', b: 1 }), value({ a: undefined })]);
    }
    // The key is kept (as undefined) in both compiled forms, not dropped.
    for (const check of bothForms(z.object({ a: z.string().optional() }))) expect(Object.keys(check({ a: undefined }) as object)).toStrictEqual(['a']);
    for (const check of bothForms(z.object({ a: z.unknown().default(undefined) }))) expect(Object.keys(check({}) as object)).toStrictEqual(['a']);
  });
});

describe('compiled object fields whose check refuses undefined', () => {
  it('an absent optional key is skipped even when its refinement would fail, a present undefined is not', () => {
    const kinds: z.ZodType[] = [
      z.string().optional().refine((v) => v !== undefined),
      z.string().nullish().refine((v) => v !== undefined),
      z.string().default('d').optional().refine((v) => v !== 'd'),
      z.string().default('d').refine((v) => v !== 'd'),
      z.string().prefault('p').refine((v) => v !== 'p'),
      z.unknown().refine((v) => v !== undefined),
    ];
    for (const field of kinds) {
      const schema = z.object({ a: field, b: z.number().optional() });
      expectSameAsZod(schema, [value({}), value({ a: undefined }), value({ a: 'x' }), value({ b: 1 }), value({ a: 'd', b: 1 })]);
    }
    for (const check of bothForms(z.object({ a: z.string().optional().refine((v) => v !== undefined) }))) {
      expect(check({})).toStrictEqual({});
      expect(check({ a: undefined })).toBe(INVALID);
    }
  });
});
