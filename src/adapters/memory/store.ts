import { nodeCrypto } from '../../core/node-crypto.js';
import { CollabError, ProviderUnavailableError } from '../../core/errors.js';
import type { CollabLogger } from '../../core/logger.js';
import type { CollabEventType } from '../../core/model/event.js';
import type { PersistenceFileSystem } from './persistence/file-system.js';
import type { Persistence, PersistenceStatus } from './persistence/persistence.js';
import type { SnapshotPacing } from './persistence/snapshot-writer.js';
import { type EntityRef, MemoryTables } from './state.js';

export type { TenantState, EntityRef } from './state.js';

/** Well-known key under which the memory room service exposes its store (for `memoryStoreOf`). */
export const MEMORY_STORE = Symbol.for('unicollab.memory.store');

/** A server-set presence entry. */
export interface StoredPresence {
  userId: string;
  data?: Record<string, unknown>;
  info?: Record<string, unknown>;
  expiresAt: number;
}

/** A change in the store, fanned out to webhook subscriptions. */
export interface MemoryChange {
  type: Exclude<CollabEventType, 'unknown'>;
  tenantId: string;
  roomId?: string;
  threadId?: string;
  commentId?: string;
  userId?: string;
  data?: Record<string, unknown>;
}

/** Listener of room broadcasts. */
export type BroadcastListener = (payload: unknown, roomId: string) => void;

/** Options of the store. */
export interface MemoryStoreOptions {
  /**
   * Keep state in this file (a JSON snapshot) with an append-only journal beside it
   * (`<persistPath>.journal-<n>`) and an exclusive lock (`<persistPath>.lock`). A write resolves only
   * once it is fsync'd.
   */
  persistPath?: string;
  /** Clock (ms), for presence expiry and webhook retry times. */
  now?: () => number;
  /** Receives warnings about failed saves and compactions. */
  logger?: CollabLogger;
  /** Tenant given to subscriptions of version 1 files, which had none (default `default`). */
  legacyTenantId?: string;
  /** File operations (tests inject failures). */
  fileSystem?: PersistenceFileSystem;
  /** Compact once the journal exceeds this many bytes and the last snapshot's size (default 4 MiB). */
  compactAfterBytes?: number;
  /** First background retry delay after a failed save, in ms (default 50, doubling up to `retryMaxMs`). */
  retryBaseMs?: number;
  /** Longest background retry delay after failed saves, in ms (default 5000). */
  retryMaxMs?: number;
  /** How snapshot writing shares the event loop. */
  pacing?: SnapshotPacing;
}

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * The embedded provider's "vendor": all state, id generation, change fan-out, and the optional
 * durable persistence (the adapter's only I/O). Services hold the rules; this holds the data.
 *
 * Services mutate the tables synchronously, report what changed (`changed` / `dirty`), then
 * `await commit()` before resolving, so an acknowledged write is on disk.
 */
export class MemoryStore extends MemoryTables {
  /** `${tenant}\u0000${roomId}` -> userId -> entry. Not persisted: presence does not outlive the process. */
  readonly presence = new Map<string, Map<string, StoredPresence>>();
  readonly now: () => number;
  private readonly changeListeners = new Set<(change: MemoryChange) => void>();
  private readonly broadcastListeners = new Map<string, Set<BroadcastListener>>();
  private persistence: Persistence | undefined;

  constructor(private readonly options: MemoryStoreOptions = {}) {
    super();
    // Read Date.now at call time (not captured) so fake timers in tests move presence expiry.
    this.now = options.now ?? (() => Date.now());
  }

  /** Monotonic sequence number: the sort key of every listing, so pages are stable. */
  nextSeq(): number {
    return ++this.seq;
  }

  /** A new random id with a readable prefix (`th_`, `cm_`, `in_`...). */
  newId(prefix: string): string {
    return `${prefix}_${nodeCrypto().randomBytes(12).toString('base64url')}`;
  }

  /** Subscribes to changes (webhook fan-out). */
  onChange(listener: (change: MemoryChange) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Records a change with a webhook event: marks the entity it touched dirty and notifies listeners. */
  changed(change: MemoryChange): void {
    const ref = entityOf(change);
    if (ref) this.dirty(ref);
    for (const listener of this.changeListeners) listener(change);
  }

  /** Marks an entity as changed (or deleted), to be saved by the next commit. */
  dirty(ref: EntityRef): void {
    this.persistence?.markDirty(ref);
  }

  /**
   * Resolves when every change made so far is durable; at once without `persistPath`.
   * Rejects with `ProviderUnavailableError` when saving failed (the change stays applied in memory).
   */
  commit(): Promise<void> {
    return this.persistence ? this.persistence.commit() : RESOLVED;
  }

  /** Subscribes to broadcasts in one room. */
  onBroadcast(tenantId: string, roomId: string, listener: BroadcastListener): () => void {
    const key = `${tenantId}\u0000${roomId}`;
    let set = this.broadcastListeners.get(key);
    if (!set) this.broadcastListeners.set(key, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Delivers a broadcast to the room's listeners; returns how many received it. */
  broadcast(tenantId: string, roomId: string, payload: unknown): number {
    const set = this.broadcastListeners.get(`${tenantId}\u0000${roomId}`);
    if (!set) return 0;
    for (const listener of set) listener(structuredClone(payload), roomId);
    return set.size;
  }

  /**
   * Opens `persistPath` if set: takes its lock, loads the snapshot and replays the journal.
   *
   * @throws ConfigError (field `persistPath`) for a locked path (naming the owner's pid), an unreadable
   *   file, or damaged contents (never silently discarded).
   */
  async open(): Promise<void> {
    const path = this.options.persistPath;
    if (!path || this.persistence) return;
    // Loaded here, not at import: a store without persistPath never needs the journal, snapshot and lock
    // modules, and loading them was a third of the first createCollab().
    const { Persistence } = await import('./persistence/persistence.js');
    this.persistence = await Persistence.open(this, {
      path,
      legacyTenantId: this.options.legacyTenantId ?? 'default',
      ...(this.options.fileSystem ? { fileSystem: this.options.fileSystem } : {}),
      ...(this.options.logger ? { logger: this.options.logger } : {}),
      ...(this.options.compactAfterBytes !== undefined ? { compactAfterBytes: this.options.compactAfterBytes } : {}),
      ...(this.options.retryBaseMs !== undefined ? { retryBaseMs: this.options.retryBaseMs } : {}),
      ...(this.options.retryMaxMs !== undefined ? { retryMaxMs: this.options.retryMaxMs } : {}),
      ...(this.options.pacing ? { pacing: this.options.pacing } : {}),
    });
  }

  /**
   * Writes a fresh snapshot and drops the journal it covers (it also happens on its own as the journal
   * grows). Rejects with `ProviderUnavailableError` when the disk fails; nothing is lost then.
   */
  async compact(): Promise<void> {
    try {
      await this.persistence?.compact();
    } catch (err) {
      if (CollabError.is(err)) throw err;
      throw new ProviderUnavailableError(`Compacting the memory state failed: ${(err as Error).message}; the journal is kept`, { provider: 'memory', operation: 'compact', cause: err });
    }
  }

  /** Persistence counters, or `undefined` without `persistPath`. */
  get persistenceStatus(): PersistenceStatus | undefined {
    return this.persistence?.status;
  }

  /** Saves what is pending, compacts, and releases the lock. Rejects with `ProviderUnavailableError` when saving failed. */
  async close(): Promise<void> {
    await this.persistence?.close();
  }

  /**
   * What `util.inspect` (and so `console.log` of a collab) shows: counts only. The tables hold
   * webhook signing secrets, and dumping a large state would be useless anyway.
   */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const rooms = [...this.tenants.values()].reduce((n, t) => n + t.rooms.size, 0);
    return `MemoryStore { tenants: ${this.tenants.size}, rooms: ${rooms}, subscriptions: ${this.subscriptions.size}, pendingDeliveries: ${this.deliveries.size}${this.options.persistPath ? `, persistPath: ${JSON.stringify(this.options.persistPath)}` : ''} }`;
  }
}

/** The persisted entity a webhook-visible change touched (presence changes touch none). */
function entityOf(change: MemoryChange): EntityRef | undefined {
  const { tenantId, roomId, threadId } = change;
  switch (change.type) {
    case 'room.created':
    case 'room.deleted':
      return roomId === undefined ? undefined : { kind: 'room', tenantId, roomId };
    case 'notification.created': {
      const notificationId = change.data?.notificationId;
      return change.userId !== undefined && typeof notificationId === 'string' ? { kind: 'notification', tenantId, userId: change.userId, notificationId } : undefined;
    }
    case 'user.entered':
    case 'user.left':
      return undefined;
    case 'storage.updated':
    case 'document.updated':
      return roomId === undefined ? undefined : { kind: 'content', tenantId, roomId };
    default:
      // thread.*, comment.*, reaction.*: a thread is saved with its comments and reactions.
      return roomId !== undefined && threadId !== undefined ? { kind: 'thread', tenantId, roomId, threadId } : undefined;
  }
}
