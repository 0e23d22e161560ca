// Issue 2's acceptance walk, using only the public exports, as a new user would.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Collab,
  CollabError,
  ConfigError,
  createCollab,
  fromText,
  NotFoundError,
  registerAdapter,
  toText,
  ValidationError,
  WebhookVerificationError,
} from 'unicollab';

describe('foundation acceptance (public API, memory provider)', () => {
  let collab: Collab;
  beforeAll(async () => {
    collab = await createCollab();
  });
  afterAll(async () => {
    await collab.close();
  });

  it('walks room -> thread with mention -> reply -> reaction -> resolve -> notifications', async () => {
    expect(collab.provider).toBe('memory');
    const room = await collab.rooms.create({ id: 'acceptance-room', metadata: { kind: 'doc' } });
    expect(room).toMatchObject({ id: 'acceptance-room', metadata: { kind: 'doc' } });

    const thread = await collab.threads.create({
      roomId: room.id,
      comment: { authorId: 'alice', body: fromText('Hey @bob, please check https://example.com') },
    });
    expect(thread.comments).toHaveLength(1);
    expect(toText(thread.comments[0]!.body)).toBe('Hey @bob, please check https://example.com');

    const reply = await collab.comments.create({ roomId: room.id, threadId: thread.id, authorId: 'bob', body: fromText('On it') });
    const reacted = await collab.reactions.add({ roomId: room.id, threadId: thread.id, commentId: reply.id, userId: 'alice', emoji: '🎉' });
    expect(reacted.reactions).toEqual([expect.objectContaining({ emoji: '🎉', userIds: ['alice'] })]);

    const resolved = await collab.threads.resolve(room.id, thread.id, { userId: 'alice' });
    expect(resolved.resolved).toBe(true);
    expect((await collab.threads.get(room.id, thread.id)).resolved).toBe(true);

    const bobInbox = await collab.notifications.list('bob');
    expect(bobInbox.items.map((n) => n.kind)).toContain('mention');
    const mention = bobInbox.items.find((n) => n.kind === 'mention')!;
    expect(mention).toMatchObject({ userId: 'bob', roomId: room.id, threadId: thread.id, readAt: null });
    const aliceInbox = await collab.notifications.list('alice');
    expect(aliceInbox.items.map((n) => n.kind)).toEqual(['thread']);
  });

  it('rejects a missing room with NotFoundError', async () => {
    const err = await collab.rooms.get('missing').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(CollabError.is(err)).toBe(true);
    expect((err as NotFoundError).code).toBe('not_found');
  });

  it('rejects an empty room id with a ValidationError naming id', async () => {
    const err = await collab.rooms.create({ id: '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe('id');
  });

  it('rejects an unknown provider with ConfigError', async () => {
    await expect(createCollab({ provider: 'nope' } as never)).rejects.toBeInstanceOf(ConfigError);
  });

  it('answers an adapter that fails to load with the loader\'s ConfigError, never echoing the config\'s secrets', async () => {
    registerAdapter('unbuilt', () => Promise.reject(new ConfigError('The unbuilt adapter is not part of this version of unicollab', { field: 'provider', provider: 'unbuilt' })));
    const err = await createCollab({ provider: 'unbuilt', apiToken: 'kw-secret-token' } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe('The unbuilt adapter is not part of this version of unicollab');
    expect(JSON.stringify(err)).not.toContain('kw-secret-token');
  });

  it('delivers a signed webhook to a local server; verify accepts it and rejects one changed byte', async () => {
    const received: Array<{ headers: IncomingHttpHeaders; rawBody: string }> = [];
    let notify!: () => void;
    const arrived = new Promise<void>((resolve) => (notify = resolve));
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200).end();
        notify();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
      const sub = await collab.webhooks.subscriptions.create({ url, events: ['thread.created'] });
      expect(sub.secret).toMatch(/^whsec_/);
      await collab.rooms.create({ id: 'webhook-room' });
      const thread = await collab.threads.create({ roomId: 'webhook-room', comment: { authorId: 'carol', body: fromText('ping') } });
      await arrived;

      const [delivery] = received;
      expect(delivery!.headers['content-type']).toContain('application/json');
      const event = await collab.webhooks.verify(delivery!);
      // The independent oracle: the standardwebhooks package accepts the same delivery.
      const oracle = new Webhook(sub.secret!).verify(delivery!.rawBody, {
        'webhook-id': String(delivery!.headers['webhook-id']),
        'webhook-timestamp': String(delivery!.headers['webhook-timestamp']),
        'webhook-signature': String(delivery!.headers['webhook-signature']),
      });
      expect(oracle).toMatchObject({ type: 'thread.created', data: { roomId: 'webhook-room', threadId: thread.id } });
      expect(event).toMatchObject({ type: 'thread.created', provider: 'memory', roomId: 'webhook-room', threadId: thread.id, userId: 'carol' });
      expect(event.id).toBe(delivery!.headers['webhook-id']);

      const oneByte = Buffer.from(delivery!.rawBody);
      const at = oneByte.length - 2;
      oneByte[at] = oneByte[at]! ^ 1;
      await expect(collab.webhooks.verify({ headers: delivery!.headers, rawBody: oneByte })).rejects.toBeInstanceOf(WebhookVerificationError);
      await collab.webhooks.subscriptions.delete(sub.id);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
