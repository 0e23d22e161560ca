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
import { type Collab, type CreateCollabOptions, createCollabWith } from '../../core/container.js';
import type { VeltConfig } from './config.js';
import { veltAdapter } from './definition.js';
import type { VeltBulk } from './services/bulk.js';
import { VELT_BULK } from './services/threads.js';

export { veltAdapter } from './definition.js';
export { VeltConfigSchema, veltConfig, type VeltConfig } from './config.js';
export { veltCapabilities, veltCapabilityVariants, type VeltCapabilityInputs } from './capabilities.js';
export { PartialBatchError, type BatchItemFailure, mapVeltError, type VeltErrorInput } from './errors.js';
export { VeltClient, VELT_MAX_IDS_PER_FILTER, VELT_DEFAULT_BASE_URL, type VeltClientOptions, type VeltCallOptions, type VeltPage } from './client.js';
export type { VeltBulk, BulkThreadInput, BulkCommentInput, BulkCreatedThread, BulkWriteOptions } from './services/bulk.js';
export { BulkThreadSchema, BulkCommentSchema } from './services/bulk.js';
export type { VeltAnnotationInput, VeltCommentInput, VeltCrdtType, VeltCrdtWrite, VeltResource, VeltStatusInput, VeltTaggedContactInput, VeltUserRef } from './schemas.js';
export { normaliseBasicWebhook, normaliseAdvancedWebhook, ADVANCED_EVENT_TYPES, BASIC_ACTION_TYPES, type VeltMappedEventType } from './webhook-events.js';
export * from './self-hosting/public.js';

/** Creates a collab on Velt: `await velt({ apiKey, authToken, organizationId })`. */
export function velt(config: Omit<VeltConfig, 'provider'>, options?: CreateCollabOptions): Promise<Collab> {
  return createCollabWith(veltAdapter as never, { ...config, provider: 'velt' }, options);
}

/**
 * The Velt bulk operations of a Velt collab (chunked id lookups, multi-thread and multi-comment writes
 * for imports and migrations), or `undefined` for a collab of another provider.
 */
export function veltBulkOf(collab: Collab): VeltBulk | undefined {
  return (collab.threads as unknown as Record<symbol, VeltBulk | undefined>)[VELT_BULK];
}
