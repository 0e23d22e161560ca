import { type CapabilityDeclaration, type CapabilityKey, type CapabilityLevel, defineCapabilities } from '../../core/capabilities.js';

/** The parts of the Liveblocks config the capabilities depend on. */
export interface LiveblocksCapabilityInputs {
  managementToken?: string;
  projectId?: string;
  webhookSecret?: string;
  webhookSecrets?: readonly string[];
}

const USERS_NOTE = 'Liveblocks has no user store: users come from your app (their info travels in tokens and presence)';

/**
 * What the Liveblocks adapter can do with a config. Every level is backed by a REST v2 endpoint of
 * docs/vendors/liveblocks.md; the notes say what Liveblocks itself does not offer.
 *
 * - `users.*`: `no`, Liveblocks keeps no users.
 * - `presence.list`: `partial`, active users carry user info but REST never returns presence data.
 * - `presence.clear`: `partial`, there is no delete-presence endpoint; see the note.
 * - `webhooks.verify`: needs `webhookSecret` / `webhookSecrets`, or a management token (secrets of
 *   subscriptions created through the collab are trusted).
 * - `webhooks.subscriptions`: needs `managementToken` and `projectId` (Management API).
 * - `documents.*`: the room's Yjs document (`/ydoc`, `/ydoc-binary`, `/versions`).
 * - `storage.*`: the room's JSON storage (`/storage`); `storage.patch` is `partial`, see the note.
 */
export function liveblocksCapabilities(config: LiveblocksCapabilityInputs): CapabilityDeclaration {
  const hasSecret = config.webhookSecret !== undefined || (config.webhookSecrets?.length ?? 0) > 0;
  const canManage = config.managementToken !== undefined && config.projectId !== undefined;
  const levels: Partial<Record<CapabilityKey, CapabilityLevel>> = {
    'users.upsert': 'no',
    'users.get': 'no',
    'users.list': 'no',
    'users.delete': 'no',
    'rooms.archive': 'no',
    'presence.list': 'partial',
    'presence.clear': 'partial',
    // Subscriptions created through the collab hand their secret to the verifier, so a management token also enables it.
    'webhooks.verify': hasSecret || canManage ? 'yes' : 'no',
    'webhooks.subscriptions': canManage ? 'yes' : 'no',
    'documents.get': 'yes',
    'documents.set': 'yes',
    'documents.list': 'yes',
    'documents.updates': 'yes',
    'documents.versions': 'yes',
    'storage.get': 'yes',
    'storage.initialize': 'yes',
    'storage.delete': 'yes',
    'storage.patch': 'partial',
  };
  const notes: Partial<Record<CapabilityKey, string>> = {
    'rooms.create': 'the room name is stored in the room metadata key "uc:name" (Liveblocks rooms have no name field)',
    'rooms.archive': 'Liveblocks rooms have no archived state (keep one in room metadata and filter on it instead)',
    'users.upsert': USERS_NOTE,
    'users.get': USERS_NOTE,
    'users.list': USERS_NOTE,
    'users.delete': USERS_NOTE,
    'threads.list': 'Liveblocks returns all threads of a room at once; pages and cursors are cut client-side',
    'presence.list': 'active users with their connection and user info; the REST API does not return presence data',
    'presence.clear':
      'no delete-presence endpoint: clear re-sets the server-set presence with the minimum TTL, so the user disappears within 2 s; WebSocket users cannot be removed',
    'documents.get': 'reads the whole document (GET /ydoc-binary) and the key from it',
    'documents.set': 'reads the whole document (GET /ydoc-binary) and sends only the Yjs update that changes the key',
    'documents.versions': 'Yjs history versions; the Liveblocks dev server does not implement them (HTTP 501)',
    'storage.initialize': 'Liveblocks disconnects the users of the room when its storage is initialised',
    'storage.patch':
      'JSON Patch paths must go through LiveObject/LiveList/LiveMap nodes, not into plain JSON values inside them; the Liveblocks dev server does not implement it (HTTP 501)',
  };
  if (!hasSecret && !canManage) notes['webhooks.verify'] = 'configure webhookSecret (whsec_..., env LIVEBLOCKS_WEBHOOK_SECRET) or webhookSecrets';
  if (!canManage) notes['webhooks.subscriptions'] = 'configure managementToken and projectId to manage webhooks through the Management API';
  return defineCapabilities(levels, notes);
}

/** The declarations shown in the README capability table: the usual config, and with a management token. */
export function liveblocksCapabilityVariants(): Array<{ label: string; declaration: CapabilityDeclaration }> {
  const webhookSecret = 'whsec_example';
  return [
    { label: 'liveblocks', declaration: liveblocksCapabilities({ webhookSecret }) },
    { label: 'liveblocks (+management token)', declaration: liveblocksCapabilities({ webhookSecret, managementToken: 'token', projectId: 'project' }) },
  ];
}
