import type { CallOptions, MetadataPatch, Page } from '../model/common.js';
import type { CreateThreadInput, ResolveThreadInput, Thread, ThreadListQuery } from '../model/thread.js';

/** Comment threads. */
export interface ThreadService {
  /** Creates a thread with its first comment. */
  create(input: CreateThreadInput, options?: CallOptions): Promise<Thread>;
  /** Gets a thread with its comments. `NotFoundError` when the room or thread does not exist. */
  get(roomId: string, threadId: string, options?: CallOptions): Promise<Thread>;
  /** Lists one page of a room's threads, optionally only resolved or unresolved ones. */
  list(roomId: string, query?: ThreadListQuery, options?: CallOptions): Promise<Page<Thread>>;
  /** Iterates over every thread of a room matching the query. */
  iterate(roomId: string, query?: Omit<ThreadListQuery, 'cursor'>, options?: CallOptions): AsyncIterable<Thread>;
  /** Deletes a thread and its comments. */
  delete(roomId: string, threadId: string, options?: CallOptions): Promise<void>;
  /** Marks a thread resolved by `userId`. Idempotent. */
  resolve(roomId: string, threadId: string, input: ResolveThreadInput, options?: CallOptions): Promise<Thread>;
  /** Marks a thread unresolved by `userId`. Idempotent. */
  unresolve(roomId: string, threadId: string, input: ResolveThreadInput, options?: CallOptions): Promise<Thread>;
  /** Patches thread metadata (`null` deletes a key) and returns the whole new metadata. */
  updateMetadata(roomId: string, threadId: string, metadata: MetadataPatch, options?: CallOptions): Promise<Thread['metadata']>;
}
