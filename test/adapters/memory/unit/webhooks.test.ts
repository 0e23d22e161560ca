import type { ServerResponse } from 'node:http';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memory, memoryStoreOf } from '../../../../src/adapters/memory/index.js';
import type { MemoryWebhookService } from '../../../../src/adapters/memory/services/webhooks.js';
import { memoryWebhookSettings } from '../../../../src/adapters/memory/webhook-settings.js';
import type { Collab } from '../../../../src/collab.js';
import { NotFoundError, WebhookVerificationError } from '../../../../src/core/errors.js';
import { STANDARD_WEBHOOK_SCHEDULE_MS } from '../../../../src/adapters/memory/dispatcher.js';
import { signStandardWebhook } from '../../../../src/core/webhooks/index.js';
import { faultyFileSystem, memoryWith, tempDir, until } from './helpers.js';
import { type Received, startReceiver } from './receiver.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});

async function receiver(respond?: Parameters<typeof startReceiver>[0]) {
  const r = await startReceiver(respond);
  cleanups.push(r.close);
  return r;
}

function track(collab: Collab): Collab {
  cleanups.push(() => collab.close());
  return collab;
}

function signed(secret: string, id: string, body: string) {
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = signStandardWebhook({ id, timestamp, body }, secret);
  return { headers: { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature }, rawBody: body };
}

const verifier = (collab: Collab) => collab.webhooks as MemoryWebhookService;
const pending = (collab: Collab) => memoryStoreOf(collab)!.deliveries.size;

describe('memory webhooks: tenant scoping', () => {
  it('delivers a tenant’s events only to its own subscriptions, and lists and finds them only there', async () => {
    const collab = track(await memory());
    const a = await receiver();
    const b = await receiver();
    const subA = await collab.webhooks.subscriptions.create({ url: a.url, events: ['room.created'] }, { tenantId: 'tenant-a' });
    const subB = await collab.webhooks.subscriptions.create({ url: b.url, events: ['room.created'] }, { tenantId: 'tenant-b' });
    await collab.rooms.create({ id: 'room-of-b' }, { tenantId: 'tenant-b' });
    await collab.rooms.create({ id: 'room-of-a' }, { tenantId: 'tenant-a' });
    await collab.rooms.create({ id: 'room-of-default' });
    await until(() => a.received.length >= 1 && b.received.length >= 1 && pending(collab) === 0);
    expect(a.received.map((r) => [r.body.tenantId, r.body.data?.roomId])).toEqual([['tenant-a', 'room-of-a']]);
    expect(b.received.map((r) => [r.body.tenantId, r.body.data?.roomId])).toEqual([['tenant-b', 'room-of-b']]);

    expect((await collab.webhooks.subscriptions.list({ tenantId: 'tenant-a' })).map((s) => s.id)).toEqual([subA.id]);
    expect((await collab.webhooks.subscriptions.list({ tenantId: 'tenant-b' })).map((s) => s.id)).toEqual([subB.id]);
    expect(await collab.webhooks.subscriptions.list()).toEqual([]);
    await expect(collab.webhooks.subscriptions.get(subA.id, { tenantId: 'tenant-b' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(collab.webhooks.subscriptions.delete(subA.id, { tenantId: 'tenant-b' })).rejects.toBeInstanceOf(NotFoundError);
    expect((await collab.webhooks.subscriptions.get(subA.id, { tenantId: 'tenant-a' })).id).toBe(subA.id);
  });

  it('verifies a delivery only for its own tenant, with its own tenant’s secrets', async () => {
    const collab = track(await memory());
    const a = await receiver();
    const subA = await collab.webhooks.subscriptions.create({ url: a.url, events: ['room.created'] }, { tenantId: 'tenant-a' });
    const subB = await collab.webhooks.subscriptions.create({ url: 'http://127.0.0.1:9/unused', events: ['thread.created'] }, { tenantId: 'tenant-b' });
    await collab.rooms.create({ id: 'r' }, { tenantId: 'tenant-a' });
    await until(() => a.received.length === 1);
    const delivery = { headers: a.received[0]!.headers, rawBody: a.received[0]!.rawBody };

    const event = await verifier(collab).verify(delivery, { tenantId: 'tenant-a' });
    expect(event).toMatchObject({ type: 'room.created', roomId: 'r', provider: 'memory' });
    await expect(verifier(collab).verify(delivery, { tenantId: 'tenant-b' })).rejects.toBeInstanceOf(WebhookVerificationError);
    await expect(collab.webhooks.verify(delivery)).rejects.toBeInstanceOf(WebhookVerificationError);

    // A body claiming tenant B, signed with tenant A's secret, is refused by both tenants.
    const forgedBody = JSON.stringify({ type: 'room.created', occurredAt: new Date().toISOString(), tenantId: 'tenant-b', data: { roomId: 'x' } });
    const forged = signed(subA.secret!, 'msg_forged', forgedBody);
    await expect(verifier(collab).verify(forged, { tenantId: 'tenant-b' })).rejects.toBeInstanceOf(WebhookVerificationError);
    await expect(verifier(collab).verify(forged, { tenantId: 'tenant-a' })).rejects.toThrow(/another tenant/);
    // Control: tenant B's own secret signs a tenant B body that verifies there.
    const own = signed(subB.secret!, 'msg_own', forgedBody);
    await expect(verifier(collab).verify(own, { tenantId: 'tenant-b' })).resolves.toMatchObject({ roomId: 'x' });
  });
});

describe('memory webhooks: delivery', () => {
  it('retries on the schedule with the same webhook-id, then stops once delivered', async () => {
    const times: number[] = [];
    const r = await receiver((_req, res, i) => {
      times.push(Date.now());
      res.statusCode = i < 2 ? 500 : 204;
      res.end();
    });
    const warn = vi.fn();
    const collab = track(await memoryWith({ logger: { warn } }, { webhooks: { schedule: [0, 60, 120] } }));
    const sub = await collab.webhooks.subscriptions.create({ url: r.url, events: ['room.created'] });
    await collab.rooms.create({ id: 'retried' });
    await until(() => r.received.length === 3 && pending(collab) === 0);
    expect(new Set(r.received.map((x) => x.headers['webhook-id'])).size).toBe(1);
    for (const x of r.received) expect(() => new Webhook(sub.secret!).verify(x.rawBody, x.headers as Record<string, string>)).not.toThrow();
    // ±20% jitter on 60 ms and 120 ms.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(45);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(90);
    expect(warn.mock.calls.map(([m]) => String(m))).toEqual([expect.stringMatching(/attempt 1 .* failed \(HTTP 500\); retrying in \d+ ms/), expect.stringMatching(/attempt 2 .* failed \(HTTP 500\); retrying/)]);
    await new Promise((res) => setTimeout(res, 150));
    expect(r.received).toHaveLength(3);
  });

  it('gives up when the schedule is used up, and says so', async () => {
    const r = await receiver((_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    const warn = vi.fn();
    const collab = track(await memoryWith({ logger: { warn } }, { webhooks: { schedule: [0, 10] } }));
    await collab.webhooks.subscriptions.create({ url: r.url, events: ['room.created'] });
    await collab.rooms.create({ id: 'doomed' });
    await until(() => pending(collab) === 0);
    expect(r.received).toHaveLength(2);
    expect(String(warn.mock.calls.at(-1)![0])).toMatch(/given up after 2 attempt\(s\): HTTP 503/);
  });

  it('keeps at most `concurrency` attempts in flight over all subscriptions (default 8)', async () => {
    const held: ServerResponse[] = [];
    let releaseAll = false;
    const r = await receiver((_req, res) => (releaseAll ? res.end('ok') : held.push(res)));
    const collab = track(await memory());
    for (let i = 0; i < 30; i++) await collab.webhooks.subscriptions.create({ url: `${r.url}?s=${i}`, events: ['room.created'] });
    await collab.rooms.create({ id: 'popular' });
    await until(() => r.received.length === 8);
    await new Promise((res) => setTimeout(res, 100));
    expect(r.received).toHaveLength(8); // the other 22 wait for a free slot
    releaseAll = true;
    for (const res of held.splice(0)) res.end('ok');
    await until(() => r.received.length === 30 && pending(collab) === 0);
    expect(r.state.maxOpen).toBe(8);
  });

  it('honours a configured concurrency', async () => {
    const held: ServerResponse[] = [];
    let releaseAll = false;
    const r = await receiver((_req, res) => (releaseAll ? res.end('ok') : held.push(res)));
    const collab = track(await memoryWith({}, { webhooks: { concurrency: 3 } }));
    for (let i = 0; i < 10; i++) await collab.webhooks.subscriptions.create({ url: r.url, events: ['room.created'] });
    await collab.rooms.create({ id: 'x' });
    await until(() => r.received.length === 3);
    await new Promise((res) => setTimeout(res, 60));
    expect(r.received).toHaveLength(3);
    releaseAll = true;
    for (const res of held.splice(0)) res.end('ok');
    await until(() => r.received.length === 10 && pending(collab) === 0);
    expect(r.state.maxOpen).toBe(3);
  });

  it('sends nothing for a change until it is saved', async () => {
    const r = await receiver();
    const { fs, faults, calls } = faultyFileSystem();
    const persistPath = join(await tempDir(), 'state.json');
    const collab = track(await memoryWith({ persistPath }, { store: { fileSystem: fs } }));
    await collab.webhooks.subscriptions.create({ url: r.url, events: ['room.created'] });
    let release!: () => void;
    faults.gate = new Promise<void>((resolve) => (release = resolve));
    const write = collab.rooms.create({ id: 'saved-first' });
    await until(() => calls.datasync > 0);
    await new Promise((res) => setTimeout(res, 50));
    expect(r.received).toHaveLength(0);
    release();
    await write;
    await until(() => r.received.length === 1);
  });

  it('drops the pending deliveries of a deleted subscription', async () => {
    const r = await receiver((_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    const collab = track(await memoryWith({}, { webhooks: { schedule: [0, 60_000] } }));
    const sub = await collab.webhooks.subscriptions.create({ url: r.url, events: ['room.created'] });
    await collab.rooms.create({ id: 'r' });
    await until(() => r.received.length === 1 && memoryStoreOf(collab)!.deliveries.values().next().value?.attempts === 1);
    expect(pending(collab)).toBe(1);
    await collab.webhooks.subscriptions.delete(sub.id);
    expect(pending(collab)).toBe(0);
  });
});

describe('memory webhooks: pending deliveries survive a restart', () => {
  it('close() aborts an attempt in flight at once, and the next run delivers it with the same webhook-id', async () => {
    const persistPath = join(await tempDir(), 'state.json');
    const first = await receiver(() => {
      /* never answers */
    });
    const collab = await memory({ persistPath });
    const sub = await collab.webhooks.subscriptions.create({ url: first.url, events: ['room.created'] });
    await collab.rooms.create({ id: 'in-flight' });
    await until(() => first.received.length === 1);
    const started = Date.now();
    await collab.close();
    expect(Date.now() - started).toBeLessThan(2000); // the attempt's 5 s timeout was not waited for
    const saved = JSON.parse(await readFile(persistPath, 'utf8')) as { deliveries: Array<{ id: string; attempts: number }> };
    expect(saved.deliveries).toEqual([expect.objectContaining({ id: first.received[0]!.headers['webhook-id'], attempts: 0 })]);

    const got: Received[] = [];
    const second = await receiver((req, res) => {
      got.push(req);
      res.end('ok');
    });
    // The same subscription, pointed at the new receiver by editing the saved file (its URL is fixed).
    const text = (await readFile(persistPath, 'utf8')).replace(first.url, second.url);
    await writeFile(persistPath, text);
    const again = track(await memory({ persistPath }));
    await until(() => got.length === 1 && pending(again) === 0);
    expect(got[0]!.headers['webhook-id']).toBe(first.received[0]!.headers['webhook-id']);
    expect(() => new Webhook(sub.secret!).verify(got[0]!.rawBody, got[0]!.headers as Record<string, string>)).not.toThrow();
  });

  it('keeps a failed delivery’s attempt count and retry time across a restart', async () => {
    const persistPath = join(await tempDir(), 'state.json');
    const r = await receiver((_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    const collab = await memoryWith({ persistPath }, { webhooks: { schedule: [0, 60_000, 60_000] } });
    await collab.webhooks.subscriptions.create({ url: r.url, events: ['room.created'] });
    await collab.rooms.create({ id: 'later' });
    await until(() => memoryStoreOf(collab)!.deliveries.values().next().value?.attempts === 1);
    await collab.close();
    const saved = JSON.parse(await readFile(persistPath, 'utf8')) as { deliveries: Array<{ attempts: number; nextAttemptAt: number; lastError?: string }> };
    expect(saved.deliveries).toHaveLength(1);
    expect(saved.deliveries[0]).toMatchObject({ attempts: 1, lastError: 'HTTP 500' });
    expect(saved.deliveries[0]!.nextAttemptAt).toBeGreaterThan(Date.now() + 30_000);

    // Not due yet after a restart...
    const early = await memoryWith({ persistPath }, { webhooks: { schedule: [0, 60_000, 60_000] } });
    await new Promise((res) => setTimeout(res, 100));
    expect(r.received).toHaveLength(1);
    await early.close();
    // ...and attempted once its time has come (the clock moved 2 minutes on), counting on from 1.
    const late = track(await memoryWith({ persistPath }, { store: { now: () => Date.now() + 120_000 }, webhooks: { schedule: [0, 60_000, 60_000] } }));
    await until(() => r.received.length === 2 && memoryStoreOf(late)!.deliveries.values().next().value?.attempts === 2);
  });
});

describe('memory webhook settings', () => {
  const base = { provider: 'memory' } as const;
  it('default to the Standard Webhooks schedule and 8 attempts in flight', () => {
    expect(memoryWebhookSettings(base)).toEqual({ schedule: STANDARD_WEBHOOK_SCHEDULE_MS, concurrency: 8, timeoutMs: 5000 });
    expect(STANDARD_WEBHOOK_SCHEDULE_MS).toEqual([0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
  });
  it('derive a schedule from webhookRetries and webhookBackoffMs', () => {
    expect(memoryWebhookSettings({ ...base, webhookRetries: 2 }).schedule).toEqual([0, 5_000, 300_000]);
    expect(memoryWebhookSettings({ ...base, webhookRetries: 9 }).schedule).toEqual([...STANDARD_WEBHOOK_SCHEDULE_MS, 36_000_000, 36_000_000]);
    expect(memoryWebhookSettings({ ...base, webhookBackoffMs: 100, webhookRetries: 3 }).schedule).toEqual([0, 100, 200, 400]);
    expect(memoryWebhookSettings({ ...base, webhookRetries: 0 }).schedule).toEqual([0]);
  });
  it('take webhookRetrySchedule / webhookConcurrency when the config carries them, and refuse bad ones', () => {
    const extra = { ...base, webhookRetrySchedule: [0, 1000], webhookConcurrency: 2 } as typeof base;
    expect(memoryWebhookSettings(extra)).toMatchObject({ schedule: [0, 1000], concurrency: 2 });
    expect(() => memoryWebhookSettings({ ...base, webhookRetrySchedule: [] } as typeof base)).toThrow(/webhookRetrySchedule/);
    expect(() => memoryWebhookSettings({ ...base, webhookConcurrency: 0 } as typeof base)).toThrow(/webhookConcurrency/);
  });
});
