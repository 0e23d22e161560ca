/**
 * The contract between core and an adapter. It is a leaf module (types only, plus the version
 * constant): an adapter folder imports it, core reads it, and neither needs the other's internals.
 * Bump `ADAPTER_SPECIFICATION_VERSION` when a change would break an adapter written against the
 * previous shape, so core can refuse a definition it does not understand instead of misbinding it.
 */
import type { z } from 'zod';
import type { CapabilityDeclaration } from './capabilities.js';
import type { CommentBody } from './model/body.js';

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

// ----------------------------------------------------------------------------------------------
// Optional import hooks. `importData` (unicollab/portability) looks for these members on a target's
// thread service (`collab.threads[key]`); an adapter that has none is imported through the one-entity
// API. They are additive: an adapter written before them keeps working, so the specification version
// is unchanged. The keys are registered symbols, so two copies of unicollab agree on them.

/** Key of the thread-service method returning the target's `ImportConstraints` (see `ImportConstraintsHook`). */
export const IMPORT_CONSTRAINTS: unique symbol = Symbol.for('unicollab.import.constraints');

/** Key of the thread-service member holding the target's `ThreadBulkWrites` (see `ThreadBulkWritesHook`). */
export const THREAD_BULK_WRITES: unique symbol = Symbol.for('unicollab.import.threadBulkWrites');

/** One structural rule of a target's data model, reported as a loss (one count per `unit`) when data breaks it. */
export interface ImportConstraintRule {
  /** A stable id, e.g. `threads.beyondFirstPerRoom`; the loss is reported under feature `constraint:<id>`. */
  readonly id: string;
  /** What one counted item is: `thread` (with its comments) or `comment`. */
  readonly unit: 'thread' | 'comment';
  /** Why, in one sentence. */
  readonly reason: string;
}

/** What a constraint is shown of a source thread: its room, id and the authors of its comments, in order. */
export interface ConstrainedThread {
  readonly roomId: string;
  readonly id: string;
  readonly comments: ReadonlyArray<{ readonly authorId: string }>;
}

/** What a target refuses of one source thread: the whole thread, or some of its comments (by index). */
export interface ConstraintVerdict {
  /** The id of the rule refusing the whole thread (its comments go with it, counted under that rule). */
  readonly thread?: string;
  /** Comments refused, by their index in the thread, each with the id of the rule refusing it. */
  readonly comments?: ReadonlyArray<{ readonly index: number; readonly rule: string }>;
}

/**
 * Structural constraints of a target's data model that its capability map cannot say (e.g. "a room
 * holds one thread", "only the room's user may comment"). An import feeds one instance every source
 * record in order (users come first in an export), before any write, so what the target would refuse
 * part-way is predicted, refused without `allowLoss`, and dropped whole (never half-written) with it.
 * An instance keeps state (what it has seen): the importer asks for a fresh one per pass, and its
 * verdicts must depend only on the records seen, in order (a resumed import replays them).
 */
export interface ImportConstraints {
  /** Every rule a verdict may name. */
  readonly rules: readonly ImportConstraintRule[];
  /** Sees a user record of the source (id and metadata), before the threads. */
  user?(user: { readonly id: string; readonly metadata: Readonly<Record<string, unknown>> }): void;
  /** What the target refuses of a thread (`undefined`: nothing). A thread whose comments are all refused is not written. */
  thread(thread: ConstrainedThread): ConstraintVerdict | undefined;
}

/** A thread service declaring its target's import constraints: `threads[IMPORT_CONSTRAINTS]()` returns a fresh instance. */
export interface ImportConstraintsHook {
  [IMPORT_CONSTRAINTS](): ImportConstraints;
}

/** A comment of a bulk thread write (body in the core `CommentBody` model). */
export interface BulkCommentWrite {
  readonly authorId: string;
  readonly body: CommentBody;
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** The original creation time, where the target can keep it. */
  readonly createdAt?: Date;
}

/** A thread of a bulk write, with every comment in order (at least one). */
export interface BulkThreadWrite {
  /** The thread id the source had (the target keeps it, or refuses it with a `ValidationError` on field `id`). */
  readonly id: string;
  readonly comments: readonly BulkCommentWrite[];
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Create it already resolved. */
  readonly resolved?: boolean;
  readonly createdAt?: Date;
}

/**
 * Vendor batching for imports: a thread with all its comments in one or a few requests instead of one
 * (or two) per comment. Writes are silent (no notifications, no webhooks), as an import should be.
 */
export interface ThreadBulkWrites {
  /**
   * Creates a thread with every comment. Throws `ConflictError` when a thread with that id exists
   * (nothing written), `ValidationError` with field `id` when the target does not take that id.
   */
  createThreadWithComments(roomId: string, thread: BulkThreadWrite, options?: { signal?: AbortSignal }): Promise<{ threadId: string; commentIds: string[] }>;
  /** Appends comments, in order, to an existing thread; returns their new ids in the same order. */
  appendComments(roomId: string, threadId: string, comments: readonly BulkCommentWrite[], options?: { signal?: AbortSignal }): Promise<string[]>;
}

/** A thread service offering bulk writes under `THREAD_BULK_WRITES`. */
export interface ThreadBulkWritesHook {
  readonly [THREAD_BULK_WRITES]: ThreadBulkWrites;
}
