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
import { MEMORY_STORE, type MemoryStore } from './store.js';

export { memoryAdapter, memoryDefinition, type MemoryModuleOptions } from './definition.js';
export { MemoryConfigSchema, memoryConfig, type MemoryConfig, type ParsedMemoryConfig } from './config.js';
export type { MemoryStore, MemoryChange, StoredPresence, TenantState } from './store.js';
export type { MemoryEventService } from './services/events.js';
export type { MemoryWebhookPayload } from './webhook-events.js';

/**
 * Creates a collab on the embedded in-memory provider: `await memory()` or `await memory({ persistPath })`.
 *
 * With `persistPath`, every write resolves only once it is fsync'd to an append-only journal beside
 * the snapshot file (compacted in the background), the path is locked for this process (another
 * process gets a `ConfigError` naming the holder's pid), and `close()` saves, compacts and unlocks.
 * Webhook deliveries are saved with the state too, and resume after a restart.
 */
export function memory(config: Omit<MemoryConfig, 'provider'> = {}, options?: CreateCollabOptions): Promise<Collab> {
  return createCollabWith(memoryAdapter as never, { ...config, provider: 'memory' }, options);
}

/**
 * The store behind a memory collab (for tests and probes that read state directly), or `undefined`
 * for a collab of another provider.
 */
export function memoryStoreOf(collab: Collab): MemoryStore | undefined {
  return (collab.rooms as unknown as Record<symbol, MemoryStore | undefined>)[MEMORY_STORE];
}
