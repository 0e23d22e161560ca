/**
 * Kabelwerk's realtime API (docs/vendors/kabelwerk.md §2): Phoenix channels, spoken with the `phoenix` npm
 * client over the `ws` package (no hand-written protocol, no global `WebSocket` patching). Everything
 * the REST API cannot do (create rooms, list rooms, read messages, markers, the notifier) goes
 * through here, acting as a user with a token minted for it.
 *
 * - One socket per impersonated user key, opened on first use and closed after `idleMs` without use
 *   (an unref'd timer) and on `close()`; a closed pool keeps nothing alive.
 * - Tokens are minted with the configured RSA key (`user-tokens.ts`) and re-minted before they expire;
 *   phoenix reads them through `params` as a function, so a reconnect always sends a valid one.
 * - Joins and pushes have a timeout (`ok` -> the reply, `error` -> `channelRejected`, `timeout` ->
 *   `TimeoutError`) and honour the caller's `AbortSignal`.
 * - Joins and leaves of one topic on one socket are serialised (Phoenix closes a channel joined twice).
 * - `phoenix` and `ws` are imported on first use only.
 * @module
 */
import type { Channel, Push, Socket } from 'phoenix';
import { AbortedError, AuthenticationError, CollabError, NetworkError, ProviderUnavailableError, TimeoutError } from '../../core/errors.js';
import { raceAbort } from '../../core/abort.js';
import type { Closeable } from '../../core/tokens.js';
import { channelRejected, realtimeInit } from './errors.js';
import { type KabelwerkPrivateJoin, KabelwerkPrivateJoinSchema } from './schemas.js';
import type { KabelwerkTokenMinter, MintedToken } from './user-tokens.js';
import { parseChannelReply } from './mappers/replies.js';

/** Who asks: the operation (for errors) and the caller's signal. */
export interface RealtimeCall {
  /** The operation, e.g. `rooms.list`. */
  readonly operation: string;
  /** Aborts waiting (the push itself may still reach Kabelwerk). */
  readonly signal?: AbortSignal | undefined;
}

/** A joined channel, valid inside `withChannel`'s callback. */
export interface JoinedChannel {
  /** The topic, e.g. `room:42`. */
  readonly topic: string;
  /** Pushes an event and resolves with the `ok` reply's response. */
  push(event: string, payload: object): Promise<unknown>;
}

/** Options of {@link KabelwerkRealtime}. */
export interface KabelwerkRealtimeOptions {
  /** `ws(s)://{host}/socket/user` (phoenix appends `/websocket`). */
  readonly socketUrl: string;
  /** Signs the user tokens. */
  readonly minter: KabelwerkTokenMinter;
  /** Timeout of connecting, of each join and of each push, in ms (default 10 000, phoenix's own). */
  readonly timeoutMs?: number | undefined;
  /** How long an unused socket stays open, in ms (default 15 000). */
  readonly idleMs?: number | undefined;
  /** The `agent` socket param (the SDKs send `sdk-js/<version>`). */
  readonly agent?: string | undefined;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_IDLE_MS = 15_000;

interface Transports {
  Socket: typeof Socket;
  WebSocket: new (endpoint: string) => object;
}

let transports: Promise<Transports> | undefined;

/** Loads `phoenix` and `ws` once, on the first realtime call. */
function loadTransports(): Promise<Transports> {
  transports ??= Promise.all([import('phoenix'), import('ws')]).then(([phoenix, ws]) => ({
    Socket: phoenix.Socket,
    WebSocket: ws.WebSocket as unknown as new (endpoint: string) => object,
  }));
  return transports;
}

/**
 * Waits for one phoenix push (a join, a leave or an event) to be answered, rejecting on `error`,
 * `timeout` or the caller's abort.
 */
function settle(push: Push, call: RealtimeCall, topic: string, event: string, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const signal = call.signal;
    const onAbort = () => reject(AbortedError.from(signal as AbortSignal, realtimeInit(call.operation)));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);
    push
      .receive('ok', (response: unknown) => {
        done();
        resolve(response);
      })
      .receive('error', (response: unknown) => {
        done();
        reject(channelRejected(call.operation, topic, event, response));
      })
      .receive('timeout', () => {
        done();
        reject(
          new TimeoutError(`kabelwerk ${call.operation}: no reply to ${event === 'phx_join' ? 'joining' : event + ' on'} ${topic} within ${timeoutMs} ms`, realtimeInit(call.operation)),
        );
      });
  });
}

/** Why the socket could not open, as a `CollabError` (never echoing the URL: its query holds the token). */
function connectionError(event: unknown, operation: string): CollabError {
  const e = event as { message?: unknown; error?: { message?: unknown; code?: unknown } } | undefined;
  const text = String(e?.message ?? e?.error?.message ?? '');
  const status = /Unexpected server response: (\d{3})/.exec(text)?.[1];
  if (status === '401' || status === '403') {
    return new AuthenticationError(
      `kabelwerk ${operation}: the realtime connection was refused (HTTP ${status}): Kabelwerk did not accept the user token signed with privateKey (does the backend know its public key?)`,
      realtimeInit(operation, { status: Number(status) }),
    );
  }
  if (status !== undefined) {
    const code = Number(status);
    return new ProviderUnavailableError(`kabelwerk ${operation}: the realtime connection was refused (HTTP ${status})`, realtimeInit(operation, { status: code, retryable: code >= 500 }));
  }
  const code = typeof e?.error?.code === 'string' ? e.error.code : /\b(E[A-Z]{3,})\b/.exec(text)?.[1];
  return new NetworkError(`kabelwerk ${operation}: could not open the realtime connection${code ? ` (${code})` : ''}`, realtimeInit(operation));
}

/**
 * One impersonated user's socket. The token and the socket (whose URL carries the token) are `#private`,
 * so `util.inspect` of a collab never shows them.
 */
class UserSession {
  #token: MintedToken | undefined;
  #socket: Socket | undefined;
  private active = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly queues = new Map<string, Promise<unknown>>();
  #privateChannel: Promise<{ reply: KabelwerkPrivateJoin; channel: Channel }> | undefined;
  closed = false;

  constructor(
    readonly key: string,
    private readonly pool: KabelwerkRealtime,
  ) {}

  /** The current token (read by phoenix at every connect). */
  get token(): MintedToken | undefined {
    return this.#token;
  }

  set token(token: MintedToken | undefined) {
    this.#token = token;
  }

  /** The phoenix socket. */
  get socket(): Socket | undefined {
    return this.#socket;
  }

  set socket(socket: Socket | undefined) {
    this.#socket = socket;
  }

  acquire(): void {
    this.active++;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  release(): void {
    this.active--;
    if (this.active > 0 || this.closed) return;
    this.idleTimer = setTimeout(() => {
      if (this.active === 0) void this.pool.drop(this);
    }, this.pool.idleMs);
    this.idleTimer.unref?.();
  }

  /** Runs `task` after every earlier task of the same topic (joins of one topic must not overlap). */
  serial<T>(topic: string, task: () => Promise<T>): Promise<T> {
    const before = this.queues.get(topic) ?? Promise.resolve();
    const run = before.then(task, task);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(topic, settled);
    void settled.then(() => {
      if (this.queues.get(topic) === settled) this.queues.delete(topic);
    });
    return run;
  }

  /** Keeps the token a reconnect would send valid: re-mints ahead of expiry (timer, and before each use). */
  scheduleRefresh(minter: KabelwerkTokenMinter): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    if (!this.token || this.closed) return;
    this.refreshTimer = setTimeout(() => {
      void this.refresh(minter).catch(() => undefined);
    }, minter.refreshInMs(this.token));
    this.refreshTimer.unref?.();
  }

  async refresh(minter: KabelwerkTokenMinter): Promise<void> {
    this.token = await minter.mint(this.key);
    this.scheduleRefresh(minter);
  }

  /** The `private` channel, joined once per socket and kept (its joins have no side effect). */
  private(call: RealtimeCall, timeoutMs: number): Promise<{ reply: KabelwerkPrivateJoin; channel: Channel }> {
    if (!this.#privateChannel) {
      const channel = this.socket!.channel('private', {});
      const joined = settle(channel.join(timeoutMs), { operation: call.operation }, 'private', 'phx_join', timeoutMs).then(
        (response) => ({ reply: parseChannelReply(KabelwerkPrivateJoinSchema, response, call.operation, 'private join'), channel }),
        (err: unknown) => {
          channel.leave();
          throw err;
        },
      );
      this.#privateChannel = joined;
      joined.catch(() => {
        if (this.#privateChannel === joined) this.#privateChannel = undefined;
      });
    }
    return raceAbort(this.#privateChannel, call.signal, realtimeInit(call.operation));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    const socket = this.socket;
    if (!socket) return;
    await new Promise<void>((resolve) => {
      const cap = setTimeout(resolve, 2000);
      cap.unref?.();
      socket.disconnect(() => {
        clearTimeout(cap);
        resolve();
      }, 1000, 'unicollab: done');
    });
  }
}

/**
 * The pool of realtime connections of one collab: one socket per user key the adapter acts as.
 * Listed in the definition's `lifecycle`, so `collab.close()` closes every socket.
 */
export class KabelwerkRealtime implements Closeable {
  /** Timeout of connecting, of each join and of each push, in ms. */
  readonly timeoutMs: number;
  /** How long an unused socket stays open, in ms. */
  readonly idleMs: number;
  // `#private`: sessions hold tokens, and `util.inspect` of a collab must not reach them.
  readonly #sessions = new Map<string, Promise<UserSession>>();
  readonly #options: KabelwerkRealtimeOptions;
  #closed = false;

  constructor(options: KabelwerkRealtimeOptions) {
    this.#options = options;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  }

  /** The user keys with an open (or opening) socket, for tests and diagnostics. */
  openUsers(): string[] {
    return [...this.#sessions.keys()];
  }

  /** Mints a user token (for `auth.issueToken`). */
  mint(sub: string): Promise<MintedToken> {
    return this.#options.minter.mint(sub);
  }

  /**
   * Who `userKey` is to Kabelwerk: the `private` join reply (its user id, its `hub_id`, `null` for an
   * end user, and its room ids). Connecting creates an unknown key as an end user (the backend stores a
   * token's `sub` as the user's key, §2.1): callers act only as users that exist or should.
   */
  async identity(userKey: string, call: RealtimeCall): Promise<KabelwerkPrivateJoin> {
    return this.use(userKey, call, async (session) => (await session.private(call, this.timeoutMs)).reply);
  }

  /** Pushes an event on `userKey`'s `private` channel (`create_room`, `get_hub`, ...). */
  async pushPrivate(userKey: string, event: string, payload: object, call: RealtimeCall): Promise<unknown> {
    return this.use(userKey, call, async (session) => {
      const { channel } = await session.private(call, this.timeoutMs);
      return settle(channel.push(event, payload, this.timeoutMs), call, 'private', event, this.timeoutMs);
    });
  }

  /**
   * Joins `topic` as `userKey`, runs `task` with the channel and the join reply, and leaves. Joins of
   * one topic on one socket wait for each other.
   */
  async withChannel<T>(
    userKey: string,
    topic: string,
    joinParams: object,
    call: RealtimeCall,
    task: (channel: JoinedChannel, joinReply: unknown) => Promise<T>,
  ): Promise<T> {
    return this.use(userKey, call, (session) =>
      session.serial(topic, async () => {
        const channel = session.socket!.channel(topic, joinParams);
        let reply: unknown;
        try {
          reply = await settle(channel.join(this.timeoutMs), call, topic, 'phx_join', this.timeoutMs);
        } catch (err) {
          // A refused or timed-out join would otherwise be retried by phoenix forever.
          channel.leave();
          throw err;
        }
        try {
          return await task({ topic, push: (event, payload) => settle(channel.push(event, payload, this.timeoutMs), call, topic, event, this.timeoutMs) }, reply);
        } finally {
          await settle(channel.leave(this.timeoutMs), { operation: call.operation }, topic, 'phx_leave', this.timeoutMs).catch(() => undefined);
        }
      }),
    );
  }

  /** Closes every socket; later calls fail. Safe to call twice. */
  async close(): Promise<void> {
    this.#closed = true;
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(sessions.map((s) => s.then((session) => session.close(), () => undefined)));
  }

  /**
   * Closes one session (idle) unless it was replaced meanwhile. Typed structurally, not as
   * `UserSession`, so the published declarations do not pull in `phoenix`'s types (which need the DOM lib).
   */
  async drop(session: { readonly key: string; close(): Promise<void> }): Promise<void> {
    const current = this.#sessions.get(session.key);
    if (current) {
      const resolved = await current.catch(() => undefined);
      if (resolved === session) this.#sessions.delete(session.key);
    }
    await session.close();
  }

  private async use<T>(userKey: string, call: RealtimeCall, task: (session: UserSession) => Promise<T>): Promise<T> {
    if (this.#closed) throw new CollabError(`kabelwerk ${call.operation}: the collab is closed`, realtimeInit(call.operation));
    const session = await raceAbort(this.session(userKey, call.operation), call.signal, realtimeInit(call.operation));
    session.acquire();
    try {
      // A timer may have been held up (a suspended machine): never use a token about to expire.
      if (session.token && this.#options.minter.refreshInMs(session.token) === 0) await session.refresh(this.#options.minter);
      return await task(session);
    } finally {
      session.release();
    }
  }

  private session(userKey: string, operation: string): Promise<UserSession> {
    let opening = this.#sessions.get(userKey);
    if (!opening) {
      opening = this.open(userKey, operation);
      this.#sessions.set(userKey, opening);
      opening.catch(() => {
        if (this.#sessions.get(userKey) === opening) this.#sessions.delete(userKey);
      });
    }
    return opening;
  }

  private async open(userKey: string, operation: string): Promise<UserSession> {
    const { Socket: PhoenixSocket, WebSocket } = await loadTransports();
    const session = new UserSession(userKey, this);
    session.token = await this.#options.minter.mint(userKey);
    const socket = new PhoenixSocket(this.#options.socketUrl, {
      transport: WebSocket,
      // Read at every (re)connect, so a reconnect after the first token expired sends the re-minted one.
      params: () => ({ token: session.token!.token, ...(this.#options.agent ? { agent: this.#options.agent } : {}) }),
      timeout: this.timeoutMs,
      reconnectAfterMs: (tries: number) => [50, 250, 1000, 2000][tries - 1] ?? 5000,
    });
    session.socket = socket;
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => finish(new TimeoutError(`kabelwerk ${operation}: the realtime connection did not open within ${this.timeoutMs} ms`, realtimeInit(operation))), this.timeoutMs);
        const refs = [socket.onOpen(() => finish()), socket.onError((event) => finish(connectionError(event, operation)))];
        function finish(err?: CollabError): void {
          clearTimeout(timer);
          socket.off(refs);
          if (err) reject(err);
          else resolve();
        }
        socket.connect();
      });
    } catch (err) {
      await session.close();
      throw err;
    }
    if (this.#closed) {
      await session.close();
      throw new CollabError(`kabelwerk ${operation}: the collab is closed`, realtimeInit(operation));
    }
    session.scheduleRefresh(this.#options.minter);
    // Unused from the start until the first task acquires it.
    session.acquire();
    session.release();
    return session;
  }
}
