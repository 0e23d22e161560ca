/**
 * The small pure parts of src/core/http, edge by edge (written against the survivors of `npm run
 * mutation -- core-http`, see docs/mutation.md): reason phrases, the HTML-to-text cleaner and its
 * cuts, vendor error shapes, the default status mapping and its messages, Retry-After parsing at the
 * epoch thresholds, path/query encoding errors and log-path redaction, the config picker and the
 * one-timer deadline scheduler.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CollabError, ProviderUnavailableError, RateLimitError, ValidationError } from '../../../src/core/errors.js';
import { DeadlineTimer } from '../../../src/core/http/deadline-timer.js';
import { cleanErrorText, defaultMapError, httpErrorInit, reasonPhrase, vendorCode, vendorMessage } from '../../../src/core/http/map-error.js';
import { httpOptionsFromConfig } from '../../../src/core/http/options.js';
import { parseRetryAfter } from '../../../src/core/http/retry-after.js';
import type { HttpErrorContext } from '../../../src/core/http/types.js';
import { appendQuery, encodePath, encodeSegment, redactPathForLog } from '../../../src/core/http/url.js';

describe('reasonPhrase', () => {
  const standard: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    405: 'Method Not Allowed',
    408: 'Request Timeout',
    409: 'Conflict',
    410: 'Gone',
    413: 'Content Too Large',
    422: 'Unprocessable Content',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    501: 'Not Implemented',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  it('falls back to the standard phrase when the server sends none', () => {
    for (const [status, phrase] of Object.entries(standard)) {
      expect(reasonPhrase(Number(status))).toBe(phrase);
      expect(reasonPhrase(Number(status), '')).toBe(phrase);
    }
  });
  it("prefers the server's own phrase, and is empty for an unknown status", () => {
    expect(reasonPhrase(404, 'Nope')).toBe('Nope');
    expect(reasonPhrase(499)).toBe('');
    expect(reasonPhrase(499, '')).toBe('');
  });
});

describe('cleanErrorText', () => {
  it('replaces scripts, styles, comments and tags by a space, and decodes the common entities', () => {
    expect(cleanErrorText('a<script>x</script>b')).toBe('a b');
    expect(cleanErrorText('a<style>x{}</style >b')).toBe('a b');
    expect(cleanErrorText('a<!--x-->b')).toBe('a b');
    expect(cleanErrorText('a<!-- x > y\n-->b')).toBe('a b');
    expect(cleanErrorText('a<i>b</i>c')).toBe('a b c');
    expect(cleanErrorText('a <b')).toBe('a');
    expect(cleanErrorText('a&nbsp;b&NBSP;c&quot;d&#39;e&apos;f&amp;g')).toBe('a b c"d\'e\'f&g');
    expect(cleanErrorText('  a \n\t b  ')).toBe('a b');
  });
  it('keeps 200 characters as they are and cuts a longer text to 199 and an ellipsis', () => {
    const exact = 'x'.repeat(200);
    expect(cleanErrorText(exact)).toBe(exact);
    const long = cleanErrorText('y'.repeat(201));
    expect(long).toBe('y'.repeat(199) + '…');
  });
  it('reads only the first 20 000 characters of a huge page', () => {
    // The comment closes after the cut, so what follows it is never reached.
    expect(cleanErrorText('<!--' + 'x'.repeat(20_000) + '-->visible')).toBe('');
  });
});

describe('vendorMessage / vendorCode', () => {
  it('handles strings, non-objects and empty shapes', () => {
    expect(vendorMessage('')).toBeUndefined();
    expect(vendorMessage('   ')).toBeUndefined();
    expect(vendorMessage('<b>Down</b>')).toBe('Down');
    expect(vendorMessage(42)).toBeUndefined();
    expect(vendorMessage(null)).toBeUndefined();
    expect(vendorMessage({ errors: [] })).toBeUndefined();
    expect(vendorMessage({ errors: [42] })).toBeUndefined();
    expect(vendorMessage({ errors: ['plain'] })).toBe('plain');
    expect(vendorMessage({ errors: {} })).toBeUndefined();
    expect(vendorMessage({ errors: { a: [] } })).toBeUndefined();
    expect(vendorMessage({ errors: { b: 'one', a: 'two' } })).toBe('a: two');
    expect(vendorMessage({ error_description: 'desc' })).toBe('desc');
    expect(vendorMessage({ detail: 'det' })).toBe('det');
    expect(vendorMessage({ title: 'tit' })).toBe('tit');
    expect(vendorMessage({ error: 'CODE_ONLY' })).toBe('CODE_ONLY');
    expect(vendorCode('x')).toBeUndefined();
    expect(vendorCode({ code: 'c1' })).toBe('c1');
    expect(vendorCode({ error: { code: 'c2' } })).toBe('c2');
  });
  it('cuts a vendor message over 200 characters', () => {
    expect(vendorMessage({ message: 'm'.repeat(200) })).toBe('m'.repeat(200));
    expect(vendorMessage({ message: 'm'.repeat(201) })).toBe('m'.repeat(199) + '…');
    expect(vendorMessage({ errors: [{ message: 'e'.repeat(300) }] })).toBe('e'.repeat(199) + '…');
  });
});

function ctx(status: number, body: unknown = {}, extra: Partial<HttpErrorContext> = {}): HttpErrorContext {
  return { status, body, headers: new Headers(), operation: 'rooms.get', provider: 'acme', retryAfterMs: undefined, requestId: undefined, ...extra };
}

describe('httpErrorInit', () => {
  it('leaves absent values out and keeps status and body as the cause', () => {
    expect(httpErrorInit({ provider: 'acme', operation: 'op', body: { a: 1 } }, undefined)).toStrictEqual({
      provider: 'acme',
      operation: 'op',
      cause: { status: undefined, body: { a: 1 } },
    });
    expect(httpErrorInit({ provider: 'acme', operation: 'op', status: 500, requestId: 'r1', body: 'b' }, 'CODE')).toStrictEqual({
      provider: 'acme',
      operation: 'op',
      cause: { status: 500, body: 'b' },
      status: 500,
      requestId: 'r1',
      vendorCode: 'CODE',
    });
  });
});

describe('defaultMapError', () => {
  it('builds the message from status, reason and explanation', () => {
    expect(defaultMapError(ctx(404, { message: 'Room gone.' })).message).toBe('acme rooms.get failed with HTTP 404 Not Found: Room gone.');
    expect(defaultMapError(ctx(499)).message).toBe('acme rooms.get failed with HTTP 499');
    expect(defaultMapError(ctx(499, { message: 'why' })).message).toBe('acme rooms.get failed with HTTP 499: why');
    expect(defaultMapError(ctx(400)).message).toContain('acme rejected rooms.get (HTTP 400): Bad Request');
  });
  it('retries 408 and the 5xx except 501 and 505, and nothing else', () => {
    expect(defaultMapError(ctx(408)).retryable).toBe(true);
    expect(defaultMapError(ctx(418)).retryable).toBe(false);
    expect(defaultMapError(ctx(410)).retryable).toBe(false);
    for (const s of [500, 502, 503, 504, 599]) expect(defaultMapError(ctx(s)).retryable, String(s)).toBe(true);
    for (const s of [501, 505]) {
      const e = defaultMapError(ctx(s));
      expect(e).toBeInstanceOf(ProviderUnavailableError);
      expect(e.retryable, String(s)).toBe(false);
    }
  });
  it('keeps retryAfterMs of a 429 and takes an override for any status', () => {
    const limited = defaultMapError(ctx(429, {}, { retryAfterMs: 1200 }));
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).retryAfterMs).toBe(1200);
    const replaced = new CollabError('mine');
    expect(defaultMapError(ctx(503), undefined, { override: () => replaced })).toBe(replaced);
    expect(defaultMapError(ctx(422), undefined, { override: () => replaced })).toBe(replaced);
    expect(defaultMapError(ctx(503), undefined, { override: () => undefined })).toBeInstanceOf(ProviderUnavailableError);
    const field = defaultMapError(ctx(422), undefined, { field: () => 'name' });
    expect(field).toBeInstanceOf(ValidationError);
    expect((field as ValidationError).field).toBe('name');
  });
});

describe('parseRetryAfter at the edges', () => {
  const NOW = Date.parse('2026-01-01T00:00:00Z');
  const h = (init: Record<string, string>) => new Headers(init);
  it('reads Retry-After as delta seconds only, never as an epoch', () => {
    expect(parseRetryAfter(h({ 'retry-after': '2000000000' }), NOW)).toBe(2_000_000_000_000);
  });
  it('reads X-RateLimit-Retry-After of exactly 1e9 as epoch seconds and 1e12 as epoch ms', () => {
    expect(parseRetryAfter(h({ 'x-ratelimit-retry-after': '1000000000' }), NOW)).toBe(0);
    expect(parseRetryAfter(h({ 'x-ratelimit-retry-after': '1000000000000' }), NOW)).toBe(0);
    expect(parseRetryAfter(h({ 'x-ratelimit-retry-after': '999999999' }), NOW)).toBe(999_999_999_000);
  });
  it('accepts surrounding whitespace and refuses text around the number', () => {
    expect(parseRetryAfter(h({ 'retry-after': ' 5 ' }), NOW)).toBe(5000);
    expect(parseRetryAfter(h({ 'retry-after': '\t5\t' }), NOW)).toBe(5000);
    expect(parseRetryAfter(h({ 'retry-after': 'x5' }), NOW)).toBeUndefined();
    expect(parseRetryAfter(h({ 'retry-after': '5x' }), NOW)).toBeUndefined();
    expect(parseRetryAfter(h({ 'retry-after': 'x5', 'x-ratelimit-retry-after': '3' }), NOW)).toBe(3000);
  });
});

describe('url helpers: errors and log paths', () => {
  it('encodes every segment as encodeURIComponent does, and refuses the same ones (its fast path included)', () => {
    const reference = (text: string): string => {
      if (text === '' || /^(?:\.|%2e){1,2}$/i.test(text)) return 'refused';
      try {
        return encodeURIComponent(text);
      } catch {
        return 'refused';
      }
    };
    const actual = (text: string): string => {
      try {
        return encodeSegment(text);
      } catch (err) {
        expect(err).toBeInstanceOf(ValidationError);
        return 'refused';
      }
    };
    const unit = fc.oneof(fc.constantFrom('a', 'Z', '0', '9', '-', '_', '~', '.', '%', '2', 'e', 'E', '/', '?', '#', ' ', '!', "'", '(', '*', '@', ':', '`', '{', '[', '\uD800', 'é'), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }));
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 6 }), (text) => {
        expect(actual(text)).toBe(reference(text));
      }),
      { numRuns: 5000 },
    );
    for (const text of ['.', '..', '...', '.a', 'a.', '%2e', '.%2E', 'react-todo-list', 'A~b_c-9']) expect(actual(text)).toBe(reference(text));
  });

  it('takes the fast path exactly for segments of unreserved characters that are not dot segments', () => {
    // The fast path is an optimisation (the encoder gives the same text): what it changes is whether
    // encodeURIComponent runs, so that is what is observed.
    const spy = vi.spyOn(globalThis, 'encodeURIComponent');
    try {
      const plain = fc.string({ unit: fc.constantFrom(...'azAZ09-_~.bmYN5'.split('')), minLength: 1, maxLength: 6 }).filter((t) => t !== '.' && t !== '..');
      fc.assert(
        fc.property(plain, (text) => {
          spy.mockClear();
          expect(encodeSegment(text)).toBe(text);
          expect(spy).not.toHaveBeenCalled();
        }),
        { numRuns: 2000 },
      );
      for (const text of ['...', 'a', 'Z', '0', '9', 'z', 'A', '-', '_', '~', 'react-todo-list']) {
        spy.mockClear();
        expect(encodeSegment(text)).toBe(text);
        expect(spy, text).not.toHaveBeenCalled();
      }
      for (const text of ['a b', 'a/b', '%41', "it's", 'é', '`', '{', '@', '[', ':', 'a!']) {
        spy.mockClear();
        encodeSegment(text);
        expect(spy, text).toHaveBeenCalledTimes(1);
      }
    } finally {
      spy.mockRestore();
    }
  });

  it('names the path in the error of a bad segment, and says why', () => {
    const bad = (() => {
      try {
        encodeSegment('..');
      } catch (err) {
        return err as ValidationError;
      }
      throw new Error('no error');
    })();
    expect(bad.field).toBe('path');
    expect(bad.message).toContain('".." cannot be a path segment');
    expect(() => encodeSegment('a\uD800')).toThrow(/well-formed Unicode \(it contains a lone surrogate\)/);
    try {
      encodeSegment('a\uD800');
    } catch (err) {
      expect((err as ValidationError).field).toBe('path');
    }
    try {
      appendQuery('/x', { q: '\uDC00' });
    } catch (err) {
      expect((err as ValidationError).field).toBe('query.q');
      expect((err as Error).message).toContain('must be well-formed Unicode');
    }
    expect(encodePath()).toBe('');
  });
  it('redacts only query values, by name, after decoding the name', () => {
    expect(redactPathForLog('/v2/x/a.key=abc')).toBe('/v2/x/a.key=abc');
    expect(redactPathForLog('/x?tokenX&a=1')).toBe('/x?tokenX&a=1');
    expect(redactPathForLog('/x?api%5Fkey=s3cr3t&b=2')).toBe('/x?api%5Fkey=[REDACTED]&b=2');
    expect(redactPathForLog('/x?key=abc&keyring=1&x.sig=2&my_session=3')).toBe('/x?key=[REDACTED]&keyring=1&x.sig=[REDACTED]&my_session=[REDACTED]');
    expect(redactPathForLog('/x?%E0%A4%A=1')).toBe('/x?%E0%A4%A=1');
  });
});

describe('httpOptionsFromConfig', () => {
  it('copies exactly the settings present', () => {
    expect(httpOptionsFromConfig({})).toStrictEqual({});
    expect(httpOptionsFromConfig({ timeoutMs: undefined, retries: undefined })).toStrictEqual({});
    const fetch = (() => undefined) as unknown as typeof globalThis.fetch;
    const logger = { http: () => undefined };
    expect(httpOptionsFromConfig({ timeoutMs: 1, deadlineMs: 2, retries: 0, maxResponseBytes: 3, fetch, logger, transport: 'ky' })).toStrictEqual({
      timeoutMs: 1,
      deadlineMs: 2,
      retries: 0,
      maxResponseBytes: 3,
      fetch,
      logger,
      transport: 'ky',
    });
    for (const key of ['timeoutMs', 'deadlineMs', 'retries', 'maxResponseBytes', 'transport'] as const) {
      expect(Object.keys(httpOptionsFromConfig({ [key]: key === 'transport' ? 'fetch' : 5 }))).toEqual([key]);
    }
    expect(Object.keys(httpOptionsFromConfig({ fetch }))).toEqual(['fetch']);
    expect(Object.keys(httpOptionsFromConfig({ logger }))).toEqual(['logger']);
  });
});

describe('DeadlineTimer', () => {
  let now = 0;
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });
  function setup() {
    now = 0;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    return new DeadlineTimer();
  }
  function advance(ms: number) {
    now += ms;
    vi.advanceTimersByTime(ms);
  }

  it('keeps one timer for the earliest deadline, re-arming for an earlier one', () => {
    const timer = setup();
    const fired: string[] = [];
    timer.add(100, () => fired.push('100'));
    expect(vi.getTimerCount()).toBe(1);
    timer.add(50, () => fired.push('50'));
    expect(vi.getTimerCount()).toBe(1);
    timer.add(70, () => fired.push('70'));
    expect(vi.getTimerCount()).toBe(1);
    advance(49);
    expect(fired).toEqual([]);
    advance(1);
    expect(fired).toEqual(['50']);
    advance(20);
    expect(fired).toEqual(['50', '70']);
    advance(30);
    expect(fired).toEqual(['50', '70', '100']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('re-arms for the earliest remaining entry, not the last added', () => {
    const timer = setup();
    const at: Record<string, number> = {};
    timer.add(100, () => (at.a = now));
    timer.add(200, () => (at.b = now));
    timer.add(300, () => (at.c = now));
    advance(100);
    advance(100);
    expect(at).toEqual({ a: 100, b: 200 });
    advance(100);
    expect(at).toEqual({ a: 100, b: 200, c: 300 });
  });

  it('fires the entries due at one tick in deadline order, and forgets removed ones', () => {
    const timer = setup();
    const fired: number[] = [];
    timer.add(30, () => fired.push(30));
    timer.add(20, () => fired.push(20));
    const gone = timer.add(25, () => fired.push(25));
    timer.remove(gone);
    timer.add(10, () => fired.push(10));
    // The event loop was late: everything is due when the timer finally runs.
    now = 500;
    vi.runOnlyPendingTimers();
    expect(fired).toEqual([10, 20, 30]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('arms its timer for the remaining time, not at once', () => {
    const timer = setup();
    const spy = vi.spyOn(globalThis, 'setTimeout');
    now = 1000;
    timer.add(1100, () => undefined);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]?.[1]).toBe(100);
    timer.add(900, () => undefined);
    expect(spy.mock.calls[1]?.[1]).toBe(0);
  });
});
