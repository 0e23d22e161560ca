import { inject, injectable } from 'inversify';
import { type CallOptions, type MetadataPatch, MetadataPatchSchema, type Page } from '../../../core/model/common.js';
import {
  type CreateThreadInput,
  CreateThreadInputSchema,
  type ResolveThreadInput,
  ResolveThreadInputSchema,
  type Thread,
  type ThreadListQuery,
  ThreadListQuerySchema,
} from '../../../core/model/thread.js';
import type { ThreadService } from '../../../core/services/threads.js';
import { toWireBody } from '../mappers/bodies.js';
import { threadQuery } from '../mappers/rooms.js';
import { decodeThreadCursor, pageThreads, sortedThreads, toThread, toWireThreadMetadata } from '../mappers/threads.js';
import type { LbCreateThreadBody } from '../schemas.js';
import { LIVEBLOCKS_TOKENS, type LiveblocksContext } from './context.js';

const IterateQuerySchema = ThreadListQuerySchema.omit({ cursor: true });

/**
 * Liveblocks comment threads over `/v2/rooms/{roomId}/threads`. Comment bodies convert both ways
 * (mentions included); Liveblocks returns every thread of a room at once, so `list` pages client-side.
 */
@injectable()
export class LiveblocksThreadService implements ThreadService {
  constructor(@inject(LIVEBLOCKS_TOKENS.Context) private readonly ctx: LiveblocksContext) {}

  /** Creates a thread with its first comment (`POST .../threads`); a client `id` is passed through. */
  async create(input: CreateThreadInput, options?: CallOptions): Promise<Thread> {
    const op = 'threads.create';
    this.ctx.assert(op);
    const data = this.ctx.validate(CreateThreadInputSchema, input, '', op);
    const body: LbCreateThreadBody = { comment: { userId: data.comment.authorId, body: toWireBody(data.comment.body) } };
    if (data.id !== undefined) body.id = data.id;
    if (data.comment.metadata !== undefined) body.comment.metadata = toWireThreadMetadata(data.comment.metadata, 'comment.metadata', op);
    if (data.metadata !== undefined) body.metadata = toWireThreadMetadata(data.metadata, 'metadata', op);
    return toThread(await this.ctx.client.createThread(data.roomId, body, options?.signal));
  }

  /** Gets a thread with all its comments, deleted ones included with `deletedAt` (`GET .../threads/{id}`). */
  async get(roomId: string, threadId: string, options?: CallOptions): Promise<Thread> {
    const op = 'threads.get';
    this.ctx.assert(op);
    const thread = await this.ctx.client.getThread(this.ctx.id(roomId, 'roomId', op), this.ctx.id(threadId, 'threadId', op), options?.signal);
    return toThread(thread);
  }

  /**
   * Lists one page of a room's threads, oldest first. `resolved` and `metadata` filter on the server
   * (query language); pages are cut client-side from the full list Liveblocks returns, with an opaque
   * cursor that survives threads being added or deleted between pages. Without `limit`, one page holds all.
   */
  async list(roomId: string, query: ThreadListQuery = {}, options?: CallOptions): Promise<Page<Thread>> {
    const op = 'threads.list';
    this.ctx.assert(op);
    this.ctx.id(roomId, 'roomId', op);
    const q = this.ctx.validate(ThreadListQuerySchema, query, 'query', op);
    const after = q.cursor !== undefined ? decodeThreadCursor(q.cursor, op) : undefined;
    const wire = await this.ctx.client.getThreads(roomId, threadQuery(q), options?.signal);
    return pageThreads(wire.data, q.limit, after);
  }

  /** Iterates over every matching thread: one request, since Liveblocks returns them all at once. */
  async *iterate(roomId: string, query: Omit<ThreadListQuery, 'cursor'> = {}, options?: CallOptions): AsyncIterable<Thread> {
    const op = 'threads.list';
    this.ctx.assert(op);
    this.ctx.id(roomId, 'roomId', op);
    const q = this.ctx.validate(IterateQuerySchema, query, 'query', op);
    const wire = await this.ctx.client.getThreads(roomId, threadQuery(q), options?.signal);
    yield* sortedThreads(wire.data);
  }

  /** Deletes a thread and its comments (`DELETE .../threads/{id}`). */
  async delete(roomId: string, threadId: string, options?: CallOptions): Promise<void> {
    const op = 'threads.delete';
    this.ctx.assert(op);
    await this.ctx.client.deleteThread(this.ctx.id(roomId, 'roomId', op), this.ctx.id(threadId, 'threadId', op), options?.signal);
  }

  /** Marks a thread resolved by `userId` (`POST .../mark-as-resolved`); idempotent. */
  async resolve(roomId: string, threadId: string, input: ResolveThreadInput, options?: CallOptions): Promise<Thread> {
    return this.mark('threads.resolve', roomId, threadId, input, true, options);
  }

  /** Marks a thread unresolved by `userId` (`POST .../mark-as-unresolved`); idempotent. */
  async unresolve(roomId: string, threadId: string, input: ResolveThreadInput, options?: CallOptions): Promise<Thread> {
    return this.mark('threads.unresolve', roomId, threadId, input, false, options);
  }

  /**
   * Patches thread metadata (`POST .../metadata`; `null` deletes a key) and returns the whole new
   * metadata. Liveblocks records who edited: the configured `systemUserId` (default `unicollab`).
   * Values must be strings, numbers or booleans.
   */
  async updateMetadata(roomId: string, threadId: string, metadata: MetadataPatch, options?: CallOptions): Promise<Thread['metadata']> {
    const op = 'threads.updateMetadata';
    this.ctx.assert('threads.metadata');
    this.ctx.id(roomId, 'roomId', op);
    this.ctx.id(threadId, 'threadId', op);
    const patch = toWireThreadMetadata(this.ctx.validate(MetadataPatchSchema, metadata, 'metadata', op), 'metadata', op);
    return { ...(await this.ctx.client.editThreadMetadata(roomId, threadId, patch, this.ctx.systemUserId, options?.signal)) };
  }

  private async mark(op: string, roomId: string, threadId: string, input: ResolveThreadInput, resolved: boolean, options?: CallOptions): Promise<Thread> {
    this.ctx.assert('threads.resolve');
    this.ctx.id(roomId, 'roomId', op);
    this.ctx.id(threadId, 'threadId', op);
    const { userId } = this.ctx.validate(ResolveThreadInputSchema, input, '', op);
    return toThread(await this.ctx.client.markThread(roomId, threadId, resolved, userId, options?.signal));
  }
}
