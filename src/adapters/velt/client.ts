/**
 * The Velt REST API v2 client: one method per vendor endpoint the adapter uses, nothing else
 * (`docs/vendors/velt.md`, cited as §N). Every call is a `POST` to `/v2/<path>` with the
 * `x-velt-api-key` and `x-velt-auth-token` headers and a `{"data": ...}` body (§1.1), answered by
 * `{"result": ...}` or `{"error": ...}` (§1.2, §1.3). All I/O of the adapter happens here.
 */
import type { z } from 'zod';
import { CollabError, ProviderResponseError } from '../../core/errors.js';
import { checkAnswer, createHttpClient, httpOptionsFromConfig } from '../../core/http/index.js';
import type { HttpClient } from '../../core/http/index.js';
import type { CollabLogger } from '../../core/logger.js';
import { redact, registerSecret } from '../../core/redact.js';
import { mapVeltError } from './errors.js';
import {
  RESULT_DATA,
  resultSchema,
  type VeltAnnotation,
  type VeltAnnotationInput,
  type VeltComment,
  type VeltCommentInput,
  type VeltCrdtEntry,
  type VeltCrdtWrite,
  type VeltDocument,
  VeltDocumentSchema,
  type VeltItemMap,
  type VeltNotification,
  type VeltResource,
  type VeltStatusInput,
  type VeltUser,
  type VeltUserRef,
  type VeltWebhookEndpoint,
} from './schemas.js';
import { rec } from '../../core/records.js';

/** Velt's documented cap on every id-array filter (§1.5). */
export const VELT_MAX_IDS_PER_FILTER = 30;

/** Velt's default API origin; endpoints live under `/v2`. */
export const VELT_DEFAULT_BASE_URL = 'https://api.velt.dev';

/** Options of `VeltClient`. */
export interface VeltClientOptions {
  /** Workspace API key (`x-velt-api-key`). */
  apiKey: string;
  /** Server auth token (`x-velt-auth-token`), not a user JWT. */
  authToken: string;
  /** API origin (default `https://api.velt.dev`); `/v2/...` is appended. */
  baseUrl?: string;
  /** Timeout of one attempt in ms. */
  timeoutMs?: number;
  /** Deadline of a call including retries in ms. */
  deadlineMs?: number;
  /** Retries of idempotent calls. */
  retries?: number;
  /** `fetch` override. */
  fetch?: typeof fetch;
  /** Logger hook. */
  logger?: CollabLogger;
  /** HTTP transport (`node` on Node.js without a `fetch` override, else `fetch`). */
  transport?: 'node' | 'fetch' | 'ky';
}

/** Per-call options. */
export interface VeltCallOptions {
  /** Aborts the call and its retries. */
  signal?: AbortSignal | undefined;
}

/** A page of a `get` endpoint: its items and the token of the next page (`null` on the last page, §1.4). */
export interface VeltPage<T> {
  items: T[];
  nextPageToken: string | null;
}

interface CallSpec {
  operation: string;
  /** Whether the HTTP layer may retry it (reads, absolute updates, creates of one client-chosen id). */
  idempotent: boolean;
  /**
   * A create of one client-chosen id: an `already-exists` on a retry after a lost answer is our own
   * write, so the call resolves with an empty item map (the caller reads the item back) instead of
   * `ConflictError`.
   */
  recoverConflict?: boolean;
}

/** What a recovered create resolves the HTTP call with: told apart from any vendor body by identity. */
const RECOVERED_CREATE = { result: { data: {} } };

/** Splits `ids` into chunks of at most `size` (Velt's 30-ids-per-filter cap, §1.5). */
export function chunk<T>(ids: readonly T[], size = VELT_MAX_IDS_PER_FILTER): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

/** The `{ result }` envelope of each payload schema, built on first use (the payload schemas are constants). */
const envelopes = new WeakMap<z.ZodType, ReturnType<typeof resultSchema>>();

function envelopeOf(schema: z.ZodType): ReturnType<typeof resultSchema> {
  let envelope = envelopes.get(schema);
  if (envelope === undefined) envelopes.set(schema, (envelope = resultSchema(schema)));
  return envelope;
}

/**
 * One Velt REST client per adapter instance. Secrets given here are registered for redaction, so they
 * never reach an error message, `cause`, `raw` field or log line.
 */
export class VeltClient {
  private readonly http: HttpClient;

  constructor(options: VeltClientOptions) {
    registerSecret(options.apiKey);
    registerSecret(options.authToken);
    this.http = createHttpClient({
      provider: 'velt',
      baseUrl: options.baseUrl ?? VELT_DEFAULT_BASE_URL,
      headers: { 'x-velt-api-key': options.apiKey, 'x-velt-auth-token': options.authToken },
      ...httpOptionsFromConfig(options),
      mapError: (ctx) =>
        mapVeltError({ status: ctx.status, body: ctx.body, operation: ctx.operation, retryAfterMs: ctx.retryAfterMs, requestId: ctx.requestId }),
    });
  }

  /**
   * Sends one call and unwraps `result`. A 2xx body carrying `error` (Velt may answer errors with HTTP 200)
   * is mapped exactly like a non-2xx one; a `result` that does not match `schema` is a `ProviderResponseError`
   * naming the first bad field.
   */
  private async call<S extends z.ZodType>(
    path: string,
    data: object,
    schema: S,
    spec: CallSpec,
    options: VeltCallOptions = {},
  ): Promise<{ data: z.output<S>; nextPageToken: string | null }> {
    const body = await this.http.request({
      method: 'POST',
      path: `/v2${path}`,
      json: { data },
      idempotent: spec.idempotent,
      operation: spec.operation,
      ...(spec.recoverConflict ? { recoverConflict: async () => RECOVERED_CREATE } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (body === RECOVERED_CREATE) return { data: {} as z.output<S>, nextPageToken: null };
    const envelope = rec(body);
    if (envelope && envelope.error !== undefined && envelope.error !== null) {
      throw (
        mapVeltError({ body: redact(body), operation: spec.operation }) ??
        new ProviderResponseError(`velt answered ${spec.operation} with an error envelope of an unknown shape`, {
          provider: 'velt',
          operation: spec.operation,
          path: 'error',
        })
      );
    }
    // The envelope of each payload schema is built once, and checked as the HTTP client checks answers.
    const parsed = checkAnswer(envelopeOf(schema), body);
    if (!parsed.ok) {
      throw new ProviderResponseError(`velt answered ${spec.operation} with an unexpected shape: field "${parsed.path}": ${parsed.message}`, {
        provider: 'velt',
        operation: spec.operation,
        path: parsed.path,
        cause: { issues: parsed.issues },
      });
    }
    const result = parsed.data.result;
    // Velt names the next-page token `nextPageToken` on some endpoints and `pageToken` on others (§1.4).
    const token = result.nextPageToken ?? result.pageToken ?? null;
    return { data: result.data as z.output<S>, nextPageToken: token === '' ? null : token };
  }

  // ------------------------------------------------------------------ documents (§5)

  /**
   * `POST /v2/organizations/documents/add` (§5.1). Partial failure answers HTTP 500 with per-item `details`.
   * With `retrySafe` (one document with a client-chosen id: `rooms.create`) it is retried, and
   * `already-exists` on a retry after a lost answer resolves with an empty item map.
   */
  async addDocuments(
    data: { organizationId: string; documents: Array<{ documentId: string } & Record<string, unknown>>; createOrganization?: boolean },
    operation: string,
    options?: VeltCallOptions,
    retrySafe = false,
  ): Promise<VeltItemMap> {
    const spec = { operation, idempotent: retrySafe, recoverConflict: retrySafe };
    return (await this.call('/organizations/documents/add', data, RESULT_DATA.itemMap, spec, options)).data;
  }

  /**
   * `POST /v2/organizations/documents/get` (§5.2), a read and so retried. With `documentIds`, a missing id
   * answers HTTP 500 with a per-item breakdown: `mapVeltError` turns that into a non-retryable
   * `NotFoundError` (or `PartialBatchError`), so asking again only happens for real failures.
   */
  async getDocuments(
    data: { organizationId: string; documentIds?: string[]; pageSize?: number; pageToken?: string },
    operation: string,
    options?: VeltCallOptions,
  ): Promise<VeltPage<VeltDocument>> {
    const out = await this.call('/organizations/documents/get', data, RESULT_DATA.documents, { operation, idempotent: true }, options);
    return { items: out.data, nextPageToken: out.nextPageToken };
  }

  /**
   * Documents by id, in chunks of 30 (§1.5). Ids Velt reports missing are returned in `missing`
   * instead of failing the whole lookup.
   */
  async getDocumentsByIds(organizationId: string, ids: readonly string[], operation: string, options?: VeltCallOptions): Promise<{ found: VeltDocument[]; missing: string[] }> {
    const found: VeltDocument[] = [];
    const missing: string[] = [];
    for (const part of chunk([...new Set(ids)])) {
      try {
        found.push(...(await this.getDocuments({ organizationId, documentIds: part }, operation, options)).items);
      } catch (err) {
        // §5.2: a missing id turns the call into HTTP 500 whose `details` lists found docs and not-found items.
        const details = rec(rec(rec((err as { cause?: unknown }).cause)?.body)?.error)?.details;
        if (!CollabError.is(err) || !Array.isArray(details)) throw err;
        for (const item of details) {
          const r = rec(item);
          if (r?.success === false) {
            if (String(r.code ?? '').replace(/_/g, '-').toLowerCase() !== 'not-found' && !/not exist|not found/i.test(String(r.message ?? ''))) throw err;
            missing.push(String(r.id));
            continue;
          }
          const doc = VeltDocumentSchema.safeParse(item);
          if (!doc.success) throw err;
          found.push(doc.data);
        }
      }
    }
    return { found, missing };
  }

  /** `POST /v2/organizations/documents/update` (§5.3): fields are merged into the stored document. */
  async updateDocuments(
    data: { organizationId: string; documents: Array<{ documentId: string } & Record<string, unknown>> },
    operation: string,
    options?: VeltCallOptions,
  ): Promise<VeltItemMap> {
    return (await this.call('/organizations/documents/update', data, RESULT_DATA.itemMap, { operation, idempotent: true }, options)).data;
  }

  /** `POST /v2/organizations/documents/delete` (§5.4). */
  async deleteDocuments(data: { organizationId: string; documentIds: string[] }, operation: string, options?: VeltCallOptions): Promise<VeltItemMap> {
    return (await this.call('/organizations/documents/delete', data, RESULT_DATA.itemMap, { operation, idempotent: false }, options)).data;
  }

  // ------------------------------------------------------------------ users (§6)

  /** `POST /v2/users/add` (§6.1), organization level. Velt creates the organization when missing. */
  async addUsers(
    data: { organizationId: string; users: Array<VeltUserRef & Record<string, unknown>>; createOrganization?: boolean },
    operation: string,
    options?: VeltCallOptions,
  ): Promise<VeltItemMap> {
    return (await this.call('/users/add', data, RESULT_DATA.itemMap, { operation, idempotent: false }, options)).data;
  }

  /** `POST /v2/users/get` (§6.2): answers only the users that exist. */
  async getUsers(
    data: { organizationId: string; userIds?: string[]; pageSize?: number; pageToken?: string },
    operation: string,
    options?: VeltCallOptions,
  ): Promise<VeltPage<VeltUser>> {
    const out = await this.call('/users/get', data, RESULT_DATA.users, { operation, idempotent: true }, options);
    return { items: out.data, nextPageToken: out.nextPageToken };
  }

  /** Users by id, in chunks of 30 (§1.5). */
  async getUsersByIds(organizationId: string, ids: readonly string[], operation: string, options?: VeltCallOptions): Promise<VeltUser[]> {
    const out: VeltUser[] = [];
    for (const part of chunk([...new Set(ids)])) out.push(...(await this.getUsers({ organizationId, userIds: part }, operation, options)).items);
    return out;
  }

  /** `POST /v2/users/update` (§6.3). */
  async updateUsers(data: { organizationId: string; users: Array<VeltUserRef & Record<string, unknown>> }, operation: string, options?: VeltCallOptions): Promise<VeltItemMap> {
    return (await this.call('/users/update', data, RESULT_DATA.itemMap, { operation, idempotent: true }, options)).data;
  }

  /** `POST /v2/users/delete` (§6.4). */
  async deleteUsers(data: { organizationId: string; userIds: string[] }, operation: string, options?: VeltCallOptions): Promise<VeltItemMap> {
    return (await this.call('/users/delete', data, RESULT_DATA.itemMap, { operation, idempotent: false }, options)).data;
  }

  // ------------------------------------------------------------------ comment annotations (§7)

  /** `POST /v2/commentannotations/add` (§7.3): several annotations, each with several comments, in one call. */
  async addAnnotations(
    data: { organizationId: string; documentId: string; commentAnnotations: VeltAnnotationInput[]; createOrganization?: boolean; createDocument?: boolean },
    operation: string,
    options?: VeltCallOptions,
  ): Promise<VeltItemMap> {
    return (await this.call('/commentannotations/add', data, RESULT_DATA.itemMap, { operation, idempotent: false }, options)).data;
  }

  /** `POST /v2/commentannotations/get` (§7.4). With `annotationIds`, missing ids come back as `null`. */
  async getAnnotations(
    data: { organizationId: string; documentId?: string; annotationIds?: string[]; pageSize?: number; pageToken?: string },
    operation: string,
    options?: VeltCallOptions,
  ): Promise<VeltPage<VeltAnnotation | null>> {
    const out = await this.call('/commentannotations/get', data, RESULT_DATA.annotations, { operation, idempotent: true }, options);
    return { items: out.data, nextPageToken: out.nextPageToken };
  }

  /** Annotations of a document by id, in chunks of 30 (§1.5); ids not found are left out. */
  async getAnnotationsByIds(organizationId: string, documentId: string, ids: readonly string[], operation: string, options?: VeltCallOptions): Promise<VeltAnnotation[]> {
    const out: VeltAnnotation[] = [];
    for (const part of chunk([...new Set(ids)])) {
      let pageToken: string | undefined;
      do {
        const page = await this.getAnnotations({ organizationId, documentId, annotationIds: part, ...(pageToken ? { pageToken } : {}) }, operation, options);
        for (const a of page.items) if (a) out.push(a);
        pageToken = page.nextPageToken ?? undefined;
      } while (pageToken);
    }
    return out;
  }

  /** `POST /v2/commentannotations/update` (§7.6). `updatedData` is sent as an object, as in every example. */
  async updateAnnotations(
    data: {
      organizationId: string;
      documentId: string;
      annotationIds: string[];
      updatedData: { status?: VeltStatusInput; resolvedByUserId?: string | null; statusUpdatedByUserId?: string | null; context?: Record<string, unknown> };
    },
    operation: string,
    options?: VeltCallOptions,
  ): Promise<VeltItemMap> {
    return (await this.call('/commentannotations/update', data, RESULT_DATA.itemMap, { operation, idempotent: true }, options)).data;
  }

  /** `POST /v2/commentannotations/delete` (§7.7). `annotationIds` is required here: without it Velt deletes every annotation of the document. */
  async deleteAnnotations(data: { organizationId: string; documentId: string; annotationIds: string[] }, operation: string, options?: VeltCallOptions): Promise<VeltItemMap> {
    if (data.annotationIds.length === 0) return {};
    return (await this.call('/commentannotations/delete', data, RESULT_DATA.itemMap, { operation, idempotent: false }, options)).data;
  }

  // ------------------------------------------------------------------ comments (§7.8–7.11)

  /** `POST /v2/commentannotations/comments/add` (§7.8): answers the new numeric comment ids, in order. */
  async addComments(
    data: { organizationId: string; documentId: string; annotationId: string; commentData: VeltCommentInput[]; createOrganization?: boolean; createDocument?: boolean },
    operation: string,
    options?: VeltCallOptions,
  ): Promise<number[]> {
    return (await this.call('/commentannotations/comments/add', data, RESULT_DATA.commentIds, { operation, idempotent: false }, options)).data;
  }

  /** `POST /v2/commentannotations/comments/get` (§7.9). Missing commentIds come back as `null`. */
  async getComments(
    data: { organizationId: string; documentId: string; annotationId: string; commentIds?: number[] },
    operation: string,
    options?: VeltCallOptions,
  ): Promise<Array<VeltComment | null>> {
    return (await this.call('/commentannotations/comments/get', data, RESULT_DATA.comments, { operation, idempotent: true }, options)).data;
  }

  /** `POST /v2/commentannotations/comments/update` (§7.10): the same `updatedData` applies to every listed id. */
  async updateComments(
    data: { organizationId: string; documentId: string; annotationId: string; commentIds: number[]; updatedData: Partial<VeltCommentInput> },
    operation: string,
    options?: VeltCallOptions,
  ): Promise<VeltItemMap> {
    return (await this.call('/commentannotations/comments/update', data, RESULT_DATA.itemMap, { operation, idempotent: true }, options)).data;
  }

  /** `POST /v2/commentannotations/comments/delete` (§7.11). `commentIds` is required here: without it Velt deletes every comment. */
  async deleteComments(data: { organizationId: string; documentId: string; annotationId: string; commentIds: number[] }, operation: string, options?: VeltCallOptions): Promise<VeltItemMap> {
    if (data.commentIds.length === 0) return {};
    return (await this.call('/commentannotations/comments/delete', data, RESULT_DATA.itemMap, { operation, idempotent: false }, options)).data;
  }

  // ------------------------------------------------------------------ notifications (§9)

  /** `POST /v2/notifications/add` (§9.1). The id is the caller's `notificationId` (Velt does not return one); re-adding it overwrites, so it is retried. */
  async addNotification(data: Record<string, unknown> & { organizationId: string; documentId: string; notificationId: string }, operation: string, options?: VeltCallOptions): Promise<void> {
    await this.call('/notifications/add', data, RESULT_DATA.ack, { operation, idempotent: true }, options);
  }

  /** `POST /v2/notifications/get` (§9.2), newest first. The next page token is `result.pageToken` here (§1.4). */
  async getNotifications(
    data: { organizationId: string; userId?: string; documentId?: string; notificationIds?: string[]; pageSize?: number; pageToken?: string },
    operation: string,
    options?: VeltCallOptions,
  ): Promise<VeltPage<VeltNotification>> {
    const out = await this.call('/notifications/get', data, RESULT_DATA.notifications, { operation, idempotent: true }, options);
    return { items: out.data, nextPageToken: out.nextPageToken };
  }

  /** `POST /v2/notifications/update` (§9.3): `notifications` sent as an array, as in every example. */
  async updateNotifications(
    data: { organizationId: string; userId?: string; notifications: Array<{ id: string; readByUserIds?: string[] }> },
    operation: string,
    options?: VeltCallOptions,
  ): Promise<VeltItemMap> {
    return (await this.call('/notifications/update', data, RESULT_DATA.itemMap, { operation, idempotent: true }, options)).data;
  }

  /** `POST /v2/notifications/delete` (§9.4). `notificationIds` is required here: without it every notification in scope is deleted. */
  async deleteNotifications(data: { organizationId: string; userId?: string; notificationIds: string[] }, operation: string, options?: VeltCallOptions): Promise<VeltItemMap> {
    if (data.notificationIds.length === 0) return {};
    return (await this.call('/notifications/delete', data, RESULT_DATA.itemMap, { operation, idempotent: false }, options)).data;
  }

  // ------------------------------------------------------------------ presence and live state (§10)

  /** `POST /v2/presence/add` (§10). */
  async addPresence(
    data: { organizationId: string; documentId: string; users: Array<VeltUserRef & { status?: 'online' | 'away' | 'offline' }> },
    operation: string,
    options?: VeltCallOptions,
  ): Promise<void> {
    await this.call('/presence/add', data, RESULT_DATA.ack, { operation, idempotent: true }, options);
  }

  /** `POST /v2/presence/delete` (§10). */
  async deletePresence(data: { organizationId: string; documentId: string; userIds: string[] }, operation: string, options?: VeltCallOptions): Promise<void> {
    await this.call('/presence/delete', data, RESULT_DATA.ack, { operation, idempotent: true }, options);
  }

  /** `POST /v2/livestate/broadcast` (§10.1), sent in the wrapped `{"data": ...}` form the protocol requires. */
  async broadcast(
    data: { organizationId: string; documentId: string; liveStateDataId: string; data: Record<string, unknown>; merge?: boolean },
    operation: string,
    options?: VeltCallOptions,
  ): Promise<void> {
    await this.call('/livestate/broadcast', data, RESULT_DATA.ack, { operation, idempotent: !data.merge }, options);
  }

  // ------------------------------------------------------------------ CRDT editor data (docs/vendors/velt-crdt.md)

  /**
   * `POST /v2/crdt/add`: creates one editor's data; errors when the editorId already has data
   * (ALREADY_EXISTS, a `ConflictError`). Retried: a create of one client-chosen id, whose conflict
   * the caller resolves itself (documents.set then updates).
   */
  async addCrdt(data: VeltCrdtWrite, operation: string, options?: VeltCallOptions): Promise<void> {
    await this.call('/crdt/add', data, RESULT_DATA.ack, { operation, idempotent: true }, options);
  }

  /** `POST /v2/crdt/get`: the data of one editor (`editorId`), or of every editor of the document. A read, so retried. */
  async getCrdt(data: { organizationId: string; documentId: string; editorId?: string }, operation: string, options?: VeltCallOptions): Promise<VeltCrdtEntry[]> {
    return (await this.call('/crdt/get', data, RESULT_DATA.crdt, { operation, idempotent: true }, options)).data;
  }

  /** `POST /v2/crdt/update`: replaces an existing editor's data (an absolute write, so retried). */
  async updateCrdt(data: VeltCrdtWrite, operation: string, options?: VeltCallOptions): Promise<void> {
    await this.call('/crdt/update', data, RESULT_DATA.ack, { operation, idempotent: true }, options);
  }

  // ------------------------------------------------------------------ auth (§11)

  /** `POST /v2/auth/generate_token` (§11.1): a user JWT for the front-end SDK (48 h). */
  async generateToken(
    data: { userId: string; userProperties: { name: string; email: string; isAdmin?: boolean }; permissions: { resources: VeltResource[] } },
    operation: string,
    options?: VeltCallOptions,
  ): Promise<string> {
    return (await this.call('/auth/generate_token', data, RESULT_DATA.token, { operation, idempotent: true }, options)).data.token;
  }

  // ------------------------------------------------------------------ advanced webhook endpoints (§12.3)

  /** `POST /v2/workspace/advancedwebhook/endpoints/create`. The signing secret is server-generated and not in the answer. */
  async createWebhookEndpoint(
    data: { url: string; description?: string; filterTypes?: string[]; metadata?: Record<string, string> },
    operation: string,
    options?: VeltCallOptions,
  ): Promise<VeltWebhookEndpoint> {
    return (await this.call('/workspace/advancedwebhook/endpoints/create', data, RESULT_DATA.endpoint, { operation, idempotent: false }, options)).data;
  }

  /** `POST /v2/workspace/advancedwebhook/endpoints/get`: one page (pass `iterator` while `done` is false). */
  async getWebhookEndpoints(
    data: { limit?: number; iterator?: string },
    operation: string,
    options?: VeltCallOptions,
  ): Promise<{ endpoints: VeltWebhookEndpoint[]; iterator: string | null; done: boolean }> {
    const out = (await this.call('/workspace/advancedwebhook/endpoints/get', data, RESULT_DATA.endpoints, { operation, idempotent: true }, options)).data;
    return { endpoints: out.endpoints, iterator: out.iterator ?? null, done: out.done ?? !out.iterator };
  }

  /** Every advanced webhook endpoint, following `iterator` (250 per page, the documented maximum). */
  async listWebhookEndpoints(operation: string, options?: VeltCallOptions): Promise<VeltWebhookEndpoint[]> {
    const out: VeltWebhookEndpoint[] = [];
    let iterator: string | undefined;
    for (;;) {
      const page = await this.getWebhookEndpoints({ limit: 250, ...(iterator ? { iterator } : {}) }, operation, options);
      out.push(...page.endpoints);
      if (page.done || !page.iterator) return out;
      iterator = page.iterator;
    }
  }

  /** `POST /v2/workspace/advancedwebhook/endpoints/delete`. Unknown id answers `NOT_FOUND`. */
  async deleteWebhookEndpoint(data: { endpointId: string }, operation: string, options?: VeltCallOptions): Promise<void> {
    await this.call('/workspace/advancedwebhook/endpoints/delete', data, RESULT_DATA.endpointDeleted, { operation, idempotent: false }, options);
  }

  /** `POST /v2/workspace/advancedwebhook/endpoints/secret/get`: the endpoint's `whsec_...` signing secret (registered for redaction). */
  async getWebhookEndpointSecret(data: { endpointId: string }, operation: string, options?: VeltCallOptions): Promise<string> {
    const secret = (await this.call('/workspace/advancedwebhook/endpoints/secret/get', data, RESULT_DATA.endpointSecret, { operation, idempotent: true }, options)).data.secret;
    registerSecret(secret);
    return secret;
  }
}
