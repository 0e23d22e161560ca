/**
 * Zod schemas of the Kabelwerk payloads the adapter reads: the REST answers of sdk-python's five
 * endpoints (docs/vendors/kabelwerk.md §1.5) and the channel replies of §2.4 (wire shapes of §2.5). They
 * are loose on purpose: a field Kabelwerk adds is not API drift, a missing or retyped one is.
 *
 * Schemas are `z.lazy` (built on first use, not when the adapter loads: cold start, issue 12), except
 * the user reference that others `extend`; the HTTP client's compiled check sees through `lazy`.
 * @module
 */
import { z } from 'zod';

/** A user as messages, rooms and REST answers carry it (`{id, key, name}`). */
export const KabelwerkUserRefSchema = z.looseObject({ id: z.number().int(), key: z.string(), name: z.string() });
/** A user as messages, rooms and REST answers carry it. */
export type KabelwerkUserRef = z.infer<typeof KabelwerkUserRefSchema>;

/** The connected user of a `private` join (`OwnUser`): `hub_id` is `null` for end users. */
export const KabelwerkOwnUserSchema = z.lazy(() => KabelwerkUserRefSchema.extend({ hub_id: z.number().int().nullable() }));
/** The connected user of a `private` join. */
export type KabelwerkOwnUser = z.infer<typeof KabelwerkOwnUserSchema>;

/** A room's free-form attributes (a JSON object). */
const AttributesSchema = z.lazy(() => z.record(z.string(), z.unknown()));

/** `PATCH /hubs/{hub}/rooms/{key}` answer (§1.5.4). */
export const KabelwerkRestRoomSchema = z.lazy(() =>
  z.looseObject({
    id: z.number().int(),
    archived: z.boolean(),
    attributes: AttributesSchema,
    hub_user: KabelwerkUserRefSchema.nullable(),
    user: KabelwerkUserRefSchema,
  }),
);
/** `PATCH /hubs/{hub}/rooms/{key}` answer. */
export type KabelwerkRestRoom = z.infer<typeof KabelwerkRestRoomSchema>;

/** A message (§2.5): REST post answer, room join, `list_messages`, notifier. */
export const KabelwerkMessageSchema = z.lazy(() =>
  z.looseObject({
    id: z.number().int(),
    room_id: z.number().int(),
    // sdk-js tolerates a message whose author is gone.
    user: KabelwerkUserRefSchema.nullable(),
    type: z.string(),
    text: z.string(),
    html: z.string(),
    inserted_at: z.string(),
    updated_at: z.string(),
  }),
);
/** A message. */
export type KabelwerkMessage = z.infer<typeof KabelwerkMessageSchema>;

/** A read marker (§2.4.3): the user's last seen message of a room. */
export const KabelwerkMarkerSchema = z.lazy(() =>
  z.looseObject({
    message_id: z.number().int(),
    room_id: z.number().int(),
    user_id: z.number().int(),
    updated_at: z.string(),
  }),
);
/** A read marker. */
export type KabelwerkMarker = z.infer<typeof KabelwerkMarkerSchema>;

/** `private` join reply (§2.4.1). */
export const KabelwerkPrivateJoinSchema = z.lazy(() => z.looseObject({ room_ids: z.array(z.number().int()), user: KabelwerkOwnUserSchema }));
/** `private` join reply. */
export type KabelwerkPrivateJoin = z.infer<typeof KabelwerkPrivateJoinSchema>;

/** `create_room` reply (§2.4.1): only `id` is relied on, as by sdk-js. */
export const KabelwerkCreatedRoomSchema = z.lazy(() => z.looseObject({ id: z.number().int() }));

/** A hub inbox item (§2.4.2). */
export const KabelwerkHubInboxItemSchema = z.lazy(() =>
  z.looseObject({
    room: z.looseObject({
      id: z.number().int(),
      archived: z.boolean(),
      attributes: AttributesSchema,
      hub_user_id: z.number().int().nullable(),
      user: KabelwerkUserRefSchema,
    }),
    message: KabelwerkMessageSchema.nullable(),
  }),
);
/** A hub inbox item. */
export type KabelwerkHubInboxItem = z.infer<typeof KabelwerkHubInboxItemSchema>;

/** `list_rooms` reply (§2.4.2). */
export const KabelwerkListRoomsSchema = z.lazy(() => z.looseObject({ items: z.array(KabelwerkHubInboxItemSchema) }));

/** `room:<id>` join reply (§2.4.3); hub users also get `archived` and `hub_user`. */
export const KabelwerkRoomJoinSchema = z.lazy(() =>
  z.looseObject({
    id: z.number().int(),
    attributes: AttributesSchema,
    user: KabelwerkUserRefSchema,
    messages: z.array(KabelwerkMessageSchema),
    markers: z.array(KabelwerkMarkerSchema.nullable()),
  }),
);
/** `room:<id>` join reply. */
export type KabelwerkRoomJoin = z.infer<typeof KabelwerkRoomJoinSchema>;

/** `list_messages` reply and `notifier:<id>` join reply (§2.4.3, §2.4.4). */
export const KabelwerkMessagesSchema = z.lazy(() => z.looseObject({ messages: z.array(KabelwerkMessageSchema) }));
