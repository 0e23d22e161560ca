/** The conformance probe of the Velt emulator: reads its state directly, not through the adapter. */
import { decodeJwt } from 'jose';
import type { BroadcastWatcher, ConformanceProbe } from '../../../../src/testing/index.js';
import type { VeltEmulator } from '../emulator/server.js';

/** A probe reading the state of the emulator `current()` for organization `org` directly. */
export function veltProbe(current: () => VeltEmulator | undefined, org: string): ConformanceProbe {
  const state = () => {
    const emulator = current();
    if (!emulator) throw new Error('emulator not started');
    return emulator.state;
  };
  return {
    roomExists: async (id) => state().document(org, id) !== undefined,
    roomMetadata: async (id) => {
      const doc = state().document(org, id);
      return doc ? { ...doc.extra } : undefined;
    },
    roomName: async (id) => state().document(org, id)?.documentName,
    userExists: async (id) => state().user(org, id) !== undefined,
    user: async (id) => {
      const u = state().user(org, id);
      return u ? { name: u.name, email: u.email } : undefined;
    },
    // The token's own claims (Velt signs permissions into the JWT), decoded without the adapter.
    tokenGrant: async (token) => {
      const claims = decodeJwt(token) as { userId?: string; permissions?: { resources?: Array<{ type: string; id: string; organizationId?: string; accessRole?: string }> } };
      if (!claims.userId) return undefined;
      const rooms: Record<string, 'read' | 'write'> = {};
      for (const r of claims.permissions?.resources ?? []) {
        const key = r.type === 'organization' && r.id === org ? '*' : r.type === 'document' && r.organizationId === org ? r.id : `${r.type}:${r.id}`;
        rooms[key] = r.accessRole === 'editor' ? 'write' : 'read';
      }
      return { userId: claims.userId, rooms };
    },
    subscription: async (id) => {
      const endpoint = state().advancedEndpoints.get(id);
      return endpoint ? { url: endpoint.url } : undefined;
    },
    threadExists: async (roomId, threadId) => state().annotation(org, roomId, threadId) !== undefined,
    // Resolved in Velt means a terminal status and a resolver: the console shows who resolved it.
    threadResolved: async (roomId, threadId) => {
      const a = state().annotation(org, roomId, threadId);
      return a ? a.status.type === 'terminal' && typeof a.resolvedByUserId === 'string' && a.resolvedByUserId !== '' : undefined;
    },
    threadResolvedBy: async (roomId, threadId) => {
      const a = state().annotation(org, roomId, threadId);
      return a?.status.type === 'terminal' ? a.resolvedByUserId : undefined;
    },
    threadMetadata: async (roomId, threadId) => {
      const a = state().annotation(org, roomId, threadId);
      if (!a) return undefined;
      const { access: _access, accessFields: _fields, ...metadata } = a.context;
      return metadata;
    },
    commentText: async (roomId, threadId, commentId) => {
      if (!/^\d+$/.test(commentId)) return undefined;
      return state().comment(org, roomId, threadId, Number(commentId))?.commentText;
    },
    reactionUsers: async (roomId, threadId, commentId, emoji) => {
      const c = /^\d+$/.test(commentId) ? state().comment(org, roomId, threadId, Number(commentId)) : undefined;
      return c?.reactionAnnotations.find((r) => r.icon === emoji)?.fromUsers.map((f) => f.from.userId) ?? [];
    },
    notificationRead: async (userId, id) => {
      const n = state().notification(org, id);
      return n && n.recipients.includes(userId) ? n.readByUserIds.includes(userId) : undefined;
    },
    notificationIds: async (userId) => state().notificationsFor(org, userId).map((n) => n.id),
    presenceUserIds: async (roomId) => state().presenceOf(org, roomId).map((p) => p.userId),
    watchBroadcasts: async (roomId): Promise<BroadcastWatcher> => {
      const from = state().broadcasts.length;
      return {
        received: () => state().broadcasts.slice(from).filter((b) => b.organizationId === org && b.documentId === roomId).map((b) => b.data),
        close: () => undefined,
      };
    },
    // The editor's data as the emulator stores it (the JSON form sent to /crdt/add|update); `type` is not
    // checked against the stored one, as Velt's own /crdt/get answers no type.
    documentValue: async (roomId, key) => state().crdtOf(org, roomId, key)?.data,
    requestCount: () => current()?.requests.length ?? 0,
    webhooksReachLocalhost: true,
  };
}

