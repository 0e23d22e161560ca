import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtClaims } from '../../core/jwt.js';
import type { CollabEvent } from '../../core/model/event.js';
import { describeValue, eventually, expectError, newRoom, newUser, textBody } from '../helpers.js';
import type { ConformanceCheck, ConformanceContext } from '../types.js';

/** Checks of `collab.auth`. */
export const authChecks: ConformanceCheck[] = [
  {
    id: 'auth.issue-token',
    group: 'auth',
    name: 'issueToken returns a token granting exactly the rooms and levels asked (read stays read), with an expiry in the future when given',
    requires: ['auth.issueToken'],
    async run(ctx) {
      const room = await newRoom(ctx);
      const readRoom = await newRoom(ctx);
      const userId = await newUser(ctx);
      const prefix = `${ctx.id('prefix')}*`;
      const asked: Record<string, 'read' | 'write'> = { [room.id]: 'write', [readRoom.id]: 'read', [prefix]: 'read' };
      const issued = await ctx.collab.auth.issueToken({ userId, userInfo: { name: 'Ada Conformance' }, rooms: asked });
      assert.equal(typeof issued.token, 'string', 'token is a string');
      assert.ok(issued.token.length > 0, 'token is not empty');
      if (issued.expiresAt !== undefined) {
        assert.ok(issued.expiresAt instanceof Date, `expiresAt should be a Date, got ${describeValue(issued.expiresAt)}`);
        assert.ok(issued.expiresAt.getTime() > Date.now(), `expiresAt ${issued.expiresAt.toISOString()} is not in the future`);
      }
      // Any JWT: its own subject and expiry must agree with what issueToken says (read with jose, not the adapter).
      const claims = await jwtClaims(issued.token);
      if (claims) {
        if (typeof claims.sub === 'string') assert.equal(claims.sub, userId, 'the JWT subject (sub) is the user asked');
        if (typeof claims.exp === 'number' && issued.expiresAt !== undefined) {
          assert.ok(Math.abs(claims.exp * 1000 - issued.expiresAt.getTime()) <= 5000, `expiresAt ${issued.expiresAt.toISOString()} differs from the JWT exp ${claims.exp}`);
        }
      }
      if (!ctx.probe.tokenGrant) return;
      const grant = await ctx.probe.tokenGrant(issued.token);
      assert.ok(grant, 'probe.tokenGrant could not read the token');
      assert.equal(grant.userId, userId, 'probe.tokenGrant: the token is for the user asked');
      assert.equal(grant.rooms[room.id], 'write', `probe.tokenGrant: ${room.id} granted write`);
      assert.equal(grant.rooms[readRoom.id], 'read', `probe.tokenGrant: ${readRoom.id} granted read only`);
      // A partial declaration may leave prefixes out (Velt grants exact documents only); it must never grant more.
      if (ctx.level('auth.issueToken') === 'yes' || grant.rooms[prefix] !== undefined) assert.equal(grant.rooms[prefix], 'read', `probe.tokenGrant: ${prefix} granted read`);
      const extra = Object.keys(grant.rooms).filter((k) => !(k in asked));
      assert.deepEqual(extra, [], 'probe.tokenGrant: the token grants rooms that were not asked for');
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

/** The ids each event type must carry (roomId for everything in a room, threadId for thread/comment/reaction events, ...). */
export const IMPLIED_EVENT_IDS: Partial<Record<CollabEvent['type'], ReadonlyArray<'roomId' | 'threadId' | 'commentId' | 'userId'>>> = {
  'room.created': ['roomId'],
  'room.deleted': ['roomId'],
  'thread.created': ['roomId', 'threadId'],
  'thread.deleted': ['roomId', 'threadId'],
  'thread.resolved': ['roomId', 'threadId'],
  'thread.unresolved': ['roomId', 'threadId'],
  'thread.metadata_updated': ['roomId', 'threadId'],
  'comment.created': ['roomId', 'threadId', 'commentId'],
  'comment.edited': ['roomId', 'threadId', 'commentId'],
  'comment.deleted': ['roomId', 'threadId', 'commentId'],
  'reaction.added': ['roomId', 'threadId', 'commentId'],
  'reaction.removed': ['roomId', 'threadId', 'commentId'],
  'notification.created': ['userId'],
  'user.entered': ['roomId', 'userId'],
  'user.left': ['roomId', 'userId'],
  'storage.updated': ['roomId'],
  'document.updated': ['roomId'],
};

/** Waits for a verified delivery of `type` that `match`es. */
async function awaitDelivery(
  ctx: ConformanceContext,
  receiver: { deliveries: Delivery[] },
  type: CollabEvent['type'],
  roomId: string,
  match: (e: CollabEvent) => boolean,
): Promise<{ delivery: Delivery; event: CollabEvent }> {
  return eventually(
    async () => {
      for (const d of receiver.deliveries) {
        const e: CollabEvent = await ctx.collab.webhooks.verify({ headers: d.headers, rawBody: d.rawBody });
        if (e.type === type && match(e)) return { delivery: d, event: e };
      }
      return assert.fail(`no verified ${type} delivery for room ${roomId} (got ${receiver.deliveries.length} requests)`);
    },
    Math.max(ctx.settleMs, 15_000),
    200,
  );
}

/** Asserts every id the event's type implies is present and equal to the expected one, plus the common fields. */
function assertEventIds(ctx: ConformanceContext, event: CollabEvent, expected: Partial<Record<'roomId' | 'threadId' | 'commentId' | 'userId', string>>): void {
  const what = `${event.type} event`;
  assert.equal(event.provider, ctx.collab.provider, `${what}: provider`);
  assert.ok(typeof event.id === 'string' && event.id.length > 0, `${what}: id`);
  assert.ok(event.occurredAt instanceof Date && !Number.isNaN(event.occurredAt.getTime()), `${what}: occurredAt`);
  for (const key of IMPLIED_EVENT_IDS[event.type] ?? []) {
    assert.ok(typeof event[key] === 'string' && event[key]!.length > 0, `${what}: ${key} is required for this event type, got ${describeValue(event[key])}`);
    if (expected[key] !== undefined) assert.equal(event[key], expected[key], `${what}: ${key}`);
  }
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
      if (ctx.probe.subscription) {
        const stored = await ctx.probe.subscription(created.id);
        assert.ok(stored, `probe.subscription: ${created.id} missing in the vendor`);
        assert.equal(stored.url, url, 'probe.subscription: url');
        if (stored.events !== undefined) assert.deepEqual([...stored.events].sort(), ['comment.created', 'thread.created'], 'probe.subscription: events');
      }
      await ctx.collab.webhooks.subscriptions.delete(created.id);
      deleted = true;
      if (ctx.probe.subscription) assert.equal(await ctx.probe.subscription(created.id), undefined, 'probe.subscription after delete');
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
      // Matched on the room or the thread only: the ids must then be right, not merely right when present.
      const { delivery, event } = await awaitDelivery(ctx, receiver, 'thread.created', room.id, (e) => e.roomId === room.id || e.threadId === thread.id);
      assertEventIds(ctx, event, { roomId: room.id, threadId: thread.id });
      await verifyFails(ctx, delivery.headers, tamper(delivery.rawBody), 'verify of the delivery with one body byte changed');
      await verifyFails(ctx, delivery.headers, delivery.rawBody.toString('utf8') + ' ', 'verify of the delivery with a byte appended');
    },
  },
  {
    id: 'webhooks.delivery-comment',
    group: 'webhooks',
    name: 'a reply is delivered as comment.created carrying its room, thread and comment ids',
    requires: ['webhooks.subscriptions', 'webhooks.verify', 'threads.create', 'comments.create'],
    requiresProbe: ['webhooksReachLocalhost'],
    slow: true,
    async run(ctx) {
      const receiver = await startReceiver();
      ctx.defer(() => receiver.close());
      const room = await newRoom(ctx);
      const author = await newUser(ctx, 'author');
      const thread = await ctx.collab.threads.create({ roomId: room.id, comment: { authorId: author, body: textBody('webhook please') } });
      if (ctx.available('threads.delete')) ctx.defer(() => ctx.collab.threads.delete(room.id, thread.id));
      const sub = await ctx.collab.webhooks.subscriptions.create({ url: receiver.url, events: ['comment.created'] });
      ctx.defer(() => ctx.collab.webhooks.subscriptions.delete(sub.id));
      const reply = await ctx.collab.comments.create({ roomId: room.id, threadId: thread.id, authorId: author, body: textBody('webhook reply') });
      const { event } = await awaitDelivery(ctx, receiver, 'comment.created', room.id, (e) => (e.roomId === room.id || e.threadId === thread.id) && e.commentId !== thread.comments[0]?.id);
      assertEventIds(ctx, event, { roomId: room.id, threadId: thread.id, commentId: reply.id });
    },
  },
];
