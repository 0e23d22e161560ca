import { inject, injectable } from 'inversify';
import type { z } from 'zod';
import { AdapterContext } from '../../../core/adapter-context.js';
import type { CapabilityDeclaration } from '../../../core/capabilities.js';
import type { MemoryConfigSchema } from '../config.js';
import { NotFoundError, ProviderUnavailableError } from '../../../core/errors.js';
import type { CallOptions } from '../../../core/model/common.js';
import { TOKENS } from '../../../core/tokens.js';
import { type MemoryChange, MemoryStore, type TenantState } from '../store.js';
import type { StoredComment, StoredRoom, StoredThread } from '../schemas.js';

/** Memory-adapter-internal service identifiers. */
export const MEMORY_TOKENS = {
  Store: Symbol.for('unicollab.memory.Store'),
  Context: Symbol.for('unicollab.memory.Context'),
  NotificationRules: Symbol.for('unicollab.memory.NotificationRules'),
  Fanout: Symbol.for('unicollab.memory.Fanout'),
  Subscriptions: Symbol.for('unicollab.memory.Subscriptions'),
  Options: Symbol.for('unicollab.memory.Options'),
} as const;

/** The validated memory config. */
export type ParsedMemoryConfig = z.output<typeof MemoryConfigSchema>;

/**
 * Shared lookups of the memory services: tenant resolution and NotFound errors with the same wording
 * everywhere. The services receive arguments the core guard has already checked (capability, ids,
 * core schemas) and parsed, so they check only what is the embedded provider's own.
 */
@injectable()
export class MemoryContext extends AdapterContext<ParsedMemoryConfig, string> {
  constructor(
    @inject(MEMORY_TOKENS.Store) readonly store: MemoryStore,
    @inject(TOKENS.Config) config: ParsedMemoryConfig,
    @inject(TOKENS.Capabilities) capabilities: CapabilityDeclaration,
    // Injected so the webhook fan-out is listening as soon as any service exists.
    @inject(MEMORY_TOKENS.Fanout) _fanout: unknown,
  ) {
    super('memory', config, capabilities, config.tenantId ?? 'default');
  }

  /** The tenant state of a call. */
  tenant(options?: CallOptions): TenantState {
    return this.store.tenant(this.tenantOf(options));
  }

  /** The room or `NotFoundError`. */
  room(roomId: string, operation: string, options?: CallOptions): StoredRoom {
    const room = this.tenant(options).rooms.get(roomId);
    if (!room) throw new NotFoundError(`Room ${JSON.stringify(roomId)} not found`, { provider: 'memory', operation, vendorCode: 'ROOM_NOT_FOUND' });
    return room;
  }

  /** The thread or `NotFoundError` (room checked first). */
  thread(roomId: string, threadId: string, operation: string, options?: CallOptions): StoredThread {
    const thread = this.room(roomId, operation, options).threads.get(threadId);
    if (!thread) throw new NotFoundError(`Thread ${JSON.stringify(threadId)} not found in room ${JSON.stringify(roomId)}`, { provider: 'memory', operation, vendorCode: 'THREAD_NOT_FOUND' });
    return thread;
  }

  /** The comment or `NotFoundError` (room and thread checked first). */
  comment(roomId: string, threadId: string, commentId: string, operation: string, options?: CallOptions): { thread: StoredThread; comment: StoredComment } {
    const thread = this.thread(roomId, threadId, operation, options);
    const comment = thread.comments.find((c) => c.id === commentId);
    if (!comment) throw new NotFoundError(`Comment ${JSON.stringify(commentId)} not found in thread ${JSON.stringify(threadId)}`, { provider: 'memory', operation, vendorCode: 'COMMENT_NOT_FOUND' });
    return { thread, comment };
  }

  /** Records a change to a room's own fields (no webhook event). */
  touchedRoom(roomId: string, options?: CallOptions): void {
    this.store.dirty({ kind: 'room', tenantId: this.tenantOf(options), roomId });
  }

  /** Records a change to (or the deletion of) a user (no webhook event). */
  touchedUser(userId: string, options?: CallOptions): void {
    this.store.dirty({ kind: 'user', tenantId: this.tenantOf(options), userId });
  }

  /** Records a change to (or the deletion of) a notification (no webhook event). */
  touchedNotification(userId: string, notificationId: string, options?: CallOptions): void {
    this.store.dirty({ kind: 'notification', tenantId: this.tenantOf(options), userId, notificationId });
  }

  /** Records a change (persistence + webhooks). */
  changed(change: Omit<MemoryChange, 'tenantId'>, options?: CallOptions): void {
    this.store.changed({ ...change, tenantId: this.tenantOf(options) });
  }

  /**
   * Waits until the changes of this call are durable (at once without `persistPath`). A failed save
   * rejects with `ProviderUnavailableError` naming the operation; the change stays applied in memory.
   */
  async commit(operation: string): Promise<void> {
    try {
      await this.store.commit();
    } catch (err) {
      if (err instanceof ProviderUnavailableError) throw new ProviderUnavailableError(err.message, { provider: 'memory', operation, cause: err.cause, retryable: err.retryable });
      throw err;
    }
  }
}
