/**
 * What Kabelwerk's model refuses of imported data, declared for `importData` (core `ImportConstraints`)
 * so it is predicted before any write instead of failing part-way: a room is one end user's
 * conversation with the hub (its id is that user's key) and holds one thread; only that user and hub
 * staff may post in it (Kabelwerk answers "user is not a participant of this room" otherwise).
 * @module
 */
import type { ConstraintVerdict, ImportConstraints } from '../../core/adapter.js';
import { HUB_USER_FLAG } from './mappers/users.js';

/** Rule id: a room's threads after its first. */
export const BEYOND_FIRST_THREAD = 'threads.beyondFirstPerRoom';
/** Rule id: comments by users who are neither the room's end user nor hub staff. */
export const NOT_A_PARTICIPANT = 'comments.notRoomUserOrHubStaff';

/**
 * The constraints of one pass over a source. Hub staff are the users the source marks as hub users
 * (metadata `kabelwerk:hubUser: true`, the users `users.upsert` creates on the hub side) plus the hub
 * users the adapter acts as (`hubUserId`, the service hub user).
 *
 * @param hubUsers - Keys of hub users known from the config.
 */
export function kabelwerkImportConstraints(hubUsers: readonly string[]): ImportConstraints {
  const staff = new Set(hubUsers);
  /** Rooms whose one thread a source thread already took. */
  const taken = new Set<string>();
  return {
    rules: [
      {
        id: BEYOND_FIRST_THREAD,
        unit: 'thread',
        reason: 'a Kabelwerk room is one conversation (one thread): a room\'s threads after the first are not carried (with their comments)',
      },
      {
        id: NOT_A_PARTICIPANT,
        unit: 'comment',
        reason: `a Kabelwerk room is its end user's conversation with the hub (the room id is the user's key): comments by anyone but that user or hub staff (users with metadata "${HUB_USER_FLAG}": true) are refused by Kabelwerk and not carried`,
      },
    ],
    user(user) {
      if (user.metadata[HUB_USER_FLAG] === true) staff.add(user.id);
    },
    thread(thread): ConstraintVerdict | undefined {
      if (taken.has(thread.roomId)) return { thread: BEYOND_FIRST_THREAD };
      const refused = thread.comments.flatMap((c, index) => (c.authorId === thread.roomId || staff.has(c.authorId) ? [] : [{ index, rule: NOT_A_PARTICIPANT }]));
      // A thread none of whose comments can be posted does not take the room's one conversation.
      if (refused.length < thread.comments.length) taken.add(thread.roomId);
      return refused.length > 0 ? { comments: refused } : undefined;
    },
  };
}
