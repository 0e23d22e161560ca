/** /v2/presence/* and /v2/livestate/broadcast (velt.md §10). */
import { z } from 'zod';
import { idList, parse, str, success, type Handler } from '../context.js';
import { veltKey, type VeltPresenceRecord } from '../state.js';
import { clone } from '../util.js';

/** Presence user (§10): `{userId, name?, email?, status?}`. */
const presenceUser = z.strictObject({
  userId: str,
  name: z.string().optional(),
  email: z.string().optional(),
  status: z.enum(['online', 'away', 'offline']).optional(),
});
const presenceBody = z.strictObject({ organizationId: str, documentId: str, users: z.array(presenceUser).min(1) });

function upsertPresence(data: z.infer<typeof presenceBody>, ctx: Parameters<Handler>[1]): void {
  const key = veltKey(data.organizationId, data.documentId);
  let m = ctx.state.presence.get(key);
  if (!m) ctx.state.presence.set(key, (m = new Map()));
  for (const u of data.users) {
    const prev: VeltPresenceRecord | undefined = m.get(u.userId);
    m.set(u.userId, { ...(prev ?? {}), ...clone(u), updatedAt: ctx.now() } as VeltPresenceRecord);
  }
}

// UNCONFIRMED: presence/livestate do not require the organization/document to exist (no create flags documented)
const presenceAdd: Handler = (data, ctx) => {
  upsertPresence(parse(presenceBody, data, ctx), ctx);
  return success('Presence added successfully.', { success: true });
};

// UNCONFIRMED: update of a user without presence behaves like add
const presenceUpdate: Handler = (data, ctx) => {
  upsertPresence(parse(presenceBody, data, ctx), ctx);
  return success('Presence updated successfully.', { success: true });
};

const presenceDelete: Handler = (data, ctx) => {
  const req = parse(z.strictObject({ organizationId: str, documentId: str, userIds: idList.min(1) }), data, ctx);
  const m = ctx.state.presence.get(veltKey(req.organizationId, req.documentId));
  for (const id of req.userIds) m?.delete(id);
  return success('Presence deleted successfully.', { success: true });
};

const broadcast: Handler = (data, ctx) => {
  const req = parse(
    z.strictObject({
      organizationId: str,
      documentId: str,
      liveStateDataId: str,
      data: z.record(z.string(), z.unknown()),
      merge: z.boolean().optional(),
    }),
    data,
    ctx,
  );
  const key = veltKey(req.organizationId, req.documentId, req.liveStateDataId);
  const prev = ctx.state.liveState.get(key);
  const merge = req.merge ?? false;
  // INF: merge = shallow merge into the existing object state; otherwise replace
  const next = merge && prev && typeof prev === 'object' && !Array.isArray(prev) ? { ...(prev as object), ...clone(req.data) } : clone(req.data);
  ctx.state.liveState.set(key, next);
  ctx.state.broadcasts.push({
    organizationId: req.organizationId,
    documentId: req.documentId,
    liveStateDataId: req.liveStateDataId,
    data: clone(req.data),
    merge,
    wrapped: !ctx.unwrapped,
    at: ctx.now(),
  });
  return success('Event broadcasted successfully.', { success: true });
};

export const realtimeHandlers: Record<string, Handler> = {
  '/presence/add': presenceAdd,
  '/presence/update': presenceUpdate,
  '/presence/delete': presenceDelete,
  '/livestate/broadcast': broadcast,
};
