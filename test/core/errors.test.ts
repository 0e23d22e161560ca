import { describe, expect, it } from 'vitest';
import {
  CollabError,
  ConfigError,
  NotFoundError,
  ProviderUnavailableError,
  RateLimitError,
  UnsupportedFeatureError,
  ValidationError,
} from '../../src/core/errors.js';
import { redact, redactText, registerSecret } from '../../src/core/redact.js';
// Vendor secret shapes (key formats, credential headers) are declared by the adapters and registered
// when the registry loads: these assertions cover them as an app sees them.
import '../../src/adapters/registry.js';

describe('CollabError', () => {
  it('gives every subclass a stable code, its own name and the base brand', () => {
    const err = new NotFoundError('Room "x" not found', { provider: 'memory', operation: 'rooms.get', status: 404 });
    expect(err).toBeInstanceOf(CollabError);
    expect(err.name).toBe('NotFoundError');
    expect(err.code).toBe('not_found');
    expect(err.status).toBe(404);
    expect(err.retryable).toBe(false);
    expect(CollabError.is(err)).toBe(true);
  });

  it('recognises errors from another copy of the package through the Symbol.for brand', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('unicollab.CollabError')]: true });
    expect(CollabError.is(foreign)).toBe(true);
    expect(CollabError.is(new Error('plain'))).toBe(false);
    expect(CollabError.is({ code: 'not_found' })).toBe(false);
    expect(CollabError.is(null)).toBe(false);
  });

  it('marks transient failures retryable and keeps retryAfterMs', () => {
    expect(new ProviderUnavailableError('down').retryable).toBe(true);
    const rl = new RateLimitError('slow down', { retryAfterMs: 1500 });
    expect(rl.retryable).toBe(true);
    expect(rl.retryAfterMs).toBe(1500);
  });

  it('names the field of a ValidationError and lists every issue', () => {
    const err = new ValidationError('comment.body', 'is required', { issues: [{ field: 'comment.body', message: 'is required' }, { field: 'roomId', message: 'must not be empty' }] });
    expect(err.message).toBe('Invalid comment.body: is required');
    expect(err.field).toBe('comment.body');
    expect(err.issues).toHaveLength(2);
  });

  it('says which feature a provider lacks', () => {
    const err = new UnsupportedFeatureError('liveblocks', 'users.upsert', 'Liveblocks has no user store');
    expect(err.message).toBe('liveblocks does not support users.upsert: Liveblocks has no user store');
    expect(err.feature).toBe('users.upsert');
    expect(err.code).toBe('unsupported_feature');
  });

  it('keeps the cause but redacts secrets from message, cause and JSON', () => {
    const secret = 'sk_prod_abcdefghijklmnopqrstuvwxyz123456';
    const cause = new Error(`request failed with Authorization: Bearer ${secret}`);
    const err = new ProviderUnavailableError(`upstream said key ${secret} is bad`, { cause });
    expect(err.message).not.toContain(secret);
    expect(String((err.cause as Error).message)).not.toContain(secret);
    expect(JSON.stringify(err)).not.toContain(secret);
    expect(String((err.cause as Error).stack)).not.toContain(secret);
    expect(err.message).toContain('[REDACTED]');
  });

  it('redacts a non-Error cause such as a vendor body', () => {
    const err = new ConfigError('bad', { cause: { headers: { authorization: 'Basic dXNlcjpwYXNz' }, apiKey: 'velt-key-123456', ok: 1 } });
    expect(err.cause).toEqual({ headers: { authorization: '[REDACTED]' }, apiKey: '[REDACTED]', ok: 1 });
  });
});

describe('redaction', () => {
  it('redacts every known secret shape in free text', () => {
    const text = [
      'sk_dev_abc123def456ghi',
      'pk_prod_abc123def456',
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'Bearer abc.def.ghi',
      'Basic dXNlcjpwYXNzd29yZA==',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig',
    ].join(' ');
    const out = redactText(text);
    for (const part of text.split(' ')) expect(out).not.toContain(part.slice(-8));
  });

  it('redacts registered literal secrets whatever their shape', () => {
    registerSecret('plain-looking-token-42');
    expect(redactText('token plain-looking-token-42 leaked')).toBe('token [REDACTED] leaked');
  });

  it('copies an object referenced twice (not a cycle) in full both times', () => {
    const shared = { name: 'x', apiKey: 'k' };
    expect(redact({ a: shared, b: shared, list: [shared, shared] })).toEqual({
      a: { name: 'x', apiKey: '[REDACTED]' },
      b: { name: 'x', apiKey: '[REDACTED]' },
      list: [
        { name: 'x', apiKey: '[REDACTED]' },
        { name: 'x', apiKey: '[REDACTED]' },
      ],
    });
  });

  it('redacts secret-named fields deeply, survives cycles and leaves other data alone', () => {
    const value: Record<string, unknown> = { a: { 'X-Velt-Api-Key': 'k', list: [{ token: 't' }] }, n: 1, d: new Date(0) };
    value.self = value;
    const out = redact(value) as Record<string, unknown>;
    expect(out.a).toEqual({ 'X-Velt-Api-Key': '[REDACTED]', list: [{ token: '[REDACTED]' }] });
    expect(out.n).toBe(1);
    expect(out.d).toEqual(new Date(0));
    expect(out.self).toBe('[Truncated]');
  });
});
