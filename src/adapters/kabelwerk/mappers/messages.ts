/**
 * Kabelwerk messages <-> core comments and threads. A room is one flat conversation (§5): its one
 * thread has the room's id, and its comments are the room's messages (ids as decimal strings).
 * @module
 */
import type { Comment } from '../../../core/model/comment.js';
import type { Thread } from '../../../core/model/thread.js';
import { positiveIntegerId } from '../../../core/records.js';
import { redact } from '../../../core/redact.js';
import type { KabelwerkMessage } from '../schemas.js';
import { fromKabelwerkMessage } from './bodies.js';
import { kabelwerkDate } from './replies.js';

/** A message id from a comment id: decimal digits only (Kabelwerk ids are integers), else `undefined`. */
export function messageIdOf(commentId: string): number | undefined {
  return positiveIntegerId(commentId);
}

/** A message as a comment of the room `roomId`'s thread. An edited message (`updated_at` later) has `editedAt`. */
export function commentFromMessage(message: KabelwerkMessage, roomId: string, operation: string): Comment {
  const createdAt = kabelwerkDate(message.inserted_at, 'inserted_at', operation);
  const updatedAt = kabelwerkDate(message.updated_at, 'updated_at', operation);
  const comment: Comment = {
    id: String(message.id),
    threadId: roomId,
    roomId,
    // A message whose author was deleted has no user (sdk-js tolerates it).
    authorId: message.user?.key ?? '',
    body: fromKabelwerkMessage(message),
    createdAt,
    reactions: [],
    metadata: {},
    raw: redact(message),
  };
  if (updatedAt.getTime() > createdAt.getTime()) comment.editedAt = updatedAt;
  return comment;
}

/** A room's messages (oldest first, at least one) as its one thread. */
export function threadFromMessages(roomId: string, roomNumber: number, messages: readonly KabelwerkMessage[], operation: string): Thread {
  const comments = messages.map((m) => commentFromMessage(m, roomId, operation));
  const first = comments[0]!;
  const last = comments[comments.length - 1]!;
  return {
    id: roomId,
    roomId,
    resolved: false,
    metadata: {},
    comments,
    createdAt: first.createdAt,
    updatedAt: last.editedAt ?? last.createdAt,
    raw: { room_id: roomNumber, messages: comments.length },
  };
}
