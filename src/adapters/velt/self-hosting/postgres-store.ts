/**
 * `createPostgresVeltContentStore`: a `VeltContentStore` on PostgreSQL (the `pg` package). Tables
 * mirror velt-py's MongoDB collections, one JSONB `data` column holding the record as Velt sends it,
 * with the scope in columns and a primary key per organization (velt-py's keys are global):
 *
 * | table | primary key | indexed |
 * |---|---|---|
 * | `comment_annotations` | `(organization_id, annotation_id)` | `(organization_id, document_id)`, `(organization_id, folder_id)` |
 * | `reaction_annotations` | `(organization_id, annotation_id)` | as comments |
 * | `attachments` | `(organization_id, attachment_id)` | `(organization_id, document_id)` |
 * | `users` | `(organization_id, user_id)` | |
 * | `notifications` | `(organization_id, notification_id)` | |
 *
 * `migrate()` applies the shipped migrations (`VELT_POSTGRES_MIGRATIONS`) once each, under an
 * advisory lock, recording them in `velt_schema_migrations`. Every query is parameterised; the
 * schema name is the only identifier interpolated, and it is checked and quoted.
 */
import { ConfigError } from '../../../core/errors.js';
import {
  COMMENT_RECORD_BASE_KEYS,
  metadataString,
  type VeltAnnotationCollection,
  type VeltAnnotationQuery,
  type VeltAttachmentRecord,
  type VeltCommentCollection,
  type VeltContentStore,
  type VeltKeyedCollection,
} from './store.js';
import type { VeltPartialCommentAnnotation, VeltPartialNotification, VeltPartialReactionAnnotation, VeltUserProfile } from './types.js';

/** The part of a `pg` `Pool` (or `Client`) the store uses. */
export interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
}

/** A `pg` `Pool`: queries, plus dedicated clients for the migration transaction. */
export interface PgPoolLike extends PgQueryable {
  connect(): Promise<PgQueryable & { release(error?: unknown): void }>;
  end?(): Promise<void>;
  on?(event: 'error', listener: (error: unknown) => void): unknown;
}

/** Options of `createPostgresVeltContentStore`: a connection string, or a `pg` pool you own. */
export type PostgresVeltContentStoreOptions = (
  | { /** `postgres://user:pass@host:5432/db`; the store opens (and `close()` ends) its own pool. */ connectionString: string; pool?: undefined }
  | { /** A `pg.Pool` you created; `close()` leaves it open. */ pool: PgPoolLike; connectionString?: undefined }
) & {
  /** The schema the tables live in (default `public`); created by `migrate()` when missing. */
  schema?: string;
  /** Options for the pool created from `connectionString` (`max`, `ssl`, ...). */
  poolOptions?: Record<string, unknown>;
  /**
   * Errors of idle connections of the pool the store opened (a server restart, a network drop): `pg`
   * emits them on the pool, and an unlistened one would crash the process. Default: ignored (the pool
   * replaces the connection; the next query reports a lasting problem).
   */
  onPoolError?: (error: unknown) => void;
};

/** A PostgreSQL content store; call `migrate()` once before use (at deploy or start-up). */
export interface PostgresVeltContentStore extends VeltContentStore {
  /** Creates or upgrades the tables (idempotent, safe to run from several processes at once). */
  migrate(): Promise<void>;
  /** Ends the pool the store opened (a pool you passed in stays open). */
  close(): Promise<void>;
}

/** The shipped migrations, in order; `$schema` stands for the quoted schema name. */
export const VELT_POSTGRES_MIGRATIONS: readonly { version: number; name: string; sql: string }[] = Object.freeze([
  {
    version: 1,
    name: 'velt content tables',
    sql: `
CREATE TABLE IF NOT EXISTS $schema.comment_annotations (
  organization_id text NOT NULL,
  annotation_id   text NOT NULL,
  document_id     text,
  folder_id       text,
  data            jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, annotation_id)
);
CREATE INDEX IF NOT EXISTS comment_annotations_document ON $schema.comment_annotations (organization_id, document_id);
CREATE INDEX IF NOT EXISTS comment_annotations_folder ON $schema.comment_annotations (organization_id, folder_id);
CREATE TABLE IF NOT EXISTS $schema.reaction_annotations (
  organization_id text NOT NULL,
  annotation_id   text NOT NULL,
  document_id     text,
  folder_id       text,
  data            jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, annotation_id)
);
CREATE INDEX IF NOT EXISTS reaction_annotations_document ON $schema.reaction_annotations (organization_id, document_id);
CREATE INDEX IF NOT EXISTS reaction_annotations_folder ON $schema.reaction_annotations (organization_id, folder_id);
CREATE TABLE IF NOT EXISTS $schema.attachments (
  organization_id text NOT NULL,
  attachment_id   bigint NOT NULL,
  document_id     text,
  blob_key        text NOT NULL,
  data            jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, attachment_id)
);
CREATE INDEX IF NOT EXISTS attachments_document ON $schema.attachments (organization_id, document_id);
CREATE TABLE IF NOT EXISTS $schema.users (
  organization_id text NOT NULL,
  user_id         text NOT NULL,
  data            jsonb NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, user_id)
);
CREATE TABLE IF NOT EXISTS $schema.notifications (
  organization_id text NOT NULL,
  notification_id text NOT NULL,
  data            jsonb NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, notification_id)
);`,
  },
]);

/** The record key of the adapter's pending notes (`content.ts` `PENDING_KEY`; a constant, never input). */
const PENDING = 'unicollabPending';
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
/** Advisory lock id of the migrations ("velt" in ASCII). */
const MIGRATION_LOCK = 0x76656c74;

/** The records with distinct ids, the last of each id winning (one statement cannot upsert a key twice). */
function lastById<T>(records: readonly T[], idOf: (record: T) => string): T[] {
  const byId = new Map<string, T>();
  for (const record of records) {
    const id = idOf(record);
    byId.delete(id);
    byId.set(id, record);
  }
  return [...byId.values()];
}

function annotationTable<T extends { annotationId: string }>(db: PgQueryable, table: string): VeltAnnotationCollection<T> {
  return {
    async get(organizationId, query: VeltAnnotationQuery) {
      const values: unknown[] = [organizationId];
      let sql = `SELECT data FROM ${table} WHERE organization_id = $1`;
      if (query.annotationIds) {
        values.push([...query.annotationIds]);
        sql += ` AND annotation_id = ANY($${values.length}::text[])`;
      }
      if (query.documentIds) {
        values.push([...query.documentIds]);
        sql += ` AND document_id = ANY($${values.length}::text[])`;
      }
      if (query.folderId !== undefined) {
        values.push(query.folderId);
        sql += ` AND folder_id = $${values.length}`;
      }
      const { rows } = await db.query(`${sql} ORDER BY created_at, annotation_id`, values);
      const out: Record<string, T> = {};
      for (const row of rows) {
        const record = row.data as T;
        out[record.annotationId] = record;
      }
      return out;
    },
    async upsert(organizationId, records) {
      if (records.length === 0) return;
      // One statement, so a multi-annotation save is applied whole or not at all. `||` merges top-level
      // keys (velt-py's `$set`): absent keys keep their value, a given `comments` map replaces the stored one.
      await db.query(
        `INSERT INTO ${table} (organization_id, annotation_id, document_id, folder_id, data)
         SELECT $1, e->>'annotationId', NULLIF(e->'metadata'->>'documentId', ''), NULLIF(e->'metadata'->>'folderId', ''), e
         FROM jsonb_array_elements($2::jsonb) AS e
         ON CONFLICT (organization_id, annotation_id) DO UPDATE SET
           data = ${table}.data || EXCLUDED.data,
           document_id = COALESCE(EXCLUDED.document_id, ${table}.document_id),
           folder_id = COALESCE(EXCLUDED.folder_id, ${table}.folder_id),
           updated_at = now()`,
        [organizationId, JSON.stringify(lastById(records, (r) => r.annotationId))],
      );
    },
    async delete(organizationId, annotationId) {
      const { rowCount } = await db.query(`DELETE FROM ${table} WHERE organization_id = $1 AND annotation_id = $2`, [organizationId, annotationId]);
      return (rowCount ?? 0) > 0;
    },
  };
}

/** `x` when it is a JSON object, else `{}` (SQL expression). */
const objectOr = (x: string): string => `(CASE WHEN jsonb_typeof(${x}) = 'object' THEN ${x} ELSE '{}'::jsonb END)`;

/**
 * The comment annotations table: `annotationTable` plus per-message writes, each ONE statement
 * (`INSERT ... ON CONFLICT DO UPDATE` / `UPDATE`): PostgreSQL locks the row and computes the new value
 * from its latest committed version, so concurrent writers (other pools, other processes) to the same
 * thread never lose each other's messages. Ids are parameters (`ARRAY['comments', $3::text]`), never SQL text.
 */
function commentTable(db: PgQueryable, table: string): VeltCommentCollection {
  const base = annotationTable<VeltPartialCommentAnnotation>(db, table);
  const stored = `${table}.data`;
  return {
    ...base,
    async putComment(organizationId, annotationId, commentId, put) {
      // $1 org, $2 annotation id, $3 comment id, $4 content, $5 metadata (or null), $6 from (or null),
      // $7 whether to touch the pending note, $8 the note (null: remove it).
      const withComments = `(${stored} || jsonb_build_object('comments', ${objectOr(`${stored}->'comments'`)}))`;
      const withMessage = `jsonb_set(${withComments}, ARRAY['comments', $3::text], $4::jsonb, true)`;
      const withMetadata = `(${withMessage} || CASE WHEN $5::jsonb IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('metadata', ${objectOr(`${stored}->'metadata'`)} || $5::jsonb) END)`;
      const withFrom = `(${withMetadata} || CASE WHEN $6::jsonb IS NULL OR ${stored} ? 'from' THEN '{}'::jsonb ELSE jsonb_build_object('from', $6::jsonb) END)`;
      const pendingAfter = `(${objectOr(`${stored}->'${PENDING}'`)} - $3::text) || CASE WHEN $8::jsonb IS NULL THEN '{}'::jsonb ELSE jsonb_build_object($3::text, $8::jsonb) END`;
      const withPending = `(${withFrom} || CASE WHEN $7::boolean THEN jsonb_build_object('${PENDING}', ${pendingAfter}) ELSE '{}'::jsonb END)`;
      const initial = `jsonb_build_object('annotationId', $2::text, 'metadata', coalesce($5::jsonb, '{}'::jsonb), 'comments', jsonb_build_object($3::text, $4::jsonb))
             || CASE WHEN $6::jsonb IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('from', $6::jsonb) END
             || CASE WHEN $7::boolean THEN jsonb_build_object('${PENDING}', CASE WHEN $8::jsonb IS NULL THEN '{}'::jsonb ELSE jsonb_build_object($3::text, $8::jsonb) END) ELSE '{}'::jsonb END`;
      const metadata = put.metadata ?? null;
      await db.query(
        `INSERT INTO ${table} (organization_id, annotation_id, document_id, folder_id, data)
         VALUES ($1, $2, NULLIF($5::jsonb->>'documentId', ''), NULLIF($5::jsonb->>'folderId', ''), ${initial})
         ON CONFLICT (organization_id, annotation_id) DO UPDATE SET
           data = ${withPending},
           document_id = COALESCE(EXCLUDED.document_id, ${table}.document_id),
           folder_id = COALESCE(EXCLUDED.folder_id, ${table}.folder_id),
           updated_at = now()`,
        [
          organizationId,
          annotationId,
          commentId,
          JSON.stringify(put.content),
          metadata === null ? null : JSON.stringify(metadata),
          put.from ? JSON.stringify({ userId: put.from.userId }) : null,
          put.pending !== undefined,
          put.pending === undefined || put.pending === null ? null : JSON.stringify(put.pending),
        ],
      );
    },
    async deleteComment(organizationId, annotationId, commentId, options) {
      if (options?.dropEmptyRecord) {
        // Step 1 (atomic on the row): delete the record when it holds nothing but this message. If another
        // writer added anything, the condition fails and step 2 removes just this message.
        const { rowCount: dropped } = await db.query(
          `DELETE FROM ${table}
           WHERE organization_id = $1 AND annotation_id = $2
             AND (${objectOr(`data->'comments'`)} ? $3::text OR ${objectOr(`data->'${PENDING}'`)} ? $3::text)
             AND (${objectOr(`data->'comments'`)} - $3::text) = '{}'::jsonb
             AND (${objectOr(`data->'${PENDING}'`)} - $3::text) = '{}'::jsonb
             AND (data - $4::text[]) = '{}'::jsonb`,
          [organizationId, annotationId, commentId, [...COMMENT_RECORD_BASE_KEYS]],
        );
        if ((dropped ?? 0) > 0) return true;
      }
      const { rowCount } = await db.query(
        `UPDATE ${table} SET
           data = jsonb_set(data, '{comments}', ${objectOr(`data->'comments'`)} - $3::text, true)
                  || CASE WHEN data ? '${PENDING}' THEN jsonb_build_object('${PENDING}', ${objectOr(`data->'${PENDING}'`)} - $3::text) ELSE '{}'::jsonb END,
           updated_at = now()
         WHERE organization_id = $1 AND annotation_id = $2
           AND (${objectOr(`data->'comments'`)} ? $3::text OR ${objectOr(`data->'${PENDING}'`)} ? $3::text)`,
        [organizationId, annotationId, commentId],
      );
      return (rowCount ?? 0) > 0;
    },
    async clearPending(organizationId, annotationId, commentIds) {
      if (commentIds.length === 0) return;
      await db.query(
        `UPDATE ${table} SET data = jsonb_set(data, '{${PENDING}}', ${objectOr(`data->'${PENDING}'`)} - $3::text[], true), updated_at = now()
         WHERE organization_id = $1 AND annotation_id = $2 AND data ? '${PENDING}'`,
        [organizationId, annotationId, [...commentIds]],
      );
    },
  };
}

function keyedTable<T>(db: PgQueryable, table: string, column: string, idOf: (record: T) => string): VeltKeyedCollection<T> {
  return {
    async get(organizationId, ids) {
      if (ids.length === 0) return {};
      const { rows } = await db.query(`SELECT ${column} AS id, data FROM ${table} WHERE organization_id = $1 AND ${column} = ANY($2::text[])`, [organizationId, [...ids]]);
      const out: Record<string, T> = {};
      for (const row of rows) out[row.id as string] = row.data as T;
      return out;
    },
    async upsert(organizationId, records) {
      if (records.length === 0) return;
      const list = lastById(records, idOf);
      await db.query(
        `INSERT INTO ${table} (organization_id, ${column}, data)
         SELECT $1, ids.id, ids.data FROM unnest($2::text[], $3::jsonb[]) AS ids(id, data)
         ON CONFLICT (organization_id, ${column}) DO UPDATE SET data = EXCLUDED.data, updated_at = now()`,
        [organizationId, list.map(idOf), list.map((record) => JSON.stringify(record))],
      );
    },
    async delete(organizationId, id) {
      const { rowCount } = await db.query(`DELETE FROM ${table} WHERE organization_id = $1 AND ${column} = $2`, [organizationId, id]);
      return (rowCount ?? 0) > 0;
    },
  };
}

async function loadPool(connectionString: string, poolOptions: Record<string, unknown> | undefined, onPoolError: (error: unknown) => void): Promise<PgPoolLike> {
  let pg: { default?: { Pool: new (config: object) => PgPoolLike }; Pool?: new (config: object) => PgPoolLike };
  try {
    pg = (await import('pg')) as unknown as typeof pg;
  } catch {
    throw new ConfigError('createPostgresVeltContentStore needs the pg package: npm install pg', { field: 'connectionString' });
  }
  const Pool = pg.default?.Pool ?? pg.Pool;
  if (!Pool) throw new ConfigError('the pg package has no Pool export', { field: 'connectionString' });
  const pool = new Pool({ ...poolOptions, connectionString });
  pool.on?.('error', (error) => {
    try {
      onPoolError(error);
    } catch {
      // a failing listener must not crash the process either
    }
  });
  return pool;
}

/**
 * Creates the PostgreSQL store. With `connectionString` the `pg` package is loaded on first use
 * (install it: it is an optional dependency of unicollab).
 *
 * @throws ConfigError without a connection string or pool, or with an invalid schema name.
 */
export function createPostgresVeltContentStore(options: PostgresVeltContentStoreOptions): PostgresVeltContentStore {
  const schemaName = options?.schema ?? 'public';
  if (!IDENTIFIER.test(schemaName)) throw new ConfigError('schema must be a lower-case SQL identifier ([a-z_][a-z0-9_]*)', { field: 'schema' });
  if (!options.pool && (typeof options.connectionString !== 'string' || options.connectionString === '')) {
    throw new ConfigError('connectionString or pool is required', { field: 'connectionString' });
  }
  const schema = `"${schemaName}"`;
  const owned = !options.pool;
  let pool: Promise<PgPoolLike> | undefined = options.pool ? Promise.resolve(options.pool) : undefined;
  const getPool = (): Promise<PgPoolLike> => (pool ??= loadPool(options.connectionString as string, options.poolOptions, options.onPoolError ?? (() => {})));
  const db: PgQueryable = { query: async (text, values) => (await getPool()).query(text, values) };

  return {
    comments: commentTable(db, `${schema}.comment_annotations`),
    reactions: annotationTable<VeltPartialReactionAnnotation>(db, `${schema}.reaction_annotations`),
    attachments: {
      async get(organizationId, attachmentId) {
        const { rows } = await db.query(`SELECT data FROM ${schema}.attachments WHERE organization_id = $1 AND attachment_id = $2`, [organizationId, attachmentId]);
        return rows[0]?.data as VeltAttachmentRecord | undefined;
      },
      async upsert(organizationId, record) {
        // One statement: the previous row (if any) is read in the same snapshot as the write.
        const { rows } = await db.query(
          `WITH previous AS (SELECT data FROM ${schema}.attachments WHERE organization_id = $1 AND attachment_id = $2),
                written AS (
                  INSERT INTO ${schema}.attachments (organization_id, attachment_id, document_id, blob_key, data)
                  VALUES ($1, $2, $3, $4, $5::jsonb)
                  ON CONFLICT (organization_id, attachment_id) DO UPDATE SET
                    data = EXCLUDED.data, blob_key = EXCLUDED.blob_key, document_id = EXCLUDED.document_id, updated_at = now()
                  RETURNING 1)
           SELECT previous.data FROM previous, written`,
          [organizationId, record.attachmentId, metadataString(record, 'documentId') ?? null, record.blobKey, JSON.stringify(record)],
        );
        return rows[0]?.data as VeltAttachmentRecord | undefined;
      },
      async delete(organizationId, attachmentId) {
        const { rows } = await db.query(`DELETE FROM ${schema}.attachments WHERE organization_id = $1 AND attachment_id = $2 RETURNING data`, [organizationId, attachmentId]);
        return rows[0]?.data as VeltAttachmentRecord | undefined;
      },
    },
    users: keyedTable<VeltUserProfile>(db, `${schema}.users`, 'user_id', (user) => user.userId),
    notifications: keyedTable<VeltPartialNotification>(db, `${schema}.notifications`, 'notification_id', (n) => n.notificationId),
    async migrate() {
      const client = await (await getPool()).connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.velt_schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
        const { rows } = await client.query(`SELECT version FROM ${schema}.velt_schema_migrations`);
        const applied = new Set(rows.map((row) => Number(row.version)));
        for (const migration of VELT_POSTGRES_MIGRATIONS) {
          if (applied.has(migration.version)) continue;
          await client.query(migration.sql.replaceAll('$schema', schema));
          await client.query(`INSERT INTO ${schema}.velt_schema_migrations (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      if (owned && pool) {
        const current = pool;
        pool = undefined;
        await (await current).end?.();
      }
    },
  };
}
