import { nodeCrypto } from '../../../core/node-crypto.js';
import { inject, injectable } from 'inversify';
import { z } from 'zod';
import type { BulkCommentWrite, BulkThreadWrite, ThreadBulkWrites } from '../../../core/adapter.js';
import { CollabError, UnsupportedFeatureError, ValidationError } from '../../../core/errors.js';
import { CommentBodySchema } from '../../../core/model/body.js';
import { type CallOptions, IdSchema, MetadataSchema } from '../../../core/model/common.js';
import type { Room } from '../../../core/model/room.js';
import type { Thread } from '../../../core/model/thread.js';
import type { User } from '../../../core/model/user.js';
import { chunk } from '../client.js';
import { type BatchItemFailure, batchError, PartialBatchError, splitBatch } from '../errors.js';
import { toVeltComment } from '../mappers/bodies.js';
import { assertNoReservedKeys, CONTEXT_RESERVED_KEYS } from '../mappers/metadata.js';
import { toRoom } from '../mappers/rooms.js';
import { assertAnnotationId, RESOLVED_STATUS, toThread } from '../mappers/threads.js';
import { toUser } from '../mappers/users.js';
import type { VeltAnnotationInput, VeltCommentInput } from '../schemas.js';
import { VELT_TOKENS, type VeltContext } from './context.js';

/**
 * Items per write request. Velt documents no cap for annotation/comment adds; bounding the request
 * keeps bodies small and makes a failure cost at most one batch.
 */
export const WRITE_BATCH_SIZE = 50;

/** A comment of a bulk write, as `BulkCommentInput` validates it. */
export const BulkCommentSchema = z.object({
  authorId: IdSchema,
  body: CommentBodySchema,
  metadata: MetadataSchema.optional(),
  /** Keep the original time (imports and migrations). */
  createdAt: z.date().optional(),
});

/** A thread of a bulk write (with its comments), as `BulkThreadInput` validates it. */
export const BulkThreadSchema = z.object({
  /** Thread id; generated when absent (Velt's answer map cannot be matched to the request otherwise). */
  id: IdSchema.optional(),
  comments: z.array(BulkCommentSchema).min(1),
  metadata: MetadataSchema.optional(),
  /** Create the thread already resolved (status of type `terminal`). */
  resolved: z.boolean().optional(),
  createdAt: z.date().optional(),
});

/** A comment of a bulk write. */
export type BulkCommentInput = z.input<typeof BulkCommentSchema>;
/** A thread (with all its comments) of `createThreads`. */
export type BulkThreadInput = z.input<typeof BulkThreadSchema>;

/** What `createThreads` wrote for one thread. */
export interface BulkCreatedThread {
  /** The thread (annotation) id. */
  threadId: string;
  /** The new comment ids, in the order given. */
  commentIds: string[];
}

/** Options of bulk writes. */
export interface BulkWriteOptions extends CallOptions {
  /** Notify mentioned users and fire webhooks, as a UI-made thread would (default `false`: imports stay silent). */
  notify?: boolean;
}

function toComment(c: z.output<typeof BulkCommentSchema>): VeltCommentInput {
  const out = toVeltComment(c);
  if (c.createdAt) out.createdAt = c.createdAt.getTime();
  return out;
}

/**
 * Velt batch operations beyond the one-entity core API, for exports, imports and migrations:
 * id lookups chunked by Velt's 30-ids-per-filter cap (§1.5), and multi-thread / multi-comment writes in
 * one request each (§7.3, §7.8). A batch that fails part-way throws `PartialBatchError` listing what was
 * written and what was not; it never half-succeeds silently. Get it with `veltBulkOf(collab)`.
 *
 * It is also core's `ThreadBulkWrites` (the import hook: `createThreadWithComments`, `appendComments`),
 * which `importData` uses when the thread service exposes it under `THREAD_BULK_WRITES`.
 */
@injectable()
export class VeltBulk implements ThreadBulkWrites {
  constructor(@inject(VELT_TOKENS.Context) private readonly ctx: VeltContext) {}

  /**
   * Core import hook: one thread with all its comments in one `/commentannotations/add` request,
   * silently (no notifications). An existing annotation id is a `ConflictError` (nothing written); an id
   * Velt cannot take is a `ValidationError` on field `id`.
   */
  async createThreadWithComments(roomId: string, thread: BulkThreadWrite, options: CallOptions = {}): Promise<BulkCreatedThread> {
    const op = 'bulk.createThreads';
    try {
      const [created] = await this.createThreads(roomId, [thread as BulkThreadInput], options);
      if (!created) throw new CollabError(`velt ${op}: the answer names no thread`, { provider: 'velt', operation: op });
      return created;
    } catch (err) {
      // One thread per call: a batch refusal of it is the plain error of the situation (e.g. already exists).
      if (PartialBatchError.is(err) && err.written.length === 0) throw batchError(op, [...err.failed], [], { cause: err });
      if (err instanceof ValidationError && err.field.startsWith('threads.0.')) {
        throw new ValidationError(err.field.slice('threads.0.'.length), err.message.replace(/^Invalid [^:]*: /, ''), { provider: 'velt', operation: op, cause: err });
      }
      throw err;
    }
  }

  /** Core import hook: comments appended to a thread, 50 per request (see `addComments`). */
  appendComments(roomId: string, threadId: string, comments: readonly BulkCommentWrite[], options: CallOptions = {}): Promise<string[]> {
    return this.addComments(roomId, threadId, comments as readonly BulkCommentInput[], options);
  }

  /** Rooms by id (any number; 30 per request). Ids Velt does not know are listed in `missing`. */
  async getRooms(ids: readonly string[], options?: CallOptions): Promise<{ rooms: Room[]; missing: string[] }> {
    const op = 'bulk.getRooms';
    ids.forEach((id, i) => this.ctx.id(id, `ids.${i}`, op));
    const { found, missing } = await this.ctx.client.getDocumentsByIds(this.ctx.tenantOf(options), ids, op, this.ctx.call(options));
    return { rooms: found.map(toRoom), missing };
  }

  /** Users by id (any number; 30 per request). */
  async getUsers(ids: readonly string[], options?: CallOptions): Promise<{ users: User[]; missing: string[] }> {
    const op = 'bulk.getUsers';
    ids.forEach((id, i) => this.ctx.id(id, `ids.${i}`, op));
    const org = this.ctx.tenantOf(options);
    const fetched = await this.ctx.client.getUsersByIds(org, ids, op, this.ctx.call(options));
    const users = this.ctx.selfHosted ? await this.ctx.selfHosted.mergeUsers(org, fetched) : fetched;
    const seen = new Set(users.map((u) => u.userId));
    return { users: users.map(toUser), missing: [...new Set(ids)].filter((id) => !seen.has(id)) };
  }

  /** Threads of a room by id (any number; 30 per request). */
  async getThreads(roomId: string, ids: readonly string[], options?: CallOptions): Promise<{ threads: Thread[]; missing: string[] }> {
    const op = 'bulk.getThreads';
    this.ctx.id(roomId, 'roomId', op);
    ids.forEach((id, i) => this.ctx.id(id, `ids.${i}`, op));
    const org = this.ctx.tenantOf(options);
    const fetched = await this.ctx.client.getAnnotationsByIds(org, roomId, ids, op, this.ctx.call(options));
    const annotations = this.ctx.selfHosted ? await this.ctx.selfHosted.mergeAnnotations(org, fetched) : fetched;
    const seen = new Set(annotations.map((a) => a.annotationId));
    return { threads: annotations.map((a) => toThread(a, roomId)), missing: [...new Set(ids)].filter((id) => !seen.has(id)) };
  }

  /**
   * Creates threads with all their comments: one `/commentannotations/add` per 50 threads, each thread
   * carrying every comment in one `commentData` array. Returns the ids in input order.
   */
  async createThreads(roomId: string, threads: readonly BulkThreadInput[], options: BulkWriteOptions = {}): Promise<BulkCreatedThread[]> {
    const op = 'bulk.createThreads';
    this.ctx.assert('threads.create');
    this.refuseSelfHosted(op);
    this.ctx.id(roomId, 'roomId', op);
    const inputs = this.ctx.validate(z.array(BulkThreadSchema), threads, 'threads', op).map((t, i) => {
      if (t.id !== undefined) assertAnnotationId(t.id, `threads.${i}.id`, op);
      assertNoReservedKeys(t.metadata, CONTEXT_RESERVED_KEYS, `threads.${i}.metadata`, op);
      t.comments.forEach((c, j) => assertNoReservedKeys(c.metadata, CONTEXT_RESERVED_KEYS, `threads.${i}.comments.${j}.metadata`, op));
      return { ...t, id: t.id ?? `uc-${nodeCrypto().randomUUID()}` };
    });
    const created: BulkCreatedThread[] = [];
    const parts = chunk(inputs, WRITE_BATCH_SIZE);
    for (const [index, part] of parts.entries()) {
      const annotations: VeltAnnotationInput[] = part.map((t) => {
        const commentData = t.comments.map(toComment);
        if (options.notify) commentData.forEach((c) => (c.triggerNotification = true));
        const a: VeltAnnotationInput = { annotationId: t.id, commentData };
        if (t.metadata && Object.keys(t.metadata).length > 0) a.context = { ...t.metadata };
        if (t.resolved) a.status = RESOLVED_STATUS;
        if (t.createdAt) a.createdAt = t.createdAt.getTime();
        return a;
      });
      const later = parts.slice(index + 1).flat().map((t) => t.id);
      try {
        const result = await this.ctx.client.addAnnotations(
          { organizationId: this.ctx.tenantOf(options), documentId: roomId, commentAnnotations: annotations, ...this.ctx.createFlags() },
          op,
          this.ctx.call(options),
        );
        const split = splitBatch(result);
        if (split) throw new PartialBatchError(op, split.failed, split.written);
        for (const t of part) {
          const entry = Object.values(result).find((e) => e.annotationId === t.id) ?? result[t.id];
          created.push({ threadId: t.id, commentIds: (entry?.commentIds ?? []).map(String) });
        }
      } catch (err) {
        throw this.partial(op, err, created.map((c) => c.threadId), part.map((t) => t.id), later);
      }
    }
    return created;
  }

  /**
   * Adds comments to a thread: one `/commentannotations/comments/add` per 50 comments. Returns the new
   * comment ids in input order.
   */
  async addComments(roomId: string, threadId: string, comments: readonly BulkCommentInput[], options: CallOptions = {}): Promise<string[]> {
    const op = 'bulk.addComments';
    this.ctx.assert('comments.create');
    this.refuseSelfHosted(op);
    this.ctx.id(roomId, 'roomId', op);
    this.ctx.id(threadId, 'threadId', op);
    const inputs = this.ctx.validate(z.array(BulkCommentSchema), comments, 'comments', op);
    inputs.forEach((c, j) => assertNoReservedKeys(c.metadata, CONTEXT_RESERVED_KEYS, `comments.${j}.metadata`, op));
    const ids: string[] = [];
    const parts = chunk(inputs, WRITE_BATCH_SIZE);
    for (const [index, part] of parts.entries()) {
      try {
        const created = await this.ctx.client.addComments(
          { organizationId: this.ctx.tenantOf(options), documentId: roomId, annotationId: threadId, commentData: part.map(toComment), ...this.ctx.createFlags() },
          op,
          this.ctx.call(options),
        );
        ids.push(...created.map(String));
      } catch (err) {
        // Comments have no id before Velt assigns one: unwritten ones are named by their input position.
        const start = index * WRITE_BATCH_SIZE;
        const positions = (from: number, count: number) => Array.from({ length: count }, (_, k) => `#${from + k}`);
        throw this.partial(op, err, ids, positions(start, part.length), positions(start + part.length, inputs.length - start - part.length));
      }
    }
    return ids;
  }

  /** Bulk writes would send the content to Velt: in self-hosted mode they are refused (use threads.create / comments.create). */
  private refuseSelfHosted(op: string): void {
    if (this.ctx.selfHosted) {
      throw new UnsupportedFeatureError('velt', op, 'not available in self-hosted mode (the content must go to the store first, one write at a time): use threads.create / comments.create');
    }
  }

  /**
   * The error of a failed chunk, accounting for the chunks written before it: with nothing written the
   * original error is thrown as is; otherwise a `PartialBatchError` listing written and unwritten items.
   */
  private partial(op: string, err: unknown, writtenBefore: string[], current: string[], later: string[]): unknown {
    const notAttempted: BatchItemFailure[] = later.map((id) => ({ id, message: 'not attempted (an earlier batch failed)' }));
    if (PartialBatchError.is(err)) {
      if (writtenBefore.length === 0 && notAttempted.length === 0) return err;
      return new PartialBatchError(op, [...err.failed, ...notAttempted], [...writtenBefore, ...err.written], { cause: err });
    }
    if (writtenBefore.length === 0) return err;
    const reason = CollabError.is(err) ? err.message : 'request failed';
    const failed: BatchItemFailure[] = [...current.map((id) => ({ id, message: `unknown outcome: ${reason}` })), ...notAttempted];
    return new PartialBatchError(op, failed, writtenBefore, { cause: err });
  }
}
