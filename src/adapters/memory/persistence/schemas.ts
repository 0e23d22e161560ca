/**
 * Schemas of the files the embedded provider persists (snapshot and journal). A module of the
 * persistence chunk, loaded with it (only when `persistPath` is set), not with the adapter.
 * @module
 */
import { z } from 'zod';
import { StoredDeliverySchema, StoredNotificationSchema, StoredRoomContentSchema, StoredRoomSchema, StoredSubscriptionSchema, StoredThreadSchema, StoredUserSchema } from '../schemas.js';

/** A version 1 subscription: it had no tenant (it received every tenant's events). */
const LegacySubscriptionSchema = StoredSubscriptionSchema.extend({ tenantId: z.string().optional() });
/** The state of one tenant. */
export const StoredTenantSchema = z.object({
  rooms: z.array(StoredRoomSchema),
  users: z.array(StoredUserSchema),
  notifications: z.array(StoredNotificationSchema),
});
/** The version 1 file: the whole state, rewritten on every save (still loaded). */
export const PersistedStateV1Schema = z.object({
  format: z.literal('unicollab-memory'),
  version: z.literal(1),
  seq: z.number(),
  tenants: z.record(z.string(), StoredTenantSchema),
  subscriptions: z.array(LegacySubscriptionSchema),
});
/**
 * The version 2 snapshot (`persistPath`): the state as of some moment, plus `journal`, the first
 * journal generation (`<persistPath>.journal-<n>`) whose records apply on top of it.
 */
export const PersistedStateSchema = z.object({
  format: z.literal('unicollab-memory'),
  version: z.literal(2),
  journal: z.number().int().min(0),
  seq: z.number(),
  tenants: z.record(z.string(), StoredTenantSchema),
  subscriptions: z.array(StoredSubscriptionSchema),
  deliveries: z.array(StoredDeliverySchema),
});
/** Either snapshot version, told apart by `version`. */
export const AnyPersistedStateSchema = z.discriminatedUnion('version', [PersistedStateV1Schema, PersistedStateSchema]);

/** A room record's value: the room without its threads (each thread is a record of its own). */
export const StoredRoomFieldsSchema = StoredRoomSchema.omit({ threads: true, content: true });

/**
 * One journal record: the whole new value of one entity (`v: null` deletes it), or the id sequence.
 * Whole-entity puts make replay idempotent, so records can be applied over a snapshot taken while
 * writes went on.
 */
export const JournalRecordSchema = z.discriminatedUnion('k', [
  z.object({ k: z.literal('seq'), v: z.number() }),
  z.object({ k: z.literal('room'), t: z.string(), id: z.string(), v: StoredRoomFieldsSchema.nullable() }),
  z.object({ k: z.literal('thread'), t: z.string(), r: z.string(), id: z.string(), v: StoredThreadSchema.nullable() }),
  z.object({ k: z.literal('content'), t: z.string(), r: z.string(), v: StoredRoomContentSchema.nullable() }),
  z.object({ k: z.literal('user'), t: z.string(), id: z.string(), v: StoredUserSchema.nullable() }),
  z.object({ k: z.literal('notification'), t: z.string(), u: z.string(), id: z.string(), v: StoredNotificationSchema.nullable() }),
  z.object({ k: z.literal('subscription'), id: z.string(), v: StoredSubscriptionSchema.nullable() }),
  z.object({ k: z.literal('delivery'), id: z.string(), v: StoredDeliverySchema.nullable() }),
]);
/** One journal line: the records of one commit, applied all or not at all. */
export const JournalBatchSchema = z.object({ r: z.array(JournalRecordSchema) });

/** The JSON document written to `persistPath` (version 2). */
export type PersistedState = z.infer<typeof PersistedStateSchema>;
/** A snapshot of either version, as parsed. */
export type AnyPersistedState = z.infer<typeof AnyPersistedStateSchema>;
/** One journal record. */
export type JournalRecord = z.infer<typeof JournalRecordSchema>;
