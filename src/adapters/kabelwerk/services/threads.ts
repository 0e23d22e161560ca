import { inject, injectable } from 'inversify';
import { IMPORT_CONSTRAINTS, type ImportConstraints, type ImportConstraintsHook } from '../../../core/adapter.js';
import { ConflictError, NotFoundError, UnsupportedFeatureError, ValidationError } from '../../../core/errors.js';
import type { CallOptions, MetadataPatch, Page } from '../../../core/model/common.js';
import type { CreateThreadInput, ResolveThreadInput, Thread, ThreadListQuery } from '../../../core/model/thread.js';
import { decodeListCursor, listKey } from '../../../core/paging.js';
import type { ThreadService } from '../../../core/services/threads.js';
import { inCallerTerms } from '../errors.js';
import { toKabelwerkText } from '../mappers/bodies.js';
import { threadFromMessages } from '../mappers/messages.js';
import { kabelwerkImportConstraints } from '../import-constraints.js';
import { KABELWERK_TOKENS, type KabelwerkContext } from './context.js';
import { type KabelwerkHubSide, SERVICE_HUB_USER } from './hub.js';

/** Kabelwerk REST field -> `threads.create` input field. */
const CREATE_FIELDS = { user: 'comment.authorId', text: 'comment.body' } as const;

/**
 * A Kabelwerk room is one flat conversation (§5: no threads, no replies): the room's one thread has
 * the room's id and exists once the room has a message. `create` posts the first message (REST,
 * §1.5.5); reads go over the room channel (§2.4.3). Threads cannot be deleted, resolved or annotated.
 */
@injectable()
export class KabelwerkThreadService implements ThreadService, ImportConstraintsHook {
  constructor(
    @inject(KABELWERK_TOKENS.Context) private readonly ctx: KabelwerkContext,
    @inject(KABELWERK_TOKENS.HubSide) private readonly hub: KabelwerkHubSide,
  ) {}

  /** Kabelwerk's model for imports (one thread per room, posts by the room's user or hub staff only): see `kabelwerkImportConstraints`. */
  [IMPORT_CONSTRAINTS](): ImportConstraints {
    const configured = this.ctx.config.hubUserId;
    return kabelwerkImportConstraints([SERVICE_HUB_USER, ...(configured !== undefined ? [configured] : [])]);
  }

  async create(input: CreateThreadInput, options?: CallOptions): Promise<Thread> {
    const op = 'threads.create';
    const fail = (field: string, message: string): never => {
      throw new ValidationError(field, message, { provider: this.ctx.provider, operation: op });
    };
    if (input.id !== undefined && input.id !== input.roomId) fail('id', 'a Kabelwerk room has one thread, whose id is the room id');
    if (input.metadata && Object.keys(input.metadata).length > 0) fail('metadata', 'Kabelwerk keeps no thread metadata (custom attributes exist on rooms only)');
    if (input.comment.metadata && Object.keys(input.comment.metadata).length > 0) fail('comment.metadata', 'Kabelwerk messages have no metadata');
    const text = toKabelwerkText(input.comment.body);
    if (text.trim() === '') fail('comment.body', 'is empty: Kabelwerk refuses a blank message');
    const tenant = this.ctx.tenantOf(options);
    const item = await this.hub.mustFindRoom(input.roomId, tenant, op, options);
    if (item.message !== null) {
      throw new ConflictError(`kabelwerk ${op}: room ${JSON.stringify(input.roomId)} already has its thread (a Kabelwerk room is one conversation): reply with comments.create({ threadId: roomId })`, {
        provider: this.ctx.provider,
        operation: op,
      });
    }
    try {
      const message = await this.ctx.client.postMessage(tenant, input.roomId, { text, user: input.comment.authorId }, op, this.ctx.call(options));
      return threadFromMessages(input.roomId, item.room.id, [message], op);
    } catch (err) {
      throw inCallerTerms(err, CREATE_FIELDS);
    }
  }

  async get(roomId: string, threadId: string, options?: CallOptions): Promise<Thread> {
    const op = 'threads.get';
    const thread = await this.read(roomId, threadId, op, options);
    if (!thread) throw this.notFound(roomId, threadId, op);
    return thread;
  }

  async list(roomId: string, query: ThreadListQuery = {}, options?: CallOptions): Promise<Page<Thread>> {
    const op = 'threads.list';
    const tenant = this.ctx.tenantOf(options);
    // A listing of at most one thread has one page: no cursor is ever issued, so any cursor is not ours.
    if (query.cursor !== undefined) decodeListCursor(query.cursor, listKey('threads', tenant, roomId), { provider: this.ctx.provider, operation: op });
    const item = await this.hub.mustFindRoom(roomId, tenant, op, options);
    // The thread is never resolved and has no metadata: a filter on either leaves nothing.
    const filtered = query.resolved === true || (query.metadata !== undefined && Object.keys(query.metadata).length > 0);
    if (item.message === null || filtered) return { items: [], nextCursor: null };
    const { messages } = await this.hub.messages(tenant, item.room.id, op, options);
    return { items: messages.length > 0 ? [threadFromMessages(roomId, item.room.id, messages, op)] : [], nextCursor: null };
  }

  async *iterate(roomId: string, query: Omit<ThreadListQuery, 'cursor'> = {}, options?: CallOptions): AsyncIterable<Thread> {
    yield* (await this.list(roomId, query, options)).items;
  }

  async delete(_roomId: string, _threadId: string, _options?: CallOptions): Promise<void> {
    throw this.unsupported('threads.delete');
  }

  async resolve(_roomId: string, _threadId: string, _input: ResolveThreadInput, _options?: CallOptions): Promise<Thread> {
    throw this.unsupported('threads.resolve');
  }

  async unresolve(_roomId: string, _threadId: string, _input: ResolveThreadInput, _options?: CallOptions): Promise<Thread> {
    throw this.unsupported('threads.resolve');
  }

  async updateMetadata(_roomId: string, _threadId: string, _metadata: MetadataPatch, _options?: CallOptions): Promise<Thread['metadata']> {
    throw this.unsupported('threads.metadata');
  }

  /** The room's thread, or `undefined` when the room has no message yet (or the thread id is not the room's). */
  private async read(roomId: string, threadId: string, op: string, options?: CallOptions): Promise<Thread | undefined> {
    if (threadId !== roomId) {
      // Only the room's own id names a thread; the room must still exist for the error to be about the thread.
      await this.hub.mustFindRoom(roomId, this.ctx.tenantOf(options), op, options);
      return undefined;
    }
    const tenant = this.ctx.tenantOf(options);
    const item = await this.hub.mustFindRoom(roomId, tenant, op, options);
    if (item.message === null) return undefined;
    const { messages } = await this.hub.messages(tenant, item.room.id, op, options);
    return messages.length > 0 ? threadFromMessages(roomId, item.room.id, messages, op) : undefined;
  }

  private notFound(roomId: string, threadId: string, op: string): NotFoundError {
    const why = threadId === roomId ? 'the room has no message yet' : 'a Kabelwerk room has one thread, whose id is the room id';
    return new NotFoundError(`kabelwerk ${op}: thread ${JSON.stringify(threadId)} of room ${JSON.stringify(roomId)} not found (${why})`, { provider: this.ctx.provider, operation: op });
  }

  private unsupported(key: 'threads.delete' | 'threads.resolve' | 'threads.metadata'): UnsupportedFeatureError {
    return new UnsupportedFeatureError(this.ctx.provider, key, this.ctx.capabilities.notes[key]);
  }
}
