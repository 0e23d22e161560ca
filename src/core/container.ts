import 'reflect-metadata';
import { Container } from 'inversify';
import { ABSENT_SERVICES, effectiveCapabilities, OPTIONAL_SERVICES } from './absent-services.js';
import { ADAPTER_SPECIFICATION_VERSION, type AdapterDefinition, type OptionalServiceName, type ServiceName } from './adapter.js';
import { CAPABILITY_KEYS, type CapabilityDeclaration, type CapabilityKey, type CapabilityMap, type CapabilityNotes, isCapabilityKey, missingCapabilities } from './capabilities.js';
import { type BaseParsedConfig, parseConfig } from './config.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { loadMethodArguments } from './argument-tables.js';
import { closedService, guardService } from './guard.js';
import { registerSecretShapes } from './redact.js';
import { closestKey } from './suggest.js';
import type { AuthService } from './services/auth.js';
import type { CommentService, ReactionService } from './services/comments.js';
import type { DocumentService } from './services/documents.js';
import type { EventService } from './services/events.js';
import type { StorageService } from './services/storage.js';
import type { NotificationService } from './services/notifications.js';
import type { PresenceService } from './services/presence.js';
import type { RoomService } from './services/rooms.js';
import type { ThreadService } from './services/threads.js';
import type { UserService } from './services/users.js';
import type { WebhookService } from './services/webhooks.js';
import { type Closeable, TOKENS } from './tokens.js';
import { protectWebhookService } from './webhooks/replay-service.js';

export type { AdapterDefinition } from './adapter.js';

/** The object apps use: one property per service, plus provider info and `close()`. */
export interface Collab {
  /** The active provider id. */
  readonly provider: string;
  /** What the provider can do. */
  readonly capabilities: CapabilityMap;
  /** Notes on `partial` and `no` capabilities. */
  readonly capabilityNotes: CapabilityNotes;
  readonly rooms: RoomService;
  readonly users: UserService;
  readonly threads: ThreadService;
  readonly comments: CommentService;
  readonly reactions: ReactionService;
  readonly presence: PresenceService;
  readonly notifications: NotificationService;
  readonly auth: AuthService;
  readonly webhooks: WebhookService;
  readonly events: EventService;
  /** The room's collaborative document (Yjs shared types as JSON, binary updates, versions). */
  readonly documents: DocumentService;
  /** The room's JSON storage document (conflict-free objects, lists and maps). */
  readonly storage: StorageService;
  /** Releases sockets, timers and files. Safe to call twice. */
  close(): Promise<void>;
}

/** Options of `createCollab`. */
export interface CreateCollabOptions {
  /** Capabilities the app needs: start-up fails with `ConfigError` listing every one the provider lacks. */
  require?: readonly CapabilityKey[];
}

/** The service token of each `Collab` service property. */
export const SERVICE_TOKENS: Readonly<Record<ServiceName, symbol>> = {
  rooms: TOKENS.RoomService,
  users: TOKENS.UserService,
  threads: TOKENS.ThreadService,
  comments: TOKENS.CommentService,
  reactions: TOKENS.ReactionService,
  presence: TOKENS.PresenceService,
  notifications: TOKENS.NotificationService,
  auth: TOKENS.AuthService,
  webhooks: TOKENS.WebhookService,
  events: TOKENS.EventService,
  documents: TOKENS.DocumentService,
  storage: TOKENS.StorageService,
};

/**
 * Checks that a definition is one this core can bind, and registers its secret shapes for
 * redaction. Returns it unchanged.
 *
 * @throws ConfigError when the definition is of another specification version or misses a service.
 */
export function acceptAdapterDefinition<D extends AdapterDefinition<never>>(definition: D): D {
  if (definition.specificationVersion !== ADAPTER_SPECIFICATION_VERSION) {
    throw new ConfigError(
      `The ${definition.id} adapter implements adapter specification ${String(definition.specificationVersion)}; this unicollab understands ${ADAPTER_SPECIFICATION_VERSION}`,
      { field: 'provider', provider: definition.id },
    );
  }
  const missing = Object.keys(SERVICE_TOKENS).filter((name) => !(name in OPTIONAL_SERVICES) && typeof definition.services?.[name as ServiceName] !== 'function');
  if (missing.length > 0) {
    throw new ConfigError(`The ${definition.id} adapter binds no ${missing.join(', ')} service`, { field: 'provider', provider: definition.id });
  }
  registerSecretShapes({ ...(definition.secretHeaders ? { headers: definition.secretHeaders } : {}), ...(definition.secretPatterns ? { patterns: definition.secretPatterns } : {}) });
  return definition;
}

/**
 * What unicollab uses of an Inversify container, so that `bindCollab` accepts the `Container` of the
 * app's own Inversify, 7 or 8 (`inversify` is a peer dependency): their classes differ in methods
 * unicollab does not call (`load` is async in 7, sync in 8 with `loadAsync`; `unbindAll` likewise).
 */
export interface InversifyContainer {
  bind(serviceIdentifier: symbol): unknown;
  get<T>(serviceIdentifier: symbol): T;
  onActivation(serviceIdentifier: symbol, activation: never): void;
  unbindAll(): unknown;
}

/** The binding syntax used, common to Inversify 7 and 8. */
interface BindingSyntax {
  toConstantValue(value: unknown): unknown;
  to(type: unknown): { inSingletonScope(): unknown };
  toResolvedValue(factory: (...args: never[]) => unknown, inject: readonly symbol[]): { inSingletonScope(): unknown };
}

interface ContainerInternals {
  bind(serviceIdentifier: symbol): BindingSyntax;
  onActivation(serviceIdentifier: symbol, activation: (context: unknown, injectable: object) => unknown): void;
  unbindAll(): unknown;
  /** Inversify 8: the async form of `unbindAll` (7's `unbindAll` is the async one). */
  unbindAllAsync?(): Promise<void>;
}

/**
 * Binds what a definition generates: client, internal bindings and services as singletons (each built
 * once at start-up), the `setup` constants, and `TOKENS.Lifecycle` closing the `lifecycle` tokens in
 * order. Bound on the container itself rather than through a `ContainerModule`, whose loading differs
 * between Inversify 7 and 8.
 */
async function bindAdapter<C>(container: ContainerInternals, definition: AdapterDefinition<C>, config: C, lifecycle: { closed: boolean }): Promise<void> {
  const bind = (token: symbol) => container.bind(token);
  const constants = (await definition.setup?.(config)) ?? [];
  for (const [token, value] of constants) bind(token).toConstantValue(value);
  if (definition.client) bind(TOKENS.VendorClient).to(definition.client).inSingletonScope();
  for (const [token, cls] of definition.bindings ?? []) bind(token).to(cls).inSingletonScope();
  for (const [name, token] of Object.entries(SERVICE_TOKENS)) {
    const service = definition.services[name as ServiceName] ?? ABSENT_SERVICES[name as OptionalServiceName];
    bind(token).to(service).inSingletonScope();
  }
  const closeTokens = definition.lifecycle ?? [];
  bind(TOKENS.Lifecycle)
    .toResolvedValue(
      (...closeables: Closeable[]): Closeable => ({
        close: () => {
          lifecycle.closed = true;
          return closeAll(closeables);
        },
      }),
      [...closeTokens],
    )
    .inSingletonScope();
}

async function closeAll(closeables: readonly Closeable[]): Promise<void> {
  let failure: { error: unknown } | undefined;
  for (const closeable of closeables) {
    try {
      await closeable.close();
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
}

/**
 * The `require` list of `createCollab` options, checked before anything else is done: from JavaScript
 * (or with a key built at run time) an unknown capability key would otherwise never be offered and
 * never be reported, so the app would start without the check it asked for. Every bad entry is listed
 * (`issues`), with the closest capability key when one is close.
 *
 * @throws ConfigError when the options are not an object, `require` is not an array, or an entry is
 * not a capability key.
 */
export function requiredCapabilities(options: unknown): readonly CapabilityKey[] {
  if (options === undefined) return [];
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError(`Invalid createCollab options: expected an object ({ require? }), got ${options === null ? 'null' : typeof options}`, { field: 'options' });
  }
  const required: unknown = (options as CreateCollabOptions).require;
  if (required === undefined) return [];
  if (!Array.isArray(required)) {
    throw new ConfigError('Invalid createCollab options: require: expected an array of capability keys', { field: 'require' });
  }
  const issues: ConfigIssue[] = [];
  required.forEach((key: unknown, i) => {
    if (typeof key !== 'string') issues.push({ field: `require.${i}`, message: `expected a capability key (a string), got ${key === null ? 'null' : typeof key}` });
    else if (!isCapabilityKey(key)) {
      const suggestion = closestKey(key, CAPABILITY_KEYS);
      issues.push({ field: `require.${i}`, message: `${JSON.stringify(key.slice(0, 64))} is not a capability key${suggestion ? ` (did you mean ${suggestion}?)` : ''}` });
    }
  });
  if (issues.length > 0) {
    const lines = issues.map((issue) => `${issue.field}: ${issue.message}`);
    throw new ConfigError(`Invalid createCollab options: ${lines.length === 1 ? lines[0] : `${lines.length} problems: ${lines.join('; ')}`}`, { issues });
  }
  return required as CapabilityKey[];
}

/**
 * Binds an adapter into an existing Inversify container: every `TOKENS.*Service`, `TOKENS.Config`,
 * `TOKENS.Capabilities`, `TOKENS.ProviderId` and `TOKENS.Lifecycle`. Services come out already guarded:
 * a method whose capability is `no` throws `UnsupportedFeatureError` before the adapter runs.
 *
 * @throws ConfigError for an unknown capability key in `options.require` (before anything else), a bad
 * config (listing every problem, each with its field and env variable) or missing required capabilities.
 */
export async function bindCollabWith(container: InversifyContainer, definition: AdapterDefinition<never>, config: unknown, options: CreateCollabOptions = {}): Promise<CapabilityDeclaration> {
  const required = requiredCapabilities(options);
  acceptAdapterDefinition(definition);
  const parsed: BaseParsedConfig = parseConfig(definition, config);
  // The argument schemas load on first use (not at import); every guarded service needs them.
  await loadMethodArguments();
  const declaration = effectiveCapabilities(definition, definition.capabilities(parsed as never));
  const missing = missingCapabilities(declaration, required);
  if (missing.length > 0) {
    throw new ConfigError(
      `The ${parsed.provider} provider lacks required capabilities: ${missing.map((k) => (declaration.notes[k] ? `${k} (${declaration.notes[k]})` : k)).join(', ')}`,
      { provider: parsed.provider, field: 'provider' },
    );
  }
  const target = container as unknown as ContainerInternals;
  // Set by the lifecycle's close: from then on every guarded call is a ClientClosedError, before any I/O.
  const lifecycle = { closed: false };
  target.bind(TOKENS.Config).toConstantValue(parsed);
  target.bind(TOKENS.Capabilities).toConstantValue(declaration);
  target.bind(TOKENS.ProviderId).toConstantValue(parsed.provider);
  const replay = {
    provider: parsed.provider,
    ...(parsed.webhookReplayStore !== undefined ? { store: parsed.webhookReplayStore } : {}),
    ...(parsed.webhookReplayWindowSeconds !== undefined ? { windowSeconds: parsed.webhookReplayWindowSeconds } : {}),
  };
  for (const [group, token] of Object.entries(SERVICE_TOKENS)) {
    target.onActivation(token, (_ctx, service) => {
      const guarded = guardService(group, service, parsed.provider, declaration, lifecycle);
      // Replay protection is the same for every adapter, so it wraps the service here, outside the guard.
      return group === 'webhooks' ? protectWebhookService(guarded as WebhookService, replay) : guarded;
    });
  }
  await bindAdapter(target, definition, parsed as never, lifecycle);
  return declaration;
}

/** Creates a fresh Inversify container with an adapter bound (see `bindCollabWith`). */
export async function createCollabContainerWith(definition: AdapterDefinition<never>, config: unknown, options: CreateCollabOptions = {}): Promise<Container> {
  const container = new Container({ defaultScope: 'Singleton' });
  await bindCollabWith(container, definition, config, options);
  return container;
}

/**
 * The `Collab` object over a container bound by `bindCollabWith`. Each service is resolved from the
 * container on its first access, once: resolving all twelve up front was about a third of the first
 * `createCollab()` (Inversify plans each on first use; issue 12), and an app that never touches
 * `documents` should not pay for it. A service first reached after `close()` is a stand-in whose
 * methods refuse with `ClientClosedError`, as a resolved service's do then.
 */
export function collabFromContainer(container: InversifyContainer): Collab {
  const declaration = container.get<CapabilityDeclaration>(TOKENS.Capabilities);
  const provider = container.get<string>(TOKENS.ProviderId);
  const lifecycle = container.get<Closeable>(TOKENS.Lifecycle);
  let closed: Promise<void> | undefined;
  const collab = {
    provider,
    capabilities: declaration.levels,
    capabilityNotes: declaration.notes,
    close: () =>
      (closed ??= (async () => {
        await lifecycle.close();
        const target = container as unknown as ContainerInternals;
        await (target.unbindAllAsync ? target.unbindAllAsync() : target.unbindAll());
      })()),
  };
  for (const [name, token] of Object.entries(SERVICE_TOKENS)) {
    let service: unknown;
    Object.defineProperty(collab, name, {
      enumerable: true,
      get: () => (service ??= closed === undefined ? container.get(token) : closedService(name, provider, declaration)),
    });
  }
  return Object.freeze(collab) as Collab;
}

/**
 * Creates the collaboration client of one adapter definition, with no registry involved: what the
 * adapter entry points (`unicollab/<id>`) use, and apps with an adapter of their own.
 *
 * @throws ConfigError for an unknown capability key in `options.require`, a bad config (listing every
 * problem, each with its field and env variable) or missing required capabilities.
 */
export async function createCollabWith(definition: AdapterDefinition<never>, config: unknown, options: CreateCollabOptions = {}): Promise<Collab> {
  return collabFromContainer(await createCollabContainerWith(definition, config, options));
}
