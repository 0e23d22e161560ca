import { inject, injectable } from 'inversify';
import { NotFoundError, PermissionError, UnsupportedFeatureError, ValidationError } from '../../../core/errors.js';
import type { Comment, CreateCommentInput, EditCommentInput, ReactionInput } from '../../../core/model/comment.js';
import type { CallOptions } from '../../../core/model/common.js';
import type { CommentService, ReactionService } from '../../../core/services/comments.js';
import { inCallerTerms } from '../errors.js';
import { toKabelwerkText } from '../mappers/bodies.js';
import { commentFromMessage, messageIdOf } from '../mappers/messages.js';
import type { KabelwerkMessage } from '../schemas.js';
import { KABELWERK_TOKENS, type KabelwerkContext } from './context.js';
import type { KabelwerkHubSide } from './hub.js';

/** Kabelwerk REST field -> `comments.create` input field. */
const CREATE_FIELDS = { user: 'authorId', text: 'body' } as const;

/**
 * Comments are the messages of a room's one thread (id = the room id). They are posted over REST on
 * behalf of the author (§1.5.5), read over the room channel as the hub user, and deleted as their
 * author (`delete_message`: "users can only delete their own messages", §2.4.3). Kabelwerk has no
 * message editing.
 */
@injectable()
export class KabelwerkCommentService implements CommentService {
  constructor(
    @inject(KABELWERK_TOKENS.Context) private readonly ctx: KabelwerkContext,
    @inject(KABELWERK_TOKENS.HubSide) private readonly hub: KabelwerkHubSide,
  ) {}

  async create(input: CreateCommentInput, options?: CallOptions): Promise<Comment> {
    const op = 'comments.create';
    if (input.threadId !== input.roomId) throw this.noThread(input.roomId, input.threadId, op);
    if (input.metadata && Object.keys(input.metadata).length > 0) {
      throw new ValidationError('metadata', 'Kabelwerk messages have no metadata', { provider: this.ctx.provider, operation: op });
    }
    const text = toKabelwerkText(input.body);
    if (text.trim() === '') throw new ValidationError('body', 'is empty: Kabelwerk refuses a blank message', { provider: this.ctx.provider, operation: op });
    try {
      const message = await this.ctx.client.postMessage(this.ctx.tenantOf(options), input.roomId, { text, user: input.authorId }, op, this.ctx.call(options));
      return commentFromMessage(message, input.roomId, op);
    } catch (err) {
      throw inCallerTerms(err, CREATE_FIELDS);
    }
  }

  async get(roomId: string, threadId: string, commentId: string, options?: CallOptions): Promise<Comment> {
    const op = 'comments.get';
    const { message } = await this.find(roomId, threadId, commentId, op, options);
    return commentFromMessage(message, roomId, op);
  }

  async edit(_roomId: string, _threadId: string, _commentId: string, _input: EditCommentInput, _options?: CallOptions): Promise<Comment> {
    throw new UnsupportedFeatureError(this.ctx.provider, 'comments.edit', this.ctx.capabilities.notes['comments.edit']);
  }

  async delete(roomId: string, threadId: string, commentId: string, options?: CallOptions): Promise<void> {
    const op = 'comments.delete';
    const { message, roomNumber } = await this.find(roomId, threadId, commentId, op, options);
    const author = message.user?.key;
    if (author === undefined) {
      throw new PermissionError(`kabelwerk ${op}: the message's author no longer exists, and Kabelwerk lets only the author delete a message`, { provider: this.ctx.provider, operation: op });
    }
    await this.hub.joinRoom(author, roomNumber, op, options, (channel) => channel.push('delete_message', { message: message.id }));
  }

  /** The message behind a comment id, in the room's one thread. */
  private async find(roomId: string, threadId: string, commentId: string, op: string, options?: CallOptions): Promise<{ message: KabelwerkMessage; roomNumber: number }> {
    const tenant = this.ctx.tenantOf(options);
    if (threadId !== roomId) {
      await this.hub.mustFindRoom(roomId, tenant, op, options);
      throw this.noThread(roomId, threadId, op);
    }
    const item = await this.hub.mustFindRoom(roomId, tenant, op, options);
    const id = messageIdOf(commentId);
    const missing = () => new NotFoundError(`kabelwerk ${op}: comment ${JSON.stringify(commentId)} not found in room ${JSON.stringify(roomId)}`, { provider: this.ctx.provider, operation: op });
    if (id === undefined || item.message === null) throw missing();
    const { messages } = await this.hub.messages(tenant, item.room.id, op, options, id);
    const message = messages.find((m) => m.id === id);
    if (!message) throw missing();
    return { message, roomNumber: item.room.id };
  }

  private noThread(roomId: string, threadId: string, op: string): NotFoundError {
    return new NotFoundError(`kabelwerk ${op}: thread ${JSON.stringify(threadId)} of room ${JSON.stringify(roomId)} not found (a Kabelwerk room has one thread, whose id is the room id)`, {
      provider: this.ctx.provider,
      operation: op,
    });
  }
}

/** Kabelwerk messages have no reactions (§5). */
@injectable()
export class KabelwerkReactionService implements ReactionService {
  constructor(@inject(KABELWERK_TOKENS.Context) private readonly ctx: KabelwerkContext) {}

  async add(_input: ReactionInput, _options?: CallOptions): Promise<Comment> {
    throw new UnsupportedFeatureError(this.ctx.provider, 'reactions.add', this.ctx.capabilities.notes['reactions.add']);
  }

  async remove(_input: ReactionInput, _options?: CallOptions): Promise<Comment> {
    throw new UnsupportedFeatureError(this.ctx.provider, 'reactions.remove', this.ctx.capabilities.notes['reactions.remove']);
  }
}
