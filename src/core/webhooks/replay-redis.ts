/**
 * A replay store in Redis, shared by every instance of an app: `SET key 1 PX <ttl> NX` claims an id
 * atomically, and Redis' own expiry forgets it. The `redis` package is loaded only when the store
 * opens its own connection from a URL, so apps that never use Redis never import it.
 */
import { ConfigError, ValidationError } from '../errors.js';
import type { RedisReplayClient, RedisReplayStoreOptions, WebhookReplayStore } from './types.js';

const DEFAULT_PREFIX = 'unicollab:webhook-replay:';
const DEFAULT_TIMEOUT_MS = 5000;
/** Connection attempts before the first connect gives up (later drops reconnect without limit). */
const INITIAL_CONNECT_ATTEMPTS = 3;

/** The node-redis client surface used for a connection the store opens itself. */
interface OwnedClient {
  isOpen: boolean;
  connect(): Promise<unknown>;
  sendCommand(args: string[]): Promise<unknown>;
  on(event: 'error', listener: (err: unknown) => void): unknown;
  close?(): Promise<unknown>;
  quit?(): Promise<unknown>;
  destroy?(): void;
}

/** Loads `createClient` from the `redis` package. */
type RedisLoader = () => Promise<{ createClient(options: object): unknown }>;

/** The `redis` package, imported on first use (an optional peer dependency). */
const loadRedis: RedisLoader = () => import('redis') as unknown as Promise<{ createClient(options: object): unknown }>;

/**
 * Creates a replay store backed by Redis, for apps running several instances behind one webhook URL.
 *
 * Pass a connected `client` (node-redis or ioredis; the app owns and closes it) or a `url`
 * (`redis://` / `rediss://`), for which the store opens its own connection with the `redis` package
 * on the first claim and closes it in `close()`. Commands are not queued while Redis is unreachable:
 * the claim fails at once (the delivery is refused as retryable) rather than hanging the webhook handler.
 *
 * ```ts
 * const webhookReplayStore = createRedisReplayStore({ url: process.env.REDIS_URL! });
 * const collab = await createCollab({ provider: 'memory', webhookReplayStore });
 * ```
 *
 * @param options - `client` or `url`, key `prefix` and the per-command `timeoutMs`.
 * @returns The store.
 * @throws ConfigError when neither or both of `client` and `url` are given, the URL is not a Redis
 *   URL, or the client has neither `sendCommand` nor `call`. A missing `redis` package is a
 *   `ConfigError` at the first claim.
 */
export function createRedisReplayStore(options: RedisReplayStoreOptions): WebhookReplayStore {
  return createRedisReplayStoreWith(options, loadRedis);
}

/**
 * `createRedisReplayStore` with the module loader as a parameter, so tests can stand in a missing package.
 * @internal
 */
export function createRedisReplayStoreWith(options: RedisReplayStoreOptions, load: RedisLoader): WebhookReplayStore {
  const init = { operation: 'webhooks.replayStore' };
  if (options === null || typeof options !== 'object') throw new ConfigError('createRedisReplayStore needs { client } or { url }', { ...init, field: 'client' });
  const { client, url } = options;
  if ((client === undefined) === (url === undefined)) {
    throw new ConfigError('createRedisReplayStore needs exactly one of client (a connected Redis client) and url', { ...init, field: client === undefined ? 'client' : 'url' });
  }
  if (url !== undefined) checkUrl(url);
  if (client !== undefined && !isClient(client)) {
    throw new ConfigError('client must be a node-redis (sendCommand) or ioredis (call) client', { ...init, field: 'client' });
  }
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (typeof prefix !== 'string') throw new ConfigError('prefix must be a string', { ...init, field: 'prefix' });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new ConfigError('timeoutMs must be a positive number', { ...init, field: 'timeoutMs' });

  let owned: OwnedClient | undefined;
  let connecting: Promise<OwnedClient> | undefined;
  let closed = false;

  const open = async (): Promise<OwnedClient> => {
    let mod: Awaited<ReturnType<RedisLoader>>;
    try {
      mod = await load();
    } catch (err) {
      throw new ConfigError('createRedisReplayStore({ url }) needs the redis package: npm install redis (or pass a connected client)', { ...init, field: 'url', cause: err });
    }
    let connected = false;
    const created = mod.createClient({
      url,
      // Fail claims at once while disconnected instead of queueing them behind a dead socket.
      disableOfflineQueue: true,
      socket: {
        connectTimeout: timeoutMs,
        // The first connect gives up after a few tries so a wrong URL surfaces; an established
        // connection that drops keeps reconnecting with capped backoff.
        reconnectStrategy: (retries: number, cause: Error) => (!connected && retries >= INITIAL_CONNECT_ATTEMPTS - 1 ? cause : Math.min(50 * 2 ** retries, 2000)),
      },
    }) as OwnedClient;
    // Without a listener an 'error' event would crash the process; failures surface through claims.
    created.on('error', () => undefined);
    await created.connect();
    connected = true;
    return created;
  };

  const ownedClient = async (): Promise<OwnedClient> => {
    if (owned?.isOpen) return owned;
    connecting ??= open().then(
      (c) => {
        owned = c;
        connecting = undefined;
        return c;
      },
      (err: unknown) => {
        // Forget the failed attempt: the next claim tries again (Redis may be back by then).
        connecting = undefined;
        throw err;
      },
    );
    return connecting;
  };

  const send = async (args: string[]): Promise<unknown> => {
    if (closed) throw new ConfigError('The Redis replay store is closed', { ...init, field: 'client' });
    const target: RedisReplayClient = client ?? (await ownedClient());
    const reply = 'call' in target && typeof target.call === 'function'
      ? target.call(args[0]!, ...args.slice(1))
      : (target as { sendCommand(a: string[]): Promise<unknown> }).sendCommand(args);
    return withTimeout(reply, timeoutMs);
  };

  return {
    async claim(id: string, ttlMs: number): Promise<boolean> {
      if (typeof id !== 'string' || id.length === 0) throw new ValidationError('id', 'must be a non-empty string', { operation: 'webhooks.replayStore.claim' });
      if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
        throw new ValidationError('ttlMs', 'must be a positive number of milliseconds', { operation: 'webhooks.replayStore.claim' });
      }
      const reply = await send(['SET', prefix + id, '1', 'PX', String(Math.ceil(ttlMs)), 'NX']);
      if (reply === 'OK') return true;
      if (reply === null || reply === undefined) return false;
      throw new Error(`Unexpected Redis reply to SET NX: ${typeof reply}`);
    },
    async release(id: string): Promise<void> {
      await send(['DEL', prefix + id]);
    },
    async close(): Promise<void> {
      closed = true;
      const c = owned ?? (await connecting?.catch(() => undefined));
      owned = undefined;
      if (!c?.isOpen) return;
      // node-redis 5 renamed quit() to close(); both flush pending replies first.
      if (typeof c.close === 'function') await c.close();
      else if (typeof c.quit === 'function') await c.quit();
      else c.destroy?.();
    },
  };
}

function checkUrl(url: unknown): void {
  let protocol: string | undefined;
  try {
    protocol = typeof url === 'string' ? new URL(url).protocol : undefined;
  } catch {
    protocol = undefined;
  }
  // The URL may carry a password: the message never repeats it.
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw new ConfigError('url must be a redis:// or rediss:// URL', { operation: 'webhooks.replayStore', field: 'url' });
  }
}

function isClient(value: unknown): value is RedisReplayClient {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as { sendCommand?: unknown; call?: unknown };
  return typeof c.call === 'function' || typeof c.sendCommand === 'function';
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
