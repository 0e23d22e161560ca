/**
 * The contract between core and an adapter. It is a leaf module (types only, plus the version
 * constant): an adapter folder imports it, core reads it, and neither needs the other's internals.
 * Bump `ADAPTER_SPECIFICATION_VERSION` when a change would break an adapter written against the
 * previous shape, so core can refuse a definition it does not understand instead of misbinding it.
 */
import type { z } from 'zod';
import type { CapabilityDeclaration } from './capabilities.js';

/** The version of `AdapterDefinition` this core understands. */
export const ADAPTER_SPECIFICATION_VERSION = 1;

/** How an environment variable's text becomes a config value. */
export type EnvCoercion = 'string' | 'boolean' | 'number' | 'json';

/** One config field read from the environment. */
export interface EnvField {
  /** The variable name, e.g. `ACME_API_KEY`. */
  readonly var: string;
  /** Coercion of the variable's text (default `string`); `boolean` is true only for `true`. */
  readonly type?: EnvCoercion;
  /** The value is a secret: never echoed in errors, hidden in printed configs. */
  readonly secret?: boolean;
}

/**
 * What core needs to know of an adapter's config without loading the adapter: kept in the adapter's
 * light `config.ts` (zod and core only), so parsing, environment loading and redaction work for every
 * registered provider while only the chosen one is imported.
 */
export interface AdapterConfigSpec<Schema extends z.ZodObject = z.ZodObject> {
  /** The provider id, also the `provider` literal of the schema. */
  readonly id: string;
  /** The whole config object, `provider` literal included (see `httpConfigShape` / `webhookReplayShape`). */
  readonly configSchema: Schema;
  /** Config field -> the environment variable it is read from. */
  readonly env: Readonly<Record<string, EnvField>>;
  /** The variable whose presence selects this provider when `COLLAB_PROVIDER` is unset. */
  readonly detect?: string;
  /** Secret fields not read from the environment (list or rotation fields); env fields flag `secret` themselves. */
  readonly secretFields?: readonly string[];
  /** Header names whose values are secrets (redacted wherever they appear). */
  readonly secretHeaders?: readonly string[];
  /** Shapes of this vendor's credentials in free text (global regular expressions). */
  readonly secretPatterns?: readonly RegExp[];
}

/** The ten services every adapter binds, by `Collab` property. */
export type RequiredServiceName = 'rooms' | 'users' | 'threads' | 'comments' | 'reactions' | 'presence' | 'notifications' | 'auth' | 'webhooks' | 'events';
/**
 * Services an adapter may leave out (added after specification 1 was first published, so adapters
 * written before them keep working): core binds a stand-in whose capabilities are all `no`.
 */
export type OptionalServiceName = 'documents' | 'storage';
/** Every service of a `Collab`, by property. */
export type ServiceName = RequiredServiceName | OptionalServiceName;

/** A class Inversify can build (its constructor parameters carry `@inject`). */
export type Injectable = abstract new (...args: never[]) => object;

/** Declared conformance-suite settings of an adapter. */
export interface AdapterConformance {
  /**
   * Checks or groups that cannot pass on this vendor whatever the deployment, with the reason
   * (printed in the skipped test's title). Suites spread these into `describeConformance({ skip })`.
   */
  readonly skip?: Readonly<Record<string, string>>;
}

/**
 * An adapter: its config spec plus what core binds. Core generates the Inversify bindings (all
 * singletons) and one `TOKENS.Lifecycle` from it, so every adapter starts and closes the same way.
 *
 * @typeParam Config - The adapter's parsed config.
 */
export interface AdapterDefinition<Config = unknown> extends AdapterConfigSpec {
  /** Always `1` for this shape (see `ADAPTER_SPECIFICATION_VERSION`). */
  readonly specificationVersion: typeof ADAPTER_SPECIFICATION_VERSION;
  /** The capabilities the adapter offers with this (validated) config. */
  capabilities(config: Config): CapabilityDeclaration;
  /**
   * When capabilities depend on config: one declaration per notable config, labelled for the README
   * capability table. `variant`, when given, is the same config in machine-readable form: config field ->
   * set (`true`) or unset (`false`), e.g. `{ managementToken: true }` (`unicollab capabilities --json`).
   */
  capabilityVariants?(): Array<{ label: string; declaration: CapabilityDeclaration; variant?: Record<string, boolean> }>;
  /** The class of each service; `documents` and `storage` may be left out (their capabilities are then `no`). */
  readonly services: Readonly<Record<RequiredServiceName, Injectable>> & Readonly<Partial<Record<OptionalServiceName, Injectable>>>;
  /** The vendor client, bound to `TOKENS.VendorClient` (or built in `setup`). */
  readonly client?: Injectable;
  /** Adapter-internal singletons (context, sub-services), by token. */
  readonly bindings?: ReadonlyArray<readonly [symbol, Injectable]>;
  /**
   * Values built at start-up from the config (an opened store, a client needing plain options),
   * bound as constants before anything is resolved.
   */
  setup?(config: Config): Promise<ReadonlyArray<readonly [symbol, unknown]>> | ReadonlyArray<readonly [symbol, unknown]>;
  /**
   * Tokens of bound objects with `close()`, closed in this order by `collab.close()`; every one is
   * closed even when an earlier one fails (the first failure is then rethrown).
   */
  readonly lifecycle?: readonly symbol[];
  /** Conformance-suite settings. */
  readonly conformance?: AdapterConformance;
}

/**
 * Identity helper that type-checks a definition against the contract (and infers its config type).
 *
 * @param definition - The adapter definition.
 */
export function defineAdapter<Config>(definition: AdapterDefinition<Config>): AdapterDefinition<Config> {
  return definition;
}
