/**
 * The fault matrix (fault-matrix.ts) for the Liveblocks adapter, against the Liveblocks REST emulator
 * behind the fault-injecting proxy. Rows are described in fault-matrix.ts; this file only says how
 * Liveblocks is seeded, counted and routed.
 */
import { type Collab, createCollab } from '../../../../src/collab.js';
import { startLiveblocksEmulator } from '../emulator/server.js';
import { describeFaultMatrix, type MatrixHttp, textBody } from '../../../adversarial/fault-matrix.js';

/** Shaped like a production key, so a leak is caught by value and not only by the `sk_` pattern. */
const SECRET_KEY = 'sk_prod_FaultMatrixS3cr3t_4f9a2c71d0e8b6';
const ROOM = 'fault-matrix-room';

describeFaultMatrix('liveblocks', async () => {
  const emulator = await startLiveblocksEmulator({ secretKey: SECRET_KEY });
  // The seed goes straight to the emulator, through the adapter, so it is never subject to a fault.
  const direct = await createCollab({ provider: 'liveblocks', secretKey: SECRET_KEY, baseUrl: emulator.url, retries: 0 });
  const { state } = emulator;
  return {
    provider: 'liveblocks',
    upstreamUrl: emulator.url,
    secrets: [SECRET_KEY],
    async seed() {
      emulator.reset();
      await direct.rooms.create({ id: ROOM });
      const thread = await direct.threads.create({ roomId: ROOM, comment: { authorId: 'seed-author', body: textBody('seed') } });
      return { roomId: ROOM, threadId: thread.id };
    },
    collab(baseUrl: string, http: MatrixHttp): Promise<Collab> {
      return createCollab({ provider: 'liveblocks', secretKey: SECRET_KEY, baseUrl, ...http });
    },
    routes(seed) {
      return {
        read: { method: 'GET', path: `/v2/rooms/${seed.roomId}` },
        write: { method: 'POST', path: `/v2/rooms/${seed.roomId}/threads/${seed.threadId}/comments` },
        createRoom: { method: 'POST', path: '/v2/rooms' },
        createThread: { method: 'POST', path: `/v2/rooms/${seed.roomId}/threads` },
      };
    },
    count: {
      roomsWithId: (id) => [...state.rooms.values()].filter((r) => r.id === id).length,
      threads: (roomId) => state.threadsOf(roomId).length,
      comments: (roomId, threadId) => state.thread(roomId, threadId)?.comments.length ?? 0,
    },
    wrongShape: {
      mutate: (body) => ({ ...(body as object), createdAt: 'the day before yesterday' }),
      path: 'createdAt',
    },
    rateLimitBody: JSON.stringify({ error: 'RATE_LIMITED', message: 'Too many requests, slow down' }),
    unavailableBody: JSON.stringify({ error: 'SERVICE_UNAVAILABLE', message: 'Service temporarily unavailable' }),
    async close() {
      await direct.close();
      await emulator.close();
    },
  };
});
