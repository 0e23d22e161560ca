/**
 * The Liveblocks emulator refuses what the vendor would refuse: every request body schema is strict, so an
 * unknown or misspelt key (top level or nested: comment bodies, the thread's first comment, upsert parts…)
 * is a 422 UNPROCESSABLE_ENTITY `{ error, message, docs }` naming the key (vendors/liveblocks.md §2.1/§2.2),
 * and nothing is written. Table-driven over every route that takes a JSON body; a meta test checks that the
 * table covers every such route the emulator registers.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Router } from './http.js';
import { registerRoutes, type EmulatorContext } from './routes.js';
import { startLiveblocksEmulator, type LiveblocksEmulator } from './server.js';

let lb: LiveblocksEmulator;
const clock = new Date('2030-01-01T00:00:00.000Z');

async function api(method: string, path: string, body: unknown, auth = 'Bearer sk_localdev') {
  const res = await fetch(`${lb.url}${path}`, {
    method,
    headers: { Authorization: auth, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as any) };
}

const text = (s: string) => ({ version: 1, content: [{ type: 'paragraph', children: [{ text: s }] }] });
const bodyWith = (node: Record<string, unknown>) => ({ version: 1, content: [{ type: 'paragraph', children: [node] }] });

const MGMT = 'Bearer mt_localdev';
const HOOKS = '/v2/management/projects/localdev/webhooks';

interface Fixture {
  threadId: string;
  commentId: string;
  webhookId: string;
}

interface Row {
  name: string;
  method: 'POST';
  /** Route pattern as registered (`:roomId`, `:threadId`, `:commentId`, `:projectId`, `:webhookId`). */
  pattern: string;
  management?: boolean;
  /** A body the route accepts. */
  valid: Record<string, unknown>;
  /** The same body with one misspelt key. */
  typo: Record<string, unknown>;
  /** The key the 422 message must name. */
  key: string;
  /** The dotted location of the object holding it ('' at top level). */
  at: string;
}

const comment = { userId: 'alice', body: text('hello') };

const ROWS: Row[] = [
  // rooms
  { name: 'create room: metdata', method: 'POST', pattern: '/v2/rooms', valid: { id: 'new', defaultAccesses: [], metadata: { a: 'b' } }, typo: { id: 'new', defaultAccesses: [], metdata: { a: 'b' } }, key: 'metdata', at: '' },
  { name: 'create room: defaultAccess', method: 'POST', pattern: '/v2/rooms', valid: { id: 'new', defaultAccesses: ['room:write'] }, typo: { id: 'new', defaultAccesses: [], defaultAccess: ['room:write'] }, key: 'defaultAccess', at: '' },
  { name: 'update room: userAccesses', method: 'POST', pattern: '/v2/rooms/:roomId', valid: { usersAccesses: { bob: ['room:write'] } }, typo: { userAccesses: { bob: ['room:write'] } }, key: 'userAccesses', at: '' },
  { name: 'upsert room: nested update.metdata', method: 'POST', pattern: '/v2/rooms/:roomId/upsert', valid: { update: { metadata: { a: 'b' } } }, typo: { update: { metdata: { a: 'b' } } }, key: 'metdata', at: 'update' },
  { name: 'upsert room: nested create.defaultAccess', method: 'POST', pattern: '/v2/rooms/:roomId/upsert', valid: { update: {}, create: { defaultAccesses: [] } }, typo: { update: {}, create: { defaultAccesses: [], defaultAccess: [] } }, key: 'defaultAccess', at: 'create' },
  { name: 'upsert room: top-level typo', method: 'POST', pattern: '/v2/rooms/:roomId/upsert', valid: { update: {} }, typo: { update: {}, creat: { defaultAccesses: [] } }, key: 'creat', at: '' },
  // presence
  { name: 'set presence: tll', method: 'POST', pattern: '/v2/rooms/:roomId/presence', valid: { userId: 'alice', data: {}, ttl: 10 }, typo: { userId: 'alice', data: {}, tll: 10 }, key: 'tll', at: '' },
  // threads
  { name: 'create thread: metdata', method: 'POST', pattern: '/v2/rooms/:roomId/threads', valid: { comment, metadata: { a: 1 } }, typo: { comment, metdata: { a: 1 } }, key: 'metdata', at: '' },
  { name: 'create thread: nested comment.usrId', method: 'POST', pattern: '/v2/rooms/:roomId/threads', valid: { comment }, typo: { comment: { ...comment, usrId: 'alice' } }, key: 'usrId', at: 'comment' },
  { name: 'create thread: nested comment.id (not accepted on the first comment)', method: 'POST', pattern: '/v2/rooms/:roomId/threads', valid: { comment }, typo: { comment: { ...comment, id: 'cm_x' } }, key: 'id', at: 'comment' },
  { name: 'create thread: text run bolld', method: 'POST', pattern: '/v2/rooms/:roomId/threads', valid: { comment: { userId: 'alice', body: bodyWith({ text: 'x', bold: true }) } }, typo: { comment: { userId: 'alice', body: bodyWith({ text: 'x', bolld: true }) } }, key: 'bolld', at: 'comment.body.content.0.children.0' },
  { name: 'create thread: body verison', method: 'POST', pattern: '/v2/rooms/:roomId/threads', valid: { comment }, typo: { comment: { userId: 'alice', body: { ...text('x'), verison: 1 } } }, key: 'verison', at: 'comment.body' },
  { name: 'edit thread metadata: updatedAd', method: 'POST', pattern: '/v2/rooms/:roomId/threads/:threadId/metadata', valid: { userId: 'alice', metadata: { a: 1 }, updatedAt: clock.toISOString() }, typo: { userId: 'alice', metadata: { a: 1 }, updatedAd: clock.toISOString() }, key: 'updatedAd', at: '' },
  { name: 'mark as resolved: resolvedBy', method: 'POST', pattern: '/v2/rooms/:roomId/threads/:threadId/mark-as-resolved', valid: { userId: 'alice' }, typo: { userId: 'alice', resolvedBy: 'alice' }, key: 'resolvedBy', at: '' },
  { name: 'mark as unresolved: usrId', method: 'POST', pattern: '/v2/rooms/:roomId/threads/:threadId/mark-as-unresolved', valid: { userId: 'alice' }, typo: { userId: 'alice', usrId: 'alice' }, key: 'usrId', at: '' },
  { name: 'subscribe: usrId', method: 'POST', pattern: '/v2/rooms/:roomId/threads/:threadId/subscribe', valid: { userId: 'bob' }, typo: { userId: 'bob', usrId: 'bob' }, key: 'usrId', at: '' },
  { name: 'unsubscribe: usrId', method: 'POST', pattern: '/v2/rooms/:roomId/threads/:threadId/unsubscribe', valid: { userId: 'bob' }, typo: { userId: 'bob', usrId: 'bob' }, key: 'usrId', at: '' },
  // comments
  { name: 'create comment: attachmentId', method: 'POST', pattern: '/v2/rooms/:roomId/threads/:threadId/comments', valid: { ...comment, attachmentIds: [] }, typo: { ...comment, attachmentId: [] }, key: 'attachmentId', at: '' },
  { name: 'create comment: mention nme', method: 'POST', pattern: '/v2/rooms/:roomId/threads/:threadId/comments', valid: { userId: 'alice', body: bodyWith({ type: 'mention', kind: 'user', id: 'bob' }) }, typo: { userId: 'alice', body: bodyWith({ type: 'mention', kind: 'user', id: 'bob', nme: 'Bob' }) }, key: 'nme', at: 'body.content.0.children.0' },
  { name: 'create comment: group mention userIDs', method: 'POST', pattern: '/v2/rooms/:roomId/threads/:threadId/comments', valid: { userId: 'alice', body: bodyWith({ type: 'mention', kind: 'group', id: 'g', userIds: ['bob'] }) }, typo: { userId: 'alice', body: bodyWith({ type: 'mention', kind: 'group', id: 'g', userIDs: ['bob'] }) }, key: 'userIDs', at: 'body.content.0.children.0' },
  { name: 'create comment: link txt', method: 'POST', pattern: '/v2/rooms/:roomId/threads/:threadId/comments', valid: { userId: 'alice', body: bodyWith({ type: 'link', url: 'https://x.test', text: 'x' }) }, typo: { userId: 'alice', body: bodyWith({ type: 'link', url: 'https://x.test', txt: 'x' }) }, key: 'txt', at: 'body.content.0.children.0' },
  { name: 'create comment: paragraph childs', method: 'POST', pattern: '/v2/rooms/:roomId/threads/:threadId/comments', valid: comment, typo: { userId: 'alice', body: { version: 1, content: [{ type: 'paragraph', children: [{ text: 'x' }], childs: [] }] } }, key: 'childs', at: 'body.content.0' },
  { name: 'edit comment: editedOn', method: 'POST', pattern: '/v2/rooms/:roomId/threads/:threadId/comments/:commentId', valid: { body: text('edited'), editedAt: clock.toISOString() }, typo: { body: text('edited'), editedOn: clock.toISOString() }, key: 'editedOn', at: '' },
  { name: 'edit comment: body text run itallic', method: 'POST', pattern: '/v2/rooms/:roomId/threads/:threadId/comments/:commentId', valid: { body: bodyWith({ text: 'x', italic: true }) }, typo: { body: bodyWith({ text: 'x', itallic: true }) }, key: 'itallic', at: 'body.content.0.children.0' },
  { name: 'edit comment metadata: metdata', method: 'POST', pattern: '/v2/rooms/:roomId/threads/:threadId/comments/:commentId/metadata', valid: { userId: 'alice', metadata: { a: true } }, typo: { userId: 'alice', metadata: { a: true }, metdata: { a: true } }, key: 'metdata', at: '' },
  { name: 'add reaction: emojii', method: 'POST', pattern: '/v2/rooms/:roomId/threads/:threadId/comments/:commentId/add-reaction', valid: { userId: 'bob', emoji: '👍' }, typo: { userId: 'bob', emoji: '👍', emojii: '👍' }, key: 'emojii', at: '' },
  { name: 'remove reaction: removedOn', method: 'POST', pattern: '/v2/rooms/:roomId/threads/:threadId/comments/:commentId/remove-reaction', valid: { userId: 'alice', emoji: '🎉' }, typo: { userId: 'alice', emoji: '🎉', removedOn: clock.toISOString() }, key: 'removedOn', at: '' },
  // notifications
  { name: 'trigger: activityDate', method: 'POST', pattern: '/v2/inbox-notifications/trigger', valid: { userId: 'bob', kind: '$ping', subjectId: 's1', activityData: { n: 1 } }, typo: { userId: 'bob', kind: '$ping', subjectId: 's1', activityData: { n: 1 }, activityDate: { n: 1 } }, key: 'activityDate', at: '' },
  // management webhooks
  { name: 'create webhook: subscribedEvent', method: 'POST', pattern: '/v2/management/projects/:projectId/webhooks', management: true, valid: { url: 'https://example.com/a', subscribedEvents: ['threadCreated'] }, typo: { url: 'https://example.com/a', subscribedEvents: ['threadCreated'], subscribedEvent: ['threadCreated'] }, key: 'subscribedEvent', at: '' },
  { name: 'update webhook: disable', method: 'POST', pattern: '/v2/management/projects/:projectId/webhooks/:webhookId', management: true, valid: { disabled: true }, typo: { disable: true }, key: 'disable', at: '' },
];

/** Routes whose JSON body is free-form by definition, so there is no key to misspell. */
const OPEN_BODY = new Set([
  // "any JSON" event payload ([NODE] broadcastEvent, §4.2).
  'POST /v2/rooms/:roomId/broadcast-event',
  'POST /v2/rooms/:roomId/broadcast_event',
]);

beforeAll(async () => {
  lb = await startLiveblocksEmulator({ now: () => clock });
});

afterAll(async () => {
  await lb.close();
});

let fx: Fixture;
beforeEach(async () => {
  lb.reset();
  expect((await api('POST', '/v2/rooms', { id: 'r1', defaultAccesses: ['room:write'] })).status).toBe(200);
  const thread = await api('POST', '/v2/rooms/r1/threads', { comment });
  expect(thread.status).toBe(200);
  const commentId = thread.body.comments[0].id as string;
  const reaction = await api('POST', `/v2/rooms/r1/threads/${thread.body.id}/comments/${commentId}/add-reaction`, { userId: 'alice', emoji: '🎉' });
  expect(reaction.status).toBe(200);
  const hook = await api('POST', HOOKS, { url: 'https://example.com/hook', subscribedEvents: ['roomCreated'] }, MGMT);
  expect(hook.status).toBe(200);
  fx = { threadId: thread.body.id, commentId, webhookId: hook.body.webhook.id };
});

const pathOf = (pattern: string) =>
  pattern
    .replace(':roomId', 'r1')
    .replace(':threadId', fx.threadId)
    .replace(':commentId', fx.commentId)
    .replace(':projectId', 'localdev')
    .replace(':webhookId', fx.webhookId);

/** What a refused request must leave untouched. */
const snapshot = () =>
  JSON.stringify({
    rooms: [...lb.state.rooms.values()],
    threads: [...lb.state.threads].map(([r, m]) => [r, [...m.values()].map((t) => ({ ...t, subscriptions: [...t.subscriptions] }))]),
    notifications: [...lb.state.inboxNotifications],
    presence: [...lb.state.presence].map(([r, m]) => [r, [...m]]),
    webhooks: [...lb.state.webhooks.values()],
  });

describe('every JSON route refuses a misspelt key with the vendor 422 shape', () => {
  it.each(ROWS)('$name ($pattern)', async (row) => {
    const auth = row.management ? MGMT : 'Bearer sk_localdev';
    const before = snapshot();
    const refused = await api(row.method, pathOf(row.pattern), row.typo, auth);
    expect(refused.status).toBe(422);
    const where = row.at === '' ? '' : `Value at key '${row.at}': `;
    expect(refused.body).toEqual({
      error: 'UNPROCESSABLE_ENTITY',
      message: `${where}Unexpected extra keys: '${row.key}'.`,
      docs: 'https://liveblocks.io/docs/api-reference/rest-api-endpoints',
    });
    expect(snapshot()).toBe(before);
    // The same body without the typo is accepted: the key, not the rest of the body, was the problem.
    const accepted = await api(row.method, pathOf(row.pattern), row.valid, auth);
    expect(accepted.status, JSON.stringify(accepted.body)).toBeGreaterThanOrEqual(200);
    expect(accepted.status).toBeLessThan(300);
  });

  it('POST /v2/rooms with metdata does not store a room with empty metadata (the issue-15 case)', async () => {
    const res = await api('POST', '/v2/rooms', { id: 'typo', defaultAccesses: [], metdata: { color: 'blue' } });
    expect(res.status).toBe(422);
    expect(lb.state.room('typo')).toBeUndefined();
  });

  it('lists several extra keys at once', async () => {
    const res = await api('POST', '/v2/rooms/r1/threads', { comment, metdata: {}, visibilty: 'public' });
    expect(res.status).toBe(422);
    expect(res.body.message).toBe("Unexpected extra keys: 'metdata', 'visibilty'.");
  });

  it('an inline node of unknown type is refused naming its `type`', async () => {
    const res = await api('POST', `/v2/rooms/r1/threads/${fx.threadId}/comments`, { userId: 'alice', body: bodyWith({ type: 'emoji', text: 'x' }) });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('UNPROCESSABLE_ENTITY');
    expect(res.body.message).toContain("'body.content.0.children.0.type'");
  });

  it('free-form payloads stay open: broadcast events, presence data/userInfo, metadata and activityData keys', async () => {
    expect((await api('POST', '/v2/rooms/r1/broadcast-event', { anything: { goes: [1] } })).status).toBe(204);
    expect((await api('POST', '/v2/rooms/r1/presence', { userId: 'a', data: { cursor: { x: 1 } }, userInfo: { nickname: 'A' } })).status).toBe(204);
    expect((await api('POST', '/v2/rooms/r1', { metadata: { anyKey: 'v' }, usersAccesses: { anyone: ['room:read'] } })).status).toBe(200);
  });

  it('covers every route the emulator registers with a JSON body', () => {
    const router = new Router();
    registerRoutes(router, { state: {} } as unknown as EmulatorContext);
    const jsonRoutes = router
      .list()
      .filter((r) => r.body === 'json')
      .map((r) => `${r.method} ${r.pattern}`);
    const covered = new Set([...ROWS.map((r) => `${r.method} ${r.pattern}`), ...OPEN_BODY]);
    expect(jsonRoutes.filter((r) => !covered.has(r))).toEqual([]);
    // and the table names only real routes
    expect([...covered].filter((r) => !jsonRoutes.includes(r))).toEqual([]);
  });
});
