/**
 * Tests of the Kabelwerk emulator (test/adapters/kabelwerk/emulator/server.ts): the REST API over raw
 * `fetch`, the Phoenix protocol with the `phoenix` npm client, and the official `kabelwerk` JS client.
 * Expected literals come from shared/vendors/kabelwerk.md (cited as §N) and the sdk-python fixtures.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { Socket, type Channel } from 'phoenix';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { messageHtml, messageText } from './markup.js';
import { startKabelwerkEmulator, type KabelwerkEmulator } from './server.js';

const API_TOKEN = 'kw_test_api_token';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });

const START_MS = Date.UTC(2026, 0, 1, 12, 0, 0);
let nowMs = START_MS;
const now = () => new Date(nowMs);
const tick = (ms = 1000) => {
  nowMs += ms;
};
const nowSec = () => Math.floor(nowMs / 1000);

async function mint(sub: string, opts: { exp?: number | null; key?: KeyObject } = {}): Promise<string> {
  const jwt = new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setSubject(sub).setIssuedAt(nowSec());
  if (opts.exp !== null) jwt.setExpirationTime(opts.exp ?? nowSec() + 3600);
  return jwt.sign(opts.key ?? privateKey);
}

/** Wire payloads as the tests read them. */
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

let kw: KabelwerkEmulator;
const cleanups: Array<() => void | Promise<void>> = [];

beforeEach(async () => {
  nowMs = START_MS;
  kw = await startKabelwerkEmulator({
    apiToken: API_TOKEN,
    publicKey: publicPem,
    hubs: [{ slug: 'section9', name: 'Section 9' }, { slug: 'public' }],
    now,
  });
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  expect(kw.crashes).toEqual([]);
  await kw.close();
});

// ------------------------------------------------------------------ helpers

interface Answer {
  status: number;
  body: Json;
  text: string;
  headers: Headers;
}

const JSON_HEADERS = { Accept: 'application/json', 'Content-Type': 'application/json', 'Kabelwerk-Token': API_TOKEN };

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = JSON_HEADERS): Promise<Answer> {
  const res = await fetch(`${kw.url}/api${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* keep text */
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

async function createUser(key: string, name: string, hub: string | null = null) {
  const a = await api('POST', '/users', { hub, key, name });
  expect(a.status, a.text).toBe(201);
  return a.body as { id: number; key: string; name: string };
}

async function waitFor(cond: () => boolean, what = 'condition', ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

type PhxReply = { status: string; response: Json };

async function phxConnect(token: string, path = '/socket/user'): Promise<Socket> {
  const socket = new Socket(`${kw.url.replace('http', 'ws')}${path}`, {
    transport: WebSocket as never,
    params: { token },
    reconnectAfterMs: () => 50,
  });
  cleanups.push(() => socket.disconnect());
  await new Promise<void>((resolve, reject) => {
    socket.onOpen(() => resolve());
    socket.onError((e: unknown) => reject(new Error(`socket error ${String(e)}`)));
    socket.connect();
  });
  return socket;
}

function join(ch: Channel): Promise<PhxReply> {
  return new Promise((resolve) => {
    ch.join(1000)
      .receive('ok', (response) => resolve({ status: 'ok', response }))
      .receive('error', (response) => resolve({ status: 'error', response }))
      .receive('timeout', () => resolve({ status: 'timeout', response: null }));
  });
}

function push(ch: Channel, event: string, payload: object = {}, timeout = 1000): Promise<PhxReply> {
  return new Promise((resolve) => {
    ch.push(event, payload, timeout)
      .receive('ok', (response) => resolve({ status: 'ok', response }))
      .receive('error', (response) => resolve({ status: 'error', response }))
      .receive('timeout', () => resolve({ status: 'timeout', response: null }));
  });
}

function collect(ch: Channel, event: string): Json[] {
  const list: unknown[] = [];
  ch.on(event, (p) => {
    list.push(p);
  });
  return list as Json[];
}

/** Connects `sub`, joins `private`, returns the socket, the channel and the join reply. */
async function phxUser(sub: string, ensureRooms?: string[] | 'all') {
  const socket = await phxConnect(await mint(sub));
  const priv = socket.channel('private', ensureRooms ? { ensure_rooms: ensureRooms } : {});
  const reply = await join(priv);
  return { socket, priv, reply };
}

/** Raw upgrade attempt; resolves the HTTP status (101 on success). */
function upgradeStatus(query: string, path = '/socket/user/websocket'): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${kw.url.replace('http', 'ws')}${path}?${query}`);
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', () => undefined);
  });
}

// ------------------------------------------------------------------ markup

describe('markup (§2.5)', () => {
  it.each([
    ['And where does the newborn go from here?', '<p>And where does the newborn go from here?</p>'],
    ['*single asterisks*', '<p><em>single asterisks</em></p>'],
    ['_single underscores_', '<p><em>single underscores</em></p>'],
    ['**double asterisks**', '<p><strong>double asterisks</strong></p>'],
    ['__double underscores__', '<p><strong>double underscores</strong></p>'],
    ['[link](https://kabelwerk.io)', '<p><a href="https://kabelwerk.io" target="_blank">link</a></p>'],
    ['https://kabelwerk.io', '<p><a href="https://kabelwerk.io" target="_blank">https://kabelwerk.io</a></p>'],
    ['see https://kabelwerk.io.', '<p>see <a href="https://kabelwerk.io" target="_blank">https://kabelwerk.io</a>.</p>'],
    ['a\nb\n\nc', '<p>a<br>b</p><p>c</p>'],
    ['<b>&"\'</b>', '<p>&lt;b&gt;&amp;&quot;&#39;&lt;/b&gt;</p>'],
    ['snake_case_word and 2 * 3 * 4', '<p>snake_case_word and 2 * 3 * 4</p>'],
    ['https://x.io/?a=1&b=<2>', '<p><a href="https://x.io/?a=1&amp;b=" target="_blank">https://x.io/?a=1&amp;b=</a>&lt;2&gt;</p>'],
  ])('%j -> html', (input, html) => {
    expect(messageHtml(input)).toBe(html);
  });

  it('text is the input with HTML entities escaped (docs/messages.md)', () => {
    expect(messageText('a <b> & c')).toBe('a &lt;b&gt; &amp; c');
    expect(messageText('*kept*')).toBe('*kept*');
  });
});

// ------------------------------------------------------------------ REST

describe('REST: transport and auth (§1.2, §1.4, §6.1)', () => {
  it('401 without or with a wrong Kabelwerk-Token, with an empty body', async () => {
    const missing = await api('POST', '/users', { hub: null, key: 'k', name: 'n' }, { 'Content-Type': 'application/json' });
    expect(missing.status).toBe(401);
    expect(missing.text).toBe('');
    const wrong = await api('POST', '/users', { hub: null, key: 'k', name: 'n' }, { ...JSON_HEADERS, 'Kabelwerk-Token': 'nope' });
    expect(wrong.status).toBe(401);
    const bearer = await api('POST', '/users', { hub: null, key: 'k', name: 'n' }, {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${API_TOKEN}`,
    });
    expect(bearer.status).toBe(401);
    expect(kw.state.user('k')).toBeUndefined();
  });

  it('unknown routes 404 and wrong methods 405, before auth', async () => {
    const unknown = await api('GET', '/rooms', undefined, {});
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ errors: { detail: 'Not Found' } });
    expect((await api('GET', '/users/x/extra')).status).toBe(404);
    const wrong = await api('GET', '/users', undefined, {});
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect((await api('POST', '/users/kusanagi')).status).toBe(405);
    expect((await api('GET', '/hubs/_/rooms/kusanagi')).status).toBe(405);
    const root = await fetch(`${kw.url}/nothing`);
    expect(root.status).toBe(404);
  });

  it('rejects malformed JSON and non-object bodies with 400 {errors}', async () => {
    const bad = await api('POST', '/users', '{"key":');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ errors: { body: ['is not valid JSON'] } });
    const arr = await api('POST', '/users', [1, 2]);
    expect(arr.status).toBe(400);
    expect(arr.body).toEqual({ errors: { body: ['must be a JSON object'] } });
    expect((await api('POST', '/users', 'null')).status).toBe(400);
  });

  it('a body sent without a JSON content type is not parsed (Plug.Parsers), so required fields are blank', async () => {
    const a = await api('POST', '/users', JSON.stringify({ key: 'k', name: 'n' }), { 'Kabelwerk-Token': API_TOKEN, 'Content-Type': 'text/plain' });
    expect(a.status).toBe(400);
    expect(a.body).toEqual({ errors: { key: ["can't be blank"], name: ["can't be blank"] } });
  });

  it('records every request with the token redacted', async () => {
    await createUser('kusanagi', 'Motoko');
    await api('PATCH', '/users/ghost', { name: 'x' });
    expect(kw.requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ['POST', '/api/users', 201],
      ['PATCH', '/api/users/ghost', 404],
    ]);
    const first = kw.requests[0]!;
    expect(first.headers['kabelwerk-token']).toBe('REDACTED');
    expect(first.body).toEqual({ hub: null, key: 'kusanagi', name: 'Motoko' });
    expect(JSON.stringify(kw.requests)).not.toContain(API_TOKEN);
  });

  it('failNext answers the next matching request with the given status, body and headers, once', async () => {
    kw.failNext({ method: 'POST', path: '/api/users', status: 503, body: { errors: { detail: 'down' } }, headers: { 'retry-after': '2' } });
    const a = await api('POST', '/users', { hub: null, key: 'k', name: 'n' });
    expect(a.status).toBe(503);
    expect(a.body).toEqual({ errors: { detail: 'down' } });
    expect(a.headers.get('retry-after')).toBe('2');
    expect(kw.state.user('k')).toBeUndefined();
    expect((await api('POST', '/users', { hub: null, key: 'k', name: 'n' })).status).toBe(201);
  });

  it('failNext with a path prefix, several times, a delay, and a connection reset', async () => {
    kw.failNext({ path: '/api/hubs/*', status: 500, times: 2 });
    expect((await api('PATCH', '/hubs/_/rooms/x', {})).status).toBe(500);
    expect((await api('POST', '/hubs/_/rooms/x/messages', {})).status).toBe(500);
    expect((await api('PATCH', '/hubs/_/rooms/x', {})).status).toBe(404);
    kw.failNext({ kind: 'reset' });
    await expect(api('POST', '/users', {})).rejects.toThrow();
    kw.failNext({ status: 200, body: { id: 1, key: 'k', name: 'n' }, delayMs: 150 });
    const t0 = Date.now();
    expect((await api('POST', '/users', {})).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });
});

describe('REST: users (§1.5.1-§1.5.3)', () => {
  it('create_user: 201 {id, key, name} for an end user and a hub user; ids increase', async () => {
    const a = await api('POST', '/users', { hub: null, key: 'kusanagi', name: 'Motoko' });
    expect(a.status).toBe(201);
    expect(a.body).toEqual({ id: 1, key: 'kusanagi', name: 'Motoko' });
    const b = await api('POST', '/users', { hub: 'section9', key: 'batou', name: 'Batou' });
    expect(b.body).toEqual({ id: 2, key: 'batou', name: 'Batou' });
    expect(kw.state.user('kusanagi')).toMatchObject({ hubId: null });
    expect(kw.state.user('batou')).toMatchObject({ hubId: kw.state.hub('section9')!.id });
    // `hub` may also be left out for an end user.
    expect((await api('POST', '/users', { key: 'togusa', name: 'Togusa' })).status).toBe(201);
  });

  it('create_user: 400 on blank/missing/mistyped fields, unknown hub, duplicate key', async () => {
    expect((await api('POST', '/users', {})).body).toEqual({ errors: { key: ["can't be blank"], name: ["can't be blank"] } });
    expect((await api('POST', '/users', { key: '  ', name: 'x' })).body).toEqual({ errors: { key: ["can't be blank"] } });
    expect((await api('POST', '/users', { key: 7, name: 'x' })).body).toEqual({ errors: { key: ['is invalid'] } });
    const hub = await api('POST', '/users', { hub: 'nowhere', key: 'k', name: 'x' });
    expect(hub.status).toBe(400);
    expect(hub.body).toEqual({ errors: { hub: ['does not exist'] } });
    await createUser('kusanagi', 'Motoko');
    const dup = await api('POST', '/users', { hub: 'section9', key: 'kusanagi', name: 'Other' });
    expect(dup.status).toBe(400);
    expect(dup.body).toEqual({ errors: { key: ['has already been taken'] } });
    expect(kw.state.users.size).toBe(1);
  });

  it('update_user: 200 with the new name, 404 unknown, 400 blank name', async () => {
    await createUser('kusanagi', 'Major');
    const a = await api('PATCH', '/users/kusanagi', { name: 'Motoko' });
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ id: 1, key: 'kusanagi', name: 'Motoko' });
    expect((await api('PATCH', '/users/nobody', { name: 'x' })).status).toBe(404);
    const blank = await api('PATCH', '/users/kusanagi', { name: '' });
    expect(blank.status).toBe(400);
    expect(blank.body).toEqual({ errors: { name: ["can't be blank"] } });
    expect(kw.state.user('kusanagi')!.name).toBe('Motoko');
  });

  it('update_user percent-decodes the key in the path', async () => {
    await createUser('a b/c', 'Odd');
    expect((await api('PATCH', `/users/${encodeURIComponent('a b/c')}`, { name: 'Even' })).status).toBe(200);
    expect(kw.state.user('a b/c')!.name).toBe('Even');
  });

  it('delete_user: 204 with no body, then 404; an end user takes their rooms along', async () => {
    await createUser('kusanagi', 'Motoko');
    const room = kw.createRoom('section9', 'kusanagi');
    const a = await api('DELETE', '/users/kusanagi');
    expect(a.status).toBe(204);
    expect(a.text).toBe('');
    expect((await api('DELETE', '/users/kusanagi')).status).toBe(404);
    expect(kw.state.roomById(room.id)).toBeUndefined();
  });

  it('delete_user of a hub user unassigns their rooms; their messages stay with user null', async () => {
    await createUser('kusanagi', 'Motoko');
    await createUser('batou', 'Batou', 'section9');
    kw.createRoom('section9', 'kusanagi');
    await api('PATCH', '/hubs/section9/rooms/kusanagi', { hub_user: 'batou' });
    await api('POST', '/hubs/section9/rooms/kusanagi/messages', { text: 'bye', user: 'batou' });
    expect((await api('DELETE', '/users/batou')).status).toBe(204);
    expect(kw.state.room('section9', 'kusanagi')!.hubUserId).toBeNull();
    expect(kw.state.messages(1)).toHaveLength(1);
    const { socket } = await phxUser('kusanagi');
    const joined = await join(socket.channel('room:1'));
    expect(joined.response.messages[0]).toMatchObject({ text: 'bye', user: null });
  });
});

describe('REST: rooms and messages (§1.5.4, §1.5.5)', () => {
  beforeEach(async () => {
    await createUser('kusanagi', 'Motoko');
    await createUser('batou', 'Batou', 'section9');
    await createUser('ishikawa', 'Ishikawa', 'public');
    kw.createRoom('section9', 'kusanagi');
  });

  it('update_room: attributes replace, the RestRoom shape of the fixture', async () => {
    await api('PATCH', '/hubs/section9/rooms/kusanagi', { attributes: { a: 1, b: 2 } });
    const a = await api('PATCH', '/hubs/section9/rooms/kusanagi', { attributes: { seven: 7 } });
    expect(a.status).toBe(200);
    expect(a.body).toEqual({
      archived: false,
      attributes: { seven: 7 },
      hub_user: null,
      id: 1,
      user: { id: 1, key: 'kusanagi', name: 'Motoko' },
    });
  });

  it('update_room: `_` is the default (first) hub; archived; hub_user by key and null', async () => {
    const arch = await api('PATCH', '/hubs/_/rooms/kusanagi', { archived: true });
    expect(arch.body).toMatchObject({ archived: true, attributes: {}, hub_user: null, id: 1 });
    const assign = await api('PATCH', '/hubs/_/rooms/kusanagi', { hub_user: 'batou' });
    expect(assign.body.hub_user).toEqual({ id: 2, key: 'batou', name: 'Batou' });
    expect(assign.body.archived).toBe(true);
    const unassign = await api('PATCH', '/hubs/_/rooms/kusanagi', { hub_user: null, archived: false });
    expect(unassign.body).toMatchObject({ archived: false, hub_user: null });
    expect((await api('PATCH', '/hubs/_/rooms/kusanagi', {})).status).toBe(200);
  });

  it('update_room: 404 for an unknown hub, user, missing room, or a hub user as room', async () => {
    expect((await api('PATCH', '/hubs/nowhere/rooms/kusanagi', { archived: true })).status).toBe(404);
    expect((await api('PATCH', '/hubs/section9/rooms/nobody', { archived: true })).status).toBe(404);
    expect((await api('PATCH', '/hubs/public/rooms/kusanagi', { archived: true })).status).toBe(404);
    const hubUserAsRoom = await api('PATCH', '/hubs/section9/rooms/batou', { archived: true });
    expect(hubUserAsRoom.status).toBe(404);
    expect(hubUserAsRoom.body).toEqual({ errors: { detail: 'Not Found' } });
  });

  it('update_room: 400 for an unknown or foreign hub_user and mistyped fields; nothing changes', async () => {
    expect((await api('PATCH', '/hubs/section9/rooms/kusanagi', { hub_user: 'nobody' })).body).toEqual({ errors: { hub_user: ['does not exist'] } });
    expect((await api('PATCH', '/hubs/section9/rooms/kusanagi', { hub_user: 'ishikawa' })).body).toEqual({ errors: { hub_user: ['does not exist'] } });
    expect((await api('PATCH', '/hubs/section9/rooms/kusanagi', { hub_user: 'kusanagi' })).status).toBe(400);
    const bad = await api('PATCH', '/hubs/section9/rooms/kusanagi', { archived: 'yes', attributes: [] });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ errors: { archived: ['is invalid'], attributes: ['is invalid'] } });
    expect(kw.state.room('section9', 'kusanagi')).toMatchObject({ archived: false, attributes: {}, hubUserId: null });
  });

  it('post_message: 201 Message with upload null and second-precision timestamps', async () => {
    nowMs = Date.UTC(2023, 6, 22, 9, 46, 57, 345);
    const a = await api('POST', '/hubs/section9/rooms/kusanagi/messages', { text: 'And where does the newborn go from here?', user: 'batou' });
    expect(a.status).toBe(201);
    expect(a.body).toEqual({
      html: '<p>And where does the newborn go from here?</p>',
      id: 1,
      inserted_at: '2023-07-22T09:46:57Z',
      room_id: 1,
      text: 'And where does the newborn go from here?',
      type: 'text',
      updated_at: '2023-07-22T09:46:57Z',
      upload: null,
      user: { id: 2, key: 'batou', name: 'Batou' },
    });
    const b = await api('POST', '/hubs/_/rooms/kusanagi/messages', { text: 'me <too>', user: 'kusanagi' });
    expect(b.body).toMatchObject({ id: 2, text: 'me &lt;too&gt;', html: '<p>me &lt;too&gt;</p>', user: { key: 'kusanagi' } });
    expect(kw.state.messages(1).map((m) => m.input)).toEqual(['And where does the newborn go from here?', 'me <too>']);
    // Posting moves the author's marker (§6.2).
    expect(kw.state.marker(1, 2)).toMatchObject({ messageId: 1 });
    expect(kw.state.marker(1, 1)).toMatchObject({ messageId: 2 });
  });

  it('post_message: 400 on blank text, unknown/absent/foreign user; 404 without a room', async () => {
    const path = '/hubs/section9/rooms/kusanagi/messages';
    expect((await api('POST', path, { text: '', user: 'batou' })).body).toEqual({ errors: { text: ["can't be blank"] } });
    expect((await api('POST', path, { text: 'x', user: 'nobody' })).body).toEqual({ errors: { user: ['does not exist'] } });
    expect((await api('POST', path, { text: 'x' })).body).toEqual({ errors: { user: ["can't be blank"] } });
    expect((await api('POST', path, { text: 'x', user: 'ishikawa' })).body).toEqual({ errors: { user: ['is not a participant of this room'] } });
    expect((await api('POST', '/hubs/public/rooms/kusanagi/messages', { text: 'x', user: 'ishikawa' })).status).toBe(404);
    expect(kw.state.messages(1)).toEqual([]);
  });
});

// ------------------------------------------------------------------ Phoenix protocol

describe('socket: upgrade and auth (§2.1)', () => {
  it('accepts a valid RS256 token with vsn 2.0.0, on /socket/user and /socket/hub', async () => {
    const token = await mint('kusanagi');
    expect(await upgradeStatus(`token=${token}&agent=test&vsn=2.0.0`)).toBe(101);
    expect(await upgradeStatus(`token=${token}&vsn=2.0.0`, '/socket/hub/websocket')).toBe(101);
    // Unknown sub: an end user named after the key is created.
    expect(kw.state.user('kusanagi')).toMatchObject({ name: 'kusanagi', hubId: null });
  });

  it('rejects the upgrade with 403 for bad, missing, expired, exp-less or foreign-key tokens and other vsn', async () => {
    expect(await upgradeStatus('vsn=2.0.0')).toBe(403);
    expect(await upgradeStatus('token=garbage&vsn=2.0.0')).toBe(403);
    expect(await upgradeStatus(`token=${await mint('k', { exp: nowSec() - 5 })}&vsn=2.0.0`)).toBe(403);
    expect(await upgradeStatus(`token=${await mint('k', { exp: null })}&vsn=2.0.0`)).toBe(403);
    expect(await upgradeStatus(`token=${await mint('k', { key: other.privateKey })}&vsn=2.0.0`)).toBe(403);
    const hs = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('k').setExpirationTime(nowSec() + 60).sign(new TextEncoder().encode('x'.repeat(32)));
    expect(await upgradeStatus(`token=${hs}&vsn=2.0.0`)).toBe(403);
    const good = await mint('k');
    expect(await upgradeStatus(`token=${good}&vsn=1.0.0`)).toBe(403);
    expect(await upgradeStatus(`token=${good}`)).toBe(403);
    expect(await upgradeStatus(`token=${good}&vsn=2.0.0`, '/socket/other/websocket')).toBe(404);
    expect(kw.state.user('k')).toBeUndefined();
  });

  it('a KeyObject public key works too, and exp is checked against the injected clock', async () => {
    const kw2 = await startKabelwerkEmulator({ apiToken: API_TOKEN, publicKey, now });
    cleanups.push(() => kw2.close());
    const token = await mint('k', { exp: nowSec() + 10 });
    const status = (q: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`${kw2.url.replace('http', 'ws')}/socket/user/websocket?${q}`);
        ws.on('open', () => (ws.close(), resolve(101)));
        ws.on('unexpected-response', (_r, res) => (ws.terminate(), resolve(res.statusCode ?? 0)));
        ws.on('error', () => undefined);
      });
    expect(await status(`token=${token}&vsn=2.0.0`)).toBe(101);
    tick(11_000);
    expect(await status(`token=${token}&vsn=2.0.0`)).toBe(403);
    expect(kw2.state.defaultHub()).toEqual({ id: 1, slug: 'main', name: 'Main' });
  });

  it('the socket endpoint without an upgrade is a 400, and its token is not recorded', async () => {
    const token = await mint('kusanagi');
    expect((await fetch(`${kw.url}/socket/user/websocket?token=${token}&vsn=2.0.0`)).status).toBe(400);
    expect(kw.requests[0]!.query).toEqual({ token: 'REDACTED', vsn: '2.0.0' });
    expect(JSON.stringify(kw.requests)).not.toContain(token);
  });
});

describe('socket: Phoenix v2 protocol (§2.2) with the phoenix client', () => {
  it('private join replies {room_ids, user: OwnUser}; heartbeat is answered', async () => {
    const { socket, reply } = await phxUser('kusanagi');
    expect(reply).toEqual({
      status: 'ok',
      response: {
        room_ids: [],
        user: { id: 1, key: 'kusanagi', name: 'kusanagi', hub_id: null, inserted_at: '2026-01-01T12:00:00Z', updated_at: '2026-01-01T12:00:00Z' },
      },
    });
    const rtt = await new Promise<number>((resolve) => socket.ping(resolve));
    expect(rtt).toBeGreaterThanOrEqual(0);
    expect(kw.connections()).toEqual([{ id: 1, userId: 1, key: 'kusanagi', agent: null, endpoint: '/socket/user', topics: ['private'] }]);
  });

  it('raw frames: reply shape, unmatched topic, leave -> ok + phx_close, heartbeat', async () => {
    const token = await mint('kusanagi');
    const ws = new WebSocket(`${kw.url.replace('http', 'ws')}/socket/user/websocket?token=${token}&vsn=2.0.0`);
    cleanups.push(() => ws.terminate());
    const frames: unknown[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
    await new Promise((r) => ws.on('open', r));
    ws.send(JSON.stringify([null, '1', 'phoenix', 'heartbeat', {}]));
    ws.send(JSON.stringify(['2', '3', 'user_inbox:1', 'list_rooms', {}]));
    ws.send(JSON.stringify(['4', '4', 'user_inbox:1', 'phx_join', {}]));
    ws.send(JSON.stringify(['4', '5', 'user_inbox:1', 'phx_leave', {}]));
    ws.send(JSON.stringify(['6', '6', 'nothing:1', 'phx_join', {}]));
    await waitFor(() => frames.length >= 6, 'frames');
    expect(frames).toEqual([
      [null, '1', 'phoenix', 'phx_reply', { status: 'ok', response: {} }],
      ['2', '3', 'user_inbox:1', 'phx_reply', { status: 'error', response: { reason: 'unmatched topic' } }],
      ['4', '4', 'user_inbox:1', 'phx_reply', { status: 'ok', response: {} }],
      ['4', '5', 'user_inbox:1', 'phx_reply', { status: 'ok', response: {} }],
      ['4', '4', 'user_inbox:1', 'phx_close', {}],
      ['6', '6', 'nothing:1', 'phx_reply', { status: 'error', response: { reason: 'unmatched topic' } }],
    ]);
    // An undecodable frame takes the socket down, as Phoenix's serializer would.
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.send('not json');
    expect(await closed).toBe(1011);
  });

  it('unauthorized joins reply {reason: "Unauthorized."}', async () => {
    await createUser('batou', 'Batou', 'section9');
    const a = await phxUser('kusanagi');
    const b = await phxUser('togusa');
    const room = kw.createRoom('section9', 'kusanagi');
    const asOther = await join(b.socket.channel(`room:${room.id}`));
    expect(asOther).toEqual({ status: 'error', response: { reason: 'Unauthorized.' } });
    expect((await join(b.socket.channel('user_inbox:1'))).response).toEqual({ reason: 'Unauthorized.' });
    expect((await join(b.socket.channel('notifier:1'))).response).toEqual({ reason: 'Unauthorized.' });
    expect((await join(a.socket.channel('hub_inbox:1'))).status).toBe('error');
    expect((await join(a.socket.channel('room:999'))).status).toBe('error');
    expect((await join(a.socket.channel('room:abc'))).status).toBe('error');
    expect((await join(a.socket.channel(`room:${room.id}`))).status).toBe('ok');
    const hub = await phxUser('batou');
    expect((await join(hub.socket.channel('user_inbox:3'))).status).toBe('error');
    expect((await join(hub.socket.channel('hub_inbox:2'))).status).toBe('error');
    expect((await join(hub.socket.channel('hub_inbox:1'))).status).toBe('ok');
    expect((await join(hub.socket.channel(`room:${room.id}`))).status).toBe('ok');
  });

  it('ensure_rooms creates the rooms (list or "all"); an unknown slug fails the join', async () => {
    const bad = await phxUser('kusanagi', ['section9', 'nowhere']);
    expect(bad.reply).toEqual({ status: 'error', response: { reason: 'Could not ensure the requested rooms.' } });
    expect(kw.state.rooms.size).toBe(0);
    const one = await phxUser('togusa', ['section9']);
    expect(one.reply.response.room_ids).toEqual([1]);
    const all = await phxUser('aramaki', 'all');
    expect(all.reply.response.room_ids).toEqual([2, 3]);
    const again = await phxUser('aramaki', 'all');
    expect(again.reply.response.room_ids).toEqual([2, 3]);
  });

  it('private pushes: update_user (+ user_updated), update_device, create_room, get_hub, unknown event', async () => {
    const { priv } = await phxUser('kusanagi');
    const updated = collect(priv, 'user_updated');
    tick();
    const u = await push(priv, 'update_user', { name: 'Motoko' });
    expect(u.response).toMatchObject({ id: 1, key: 'kusanagi', name: 'Motoko', hub_id: null, updated_at: '2026-01-01T12:00:01Z' });
    await waitFor(() => updated.length === 1, 'user_updated');
    expect(updated[0].name).toBe('Motoko');
    expect((await push(priv, 'update_user', { name: ' ' })).status).toBe('error');

    const d = await push(priv, 'update_device', { push_notifications_token: 'fcm-1', push_notifications_enabled: true });
    expect(d.response).toEqual({
      id: 1,
      inserted_at: '2026-01-01T12:00:01Z',
      push_notifications_enabled: true,
      push_notifications_token: 'fcm-1',
      updated_at: '2026-01-01T12:00:01Z',
    });
    expect((await push(priv, 'update_device', { push_notifications_token: 'fcm-1' })).status).toBe('error');

    const c = await push(priv, 'create_room', { hub: 'section9' });
    expect(c).toEqual({ status: 'ok', response: { id: 1, hub_id: 1, user_id: 1 } });
    expect((await push(priv, 'create_room', { hub: 1 })).status).toBe('error');
    expect((await push(priv, 'create_room', { hub: 2 })).response).toMatchObject({ id: 2, hub_id: 2 });
    expect((await push(priv, 'create_room', { hub: 'nowhere' })).status).toBe('error');
    expect((await push(priv, 'get_hub', {})).status).toBe('error');
    expect(await push(priv, 'frobnicate', {})).toEqual({ status: 'error', response: { reason: 'Unknown event: frobnicate.' } });

    await createUser('batou', 'Batou', 'section9');
    await createUser('saito', 'Saito', 'section9');
    const hub = await phxUser('batou');
    expect(hub.reply.response.user).toMatchObject({ key: 'batou', hub_id: 1 });
    expect(hub.reply.response.room_ids).toEqual([1]);
    expect((await push(hub.priv, 'get_hub', {})).response).toEqual({
      id: 1,
      name: 'Section 9',
      users: [
        { id: 2, key: 'batou', name: 'Batou' },
        { id: 3, key: 'saito', name: 'Saito' },
      ],
    });
    expect((await push(hub.priv, 'create_room', { hub: 1 })).status).toBe('error');
  });

  it('REST update_user pushes user_updated to the user’s private channel', async () => {
    const { priv } = await phxUser('kusanagi');
    const updated = collect(priv, 'user_updated');
    await api('PATCH', '/users/kusanagi', { name: 'Motoko' });
    await waitFor(() => updated.length === 1, 'user_updated');
    expect(updated[0]).toMatchObject({ key: 'kusanagi', name: 'Motoko' });
  });

  it('room join (end side), post/list/delete messages, markers, attributes, and the broadcasts', async () => {
    const end = await phxUser('kusanagi', ['section9']);
    await createUser('batou', 'Batou', 'section9');
    const roomId = end.reply.response.room_ids[0] as number;
    const room = end.socket.channel(`room:${roomId}`);
    const posted = collect(room, 'message_posted');
    const moved = collect(room, 'marker_moved');
    const deleted = collect(room, 'message_deleted');
    const joined = await join(room);
    expect(joined).toEqual({
      status: 'ok',
      response: { id: roomId, attributes: {}, user: { id: 1, key: 'kusanagi', name: 'kusanagi' }, messages: [], markers: [null, null] },
    });

    const hub = await phxUser('batou');
    const hubNotifier = hub.socket.channel('notifier:2');
    const notified = collect(hubNotifier, 'message_posted');
    expect(await join(hubNotifier)).toEqual({ status: 'ok', response: { messages: [] } });

    const p = await push(room, 'post_message', { text: 'hello **world**' });
    expect(p.status).toBe('ok');
    expect(p.response).toMatchObject({ id: 1, room_id: roomId, type: 'text', text: 'hello **world**', html: '<p>hello <strong>world</strong></p>', upload: null, user: { id: 1 } });
    await waitFor(() => posted.length === 1 && moved.length === 1 && notified.length === 1, 'broadcasts');
    expect(posted[0]).toEqual(p.response);
    expect(moved[0]).toEqual({ message_id: 1, room_id: roomId, updated_at: '2026-01-01T12:00:00Z', user_id: 1 });
    expect(notified[0]).toEqual({ message: p.response });

    expect((await push(room, 'post_message', { text: '' })).status).toBe('error');
    expect((await push(room, 'post_message', { text: 'a', upload: 1 })).status).toBe('error');
    expect((await push(room, 'post_message', { upload: 99 })).status).toBe('error');

    for (const t of ['two', 'three']) await push(room, 'post_message', { text: t });
    expect((await push(room, 'list_messages', { before: 3 })).response.messages.map((m: { id: number }) => m.id)).toEqual([1, 2]);
    expect((await push(room, 'list_messages', { before: 1 })).response).toEqual({ messages: [] });
    expect((await push(room, 'list_messages', {})).status).toBe('error');

    const mk = await push(room, 'move_marker', { message: 2 });
    expect(mk.response).toMatchObject({ message_id: 2, user_id: 1 });
    expect((await push(room, 'move_marker', { message: 999 })).status).toBe('error');

    // Hub user's message; the end user's own delete only works on own messages.
    const hubPost = await api('POST', '/hubs/section9/rooms/kusanagi/messages', { text: 'from hub', user: 'batou' });
    expect((await push(room, 'delete_message', { message: hubPost.body.id })).status).toBe('error');
    const del = await push(room, 'delete_message', { message: 3 });
    expect(del.response).toMatchObject({ id: 3, text: 'three' });
    await waitFor(() => deleted.length === 1, 'message_deleted');
    expect(kw.state.messages(roomId).map((m) => m.id)).toEqual([1, 2, 4]);
    expect(kw.state.deletedMessages.has(3)).toBe(true);

    const attrs = await push(room, 'set_attributes', { attributes: { country: 'DE' } });
    expect(attrs.response).toEqual({ id: roomId, attributes: { country: 'DE' }, user: { id: 1, key: 'kusanagi', name: 'kusanagi' } });
    expect((await push(room, 'set_attributes', { attributes: 'x' })).status).toBe('error');
    expect((await push(room, 'set_inbox_info', { archive: true })).status).toBe('error');
    expect((await push(room, 'frobnicate', {})).status).toBe('error');

    // Markers as each side sees them: [own, other].
    const hubRoom = hub.socket.channel(`room:${roomId}`);
    const hubJoin = await join(hubRoom);
    expect(hubJoin.response).toMatchObject({ archived: false, hub_user: null, attributes: { country: 'DE' } });
    expect(hubJoin.response.messages.map((m: { id: number }) => m.id)).toEqual([1, 2, 4]);
    expect(hubJoin.response.markers.map((m: { message_id: number } | null) => m?.message_id ?? null)).toEqual([4, 2]);
    const endRejoin = await join(end.socket.channel(`room:${roomId}`));
    expect(endRejoin.response.markers.map((m: { message_id: number } | null) => m?.message_id ?? null)).toEqual([2, 4]);
  });

  it('room join returns the last 100 messages ascending; {after} returns the newer ones', async () => {
    await createUser('kusanagi', 'Motoko');
    await createUser('batou', 'Batou', 'section9');
    const r = kw.createRoom('section9', 'kusanagi');
    for (let i = 1; i <= 105; i++) await api('POST', '/hubs/section9/rooms/kusanagi/messages', { text: `m${i}`, user: 'batou' });
    const { socket } = await phxUser('kusanagi');
    const full = await join(socket.channel(`room:${r.id}`));
    const ids = full.response.messages.map((m: { id: number }) => m.id);
    expect(ids).toHaveLength(100);
    expect(ids[0]).toBe(6);
    expect(ids[99]).toBe(105);
    const after = await join(socket.channel(`room:${r.id}`, { after: 102 }));
    expect(after.response.messages.map((m: { id: number }) => m.id)).toEqual([103, 104, 105]);
    const joined = socket.channel(`room:${r.id}`);
    await join(joined);
    expect((await push(joined, 'list_messages', { before: 6 })).response.messages.map((m: { id: number }) => m.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('hub side: set_inbox_info archive/until/assign, list_rooms filters, search and inbox_updated', async () => {
    await createUser('batou', 'Batou', 'section9');
    await createUser('saito', 'Saito', 'section9');
    for (const [key, name] of [
      ['kusanagi', 'Motoko Kusanagi'],
      ['togusa', 'Togusa'],
      ['aramaki', 'Daisuke Aramaki'],
    ]) {
      await createUser(key!, name!);
      kw.createRoom('section9', key!);
    }
    const hub = await phxUser('batou');
    const inbox = hub.socket.channel('hub_inbox:1');
    const updates = collect(inbox, 'inbox_updated');
    expect((await join(inbox)).status).toBe('ok');
    const room = hub.socket.channel('room:1');
    await join(room);

    tick();
    await api('POST', '/hubs/section9/rooms/togusa/messages', { text: 'first', user: 'togusa' });
    tick();
    await api('POST', '/hubs/section9/rooms/kusanagi/messages', { text: 'second', user: 'kusanagi' });
    await waitFor(() => updates.length === 2, 'inbox_updated');
    expect(updates[1]).toEqual({
      room: { id: 1, hub_id: 1, archived: false, attributes: {}, hub_user_id: null, user: { id: 3, key: 'kusanagi', name: 'Motoko Kusanagi' } },
      message: expect.objectContaining({ text: 'second', room_id: 1 }),
      marked_by: [3],
    });

    const list = await push(inbox, 'list_rooms', { limit: 10, offset: 0 });
    expect(list.response.items.map((i: { room: { id: number } }) => i.room.id)).toEqual([1, 2, 3]);
    const pages = [];
    for (let offset = 0; offset < 3; offset++) pages.push(...(await push(inbox, 'list_rooms', { limit: 1, offset })).response.items);
    expect(pages.map((i: { room: { id: number } }) => i.room.id)).toEqual([1, 2, 3]);
    expect((await push(inbox, 'list_rooms', { limit: 'x' })).status).toBe('error');

    const arch = await push(room, 'set_inbox_info', { archive: true, until: null });
    expect(arch.response).toEqual({ id: 1, attributes: {}, user: { id: 3, key: 'kusanagi', name: 'Motoko Kusanagi' }, archived: true, hub_user: null });
    await waitFor(() => updates.length === 3, 'archive inbox_updated');
    expect(updates[2].room.archived).toBe(true);
    const assign = await push(room, 'set_inbox_info', { hub_user: 2 });
    expect(assign.response.hub_user).toEqual({ id: 2, key: 'saito', name: 'Saito' });
    expect((await push(room, 'set_inbox_info', { hub_user: 3 })).status).toBe('error');
    expect((await push(room, 'set_inbox_info', {})).status).toBe('error');

    const ids = async (params: object) => (await push(inbox, 'list_rooms', { limit: 10, offset: 0, ...params })).response.items.map((i: { room: { id: number } }) => i.room.id);
    expect(await ids({ archived: true })).toEqual([1]);
    expect(await ids({ archived: false })).toEqual([2, 3]);
    expect(await ids({ hub_user: 2 })).toEqual([1]);
    expect(await ids({ hub_user: null })).toEqual([2, 3]);
    await api('PATCH', '/hubs/section9/rooms/aramaki', { attributes: { country: 'DE', tier: 1 } });
    expect(await ids({ attributes: { country: 'DE' } })).toEqual([3]);
    expect(await ids({ search_query: 'MOTO' })).toEqual([1]);
    expect(await ids({ search_query: 'aramaki' })).toEqual([3]);
    expect(await ids({ search_query: 'tog' })).toEqual([2]);
    expect(await ids({ search_query: 'kusanagi' })).toEqual([1]);
    expect(await ids({ search_query: 'zzz' })).toEqual([]);

    // archive(until): once `until` passes the room reads as not archived.
    await push(room, 'set_inbox_info', { archive: true, until: new Date(nowMs + 60_000).toISOString() });
    expect(await ids({ archived: true })).toEqual([1]);
    tick(61_000);
    expect(await ids({ archived: true })).toEqual([]);
    expect((await push(room, 'set_inbox_info', { archive: true, until: 'soon' })).status).toBe('error');
  });

  it('end-user inbox items and ordering: latest message first, empty rooms last', async () => {
    await createUser('batou', 'Batou', 'section9');
    await createUser('ishikawa', 'Ishikawa', 'public');
    const end = await phxUser('kusanagi', 'all');
    const inbox = end.socket.channel('user_inbox:3');
    const updates = collect(inbox, 'inbox_updated');
    expect((await join(inbox)).status).toBe('ok');
    let items = (await push(inbox, 'list_rooms', {})).response.items;
    expect(items).toEqual([
      { room: { id: 2, hub: { id: 2, name: 'public', slug: 'public' } }, message: null, marked_by: [] },
      { room: { id: 1, hub: { id: 1, name: 'Section 9', slug: 'section9' } }, message: null, marked_by: [] },
    ]);
    await api('POST', '/hubs/section9/rooms/kusanagi/messages', { text: 'hi', user: 'batou' });
    await waitFor(() => updates.length === 1, 'inbox_updated');
    expect(updates[0]).toMatchObject({ room: { id: 1, hub: { slug: 'section9' } }, message: { text: 'hi' }, marked_by: [1] });
    items = (await push(inbox, 'list_rooms', {})).response.items;
    expect(items.map((i: { room: { id: number } }) => i.room.id)).toEqual([1, 2]);
  });

  it('notifier: join returns unmarked messages by others ascending, {after} narrows, pushes {message}', async () => {
    const end = await phxUser('kusanagi', ['section9']);
    await createUser('batou', 'Batou', 'section9');
    await api('POST', '/hubs/section9/rooms/kusanagi/messages', { text: 'one', user: 'batou' });
    await api('POST', '/hubs/section9/rooms/kusanagi/messages', { text: 'mine', user: 'kusanagi' });
    await api('POST', '/hubs/section9/rooms/kusanagi/messages', { text: 'two', user: 'batou' });
    const texts = (r: PhxReply) => r.response.messages.map((m: { text: string }) => m.text);
    // kusanagi's own post moved their marker to message 2, so only message 3 is unmarked.
    expect(texts(await join(end.socket.channel('notifier:1')))).toEqual(['two']);
    kw.state.markers.delete('1:1');
    expect(texts(await join(end.socket.channel('notifier:1')))).toEqual(['one', 'two']);
    const n = end.socket.channel('notifier:1', { after: 1 });
    const got = collect(n, 'message_posted');
    expect(texts(await join(n))).toEqual(['two']);
    await api('POST', '/hubs/section9/rooms/kusanagi/messages', { text: 'three', user: 'batou' });
    await api('POST', '/hubs/section9/rooms/kusanagi/messages', { text: 'self', user: 'kusanagi' });
    await waitFor(() => got.length === 1, 'notifier push');
    await new Promise((r) => setTimeout(r, 30));
    expect(got.map((g) => g.message.text)).toEqual(['three']);
  });

  it('failNextPush: error and timeout replies, also for joins; the handler does not run', async () => {
    const { socket, priv } = await phxUser('kusanagi');
    kw.failNextPush({ topic: 'private', event: 'create_room', reply: 'error' });
    expect(await push(priv, 'create_room', { hub: 1 })).toEqual({ status: 'error', response: { reason: 'Injected failure.' } });
    expect(kw.state.rooms.size).toBe(0);
    kw.failNextPush({ event: 'create_room', reply: 'timeout' });
    expect((await push(priv, 'create_room', { hub: 1 }, 200)).status).toBe('timeout');
    expect(kw.state.rooms.size).toBe(0);
    expect((await push(priv, 'create_room', { hub: 1 })).status).toBe('ok');
    kw.failNextPush({ topic: 'room:*', event: 'phx_join', reply: 'error', response: { reason: 'nope' } });
    expect(await join(socket.channel('room:1'))).toEqual({ status: 'error', response: { reason: 'nope' } });
    expect(kw.pushes.filter((p) => p.event === 'create_room').map((p) => p.outcome)).toEqual(['error', 'timeout', 'ok']);
  });

  it('deleting a user closes their sockets and the channels of their rooms', async () => {
    await createUser('batou', 'Batou', 'section9');
    const end = await phxUser('kusanagi', ['section9']);
    const hub = await phxUser('batou');
    const hubRoom = hub.socket.channel('room:1');
    await join(hubRoom);
    let closed = false;
    hubRoom.onClose(() => {
      closed = true;
    });
    // Stop the end user's client from reconnecting (a reconnect would auto-create the user again).
    end.socket.disconnect();
    await api('DELETE', '/users/kusanagi');
    await waitFor(() => closed, 'phx_close');
    expect(kw.state.user('kusanagi')).toBeUndefined();
  });
});

// ------------------------------------------------------------------ the official client

/** The bits of sdk-js 0.3.6 used here (the package ships no types). */
interface KwEmitter {
  on(event: string, fn: (payload: Json) => void): string;
  once(event: string, fn: (payload: Json) => void): string;
  connect(): void;
  disconnect(): void;
}
interface KwRoom extends KwEmitter {
  postMessage(p: { text: string } | { uploadId: number }): Promise<Json>;
  postUpload(file: Blob): Promise<Json>;
  moveMarker(id?: number): Promise<Json>;
  deleteMessage(id: number): Promise<Json>;
  loadEarlier(): Promise<{ messages: Json[] }>;
  updateAttributes(a: object): Promise<Json>;
  archive(until?: Date | null): Promise<Json>;
  unarchive(): Promise<Json>;
  updateHubUser(id: number | null): Promise<Json>;
  isArchived(): boolean;
  getHubUser(): Json;
  getMarkers(): Json[];
}
interface KwInbox extends KwEmitter {
  loadMore(): Promise<{ items: Json[] }>;
  search(p: { query: string }): Promise<{ items: Json[] }>;
}
interface KwClient extends KwEmitter {
  config(c: object): void;
  getUser(): { id: number; key: string; name: string; hubId: number | null };
  createRoom(hub: number | string): Promise<{ id: number }>;
  openRoom(id?: number): KwRoom;
  openInbox(params?: object): KwInbox;
  openNotifier(): KwEmitter;
  updateUser(p: { name: string }): Promise<Json>;
  updateDevice(p: { pushNotificationsToken: string; pushNotificationsEnabled: boolean }): Promise<Json>;
  loadHubInfo(): Promise<Json>;
  ping(cb: (ms: number) => void): boolean;
}

// Not a literal so TypeScript does not look for the package's (absent) declarations.
const KABELWERK_MODULE: string = 'kabelwerk/src/kabelwerk.js';

describe('the official kabelwerk JS client (sdk-js 0.3.6)', () => {
  const g = globalThis as Record<string, unknown>;
  const saved = { self: Object.getOwnPropertyDescriptor(g, 'self'), WebSocket: Object.getOwnPropertyDescriptor(g, 'WebSocket') };
  let initKabelwerk: () => KwClient;

  beforeAll(async () => {
    // phoenix 1.7.7 (the SDK's pinned copy) resolves its global from `self`/`window` at import time and
    // reads `WebSocket` from it; Node 20 has neither.
    if (g.self === undefined) g.self = globalThis;
    if (g.WebSocket === undefined) g.WebSocket = WebSocket;
    ({ initKabelwerk } = (await import(KABELWERK_MODULE)) as { initKabelwerk: () => KwClient });
  });

  afterAll(() => {
    for (const [name, desc] of Object.entries(saved)) {
      if (desc) Object.defineProperty(g, name, desc);
      else delete g[name];
    }
  });

  function next<T = Json>(emitter: KwEmitter, event: string, ms = 3000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
      emitter.once(event, (payload) => {
        clearTimeout(timer);
        resolve(payload as T);
      });
    });
  }

  async function client(sub: string, extra: object = {}): Promise<KwClient> {
    const kwc = initKabelwerk();
    kwc.config({ url: kw.socketUrl, token: await mint(sub), ...extra });
    const ready = next<{ user: { id: number; key: string } }>(kwc, 'ready');
    kwc.connect();
    cleanups.push(() => kwc.disconnect());
    await ready;
    return kwc;
  }

  it('end user: ready, createRoom, openRoom, postMessage; a REST post arrives live as message_posted', async () => {
    await createUser('batou', 'Batou', 'section9');
    const kwc = await client('kusanagi');
    expect(kwc.getUser()).toMatchObject({ id: 2, key: 'kusanagi', name: 'kusanagi', hubId: null });
    expect(kw.connections()[0]).toMatchObject({ key: 'kusanagi', agent: 'sdk-js/0.3.6', topics: ['private'] });

    const { id } = await kwc.createRoom('section9');
    expect(kw.state.room('section9', 'kusanagi')!.id).toBe(id);
    await expect(kwc.createRoom('section9')).rejects.toThrow();

    const room = kwc.openRoom(id);
    const ready = next<{ messages: unknown[]; markers: unknown[] }>(room, 'ready');
    room.connect();
    expect(await ready).toEqual({ messages: [], markers: [null, null] });

    const mine = await room.postMessage({ text: 'Hello _there_' });
    expect(mine).toMatchObject({ id: 1, roomId: id, text: 'Hello _there_', html: '<p>Hello <em>there</em></p>', type: 'text', upload: null });
    expect(mine.insertedAt).toBeInstanceOf(Date);
    expect(kw.state.messages(id).map((m) => [m.userId, m.input])).toEqual([[2, 'Hello _there_']]);
    expect(kw.state.marker(id, 2)).toMatchObject({ messageId: 1 });

    const live = next(room, 'message_posted');
    const rest = await api('POST', '/hubs/section9/rooms/kusanagi/messages', { text: 'Batou here', user: 'batou' });
    expect(rest.status).toBe(201);
    expect(await live).toMatchObject({ id: rest.body.id, text: 'Batou here', user: { id: 1, key: 'batou', name: 'Batou' } });

    const marker = await room.moveMarker();
    expect(marker).toMatchObject({ messageId: rest.body.id, userId: 2 });
    expect(kw.state.marker(id, 2)!.messageId).toBe(rest.body.id);
    expect((await room.loadEarlier()).messages).toEqual([]);
    expect(await room.updateAttributes({ plan: 'pro' })).toEqual({ plan: 'pro' });
    expect(kw.state.roomById(id)!.attributes).toEqual({ plan: 'pro' });
    const gone = await room.deleteMessage(mine.id);
    expect(gone.id).toBe(mine.id);
    expect(kw.state.messages(id).map((m) => m.id)).toEqual([rest.body.id]);

    const renamed = await kwc.updateUser({ name: 'Motoko' });
    expect(renamed.name).toBe('Motoko');
    expect((await kwc.updateDevice({ pushNotificationsToken: 'fcm', pushNotificationsEnabled: false })).pushNotificationsEnabled).toBe(false);
    expect(await new Promise<number>((r) => kwc.ping(r))).toBeGreaterThanOrEqual(0);

    // The exact pushes the SDK sent, for the adapter's reference.
    expect(kw.pushes.map((p) => [p.topic, p.event, p.payload])).toEqual([
      ['private', 'phx_join', {}],
      ['private', 'create_room', { hub: 'section9' }],
      ['private', 'create_room', { hub: 'section9' }],
      [`room:${id}`, 'phx_join', {}],
      [`room:${id}`, 'post_message', { text: 'Hello _there_' }],
      [`room:${id}`, 'move_marker', { message: rest.body.id }],
      [`room:${id}`, 'set_attributes', { attributes: { plan: 'pro' } }],
      [`room:${id}`, 'delete_message', { message: mine.id }],
      ['private', 'update_user', { name: 'Motoko' }],
      ['private', 'update_device', { push_notifications_token: 'fcm', push_notifications_enabled: false }],
    ]);
  });

  it('end user: ensureRooms, openRoom() default, inbox ready/updated, notifier ready/updated', async () => {
    await createUser('batou', 'Batou', 'section9');
    const kwc = await client('kusanagi', { ensureRooms: ['section9'] });
    expect(kw.pushes[0]).toMatchObject({ topic: 'private', event: 'phx_join', payload: { ensure_rooms: ['section9'] } });
    const room = kwc.openRoom();
    const roomReady = next(room, 'ready');
    room.connect();
    await roomReady;

    const inbox = kwc.openInbox();
    const inboxReady = next<{ items: Json[] }>(inbox, 'ready');
    inbox.connect();
    const { items } = await inboxReady;
    expect(items).toEqual([{ room: { id: 1, hub: { id: 1, name: 'Section 9', slug: 'section9' } }, message: null, isNew: true }]);
    expect(kw.pushes.find((p) => p.event === 'list_rooms')).toMatchObject({ topic: 'user_inbox:2', payload: { limit: 10, offset: 0 } });

    const notifier = kwc.openNotifier();
    const notifierReady = next<{ messages: unknown[] }>(notifier, 'ready');
    notifier.connect();
    expect((await notifierReady).messages).toEqual([]);

    const inboxUpdated = next<{ items: Json[] }>(inbox, 'updated');
    const notified = next<{ message: { text: string } }>(notifier, 'updated');
    await api('POST', '/hubs/section9/rooms/kusanagi/messages', { text: 'ping', user: 'batou' });
    const upd = await inboxUpdated;
    expect(upd.items[0]).toMatchObject({ room: { id: 1 }, message: { text: 'ping' }, isNew: true });
    expect((await notified).message.text).toBe('ping');
    expect((await inbox.loadMore()).items).toHaveLength(1);
  });

  it('reconnect after a drop: the room rejoins with {after} and re-emits missed messages', async () => {
    await createUser('batou', 'Batou', 'section9');
    const kwc = await client('kusanagi', { ensureRooms: ['section9'] });
    const room = kwc.openRoom();
    const ready = next(room, 'ready');
    room.connect();
    await ready;
    await room.postMessage({ text: 'before' });

    const disconnected = next(kwc, 'disconnected');
    kw.disconnect('kusanagi');
    await disconnected;
    // Posted while the client is away; it must show up after the rejoin.
    await api('POST', '/hubs/section9/rooms/kusanagi/messages', { text: 'missed', user: 'batou' });
    const missed = await next<{ text: string }>(room, 'message_posted', 5000);
    expect(missed.text).toBe('missed');
    const rejoins = kw.pushes.filter((p) => p.topic === 'room:1' && p.event === 'phx_join');
    expect(rejoins.at(-1)!.payload).toEqual({ after: 1 });
  });

  it('hub user: loadHubInfo, hub inbox with filters and search, archive / assign from the room', async () => {
    await createUser('batou', 'Batou', 'section9');
    await createUser('kusanagi', 'Motoko');
    kw.createRoom('section9', 'kusanagi');
    await api('POST', '/hubs/section9/rooms/kusanagi/messages', { text: 'help', user: 'kusanagi' });
    const hub = await client('batou');
    expect(hub.getUser()).toMatchObject({ key: 'batou', hubId: 1 });
    expect(await hub.loadHubInfo()).toEqual({ id: 1, name: 'Section 9', users: [{ id: 1, key: 'batou', name: 'Batou' }] });

    const inbox = hub.openInbox({ archived: false });
    const ready = next<{ items: Json[] }>(inbox, 'ready');
    inbox.connect();
    const { items } = await ready;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      room: { id: 1, hubId: 1, archived: false, assignedTo: null, attributes: {}, user: { key: 'kusanagi', name: 'Motoko' } },
      message: { text: 'help' },
      isNew: true,
    });
    expect((await inbox.search({ query: 'mot' })).items).toHaveLength(1);

    const room = hub.openRoom(1);
    const roomReady = next<{ messages: unknown[] }>(room, 'ready');
    room.connect();
    expect((await roomReady).messages).toHaveLength(1);
    expect(room.isArchived()).toBe(false);

    // Archiving moves the room out of this (archived: false) inbox.
    const removed = next<{ items: unknown[] }>(inbox, 'updated');
    await room.archive();
    expect((await removed).items).toEqual([]);
    expect(room.isArchived()).toBe(true);
    expect(kw.state.room('section9', 'kusanagi')!.archived).toBe(true);
    await room.updateHubUser(1);
    expect(room.getHubUser()).toEqual({ id: 1, key: 'batou', name: 'Batou' });
    await room.unarchive();
    expect(kw.state.room('section9', 'kusanagi')).toMatchObject({ archived: false, hubUserId: 1 });
    expect(kw.pushes.filter((p) => p.event === 'set_inbox_info').map((p) => p.payload)).toEqual([
      { archive: true, until: null },
      { hub_user: 1 },
      { archive: false },
    ]);
    expect(kw.pushes.find((p) => p.event === 'list_rooms')!.payload).toEqual({ limit: 10, offset: 0, archived: false });
  });

  it('postUpload sends multipart to /socket-api/uploads with the user JWT; the upload can be posted', async () => {
    const kwc = await client('kusanagi', { ensureRooms: ['section9'] });
    const room = kwc.openRoom();
    const ready = next(room, 'ready');
    room.connect();
    await ready;
    // A 1x1 PNG (signature + IHDR).
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const upload = await room.postUpload(new File([png], 'dot.png', { type: 'image/png' }));
    expect(upload).toMatchObject({
      id: 1,
      mime_type: 'image/png',
      name: 'dot.png',
      original: { width: 1, height: 1, url: `${kw.url}/media/uploads/1` },
      preview: { width: 1, height: 1 },
    });
    const req = kw.requests.find((r) => r.path === '/socket-api/uploads')!;
    expect(req).toMatchObject({ method: 'POST', status: 201, body: '[multipart]' });
    expect(req.headers['kabelwerk-token']).toBe('REDACTED');
    expect(req.headers['user-agent']).toBe('sdk-js/0.3.6');
    const msg = await room.postMessage({ uploadId: upload.id });
    expect(msg).toMatchObject({ type: 'image', upload: { id: 1, mimeType: 'image/png' } });
    expect((await fetch(`${kw.url}/media/uploads/1`)).headers.get('content-type')).toBe('image/png');
    const bad = await fetch(`${kw.url}/socket-api/uploads`, { method: 'POST', body: new FormData() });
    expect(bad.status).toBe(401);
  });

  it('a bad token: the client reports an error and never becomes ready', async () => {
    const kwc = initKabelwerk();
    kwc.config({ url: kw.socketUrl, token: await mint('kusanagi', { key: other.privateKey }) });
    const failed = next(kwc, 'error');
    let ready = false;
    kwc.on('ready', () => {
      ready = true;
    });
    kwc.connect();
    cleanups.push(() => kwc.disconnect());
    await failed;
    expect(ready).toBe(false);
    expect(kw.state.user('kusanagi')).toBeUndefined();
  });
});
