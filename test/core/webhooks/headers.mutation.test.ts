/**
 * The header readers shape by shape (written against the survivors of `npm run mutation --
 * core-webhooks`, see docs/mutation.md): `getHeader`/`readHeader` over records (other spellings,
 * inherited keys, non-string values), entry lists and Node's flat `rawHeaders`, fetch `Headers` and
 * duck-typed look-alikes; `normalise`'s handling of joined values, arrays, numbers and conflicts; and
 * `readStandardHeaders`' fast path, which must return what `readHeader` returns for each name.
 */
import { describe, expect, it } from 'vitest';
import { WebhookVerificationError } from '../../../src/core/errors.js';
import { readHeader, readStandardHeaders } from '../../../src/core/webhooks/headers.js';
import { getHeader, type WebhookRequest } from '../../../src/core/webhooks/index.js';

type Headers_ = WebhookRequest['headers'];
const INIT = { provider: 'liveblocks', operation: 'webhooks.verify' };
const NAMES = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

function rejection(fn: () => unknown): WebhookVerificationError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WebhookVerificationError);
    return err as WebhookVerificationError;
  }
  throw new Error('expected a WebhookVerificationError');
}

/** `readStandardHeaders` and `readHeader` per name agree on `headers` and both return `expected`. */
function standard(headers: unknown, expected: { id?: string; timestamp?: string; signature?: string }) {
  const got = readStandardHeaders(headers as Headers_, INIT);
  const want = { id: expected.id, timestamp: expected.timestamp, signature: expected.signature };
  expect(got).toEqual(want);
  expect({
    id: readHeader(headers as Headers_, 'webhook-id', INIT),
    timestamp: readHeader(headers as Headers_, 'webhook-timestamp', INIT),
    signature: readHeader(headers as Headers_, 'webhook-signature', INIT),
  }).toEqual(want);
}

describe('getHeader over plain records', () => {
  it('lowercases the name it is asked for', () => {
    expect(getHeader({ 'webhook-id': 'msg_1' }, 'WEBHOOK-ID')).toBe('msg_1');
    expect(getHeader({ 'x-thing': 'a' }, 'X-THING')).toBe('a');
  });

  it('returns a single lowercase value once, not joined with itself', () => {
    expect(getHeader({ 'webhook-signature': 'v1,a' }, 'webhook-signature')).toBe('v1,a');
    expect(getHeader({ 'webhook-signature': 'v1,a', 'webhook-xxxxxxxxx': 'v1,b' }, 'webhook-signature')).toBe('v1,a');
  });

  it('finds a header under another spelling only', () => {
    expect(getHeader({ 'Webhook-Signature': 'v1,a' }, 'webhook-signature')).toBe('v1,a');
    expect(getHeader({ 'WEBHOOK-ID': 'msg_1', other: 'x' }, 'webhook-id')).toBe('msg_1');
  });

  it('ignores inherited keys, lowercase or not', () => {
    const proto = { 'webhook-id': 'msg_inherited', 'Webhook-Timestamp': '1' };
    const record = Object.create(proto) as Record<string, unknown>;
    expect(getHeader(record as Headers_, 'webhook-id')).toBeUndefined();
    record['webhook-timestamp'] = '1700000000';
    expect(getHeader(record as Headers_, 'webhook-timestamp')).toBe('1700000000');
  });

  it('ignores other spellings whose value is undefined', () => {
    expect(getHeader({ 'webhook-signature': 'v1,a', 'Webhook-Signature': undefined }, 'webhook-signature')).toBe('v1,a');
    expect(getHeader({ 'Webhook-Id': undefined }, 'webhook-id')).toBeUndefined();
  });

  it('reads numbers as strings and drops values of other types', () => {
    expect(getHeader({ 'content-length': 42 } as unknown as Headers_, 'content-length')).toBe('42');
    expect(getHeader({ 'x-n': [7] } as unknown as Headers_, 'x-n')).toBe('7');
    expect(getHeader({ 'x-n': [7, '7'] } as unknown as Headers_, 'x-n')).toBe('7');
    expect(getHeader({ 'x-o': { a: 1 } } as unknown as Headers_, 'x-o')).toBeUndefined();
    expect(getHeader({ 'x-a': ['a', null, undefined, { b: 1 }] } as unknown as Headers_, 'x-a')).toBe('a');
  });

  it('returns undefined for headers that are not an object', () => {
    expect(getHeader(null as unknown as Headers_, 'webhook-id')).toBeUndefined();
    expect(getHeader(undefined as unknown as Headers_, 'webhook-id')).toBeUndefined();
    expect(getHeader('webhook-id' as unknown as Headers_, 'webhook-id')).toBeUndefined();
    const fn = Object.assign(() => undefined, { 'webhook-id': 'msg_fn' });
    expect(getHeader(fn as unknown as Headers_, 'webhook-id')).toBeUndefined();
  });
});

describe('normalise: joined values, lists and conflicts', () => {
  it('splits a joined webhook-id or webhook-timestamp and refuses differing parts', () => {
    expect(rejection(() => getHeader({ 'webhook-id': 'msg_1, msg_2' }, 'webhook-id')).message).toBe('Header webhook-id is repeated with different values');
    expect(getHeader({ 'webhook-id': 'msg_1, msg_1' }, 'webhook-id')).toBe('msg_1');
    expect(rejection(() => getHeader({ 'webhook-id': ['msg_1, msg_2'] }, 'webhook-id')).message).toBe('Header webhook-id is repeated with different values');
    expect(rejection(() => getHeader({ 'webhook-timestamp': ['1, 2'] }, 'webhook-timestamp')).message).toBe('Header webhook-timestamp is repeated with different values');
  });

  it('leaves a comma-space inside any other header alone', () => {
    expect(getHeader({ 'webhook-signature': 'v1,a, v1,b' }, 'webhook-signature')).toBe('v1,a, v1,b');
    expect(getHeader({ 'webhook-signature': ['v1,a, v1,b'] }, 'webhook-signature')).toBe('v1,a, v1,b');
    expect(getHeader({ 'x-list': 'a, b' }, 'x-list')).toBe('a, b');
    expect(getHeader({ 'x-list': ['a, b'] }, 'x-list')).toBe('a, b');
    expect(getHeader(new Headers([['accept', 'a, b']]), 'accept')).toBe('a, b');
  });

  it('joins several signatures with one space, and reads an empty list as absent', () => {
    expect(getHeader({ 'webhook-signature': ['v1,a', 'v1,b', 'v1,c'] }, 'webhook-signature')).toBe('v1,a v1,b v1,c');
    expect(getHeader({ 'webhook-signature': [] }, 'webhook-signature')).toBeUndefined();
    expect(getHeader({ 'webhook-signature': [null] } as unknown as Headers_, 'webhook-signature')).toBeUndefined();
  });

  it('compares repeats without surrounding spaces and returns the first as it came', () => {
    expect(getHeader({ 'x-a': ['a', 'a '] }, 'x-a')).toBe('a');
    expect(getHeader({ 'x-a': [' a', 'a'] }, 'x-a')).toBe(' a');
    expect(getHeader({ 'x-a': ['a', 'a', 'a'] }, 'x-a')).toBe('a');
    expect(() => getHeader({ 'x-a': ['a', 'a', 'b'] }, 'x-a')).toThrow('Header x-a is repeated with different values');
  });

  it('puts the caller fields and vendorCode on the conflict error', () => {
    const err = rejection(() => readHeader({ 'webhook-id': ['a', 'b'] }, 'webhook-id', INIT));
    expect(err.vendorCode).toBe('conflicting_headers');
    expect(err.provider).toBe('liveblocks');
    expect(err.operation).toBe('webhooks.verify');
    const plain = rejection(() => getHeader({ 'x-a': ['a', 'b'] }, 'X-A'));
    expect(plain.message).toBe('Header x-a is repeated with different values');
    expect(plain.operation).toBe('webhooks.verify');
    expect(plain.vendorCode).toBe('conflicting_headers');
  });
});

describe('getHeader over entries and rawHeaders', () => {
  it('tells entries from a flat list by the type of the first element', () => {
    expect(getHeader([['webhook-id', 'msg_1']], 'webhook-id')).toBe('msg_1');
    expect(getHeader(['webhook-id', 'msg_1'] as unknown as Headers_, 'webhook-id')).toBe('msg_1');
  });

  it('skips flat keys that are not strings, and entries that are not [string, value] pairs', () => {
    expect(getHeader(['host', 'h', 5, 'x', 'Webhook-Id', 'msg_1'] as unknown as Headers_, 'webhook-id')).toBe('msg_1');
    const entries = [null, 5, { 0: 'webhook-id', 1: 'msg_fake' }, [5, 'x'], ['Webhook-Id', 'msg_1']];
    expect(getHeader(entries as unknown as Headers_, 'webhook-id')).toBe('msg_1');
    expect(getHeader([null, ['host', 'h']] as unknown as Headers_, 'webhook-id')).toBeUndefined();
  });

  it('joins repeated signatures and accepts agreeing repeats in a flat list', () => {
    expect(getHeader(['webhook-signature', 'v1,a', 'Webhook-Signature', 'v1,b'] as unknown as Headers_, 'webhook-signature')).toBe('v1,a v1,b');
    expect(getHeader(['webhook-id', 'msg_1', 'webhook-id', 'msg_1'] as unknown as Headers_, 'webhook-id')).toBe('msg_1');
  });
});

describe('getHeader over Headers and look-alikes', () => {
  it('reads a fetch Headers, and a missing header as undefined', () => {
    const h = new Headers({ 'Webhook-Id': 'msg_1' });
    expect(getHeader(h, 'WEBHOOK-ID')).toBe('msg_1');
    expect(getHeader(h, 'webhook-timestamp')).toBeUndefined();
  });

  it('duck-types an object with get, has and forEach methods (a Map here)', () => {
    const map = new Map([['webhook-id', 'msg_map']]);
    expect(getHeader(map as unknown as Headers_, 'Webhook-Id')).toBe('msg_map');
  });

  it('never takes a record with only some of those methods for Headers', () => {
    const fn = () => 'msg_wrong';
    const records = [
      { has: () => true, forEach: () => undefined, 'webhook-id': 'msg_1' },
      { get: fn, forEach: () => undefined, 'webhook-id': 'msg_1' },
      { get: fn, has: () => true, 'webhook-id': 'msg_1' },
      { get: fn, has: 'x', forEach: 'y', 'webhook-id': 'msg_1' },
    ];
    for (const record of records) expect(getHeader(record as unknown as Headers_, 'webhook-id')).toBe('msg_1');
  });

  it('never takes a function with those methods for Headers', () => {
    const fn = Object.assign(() => undefined, { get: () => 'msg_wrong', has: () => true, forEach: () => undefined });
    expect(getHeader(fn as unknown as Headers_, 'webhook-id')).toBeUndefined();
    expect(readStandardHeaders(fn as unknown as Headers_, INIT)).toEqual({ id: undefined, timestamp: undefined, signature: undefined });
  });
});

describe('readStandardHeaders', () => {
  it('reads the three lowercase headers as they are', () => {
    standard({ 'webhook-id': 'msg_1', 'webhook-timestamp': '1700000000', 'webhook-signature': 'v1,a' }, { id: 'msg_1', timestamp: '1700000000', signature: 'v1,a' });
    standard({ 'webhook-id': 'msg_1' }, { id: 'msg_1' });
    standard({}, {});
  });

  it('finds each header under another spelling only', () => {
    standard({ 'Webhook-Id': 'msg_1' }, { id: 'msg_1' });
    standard({ 'Webhook-Timestamp': '1700000000' }, { timestamp: '1700000000' });
    standard({ 'Webhook-Signature': 'v1,a' }, { signature: 'v1,a' });
    standard({ 'WEBHOOK-ID': 'msg_1', 'WEBHOOK-TIMESTAMP': '1700000000', 'WEBHOOK-SIGNATURE': 'v1,a' }, { id: 'msg_1', timestamp: '1700000000', signature: 'v1,a' });
  });

  it('joins a signature present under two spellings, lowercase first', () => {
    standard({ 'Webhook-Signature': 'v1,b', 'webhook-signature': 'v1,a' }, { signature: 'v1,a v1,b' });
    standard({ 'webhook-signature': ['v1,a'], 'Webhook-Signature': ['v1,b', 'v1,c'] }, { signature: 'v1,a v1,b v1,c' });
  });

  it('refuses an id or timestamp present under two spellings with different values', () => {
    for (const [a, b] of [
      ['webhook-id', 'Webhook-Id'],
      ['webhook-timestamp', 'Webhook-Timestamp'],
    ] as const) {
      const err = rejection(() => readStandardHeaders({ [a]: '1', [b]: '2' }, INIT));
      expect(err.message).toBe(`Header ${a} is repeated with different values`);
      expect(err.provider).toBe('liveblocks');
      expect(err.vendorCode).toBe('conflicting_headers');
    }
    standard({ 'webhook-id': 'msg_1', 'Webhook-Id': 'msg_1' }, { id: 'msg_1' });
  });

  it('ignores keys of the right length and first letter that are other headers', () => {
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': '1700000000',
      'webhook-signature': 'v1,a',
      'Webhook-Xx': 'x',
      'Webhook-Abcdefghij': 'y',
      'Wxxxxxxxxx': 'z',
    };
    standard(headers, { id: 'msg_1', timestamp: '1700000000', signature: 'v1,a' });
  });

  it('ignores inherited keys and other spellings whose value is undefined', () => {
    const record = Object.create({ 'Webhook-Id': 'msg_other', 'webhook-timestamp': '1', 'Webhook-Signature': 'v1,z' }) as Record<string, unknown>;
    record['webhook-id'] = 'msg_1';
    record['webhook-signature'] = 'v1,a';
    record['Webhook-Timestamp'] = undefined;
    standard(record, { id: 'msg_1', signature: 'v1,a' });
  });

  it('normalises what is not a single clean string: numbers, joined ids, arrays', () => {
    standard({ 'webhook-id': 5, 'webhook-timestamp': 1700000000, 'webhook-signature': 7 }, { id: '5', timestamp: '1700000000', signature: '7' });
    standard({ 'webhook-signature': 'v1,a, v1,b' }, { signature: 'v1,a, v1,b' });
    standard({ 'webhook-id': 'msg_1, msg_1', 'webhook-timestamp': ['1700000000'] }, { id: 'msg_1', timestamp: '1700000000' });
    expect(() => readStandardHeaders({ 'webhook-id': 'msg_1, msg_2' }, INIT)).toThrow('Header webhook-id is repeated with different values');
    expect(() => readStandardHeaders({ 'webhook-timestamp': '1, 2' }, INIT)).toThrow('Header webhook-timestamp is repeated with different values');
    standard({ 'webhook-id': { a: 1 } }, {});
  });

  it('reads entries, flat lists and Headers through readHeader', () => {
    const expected = { id: 'msg_1', timestamp: '1700000000', signature: 'v1,a' };
    standard([['Webhook-Id', 'msg_1'], ['webhook-timestamp', '1700000000'], ['webhook-signature', 'v1,a']], expected);
    standard(['webhook-id', 'msg_1', 'Webhook-Timestamp', '1700000000', 'webhook-signature', 'v1,a'], expected);
    standard(new Headers({ 'webhook-id': 'msg_1', 'webhook-timestamp': '1700000000', 'webhook-signature': 'v1,a' }), expected);
  });

  it('reads nothing from null, primitives or functions', () => {
    for (const headers of [null, undefined, 'webhook-id', 5, Object.assign(() => undefined, { 'webhook-id': 'msg_fn' })]) {
      expect(readStandardHeaders(headers as unknown as Headers_, INIT)).toEqual({ id: undefined, timestamp: undefined, signature: undefined });
    }
  });

  it('returns the names in order for every spelling', () => {
    for (const name of NAMES) {
      const upper = name.toUpperCase();
      const got = readStandardHeaders({ [upper]: `value of ${name}` }, INIT);
      expect(Object.values(got).filter((v) => v !== undefined)).toEqual([`value of ${name}`]);
    }
  });
});
