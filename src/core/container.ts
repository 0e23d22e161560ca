import 'reflect-metadata';
import { Container, type ContainerModule } from 'inversify';
import { type CapabilityDeclaration, type CapabilityKey, type CapabilityMap, type CapabilityNotes, missingCapabilities } from './capabilities.js';
import { type CollabConfig, parseConfig, type ProviderId } from './config.js';
import { ConfigError } from './errors.js';
import { guardService } from './guard.js';
import type { AuthService } from './services/auth.js';
import type { CommentService, ReactionService } from './services/comments.js';
import type { EventService } from './services/events.js';
import type { NotificationService } from './services/notifications.js';
import type { PresenceService } from './services/presence.js';
import type { RoomService } from './services/rooms.js';
import type { ThreadService } from './services/threads.js';
import type { UserService } from './services/users.js';
import type { WebhookService } from './services/webhooks.js';
import { type Closeable, TOKENS } from './tokens.js';
import { protectWebhookService } from './webhooks/replay-service.js';

/** What an adapter package exports for the registry. */
export interface AdapterDefinition<C = unknown> {
  /** The provider id. */
  readonly id: string;
  /** The capabilities the adapter offers with this (validated) config. */
  capabilities(config: C): CapabilityDeclaration;
  /**
   * The Inversify module binding the adapter's client and every service token
   * (`TOKENS.RoomService` ... `TOKENS.EventService`, `TOKENS.Lifecycle`).
   */
  createModule(config: C): ContainerModule;
  /**
   * When capabilities depend on config: one declaration per notable config (e.g. with and without a
   * management token), labelled for the README capability table.
   */
  capabilityVariants?(): Array<{ label: string; declaration: CapabilityDeclaration }>;
}

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
  /** Releases sockets, timers and files. Safe to call twice. */
  close(): Promise<void>;
}

/** Options of `createCollab`. */
export interface CreateCollabOptions {
  /** Capabilities the app needs: start-up fails with `ConfigError` listing every one the provider lacks. */
  require?: readonly CapabilityKey[];
}

type AdapterLoader = () => Promise<AdapterDefinition<never>>;

// The only place that knows the adapters; each is loaded lazily so an app bundles only the one it uses.
const registry: Partial<Record<ProviderId, AdapterLoader>> = {
  memory: async () => (await import('../adapters/memory/index.js')).memoryAdapter as AdapterDefinition<never>,
  liveblocks: async () => (await import('../adapters/liveblocks/index.js')).liveblocksAdapter as AdapterDefinition<never>,
  velt: async () => (await import('../adapters/velt/index.js')).veltAdapter as AdapterDefinition<never>,
};

/**
 * Replaces (or adds) the adapter loaded for a provider id: for apps that ship their own adapter for a
 * provider, and for tests. Config is still validated with that provider's schema.
 */
export function registerAdapter(provider: ProviderId, loader: () => Promise<AdapterDefinition<never>>): void {
  registry[provider] = loader;
}

/** Loads the adapter definition of a provider. `ConfigError` when the adapter is not part of this version. */
export async function loadAdapter(provider: ProviderId): Promise<AdapterDefinition<never>> {
  const loader = registry[provider];
  if (!loader) {
    throw new ConfigError(`The ${provider} adapter is not part of this version of unicollab`, { field: 'provider', envVar: 'COLLAB_PROVIDER', provider });
  }
  return loader();
}

const SERVICE_TOKENS = {
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
} as const;

/**
 * Binds the configured adapter into an existing Inversify container: every `TOKENS.*Service`,
 * `TOKENS.Config`, `TOKENS.Capabilities` and `TOKENS.ProviderId`. Services come out already guarded:
 * a method whose capability is `no` throws `UnsupportedFeatureError` before the adapter runs.
 */
export async function bindCollab(container: Container, config: CollabConfig, options: CreateCollabOptions = {}): Promise<CapabilityDeclaration> {
  const parsed = parseConfig(config);
  const adapter = await loadAdapter(parsed.provider);
  const declaration = adapter.capabilities(parsed as never);
  const missing = missingCapabilities(declaration, options.require ?? []);
  if (missing.length > 0) {
    throw new ConfigError(
      `The ${parsed.provider} provider lacks required capabilities: ${missing.map((k) => (declaration.notes[k] ? `${k} (${declaration.notes[k]})` : k)).join(', ')}`,
      { provider: parsed.provider, field: 'provider' },
    );
  }
  container.bind(TOKENS.Config).toConstantValue(parsed);
  container.bind(TOKENS.Capabilities).toConstantValue(declaration);
  container.bind(TOKENS.ProviderId).toConstantValue(parsed.provider);
  const replay = {
    provider: parsed.provider,
    ...(parsed.webhookReplayStore !== undefined ? { store: parsed.webhookReplayStore } : {}),
    ...(parsed.webhookReplayWindowSeconds !== undefined ? { windowSeconds: parsed.webhookReplayWindowSeconds } : {}),
  };
  for (const [group, token] of Object.entries(SERVICE_TOKENS)) {
    container.onActivation(token, (_ctx, service: object) => {
      const guarded = guardService(group, service, parsed.provider, declaration);
      // Replay protection is the same for every adapter, so it wraps the service here, outside the guard.
      return group === 'webhooks' ? protectWebhookService(guarded as WebhookService, replay) : guarded;
    });
  }
  await container.loadAsync(adapter.createModule(parsed as never));
  return declaration;
}

/** Creates a fresh Inversify container with the configured adapter bound. */
export async function createCollabContainer(config: CollabConfig, options: CreateCollabOptions = {}): Promise<Container> {
  const container = new Container({ defaultScope: 'Singleton' });
  await bindCollab(container, config, options);
  return container;
}

/**
 * Creates the collaboration client for a config. Without a config it runs the embedded in-memory provider.
 * Throws `ConfigError` for a bad config (naming the field and env variable) or missing required capabilities.
 */
export async function createCollab(config: CollabConfig = { provider: 'memory' }, options: CreateCollabOptions = {}): Promise<Collab> {
  const container = await createCollabContainer(config, options);
  const declaration = container.get<CapabilityDeclaration>(TOKENS.Capabilities);
  const services = Object.fromEntries(Object.entries(SERVICE_TOKENS).map(([name, token]) => [name, container.get(token)]));
  const lifecycle = container.isBound(TOKENS.Lifecycle) ? container.get<Closeable>(TOKENS.Lifecycle) : undefined;
  let closed: Promise<void> | undefined;
  return Object.freeze({
    provider: container.get<string>(TOKENS.ProviderId),
    capabilities: declaration.levels,
    capabilityNotes: declaration.notes,
    ...(services as Omit<Collab, 'provider' | 'capabilities' | 'capabilityNotes' | 'close'>),
    close: () => (closed ??= (async () => {
      await lifecycle?.close();
      await container.unbindAll();
    })()),
  });
}
