/**
 * A raw-HTTP conformance probe for Velt: plain `fetch` to the documented v2 REST endpoints (all `POST`,
 * body `{ data }`, answer `{ result: { data } }`; docs/vendors/velt.md sections 1-12) with the workspace's
 * API key and auth token, never through unicollab's adapter or HTTP client. Used by the live-account run
 * (test/live/live.test.ts) and proved against the Velt emulator (velt-probe.test.ts).
 *
 * Members and their endpoints:
 * - rooms: `/organizations/documents/get` (a missing document is the documented HTTP 500 with a
 *   `not-found` item); metadata = the document's fields other than `documentName`, `disabled`,
 *   `accessType`, `id`, `folderId`;
 * - users: `/users/get`;
 * - threads: `/commentannotations/get` (resolved = a `terminal` status AND a resolver, section 7.2);
 * - comments and reactions: `/commentannotations/comments/get` (`commentText`, `reactionAnnotations`);
 * - notifications: `/notifications/get` (read state from `readByUserIds` / `isUnread`);
 * - webhook subscriptions: `/workspace/advancedwebhook/endpoints/get`;
 * - documents: `/crdt/get` (the editor's JSON data);
 * - tokens: the JWT's own claims (`userId`, `permissions.resources`), decoded with jose.
 * Velt has no REST read of presence or broadcasts, so those members are absent.
 */
import { decodeJwt } from 'jose';
import type { ConformanceProbe } from '../../../src/testing/types.js';
import { rawRequest } from './http.js';

export interface VeltProbeOptions {
  /** The API base URL without `/v2`, e.g. `https://api.velt.dev` (default) or an emulator URL. */
  baseUrl?: string;
  apiKey: string;
  authToken: string;
  /** The organization (tenant) the adapter under test writes to. */
  organizationId: string;
  /** Counts the adapter's requests (see `countingFetch`), for `requestCount`. */
  counter?: { n: number };
}

/** A Velt error answer (section 1.3). */
interface VeltError {
  status: number;
  code: string;
  message: string;
  details?: unknown;
}

/** True when the error says "that item does not exist" (a NOT_FOUND, or the documents 500 with a `not-found` item). */
function isMissing(err: VeltError): boolean {
  if (err.code === 'NOT_FOUND' || err.status === 404) return true;
  const details = err.details;
  const items = Array.isArray(details) ? details : details && typeof details === 'object' ? Object.values(details) : [];
  return items.some((i) => (i as { code?: string } | null)?.code === 'not-found');
}

const STRIPPED_DOCUMENT_FIELDS = new Set(['documentName', 'disabled', 'accessType', 'id', 'folderId', 'documentId']);

export function veltProbe(options: VeltProbeOptions): ConformanceProbe {
  const base = (options.baseUrl ?? 'https://api.velt.dev').replace(/\/+$/, '').replace(/\/v2$/, '');
  const org = options.organizationId;
  const headers = { 'x-velt-api-key': options.apiKey, 'x-velt-auth-token': options.authToken };

  /** One call: `{ ok: result }` or `{ error }`. */
  const call = async (path: string, data: Record<string, unknown>): Promise<{ result: any } | { error: VeltError }> => {
    const res = await rawRequest(`${base}/v2${path}`, { method: 'POST', headers, body: { data } });
    if (res.status === 200 && res.json?.result) return { result: res.json.result };
    const e = (res.json?.error ?? {}) as { status?: string; code?: string; message?: string; details?: unknown };
    return { error: { status: res.status, code: String(e.status ?? e.code ?? ''), message: String(e.message ?? JSON.stringify(res.json)), details: e.details } };
  };
  /** `result` of a call, `undefined` when the vendor says the item is missing; throws on anything else. */
  const read = async (path: string, data: Record<string, unknown>): Promise<any> => {
    const r = await call(path, data);
    if ('result' in r) return r.result;
    if (isMissing(r.error)) return undefined;
    throw new Error(`probe: POST /v2${path} answered ${r.error.status} ${r.error.code} ${r.error.message}`);
  };

  const document = async (id: string): Promise<Record<string, unknown> | undefined> => {
    const result = await read('/organizations/documents/get', { organizationId: org, documentIds: [id] });
    return (result?.data as Array<Record<string, unknown> | null> | undefined)?.find((d) => d?.id === id) ?? undefined;
  };
  const annotation = async (roomId: string, threadId: string): Promise<any> => {
    const result = await read('/commentannotations/get', { organizationId: org, documentId: roomId, annotationIds: [threadId] });
    return (result?.data as Array<{ annotationId: string } | null> | undefined)?.find((a) => a?.annotationId === threadId) ?? undefined;
  };
  const comment = async (roomId: string, threadId: string, commentId: string): Promise<any> => {
    // Velt comment ids are numbers (section 7.1); anything else cannot exist.
    if (!/^\d+$/.test(commentId)) return undefined;
    const result = await read('/commentannotations/comments/get', { organizationId: org, documentId: roomId, annotationId: threadId, commentIds: [Number(commentId)] });
    return (result?.data as Array<{ commentId: number } | null> | undefined)?.find((c) => c !== null && String(c.commentId) === commentId) ?? undefined;
  };
  const user = async (id: string): Promise<{ userId: string; name?: string; email?: string } | undefined> => {
    const result = await read('/users/get', { organizationId: org, userIds: [id] });
    const data = result?.data;
    return Array.isArray(data) ? data.find((u: { userId?: string } | null) => u?.userId === id) : undefined;
  };
  const notification = async (userId: string, id: string): Promise<any> => {
    const result = await read('/notifications/get', { organizationId: org, userId, notificationIds: [id] });
    return (result?.data as Array<{ id: string } | null> | undefined)?.find((n) => n?.id === id) ?? undefined;
  };

  const probe: ConformanceProbe = {
    roomExists: async (id) => (await document(id)) !== undefined,
    roomName: async (id) => {
      const name = (await document(id))?.documentName;
      return typeof name === 'string' ? name : undefined;
    },
    roomMetadata: async (id) => {
      const doc = await document(id);
      if (!doc) return undefined;
      return Object.fromEntries(Object.entries(doc).filter(([k]) => !STRIPPED_DOCUMENT_FIELDS.has(k)));
    },
    userExists: async (id) => (await user(id)) !== undefined,
    user: async (id) => {
      const u = await user(id);
      return u ? { name: u.name, email: u.email } : undefined;
    },
    threadExists: async (roomId, threadId) => (await annotation(roomId, threadId)) !== undefined,
    // Resolved in Velt means a terminal status and a resolver (section 7.2): the console shows who resolved it.
    threadResolved: async (roomId, threadId) => {
      const a = await annotation(roomId, threadId);
      if (!a) return undefined;
      return a.status?.type === 'terminal' && typeof a.resolvedByUserId === 'string' && a.resolvedByUserId !== '';
    },
    threadResolvedBy: async (roomId, threadId) => {
      const a = await annotation(roomId, threadId);
      return a?.status?.type === 'terminal' && typeof a.resolvedByUserId === 'string' ? a.resolvedByUserId : undefined;
    },
    // The server adds `context.access` and `context.accessFields` (section 7.1): not the caller's metadata.
    threadMetadata: async (roomId, threadId) => {
      const a = await annotation(roomId, threadId);
      if (!a) return undefined;
      const { access: _access, accessFields: _fields, ...metadata } = (a.context ?? {}) as Record<string, unknown>;
      return metadata;
    },
    commentText: async (roomId, threadId, commentId) => {
      const c = await comment(roomId, threadId, commentId);
      return typeof c?.commentText === 'string' ? c.commentText : typeof c?.commentHtml === 'string' ? c.commentHtml : undefined;
    },
    reactionUsers: async (roomId, threadId, commentId, emoji) => {
      const c = await comment(roomId, threadId, commentId);
      const reactions = (c?.reactionAnnotations ?? []) as Array<{ icon?: string; fromUsers?: Array<{ from?: { userId?: string } }> }>;
      return reactions
        .filter((r) => r.icon === emoji)
        .flatMap((r) => (r.fromUsers ?? []).map((f) => f.from?.userId))
        .filter((id): id is string => typeof id === 'string');
    },
    notificationIds: async (userId) => {
      const ids: string[] = [];
      let pageToken: string | undefined;
      do {
        const result = await read('/notifications/get', { organizationId: org, userId, pageSize: 1000, ...(pageToken ? { pageToken } : {}) });
        if (!result) return ids;
        ids.push(...((result.data ?? []) as Array<{ id: string }>).map((n) => n.id));
        // notifications/get answers its next page as `pageToken` (section 1.4); missing, null or "" ends the list.
        pageToken = typeof result.pageToken === 'string' && result.pageToken !== '' ? result.pageToken : undefined;
      } while (pageToken);
      return ids;
    },
    notificationRead: async (userId, id) => {
      const n = await notification(userId, id);
      if (!n) return undefined;
      if (Array.isArray(n.readByUserIds)) return (n.readByUserIds as string[]).includes(userId);
      if (typeof n.isUnread === 'boolean') return !n.isUnread;
      throw new Error('probe: notifications/get answered no read state (readByUserIds or isUnread)');
    },
    subscription: async (id) => {
      let iterator: string | null = null;
      do {
        const r = await call('/workspace/advancedwebhook/endpoints/get', { limit: 250, ...(iterator ? { iterator } : {}) });
        if ('error' in r) {
          // Advanced webhooks off (or not in the plan): no endpoint can exist.
          if (r.error.code === 'FAILED_PRECONDITION') return undefined;
          throw new Error(`probe: endpoints/get answered ${r.error.status} ${r.error.code} ${r.error.message}`);
        }
        const page = r.result.data as { endpoints: Array<{ id: string; url: string }>; iterator: string | null; done: boolean };
        const hit = page.endpoints.find((e) => e.id === id);
        if (hit) return { url: hit.url };
        iterator = page.done ? null : page.iterator;
      } while (iterator);
      return undefined;
    },
    // The editor's data as Velt stores it (the JSON form sent to /crdt/add|update); /crdt/get answers no type.
    documentValue: async (roomId, key) => {
      const result = await read('/crdt/get', { organizationId: org, documentId: roomId, editorId: key });
      const item = ((result?.data ?? []) as Array<{ id: string; data: unknown }>).find((e) => e.id === key);
      return item?.data;
    },
    // Velt signs the permissions into the JWT (section 11.1): decode its claims.
    tokenGrant: async (token) => {
      let claims: { userId?: string; permissions?: { resources?: Array<{ type: string; id: string; organizationId?: string; accessRole?: string }> } };
      try {
        claims = decodeJwt(token) as typeof claims;
      } catch {
        return undefined;
      }
      if (!claims.userId) return undefined;
      const rooms: Record<string, 'read' | 'write'> = {};
      for (const r of claims.permissions?.resources ?? []) {
        const key = r.type === 'organization' && r.id === org ? '*' : r.type === 'document' && r.organizationId === org ? r.id : `${r.type}:${r.id}`;
        rooms[key] = r.accessRole === 'editor' ? 'write' : 'read';
      }
      return { userId: claims.userId, rooms };
    },
  };
  if (options.counter) {
    const counter = options.counter;
    probe.requestCount = () => counter.n;
  }
  return probe;
}
