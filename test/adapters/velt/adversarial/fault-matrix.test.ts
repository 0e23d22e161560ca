/**
 * The fault matrix (fault-matrix.ts) for the Velt adapter, against the Velt emulator behind the
 * fault-injecting proxy. Rows are described in fault-matrix.ts; this file only says how Velt is seeded,
 * counted and routed (every Velt call is a `POST /v2/...`).
 */
import { type Collab, createCollab } from '../../../../src/collab.js';
import { startVeltEmulator } from '../emulator/server.js';
import { describeFaultMatrix, type MatrixHttp, textBody } from '../../../adversarial/fault-matrix.js';

const API_KEY = 'velt_fault_matrix_api_key_2b7e91d4';
const AUTH_TOKEN = 'velt_fault_matrix_auth_token_c03f58aa';
const ORG = 'fault-matrix-org';
const ROOM = 'fault-matrix-room';

describeFaultMatrix('velt', async () => {
  const emulator = await startVeltEmulator({ apiKey: API_KEY, authToken: AUTH_TOKEN });
  // The seed goes straight to the emulator, through the adapter (creating the organization), so it is
  // never subject to a fault.
  const direct = await createCollab({
    provider: 'velt',
    apiKey: API_KEY,
    authToken: AUTH_TOKEN,
    organizationId: ORG,
    baseUrl: emulator.url,
    createMissing: true,
    retries: 0,
  });
  const { state } = emulator;
  return {
    provider: 'velt',
    upstreamUrl: emulator.url,
    secrets: [API_KEY, AUTH_TOKEN],
    async seed() {
      emulator.reset();
      await direct.rooms.create({ id: ROOM });
      const thread = await direct.threads.create({ roomId: ROOM, comment: { authorId: 'seed-author', body: textBody('seed') } });
      return { roomId: ROOM, threadId: thread.id };
    },
    collab(baseUrl: string, http: MatrixHttp): Promise<Collab> {
      return createCollab({ provider: 'velt', apiKey: API_KEY, authToken: AUTH_TOKEN, organizationId: ORG, baseUrl, ...http });
    },
    routes() {
      return {
        read: { method: 'POST', path: '/v2/organizations/documents/get' },
        write: { method: 'POST', path: '/v2/commentannotations/comments/add' },
        createRoom: { method: 'POST', path: '/v2/organizations/documents/add' },
        createThread: { method: 'POST', path: '/v2/commentannotations/add' },
      };
    },
    count: {
      roomsWithId: (id) => state.documentsOf(ORG).filter((d) => d.documentId === id).length,
      threads: (roomId) => state.annotationsOf(ORG, roomId).length,
      comments: (roomId, threadId) => state.annotation(ORG, roomId, threadId)?.comments.length ?? 0,
    },
    wrongShape: {
      // A document id that is neither a string nor a number (the answer is `{ result: { data: [doc] } }`).
      mutate: (body) => {
        const copy = structuredClone(body) as { result: { data: Array<Record<string, unknown>> } };
        copy.result.data[0]!.id = { nested: 'not an id' };
        return copy;
      },
      path: 'result.data.0.id',
    },
    // Velt's own error envelope (vendors/velt.md §1.3).
    rateLimitBody: JSON.stringify({ error: { message: 'Rate limit exceeded.', status: 'RESOURCE_EXHAUSTED' } }),
    unavailableBody: JSON.stringify({ error: { message: 'The service is currently unavailable.', status: 'UNAVAILABLE' } }),
    async close() {
      await direct.close();
      await emulator.close();
    },
  };
});
