/**
 * Contract: batching. Id filters are capped at 30 per request (vendors/velt.md §1.5) and chunked;
 * annotations and comments are added many per request (§7.3, §7.8); a batch that fails part-way is a
 * `PartialBatchError` saying which items were written and which failed (§1.2, §5, §7.3).
 */
import { describe, expect, it } from 'vitest';
import { ProviderUnavailableError } from '../../../../src/core/errors.js';
import type { CommentBody } from '../../../../src/core/model/body.js';
import { PartialBatchError, veltBulkOf } from '../../../../src/adapters/velt/index.js';
import { dataOf, expectVelt, ok, ORG, rejection, seen, useNock, veltCollab } from './harness.js';

useNock();

const ids = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
const text = (t: string): CommentBody => ({ version: 1, content: [{ type: 'paragraph', children: [{ type: 'text', text: t }] }] });

describe('id lookups are chunked by 30 (§1.5)', () => {
  it('getRooms: 65 ids -> 3 documents/get calls of 30, 30 and 5; not-found items become `missing`', async () => {
    const all = ids(65, 'doc');
    expectVelt('/organizations/documents/get', ok('ok', all.slice(0, 30).map((id) => ({ id, disabled: false, accessType: 'public' }))));
    // §5.2: one missing id turns the call into HTTP 500 with the found docs and the not-found item in `details`.
    expectVelt(
      '/organizations/documents/get',
      {
        error: {
          status: 'INTERNAL',
          message: 'Error retrieving document(s).',
          details: all.slice(30, 60).map((id) => (id === 'doc42' ? { id, success: false, message: 'Document does not exist', code: 'not-found' } : { id, disabled: false, accessType: 'public' })),
        },
      },
      500,
    );
    expectVelt('/organizations/documents/get', ok('ok', all.slice(60).map((id) => ({ id, disabled: false, accessType: 'public' }))));
    const collab = await veltCollab();
    const { rooms, missing } = await veltBulkOf(collab)!.getRooms(all);
    expect(seen.map((_, i) => (dataOf(i).documentIds as string[]).length)).toEqual([30, 30, 5]);
    expect(dataOf(2)).toEqual({ organizationId: ORG, documentIds: all.slice(60) });
    expect(rooms).toHaveLength(64);
    expect(missing).toEqual(['doc42']);
    await collab.close();
  });

  it('getUsers: 31 ids -> 2 users/get calls', async () => {
    const all = ids(31, 'u');
    expectVelt('/users/get', ok('ok', all.slice(0, 30).map((userId) => ({ userId }))));
    expectVelt('/users/get', ok('ok', []));
    const collab = await veltCollab();
    const { users, missing } = await veltBulkOf(collab)!.getUsers(all);
    expect(dataOf(0).userIds).toHaveLength(30);
    expect(dataOf(1)).toEqual({ organizationId: ORG, userIds: ['u31'] });
    expect(users).toHaveLength(30);
    expect(missing).toEqual(['u31']);
    await collab.close();
  });

  it('getThreads: 31 ids -> 2 commentannotations/get calls; `null` entries become `missing`', async () => {
    const all = ids(31, 'a');
    expectVelt('/commentannotations/get', ok('ok', all.slice(0, 30).map((annotationId) => ({ annotationId, comments: [] }))));
    expectVelt('/commentannotations/get', ok('ok', [null]));
    const collab = await veltCollab();
    const { threads, missing } = await veltBulkOf(collab)!.getThreads('room', all);
    expect(dataOf(0)).toEqual({ organizationId: ORG, documentId: 'room', annotationIds: all.slice(0, 30) });
    expect(dataOf(1)).toEqual({ organizationId: ORG, documentId: 'room', annotationIds: ['a31'] });
    expect(threads).toHaveLength(30);
    expect(missing).toEqual(['a31']);
    await collab.close();
  });
});

describe('multi-comment adds (§7.3, §7.8)', () => {
  it('createThreads sends every thread with all its comments in one request, silently by default', async () => {
    expectVelt(
      '/commentannotations/add',
      ok('Comment Annotation(s) added successfully.', {
        t2: { success: true, annotationId: 't2', commentIds: [4, 5], message: 'Added Successfully' },
        t1: { success: true, annotationId: 't1', commentIds: [1, 2, 3], message: 'Added Successfully' },
      }),
    );
    const collab = await veltCollab();
    const at = new Date('2024-09-24T11:08:49.724Z');
    const created = await veltBulkOf(collab)!.createThreads('room', [
      { id: 't1', metadata: { topic: 'a' }, comments: [{ authorId: 'u1', body: text('one'), createdAt: at }, { authorId: 'u2', body: text('two') }, { authorId: 'u1', body: text('three') }] },
      { id: 't2', resolved: true, createdAt: at, comments: [{ authorId: 'u3', body: text('four') }, { authorId: 'u1', body: text('five') }] },
    ]);
    const data = dataOf(0);
    expect(data).toMatchObject({ organizationId: ORG, documentId: 'room' });
    const annotations = data.commentAnnotations as Array<Record<string, unknown>>;
    expect(annotations).toHaveLength(2);
    expect(annotations[0]).toEqual({
      annotationId: 't1',
      context: { topic: 'a' },
      commentData: [
        { commentText: 'one', commentHtml: '<p>one</p>', from: { userId: 'u1' }, createdAt: at.getTime() },
        { commentText: 'two', commentHtml: '<p>two</p>', from: { userId: 'u2' } },
        { commentText: 'three', commentHtml: '<p>three</p>', from: { userId: 'u1' } },
      ],
    });
    expect(annotations[1]).toMatchObject({ annotationId: 't2', status: { id: 'RESOLVED', name: 'Resolved', type: 'terminal' }, createdAt: at.getTime() });
    // The answer map is not in request order (§7.3): ids are matched by annotationId.
    expect(created).toEqual([
      { threadId: 't1', commentIds: ['1', '2', '3'] },
      { threadId: 't2', commentIds: ['4', '5'] },
    ]);
    await collab.close();
  });

  it('addComments sends many comments in one request and returns their ids in order', async () => {
    expectVelt('/commentannotations/comments/add', ok('Comment(s) added successfully.', [778115, 778116, 778117]));
    const collab = await veltCollab();
    const out = await veltBulkOf(collab)!.addComments('room', 'ann', [{ authorId: 'a', body: text('x') }, { authorId: 'b', body: text('y') }, { authorId: 'c', body: text('z') }]);
    expect((dataOf(0).commentData as unknown[]).length).toBe(3);
    expect(out).toEqual(['778115', '778116', '778117']);
    await collab.close();
  });

  it('addComments chunks 120 comments into requests of 50, 50 and 20', async () => {
    let next = 1;
    for (const n of [50, 50, 20]) expectVelt('/commentannotations/comments/add', ok('ok', Array.from({ length: n }, () => next++)));
    const collab = await veltCollab();
    const out = await veltBulkOf(collab)!.addComments('room', 'ann', Array.from({ length: 120 }, (_, i) => ({ authorId: 'a', body: text(`c${i}`) })));
    expect(seen.map((_, i) => (dataOf(i).commentData as unknown[]).length)).toEqual([50, 50, 20]);
    expect(out).toHaveLength(120);
    expect(out[119]).toBe('120');
    await collab.close();
  });
});

describe('partial batch failure is an error that says what was written (never silent)', () => {
  const threads = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `t${i + 1}`, comments: [{ authorId: 'u', body: text(`t${i + 1}`) }] }));
  const success = (list: string[]) => Object.fromEntries(list.map((id, i) => [id, { success: true, annotationId: id, commentIds: [i + 1], message: 'Added Successfully' }]));

  it('a per-item failure in the second chunk lists the first chunk and the successes of the second as written', async () => {
    expectVelt('/commentannotations/add', ok('ok', success(ids(50, 't'))));
    expectVelt(
      '/commentannotations/add',
      {
        error: {
          status: 'INTERNAL',
          message: 'Error adding comment annotation(s).',
          details: { ...success(['t51', 't52']), t53: { success: false, annotationId: 't53', message: 'Failed to add annotation.' } },
        },
      },
      500,
    );
    const collab = await veltCollab();
    const err = await rejection(veltBulkOf(collab)!.createThreads('room', threads(53)));
    expect(PartialBatchError.is(err)).toBe(true);
    expect(err.written).toHaveLength(52);
    expect(err.written.slice(-2)).toEqual(['t51', 't52']);
    expect(err.failed).toEqual([{ id: 't53', message: 'Failed to add annotation.' }]);
    expect(err.message).toMatch(/1 of 53 item\(s\) failed \(t53: Failed to add annotation\.\); 52 written/);
    expect(err.retryable).toBe(false);
    expect(err.toJSON()).toMatchObject({ failed: [{ id: 't53' }], written: expect.any(Array) });
    await collab.close();
  });

  it('a per-item failure inside an HTTP 200 answer is an error too', async () => {
    expectVelt('/commentannotations/add', ok('ok', { ...success(['t1']), t2: { success: false, annotationId: 't2', message: 'Failed to add annotation.' } }));
    const collab = await veltCollab();
    const err = await rejection(veltBulkOf(collab)!.createThreads('room', threads(2)));
    expect(PartialBatchError.is(err)).toBe(true);
    expect(err.written).toEqual(['t1']);
    expect(err.failed).toEqual([{ id: 't2', message: 'Failed to add annotation.' }]);
    await collab.close();
  });

  it('a whole-request failure after an applied chunk lists the unknown and not attempted items', async () => {
    expectVelt('/commentannotations/add', ok('ok', success(ids(50, 't'))));
    expectVelt('/commentannotations/add', { error: { status: 'UNAVAILABLE', message: 'Unavailable.' } }, 503);
    const collab = await veltCollab();
    const err = await rejection(veltBulkOf(collab)!.createThreads('room', threads(101)));
    expect(PartialBatchError.is(err)).toBe(true);
    expect(err.written).toHaveLength(50);
    expect(err.failed).toHaveLength(51);
    expect(err.failed[0]).toMatchObject({ id: 't51', message: expect.stringContaining('unknown outcome') });
    expect(err.failed[50]).toMatchObject({ id: 't101', message: expect.stringContaining('not attempted') });
    expect(err.cause).toBeInstanceOf(ProviderUnavailableError);
    await collab.close();
  });

  it('a failure of the first chunk is thrown as is (nothing was written)', async () => {
    expectVelt('/commentannotations/add', { error: { status: 'UNAVAILABLE', message: 'Unavailable.' } }, 503);
    const collab = await veltCollab();
    expect(await rejection(veltBulkOf(collab)!.createThreads('room', threads(2)))).toBeInstanceOf(ProviderUnavailableError);
    await collab.close();
  });
});
