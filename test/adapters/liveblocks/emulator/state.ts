/**
 * In-memory state of the Liveblocks emulator. Tests and conformance probes read it directly
 * (`emulator.state`), so everything here is plain data with `Date` timestamps.
 *
 * The maps are mutated in place (also by `reset()`), so a reference taken once stays valid.
 */

/** A comment body as Liveblocks stores it (`{ version: 1, content: paragraphs }`), see README "Comment bodies". */
export interface CommentBody {
  version: 1;
  content: Array<{ type: 'paragraph'; children: CommentBodyInline[] }>;
}

export type CommentBodyInline =
  | { text: string; bold?: boolean; italic?: boolean; strikethrough?: boolean; code?: boolean }
  | { type: 'mention'; kind?: 'user'; id: string }
  | { type: 'mention'; kind: 'group'; id: string; userIds?: string[] }
  | { type: 'link'; url: string; text?: string };

export type RoomMetadata = Record<string, string | string[]>;
export type ThreadMetadata = Record<string, string | number | boolean>;

export interface EmuRoom {
  id: string;
  organizationId: string;
  createdAt: Date;
  /** Creation sequence number (rooms list newest first; ties on `createdAt` are broken by it). */
  seq: number;
  metadata: RoomMetadata;
  defaultAccesses: string[];
  usersAccesses: Record<string, string[]>;
  groupsAccesses: Record<string, string[]>;
}

export interface EmuReaction {
  emoji: string;
  userId: string;
  createdAt: Date;
}

export interface EmuComment {
  id: string;
  threadId: string;
  roomId: string;
  userId: string;
  createdAt: Date;
  editedAt?: Date;
  /** Set when the comment was deleted; a deleted comment has no `body`. */
  deletedAt?: Date;
  body?: CommentBody;
  metadata: ThreadMetadata;
  /** One entry per (user, emoji), in the order they were added. */
  reactions: EmuReaction[];
  attachmentIds: string[];
}

export interface EmuThread {
  id: string;
  roomId: string;
  createdAt: Date;
  updatedAt: Date;
  resolved: boolean;
  metadata: ThreadMetadata;
  visibility: 'public' | 'private';
  /** All comments in creation order, soft-deleted ones included. */
  comments: EmuComment[];
  /** Thread subscriptions: userId -> subscribed at. Subscribers get `thread` inbox notifications. */
  subscriptions: Map<string, Date>;
}

export interface EmuNotificationActivity {
  id: string;
  createdAt: Date;
  data: Record<string, string | number | boolean>;
}

export interface EmuInboxNotification {
  id: string;
  /** Creation order (tie-break of the list order). */
  seq: number;
  userId: string;
  /** `thread`, `textMention` or a custom `$kind`. */
  kind: string;
  organizationId: string;
  roomId?: string;
  /** `thread` notifications. */
  threadId?: string;
  /** Custom (`$...`) notifications. */
  subjectId?: string;
  notifiedAt: Date;
  readAt: Date | null;
  /** `textMention` notifications. */
  createdBy?: string;
  mentionId?: string;
  mention?: { kind: 'user'; id: string };
  /** Custom (`$...`) notifications. */
  activities?: EmuNotificationActivity[];
}

export interface EmuPresence {
  roomId: string;
  userId: string;
  connectionId: number;
  data: Record<string, unknown>;
  userInfo?: Record<string, unknown>;
  ttlSeconds: number;
  setAt: Date;
  expiresAt: Date;
}

export interface EmuBroadcast {
  roomId: string;
  /** The path used (`broadcast-event` or `broadcast_event`). */
  path: string;
  payload: unknown;
  receivedAt: Date;
}

export interface EmuWebhook {
  id: string;
  projectId: string;
  url: string;
  subscribedEvents: string[];
  /** Current signing secret (`whsec_...`). */
  secret: string;
  /** Rolled secrets; still used to sign deliveries until `expiresAt` (24 h per the reference). */
  previousSecrets: Array<{ value: string; expiresAt: Date }>;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
  rateLimit?: number;
  additionalHeaders: Record<string, string>;
  storageUpdatedThrottleSeconds: number;
  yDocUpdatedThrottleSeconds: number;
}

export interface EmuWebhookDelivery {
  webhookId: string;
  /** `webhook-id` header (`msg_...`). */
  messageId: string;
  url: string;
  type: string;
  payload: { type: string; data: Record<string, unknown> };
  /** Exact bytes sent (the signed content). */
  rawBody: string;
  headers: Record<string, string>;
  sentAt: Date;
  /** HTTP status answered by the receiver, once known. */
  status?: number;
  /** Network error, once known. */
  error?: string;
}

/** One HTTP request received by the emulator (the Authorization header is redacted). */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, still percent-encoded as received. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names; `authorization` is `REDACTED` (or absent). */
  headers: Record<string, string>;
  /** Parsed JSON body; the raw string when it is not JSON; `undefined` when empty. */
  body: unknown;
  /** Status the emulator answered. */
  status: number;
  receivedAt: Date;
}

export class LiveblocksEmulatorState {
  readonly rooms = new Map<string, EmuRoom>();
  /** roomId -> threadId -> thread. */
  readonly threads = new Map<string, Map<string, EmuThread>>();
  /** userId -> notifications (insertion order; use `notificationsOf` for API order). */
  readonly inboxNotifications = new Map<string, EmuInboxNotification[]>();
  /** roomId -> userId -> presence set through `POST /v2/rooms/{roomId}/presence` (expired entries included until read). */
  readonly presence = new Map<string, Map<string, EmuPresence>>();
  readonly broadcasts: EmuBroadcast[] = [];
  /** webhookId -> management webhook. */
  readonly webhooks = new Map<string, EmuWebhook>();
  readonly webhookDeliveries: EmuWebhookDelivery[] = [];

  /** @internal counters */
  roomSeq = 0;
  connectionSeq = 0;
  notificationSeq = 0;

  constructor(private readonly clock: () => Date) {}

  room(roomId: string): EmuRoom | undefined {
    return this.rooms.get(roomId);
  }

  /** Threads of a room in creation order. */
  threadsOf(roomId: string): EmuThread[] {
    return [...(this.threads.get(roomId)?.values() ?? [])];
  }

  thread(roomId: string, threadId: string): EmuThread | undefined {
    return this.threads.get(roomId)?.get(threadId);
  }

  /** A comment, soft-deleted ones included (check `deletedAt`). */
  comment(roomId: string, threadId: string, commentId: string): EmuComment | undefined {
    return this.thread(roomId, threadId)?.comments.find((c) => c.id === commentId);
  }

  /** A user's notifications, newest `notifiedAt` first (the order the list endpoint uses). */
  notificationsOf(userId: string): EmuInboxNotification[] {
    return sortNotifications(this.inboxNotifications.get(userId) ?? []);
  }

  /** A notification by id, whatever its user. */
  notification(inboxNotificationId: string): EmuInboxNotification | undefined {
    for (const list of this.inboxNotifications.values()) {
      const found = list.find((n) => n.id === inboxNotificationId);
      if (found) return found;
    }
    return undefined;
  }

  /** Liveblocks' unread rule: never read, or read before the last activity. */
  isUnread(n: EmuInboxNotification): boolean {
    return n.readAt === null || n.readAt.getTime() < n.notifiedAt.getTime();
  }

  /** Presence entries of a room that have not expired at the emulator's `now`. */
  activePresence(roomId: string): EmuPresence[] {
    const now = this.clock().getTime();
    return [...(this.presence.get(roomId)?.values() ?? [])].filter((p) => p.expiresAt.getTime() > now);
  }

  /** Broadcasts received for one room, in order. */
  broadcastsOf(roomId: string): unknown[] {
    return this.broadcasts.filter((b) => b.roomId === roomId).map((b) => b.payload);
  }

  clear(): void {
    this.rooms.clear();
    this.threads.clear();
    this.inboxNotifications.clear();
    this.presence.clear();
    this.broadcasts.length = 0;
    this.webhooks.clear();
    this.webhookDeliveries.length = 0;
    this.roomSeq = 0;
    this.connectionSeq = 0;
    this.notificationSeq = 0;
  }
}

export function sortNotifications(list: EmuInboxNotification[]): EmuInboxNotification[] {
  return [...list].sort(
    (a, b) => b.notifiedAt.getTime() - a.notifiedAt.getTime() || b.seq - a.seq,
  );
}
