/**
 * unicollab: one API for collaboration back ends.
 *
 * ```ts
 * import { createCollab } from 'unicollab';
 * const collab = await createCollab();                // embedded in-memory provider
 * const room = await collab.rooms.create({ id: 'doc-1' });
 * ```
 * @packageDocumentation
 */
import 'reflect-metadata';
// The root entry exports every model schema anyway: its argument tables load with them, not in the first createCollab.
import './core/model/arguments.js';

export {
  createCollab,
  createCollabContainer,
  bindCollab,
  loadAdapter,
  registerAdapter,
  parseConfig,
  loadConfigFromEnv,
  providerFromEnv,
  ENV_VARS,
  PROVIDER_IDS,
  CollabConfigSchema,
} from './collab.js';
export type { Collab, CreateCollabOptions, InversifyContainer, CollabConfig, ProviderId, CustomProviderConfig, AdapterLoader } from './collab.js';
export type { ConfigOf, ShippedAdapters } from './adapters/registry.js';
export type { Injectable } from './core/adapter.js';
export type { BaseParsedConfig } from './core/config.js';
export type { HttpErrorContext } from './core/http/types.js';
export { createCollabWith, bindCollabWith, createCollabContainerWith } from './core/container.js';
export { defineAdapter, ADAPTER_SPECIFICATION_VERSION } from './core/adapter.js';
export { effectiveCapabilities } from './core/absent-services.js';
export type { AdapterDefinition, AdapterConfigSpec, AdapterConformance, EnvField, EnvCoercion, ServiceName, RequiredServiceName, OptionalServiceName } from './core/adapter.js';
export { httpConfigShape, webhookReplayShape, webhookSecretSchema } from './core/config.js';
export { MemoryConfigSchema, type MemoryConfig } from './adapters/memory/config.js';
export { LiveblocksConfigSchema, type LiveblocksConfig } from './adapters/liveblocks/config.js';
export { VeltConfigSchema, type VeltConfig } from './adapters/velt/config.js';
export { KabelwerkConfigSchema, type KabelwerkConfig } from './adapters/kabelwerk/config.js';
export { TOKENS } from './core/tokens.js';
export type { Closeable } from './core/tokens.js';
export {
  CAPABILITY_KEYS,
  defineCapabilities,
  isCapabilityKey,
  missingCapabilities,
  assertCapability,
} from './core/capabilities.js';
export type { CapabilityKey, CapabilityLevel, CapabilityMap, CapabilityNotes, CapabilityDeclaration } from './core/capabilities.js';
export {
  CollabError,
  ValidationError,
  NotFoundError,
  ConflictError,
  AuthenticationError,
  PermissionError,
  RateLimitError,
  ProviderUnavailableError,
  NetworkError,
  TimeoutError,
  ProviderResponseError,
  UnsupportedFeatureError,
  WebhookVerificationError,
  ConfigError,
  PartialFailureError,
  AbortedError,
  ClientClosedError,
} from './core/errors.js';
export type { CollabErrorCode, CollabErrorInit, ConfigIssue, PartialFailureItem } from './core/errors.js';
export { redact, redactText } from './core/redact.js';
export {
  createInMemoryReplayStore,
  createRedisReplayStore,
  claimWebhookDelivery,
  webhookReplayKey,
  WEBHOOK_REPLAYED,
  REPLAY_STORE_UNAVAILABLE,
  DEFAULT_REPLAY_WINDOW_SECONDS,
} from './core/webhooks/index.js';
export type {
  WebhookReplayStore,
  InMemoryReplayStoreOptions,
  RedisReplayClient,
  RedisReplayStoreOptions,
  WebhookVerifyCallOptions,
  WebhookDeliveryClaim,
  VerifiedWebhook,
} from './core/webhooks/index.js';
export type { CollabLogger, HttpLogEntry } from './core/logger.js';
export * from './core/model/index.js';
export type * from './core/services/index.js';
export * as body from './core/body/index.js';
export { fromText, toText, toHtml, fromHtml, mentionsOf } from './core/body/index.js';
export * from './portability/index.js';
