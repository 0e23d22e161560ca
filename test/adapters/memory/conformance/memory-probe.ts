import * as Y from 'yjs';
import type { Collab } from '../../../../src/collab.js';
import { memoryStoreOf } from '../../../../src/adapters/memory/index.js';
import type { BroadcastWatcher, ConformanceProbe } from '../../../../src/testing/index.js';
import { bodyWords } from '../../../../src/testing/helpers.js';

/**
 * A probe reading the memory adapter's store directly (its "vendor state"), bypassing the services.
 * The memory provider makes no requests, so `requestCount` stays at 0: any request would be a bug.
 */
export function memoryProbe(collab: () => Collab, tenantId = 'default'): ConformanceProbe {
  const store = () => {
    const s = memoryStoreOf(collab());
    if (!s) throw new Error('not a memory collab');
    return s;
  };
  const tenant = () => store().tenant(tenantId);
  const thread = (roomId: string, threadId: string) => tenant().rooms.get(roomId)?.threads.get(threadId);
  const comment = (roomId: string, threadId: string, commentId: string) => thread(roomId, threadId)?.comments.find((c) => c.id === commentId);
  return {
    roomExists: async (id) => tenant().rooms.has(id),
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
    requestCount: () => 0,
    webhooksReachLocalhost: true,
  };
}
