import { inject, injectable } from 'inversify';
import { NotFoundError, ProviderResponseError, UnsupportedFeatureError } from '../../../core/errors.js';
import type { Comment, CreateCommentInput, EditCommentInput, ReactionInput } from '../../../core/model/comment.js';
import type { CallOptions } from '../../../core/model/common.js';
import type { CommentService, ReactionService } from '../../../core/services/comments.js';
import { assertBatchSucceeded } from '../errors.js';
import { toVeltBody, toVeltComment } from '../mappers/bodies.js';
import { assertNoReservedKeys, CONTEXT_RESERVED_KEYS } from '../mappers/metadata.js';
import { parseCommentId, toComment } from '../mappers/threads.js';
import type { VeltComment } from '../schemas.js';
import { VELT_TOKENS, type VeltContext } from './context.js';

/**
 * Comments are the messages of an annotation (§7.8–7.11). Velt comment ids are numbers: they are strings
 * in unicollab, and an id that is not a positive integer is a `ValidationError` before any request.
 */
@injectable()
export class VeltCommentService implements CommentService {
  constructor(@inject(VELT_TOKENS.Context) private readonly ctx: VeltContext) {}

  async create(input: CreateCommentInput, options?: CallOptions): Promise<Comment> {
    const op = 'comments.create';
    assertNoReservedKeys(input.metadata, CONTEXT_RESERVED_KEYS, 'metadata', op);
    const ids = await this.ctx.client.addComments(
      {
        organizationId: this.ctx.tenantOf(options),
        documentId: input.roomId,
        annotationId: input.threadId,
        commentData: [toVeltComment(input)],
        ...this.ctx.createFlags(),
      },
      op,
      this.ctx.call(options),
    );
    const commentId = ids[0];
    if (commentId === undefined) throw new ProviderResponseError(`velt ${op}: the answer names no comment id`, { provider: 'velt', operation: op, path: 'result.data' });
    return toComment(await this.fetch(input.roomId, input.threadId, commentId, op, options), input.threadId, input.roomId);
  }

  async get(roomId: string, threadId: string, commentId: string, options?: CallOptions): Promise<Comment> {
    const op = 'comments.get';
    const id = parseCommentId(commentId, op);
    return toComment(await this.fetch(roomId, threadId, id, op, options), threadId, roomId);
  }

  async edit(roomId: string, threadId: string, commentId: string, input: EditCommentInput, options?: CallOptions): Promise<Comment> {
    const op = 'comments.edit';
    const id = parseCommentId(commentId, op);
    const fields = toVeltBody(input.body);
    const result = await this.ctx.client.updateComments(
      {
        organizationId: this.ctx.tenantOf(options),
        documentId: roomId,
        annotationId: threadId,
        commentIds: [id],
        // Tagged users are always sent, even empty, so mentions removed by the edit are untagged.
        updatedData: { commentText: fields.commentText, commentHtml: fields.commentHtml, taggedUserContacts: fields.taggedUserContacts },
      },
      op,
      this.ctx.call(options),
    );
    assertBatchSucceeded(result, op);
    return toComment(await this.fetch(roomId, threadId, id, op, options), threadId, roomId);
  }

  async delete(roomId: string, threadId: string, commentId: string, options?: CallOptions): Promise<void> {
    const op = 'comments.delete';
    const id = parseCommentId(commentId, op);
    const result = await this.ctx.client.deleteComments(
      { organizationId: this.ctx.tenantOf(options), documentId: roomId, annotationId: threadId, commentIds: [id] },
      op,
      this.ctx.call(options),
    );
    assertBatchSucceeded(result, op);
  }

  private async fetch(roomId: string, threadId: string, commentId: number, op: string, options?: CallOptions): Promise<VeltComment> {
    const comments = await this.ctx.client.getComments(
      { organizationId: this.ctx.tenantOf(options), documentId: roomId, annotationId: threadId, commentIds: [commentId] },
      op,
      this.ctx.call(options),
    );
    // A missing comment comes back as `null` (§7.9); a missing thread as NOT_FOUND.
    const comment = comments.find((c) => c?.commentId === commentId);
    if (!comment) {
      throw new NotFoundError(`velt ${op}: comment ${commentId} not found in thread ${JSON.stringify(threadId)}`, { provider: 'velt', operation: op, vendorCode: 'NOT_FOUND' });
    }
    return comment;
  }
}

/**
 * Reactions cannot be written through Velt's REST API: it has no reaction endpoint (§8, v2 nav);
 * the front-end SDK writes them. They are read from comment data (`Comment.reactions`). Both methods
 * are declared `no` and throw `UnsupportedFeatureError`.
 */
@injectable()
export class VeltReactionService implements ReactionService {
  constructor(@inject(VELT_TOKENS.Context) private readonly ctx: VeltContext) {}

  async add(_input: ReactionInput, _options?: CallOptions): Promise<Comment> {
    throw new UnsupportedFeatureError('velt', 'reactions.add', this.ctx.capabilities.notes['reactions.add']);
  }

  async remove(_input: ReactionInput, _options?: CallOptions): Promise<Comment> {
    throw new UnsupportedFeatureError('velt', 'reactions.remove', this.ctx.capabilities.notes['reactions.remove']);
  }
}
