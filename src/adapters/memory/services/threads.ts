import { inject, injectable } from 'inversify';
import { ConflictError } from '../../../core/errors.js';
import type { CallOptions, MetadataPatch, Page } from '../../../core/model/common.js';
import type { CreateThreadInput, ResolveThreadInput, Thread, ThreadListQuery } from '../../../core/model/thread.js';
import type { ThreadService } from '../../../core/services/threads.js';
import { iteratePages, listKey } from '../../../core/paging.js';
import { applyMetadataPatch, copyMetadata, matchesMetadata } from '../../../core/metadata.js';
import { paginate } from '../mappers/paging.js';
import { toThread } from '../mappers/threads.js';
import type { StoredComment, StoredThread } from '../schemas.js';
import { MEMORY_TOKENS, type MemoryContext } from './context.js';
import type { MemoryNotificationRules } from './notification-rules.js';

/** Threads of the embedded provider. */
@injectable()
export class MemoryThreadService implements ThreadService {
  constructor(
    @inject(MEMORY_TOKENS.Context) private readonly ctx: MemoryContext,
    @inject(MEMORY_TOKENS.NotificationRules) private readonly rules: MemoryNotificationRules,
  ) {}

  async create(input: CreateThreadInput, options?: CallOptions): Promise<Thread> {
    const op = 'threads.create';
    const room = this.ctx.room(input.roomId, op, options);
    const id = input.id ?? this.ctx.store.newId('th');
    if (room.threads.has(id)) throw new ConflictError(`Thread ${JSON.stringify(id)} already exists`, { provider: 'memory', operation: op, vendorCode: 'THREAD_ALREADY_EXISTS' });
    const now = new Date(this.ctx.store.now());
    const comment: StoredComment = {
      id: this.ctx.store.newId('cm'),
      threadId: id,
      roomId: room.id,
      authorId: input.comment.authorId,
      body: structuredClone(input.comment.body),
      createdAt: now,
      reactions: [],
      metadata: copyMetadata(input.comment.metadata),
    };
    const thread: StoredThread = {
      id,
      roomId: room.id,
      seq: this.ctx.store.nextSeq(),
      resolved: false,
      metadata: copyMetadata(input.metadata),
      comments: [comment],
      createdAt: now,
      updatedAt: now,
    };
    room.threads.set(id, thread);
    this.ctx.changed({ type: 'thread.created', roomId: room.id, threadId: id, userId: comment.authorId }, options);
    this.ctx.changed({ type: 'comment.created', roomId: room.id, threadId: id, commentId: comment.id, userId: comment.authorId }, options);
    this.rules.onComment(thread, comment, options);
    await this.ctx.commit(op);
    return toThread(thread);
  }

  async get(roomId: string, threadId: string, options?: CallOptions): Promise<Thread> {
    const op = 'threads.get';
    return toThread(this.ctx.thread(roomId, threadId, op, options));
  }

  async list(roomId: string, query: ThreadListQuery = {}, options?: CallOptions): Promise<Page<Thread>> {
    const op = 'threads.list';
    const room = this.ctx.room(roomId, op, options);
    const list = listKey('threads', this.ctx.tenantOf(options), roomId, { resolved: query.resolved, metadata: query.metadata });
    return paginate(room.threads, query, toThread, { operation: op, list }, (t) => (query.resolved === undefined || t.resolved === query.resolved) && matchesMetadata(t.metadata, query.metadata));
  }

  iterate(roomId: string, query: Omit<ThreadListQuery, 'cursor'> = {}, options?: CallOptions): AsyncIterable<Thread> {
    return iteratePages((cursor) => this.list(roomId, { ...query, ...(cursor ? { cursor } : {}) }, options));
  }

  async delete(roomId: string, threadId: string, options?: CallOptions): Promise<void> {
    const op = 'threads.delete';
    this.ctx.thread(roomId, threadId, op, options);
    this.ctx.room(roomId, op, options).threads.delete(threadId);
    this.ctx.changed({ type: 'thread.deleted', roomId, threadId }, options);
    await this.ctx.commit(op);
  }

  async resolve(roomId: string, threadId: string, input: ResolveThreadInput, options?: CallOptions): Promise<Thread> {
    return this.setResolved('threads.resolve', roomId, threadId, input, true, options);
  }

  async unresolve(roomId: string, threadId: string, input: ResolveThreadInput, options?: CallOptions): Promise<Thread> {
    return this.setResolved('threads.unresolve', roomId, threadId, input, false, options);
  }

  async updateMetadata(roomId: string, threadId: string, metadata: MetadataPatch, options?: CallOptions): Promise<Thread['metadata']> {
    const op = 'threads.updateMetadata';
    const thread = this.ctx.thread(roomId, threadId, op, options);
    thread.metadata = applyMetadataPatch(thread.metadata, metadata);
    thread.updatedAt = new Date(this.ctx.store.now());
    this.ctx.changed({ type: 'thread.metadata_updated', roomId, threadId }, options);
    await this.ctx.commit(op);
    return structuredClone(thread.metadata);
  }

  private async setResolved(op: string, roomId: string, threadId: string, input: ResolveThreadInput, resolved: boolean, options?: CallOptions): Promise<Thread> {
    const { userId } = input;
    const thread = this.ctx.thread(roomId, threadId, op, options);
    if (thread.resolved !== resolved) {
      thread.resolved = resolved;
      if (resolved) thread.resolvedBy = userId;
      else delete thread.resolvedBy;
      thread.updatedAt = new Date(this.ctx.store.now());
      this.ctx.changed({ type: resolved ? 'thread.resolved' : 'thread.unresolved', roomId, threadId, userId }, options);
    }
    await this.ctx.commit(op);
    return toThread(thread);
  }
}
