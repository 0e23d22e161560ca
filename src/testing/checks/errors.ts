import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { CAPABILITY_KEYS, type CapabilityKey } from '../../core/capabilities.js';
import { CollabError } from '../../core/errors.js';
import type { CommentBody } from '../../core/model/body.js';
import type { Thread } from '../../core/model/thread.js';
import { describeValue, expectError, newRoom, newThread, newUser, sleep, textBody } from '../helpers.js';
import type { ConformanceCheck, ConformanceContext } from '../types.js';

/** Checks of the capability declaration itself. */
export const capabilityChecks: ConformanceCheck[] = [
  {
    id: 'capabilities.declaration',
    group: 'capabilities',
    name: 'declares a level for every capability key, and a note for every partial one',
    requires: [],
    async run(ctx) {
      const { collab } = ctx;
      assert.ok(typeof collab.provider === 'string' && collab.provider.length > 0, 'collab.provider is a non-empty string');
      const keys = Object.keys(collab.capabilities).sort();
      assert.deepEqual(keys, [...CAPABILITY_KEYS].sort(), 'capability keys');
      for (const key of CAPABILITY_KEYS) {
        const level = collab.capabilities[key];
        assert.ok(level === 'yes' || level === 'partial' || level === 'no', `${key}: level ${String(level)}`);
        if (level === 'partial') {
          const note = collab.capabilityNotes[key];
          assert.ok(typeof note === 'string' && note.trim().length > 0, `${key} is partial but has no note saying what is missing`);
        }
      }
    },
  },
];

interface ValidationCase {
  id: string;
  name: string;
  requires: CapabilityKey[];
  field: (field: string) => boolean;
  fieldLabel: string;
  call(ctx: ConformanceContext): Promise<unknown>;
}

const badBody = { version: 2, content: [] } as unknown as CommentBody;
const emptyMention: CommentBody = { version: 1, content: [{ type: 'paragraph', children: [{ type: 'mention', userId: '' }] }] };
const includes = (part: string) => (f: string) => f.split('.').includes(part) || f.endsWith(part);

// Ids below are fresh and never created: validation must fail before the adapter looks anything up.
const VALIDATION_CASES: ValidationCase[] = [
  { id: 'rooms-create-empty-id', name: 'rooms.create({ id: "" })', requires: ['rooms.create'], field: (f) => f.endsWith('id'), fieldLabel: 'id', call: (ctx) => ctx.collab.rooms.create({ id: '' }) },
  {
    id: 'rooms-create-bad-metadata',
    name: 'rooms.create with a nested-object metadata value',
    requires: ['rooms.create'],
    field: includes('metadata'),
    fieldLabel: 'metadata',
    call: (ctx) => ctx.collab.rooms.create({ id: ctx.id('room'), metadata: { bad: { nested: true } as unknown as string } }),
  },
  { id: 'rooms-get-empty-id', name: 'rooms.get("")', requires: ['rooms.get'], field: (f) => /id$/i.test(f), fieldLabel: 'the id', call: (ctx) => ctx.collab.rooms.get('') },
  { id: 'rooms-list-limit-0', name: 'rooms.list({ limit: 0 })', requires: ['rooms.list'], field: includes('limit'), fieldLabel: 'limit', call: (ctx) => ctx.collab.rooms.list({ limit: 0 }) },
  {
    id: 'rooms-update-bad-metadata',
    name: 'rooms.update with a nested-object metadata value',
    requires: ['rooms.update'],
    field: includes('metadata'),
    fieldLabel: 'metadata',
    call: (ctx) => ctx.collab.rooms.update(ctx.id('room'), { metadata: { bad: { nested: true } as unknown as string } }),
  },
  {
    id: 'users-upsert-bad-email',
    name: 'users.upsert with an invalid email',
    requires: ['users.upsert'],
    field: includes('email'),
    fieldLabel: 'email',
    call: (ctx) => ctx.collab.users.upsert({ id: ctx.id('user'), email: 'not-an-email' }),
  },
  {
    id: 'threads-create-bad-body',
    name: 'threads.create with a body of an unknown version',
    requires: ['threads.create'],
    field: includes('body'),
    fieldLabel: 'comment.body',
    call: (ctx) => ctx.collab.threads.create({ roomId: ctx.id('room'), comment: { authorId: ctx.id('user'), body: badBody } }),
  },
  {
    id: 'threads-create-empty-author',
    name: 'threads.create with an empty authorId',
    requires: ['threads.create'],
    field: includes('authorId'),
    fieldLabel: 'comment.authorId',
    call: (ctx) => ctx.collab.threads.create({ roomId: ctx.id('room'), comment: { authorId: '', body: textBody('x') } }),
  },
  {
    id: 'threads-get-empty-id',
    name: 'threads.get(roomId, "")',
    requires: ['threads.get'],
    field: (f) => /threadId$/i.test(f),
    fieldLabel: 'threadId',
    call: (ctx) => ctx.collab.threads.get(ctx.id('room'), ''),
  },
  {
    id: 'comments-create-empty-mention',
    name: 'comments.create with a mention of an empty user id',
    requires: ['comments.create'],
    field: includes('body'),
    fieldLabel: 'body',
    call: (ctx) => ctx.collab.comments.create({ roomId: ctx.id('room'), threadId: ctx.id('thread'), authorId: ctx.id('user'), body: emptyMention }),
  },
  {
    id: 'reactions-add-empty-emoji',
    name: 'reactions.add with an empty emoji',
    requires: ['reactions.add'],
    field: includes('emoji'),
    fieldLabel: 'emoji',
    call: (ctx) => ctx.collab.reactions.add({ roomId: ctx.id('room'), threadId: ctx.id('thread'), commentId: ctx.id('comment'), userId: ctx.id('user'), emoji: '' }),
  },
  {
    id: 'presence-set-ttl-1',
    name: 'presence.set with ttlSeconds: 1 (minimum is 2)',
    requires: ['presence.set'],
    field: includes('ttlSeconds'),
    fieldLabel: 'ttlSeconds',
    call: (ctx) => ctx.collab.presence.set({ roomId: ctx.id('room'), userId: ctx.id('user'), ttlSeconds: 1 }),
  },
  {
    id: 'notifications-trigger-bad-kind',
    name: 'notifications.trigger with an invalid kind',
    requires: ['notifications.trigger'],
    field: includes('kind'),
    fieldLabel: 'kind',
    call: (ctx) => ctx.collab.notifications.trigger({ userId: ctx.id('user'), kind: '1 bad kind', subjectId: ctx.id('subject') }),
  },
  {
    id: 'webhooks-subscribe-bad-url',
    name: 'webhooks.subscriptions.create with a non-http URL',
    requires: ['webhooks.subscriptions'],
    field: includes('url'),
    fieldLabel: 'url',
    call: (ctx) => ctx.collab.webhooks.subscriptions.create({ url: 'ftp://example.com/hook', events: ['thread.created'] }),
  },
];

function validationCheck(c: ValidationCase): ConformanceCheck {
  return {
    id: `errors.validation-${c.id}`,
    group: 'errors',
    name: `${c.name} rejects with ValidationError naming ${c.fieldLabel}, before any request`,
    requires: c.requires,
    async run(ctx) {
      const before = ctx.probe.requestCount ? await ctx.probe.requestCount() : undefined;
      const err = await expectError(() => c.call(ctx), 'validation_error', c.name, { field: c.field, fieldLabel: c.fieldLabel });
      assert.ok(err.message.length > 0, 'the error has a message');
      if (before !== undefined) assert.equal(await ctx.probe.requestCount!(), before, `${c.name}: no request may be sent for invalid input`);
    },
  };
}

/** A comment id that does not exist but is valid everywhere (Velt comment ids are numeric). */
function missingCommentId(): string {
  return String(4_000_000_000 + Math.floor(Math.random() * 1_000_000_000));
}

interface NotFoundCase {
  id: string;
  name: string;
  requires: CapabilityKey[];
  call(ctx: ConformanceContext, f: { roomId: string; threadId: string; commentId: string; userId: string }): Promise<unknown>;
}

// The same situation must give the same class on every provider: a missing thread or comment inside an existing room.
const NOT_FOUND_CASES: NotFoundCase[] = [
  { id: 'threads-resolve', name: 'threads.resolve of a missing thread', requires: ['threads.resolve'], call: (ctx, f) => ctx.collab.threads.resolve(f.roomId, ctx.id('missing-thread'), { userId: f.userId }) },
  { id: 'threads-metadata', name: 'threads.updateMetadata of a missing thread', requires: ['threads.metadata'], call: (ctx, f) => ctx.collab.threads.updateMetadata(f.roomId, ctx.id('missing-thread'), { a: '1' }) },
  { id: 'threads-delete', name: 'threads.delete of a missing thread', requires: ['threads.delete'], call: (ctx, f) => ctx.collab.threads.delete(f.roomId, ctx.id('missing-thread')) },
  {
    id: 'comments-create',
    name: 'comments.create in a missing thread',
    requires: ['comments.create'],
    call: (ctx, f) => ctx.collab.comments.create({ roomId: f.roomId, threadId: ctx.id('missing-thread'), authorId: f.userId, body: textBody('lost') }),
  },
  { id: 'comments-edit', name: 'comments.edit of a missing comment', requires: ['comments.edit'], call: (ctx, f) => ctx.collab.comments.edit(f.roomId, f.threadId, missingCommentId(), { body: textBody('lost') }) },
  { id: 'comments-delete', name: 'comments.delete of a missing comment', requires: ['comments.delete'], call: (ctx, f) => ctx.collab.comments.delete(f.roomId, f.threadId, missingCommentId()) },
  {
    id: 'reactions-add',
    name: 'reactions.add on a missing comment',
    requires: ['reactions.add'],
    call: (ctx, f) => ctx.collab.reactions.add({ roomId: f.roomId, threadId: f.threadId, commentId: missingCommentId(), userId: f.userId, emoji: '👍' }),
  },
];

function notFoundCheck(c: NotFoundCase): ConformanceCheck {
  return {
    id: `errors.not-found-${c.id}`,
    group: 'errors',
    name: `${c.name} rejects with NotFoundError`,
    requires: ['threads.create', ...c.requires],
    async run(ctx) {
      const room = await newRoom(ctx);
      const userId = await newUser(ctx, 'author');
      const thread = await ctx.collab.threads.create({ roomId: room.id, comment: { authorId: userId, body: textBody('exists') } });
      if (ctx.available('threads.delete')) ctx.defer(() => ctx.collab.threads.delete(room.id, thread.id));
      const err = await expectError(() => c.call(ctx, { roomId: room.id, threadId: thread.id, commentId: thread.comments[0]!.id, userId }), 'not_found', c.name);
      assert.equal(err.provider, ctx.collab.provider, `${c.name}: error.provider`);
    },
  };
}

function leaks(value: unknown, secrets: readonly string[]): string[] {
  let text: string;
  try {
    text = typeof value === 'string' ? value : `${inspect(value, { depth: 8, showHidden: false, maxStringLength: Infinity })}\n${JSON.stringify(value) ?? ''}`;
  } catch {
    text = inspect(value, { depth: 8 });
  }
  return secrets.filter((s) => s.length > 0 && text.includes(s));
}

/** Checks of error mapping (same situation, same class on every provider) and of secret hygiene. */
export const errorChecks: ConformanceCheck[] = [
  {
    id: 'errors.not-found-shape',
    group: 'errors',
    name: 'a missing room gives a NotFoundError that CollabError.is recognises, with provider, code and message',
    requires: ['rooms.get'],
    async run(ctx) {
      const err = await expectError(() => ctx.collab.rooms.get(ctx.id('missing-room')), 'not_found', 'rooms.get of a missing room');
      assert.ok(err instanceof Error, 'is an Error');
      assert.equal(CollabError.is(err), true, 'CollabError.is');
      assert.equal(err.name, 'NotFoundError', 'name');
      assert.equal(err.provider, ctx.collab.provider, 'error.provider');
      assert.equal(err.retryable, false, 'a NotFoundError is not retryable');
      assert.equal(err.operation, 'rooms.get', 'error.operation names the service method');
      assert.ok(err.message.length > 0, 'has a message');
      const json = err.toJSON();
      assert.equal(json.code, 'not_found', 'toJSON().code');
      assert.doesNotThrow(() => JSON.stringify(err), 'the error serialises to JSON');
    },
  },
  ...NOT_FOUND_CASES.map(notFoundCheck),
  ...VALIDATION_CASES.map(validationCheck),
  {
    id: 'errors.no-secrets',
    group: 'errors',
    name: 'error messages, toJSON(), stacks, causes and raw payloads never contain the configured secrets',
    requires: [],
    async run(ctx) {
      if (ctx.secrets.length === 0) ctx.skip('no secrets given (pass options.secrets)');
      const found: string[] = [];
      const inspectErr = async (what: string, action: () => Promise<unknown>): Promise<unknown> => {
        try {
          const value = await action();
          const bad = leaks(value, ctx.secrets);
          if (bad.length > 0) found.push(`${what}: result contains a secret`);
          return value;
        } catch (err) {
          const parts: unknown[] = [err, String(err), (err as Error)?.stack, (err as Error)?.cause];
          if (CollabError.is(err)) parts.push(JSON.stringify(err), err.toJSON());
          if (parts.some((p) => leaks(p, ctx.secrets).length > 0)) found.push(`${what}: error ${describeValue((err as Error)?.name)} contains a secret`);
          return undefined;
        }
      };
      const c = ctx.collab;
      const can = (key: CapabilityKey) => ctx.available(key);
      // Every service: a result (raw included) of each method the adapter offers, and an error of each.
      let roomId = ctx.id('room');
      if (can('rooms.create')) {
        await inspectErr('rooms.create invalid', () => c.rooms.create({ id: '' }));
        const room = (await inspectErr('rooms.create result', () => newRoom(ctx, { name: 'Secret hygiene', metadata: { color: 'red' } }))) as { id: string } | undefined;
        if (room) roomId = room.id;
        await inspectErr('rooms.create duplicate', () => c.rooms.create({ id: roomId }));
      }
      if (can('rooms.get')) {
        await inspectErr('rooms.get missing', () => c.rooms.get(ctx.id('missing-room')));
        await inspectErr('rooms.get result', () => c.rooms.get(roomId));
      }
      if (can('rooms.list')) await inspectErr('rooms.list result', () => c.rooms.list({ limit: 5 }));
      if (can('rooms.update')) {
        await inspectErr('rooms.update result', () => c.rooms.update(roomId, { metadata: { color: 'blue' } }));
        await inspectErr('rooms.update missing', () => c.rooms.update(ctx.id('missing-room'), { metadata: { a: '1' } }));
      }
      const author = ((await inspectErr('users.upsert (newUser) result', () => newUser(ctx, 'author'))) as string | undefined) ?? ctx.id('author');
      const other = ((await inspectErr('users.upsert (newUser) result', () => newUser(ctx, 'other'))) as string | undefined) ?? ctx.id('other');
      if (can('users.upsert')) await inspectErr('users.upsert result', () => c.users.upsert({ id: author, name: 'Secret hygiene author' }));
      if (can('users.get')) {
        await inspectErr('users.get result', () => c.users.get(author));
        await inspectErr('users.get missing', () => c.users.get(ctx.id('missing-user')));
      }
      if (can('users.list')) await inspectErr('users.list result', () => c.users.list({ limit: 5 }));
      let threadId = ctx.id('missing-thread');
      let commentId = missingCommentId();
      if (can('threads.create')) {
        const thread = (await inspectErr('threads.create result', () => newThread(ctx, roomId, author, { body: textBody('secret hygiene') }))) as Thread | undefined;
        if (thread) {
          threadId = thread.id;
          commentId = thread.comments[0]?.id ?? commentId;
        }
      }
      if (can('threads.get')) {
        await inspectErr('threads.get result', () => c.threads.get(roomId, threadId));
        await inspectErr('threads.get missing', () => c.threads.get(ctx.id('missing-room'), ctx.id('missing-thread')));
      }
      if (can('threads.list')) await inspectErr('threads.list result', () => c.threads.list(roomId));
      if (can('threads.resolve')) await inspectErr('threads.resolve result', () => c.threads.resolve(roomId, threadId, { userId: author }));
      if (can('threads.metadata')) await inspectErr('threads.updateMetadata result', () => c.threads.updateMetadata(roomId, threadId, { a: '1' }));
      if (can('comments.create')) await inspectErr('comments.create result', () => c.comments.create({ roomId, threadId, authorId: other, body: textBody(`reply @${author}`) }));
      if (can('comments.get')) {
        await inspectErr('comments.get result', () => c.comments.get(roomId, threadId, commentId));
        await inspectErr('comments.get missing', () => c.comments.get(roomId, threadId, missingCommentId()));
      }
      if (can('comments.edit')) await inspectErr('comments.edit result', () => c.comments.edit(roomId, threadId, commentId, { body: textBody('secret hygiene, edited') }));
      if (can('reactions.add')) await inspectErr('reactions.add result', () => c.reactions.add({ roomId, threadId, commentId, userId: other, emoji: '👍' }));
      if (can('reactions.remove')) await inspectErr('reactions.remove result', () => c.reactions.remove({ roomId, threadId, commentId, userId: other, emoji: '👍' }));
      if (can('presence.set')) await inspectErr('presence.set result', () => c.presence.set({ roomId, userId: author, ttlSeconds: 60 }));
      if (can('presence.list')) await inspectErr('presence.list result', () => c.presence.list(roomId));
      if (can('presence.clear')) await inspectErr('presence.clear result', () => c.presence.clear(roomId, author));
      if (can('notifications.trigger')) await inspectErr('notifications.trigger result', () => c.notifications.trigger({ userId: author, kind: 'conformanceCheck', subjectId: ctx.id('subject'), roomId }));
      if (can('notifications.list')) {
        await inspectErr('notifications.list result', async () => {
          const started = Date.now();
          for (;;) {
            const page = await c.notifications.list(author, { limit: 20 });
            if (page.items.length > 0 || Date.now() - started > ctx.settleMs) return page;
            await sleep(100);
          }
        });
      }
      if (can('notifications.markRead')) await inspectErr('notifications.markRead missing', () => c.notifications.markRead(author, ctx.id('missing-notification')));
      if (can('notifications.delete')) await inspectErr('notifications.delete missing', () => c.notifications.delete(author, ctx.id('missing-notification')));
      if (can('events.broadcast')) await inspectErr('events.broadcast result', () => c.events.broadcast(roomId, { type: 'secret-hygiene' }));
      if (can('documents.list')) await inspectErr('documents.list result', () => c.documents.list(roomId));
      if (can('storage.get')) await inspectErr('storage.get result', () => c.storage.get(roomId));
      if (can('webhooks.verify')) await inspectErr('webhooks.verify garbage', () => c.webhooks.verify({ headers: {}, rawBody: '{}' }));
      if (can('auth.issueToken')) {
        await inspectErr('auth.issueToken invalid', () => c.auth.issueToken({ userId: '' }));
        await inspectErr('auth.issueToken result', () => c.auth.issueToken({ userId: author, rooms: { [roomId]: 'read' } }));
      }
      if (can('webhooks.subscriptions')) {
        await inspectErr('webhooks.subscriptions.list', () => c.webhooks.subscriptions.list());
        await inspectErr('webhooks.subscriptions.get missing', () => c.webhooks.subscriptions.get(ctx.id('missing-subscription')));
      }
      if (can('threads.delete')) await inspectErr('threads.delete missing', () => c.threads.delete(roomId, ctx.id('missing-thread')));
      for (const key of CAPABILITY_KEYS) {
        if (ctx.level(key) === 'no') {
          if (leaks(ctx.collab.capabilityNotes[key] ?? '', ctx.secrets).length > 0) found.push(`capability note of ${key} contains a secret`);
        }
      }
      assert.deepEqual(found, [], 'secrets leaked');
    },
  },
];
