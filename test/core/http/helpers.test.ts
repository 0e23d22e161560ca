import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/core/errors.js';
import { appendQuery, cleanErrorText, encodePath, parseRetryAfter, redactPathForLog, vendorCode, vendorMessage } from '../../../src/core/http/index.js';
// Vendor secret shapes (key formats, credential headers) are declared by the adapters and registered
// when the registry loads: these assertions cover them as an app sees them.
import '../../../src/adapters/registry.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delta seconds, including fractions, as milliseconds', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '3' }), NOW)).toBe(3000);
    expect(parseRetryAfter(new Headers({ 'retry-after': '0.25' }), NOW)).toBe(250);
    expect(parseRetryAfter(new Headers({ 'retry-after': '0' }), NOW)).toBe(0);
  });

  it('reads an HTTP date relative to now, and a past date as 0', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), NOW)).toBe(5000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }), NOW)).toBe(0);
  });

  it('falls back to X-RateLimit-Retry-After as seconds, epoch seconds or epoch ms', () => {
    expect(parseRetryAfter(new Headers({ 'x-ratelimit-retry-after': '2' }), NOW)).toBe(2000);
    expect(parseRetryAfter(new Headers({ 'x-ratelimit-retry-after': String(NOW / 1000 + 7) }), NOW)).toBe(7000);
    expect(parseRetryAfter(new Headers({ 'x-ratelimit-retry-after': String(NOW + 1500) }), NOW)).toBe(1500);
  });

  it('prefers Retry-After, skips garbage, and returns undefined without a header', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '1', 'x-ratelimit-retry-after': '9' }), NOW)).toBe(1000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon', 'x-ratelimit-retry-after': '4' }), NOW)).toBe(4000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), NOW)).toBeUndefined();
    expect(parseRetryAfter(new Headers(), NOW)).toBeUndefined();
  });
});

describe('encodePath / appendQuery', () => {
  it('encodes each segment so ids cannot change the route', () => {
    expect(encodePath('v2', 'rooms', 'a/b c?#', 42)).toBe('/v2/rooms/a%2Fb%20c%3F%23/42');
  });

  it('refuses segments that URL normalisation would collapse, empty ones and lone surrogates', () => {
    for (const bad of ['.', '..', '%2e', '%2E%2e', '.%2E', '']) {
      expect(() => encodePath('v2', 'rooms', bad), bad).toThrow(ValidationError);
    }
    expect(() => encodePath('rooms', 'a\uD800b')).toThrow(ValidationError);
    expect(() => appendQuery('/x', { q: 'a\uDC00' })).toThrow(/query\.q/);
    // Dots inside a longer segment are ordinary characters.
    expect(encodePath('...', 'a..b', '.x')).toBe('/.../a..b/.x');
  });

  it('encodes query keys and values, skips undefined, appends to an existing query', () => {
    expect(appendQuery('/x', { a: 'b c&d=e', n: 0, f: false, u: undefined, 'k y': '👍' })).toBe(
      '/x?a=b%20c%26d%3De&n=0&f=false&k%20y=%F0%9F%91%8D',
    );
    expect(appendQuery('/x?z=1', { a: 1 })).toBe('/x?z=1&a=1');
    expect(appendQuery('/x', undefined)).toBe('/x');
  });

  it('redacts secret-looking query values in log paths and keeps the others', () => {
    expect(redactPathForLog('/v2/rooms?cursor=abc&token=t0ps3cret&api_key=k&X-Amz-Signature=s&limit=5')).toBe(
      '/v2/rooms?cursor=abc&token=[REDACTED]&api_key=[REDACTED]&X-Amz-Signature=[REDACTED]&limit=5',
    );
    expect(redactPathForLog('/v2/rooms/sk_prod_abcdefghijkl')).toBe('/v2/rooms/[REDACTED]');
  });
});

describe('vendor error bodies', () => {
  it('finds the message and code in each vendor shape', () => {
    expect(vendorMessage({ error: 'ROOM_NOT_FOUND', message: 'Room not found.' })).toBe('Room not found.');
    expect(vendorCode({ error: 'ROOM_NOT_FOUND', message: 'Room not found.' })).toBe('ROOM_NOT_FOUND');
    expect(vendorMessage({ error: { message: 'Invalid API key.', status: 'PERMISSION_DENIED' } })).toBe('Invalid API key.');
    expect(vendorCode({ error: { message: 'x', status: 'PERMISSION_DENIED' } })).toBe('PERMISSION_DENIED');
    expect(vendorCode({ error: { code: 'not-found', message: 'Folder not found.' } })).toBe('not-found');
    expect(vendorMessage({ errors: { text: ["can't be blank"], key: ['is taken'] } })).toBe('key: is taken');
    expect(vendorMessage({ errors: [{ message: 'first' }] })).toBe('first');
    expect(vendorMessage({})).toBeUndefined();
  });

  it('turns an HTML page into one short line without tags, scripts or styles', () => {
    const page = `<html><head><title>502 Bad Gateway</title><style>body{color:red}</style><script>var x = "<b>";</script></head>
      <body><h1>502 Bad Gateway</h1><!-- hidden --><p>The upstream &amp; proxy failed.</p>${'<p>filler</p>'.repeat(100)}</body></html>`;
    const text = cleanErrorText(page);
    expect(text.startsWith('502 Bad Gateway 502 Bad Gateway The upstream & proxy failed. filler')).toBe(true);
    expect(text).not.toMatch(/[<>]|color:red|var x|hidden/);
    expect(text.length).toBeLessThanOrEqual(200);
  });
});
