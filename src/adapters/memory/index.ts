/**
 * `unicollab/memory`: the embedded in-memory provider (optionally persisted to a file).
 *
 * ```ts
 * import { memory } from 'unicollab/memory';
 * const collab = await memory({ persistPath: './collab.json' });
 * ```
 * @packageDocumentation
 */
import { type Collab, type CreateCollabOptions, createCollabWith } from '../../core/container.js';
import type { MemoryConfig } from './config.js';
import { memoryAdapter } from './definition.js';
import type { MemoryEventService } from './services/events.js';
import { MEMORY_STORE, type MemoryStore } from './store.js';

export { memoryAdapter, memoryDefinition, type MemoryModuleOptions } from './definition.js';
export { MemoryConfigSchema, memoryConfig, type MemoryConfig, type ParsedMemoryConfig } from './config.js';
export type { MemoryStore, MemoryChange, StoredPresence, TenantState, BroadcastListener } from './store.js';
export type { MemoryEventService } from './services/events.js';
export type { MemoryWebhookPayload } from './webhook-events.js';
export type { PersistenceStatus } from './persistence/persistence.js';
export type { StoredRoom, StoredThread, StoredComment } from './schemas.js';
export { StoredRoomSchema, StoredThreadSchema, StoredCommentSchema } from './schemas.js';
export type { Inbox, SeqMap, ThreadKeyed } from './seq-map.js';
export type { PersistenceFileSystem, FileSink } from './persistence/file-system.js';
export type { SnapshotPacing } from './persistence/snapshot-writer.js';
export type { EntityRef } from './state.js';
export type { MemoryStoreOptions } from './store.js';
export type { MemoryWebhookSettings } from './webhook-settings.js';

/**
 * A collab on the embedded provider, as `memory()` returns it: a {@link Collab} whose `events` also
 * has `subscribe(roomId, listener)`, which receives the room's broadcasts in this process and returns
 * the unsubscribe function.
 *
 * ```ts
 * const collab: MemoryCollab = await memory();
 * const unsubscribe = collab.events.subscribe('doc-1', (payload) => console.log(payload));
 * await collab.events.broadcast('doc-1', { type: 'ping' });
 * ```
 */
export interface MemoryCollab extends Collab {
  /** Broadcasts, plus `subscribe` for in-process listeners. */
  readonly events: MemoryEventService;
}

/**
 * Creates a collab on the embedded in-memory provider: `await memory()` or `await memory({ persistPath })`.
 *
 * With `persistPath`, every write resolves only once it is fsync'd to an append-only journal beside
 * the snapshot file (compacted in the background), the path is locked for this process (another
 * process gets a `ConfigError` naming the holder's pid), and `close()` saves, compacts and unlocks.
 * Webhook deliveries are saved with the state too, and resume after a restart.
 */
export function memory(config: Omit<MemoryConfig, 'provider'> = {}, options?: CreateCollabOptions): Promise<MemoryCollab> {
  // The definition binds `MemoryEventService` as the events service, so `events` has `subscribe`.
  return createCollabWith(memoryAdapter as never, { ...config, provider: 'memory' }, options) as Promise<MemoryCollab>;
}

/**
 * The store behind a memory collab (for tests and probes that read state directly), or `undefined`
 * for a collab of another provider.
 */
export function memoryStoreOf(collab: Collab): MemoryStore | undefined {
  return (collab.rooms as unknown as Record<symbol, MemoryStore | undefined>)[MEMORY_STORE];
}
