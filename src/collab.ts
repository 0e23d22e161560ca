/**
 * Core plus the registry: the provider-picking entry points (`createCollab`, `bindCollab`,
 * `loadConfigFromEnv`, ...). Core itself (`createCollabWith`) never sees the registry, and adapters
 * never import this module, so there is no cycle between core, registry and adapters.
 */
import type { Container } from 'inversify';
import { z } from 'zod';
import type { AdapterConfigSpec, AdapterDefinition } from './core/adapter.js';
import type { CapabilityDeclaration } from './core/capabilities.js';
import { type BaseParsedConfig, loadConfigFromEnvWith, parseConfig as parseWithSpec, providerFromEnvWith, providerOf, unknownProviderError } from './core/config.js';
import { ConfigError } from './core/errors.js';
import { acceptAdapterDefinition, bindCollabWith, type Collab, type InversifyContainer, collabFromContainer, type CreateCollabOptions, createCollabContainerWith, requiredCapabilities } from './core/container.js';
import { ADAPTERS, type CollabConfig, PROVIDER_IDS, type ProviderId } from './adapters/registry.js';

export type { Collab, CreateCollabOptions, InversifyContainer } from './core/container.js';
export { PROVIDER_IDS, type CollabConfig, type ProviderId } from './adapters/registry.js';

/** The config of an adapter registered with `registerAdapter` under an id the registry does not know. */
export type CustomProviderConfig = { readonly provider: string } & Record<string, unknown>;

/** Loads an adapter definition on first use (`registerAdapter` with a lazy `import()`). */
export type AdapterLoader = () => Promise<AdapterDefinition<never>>;

/** Adapters registered at run time, by id; they win over the registry's loader of the same id. */
const registered = new Map<string, { load: AdapterLoader; definition?: AdapterDefinition<never> }>();

const shippedIds = PROVIDER_IDS as readonly string[];
const isShipped = (id: string): id is ProviderId => shippedIds.includes(id);

/**
 * Registers (or replaces) the adapter of a provider id, any id: for apps that ship their own
 * adapter, and for tests. The config is validated with the definition's own schema.
 *
 * @param provider - The id configs select it with (`{ provider }`).
 * @param adapter - The definition, or a function that loads it (for lazy imports).
 */
export function registerAdapter(provider: string, adapter: AdapterDefinition<never> | AdapterLoader): void {
  if (typeof adapter === 'function') {
    registered.set(provider, { load: async () => acceptAdapterDefinition(await adapter()) });
  } else {
    const definition = acceptAdapterDefinition(adapter);
    registered.set(provider, { load: async () => definition, definition });
  }
}

/** Every provider id a config may name: the registry's and those registered at run time. */
function knownIds(): string[] {
  return [...new Set([...shippedIds, ...registered.keys()])];
}

/** Loads the adapter definition of a provider. `ConfigError` for an id neither the registry nor `registerAdapter` knows. */
export async function loadAdapter(provider: string): Promise<AdapterDefinition<never>> {
  const custom = registered.get(provider);
  if (custom) return custom.load();
  if (isShipped(provider)) return acceptAdapterDefinition(await ADAPTERS[provider].load());
  throw unknownProviderError(provider, knownIds());
}

/** The provider of a config object, checked against the known ids. */
function providerIn(config: unknown): string {
  const provider = providerOf(config);
  if (typeof provider !== 'string' || !knownIds().includes(provider)) throw unknownProviderError(provider, knownIds());
  return provider;
}

/** The definition for a config: validated first with the registry's spec, so a bad config fails before any import. */
async function definitionFor(config: unknown): Promise<AdapterDefinition<never>> {
  const provider = providerIn(config);
  if (!registered.has(provider) && isShipped(provider)) parseWithSpec(ADAPTERS[provider].config as AdapterConfigSpec, config);
  return loadAdapter(provider);
}

/**
 * Validates a config of any known provider. Throws one `ConfigError` listing every problem (`issues`,
 * each with its field and the environment variable it is read from; `field`/`envVar` are the first
 * one's), unknown keys included with the closest known key; secret values are never echoed.
 */
export function parseConfig(input: unknown): BaseParsedConfig & Record<string, unknown> {
  const provider = providerIn(input);
  const spec: AdapterConfigSpec | undefined = registered.get(provider)?.definition ?? (isShipped(provider) ? ADAPTERS[provider].config : undefined);
  if (!spec) {
    // Registered with a loader: its schema is known only once loaded, which `createCollab` does.
    throw new ConfigError(`The ${provider} adapter is registered with a loader: its config is validated when createCollab loads it`, { field: 'provider', provider });
  }
  return parseWithSpec(spec, input) as BaseParsedConfig & Record<string, unknown>;
}

/**
 * Binds the configured adapter into an existing Inversify container: every `TOKENS.*Service`,
 * `TOKENS.Config`, `TOKENS.Capabilities`, `TOKENS.ProviderId` and `TOKENS.Lifecycle`. Services come out
 * already guarded: a method whose capability is `no` throws `UnsupportedFeatureError` before the adapter runs.
 */
export async function bindCollab(container: InversifyContainer, config: CollabConfig | CustomProviderConfig, options: CreateCollabOptions = {}): Promise<CapabilityDeclaration> {
  // Before the config is read or an adapter loaded: a typo in `require` is the caller's first problem.
  requiredCapabilities(options);
  return bindCollabWith(container, await definitionFor(config), config, options);
}

/** Creates a fresh Inversify container with the configured adapter bound. */
export async function createCollabContainer(config: CollabConfig | CustomProviderConfig, options: CreateCollabOptions = {}): Promise<Container> {
  requiredCapabilities(options);
  return createCollabContainerWith(await definitionFor(config), config, options);
}

/**
 * Creates the collaboration client for a config. Without a config it runs the embedded in-memory provider.
 * Throws `ConfigError` for an unknown capability key in `options.require` (before anything else), a bad
 * config (listing every problem, each with its field and env variable) or missing required capabilities.
 */
export async function createCollab(config: CollabConfig | CustomProviderConfig = { provider: 'memory' }, options: CreateCollabOptions = {}): Promise<Collab> {
  return collabFromContainer(await createCollabContainer(config, options));
}

const specs = (): AdapterConfigSpec[] => PROVIDER_IDS.map((id) => ADAPTERS[id].config);

/**
 * The provider an environment asks for: `COLLAB_PROVIDER` when set; otherwise the one vendor whose
 * credential variable is present (so `npx liveblocks dev -c "unicollab demo"`, which exports its
 * secret key, needs no other setup); otherwise `memory`. Several vendors' credentials without
 * `COLLAB_PROVIDER` is ambiguous and a `ConfigError`.
 */
export function providerFromEnv(env: Record<string, string | undefined> = process.env): string {
  return providerFromEnvWith(specs(), env, 'memory');
}

/**
 * Builds a config from environment variables: `COLLAB_PROVIDER` picks the provider (when unset: the one
 * vendor whose credentials are set, else `memory`; see `providerFromEnv`), then its variables (listed
 * in `ENV_VARS`) fill the fields. Throws one `ConfigError` listing every missing or invalid variable.
 */
export function loadConfigFromEnv(env: Record<string, string | undefined> = process.env): CollabConfig {
  return loadConfigFromEnvWith(specs(), env, 'memory') as CollabConfig;
}

/** Environment variable each config field is read from, per provider. */
export const ENV_VARS = Object.fromEntries(
  PROVIDER_IDS.map((id) => [id, Object.fromEntries(Object.entries(ADAPTERS[id].config.env).map(([field, { var: name }]) => [field, name]))]),
) as Record<ProviderId, Record<string, string>>;

type ShippedSchema = (typeof ADAPTERS)[ProviderId]['config']['configSchema'];

/** Every registered provider config, discriminated on `provider`. */
export const CollabConfigSchema = z.discriminatedUnion('provider', PROVIDER_IDS.map((id) => ADAPTERS[id].config.configSchema) as [ShippedSchema, ...ShippedSchema[]]);
