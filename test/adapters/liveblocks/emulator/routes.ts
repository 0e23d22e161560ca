/**
 * Route handlers of the Liveblocks emulator. Section numbers (§) refer to ../../../../shared/vendors/liveblocks.md;
 * README.md lists every route with the source of each behaviour and what is a guess.
 */
import {
  decodeCursor,
  encodeCursor,
  errors,
  HttpError,
  newId,
  parseDate,
  parseLimit,
  type Reply,
  type RequestContext,
  type Router,
  validate,
} from './http.js';
import { compare, parseQuery, type QueryClause } from './query.js';
import {
  addReactionBody,
  createCommentFields,
  createRoomBody,
  createThreadBody,
  createWebhookBody,
  editCommentBody,
  editMetadataBody,
  removeReactionBody,
  setPresenceBody,
  triggerBody,
  updateRoomBody,
  updateWebhookBody,
  upsertRoomBody,
  userIdBody,
} from './schemas.js';
import {
  sortNotifications,
  type CommentBody,
  type EmuComment,
  type EmuInboxNotification,
  type EmuRoom,
  type EmuThread,
  type LiveblocksEmulatorState,
  type ThreadMetadata,
} from './state.js';
import { newWebhookSecret, type WebhookDispatcher } from './webhooks-out.js';
import { commentToWire, notificationToWire, roomToWire, threadToWire, webhookToWire } from './wire.js';

export interface EmulatorContext {
  state: LiveblocksEmulatorState;
  now: () => Date;
  projectId: string;
  /** Kind of the inbox notification a user mentioned in a comment gets (default `thread`, see README). */
  commentMentionNotificationKind: 'thread' | 'textMention';
  webhooks: WebhookDispatcher;
}

const json = (body: unknown, status = 200): Reply => ({ status, body });
const noContent = (): Reply => ({ status: 204 });
const iso = (d: Date) => d.toISOString();

export function registerRoutes(router: Router, emu: EmulatorContext): void {
  const { state } = emu;
  const secret = (method: string, pattern: string, body: 'json' | 'none', handler: (ctx: RequestContext) => Reply) =>
    router.add({ method, pattern, auth: 'secret', body, handler });
  const management = (
    method: string,
    pattern: string,
    body: 'json' | 'none',
    handler: (ctx: RequestContext) => Reply,
  ) => router.add({ method, pattern, auth: 'management', body, handler });

  // ---------------------------------------------------------------- helpers

  const requireRoom = (roomId: string): EmuRoom => {
    const room = state.rooms.get(roomId);
    if (!room) throw errors.roomNotFound(roomId);
    return room;
  };
  const requireThread = (roomId: string, threadId: string): EmuThread => {
    requireRoom(roomId);
    const thread = state.thread(roomId, threadId);
    if (!thread) throw errors.notFound('Thread not found');
    return thread;
  };
  /** A live (not deleted) comment. */
  const requireComment = (roomId: string, threadId: string, commentId: string): [EmuThread, EmuComment] => {
    const thread = requireThread(roomId, threadId);
    const comment = thread.comments.find((c) => c.id === commentId);
    if (!comment || comment.deletedAt) throw errors.notFound('Comment not found');
    return [thread, comment];
  };
  const notificationsOf = (userId: string): EmuInboxNotification[] => {
    let list = state.inboxNotifications.get(userId);
    if (!list) {
      list = [];
      state.inboxNotifications.set(userId, list);
    }
    return list;
  };
  const removeNotifications = (pred: (n: EmuInboxNotification) => boolean) => {
    for (const [userId, list] of state.inboxNotifications) {
      state.inboxNotifications.set(
        userId,
        list.filter((n) => !pred(n)),
      );
    }
  };
  const newNotification = (n: Omit<EmuInboxNotification, 'seq'>): EmuInboxNotification => {
    const full = { ...n, seq: ++state.notificationSeq };
    notificationsOf(n.userId).push(full);
    return full;
  };
  const applyPatch = <V>(target: Record<string, V>, patch: Record<string, V | null>) => {
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete target[k];
      else target[k] = v;
    }
  };
  const parseClauses = (ctx: RequestContext): QueryClause[] => {
    const q = ctx.query.get('query');
    return q ? parseQuery(q) : [];
  };

  // ---------------------------------------------------------------- notifications engine

  /** User ids mentioned in a body: user mentions, plus `userIds` of group mentions (guess). */
  const mentionsIn = (body: CommentBody | undefined): Set<string> => {
    const ids = new Set<string>();
    for (const p of body?.content ?? []) {
      for (const node of p.children) {
        if ('type' in node && node.type === 'mention') {
          if (node.kind === 'group') for (const u of node.userIds ?? []) ids.add(u);
          else ids.add(node.id);
        }
      }
    }
    return ids;
  };

  const emitNotificationEvent = (n: EmuInboxNotification, now: Date) => {
    const common = {
      channel: 'email',
      kind: n.kind,
      roomId: n.roomId ?? null,
      userId: n.userId,
      inboxNotificationId: n.id,
      createdAt: iso(now),
      triggeredAt: iso(n.notifiedAt),
    };
    if (n.kind === 'thread') emu.webhooks.emit('notification', { ...common, threadId: n.threadId });
    else if (n.kind === 'textMention') emu.webhooks.emit('notification', { ...common, mentionId: n.mentionId });
    else emu.webhooks.emit('notification', { ...common, subjectId: n.subjectId });
  };

  /** One `thread` notification per (user, thread); new activity bumps `notifiedAt` (so it is unread again). */
  const upsertThreadNotification = (userId: string, thread: EmuThread, room: EmuRoom, now: Date) => {
    const existing = notificationsOf(userId).find(
      (n) => n.kind === 'thread' && n.roomId === thread.roomId && n.threadId === thread.id,
    );
    if (existing) {
      existing.notifiedAt = now;
      emitNotificationEvent(existing, now);
      return;
    }
    const created = newNotification({
      id: newId('in'),
      userId,
      kind: 'thread',
      organizationId: room.organizationId,
      roomId: thread.roomId,
      threadId: thread.id,
      notifiedAt: now,
      readAt: null,
    });
    emitNotificationEvent(created, now);
  };

  /**
   * A new comment by `authorId` (thread creation included): the author and mentioned users become
   * subscribers; every other subscriber gets (or has bumped) a `thread` notification. The author's own
   * thread notification is marked read (guess).
   */
  const notifyNewComment = (thread: EmuThread, room: EmuRoom, comment: EmuComment, now: Date) => {
    const mentioned = mentionsIn(comment.body);
    for (const u of [comment.userId, ...mentioned]) if (!thread.subscriptions.has(u)) thread.subscriptions.set(u, now);
    for (const userId of thread.subscriptions.keys()) {
      if (userId === comment.userId) {
        const own = notificationsOf(userId).find(
          (n) => n.kind === 'thread' && n.roomId === thread.roomId && n.threadId === thread.id,
        );
        if (own) own.readAt = now;
        continue;
      }
      if (mentioned.has(userId) && emu.commentMentionNotificationKind === 'textMention') {
        notifyTextMention(userId, comment, room, now);
        continue;
      }
      upsertThreadNotification(userId, thread, room, now);
    }
  };

  /** An edit that adds mentions notifies (and subscribes) only the newly mentioned users (guess). */
  const notifyNewMentions = (
    thread: EmuThread,
    room: EmuRoom,
    comment: EmuComment,
    before: Set<string>,
    now: Date,
  ) => {
    for (const userId of mentionsIn(comment.body)) {
      if (before.has(userId) || userId === comment.userId) continue;
      if (!thread.subscriptions.has(userId)) thread.subscriptions.set(userId, now);
      if (emu.commentMentionNotificationKind === 'textMention') notifyTextMention(userId, comment, room, now);
      else upsertThreadNotification(userId, thread, room, now);
    }
  };

  const notifyTextMention = (userId: string, comment: EmuComment, room: EmuRoom, now: Date) => {
    const created = newNotification({
      id: newId('in'),
      userId,
      kind: 'textMention',
      organizationId: room.organizationId,
      roomId: comment.roomId,
      notifiedAt: now,
      readAt: null,
      createdBy: comment.userId,
      mentionId: newId('tm'),
      mention: { kind: 'user', id: userId },
    });
    emitNotificationEvent(created, now);
  };

  // ---------------------------------------------------------------- rooms (§3.1)

  const roomMatches = (room: EmuRoom, ctx: RequestContext, clauses: QueryClause[]): boolean => {
    for (const c of clauses) {
      if (c.field === 'roomId' && c.key === undefined) {
        if (c.op !== ':' && c.op !== '^') throw errors.invalidQuery(`Operator ${c.op} is not supported on roomId`);
        if (!compare(room.id, c.op, c.value)) return false;
      } else if (c.field === 'metadata' && c.key !== undefined) {
        if (c.op !== ':' && c.op !== '^') throw errors.invalidQuery(`Operator ${c.op} is not supported on metadata`);
        const stored = room.metadata[c.key];
        const values = Array.isArray(stored) ? stored : stored === undefined ? [] : [stored];
        if (!values.some((v) => compare(v, c.op, c.value))) return false;
      } else {
        throw errors.invalidQuery(`Unknown field "${c.field}${c.key !== undefined ? `['${c.key}']` : ''}"`);
      }
    }
    // Legacy filters (REST seed): metadata.KEY=VALUE, AND-ed.
    for (const [k, v] of ctx.query) {
      if (!k.startsWith('metadata.')) continue;
      const stored = room.metadata[k.slice('metadata.'.length)];
      const values = Array.isArray(stored) ? stored : stored === undefined ? [] : [stored];
      if (!values.includes(v)) return false;
    }
    const organizationId = ctx.query.get('organizationId');
    if (organizationId !== null && room.organizationId !== organizationId) return false;
    // userId / groupIds: OR between them (REST seed + Python SDK README).
    const userId = ctx.query.get('userId');
    const groupIds = (ctx.query.get('groupIds') ?? '').split(',').filter(Boolean);
    if (userId !== null || groupIds.length > 0) {
      const byUser = userId !== null && userId in room.usersAccesses;
      const byGroup = groupIds.some((g) => g in room.groupsAccesses);
      if (!byUser && !byGroup) return false;
    }
    return true;
  };

  const isRoomCursor = (v: unknown): v is { t: number; s: number } =>
    typeof v === 'object' && v !== null && typeof (v as { t: unknown }).t === 'number' && typeof (v as { s: unknown }).s === 'number';

  secret('GET', '/v2/rooms', 'none', (ctx) => {
    const limit = parseLimit(ctx.query, 'limit', 1, 100, 20);
    const clauses = parseClauses(ctx);
    const after = ctx.query.get('startingAfter');
    const cursor = after ? decodeCursor(after, isRoomCursor) : undefined;
    // Newest first (REST seed "sorted by creation date, from newest to oldest"); ties by creation order.
    const sorted = [...state.rooms.values()]
      .filter((r) => roomMatches(r, ctx, clauses))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.seq - a.seq);
    const rest = cursor
      ? sorted.filter((r) => r.createdAt.getTime() < cursor.t || (r.createdAt.getTime() === cursor.t && r.seq < cursor.s))
      : sorted;
    const page = rest.slice(0, limit);
    const last = page[page.length - 1];
    const nextCursor = rest.length > limit && last ? encodeCursor({ t: last.createdAt.getTime(), s: last.seq }) : null;
    let nextPage: string | null = null;
    if (nextCursor) {
      const q = new URLSearchParams(ctx.query);
      q.set('startingAfter', nextCursor);
      nextPage = `/v2/rooms?${q.toString()}`;
    }
    return json({ nextCursor, nextPage, data: page.map(roomToWire) });
  });

  const createRoom = (id: string, body: Omit<ReturnType<typeof createRoomBody.parse>, 'id'>, now: Date): EmuRoom => {
    const room: EmuRoom = {
      id,
      organizationId: body.organizationId ?? 'default',
      createdAt: now,
      seq: ++state.roomSeq,
      metadata: { ...(body.metadata ?? {}) },
      defaultAccesses: [...body.defaultAccesses],
      usersAccesses: { ...(body.usersAccesses ?? {}) },
      groupsAccesses: { ...(body.groupsAccesses ?? {}) },
    };
    state.rooms.set(id, room);
    emu.webhooks.emit('roomCreated', { roomId: id, createdAt: iso(now) });
    return room;
  };

  secret('POST', '/v2/rooms', 'json', (ctx) => {
    const body = validate(createRoomBody, ctx.body);
    const existing = state.rooms.get(body.id);
    if (existing) {
      if (ctx.query.has('idempotent')) return json(roomToWire(existing));
      throw errors.roomAlreadyExists(body.id);
    }
    return json(roomToWire(createRoom(body.id, body, ctx.now)));
  });

  secret('GET', '/v2/rooms/:roomId', 'none', (ctx) => json(roomToWire(requireRoom(ctx.params.roomId!))));

  const updateRoom = (room: EmuRoom, patch: ReturnType<typeof updateRoomBody.parse>) => {
    if (patch.defaultAccesses !== undefined) room.defaultAccesses = patch.defaultAccesses ?? [];
    if (patch.metadata === null) room.metadata = {};
    else if (patch.metadata) applyPatch(room.metadata, patch.metadata);
    if (patch.usersAccesses === null) room.usersAccesses = {};
    else if (patch.usersAccesses) applyPatch(room.usersAccesses, patch.usersAccesses);
    if (patch.groupsAccesses === null) room.groupsAccesses = {};
    else if (patch.groupsAccesses) applyPatch(room.groupsAccesses, patch.groupsAccesses);
    if (Object.keys(room.metadata).length > 50) throw errors.unprocessable(`Value at key 'metadata': at most 50 entries.`);
  };

  secret('POST', '/v2/rooms/:roomId', 'json', (ctx) => {
    const patch = validate(updateRoomBody, ctx.body);
    const room = requireRoom(ctx.params.roomId!);
    updateRoom(room, patch);
    return json(roomToWire(room));
  });

  secret('DELETE', '/v2/rooms/:roomId', 'none', (ctx) => {
    const roomId = ctx.params.roomId!;
    requireRoom(roomId);
    state.rooms.delete(roomId);
    state.threads.delete(roomId);
    state.presence.delete(roomId);
    removeNotifications((n) => n.kind === 'thread' && n.roomId === roomId);
    emu.webhooks.emit('roomDeleted', { roomId, deletedAt: iso(ctx.now) });
    return noContent();
  });

  secret('POST', '/v2/rooms/:roomId/upsert', 'json', (ctx) => {
    const body = validate(upsertRoomBody, ctx.body);
    const roomId = ctx.params.roomId!;
    const existing = state.rooms.get(roomId);
    if (existing) {
      updateRoom(existing, body.update);
      return json(roomToWire(existing));
    }
    if (!body.create) throw errors.unprocessable(`Missing key: 'create'.`);
    const room = createRoom(roomId, body.create, ctx.now);
    updateRoom(room, body.update);
    return json(roomToWire(room));
  });

  secret('GET', '/v2/rooms/:roomId/prewarm', 'none', (ctx) => {
    requireRoom(ctx.params.roomId!);
    return noContent();
  });

  // ---------------------------------------------------------------- presence (§3.2, §4.2 setPresence)

  const activeUsers = (ctx: RequestContext): Reply => {
    const roomId = ctx.params.roomId!;
    requireRoom(roomId);
    const entries = state.presence.get(roomId);
    const now = ctx.now.getTime();
    if (entries) for (const [u, p] of entries) if (p.expiresAt.getTime() <= now) entries.delete(u);
    return json({
      data: [...(entries?.values() ?? [])].map((p) => ({
        type: 'user',
        connectionId: p.connectionId,
        id: p.userId,
        info: p.userInfo ?? {},
      })),
    });
  };
  secret('GET', '/v2/rooms/:roomId/active-users', 'none', activeUsers);
  secret('GET', '/v2/rooms/:roomId/active_users', 'none', activeUsers);

  secret('POST', '/v2/rooms/:roomId/presence', 'json', (ctx) => {
    const body = validate(setPresenceBody, ctx.body);
    const roomId = ctx.params.roomId!;
    requireRoom(roomId);
    let entries = state.presence.get(roomId);
    if (!entries) {
      entries = new Map();
      state.presence.set(roomId, entries);
    }
    const previous = entries.get(body.userId);
    const ttlSeconds = body.ttl ?? 60;
    const alive = previous && previous.expiresAt.getTime() > ctx.now.getTime();
    entries.set(body.userId, {
      roomId,
      userId: body.userId,
      connectionId: alive ? previous.connectionId : ++state.connectionSeq,
      data: body.data,
      ...(body.userInfo !== undefined ? { userInfo: body.userInfo } : {}),
      ttlSeconds,
      setAt: ctx.now,
      expiresAt: new Date(ctx.now.getTime() + ttlSeconds * 1000),
    });
    return noContent();
  });

  // ---------------------------------------------------------------- broadcast (§4.2 broadcastEvent)

  const broadcast = (path: string) => (ctx: RequestContext) => {
    const roomId = ctx.params.roomId!;
    requireRoom(roomId);
    if (Buffer.byteLength(ctx.rawBody) > 1024 * 1024) {
      throw errors.unprocessable('The broadcast message cannot be larger than 1 MB.');
    }
    state.broadcasts.push({ roomId, path, payload: ctx.body, receivedAt: ctx.now });
    return noContent();
  };
  secret('POST', '/v2/rooms/:roomId/broadcast-event', 'json', broadcast('broadcast-event'));
  secret('POST', '/v2/rooms/:roomId/broadcast_event', 'json', broadcast('broadcast_event'));

  // ---------------------------------------------------------------- threads (§3.3)

  const threadMatches = (t: EmuThread, clauses: QueryClause[]): boolean => {
    for (const c of clauses) {
      if (c.field === 'resolved' && c.key === undefined) {
        if (c.op !== ':' || typeof c.value !== 'boolean') throw errors.invalidQuery('resolved only supports resolved:true|false');
        if (t.resolved !== c.value) return false;
      } else if (c.field === 'visibility' && c.key === undefined) {
        if (c.op !== ':') throw errors.invalidQuery(`Operator ${c.op} is not supported on visibility`);
        if (t.visibility !== c.value) return false;
      } else if (c.field === 'metadata' && c.key !== undefined) {
        if (!compare(t.metadata[c.key], c.op, c.value)) return false;
      } else {
        throw errors.invalidQuery(`Unknown field "${c.field}${c.key !== undefined ? `['${c.key}']` : ''}"`);
      }
    }
    return true;
  };

  secret('GET', '/v2/rooms/:roomId/threads', 'none', (ctx) => {
    const roomId = ctx.params.roomId!;
    requireRoom(roomId);
    const clauses = parseClauses(ctx);
    // No pagination (§3.3).
    return json({ data: state.threadsOf(roomId).filter((t) => threadMatches(t, clauses)).map(threadToWire) });
  });

  const checkAttachments = (ids: string[] | undefined) => {
    // The emulator stores no attachments, so any attachment id is unknown (guess: 404).
    if (ids && ids.length > 0) throw errors.notFound('Attachment not found');
  };

  const newComment = (
    thread: { id: string; roomId: string },
    fields: { id?: string; userId: string; body: CommentBody; createdAt?: string; metadata?: ThreadMetadata; attachmentIds?: string[] },
    now: Date,
    key: string,
  ): EmuComment => ({
    id: fields.id ?? newId('cm'),
    threadId: thread.id,
    roomId: thread.roomId,
    userId: fields.userId,
    createdAt: parseDate(fields.createdAt, key, now),
    body: fields.body,
    metadata: { ...(fields.metadata ?? {}) },
    reactions: [],
    attachmentIds: fields.attachmentIds ?? [],
  });

  secret('POST', '/v2/rooms/:roomId/threads', 'json', (ctx) => {
    const body = validate(createThreadBody, ctx.body);
    const roomId = ctx.params.roomId!;
    const room = requireRoom(roomId);
    checkAttachments(body.comment.attachmentIds);
    const threadId = body.id ?? newId('th');
    if (state.thread(roomId, threadId)) throw errors.alreadyExists('Thread already exists');
    const comment = newComment({ id: threadId, roomId }, body.comment, ctx.now, 'comment.createdAt');
    const thread: EmuThread = {
      id: threadId,
      roomId,
      createdAt: comment.createdAt,
      updatedAt: comment.createdAt,
      resolved: false,
      metadata: { ...(body.metadata ?? {}) },
      visibility: body.visibility ?? 'public',
      comments: [comment],
      subscriptions: new Map(),
    };
    let roomThreads = state.threads.get(roomId);
    if (!roomThreads) {
      roomThreads = new Map();
      state.threads.set(roomId, roomThreads);
    }
    roomThreads.set(threadId, thread);
    emu.webhooks.emit('threadCreated', {
      roomId,
      threadId,
      createdAt: iso(thread.createdAt),
      createdBy: comment.userId,
    });
    notifyNewComment(thread, room, comment, ctx.now);
    return json(threadToWire(thread));
  });

  secret('GET', '/v2/rooms/:roomId/threads/:threadId', 'none', (ctx) =>
    json(threadToWire(requireThread(ctx.params.roomId!, ctx.params.threadId!))),
  );

  const deleteThread = (thread: EmuThread, now: Date) => {
    state.threads.get(thread.roomId)?.delete(thread.id);
    removeNotifications((n) => n.kind === 'thread' && n.roomId === thread.roomId && n.threadId === thread.id);
    emu.webhooks.emit('threadDeleted', { roomId: thread.roomId, threadId: thread.id, deletedAt: iso(now) });
  };

  secret('DELETE', '/v2/rooms/:roomId/threads/:threadId', 'none', (ctx) => {
    deleteThread(requireThread(ctx.params.roomId!, ctx.params.threadId!), ctx.now);
    return noContent();
  });

  secret('POST', '/v2/rooms/:roomId/threads/:threadId/metadata', 'json', (ctx) => {
    const body = validate(editMetadataBody, ctx.body);
    const thread = requireThread(ctx.params.roomId!, ctx.params.threadId!);
    const next = { ...thread.metadata };
    applyPatch(next, body.metadata);
    if (Object.keys(next).length > 50) throw errors.unprocessable(`Value at key 'metadata': at most 50 entries.`);
    thread.metadata = next;
    const updatedAt = parseDate(body.updatedAt, 'updatedAt', ctx.now);
    thread.updatedAt = updatedAt;
    emu.webhooks.emit('threadMetadataUpdated', {
      roomId: thread.roomId,
      threadId: thread.id,
      updatedAt: iso(updatedAt),
      updatedBy: body.userId,
    });
    return json(thread.metadata);
  });

  const setResolved = (resolved: boolean) => (ctx: RequestContext) => {
    const body = validate(userIdBody, ctx.body);
    const thread = requireThread(ctx.params.roomId!, ctx.params.threadId!);
    thread.resolved = resolved;
    thread.updatedAt = ctx.now;
    emu.webhooks.emit(resolved ? 'threadMarkedAsResolved' : 'threadMarkedAsUnresolved', {
      roomId: thread.roomId,
      threadId: thread.id,
      updatedAt: iso(ctx.now),
      updatedBy: body.userId,
    });
    return json(threadToWire(thread));
  };
  secret('POST', '/v2/rooms/:roomId/threads/:threadId/mark-as-resolved', 'json', setResolved(true));
  secret('POST', '/v2/rooms/:roomId/threads/:threadId/mark-as-unresolved', 'json', setResolved(false));

  // Participants (deprecated, Python SDK README): comment authors and mentioned users, unique.
  secret('GET', '/v2/rooms/:roomId/threads/:threadId/participants', 'none', (ctx) => {
    const thread = requireThread(ctx.params.roomId!, ctx.params.threadId!);
    const ids = new Set<string>();
    for (const c of thread.comments) {
      if (c.deletedAt) continue;
      ids.add(c.userId);
      for (const m of mentionsIn(c.body)) ids.add(m);
    }
    return json({ participantIds: [...ids] });
  });

  // Subscriptions (§3.6 SubscriptionData / UserSubscriptionData).
  secret('POST', '/v2/rooms/:roomId/threads/:threadId/subscribe', 'json', (ctx) => {
    const body = validate(userIdBody, ctx.body);
    const thread = requireThread(ctx.params.roomId!, ctx.params.threadId!);
    let at = thread.subscriptions.get(body.userId);
    if (!at) {
      at = ctx.now;
      thread.subscriptions.set(body.userId, at);
    }
    return json({ kind: 'thread', subjectId: thread.id, createdAt: iso(at) });
  });
  secret('POST', '/v2/rooms/:roomId/threads/:threadId/unsubscribe', 'json', (ctx) => {
    const body = validate(userIdBody, ctx.body);
    const thread = requireThread(ctx.params.roomId!, ctx.params.threadId!);
    thread.subscriptions.delete(body.userId);
    return { status: 200 };
  });
  secret('GET', '/v2/rooms/:roomId/threads/:threadId/subscriptions', 'none', (ctx) => {
    const thread = requireThread(ctx.params.roomId!, ctx.params.threadId!);
    return json({
      data: [...thread.subscriptions].map(([userId, at]) => ({
        kind: 'thread',
        subjectId: thread.id,
        createdAt: iso(at),
        userId,
      })),
    });
  });

  // ---------------------------------------------------------------- comments (§3.4)

  secret('POST', '/v2/rooms/:roomId/threads/:threadId/comments', 'json', (ctx) => {
    const body = validate(createCommentFields, ctx.body);
    const thread = requireThread(ctx.params.roomId!, ctx.params.threadId!);
    const room = requireRoom(thread.roomId);
    checkAttachments(body.attachmentIds);
    if (body.id !== undefined && thread.comments.some((c) => c.id === body.id)) {
      throw errors.alreadyExists('Comment already exists');
    }
    const comment = newComment(thread, body, ctx.now, 'createdAt');
    thread.comments.push(comment);
    thread.updatedAt = comment.createdAt;
    emu.webhooks.emit('commentCreated', {
      roomId: thread.roomId,
      threadId: thread.id,
      commentId: comment.id,
      createdAt: iso(comment.createdAt),
      createdBy: comment.userId,
    });
    notifyNewComment(thread, room, comment, ctx.now);
    return json(commentToWire(comment));
  });

  secret('GET', '/v2/rooms/:roomId/threads/:threadId/comments/:commentId', 'none', (ctx) => {
    const [, comment] = requireComment(ctx.params.roomId!, ctx.params.threadId!, ctx.params.commentId!);
    return json(commentToWire(comment));
  });

  secret('POST', '/v2/rooms/:roomId/threads/:threadId/comments/:commentId', 'json', (ctx) => {
    const body = validate(editCommentBody, ctx.body);
    const [thread, comment] = requireComment(ctx.params.roomId!, ctx.params.threadId!, ctx.params.commentId!);
    const room = requireRoom(thread.roomId);
    checkAttachments(body.attachmentIds);
    const before = mentionsIn(comment.body);
    const editedAt = parseDate(body.editedAt, 'editedAt', ctx.now);
    comment.body = body.body;
    comment.editedAt = editedAt;
    if (body.metadata) applyPatch(comment.metadata, body.metadata);
    if (body.attachmentIds) comment.attachmentIds = body.attachmentIds;
    thread.updatedAt = editedAt;
    emu.webhooks.emit('commentEdited', {
      roomId: thread.roomId,
      threadId: thread.id,
      commentId: comment.id,
      editedAt: iso(editedAt),
    });
    notifyNewMentions(thread, room, comment, before, ctx.now);
    return json(commentToWire(comment));
  });

  // Deleting soft-deletes (body removed, deletedAt set, §3.4); deleting the last live comment deletes the thread (§1.5, [NODE] JSDoc).
  secret('DELETE', '/v2/rooms/:roomId/threads/:threadId/comments/:commentId', 'none', (ctx) => {
    const [thread, comment] = requireComment(ctx.params.roomId!, ctx.params.threadId!, ctx.params.commentId!);
    comment.deletedAt = ctx.now;
    delete comment.body;
    comment.reactions = [];
    thread.updatedAt = ctx.now;
    emu.webhooks.emit('commentDeleted', {
      roomId: thread.roomId,
      threadId: thread.id,
      commentId: comment.id,
      deletedAt: iso(ctx.now),
    });
    if (thread.comments.every((c) => c.deletedAt)) deleteThread(thread, ctx.now);
    return noContent();
  });

  secret('POST', '/v2/rooms/:roomId/threads/:threadId/comments/:commentId/metadata', 'json', (ctx) => {
    const body = validate(editMetadataBody, ctx.body);
    const [thread, comment] = requireComment(ctx.params.roomId!, ctx.params.threadId!, ctx.params.commentId!);
    const next = { ...comment.metadata };
    applyPatch(next, body.metadata);
    if (Object.keys(next).length > 50) throw errors.unprocessable(`Value at key 'metadata': at most 50 entries.`);
    comment.metadata = next;
    const updatedAt = parseDate(body.updatedAt, 'updatedAt', ctx.now);
    emu.webhooks.emit('commentMetadataUpdated', {
      roomId: thread.roomId,
      threadId: thread.id,
      commentId: comment.id,
      updatedAt: iso(updatedAt),
      updatedBy: body.userId,
    });
    return json(comment.metadata);
  });

  // Reactions: add returns CommentUserReaction `{ emoji, createdAt, userId }` (§3.4); 409 when it exists (§2.2).
  secret('POST', '/v2/rooms/:roomId/threads/:threadId/comments/:commentId/add-reaction', 'json', (ctx) => {
    const body = validate(addReactionBody, ctx.body);
    const [thread, comment] = requireComment(ctx.params.roomId!, ctx.params.threadId!, ctx.params.commentId!);
    if (comment.reactions.some((r) => r.emoji === body.emoji && r.userId === body.userId)) {
      throw errors.alreadyExists('Reaction already exists');
    }
    const createdAt = parseDate(body.createdAt, 'createdAt', ctx.now);
    comment.reactions.push({ emoji: body.emoji, userId: body.userId, createdAt });
    emu.webhooks.emit('commentReactionAdded', {
      roomId: thread.roomId,
      threadId: thread.id,
      commentId: comment.id,
      emoji: body.emoji,
      addedAt: iso(createdAt),
      addedBy: body.userId,
    });
    return json({ emoji: body.emoji, createdAt: iso(createdAt), userId: body.userId });
  });

  secret('POST', '/v2/rooms/:roomId/threads/:threadId/comments/:commentId/remove-reaction', 'json', (ctx) => {
    const body = validate(removeReactionBody, ctx.body);
    const [thread, comment] = requireComment(ctx.params.roomId!, ctx.params.threadId!, ctx.params.commentId!);
    const index = comment.reactions.findIndex((r) => r.emoji === body.emoji && r.userId === body.userId);
    if (index < 0) throw errors.notFound('Comment reaction not found');
    comment.reactions.splice(index, 1);
    const removedAt = parseDate(body.removedAt, 'removedAt', ctx.now);
    emu.webhooks.emit('commentReactionRemoved', {
      roomId: thread.roomId,
      threadId: thread.id,
      commentId: comment.id,
      emoji: body.emoji,
      removedAt: iso(removedAt),
      removedBy: body.userId,
    });
    return noContent();
  });

  // ---------------------------------------------------------------- inbox notifications (§3.6)

  const isNotificationCursor = (v: unknown): v is { t: number; s: number } => isRoomCursor(v);

  secret('GET', '/v2/users/:userId/inbox-notifications', 'none', (ctx) => {
    const limit = parseLimit(ctx.query, 'limit', 1, 50, 50);
    let unread: boolean | undefined;
    for (const c of parseClauses(ctx)) {
      if (c.field === 'unread' && c.key === undefined && c.op === ':' && typeof c.value === 'boolean') unread = c.value;
      else throw errors.invalidQuery(`Unknown or unsupported clause "${c.field}${c.op}${String(c.value)}"`);
    }
    const organizationId = ctx.query.get('organizationId');
    const after = ctx.query.get('startingAfter');
    const cursor = after ? decodeCursor(after, isNotificationCursor) : undefined;
    const all = sortNotifications(state.inboxNotifications.get(ctx.params.userId!) ?? []).filter(
      (n) =>
        (unread === undefined || state.isUnread(n) === unread) &&
        (organizationId === null || n.organizationId === organizationId),
    );
    const rest = cursor
      ? all.filter(
          (n) => n.notifiedAt.getTime() < cursor.t || (n.notifiedAt.getTime() === cursor.t && n.seq < cursor.s),
        )
      : all;
    const page = rest.slice(0, limit);
    const last = page[page.length - 1];
    const nextCursor = rest.length > limit && last ? encodeCursor({ t: last.notifiedAt.getTime(), s: last.seq }) : null;
    return json({ nextCursor, data: page.map(notificationToWire) });
  });

  const requireNotification = (userId: string, id: string): EmuInboxNotification => {
    const n = state.inboxNotifications.get(userId)?.find((x) => x.id === id);
    if (!n) throw errors.notFound('Inbox notification not found');
    return n;
  };

  secret('GET', '/v2/users/:userId/inbox-notifications/:inboxNotificationId', 'none', (ctx) =>
    json(notificationToWire(requireNotification(ctx.params.userId!, ctx.params.inboxNotificationId!))),
  );

  secret('DELETE', '/v2/users/:userId/inbox-notifications/:inboxNotificationId', 'none', (ctx) => {
    const n = requireNotification(ctx.params.userId!, ctx.params.inboxNotificationId!);
    removeNotifications((x) => x === n);
    return noContent();
  });

  secret('DELETE', '/v2/users/:userId/inbox-notifications', 'none', (ctx) => {
    const userId = ctx.params.userId!;
    const organizationId = ctx.query.get('organizationId');
    const list = state.inboxNotifications.get(userId) ?? [];
    state.inboxNotifications.set(
      userId,
      organizationId === null ? [] : list.filter((n) => n.organizationId !== organizationId),
    );
    return noContent();
  });

  // Custom notifications: same (user, kind, subjectId, roomId) aggregate into one notification's activities (guess).
  secret('POST', '/v2/inbox-notifications/trigger', 'json', (ctx) => {
    const body = validate(triggerBody, ctx.body);
    const room = body.roomId !== undefined ? requireRoom(body.roomId) : undefined;
    const activity = { id: newId('act'), createdAt: ctx.now, data: body.activityData };
    const existing = notificationsOf(body.userId).find(
      (n) => n.kind === body.kind && n.subjectId === body.subjectId && n.roomId === body.roomId,
    );
    let n: EmuInboxNotification;
    if (existing) {
      existing.activities = [...(existing.activities ?? []), activity];
      existing.notifiedAt = ctx.now;
      n = existing;
    } else {
      n = newNotification({
        id: newId('in'),
        userId: body.userId,
        kind: body.kind,
        organizationId: body.organizationId ?? room?.organizationId ?? 'default',
        ...(body.roomId !== undefined ? { roomId: body.roomId } : {}),
        subjectId: body.subjectId,
        notifiedAt: ctx.now,
        readAt: null,
        activities: [activity],
      });
    }
    emitNotificationEvent(n, ctx.now);
    // "returns 200 with no content" (§3.6 [OAS]).
    return { status: 200 };
  });

  // Mark as read: Python SDK `mark_inbox_notification_as_read` (POST, no body, 200 `{}`); the id is global.
  secret('POST', '/v2/inbox-notifications/:inboxNotificationId/read', 'none', (ctx) => {
    const n = state.notification(ctx.params.inboxNotificationId!);
    if (!n) throw errors.notFound('Inbox notification not found');
    n.readAt = ctx.now;
    return json({});
  });

  // ---------------------------------------------------------------- management webhooks (Python SDK)

  const requireProject = (projectId: string) => {
    if (projectId !== emu.projectId) {
      throw new HttpError(404, { error: 'PROJECT_NOT_FOUND', message: `Project with id "${projectId}" not found.` });
    }
  };
  const requireWebhook = (projectId: string, webhookId: string) => {
    requireProject(projectId);
    const hook = state.webhooks.get(webhookId);
    if (!hook || hook.projectId !== projectId) {
      throw new HttpError(404, { error: 'WEBHOOK_NOT_FOUND', message: `Webhook with id "${webhookId}" not found.` });
    }
    return hook;
  };

  management('GET', '/v2/management/projects/:projectId/webhooks', 'none', (ctx) => {
    requireProject(ctx.params.projectId!);
    const limit = parseLimit(ctx.query, 'limit', 1, 100, 20);
    const all = [...state.webhooks.values()].filter((w) => w.projectId === ctx.params.projectId);
    const cursor = ctx.query.get('cursor');
    let start = 0;
    if (cursor) {
      const c = decodeCursor(cursor, (v): v is { i: number } => typeof (v as { i?: unknown })?.i === 'number');
      start = c.i;
    }
    const page = all.slice(start, start + limit);
    const nextCursor = start + limit < all.length ? encodeCursor({ i: start + limit }) : null;
    return json({ data: page.map(webhookToWire), nextCursor });
  });

  management('POST', '/v2/management/projects/:projectId/webhooks', 'json', (ctx) => {
    const body = validate(createWebhookBody, ctx.body);
    requireProject(ctx.params.projectId!);
    const hook = {
      id: newId('wh'),
      projectId: ctx.params.projectId!,
      url: body.url,
      subscribedEvents: [...new Set(body.subscribedEvents)],
      secret: newWebhookSecret(),
      previousSecrets: [],
      disabled: false,
      createdAt: ctx.now,
      updatedAt: ctx.now,
      ...(body.rateLimit !== undefined ? { rateLimit: body.rateLimit } : {}),
      additionalHeaders: body.additionalHeaders ?? {},
      // 60 s: default throttle of storageUpdated / ydocUpdated (§1.4).
      storageUpdatedThrottleSeconds: body.storageUpdatedThrottleSeconds ?? 60,
      yDocUpdatedThrottleSeconds: body.yDocUpdatedThrottleSeconds ?? 60,
    };
    state.webhooks.set(hook.id, hook);
    return json({ webhook: webhookToWire(hook) });
  });

  management('GET', '/v2/management/projects/:projectId/webhooks/:webhookId', 'none', (ctx) =>
    json({ webhook: webhookToWire(requireWebhook(ctx.params.projectId!, ctx.params.webhookId!)) }),
  );

  management('POST', '/v2/management/projects/:projectId/webhooks/:webhookId', 'json', (ctx) => {
    const body = validate(updateWebhookBody, ctx.body);
    const hook = requireWebhook(ctx.params.projectId!, ctx.params.webhookId!);
    if (body.url !== undefined) hook.url = body.url;
    if (body.subscribedEvents !== undefined) hook.subscribedEvents = [...new Set(body.subscribedEvents)];
    if (body.rateLimit !== undefined) hook.rateLimit = body.rateLimit;
    if (body.storageUpdatedThrottleSeconds !== undefined) hook.storageUpdatedThrottleSeconds = body.storageUpdatedThrottleSeconds;
    if (body.yDocUpdatedThrottleSeconds !== undefined) hook.yDocUpdatedThrottleSeconds = body.yDocUpdatedThrottleSeconds;
    if (body.disabled !== undefined) hook.disabled = body.disabled;
    hook.updatedAt = ctx.now;
    return json({ webhook: webhookToWire(hook) });
  });

  // "Returns 200 with an empty body on success" (Python SDK README delete_management_webhook).
  management('DELETE', '/v2/management/projects/:projectId/webhooks/:webhookId', 'none', (ctx) => {
    const hook = requireWebhook(ctx.params.projectId!, ctx.params.webhookId!);
    state.webhooks.delete(hook.id);
    return { status: 200 };
  });

  // "The previous secret remains valid for 24 hours" (Python SDK README roll_management_webhook_secret).
  management('POST', '/v2/management/projects/:projectId/webhooks/:webhookId/secret/roll', 'none', (ctx) => {
    const hook = requireWebhook(ctx.params.projectId!, ctx.params.webhookId!);
    hook.previousSecrets.push({ value: hook.secret, expiresAt: new Date(ctx.now.getTime() + 24 * 3600 * 1000) });
    hook.secret = newWebhookSecret();
    hook.updatedAt = ctx.now;
    return json({ secret: { value: hook.secret }, message: 'Previous secret remains valid for 24 hours.' });
  });

  // ---------------------------------------------------------------- documented but not emulated: 501 (like the dev server, §5.4)

  const notImplemented = (): Reply => {
    throw errors.notImplemented();
  };
  for (const [method, pattern] of NOT_IMPLEMENTED) {
    router.add({
      method,
      pattern,
      auth: pattern.startsWith('/v2/management/') ? 'management' : 'secret',
      body: 'none',
      handler: notImplemented,
    });
  }
}

/** Routes of the dev-server route table (§5.3/§5.4) the emulator does not implement: they answer 501. */
const NOT_IMPLEMENTED: ReadonlyArray<readonly [string, string]> = [
  ['POST', '/v2/authorize-user'],
  ['POST', '/v2/identify-user'],
  ['POST', '/v2/rooms/:roomId/update-room-id'],
  ['POST', '/v2/rooms/:roomId/update-organization-id'],
  ['GET', '/v2/rooms/:roomId/storage'],
  ['POST', '/v2/rooms/:roomId/storage'],
  ['DELETE', '/v2/rooms/:roomId/storage'],
  ['PATCH', '/v2/rooms/:roomId/storage/json-patch'],
  ['POST', '/v2/rooms/:roomId/request-storage-mutation'],
  ['POST', '/v2/rooms/:roomId/send-message'],
  ['GET', '/v2/rooms/:roomId/ydoc'],
  ['PUT', '/v2/rooms/:roomId/ydoc'],
  ['GET', '/v2/rooms/:roomId/ydoc-binary'],
  ['GET', '/v2/rooms/:roomId/versions'],
  ['POST', '/v2/rooms/:roomId/versions'],
  ['GET', '/v2/rooms/:roomId/versions/:versionId/yjs'],
  ['DELETE', '/v2/rooms/:roomId/versions/:versionId'],
  ['GET', '/v2/rooms/:roomId/threads/:threadId/inbox-notifications'],
  ['GET', '/v2/rooms/:roomId/attachments/:attachmentId'],
  ['GET', '/v2/rooms/:roomId/users/:userId/subscription-settings'],
  ['POST', '/v2/rooms/:roomId/users/:userId/subscription-settings'],
  ['DELETE', '/v2/rooms/:roomId/users/:userId/subscription-settings'],
  ['GET', '/v2/rooms/:roomId/users/:userId/notification-settings'],
  ['POST', '/v2/rooms/:roomId/users/:userId/notification-settings'],
  ['DELETE', '/v2/rooms/:roomId/users/:userId/notification-settings'],
  ['GET', '/v2/users/:userId/notification-settings'],
  ['POST', '/v2/users/:userId/notification-settings'],
  ['DELETE', '/v2/users/:userId/notification-settings'],
  ['GET', '/v2/users/:userId/room-subscription-settings'],
  ['GET', '/v2/users/:userId/groups'],
  ['GET', '/v2/groups'],
  ['POST', '/v2/groups'],
  ['GET', '/v2/groups/:groupId'],
  ['DELETE', '/v2/groups/:groupId'],
  ['POST', '/v2/groups/:groupId/add-members'],
  ['POST', '/v2/groups/:groupId/remove-members'],
  ['GET', '/v2/rooms/:roomId/feeds'],
  ['POST', '/v2/rooms/:roomId/feeds'],
  ['GET', '/v2/ai/copilots'],
  ['POST', '/v2/ai/copilots'],
  ['GET', '/v2/management/projects'],
  ['POST', '/v2/management/projects'],
  ['GET', '/v2/management/projects/:projectId'],
  ['POST', '/v2/management/projects/:projectId'],
  ['DELETE', '/v2/management/projects/:projectId'],
  ['GET', '/v2/management/projects/:projectId/webhooks/:webhookId/additional-headers'],
  ['POST', '/v2/management/projects/:projectId/webhooks/:webhookId/additional-headers'],
  ['POST', '/v2/management/projects/:projectId/webhooks/:webhookId/delete-additional-headers'],
  ['POST', '/v2/management/projects/:projectId/webhooks/:webhookId/recover-failed-messages'],
  ['POST', '/v2/management/projects/:projectId/webhooks/:webhookId/test'],
  ['POST', '/v2/management/projects/:projectId/api-keys/public/activate'],
  ['POST', '/v2/management/projects/:projectId/api-keys/public/deactivate'],
  ['POST', '/v2/management/projects/:projectId/api-keys/public/roll'],
  ['POST', '/v2/management/projects/:projectId/api-keys/secret/roll'],
];
