import { randomBytes } from 'node:crypto';
import { WebhookHandler } from '@liveblocks/node';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { CollabError, ConfigError, ValidationError, WebhookVerificationError } from '../../../src/core/errors.js';
import {
  createStandardWebhookVerifier,
  generateWebhookSecret,
  newWebhookMessageId,
  signStandardWebhook,
  verifyStandardWebhook,
  type WebhookRequest,
} from '../../../src/core/webhooks/index.js';

// vendors/liveblocks.md 1.3
const LB = {
  secret: 'whsec_sFOoBaR78ZZNyOl0TxbObFZWeo3rLg+dA',
  id: 'msg_2KvLUhLIHZtzZnNgUWv3PhGYf5f',
  timestamp: '1674850126',
  now: 1674850126000,
  body: '{"data":{"projectId":"605a50b01a36d5ea7a2e9104","connectionId":2196,"enteredAt":"2023-01-27T20:08:40.693Z","numActiveUsers":2,"roomId":"hero-grid-12-01-2022","userId":"iepRYL2EWVHx8IcKVqhvZ6xljn","userInfo":null},"type":"userEntered"}',
  signature: 'v1,gopme/11zjuw4Iw58NMlNm/ywlJVJNrQ1dBKef3kFms=',
};

// vendors/velt.md 12.2
const VELT = {
  secret: 'whsec_plJ3nmyCDGBKInavdOK15jsl',
  id: 'msg_loFOjxBNrRLzqYUf',
  timestamp: '1731705121',
  body: '{"event_type":"ping","data":{"success":true}}',
  signature: 'v1,rAvfW3dJ/X/qxhsaXPOyyCGmRKsaKWcsNccKXlIktD0=',
};

function lbRequest(overrides: Partial<Record<string, string>> = {}, body: string | Uint8Array = LB.body): WebhookRequest {
  const headers: Record<string, string> = {
    'webhook-id': LB.id,
    'webhook-timestamp': LB.timestamp,
    'webhook-signature': LB.signature,
  };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete headers[k];
    else headers[k] = v;
  }
  return { headers, rawBody: body };
}

function catchError(fn: () => unknown): WebhookVerificationError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WebhookVerificationError);
    return err as WebhookVerificationError;
  }
  throw new Error('expected a WebhookVerificationError, nothing was thrown');
}

const secretArb = fc.uint8Array({ minLength: 24, maxLength: 64 }).map((b) => 'whsec_' + Buffer.from(b).toString('base64'));
const idArb = fc.stringMatching(/^msg_[A-Za-z0-9]{1,32}$/);
const bodyArb = fc.oneof(
  fc.json(),
  fc.string({ unit: 'grapheme', maxLength: 400 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

describe('verifyStandardWebhook: published test vectors', () => {
  it('verifies the Liveblocks vector (liveblocks.md 1.3) with the clock set', () => {
    const verified = verifyStandardWebhook(lbRequest(), { secrets: [LB.secret], now: LB.now });
    expect(verified).toEqual({ id: LB.id, timestamp: new Date(LB.now), body: LB.body });
  });

  it('rejects the Liveblocks vector when one byte of the body changes', () => {
    fc.assert(
      fc.property(fc.nat({ max: LB.body.length - 1 }), (index) => {
        const original = LB.body.charCodeAt(index);
        const changed = LB.body.slice(0, index) + String.fromCharCode(original ^ 1) + LB.body.slice(index + 1);
        const err = catchError(() => verifyStandardWebhook(lbRequest({}, changed), { secrets: [LB.secret], now: LB.now }));
        expect(err.message).toMatch(/^No matching signature/);
      }),
      { numRuns: 50 },
    );
  });

  it('verifies the Velt advanced-webhook vector (velt.md 12.2)', () => {
    const verified = verifyStandardWebhook(
      {
        headers: { 'webhook-id': VELT.id, 'webhook-timestamp': VELT.timestamp, 'webhook-signature': VELT.signature },
        rawBody: VELT.body,
      },
      { secrets: [VELT.secret], now: Number(VELT.timestamp) * 1000 },
    );
    expect(verified.body).toBe(VELT.body);
  });

  it('signStandardWebhook reproduces both vectors', () => {
    expect(signStandardWebhook({ id: LB.id, timestamp: Number(LB.timestamp), body: LB.body }, LB.secret)).toBe(LB.signature);
    expect(signStandardWebhook({ id: VELT.id, timestamp: Number(VELT.timestamp), body: VELT.body }, VELT.secret)).toBe(
      VELT.signature,
    );
  });
});

describe('Standard Webhooks interoperability (standardwebhooks npm as the oracle)', () => {
  it('verifies what standardwebhooks Webhook#sign produces', () => {
    fc.assert(
      fc.property(secretArb, idArb, bodyArb, fc.integer({ min: 1_000_000_000, max: 4_000_000_000 }), fc.integer({ min: -300, max: 300 }), (secret, id, body, ts, skew) => {
        const signature = new Webhook(secret).sign(id, new Date(ts * 1000), body);
        const request = { headers: { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signature }, rawBody: body };
        const verified = verifyStandardWebhook(request, { secrets: [secret], now: (ts + skew) * 1000 });
        expect(verified.id).toBe(id);
        expect(verified.body).toBe(body);
        // The same message as bytes verifies too.
        expect(verifyStandardWebhook({ ...request, rawBody: Buffer.from(body, 'utf8') }, { secrets: [secret], now: ts * 1000 }).body).toBe(
          Buffer.from(body, 'utf8').toString('utf8'),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('produces signatures standardwebhooks Webhook#verify accepts', () => {
    fc.assert(
      fc.property(secretArb, idArb, bodyArb, (secret, id, body) => {
        const ts = Math.floor(Date.now() / 1000); // their verify reads the real clock
        const headers = { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signStandardWebhook({ id, timestamp: ts, body }, secret) };
        expect(() => new Webhook(secret).verify(body, headers, { jsonParse: false })).not.toThrow();
        // Control: the oracle is not just accepting everything.
        expect(() => new Webhook(secret).verify(body + ' ', headers, { jsonParse: false })).toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('produces signatures @liveblocks/node WebhookHandler accepts', () => {
    const secret = generateWebhookSecret();
    const ts = Math.floor(Date.now() / 1000);
    const id = newWebhookMessageId();
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signStandardWebhook({ id, timestamp: ts, body: LB.body }, secret) };
    expect(new WebhookHandler(secret).verifyRequest({ headers, rawBody: LB.body })).toMatchObject({ type: 'userEntered' });
  });

  it('signs the exact bytes of a Uint8Array body, even when they are not valid UTF-8', () => {
    const secret = generateWebhookSecret();
    const bytes = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]);
    const signature = signStandardWebhook({ id: 'msg_1', timestamp: 1700000000, body: bytes }, secret);
    const request = { headers: { 'webhook-id': 'msg_1', 'webhook-timestamp': '1700000000', 'webhook-signature': signature }, rawBody: bytes };
    expect(() => verifyStandardWebhook(request, { secrets: [secret], now: 1700000000000 })).not.toThrow();
    // Decoding to a string first replaces the bad bytes, so the string form must not verify.
    const err = catchError(() =>
      verifyStandardWebhook({ ...request, rawBody: Buffer.from(bytes).toString('utf8') }, { secrets: [secret], now: 1700000000000 }),
    );
    expect(err.message).toMatch(/^No matching signature/);
  });

  it('verifies a Uint8Array that is a view into a larger buffer', () => {
    const big = Buffer.from('xxxx' + LB.body + 'yyyy', 'utf8');
    const view = big.subarray(4, 4 + Buffer.byteLength(LB.body));
    expect(verifyStandardWebhook(lbRequest({}, view), { secrets: [LB.secret], now: LB.now }).body).toBe(LB.body);
  });
});

describe('verifyStandardWebhook: failures', () => {
  const opts = { secrets: [LB.secret], now: LB.now };

  it('rejects a wrong secret', () => {
    const err = catchError(() => verifyStandardWebhook(lbRequest(), { ...opts, secrets: [generateWebhookSecret()] }));
    expect(err.message).toMatch(/^No matching signature: none of the 1 v1 signature\(s\)/);
    expect(err.code).toBe('webhook_verification_failed');
    expect(CollabError.is(err)).toBe(true);
  });

  it('accepts the tolerance boundary and rejects one second beyond it, with distinct messages', () => {
    const ts = Number(LB.timestamp);
    expect(() => verifyStandardWebhook(lbRequest(), { ...opts, now: (ts + 300) * 1000 })).not.toThrow();
    expect(() => verifyStandardWebhook(lbRequest(), { ...opts, now: (ts - 300) * 1000 })).not.toThrow();
    expect(catchError(() => verifyStandardWebhook(lbRequest(), { ...opts, now: (ts + 301) * 1000 })).message).toMatch(
      /^Webhook timestamp too old: 1674850126 is 301 s before now \(tolerance 300 s\)/,
    );
    expect(catchError(() => verifyStandardWebhook(lbRequest(), { ...opts, now: (ts - 301) * 1000 })).message).toMatch(
      /^Webhook timestamp in the future: 1674850126 is 301 s after now/,
    );
  });

  it('honours toleranceSeconds', () => {
    const ts = Number(LB.timestamp);
    expect(() => verifyStandardWebhook(lbRequest(), { ...opts, now: (ts + 3600) * 1000, toleranceSeconds: 3600 })).not.toThrow();
    expect(catchError(() => verifyStandardWebhook(lbRequest(), { ...opts, now: (ts + 11) * 1000, toleranceSeconds: 10 })).message).toMatch(
      /too old/,
    );
  });

  it('says when a future timestamp looks like milliseconds', () => {
    const err = catchError(() => verifyStandardWebhook(lbRequest({ 'webhook-timestamp': String(LB.now) }), opts));
    expect(err.message).toMatch(/in the future.*looks like milliseconds/);
  });

  it('checks the stale timestamp before the signature (a replay is reported as such)', () => {
    const err = catchError(() => verifyStandardWebhook(lbRequest(), { ...opts, now: LB.now + 3_600_000 }));
    expect(err.message).toMatch(/too old/);
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('reports a missing %s header', (name) => {
    expect(catchError(() => verifyStandardWebhook(lbRequest({ [name]: undefined }), opts)).message).toBe(`Missing ${name} header`);
    expect(catchError(() => verifyStandardWebhook(lbRequest({ [name]: '  ' }), opts)).message).toBe(`Missing ${name} header`);
  });

  it.each(['abc', '12abc', '1674850126.5', '-1674850126', '0x63d4'])('rejects the invalid timestamp %s', (value) => {
    expect(catchError(() => verifyStandardWebhook(lbRequest({ 'webhook-timestamp': value }), opts)).message).toMatch(
      /^Invalid webhook-timestamp header: expected Unix seconds as an integer/,
    );
  });

  it.each(['garbage', 'v1', 'v1,', ',abc', 'v2,gopme/11zjuw4Iw58NMlNm/ywlJVJNrQ1dBKef3kFms=', 'v1a,abc'])(
    'rejects the malformed signature header %j',
    (value) => {
      expect(catchError(() => verifyStandardWebhook(lbRequest({ 'webhook-signature': value }), opts)).message).toMatch(
        /^Invalid webhook-signature header: no v1 signature/,
      );
    },
  );

  it('accepts only v1 items, unlike @liveblocks/node which accepts any prefix', () => {
    const sig = LB.signature.slice(3);
    expect(catchError(() => verifyStandardWebhook(lbRequest({ 'webhook-signature': `v9,${sig}` }), opts)).message).toMatch(/no v1 signature/);
    expect(catchError(() => verifyStandardWebhook(lbRequest({ 'webhook-signature': 'v1,not-a-signature' }), opts)).message).toMatch(
      /^No matching signature/,
    );
  });

  it('rejects a rawBody that is not a string or bytes', () => {
    const request = { ...lbRequest(), rawBody: JSON.parse(LB.body) as unknown as string };
    expect(catchError(() => verifyStandardWebhook(request, opts)).message).toMatch(/^Invalid rawBody: expected the raw request body/);
  });

  it('puts the provider and operation on the error', () => {
    const err = catchError(() => verifyStandardWebhook(lbRequest({ 'webhook-id': undefined }), { ...opts, provider: 'liveblocks' }));
    expect(err.provider).toBe('liveblocks');
    expect(err.operation).toBe('webhooks.verify');
  });
});

describe('verifyStandardWebhook: rotation and header shapes', () => {
  const opts = { secrets: [LB.secret], now: LB.now };

  it('passes when one of several signatures matches', () => {
    const other = signStandardWebhook({ id: LB.id, timestamp: Number(LB.timestamp), body: LB.body }, generateWebhookSecret());
    for (const header of [`${other} ${LB.signature}`, `${LB.signature} ${other}`, `v1a,xyz  ${other} ${LB.signature}`]) {
      expect(() => verifyStandardWebhook(lbRequest({ 'webhook-signature': header }), opts)).not.toThrow();
    }
  });

  it('passes when the message is signed by any configured secret (old and new during a roll)', () => {
    const oldSecret = generateWebhookSecret();
    const verify = createStandardWebhookVerifier({ secrets: [oldSecret, LB.secret], now: LB.now });
    expect(verify(lbRequest()).id).toBe(LB.id);
    const err = catchError(() => createStandardWebhookVerifier({ secrets: [oldSecret, generateWebhookSecret()], now: LB.now })(lbRequest()));
    expect(err.message).toMatch(/matches the 2 configured secrets/);
  });

  it('accepts a bare base64 secret without the whsec_ prefix', () => {
    expect(() => verifyStandardWebhook(lbRequest(), { ...opts, secrets: [LB.secret.slice('whsec_'.length)] })).not.toThrow();
  });

  it('reads Node-style array headers', () => {
    const other = signStandardWebhook({ id: LB.id, timestamp: Number(LB.timestamp), body: LB.body }, generateWebhookSecret());
    const headers = { 'webhook-id': [LB.id, LB.id], 'webhook-timestamp': [LB.timestamp], 'webhook-signature': [other, LB.signature] };
    expect(verifyStandardWebhook({ headers, rawBody: LB.body }, opts).id).toBe(LB.id);
  });

  it('refuses a repeated header with different values', () => {
    const headers = { 'webhook-id': [LB.id, 'msg_other'], 'webhook-timestamp': LB.timestamp, 'webhook-signature': LB.signature };
    expect(catchError(() => verifyStandardWebhook({ headers, rawBody: LB.body }, opts)).message).toBe(
      'Header webhook-id is repeated with different values',
    );
  });

  it('reads a fetch Headers object, including a repeated signature header', () => {
    const headers = new Headers({ 'Webhook-Id': LB.id, 'Webhook-Timestamp': LB.timestamp });
    headers.append('Webhook-Signature', 'v1,bm9wZQ==');
    headers.append('Webhook-Signature', LB.signature); // Headers joins these with ", "
    expect(verifyStandardWebhook({ headers, rawBody: LB.body }, opts).id).toBe(LB.id);
  });

  it('reads a plain record with any letter case', () => {
    const headers = { 'WEBHOOK-ID': LB.id, 'Webhook-Timestamp': LB.timestamp, 'webhook-Signature': LB.signature };
    expect(verifyStandardWebhook({ headers, rawBody: LB.body }, opts).id).toBe(LB.id);
  });

  it('accepts a clock function in a long-lived verifier', () => {
    let now = LB.now;
    const verify = createStandardWebhookVerifier({ secrets: [LB.secret], now: () => now });
    expect(() => verify(lbRequest())).not.toThrow();
    now += 301_000;
    expect(catchError(() => verify(lbRequest())).message).toMatch(/too old/);
  });
});

describe('secrets never leak', () => {
  it('keeps the secret and the expected signature out of every error', () => {
    const secret = LB.secret;
    const keyPart = secret.slice('whsec_'.length);
    const expectedSig = LB.signature.slice(3);
    const opts = { secrets: [secret], now: LB.now };
    const errors: unknown[] = [];
    const collect = (fn: () => unknown): void => {
      try {
        fn();
      } catch (err) {
        errors.push(err);
      }
    };
    collect(() => verifyStandardWebhook(lbRequest({}, LB.body + ' '), opts));
    collect(() => verifyStandardWebhook(lbRequest({ 'webhook-signature': 'v1,AAAA' }), opts));
    collect(() => verifyStandardWebhook(lbRequest({ 'webhook-signature': 'zzz' }), opts));
    collect(() => verifyStandardWebhook(lbRequest(), { ...opts, now: 0 }));
    collect(() => verifyStandardWebhook(lbRequest(), { ...opts, now: 1e15 }));
    collect(() => verifyStandardWebhook(lbRequest({ 'webhook-id': undefined }), opts));
    collect(() => verifyStandardWebhook(lbRequest({ 'webhook-timestamp': 'x' }), opts));
    collect(() => verifyStandardWebhook(lbRequest(), { secrets: [secret + '!'] }));
    collect(() => verifyStandardWebhook(lbRequest(), { secrets: ['whsec_', secret] }));
    collect(() => createStandardWebhookVerifier({ secrets: [] }));
    collect(() => signStandardWebhook({ id: 'x', timestamp: 1, body: '' }, secret + '%'));
    expect(errors).toHaveLength(11);
    for (const err of errors) {
      const text = `${(err as Error).message} ${(err as Error).stack ?? ''} ${JSON.stringify(err)}`;
      expect(text).not.toContain(keyPart);
      expect(text).not.toContain(expectedSig);
    }
  });
});

describe('configuration errors', () => {
  it('rejects missing or malformed secrets with ConfigError', () => {
    expect(() => createStandardWebhookVerifier({ secrets: [] })).toThrow(ConfigError);
    expect(() => createStandardWebhookVerifier({ secrets: ['whsec_'] })).toThrow(/secret #1 is not a valid secret/);
    expect(() => createStandardWebhookVerifier({ secrets: [LB.secret, 'whsec_not base64!'] })).toThrow(/secret #2/);
    expect(() => createStandardWebhookVerifier({ secrets: [LB.secret], toleranceSeconds: -1 })).toThrow(ConfigError);
  });

  it('validates signStandardWebhook input', () => {
    const secret = generateWebhookSecret();
    expect(() => signStandardWebhook({ id: '', timestamp: 1, body: '' }, secret)).toThrow(ValidationError);
    expect(() => signStandardWebhook({ id: 'a', timestamp: 1.5, body: '' }, secret)).toThrow(/timestamp/);
    expect(() => signStandardWebhook({ id: 'a', timestamp: 1, body: {} as string }, secret)).toThrow(/body/);
    expect(() => signStandardWebhook({ id: 'a', timestamp: 1, body: '' }, 'whsec_??')).toThrow(/secret/);
  });
});

describe('generateWebhookSecret / newWebhookMessageId', () => {
  it('generates whsec_ + base64 of 24 random bytes, usable by the oracle', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(24);
    expect(generateWebhookSecret()).not.toBe(secret);
    expect(() => new Webhook(secret)).not.toThrow();
  });

  it('generates unique msg_ ids', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newWebhookMessageId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^msg_[A-Za-z0-9_-]{22}$/);
  });

  it('round-trips random secrets of many sizes', () => {
    for (let n = 1; n <= 64; n++) {
      const secret = 'whsec_' + randomBytes(n).toString('base64');
      const sig = signStandardWebhook({ id: 'msg_x', timestamp: 1700000000, body: 'b' }, secret);
      expect(new Webhook(secret).sign('msg_x', new Date(1700000000_000), 'b')).toBe(sig);
    }
  });
});
