/**
 * The self-hosted write protocol of the Velt adapter, against the Velt emulator in self-hosted mode and a
 * given content store: store first, then Velt's REST without the content; a REST failure after the store
 * write is a `PartialFailureError` naming what was written, and the retry completes without duplicates;
 * a refusal by Velt rolls the store back. Run with the memory store and with a real PostgreSQL store.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type Collab, createCollab, registerAdapter } from '../../../../src/collab.js';
import { CollabError, NotFoundError, PartialFailureError } from '../../../../src/core/errors.js';
import { fromText } from '../../../../src/core/body/index.js';
import type { VeltContentStore } from '../../../../src/adapters/velt/self-hosting/store.js';
import { ORPHAN_GRACE_MS, PENDING_KEY } from '../../../../src/adapters/velt/self-hosting/content.js';
import { startVeltEmulator, type VeltEmulator } from '../emulator/server.js';
import { contentSentToVelt, veltSideLeaks } from '../conformance/self-hosted-probe.js';

const API_KEY = 'velt_selfhosted_contract_key_61c2';
const AUTH_TOKEN = 'velt_selfhosted_contract_token_0f7e';
const ORG = 'sh-org';
const ROOM = 'sh-room';

registerAdapter('velt', async () => (await import('../../../../src/adapters/velt/index.js')).veltAdapter);

const text = (s: string) => fromText(s);
const plain = (body: unknown) => JSON.stringify(body);

/** Wraps a store so every write is logged (with how many Velt requests were made before it). */
function logged(store: VeltContentStore, log: string[], velt: () => VeltEmulator): VeltContentStore {
  const mark = (what: string) => log.push(`${what} after ${velt().requests.filter((r) => !r.path.endsWith('/get')).length} velt writes`);
  return {
    ...store,
    comments: {
      get: (o, q) => store.comments.get(o, q),
      upsert: async (o, r) => {
        mark('store.comments.upsert');
        await store.comments.upsert(o, r);
      },
      delete: async (o, id) => {
        mark('store.comments.delete');
        return store.comments.delete(o, id);
      },
    },
    users: {
      get: (o, ids) => store.users.get(o, ids),
      upsert: async (o, r) => {
        mark('store.users.upsert');
        await store.users.upsert(o, r);
      },
      delete: async (o, id) => {
        mark('store.users.delete');
        return store.users.delete(o, id);
      },
    },
  };
}

export function selfHostedSuite(name: string, makeStore: () => Promise<VeltContentStore>): void {
  describe(`velt self-hosted writes (${name} store)`, () => {
    let emulator: VeltEmulator;
    let store: VeltContentStore;
    let collab: Collab;
    const log: string[] = [];
    const open: Array<{ close(): Promise<void> }> = [];

    beforeEach(async () => {
      emulator = await startVeltEmulator({ apiKey: API_KEY, authToken: AUTH_TOKEN, selfHosted: 'reject', requireExistingParents: false });
      open.push(emulator);
      log.length = 0;
      store = await makeStore();
      collab = await createCollab({
        provider: 'velt',
        apiKey: API_KEY,
        authToken: AUTH_TOKEN,
        organizationId: ORG,
        baseUrl: emulator.url,
        selfHosting: { store: logged(store, log, () => emulator) },
        retries: 0,
      });
      open.push(collab);
    });
    afterAll(async () => {
      for (const o of open.reverse()) await o.close().catch(() => {});
    });

    const record = async (threadId: string) => (await store.comments.get(ORG, { annotationIds: [threadId] }))[threadId];

    it('threads.create and comments.create write the store before Velt, send no text, and read it back', async () => {
      const thread = await collab.threads.create({ roomId: ROOM, comment: { authorId: 'alice', body: text('first words') } });
      const reply = await collab.comments.create({ roomId: ROOM, threadId: thread.id, authorId: 'bob', body: text('second words') });
      expect(log).toEqual(['store.comments.upsert after 0 velt writes', 'store.comments.upsert after 1 velt writes', 'store.comments.upsert after 1 velt writes', 'store.comments.upsert after 2 velt writes']);
      const sent = emulator.requests.find((r) => r.path === '/v2/commentannotations/add')!.body as { data: { commentAnnotations: Array<{ annotationId: string; commentData: Array<Record<string, unknown>> }> } };
      const c = sent.data.commentAnnotations[0]!.commentData[0]!;
      expect(c).toMatchObject({ isCommentResolverUsed: true, isCommentTextAvailable: true, from: { userId: 'alice' } });
      expect(c).not.toHaveProperty('commentText');
      expect(c).not.toHaveProperty('commentHtml');
      expect(sent.data.commentAnnotations[0]!.annotationId).toBe(thread.id);
      expect(veltSideLeaks(emulator, ORG)).toEqual([]);
      expect(contentSentToVelt(emulator)).toEqual([]);
      const stored = await record(thread.id);
      expect(stored?.comments[reply.id]?.commentText).toBe('second words');
      expect(stored?.[PENDING_KEY]).toEqual({});
      const read = await collab.threads.get(ROOM, thread.id);
      expect(read.comments.map((m) => plain(m.body))).toEqual([plain(text('first words')), plain(text('second words'))]);
      expect((await collab.threads.list(ROOM)).items[0]!.comments[1]!.body).toEqual(thread.comments.length ? reply.body : undefined);
      await collab.comments.edit(ROOM, thread.id, reply.id, { body: text('edited words') });
      expect((await collab.comments.get(ROOM, thread.id, reply.id)).body).toEqual(text('edited words'));
      expect(emulator.state.comment(ORG, ROOM, thread.id, Number(reply.id))).not.toHaveProperty('commentText');
    });

    it('a failed REST write after the store write is a PartialFailureError naming what was written; the retry adds no duplicate', async () => {
      const thread = await collab.threads.create({ roomId: ROOM, comment: { authorId: 'alice', body: text('opening') } });
      emulator.state.failNext({ path: '/commentannotations/comments/add', status: 'UNAVAILABLE' });
      const input = { roomId: ROOM, threadId: thread.id, authorId: 'bob', body: text('reply that must appear once') };
      const error = await collab.comments.create(input).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PartialFailureError);
      const pfe = error as PartialFailureError;
      expect(pfe.retryable).toBe(true);
      expect(pfe.written).toHaveLength(1);
      const [, commentId] = /comments\/(\d+)$/.exec(pfe.written[0]!)!;
      expect(pfe.written[0]).toBe(`store:comment_annotations/${thread.id}/comments/${commentId}`);
      expect(pfe.failed[0]).toMatchObject({ id: `velt:commentannotations/${thread.id}/comments/${commentId}`, code: 'provider_unavailable' });
      expect(pfe.message).toContain('written');
      // The store holds the content, noted pending; readers do not see a message Velt does not have.
      const stored = await record(thread.id);
      expect(stored?.comments[commentId!]?.commentText).toBe('reply that must appear once');
      expect(Object.keys(stored?.[PENDING_KEY] ?? {})).toEqual([commentId]);
      expect((await collab.threads.get(ROOM, thread.id)).comments).toHaveLength(1);
      // The retry reuses the pending id: one reply, the one the error named.
      const retried = await collab.comments.create(input);
      expect(retried.id).toBe(commentId);
      expect(retried.body).toEqual(text('reply that must appear once'));
      const after = await collab.threads.get(ROOM, thread.id);
      expect(after.comments.map((m) => m.id)).toEqual([thread.comments[0]!.id, commentId]);
      expect((await record(thread.id))?.[PENDING_KEY]).toEqual({});
    });

    it('a retry whose first attempt did reach Velt (the answer was lost) completes without a duplicate', async () => {
      const thread = await collab.threads.create({ roomId: ROOM, comment: { authorId: 'alice', body: text('opening') } });
      emulator.state.failNext({ path: '/commentannotations/comments/add', kind: 'reset' });
      const input = { roomId: ROOM, threadId: thread.id, authorId: 'bob', body: text('lost answer') };
      const error = (await collab.comments.create(input).catch((e: unknown) => e)) as PartialFailureError;
      expect(error).toBeInstanceOf(PartialFailureError);
      const commentId = /comments\/(\d+)$/.exec(error.written[0]!)![1]!;
      // Velt applied it after all (as if only the answer was lost): the same structural write lands now.
      const res = await fetch(`${emulator.url}/v2/commentannotations/comments/add`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-velt-api-key': API_KEY, 'x-velt-auth-token': AUTH_TOKEN },
        body: JSON.stringify({ data: { organizationId: ORG, documentId: ROOM, annotationId: thread.id, commentData: [{ commentId: Number(commentId), from: { userId: 'bob' }, isCommentResolverUsed: true, isCommentTextAvailable: true }] } }),
      });
      expect(res.status).toBe(200);
      const retried = await collab.comments.create(input);
      expect(retried.id).toBe(commentId);
      expect((await collab.threads.get(ROOM, thread.id)).comments.map((m) => m.id)).toEqual([thread.comments[0]!.id, commentId]);
    });

    it('a failed create nobody retries is invisible, and the next create in the thread removes its content (repair)', async () => {
      const thread = await collab.threads.create({ roomId: ROOM, comment: { authorId: 'alice', body: text('opening') } });
      emulator.state.failNext({ path: '/commentannotations/comments/add', status: 'UNAVAILABLE' });
      const error = (await collab.comments.create({ roomId: ROOM, threadId: thread.id, authorId: 'bob', body: text('abandoned') }).catch((e: unknown) => e)) as PartialFailureError;
      const orphan = /comments\/(\d+)$/.exec(error.written[0]!)![1]!;
      expect((await record(thread.id))?.comments[orphan]).toBeDefined();
      expect((await collab.threads.get(ROOM, thread.id)).comments).toHaveLength(1);
      // A pending create younger than ORPHAN_GRACE_MS may be a concurrent write still in flight: it is kept.
      const young = await collab.comments.create({ roomId: ROOM, threadId: thread.id, authorId: 'bob', body: text('a younger reply') });
      expect((await record(thread.id))?.comments[orphan]).toBeDefined();
      // Once older than that, the next create removes it.
      const note = (await record(thread.id))![PENDING_KEY][orphan];
      await store.comments.upsert(ORG, [{ annotationId: thread.id, [PENDING_KEY]: { [orphan]: { ...note, at: note.at - ORPHAN_GRACE_MS - 1 } } } as never]);
      const other = await collab.comments.create({ roomId: ROOM, threadId: thread.id, authorId: 'bob', body: text('a different reply') });
      const after = await record(thread.id);
      expect(after?.comments[orphan]).toBeUndefined();
      expect(Object.keys(after?.comments ?? {}).sort()).toEqual([thread.comments[0]!.id, young.id, other.id].sort());
      expect(after?.[PENDING_KEY]).toEqual({});
    });

    it('threads.create: a failed REST write names the thread; retrying with that id creates it once', async () => {
      emulator.state.failNext({ path: '/commentannotations/add', status: 'INTERNAL' });
      const input = { roomId: ROOM, comment: { authorId: 'alice', body: text('a thread') } };
      const error = (await collab.threads.create(input).catch((e: unknown) => e)) as PartialFailureError;
      expect(error).toBeInstanceOf(PartialFailureError);
      const [, threadId, commentId] = /^store:comment_annotations\/(.+)\/comments\/(\d+)$/.exec(error.written[0]!)!;
      expect((await collab.threads.list(ROOM)).items).toHaveLength(0);
      const thread = await collab.threads.create({ ...input, id: threadId! });
      expect(thread.id).toBe(threadId);
      expect(thread.comments.map((c) => c.id)).toEqual([commentId]);
      expect(thread.comments[0]!.body).toEqual(text('a thread'));
      expect((await collab.threads.list(ROOM)).items).toHaveLength(1);
    });

    it('a write Velt refuses rolls the store back and throws Velt\'s error (no PartialFailureError)', async () => {
      const thread = await collab.threads.create({ roomId: ROOM, comment: { authorId: 'alice', body: text('kept') } });
      const before = await record(thread.id);
      await expect(collab.comments.edit(ROOM, thread.id, '999999', { body: text('nope') })).rejects.toBeInstanceOf(NotFoundError);
      await expect(collab.comments.create({ roomId: ROOM, threadId: 'no-such-thread', authorId: 'a', body: text('nope') })).rejects.toSatisfy((e: unknown) => CollabError.is(e) && e.code === 'not_found');
      expect(await record(thread.id)).toEqual(before);
      expect(await record('no-such-thread')).toBeUndefined();
    });

    it('a store failure stops the write before Velt', async () => {
      const failing = { ...store, comments: { ...store.comments, upsert: async () => Promise.reject(new Error('disk full')) } };
      const c2 = await createCollab({ provider: 'velt', apiKey: API_KEY, authToken: AUTH_TOKEN, organizationId: ORG, baseUrl: emulator.url, selfHosting: { store: failing }, retries: 0 });
      open.push(c2);
      await expect(c2.threads.create({ roomId: ROOM, comment: { authorId: 'alice', body: text('x') } })).rejects.toThrow();
      expect(emulator.requests.filter((r) => r.path === '/v2/commentannotations/add')).toHaveLength(0);
    });

    it('comments.delete and threads.delete remove the content first, then at Velt', async () => {
      const thread = await collab.threads.create({ roomId: ROOM, comment: { authorId: 'alice', body: text('one') } });
      const reply = await collab.comments.create({ roomId: ROOM, threadId: thread.id, authorId: 'bob', body: text('two') });
      emulator.state.failNext({ path: '/commentannotations/comments/delete', status: 'UNAVAILABLE' });
      const error = (await collab.comments.delete(ROOM, thread.id, reply.id).catch((e: unknown) => e)) as PartialFailureError;
      expect(error).toBeInstanceOf(PartialFailureError);
      expect(error.written).toEqual([`store:comment_annotations/${thread.id}/comments/${reply.id} (deleted)`]);
      expect((await record(thread.id))?.comments[reply.id]).toBeUndefined();
      await collab.comments.delete(ROOM, thread.id, reply.id);
      expect((await collab.threads.get(ROOM, thread.id)).comments.map((c) => c.id)).toEqual([thread.comments[0]!.id]);
      await collab.threads.delete(ROOM, thread.id);
      expect(await record(thread.id)).toBeUndefined();
      expect(emulator.state.annotation(ORG, ROOM, thread.id)).toBeUndefined();
    });

    it('threads.create with the id of an existing thread is a ConflictError that leaves its content alone', async () => {
      await collab.threads.create({ roomId: ROOM, id: 'dup-thread', comment: { authorId: 'alice', body: text('original') } });
      const before = await record('dup-thread');
      await expect(collab.threads.create({ roomId: ROOM, id: 'dup-thread', comment: { authorId: 'eve', body: text('overwrite?') } })).rejects.toSatisfy(
        (e: unknown) => CollabError.is(e) && e.code === 'conflict',
      );
      expect(await record('dup-thread')).toEqual(before);
      expect((await collab.threads.get(ROOM, 'dup-thread')).comments[0]!.body).toEqual(text('original'));
    });

    it('rooms.delete removes the content of the room\'s threads and reactions from the store', async () => {
      const thread = await collab.threads.create({ roomId: 'doomed-room', comment: { authorId: 'alice', body: text('gone soon') } });
      await store.reactions.upsert(ORG, [{ annotationId: 'doomed-reaction', icon: '🔥', metadata: { organizationId: ORG, documentId: 'doomed-room' } }]);
      const kept = await collab.threads.create({ roomId: ROOM, comment: { authorId: 'alice', body: text('stays') } });
      await collab.rooms.delete('doomed-room');
      expect(await record(thread.id)).toBeUndefined();
      expect(await store.reactions.get(ORG, { annotationIds: ['doomed-reaction'] })).toEqual({});
      expect((await record(kept.id))?.comments[kept.comments[0]!.id]?.commentText).toBe('stays');
    });

    it('users: the profile is in the store, Velt keeps { userId } (and metadata); a failed add is reported and retried', async () => {
      emulator.state.failNext({ path: '/users/add', status: 'UNAVAILABLE' });
      const input = { id: 'carol', name: 'Carol Danvers', email: 'carol@example.com', avatarUrl: 'https://example.com/c.png', metadata: { team: 'blue' } };
      const error = (await collab.users.upsert(input).catch((e: unknown) => e)) as PartialFailureError;
      expect(error).toBeInstanceOf(PartialFailureError);
      expect(error.written).toEqual(['store:users/carol']);
      const user = await collab.users.upsert(input);
      expect(user).toMatchObject({ id: 'carol', name: 'Carol Danvers', email: 'carol@example.com', avatarUrl: 'https://example.com/c.png', metadata: { team: 'blue' } });
      const atVelt = emulator.state.user(ORG, 'carol')!;
      expect([atVelt.name, atVelt.email, atVelt.photoUrl]).toEqual([undefined, undefined, undefined]);
      expect((await store.users.get(ORG, ['carol'])).carol).toMatchObject({ name: 'Carol Danvers', email: 'carol@example.com' });
      expect((await collab.users.list()).items.find((u) => u.id === 'carol')?.name).toBe('Carol Danvers');
      await collab.users.upsert({ id: 'carol', name: 'Captain Marvel' });
      expect(await collab.users.get('carol')).toMatchObject({ name: 'Captain Marvel', email: 'carol@example.com' });
      expect(contentSentToVelt(emulator)).toEqual([]);
      await collab.users.delete('carol');
      expect((await store.users.get(ORG, ['carol'])).carol).toBeUndefined();
    });

    it('reactions: Velt keeps who reacted, the icon comes from the store (as saved through the data-provider handler)', async () => {
      const thread = await collab.threads.create({ roomId: ROOM, comment: { authorId: 'alice', body: text('react to me') } });
      const commentId = Number(thread.comments[0]!.id);
      emulator.state.addReaction(ORG, ROOM, thread.id, commentId, { reactionAnnotationId: 'reaction-1', user: { userId: 'bob' } });
      emulator.state.addReaction(ORG, ROOM, thread.id, commentId, { reactionAnnotationId: 'reaction-1', user: { userId: 'carol' } });
      await store.reactions.upsert(ORG, [{ annotationId: 'reaction-1', icon: '👍', metadata: { organizationId: ORG, documentId: ROOM } }]);
      expect(veltSideLeaks(emulator, ORG)).toEqual([]);
      const comment = await collab.comments.get(ROOM, thread.id, String(commentId));
      expect(comment.reactions).toEqual([expect.objectContaining({ emoji: '👍', userIds: ['bob', 'carol'] })]);
      expect((await collab.threads.get(ROOM, thread.id)).comments[0]!.reactions[0]?.emoji).toBe('👍');
    });
  });
}
