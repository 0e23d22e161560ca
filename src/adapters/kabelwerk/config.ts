import { nodeCrypto } from '../../core/node-crypto.js';
import { z } from 'zod';
import type { AdapterConfigSpec } from '../../core/adapter.js';
import { httpConfigShape, webhookReplayShape } from '../../core/config.js';

/**
 * The URL rule of sdk-python's `get_api_url()` (docs/vendors/kabelwerk.md §1.1), case-insensitive: an
 * optional `ws://`, `wss://`, `http://` or `https://`, a host (letters, digits, `.`, `:`, `-`) and an
 * optional path of letters and slashes, which is ignored.
 */
export const KABELWERK_URL_PATTERN = /^(?<scheme>(ws|http)s?:\/\/)?(?<host>[0-9a-z.:-]+)\/?(?<path>[a-z/]+)?$/i;

/** The two bases a Kabelwerk URL stands for. */
export interface KabelwerkEndpoints {
  /** `{http|https}://{host}/api`: the server-side REST API. */
  readonly apiUrl: string;
  /**
   * `{ws|wss}://{host}/socket/user`: the Phoenix socket (phoenix.js appends `/websocket`). Used for hub
   * users too: the SDK tests accept a `/socket/hub` path, but whether such an endpoint exists is
   * UNCONFIRMED (§2.1), and `/socket/user` is the one every SDK connects to by default.
   */
  readonly socketUrl: string;
  /** The lowercased host, port included. */
  readonly host: string;
}

/**
 * Parses a Kabelwerk URL exactly as sdk-python does (§1.1): `http://` and `ws://` give `http`, anything
 * else (including no scheme) `https`; scheme and host are lowercased; the path is ignored.
 *
 * @returns The endpoints, or `undefined` when the URL does not match (sdk-python's `ValueError`).
 */
export function parseKabelwerkUrl(url: string): KabelwerkEndpoints | undefined {
  const match = KABELWERK_URL_PATTERN.exec(url);
  if (!match?.groups) return undefined;
  const scheme = (match.groups.scheme ?? '').toLowerCase();
  const host = (match.groups.host as string).toLowerCase();
  const plain = scheme === 'http://' || scheme === 'ws://';
  return { apiUrl: `${plain ? 'http' : 'https'}://${host}/api`, socketUrl: `${plain ? 'ws' : 'wss'}://${host}/socket/user`, host };
}

/**
 * A PEM private key as it often arrives from an environment variable: with `\n` written as two
 * characters. Real newlines are put back so `createPrivateKey` can read it.
 */
export function normalisePem(pem: string): string {
  return pem.includes('-----BEGIN') && !pem.includes('\n') && pem.includes('\\n') ? pem.replace(/\\n/g, '\n') : pem;
}

/** True when `pem` is an RSA private key that node:crypto can read (PKCS#8 or PKCS#1). */
export function isRsaPrivateKey(pem: string): boolean {
  try {
    return nodeCrypto().createPrivateKey(normalisePem(pem)).asymmetricKeyType === 'rsa';
  } catch {
    return false;
  }
}

/** The hub placeholder of Kabelwerk's REST paths: "the only or default hub" (§1.5.4). */
export const DEFAULT_HUB = '_';

/** Config of the Kabelwerk adapter. */
export const KabelwerkConfigSchema = z.object({
  provider: z.literal('kabelwerk'),
  /** The Kabelwerk backend, as sdk-python takes it (`hub.kabelwerk.io`, `https://hub.kabelwerk.io`, ...). */
  url: z.string().refine((v) => parseKabelwerkUrl(v) !== undefined, 'is not a valid Kabelwerk URL (e.g. hub.kabelwerk.io or https://hub.kabelwerk.io)'),
  /** The server API token, sent as `Kabelwerk-Token`. */
  apiToken: z.string().min(1),
  /** The hub slug: the default tenant (default `_`, Kabelwerk's only or default hub). */
  hub: z.string().min(1).optional(),
  /**
   * The RSA private key (PEM) whose public half the Kabelwerk backend knows. It signs the RS256 user
   * tokens of `auth.issueToken` and of the adapter's own realtime connections; without it only the
   * REST API is used. Whether it is an RSA key is checked when the collab starts (`createCollab`), not
   * here, so a config can be parsed and printed without node:crypto reading the key.
   */
  privateKey: z.string().min(1).optional(),
  /**
   * The key of an existing hub user the adapter acts as for hub-side reads (rooms, messages). Without
   * it the adapter creates a service hub user (`unicollab`, or `unicollab-<hub>` for another tenant).
   */
  hubUserId: z.string().min(1).max(256).optional(),
  /** Lifetime of the user tokens it mints, in seconds (default 3600). */
  tokenTtlSeconds: z.number().int().min(60).max(31_536_000).optional(),
  ...webhookReplayShape,
  ...httpConfigShape,
});

/** Config of the Kabelwerk adapter. */
export type KabelwerkConfig = z.input<typeof KabelwerkConfigSchema>;

/** The validated Kabelwerk config. */
export type ParsedKabelwerkConfig = z.output<typeof KabelwerkConfigSchema>;

/** The config spec of the Kabelwerk adapter. */
export const kabelwerkConfig = {
  id: 'kabelwerk',
  configSchema: KabelwerkConfigSchema,
  env: {
    url: { var: 'KABELWERK_URL' },
    apiToken: { var: 'KABELWERK_API_TOKEN', secret: true },
    hub: { var: 'KABELWERK_HUB' },
    privateKey: { var: 'KABELWERK_PRIVATE_KEY', secret: true },
    hubUserId: { var: 'KABELWERK_HUB_USER' },
  },
  detect: 'KABELWERK_API_TOKEN',
  // sdk-python authenticates every REST call with this header, no scheme prefix (§1.2).
  secretHeaders: ['kabelwerk-token'],
} as const satisfies AdapterConfigSpec<typeof KabelwerkConfigSchema>;
