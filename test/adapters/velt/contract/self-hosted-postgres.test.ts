/**
 * The self-hosted write protocol with a REAL PostgreSQL content store (a throw-away cluster started by
 * test/support/postgres.ts; fails, does not skip, when PostgreSQL is missing). See self-hosted-suite.ts.
 */
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createPostgresVeltContentStore } from '../../../../src/adapters/velt/self-hosting/postgres-store.js';
import { type PostgresServer, startPostgres } from '../../../support/postgres.js';
import { selfHostedSuite } from './self-hosted-suite.js';

let server: PostgresServer;
let pool: pg.Pool;
let schemas = 0;

beforeAll(async () => {
  server = await startPostgres();
  pool = new pg.Pool({ connectionString: server.url, max: 4 });
  pool.on('error', () => {});
}, 120_000);

afterAll(async () => {
  await pool?.end();
  await server?.stop();
});

selfHostedSuite('postgres', async () => {
  const store = createPostgresVeltContentStore({ pool, schema: `velt_adapter_${++schemas}` });
  await store.migrate();
  return store;
});
