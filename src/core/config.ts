import { z } from 'zod';
import type { AdapterConfigSpec } from './adapter.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { CLEAN_ISSUES } from './issue-text.js';
import type { CollabLogger } from './logger.js';
import { hideSecrets } from './redact.js';
import { closestKey } from './suggest.js';
import { isWebhookReplayStore } from './webhooks/replay.js';
import { decodeWebhookSecret } from './webhooks/standard.js';
import type { WebhookReplayStore } from './webhooks/types.js';

// A config is parsed once or twice per createCollab: zod's JIT (it compiles an object schema into a
// function on first use) costs ~1 ms there, more than interpreting the schema every time it runs.
const CONFIG_PARSE = { ...CLEAN_ISSUES, jitless: true } as const;

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
  /** `node` (node:http; the default on Node.js without `fetch`), `fetch` (the default elsewhere) or `ky` (see the README's benchmarks). */
  transport: z.enum(['node', 'fetch', 'ky']).optional(),
};

/** Settings that are each valid but contradict each other, the same for every adapter. */
function combinationIssues(config: Record<string, unknown>): ConfigIssue[] {
  if (config.transport === 'node' && config.fetch !== undefined) {
    return [{ field: 'transport', message: "must not be 'node' with a `fetch` (node:http would never call it): use 'fetch', or leave transport out" }];
  }
  return [];
}

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

/** The keys a config schema knows, or `undefined` when it accepts any key (`.loose()`, `.catchall()`). */
function knownKeysOf(schema: z.ZodObject): readonly string[] | undefined {
  const catchall = schema._zod.def.catchall;
  // Default (strip) and `.strict()` objects both refuse extra keys here; a real catchall type accepts them.
  if (catchall !== undefined && catchall._zod.def.type !== 'never') return undefined;
  return Object.keys(schema.shape);
}

/** A field as it may be shown: a dotted path of identifiers as is, anything else short and quoted. */
function shownKey(key: string): string {
  return /^[A-Za-z_$][\w$.]{0,127}$/.test(key) ? key : JSON.stringify(key.slice(0, 40));
}

/**
 * Unknown top-level keys of a config (from JavaScript nothing else catches `secretkey` for
 * `secretKey`: zod strips it and the real key is then reported missing, or silently defaulted).
 * Each is a problem of its own, suggesting the closest known key when one is close.
 */
function unknownKeyIssues(spec: AdapterConfigSpec, input: unknown): ConfigIssue[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return [];
  const known = knownKeysOf(spec.configSchema);
  if (known === undefined) return [];
  let keys: string[];
  try {
    keys = Object.keys(input);
  } catch {
    // A Proxy whose ownKeys trap throws: zod reports the object itself.
    return [];
  }
  return keys
    .filter((key) => !known.includes(key))
    .map((key) => {
      const suggestion = closestKey(key, known);
      return { field: key, message: `is not a known ${spec.id} config key${suggestion ? ` (did you mean ${suggestion}?)` : ''}` };
    });
}

/** The message of one problem: the field, the sentence, the variable. A secret's value is never in it. */
function issueLine(issue: ConfigIssue): string {
  const where = issue.field === '' ? '' : `${shownKey(issue.field)}: `;
  return `${where}${issue.message}${issue.envVar ? ` (env ${issue.envVar})` : ''}`;
}

/**
 * Validates a config object against one provider's spec. Throws one `ConfigError` listing every
 * problem (`issues`: each field with the environment variable it is read from, and `field`/`envVar`
 * of the first), unknown keys included (with the closest known key when one is close); secret values
 * are never echoed. The result's secrets are registered for redaction and hidden from
 * `JSON.stringify`/`util.inspect`.
 */
export function parseConfig<S extends AdapterConfigSpec>(source: S | { readonly config: S }, input: unknown): z.output<S['configSchema']> & BaseParsedConfig {
  const spec = specOf(source);
  const secrets = secretFieldsOf(spec);
  const unknown = unknownKeyIssues(spec, input);
  let result: ReturnType<S['configSchema']['safeParse']>;
  try {
    result = spec.configSchema.safeParse(input, CONFIG_PARSE) as ReturnType<S['configSchema']['safeParse']>;
  } catch {
    // A getter or Proxy trap that throws: still a ConfigError, never a raw TypeError.
    throw new ConfigError(`Invalid ${spec.id} config: could not be read (a getter or Proxy trap threw)`, { field: 'provider', provider: spec.id });
  }
  // Registered for redaction, and hidden from `JSON.stringify`/`util.inspect` of the config (and so of
  // any service or collab that holds it).
  const combined = result.success ? combinationIssues(result.data as Record<string, unknown>) : [];
  if (result.success && unknown.length === 0 && combined.length === 0) return hideSecrets(result.data as z.output<S['configSchema']> & BaseParsedConfig, secrets);
  const schemaIssues = (result.error?.issues ?? [])
    // A `.strict()` schema reports its unknown keys too: they are already in `unknown`, with a suggestion.
    .filter((issue) => !(issue.code === 'unrecognized_keys' && issue.path.length === 0))
    .map((issue): ConfigIssue => {
      const top = String(issue.path[0] ?? '');
      const envVar = spec.env[top]?.var;
      return {
        field: issue.path.map(String).join('.'),
        ...(envVar ? { envVar } : {}),
        message: secrets.has(top) ? secretMessage(issue.message) : issue.message,
      };
    });
  const issues = [...unknown, ...schemaIssues, ...combined];
  const lines = issues.map(issueLine);
  const first = issues[0]!;
  throw new ConfigError(`Invalid ${spec.id} config: ${lines.length === 1 ? lines[0] : `${lines.length} problems: ${lines.join('; ')}`}`, {
    // A problem with the whole value (not an object) is reported on `provider`, as before.
    field: first.field || 'provider',
    ...(first.envVar ? { envVar: first.envVar } : {}),
    provider: spec.id,
    issues,
  });
}

/**
 * The message of a problem with a secret field. `issueText` never echoes the value, but a schema's
 * own message could (a third-party adapter's refinement): anything after "received" is dropped.
 */
function secretMessage(message: string): string {
  return message.replace(/received .*/i, '').trim() || 'is invalid';
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
 * result is validated (one `ConfigError` lists every missing or invalid variable) but returned
 * unparsed, as a plain input.
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
