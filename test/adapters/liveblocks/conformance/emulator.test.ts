/**
 * The conformance suite against the Liveblocks adapter pointed at the Liveblocks REST emulator
 * (test/adapters/liveblocks/emulator): every group the adapter implements, with a probe that reads the
 * emulator's state directly, so the adapter cannot pass by agreeing with itself.
 */
import { afterAll } from 'vitest';
import { type Collab, createCollab, registerAdapter } from '../../../../src/collab.js';
import { generateWebhookSecret } from '../../../../src/core/webhooks/index.js';
import type { BroadcastWatcher, ConformanceProbe } from '../../../../src/testing/index.js';
import { describeConformance } from '../../../../src/testing/index.js';
import { type LiveblocksEmulator, startLiveblocksEmulator } from '../emulator/server.js';

registerAdapter('liveblocks', async () => (await import('../../../../src/adapters/liveblocks/index.js')).liveblocksAdapter);

const emulator: LiveblocksEmulator = await startLiveblocksEmulator();
afterAll(() => emulator.close());

const webhookSecret = generateWebhookSecret();

/** Plain words of a Liveblocks wire body, read independently of the adapter's mappers. */
function wireText(body: { content: Array<{ children: unknown[] }> } | undefined): string | undefined {
  if (!body) return undefined;
  return body.content
    .map((p) =>
      p.children
        .map((node) => {
          const n = node as { type?: string; text?: string; id?: string; url?: string };
          if (n.type === 'mention') return `@${n.id}`;
          if (n.type === 'link') return n.text ?? n.url;
          return n.text ?? '';
        })
        .join(''),
    )
    .join('\n');
}

function probe(emu: LiveblocksEmulator): ConformanceProbe {
  const { state } = emu;
  const comment = (roomId: string, threadId: string, commentId: string) => state.comment(roomId, threadId, commentId);
  return {
    roomExists: async (roomId) => state.rooms.has(roomId),
    roomMetadata: async (roomId) => (state.rooms.has(roomId) ? structuredClone(state.rooms.get(roomId)!.metadata) : undefined),
    // Liveblocks rooms have no name field: the adapter's documented metadata key "uc:name" holds it.
    roomName: async (roomId) => {
      const value = state.rooms.get(roomId)?.metadata['uc:name'];
      return typeof value === 'string' ? value : undefined;
    },
    subscription: async (id) => {
      const hook = state.webhooks.get(id);
      return hook ? { url: hook.url } : undefined;
    },
    threadExists: async (roomId, threadId) => state.thread(roomId, threadId) !== undefined,
    threadResolved: async (roomId, threadId) => state.thread(roomId, threadId)?.resolved,
    threadMetadata: async (roomId, threadId) => structuredClone(state.thread(roomId, threadId)?.metadata),
    commentText: async (roomId, threadId, commentId) => {
      const c = comment(roomId, threadId, commentId);
      return c && !c.deletedAt ? wireText(c.body) : undefined;
    },
    reactionUsers: async (roomId, threadId, commentId, emoji) =>
      (comment(roomId, threadId, commentId)?.reactions ?? []).filter((r) => r.emoji === emoji).map((r) => r.userId),
    notificationRead: async (userId, id) => {
      const n = state.notificationsOf(userId).find((x) => x.id === id);
      return n ? !state.isUnread(n) : undefined;
    },
    notificationIds: async (userId) => state.notificationsOf(userId).map((n) => n.id),
    presenceUserIds: async (roomId) => state.activePresence(roomId).map((p) => p.userId),
    watchBroadcasts: async (roomId): Promise<BroadcastWatcher> => {
      const before = state.broadcastsOf(roomId).length;
      return { received: () => state.broadcastsOf(roomId).slice(before), close: () => undefined };
    },
    requestCount: () => emu.requests.length,
    webhooksReachLocalhost: true,
  };
}

const config = {
  provider: 'liveblocks' as const,
  secretKey: emulator.secretKey,
  baseUrl: emulator.url,
  webhookSecret,
};

describeConformance({
  name: 'liveblocks (emulator, with management token)',
  create: (): Promise<Collab> =>
    createCollab({ ...config, managementToken: emulator.managementToken, projectId: emulator.projectId, retries: 0 }),
  probe: probe(emulator),
  secrets: [emulator.secretKey, emulator.managementToken, webhookSecret],
  settleMs: 5000,
  skip: {
    'auth.issue-token': 'the emulator answers 501 for /v2/authorize-user and /v2/identify-user (the dev server implements them and runs this check; contract tests cover both)',
    documents: 'the emulator does not model Yjs documents: the real dev server runs this group (integration/dev-server.test.ts), contract tests cover versions',
    storage: 'the emulator does not model Storage: the real dev server runs this group (integration/dev-server.test.ts), contract tests cover JSON Patch',
  },
});

describeConformance({
  name: 'liveblocks (emulator, secret key only)',
  create: (): Promise<Collab> => createCollab({ provider: 'liveblocks', secretKey: emulator.secretKey, baseUrl: emulator.url }),
  probe: probe(emulator),
  secrets: [emulator.secretKey],
  settleMs: 5000,
  only: ['capabilities', 'rooms', 'users', 'webhooks', 'errors'],
});
