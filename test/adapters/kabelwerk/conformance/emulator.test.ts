/**
 * The conformance suite against the Kabelwerk adapter pointed at the local Kabelwerk emulator, with a
 * probe that reads the emulator's state directly (not through the adapter), so the adapter cannot pass
 * by agreeing with itself. Two runs: with the private key and a hub (REST + realtime), and REST only,
 * where every realtime capability is `no` and must throw before any request.
 */
import { afterAll } from 'vitest';
import type { Collab } from '../../../../src/collab.js';
import { kabelwerkAdapter } from '../../../../src/adapters/kabelwerk/definition.js';
import { type ConformanceProbe, describeConformance } from '../../../../src/testing/index.js';
import type { KabelwerkEmulator } from '../emulator/server.js';
import { API_TOKEN, kabelwerkCollab, PRIVATE_KEY, startEmulator } from '../support.js';

const emulators: KabelwerkEmulator[] = [];
afterAll(async () => {
  await Promise.all(emulators.map((e) => e.close()));
});

async function start(): Promise<KabelwerkEmulator> {
  const emulator = await startEmulator([{ slug: 'main', name: 'Main' }]);
  emulators.push(emulator);
  return emulator;
}

/** A probe reading the state of the emulator `current()` for hub `hub` directly. */
function kabelwerkProbe(current: () => KabelwerkEmulator | undefined, hub: string): ConformanceProbe {
  const emu = () => {
    const emulator = current();
    if (!emulator) throw new Error('emulator not started');
    return emulator;
  };
  const state = () => emu().state;
  const room = (key: string) => state().room(hub, key);
  const messageIn = (roomKey: string, threadId: string, commentId: string) => {
    const r = room(roomKey);
    if (!r || threadId !== roomKey || !/^\d+$/.test(commentId)) return undefined;
    const m = state().message(Number(commentId));
    return m && m.roomId === r.id ? m : undefined;
  };
  return {
    roomExists: async (id) => room(id) !== undefined,
    roomMetadata: async (id) => {
      const r = room(id);
      return r ? { ...r.attributes } : undefined;
    },
    // The adapter's documented attribute "uc:name" (Kabelwerk rooms have no name field).
    roomName: async (id) => {
      const value = room(id)?.attributes['uc:name'];
      return typeof value === 'string' ? value : undefined;
    },
    userExists: async (id) => state().user(id) !== undefined,
    threadExists: async (roomId, threadId) => {
      const r = room(roomId);
      return r !== undefined && threadId === roomId && state().messages(r.id).length > 0;
    },
    commentText: async (roomId, threadId, commentId) => messageIn(roomId, threadId, commentId)?.input,
    notificationRead: async (userId, id) => {
      const match = /^(\d+):(\d+)$/.exec(id);
      const user = state().user(userId);
      if (!match || !user) return undefined;
      const m = state().message(Number(match[2]));
      const r = m ? state().roomById(m.roomId) : undefined;
      if (!m || !r || r.id !== Number(match[1]) || !state().canAccess(user.id, r)) return undefined;
      return (state().marker(r.id, user.id)?.messageId ?? 0) >= m.id;
    },
    notificationIds: async (userId) => {
      const user = state().user(userId);
      if (!user) return [];
      const ids: string[] = [];
      for (const r of state().roomsVisibleTo(user.id)) {
        const seen = state().marker(r.id, user.id)?.messageId ?? 0;
        for (const m of state().messages(r.id)) if (m.userId !== user.id && m.id > seen) ids.push(`${r.id}:${m.id}`);
      }
      return ids;
    },
    // REST requests and channel pushes (joins included): validation must fail before either.
    requestCount: () => emu().requests.length + emu().pushes.length,
  };
}

let full: KabelwerkEmulator | undefined;
describeConformance({
  name: 'kabelwerk (emulator, privateKey, hub main)',
  create: async (): Promise<Collab> => {
    full = await start();
    return kabelwerkCollab(full);
  },
  probe: kabelwerkProbe(() => full, 'main'),
  secrets: [API_TOKEN, PRIVATE_KEY],
  settleMs: 3000,
  // The vendor's own limits, declared once in the adapter definition.
  skip: { ...kabelwerkAdapter.conformance?.skip },
});

let restOnly: KabelwerkEmulator | undefined;
describeConformance({
  name: 'kabelwerk (emulator, REST only: no privateKey)',
  create: async (): Promise<Collab> => {
    restOnly = await start();
    return kabelwerkCollab(restOnly, { privateKey: undefined, hub: undefined });
  },
  probe: kabelwerkProbe(() => restOnly, '_'),
  secrets: [API_TOKEN],
  settleMs: 3000,
  skip: { ...kabelwerkAdapter.conformance?.skip },
});
