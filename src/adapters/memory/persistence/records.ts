import type { StoredRoom, StoredThread } from '../schemas.js';
import type { AnyPersistedState, JournalRecord } from './schemas.js';
import { SeqMap } from '../seq-map.js';
import type { EntityRef, MemoryTables } from '../state.js';

/**
 * The journal record of an entity's current value (`v: null` when it no longer exists). Read at
 * commit time, so several changes to one entity in one batch cost one record.
 */
export function recordOf(tables: MemoryTables, ref: EntityRef): JournalRecord {
  switch (ref.kind) {
    case 'room': {
      const room = tables.tenants.get(ref.tenantId)?.rooms.get(ref.roomId);
      return { k: 'room', t: ref.tenantId, id: ref.roomId, v: room ? roomFields(room) : null };
    }
    case 'thread': {
      const thread = tables.tenants.get(ref.tenantId)?.rooms.get(ref.roomId)?.threads.get(ref.threadId);
      return { k: 'thread', t: ref.tenantId, r: ref.roomId, id: ref.threadId, v: thread ?? null };
    }
    case 'content': {
      const room = tables.tenants.get(ref.tenantId)?.rooms.get(ref.roomId);
      return { k: 'content', t: ref.tenantId, r: ref.roomId, v: room?.content ?? null };
    }
    case 'user':
      return { k: 'user', t: ref.tenantId, id: ref.userId, v: tables.tenants.get(ref.tenantId)?.users.get(ref.userId) ?? null };
    case 'notification': {
      const n = tables.tenants.get(ref.tenantId)?.notifications.get(ref.userId)?.get(ref.notificationId);
      return { k: 'notification', t: ref.tenantId, u: ref.userId, id: ref.notificationId, v: n ?? null };
    }
    case 'subscription':
      return { k: 'subscription', id: ref.subscriptionId, v: tables.subscriptions.get(ref.subscriptionId) ?? null };
    case 'delivery':
      return { k: 'delivery', id: ref.deliveryId, v: tables.deliveries.get(ref.deliveryId) ?? null };
  }
}

/**
 * The records of one batch, rooms first: a thread record needs its room to exist when replayed, and
 * records are read at commit time, so a batch is a consistent picture of the entities it names.
 */
export function batchRecords(tables: MemoryTables, refs: Iterable<EntityRef>, seq: number | undefined): JournalRecord[] {
  const rooms: JournalRecord[] = [];
  const others: JournalRecord[] = [];
  for (const ref of refs) (ref.kind === 'room' ? rooms : others).push(recordOf(tables, ref));
  const out = [...rooms, ...others];
  if (seq !== undefined) out.unshift({ k: 'seq', v: seq });
  return out;
}

/** A room without its threads and content (they are records of their own). */
export function roomFields(room: StoredRoom): Omit<StoredRoom, 'threads' | 'content'> {
  const { threads: _threads, content: _content, ...fields } = room;
  return fields;
}

/**
 * Applies one record. Puts replace the whole entity, so applying a record twice, or over a snapshot
 * that already holds its value, gives the same state. A room put keeps the room's threads unless the
 * record is another incarnation of the room (deleted and created again: its `seq` differs).
 *
 * A thread of a room that does not exist is skipped: a snapshot taken while writes went on may miss
 * a room that was deleted after the journal started, and that deletion is itself a later record.
 */
export function applyRecord(tables: MemoryTables, record: JournalRecord): void {
  switch (record.k) {
    case 'seq':
      tables.seq = Math.max(tables.seq, record.v);
      return;
    case 'room': {
      const rooms = tables.tenant(record.t).rooms;
      if (record.v === null) {
        rooms.delete(record.id);
        return;
      }
      const existing = rooms.get(record.id);
      const same = existing !== undefined && existing.seq === record.v.seq;
      const room: StoredRoom = { ...record.v, threads: same ? existing.threads : new SeqMap() };
      if (same && existing.content !== undefined) room.content = existing.content;
      rooms.set(record.id, room);
      tables.seq = Math.max(tables.seq, record.v.seq);
      return;
    }
    case 'thread': {
      const room = tables.tenants.get(record.t)?.rooms.get(record.r);
      if (record.v === null) {
        room?.threads.delete(record.id);
        return;
      }
      if (!room) return;
      room.threads.set(record.id, record.v);
      tables.seq = Math.max(tables.seq, record.v.seq);
      return;
    }
    case 'content': {
      // Like a thread: content of a room that does not exist (deleted later in the journal) is skipped.
      const room = tables.tenants.get(record.t)?.rooms.get(record.r);
      if (!room) return;
      if (record.v === null) delete room.content;
      else room.content = record.v;
      return;
    }
    case 'user': {
      const users = tables.tenant(record.t).users;
      if (record.v === null) users.delete(record.id);
      else {
        users.set(record.id, record.v);
        tables.seq = Math.max(tables.seq, record.v.seq);
      }
      return;
    }
    case 'notification': {
      if (record.v === null) {
        tables.tenant(record.t).notifications.get(record.u)?.delete(record.id);
        return;
      }
      tables.inbox(record.t, record.u).set(record.id, record.v);
      tables.seq = Math.max(tables.seq, record.v.seq);
      return;
    }
    case 'subscription':
      if (record.v === null) tables.subscriptions.delete(record.id);
      else tables.subscriptions.set(record.id, record.v);
      return;
    case 'delivery':
      if (record.v === null) tables.deliveries.delete(record.id);
      else tables.deliveries.set(record.id, record.v);
      return;
  }
}

/**
 * Loads a parsed snapshot into empty tables. Version 1 subscriptions had no tenant (they received
 * every tenant's events); they are given `legacyTenantId`, the configured default tenant.
 */
export function restoreSnapshot(tables: MemoryTables, state: AnyPersistedState, legacyTenantId: string): void {
  tables.seq = Math.max(tables.seq, state.seq);
  for (const [tenantId, t] of Object.entries(state.tenants)) {
    const tenant = tables.tenant(tenantId);
    for (const { content, ...room } of t.rooms) {
      const threads = new SeqMap<StoredThread>();
      for (const th of room.threads) threads.set(th.id, th);
      const stored: StoredRoom = { ...room, threads };
      if (content !== undefined) stored.content = content;
      tenant.rooms.set(room.id, stored);
    }
    for (const user of t.users) tenant.users.set(user.id, user);
    for (const n of t.notifications) tables.inbox(tenantId, n.userId).set(n.id, n);
  }
  for (const sub of state.subscriptions) tables.subscriptions.set(sub.id, { ...sub, tenantId: sub.tenantId ?? legacyTenantId });
  if (state.version === 2) for (const d of state.deliveries) tables.deliveries.set(d.id, d);
}
