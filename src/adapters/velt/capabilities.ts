import { type CapabilityDeclaration, type CapabilityKey, type CapabilityLevel, defineCapabilities } from '../../core/capabilities.js';
import type { VeltConfig } from './config.js';

/** The config fields capabilities depend on. */
export type VeltCapabilityInputs = Pick<VeltConfig, 'webhookAuthToken' | 'webhookSecret' | 'selfHosting' | 'selfHostingDatabaseUrl'>;

/**
 * What differs in self-hosted data mode (`selfHosting` or `selfHostingDatabaseUrl`,
 * docs/vendors/velt-self-hosting.md): the levels are the same, these notes replace or add to the others.
 */
export const VELT_SELF_HOSTED_NOTES: Readonly<Partial<Record<CapabilityKey, string>>> = Object.freeze({
  'threads.create':
    'self-hosted: the text goes to the content store first, then Velt gets the structure with isCommentResolverUsed (no text); ids are chosen by unicollab; a REST failure after the store write is a PartialFailureError: retry with the id it names',
  'comments.create':
    'self-hosted: the text goes to the content store first, then Velt gets the structure with isCommentResolverUsed (no text); a REST failure after the store write is a PartialFailureError, and calling again with the same input completes it without a duplicate',
  'comments.edit': 'self-hosted: the new text goes to the content store first; Velt gets only the tagged user ids and the resolver flags',
  'comments.delete': 'self-hosted: the content leaves the store first, then Velt deletes the message',
  'comments.get': 'Velt comment ids are numbers: unicollab ids are their decimal strings; self-hosted: text and HTML are merged from the content store by annotation and comment id',
  'threads.list': 'self-hosted: text comes from the content store (one store read per page); a message without stored content has an empty body',
  'users.upsert': 'self-hosted: name, email and avatarUrl are kept in the content store (Velt keeps the userId and metadata); the store is written first',
  'users.get': 'self-hosted: name, email and avatarUrl are merged from the content store',
  'reactions.add': 'Velt has no REST endpoint that writes reactions; self-hosted: reaction icons are read from the content store (as the data-provider handler saved them)',
  'reactions.remove': 'Velt has no REST endpoint that writes reactions; self-hosted: reaction icons are read from the content store (as the data-provider handler saved them)',
});

/**
 * What the Velt adapter offers with a config (docs/vendors/velt.md cited as §N). Webhook capabilities
 * depend on it: `webhooks.verify` needs a basic `webhookAuthToken` or an advanced `webhookSecret`;
 * `webhooks.subscriptions` (advanced webhook endpoints, Enterprise) needs advanced webhooks configured.
 */
export function veltCapabilities(config: Partial<VeltCapabilityInputs> = {}): CapabilityDeclaration {
  const advanced = typeof config.webhookSecret === 'string' && config.webhookSecret !== '';
  const basic = typeof config.webhookAuthToken === 'string' && config.webhookAuthToken !== '';
  const levels: Partial<Record<CapabilityKey, CapabilityLevel>> = {
    'rooms.metadataFilter': 'partial',
    'rooms.access': 'partial',
    'rooms.archive': 'no',
    'reactions.add': 'no',
    'reactions.remove': 'no',
    'presence.list': 'no',
    'presence.set': 'partial',
    'notifications.list': 'partial',
    'auth.issueToken': 'partial',
    'events.broadcast': 'partial',
    'webhooks.verify': advanced || basic ? 'yes' : 'no',
    'webhooks.subscriptions': advanced ? 'partial' : 'no',
    // CRDT editor data over /v2/crdt/* (docs/vendors/velt-crdt.md): JSON per editor, no binary updates, no versions.
    'documents.get': 'yes',
    'documents.set': 'yes',
    'documents.list': 'partial',
    'documents.updates': 'no',
    'documents.versions': 'no',
  };
  const notes: Partial<Record<CapabilityKey, string>> = {
    // Differences that do not lower a level but that a user switching to Velt should know.
    'threads.resolve': 'resolution is a Velt status of type "terminal" (RESOLVED) set with resolvedByUserId; unresolve sets OPEN; any terminal status counts as resolved',
    'comments.get': 'Velt comment ids are numbers: unicollab ids are their decimal strings, and a non-numeric id is a ValidationError naming commentId',
    'threads.create': 'sent with triggerNotification, so mentioned users are notified and webhooks fire as for a thread made in the Velt UI',
    'notifications.trigger': 'a notification without roomId is stored on the notificationDocumentId document (default "unicollab-notifications")',
    'rooms.metadataFilter': 'Velt has no document metadata query: documents are filtered client-side, page by page',
    'rooms.access':
      'only the default level: write = public, none = restricted; Velt has no read-only default and stores no per-user/group access on documents (grant it with auth.issueToken)',
    'rooms.archive': 'Velt documents have no archived state (keep one in document metadata instead)',
    'reactions.add': 'Velt has no REST endpoint that writes reactions (only its front-end SDK can); reactions are read from comment data',
    'reactions.remove': 'Velt has no REST endpoint that writes reactions (only its front-end SDK can); reactions are read from comment data',
    'presence.list': 'Velt documents no REST endpoint that reads presence',
    'presence.set': 'Velt stores name, email and status "online" only: data and ttlSeconds are not kept (entries do not expire)',
    'notifications.list':
      'read state comes from readByUserIds/isUnread (not in Velt docs); readAt is the notification time; the unread filter runs client-side',
    'auth.issueToken':
      'Velt permissions name exact documents: room prefixes other than "*" (whole organization) are not granted; groupIds are ignored',
    'events.broadcast': 'sets the room\'s Velt live state "unicollab-broadcast" (replace, not a queue); the payload must be a JSON object',
    'documents.get':
      'a key is a Velt CRDT editorId (POST /v2/crdt/get); Velt answers no type, so a value of another JSON shape is a ConflictError and text/xml are told apart only by whether the string parses as XML',
    'documents.set':
      'reads the editor, then /v2/crdt/add or /v2/crdt/update; written with Velt\'s default contentKey "content" (a TipTap editor reads "default"); a change between text and xml is sent as an update',
    'documents.list': 'Velt answers no type: it is inferred from the JSON shape (a string is reported as text, so an xml key lists as text)',
    'documents.updates': 'Velt has no REST endpoint for binary Yjs updates (only its front-end SDK syncs Yjs)',
    'documents.versions': 'Velt CRDT versions are saved and read by its front-end SDK only; there is no REST endpoint',
  };
  if (!(advanced || basic)) notes['webhooks.verify'] = 'configure webhookAuthToken (basic webhooks) or webhookSecret (advanced webhooks)';
  notes['webhooks.subscriptions'] = advanced
    ? 'advanced webhook endpoints; events without a Velt equivalent (room.*, thread.deleted, thread.metadata_updated, notification.created, user.*, storage.updated) are rejected'
    : 'needs advanced webhooks (Velt Enterprise): set webhookSecret';
  if (config.selfHosting !== undefined || (typeof config.selfHostingDatabaseUrl === 'string' && config.selfHostingDatabaseUrl !== '')) {
    Object.assign(notes, VELT_SELF_HOSTED_NOTES);
    notes['webhooks.verify'] = `${notes['webhooks.verify'] ? `${notes['webhooks.verify']}; ` : ''}self-hosted: Velt's webhook payloads carry ids but no comment text (read it through threads.get)`;
  }
  return defineCapabilities(levels, notes);
}

/** The declarations shown in the README capability table: without webhooks, with basic, with advanced webhooks. */
export function veltCapabilityVariants(): Array<{ label: string; declaration: CapabilityDeclaration }> {
  return [
    { label: 'velt', declaration: veltCapabilities({}) },
    { label: 'velt (+basic webhooks)', declaration: veltCapabilities({ webhookAuthToken: 'configured' }) },
    { label: 'velt (+advanced webhooks)', declaration: veltCapabilities({ webhookSecret: 'whsec_configured' }) },
  ];
}
