import { describe, expect, it } from 'vitest';
import { ConfigError, WebhookVerificationError } from '../../../src/core/errors.js';
import { decodeBase64JsonBody, getHeader, verifyBasicAuthWebhook } from '../../../src/core/webhooks/index.js';

describe('getHeader', () => {
  it('is case-insensitive over plain records, Node headers and Headers', () => {
    expect(getHeader({ 'x-thing': 'a' }, 'X-Thing')).toBe('a');
    expect(getHeader({ 'X-Thing': 'a' }, 'x-thing')).toBe('a');
    expect(getHeader(new Headers({ 'X-Thing': 'a' }), 'x-THING')).toBe('a');
    expect(getHeader({ other: 'a' }, 'x-thing')).toBeUndefined();
    expect(getHeader(new Headers(), 'x-thing')).toBeUndefined();
    expect(getHeader({ 'x-thing': undefined }, 'x-thing')).toBeUndefined();
  });

  it('joins repeated webhook-signature values with a space', () => {
    expect(getHeader({ 'webhook-signature': ['v1,a', 'v1,b'] }, 'webhook-signature')).toBe('v1,a v1,b');
  });

  it('returns a repeated header whose entries agree, and refuses one whose entries differ', () => {
    expect(getHeader({ 'webhook-id': ['msg_1', 'msg_1'] }, 'webhook-id')).toBe('msg_1');
    expect(getHeader({ 'webhook-id': [] }, 'webhook-id')).toBeUndefined();
    expect(() => getHeader({ 'webhook-id': ['msg_1', 'msg_2'] }, 'webhook-id')).toThrow(WebhookVerificationError);
    expect(() => getHeader({ 'webhook-id': ['msg_1', 'msg_2'] }, 'webhook-id')).toThrow('Header webhook-id is repeated with different values');
  });

  it('treats two spellings of the same name in a record as a repeated header', () => {
    expect(getHeader({ 'Webhook-Id': 'msg_1', 'WEBHOOK-ID': 'msg_1' }, 'webhook-id')).toBe('msg_1');
    expect(() => getHeader({ 'Webhook-Id': 'msg_1', 'WEBHOOK-ID': 'msg_2' }, 'webhook-id')).toThrow(/repeated/);
  });

  it('does not mistake a plain record with a "get" header for a Headers object', () => {
    expect(getHeader({ get: 'x', 'webhook-id': 'msg_1' } as Record<string, string>, 'webhook-id')).toBe('msg_1');
  });
});

describe('verifyBasicAuthWebhook (Velt basic webhooks)', () => {
  const token = 'velt-workspace-auth-token-123';

  it('accepts Authorization: Basic <token> (the raw token), any scheme case and header shape', () => {
    expect(() => verifyBasicAuthWebhook({ headers: { authorization: `Basic ${token}` } }, { token })).not.toThrow();
    expect(() => verifyBasicAuthWebhook({ headers: { Authorization: `basic ${token}` } }, { token })).not.toThrow();
    expect(() => verifyBasicAuthWebhook({ headers: new Headers({ Authorization: `BASIC  ${token} ` }) }, { token })).not.toThrow();
    expect(() => verifyBasicAuthWebhook({ headers: { authorization: [`Basic ${token}`, `Basic ${token}`] } }, { token })).not.toThrow();
  });

  it('rejects a wrong token, a prefix of the token, and the token with extra characters', () => {
    for (const bad of ['nope', token.slice(0, -1), token + 'x', Buffer.from(`user:${token}`).toString('base64')]) {
      expect(() => verifyBasicAuthWebhook({ headers: { authorization: `Basic ${bad}` } }, { token })).toThrow(
        'Authorization token does not match the configured webhook authToken',
      );
    }
  });

  it('reports a missing header', () => {
    expect(() => verifyBasicAuthWebhook({ headers: {} }, { token })).toThrow(/^Missing Authorization header/);
    expect(() => verifyBasicAuthWebhook({ headers: { authorization: '   ' } }, { token })).toThrow(/^Missing Authorization header/);
  });

  it('reports a header that is not Basic <token>', () => {
    expect(() => verifyBasicAuthWebhook({ headers: { authorization: `Bearer ${token}` } }, { token })).toThrow(
      'Invalid Authorization header: expected the scheme "Basic", got "Bearer"',
    );
    expect(() => verifyBasicAuthWebhook({ headers: { authorization: token } }, { token })).toThrow(/expected the scheme "Basic"/);
    expect(() => verifyBasicAuthWebhook({ headers: { authorization: 'Basic' } }, { token })).toThrow(/no token after "Basic"/);
  });

  it('refuses conflicting repeated Authorization headers', () => {
    expect(() => verifyBasicAuthWebhook({ headers: { authorization: [`Basic ${token}`, 'Basic other'] } }, { token })).toThrow(/repeated/);
  });

  it('never puts either token in the error', () => {
    for (const authorization of [`Basic wrong-${token}`, `Bearer ${token}`, `${token}`]) {
      try {
        verifyBasicAuthWebhook({ headers: { authorization } }, { token });
        expect.unreachable();
      } catch (err) {
        const e = err as WebhookVerificationError;
        expect(e).toBeInstanceOf(WebhookVerificationError);
        expect(e.provider).toBe('velt');
        expect(`${e.message} ${JSON.stringify(e)}`).not.toContain(token);
      }
    }
  });

  it('needs a configured token', () => {
    expect(() => verifyBasicAuthWebhook({ headers: { authorization: 'Basic x' } }, { token: '' })).toThrow(ConfigError);
  });
});

describe('decodeBase64JsonBody', () => {
  const payload = { webhookId: '-Nvmw84XtUUHIsrcKAvI', actionType: 'added', notificationSource: 'comment', text: 'héllo ✓' };
  const encoded = JSON.stringify({ encodedPayload: Buffer.from(JSON.stringify(payload), 'utf8').toString('base64') });

  it('decodes {"encodedPayload": base64(JSON)} from a string, bytes or parsed object', () => {
    expect(decodeBase64JsonBody(encoded)).toEqual(payload);
    expect(decodeBase64JsonBody(Buffer.from(encoded))).toEqual(payload);
    expect(decodeBase64JsonBody(JSON.parse(encoded) as object)).toEqual(payload);
  });

  it('returns a plain JSON body as it is', () => {
    expect(decodeBase64JsonBody(JSON.stringify(payload))).toEqual(payload);
    expect(decodeBase64JsonBody('[1,2]')).toEqual([1, 2]);
  });

  it('reports bodies it cannot decode', () => {
    expect(() => decodeBase64JsonBody('{not json')).toThrow('Webhook body is not valid JSON');
    expect(() => decodeBase64JsonBody('{"encodedPayload":"%%%"}')).toThrow('Webhook encodedPayload is not a base64 string');
    expect(() => decodeBase64JsonBody('{"encodedPayload":42}')).toThrow('Webhook encodedPayload is not a base64 string');
    const notJson = Buffer.from('not json').toString('base64');
    expect(() => decodeBase64JsonBody(`{"encodedPayload":"${notJson}"}`)).toThrow('Webhook encodedPayload does not decode to JSON');
    expect(() => decodeBase64JsonBody('{"encryptedData":"a","encryptedKey":"b","iv":"c"}')).toThrow(/encrypted/);
  });
});
