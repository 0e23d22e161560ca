import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CollabEvent } from '../../core/model/event.js';
import { describeValue, eventually, expectError, newRoom, newUser, textBody } from '../helpers.js';
import type { ConformanceCheck, ConformanceContext } from '../types.js';

/** Checks of `collab.auth`. */
export const authChecks: ConformanceCheck[] = [
  {
    id: 'auth.issue-token',
    group: 'auth',
    name: 'issueToken returns a non-empty token (and an expiry in the future when given)',
    requires: ['auth.issueToken'],
    async run(ctx) {
      const room = await newRoom(ctx);
      const userId = await newUser(ctx);
      const issued = await ctx.collab.auth.issueToken({
        userId,
        userInfo: { name: 'Ada Conformance' },
        rooms: { [room.id]: 'write', [`${ctx.id('prefix')}*`]: 'read' },
      });
      assert.equal(typeof issued.token, 'string', 'token is a string');
      assert.ok(issued.token.length > 0, 'token is not empty');
      if (issued.expiresAt !== undefined) {
        assert.ok(issued.expiresAt instanceof Date, `expiresAt should be a Date, got ${describeValue(issued.expiresAt)}`);
        assert.ok(issued.expiresAt.getTime() > Date.now(), `expiresAt ${issued.expiresAt.toISOString()} is not in the future`);
      }
    },
  },
  {
    id: 'auth.validation',
    group: 'auth',
    name: 'issueToken with bad input rejects with ValidationError naming the field',
    requires: ['auth.issueToken'],
    async run(ctx) {
      await expectError(() => ctx.collab.auth.issueToken({ userId: '' }), 'validation_error', 'issueToken with an empty userId', {
        field: (f) => f.endsWith('userId'),
        fieldLabel: 'userId',
      });
      await expectError(
        () => ctx.collab.auth.issueToken({ userId: ctx.id('user'), rooms: { [ctx.id('room')]: 'admin' as 'read' } }),
        'validation_error',
        'issueToken with an unknown access level',
        { field: (f) => f.includes('rooms'), fieldLabel: 'rooms' },
      );
    },
  },
];

/** Checks of `collab.events`. */
export const eventChecks: ConformanceCheck[] = [
  {
    id: 'events.broadcast',
    group: 'events',
    name: 'broadcast resolves (and the probe receives the payload when it can listen)',
    requires: ['events.broadcast'],
    async run(ctx) {
      const room = await newRoom(ctx);
      const payload = { type: 'conformance', runId: ctx.runId, nested: { n: 1, list: ['a', 'b'] } };
      const watcher = ctx.probe.watchBroadcasts ? await ctx.probe.watchBroadcasts(room.id) : undefined;
      try {
        const result = await ctx.collab.events.broadcast(room.id, payload);
        assert.equal(result, undefined, 'broadcast resolves with nothing');
        if (watcher) {
          await eventually(async () => {
            assert.ok(
              watcher.received().some((p) => JSON.stringify(p) === JSON.stringify(payload)),
              `probe did not receive the broadcast; received ${describeValue(watcher.received())}`,
            );
          }, ctx.settleMs);
        }
      } finally {
        await watcher?.close();
      }
    },
  },
];

interface Delivery {
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}

async function startReceiver(): Promise<{ url: string; deliveries: Delivery[]; close(): Promise<void> }> {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ headers: req.headers, rawBody: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/unicollab-conformance`,
    deliveries,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** Changes one byte of a body (a letter or digit, so the JSON keeps its shape where possible). */
function tamper(body: Buffer): Buffer {
  const copy = Buffer.from(body);
  const index = copy.findIndex((b, i) => i > copy.length / 3 && ((b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39)));
  const at = index >= 0 ? index : Math.floor(copy.length / 2);
  copy[at] = copy[at] === 0x61 ? 0x62 : 0x61;
  return copy;
}

async function verifyFails(ctx: ConformanceContext, headers: Record<string, string | string[] | undefined>, rawBody: string | Uint8Array, what: string): Promise<void> {
  await expectError(() => ctx.collab.webhooks.verify({ headers, rawBody }), 'webhook_verification_failed', what);
}

/** Checks of `collab.webhooks`. */
export const webhookChecks: ConformanceCheck[] = [
  {
    id: 'webhooks.verify-rejects',
    group: 'webhooks',
    name: 'verify rejects unsigned and wrongly signed requests with WebhookVerificationError',
    requires: ['webhooks.verify'],
    async run(ctx) {
      const body = JSON.stringify({ type: 'threadCreated', data: { roomId: 'r', threadId: 't' } });
      await verifyFails(ctx, {}, body, 'verify without signature headers');
      const ts = String(Math.floor(Date.now() / 1000));
      await verifyFails(
        ctx,
        { 'webhook-id': 'msg_conformance', 'webhook-timestamp': ts, 'webhook-signature': 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' },
        body,
        'verify with a wrong Standard Webhooks signature',
      );
      await verifyFails(ctx, { authorization: 'Basic d3Jvbmc6d3Jvbmc=', 'content-type': 'application/json' }, body, 'verify with wrong Basic credentials');
    },
  },
  {
    id: 'webhooks.subscriptions-roundtrip',
    group: 'webhooks',
    name: 'subscriptions: create returns a secret; get and list return it; delete removes it',
    requires: ['webhooks.subscriptions'],
    async run(ctx) {
      const url = `https://example.com/unicollab-conformance/${ctx.id('hook')}`;
      const created = await ctx.collab.webhooks.subscriptions.create({ url, events: ['thread.created', 'comment.created'] });
      let deleted = false;
      ctx.defer(() => (deleted ? undefined : ctx.collab.webhooks.subscriptions.delete(created.id)));
      assert.ok(typeof created.id === 'string' && created.id.length > 0, 'create result: id');
      assert.equal(created.url, url, 'create result: url');
      assert.deepEqual([...created.events].sort(), ['comment.created', 'thread.created'], 'create result: events');
      assert.ok(typeof created.secret === 'string' && created.secret.length > 0, 'create result carries the signing secret');
      const got = await ctx.collab.webhooks.subscriptions.get(created.id);
      assert.equal(got.id, created.id, 'get: id');
      assert.equal(got.url, url, 'get: url');
      assert.deepEqual([...got.events].sort(), ['comment.created', 'thread.created'], 'get: events');
      assert.equal(got.secret, undefined, 'get must not return the secret');
      const listed = await ctx.collab.webhooks.subscriptions.list();
      assert.equal(listed.filter((s) => s.id === created.id).length, 1, 'list contains the subscription once');
      assert.ok(listed.every((s) => s.secret === undefined), 'list must not return secrets');
      await ctx.collab.webhooks.subscriptions.delete(created.id);
      deleted = true;
      await expectError(() => ctx.collab.webhooks.subscriptions.get(created.id), 'not_found', 'subscriptions.get after delete');
      assert.ok(!(await ctx.collab.webhooks.subscriptions.list()).some((s) => s.id === created.id), 'list after delete');
    },
  },
  {
    id: 'webhooks.delivery',
    group: 'webhooks',
    name: 'a subscribed change is delivered to a local server and verifies; one changed body byte fails verification',
    requires: ['webhooks.subscriptions', 'webhooks.verify', 'threads.create'],
    requiresProbe: ['webhooksReachLocalhost'],
    slow: true,
    async run(ctx) {
      const receiver = await startReceiver();
      ctx.defer(() => receiver.close());
      const room = await newRoom(ctx);
      const author = await newUser(ctx, 'author');
      const sub = await ctx.collab.webhooks.subscriptions.create({ url: receiver.url, events: ['thread.created'] });
      ctx.defer(() => ctx.collab.webhooks.subscriptions.delete(sub.id));
      const thread = await ctx.collab.threads.create({ roomId: room.id, comment: { authorId: author, body: textBody('webhook please') } });
      if (ctx.available('threads.delete')) ctx.defer(() => ctx.collab.threads.delete(room.id, thread.id));
      const { delivery, event } = await eventually(
        async () => {
          for (const d of receiver.deliveries) {
            const e: CollabEvent = await ctx.collab.webhooks.verify({ headers: d.headers, rawBody: d.rawBody });
            if (e.type === 'thread.created' && e.roomId === room.id) return { delivery: d, event: e };
          }
          return assert.fail(`no verified thread.created delivery for room ${room.id} (got ${receiver.deliveries.length} requests)`);
        },
        Math.max(ctx.settleMs, 15_000),
        200,
      );
      assert.equal(event.provider, ctx.collab.provider, 'event.provider');
      if (event.threadId !== undefined) assert.equal(event.threadId, thread.id, 'event.threadId');
      assert.ok(typeof event.id === 'string' && event.id.length > 0, 'event.id');
      assert.ok(event.occurredAt instanceof Date && !Number.isNaN(event.occurredAt.getTime()), 'event.occurredAt');
      await verifyFails(ctx, delivery.headers, tamper(delivery.rawBody), 'verify of the delivery with one body byte changed');
      await verifyFails(ctx, delivery.headers, delivery.rawBody.toString('utf8') + ' ', 'verify of the delivery with a byte appended');
    },
  },
];
