/**
 * The Standard Webhooks verifier and signer edge by edge (written against the survivors of
 * `npm run mutation -- core-webhooks`, see docs/mutation.md): the `v1` signature-list parser, the
 * exact error messages and fields, the tolerance and timestamp boundaries, the secret decoder, and
 * the hot-path signer's scratch sizing at the byte where it must grow. Signatures are checked against
 * `createHmac` and the `standardwebhooks` package, which share no code with the verifier.
 */
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, ValidationError, WebhookVerificationError } from '../../../src/core/errors.js';
import {
  createStandardWebhookVerifier,
  generateWebhookSecret,
  newWebhookMessageId,
  signStandardWebhook,
  verifyStandardWebhook,
  type WebhookRequest,
} from '../../../src/core/webhooks/index.js';
import { createSignerForTest, createStandardWebhookVerifierWith, decodeWebhookSecret, equalSignatures } from '../../../src/core/webhooks/standard.js';

// vendors/liveblocks.md 1.3 (as in standard.test.ts)
const LB = {
  secret: 'whsec_sFOoBaR78ZZNyOl0TxbObFZWeo3rLg+dA',
  id: 'msg_2KvLUhLIHZtzZnNgUWv3PhGYf5f',
  timestamp: '1674850126',
  now: 1674850126000,
  body: '{"data":{"projectId":"605a50b01a36d5ea7a2e9104","connectionId":2196,"enteredAt":"2023-01-27T20:08:40.693Z","numActiveUsers":2,"roomId":"hero-grid-12-01-2022","userId":"iepRYL2EWVHx8IcKVqhvZ6xljn","userInfo":null},"type":"userEntered"}',
  signature: 'v1,gopme/11zjuw4Iw58NMlNm/ywlJVJNrQ1dBKef3kFms=',
};
const SIG = LB.signature.slice(3);
/** A well-formed signature (44 characters) that matches nothing. */
const OTHER = 'v1,' + Buffer.alloc(32, 7).toString('base64');
const opts = { secrets: [LB.secret], now: LB.now };

function lbRequest(overrides: Record<string, string | undefined> = {}, body: string | Uint8Array = LB.body): WebhookRequest {
  const headers: Record<string, string> = { 'webhook-id': LB.id, 'webhook-timestamp': LB.timestamp, 'webhook-signature': LB.signature };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete headers[k];
    else headers[k] = v;
  }
  return { headers, rawBody: body };
}

function thrown(fn: () => unknown): any {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

function refusal(request: unknown, options: Parameters<typeof verifyStandardWebhook>[1] = opts): WebhookVerificationError {
  const err = thrown(() => verifyStandardWebhook(request as WebhookRequest, options));
  expect(err).toBeInstanceOf(WebhookVerificationError);
  return err as WebhookVerificationError;
}

function reference(key: Buffer, id: string, timestamp: string, body: string | Uint8Array): string {
  const hmac = createHmac('sha256', key);
  if (typeof body === 'string') hmac.update(`${id}.${timestamp}.${body}`);
  else hmac.update(`${id}.${timestamp}.`).update(body);
  return hmac.digest('base64');
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the webhook-signature parser', () => {
  it('strips the trailing comma Headers and Node leave on joined items', () => {
    for (const header of [`${LB.signature},`, `${LB.signature}, ${OTHER}`, `${OTHER}, ${LB.signature}`, `${OTHER}, ${LB.signature},`]) {
      expect(verifyStandardWebhook(lbRequest({ 'webhook-signature': header }), opts).id, header).toBe(LB.id);
    }
  });

  it('trims each space-separated item', () => {
    expect(verifyStandardWebhook(lbRequest({ 'webhook-signature': `${OTHER} \t${LB.signature}` }), opts).id).toBe(LB.id);
  });

  it('takes only items that start with exactly "v1,"', () => {
    for (const item of [`v1x${SIG}`, `x1,${SIG}`, `v2,${SIG}`, `V1,${SIG}`, `v11,${SIG}`]) {
      const err = refusal(lbRequest({ 'webhook-signature': `${item} ${OTHER}` }));
      expect(err.message, item).toBe(
        'No matching signature: none of the 1 v1 signature(s) in webhook-signature matches the configured secret (wrong secret, or the body was modified or re-serialised)',
      );
    }
    for (const header of [`v2,${SIG}`, `v1x${SIG}`, `${SIG}`]) {
      expect(refusal(lbRequest({ 'webhook-signature': header })).message, header).toBe(
        'Invalid webhook-signature header: no v1 signature (expected space-separated "v1,<base64>" items)',
      );
    }
  });

  it('skips empty v1 items instead of counting them', () => {
    for (const header of ['v1,, v1a,x', 'v1,,', '  v1, ']) {
      expect(refusal(lbRequest({ 'webhook-signature': header })).message, header).toBe(
        'Invalid webhook-signature header: no v1 signature (expected space-separated "v1,<base64>" items)',
      );
    }
  });

  it('counts the candidates and the secrets in the mismatch message', () => {
    expect(refusal(lbRequest({ 'webhook-signature': `${OTHER} v1,abc v9,${SIG}` })).message).toBe(
      'No matching signature: none of the 2 v1 signature(s) in webhook-signature matches the configured secret (wrong secret, or the body was modified or re-serialised)',
    );
    const two = { ...opts, secrets: [generateWebhookSecret(), generateWebhookSecret()] };
    expect(refusal(lbRequest(), two).message).toBe(
      'No matching signature: none of the 1 v1 signature(s) in webhook-signature matches the 2 configured secrets (wrong secret, or the body was modified or re-serialised)',
    );
    const three = { ...opts, secrets: [generateWebhookSecret(), generateWebhookSecret(), generateWebhookSecret()] };
    expect(refusal(lbRequest({ 'webhook-signature': `${OTHER} ${OTHER}` }), three).message).toMatch(/^No matching signature: none of the 2 v1 signature\(s\) .* the 3 configured secrets /);
  });

  it('finds the match whichever secret and candidate it is', () => {
    const secrets = [generateWebhookSecret(), generateWebhookSecret(), LB.secret];
    expect(verifyStandardWebhook(lbRequest({ 'webhook-signature': `${OTHER} ${OTHER} ${LB.signature}` }), { ...opts, secrets }).id).toBe(LB.id);
  });

  it('never accepts a wrong signature of the right length', () => {
    const wrong = 'v1,' + (SIG[0] === 'A' ? 'B' : 'A') + SIG.slice(1);
    expect(refusal(lbRequest({ 'webhook-signature': wrong })).message).toMatch(/^No matching signature/);
  });
});

describe('request and header errors', () => {
  it('refuses a request that is not an object', () => {
    for (const request of [null, undefined, 'request', 5]) {
      const err = refusal(request);
      expect(err.message, String(request)).toBe('Invalid webhook request: expected { headers, rawBody }');
      expect(err.operation).toBe('webhooks.verify');
    }
  });

  it('refuses headers that are not an object', () => {
    for (const headers of [null, undefined, 'webhook-id: x', 5]) {
      expect(refusal({ headers, rawBody: LB.body }).message, String(headers)).toBe('Invalid webhook request: headers are missing');
    }
  });

  it('trims the id and timestamp and signs the trimmed values', () => {
    const verified = verifyStandardWebhook(lbRequest({ 'webhook-id': `  ${LB.id} `, 'webhook-timestamp': ` ${LB.timestamp}  ` }), opts);
    expect(verified).toEqual({ id: LB.id, timestamp: new Date(LB.now), body: LB.body });
  });

  it('reports a whitespace-only signature header as missing', () => {
    expect(refusal(lbRequest({ 'webhook-signature': ' \t ' })).message).toBe('Missing webhook-signature header');
    expect(refusal({ headers: { 'webhook-id': LB.id, 'webhook-timestamp': LB.timestamp }, rawBody: LB.body }).message).toBe('Missing webhook-signature header');
  });

  it('names the type of a body that is not raw', () => {
    const base = lbRequest();
    expect(refusal({ ...base, rawBody: null }).message).toBe(
      'Invalid rawBody: expected the raw request body as a string or Uint8Array, got null (pass the unparsed body)',
    );
    expect(refusal({ ...base, rawBody: { a: 1 } }).message).toBe(
      'Invalid rawBody: expected the raw request body as a string or Uint8Array, got object (pass the unparsed body)',
    );
    expect(refusal({ headers: base.headers }).message).toBe(
      'Invalid rawBody: expected the raw request body as a string or Uint8Array, got undefined (pass the unparsed body)',
    );
  });

  it('returns a byte body as its UTF-8 text', () => {
    const bytes = Buffer.from(LB.body, 'utf8');
    const view = new Uint8Array(bytes.length + 6);
    view.set(bytes, 3);
    const verified = verifyStandardWebhook(lbRequest({}, view.subarray(3, 3 + bytes.length)), opts);
    expect(verified.body).toBe(LB.body);
  });

  it('quotes at most 32 characters of an invalid timestamp', () => {
    const long = '1'.repeat(10) + 'x'.repeat(40);
    expect(refusal(lbRequest({ 'webhook-timestamp': long })).message).toBe(
      `Invalid webhook-timestamp header: expected Unix seconds as an integer, got ${JSON.stringify(long.slice(0, 32))}`,
    );
  });

  it('accepts 1 to 15 digits, and every digit from 0 to 9', () => {
    const at = 1_900_000_009;
    const verify = createStandardWebhookVerifier({ secrets: [LB.secret], now: at * 1000 });
    const body = 'b';
    const sig = signStandardWebhook({ id: 'msg_d', timestamp: at, body }, LB.secret);
    expect(verify({ headers: { 'webhook-id': 'msg_d', 'webhook-timestamp': String(at), 'webhook-signature': sig }, rawBody: body }).id).toBe('msg_d');
    const sig2 = signStandardWebhook({ id: 'msg_d', timestamp: 1_234_567_890, body }, LB.secret);
    const verify2 = createStandardWebhookVerifier({ secrets: [LB.secret], now: 1_234_567_890_000 });
    expect(verify2({ headers: { 'webhook-id': 'msg_d', 'webhook-timestamp': '1234567890', 'webhook-signature': sig2 }, rawBody: body }).id).toBe('msg_d');
    // 15 digits is a (far-future) number of seconds; 16 is not a timestamp at all.
    expect(refusal(lbRequest({ 'webhook-timestamp': '999999999999999' })).message).toMatch(/^Webhook timestamp in the future: 999999999999999 is /);
    expect(refusal(lbRequest({ 'webhook-timestamp': '1000000000000000' })).message).toBe(
      'Invalid webhook-timestamp header: expected Unix seconds as an integer, got "1000000000000000"',
    );
    for (const bad of ['167485012/', '167485012:', '1674850 26']) {
      expect(refusal(lbRequest({ 'webhook-timestamp': bad })).message, bad).toMatch(/^Invalid webhook-timestamp header/);
    }
  });
});

describe('the clock and the tolerance', () => {
  const ts = Number(LB.timestamp);

  it('reports how far off a timestamp is, in both directions', () => {
    expect(refusal(lbRequest(), { ...opts, now: (ts + 1000) * 1000 }).message).toBe(`Webhook timestamp too old: ${ts} is 1000 s before now (tolerance 300 s)`);
    expect(refusal(lbRequest(), { ...opts, now: (ts - 1000) * 1000 }).message).toBe(`Webhook timestamp in the future: ${ts} is 1000 s after now (tolerance 300 s)`);
  });

  it('floors the clock to whole seconds', () => {
    expect(verifyStandardWebhook(lbRequest(), { ...opts, toleranceSeconds: 0, now: LB.now + 999 }).id).toBe(LB.id);
    expect(refusal(lbRequest(), { ...opts, toleranceSeconds: 0, now: LB.now + 1000 }).message).toBe(`Webhook timestamp too old: ${ts} is 1 s before now (tolerance 0 s)`);
    expect(refusal(lbRequest(), { ...opts, toleranceSeconds: 0, now: LB.now - 1 }).message).toBe(`Webhook timestamp in the future: ${ts} is 1 s after now (tolerance 0 s)`);
  });

  it('hints at milliseconds only above 1e11', () => {
    const now = 100_000_000_000 * 1000;
    // Far in the future of a 1970 clock in both cases; only the second is above the threshold.
    expect(refusal(lbRequest({ 'webhook-timestamp': '100000000000' }), { ...opts, now: 0 }).message).toBe(
      'Webhook timestamp in the future: 100000000000 is 100000000000 s after now (tolerance 300 s)',
    );
    expect(refusal(lbRequest({ 'webhook-timestamp': '100000000001' }), { ...opts, now: 0 }).message).toBe(
      'Webhook timestamp in the future: 100000000001 is 100000000001 s after now (tolerance 300 s); it looks like milliseconds, but webhook-timestamp is Unix seconds',
    );
    expect(now).toBeGreaterThan(0);
  });

  it('uses Date.now when no clock is given', () => {
    vi.useFakeTimers();
    vi.setSystemTime(LB.now + 10_000);
    expect(verifyStandardWebhook(lbRequest(), { secrets: [LB.secret] }).id).toBe(LB.id);
    vi.setSystemTime(LB.now + 301_000);
    expect(refusal(lbRequest(), { secrets: [LB.secret] }).message).toBe(`Webhook timestamp too old: ${ts} is 301 s before now (tolerance 300 s)`);
  });

  it('calls a clock function on every request', () => {
    const clock = vi.fn(() => LB.now);
    const verify = createStandardWebhookVerifier({ secrets: [LB.secret], now: clock });
    verify(lbRequest());
    verify(lbRequest());
    expect(clock).toHaveBeenCalledTimes(2);
  });
});

describe('configuration errors', () => {
  it('needs a non-empty array of secrets', () => {
    for (const secrets of [[], undefined, 'whsec_x', {}]) {
      const err = thrown(() => createStandardWebhookVerifier({ secrets: secrets as string[], provider: 'velt' }));
      expect(err, JSON.stringify(secrets)).toBeInstanceOf(ConfigError);
      expect(err.message).toBe('Webhook verification needs at least one secret');
      expect(err.field).toBe('secrets');
      expect(err.provider).toBe('velt');
      expect(err.operation).toBe('webhooks.verify');
    }
  });

  it('numbers the unusable secret from 1 and keeps it out of the message', () => {
    const err = thrown(() => createStandardWebhookVerifier({ secrets: [LB.secret, generateWebhookSecret(), 'whsec_!!'], provider: 'velt' }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe('Webhook secret #3 is not a valid secret (expected whsec_<base64>)');
    expect(err.field).toBe('secrets');
    expect(err.provider).toBe('velt');
    expect(err.operation).toBe('webhooks.verify');
    expect(thrown(() => createStandardWebhookVerifier({ secrets: [5 as unknown as string] })).message).toBe('Webhook secret #1 is not a valid secret (expected whsec_<base64>)');
  });

  it('refuses secrets that are not base64 or decode to no bytes', () => {
    for (const secret of ['whsec_', 'whsec_A', 'A', 'whsec_abc!def', 'whsec_abcd===', 'whsec_=abcd', 'whsec_ab cd', '', 'whsec_abc\n']) {
      expect(decodeWebhookSecret(secret), JSON.stringify(secret)).toBeUndefined();
      expect(() => createStandardWebhookVerifier({ secrets: [secret] }), JSON.stringify(secret)).toThrow(ConfigError);
    }
    for (const secret of ['whsec_abcd', 'whsec_abcd=', 'whsec_abcd==', 'whsec_a-b_', 'whsec_a+b/', 'abcd']) {
      expect(decodeWebhookSecret(secret), secret).toBeDefined();
    }
  });

  it('strips the whsec_ prefix only at the start', () => {
    const raw = Buffer.from(LB.secret.slice(6), 'base64');
    const key = decodeWebhookSecret(LB.secret)!;
    expect(Buffer.from(key.export()).equals(raw)).toBe(true);
    // "whsec_" is itself base64 text: a secret without the prefix keeps those characters.
    const bare = decodeWebhookSecret('abcdwhsec_')!;
    expect(Buffer.from(bare.export()).equals(Buffer.from('abcdwhsec_', 'base64'))).toBe(true);
  });

  it('allows a tolerance of 0 and refuses a negative or non-finite one', () => {
    expect(() => createStandardWebhookVerifier({ secrets: [LB.secret], toleranceSeconds: 0 })).not.toThrow();
    for (const toleranceSeconds of [-1, -0.001, Number.NaN, Number.POSITIVE_INFINITY]) {
      const err = thrown(() => createStandardWebhookVerifier({ secrets: [LB.secret], toleranceSeconds, provider: 'velt' }));
      expect(err).toBeInstanceOf(ConfigError);
      expect(err.message).toBe('toleranceSeconds must be a non-negative number');
      expect(err.field).toBe('toleranceSeconds');
      expect(err.provider).toBe('velt');
    }
  });

  it('puts the provider on verification errors only when one is given', () => {
    expect(refusal(lbRequest({ 'webhook-id': undefined }), { ...opts, provider: 'velt' }).provider).toBe('velt');
    const err = refusal(lbRequest({ 'webhook-id': undefined }));
    expect(err.provider).toBeUndefined();
    expect(err.operation).toBe('webhooks.verify');
  });
});

describe('createStandardWebhookVerifierWith', () => {
  it('builds the result from the trimmed id, the numeric timestamp and the text body', () => {
    const build = vi.fn((id: string, seconds: number, body: string) => ({ id, seconds, body }));
    const verify = createStandardWebhookVerifierWith(opts, build);
    expect(verify(lbRequest({ 'webhook-id': ` ${LB.id}` }, Buffer.from(LB.body)))).toEqual({ id: LB.id, seconds: Number(LB.timestamp), body: LB.body });
    expect(build).toHaveBeenCalledTimes(1);
    expect(() => verify(lbRequest({ 'webhook-signature': OTHER }))).toThrow(WebhookVerificationError);
    expect(build).toHaveBeenCalledTimes(1);
  });
});

describe('signStandardWebhook', () => {
  const secret = LB.secret;

  it('signs timestamp 0 and matches the oracle', () => {
    const sig = signStandardWebhook({ id: 'msg_0', timestamp: 0, body: 'b' }, secret);
    expect(sig).toBe(new Webhook(secret).sign('msg_0', new Date(0), 'b'));
    expect(sig.startsWith('v1,')).toBe(true);
  });

  it('names the bad field with its rule', () => {
    const cases: Array<[unknown, string, string]> = [
      [{ id: '', timestamp: 1, body: '' }, 'id', 'Invalid id: must be a non-empty string'],
      [{ id: 5, timestamp: 1, body: '' }, 'id', 'Invalid id: must be a non-empty string'],
      [{ id: 'a', timestamp: -1, body: '' }, 'timestamp', 'Invalid timestamp: must be a non-negative integer number of Unix seconds'],
      [{ id: 'a', timestamp: 1.5, body: '' }, 'timestamp', 'Invalid timestamp: must be a non-negative integer number of Unix seconds'],
      [{ id: 'a', timestamp: '1', body: '' }, 'timestamp', 'Invalid timestamp: must be a non-negative integer number of Unix seconds'],
      [{ id: 'a', timestamp: 1, body: 5 }, 'body', 'Invalid body: must be a string or Uint8Array'],
      [{ id: 'a', timestamp: 1, body: null }, 'body', 'Invalid body: must be a string or Uint8Array'],
    ];
    for (const [input, field, message] of cases) {
      const err = thrown(() => signStandardWebhook(input as never, secret));
      expect(err, message).toBeInstanceOf(ValidationError);
      expect(err.field).toBe(field);
      expect(err.message).toBe(message);
    }
    const err = thrown(() => signStandardWebhook({ id: 'a', timestamp: 1, body: '' }, 'whsec_??'));
    expect(err.field).toBe('secret');
    expect(err.message).toBe('Invalid secret: must be whsec_<base64>');
  });

  it('signs bytes as bytes', () => {
    const body = new Uint8Array([0xff, 0xfe, 0x00, 0x41]);
    const key = Buffer.from(secret.slice(6), 'base64');
    expect(signStandardWebhook({ id: 'msg_b', timestamp: 7, body }, secret)).toBe(`v1,${reference(key, 'msg_b', '7', body)}`);
  });
});

describe('generated secrets and ids', () => {
  it('are whsec_ + 24 bytes and msg_ + 16 bytes of base64url', () => {
    expect(Buffer.from(generateWebhookSecret().slice(6), 'base64')).toHaveLength(24);
    const id = newWebhookMessageId();
    expect(id).toMatch(/^msg_[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(id.slice(4), 'base64url')).toHaveLength(16);
  });
});

describe('the hot-path signer', () => {
  it('hashes a key longer than the 64-byte block and pads one of exactly 64 bytes', () => {
    for (const n of [1, 32, 63, 64, 65, 100]) {
      const key = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff));
      const sign = createSignerForTest(key.toString('base64'))!;
      expect(sign('msg_1', '1700000000', 'body'), String(n)).toBe(reference(key, 'msg_1', '1700000000', 'body'));
    }
  });

  it('grows its scratch for a message one byte over it (3-byte characters in id, timestamp and body)', () => {
    const key = Buffer.alloc(32, 9);
    // The first scratch holds 64 + 4096 bytes; this message needs 64 + 3 + 3 + 2 + 3 * 1363 = 4161.
    const euro = '\u20ac';
    for (const [id, ts, body] of [
      [euro, euro, euro.repeat(1363)],
      [euro.repeat(1400), '1', ''],
      ['1', euro.repeat(1400), ''],
      [euro.repeat(700), euro.repeat(700), 'x'],
    ] as const) {
      const sign = createSignerForTest(key.toString('base64'))!;
      expect(sign(id, ts, body)).toBe(reference(key, id, ts, body));
      expect(sign(id, ts, Buffer.from(body))).toBe(reference(key, id, ts, Buffer.from(body)));
    }
  });

  it('grows its scratch for a byte body just over it, then signs small messages again', () => {
    const key = Buffer.alloc(32, 3);
    const sign = createSignerForTest(key.toString('base64'))!;
    for (const size of [4096 - 20, 4096, 4200, 9000, 16_384, 100]) {
      const bytes = Buffer.alloc(size, 0xab);
      expect(sign('m', '1', bytes), String(size)).toBe(reference(key, 'm', '1', bytes));
      const text = 'a'.repeat(size);
      expect(sign('m', '1', text), String(size)).toBe(reference(key, 'm', '1', text));
    }
  });

  it('has no signer for an unusable secret', () => {
    expect(createSignerForTest('whsec_!!')).toBeUndefined();
    expect(createSignerForTest('whsec_')).toBeUndefined();
  });

  it('compares signatures over all 44 characters', () => {
    const a = 'A'.repeat(43) + '=';
    expect(equalSignatures(a, a)).toBe(true);
    expect(equalSignatures(a, 'A'.repeat(42) + 'B=')).toBe(false);
    expect(equalSignatures(a, 'B' + a.slice(1))).toBe(false);
    expect(equalSignatures(a + 'x', a + 'x')).toBe(false);
    expect(equalSignatures(a.slice(1), a.slice(1))).toBe(false);
    expect(equalSignatures(a, a + 'x')).toBe(false);
    expect(equalSignatures(a + 'x', a)).toBe(false);
  });
});
