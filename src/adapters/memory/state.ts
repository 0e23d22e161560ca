import type { StoredDelivery, StoredNotification, StoredRoom, StoredSubscription, StoredUser } from './schemas.js';
import { Inbox, SeqMap } from './seq-map.js';

/** The state of one tenant (Liveblocks/Velt organization). */
export interface TenantState {
  /** Rooms by id, in `seq` order (listings seek into it). */
  rooms: SeqMap<StoredRoom>;
  /** Users by id, in `seq` order. */
  users: SeqMap<StoredUser>;
  /** userId -> that user's inbox (notificationId -> notification, in `seq` order, indexed by thread). */
  notifications: Map<string, Inbox<StoredNotification>>;
}

/**
 * The persisted tables of the embedded provider: what snapshots and journal records are made of.
 * Presence and broadcast listeners are not here: they do not outlive the process.
 */
export class MemoryTables {
  /** tenantId -> its state. */
  readonly tenants = new Map<string, TenantState>();
  /** Webhook subscriptions of every tenant, by id (each carries its `tenantId`). */
  readonly subscriptions = new Map<string, StoredSubscription>();
  /** Webhook deliveries not yet made, by `webhook-id`. */
  readonly deliveries = new Map<string, StoredDelivery>();
  /** The last sequence number handed out (the sort key of every listing). */
  seq = 0;

  /** The state of a tenant, created on first use. */
  tenant(tenantId: string): TenantState {
    let t = this.tenants.get(tenantId);
    if (!t) {
      t = { rooms: new SeqMap(), users: new SeqMap(), notifications: new Map() };
      this.tenants.set(tenantId, t);
    }
    return t;
  }

  /** A user's inbox in a tenant, created on first use. */
  inbox(tenantId: string, userId: string): Inbox<StoredNotification> {
    const all = this.tenant(tenantId).notifications;
    let inbox = all.get(userId);
    if (!inbox) all.set(userId, (inbox = new Inbox()));
    return inbox;
  }
}

/** One persisted entity, as named in the dirty set and in journal records. */
export type EntityRef =
  | { kind: 'room'; tenantId: string; roomId: string }
  | { kind: 'thread'; tenantId: string; roomId: string; threadId: string }
  | { kind: 'content'; tenantId: string; roomId: string }
  | { kind: 'user'; tenantId: string; userId: string }
  | { kind: 'notification'; tenantId: string; userId: string; notificationId: string }
  | { kind: 'subscription'; subscriptionId: string }
  | { kind: 'delivery'; deliveryId: string };

/** A string naming the entity, for de-duplicating a batch. */
export function refKey(ref: EntityRef): string {
  switch (ref.kind) {
    case 'room':
      return JSON.stringify(['r', ref.tenantId, ref.roomId]);
    case 'thread':
      return JSON.stringify(['t', ref.tenantId, ref.roomId, ref.threadId]);
    case 'content':
      return JSON.stringify(['c', ref.tenantId, ref.roomId]);
    case 'user':
      return JSON.stringify(['u', ref.tenantId, ref.userId]);
    case 'notification':
      return JSON.stringify(['n', ref.tenantId, ref.userId, ref.notificationId]);
    case 'subscription':
      return JSON.stringify(['s', ref.subscriptionId]);
    case 'delivery':
      return JSON.stringify(['d', ref.deliveryId]);
  }
}
