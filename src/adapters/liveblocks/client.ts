/**
 * The Liveblocks REST v2 client: one method per vendor endpoint, nothing else (no mapping, no rules).
 * Every call goes through the shared HTTP layer (`core/http`), which owns timeouts, retries,
 * error mapping and redaction. Paths are built from segments encoded by core's `encodeSegment`
 * (percent-encoded like `@liveblocks/node`'s `url` template, and dot segments refused), so no id can
 * change the endpoint.
 */
import { inject, injectable } from 'inversify';
import type { z } from 'zod';
import type { LiveblocksConfigSchema } from './config.js';
import type { HttpClient } from '../../core/http/index.js';
import { createHttpClient, encodeSegment as enc, httpOptionsFromConfig } from '../../core/http/index.js';
import { UnsupportedFeatureError } from '../../core/errors.js';
import { registerSecret } from '../../core/redact.js';
import { TOKENS } from '../../core/tokens.js';
import { toCollabError } from './errors.js';
import {
  type LbAuthorizeBody,
  LbActiveUsersSchema,
  type LbCreateRoomBody,
  type LbCreateThreadBody,
  LbCommentSchema,
  LbCreatedVersionSchema,
  LbHistoryVersionPageSchema,
  type LbIdentifyBody,
  LbManagementWebhookEnvelopeSchema,
  LbManagementWebhookPageSchema,
  LbNotificationPageSchema,
  LbNotificationSchema,
  type LbOutgoingBody,
  type LbPlainLsonRoot,
  LbPlainLsonRootSchema,
  LbRoomPageSchema,
  LbRoomSchema,
  type LbSetPresenceBody,
  LbStorageJsonSchema,
  LbThreadListSchema,
  LbThreadMetadataResponseSchema,
  LbThreadSchema,
  LbTokenSchema,
  type LbTriggerBody,
  type LbUpdateRoomBody,
} from './schemas.js';

/** The validated Liveblocks config. */
export type ParsedLiveblocksConfig = z.output<typeof LiveblocksConfigSchema>;

/** Default API origin (`@liveblocks/node` uses the same). */
export const DEFAULT_BASE_URL = 'https://api.liveblocks.io';

/** Provider id, in errors and logs. */
const PROVIDER = 'liveblocks';

/** Query of `GET /v2/rooms`. */
export interface LbListRoomsQuery {
  limit?: number;
  startingAfter?: string;
  query?: string;
  userId?: string;
  groupIds?: string;
  organizationId?: string;
  /** Legacy metadata filters, `metadata.KEY=VALUE`. */
  [legacy: `metadata.${string}`]: string | undefined;
}

/** Query of `GET /v2/users/{id}/inbox-notifications`. */
export interface LbListNotificationsQuery {
  limit?: number;
  startingAfter?: string;
  query?: string;
  organizationId?: string;
}

/**
 * Liveblocks REST v2 endpoints. One instance per collab; both HTTP clients (secret key and, when
 * configured, management token) are built once, so a call allocates only its own request.
 */
@injectable()
export class LiveblocksClient {
  /** The REST API client (`Authorization: Bearer sk_...`). */
  private readonly http: HttpClient;
  /** The Management API client (`Authorization: Bearer <managementToken>`), when configured. */
  private readonly management: HttpClient | undefined;
  /** Management API project path prefix, `/v2/management/projects/{projectId}`. */
  private readonly projectPath: string;

  constructor(@inject(TOKENS.Config) config: ParsedLiveblocksConfig) {
    registerSecret(config.secretKey);
    registerSecret(config.managementToken);
    const baseUrl = config.baseUrl ?? DEFAULT_BASE_URL;
    const common = {
      provider: PROVIDER,
      baseUrl,
      mapError: toCollabError,
      ...httpOptionsFromConfig(config),
    };
    // Liveblocks never echoes a credential; docs/design/DESIGN.md promises no `raw` ever holds one.
    const echoedSecrets = config.managementToken !== undefined ? [config.secretKey, config.managementToken] : [config.secretKey];
    this.http = createHttpClient({ ...common, echoedSecrets, headers: { Authorization: `Bearer ${config.secretKey}` } });
    this.management =
      config.managementToken !== undefined
        ? createHttpClient({ ...common, echoedSecrets, headers: { Authorization: `Bearer ${config.managementToken}` } })
        : undefined;
    // Without a project id the management calls are `no` and never build this path.
    this.projectPath = config.projectId !== undefined ? `/v2/management/projects/${enc(config.projectId)}` : '';
  }

  // ------------------------------------------------------------------ rooms

  /** `GET /v2/rooms`. */
  listRooms(query: LbListRoomsQuery, signal?: AbortSignal) {
    return this.http.request({
      method: 'GET',
      path: '/v2/rooms',
      query: query as Record<string, string | number | undefined>,
      schema: LbRoomPageSchema,
      idempotent: true,
      operation: 'rooms.list',
      signal,
    });
  }

  /**
   * `POST /v2/rooms[?idempotent]`. The client-chosen id makes a retry safe: a retry that meets 409 after
   * a lost answer is our own create, so the room is fetched and returned instead of a `ConflictError`.
   */
  createRoom(body: LbCreateRoomBody, idempotent: boolean, signal?: AbortSignal) {
    return this.http.request({
      method: 'POST',
      path: idempotent ? '/v2/rooms?idempotent' : '/v2/rooms',
      json: body,
      schema: LbRoomSchema,
      idempotent: true,
      recoverConflict: () => this.getRoom(body.id, signal),
      operation: 'rooms.create',
      signal,
    });
  }

  /** `GET /v2/rooms/{roomId}`. */
  getRoom(roomId: string, signal?: AbortSignal) {
    return this.http.request({ method: 'GET', path: '/v2/rooms/' + enc(roomId), schema: LbRoomSchema, idempotent: true, operation: 'rooms.get', signal });
  }

  /** `POST /v2/rooms/{roomId}`: a patch, so sending it twice gives the same room. */
  updateRoom(roomId: string, body: LbUpdateRoomBody, signal?: AbortSignal) {
    return this.http.request({
      method: 'POST',
      path: '/v2/rooms/' + enc(roomId),
      json: body,
      schema: LbRoomSchema,
      idempotent: true,
      operation: 'rooms.update',
      signal,
    });
  }

  /** `DELETE /v2/rooms/{roomId}` (204). */
  async deleteRoom(roomId: string, signal?: AbortSignal): Promise<void> {
    await this.http.request({ method: 'DELETE', path: '/v2/rooms/' + enc(roomId), responseType: 'empty', idempotent: true, operation: 'rooms.delete', signal });
  }

  // ------------------------------------------------------------------ presence and events

  /** `GET /v2/rooms/{roomId}/active-users`. */
  getActiveUsers(roomId: string, signal?: AbortSignal) {
    return this.http.request({
      method: 'GET',
      path: '/v2/rooms/' + enc(roomId) + '/active-users',
      schema: LbActiveUsersSchema,
      idempotent: true,
      operation: 'presence.list',
      signal,
    });
  }

  /** `POST /v2/rooms/{roomId}/presence` (204): setting the same presence twice is harmless. */
  async setPresence(roomId: string, body: LbSetPresenceBody, operation: string, signal?: AbortSignal): Promise<void> {
    await this.http.request({
      method: 'POST',
      path: '/v2/rooms/' + enc(roomId) + '/presence',
      json: body,
      responseType: 'empty',
      idempotent: true,
      operation,
      signal,
    });
  }

  /** `POST /v2/rooms/{roomId}/broadcast-event` (204). Not retried: a retry could deliver the event twice. */
  async broadcastEvent(roomId: string, payload: unknown, signal?: AbortSignal): Promise<void> {
    await this.http.request({
      method: 'POST',
      path: '/v2/rooms/' + enc(roomId) + '/broadcast-event',
      json: payload,
      responseType: 'empty',
      idempotent: false,
      operation: 'events.broadcast',
      signal,
    });
  }

  // ------------------------------------------------------------------ Yjs document and versions

  /** `GET /v2/rooms/{roomId}/ydoc-binary`: the whole document as one binary Yjs update (v1 encoding). */
  getYjsBinary(roomId: string, operation: string, signal?: AbortSignal): Promise<Uint8Array> {
    return this.http.request({
      method: 'GET',
      path: '/v2/rooms/' + enc(roomId) + '/ydoc-binary',
      responseType: 'bytes',
      idempotent: true,
      operation,
      signal,
    }) as Promise<Uint8Array>;
  }

  /**
   * `PUT /v2/rooms/{roomId}/ydoc` with the update as an `application/octet-stream` body (the dev server
   * answers 400 without that content type). Retried: Yjs applies an update once, however often it arrives.
   */
  async sendYjsUpdate(roomId: string, update: Uint8Array, operation: string, signal?: AbortSignal): Promise<void> {
    await this.http.request({
      method: 'PUT',
      path: '/v2/rooms/' + enc(roomId) + '/ydoc',
      body: update,
      headers: { 'Content-Type': 'application/octet-stream' },
      responseType: 'empty',
      idempotent: true,
      operation,
      signal,
    });
  }

  /** `GET /v2/rooms/{roomId}/versions?limit&cursor`: one page of Yjs history versions, newest first. */
  listVersions(roomId: string, query: { limit?: number; cursor?: string }, signal?: AbortSignal) {
    return this.http.request({
      method: 'GET',
      path: '/v2/rooms/' + enc(roomId) + '/versions',
      query: { limit: query.limit, cursor: query.cursor },
      schema: LbHistoryVersionPageSchema,
      idempotent: true,
      operation: 'documents.versions.list',
      signal,
    });
  }

  /**
   * `POST /v2/rooms/{roomId}/versions` with `{}` (as `@liveblocks/node` createVersionHistorySnapshot):
   * `{ data: { id } }`. Not retried: a retry after a lost answer would save a second version.
   */
  createVersion(roomId: string, signal?: AbortSignal) {
    return this.http.request({
      method: 'POST',
      path: '/v2/rooms/' + enc(roomId) + '/versions',
      json: {},
      schema: LbCreatedVersionSchema,
      idempotent: false,
      operation: 'documents.versions.create',
      signal,
    });
  }

  // ------------------------------------------------------------------ JSON storage

  /** `GET /v2/rooms/{roomId}/storage?format=json`: the storage as plain JSON (`{}` when empty). */
  getStorageJson(roomId: string, signal?: AbortSignal) {
    return this.http.request({
      method: 'GET',
      path: '/v2/rooms/' + enc(roomId) + '/storage',
      query: { format: 'json' },
      schema: LbStorageJsonSchema,
      idempotent: true,
      operation: 'storage.get',
      signal,
    });
  }

  /** `GET /v2/rooms/{roomId}/storage?format=plain-lson`: the storage root as plain LSON. */
  getStorageLson(roomId: string, operation = 'storage.get', signal?: AbortSignal) {
    return this.http.request({
      method: 'GET',
      path: '/v2/rooms/' + enc(roomId) + '/storage',
      query: { format: 'plain-lson' },
      schema: LbPlainLsonRootSchema,
      idempotent: true,
      operation,
      signal,
    });
  }

  /**
   * `POST /v2/rooms/{roomId}/storage` with a plain-LSON root; answers the root it stored. 409
   * `CANNOT_UPDATE_EXISTING_STORAGE` when the storage is not empty. Retried like a create with a
   * client id: a 409 on a retry after a lost answer means this call initialised it, so the storage is
   * read back instead.
   */
  initializeStorage(roomId: string, root: LbPlainLsonRoot, signal?: AbortSignal) {
    return this.http.request({
      method: 'POST',
      path: '/v2/rooms/' + enc(roomId) + '/storage',
      json: root,
      schema: LbPlainLsonRootSchema,
      idempotent: true,
      recoverConflict: () => this.getStorageLson(roomId, 'storage.initialize', signal),
      operation: 'storage.initialize',
      signal,
    });
  }

  /** `DELETE /v2/rooms/{roomId}/storage` (200 per the OAS, 204 from the dev server). */
  async deleteStorage(roomId: string, signal?: AbortSignal): Promise<void> {
    await this.http.request({ method: 'DELETE', path: '/v2/rooms/' + enc(roomId) + '/storage', responseType: 'empty', idempotent: true, operation: 'storage.delete', signal });
  }

  /**
   * `PATCH /v2/rooms/{roomId}/storage/json-patch` with the RFC 6902 operations as the JSON body (a bare
   * array). Source: liveblocks.io/docs/guides/modifying-storage-via-rest-api-with-json-patch and the
   * Python SDK's `patch_storage_document` (body `list[...JsonPatchOperation]`, no answer body; a failing
   * operation changes nothing and answers 422). Not retried: `add` to a list is not idempotent.
   */
  async patchStorage(roomId: string, operations: readonly unknown[], signal?: AbortSignal): Promise<void> {
    await this.http.request({
      method: 'PATCH',
      path: '/v2/rooms/' + enc(roomId) + '/storage/json-patch',
      json: operations,
      responseType: 'empty',
      idempotent: false,
      operation: 'storage.patch',
      signal,
    });
  }

  // ------------------------------------------------------------------ threads

  /** `GET /v2/rooms/{roomId}/threads[?query]`: all threads of the room, unpaginated. */
  getThreads(roomId: string, query: string | undefined, signal?: AbortSignal) {
    return this.http.request({
      method: 'GET',
      path: '/v2/rooms/' + enc(roomId) + '/threads',
      query: { query },
      schema: LbThreadListSchema,
      idempotent: true,
      operation: 'threads.list',
      signal,
    });
  }

  /** `POST /v2/rooms/{roomId}/threads`: retried only with a client-chosen id (a 409 on a retry then means it was created). */
  createThread(roomId: string, body: LbCreateThreadBody, signal?: AbortSignal) {
    const id = body.id;
    return this.http.request({
      method: 'POST',
      path: '/v2/rooms/' + enc(roomId) + '/threads',
      json: body,
      schema: LbThreadSchema,
      idempotent: id !== undefined,
      ...(id !== undefined ? { recoverConflict: () => this.getThread(roomId, id, signal) } : {}),
      operation: 'threads.create',
      signal,
    });
  }

  /** `GET /v2/rooms/{roomId}/threads/{threadId}`. */
  getThread(roomId: string, threadId: string, signal?: AbortSignal) {
    return this.http.request({ method: 'GET', path: threadPath(roomId, threadId), schema: LbThreadSchema, idempotent: true, operation: 'threads.get', signal });
  }

  /** `DELETE /v2/rooms/{roomId}/threads/{threadId}` (204). */
  async deleteThread(roomId: string, threadId: string, signal?: AbortSignal): Promise<void> {
    await this.http.request({ method: 'DELETE', path: threadPath(roomId, threadId), responseType: 'empty', idempotent: true, operation: 'threads.delete', signal });
  }

  /** `POST .../threads/{threadId}/mark-as-resolved` or `mark-as-unresolved` with `{ userId }`. */
  markThread(roomId: string, threadId: string, resolved: boolean, userId: string, signal?: AbortSignal) {
    return this.http.request({
      method: 'POST',
      path: threadPath(roomId, threadId) + (resolved ? '/mark-as-resolved' : '/mark-as-unresolved'),
      json: { userId },
      schema: LbThreadSchema,
      idempotent: true,
      operation: resolved ? 'threads.resolve' : 'threads.unresolve',
      signal,
    });
  }

  /** `POST .../threads/{threadId}/metadata` with `{ metadata, userId }`; answers the whole metadata. */
  editThreadMetadata(roomId: string, threadId: string, metadata: Record<string, string | number | boolean | null>, userId: string, signal?: AbortSignal) {
    return this.http.request({
      method: 'POST',
      path: threadPath(roomId, threadId) + '/metadata',
      json: { metadata, userId },
      schema: LbThreadMetadataResponseSchema,
      idempotent: true,
      operation: 'threads.updateMetadata',
      signal,
    });
  }

  // ------------------------------------------------------------------ comments and reactions

  /** `POST .../threads/{threadId}/comments`. Not retried: the comment id is chosen by Liveblocks. */
  createComment(roomId: string, threadId: string, body: { userId: string; body: LbOutgoingBody; metadata?: Record<string, string | number | boolean> }, signal?: AbortSignal) {
    return this.http.request({
      method: 'POST',
      path: threadPath(roomId, threadId) + '/comments',
      json: body,
      schema: LbCommentSchema,
      idempotent: false,
      operation: 'comments.create',
      signal,
    });
  }

  /** `GET .../comments/{commentId}`. */
  getComment(roomId: string, threadId: string, commentId: string, operation = 'comments.get', signal?: AbortSignal) {
    return this.http.request({ method: 'GET', path: commentPath(roomId, threadId, commentId), schema: LbCommentSchema, idempotent: true, operation, signal });
  }

  /** `POST .../comments/{commentId}` with `{ body }`. */
  editComment(roomId: string, threadId: string, commentId: string, body: LbOutgoingBody, signal?: AbortSignal) {
    return this.http.request({
      method: 'POST',
      path: commentPath(roomId, threadId, commentId),
      json: { body },
      schema: LbCommentSchema,
      idempotent: true,
      operation: 'comments.edit',
      signal,
    });
  }

  /** `DELETE .../comments/{commentId}` (204). */
  async deleteComment(roomId: string, threadId: string, commentId: string, signal?: AbortSignal): Promise<void> {
    await this.http.request({
      method: 'DELETE',
      path: commentPath(roomId, threadId, commentId),
      responseType: 'empty',
      idempotent: true,
      operation: 'comments.delete',
      signal,
    });
  }

  /** `POST .../comments/{commentId}/add-reaction` or `remove-reaction` with `{ userId, emoji }`. */
  async reaction(roomId: string, threadId: string, commentId: string, add: boolean, userId: string, emoji: string, signal?: AbortSignal): Promise<void> {
    await this.http.request({
      method: 'POST',
      path: commentPath(roomId, threadId, commentId) + (add ? '/add-reaction' : '/remove-reaction'),
      json: { userId, emoji },
      responseType: 'empty',
      idempotent: true,
      operation: add ? 'reactions.add' : 'reactions.remove',
      signal,
    });
  }

  // ------------------------------------------------------------------ inbox notifications

  /** `GET /v2/users/{userId}/inbox-notifications`. */
  listNotifications(userId: string, query: LbListNotificationsQuery, signal?: AbortSignal) {
    return this.http.request({
      method: 'GET',
      path: '/v2/users/' + enc(userId) + '/inbox-notifications',
      query: query as Record<string, string | number | undefined>,
      schema: LbNotificationPageSchema,
      idempotent: true,
      operation: 'notifications.list',
      signal,
    });
  }

  /** `GET /v2/users/{userId}/inbox-notifications/{id}`. */
  getNotification(userId: string, id: string, signal?: AbortSignal) {
    return this.http.request({
      method: 'GET',
      path: '/v2/users/' + enc(userId) + '/inbox-notifications/' + enc(id),
      schema: LbNotificationSchema,
      idempotent: true,
      operation: 'notifications.get',
      signal,
    });
  }

  /** `DELETE /v2/users/{userId}/inbox-notifications/{id}` (204). */
  async deleteNotification(userId: string, id: string, signal?: AbortSignal): Promise<void> {
    await this.http.request({
      method: 'DELETE',
      path: '/v2/users/' + enc(userId) + '/inbox-notifications/' + enc(id),
      responseType: 'empty',
      idempotent: true,
      operation: 'notifications.delete',
      signal,
    });
  }

  /** `DELETE /v2/users/{userId}/inbox-notifications[?organizationId]` (204). */
  async deleteAllNotifications(userId: string, organizationId: string | undefined, signal?: AbortSignal): Promise<void> {
    await this.http.request({
      method: 'DELETE',
      path: '/v2/users/' + enc(userId) + '/inbox-notifications',
      query: { organizationId },
      responseType: 'empty',
      idempotent: true,
      operation: 'notifications.deleteAll',
      signal,
    });
  }

  /** `POST /v2/inbox-notifications/trigger` (200, no content). Not retried: it would add a second activity. */
  async triggerNotification(body: LbTriggerBody, signal?: AbortSignal): Promise<void> {
    await this.http.request({
      method: 'POST',
      path: '/v2/inbox-notifications/trigger',
      json: body,
      responseType: 'empty',
      idempotent: false,
      operation: 'notifications.trigger',
      signal,
    });
  }

  /** `POST /v2/inbox-notifications/{id}/read` (no body; the id is project-wide, not per user). */
  async markNotificationRead(id: string, signal?: AbortSignal): Promise<void> {
    await this.http.request({
      method: 'POST',
      path: '/v2/inbox-notifications/' + enc(id) + '/read',
      responseType: 'empty',
      idempotent: true,
      operation: 'notifications.markRead',
      signal,
    });
  }

  // ------------------------------------------------------------------ auth

  /** `POST /v2/authorize-user`: an access token carrying its room permissions. */
  authorizeUser(body: LbAuthorizeBody, signal?: AbortSignal) {
    return this.http.request({ method: 'POST', path: '/v2/authorize-user', json: body, schema: LbTokenSchema, idempotent: true, operation: 'auth.issueToken', signal });
  }

  /** `POST /v2/identify-user`: an ID token (permissions are checked against the room's accesses). */
  identifyUser(body: LbIdentifyBody, signal?: AbortSignal) {
    return this.http.request({ method: 'POST', path: '/v2/identify-user', json: body, schema: LbTokenSchema, idempotent: true, operation: 'auth.issueToken', signal });
  }

  // ------------------------------------------------------------------ management API webhooks

  /** `GET /v2/management/projects/{projectId}/webhooks[?cursor]`. */
  listWebhooks(cursor: string | undefined, signal?: AbortSignal) {
    return this.mgmt().request({
      method: 'GET',
      path: this.projectPath + '/webhooks',
      query: { limit: 100, cursor },
      schema: LbManagementWebhookPageSchema,
      idempotent: true,
      operation: 'webhooks.subscriptions.list',
      signal,
    });
  }

  /** `POST /v2/management/projects/{projectId}/webhooks`. Not retried: a retry would create a second endpoint. */
  createWebhook(body: { url: string; subscribedEvents: string[] }, signal?: AbortSignal) {
    return this.mgmt().request({
      method: 'POST',
      path: this.projectPath + '/webhooks',
      json: body,
      schema: LbManagementWebhookEnvelopeSchema,
      idempotent: false,
      operation: 'webhooks.subscriptions.create',
      signal,
    });
  }

  /** `GET /v2/management/projects/{projectId}/webhooks/{webhookId}`. */
  getWebhook(webhookId: string, signal?: AbortSignal) {
    return this.mgmt().request({
      method: 'GET',
      path: this.projectPath + '/webhooks/' + enc(webhookId),
      schema: LbManagementWebhookEnvelopeSchema,
      idempotent: true,
      operation: 'webhooks.subscriptions.get',
      signal,
    });
  }

  /** `DELETE /v2/management/projects/{projectId}/webhooks/{webhookId}` (200, empty body). */
  async deleteWebhook(webhookId: string, signal?: AbortSignal): Promise<void> {
    await this.mgmt().request({
      method: 'DELETE',
      path: this.projectPath + '/webhooks/' + enc(webhookId),
      responseType: 'empty',
      idempotent: true,
      operation: 'webhooks.subscriptions.delete',
      signal,
    });
  }

  private mgmt(): HttpClient {
    // The capability guard stops calls without a token before they get here; this is the backstop.
    if (!this.management) {
      throw new UnsupportedFeatureError(PROVIDER, 'webhooks.subscriptions', 'configure managementToken and projectId to manage webhooks');
    }
    return this.management;
  }
}

function threadPath(roomId: string, threadId: string): string {
  return '/v2/rooms/' + enc(roomId) + '/threads/' + enc(threadId);
}

function commentPath(roomId: string, threadId: string, commentId: string): string {
  return threadPath(roomId, threadId) + '/comments/' + enc(commentId);
}
