/**
 * A raw-HTTP conformance probe for Liveblocks: plain `fetch` to the documented REST v2 endpoints
 * (docs/vendors/liveblocks.md sections 3 and 4.2) with the secret key, never through unicollab's adapter
 * or HTTP client. Used by the live-account run (test/live/live.test.ts) and proved against the real
 * Liveblocks dev server and the Liveblocks emulator (liveblocks-probe.test.ts).
 *
 * Members and their endpoints:
 * - rooms: `GET /v2/rooms/{id}` (`roomExists`, `roomMetadata`, `roomName` from the adapter's documented
 *   `uc:name` metadata key: Liveblocks rooms have no name field);
 * - threads and comments: `GET /v2/rooms/{id}/threads/{tid}` and `.../comments/{cid}`;
 * - notifications: `GET /v2/users/{u}/inbox-notifications[/{id}]` (`readAt` null = unread);
 * - presence: `GET /v2/rooms/{id}/active-users`;
 * - documents: `GET /v2/rooms/{id}/ydoc-binary` loaded into a real `Y.Doc`;
 * - webhook subscriptions: the Management API `GET /v2/management/projects/{p}/webhooks/{id}` (only with
 *   a management token and project id);
 * - tokens: the access token's own claims (`uid`, `perms`), decoded with jose.
 * Liveblocks has no REST read of broadcasts, of who resolved a thread or of users, so those members are absent.
 */
import { decodeJwt } from 'jose';
import * as Y from 'yjs';
import type { ConformanceProbe } from '../../../src/testing/types.js';
import { rawBytes, rawRequest, type RawResponse } from './http.js';

export interface LiveblocksProbeOptions {
  /** The REST base URL, e.g. `https://api.liveblocks.io` (default) or a dev server / emulator URL. */
  baseUrl?: string;
  /** The project's secret key (`sk_...`). */
  secretKey: string;
  /** A Management API token and the project id, for `subscription`. */
  managementToken?: string;
  projectId?: string;
  /** The management API's base URL (default: `baseUrl`). */
  managementBaseUrl?: string;
  /** The Liveblocks organization the adapter is scoped to (`LIVEBLOCKS_ORGANIZATION_ID`), for notification listings. */
  organizationId?: string;
  /** Counts the adapter's requests (see `countingFetch`), for `requestCount`. */
  counter?: { n: number };
}

const enc = encodeURIComponent;

/** Plain words of a Liveblocks comment body (section 3.5), as `stringifyCommentBody` plain renders them. */
export function liveblocksBodyText(body: unknown): string | undefined {
  const content = (body as { content?: Array<{ children?: unknown[] }> } | undefined)?.content;
  if (!Array.isArray(content)) return undefined;
  return content
    .map((p) =>
      (p.children ?? [])
        .map((node) => {
          const n = node as { type?: string; text?: string; id?: string; url?: string };
          if (n.type === 'mention') return `@${n.id}`;
          if (n.type === 'link') return n.text ?? n.url ?? '';
          return n.text ?? '';
        })
        .join(''),
    )
    .join('\n');
}

export function liveblocksProbe(options: LiveblocksProbeOptions): ConformanceProbe {
  const base = (options.baseUrl ?? 'https://api.liveblocks.io').replace(/\/+$/, '');
  const auth = { Authorization: `Bearer ${options.secretKey}` };
  const get = (path: string) => rawRequest(`${base}${path}`, { method: 'GET', headers: auth });
  /** The JSON of a GET, `undefined` on 404; anything else but 200 means the probe cannot answer. */
  const read = async (path: string): Promise<any> => {
    const res: RawResponse = await get(path);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`probe: GET ${path} answered ${res.status} ${JSON.stringify(res.json)}`);
    return res.json;
  };
  const room = (id: string) => read(`/v2/rooms/${enc(id)}`) as Promise<{ id: string; metadata: Record<string, unknown> } | undefined>;
  const thread = (roomId: string, threadId: string) =>
    read(`/v2/rooms/${enc(roomId)}/threads/${enc(threadId)}`) as Promise<{ id: string; resolved?: boolean; metadata?: Record<string, unknown> } | undefined>;
  const comment = (roomId: string, threadId: string, commentId: string) =>
    read(`/v2/rooms/${enc(roomId)}/threads/${enc(threadId)}/comments/${enc(commentId)}`) as Promise<
      { id: string; body?: unknown; deletedAt?: string; reactions?: Array<{ emoji: string; users: Array<{ id: string }> }> } | undefined
    >;

  const probe: ConformanceProbe = {
    roomExists: async (id) => (await room(id)) !== undefined,
    roomMetadata: async (id) => (await room(id))?.metadata,
    roomName: async (id) => {
      const value = (await room(id))?.metadata?.['uc:name'];
      return typeof value === 'string' ? value : undefined;
    },
    threadExists: async (roomId, threadId) => (await thread(roomId, threadId)) !== undefined,
    threadResolved: async (roomId, threadId) => {
      const t = await thread(roomId, threadId);
      return t ? t.resolved === true : undefined;
    },
    threadMetadata: async (roomId, threadId) => (await thread(roomId, threadId))?.metadata,
    commentText: async (roomId, threadId, commentId) => {
      const c = await comment(roomId, threadId, commentId);
      return c && !c.deletedAt ? liveblocksBodyText(c.body) : undefined;
    },
    reactionUsers: async (roomId, threadId, commentId, emoji) => {
      const c = await comment(roomId, threadId, commentId);
      return (c?.reactions ?? []).filter((r) => r.emoji === emoji).flatMap((r) => r.users.map((u) => u.id));
    },
    notificationRead: async (userId, id) => {
      const n = (await read(`/v2/users/${enc(userId)}/inbox-notifications/${enc(id)}`)) as { readAt?: string | null } | undefined;
      return n ? n.readAt !== null && n.readAt !== undefined : undefined;
    },
    notificationIds: async (userId) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const q = new URLSearchParams({ limit: '50' });
        if (cursor) q.set('startingAfter', cursor);
        if (options.organizationId) q.set('organizationId', options.organizationId);
        const page = (await read(`/v2/users/${enc(userId)}/inbox-notifications?${q}`)) as { data: Array<{ id: string }>; nextCursor?: string | null } | Array<{ id: string }> | undefined;
        if (page === undefined) return ids;
        // The SDK reads `{ nextCursor, data }`; an older OAS documents a bare array (section 3.6).
        const items = Array.isArray(page) ? page : page.data;
        ids.push(...items.map((n) => n.id));
        cursor = Array.isArray(page) ? null : (page.nextCursor ?? null);
      } while (cursor);
      return ids;
    },
    presenceUserIds: async (roomId) => {
      const res = (await read(`/v2/rooms/${enc(roomId)}/active-users`)) as { data: Array<{ id: string | null }> } | undefined;
      return (res?.data ?? []).map((u) => u.id).filter((id): id is string => typeof id === 'string');
    },
    documentValue: async (roomId, key, type) => {
      const update = await rawBytes(`${base}/v2/rooms/${enc(roomId)}/ydoc-binary`, auth);
      if (update === undefined) return undefined;
      const doc = new Y.Doc();
      Y.applyUpdate(doc, update);
      if (!doc.share.has(key)) return undefined;
      if (type === 'text') return doc.getText(key).toString();
      if (type === 'xml') return doc.getXmlFragment(key).toString();
      return type === 'map' ? doc.getMap(key).toJSON() : doc.getArray(key).toJSON();
    },
    // The access token's own claims (section 4.2 prepareSession/authorize): `uid` and `perms` (pattern -> scopes).
    tokenGrant: async (token) => {
      let claims: { uid?: string; sub?: string; perms?: Record<string, string[]> };
      try {
        claims = decodeJwt(token) as typeof claims;
      } catch {
        return undefined;
      }
      const userId = claims.uid ?? claims.sub;
      if (!userId || !claims.perms) return undefined;
      const rooms: Record<string, 'read' | 'write'> = {};
      for (const [pattern, scopes] of Object.entries(claims.perms)) rooms[pattern] = scopes.includes('room:write') ? 'write' : 'read';
      return { userId, rooms };
    },
  };
  if (options.managementToken && options.projectId) {
    const mbase = (options.managementBaseUrl ?? base).replace(/\/+$/, '');
    const mauth = { Authorization: `Bearer ${options.managementToken}` };
    const projectId = options.projectId;
    probe.subscription = async (id) => {
      const path = `/v2/management/projects/${enc(projectId)}/webhooks/${enc(id)}`;
      const res = await rawRequest(`${mbase}${path}`, { method: 'GET', headers: mauth });
      if (res.status === 404) return undefined;
      if (res.status !== 200) throw new Error(`probe: GET ${path} answered ${res.status} ${JSON.stringify(res.json)}`);
      const hook = (res.json as { webhook?: { url: string } }).webhook ?? (res.json as { url: string });
      return { url: hook.url };
    };
  }
  if (options.counter) {
    const counter = options.counter;
    probe.requestCount = () => counter.n;
  }
  return probe;
}
