/**
 * The conformance suite against the Velt adapter in self-hosted mode, on the Velt emulator in its
 * self-hosted mode (comment text sent with `isCommentResolverUsed` is rejected: the adapter must never send
 * it). The probe reads Velt's side (the emulator) and the content side (the store) directly, and every
 * content read checks Velt's side holds none of it; after each run a sweep of the emulator's whole state
 * proves no comment text, reaction icon or user profile reached Velt.
 * Two runs: the default in-memory store (`selfHosting: {}`), and a real PostgreSQL store opened from
 * `selfHostingDatabaseUrl` (test/support/postgres.ts starts a throw-away cluster).
 */
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { type Collab, createCollab, registerAdapter } from '../../../../src/collab.js';
import { describeConformance } from '../../../../src/testing/index.js';
import { createMemoryVeltContentStore, type VeltContentStore } from '../../../../src/adapters/velt/self-hosting/store.js';
import { createPostgresVeltContentStore, type PostgresVeltContentStore } from '../../../../src/adapters/velt/self-hosting/postgres-store.js';
import { veltAdapter } from '../../../../src/adapters/velt/definition.js';
import { startVeltEmulator, type VeltEmulator } from '../emulator/server.js';
import { type PostgresServer, startPostgres } from '../../../support/postgres.js';
import { contentSentToVelt, veltSelfHostedProbe, veltSideLeaks } from './self-hosted-probe.js';

const API_KEY = 'velt_selfhosted_api_key_4e1d0a';
const AUTH_TOKEN = 'velt_selfhosted_auth_token_93bb7c';
const ORG = 'uc-selfhosted-org';

registerAdapter('velt', async () => (await import('../../../../src/adapters/velt/index.js')).veltAdapter);

const emulators: VeltEmulator[] = [];
const stores: Array<{ close?(): Promise<void> }> = [];
let postgres: PostgresServer | undefined;
let pool: pg.Pool | undefined;

afterAll(async () => {
  await Promise.all(emulators.map((e) => e.close()));
  for (const s of stores) await s.close?.();
  await pool?.end();
  await postgres?.stop();
});

async function start(group?: VeltEmulator[]): Promise<VeltEmulator> {
  const emulator = await startVeltEmulator({ apiKey: API_KEY, authToken: AUTH_TOKEN, selfHosted: 'reject' });
  emulators.push(emulator);
  group?.push(emulator);
  // The tenant exists before the app runs (createMissing is off, so a missing room stays a NotFoundError).
  const res = await fetch(`${emulator.url}/v2/organizations/add`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-velt-api-key': API_KEY, 'x-velt-auth-token': AUTH_TOKEN },
    body: JSON.stringify({ data: { organizations: [{ organizationId: ORG, organizationName: 'Self-hosted' }] } }),
  });
  if (!res.ok) throw new Error(`setup failed: HTTP ${res.status}`);
  return emulator;
}

const SKIP = {
  ...veltAdapter.conformance?.skip,
  'webhooks.delivery-comment': 'no webhooks are configured for the self-hosted runs (they change nothing about content)',
};
const ONLY = ['capabilities', 'rooms', 'users', 'threads', 'comments', 'reactions', 'errors'] as const;

// --------------------------------------------------------------------------- in-memory store

let memory: VeltEmulator | undefined;
const memoryRun: VeltEmulator[] = [];
let memoryStore: VeltContentStore = createMemoryVeltContentStore();
describeConformance({
  name: 'velt (emulator, self-hosted, memory store)',
  create: async (): Promise<Collab> => {
    memory = await start(memoryRun);
    memoryStore = createMemoryVeltContentStore();
    return createCollab({
      provider: 'velt',
      apiKey: API_KEY,
      authToken: AUTH_TOKEN,
      organizationId: ORG,
      baseUrl: memory.url,
      selfHosting: { store: memoryStore },
      retries: 0,
    });
  },
  probe: veltSelfHostedProbe(() => memory, ORG, () => memoryStore),
  secrets: [API_KEY, AUTH_TOKEN],
  only: [...ONLY],
  skip: SKIP,
});

describe('velt self-hosted conformance (memory store): Velt holds no content', () => {
  it('after the run, no comment text, reaction icon or user profile is in the emulator', () => {
    const writes = memoryRun.flatMap((e) => e.requests.filter((r) => /\/v2\/commentannotations\/(add|comments\/add|comments\/update)$/.test(r.path) && r.status === 200));
    expect(writes.length, 'the run wrote comments through Velt').toBeGreaterThan(5);
    expect(memoryRun.flatMap((e) => veltSideLeaks(e, ORG))).toEqual([]);
    expect(memoryRun.flatMap((e) => contentSentToVelt(e))).toEqual([]);
  });
});

// --------------------------------------------------------------------------- PostgreSQL store from a URL

const PG_PASSWORD = 'pg-selfhosted-secret-5d2f';
let pgEmulator: VeltEmulator | undefined;
const pgRun: VeltEmulator[] = [];
// Started at load time: describeConformance creates a collab while the suite is being collected.
postgres = await startPostgres();
pool = new pg.Pool({ connectionString: postgres.url, max: 2 });
pool.on('error', () => {});
// A role with a password, so the URL carries a secret to redact (the cluster trusts loopback anyway).
await pool.query(`CREATE ROLE unicollab LOGIN SUPERUSER PASSWORD '${PG_PASSWORD}'`);
const pgUrl = new URL(postgres.url);
pgUrl.username = 'unicollab';
pgUrl.password = PG_PASSWORD;
const databaseUrl = pgUrl.toString();
const pgProbeStore: PostgresVeltContentStore = createPostgresVeltContentStore({ pool });
stores.push(pgProbeStore);

describeConformance({
  name: 'velt (emulator, self-hosted, PostgreSQL store from selfHostingDatabaseUrl)',
  create: async (): Promise<Collab> => {
    pgEmulator = await start(pgRun);
    // Each collab opens (and migrates) its own pool from the URL; the tables are shared, so the rows of an
    // earlier collab of this run are there too (ids are random: they do not collide).
    return createCollab({
      provider: 'velt',
      apiKey: API_KEY,
      authToken: AUTH_TOKEN,
      organizationId: ORG,
      baseUrl: pgEmulator.url,
      selfHostingDatabaseUrl: databaseUrl,
      retries: 0,
    });
  },
  probe: veltSelfHostedProbe(() => pgEmulator, ORG, () => pgProbeStore),
  secrets: [API_KEY, AUTH_TOKEN, PG_PASSWORD],
  only: ['users', 'threads', 'comments', 'errors'],
  skip: SKIP,
});

describe('velt self-hosted conformance (PostgreSQL store): Velt holds no content', () => {
  it('after the run, no comment text or user profile is in the emulator, and the rows are in PostgreSQL', async () => {
    const writes = pgRun.flatMap((e) => e.requests.filter((r) => /\/v2\/commentannotations\/(add|comments\/add)$/.test(r.path) && r.status === 200));
    expect(writes.length).toBeGreaterThan(5);
    expect(pgRun.flatMap((e) => veltSideLeaks(e, ORG))).toEqual([]);
    expect(pgRun.flatMap((e) => contentSentToVelt(e))).toEqual([]);
    // The content went to PostgreSQL (migrated by the adapter; threads the suite did not delete keep their rows).
    const { rows } = await pool!.query('SELECT count(*)::int AS n FROM public.velt_schema_migrations');
    expect(rows[0]!.n).toBeGreaterThan(0);
  });
});
