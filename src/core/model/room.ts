import { z } from 'zod';
import { IdSchema, MetadataFilterSchema, MetadataPatchSchema, MetadataSchema, PageRequestSchema, RawSchema, safeRecord } from './common.js';

/** Access level granted on a room. */
export const AccessLevelSchema = z.enum(['read', 'write', 'none']);
/** Access level granted on a room. */
export type AccessLevel = z.infer<typeof AccessLevelSchema>;

/** Who may open a room: a default level plus per-user and per-group overrides. */
export const RoomAccessSchema = z.object({
  default: AccessLevelSchema.optional(),
  users: safeRecord(AccessLevelSchema).optional(),
  groups: safeRecord(AccessLevelSchema).optional(),
});
/** Who may open a room: a default level plus per-user and per-group overrides. */
export type RoomAccess = z.infer<typeof RoomAccessSchema>;

/** A room (a vendor's room, document or channel). */
export const RoomSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  metadata: MetadataSchema,
  access: RoomAccessSchema.optional(),
  /** Whether the room is archived (a finished conversation); only where `rooms.archive` is offered. */
  archived: z.boolean().optional(),
  createdAt: z.date().optional(),
  raw: RawSchema,
});
/** A room (a vendor's room, document or channel). */
export type Room = z.infer<typeof RoomSchema>;

/** Input of `rooms.create`. */
export const CreateRoomInputSchema = z.object({
  id: IdSchema,
  name: z.string().min(1).optional(),
  metadata: MetadataSchema.optional(),
  access: RoomAccessSchema.optional(),
  /** Return the existing room instead of failing with `ConflictError` when the id is taken. */
  idempotent: z.boolean().optional(),
});
/** Input of `rooms.create`. */
export type CreateRoomInput = z.input<typeof CreateRoomInputSchema>;

/** Input of `rooms.update`: only the fields given change; metadata is a patch (`null` deletes a key). */
export const UpdateRoomInputSchema = z.object({
  name: z.string().min(1).optional(),
  metadata: MetadataPatchSchema.optional(),
  access: RoomAccessSchema.optional(),
  /** Archive (`true`) or unarchive (`false`) the room; needs `rooms.archive`. */
  archived: z.boolean().optional(),
});
/** Input of `rooms.update`. */
export type UpdateRoomInput = z.input<typeof UpdateRoomInputSchema>;

/** Filter of `rooms.list` / `rooms.iterate`: every metadata key given must equal its value. */
export const RoomFilterSchema = z.object({
  metadata: MetadataFilterSchema.optional(),
  userId: z.string().min(1).optional(),
  groupIds: z.array(z.string().min(1)).optional(),
  /** Only archived (`true`) or only unarchived (`false`) rooms; needs `rooms.archive`. */
  archived: z.boolean().optional(),
});
/** Filter of `rooms.list` / `rooms.iterate`. */
export type RoomFilter = z.input<typeof RoomFilterSchema>;

/** Input of `rooms.list`: the filter plus paging. */
export const RoomListQuerySchema = RoomFilterSchema.extend(PageRequestSchema.shape);

/** Input of `rooms.iterate`: the filter plus the page size used to fetch. */
export const RoomIterateFilterSchema = RoomFilterSchema.extend({ pageSize: PageRequestSchema.shape.limit });
