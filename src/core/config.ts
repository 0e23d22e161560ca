import { z } from 'zod';
import type { AdapterConfigSpec } from './adapter.js';
import { ConfigError } from './errors.js';
import type { CollabLogger } from './logger.js';
import { hideSecrets } from './redact.js';
import { isWebhookReplayStore } from './webhooks/replay.js';
import { decodeWebhookSecret } from './webhooks/standard.js';
import type { WebhookReplayStore } from './webhooks/types.js';

/** HTTP options shared by every adapter that talks to a vendor over HTTP; spread into its config schema. */
export const httpConfigShape = {
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
export const webhookSecretSchema = z
  .string()
  .startsWith('whsec_')
  .refine((v) => !v.startsWith('whsec_') || decodeWebhookSecret(v) !== undefined, 'must be whsec_ followed by a non-empty base64 key');

/** Replay protection of `webhooks.verify`, the same on every provider; spread into every config schema. */
export const webhookReplayShape = {
  /**
   * Refuses a webhook delivery whose id was already accepted (see `createInMemoryReplayStore`,
   * `createRedisReplayStore`). Ids of signed deliveries are kept for the Standard Webhooks tolerance
   * window (twice 300 s: the time a delivery can verify). The app owns the store: `collab.close()`
   * does not close it.
   */
  webhookReplayStore: z.custom<WebhookReplayStore>(isWebhookReplayStore, 'must be a WebhookReplayStore (an object with claim(id, ttlMs))').optional(),
  /** Seconds the id of a delivery without a signed timestamp (basic-auth webhooks) is kept (default 86 400). */
  webhookReplayWindowSeconds: z.number().int().positive().optional(),
};

/** The fields core reads from every parsed config, whatever the provider. */
export interface BaseParsedConfig {
  readonly provider: string;
  readonly webhookReplayStore?: WebhookReplayStore;
  readonly webhookReplayWindowSeconds?: number;
}

/** A definition, or a registry entry holding one's config spec. */
export type ConfigSource = AdapterConfigSpec | { readonly config: AdapterConfigSpec };

function specOf(source: ConfigSource): AdapterConfigSpec {
  return 'config' in source ? source.config : source;
}

/** Every secret field of a config spec: env fields flagged `secret` and the extra `secretFields`. */
export function secretFieldsOf(source: ConfigSource): ReadonlySet<string> {
  const spec = specOf(source);
  const out = new Set(spec.secretFields ?? []);
  for (const [field, env] of Object.entries(spec.env)) if (env.secret) out.add(field);
  return out;
}

/**
 * Validates a config object against one provider's spec. Throws `ConfigError` naming the field (and
 * the environment variable it is read from) on the first problem; secret values are never echoed. The
 * result's secrets are registered for redaction and hidden from `JSON.stringify`/`util.inspect`.
 */
export function parseConfig<S extends AdapterConfigSpec>(source: S | { readonly config: S }, input: unknown): z.output<S['configSchema']> & BaseParsedConfig {
  const spec = specOf(source);
  const secrets = secretFieldsOf(spec);
  const result = spec.configSchema.safeParse(input);
  // Registered for redaction, and hidden from `JSON.stringify`/`util.inspect` of the config (and so of
  // any service or collab that holds it).
  if (result.success) return hideSecrets(result.data as z.output<S['configSchema']> & BaseParsedConfig, secrets);
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join('.') || 'provider';
  const top = String(issue.path[0] ?? '');
  const envVar = spec.env[top]?.var;
  const problem = secrets.has(top) ? secretMessage(issue) : issue.message;
  throw new ConfigError(`Invalid ${spec.id} config: ${field} ${problem}${envVar ? ` (env ${envVar})` : ''}`, {
    field,
    envVar,
    provider: spec.id,
  });
}

function secretMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return 'is required';
  // Zod messages for refinements are ours and never contain the value; keep them.
  return issue.message.replace(/received .*/i, '').trim() || 'is invalid';
}

/** `ConfigError` for a provider id no registered adapter has. */
export function unknownProviderError(provider: unknown, known: readonly string[]): ConfigError {
  return new ConfigError(
    `Unknown provider ${JSON.stringify(typeof provider === 'string' ? provider.slice(0, 40) : provider)}: expected one of ${known.join(', ')}`,
    { field: 'provider', envVar: 'COLLAB_PROVIDER' },
  );
}

/** The `provider` of a config object, or a `ConfigError` when it has none. */
export function providerOf(input: unknown): unknown {
  if (typeof input !== 'object' || input === null) {
    throw new ConfigError('Config must be an object with a "provider" field', { field: 'provider', envVar: 'COLLAB_PROVIDER' });
  }
  return (input as { provider?: unknown }).provider;
}

/**
 * The provider an environment asks for: `COLLAB_PROVIDER` when set; otherwise the one provider whose
 * detection variable is present (so a dev server that exports its vendor's secret key needs no other
 * setup); otherwise `fallback`. Several detection variables without `COLLAB_PROVIDER` is ambiguous
 * and a `ConfigError`.
 *
 * @param specs - The config specs of the known providers, in registry order.
 */
export function providerFromEnvWith(specs: readonly AdapterConfigSpec[], env: Record<string, string | undefined>, fallback: string): string {
  const explicit = env.COLLAB_PROVIDER?.trim();
  if (explicit) return explicit;
  const present = specs.filter((s) => s.detect !== undefined && env[s.detect]);
  if (present.length > 1) {
    throw new ConfigError(
      `Credentials of several providers are set (${present.map((s) => s.detect).join(', ')}): set COLLAB_PROVIDER to choose one`,
      { field: 'provider', envVar: 'COLLAB_PROVIDER' },
    );
  }
  return present[0]?.id ?? fallback;
}

function coerce(text: string, type: string | undefined): unknown {
  if (type === 'boolean') return text === 'true';
  if (type === 'number') return Number(text);
  if (type === 'json') {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // Left as text: the schema then names the field and variable.
      return text;
    }
  }
  return text;
}

/**
 * Builds a config from environment variables with the given provider specs: `COLLAB_PROVIDER` (or
 * detection, see `providerFromEnvWith`) picks the provider, then its variables fill the fields. The
 * result is validated (a `ConfigError` names the variable) but returned unparsed, as a plain input.
 */
export function loadConfigFromEnvWith(specs: readonly AdapterConfigSpec[], env: Record<string, string | undefined>, fallback: string): Record<string, unknown> & { provider: string } {
  const provider = providerFromEnvWith(specs, env, fallback);
  const spec = specs.find((s) => s.id === provider);
  if (!spec) {
    throw new ConfigError(`COLLAB_PROVIDER=${JSON.stringify(provider.slice(0, 40))} is not a provider: expected one of ${specs.map((s) => s.id).join(', ')}`, {
      field: 'provider',
      envVar: 'COLLAB_PROVIDER',
    });
  }
  const raw: Record<string, unknown> & { provider: string } = { provider };
  for (const [field, { var: name, type }] of Object.entries(spec.env)) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[field] = coerce(value, type);
  }
  parseConfig(spec, raw);
  return raw;
}
