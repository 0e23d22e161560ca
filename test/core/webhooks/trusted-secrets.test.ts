import { describe, expect, it } from 'vitest';
import { ConfigError, WebhookVerificationError } from '../../../src/core/errors.js';
import { generateWebhookSecret, newWebhookMessageId, signStandardWebhook, TrustedWebhookSecrets } from '../../../src/core/webhooks/index.js';

function signedRequest(secret: string, body = '{"type":"x"}') {
  const id = newWebhookMessageId();
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = signStandardWebhook({ id, timestamp, body }, secret);
  return { headers: { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature }, rawBody: body };
}

describe('TrustedWebhookSecrets', () => {
  it('has no verifier until a secret is trusted, and skips undefined and repeated secrets', () => {
    const a = generateWebhookSecret();
    const trusted = new TrustedWebhookSecrets('acme', [undefined, a, a]);
    expect(trusted.size).toBe(1);
    expect(new TrustedWebhookSecrets('acme').verifier).toBeUndefined();
    trusted.add(undefined);
    trusted.add(a);
    expect(trusted.size).toBe(1);
  });

  it('keeps one verifier while the secrets are unchanged, and a new one accepts a secret added later', () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    const trusted = new TrustedWebhookSecrets('acme', [a]);
    const first = trusted.verifier!;
    expect(trusted.verifier).toBe(first);
    expect(() => first(signedRequest(b))).toThrow(WebhookVerificationError);
    trusted.add(b);
    const second = trusted.verifier!;
    expect(second).not.toBe(first);
    expect(second(signedRequest(a)).body).toBe('{"type":"x"}');
    expect(second(signedRequest(b)).body).toBe('{"type":"x"}');
  });

  it('names its provider on verification errors and refuses a malformed secret with a ConfigError', () => {
    const trusted = new TrustedWebhookSecrets('acme', [generateWebhookSecret()]);
    try {
      trusted.verifier!(signedRequest(generateWebhookSecret()));
      expect.unreachable();
    } catch (err) {
      expect((err as WebhookVerificationError).provider).toBe('acme');
    }
    expect(() => new TrustedWebhookSecrets('acme', ['whsec_']).verifier).toThrow(ConfigError);
  });
});
