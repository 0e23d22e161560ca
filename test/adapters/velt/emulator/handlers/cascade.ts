/** Cascading deletes (velt.md §15.9: UNCONFIRMED, INF yes; switch off with `cascadeDeletes: false`). */
import type { Ctx } from '../context.js';
import { veltKey } from '../state.js';

function dropWhere<V>(map: Map<string, V>, pred: (key: string, v: V) => boolean): void {
  for (const [k, v] of [...map]) if (pred(k, v)) map.delete(k);
}

export function cascadeDeleteDocument(ctx: Ctx, organizationId: string, documentId: string): void {
  const s = ctx.state;
  dropWhere(s.annotations, (_k, a) => a.organizationId === organizationId && a.documentId === documentId);
  dropWhere(s.notifications, (_k, n) => n.organizationId === organizationId && n.documentId === documentId);
  dropWhere(
    s.users,
    (_k, u) => u.organizationId === organizationId && u.scope.kind === 'document' && u.scope.documentId === documentId,
  );
  s.presence.delete(veltKey(organizationId, documentId));
  const prefix = veltKey(organizationId, documentId, '');
  dropWhere(s.liveState, (k) => k.startsWith(prefix));
  dropWhere(s.crdt, (k) => k.startsWith(prefix));
}

export function cascadeDeleteOrganization(ctx: Ctx, organizationId: string): void {
  const s = ctx.state;
  const prefix = veltKey(organizationId, '');
  dropWhere(s.documents, (_k, d) => d.organizationId === organizationId);
  dropWhere(s.folders, (_k, f) => f.organizationId === organizationId);
  dropWhere(s.users, (_k, u) => u.organizationId === organizationId);
  dropWhere(s.userGroups, (_k, g) => g.organizationId === organizationId);
  dropWhere(s.annotations, (_k, a) => a.organizationId === organizationId);
  dropWhere(s.notifications, (_k, n) => n.organizationId === organizationId);
  dropWhere(s.notificationConfigs, (k) => k.startsWith(prefix));
  dropWhere(s.presence, (k) => k.startsWith(prefix));
  dropWhere(s.liveState, (k) => k.startsWith(prefix));
  dropWhere(s.crdt, (k) => k.startsWith(prefix));
}
