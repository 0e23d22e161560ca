import type { MemoryStoreOptions } from './store.js';
import type { MemoryWebhookSettings } from './webhook-settings.js';

/**
 * Internal knobs of the memory module beyond its config: for tests (failing file systems, tiny
 * retry schedules) and for embedders that build the module themselves.
 */
export interface MemoryModuleOptions {
  /** Store options merged over those derived from the config (`persistPath`, `logger`, tenant). */
  store?: Omit<MemoryStoreOptions, 'persistPath'>;
  /** Webhook delivery settings that win over the config's, and the `fetch` deliveries use. */
  webhooks?: Partial<MemoryWebhookSettings> & { fetch?: typeof fetch };
}
