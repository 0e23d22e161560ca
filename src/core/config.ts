import { z } from 'zod';
import { ConfigError } from './errors.js';
import type { CollabLogger } from './logger.js';
import { isWebhookReplayStore } from './webhooks/replay.js';
import { decodeWebhookSecret } from './webhooks/standard.js';
import type { WebhookReplayStore } from './webhooks/types.js';
import { hideSecrets } from './redact.js';

/** HTTP options shared by every vendor adapter. */
const HttpOptionsShape = {
  /** Timeout of one attempt in milliseconds (default 10 000). */
  timeoutMs: z.number().int().positive().optional(),
  /** Overall deadline of a call including retries, in milliseconds (default 30 000). */
  deadlineMs: z.number().int().positive().optional(),
  /** Retries after the first attempt for idempotent requests (default 2). */
  retries: z.number().int().min(0).max(10).optional(),
  /** Largest response body read, in bytes (default 10 MiB); a larger one fails the call with `ProviderResponseError`. */
  maxResponseBytes: z.number().int().positive().optional(),
  /** A `fetch` implementation to use instead of the global one. */
  fetch: z.custom<typeof fetch>((v) => typeof v === 'function', 'must be a function').optional(),
  /** Logger hook (request id, method, path, status, ms; never headers). */
  logger: z.custom<CollabLogger>((v) => typeof v === 'object' && v !== null, 'must be an object').optional(),
  /** `fetch` (default) or `ky`: ky costs more per call (see the README's benchmarks). */
  transport: z.enum(['fetch', 'ky']).optional(),
};

/**
 * A Standard Webhooks signing secret: `whsec_` and a base64 key of at least one byte. `whsec_` alone
 * (an unfilled template) would decode to an empty HMAC key and is refused at start-up, not at the
 * first delivery.
 */
const WebhookSecretSchema = z
  .string()
  .startsWith('whsec_')
  .refine((v) => !v.startsWith('whsec_') || decodeWebhookSecret(v) !== undefined, 'must be whsec_ followed by a non-empty base64 key');

/** Replay protection of `webhooks.verify`, the same on every provider. */
const WebhookReplayShape = {
  /**
   * Refuses a webhook delivery whose id was already accepted (see `createInMemoryReplayStore`,
   * `createRedisReplayStore`). Ids of signed deliveries are kept for the Standard Webhooks tolerance
   * window (twice 300 s: the time a delivery can verify). The app owns the store: `collab.close()`
   * does not close it.
   */
  webhookReplayStore: z.custom<WebhookReplayStore>(isWebhookReplayStore, 'must be a WebhookReplayStore (an object with claim(id, ttlMs))').optional(),
  /** Seconds the id of a delivery without a signed timestamp (Velt basic webhooks) is kept (default 86 400). */
  webhookReplayWindowSeconds: z.number().int().positive().optional(),
};

/** Config of the embedded in-memory provider. */
export const MemoryConfigSchema = z.object({
  provider: z.literal('memory'),
  /**
   * Keep state in this file across runs, durably: a write resolves only once it is fsync'd to the
   * journal (`<path>.journal-<n>` beside it), compacted into the snapshot at `<path>` in the background.
   * `<path>.lock` holds the owning process's pid: a second process (or store) on the same path is a
   * `ConfigError` naming it.
   */
  persistPath: z.string().min(1).optional(),
  /** HMAC secret for `auth.issueToken` JWTs (random per instance when absent). */
  tokenSecret: z.string().min(16).optional(),
  /** Default presence TTL in seconds (default 60). */
  presenceTtlSeconds: z.number().int().min(1).optional(),
  /** Default tenant id. */
  tenantId: z.string().min(1).optional(),
  /**
   * Webhook delivery: retries after the first attempt. Alone, it cuts the standard schedule (see
   * `webhookRetrySchedule`) to that many retries; with `webhookBackoffMs`, a doubling schedule from
   * that delay (default 7 retries).
   */
  webhookRetries: z.number().int().min(0).max(10).optional(),
  /** Webhook delivery: the first retry delay of a doubling schedule, in ms (see `webhookRetries`). */
  webhookBackoffMs: z.number().int().min(0).optional(),
  /**
   * Webhook delivery: delays in ms before each attempt, counted from the previous failure (its length
   * is the number of attempts). Default: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, as
   * Standard Webhooks senders do. Pending deliveries are kept with the persisted state.
   */
  webhookRetrySchedule: z.array(z.number().int().min(0)).min(1).max(50).optional(),
  /** Webhook delivery: HTTP attempts in flight at once over all subscriptions (default 8). */
  webhookConcurrency: z.number().int().min(1).max(256).optional(),
  /** Webhook delivery: timeout of one attempt in ms (default 5000). */
  webhookTimeoutMs: z.number().int().min(1).optional(),
  logger: HttpOptionsShape.logger,
  ...WebhookReplayShape,
});

/** Config of the Liveblocks adapter. */
export const LiveblocksConfigSchema = z.object({
  provider: z.literal('liveblocks'),
  /** Secret key (`sk_...`). */
  secretKey: z
    .string()
    .min(1)
    .refine((v) => v.startsWith('sk_'), 'must start with sk_')
    // The charset @liveblocks/node enforces: anything else would corrupt the Authorization header.
    .refine((v) => !v.startsWith('sk_') || /^[\w-]+$/.test(v), 'must contain only letters, digits, _ and -'),
  /** API base URL (default https://api.liveblocks.io). */
  baseUrl: z.string().url().optional(),
  /** Default organization (tenant). */
  organizationId: z.string().min(1).optional(),
  /** Management API token, enables `webhooks.subscriptions` with `projectId`. */
  managementToken: z.string().min(1).optional(),
  /** Project id for the management API. */
  projectId: z.string().min(1).optional(),
  /** Webhook signing secret (`whsec_...`). */
  webhookSecret: WebhookSecretSchema.optional(),
  /** Several webhook secrets (rotation): a signature by any of them is accepted. */
  webhookSecrets: z.array(WebhookSecretSchema).min(1).optional(),
  /** Default kind of `auth.issueToken`: `access` (permissions in the token, default) or `id` (identify-user). */
  tokenMode: z.enum(['access', 'id']).optional(),
  /**
   * User id recorded for server-side writes that the core API does not attribute to a user but
   * Liveblocks requires one for (thread metadata edits). Default `unicollab`.
   */
  systemUserId: z.string().min(1).max(128).optional(),
  ...WebhookReplayShape,
  ...HttpOptionsShape,
});

/** Config of the Velt adapter. */
export const VeltConfigSchema = z.object({
  provider: z.literal('velt'),
  apiKey: z.string().min(1),
  authToken: z.string().min(1),
  organizationId: z.string().min(1),
  /** API base URL (default https://api.velt.dev). */
  baseUrl: z.string().url().optional(),
  /** Create the organization/document on first write when missing. */
  createMissing: z.boolean().optional(),
  /** Token expected in `Authorization: Basic` of basic webhooks. */
  webhookAuthToken: z.string().min(1).optional(),
  /** Standard Webhooks secret of advanced webhooks (`whsec_...`). */
  webhookSecret: WebhookSecretSchema.optional(),
  /**
   * Document that holds notifications triggered without a `roomId` (Velt notifications always belong to a
   * document; default `unicollab-notifications`). It is created on first use and left out of `rooms.list`.
   */
  notificationDocumentId: z.string().min(1).optional(),
  ...WebhookReplayShape,
  ...HttpOptionsShape,
});

/** Config of the Kabelwerk adapter. */
export const KabelwerkConfigSchema = z.object({
  provider: z.literal('kabelwerk'),
  /** Kabelwerk backend URL. */
  url: z.string().url(),
  /** Backend API token. */
  apiToken: z.string().min(1),
  /** Default hub slug (tenant). */
  hub: z.string().min(1).optional(),
  /** Private key (PEM) for client-token signing. */
  privateKey: z.string().min(1).optional(),
  ...WebhookReplayShape,
  ...HttpOptionsShape,
});

/** Every provider config, discriminated on `provider`. */
export const CollabConfigSchema = z.discriminatedUnion('provider', [
  MemoryConfigSchema,
  LiveblocksConfigSchema,
  VeltConfigSchema,
  KabelwerkConfigSchema,
]);

/** Config of the in-memory provider. */
export type MemoryConfig = z.input<typeof MemoryConfigSchema>;
/** Config of the Liveblocks adapter. */
export type LiveblocksConfig = z.input<typeof LiveblocksConfigSchema>;
/** Config of the Velt adapter. */
export type VeltConfig = z.input<typeof VeltConfigSchema>;
/** Config of the Kabelwerk adapter. */
export type KabelwerkConfig = z.input<typeof KabelwerkConfigSchema>;
/** Any provider config. */
export type CollabConfig = z.input<typeof CollabConfigSchema>;
/** Provider ids. */
export type ProviderId = CollabConfig['provider'];
/** Every provider id this package knows of. */
export const PROVIDER_IDS: readonly ProviderId[] = ['memory', 'liveblocks', 'velt', 'kabelwerk'];

/** Environment variable each config field is read from, per provider. */
export const ENV_VARS: Record<ProviderId, Record<string, string>> = {
  memory: { persistPath: 'UNICOLLAB_MEMORY_PERSIST_PATH' },
  liveblocks: {
    secretKey: 'LIVEBLOCKS_SECRET_KEY',
    baseUrl: 'LIVEBLOCKS_BASE_URL',
    organizationId: 'LIVEBLOCKS_ORGANIZATION_ID',
    managementToken: 'LIVEBLOCKS_MANAGEMENT_TOKEN',
    projectId: 'LIVEBLOCKS_PROJECT_ID',
    webhookSecret: 'LIVEBLOCKS_WEBHOOK_SECRET',
    tokenMode: 'LIVEBLOCKS_TOKEN_MODE',
  },
  velt: {
    apiKey: 'VELT_API_KEY',
    authToken: 'VELT_AUTH_TOKEN',
    baseUrl: 'VELT_BASE_URL',
    organizationId: 'VELT_ORGANIZATION_ID',
    webhookAuthToken: 'VELT_WEBHOOK_AUTH_TOKEN',
    webhookSecret: 'VELT_WEBHOOK_SECRET',
    notificationDocumentId: 'VELT_NOTIFICATION_DOCUMENT_ID',
  },
  kabelwerk: {
    url: 'KABELWERK_URL',
    apiToken: 'KABELWERK_API_TOKEN',
    hub: 'KABELWERK_HUB',
    privateKey: 'KABELWERK_PRIVATE_KEY',
  },
};

/** Fields whose values are secrets and must never be echoed. */
const SECRET_FIELDS = new Set(['secretKey', 'managementToken', 'webhookSecret', 'webhookSecrets', 'apiKey', 'authToken', 'webhookAuthToken', 'apiToken', 'privateKey', 'tokenSecret']);

/**
 * Validates a config object. Throws `ConfigError` naming the field (and the environment variable
 * it is read from) on the first problem; secret values are never echoed.
 */
export function parseConfig(input: unknown): z.output<typeof CollabConfigSchema> {
  if (typeof input !== 'object' || input === null) {
    throw new ConfigError('Config must be an object with a "provider" field', { field: 'provider', envVar: 'COLLAB_PROVIDER' });
  }
  const provider = (input as { provider?: unknown }).provider;
  if (typeof provider !== 'string' || !(PROVIDER_IDS as readonly string[]).includes(provider)) {
    throw new ConfigError(
      `Unknown provider ${JSON.stringify(typeof provider === 'string' ? provider.slice(0, 40) : provider)}: expected one of ${PROVIDER_IDS.join(', ')}`,
      { field: 'provider', envVar: 'COLLAB_PROVIDER' },
    );
  }
  const result = CollabConfigSchema.safeParse(input);
  // Registered for redaction, and hidden from `JSON.stringify`/`util.inspect` of the config (and so of
  // any service or collab that holds it).
  if (result.success) return hideSecrets(result.data, SECRET_FIELDS);
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join('.') || 'provider';
  const top = String(issue.path[0] ?? '');
  const envVar = ENV_VARS[provider as ProviderId][top];
  const problem = SECRET_FIELDS.has(top) ? secretMessage(issue) : issue.message;
  throw new ConfigError(`Invalid ${provider} config: ${field} ${problem}${envVar ? ` (env ${envVar})` : ''}`, {
    field,
    envVar,
    provider,
  });
}

function secretMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return 'is required';
  // Zod messages for refinements are ours and never contain the value; keep them.
  return issue.message.replace(/received .*/i, '').trim() || 'is invalid';
}

/** The variable whose presence selects a vendor when `COLLAB_PROVIDER` is not set. */
const DETECT_VARS: Array<[ProviderId, string]> = [
  ['liveblocks', 'LIVEBLOCKS_SECRET_KEY'],
  ['velt', 'VELT_API_KEY'],
  ['kabelwerk', 'KABELWERK_API_TOKEN'],
];

/**
 * The provider an environment asks for: `COLLAB_PROVIDER` when set; otherwise the one vendor whose
 * credential variable is present (so `npx liveblocks dev -c "unicollab demo"`, which exports
 * `LIVEBLOCKS_SECRET_KEY`, needs no other setup); otherwise `memory`. Several vendors' credentials
 * without `COLLAB_PROVIDER` is ambiguous and a `ConfigError`.
 */
export function providerFromEnv(env: Record<string, string | undefined> = process.env): string {
  const explicit = env.COLLAB_PROVIDER?.trim();
  if (explicit) return explicit;
  const present = DETECT_VARS.filter(([, name]) => env[name]);
  if (present.length > 1) {
    throw new ConfigError(
      `Credentials of several providers are set (${present.map(([, n]) => n).join(', ')}): set COLLAB_PROVIDER to choose one`,
      { field: 'provider', envVar: 'COLLAB_PROVIDER' },
    );
  }
  return present[0]?.[0] ?? 'memory';
}

/**
 * Builds a config from environment variables: `COLLAB_PROVIDER` picks the provider (when unset: the one
 * vendor whose credentials are set, else `memory`; see `providerFromEnv`), then its variables
 * (`LIVEBLOCKS_SECRET_KEY`, `VELT_API_KEY`, ...) fill the fields.
 * Throws `ConfigError` naming the variable when one is missing or invalid.
 */
export function loadConfigFromEnv(env: Record<string, string | undefined> = process.env): CollabConfig {
  const provider = providerFromEnv(env);
  if (!(PROVIDER_IDS as readonly string[]).includes(provider)) {
    throw new ConfigError(`COLLAB_PROVIDER=${JSON.stringify(provider.slice(0, 40))} is not a provider: expected one of ${PROVIDER_IDS.join(', ')}`, {
      field: 'provider',
      envVar: 'COLLAB_PROVIDER',
    });
  }
  const raw: Record<string, unknown> = { provider };
  for (const [field, envVar] of Object.entries(ENV_VARS[provider as ProviderId])) {
    const value = env[envVar];
    if (value !== undefined && value !== '') raw[field] = value;
  }
  if (provider === 'velt' && env.VELT_CREATE_MISSING) raw.createMissing = env.VELT_CREATE_MISSING === 'true';
  parseConfig(raw);
  return raw as CollabConfig;
}
