import { inject, injectable } from 'inversify';
import type { CallOptions, MetadataPatch, Page } from '../../../core/model/common.js';
import type { CreateThreadInput, ResolveThreadInput, Thread, ThreadListQuery } from '../../../core/model/thread.js';
import type { ThreadService } from '../../../core/services/threads.js';
import { toWireBody } from '../mappers/bodies.js';
import { threadQuery } from '../mappers/rooms.js';
import { decodeThreadCursor, pageThreads, sortedThreads, toThread, toWireThreadMetadata } from '../mappers/threads.js';
import type { LbCreateThreadBody } from '../schemas.js';
import { LIVEBLOCKS_TOKENS, type LiveblocksContext } from './context.js';

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
    const body: LbCreateThreadBody = { comment: { userId: input.comment.authorId, body: toWireBody(input.comment.body) } };
    if (input.id !== undefined) body.id = input.id;
    if (input.comment.metadata !== undefined) body.comment.metadata = toWireThreadMetadata(input.comment.metadata, 'comment.metadata', op);
    if (input.metadata !== undefined) body.metadata = toWireThreadMetadata(input.metadata, 'metadata', op);
    return toThread(await this.ctx.client.createThread(input.roomId, body, options?.signal));
  }

  /** Gets a thread with all its comments, deleted ones included with `deletedAt` (`GET .../threads/{id}`). */
  async get(roomId: string, threadId: string, options?: CallOptions): Promise<Thread> {
    return toThread(await this.ctx.client.getThread(roomId, threadId, options?.signal));
  }

  /**
   * Lists one page of a room's threads, oldest first. `resolved` and `metadata` filter on the server
   * (query language); pages are cut client-side from the full list Liveblocks returns, with an opaque
   * cursor that survives threads being added or deleted between pages. Without `limit`, one page holds all.
   */
  async list(roomId: string, query: ThreadListQuery = {}, options?: CallOptions): Promise<Page<Thread>> {
    // The cursor is this adapter's own encoding: core checks only that it is a non-empty string.
    const after = query.cursor !== undefined ? decodeThreadCursor(query.cursor, 'threads.list') : undefined;
    const wire = await this.ctx.client.getThreads(roomId, threadQuery(query), options?.signal);
    return pageThreads(wire.data, query.limit, after);
  }

  /** Iterates over every matching thread: one request, since Liveblocks returns them all at once. */
  async *iterate(roomId: string, query: Omit<ThreadListQuery, 'cursor'> = {}, options?: CallOptions): AsyncIterable<Thread> {
    const wire = await this.ctx.client.getThreads(roomId, threadQuery(query), options?.signal);
    yield* sortedThreads(wire.data);
  }

  /** Deletes a thread and its comments (`DELETE .../threads/{id}`). */
  async delete(roomId: string, threadId: string, options?: CallOptions): Promise<void> {
    await this.ctx.client.deleteThread(roomId, threadId, options?.signal);
  }

  /** Marks a thread resolved by `userId` (`POST .../mark-as-resolved`); idempotent. */
  async resolve(roomId: string, threadId: string, input: ResolveThreadInput, options?: CallOptions): Promise<Thread> {
    return this.mark(roomId, threadId, input, true, options);
  }

  /** Marks a thread unresolved by `userId` (`POST .../mark-as-unresolved`); idempotent. */
  async unresolve(roomId: string, threadId: string, input: ResolveThreadInput, options?: CallOptions): Promise<Thread> {
    return this.mark(roomId, threadId, input, false, options);
  }

  /**
   * Patches thread metadata (`POST .../metadata`; `null` deletes a key) and returns the whole new
   * metadata. Liveblocks records who edited: the configured `systemUserId` (default `unicollab`).
   * Values must be strings, numbers or booleans.
   */
  async updateMetadata(roomId: string, threadId: string, metadata: MetadataPatch, options?: CallOptions): Promise<Thread['metadata']> {
    const patch = toWireThreadMetadata(metadata, 'metadata', 'threads.updateMetadata');
    return { ...(await this.ctx.client.editThreadMetadata(roomId, threadId, patch, this.ctx.systemUserId, options?.signal)) };
  }

  private async mark(roomId: string, threadId: string, input: ResolveThreadInput, resolved: boolean, options?: CallOptions): Promise<Thread> {
    return toThread(await this.ctx.client.markThread(roomId, threadId, resolved, input.userId, options?.signal));
  }
}
