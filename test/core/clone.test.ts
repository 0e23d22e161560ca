import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cloneJson } from '../../src/core/clone.js';

/** A value as nested entry lists with prototypes, so two are equal only if shaped alike all the way down. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return ['array', value.map(shape)];
  if (typeof value === 'object' && value !== null) {
    const proto = Object.getPrototypeOf(value);
    const kind = proto === Object.prototype ? 'object' : proto === null ? 'null-proto' : String(proto?.constructor?.name);
    return [kind, Reflect.ownKeys(value).map((k) => [String(k), shape((value as Record<PropertyKey, unknown>)[k])])];
  }
  return value;
}

/** Every object and array reachable from `value`. */
function containers(value: unknown, out = new Set<object>()): Set<object> {
  if (typeof value === 'object' && value !== null) {
    out.add(value);
    for (const v of Object.values(value)) containers(v, out);
  }
  return out;
}

describe('cloneJson', () => {
  it('gives what structuredClone gives for any JSON value, sharing no object or array with the input', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const copy = cloneJson(value);
        expect(shape(copy)).toStrictEqual(shape(structuredClone(value)));
        const mine = containers(copy);
        for (const original of containers(value)) expect(mine.has(original)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('copies an own __proto__ key as a key, never as the prototype', () => {
    const parsed = JSON.parse('{"__proto__":{"polluted":true},"a":[{"__proto__":1}]}') as Record<string, unknown>;
    const copy = cloneJson(parsed);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect(shape(copy)).toStrictEqual(shape(structuredClone(parsed)));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps undefined properties, copies null-prototype objects to plain ones, and leaves other kinds to structuredClone', () => {
    const input = { a: undefined, b: Object.assign(Object.create(null) as object, { c: 1 }), d: new Date(5), e: new Map([[1, 2]]) };
    const copy = cloneJson(input);
    expect(shape(copy)).toStrictEqual(shape(structuredClone(input)));
    expect(copy.d).not.toBe(input.d);
    expect(copy.d.getTime()).toBe(5);
    expect(copy.e).not.toBe(input.e);
    expect(() => cloneJson({ f: () => 1 })).toThrow(expect.objectContaining({ name: 'DataCloneError' }));
    expect(() => cloneJson(Symbol('s'))).toThrow(expect.objectContaining({ name: 'DataCloneError' }));
  });

  it('copies a Date as structuredClone does: its time value only, whatever its own properties say', () => {
    class Stamp extends Date {}
    const odd = Object.assign(new Date(7), { getTime: () => 1, valueOf: () => 2, extra: 'x' });
    const input = { plain: new Date('2024-01-01T00:00:00.000Z'), invalid: new Date(NaN), odd, sub: new Stamp(9), list: [new Date(3)] };
    const copy = cloneJson(input);
    const expected = structuredClone(input);
    expect(shape(copy)).toStrictEqual(shape(expected));
    for (const key of ['plain', 'invalid', 'odd', 'sub'] as const) {
      expect(copy[key]).not.toBe(input[key]);
      expect(Date.prototype.getTime.call(copy[key])).toStrictEqual(Date.prototype.getTime.call(expected[key]));
      expect(Object.getPrototypeOf(copy[key])).toBe(Object.getPrototypeOf(expected[key]));
    }
    expect(copy.list[0]).toBeInstanceOf(Date);
    expect(copy.list[0]!.getTime()).toBe(3);
  });
});
