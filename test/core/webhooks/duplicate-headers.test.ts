/**
 * A header that arrives twice with different values (two spellings in a record, an array, repeated
 * entries, or joined by `Headers`/Node) makes a webhook ambiguous and is refused; identical
 * duplicates are accepted. Signatures come from the `standardwebhooks` package, so the verifier is
 * checked against an implementation it does not share code with.
 */
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { WebhookVerificationError } from '../../../src/core/errors.js';
import type { WebhookRequest } from '../../../src/core/model/event.js';
import { verifyBasicAuthWebhook } from '../../../src/adapters/velt/basic-auth.js';
import { createStandardWebhookVerifier, getHeader } from '../../../src/core/webhooks/index.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const BODY = '{"type":"userEntered","data":{"roomId":"r1"}}';
const oracle = new Webhook(SECRET);

function signed(id: string, at = new Date()) {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  return { id, timestamp, signature: oracle.sign(id, at, BODY) };
}

function rejection(fn: () => unknown): WebhookVerificationError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WebhookVerificationError);
    return err as WebhookVerificationError;
  }
  throw new Error('expected a WebhookVerificationError');
}

describe('getHeader with duplicates', () => {
  it('refuses the lowercase name and another spelling with different values, in either key order', () => {
    const a = rejection(() => getHeader({ 'webhook-id': 'msg_1', 'Webhook-Id': 'msg_2' }, 'webhook-id'));
    expect(a.message).toBe('Header webhook-id is repeated with different values');
    expect(a.vendorCode).toBe('conflicting_headers');
    rejection(() => getHeader({ 'Webhook-Id': 'msg_2', 'webhook-id': 'msg_1' }, 'webhook-id'));
    rejection(() => getHeader({ 'webhook-id': 'msg_1', 'WEBHOOK-ID': ['msg_1', 'msg_2'] }, 'Webhook-ID'));
  });

  it('accepts the same value under two spellings, or twice in an array', () => {
    expect(getHeader({ 'webhook-id': 'msg_1', 'Webhook-Id': 'msg_1' }, 'webhook-id')).toBe('msg_1');
    expect(getHeader({ 'webhook-id': ['msg_1', 'msg_1'], 'Webhook-Id': 'msg_1' }, 'webhook-id')).toBe('msg_1');
  });

  it('ignores other headers of the same length (no false conflict)', () => {
    expect(getHeader({ 'webhook-id': 'msg_1', 'webhook-xx': 'other' }, 'webhook-id')).toBe('msg_1');
  });

  it('reads entries and Node rawHeaders, refusing conflicting repeats in them', () => {
    expect(getHeader([['Webhook-Id', 'msg_1'], ['content-type', 'application/json']], 'webhook-id')).toBe('msg_1');
    expect(getHeader([['webhook-id', 'msg_1'], ['Webhook-Id', 'msg_1']], 'webhook-id')).toBe('msg_1');
    rejection(() => getHeader([['webhook-id', 'msg_1'], ['Webhook-Id', 'msg_2']], 'webhook-id'));
    expect(getHeader(['Webhook-Id', 'msg_1', 'Host', 'example.com'], 'webhook-id')).toBe('msg_1');
    rejection(() => getHeader(['webhook-id', 'msg_1', 'WEBHOOK-ID', 'msg_2'], 'webhook-id'));
    expect(getHeader([['host', 'example.com']], 'webhook-id')).toBeUndefined();
    expect(getHeader([], 'webhook-id')).toBeUndefined();
  });

  it('splits ids and timestamps joined by Headers or Node (", ") and refuses them when they differ', () => {
    const h = new Headers();
    h.append('webhook-id', 'msg_1');
    h.append('Webhook-Id', 'msg_2');
    rejection(() => getHeader(h, 'webhook-id'));
    const same = new Headers();
    same.append('webhook-id', 'msg_1');
    same.append('webhook-id', 'msg_1');
    expect(getHeader(same, 'webhook-id')).toBe('msg_1');
    // Node's req.headers joins repeated unknown headers the same way.
    rejection(() => getHeader({ 'webhook-timestamp': '1700000000, 1700000001' }, 'webhook-timestamp'));
    expect(getHeader({ 'webhook-timestamp': '1700000000, 1700000000' }, 'webhook-timestamp')).toBe('1700000000');
  });

  it('keeps joining repeated webhook-signature values as a list', () => {
    expect(getHeader({ 'webhook-signature': 'v1,a', 'Webhook-Signature': 'v1,b' }, 'webhook-signature')).toBe('v1,a v1,b');
    expect(getHeader([['webhook-signature', 'v1,a'], ['webhook-signature', 'v1,b']], 'webhook-signature')).toBe('v1,a v1,b');
  });

  it('refuses two different Authorization values without echoing either', () => {
    const err = rejection(() => verifyBasicAuthWebhook({ headers: { authorization: 'Basic tok-one', Authorization: 'Basic tok-two' } }, { token: 'tok-one' }));
    expect(err.message).toMatch(/repeated with different values/);
    expect(err.message).not.toMatch(/tok-/);
  });
});

describe('Standard Webhooks verification with duplicate headers', () => {
  const verify = createStandardWebhookVerifier({ secrets: [SECRET], provider: 'liveblocks' });

  it('accepts a delivery signed by the oracle, in every header shape', () => {
    const { id, timestamp, signature } = signed('msg_dup_ok');
    const shapes: WebhookRequest['headers'][] = [
      { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature },
      { 'webhook-id': id, 'Webhook-Id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature },
      [['Webhook-Id', id], ['Webhook-Timestamp', timestamp], ['Webhook-Signature', signature]],
      ['webhook-id', id, 'webhook-timestamp', timestamp, 'webhook-signature', signature],
      new Headers({ 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature }),
    ];
    for (const headers of shapes) expect(verify({ headers, rawBody: BODY }).id).toBe(id);
  });

  it('refuses a signed delivery whose webhook-id is repeated with another value, whichever one the signature covers', () => {
    const { id, timestamp, signature } = signed('msg_signed');
    for (const headers of [
      { 'webhook-id': id, 'Webhook-Id': 'msg_other', 'webhook-timestamp': timestamp, 'webhook-signature': signature },
      { 'Webhook-Id': 'msg_other', 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature },
      [['webhook-id', id], ['webhook-id', 'msg_other'], ['webhook-timestamp', timestamp], ['webhook-signature', signature]] as const,
    ]) {
      expect(rejection(() => verify({ headers, rawBody: BODY })).message).toBe('Header webhook-id is repeated with different values');
    }
  });

  it('refuses a repeated webhook-timestamp with another value', () => {
    const { id, timestamp, signature } = signed('msg_ts');
    const err = rejection(() => verify({ headers: { 'webhook-id': id, 'webhook-timestamp': timestamp, 'Webhook-Timestamp': String(Number(timestamp) - 1), 'webhook-signature': signature }, rawBody: BODY }));
    expect(err.message).toBe('Header webhook-timestamp is repeated with different values');
    expect(err.provider).toBe('liveblocks');
  });
});
