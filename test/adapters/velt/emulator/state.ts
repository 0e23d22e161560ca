/**
 * In-memory state of the Velt emulator, readable directly by conformance `probe`s.
 *
 * Maps are keyed with `veltKey(...)` (parts joined by U+001F) so ids may contain any
 * character; the accessor methods below hide that.
 */
import type { VeltErrorStatus } from './errors.js';
import { clone } from './util.js';

export const veltKey = (...parts: Array<string | number>): string => parts.join('\u001f');

export type VeltAccessType = 'public' | 'organizationPrivate' | 'restricted';
export type VeltAccessRole = 'viewer' | 'editor';

/** User object as stored/returned inside annotations, notifications, presence. */
export interface VeltUser {
  userId: string;
  name?: string;
  email?: string;
  [key: string]: unknown;
}

export interface VeltOrganizationRecord {
  organizationId: string;
  /** server-side 32-hex id returned as `id` in add/update/delete results (velt.md §3.1) */
  internalId: string;
  organizationName?: string;
  disabled: boolean;
  /** extra metadata fields sent on the organization object (echoed by get, velt.md §3.2) */
  extra: Record<string, unknown>;
  seq: number;
  createdAt: number;
}

export interface VeltFolderRecord {
  organizationId: string;
  folderId: string;
  folderName?: string;
  parentFolderId: string;
  accessType: VeltAccessType;
  seq: number;
  createdAt: number;
}

export interface VeltDocumentRecord {
  organizationId: string;
  documentId: string;
  /** 16-digit numeric string returned as `id` in add/update/delete results (velt.md §5.1) */
  internalId: string;
  documentName?: string;
  accessType: VeltAccessType;
  disabled: boolean;
  folderId?: string;
  extra: Record<string, unknown>;
  seq: number;
  createdAt: number;
}

export type VeltUserScope =
  | { kind: 'organization' }
  | { kind: 'document'; documentId: string }
  | { kind: 'folder'; folderId: string };

export interface VeltUserRecord {
  organizationId: string;
  scope: VeltUserScope;
  userId: string;
  internalId: string;
  name?: string;
  email?: string;
  photoUrl?: string;
  initial?: string;
  accessRole: VeltAccessRole;
  extra: Record<string, unknown>;
  seq: number;
}

export interface VeltUserGroupRecord {
  organizationId: string;
  groupId: string;
  groupName?: string;
  internalId: string;
  userIds: Set<string>;
}

export interface VeltStatus {
  id: string;
  name: string;
  type: 'default' | 'ongoing' | 'terminal';
  color?: string;
  lightColor?: string;
  svg?: string;
  iconUrl?: string;
}

export interface VeltReactionAnnotation {
  annotationId: string;
  type: 'reaction';
  /** Absent for a reaction whose icon is self-hosted (`isReactionResolverUsed`, velt-self-hosting.md §1.9). */
  icon?: string;
  isReactionResolverUsed?: boolean;
  commentAnnotationId: string;
  locationId?: number;
  location?: unknown;
  context: Record<string, unknown>;
  lastUpdated: number;
  fromUsers: Array<{ lastUpdated: number; from: VeltUser }>;
}

export interface VeltComment {
  commentId: number;
  type: 'text' | 'voice';
  /** edit state of the message (velt.md §7.1) */
  status: 'added' | 'updated';
  commentText?: string;
  commentHtml?: string;
  from: VeltUser;
  to: VeltUser[];
  taggedUserContacts: Array<{ userId: string; contact: VeltUser; text?: string }>;
  toOrganizationUserGroup: unknown[];
  attachments: unknown[];
  recorders: unknown[];
  customList: unknown[];
  reactionAnnotationIds: string[];
  reactionAnnotations: VeltReactionAnnotation[];
  isDraft: boolean;
  isCommentTextAvailable: boolean;
  isCommentResolverUsed?: boolean;
  context?: Record<string, unknown>;
  createdAt: number;
  /** ISO-8601 string on comments (velt.md §1.5) */
  lastUpdated: string;
  isEdited?: boolean;
  editedAt?: number;
  agent?: Record<string, unknown>;
  sourceType?: string;
}

export interface VeltCommentAnnotation {
  annotationId: string;
  annotationNumber: number;
  type: 'comment' | 'suggestion';
  commentType: string;
  sourceType: string;
  status: VeltStatus;
  priority?: Record<string, unknown>;
  assignedTo?: VeltUser;
  from: VeltUser;
  comments: VeltComment[];
  context: Record<string, unknown>;
  visibilityConfig: Record<string, unknown>;
  location?: Record<string, unknown>;
  locationId?: number;
  targetElement?: Record<string, unknown>;
  metadata: { apiKey: string; organizationId: string; documentId: string; [k: string]: unknown };
  subscribedUsers: Record<string, { user: { userId: string }; type: 'auto' | 'manual' }>;
  unsubscribedUsers: Record<string, unknown>;
  subscribedGroups: Record<string, unknown>;
  customList: unknown[];
  resolvedByUserId?: string;
  resolvedByUser?: VeltUser;
  statusUpdatedByUserId: string | null;
  /** deprecated flag, only maintained with `options.maintainDeprecatedResolvedFlag` */
  resolved?: boolean;
  hasDraftComments: boolean;
  createdAt: number;
  lastUpdated: number;
  involvedUserIds: string[];
  mentionedUserIds: string[];
  agent?: Record<string, unknown>;
  suggestion?: Record<string, unknown>;
  [extra: string]: unknown;
}

export interface VeltAnnotationRecord {
  organizationId: string;
  documentId: string;
  seq: number;
  /** users who "viewed" the thread (drives `unread` in count/get); seed with `markAnnotationViewed` */
  viewedByUserIds: Set<string>;
  annotation: VeltCommentAnnotation;
}

export interface VeltNotificationRecord {
  organizationId: string;
  documentId: string;
  id: string;
  seq: number;
  /** userIds the notification is delivered to (notifyUsers ∪ org users when notifyAll) */
  recipients: string[];
  readByUserIds: string[];
  persistReadForUsers?: boolean;
  locationId?: string;
  /** the wire object returned by /notifications/get (without read-state fields) */
  notification: Record<string, unknown> & { id: string; timestamp: number };
}

/** CRDT editor data of one editor of a document (`/v2/crdt/*`, docs/vendors/velt-crdt.md). */
export interface VeltCrdtRecord {
  organizationId: string;
  documentId: string;
  editorId: string;
  /** the `type` of the last add/update (never returned by `/crdt/get`) */
  type: 'text' | 'map' | 'array' | 'xml';
  /** the Yjs root type name inside the editor's doc (`contentKey`, default `content`) */
  contentKey: string;
  /** the JSON form as sent: a string (text, xml), an object (map) or an array (array) */
  data: unknown;
  /** ISO time of the last write */
  lastUpdate: string;
  /** GUESS: REST writes carry no user, so `null` */
  lastUpdatedBy: string | null;
  /** GUESS: REST writes carry no SDK session, so `null` */
  sessionId: string | null;
  seq: number;
}

export interface VeltPresenceRecord {
  userId: string;
  name?: string;
  email?: string;
  status?: 'online' | 'away' | 'offline';
  updatedAt: number;
  [k: string]: unknown;
}

export interface VeltBroadcastRecord {
  organizationId: string;
  documentId: string;
  liveStateDataId: string;
  data: unknown;
  merge: boolean;
  /** whether the request used the `{"data":{...}}` wrapper (velt.md §10.1 docs-bug) */
  wrapped: boolean;
  at: number;
}

export interface VeltPermissionResource {
  type: 'organization' | 'document' | 'folder';
  id: string;
  organizationId?: string;
  accessRole: VeltAccessRole;
  /** normalized to epoch ms (values < 1e12 treated as seconds, velt.md §11) */
  expiresAtMs?: number;
}

export interface VeltIssuedToken {
  userId: string;
  token: string;
  payload: Record<string, unknown>;
}

export interface VeltAdvancedEndpoint {
  id: string;
  url: string;
  description: string | null;
  filterTypes: string[] | null;
  channels: string[] | null;
  disabled: boolean;
  rateLimit: number | null;
  uid: string | null;
  metadata: Record<string, string> | null;
  createdAt: string;
  updatedAt: string;
  secret: string;
}

export interface VeltWebhookDelivery {
  target: 'basic' | 'advanced';
  url: string;
  endpointId?: string;
  headers: Record<string, string>;
  body: string;
  status?: number;
  error?: string;
}

export interface VeltWebhookEvent {
  /** advanced (V2) event name, e.g. `comment_annotation.add`, `comment.add` */
  event: string;
  /** basic (V1) actionType, e.g. `newlyAdded`, `added`, `statusChanged` */
  actionType: string;
  organizationId: string;
  documentId: string;
  payloadV1: Record<string, unknown>;
  payloadV2: Record<string, unknown>;
  deliveries: VeltWebhookDelivery[];
}

/** A forced failure for the next matching request (see `state.failNext`). */
export interface VeltFault {
  /** endpoint path without `/v2`, e.g. `/users/get`; omitted = any endpoint */
  path?: string;
  /** vendor error status to answer with (default INTERNAL); ignored for `kind` other than `error` */
  status?: VeltErrorStatus;
  message?: string;
  details?: unknown;
  /** override the HTTP status */
  httpStatus?: number;
  /** extra response headers, e.g. `{ 'retry-after': '1' }` */
  headers?: Record<string, string>;
  /** `error` (default): vendor envelope; `html`: an HTML 502 page; `reset`: destroy the socket; `truncated`: 200 with cut JSON */
  kind?: 'error' | 'html' | 'reset' | 'truncated';
  /** delay before answering (ms) */
  delayMs?: number;
  /** how many requests this fault applies to (default 1) */
  times?: number;
}

export class VeltEmulatorState {
  organizations = new Map<string, VeltOrganizationRecord>();
  folders = new Map<string, VeltFolderRecord>();
  documents = new Map<string, VeltDocumentRecord>();
  users = new Map<string, VeltUserRecord>();
  userGroups = new Map<string, VeltUserGroupRecord>();
  annotations = new Map<string, VeltAnnotationRecord>();
  notifications = new Map<string, VeltNotificationRecord>();
  /** per-user notification preferences (`/notifications/config/set`), key veltKey(org, userId, documentId|'') */
  notificationConfigs = new Map<string, Record<string, string>>();
  /** key veltKey(org, doc) -> userId -> presence */
  presence = new Map<string, Map<string, VeltPresenceRecord>>();
  /** key veltKey(org, doc, editorId) -> CRDT editor data (`/v2/crdt/*`) */
  crdt = new Map<string, VeltCrdtRecord>();
  /** key veltKey(org, doc, liveStateDataId) -> current live state */
  liveState = new Map<string, unknown>();
  broadcasts: VeltBroadcastRecord[] = [];
  /** userId -> veltKey(type, orgId|'', id) -> resource */
  permissions = new Map<string, Map<string, VeltPermissionResource>>();
  tokens: VeltIssuedToken[] = [];
  webhookConfig: { useWebhookService: boolean; webhookServiceConfig: Record<string, unknown> } = {
    useWebhookService: false,
    webhookServiceConfig: { authToken: '', rawNotificationUrl: '', processedNotificationUrl: '' },
  };
  advancedWebhookConfig: {
    configured: boolean;
    isEnabled: boolean;
    encryptData: boolean;
    encodeData: boolean;
    publicKey: string;
    enableDataProtection: boolean;
  } = { configured: false, isEnabled: false, encryptData: false, encodeData: false, publicKey: '', enableDataProtection: false };
  advancedEndpoints = new Map<string, VeltAdvancedEndpoint>();
  webhookEvents: VeltWebhookEvent[] = [];

  /** ids (org/doc/user/annotation/notification ids, or comment ids as strings) whose batch item fails */
  failItemIds = new Set<string>();
  /** queued whole-request faults, consumed in order by matching requests */
  faults: VeltFault[] = [];

  /** monotonically increasing sequence used for stable ordering and page tokens */
  seq = 0;
  annotationNumbers = new Map<string, number>();
  usedCommentIds = new Set<number>();

  nextSeq(): number {
    return ++this.seq;
  }

  /** Makes every batch item whose id is `id` fail (`success:false`) until `reset()`. Ids starting with `__fail__` always fail. */
  failItem(id: string | number): void {
    this.failItemIds.add(String(id));
  }

  shouldFailItem(id: string | number | undefined): boolean {
    if (id === undefined) return false;
    const s = String(id);
    return s.startsWith('__fail__') || this.failItemIds.has(s);
  }

  /** Queues a whole-request failure for the next request (matching `fault.path` when given). */
  failNext(fault: VeltFault = {}): void {
    this.faults.push({ times: 1, ...fault });
  }

  takeFault(path: string): VeltFault | undefined {
    const i = this.faults.findIndex((f) => f.path === undefined || f.path === path);
    if (i < 0) return undefined;
    const f = this.faults[i]!;
    const times = (f.times ?? 1) - 1;
    if (times <= 0) this.faults.splice(i, 1);
    else f.times = times;
    return f;
  }

  clear(): void {
    const fresh = new VeltEmulatorState();
    Object.assign(this, fresh);
  }

  // ------------------------------------------------------------------ probe accessors

  organization(organizationId: string): VeltOrganizationRecord | undefined {
    return this.organizations.get(organizationId);
  }

  document(organizationId: string, documentId: string): VeltDocumentRecord | undefined {
    return this.documents.get(veltKey(organizationId, documentId));
  }

  documentsOf(organizationId: string): VeltDocumentRecord[] {
    return [...this.documents.values()].filter((d) => d.organizationId === organizationId);
  }

  /** Org-level user by default; pass a scope for document/folder-level users. */
  user(organizationId: string, userId: string, scope: VeltUserScope = { kind: 'organization' }): VeltUserRecord | undefined {
    return this.users.get(userKey(organizationId, scope, userId));
  }

  usersOf(organizationId: string, scope?: VeltUserScope): VeltUserRecord[] {
    return [...this.users.values()].filter(
      (u) => u.organizationId === organizationId && (scope === undefined || scopeKey(u.scope) === scopeKey(scope)),
    );
  }

  annotation(organizationId: string, documentId: string, annotationId: string): VeltCommentAnnotation | undefined {
    return this.annotations.get(veltKey(organizationId, documentId, annotationId))?.annotation;
  }

  /** Annotation records, optionally of one document, in creation order. */
  annotationsOf(organizationId: string, documentId?: string): VeltAnnotationRecord[] {
    return [...this.annotations.values()]
      .filter((a) => a.organizationId === organizationId && (documentId === undefined || a.documentId === documentId))
      .sort((a, b) => a.seq - b.seq);
  }

  /** Finds an annotation by id alone (annotation ids are globally unique push-ids unless caller-supplied). */
  findAnnotation(annotationId: string): VeltAnnotationRecord | undefined {
    return [...this.annotations.values()].find((a) => a.annotation.annotationId === annotationId);
  }

  comment(organizationId: string, documentId: string, annotationId: string, commentId: number): VeltComment | undefined {
    return this.annotation(organizationId, documentId, annotationId)?.comments.find((c) => c.commentId === commentId);
  }

  notification(organizationId: string, id: string): VeltNotificationRecord | undefined {
    return this.notifications.get(veltKey(organizationId, id));
  }

  notificationsFor(organizationId: string, userId: string): VeltNotificationRecord[] {
    return [...this.notifications.values()]
      .filter((n) => n.organizationId === organizationId && n.recipients.includes(userId))
      .sort((a, b) => b.notification.timestamp - a.notification.timestamp || b.seq - a.seq);
  }

  presenceOf(organizationId: string, documentId: string): VeltPresenceRecord[] {
    return [...(this.presence.get(veltKey(organizationId, documentId))?.values() ?? [])].map((p) => clone(p));
  }

  /** The CRDT editor data of one editor (a copy), or undefined. */
  crdtOf(organizationId: string, documentId: string, editorId: string): VeltCrdtRecord | undefined {
    const rec = this.crdt.get(veltKey(organizationId, documentId, editorId));
    return rec ? clone(rec) : undefined;
  }

  /** Every editor's CRDT data of a document, in write order (copies). */
  crdtOfDocument(organizationId: string, documentId: string): VeltCrdtRecord[] {
    return [...this.crdt.values()]
      .filter((r) => r.organizationId === organizationId && r.documentId === documentId)
      .sort((a, b) => a.seq - b.seq)
      .map((r) => clone(r));
  }

  liveStateOf(organizationId: string, documentId: string, liveStateDataId: string): unknown {
    return this.liveState.get(veltKey(organizationId, documentId, liveStateDataId));
  }

  permissionsOf(userId: string): VeltPermissionResource[] {
    return [...(this.permissions.get(userId)?.values() ?? [])];
  }

  // ------------------------------------------------------------------ seeding helpers (things REST cannot do)

  /** Simulates the frontend SDK adding a reaction (no REST endpoint exists, velt.md §8). */
  addReaction(
    organizationId: string,
    documentId: string,
    annotationId: string,
    commentId: number,
    reaction: { icon: string; user: VeltUser; at?: number } | { icon?: undefined; reactionAnnotationId: string; user: VeltUser; at?: number },
  ): VeltReactionAnnotation {
    const ann = this.annotation(organizationId, documentId, annotationId);
    const comment = ann?.comments.find((c) => c.commentId === commentId);
    if (!ann || !comment) throw new Error(`No comment ${commentId} in annotation ${annotationId}`);
    const at = reaction.at ?? Date.now();
    // Self-hosted (no icon): Velt's browser SDK withholds the icon and keeps `from: { userId }` (§1.9).
    const selfHosted = reaction.icon === undefined ? reaction.reactionAnnotationId : undefined;
    let ra = comment.reactionAnnotations.find((r) => (selfHosted !== undefined ? r.annotationId === selfHosted : r.icon === reaction.icon));
    if (!ra) {
      ra = {
        annotationId: selfHosted ?? `-R${annotationId.slice(2)}${comment.reactionAnnotations.length}`,
        type: 'reaction',
        ...(reaction.icon !== undefined ? { icon: reaction.icon } : { isReactionResolverUsed: true }),
        commentAnnotationId: annotationId,
        ...(ann.locationId !== undefined ? { locationId: ann.locationId } : {}),
        ...(ann.location !== undefined ? { location: ann.location } : {}),
        context: { access: { default: 'velt' }, accessFields: ['default:velt'] },
        lastUpdated: at,
        fromUsers: [],
      };
      comment.reactionAnnotations.push(ra);
      comment.reactionAnnotationIds.push(ra.annotationId);
    }
    if (!ra.fromUsers.some((f) => f.from.userId === reaction.user.userId)) {
      ra.fromUsers.push({ lastUpdated: at, from: selfHosted !== undefined ? { userId: reaction.user.userId } : { ...reaction.user } });
    }
    ra.lastUpdated = at;
    return ra;
  }

  /** Simulates the frontend SDK removing a user's reaction. */
  removeReaction(organizationId: string, documentId: string, annotationId: string, commentId: number, icon: string, userId: string): void {
    const comment = this.comment(organizationId, documentId, annotationId, commentId);
    if (!comment) return;
    const ra = comment.reactionAnnotations.find((r) => r.icon === icon);
    if (!ra) return;
    ra.fromUsers = ra.fromUsers.filter((f) => f.from.userId !== userId);
    if (ra.fromUsers.length === 0) {
      comment.reactionAnnotations = comment.reactionAnnotations.filter((r) => r !== ra);
      comment.reactionAnnotationIds = comment.reactionAnnotationIds.filter((id) => id !== ra.annotationId);
    }
  }

  /** Simulates a user opening a thread in the UI (drives `unread` of count/get). */
  markAnnotationViewed(organizationId: string, documentId: string, annotationId: string, userId: string): void {
    this.annotations.get(veltKey(organizationId, documentId, annotationId))?.viewedByUserIds.add(userId);
  }
}

export function scopeKey(scope: VeltUserScope): string {
  return scope.kind === 'organization' ? 'org' : scope.kind === 'document' ? `doc:${scope.documentId}` : `folder:${scope.folderId}`;
}

export function userKey(organizationId: string, scope: VeltUserScope, userId: string): string {
  return veltKey(organizationId, scopeKey(scope), userId);
}
