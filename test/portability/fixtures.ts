/** Seed data for the portability tests: a memory provider with every kind of record. */
import { createCollab, type Collab } from '../../src/index.js';
import { fromText } from '../../src/core/body/index.js';

/** What `seed` wrote, for exact assertions. */
export interface Seeded {
  rooms: number;
  users: number;
  threads: number;
  comments: number;
  /** User-and-emoji pairs. */
  reactions: number;
  customNotifications: number;
}

/** A fresh in-memory collab. */
export function memoryCollab(): Promise<Collab> {
  return createCollab({ provider: 'memory' });
}

/**
 * Seeds `collab` with `roomCount` rooms of `threadsPerRoom` threads of `commentsPerThread` comments;
 * every other comment gets reactions, every third thread is resolved, each room gets a document and storage.
 */
export async function seed(collab: Collab, opts: { roomCount?: number; threadsPerRoom?: number; commentsPerThread?: number; documents?: boolean } = {}): Promise<Seeded> {
  const roomCount = opts.roomCount ?? 2;
  const threadsPerRoom = opts.threadsPerRoom ?? 3;
  const commentsPerThread = opts.commentsPerThread ?? 3;
  const users = ['alice', 'bob', 'carol'];
  for (const id of users) await collab.users.upsert({ id, name: id.toUpperCase(), email: `${id}@example.com`, metadata: { team: 'core' } });
  let comments = 0;
  let reactions = 0;
  let threads = 0;
  for (let r = 0; r < roomCount; r++) {
    const roomId = `room-${r}`;
    await collab.rooms.create({ id: roomId, name: `Room ${r}`, metadata: { project: `p${r}` } });
    for (let t = 0; t < threadsPerRoom; t++) {
      const thread = await collab.threads.create({ roomId, id: `th-${r}-${t}`, comment: { authorId: users[t % 3]!, body: fromText(`Thread ${r}/${t} opens`) }, metadata: { page: t } });
      threads++;
      comments++;
      let commentIds = [thread.comments[0]!.id];
      for (let c = 1; c < commentsPerThread; c++) {
        const comment = await collab.comments.create({ roomId, threadId: thread.id, authorId: users[(t + c) % 3]!, body: fromText(`Reply ${c} in ${r}/${t}`) });
        commentIds.push(comment.id);
        comments++;
      }
      for (let c = 0; c < commentIds.length; c += 2) {
        await collab.reactions.add({ roomId, threadId: thread.id, commentId: commentIds[c]!, userId: 'alice', emoji: '👍' });
        await collab.reactions.add({ roomId, threadId: thread.id, commentId: commentIds[c]!, userId: 'bob', emoji: '👍' });
        await collab.reactions.add({ roomId, threadId: thread.id, commentId: commentIds[c]!, userId: 'carol', emoji: '🎉' });
        reactions += 3;
      }
      commentIds = [];
      if (t % 3 === 0) await collab.threads.resolve(roomId, thread.id, { userId: 'alice' });
    }
    if (opts.documents ?? true) {
      await collab.documents.set(roomId, { key: 'title', type: 'text', value: `Title of room ${r}` });
      await collab.documents.set(roomId, { key: 'meta', type: 'map', value: { version: r, tags: ['a', 'b'] } });
      await collab.storage.initialize(roomId, { lsonType: 'LiveObject', data: { counter: r, todo: { lsonType: 'LiveList', data: ['x', 'y'] } } });
    }
  }
  await collab.notifications.trigger({ userId: 'bob', kind: 'fileUploaded', subjectId: 'file-1', roomId: 'room-0', data: { size: 12 } });
  await collab.notifications.trigger({ userId: 'carol', kind: 'fileUploaded', subjectId: 'file-2' });
  const page = await collab.notifications.list('carol');
  const mine = page.items.find((n) => n.kind === 'custom');
  if (mine) await collab.notifications.markRead('carol', mine.id);
  return { rooms: roomCount, users: users.length, threads, comments, reactions, customNotifications: 2 };
}
