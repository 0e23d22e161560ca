import { inject, injectable } from 'inversify';
import { NotFoundError, ProviderResponseError, UnsupportedFeatureError } from '../../../core/errors.js';
import type { Comment, CreateCommentInput, EditCommentInput, ReactionInput } from '../../../core/model/comment.js';
import type { CallOptions } from '../../../core/model/common.js';
import type { CommentService, ReactionService } from '../../../core/services/comments.js';
import { assertBatchSucceeded } from '../errors.js';
import { toVeltBody, toVeltComment } from '../mappers/bodies.js';
import { assertNoReservedKeys, CONTEXT_RESERVED_KEYS } from '../mappers/metadata.js';
import { parseCommentId, toComment } from '../mappers/threads.js';
import type { VeltComment, VeltCommentInput } from '../schemas.js';
import { fingerprintOf, mergedContent, newCommentId, ORPHAN_GRACE_MS, orphanCreates, pendingCreateFor, splitComment, storedCommentIds, structuralTags } from '../self-hosting/content.js';
import { VELT_TOKENS, type VeltContext } from './context.js';
import type { VeltSelfHosted } from './self-hosted.js';

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
    if (this.ctx.selfHosted) return this.createSelfHosted(this.ctx.selfHosted, input, options);
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

  /**
   * Self-hosted `comments.create`: the comment id is chosen here, the content written to the store first,
   * then the structure to Velt. Retrying the same call after a `PartialFailureError` reuses the pending id
   * (same author and content), so the thread never gets the message twice. Pending creates of this thread
   * that Velt does not have (failed writes nobody retried, older than `ORPHAN_GRACE_MS`) are removed from
   * the store by this write. Every store write is per message (`VeltSelfHosted.putComment`), so concurrent
   * creates on one thread keep each other's content.
   */
  private async createSelfHosted(sh: VeltSelfHosted, input: CreateCommentInput, options?: CallOptions): Promise<Comment> {
    const op = 'comments.create';
    const org = this.ctx.tenantOf(options);
    const full = toVeltComment(input);
    const previous = await sh.record(org, input.threadId);
    const fingerprint = fingerprintOf(splitComment(full, 0).content);
    const retried = pendingCreateFor(previous, fingerprint);
    const commentId = retried ?? newCommentId(storedCommentIds(previous));
    const { velt, content } = splitComment(full, commentId);
    const pending = { op: 'create', fingerprint, at: Date.now() } as const;
    let orphans: number[] = [];
    const veltIds = async (): Promise<Set<number>> => {
      const comments = await this.ctx.client.getComments({ organizationId: org, documentId: input.roomId, annotationId: input.threadId }, op, this.ctx.call(options));
      return new Set(comments.flatMap((c) => (c ? [c.commentId] : [])));
    };
    const olderThan = pending.at - ORPHAN_GRACE_MS;
    if (orphanCreates(previous, new Set(), commentId, olderThan).length > 0) {
      // Repair: content of creates that failed and were not retried (Velt lacks the message) is dropped.
      // Younger pending creates may be concurrent writes still in flight: they are left alone.
      const existing = await veltIds().catch(() => undefined);
      if (existing) orphans = orphanCreates(previous, existing, commentId, olderThan);
    }
    await sh.write({
      operation: op,
      written: [`store:comment_annotations/${input.threadId}/comments/${commentId}`],
      failedId: `velt:commentannotations/${input.threadId}/comments/${commentId}`,
      store: async () => {
        await sh.putComment(org, input.threadId, content, { documentId: input.roomId, pending });
        for (const orphan of orphans) await sh.deleteComment(org, input.threadId, orphan);
      },
      rollback: () => sh.restoreComment(org, input.threadId, commentId, previous, input.roomId),
      rest: async () => {
        await this.ctx.client.addComments(
          { organizationId: org, documentId: input.roomId, annotationId: input.threadId, commentData: [velt], ...this.ctx.createFlags() },
          op,
          this.ctx.call(options),
        );
      },
      ...(retried !== undefined ? { alreadyApplied: async () => (await veltIds()).has(commentId) } : {}),
    });
    await sh.confirm(org, input.threadId, [commentId]).catch(() => {});
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
    if (this.ctx.selfHosted) return this.editSelfHosted(this.ctx.selfHosted, roomId, threadId, id, fields, options);
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

  /**
   * Self-hosted `comments.edit`: the new content goes to the store first, then Velt gets the structural
   * update (tagged users by id, the resolver flags, no text). A retry writes the same values again.
   */
  private async editSelfHosted(sh: VeltSelfHosted, roomId: string, threadId: string, id: number, fields: ReturnType<typeof toVeltBody>, options?: CallOptions): Promise<Comment> {
    const op = 'comments.edit';
    const org = this.ctx.tenantOf(options);
    const previous = await sh.record(org, threadId);
    const stored = previous?.comments?.[String(id)];
    const author = stored?.from?.userId;
    const input: VeltCommentInput = { commentText: fields.commentText, commentHtml: fields.commentHtml, from: { userId: author ?? '' }, taggedUserContacts: fields.taggedUserContacts };
    const { content } = splitComment(input, id);
    if (author === undefined) delete content.from;
    // Tags are always replaced, even by none, so mentions removed by the edit are untagged in the store too.
    content.taggedUserContacts = content.taggedUserContacts ?? [];
    content.to = content.to ?? [];
    const pending = { op: 'edit', fingerprint: fingerprintOf(content), at: Date.now() } as const;
    const hasText = fields.commentText !== '' || fields.commentHtml !== '';
    await sh.write({
      operation: op,
      written: [`store:comment_annotations/${threadId}/comments/${id}`],
      failedId: `velt:commentannotations/${threadId}/comments/${id}`,
      store: () => sh.putComment(org, threadId, mergedContent(previous, content), { documentId: roomId, pending }),
      rollback: () => sh.restoreComment(org, threadId, id, previous, roomId),
      rest: async () => {
        const result = await this.ctx.client.updateComments(
          {
            organizationId: org,
            documentId: roomId,
            annotationId: threadId,
            commentIds: [id],
            updatedData: { taggedUserContacts: structuralTags(fields.taggedUserContacts), isCommentResolverUsed: true, isCommentTextAvailable: hasText },
          },
          op,
          this.ctx.call(options),
        );
        assertBatchSucceeded(result, op);
      },
    });
    await sh.confirm(org, threadId, [id]).catch(() => {});
    return toComment(await this.fetch(roomId, threadId, id, op, options), threadId, roomId);
  }

  async delete(roomId: string, threadId: string, commentId: string, options?: CallOptions): Promise<void> {
    const op = 'comments.delete';
    const id = parseCommentId(commentId, op);
    const org = this.ctx.tenantOf(options);
    const rest = async (): Promise<void> => {
      const result = await this.ctx.client.deleteComments({ organizationId: org, documentId: roomId, annotationId: threadId, commentIds: [id] }, op, this.ctx.call(options));
      assertBatchSucceeded(result, op);
    };
    const sh = this.ctx.selfHosted;
    if (!sh) return rest();
    // Self-hosted: the message's content leaves the store first (as a browser save of the thread without
    // it would, §1.8), then Velt deletes the message. A retry removes nothing more and asks Velt again.
    const previous = await sh.record(org, threadId);
    await sh.write({
      operation: op,
      written: [`store:comment_annotations/${threadId}/comments/${id} (deleted)`],
      failedId: `velt:commentannotations/${threadId}/comments/${id}`,
      store: async () => {
        if (previous?.comments?.[String(id)] !== undefined) await sh.deleteComment(org, threadId, id);
      },
      rollback: async () => {
        if (previous?.comments?.[String(id)] !== undefined) await sh.restoreComment(org, threadId, id, previous, roomId);
      },
      rest,
    });
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
    if (!this.ctx.selfHosted) return comment;
    const [merged] = await this.ctx.selfHosted.mergeComments(this.ctx.tenantOf(options), threadId, [comment]);
    return merged as VeltComment;
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
