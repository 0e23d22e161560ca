import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AbortedError, CollabError, ValidationError } from '../../src/core/errors.js';
import { applyMetadataPatch, matchesMetadata } from '../../src/core/metadata.js';
import { IdSchema, MetadataFilterSchema, MetadataPatchSchema, MetadataSchema } from '../../src/core/model/common.js';
import { idProblem, isDotSegment, isWellFormedText } from '../../src/core/model/id.js';
import { DEFAULT_JSON_LIMITS, JsonObjectSchema, jsonProblem } from '../../src/core/model/json.js';
import { IssueTokenInputSchema } from '../../src/core/model/auth.js';
import { CreateRoomInputSchema } from '../../src/core/model/room.js';
import { SetPresenceInputSchema } from '../../src/core/model/presence.js';
import { TriggerNotificationInputSchema } from '../../src/core/model/notification.js';
import { validate, validateCallOptions, validateId } from '../../src/core/validation.js';

/** WHATWG percent-decode of an ASCII string: `%XX` becomes the byte, anything else stays. */
function percentDecode(text: string): string {
  return text.replace(/%[0-9a-f]{2}/gi, (m) => String.fromCharCode(Number.parseInt(m.slice(1), 16)));
}

function thrown(fn: () => unknown): any {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('ids', () => {
  it('refuses every spelling of a dot segment, however often percent-encoded', () => {
    for (const id of ['.', '..', '%2e', '%2E', '.%2e', '%2e.', '%2E%2e', '%252e', '%25252E%2e', '%2%65', '%%32%65']) {
      expect(isDotSegment(id), id).toBe(true);
      expect(idProblem(id), id).toMatch(/"\." or "\.\."/);
    }
    for (const id of ['...', 'a.', '.a', '..a', '%2e%2e%2e', '%2', '%', '%zz', '%2e%2f', 'a/..']) expect(isDotSegment(id), id).toBe(false);
  });

  it('property: . and .. percent-encoded any number of times, any characters, any hex case, are refused', () => {
    /** One round of encoding: each character is kept or written as %XX (hex in random case). */
    const round = (text: string, picks: boolean[], upper: boolean[]) =>
      [...text].map((ch, i) => (picks[i % picks.length] ? '%' + ch.charCodeAt(0).toString(16).padStart(2, '0')[upper[i % upper.length] ? 'toUpperCase' : 'toLowerCase']() : ch)).join('');
    const rounds = fc.array(fc.tuple(fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 8 })), { maxLength: 4 });
    fc.assert(
      fc.property(fc.constantFrom('.', '..'), rounds, (dots, plan) => {
        const id = plan.reduce<string>((text, [picks, upper]) => round(text, picks, upper), dots);
        // WHATWG percent-decoding (a % not followed by two hex digits stays literal), repeated until stable.
        let decoded = id;
        for (let next = percentDecode(decoded); next !== decoded; next = percentDecode(decoded)) decoded = next;
        expect(decoded).toBe(dots); // the generator is right: the id really decodes to a dot segment
        expect(isDotSegment(id), id).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('property: an id that does not decode to . or .. is not refused as one', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('.', '%', '2', 'e', 'E', '5', 'a', '/'), maxLength: 12 }), (id) => {
        let current = id;
        let dot = false;
        for (let i = 0; i < 20 && !dot; i++) {
          dot = current === '.' || current === '..';
          current = percentDecode(current);
        }
        expect(isDotSegment(id), id).toBe(dot);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses empty, too long, non-string and lone-surrogate ids with ValidationError naming the field', () => {
    for (const [value, message] of [
      ['', /empty/],
      ['x'.repeat(257), /256/],
      ['a\uD800b', /well-formed/],
      ['\uDC00', /well-formed/],
      [7, /string/],
      [null, /string/],
    ] as const) {
      const err = thrown(() => validateId(value, 'threadId', 'threads.get', 'acme'));
      expect(err).toBeInstanceOf(ValidationError);
      expect(err).toMatchObject({ field: 'threadId', operation: 'threads.get', provider: 'acme' });
      expect(err.message).toMatch(message);
    }
    expect(validateId('😀 ok/..', 'id')).toBe('😀 ok/..');
    expect(isWellFormedText('😀')).toBe(true);
  });

  it('IdSchema applies the same rules (adapters that parse with it are safe outside the container too)', () => {
    for (const bad of ['', '..', '%2E%2E', 'x'.repeat(257), '\uD800']) expect(IdSchema.safeParse(bad).success, bad).toBe(false);
    expect(IdSchema.safeParse('a.b').success).toBe(true);
    const err = thrown(() => validate(CreateRoomInputSchema, { id: '%2e' }, '', 'rooms.create'));
    expect(err).toMatchObject({ code: 'validation_error', field: 'id' });
  });
});

describe('JSON payloads', () => {
  it('accepts JSON data, including null-prototype objects and undefined properties', () => {
    const bare = Object.assign(Object.create(null), { a: 1 });
    expect(jsonProblem({ a: [1, 'two', true, null, { b: -0.5 }], c: undefined, bare })).toBeUndefined();
  });

  it('refuses each kind of non-JSON value with its path', () => {
    const cycle: Record<string, unknown> = { a: {} };
    (cycle.a as Record<string, unknown>).back = cycle;
    const getter = Object.defineProperty({}, 'g', { enumerable: true, get: () => 1 });
    const cases: Array<[unknown, Array<string | number>, RegExp]> = [
      [{ n: 1n }, ['n'], /bigint/],
      [{ f: () => 1 }, ['f'], /function/],
      [{ s: Symbol('x') }, ['s'], /symbol/],
      [{ x: [1, undefined] }, ['x', 1], /undefined/],
      [{ x: [, 1] }, ['x', 0], /undefined/],
      [{ x: Number.NaN }, ['x'], /finite/],
      [{ x: Infinity }, ['x'], /finite/],
      [{ d: new Date(0) }, ['d'], /Date/],
      [{ m: new Map() }, ['m'], /Map/],
      [{ b: new String('x') }, ['b'], /String/],
      [cycle, ['a', 'back'], /circular/],
      [getter, ['g'], /getter/],
      [JSON.parse('{"__proto__": {}}'), ['__proto__'], /reserved/],
      [{ s: 'a\uD800' }, ['s'], /well-formed/],
      [{ ['k\uDC00']: 1 }, ['k\uDC00'], /well-formed/],
    ];
    for (const [value, path, message] of cases) {
      const problem = jsonProblem(value);
      expect(problem, String(path)).toBeDefined();
      expect(problem!.path).toEqual(path);
      expect(problem!.message).toMatch(message);
    }
  });

  it('bounds depth and serialized size exactly as JSON.stringify measures it', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < DEFAULT_JSON_LIMITS.maxDepth; i++) deep = { d: deep };
    expect(jsonProblem(deep)).toBeUndefined();
    expect(jsonProblem({ d: deep })?.message).toMatch(/32 levels/);
    const limits = { maxDepth: 32, maxBytes: 100 };
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }).filter((v) => !JSON.stringify(v).includes('"__proto__":')), (value) => {
        const bytes = Buffer.byteLength(JSON.stringify(value));
        const problem = jsonProblem(value, limits);
        if (bytes <= 100) expect(problem).toBeUndefined();
        else expect(problem?.message).toMatch(/at most 100 bytes/);
      }),
      { numRuns: 300 },
    );
  });

  it('stops early on huge values and never throws on hostile ones', () => {
    const started = Date.now();
    expect(jsonProblem({ s: 'x'.repeat(50_000_000) })?.message).toMatch(/bytes/);
    expect(jsonProblem(new Array(1e9))?.message).toMatch(/undefined/);
    expect(Date.now() - started).toBeLessThan(10_000);
    const throwing = new Proxy({}, { ownKeys: () => { throw new Error('trap'); } });
    expect(jsonProblem({ p: throwing })).toEqual({ path: [], message: 'could not be read as JSON data' });
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(jsonProblem([revoked.proxy])).toBeDefined();
  });

  it('the schemas themselves never throw on hostile objects (safeParse reports them)', () => {
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const throwing = new Proxy({}, { getOwnPropertyDescriptor: () => { throw new Error('trap'); }, ownKeys: () => { throw new Error('trap'); } });
    for (const value of [revoked.proxy, throwing, [1], null, 'x']) {
      expect(JsonObjectSchema.safeParse(value).success).toBe(false);
      expect(MetadataSchema.safeParse(value).success).toBe(false);
    }
    expect(JsonObjectSchema.safeParse([1]).error?.issues[0]?.message).toBe('must be an object, not an array');
  });

  it('schemas using it report the field: presence data, token userInfo, notification data', () => {
    expect(thrown(() => validate(SetPresenceInputSchema, { roomId: 'r', userId: 'u', data: { big: 1n } }, ''))).toMatchObject({ field: 'data.big' });
    expect(thrown(() => validate(SetPresenceInputSchema, { roomId: 'r', userId: 'u', info: [1] }, ''))).toMatchObject({ field: 'info' });
    expect(thrown(() => validate(IssueTokenInputSchema, { userId: 'u', userInfo: { when: new Date() } }, ''))).toMatchObject({ field: 'userInfo.when' });
    expect(thrown(() => validate(TriggerNotificationInputSchema, { userId: 'u', kind: 'k', subjectId: 's', data: { x: {} } }, ''))).toMatchObject({ field: 'data.x' });
    expect(validate(SetPresenceInputSchema, { roomId: 'r', userId: 'u', data: { cursor: { x: 1, y: 2 } } }, '').data).toEqual({ cursor: { x: 1, y: 2 } });
  });
});

describe('wide DAG bound', () => {
  it('a value shared 2^30 times is stopped by the size limit, not walked to the end', () => {
    const root: unknown[] = [];
    let node = root;
    for (let i = 0; i < 30; i++) {
      const next: unknown[] = ['x'];
      node.push(next, next);
      node = next;
    }
    expect(jsonProblem(root)?.message).toMatch(/bytes/);
  });
});

describe('metadata', () => {
  const proto = JSON.parse('{"__proto__": "x"}') as Record<string, string>;

  it('schemas refuse reserved keys, naming them, instead of silently dropping __proto__', () => {
    for (const schema of [MetadataSchema, MetadataPatchSchema, MetadataFilterSchema]) {
      expect(thrown(() => validate(schema, proto, 'metadata'))).toMatchObject({ field: 'metadata.__proto__' });
      expect(thrown(() => validate(schema, { constructor: 'x' }, 'metadata'))).toMatchObject({ field: 'metadata.constructor' });
      expect(thrown(() => validate(schema, { prototype: 'x' }, 'metadata'))).toMatchObject({ field: 'metadata.prototype' });
    }
    expect(thrown(() => validate(CreateRoomInputSchema, { id: 'r', access: { users: proto } }, ''))).toMatchObject({ field: 'access.users.__proto__' });
    expect(thrown(() => validate(IssueTokenInputSchema, { userId: 'u', rooms: JSON.parse('{"__proto__": "read"}') }, ''))).toMatchObject({ field: 'rooms.__proto__' });
    // Ids that merely look like members are fine where they are ids, not metadata keys.
    expect(validate(CreateRoomInputSchema, { id: 'r', access: { users: { constructor: 'read' } } }, '').access?.users).toEqual({ constructor: 'read' });
  });

  it('matchesMetadata only matches own keys', () => {
    expect(matchesMetadata({}, { constructor: 'function Object() { [native code] }' })).toBe(false);
    expect(matchesMetadata({}, { toString: String(Object.prototype.toString) })).toBe(false);
    expect(matchesMetadata({ toString: 'x' }, { toString: 'x' })).toBe(true);
  });

  it('applyMetadataPatch keeps own keys only and cannot change the prototype of its result', () => {
    const current = Object.assign(Object.create({ inherited: 'no' }), { a: '1' }) as Record<string, string>;
    const result = applyMetadataPatch(current, { ...proto, b: 2 } as Record<string, string | number>);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.keys(result)).toEqual(['a', '__proto__', 'b']);
    expect(Object.hasOwn(result, 'inherited')).toBe(false);
    expect(applyMetadataPatch(result, JSON.parse('{"__proto__": null}'))).toEqual({ a: '1', b: 2 });
    expect(applyMetadataPatch({ a: '1' }, { toString: null })).toEqual({ a: '1' });
  });
});

describe('call options', () => {
  it('refuses a non-signal, a bad tenant, and aborts an aborted signal with AbortedError', () => {
    expect(thrown(() => validateCallOptions({ signal: {} }, { operation: 'rooms.get' }))).toMatchObject({ field: 'options.signal' });
    expect(thrown(() => validateCallOptions({ tenantId: '' }))).toMatchObject({ field: 'options.tenantId' });
    expect(thrown(() => validateCallOptions('x'))).toMatchObject({ field: 'options' });
    expect(thrown(() => validateCallOptions(null))).toMatchObject({ field: 'options' });
    const err = thrown(() => validateCallOptions({ signal: AbortSignal.abort('why') }, { operation: 'rooms.get', provider: 'p' }));
    expect(err).toBeInstanceOf(AbortedError);
    expect(err).toMatchObject({ operation: 'rooms.get', provider: 'p', cause: 'why' });
    expect(() => validateCallOptions({ signal: new AbortController().signal, tenantId: 't' })).not.toThrow();
    expect(() => validateCallOptions(undefined)).not.toThrow();
  });

  it('validate never lets a raw error out of a hostile input', () => {
    const hostile = new Proxy({}, { get: () => { throw new RangeError('trap'); }, getPrototypeOf: () => { throw new RangeError('trap'); } });
    const err = thrown(() => validate(CreateRoomInputSchema, hostile, '', 'rooms.create'));
    expect(CollabError.is(err)).toBe(true);
    expect(err).toMatchObject({ code: 'validation_error', field: 'input' });
  });
});
