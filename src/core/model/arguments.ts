import type { z } from 'zod';
import { setMethodArguments } from '../argument-tables.js';
import { CreateCommentInputSchema, EditCommentInputSchema, ReactionInputSchema } from './comment.js';
import { MetadataPatchSchema, PageRequestSchema } from './common.js';
import { CreateWebhookSubscriptionInputSchema } from './event.js';
import { BROADCAST_JSON_LIMITS, jsonValue } from './json.js';
import { IssueTokenInputSchema } from './auth.js';
import { DocumentRefSchema, DocumentUpdateSchema, JsonPatchSchema, SetDocumentInputSchema, StorageQuerySchema, StorageRootSchema } from './document.js';
import { NotificationListQuerySchema, TriggerNotificationInputSchema } from './notification.js';
import { SetPresenceInputSchema } from './presence.js';
import { CreateRoomInputSchema, RoomIterateFilterSchema, RoomListQuerySchema, UpdateRoomInputSchema } from './room.js';
import { CreateThreadInputSchema, ResolveThreadInputSchema, ThreadIterateQuerySchema, ThreadListQuerySchema } from './thread.js';
import { UpsertUserInputSchema } from './user.js';

/**
 * One positional argument of a service method:
 * - `id`: a required id (see `idProblem`), reported under `field`;
 * - `value`: checked with `schema`; issues are reported under `root` + their path (`root` `''` gives
 *   `comment.body`, as the adapters do), and a problem with the whole argument under `field`;
 * - `opaque`: not checked here (the service validates it itself and documents its own error class).
 */
export type ArgumentShape =
  | { readonly kind: 'id'; readonly field: string }
  | { readonly kind: 'value'; readonly field: string; readonly root: string; readonly schema: z.ZodType; readonly optional: boolean }
  | { readonly kind: 'opaque'; readonly field: string };

/** The arguments of one service method, and whether a trailing `options?: CallOptions` follows them. */
export interface MethodShape {
  /** The positional arguments, in order. */
  readonly args: readonly ArgumentShape[];
  /** Whether `args.length` is the index of an `options?: { signal?, tenantId? }` argument. */
  readonly options: boolean;
}

const id = (field: string): ArgumentShape => ({ kind: 'id', field });
const input = (schema: z.ZodType): ArgumentShape => ({ kind: 'value', field: 'input', root: '', schema, optional: false });
const named = (field: string, schema: z.ZodType, optional = false): ArgumentShape => ({ kind: 'value', field, root: field, schema, optional });
/** List queries of rooms and users report their fields without a prefix (`limit`), as the adapters do. */
const query = (schema: z.ZodType): ArgumentShape => ({ kind: 'value', field: 'query', root: '', schema, optional: true });
const method = (...args: ArgumentShape[]): MethodShape => ({ args, options: true });

/**
 * The argument shapes of every public service method, by service and method name (the same keys as
 * the guard's capability table; `webhooks.subscriptions` is the nested service). The guard validates
 * every call against this once, before the adapter runs.
 */
export const METHOD_ARGUMENTS: Readonly<Record<string, Readonly<Record<string, MethodShape>>>> = {
  rooms: {
    create: method(input(CreateRoomInputSchema)),
    get: method(id('id')),
    list: method(query(RoomListQuerySchema)),
    iterate: method({ kind: 'value', field: 'filter', root: '', schema: RoomIterateFilterSchema, optional: true }),
    update: method(id('id'), named('patch', UpdateRoomInputSchema)),
    delete: method(id('id')),
  },
  users: {
    upsert: method(input(UpsertUserInputSchema)),
    get: method(id('id')),
    list: method(query(PageRequestSchema)),
    delete: method(id('id')),
  },
  threads: {
    create: method(input(CreateThreadInputSchema)),
    get: method(id('roomId'), id('threadId')),
    list: method(id('roomId'), named('query', ThreadListQuerySchema, true)),
    iterate: method(id('roomId'), named('query', ThreadIterateQuerySchema, true)),
    delete: method(id('roomId'), id('threadId')),
    resolve: method(id('roomId'), id('threadId'), input(ResolveThreadInputSchema)),
    unresolve: method(id('roomId'), id('threadId'), input(ResolveThreadInputSchema)),
    updateMetadata: method(id('roomId'), id('threadId'), named('metadata', MetadataPatchSchema)),
  },
  comments: {
    create: method(input(CreateCommentInputSchema)),
    get: method(id('roomId'), id('threadId'), id('commentId')),
    edit: method(id('roomId'), id('threadId'), id('commentId'), input(EditCommentInputSchema)),
    delete: method(id('roomId'), id('threadId'), id('commentId')),
  },
  reactions: {
    add: method(input(ReactionInputSchema)),
    remove: method(input(ReactionInputSchema)),
  },
  presence: {
    list: method(id('roomId')),
    set: method(input(SetPresenceInputSchema)),
    clear: method(id('roomId'), id('userId')),
  },
  notifications: {
    list: method(id('userId'), named('query', NotificationListQuerySchema, true)),
    markRead: method(id('userId'), id('notificationId')),
    delete: method(id('userId'), id('notificationId')),
    trigger: method(input(TriggerNotificationInputSchema)),
  },
  auth: {
    issueToken: method(input(IssueTokenInputSchema)),
  },
  webhooks: {
    // The verifiers check the request themselves and answer WebhookVerificationError for any
    // malformed one (their documented contract), so the guard does not turn those into ValidationError.
    verify: { args: [{ kind: 'opaque', field: 'request' }], options: false },
  },
  'webhooks.subscriptions': {
    create: method(input(CreateWebhookSubscriptionInputSchema)),
    get: method(id('id')),
    list: method(),
    delete: method(id('id')),
  },
  events: {
    broadcast: method(id('roomId'), named('payload', jsonValue(BROADCAST_JSON_LIMITS))),
  },
  documents: {
    get: method(id('roomId'), named('ref', DocumentRefSchema)),
    set: method(id('roomId'), input(SetDocumentInputSchema)),
    list: method(id('roomId')),
    getUpdate: method(id('roomId')),
    applyUpdate: method(id('roomId'), named('update', DocumentUpdateSchema)),
  },
  'documents.versions': {
    list: method(id('roomId')),
    create: method(id('roomId')),
  },
  storage: {
    get: method(id('roomId'), named('query', StorageQuerySchema, true)),
    initialize: method(id('roomId'), named('root', StorageRootSchema)),
    delete: method(id('roomId')),
    patch: method(id('roomId'), named('operations', JsonPatchSchema)),
  },
};

setMethodArguments(METHOD_ARGUMENTS);
