import * as Y from 'yjs';
import type { Collab } from '../../../../src/collab.js';
import { decodeJwt } from 'jose';
import { memoryStoreOf } from '../../../../src/adapters/memory/index.js';
import type { MemoryStore } from '../../../../src/adapters/memory/store.js';
import type { BroadcastWatcher, ConformanceProbe } from '../../../../src/testing/index.js';
import { bodyWords } from '../../../../src/testing/helpers.js';

/** Store methods every service operation goes through (reads and writes); `requestCount` counts their calls. */
const COUNTED = ['tenant', 'inbox', 'changed', 'nextSeq', 'newId', 'broadcast'] as const;
const counters = new WeakMap<MemoryStore, { n: number; peeking: number }>();

/**
 * Counts the store operations of services (the probe's own reads excluded): the embedded provider's
 * "requests". Background work that is not a service call (webhook retries, commits) is not counted.
 */
function instrument(store: MemoryStore): { n: number; peeking: number } {
  let counter = counters.get(store);
  if (counter) return counter;
  const c = (counter = { n: 0, peeking: 0 });
  counters.set(store, c);
  const target = store as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of COUNTED) {
    const original = target[name]!.bind(store);
    target[name] = (...args: unknown[]) => {
      if (c.peeking === 0) c.n++;
      return original(...args);
    };
  }
  for (const method of ['get', 'set', 'has', 'delete'] as const) {
    const map = store.presence as unknown as Record<string, (...args: unknown[]) => unknown>;
    const original = map[method]!.bind(store.presence);
    map[method] = (...args: unknown[]) => {
      if (c.peeking === 0) c.n++;
      return original(...args);
    };
  }
  return c;
}

/**
 * A probe reading the memory adapter's store directly (its "vendor state"), bypassing the services.
 * The memory provider makes no requests: `requestCount` counts the services' store operations instead,
 * so "rejects before any request" means "before touching the store".
 */
export function memoryProbe(collab: () => Collab, tenantId = 'default'): ConformanceProbe {
  const rawStore = () => {
    const s = memoryStoreOf(collab());
    if (!s) throw new Error('not a memory collab');
    return s;
  };
  // Every read of the probe is synchronous, so a depth counter tells the probe's own calls from the services'.
  const store = (): MemoryStore => {
    const s = rawStore();
    const c = instrument(s);
    c.peeking++;
    queueMicrotask(() => c.peeking--);
    return s;
  };
  const tenant = () => store().tenant(tenantId);
  const thread = (roomId: string, threadId: string) => tenant().rooms.get(roomId)?.threads.get(threadId);
  const comment = (roomId: string, threadId: string, commentId: string) => thread(roomId, threadId)?.comments.find((c) => c.id === commentId);
  return {
    roomExists: async (id) => tenant().rooms.has(id),
    roomName: async (id) => tenant().rooms.get(id)?.name,
    user: async (id) => {
      const u = tenant().users.get(id);
      return u ? { name: u.name, email: u.email } : undefined;
    },
    threadResolvedBy: async (roomId, threadId) => {
      const t = thread(roomId, threadId);
      return t?.resolved ? t.resolvedBy : undefined;
    },
    // Decoded with jose, not through the adapter: the claims the embedded provider's clients trust.
    tokenGrant: async (token) => {
      const claims = decodeJwt(token) as { sub?: string; perms?: Record<string, 'read' | 'write'> };
      return claims.sub ? { userId: claims.sub, rooms: { ...claims.perms } } : undefined;
    },
    subscription: async (id) => {
      const sub = store().subscriptions.get(id);
      return sub && sub.tenantId === tenantId ? { url: sub.url, events: [...sub.events] } : undefined;
    },
    roomMetadata: async (id) => (tenant().rooms.has(id) ? structuredClone(tenant().rooms.get(id)!.metadata) : undefined),
    userExists: async (id) => tenant().users.has(id),
    threadExists: async (roomId, threadId) => thread(roomId, threadId) !== undefined,
    threadResolved: async (roomId, threadId) => thread(roomId, threadId)?.resolved,
    threadMetadata: async (roomId, threadId) => structuredClone(thread(roomId, threadId)?.metadata),
    commentText: async (roomId, threadId, commentId) => {
      const c = comment(roomId, threadId, commentId);
      return c && !(c as { deletedAt?: unknown }).deletedAt ? bodyWords(c.body) : undefined;
    },
    reactionUsers: async (roomId, threadId, commentId, emoji) => [...(comment(roomId, threadId, commentId)?.reactions.find((r) => r.emoji === emoji)?.userIds ?? [])],
    notificationRead: async (userId, id) => {
      const n = tenant().notifications.get(userId)?.get(id);
      return n ? n.readAt !== null : undefined;
    },
    notificationIds: async (userId) => [...(tenant().notifications.get(userId)?.keys() ?? [])],
    presenceUserIds: async (roomId) => {
      const now = store().now();
      return [...(store().presence.get(`${tenantId}\u0000${roomId}`)?.values() ?? [])].filter((p) => p.expiresAt > now).map((p) => p.userId);
    },
    watchBroadcasts: async (roomId): Promise<BroadcastWatcher> => {
      const received: unknown[] = [];
      const stop = store().onBroadcast(tenantId, roomId, (payload) => received.push(payload));
      return { received: () => [...received], close: () => void stop() };
    },
    // Decoded with yjs itself, not through core's JSON view, so the adapter cannot agree with itself.
    documentValue: async (roomId, key, type) => {
      const state = tenant().rooms.get(roomId)?.content?.ydoc;
      if (state === undefined) return undefined;
      const doc = new Y.Doc();
      Y.applyUpdate(doc, Buffer.from(state, 'base64'));
      if (!doc.share.has(key)) return undefined;
      if (type === 'text') return doc.getText(key).toString();
      if (type === 'xml') return doc.getXmlFragment(key).toString();
      return type === 'map' ? doc.getMap(key).toJSON() : doc.getArray(key).toJSON();
    },
    requestCount: () => instrument(rawStore()).n,
    webhooksReachLocalhost: true,
  };
}
