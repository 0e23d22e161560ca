/**
 * The verification hot path (issue 12) computes what the straightforward code computed: the
 * one-shot-hash HMAC equals `createHmac`, the three-header reader equals `readHeader` per name, the
 * constant-time compare equals `===`, the ISO date fast path equals `Date.parse`, and the collapsed
 * promise layers still refuse unreadable requests with `WebhookVerificationError`.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoDate, isParsableDate, parseIsoDate } from '../../../src/core/iso-date.js';
import { createCollab } from '../../../src/index.js';
import { WebhookVerificationError } from '../../../src/core/errors.js';
import { readHeader, readStandardHeaders } from '../../../src/core/webhooks/headers.js';
import { generateWebhookSecret, newWebhookMessageId, signStandardWebhook, type WebhookRequest } from '../../../src/core/webhooks/index.js';
import { createSignerForTest, equalSignatures } from '../../../src/core/webhooks/standard.js';

function reference(key: Buffer, id: string, timestamp: string, body: string | Uint8Array): string {
  const hmac = createHmac('sha256', key);
  if (typeof body === 'string') hmac.update(`${id}.${timestamp}.${body}`);
  else hmac.update(`${id}.${timestamp}.`).update(body);
  return hmac.digest('base64');
}

const keyArb = fc.uint8Array({ minLength: 1, maxLength: 160 }); // above 64 bytes HMAC hashes the key first
const textArb = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), fc.json());

describe('the verifier signer (RFC 2104 over one-shot crypto.hash)', () => {
  it('equals createHmac for any key, id, timestamp and string or byte body', () => {
    fc.assert(
      fc.property(keyArb, fc.string({ unit: 'binary', maxLength: 40 }), fc.stringMatching(/^\d{0,15}$/), fc.oneof(textArb, fc.uint8Array({ maxLength: 600 })), (raw, id, ts, body) => {
        const key = Buffer.from(raw);
        const sign = createSignerForTest(key.toString('base64'))!;
        expect(sign(id, ts, body)).toBe(reference(key, id, ts, body));
      }),
      { numRuns: 400 },
    );
  });

  it('equals createHmac when id or body hold lone surrogates (the parts are encoded one by one)', () => {
    // Raw UTF-16 code units, so a high surrogate can end the id and a low one start the body.
    const units = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 60 });
    fc.assert(
      fc.property(keyArb, units, fc.stringMatching(/^\d{0,15}$/), units, (raw, id, ts, body) => {
        const key = Buffer.from(raw);
        const sign = createSignerForTest(key.toString('base64'))!;
        expect(sign(id, ts, body)).toBe(reference(key, id, ts, body));
      }),
      { numRuns: 300 },
    );
    const key = Buffer.alloc(32, 7);
    const sign = createSignerForTest(key.toString('base64'))!;
    expect(sign('msg_\ud83d', '1700000000', '\ude00{}')).toBe(reference(key, 'msg_\ud83d', '1700000000', '\ude00{}'));
    expect(sign('\ud83d', '', '\ude00')).toBe(reference(key, '\ud83d', '', '\ude00'));
  });

  it('keeps agreeing once its scratch grows, and above the scratch limit (createHmac fallback)', () => {
    const key = Buffer.from(generateWebhookSecret().slice('whsec_'.length), 'base64');
    const sign = createSignerForTest(key.toString('base64'))!;
    for (const size of [10, 5000, 70_000, 400_000, 1_200_000, 20]) {
      const body = 'é'.repeat(size);
      expect(sign('msg_1', '1700000000', body)).toBe(reference(key, 'msg_1', '1700000000', body));
      const bytes = Buffer.from(body);
      expect(sign('msg_1', '1700000000', bytes)).toBe(reference(key, 'msg_1', '1700000000', bytes));
    }
  });

  it('two signers never mix their keys (per-signer scratch)', () => {
    const a = Buffer.alloc(32, 1);
    const b = Buffer.alloc(32, 2);
    const signA = createSignerForTest(a.toString('base64'))!;
    const signB = createSignerForTest(b.toString('base64'))!;
    for (let i = 0; i < 5; i++) {
      expect(signA('id', String(i), 'body')).toBe(reference(a, 'id', String(i), 'body'));
      expect(signB('id', String(i), 'body')).toBe(reference(b, 'id', String(i), 'body'));
    }
  });
});

describe('equalSignatures', () => {
  it('is `===` on signature-length strings, and false for any other length', () => {
    const unit = fc.oneof(fc.constantFrom(...'ABab+/=0'), fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)));
    const sigArb = fc.string({ minLength: 44, maxLength: 44, unit });
    fc.assert(
      fc.property(sigArb, sigArb, fc.nat(43), unit, (a, b, i, c) => {
        expect(equalSignatures(a, b)).toBe(a === b);
        expect(equalSignatures(a, a)).toBe(true);
        const changed = a.slice(0, i) + c + a.slice(i + 1);
        expect(equalSignatures(a, changed)).toBe(a === changed);
      }),
    );
    expect(equalSignatures('a'.repeat(43), 'a'.repeat(43))).toBe(false);
    // A character outside latin1 never matches the base64 digit sharing its low byte.
    expect(equalSignatures('A'.repeat(44), '\u0141' + 'A'.repeat(43))).toBe(false);
  });

  it('with an offset compares the 44 characters from there, and is false unless exactly 44 follow it', () => {
    const sigArb = fc.string({ minLength: 44, maxLength: 44, unit: fc.constantFrom(...'ABab+/=0') });
    fc.assert(
      fc.property(fc.string({ maxLength: 5 }), sigArb, sigArb, (prefix, a, b) => {
        expect(equalSignatures(prefix + a, b, prefix.length)).toBe(a === b);
        expect(equalSignatures(prefix + a, a, prefix.length)).toBe(true);
        expect(equalSignatures(prefix + a + 'x', a, prefix.length)).toBe(false);
        expect(equalSignatures(prefix + a.slice(1), a.slice(1) + 'A', prefix.length)).toBe(false);
      }),
    );
  });
});

describe('readStandardHeaders', () => {
  const NAMES = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;
  const spelling = (name: string) =>
    fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length }).map((upper) => [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
  const valueArb = fc.oneof(
    fc.constantFrom('msg_1', 'msg_2', '1700000000', 'v1,abc', 'v1,abc, v1,def', 'msg_1, msg_1', 'msg_1, msg_2', ' msg_1 ', ''),
    fc.integer({ min: 0, max: 2e9 }),
    fc.array(fc.oneof(fc.constantFrom('msg_1', 'msg_2', 'v1,x', '17'), fc.integer({ max: 20 })), { maxLength: 3 }),
    fc.constant(undefined),
    fc.constant(null),
  );
  const recordArb = fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...NAMES).chain(spelling), fc.constantFrom('host', 'webhook-idx', 'Webhook', 'w', 'accept')), valueArb), { maxLength: 8 })
    .map((entries) => Object.fromEntries(entries) as unknown as WebhookRequest['headers']);

  function outcome(fn: () => unknown): unknown {
    try {
      return { value: fn() };
    } catch (err) {
      return { error: (err as Error).constructor.name, message: (err as Error).message, code: (err as WebhookVerificationError).vendorCode };
    }
  }

  /** The reference: one `readHeader` per name, in the verifier's order (the first bad header throws). */
  const readEach = (headers: Parameters<typeof readHeader>[0], init: Parameters<typeof readHeader>[2]) => NAMES.map((name) => readHeader(headers, name, init));

  it('returns exactly what readHeader returns for each of the three names (values and errors) on generated records', () => {
    fc.assert(
      fc.property(recordArb, (record) => {
        const init = { operation: 'webhooks.verify', provider: 'liveblocks' };
        const expected = outcome(() => readEach(record, init));
        const actual = outcome(() => {
          const r = readStandardHeaders(record, init);
          return [r.id, r.timestamp, r.signature];
        });
        expect(actual).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees on Headers objects and entry lists too', () => {
    const init = {};
    const h = new Headers([['Webhook-Id', 'msg_1'], ['webhook-timestamp', '17'], ['webhook-signature', 'v1,a']]);
    const r = readStandardHeaders(h, init);
    expect([r.id, r.timestamp, r.signature]).toEqual(readEach(h, init));
    const entries = [['webhook-id', 'msg_1'], ['Webhook-Id', 'msg_2']] as unknown as Record<string, string>;
    expect(() => readStandardHeaders(entries, init)).toThrow(/repeated with different values/);
  });
});

describe('parseIsoDate (the ISO date fast path of response checks, mappers and the Liveblocks normaliser)', () => {
  const same = (s: string) => {
    const a = parseIsoDate(s);
    const b = Date.parse(s);
    expect(Number.isNaN(a) ? NaN : a).toBe(Number.isNaN(b) ? NaN : b);
    // What the Liveblocks mappers and response schemas use: the same Date, the same verdict.
    expect(isoDate(s).getTime()).toBe(new Date(s).getTime());
    expect(isParsableDate(s)).toBe(!Number.isNaN(new Date(s).getTime()));
  };

  it('equals Date.parse on toISOString output over the whole date range', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }), (d) => same(d.toISOString())),
      { numRuns: 2000 },
    );
  });

  it('equals Date.parse on ISO strings with one character changed', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }), fc.nat(23), fc.constantFrom(...'0123456789:-.TZ +a'), (d, i, c) => {
        const s = d.toISOString();
        same(s.slice(0, i) + c + s.slice(i + 1));
      }),
      { numRuns: 2000 },
    );
  });

  it('equals Date.parse on edge values', () => {
    for (const s of ['2024-02-29T12:00:00.000Z', '2023-02-29T12:00:00.000Z', '2023-04-31T00:00:00.000Z', '2023-01-01T24:00:00.000Z', '0050-01-01T00:00:00.000Z', '0000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '2023-13-01T00:00:00.000Z', '2023-00-10T00:00:00.000Z', '2023-01-01T00:60:00.000Z', '2023-01-01T00:00:60.000Z', '2023-01-01T00:00:00.000z', '', 'x']) same(s);
  });
});

describe('collab.webhooks.verify on the collapsed promise path', () => {
  it('still verifies, and refuses an unreadable request with WebhookVerificationError (never a raw TypeError)', async () => {
    const webhookSecret = generateWebhookSecret();
    const collab = await createCollab({ provider: 'liveblocks', secretKey: 'sk_dev_x', webhookSecret });
    try {
      const body = JSON.stringify({ type: 'storageUpdated', data: { projectId: 'p', roomId: 'r1', updatedAt: '2024-05-01T10:00:00.000Z' } });
      const id = newWebhookMessageId();
      const timestamp = Math.floor(Date.now() / 1000);
      const headers = { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signStandardWebhook({ id, timestamp, body }, webhookSecret) };
      const event = await collab.webhooks.verify({ headers, rawBody: body });
      expect(event).toMatchObject({ id, type: 'storage.updated', roomId: 'r1', occurredAt: new Date('2024-05-01T10:00:00.000Z') });

      const hostile = {
        get headers(): never {
          throw new TypeError('boom');
        },
        rawBody: body,
      };
      const promise = collab.webhooks.verify(hostile as never);
      expect(promise).toBeInstanceOf(Promise);
      const err = await promise.then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(WebhookVerificationError);
      expect((err as Error).message).toBe('The webhook request could not be read');

      const forged = await collab.webhooks.verify({ headers: { ...headers, 'webhook-signature': 'v1,' + 'A'.repeat(43) + '=' }, rawBody: body }).then(() => undefined, (e: unknown) => e);
      expect(forged).toBeInstanceOf(WebhookVerificationError);
      expect((forged as Error).message).toMatch(/^No matching signature/);
      expect((forged as Error).message).not.toContain(webhookSecret);
    } finally {
      await collab.close();
    }
  });
});
