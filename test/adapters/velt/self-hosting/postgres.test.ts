/**
 * The store and handler suites against a REAL PostgreSQL server (a throw-away cluster started by
 * test/support/postgres.ts), plus the migrations. Fails (does not skip) when PostgreSQL is missing.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from 'unicollab';
import { createPostgresVeltContentStore, type PostgresVeltContentStore, VELT_POSTGRES_MIGRATIONS } from 'unicollab/velt';
import { type PostgresServer, startPostgres } from '../../../support/postgres.js';
import { handlerSuite, storeSuite } from './suites.js';

let server: PostgresServer;
let pool: pg.Pool;
let schemas = 0;
const stores: PostgresVeltContentStore[] = [];

beforeAll(async () => {
  server = await startPostgres();
  pool = new pg.Pool({ connectionString: server.url, max: 4 });
  // an idle client hearing the server stop at the end must not crash the run
  pool.on('error', () => {});
});

afterAll(async () => {
  for (const store of stores) await store.close();
  await pool?.end();
  await server?.stop();
});

/** A fresh store: its own schema, migrated. */
const makeStore = async () => {
  const store = createPostgresVeltContentStore({ pool, schema: `velt_test_${++schemas}` });
  await store.migrate();
  stores.push(store);
  return store;
};

storeSuite('postgres', makeStore);
handlerSuite('postgres', makeStore);

describe('createPostgresVeltContentStore', () => {
  it('migrate() creates the tables once, records the version, and is idempotent and concurrent-safe', async () => {
    const store = createPostgresVeltContentStore({ pool, schema: 'velt_migrate' });
    await Promise.all([store.migrate(), store.migrate(), store.migrate()]);
    await store.migrate();
    const tables = await pool.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'velt_migrate' ORDER BY table_name`);
    expect(tables.rows.map((r) => r.table_name)).toEqual(['attachments', 'comment_annotations', 'notifications', 'reaction_annotations', 'users', 'velt_schema_migrations']);
    const versions = await pool.query('SELECT version FROM velt_migrate.velt_schema_migrations');
    expect(versions.rows.map((r) => r.version)).toEqual(VELT_POSTGRES_MIGRATIONS.map((m) => m.version));
    const columns = await pool.query(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'velt_migrate' AND table_name = 'comment_annotations' AND column_name = 'data'`,
    );
    expect(columns.rows).toEqual([{ column_name: 'data', data_type: 'jsonb' }]);
    const keys = await pool.query(
      `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
       WHERE i.indrelid = 'velt_migrate.comment_annotations'::regclass AND i.indisprimary ORDER BY a.attname`,
    );
    expect(keys.rows.map((r) => r.attname)).toEqual(['annotation_id', 'organization_id']);
  });

  it('opens and closes its own pool from a connection string', async () => {
    const store = createPostgresVeltContentStore({ connectionString: server.url, schema: 'velt_own_pool' });
    await store.migrate();
    await store.comments.upsert('o1', [{ annotationId: 'a1', comments: { '1': { commentId: '1', commentText: 'hi' } } }]);
    const row = await pool.query(`SELECT organization_id, annotation_id, data FROM velt_own_pool.comment_annotations`);
    expect(row.rows).toEqual([{ organization_id: 'o1', annotation_id: 'a1', data: { annotationId: 'a1', comments: { '1': { commentId: '1', commentText: 'hi' } } } }]);
    await store.close();
  });

  it('the test helper fails (does not skip) when the PostgreSQL binaries are missing, saying how to install them', async () => {
    const saved = process.env.POSTGRES_BIN_DIR;
    process.env.POSTGRES_BIN_DIR = '/nonexistent/postgresql/bin';
    try {
      await expect(startPostgres()).rejects.toThrow(/apt-get install postgresql/);
    } finally {
      if (saved === undefined) delete process.env.POSTGRES_BIN_DIR;
      else process.env.POSTGRES_BIN_DIR = saved;
    }
  });

  it('refuses bad options with ConfigError', () => {
    expect(() => createPostgresVeltContentStore({} as never)).toThrow(ConfigError);
    expect(() => createPostgresVeltContentStore({ pool, schema: 'x"; DROP SCHEMA public; --' })).toThrow(ConfigError);
  });
});
