import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../../../src/core/errors.js';
import { ConfigError } from '../../../../src/core/errors.js';
import {
  DEFAULT_WEBHOOK_CONCURRENCY,
  nextRetryDelayMs,
  STANDARD_WEBHOOK_SCHEDULE_MS,
  WebhookDispatcher,
  type DeliveryResult,
} from '../../../../src/adapters/memory/dispatcher.js';
import { createStandardWebhookVerifier, generateWebhookSecret } from '../../../../src/core/webhooks/index.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A real HTTP receiver on 127.0.0.1 with a random port. `respond` decides each answer; by default 200.
 * `nextRequest()` resolves when the next request has been fully read.
 */
async function startReceiver(respond: (req: Received, res: ServerResponse, index: number) => void = (_r, res) => res.end('ok')) {
  const received: Received[] = [];
  const waiters: Array<(r: Received) => void> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      respond(r, res, received.length - 1);
      waiters.shift()?.(r);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const handle = {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    nextRequest: () => new Promise<Received>((resolve) => waiters.push(resolve)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  cleanups.push(handle.close);
  return handle;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  while (cleanups.length) await cleanups.pop()!();
});

function dispatcher(options: ConstructorParameters<typeof WebhookDispatcher>[0] = {}) {
  const d = new WebhookDispatcher(options);
  cleanups.push(() => d.close({ abort: true }));
  return d;
}

const payload = { type: 'comment.created', roomId: 'room-1', data: { text: 'héllo ✓', n: 1 } };

describe('WebhookDispatcher', () => {
  it('POSTs a JSON body whose Standard Webhooks headers verify with our verifier and with standardwebhooks', async () => {
    const receiver = await startReceiver();
    const secret = generateWebhookSecret();
    const result = await dispatcher().deliver({ url: receiver.url, secret, payload, id: 'msg_fixed_1' });

    expect(result).toEqual({ delivered: true, attempts: 1, id: 'msg_fixed_1', status: 200 });
    expect(receiver.received).toHaveLength(1);
    const [req] = receiver.received;
    expect(req!.method).toBe('POST');
    expect(req!.url).toBe('/hooks');
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.headers['webhook-id']).toBe('msg_fixed_1');
    expect(req!.headers['webhook-timestamp']).toMatch(/^\d{10}$/);
    expect(req!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(JSON.parse(req!.body)).toEqual(payload);

    const ours = createStandardWebhookVerifier({ secrets: [secret] })({ headers: req!.headers, rawBody: req!.body });
    expect(ours.id).toBe('msg_fixed_1');
    const oracle = new Webhook(secret).verify(req!.body, req!.headers as Record<string, string>);
    expect(oracle).toEqual(payload);
    // Control: a different secret does not verify it.
    expect(() => new Webhook(generateWebhookSecret()).verify(req!.body, req!.headers as Record<string, string>)).toThrow();
  });

  it('generates a msg_ id when none is given', async () => {
    const receiver = await startReceiver();
    const result = await dispatcher().deliver({ url: receiver.url, secret: generateWebhookSecret(), payload });
    expect(result.id).toMatch(/^msg_/);
    expect(receiver.received[0]!.headers['webhook-id']).toBe(result.id);
  });

  it('retries after a 500 and succeeds, with the same webhook-id and a valid signature on each attempt', async () => {
    const receiver = await startReceiver((_r, res, i) => {
      res.statusCode = i === 0 ? 500 : 204;
      res.end();
    });
    const secret = generateWebhookSecret();
    const warn = vi.fn();
    const result = await dispatcher({ backoffMs: 1, logger: { warn } }).deliver({ url: receiver.url, secret, payload });

    expect(result).toMatchObject({ delivered: true, attempts: 2, status: 204 });
    expect(receiver.received).toHaveLength(2);
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(ids).toEqual([result.id, result.id]);
    for (const r of receiver.received) {
      expect(() => new Webhook(secret).verify(r.body, r.headers as Record<string, string>)).not.toThrow();
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/attempt 1 .* failed \(HTTP 500\); retrying/);
  });

  it('gives up after the configured retries and reports the last status', async () => {
    const receiver = await startReceiver((_r, res) => {
      res.statusCode = 503;
      res.end('down');
    });
    const warn = vi.fn();
    const result = await dispatcher({ retries: 2, backoffMs: 1, logger: { warn } }).deliver({
      url: receiver.url,
      secret: generateWebhookSecret(),
      payload,
    });
    expect(result).toMatchObject({ delivered: false, attempts: 3, status: 503, error: 'HTTP 503' });
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(warn).toHaveBeenCalledTimes(3);
    expect(warn.mock.calls[2]![0]).toMatch(/failed after 3 attempt\(s\): HTTP 503/);
  });

  it('does not follow redirects (3xx is a failure)', async () => {
    const receiver = await startReceiver((_r, res) => {
      res.statusCode = 302;
      res.setHeader('location', '/elsewhere');
      res.end();
    });
    const result = await dispatcher({ retries: 0 }).deliver({ url: receiver.url, secret: generateWebhookSecret(), payload });
    expect(result).toMatchObject({ delivered: false, attempts: 1, status: 302 });
    expect(receiver.received.map((r) => r.url)).toEqual(['/hooks']);
  });

  it('reports network errors without throwing', async () => {
    const receiver = await startReceiver();
    const url = receiver.url;
    await receiver.close(); // nothing listens on that port any more
    const result = await dispatcher({ retries: 1, backoffMs: 1 }).deliver({ url, secret: generateWebhookSecret(), payload });
    expect(result.delivered).toBe(false);
    expect(result.attempts).toBe(2);
    expect(result.status).toBeUndefined();
    expect(result.error).toMatch(/^network error: /);
  });

  it('times out an attempt that gets no answer', async () => {
    const receiver = await startReceiver(() => {
      /* never answer */
    });
    const result = await dispatcher({ retries: 0, timeoutMs: 50 }).deliver({ url: receiver.url, secret: generateWebhookSecret(), payload });
    expect(result).toMatchObject({ delivered: false, attempts: 1, error: 'timed out after 50 ms' });
  });

  it('close() cancels a pending retry at once', async () => {
    const receiver = await startReceiver((_r, res) => {
      res.statusCode = 500;
      res.end();
    });
    let warned!: () => void;
    const firstFailure = new Promise<void>((resolve) => (warned = resolve));
    // A 60 s backoff: if close() did not cancel it, this test would hit its 20 s timeout.
    const d = dispatcher({ retries: 3, backoffMs: 60_000, logger: { warn: () => warned() } });
    const pending = d.deliver({ url: receiver.url, secret: generateWebhookSecret(), payload });
    await firstFailure; // the first attempt failed and the retry is now waiting
    await d.close();
    const result = await pending;
    expect(result.delivered).toBe(false);
    expect(result.attempts).toBe(1);
    expect(result.status).toBe(500);
    expect(result.error).toMatch(/^dispatcher closed/);
    expect(receiver.received).toHaveLength(1);
    expect(d.closed).toBe(true);
  });

  it('backoff and attempt timers do not keep the process alive', async () => {
    const receiver = await startReceiver((_r, res) => {
      res.statusCode = 500;
      res.end();
    });
    const timers: Array<{ ms: number | undefined; timer: NodeJS.Timeout }> = [];
    const original = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      const timer = original(fn, ms);
      timers.push({ ms, timer });
      return timer;
    }) as typeof setTimeout);
    let warned!: () => void;
    const firstFailure = new Promise<void>((resolve) => (warned = resolve));
    const d = dispatcher({ retries: 1, backoffMs: 60_000, maxBackoffMs: 120_000, timeoutMs: 45_000, logger: { warn: () => warned() } });
    const pending = d.deliver({ url: receiver.url, secret: generateWebhookSecret(), payload });
    await firstFailure;
    const attemptTimer = timers.find((t) => t.ms === 45_000);
    const backoffTimer = timers.find((t) => (t.ms ?? 0) >= 48_000 && (t.ms ?? 0) <= 72_000);
    expect(attemptTimer).toBeDefined();
    expect(backoffTimer).toBeDefined();
    expect(attemptTimer!.timer.hasRef()).toBe(false);
    expect(backoffTimer!.timer.hasRef()).toBe(false);
    await d.close();
    await pending;
  });

  it('close() waits for an attempt in flight, and a later deliver() makes no request', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const receiver = await startReceiver((_r, res) => {
      void held.then(() => res.end('ok'));
    });
    const d = dispatcher();
    const pending = d.deliver({ url: receiver.url, secret: generateWebhookSecret(), payload });
    await receiver.nextRequest();
    let closed = false;
    const closing = d.close().then(() => (closed = true));
    await new Promise((r) => setImmediate(r));
    expect(closed).toBe(false); // the answer is still held, so close() cannot have resolved
    release();
    await closing;
    expect(await pending).toMatchObject({ delivered: true, attempts: 1, status: 200 });

    const late: DeliveryResult = await d.deliver({ url: receiver.url, secret: generateWebhookSecret(), payload });
    expect(late).toMatchObject({ delivered: false, attempts: 0, error: 'dispatcher closed' });
    expect(receiver.received).toHaveLength(1);
  });

  it('close({ abort: true }) aborts an attempt in flight', async () => {
    const receiver = await startReceiver(() => {
      /* never answer */
    });
    const d = dispatcher({ timeoutMs: 60_000 });
    const pending = d.deliver({ url: receiver.url, secret: generateWebhookSecret(), payload });
    await receiver.nextRequest();
    await d.close({ abort: true });
    expect(await pending).toMatchObject({ delivered: false, attempts: 1, error: 'dispatcher closed' });
  });

  it('uses an injected fetch', async () => {
    const fetchMock = vi.fn(async () => new Response(null, { status: 202 }));
    const result = await new WebhookDispatcher({ fetch: fetchMock }).deliver({
      url: 'https://example.test/hook',
      secret: generateWebhookSecret(),
      payload,
    });
    expect(result).toMatchObject({ delivered: true, status: 202 });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('rejects unusable input as ValidationError (a programming error, not a delivery failure)', async () => {
    const d = dispatcher();
    const secret = generateWebhookSecret();
    await expect(d.deliver({ url: 'not a url', secret, payload })).rejects.toThrow(ValidationError);
    await expect(d.deliver({ url: 'ftp://example.test/x', secret, payload })).rejects.toThrow(/http\(s\)/);
    await expect(d.deliver({ url: 'http://example.test/x', secret: 'whsec_!!', payload })).rejects.toThrow(/secret/);
    await expect(d.deliver({ url: 'http://example.test/x', secret, payload: undefined })).rejects.toThrow(/payload/);
    await expect(d.deliver({ url: 'http://example.test/x', secret, payload: { n: 1n } })).rejects.toThrow(/payload/);
  });

  it('keeps secrets, tokens in the URL and signatures out of log lines', async () => {
    const receiver = await startReceiver((_r, res) => {
      res.statusCode = 500;
      res.end();
    });
    const secret = generateWebhookSecret();
    const lines: string[] = [];
    const url = receiver.url.replace('http://', 'http://user:pa55word@') + '?token=querysecret';
    await dispatcher({ retries: 1, backoffMs: 1, logger: { warn: (m, d) => lines.push(m + JSON.stringify(d)) } }).deliver({
      url,
      secret,
      payload,
    });
    expect(lines).toHaveLength(2);
    // URL credentials travel as Basic auth, not in the request line.
    expect(receiver.received[0]!.headers.authorization).toBe('Basic ' + Buffer.from('user:pa55word').toString('base64'));
    expect(receiver.received[0]!.url).toBe('/hooks?token=querysecret');
    const sigs = receiver.received.map((r) => String(r.headers['webhook-signature']).slice(3));
    for (const line of lines) {
      expect(line).not.toContain(secret.slice(6));
      expect(line).not.toContain('querysecret');
      expect(line).not.toContain('pa55word');
      for (const sig of sigs) expect(line).not.toContain(sig);
    }
  });

  it('follows a retry schedule (default: the Standard Webhooks one), with jitter on each delay', async () => {
    expect(new WebhookDispatcher().schedule).toEqual(STANDARD_WEBHOOK_SCHEDULE_MS);
    expect(new WebhookDispatcher({ retries: 2, backoffMs: 100 }).schedule).toEqual([0, 100, 200]);
    const times: number[] = [];
    const receiver = await startReceiver((_r, res, i) => {
      times.push(Date.now());
      res.statusCode = i < 2 ? 500 : 200;
      res.end();
    });
    const result = await dispatcher({ schedule: [0, 50, 100] }).deliver({ url: receiver.url, secret: generateWebhookSecret(), payload });
    expect(result).toMatchObject({ delivered: true, attempts: 3 });
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(38);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(78);
    for (let i = 0; i < 50; i++) {
      const d = nextRetryDelayMs([0, 1000], 1)!;
      expect(d).toBeGreaterThanOrEqual(800);
      expect(d).toBeLessThanOrEqual(1200);
    }
    expect(nextRetryDelayMs([0, 1000], 0)).toBe(0);
    expect(nextRetryDelayMs([0, 1000], 2)).toBeUndefined();
  });

  it('keeps at most `concurrency` attempts in flight over all deliveries', async () => {
    const held: ServerResponse[] = [];
    let open = 0;
    let maxOpen = 0;
    const receiver = await startReceiver((_r, res) => {
      open += 1;
      maxOpen = Math.max(maxOpen, open);
      res.on('close', () => (open -= 1));
      held.push(res);
    });
    expect(DEFAULT_WEBHOOK_CONCURRENCY).toBe(8);
    const d = dispatcher({ concurrency: 4, retries: 0 });
    const results = Array.from({ length: 12 }, () => d.deliver({ url: receiver.url, secret: generateWebhookSecret(), payload }));
    while (receiver.received.length < 4) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    expect(receiver.received).toHaveLength(4);
    while (receiver.received.length < 12 || held.length > 0) {
      for (const res of held.splice(0)) res.end('ok');
      await new Promise((r) => setTimeout(r, 5));
    }
    expect((await Promise.all(results)).every((r) => r.delivered)).toBe(true);
    expect(maxOpen).toBe(4);
  });

  it('attempt() makes one attempt without retrying or logging, and reports an abort as such', async () => {
    const receiver = await startReceiver((_r, res, i) => {
      if (i === 0) {
        res.statusCode = 500;
        res.end();
      }
      // the second request is never answered
    });
    const warn = vi.fn();
    const d = dispatcher({ logger: { warn } });
    expect(await d.attempt({ url: receiver.url, secret: generateWebhookSecret(), payload, id: 'msg_one' })).toEqual({ delivered: false, id: 'msg_one', status: 500, error: 'HTTP 500', aborted: false });
    expect(receiver.received).toHaveLength(1);
    expect(warn).not.toHaveBeenCalled();
    const controller = new AbortController();
    const pending = d.attempt({ url: receiver.url, secret: generateWebhookSecret(), payload, id: 'msg_two' }, { signal: controller.signal });
    while (receiver.received.length < 2) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    expect(await pending).toMatchObject({ delivered: false, aborted: true, error: 'aborted' });
  });

  it('close() cancels deliveries still waiting for a slot: they make no request', async () => {
    const receiver = await startReceiver(() => {
      /* never answer */
    });
    const d = dispatcher({ concurrency: 1, retries: 0, timeoutMs: 60_000 });
    const first = d.deliver({ url: receiver.url, secret: generateWebhookSecret(), payload });
    const second = d.deliver({ url: receiver.url, secret: generateWebhookSecret(), payload });
    const third = d.attempt({ url: receiver.url, secret: generateWebhookSecret(), payload, id: 'msg_3' });
    while (receiver.received.length < 1) await new Promise((r) => setTimeout(r, 5));
    await d.close({ abort: true });
    expect(await first).toMatchObject({ delivered: false, attempts: 1, error: 'dispatcher closed' });
    expect(await second).toMatchObject({ delivered: false, attempts: 0, error: 'dispatcher closed' });
    expect(await third).toMatchObject({ delivered: false, aborted: true });
    expect(receiver.received).toHaveLength(1);
  });

  it('refuses an empty schedule or a concurrency below 1 with a ConfigError', () => {
    expect(() => new WebhookDispatcher({ schedule: [] })).toThrow(ConfigError);
    expect(() => new WebhookDispatcher({ schedule: [0, -1] })).toThrow(ConfigError);
    expect(() => new WebhookDispatcher({ concurrency: 0 })).toThrow(ConfigError);
    expect(() => new WebhookDispatcher({ concurrency: 1.5 })).toThrow(ConfigError);
  });
});
