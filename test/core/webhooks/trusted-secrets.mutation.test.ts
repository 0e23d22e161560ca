/**
 * `TrustedWebhookSecrets` edge by edge (written against the survivors of `npm run mutation --
 * core-webhooks`, see docs/mutation.md): `verifierWith` is absent without secrets, cached per
 * builder, rebuilt when a secret is added, and names the provider; every added secret is registered
 * for redaction.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, WebhookVerificationError } from '../../../src/core/errors.js';
import { registeredSecrets } from '../../../src/core/redact.js';
import { generateWebhookSecret, newWebhookMessageId, signStandardWebhook, TrustedWebhookSecrets } from '../../../src/core/webhooks/index.js';

function signedRequest(secret: string, body = '{"type":"x"}') {
  const id = newWebhookMessageId();
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = signStandardWebhook({ id, timestamp, body }, secret);
  return { headers: { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature }, rawBody: body };
}

const build = (id: string, seconds: number, body: string) => ({ id, seconds, body });

describe('TrustedWebhookSecrets.verifierWith', () => {
  it('is undefined while no secret is trusted', () => {
    const trusted = new TrustedWebhookSecrets('acme', [undefined]);
    expect(trusted.size).toBe(0);
    expect(trusted.verifierWith(build)).toBeUndefined();
    expect(trusted.verifier).toBeUndefined();
  });

  it('builds the result with the given builder from the verified parts', () => {
    const secret = generateWebhookSecret();
    const trusted = new TrustedWebhookSecrets('acme', [secret]);
    const request = signedRequest(secret, '{"a":1}');
    expect(trusted.verifierWith(build)!(request)).toEqual({
      id: request.headers['webhook-id'],
      seconds: Number(request.headers['webhook-timestamp']),
      body: '{"a":1}',
    });
  });

  it('keeps one verifier per builder and makes a new one for another builder', () => {
    const trusted = new TrustedWebhookSecrets('acme', [generateWebhookSecret()]);
    const first = trusted.verifierWith(build);
    expect(trusted.verifierWith(build)).toBe(first);
    const other = (id: string) => id;
    const second = trusted.verifierWith(other);
    expect(second).not.toBe(first);
    expect(trusted.verifierWith(other)).toBe(second);
  });

  it('is rebuilt when a secret is added, and then accepts it', () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    const trusted = new TrustedWebhookSecrets('acme', [a]);
    const first = trusted.verifierWith(build)!;
    expect(() => first(signedRequest(b))).toThrow(WebhookVerificationError);
    trusted.add(b);
    expect(trusted.size).toBe(2);
    const second = trusted.verifierWith(build)!;
    expect(second).not.toBe(first);
    expect(second(signedRequest(b)).body).toBe('{"type":"x"}');
    expect(second(signedRequest(a)).body).toBe('{"type":"x"}');
    // Adding a secret already trusted changes nothing.
    trusted.add(a);
    expect(trusted.verifierWith(build)).toBe(second);
  });

  it('names its provider on the errors of verifierWith', () => {
    const trusted = new TrustedWebhookSecrets('acme', [generateWebhookSecret()]);
    let caught: unknown;
    try {
      trusted.verifierWith(build)!(signedRequest(generateWebhookSecret()));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(WebhookVerificationError);
    expect((caught as WebhookVerificationError).provider).toBe('acme');
    expect(() => new TrustedWebhookSecrets('acme', ['whsec_']).verifierWith(build)).toThrow(ConfigError);
  });

  it('keeps the verifier while unchanged, drops it when a secret is added', () => {
    const trusted = new TrustedWebhookSecrets('acme', [generateWebhookSecret()]);
    const first = trusted.verifier;
    trusted.add(undefined);
    expect(trusted.verifier).toBe(first);
    trusted.add(generateWebhookSecret());
    expect(trusted.verifier).not.toBe(first);
  });

  it('registers every added secret for redaction', () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    const trusted = new TrustedWebhookSecrets('acme', [a]);
    trusted.add(b);
    expect(registeredSecrets()).toEqual(expect.arrayContaining([a, b]));
  });
});
