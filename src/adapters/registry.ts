/**
 * The only list of adapters. Each entry holds the adapter's light config spec (zod and core only),
 * so configs of every provider parse without loading any adapter, and a lazy `load` so an app
 * bundles only the adapter it uses. A meta-test checks every folder with a `config.ts` is listed.
 */
import type { z } from 'zod';
import type { AdapterConfigSpec, AdapterDefinition } from '../core/adapter.js';
import { registerSecretShapes } from '../core/redact.js';
import { kabelwerkConfig } from './kabelwerk/config.js';
import { liveblocksConfig } from './liveblocks/config.js';
import { memoryConfig } from './memory/config.js';
import { veltConfig } from './velt/config.js';

/** One registry line: the config spec and the loader of the definition. */
export interface RegistryEntry<Spec extends AdapterConfigSpec = AdapterConfigSpec> {
  /** The adapter's config spec. */
  readonly config: Spec;
  /** Imports the adapter (lazily, so an app bundles only the one it uses). */
  readonly load: () => Promise<AdapterDefinition<never>>;
}

/** The shipped adapters, by provider id (the order is the order of `PROVIDER_IDS`). */
export const ADAPTERS = {
  memory: { config: memoryConfig, load: async () => (await import('./memory/index.js')).memoryAdapter as AdapterDefinition<never> },
  liveblocks: { config: liveblocksConfig, load: async () => (await import('./liveblocks/index.js')).liveblocksAdapter as AdapterDefinition<never> },
  velt: { config: veltConfig, load: async () => (await import('./velt/index.js')).veltAdapter as AdapterDefinition<never> },
  kabelwerk: { config: kabelwerkConfig, load: async () => (await import('./kabelwerk/index.js')).kabelwerkAdapter as AdapterDefinition<never> },
} as const satisfies Record<string, RegistryEntry>;

// Secret shapes of every known vendor are redacted from the moment the registry is loaded, so an
// error raised before (or without) loading an adapter cannot echo that vendor's credentials.
for (const { config } of Object.values(ADAPTERS)) {
  registerSecretShapes({ ...('secretHeaders' in config ? { headers: config.secretHeaders } : {}), ...('secretPatterns' in config ? { patterns: config.secretPatterns } : {}) });
}

/** The adapters this version ships, by provider id (the registry's table). */
export type ShippedAdapters = typeof ADAPTERS;

/** Provider ids of the registry. */
export type ProviderId = keyof ShippedAdapters;
/** Every provider id the registry knows of. */
export const PROVIDER_IDS = Object.keys(ADAPTERS) as ProviderId[];
/** The config (input) of one registered provider. */
export type ConfigOf<Id extends ProviderId> = z.input<ShippedAdapters[Id]['config']['configSchema']>;
/** Any registered provider's config, discriminated on `provider`. */
export type CollabConfig = { [Id in ProviderId]: ConfigOf<Id> }[ProviderId];
