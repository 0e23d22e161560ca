import { iteratePages } from '../../../core/paging.js';
import { inject, injectable } from 'inversify';
import { ConflictError, NotFoundError, ProviderResponseError } from '../../../core/errors.js';
import type { CallOptions, MetadataPatch, Page } from '../../../core/model/common.js';
import type { CreateThreadInput, ResolveThreadInput, Thread, ThreadListQuery } from '../../../core/model/thread.js';
import type { ThreadService } from '../../../core/services/threads.js';
import { matchesMetadata } from '../../../core/metadata.js';
import { assertBatchSucceeded } from '../errors.js';
import { toVeltComment } from '../mappers/bodies.js';
import { assertNoReservedKeys, CONTEXT_RESERVED_KEYS, pickMetadata } from '../mappers/metadata.js';
import { itemOutcome } from '../mappers/batch-items.js';
import {
  annotationAfterStatusPatch,
  assertAnnotationId,
  isResolved,
  OPEN_STATUS,
  patchedContext,
  RESOLVED_STATUS,
  toThread,
  type VeltStatusPatch,
} from '../mappers/threads.js';
import type { VeltAnnotation, VeltAnnotationInput } from '../schemas.js';
import { fingerprintOf, newAnnotationId, newCommentId, pendingCreateFor, splitComment, storedCommentIds, withComment } from '../self-hosting/content.js';
import { THREAD_BULK_WRITES, type ThreadBulkWrites } from '../../../core/adapter.js';
import type { VeltBulk } from './bulk.js';
import { VELT_TOKENS, type VeltContext } from './context.js';
import type { VeltSelfHosted } from './self-hosted.js';

/** Well-known key under which the thread service exposes the Velt bulk operations (see `veltBulkOf`). */
export const VELT_BULK = Symbol.for('unicollab.velt.bulk');

/**
 * Threads are comment annotations of a document (§7). Thread metadata is the annotation `context`;
 * resolution is a status of type `terminal` (§7.2) set together with `resolvedByUserId`.
 */
@injectable()
export class VeltThreadService implements ThreadService {
  constructor(
    @inject(VELT_TOKENS.Context) private readonly ctx: VeltContext,
    @inject(VELT_TOKENS.Bulk) private readonly bulk: VeltBulk,
  ) {}

  /** The bulk operations (chunked batch reads and multi-comment writes), for `veltBulkOf`. */
  get [VELT_BULK](): VeltBulk {
    return this.bulk;
  }

  /**
   * The import hook (a thread with its comments in one request). Not offered in self-hosted mode, whose
   * writes go to the content store first and cannot be batched.
   */
  get [THREAD_BULK_WRITES](): ThreadBulkWrites | undefined {
    return this.ctx.selfHosted ? undefined : this.bulk;
  }

  async create(input: CreateThreadInput, options?: CallOptions): Promise<Thread> {
    const op = 'threads.create';
    if (input.id !== undefined) assertAnnotationId(input.id, 'id', op);
    assertNoReservedKeys(input.metadata, CONTEXT_RESERVED_KEYS, 'metadata', op);
    assertNoReservedKeys(input.comment.metadata, CONTEXT_RESERVED_KEYS, 'comment.metadata', op);
    const annotation: VeltAnnotationInput = {
      // triggerNotification makes a REST thread behave like one made in the UI: mentioned users are
      // notified and webhooks fire (§7.3, the only documented way to get either from REST).
      commentData: [{ ...toVeltComment(input.comment), triggerNotification: true }],
    };
    if (input.id !== undefined) annotation.annotationId = input.id;
    if (input.metadata && Object.keys(input.metadata).length > 0) annotation.context = { ...input.metadata };
    const org = this.ctx.tenantOf(options);
    if (this.ctx.selfHosted) return this.createSelfHosted(this.ctx.selfHosted, input, annotation, org, options);
    const result = await this.ctx.client.addAnnotations(
      { organizationId: org, documentId: input.roomId, commentAnnotations: [annotation], ...this.ctx.createFlags() },
      op,
      this.ctx.call(options),
    );
    assertBatchSucceeded(result, op);
    // The answer map is keyed per annotation (map order is not request order): read `annotationId` (§7.3).
    const threadId = Object.values(result)[0]?.annotationId ?? input.id;
    if (!threadId) throw new ProviderResponseError(`velt ${op}: the answer names no annotationId`, { provider: 'velt', operation: op, path: 'result.data' });
    return toThread(await this.fetch(input.roomId, threadId, op, options), input.roomId);
  }

  /**
   * Self-hosted `threads.create`: ids are chosen here (the store is keyed by them and written first), the
   * content goes to the store, the structure to Velt (see `VeltSelfHosted.write`). A retry after a
   * `PartialFailureError` passes the thread id it names (`id`): the pending first message is then reused.
   */
  private async createSelfHosted(sh: VeltSelfHosted, input: CreateThreadInput, annotation: VeltAnnotationInput, org: string, options?: CallOptions): Promise<Thread> {
    const op = 'threads.create';
    const threadId = input.id ?? newAnnotationId();
    const previous = input.id !== undefined ? await sh.record(org, threadId) : undefined;
    const [first] = annotation.commentData as [VeltAnnotationInput['commentData'][number]];
    const fingerprint = fingerprintOf(splitComment(first, 0).content);
    // A retry of this create (same id, same author and content) finds its pending first message.
    const retried = pendingCreateFor(previous, fingerprint);
    if (retried === undefined && previous && Object.keys(previous.comments ?? {}).length > 0) {
      // Content is stored for this id and it is not this create's pending write: if Velt has the thread,
      // it exists (refused before the store is touched); if not, the record is a leftover and is replaced.
      const existing = await this.ctx.client.getAnnotations({ organizationId: org, documentId: input.roomId, annotationIds: [threadId] }, op, this.ctx.call(options));
      if (existing.items.some((a) => a?.annotationId === threadId)) {
        throw new ConflictError(`velt ${op}: thread ${JSON.stringify(threadId)} already exists`, { provider: 'velt', operation: op, vendorCode: 'ALREADY_EXISTS' });
      }
    }
    const commentId = retried ?? newCommentId(storedCommentIds(previous));
    const { velt, content } = splitComment(first, commentId);
    // The new record replaces a leftover one as a whole (its `comments` map and pending notes).
    const next = withComment(retried !== undefined ? previous : undefined, { annotationId: threadId, organizationId: org, documentId: input.roomId }, content, { op: 'create', fingerprint, at: Date.now() });
    const body = { ...annotation, annotationId: threadId, commentData: [velt] };
    const applied = async (): Promise<boolean> => {
      const page = await this.ctx.client.getAnnotations({ organizationId: org, documentId: input.roomId, annotationIds: [threadId] }, op, this.ctx.call(options));
      return page.items.some((a) => a?.annotationId === threadId && (a.comments ?? []).some((c) => c.commentId === commentId));
    };
    await sh.write({
      operation: op,
      written: [`store:comment_annotations/${threadId}/comments/${commentId}`],
      failedId: `velt:commentannotations/${threadId}/comments/${commentId}`,
      store: () => sh.store.comments.upsert(org, [next]),
      rollback: () => sh.restore(org, threadId, previous),
      rest: async () => {
        const result = await this.ctx.client.addAnnotations({ organizationId: org, documentId: input.roomId, commentAnnotations: [body], ...this.ctx.createFlags() }, op, this.ctx.call(options));
        assertBatchSucceeded(result, op);
      },
      // Only a retry (a pending write with this fingerprint existed) can find its own write already applied.
      ...(retried !== undefined ? { alreadyApplied: applied } : {}),
    });
    // Confirmed: the pending note is cleared. A failure here leaves a note that readers ignore (Velt has the message).
    await sh.confirm(org, threadId, [commentId]).catch(() => {});
    return toThread(await this.fetch(input.roomId, threadId, op, options), input.roomId);
  }

  async get(roomId: string, threadId: string, options?: CallOptions): Promise<Thread> {
    const op = 'threads.get';
    return toThread(await this.fetch(roomId, threadId, op, options), roomId);
  }

  async list(roomId: string, query: ThreadListQuery = {}, options?: CallOptions): Promise<Page<Thread>> {
    const op = 'threads.list';
    const org = this.ctx.tenantOf(options);
    const filtered = query.resolved !== undefined || (query.metadata !== undefined && Object.keys(query.metadata).length > 0);
    return this.ctx.scan({
      operation: op,
      limit: query.limit,
      cursor: query.cursor,
      fetchPage: async (pageToken, pageSize) => {
        const page = await this.ctx.client.getAnnotations({ organizationId: org, documentId: roomId, pageSize, ...(pageToken ? { pageToken } : {}) }, op, this.ctx.call(options));
        // Self-hosted: the content of the page's threads comes from the store, in one read per page.
        return this.ctx.selfHosted ? { ...page, items: await this.ctx.selfHosted.mergeAnnotations(org, page.items) } : page;
      },
      // Velt filters statuses by id only; resolution is the status type (§7.2), so it is filtered here.
      match: (a: VeltAnnotation | null) =>
        a !== null &&
        (query.resolved === undefined || isResolved(a) === query.resolved) &&
        matchesMetadata(pickMetadata(a.context, CONTEXT_RESERVED_KEYS), query.metadata),
      filtered,
      map: (a) => toThread(a as VeltAnnotation, roomId),
    });
  }

  iterate(roomId: string, query: Omit<ThreadListQuery, 'cursor'> = {}, options?: CallOptions): AsyncIterable<Thread> {
    return iteratePages((cursor) => this.list(roomId, { ...query, ...(cursor ? { cursor } : {}) }, options));
  }

  async delete(roomId: string, threadId: string, options?: CallOptions): Promise<void> {
    const op = 'threads.delete';
    const org = this.ctx.tenantOf(options);
    const rest = async (): Promise<void> => {
      const result = await this.ctx.client.deleteAnnotations({ organizationId: org, documentId: roomId, annotationIds: [threadId] }, op, this.ctx.call(options));
      // An unknown id is a per-item "Annotation not found." (§7.7): NotFoundError.
      assertBatchSucceeded(result, op);
    };
    const sh = this.ctx.selfHosted;
    if (!sh) return rest();
    // Self-hosted: the content is deleted first (Velt's order); a retry deletes nothing more and asks Velt again.
    const previous = await sh.record(org, threadId);
    await sh.write({
      operation: op,
      written: [`store:comment_annotations/${threadId} (deleted)`],
      failedId: `velt:commentannotations/${threadId}`,
      store: async () => {
        await sh.store.comments.delete(org, threadId);
      },
      rollback: async () => {
        if (previous) await sh.store.comments.upsert(org, [previous]);
      },
      rest,
    });
  }

  async resolve(roomId: string, threadId: string, input: ResolveThreadInput, options?: CallOptions): Promise<Thread> {
    return this.setResolved('threads.resolve', roomId, threadId, input, true, options);
  }

  async unresolve(roomId: string, threadId: string, input: ResolveThreadInput, options?: CallOptions): Promise<Thread> {
    return this.setResolved('threads.unresolve', roomId, threadId, input, false, options);
  }

  async updateMetadata(roomId: string, threadId: string, metadata: MetadataPatch, options?: CallOptions): Promise<Thread['metadata']> {
    const op = 'threads.updateMetadata';
    assertNoReservedKeys(metadata, CONTEXT_RESERVED_KEYS, 'metadata', op);
    // Velt replaces `context` as a whole (§7.6): read it, patch it, write it back (keeping `access`).
    const current = await this.fetch(roomId, threadId, op, options);
    const context = patchedContext(current.context, metadata);
    const result = await this.ctx.client.updateAnnotations(
      { organizationId: this.ctx.tenantOf(options), documentId: roomId, annotationIds: [threadId], updatedData: { context } },
      op,
      this.ctx.call(options),
    );
    assertBatchSucceeded(result, op);
    return pickMetadata(context, CONTEXT_RESERVED_KEYS);
  }

  /**
   * Two requests on the happy path: the read (to find the thread, its room, and whether it is already in the
   * wanted state) and the update. The result is built from that read and the patch Velt acknowledged
   * (`annotationAfterStatusPatch`) instead of a third request reading it back.
   */
  private async setResolved(op: string, roomId: string, threadId: string, input: ResolveThreadInput, resolved: boolean, options?: CallOptions): Promise<Thread> {
    const { userId } = input;
    const current = await this.fetch(roomId, threadId, op, options);
    // Idempotent: a thread already in the wanted state keeps its status (and its resolver).
    if (isResolved(current) === resolved) return toThread(current, roomId);
    const updatedData: VeltStatusPatch = resolved
      ? { status: RESOLVED_STATUS, resolvedByUserId: userId, statusUpdatedByUserId: userId }
      : { status: OPEN_STATUS, resolvedByUserId: null, statusUpdatedByUserId: userId };
    const result = await this.ctx.client.updateAnnotations(
      { organizationId: this.ctx.tenantOf(options), documentId: roomId, annotationIds: [threadId], updatedData },
      op,
      this.ctx.call(options),
    );
    // A failed entry ("Annotation not found." when it was deleted since the read, §7.6/§7.7) is thrown here.
    assertBatchSucceeded(result, op);
    // Without a read-back, only the answer's own entry says the write was applied: an answer without one
    // is not the documented shape (§7.6), and is not taken as a success.
    if (itemOutcome(result, threadId).kind !== 'applied') {
      throw new ProviderResponseError(`velt ${op}: the update answer has no entry for the annotation`, {
        provider: 'velt',
        operation: op,
        path: `result.data.${threadId}`,
      });
    }
    return toThread(annotationAfterStatusPatch(current, updatedData, Date.now()), roomId);
  }

  private async fetch(roomId: string, threadId: string, op: string, options?: CallOptions): Promise<VeltAnnotation> {
    const page = await this.ctx.client.getAnnotations(
      { organizationId: this.ctx.tenantOf(options), documentId: roomId, annotationIds: [threadId] },
      op,
      this.ctx.call(options),
    );
    // A missing annotation comes back as a `null` entry (§7.4).
    const annotation = page.items.find((a) => a?.annotationId === threadId);
    if (!annotation) {
      throw new NotFoundError(`velt ${op}: thread ${JSON.stringify(threadId)} not found in room ${JSON.stringify(roomId)}`, {
        provider: 'velt',
        operation: op,
        vendorCode: 'NOT_FOUND',
      });
    }
    if (!this.ctx.selfHosted) return annotation;
    const [merged] = await this.ctx.selfHosted.mergeAnnotations(this.ctx.tenantOf(options), [annotation]);
    return merged as VeltAnnotation;
  }
}
