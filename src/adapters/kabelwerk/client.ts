/**
 * The Kabelwerk server REST API client: exactly the five endpoints sdk-python 0.1.2 calls
 * (docs/vendors/kabelwerk.md §1.5), with its headers (§1.2) and its status mapping (§1.4, in `errors.ts`).
 * Kabelwerk's REST API has no read or list call at all (§1.6): reads go through `realtime.ts`.
 * @module
 */
import { createHttpClient, encodePath, httpOptionsFromConfig, type ConfigHttpOptions, type HttpClient } from '../../core/http/index.js';
import { packageVersion } from '../../core/package-version.js';
import { registerSecret } from '../../core/redact.js';
import { mapKabelwerkError } from './errors.js';
import { type KabelwerkMessage, KabelwerkMessageSchema, type KabelwerkRestRoom, KabelwerkRestRoomSchema, type KabelwerkUserRef, KabelwerkUserRefSchema } from './schemas.js';

/** Options of `KabelwerkClient`. */
export interface KabelwerkClientOptions extends ConfigHttpOptions {
  /** `{scheme}://{host}/api` (see `parseKabelwerkUrl`). */
  apiUrl: string;
  /** The server API token (`Kabelwerk-Token`). */
  apiToken: string;
}

/** Per-call options. */
export interface KabelwerkCallOptions {
  /** Aborts the call and its retries. */
  signal?: AbortSignal | undefined;
}

/** The body of `PATCH /hubs/{hub}/rooms/{key}`: only the keys given are sent (sdk-python drops others). */
export interface KabelwerkRoomPatch {
  /** Archive (`true`) or unarchive the room. */
  archived?: boolean;
  /** The room's whole attribute map (Kabelwerk replaces it). */
  attributes?: Record<string, unknown>;
  /** The key of the hub user to assign, or `null` to unassign. */
  hub_user?: string | null;
}

/** `unicollab/<version>` (sdk-python sends `sdk-python/<version>`). */
export function kabelwerkUserAgent(): string {
  return `unicollab/${packageVersion()}`;
}

/**
 * One Kabelwerk REST client per adapter instance. Every request carries exactly `Accept`,
 * `Content-Type: application/json` (sent even without a body, as sdk-python does), `Kabelwerk-Token`
 * and `User-Agent: unicollab/<version>`; path segments are percent-encoded. The token is registered
 * for redaction, so it never reaches an error, a log line or a `raw` field.
 */
export class KabelwerkClient {
  private readonly http: HttpClient;

  constructor(options: KabelwerkClientOptions) {
    registerSecret(options.apiToken);
    this.http = createHttpClient({
      provider: 'kabelwerk',
      baseUrl: options.apiUrl,
      headers: { 'kabelwerk-token': options.apiToken, 'user-agent': kabelwerkUserAgent() },
      ...httpOptionsFromConfig(options),
      mapError: mapKabelwerkError,
    });
  }

  /** `POST /users` (§1.5.1): `hub` is always sent, `null` for an end user. A duplicate key answers 400 on `key`. */
  async createUser(input: { key: string; name: string; hub: string | null }, operation: string, options?: KabelwerkCallOptions): Promise<KabelwerkUserRef> {
    return this.http.request({
      method: 'POST',
      path: '/users',
      json: { hub: input.hub, key: input.key, name: input.name },
      schema: KabelwerkUserRefSchema,
      // A retry after a lost answer would meet "key has already been taken": not retried.
      idempotent: false,
      operation,
      ...signal(options),
    });
  }

  /** `PATCH /users/{key}` (§1.5.2): renames a user; 404 when there is none. */
  async updateUser(key: string, input: { name: string }, operation: string, options?: KabelwerkCallOptions): Promise<KabelwerkUserRef> {
    return this.http.request({
      method: 'PATCH',
      path: encodePath('users', key),
      json: { name: input.name },
      schema: KabelwerkUserRefSchema,
      idempotent: true,
      operation,
      ...signal(options),
    });
  }

  /** `DELETE /users/{key}` (§1.5.3): 204; 404 when there is none. */
  async deleteUser(key: string, operation: string, options?: KabelwerkCallOptions): Promise<void> {
    await this.http.request({
      method: 'DELETE',
      path: encodePath('users', key),
      headers: { 'content-type': 'application/json' },
      responseType: 'empty',
      // A retry after a lost answer would report the deleted user as missing.
      idempotent: false,
      operation,
      ...signal(options),
    });
  }

  /**
   * `PATCH /hubs/{hub}/rooms/{endUserKey}` (§1.5.4): 404 when the end user has no room on that hub.
   * An empty patch changes nothing and answers the room as it is.
   */
  async updateRoom(hub: string, endUserKey: string, patch: KabelwerkRoomPatch, operation: string, options?: KabelwerkCallOptions): Promise<KabelwerkRestRoom> {
    return this.http.request({
      method: 'PATCH',
      path: encodePath('hubs', hub, 'rooms', endUserKey),
      json: patch,
      schema: KabelwerkRestRoomSchema,
      idempotent: true,
      operation,
      ...signal(options),
    });
  }

  /** `POST /hubs/{hub}/rooms/{endUserKey}/messages` (§1.5.5): a text message on behalf of the user `user`. */
  async postMessage(hub: string, endUserKey: string, input: { text: string; user: string }, operation: string, options?: KabelwerkCallOptions): Promise<KabelwerkMessage> {
    return this.http.request({
      method: 'POST',
      path: encodePath('hubs', hub, 'rooms', endUserKey, 'messages'),
      json: { text: input.text, user: input.user },
      schema: KabelwerkMessageSchema,
      // A retry would post the message twice.
      idempotent: false,
      operation,
      ...signal(options),
    });
  }
}

function signal(options: KabelwerkCallOptions | undefined): { signal?: AbortSignal } {
  return options?.signal ? { signal: options.signal } : {};
}
