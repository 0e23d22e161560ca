/**
 * The I/O of the Velt adapter's self-hosted mode: reading content from the `VeltContentStore` to merge
 * into Velt's REST answers, and the store-first write protocol (see `VeltSelfHosted.write`). The pieces
 * are pure functions in `../self-hosting/content.ts`.
 * @module
 */
import { CollabError, PartialFailureError } from '../../../core/errors.js';
import { partialFailureMessage } from '../../../core/partial-failure.js';
import type { VeltAnnotation, VeltComment, VeltUser } from '../schemas.js';
import { iconsOf, mergeAnnotation, mergeComment, mergeUser, pendingOf, PENDING_KEY, type PendingWrite, reactionIdsOf, withComment, withoutComment } from '../self-hosting/content.js';
import type { VeltBlobStore } from '../self-hosting/blobs.js';
import type { VeltContentStore } from '../self-hosting/store.js';
import type { VeltPartialComment, VeltPartialCommentAnnotation } from '../self-hosting/types.js';

/** The self-hosted mode of one Velt collab: the store (when the mode is on) and whether the collab owns it. */
export class VeltSelfHostingRuntime {
  constructor(
    /** The content store, or `undefined` when the collab is not self-hosted. */
    readonly store: VeltContentStore | undefined,
    readonly blobs: VeltBlobStore | undefined,
    /** True when the adapter opened the store itself (from `selfHostingDatabaseUrl`): `close()` closes it. */
    private readonly owned: boolean,
  ) {}

  async close(): Promise<void> {
    if (this.owned) await this.store?.close?.();
  }
}

/**
 * Errors after which Velt certainly did not apply the write (it refused the request): the store write is
 * rolled back and the error rethrown as it is. Any other error (network, timeout, 5xx, rate limit, a
 * malformed answer, an abort) leaves it unknown whether Velt applied it: that is a `PartialFailureError`.
 */
const REFUSED = new Set(['validation_error', 'not_found', 'conflict', 'permission_denied', 'authentication_error', 'unsupported_feature']);

function refused(error: unknown): boolean {
  return CollabError.is(error) && REFUSED.has(error.code) && !(error.code === 'conflict' && error.retryable);
}

/** One store-first write (see `VeltSelfHosted.write`). */
export interface StoreFirstWrite<T> {
  operation: string;
  /** What the store holds after the write, named in a `PartialFailureError` (e.g. `store:comment_annotations/<id>/comments/<cid>`). */
  written: string[];
  /** What Velt was to apply, named as the failed item (e.g. `velt:commentannotations/<id>/comments/<cid>`). */
  failedId: string;
  /** Writes the store. */
  store: () => Promise<void>;
  /** Undoes `store` (after Velt refused the write). */
  rollback: () => Promise<void>;
  /** The REST call. */
  rest: () => Promise<T>;
  /**
   * After an error that may mean "already applied" (e.g. the retry of a create whose first answer was
   * lost): resolves true when Velt holds the write, which is then a success.
   */
  alreadyApplied?: (error: unknown) => Promise<boolean>;
}

/** Store reads and store-first writes of a self-hosted Velt collab. */
export class VeltSelfHosted {
  constructor(readonly store: VeltContentStore) {}

  /**
   * Velt's order (docs/vendors/velt-self-hosting.md §1.1: "your side is written first"): the store,
   * then Velt's REST.
   * - REST succeeds: done (the caller then clears the pending note it wrote with the content).
   * - Velt refuses the write (validation, not found, conflict, permission, authentication): the store write
   *   is rolled back and Velt's error is rethrown; nothing is left written.
   * - Anything else: it is unknown whether Velt applied the write. The store keeps the content, with a
   *   pending note, and a `PartialFailureError` (retryable) names what was written (`written`) and what
   *   failed (`failed`). Calling the same operation again is idempotent: a create reuses the pending
   *   comment id (found by the fingerprint of author + content), an edit or a delete writes the same
   *   values again; a create that Velt did apply after all (the answer was lost) is recognised by
   *   `alreadyApplied`, so there is no duplicate. A pending create that no retry completes is invisible to
   *   readers (Velt's structure decides which messages exist) and is removed by the next create in the thread.
   * - If the rollback itself fails, that is a `PartialFailureError` too.
   */
  async write<T>(w: StoreFirstWrite<T>): Promise<T> {
    await w.store();
    try {
      return await w.rest();
    } catch (error) {
      if (w.alreadyApplied && (await w.alreadyApplied(error).catch(() => false))) return undefined as T;
      if (refused(error)) {
        try {
          await w.rollback();
        } catch {
          throw this.partial(w, error);
        }
        throw error;
      }
      throw this.partial(w, error);
    }
  }

  private partial(w: StoreFirstWrite<unknown>, error: unknown): PartialFailureError {
    const failed = [{ id: w.failedId, ...(CollabError.is(error) ? { code: error.code, message: error.message } : { message: String(error) }) }];
    return new PartialFailureError(
      `${partialFailureMessage('velt', w.operation, failed, w.written)}. The content store was written first and Velt's REST write failed: call ${w.operation} again with the same input to complete it (idempotent)`,
      failed,
      w.written,
      { provider: 'velt', operation: w.operation, cause: error, retryable: true },
    );
  }

  /** The store record of an annotation. */
  async record(organizationId: string, annotationId: string): Promise<VeltPartialCommentAnnotation | undefined> {
    return (await this.store.comments.get(organizationId, { annotationIds: [annotationId] }))[annotationId];
  }

  /**
   * Puts a record back as it was before a write (a rollback): the stored one is replaced by `previous`
   * (its `comments` map and pending notes included), or deleted when there was none.
   */
  async restore(organizationId: string, annotationId: string, previous: VeltPartialCommentAnnotation | undefined): Promise<void> {
    if (previous) await this.store.comments.upsert(organizationId, [{ ...previous, comments: previous.comments ?? {}, [PENDING_KEY]: previous[PENDING_KEY] ?? {} }]);
    else await this.store.comments.delete(organizationId, annotationId);
  }

  /** Writes the pending notes of a record back (after Velt confirmed), leaving everything else as it is. */
  async setPending(organizationId: string, annotationId: string, pending: Record<string, unknown>): Promise<void> {
    // No `comments` key: the store's upsert keeps the stored map (top-level keys merge, §store.ts).
    await this.store.comments.upsert(organizationId, [{ annotationId, [PENDING_KEY]: pending } as unknown as VeltPartialCommentAnnotation]);
  }

  /**
   * Writes one message's content and its pending note, keeping every other message of the thread: one
   * atomic store operation (`comments.putComment`) when the store has it, so concurrent writes to the same
   * thread cannot erase each other. `content` replaces the stored message (merge the stored fields in
   * first when editing, `mergedContent`). A store without `putComment` gets a read-modify-write (unsafe
   * under concurrent writes to one thread).
   */
  async putComment(
    organizationId: string,
    annotationId: string,
    content: VeltPartialComment,
    options: { documentId: string; pending?: PendingWrite | null },
  ): Promise<void> {
    const commentId = String(content.commentId);
    const comments = this.store.comments;
    const metadata = { organizationId, documentId: options.documentId };
    if (comments.putComment) {
      await comments.putComment(organizationId, annotationId, commentId, {
        content,
        metadata,
        ...(content.from ? { from: { userId: content.from.userId } } : {}),
        ...(options.pending !== undefined ? { pending: options.pending } : {}),
      });
      return;
    }
    const record = await this.record(organizationId, annotationId);
    const { [commentId]: _previous, ...others } = record?.comments ?? {};
    const base = record ? { ...record, comments: others } : undefined;
    const next = withComment(base, { annotationId, organizationId, documentId: options.documentId }, content, options.pending ?? ({} as PendingWrite));
    if (options.pending === undefined || options.pending === null) {
      const pending = pendingOf(record);
      if (options.pending === null) delete pending[commentId];
      next[PENDING_KEY] = pending;
    }
    await comments.upsert(organizationId, [next]);
  }

  /**
   * Removes one message's content and pending note (atomic with `comments.deleteComment`; else
   * read-modify-write). `dropEmptyRecord`: see `VeltCommentCollection.deleteComment`.
   */
  async deleteComment(organizationId: string, annotationId: string, commentId: number | string, options?: { dropEmptyRecord?: boolean }): Promise<void> {
    const comments = this.store.comments;
    if (comments.deleteComment) {
      await comments.deleteComment(organizationId, annotationId, String(commentId), options);
      return;
    }
    const record = await this.record(organizationId, annotationId);
    if (!record) return;
    const next = withoutComment(record, Number(commentId));
    const empty = Object.keys(next.comments ?? {}).length === 0 && Object.keys(pendingOf(next)).length === 0;
    if (options?.dropEmptyRecord && empty) await comments.delete(organizationId, annotationId);
    else await comments.upsert(organizationId, [next]);
  }

  /** Clears the pending notes of messages Velt confirmed (atomic with `comments.clearPending`; else read-modify-write). */
  async confirm(organizationId: string, annotationId: string, commentIds: readonly (number | string)[]): Promise<void> {
    const ids = commentIds.map(String);
    const comments = this.store.comments;
    if (comments.clearPending) {
      await comments.clearPending(organizationId, annotationId, ids);
      return;
    }
    const pending = pendingOf(await this.record(organizationId, annotationId));
    for (const id of ids) delete pending[id];
    await this.setPending(organizationId, annotationId, pending);
  }

  /**
   * Undoes a `putComment` (after Velt refused the write): the message's content and pending note are put
   * back as they were in `previous` (the record read before the write), or removed when it had none.
   * Other messages, written by others since, are kept; when there was no record before, the record is
   * removed unless another writer added to it since.
   */
  async restoreComment(organizationId: string, annotationId: string, commentId: number | string, previous: VeltPartialCommentAnnotation | undefined, documentId: string): Promise<void> {
    const id = String(commentId);
    const content = previous?.comments?.[id];
    if (content === undefined) {
      await this.deleteComment(organizationId, annotationId, id, { dropEmptyRecord: previous === undefined });
      return;
    }
    const note = pendingOf(previous)[id];
    await this.putComment(organizationId, annotationId, { ...content, commentId: content.commentId ?? id }, { documentId, pending: note ?? null });
  }

  /** Annotations with their content merged in (text/HTML by annotation and comment id, reaction icons). */
  async mergeAnnotations<A extends VeltAnnotation | null>(organizationId: string, annotations: readonly A[]): Promise<A[]> {
    const present = annotations.filter((a): a is NonNullable<A> => a !== null);
    if (present.length === 0) return [...annotations];
    const records = await this.store.comments.get(organizationId, { annotationIds: [...new Set(present.map((a) => a.annotationId))] });
    const icons = await this.icons(organizationId, present.flatMap((a) => a.comments ?? []));
    return annotations.map((a) => (a === null ? a : (mergeAnnotation(a, records[a.annotationId], icons) as A)));
  }

  /** Messages of one annotation with their content merged in. */
  async mergeComments<C extends VeltComment | null>(organizationId: string, annotationId: string, comments: readonly C[]): Promise<C[]> {
    const record = await this.record(organizationId, annotationId);
    const icons = await this.icons(organizationId, comments);
    return comments.map((c) => (c === null ? c : (mergeComment(c, record, icons) as C)));
  }

  /** Users with their profiles merged in. */
  async mergeUsers<U extends VeltUser>(organizationId: string, users: readonly U[]): Promise<U[]> {
    if (users.length === 0) return [];
    const profiles = await this.store.users.get(organizationId, [...new Set(users.map((u) => u.userId))]);
    return users.map((u) => mergeUser(u, profiles[u.userId]) as U);
  }

  private async icons(organizationId: string, comments: ReadonlyArray<VeltComment | null | undefined>): Promise<Record<string, string>> {
    const ids = reactionIdsOf(comments);
    return ids.length === 0 ? {} : iconsOf(await this.store.reactions.get(organizationId, { annotationIds: ids }));
  }
}
