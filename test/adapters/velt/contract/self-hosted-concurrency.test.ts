/**
 * Issue 14 follow-up: no acknowledged comment loses its content under concurrent writes in self-hosted
 * mode. 50 `comments.create` on one thread at once (Promise.all) against the Velt emulator, with the
 * memory store and with a REAL PostgreSQL store (test/support/postgres.ts; fails, does not skip, when
 * PostgreSQL is missing): every created comment's text must be in the store and read back.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Collab, createCollab, registerAdapter } from '../../../../src/collab.js';
import { fromText } from '../../../../src/core/body/index.js';
import { createPostgresVeltContentStore } from '../../../../src/adapters/velt/self-hosting/postgres-store.js';
import { createMemoryVeltContentStore, type VeltContentStore } from '../../../../src/adapters/velt/self-hosting/store.js';
import { PENDING_KEY } from '../../../../src/adapters/velt/self-hosting/content.js';
import { type PostgresServer, startPostgres } from '../../../support/postgres.js';
import { startVeltEmulator, type VeltEmulator } from '../emulator/server.js';

const API_KEY = 'velt_concurrency_contract_key_5d1e';
const AUTH_TOKEN = 'velt_concurrency_contract_token_8a3b';
const ORG = 'cc-org';
const ROOM = 'cc-room';
const N = 50;

registerAdapter('velt', async () => (await import('../../../../src/adapters/velt/index.js')).veltAdapter);

let server: PostgresServer;
let pool: pg.Pool;
let schemas = 0;

beforeAll(async () => {
  server = await startPostgres();
  pool = new pg.Pool({ connectionString: server.url, max: 10 });
  pool.on('error', () => {});
}, 120_000);

afterAll(async () => {
  await pool?.end();
  await server?.stop();
});

const stores: Array<[string, () => Promise<VeltContentStore>]> = [
  ['memory', async () => createMemoryVeltContentStore()],
  [
    'postgres',
    async () => {
      const store = createPostgresVeltContentStore({ pool, schema: `velt_concurrency_${++schemas}` });
      await store.migrate();
      return store;
    },
  ],
];

describe.each(stores)('velt self-hosted concurrent writes (%s store)', (_name, makeStore) => {
  let emulator: VeltEmulator;
  let store: VeltContentStore;
  let collab: Collab;

  beforeAll(async () => {
    emulator = await startVeltEmulator({ apiKey: API_KEY, authToken: AUTH_TOKEN, selfHosted: 'reject', requireExistingParents: false });
    store = await makeStore();
    collab = await createCollab({ provider: 'velt', apiKey: API_KEY, authToken: AUTH_TOKEN, organizationId: ORG, baseUrl: emulator.url, selfHosting: { store }, retries: 0 });
  });
  afterAll(async () => {
    await collab?.close().catch(() => {});
    await emulator?.close().catch(() => {});
  });

  it(`${N} concurrent comments.create on one thread: every acknowledged comment's text is stored and reads back`, async () => {
    const thread = await collab.threads.create({ roomId: ROOM, comment: { authorId: 'alice', body: fromText('opening') } });
    const texts = Array.from({ length: N }, (_, i) => `reply number ${i}`);
    const created = await Promise.all(texts.map((t, i) => collab.comments.create({ roomId: ROOM, threadId: thread.id, authorId: `user-${i % 5}`, body: fromText(t) })));
    expect(new Set(created.map((c) => c.id)).size).toBe(N);

    const record = (await store.comments.get(ORG, { annotationIds: [thread.id] }))[thread.id];
    const lost = created.filter((c, i) => record?.comments[c.id]?.commentText !== texts[i]).map((c) => c.id);
    expect(lost).toEqual([]);
    expect(record?.comments[thread.comments[0]!.id]?.commentText).toBe('opening');
    expect(record?.[PENDING_KEY] ?? {}).toEqual({});

    const read = await collab.threads.get(ROOM, thread.id);
    expect(read.comments).toHaveLength(N + 1);
    const byId = new Map(read.comments.map((m) => [m.id, JSON.stringify(m.body)]));
    for (const [i, c] of created.entries()) expect(byId.get(c.id)).toBe(JSON.stringify(fromText(texts[i]!)));
    for (const c of created.slice(0, 5)) expect((await collab.comments.get(ROOM, thread.id, c.id)).body).toEqual(fromText(texts[created.indexOf(c)]!));
  }, 60_000);
});
