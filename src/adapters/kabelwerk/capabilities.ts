import { CAPABILITY_KEYS, type CapabilityDeclaration, type CapabilityKey, type CapabilityLevel, defineCapabilities } from '../../core/capabilities.js';
import { DEFAULT_HUB } from './config.js';

/** The config fields the capabilities depend on. */
export interface KabelwerkCapabilityInputs {
  /** Whether a private key is configured (realtime API and tokens). */
  privateKey?: string | undefined;
  /** The default hub slug (`_` when absent). */
  hub?: string | undefined;
  /** A hub user to act as on the hub side. */
  hubUserId?: string | undefined;
}

const NEEDS_KEY = 'needs privateKey: Kabelwerk offers this only on its realtime API, which the adapter uses with user tokens signed by that key';
const NEEDS_HUB_USER =
  'needs a hub user to act as: set hub to the hub slug (the adapter then creates its service hub user "unicollab" there over REST) or hubUserId (hub "_" names no hub a user can be created in)';

/**
 * What the Kabelwerk adapter offers with a config (docs/vendors/kabelwerk.md cited as §N). Kabelwerk's
 * server REST API has five calls (users, room update, post message, §1.5); everything it cannot do is
 * done on the realtime API as a user, with tokens signed by `privateKey` (§2.1), and hub-side reads
 * (rooms, messages) as a hub user (`hubUserId`, or the service hub user created in `hub`).
 *
 * - REST only (no `privateKey`): users, room update and archive, posting comments.
 * - With `privateKey`: also tokens, notifications and every read; with a hub user, rooms and threads.
 */
export function kabelwerkCapabilities(config: KabelwerkCapabilityInputs = {}): CapabilityDeclaration {
  const realtime = typeof config.privateKey === 'string' && config.privateKey !== '';
  const hubSide = realtime && ((config.hub ?? DEFAULT_HUB) !== DEFAULT_HUB || (typeof config.hubUserId === 'string' && config.hubUserId !== ''));
  const hubNote = realtime ? NEEDS_HUB_USER : NEEDS_KEY;
  const onHubSide = (level: CapabilityLevel): CapabilityLevel => (hubSide ? level : 'no');
  const withKey = (level: CapabilityLevel): CapabilityLevel => (realtime ? level : 'no');

  const levels: Partial<Record<CapabilityKey, CapabilityLevel>> = {
    'rooms.create': onHubSide('yes'),
    'rooms.get': onHubSide('yes'),
    'rooms.list': onHubSide('yes'),
    'rooms.update': 'yes',
    'rooms.delete': 'no',
    'rooms.metadataFilter': onHubSide('partial'),
    'rooms.access': 'no',
    'rooms.archive': 'yes',
    'users.upsert': 'partial',
    'users.get': 'no',
    'users.list': 'no',
    'users.delete': 'yes',
    'threads.create': onHubSide('yes'),
    'threads.get': onHubSide('yes'),
    'threads.list': onHubSide('partial'),
    'threads.delete': 'no',
    'threads.resolve': 'no',
    'threads.metadata': 'no',
    'comments.create': 'partial',
    'comments.get': onHubSide('yes'),
    'comments.edit': 'no',
    'comments.delete': onHubSide('yes'),
    'reactions.add': 'no',
    'reactions.remove': 'no',
    'presence.list': 'no',
    'presence.set': 'no',
    'presence.clear': 'no',
    'notifications.list': withKey('partial'),
    'notifications.markRead': withKey('yes'),
    'notifications.delete': 'no',
    'notifications.trigger': 'no',
    'auth.issueToken': withKey('partial'),
    'webhooks.verify': 'no',
    'webhooks.subscriptions': 'no',
    'events.broadcast': 'no',
  };

  const hubSideNote = (what: string): string => (hubSide ? what : hubNote);
  const keyNote = (what: string): string => (realtime ? what : NEEDS_KEY);
  const notes: Partial<Record<CapabilityKey, string>> = {
    'rooms.create': hubSideNote(
      'a room is one end user\'s conversation with the hub: its id is the end user\'s key, and it is created as that user (realtime create_room; connecting creates the end user if it is new); the name is kept in the attribute "uc:name" (Kabelwerk rooms have no name)',
    ),
    'rooms.get': hubSideNote('read from the hub inbox (search by the end user\'s key) as the hub user; rooms carry no createdAt'),
    'rooms.list': hubSideNote('the hub inbox as the hub user, newest message first (offset paging: a room that moves during a listing can be seen twice; iterate drops repeats)'),
    'rooms.update': 'metadata and name are merged into the room\'s whole attribute map (Kabelwerk replaces it: read with an empty PATCH, then written); the assigned hub user is in raw.hub_user',
    'rooms.delete': 'Kabelwerk has no room deletion: a room goes only with its end user (users.delete)',
    'rooms.metadataFilter': hubSideNote('Kabelwerk matches attributes as exact JSON: a filter value "2" does not match a number 2 or a list containing "2"'),
    'rooms.access': 'Kabelwerk decides access itself: an end user sees its own rooms, a hub user every room of its hub',
    'rooms.archive': 'REST PATCH archived (the realtime "archive until" is not used)',
    'users.upsert':
      'Kabelwerk stores a key and a name only: email, avatarUrl and metadata are not kept; users are end users unless metadata "kabelwerk:hubUser" is true (a hub user of the call\'s hub, set on creation only); without a name a new user is named by its key',
    'users.get': 'Kabelwerk has no user read: its server API reads no users and its realtime API lists only one hub\'s hub users (get_hub), never end users',
    'users.list': 'Kabelwerk has no user listing: its server API reads no users and its realtime API lists only one hub\'s hub users (get_hub), never end users',
    'users.delete': 'an end user\'s rooms and messages go with it (UNCONFIRMED: the reference does not say)',
    'threads.create': hubSideNote(
      'a room has one thread, its conversation (id = the room id): create posts its first message (ConflictError once the room has messages; reply with comments.create)',
    ),
    'threads.get': hubSideNote('the room\'s messages, read over the room channel (list_messages) as the hub user'),
    'threads.list': hubSideNote('a room has one thread (its conversation): the list holds it once the room has messages; it is never resolved and has no metadata'),
    'threads.delete': 'Kabelwerk has no thread (or conversation) deletion',
    'threads.resolve': 'Kabelwerk messages have no threads and no resolution (a room can be archived instead: rooms.update archived)',
    'threads.metadata': 'Kabelwerk keeps custom attributes on rooms only (use room metadata)',
    'comments.create':
      'posted over REST on behalf of authorId (the room\'s end user or a hub user of its hub); the body is sent as Kabelwerk markdown: bold and italic are kept, strikethrough and code are lost, a mention becomes "@userId" text (read back as a mention), a link becomes [text](url); per-comment metadata is refused',
    'comments.get': hubSideNote('read over the room channel as the hub user; the html is parsed back, "@userId" as a mention'),
    'comments.edit': 'Kabelwerk has no message editing (§5)',
    'comments.delete': hubSideNote('done as the comment\'s author over the room channel (Kabelwerk lets users delete only their own messages); the message is gone afterwards'),
    'reactions.add': 'Kabelwerk messages have no reactions (§5)',
    'reactions.remove': 'Kabelwerk messages have no reactions (§5)',
    'presence.list': 'Kabelwerk has no presence or typing state (§5)',
    'presence.set': 'Kabelwerk has no presence or typing state (§5)',
    'presence.clear': 'Kabelwerk has no presence or typing state (§5)',
    'notifications.list': keyNote(
      'the user\'s notifier: messages by others in its rooms that it has not marked read yet, so every notification listed is unread (a read one is no longer listed); kind "thread"; connecting creates an unknown user as an end user',
    ),
    'notifications.markRead': keyNote('moves the user\'s read marker in that room forward to the message (it never moves back)'),
    'notifications.delete': 'Kabelwerk notifications are unread messages: there is nothing to delete',
    'notifications.trigger': 'Kabelwerk has no custom notifications (it sends push notifications of messages itself)',
    'auth.issueToken': keyNote(
      'an RS256 JWT with sub = userId and exp (tokenTtlSeconds, default 3600 s) for Kabelwerk\'s client SDKs; Kabelwerk decides access itself, so rooms, groupIds and userInfo are not in the token',
    ),
    'webhooks.verify': 'Kabelwerk documents no webhooks (§4): a server learns of events only over the realtime API',
    'webhooks.subscriptions': 'Kabelwerk documents no webhooks (§4)',
    'events.broadcast': 'Kabelwerk has no custom events: a room carries messages only (§5)',
  };
  // Anything core adds later (documents, room storage...) is not silently `yes`: Kabelwerk rooms hold messages only.
  for (const key of CAPABILITY_KEYS) {
    if (levels[key] !== undefined) continue;
    levels[key] = 'no';
    notes[key] = `Kabelwerk has no ${key.split('.')[0]}: a room is one conversation of messages (§5)`;
  }
  return defineCapabilities(levels, notes);
}

/** The declarations shown in the README capability table: REST only, and with the private key and a hub. */
export function kabelwerkCapabilityVariants(): Array<{ label: string; declaration: CapabilityDeclaration }> {
  return [
    { label: 'kabelwerk', declaration: kabelwerkCapabilities({}) },
    { label: 'kabelwerk (+privateKey, hub)', declaration: kabelwerkCapabilities({ privateKey: 'configured', hub: 'care' }) },
  ];
}
