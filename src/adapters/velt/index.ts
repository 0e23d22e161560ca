/**
 * `unicollab/velt`: the Velt adapter (REST API v2). Rooms are Velt documents, threads are comment
 * annotations, comments their messages (numeric ids, strings here), resolution is a status of type
 * `terminal`; reactions are read-only (Velt has no REST reaction endpoint).
 *
 * ```ts
 * import { velt } from 'unicollab/velt';
 * const collab = await velt({ apiKey, authToken, organizationId: 'acme' });
 * ```
 * @packageDocumentation
 */
import type { z } from 'zod';
import { type VeltConfig, VeltConfigSchema } from '../../core/config.js';
import { type AdapterDefinition, type Collab, createCollab, type CreateCollabOptions } from '../../core/container.js';
import { veltCapabilities, veltCapabilityVariants } from './capabilities.js';
import { createVeltModule } from './module.js';
import type { VeltBulk } from './services/bulk.js';
import { VELT_BULK } from './services/threads.js';

export type { VeltConfig };
export { veltCapabilities, veltCapabilityVariants } from './capabilities.js';
export { PartialBatchError, type BatchItemFailure, mapVeltError } from './errors.js';
export { VeltClient, VELT_MAX_IDS_PER_FILTER, VELT_DEFAULT_BASE_URL, type VeltClientOptions, type VeltCallOptions, type VeltPage } from './client.js';
export type { VeltBulk, BulkThreadInput, BulkCommentInput, BulkCreatedThread, BulkWriteOptions } from './services/bulk.js';
export { normaliseBasicWebhook, normaliseAdvancedWebhook, ADVANCED_EVENT_TYPES, BASIC_ACTION_TYPES } from './webhooks.js';

/** The registry entry of the Velt adapter. */
export const veltAdapter: AdapterDefinition<z.output<typeof VeltConfigSchema>> = {
  id: 'velt',
  capabilities: veltCapabilities,
  createModule: createVeltModule,
  capabilityVariants: veltCapabilityVariants,
};

/** Creates a collab on Velt: `await velt({ apiKey, authToken, organizationId })`. */
export function velt(config: Omit<VeltConfig, 'provider'>, options?: CreateCollabOptions): Promise<Collab> {
  return createCollab({ ...config, provider: 'velt' }, options);
}

/**
 * The Velt bulk operations of a Velt collab (chunked id lookups, multi-thread and multi-comment writes
 * for imports and migrations), or `undefined` for a collab of another provider.
 */
export function veltBulkOf(collab: Collab): VeltBulk | undefined {
  return (collab.threads as unknown as Record<symbol, VeltBulk | undefined>)[VELT_BULK];
}
