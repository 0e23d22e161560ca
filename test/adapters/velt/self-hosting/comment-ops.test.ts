/**
 * Atomic per-message writes of the content store (`comments.putComment` / `deleteComment` /
 * `clearPending`), with the memory store and a REAL PostgreSQL store (test/support/postgres.ts; fails,
 * does not skip, when PostgreSQL is missing). The PostgreSQL writers come from two separate pools, so
 * the statements really run at the same time in different server sessions.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresVeltContentStore } from '../../../../src/adapters/velt/self-hosting/postgres-store.js';
import { createMemoryVeltContentStore, type VeltContentStore } from '../../../../src/adapters/velt/self-hosting/store.js';
import { type PostgresServer, startPostgres } from '../../../support/postgres.js';

const N = 50;

function semantics(name: string, make: () => Promise<VeltContentStore>) {
  describe(`comment ops semantics (${name})`, () => {
    it('putComment creates the record, replaces one message, keeps the others and the other keys', async () => {
      const store = await make();
      await store.comments.putComment!('o1', 'a1', '1', { content: { commentId: 1, commentText: 'one' }, metadata: { organizationId: 'o1', documentId: 'd1' }, from: { userId: 'u1' }, pending: { op: 'create' } });
      expect((await store.comments.get('o1', { documentIds: ['d1'] })).a1).toEqual({
        annotationId: 'a1',
        metadata: { organizationId: 'o1', documentId: 'd1' },
        comments: { '1': { commentId: 1, commentText: 'one' } },
        from: { userId: 'u1' },
        unicollabPending: { '1': { op: 'create' } },
      });
      await store.comments.upsert('o1', [{ annotationId: 'a1', comments: { '1': { commentId: 1, commentText: 'one' } }, custom: 'x' }]);
      await store.comments.putComment!('o1', 'a1', '2', { content: { commentId: 2, commentText: 'two' }, from: { userId: 'u2' }, pending: { op: 'create' } });
      await store.comments.putComment!('o1', 'a1', '1', { content: { commentId: 1, commentText: 'uno' }, metadata: { folderId: 'f1' } });
      const record = (await store.comments.get('o1', { annotationIds: ['a1'] })).a1!;
      expect(record.comments).toEqual({ '1': { commentId: 1, commentText: 'uno' }, '2': { commentId: 2, commentText: 'two' } });
      expect(record.from).toEqual({ userId: 'u1' });
      expect(record.custom).toBe('x');
      expect(record.metadata).toEqual({ organizationId: 'o1', documentId: 'd1', folderId: 'f1' });
      expect(record.unicollabPending).toEqual({ '1': { op: 'create' }, '2': { op: 'create' } });
      expect(Object.keys(await store.comments.get('o1', { folderId: 'f1' }))).toEqual(['a1']);
      // Scoped to the organization.
      expect(await store.comments.get('o2', { annotationIds: ['a1'] })).toEqual({});
      expect(await store.comments.deleteComment!('o2', 'a1', '1')).toBe(false);
    });

    it('clearPending and deleteComment touch only their messages; pending: null removes a note', async () => {
      const store = await make();
      for (const id of ['1', '2', '3']) await store.comments.putComment!('o1', 'a1', id, { content: { commentId: id, commentText: `t${id}` }, pending: { op: 'create', at: 1 } });
      await store.comments.clearPending!('o1', 'a1', ['1']);
      await store.comments.putComment!('o1', 'a1', '2', { content: { commentId: '2', commentText: 'edited' }, pending: null });
      let record = (await store.comments.get('o1', { annotationIds: ['a1'] })).a1!;
      expect(record.unicollabPending).toEqual({ '3': { op: 'create', at: 1 } });
      expect(Object.keys(record.comments).sort()).toEqual(['1', '2', '3']);
      expect(await store.comments.deleteComment!('o1', 'a1', '3')).toBe(true);
      expect(await store.comments.deleteComment!('o1', 'a1', '3')).toBe(false);
      expect(await store.comments.deleteComment!('o1', 'missing', '3')).toBe(false);
      record = (await store.comments.get('o1', { annotationIds: ['a1'] })).a1!;
      expect(record.comments).toEqual({ '1': { commentId: '1', commentText: 't1' }, '2': { commentId: '2', commentText: 'edited' } });
      expect(record.unicollabPending).toEqual({});
      // Ids are data, not SQL or JSON paths.
      const odd = `x'}"; DROP TABLE comment_annotations; --{a,b}`;
      await store.comments.putComment!('o1', 'a1', odd, { content: { commentId: odd, commentText: 'odd' }, pending: { op: 'create' } });
      record = (await store.comments.get('o1', { annotationIds: ['a1'] })).a1!;
      expect(record.comments[odd]?.commentText).toBe('odd');
      expect(await store.comments.deleteComment!('o1', 'a1', odd)).toBe(true);
      expect(Object.keys((await store.comments.get('o1', { annotationIds: ['a1'] })).a1!.comments).sort()).toEqual(['1', '2']);
    });

    it(`${N} concurrent putComment on one (new) thread: every message is kept`, async () => {
      const store = await make();
      await Promise.all(
        Array.from({ length: N }, (_, i) => store.comments.putComment!('o1', 'hot', String(i + 1), { content: { commentId: i + 1, commentText: `message ${i + 1}` }, metadata: { documentId: 'd1' }, pending: { op: 'create' } })),
      );
      await Promise.all(Array.from({ length: N }, (_, i) => (i % 2 === 0 ? store.comments.clearPending!('o1', 'hot', [String(i + 1)]) : store.comments.deleteComment!('o1', 'hot', String(i + 1)))));
      const record = (await store.comments.get('o1', { annotationIds: ['hot'] })).hot!;
      const kept = Array.from({ length: N / 2 }, (_, k) => String(2 * k + 1));
      expect(Object.keys(record.comments).sort()).toEqual([...kept].sort());
      for (const id of kept) expect(record.comments[id]?.commentText).toBe(`message ${id}`);
      expect(record.unicollabPending).toEqual({});
    });
  });
}

semantics('memory', async () => createMemoryVeltContentStore());

describe('postgres', () => {
  let server: PostgresServer;
  const pools: pg.Pool[] = [];
  let schemas = 0;
  const pool = (max: number) => {
    const p = new pg.Pool({ connectionString: server.url, max });
    p.on('error', () => {});
    pools.push(p);
    return p;
  };

  beforeAll(async () => {
    server = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    for (const p of pools) await p.end().catch(() => {});
    await server?.stop();
  });

  semantics('postgres', async () => {
    const store = createPostgresVeltContentStore({ pool: pool(4), schema: `velt_ops_${++schemas}` });
    await store.migrate();
    return store;
  });

  it(`${N} concurrent putComment on one thread from two separate pools: every message is kept`, async () => {
    const schema = `velt_ops_two_pools`;
    const a = createPostgresVeltContentStore({ pool: pool(8), schema });
    const b = createPostgresVeltContentStore({ pool: pool(8), schema });
    await Promise.all([a.migrate(), b.migrate()]);
    // Two rounds: on a thread that does not exist yet (concurrent inserts), then on one that does (updates).
    for (const offset of [0, N]) {
      const thread = 'fresh';
      await Promise.all(
        Array.from({ length: N }, (_, i) =>
          (i % 2 === 0 ? a : b).comments.putComment!('o1', thread, String(offset + i + 1), { content: { commentId: offset + i + 1, commentText: `message ${offset + i + 1}` }, metadata: { documentId: 'd1' }, pending: { op: 'create' } }),
        ),
      );
    }
    const record = (await b.comments.get('o1', { annotationIds: ['fresh'] })).fresh!;
    expect(Object.keys(record.comments)).toHaveLength(2 * N);
    for (let id = 1; id <= 2 * N; id++) expect(record.comments[String(id)]?.commentText).toBe(`message ${id}`);
    expect(Object.keys(record.unicollabPending)).toHaveLength(2 * N);
  }, 60_000);

  it('the same race through read-modify-write upserts loses messages (why the per-message operations exist)', async () => {
    const schema = `velt_ops_rmw`;
    const a = createPostgresVeltContentStore({ pool: pool(8), schema });
    const b = createPostgresVeltContentStore({ pool: pool(8), schema });
    await a.migrate();
    await a.comments.upsert('o1', [{ annotationId: 't', comments: {} }]);
    await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const s = i % 2 === 0 ? a : b;
        const record = (await s.comments.get('o1', { annotationIds: ['t'] })).t!;
        await s.comments.upsert('o1', [{ ...record, comments: { ...record.comments, [String(i + 1)]: { commentId: i + 1, commentText: `m${i + 1}` } } }]);
      }),
    );
    const record = (await a.comments.get('o1', { annotationIds: ['t'] })).t!;
    expect(Object.keys(record.comments).length).toBeLessThan(N);
  }, 60_000);
});
