/**
 * The proof that the emulator speaks Kabelwerk's real protocol and that unicollab interoperates with
 * Kabelwerk's own client: the npm `kabelwerk` package (sdk-js, written by Kabelwerk) connects as an end
 * user with a token from `collab.auth.issueToken`, creates its room and posts a message; unicollab reads
 * it; unicollab posts the care team's reply; the official client receives it live.
 *
 * sdk-js is a browser/React Native library: its phoenix (1.7.7) finds `WebSocket` on `self` or `window`.
 * For this file `globalThis.WebSocket` is set from `ws` when absent (Node 20) and `self` to `globalThis`
 * when absent, before sdk-js is imported; both are restored afterwards.
 */
import { WebSocket as WsWebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collab } from '../../../../src/collab.js';
import type { KabelwerkEmulator } from '../emulator/server.js';
import { kabelwerkCollab, startEmulator } from '../support.js';

const globals = globalThis as { WebSocket?: unknown; self?: unknown };
const saved = { WebSocket: Object.getOwnPropertyDescriptor(globals, 'WebSocket'), self: Object.getOwnPropertyDescriptor(globals, 'self') };

let emulator: KabelwerkEmulator;
let collab: Collab;

beforeAll(async () => {
  if (!globals.WebSocket) globals.WebSocket = WsWebSocket;
  if (globals.self === undefined) globals.self = globalThis;
  emulator = await startEmulator([{ slug: 'care', name: 'Care team' }]);
  collab = await kabelwerkCollab(emulator, { hub: 'care' });
});

afterAll(async () => {
  await collab?.close();
  await emulator?.close();
  for (const name of ['WebSocket', 'self'] as const) {
    const descriptor = saved[name];
    if (descriptor) Object.defineProperty(globals, name, descriptor);
    else delete globals[name];
  }
});

/** Resolves with the first event `name` the emitter fires (rejects on `error` or after `ms`). */
function once<T>(emitter: { on(name: string, cb: (payload: T) => void): unknown }, name: string, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name} event within ${ms} ms`)), ms);
    emitter.on(name, (payload) => {
      clearTimeout(timer);
      resolve(payload);
    });
    emitter.on('error', (err: unknown) => {
      clearTimeout(timer);
      reject(err instanceof Error ? err : new Error(String(err)));
    });
  });
}

describe('the official Kabelwerk JS client (npm kabelwerk) and unicollab on the emulator', () => {
  it('an end user chats with the care team through unicollab', async () => {
    const { default: Kabelwerk } = await import('kabelwerk');
    const { token } = await collab.auth.issueToken({ userId: 'motoko' });
    Kabelwerk.config({ url: emulator.socketUrl, token, logging: 'silent' });
    const ready = once(Kabelwerk, 'ready');
    Kabelwerk.connect();
    try {
      const { user } = await ready as { user: { key: string; hubId: number | null } };
      expect(user).toMatchObject({ key: 'motoko', hubId: null });
      expect(emulator.connections().find((c) => c.key === 'motoko')?.agent).toMatch(/^sdk-js\//);

      // The end user's side, entirely through Kabelwerk's client.
      const { id: roomNumber } = (await Kabelwerk.createRoom('care')) as { id: number };
      const room = Kabelwerk.openRoom(roomNumber);
      const roomReady = once(room, 'ready');
      room.connect();
      await roomReady;
      const posted = (await room.postMessage({ text: 'Hello, **care** team' })) as { id: number };

      // unicollab reads it, as its hub user: the room id is the end user's key, its one thread too.
      const thread = await collab.threads.get('motoko', 'motoko');
      expect(thread.comments.map((c) => [c.id, c.authorId])).toEqual([[String(posted.id), 'motoko']]);
      const comment = await collab.comments.get('motoko', 'motoko', String(posted.id));
      expect(comment.body).toEqual({
        version: 1,
        content: [{ type: 'paragraph', children: [{ type: 'text', text: 'Hello, ' }, { type: 'text', text: 'care', bold: true }, { type: 'text', text: ' team' }] }],
      });

      // The care team replies through unicollab (REST, on behalf of a hub user) and the client gets it live.
      await collab.users.upsert({ id: 'batou', name: 'Batou', metadata: { 'kabelwerk:hubUser': true } });
      const live = once<{ id: number; text: string; user: { key: string } }>(room, 'message_posted');
      const reply = await collab.comments.create({
        roomId: 'motoko',
        threadId: 'motoko',
        authorId: 'batou',
        body: { version: 1, content: [{ type: 'paragraph', children: [{ type: 'text', text: 'How can we help?' }] }] },
      });
      const received = await live;
      expect(received).toMatchObject({ id: Number(reply.id), text: 'How can we help?', user: { key: 'batou' } });
      expect((await collab.threads.get('motoko', 'motoko')).comments.map((c) => c.authorId)).toEqual(['motoko', 'batou']);

      // The end user's notifications: the reply, unread until its marker moves.
      const inbox = await collab.notifications.list('motoko');
      expect(inbox.items.map((n) => [n.subjectId, n.roomId, n.readAt])).toEqual([[reply.id, 'motoko', null]]);
      await collab.notifications.markRead('motoko', inbox.items[0]!.id);
      expect((await collab.notifications.list('motoko')).items).toEqual([]);
    } finally {
      Kabelwerk.disconnect();
    }
  });
});
