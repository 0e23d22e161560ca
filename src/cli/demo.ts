import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fromText, toText } from '../core/body/index.js';
import type { CapabilityKey } from '../core/capabilities.js';
import type { CollabConfig } from '../collab.js';
import { type Collab, createCollab } from '../collab.js';
import { CollabError } from '../core/errors.js';
import type { Thread } from '../core/model/thread.js';
import { renderCapabilityTable } from './capability-table.js';
import type { Printer } from './output.js';

const SKIP = Symbol('skip');

/**
 * A scripted walk through every service on the configured provider. Steps whose capability is `no`
 * are reported as unsupported; steps a server answers with HTTP 501 (e.g. the Liveblocks dev server)
 * are reported as not implemented by that server. Any other failure counts, and makes the exit code 1.
 */
export async function runDemo(config: CollabConfig, print: Printer): Promise<number> {
  const collab = await createCollab(config);
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const roomId = `unicollab-demo-${suffix}`;
  // Alice owns the room and writes in it: some vendors' rooms are one user's conversation, keyed by
  // that user (a Kabelwerk room id is its end user's key), and only its participants may post.
  const alice = roomId;
  const bob = `bob-${suffix}`;
  print.line(`unicollab demo on provider "${collab.provider}"`);

  const step = async <T>(name: string, capability: CapabilityKey | undefined, fn: () => Promise<T>, describe?: (v: T) => string): Promise<T | typeof SKIP> => {
    if (capability && collab.capabilities[capability] === 'no') {
      print.skip(name, `${collab.provider} does not support ${capability}${collab.capabilityNotes[capability] ? `: ${collab.capabilityNotes[capability]}` : ''}`);
      return SKIP;
    }
    try {
      const value = await fn();
      print.ok(name, describe ? describe(value) : '');
      return value;
    } catch (err) {
      if (CollabError.is(err) && err.status === 501) {
        print.skip(name, 'not implemented by this server (HTTP 501)');
        return SKIP;
      }
      print.fail(name, err);
      return SKIP;
    }
  };
  const needs = (name: string, what: string) => print.skip(name, `needs ${what}, which did not run`);

  try {
    print.heading('Rooms');
    const room = await step('rooms.create', 'rooms.create', () => collab.rooms.create({ id: roomId, name: 'Demo room', metadata: { team: 'design', demo: 'true' } }), (r) => `id=${r.id}`);
    if (room === SKIP) {
      print.line('  (the rest of the walk needs a room)');
    } else {
      await step('rooms.get', 'rooms.get', () => collab.rooms.get(roomId), (r) => `metadata=${JSON.stringify(r.metadata)}`);
      await step('rooms.list (metadata filter)', 'rooms.metadataFilter', () => collab.rooms.list({ metadata: { team: 'design' }, limit: 10 }), (p) => `${p.items.length} room(s) with team=design`);
      // Sets a key only: deleting one (`null`) is documented, but the Liveblocks dev server rejects it with 422.
      await step('rooms.update', 'rooms.update', () => collab.rooms.update(roomId, { metadata: { status: 'active' } }), (r) => `metadata=${JSON.stringify(r.metadata)}`);

      print.heading('Users');
      await step('users.upsert', 'users.upsert', async () => {
        await collab.users.upsert({ id: alice, name: 'Alice', email: 'alice@example.com' });
        return collab.users.upsert({ id: bob, name: 'Bob' });
      }, () => `${alice}, ${bob}`);
      await step('users.get', 'users.get', () => collab.users.get(alice), (u) => `${u.name ?? u.id}`);

      print.heading('Threads, comments, reactions');
      const body = fromText(`Hi @${bob}, can you review the spec at https://example.com/spec?`);
      const thread = await step('threads.create (with a mention and a link)', 'threads.create', () => collab.threads.create({ roomId, comment: { authorId: alice, body }, ...(collab.capabilities['threads.metadata'] === 'no' ? {} : { metadata: { priority: 'high' } }) }), (t: Thread) => `thread=${t.id}: "${toText(t.comments[0]!.body)}"`);
      if (thread === SKIP) {
        for (const s of ['comments.create', 'reactions.add', 'threads.resolve', 'threads.list', 'comments.edit']) needs(s, 'threads.create');
      } else {
        const reply = await step('comments.create (follow-up)', 'comments.create', () => collab.comments.create({ roomId, threadId: thread.id, authorId: alice, body: fromText('The spec is final, by the way.') }), (c) => `comment=${c.id}`);
        if (reply !== SKIP) {
          await step('reactions.add', 'reactions.add', () => collab.reactions.add({ roomId, threadId: thread.id, commentId: reply.id, userId: alice, emoji: '👍' }), (c) => `reactions=${JSON.stringify(c.reactions.map((r) => [r.emoji, r.userIds.length]))}`);
          await step('comments.edit', 'comments.edit', () => collab.comments.edit(roomId, thread.id, reply.id, { body: fromText('The spec is final now.') }), (c) => `"${toText(c.body)}"`);
        } else {
          needs('reactions.add', 'comments.create');
        }
        await step('threads.updateMetadata', 'threads.metadata', () => collab.threads.updateMetadata(roomId, thread.id, { priority: 'low' }), (m) => JSON.stringify(m));
        await step('threads.resolve', 'threads.resolve', () => collab.threads.resolve(roomId, thread.id, { userId: alice }), (t) => `resolved=${t.resolved}`);
        await step('threads.list (resolved)', 'threads.list', () => collab.threads.list(roomId, { resolved: true }), (p) => `${p.items.length} resolved thread(s)`);
      }

      print.heading('Presence');
      await step('presence.set', 'presence.set', () => collab.presence.set({ roomId, userId: alice, data: { cursor: { x: 10, y: 20 } }, ttlSeconds: 30 }));
      await step('presence.list', 'presence.list', () => collab.presence.list(roomId), (p) => `${p.length} present: ${p.map((e) => e.userId).join(', ') || '(none)'}`);
      await step('presence.clear', 'presence.clear', () => collab.presence.clear(roomId, alice));

      print.heading('Notifications');
      const inbox = await step(`notifications.list (${bob})`, 'notifications.list', () => collab.notifications.list(bob), (p) => `${p.items.length}: ${p.items.map((n) => n.kind).join(', ') || '(none)'}`);
      await step(`notifications.list (${alice}, unread)`, 'notifications.list', () => collab.notifications.list(alice, { unread: true }), (p) => `${p.items.length}: ${p.items.map((n) => n.kind).join(', ') || '(none)'}`);
      if (inbox !== SKIP && inbox.items[0]) {
        const first = inbox.items[0];
        await step('notifications.markRead', 'notifications.markRead', () => collab.notifications.markRead(bob, first.id), () => first.id);
      }
      await step('notifications.trigger (custom)', 'notifications.trigger', () => collab.notifications.trigger({ userId: bob, kind: 'fileUploaded', subjectId: `file-${suffix}`, roomId, data: { name: 'spec.pdf' } }));

      print.heading('Auth, events, webhooks');
      await step('auth.issueToken', 'auth.issueToken', () => collab.auth.issueToken({ userId: alice, rooms: { [roomId]: 'write' } }), (t) => `token of ${t.token.length} chars${t.expiresAt ? `, expires ${t.expiresAt.toISOString()}` : ''}`);
      await step('events.broadcast', 'events.broadcast', () => collab.events.broadcast(roomId, { type: 'demo', at: Date.now() }));
      await webhookSteps(collab, roomId, step);

      print.heading('Clean-up');
      if (thread !== SKIP) await step('threads.delete', 'threads.delete', () => collab.threads.delete(roomId, thread.id));
      await step('rooms.delete', 'rooms.delete', () => collab.rooms.delete(roomId));
    }

    print.heading(`Capabilities of ${collab.provider}`);
    print.line(renderCapabilityTable({ [collab.provider]: { levels: collab.capabilities, notes: collab.capabilityNotes } }, 'text', { width: print.width }));
  } finally {
    await collab.close();
  }
  print.line();
  print.line(print.failures === 0 ? 'Demo finished: every supported step succeeded.' : `Demo finished with ${print.failures} failed step(s).`);
  return print.failures === 0 ? 0 : 1;
}

type Step = <T>(name: string, capability: CapabilityKey | undefined, fn: () => Promise<T>, describe?: (v: T) => string) => Promise<T | typeof SKIP>;

/**
 * On the embedded provider, a real round trip: subscribe a local HTTP endpoint, make a change,
 * receive the signed POST and verify it. Vendors cannot reach localhost, so for them the demo only lists.
 */
async function webhookSteps(collab: Collab, roomId: string, step: Step): Promise<void> {
  if (collab.provider !== 'memory') {
    await step('webhooks.subscriptions.list', 'webhooks.subscriptions', () => collab.webhooks.subscriptions.list(), (s) => `${s.length} subscription(s)`);
    return;
  }
  const received: Array<{ headers: Record<string, string | string[] | undefined>; rawBody: string }> = [];
  let arrived: () => void = () => {};
  const firstArrival = new Promise<void>((resolve) => (arrived = resolve));
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
      arrived();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    const sub = await step('webhooks.subscriptions.create', 'webhooks.subscriptions', () => collab.webhooks.subscriptions.create({ url, events: ['room.created', 'thread.created'] }), (s) => `${s.id} -> ${url}`);
    if (sub === SKIP) return;
    await collab.rooms.create({ id: `${roomId}-webhook` });
    await step('webhook delivered and verified', 'webhooks.verify', async () => {
      await Promise.race([firstArrival, new Promise((_, reject) => setTimeout(() => reject(new Error('no webhook arrived within 5 s')), 5000).unref())]);
      return collab.webhooks.verify(received[0]!);
    }, (e) => `${e.type} room=${e.roomId} id=${e.id}`);
    await collab.rooms.delete(`${roomId}-webhook`);
    await step('webhooks.subscriptions.delete', 'webhooks.subscriptions', () => collab.webhooks.subscriptions.delete(sub.id));
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
