import { describe, expect, it } from 'vitest';
import { decodeBase64JsonBody, verifyBasicAuthWebhook } from '../../../../src/adapters/velt/basic-auth.js';
import { ConfigError, WebhookVerificationError } from '../../../../src/core/errors.js';

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
