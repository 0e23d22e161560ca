/**
 * State -> wire JSON (dates as ISO strings), in the shapes of vendors/liveblocks.md §3.
 */
import type {
  EmuComment,
  EmuInboxNotification,
  EmuRoom,
  EmuThread,
  EmuWebhook,
} from './state.js';

const iso = (d: Date) => d.toISOString();

/** §3.1 (no `lastConnectionAt`: the emulator has no WebSocket connections, like the dev server). */
export function roomToWire(room: EmuRoom) {
  return {
    type: 'room' as const,
    id: room.id,
    organizationId: room.organizationId,
    createdAt: iso(room.createdAt),
    metadata: room.metadata,
    defaultAccesses: room.defaultAccesses,
    usersAccesses: room.usersAccesses,
    groupsAccesses: room.groupsAccesses,
  };
}

/** §3.4: reactions grouped per emoji `{ emoji, createdAt (first), users: [{ id }] }`; deleted comments have no body. */
export function commentToWire(c: EmuComment) {
  const groups = new Map<string, { emoji: string; createdAt: string; users: Array<{ id: string }> }>();
  for (const r of c.reactions) {
    const g = groups.get(r.emoji);
    if (g) g.users.push({ id: r.userId });
    else groups.set(r.emoji, { emoji: r.emoji, createdAt: iso(r.createdAt), users: [{ id: r.userId }] });
  }
  return {
    type: 'comment' as const,
    id: c.id,
    threadId: c.threadId,
    roomId: c.roomId,
    userId: c.userId,
    createdAt: iso(c.createdAt),
    ...(c.editedAt ? { editedAt: iso(c.editedAt) } : {}),
    ...(c.deletedAt ? { deletedAt: iso(c.deletedAt) } : { body: c.body }),
    metadata: c.metadata,
    reactions: [...groups.values()],
    attachments: [] as unknown[],
  };
}

/** §3.3 */
export function threadToWire(t: EmuThread) {
  return {
    type: 'thread' as const,
    id: t.id,
    roomId: t.roomId,
    createdAt: iso(t.createdAt),
    updatedAt: iso(t.updatedAt),
    comments: t.comments.map(commentToWire),
    metadata: t.metadata,
    resolved: t.resolved,
    visibility: t.visibility,
  };
}

/** §3.6 */
export function notificationToWire(n: EmuInboxNotification) {
  const base = { id: n.id, kind: n.kind, notifiedAt: iso(n.notifiedAt), readAt: n.readAt ? iso(n.readAt) : null };
  if (n.kind === 'thread') return { ...base, roomId: n.roomId, threadId: n.threadId };
  if (n.kind === 'textMention') {
    return { ...base, roomId: n.roomId, createdBy: n.createdBy, mentionId: n.mentionId, mention: n.mention };
  }
  return {
    ...base,
    ...(n.roomId !== undefined ? { roomId: n.roomId } : {}),
    subjectId: n.subjectId,
    activities: (n.activities ?? []).map((a) => ({ id: a.id, createdAt: iso(a.createdAt), data: a.data })),
  };
}

/** [Python SDK] `ManagementWebhook`. */
export function webhookToWire(w: EmuWebhook) {
  return {
    id: w.id,
    createdAt: iso(w.createdAt),
    updatedAt: iso(w.updatedAt),
    url: w.url,
    disabled: w.disabled,
    subscribedEvents: w.subscribedEvents,
    secret: { value: w.secret },
    storageUpdatedThrottleSeconds: w.storageUpdatedThrottleSeconds,
    yDocUpdatedThrottleSeconds: w.yDocUpdatedThrottleSeconds,
    ...(w.rateLimit !== undefined ? { rateLimit: w.rateLimit } : {}),
    additionalHeaders: w.additionalHeaders,
  };
}
