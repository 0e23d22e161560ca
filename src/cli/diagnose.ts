// What `unicollab doctor` says when something fails: the URL that failed (without its query) and the
// likely cause, in words that point at the variable to check.
import diagnostics_channel from 'node:diagnostics_channel';
import { ADAPTERS, PROVIDER_IDS } from '../adapters/registry.js';
import type { AdapterConfigSpec } from '../core/adapter.js';
import { CollabError } from '../core/errors.js';
import { redactText } from '../core/redact.js';

/** The environment variables of a provider that a diagnosis may point at. */
interface ProviderVars {
  /** The variable of its API's URL, if it has one (`LIVEBLOCKS_BASE_URL`). */
  url?: string;
  /** Its credential variables. */
  secrets: string[];
}

function providerVars(provider: string): ProviderVars {
  if (!(PROVIDER_IDS as readonly string[]).includes(provider)) return { secrets: [] };
  const env = (ADAPTERS[provider as keyof typeof ADAPTERS].config as AdapterConfigSpec).env;
  const entries = Object.entries(env);
  const url = entries.find(([field]) => /^(base)?url$/i.test(field))?.[1].var;
  return { ...(url ? { url } : {}), secrets: entries.filter(([, spec]) => spec.secret).map(([, spec]) => spec.var) };
}

/**
 * A URL as safe to print: origin and path only. The query, fragment and any user:password are dropped
 * (they are where tokens travel), and what is left is redacted like every error text.
 */
export function printableUrl(input: string | URL | Request): string | undefined {
  try {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    return redactText(`${url.origin === 'null' ? `${url.protocol}//${url.host}` : url.origin}${url.pathname}`);
  } catch {
    return undefined;
  }
}

/** The `node:http` client's diagnostics channel: a message per request as it starts. */
const HTTP_REQUEST_START = 'http.client.request.start';

/** The URL of a `node:http` request, from what its diagnostics message carries. */
function nodeRequestUrl(message: unknown): string | undefined {
  const request = (message as { request?: { protocol?: unknown; host?: unknown; path?: unknown; getHeader?: (name: string) => unknown } }).request;
  if (typeof request?.protocol !== 'string' || typeof request.path !== 'string') return undefined;
  // `host` lacks a non-default port; the Host header has it.
  const host = request.getHeader?.('host') ?? request.host;
  return typeof host === 'string' ? printableUrl(`${request.protocol}//${host}${request.path}`) : undefined;
}

/**
 * Runs `fn` while recording the URL of every request it makes, so a failure can name the URL that
 * failed even though errors do not carry it: requests of the `node` transport through `node:http`'s
 * diagnostics channel, those of the `fetch` and `ky` transports by wrapping `globalThis.fetch` (the
 * HTTP client looks it up per call). Both are undone before this returns. Meant for the one-shot probe
 * of `doctor`: a concurrent request elsewhere in the process would be recorded too.
 */
export async function recordingFetches<T>(fn: () => Promise<T>): Promise<{ urls: string[]; outcome: { ok: true; value: T } | { ok: false; error: unknown } }> {
  const urls: string[] = [];
  const original = globalThis.fetch;
  globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const url = printableUrl(input);
    if (url) urls.push(url);
    return original(input, init);
  }) as typeof fetch;
  const onNodeRequest = (message: unknown) => {
    const url = nodeRequestUrl(message);
    if (url) urls.push(url);
  };
  diagnostics_channel.subscribe(HTTP_REQUEST_START, onNodeRequest);
  try {
    return { urls, outcome: { ok: true, value: await fn() } };
  } catch (error) {
    return { urls, outcome: { ok: false, error } };
  } finally {
    globalThis.fetch = original;
    diagnostics_channel.unsubscribe(HTTP_REQUEST_START, onNodeRequest);
  }
}

/** What a diagnosis knows besides the error. */
export interface DiagnosisContext {
  /** The provider id. */
  provider: string;
  /** The URL that failed, if known. */
  url?: string;
  /** The environment the config came from (to tell a default URL from a configured one). */
  env: Record<string, string | undefined>;
}

const TLS_CODES = /^(CERT_|ERR_TLS_|ERR_SSL_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$)/;

/**
 * The likely cause of a failed call, and what to check, in one sentence; `undefined` when the error
 * says it all. Names environment variables, never their values (except a configured URL).
 */
export function likelyCause(err: unknown, ctx: DiagnosisContext): string | undefined {
  if (!CollabError.is(err)) return undefined;
  const vars = providerVars(ctx.provider);
  const configuredUrl = vars.url && ctx.env[vars.url] ? vars.url : undefined;
  const checkUrl = configuredUrl ? `check ${configuredUrl}` : `check network access to ${ctx.provider}'s API (proxy, firewall)`;
  let host: string | undefined;
  try {
    host = ctx.url ? new URL(ctx.url).host : undefined;
  } catch {
    host = undefined;
  }
  const at = host ? ` at ${host}` : '';
  const credentials = vars.secrets.length ? vars.secrets.join(' / ') : 'the credentials';
  switch (err.code) {
    case 'network_error': {
      const inner = err.cause as { code?: unknown; message?: unknown } | undefined;
      const code = typeof inner?.code === 'string' ? inner.code : '';
      const message = typeof inner?.message === 'string' ? inner.message : '';
      if (code === 'ECONNREFUSED') return `nothing is listening${at}: is the server running? ${configuredUrl ? `Check ${configuredUrl}.` : ''}`.trim();
      if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the host name${at ? ` ${host}` : ''} does not resolve: ${configuredUrl ? `check ${configuredUrl} for a typo, then ` : 'check '}DNS and network access`;
      if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `no route or no answer${at}: a firewall, proxy or VPN, or a wrong host; ${checkUrl}`;
      if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return `the connection was dropped${at}: a proxy or firewall in the way, or http/https mixed up; ${checkUrl}`;
      if (TLS_CODES.test(code)) return `the TLS handshake failed${at} (${code}): an untrusted certificate (NODE_EXTRA_CA_CERTS), or https used for a plain-http server; ${checkUrl}`;
      if (/bad port/i.test(message)) return `fetch refuses to connect to this port (the Fetch standard blocks it): serve the API on another port and ${checkUrl}`;
      return `the request did not reach the server: ${checkUrl}`;
    }
    case 'timeout':
      return `the server${at} did not answer in time: a slow or filtering network or proxy, or a server that accepts connections but does not answer; ${checkUrl}`;
    case 'authentication_error':
      return `the server rejected the credentials: check ${credentials} (a key of another project or environment, revoked, or mistyped)`;
    case 'permission_denied':
      return `the credentials are valid but may not list rooms: check the permissions (scopes) of ${credentials}`;
    case 'not_found':
    case 'provider_response_error':
      return `the server${at} answered${err.status ? ` HTTP ${err.status}` : ''} with something that is not ${ctx.provider}'s API: ${configuredUrl ? `check ${configuredUrl} (a wrong host or path prefix, or a proxy)` : 'a proxy in the way?'}`;
    case 'provider_unavailable':
      return `${ctx.provider} answered${err.status ? ` HTTP ${err.status}` : ''}: an outage or maintenance; retry later${configuredUrl ? `, or check ${configuredUrl}` : ''}`;
    case 'rate_limited':
      return `${ctx.provider} is rate-limiting these credentials: wait and retry`;
    case 'config_error': {
      // Every problem is in the message; the hint names every variable to fix, not only the first.
      const issues = (err as { issues?: Array<{ envVar?: unknown }> }).issues ?? [];
      const vars = [...new Set([...issues.map((i) => i.envVar), (err as { envVar?: unknown }).envVar].filter((v): v is string => typeof v === 'string'))];
      return vars.length > 0
        ? `fix ${vars.join(', ')} in the environment; "unicollab help doctor" lists every variable`
        : '"unicollab help doctor" lists every variable';
    }
    default:
      return undefined;
  }
}

/**
 * A JSON view of any failure for `--json` output: a `CollabError`'s own `toJSON()` (always with a
 * `code`), plus the failed `url` and the likely-cause `hint` when known.
 */
export function errorJson(err: unknown, extra: { url?: string; hint?: string } = {}): Record<string, unknown> {
  const base = CollabError.is(err) ? err.toJSON() : new CollabError(err instanceof Error ? err.message : String(err)).toJSON();
  return { ...base, ...(extra.url ? { url: extra.url } : {}), ...(extra.hint ? { hint: extra.hint } : {}) };
}

/** One line for a failure: `Name (code[, HTTP n]): message`. */
export function errorLine(err: unknown): string {
  if (!CollabError.is(err)) return err instanceof Error ? err.message : String(err);
  return `${err.name} (${err.code}${err.status ? `, HTTP ${err.status}` : ''}): ${err.message}`;
}
