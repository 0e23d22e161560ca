/**
 * The HTTP client's retry policy, pinned exactly: which statuses are retried (for idempotent reads and
 * non-idempotent writes), the exponential full-jitter schedule with `Math.random` fixed, the
 * `maxBackoffMs` cap on the computed backoff, and how a server's `Retry-After` is bounded (by the
 * deadline, never by `maxBackoffMs`). Fake timers fake `performance.now()`, `setTimeout` and `Date`,
 * and the transport is an injected `fetch`, so each attempt's time is recorded exactly and no result
 * depends on how loaded the machine is.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CollabError, RateLimitError } from '../../../src/core/errors.js';
import { createHttpClient, type HttpClientOptions } from '../../../src/core/http/index.js';

type Answer = { status: number; headers?: Record<string, string>; body?: unknown };

interface Scripted {
  fetch: typeof fetch;
  /** `performance.now()` at each attempt, relative to the first. */
  times(): number[];
  attempts(): number;
}

/** A fetch that answers attempt n with `answers[n - 1]` (the last one repeated) and records when it was called. */
function scripted(answers: Answer[]): Scripted {
  const at: number[] = [];
  const impl = async () => {
    at.push(performance.now());
    const a = answers[Math.min(at.length, answers.length) - 1]!;
    return new Response(a.body === undefined ? null : JSON.stringify(a.body), {
      status: a.status,
      headers: { 'content-type': 'application/json', ...a.headers },
    });
  };
  return {
    fetch: impl as unknown as typeof fetch,
    times: () => at.map((t) => t - at[0]!),
    attempts: () => at.length,
  };
}

function client(s: Scripted, options: Partial<HttpClientOptions> = {}) {
  return createHttpClient({ provider: 'acme', baseUrl: 'https://api.example.test', fetch: s.fetch, deadlineMs: 10_000_000, ...options });
}

const read = { method: 'GET', path: '/r', idempotent: true, operation: 'rooms.get' } as const;
const write = { method: 'POST', path: '/r', json: { name: 'x' }, idempotent: false, operation: 'rooms.update' } as const;

/** Runs a call to its end under the fake clock; resolves with its value, or its error when `failed`. */
async function settle(promise: Promise<unknown>): Promise<{ value?: unknown; error?: any; failed: boolean; at: number }> {
  const out = promise.then(
    (value) => ({ value, failed: false, at: performance.now() }),
    (error: unknown) => ({ error, failed: true, at: performance.now() }),
  );
  await vi.runAllTimersAsync();
  return out;
}

/** Differences between consecutive attempt times: the waits the client made. */
const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const RETRYABLE = [408, 429, 500, 502, 503, 504, 507, 508, 511, 599];
const NOT_RETRYABLE = [400, 401, 403, 404, 405, 409, 410, 412, 413, 422, 425, 501, 505];

describe('which statuses are retried', () => {
  it.each(RETRYABLE)('an idempotent read answered %i is retried up to `retries` times', async (status) => {
    const s = scripted([{ status, body: { message: 'no' } }]);
    const r = await settle(client(s, { retries: 3, backoffMs: 10 }).request(read));
    expect(r.failed).toBe(true);
    expect(r.error).toBeInstanceOf(CollabError);
    expect(r.error.status).toBe(status);
    expect(s.attempts()).toBe(4);
  });

  it.each(RETRYABLE)('an idempotent read answered %i, then 200, succeeds on the retry', async (status) => {
    const s = scripted([{ status, body: { message: 'no' } }, { status: 200, body: { ok: true } }]);
    const r = await settle(client(s, { retries: 3, backoffMs: 10 }).request(read));
    expect(r).toMatchObject({ value: { ok: true }, failed: false });
    expect(s.attempts()).toBe(2);
  });

  it.each(NOT_RETRYABLE)('an idempotent read answered %i is not retried', async (status) => {
    const s = scripted([{ status, body: { message: 'no' } }, { status: 200, body: { ok: true } }]);
    const r = await settle(client(s, { retries: 3, backoffMs: 10 }).request(read));
    expect(r.failed).toBe(true);
    expect(r.error.status).toBe(status);
    expect(s.attempts()).toBe(1);
  });

  it.each([...RETRYABLE, ...NOT_RETRYABLE])('a non-idempotent write answered %i is never retried', async (status) => {
    const s = scripted([{ status, body: { message: 'no' } }, { status: 200, body: { ok: true } }]);
    const r = await settle(client(s, { retries: 3, backoffMs: 10 }).request(write));
    expect(r.failed).toBe(true);
    expect(r.error.status).toBe(status);
    expect(s.attempts()).toBe(1);
  });

  it('an idempotent write (a PUT marked idempotent) follows the read rules', async () => {
    const put = { ...write, method: 'PUT', idempotent: true } as const;
    const retried = scripted([{ status: 408 }, { status: 200, body: { ok: 1 } }]);
    expect(await settle(client(retried, { backoffMs: 10 }).request(put))).toMatchObject({ value: { ok: 1 }, failed: false });
    expect(retried.attempts()).toBe(2);
    const refused = scripted([{ status: 422 }, { status: 200, body: { ok: 1 } }]);
    expect((await settle(client(refused, { backoffMs: 10 }).request(put))).failed).toBe(true);
    expect(refused.attempts()).toBe(1);
  });

  it('retries: 0 makes exactly one attempt even on a retryable status', async () => {
    const s = scripted([{ status: 503 }]);
    expect((await settle(client(s, { retries: 0 }).request(read))).failed).toBe(true);
    expect(s.attempts()).toBe(1);
  });
});

describe('the backoff schedule (exponential, full jitter)', () => {
  it('with Math.random fixed at 0.5 each wait is half of min(maxBackoffMs, backoffMs * 2^(n-1))', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const s = scripted([{ status: 503 }]);
    const r = await settle(client(s, { retries: 6, backoffMs: 100, maxBackoffMs: 1000 }).request(read));
    expect(r.failed).toBe(true);
    // Windows 100, 200, 400, 800, then capped at 1000, 1000.
    expect(gaps(s.times())).toEqual([50, 100, 200, 400, 500, 500]);
  });

  it('each wait draws its own random number and spans the whole window [0, window)', async () => {
    const random = vi.spyOn(Math, 'random');
    for (const value of [0, 0.875, 0.25, 0.75]) random.mockReturnValueOnce(value);
    const s = scripted([{ status: 500 }, { status: 502 }, { status: 504 }, { status: 429 }, { status: 200, body: { ok: true } }]);
    const r = await settle(client(s, { retries: 4, backoffMs: 1000, maxBackoffMs: 20_000 }).request(read));
    expect(r.value).toEqual({ ok: true });
    // Windows 1000, 2000, 4000, 8000.
    expect(gaps(s.times())).toEqual([0, 1750, 1000, 6000]);
    expect(random).toHaveBeenCalledTimes(4);
  });

  it('the defaults: backoffMs 250, maxBackoffMs 20 000, retries 2', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const s = scripted([{ status: 503 }]);
    await settle(client(s).request(read));
    expect(gaps(s.times())).toEqual([125, 250]);

    const capped = scripted([{ status: 503 }]);
    await settle(client(capped, { retries: 10 }).request(read));
    // 250 * 2^7 = 32 000 > 20 000: the window stops growing at maxBackoffMs.
    expect(gaps(capped.times())).toEqual([125, 250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });

  it('a network error and an attempt timeout are retried on the same schedule', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    let n = 0;
    const flaky = (async (_url: string, init: RequestInit) => {
      n++;
      if (n === 1) throw new TypeError('fetch failed', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) });
      if (n === 2) return new Promise(() => undefined); // hangs until the attempt times out
      return new Response(JSON.stringify({ ok: n }), { status: 200 });
    }) as unknown as typeof fetch;
    const at: number[] = [];
    const c = createHttpClient({
      provider: 'acme',
      baseUrl: 'https://api.example.test',
      fetch: (async (url: string, init: RequestInit) => {
        at.push(performance.now());
        return flaky(url, init);
      }) as unknown as typeof fetch,
      timeoutMs: 1000,
      backoffMs: 100,
      retries: 2,
    });
    const r = await settle(c.request(read));
    expect(r.value).toEqual({ ok: 3 });
    // Reset, wait 50; hang 1000 ms, then wait 100.
    expect(gaps(at)).toEqual([50, 1100]);
  });
});

describe('Retry-After', () => {
  it('is waited exactly, in place of the computed backoff, also when it is above maxBackoffMs', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const s = scripted([
      { status: 429, headers: { 'retry-after': '3' } },
      { status: 503, headers: { 'x-ratelimit-retry-after': '0.25' } },
      { status: 503 },
      { status: 200, body: { ok: true } },
    ]);
    const r = await settle(client(s, { retries: 3, backoffMs: 100, maxBackoffMs: 500 }).request(read));
    expect(r.value).toEqual({ ok: true });
    // 3000 (not cut to 500), 250, then the computed 0.5 * 400 for the third attempt.
    expect(gaps(s.times())).toEqual([3000, 250, 200]);
  });

  it('an HTTP date is waited until that date', async () => {
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    const s = scripted([{ status: 503, headers: { 'retry-after': 'Tue, 01 Jan 2030 00:00:07 GMT' } }, { status: 200, body: {} }]);
    await settle(client(s).request(read));
    expect(gaps(s.times())).toEqual([7000]);
  });

  it('is capped by the deadline: a hint that would reach it fails at once, one that ends just before it is waited', async () => {
    const tooLong = scripted([{ status: 429, headers: { 'retry-after': '10' } }, { status: 200, body: {} }]);
    const started = performance.now();
    const r = await settle(client(tooLong, { deadlineMs: 10_000, retries: 5 }).request(read));
    expect(r.failed).toBe(true);
    expect(r.error).toBeInstanceOf(RateLimitError);
    expect(r.error.retryAfterMs).toBe(10_000);
    expect(tooLong.attempts()).toBe(1);
    // Failed at once: no part of the hint was waited.
    expect(r.at - started).toBe(0);

    const fits = scripted([{ status: 429, headers: { 'retry-after': '9.999' } }, { status: 200, body: { ok: true } }]);
    const ok = await settle(client(fits, { deadlineMs: 10_000, retries: 5 }).request(read));
    expect(ok.value).toEqual({ ok: true });
    expect(gaps(fits.times())).toEqual([9999]);
  });

  it('counts the time already spent against the deadline', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    // First wait 500 (computed), then a 9.5 s hint: 500 + 9500 reaches the 10 s deadline.
    const s = scripted([{ status: 503 }, { status: 429, headers: { 'retry-after': '9.5' } }, { status: 200, body: {} }]);
    const r = await settle(client(s, { deadlineMs: 10_000, backoffMs: 1000 }).request(read));
    expect(r.error).toBeInstanceOf(RateLimitError);
    expect(gaps(s.times())).toEqual([500]);
  });

  it('a computed backoff that would reach the deadline fails at once too', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const s = scripted([{ status: 503 }]);
    const r = await settle(client(s, { deadlineMs: 1000, backoffMs: 2000, retries: 3 }).request(read));
    expect(r.failed).toBe(true);
    expect(r.error.status).toBe(503);
    expect(s.attempts()).toBe(1);
  });

  it('is not used for a write: a non-idempotent call answered 429 with a hint fails after one attempt', async () => {
    const s = scripted([{ status: 429, headers: { 'retry-after': '1' } }, { status: 200, body: {} }]);
    const r = await settle(client(s).request(write));
    expect(r.error).toBeInstanceOf(RateLimitError);
    expect(r.error.retryAfterMs).toBe(1000);
    expect(s.attempts()).toBe(1);
  });
});
