/**
 * `createVeltDataProviderHandler`: a web-standard `(Request) => Promise<Response>` serving the
 * URL-mode endpoints of Velt's front-end data providers (comments, reactions, attachments, users,
 * notifications) from your own store. Routes are matched on the last two path segments, so it works
 * under any mount point (`/api/velt/comments/get`, `/comments/get`, ...).
 */
import { nodeCrypto } from '../../../core/node-crypto.js';
import type { z } from 'zod';
import { ConfigError } from '../../../core/errors.js';
import type { VeltBlobStore } from './blobs.js';
import {
  DeleteAttachmentSchema,
  DeleteCommentSchema,
  DeleteNotificationSchema,
  DeleteReactionSchema,
  describeIssues,
  GetCommentsSchema,
  GetNotificationsSchema,
  GetReactionsSchema,
  GetUsersSchema,
  SaveAttachmentPartSchema,
  SaveCommentsSchema,
  SaveReactionsSchema,
} from './schemas.js';
import { createMemoryVeltContentStore, type VeltAnnotationQuery, type VeltAttachmentRecord, type VeltContentStore } from './store.js';
import type { VeltDataProviderErrorCode, VeltPartialCommentAnnotation, VeltPartialReactionAnnotation, VeltResolverErrorResponse, VeltResolverResponse } from './types.js';

/** One route of the handler: `POST <mount>/<resource>/<operation>`. */
export interface VeltDataProviderRoute {
  /** `/comments/get`, ... (append to your mount point). */
  path: `/${string}/${string}`;
  resource: 'comments' | 'reactions' | 'attachments' | 'users' | 'notifications';
  operation: 'get' | 'save' | 'delete';
  /** Always `POST`. */
  method: 'POST';
  /** The body Velt sends: JSON, or multipart (`file` + `request`) for `attachments/save`. */
  body: 'json' | 'multipart';
  /** The Velt front-end config key to set the URL on, e.g. `comment.config.getConfig.url`. */
  veltConfig: string;
}

function route(resource: VeltDataProviderRoute['resource'], operation: VeltDataProviderRoute['operation'], provider: string): VeltDataProviderRoute {
  return {
    path: `/${resource}/${operation}`,
    resource,
    operation,
    method: 'POST',
    body: resource === 'attachments' && operation === 'save' ? 'multipart' : 'json',
    veltConfig: `${provider}.config.${operation}Config.url`,
  };
}

/** Every route the handler serves (for frameworks that register routes one by one). */
export const VELT_DATA_PROVIDER_ROUTES: readonly VeltDataProviderRoute[] = Object.freeze([
  route('comments', 'get', 'comment'),
  route('comments', 'save', 'comment'),
  route('comments', 'delete', 'comment'),
  route('reactions', 'get', 'reaction'),
  route('reactions', 'save', 'reaction'),
  route('reactions', 'delete', 'reaction'),
  route('attachments', 'save', 'attachment'),
  route('attachments', 'delete', 'attachment'),
  route('users', 'get', 'user'),
  route('notifications', 'get', 'notification'),
  route('notifications', 'delete', 'notification'),
]);

/** What `authorize` is asked about. */
export interface VeltAuthorizeContext {
  /** The organization the call reads or writes (your own id, as Velt sends it). */
  organizationId: string;
  /**
   * The documents the request names (`documentIds`, or `metadata.documentId`); empty when it names
   * none (a read by annotation ids, a delete without a document): the call then spans the organization.
   */
  documentIds: string[];
  /** The route, e.g. `comments/get`. */
  route: string;
  /** The validated body (for attachments, the `request` part). */
  body: unknown;
}

/** Options of `createVeltDataProviderHandler`. */
export interface VeltDataProviderHandlerOptions {
  /** Where content is stored; defaults to a new `createMemoryVeltContentStore()`. */
  store?: VeltContentStore;
  /** Where attachment bytes go; without it the `attachments/*` routes answer 404. */
  blobs?: VeltBlobStore;
  /**
   * Required. Resolves `true` to let the caller read or write `organizationId` (and `documentIds`);
   * anything else is a 403 `FORBIDDEN`. Authenticate the request here (a Bearer token Velt's front end
   * sends through `headers`, or a cookie with `credentials: 'include'`): Velt does not sign these calls.
   */
  authorize: (request: Request, context: VeltAuthorizeContext) => boolean | Promise<boolean>;
  /** Browser origins allowed to call (exact `scheme://host[:port]`), and whether cookies are allowed. */
  cors?: { origins: string[]; credentials?: boolean };
  /** The largest JSON body accepted (default 1 MiB); larger is a 413. */
  maxBodyBytes?: number;
  /** The largest multipart attachment body accepted (default 25 MiB); larger is a 413. */
  maxAttachmentBytes?: number;
  /** Called with failures answered as 500 `INTERNAL_ERROR` (log them: the caller gets no details). */
  onError?: (error: unknown, context: { route: string }) => void;
}

/** A data-provider handler: a web-standard fetch handler. */
export type VeltDataProviderHandler = (request: Request) => Promise<Response>;

class HttpFailure extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorCode: VeltDataProviderErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const invalid = (message: string): HttpFailure => new HttpFailure(400, 'INVALID_INPUT', message);

const DEFAULT_MAX_BODY = 1024 * 1024;
const DEFAULT_MAX_ATTACHMENT = 25 * 1024 * 1024;

/** Reads a body, failing with 413 as soon as it passes `limit` bytes (before buffering more). */
async function readLimited(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw new HttpFailure(413, 'PAYLOAD_TOO_LARGE', `the body is larger than ${limit} bytes`);
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new HttpFailure(413, 'PAYLOAD_TOO_LARGE', `the body is larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalid('the body is not valid JSON');
  }
}

function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid('the body must be a JSON object');
  const result = schema.safeParse(value);
  if (!result.success) throw invalid(`invalid request: ${describeIssues(result.error)}`);
  return result.data;
}

function requireOrganization(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw invalid(`${field} is required`);
  return value;
}

function envelope(statusCode: number, body: VeltResolverResponse<unknown> | VeltResolverErrorResponse, headers: Headers): Response {
  headers.set('content-type', 'application/json; charset=utf-8');
  headers.set('cache-control', 'no-store');
  return new Response(JSON.stringify(body), { status: statusCode, headers });
}

const ok = (data?: unknown): VeltResolverResponse<unknown> => (data === undefined ? { success: true, statusCode: 200 } : { success: true, statusCode: 200, data });

/** A safe file extension from a name (`photo.PNG` -> `.png`), or none. */
function extensionOf(name: string | undefined): string {
  const match = /\.([A-Za-z0-9]{1,10})$/.exec(name ?? '');
  return match?.[1] ? `.${match[1].toLowerCase()}` : '';
}

/**
 * Creates the handler. Every response is the envelope `{ success, statusCode, data? }` (failures add
 * `error` and `errorCode`) with the HTTP status equal to `statusCode`.
 *
 * @throws ConfigError without `authorize` (there is no default that lets everyone in), or with a bad `cors`.
 */
export function createVeltDataProviderHandler(options: VeltDataProviderHandlerOptions): VeltDataProviderHandler {
  if (typeof options?.authorize !== 'function') {
    throw new ConfigError('authorize is required: a function (request, { organizationId, documentIds }) resolving true to allow the call', { field: 'authorize' });
  }
  const origins = new Set<string>();
  if (options.cors !== undefined) {
    if (!Array.isArray(options.cors.origins)) throw new ConfigError('cors.origins must be an array of origins', { field: 'cors.origins' });
    for (const origin of options.cors.origins) {
      let parsed: URL;
      try {
        parsed = new URL(origin);
      } catch {
        throw new ConfigError(`cors.origins has an invalid origin: ${String(origin)}`, { field: 'cors.origins' });
      }
      if (parsed.origin !== origin) throw new ConfigError(`cors.origins must hold bare origins (scheme://host[:port]), got ${origin}`, { field: 'cors.origins' });
      origins.add(origin);
    }
  }
  const credentials = options.cors?.credentials === true;
  const store = options.store ?? createMemoryVeltContentStore();
  const blobs = options.blobs;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const maxAttachment = options.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT;
  const authorize = options.authorize;

  /** CORS headers for an allowed origin; `null` when the origin is refused. */
  function corsHeaders(request: Request): Headers | null {
    const headers = new Headers({ vary: 'Origin' });
    const origin = request.headers.get('origin');
    if (origin === null) return headers;
    if (origins.has(origin)) {
      headers.set('access-control-allow-origin', origin);
      if (credentials) headers.set('access-control-allow-credentials', 'true');
      return headers;
    }
    // A same-origin browser call also carries Origin; it needs no CORS headers.
    let own: string | undefined;
    try {
      own = new URL(request.url).origin;
    } catch {
      own = undefined;
    }
    return origin === own ? headers : null;
  }

  async function check(request: Request, routeName: string, organizationId: string, documentIds: (string | null | undefined)[], body: unknown): Promise<void> {
    const context: VeltAuthorizeContext = {
      organizationId,
      documentIds: [...new Set(documentIds.filter((d): d is string => typeof d === 'string' && d !== ''))],
      route: routeName,
      body,
    };
    if ((await authorize(request, context)) !== true) throw new HttpFailure(403, 'FORBIDDEN', 'not allowed');
  }

  async function json(request: Request): Promise<unknown> {
    const type = request.headers.get('content-type') ?? '';
    if (type !== '' && !/^application\/json\b/i.test(type) && !/^text\/plain\b/i.test(type)) {
      throw new HttpFailure(415, 'UNSUPPORTED_MEDIA_TYPE', 'send application/json');
    }
    const bytes = await readLimited(request, maxBody);
    return parseJson(new TextDecoder().decode(bytes));
  }

  function annotationQuery(body: { documentIds?: string[] | undefined; folderId?: string | undefined; allDocuments?: boolean | undefined }, annotationIds: string[] | undefined): VeltAnnotationQuery {
    const query: VeltAnnotationQuery = {};
    // As velt-py: an empty list is no filter. Unlike velt-py, the given filters are ANDed (the docs' example).
    if (annotationIds !== undefined && annotationIds.length > 0) query.annotationIds = annotationIds;
    if (body.documentIds !== undefined && body.documentIds.length > 0) query.documentIds = body.documentIds;
    else if (body.allDocuments === true && body.folderId) query.folderId = body.folderId;
    return query;
  }

  /** Scope fields of the request's `metadata`, copied into each record (as velt-py). */
  function scoped<T extends { annotationId: string; metadata?: unknown }>(key: string, record: Record<string, unknown>, metadata: Record<string, unknown>, organizationId: string): T {
    if (record.annotationId !== undefined && record.annotationId !== key) throw invalid(`annotationId of ${key} does not match its key`);
    const own = record.metadata && typeof record.metadata === 'object' ? (record.metadata as Record<string, unknown>) : {};
    const merged: Record<string, unknown> = { ...own };
    for (const field of ['apiKey', 'documentId', 'folderId'] as const) {
      const value = metadata[field];
      if (typeof value === 'string' && value !== '') merged[field] = value;
    }
    merged.organizationId = organizationId;
    return { ...record, annotationId: key, metadata: merged } as unknown as T;
  }

  async function handle(request: Request, routeName: string): Promise<VeltResolverResponse<unknown>> {
    switch (routeName) {
      case 'comments/get':
      case 'reactions/get': {
        const comments = routeName === 'comments/get';
        const body = validate(comments ? GetCommentsSchema : GetReactionsSchema, await json(request)) as z.output<typeof GetCommentsSchema> & z.output<typeof GetReactionsSchema>;
        const organizationId = requireOrganization(body.organizationId, 'organizationId');
        await check(request, routeName, organizationId, body.documentIds ?? [], body);
        const query = annotationQuery(body, comments ? body.commentAnnotationIds : body.reactionAnnotationIds);
        return ok(await (comments ? store.comments : store.reactions).get(organizationId, query));
      }
      case 'comments/save': {
        const body = validate(SaveCommentsSchema, await json(request));
        const metadata = body.metadata ?? {};
        const organizationId = requireOrganization(metadata.organizationId, 'metadata.organizationId');
        const entries = Object.entries(body.commentAnnotation);
        if (entries.length === 0) throw invalid('commentAnnotation is empty');
        const records = entries.map(([key, record]) => scoped<VeltPartialCommentAnnotation>(key, record, metadata, organizationId));
        await check(request, routeName, organizationId, [metadata.documentId, ...records.map((r) => r.metadata?.documentId as string | undefined)], body);
        await store.comments.upsert(organizationId, records);
        return ok();
      }
      case 'reactions/save': {
        const body = validate(SaveReactionsSchema, await json(request));
        const metadata = body.metadata ?? {};
        const organizationId = requireOrganization(metadata.organizationId, 'metadata.organizationId');
        const entries = Object.entries(body.reactionAnnotation);
        if (entries.length === 0) throw invalid('reactionAnnotation is empty');
        const records = entries.map(([key, record]) => {
          const { user, ...rest } = record;
          // velt-py 0.1.12: the legacy `user` key is read as `from`.
          const normalised = rest.from === undefined && user !== undefined ? { ...rest, from: user } : rest;
          return scoped<VeltPartialReactionAnnotation>(key, normalised, metadata, organizationId);
        });
        await check(request, routeName, organizationId, [metadata.documentId, ...records.map((r) => r.metadata?.documentId as string | undefined)], body);
        await store.reactions.upsert(organizationId, records);
        return ok();
      }
      case 'comments/delete':
      case 'reactions/delete': {
        const comments = routeName === 'comments/delete';
        const body = comments ? validate(DeleteCommentSchema, await json(request)) : validate(DeleteReactionSchema, await json(request));
        const organizationId = requireOrganization(body.metadata?.organizationId, 'metadata.organizationId');
        await check(request, routeName, organizationId, [body.metadata?.documentId], body);
        const annotationId = comments ? (body as z.output<typeof DeleteCommentSchema>).commentAnnotationId : (body as z.output<typeof DeleteReactionSchema>).reactionAnnotationId;
        // A missing record is a success: Velt retries (and may revert) on a failure.
        await (comments ? store.comments : store.reactions).delete(organizationId, annotationId);
        return ok();
      }
      case 'attachments/save':
        return saveAttachment(request);
      case 'attachments/delete': {
        if (!blobs) throw new HttpFailure(404, 'NOT_FOUND', 'attachments are not served here');
        const body = validate(DeleteAttachmentSchema, await json(request));
        const organizationId = requireOrganization(body.metadata?.organizationId, 'metadata.organizationId');
        await check(request, routeName, organizationId, [body.metadata?.documentId], body);
        const removed = await store.attachments.delete(organizationId, body.attachmentId);
        if (removed) await blobs.delete(removed.blobKey);
        return ok();
      }
      case 'users/get': {
        const body = validate(GetUsersSchema, await json(request));
        const organizationId = requireOrganization(body.organizationId, 'organizationId');
        await check(request, routeName, organizationId, [], body);
        return ok(await store.users.get(organizationId, body.userIds));
      }
      case 'notifications/get': {
        const body = validate(GetNotificationsSchema, await json(request));
        const organizationId = requireOrganization(body.organizationId, 'organizationId');
        await check(request, routeName, organizationId, [], body);
        return ok(await store.notifications.get(organizationId, body.notificationIds));
      }
      case 'notifications/delete': {
        const body = validate(DeleteNotificationSchema, await json(request));
        const organizationId = requireOrganization(body.organizationId, 'organizationId');
        await check(request, routeName, organizationId, [], body);
        await store.notifications.delete(organizationId, body.notificationId);
        return ok();
      }
      default:
        throw new HttpFailure(404, 'NOT_FOUND', 'no such route');
    }
  }

  async function saveAttachment(request: Request): Promise<VeltResolverResponse<unknown>> {
    if (!blobs) throw new HttpFailure(404, 'NOT_FOUND', 'attachments are not served here');
    const type = request.headers.get('content-type') ?? '';
    if (!/^multipart\/form-data\b/i.test(type)) throw new HttpFailure(415, 'UNSUPPORTED_MEDIA_TYPE', 'send multipart/form-data with parts file and request');
    const bytes = await readLimited(request, maxAttachment);
    let form: FormData;
    try {
      form = await new Response(bytes, { headers: { 'content-type': type } }).formData();
    } catch {
      throw invalid('the body is not valid multipart/form-data');
    }
    const part = form.get('request');
    const file = form.get('file');
    if (typeof part !== 'string') throw invalid('the request part (JSON) is missing');
    if (file === null || typeof file === 'string') throw invalid('the file part is missing');
    const body = validate(SaveAttachmentPartSchema, parseJson(part));
    const metadata = body.metadata ?? body.attachment.metadata ?? undefined;
    const organizationId = requireOrganization(metadata?.organizationId, 'metadata.organizationId');
    await check(request, 'attachments/save', organizationId, [metadata?.documentId], body);
    const content = new Uint8Array(await file.arrayBuffer());
    const name = body.attachment.name ?? (file.name || undefined);
    const mimeType = body.attachment.mimeType ?? (file.type || undefined);
    const blobKey = `attachments/${nodeCrypto().randomUUID()}${extensionOf(name)}`;
    const { url } = await blobs.put(blobKey, content, mimeType ? { contentType: mimeType } : {});
    const record: VeltAttachmentRecord = {
      attachmentId: body.attachment.attachmentId,
      ...(name !== undefined ? { name } : {}),
      ...(mimeType !== undefined ? { mimeType } : {}),
      size: content.byteLength,
      url,
      blobKey,
      metadata: { ...(metadata ?? {}), organizationId },
    };
    let previous: VeltAttachmentRecord | undefined;
    try {
      previous = await store.attachments.upsert(organizationId, record);
    } catch (error) {
      await blobs.delete(blobKey).catch(() => {});
      throw error;
    }
    // A retried save replaces the record: the bytes of the one it replaced are no longer referenced.
    if (previous && previous.blobKey !== blobKey) await blobs.delete(previous.blobKey).catch(() => {});
    return ok({ url });
  }

  return async function veltDataProviderHandler(request: Request): Promise<Response> {
    const cors = corsHeaders(request);
    let routeName = '';
    try {
      const segments = new URL(request.url).pathname.split('/').filter(Boolean);
      routeName = segments.slice(-2).join('/');
    } catch {
      routeName = '';
    }
    if (cors === null) {
      return envelope(403, { success: false, statusCode: 403, error: 'origin not allowed', errorCode: 'FORBIDDEN' }, new Headers({ vary: 'Origin' }));
    }
    if (request.method === 'OPTIONS') {
      cors.set('access-control-allow-methods', 'POST, OPTIONS');
      const asked = request.headers.get('access-control-request-headers');
      cors.set('access-control-allow-headers', asked && /^[\w\-, ]*$/.test(asked) ? asked : 'content-type, authorization');
      cors.set('access-control-max-age', '600');
      cors.append('vary', 'Access-Control-Request-Headers');
      return new Response(null, { status: 204, headers: cors });
    }
    try {
      if (!VELT_DATA_PROVIDER_ROUTES.some((r) => r.path === `/${routeName}`)) throw new HttpFailure(404, 'NOT_FOUND', 'no such route');
      if (request.method !== 'POST') {
        cors.set('allow', 'POST, OPTIONS');
        throw new HttpFailure(405, 'METHOD_NOT_ALLOWED', 'use POST');
      }
      return envelope(200, await handle(request, routeName), cors);
    } catch (error) {
      if (error instanceof HttpFailure) {
        return envelope(error.statusCode, { success: false, statusCode: error.statusCode, error: error.message, errorCode: error.errorCode }, cors);
      }
      try {
        options.onError?.(error, { route: routeName });
      } catch {
        // a failing logger must not change the answer
      }
      return envelope(500, { success: false, statusCode: 500, error: 'internal error', errorCode: 'INTERNAL_ERROR' }, cors);
    }
  };
}
