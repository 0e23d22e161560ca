import type { z } from 'zod';
import { type MemoryConfig, MemoryConfigSchema } from '../../core/config.js';
import { type AdapterDefinition, type Collab, createCollab, type CreateCollabOptions } from '../../core/container.js';
import { MEMORY_STORE, type MemoryStore } from './store.js';
import { memoryCapabilities } from './capabilities.js';
import { createMemoryModule } from './module.js';

export type { MemoryConfig };
export type { MemoryStore, MemoryChange, StoredPresence, TenantState } from './store.js';
export type { MemoryEventService } from './services/events.js';
export type { MemoryWebhookPayload } from './webhooks.js';

/** The registry entry of the embedded provider. */
export const memoryAdapter: AdapterDefinition<z.output<typeof MemoryConfigSchema>> = {
  id: 'memory',
  capabilities: memoryCapabilities,
  createModule: createMemoryModule,
};

/**
 * Creates a collab on the embedded in-memory provider: `await memory()` or `await memory({ persistPath })`.
 *
 * With `persistPath`, every write resolves only once it is fsync'd to an append-only journal beside
 * the snapshot file (compacted in the background), the path is locked for this process (another
 * process gets a `ConfigError` naming the holder's pid), and `close()` saves, compacts and unlocks.
 * Webhook deliveries are saved with the state too, and resume after a restart.
 */
export function memory(config: Omit<MemoryConfig, 'provider'> = {}, options?: CreateCollabOptions): Promise<Collab> {
  return createCollab({ ...config, provider: 'memory' }, options);
}

/**
 * The store behind a memory collab (for tests and probes that read state directly), or `undefined`
 * for a collab of another provider.
 */
export function memoryStoreOf(collab: Collab): MemoryStore | undefined {
  return (collab.rooms as unknown as Record<symbol, MemoryStore | undefined>)[MEMORY_STORE];
}
