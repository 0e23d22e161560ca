import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lsonToJson, renameLsonKind } from '../../../src/core/documents/lson.js';
import { patchLson } from '../../../src/adapters/memory/lson-patch.js';
import { ConflictError, ValidationError } from '../../../src/core/errors.js';

const ROOT = {
  lsonType: 'LiveObject',
  data: { a: 1, list: { lsonType: 'LiveList', data: [{ lsonType: 'LiveObject', data: { x: true } }, 'y'] }, map: { lsonType: 'LiveMap', data: { k: [1, 2] } } },
};

describe('LSON', () => {
  it('turns containers into plain JSON', () => {
    expect(lsonToJson(ROOT)).toEqual({ a: 1, list: [{ x: true }, 'y'], map: { k: [1, 2] } });
  });

  it("renames a vendor's kind key both ways without touching plain JSON (property)", () => {
    const vendor = renameLsonKind(ROOT, 'lsonType', 'liveblocksType');
    expect(vendor).toEqual({
      liveblocksType: 'LiveObject',
      data: { a: 1, list: { liveblocksType: 'LiveList', data: [{ liveblocksType: 'LiveObject', data: { x: true } }, 'y'] }, map: { liveblocksType: 'LiveMap', data: { k: [1, 2] } } },
    });
    expect(renameLsonKind(vendor, 'liveblocksType', 'lsonType')).toEqual(ROOT);
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        expect(renameLsonKind(json, 'liveblocksType', 'lsonType')).toEqual(json);
      }),
    );
  });

  it('keeps a "__proto__" key as data and never as a prototype', () => {
    const parsed = JSON.parse('{"lsonType":"LiveObject","data":{"__proto__":{"polluted":true}}}');
    const json = lsonToJson(parsed) as Record<string, unknown>;
    expect(Object.getPrototypeOf(json)).toBe(Object.prototype);
    expect(Object.keys(json)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('memory storage.patch over LSON', () => {
  it('applies every RFC 6902 op through LiveObject, LiveList and LiveMap nodes, on a copy', () => {
    const patched = patchLson(ROOT, [
      { op: 'add', path: '/list/0', value: 'first' },
      { op: 'add', path: '/list/-', value: 'last' },
      { op: 'replace', path: '/a', value: 2 },
      { op: 'remove', path: '/map/k' },
      { op: 'copy', from: '/a', path: '/map/copied' },
      { op: 'move', from: '/list/1', path: '/moved' },
      { op: 'test', path: '/moved', value: { x: true } },
      { op: 'add', path: '/a~1b', value: 'slash' },
    ]);
    expect(lsonToJson(patched)).toEqual({ a: 2, list: ['first', 'y', 'last'], map: { copied: 2 }, moved: { x: true }, 'a/b': 'slash' });
    expect(lsonToJson(ROOT)).toEqual({ a: 1, list: [{ x: true }, 'y'], map: { k: [1, 2] } });
  });

  it.each([
    [[{ op: 'remove', path: '/missing' }], 'operations.0.path'],
    [[{ op: 'replace', path: '/list/5', value: 1 }], 'operations.0.path'],
    [[{ op: 'add', path: '/list/x', value: 1 }], 'operations.0.path'],
    [[{ op: 'add', path: '', value: 1 }], 'operations.0.path'],
    [[{ op: 'add', path: 'a', value: 1 }], 'operations.0.path'],
    [[{ op: 'add', path: '/b', value: 1 }, { op: 'move', from: '/missing', path: '/c' }], 'operations.1.from'],
    [[{ op: 'move', from: '/map', path: '/map/inner' }], 'operations.0.path'],
  ] as const)('refuses %j with a ValidationError naming %s', (ops, field) => {
    expect(() => patchLson(ROOT, ops as never)).toThrow(ValidationError);
    expect(() => patchLson(ROOT, ops as never)).toThrow(expect.objectContaining({ field }));
  });

  it('a failing test op is a ConflictError and nothing of the patch applies', () => {
    expect(() => patchLson(ROOT, [{ op: 'replace', path: '/a', value: 9 }, { op: 'test', path: '/a', value: 1 }])).toThrow(ConflictError);
  });
});
