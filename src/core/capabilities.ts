import { UnsupportedFeatureError } from './errors.js';

/** Every capability an adapter declares. Each service method is guarded by one key. */
export const CAPABILITY_KEYS = [
  'rooms.create',
  'rooms.get',
  'rooms.list',
  'rooms.update',
  'rooms.delete',
  'rooms.metadataFilter',
  'rooms.access',
  'rooms.archive',
  'users.upsert',
  'users.get',
  'users.list',
  'users.delete',
  'threads.create',
  'threads.get',
  'threads.list',
  'threads.delete',
  'threads.resolve',
  'threads.metadata',
  'comments.create',
  'comments.get',
  'comments.edit',
  'comments.delete',
  'reactions.add',
  'reactions.remove',
  'presence.list',
  'presence.set',
  'presence.clear',
  'notifications.list',
  'notifications.markRead',
  'notifications.delete',
  'notifications.trigger',
  'auth.issueToken',
  'webhooks.verify',
  'webhooks.subscriptions',
  'events.broadcast',
  'documents.get',
  'documents.set',
  'documents.list',
  'documents.updates',
  'documents.versions',
  'storage.get',
  'storage.initialize',
  'storage.delete',
  'storage.patch',
] as const;

/** A capability key, e.g. `threads.resolve`. */
export type CapabilityKey = (typeof CAPABILITY_KEYS)[number];

/** `yes`: works as documented; `partial`: works with a limit stated in the note; `no`: throws `UnsupportedFeatureError`. */
export type CapabilityLevel = 'yes' | 'partial' | 'no';

/** The full capability map of an adapter. */
export type CapabilityMap = Readonly<Record<CapabilityKey, CapabilityLevel>>;

/** One-line notes for `partial` (and explanatory `no`) capabilities. */
export type CapabilityNotes = Readonly<Partial<Record<CapabilityKey, string>>>;

/** What an adapter declares: levels plus notes. */
export interface CapabilityDeclaration {
  /** Level of every capability. */
  levels: CapabilityMap;
  /** Notes for `partial` and `no` entries. */
  notes: CapabilityNotes;
}

/** Builds a full capability map: every key `yes` unless overridden. */
export function defineCapabilities(
  overrides: Partial<Record<CapabilityKey, CapabilityLevel>> = {},
  notes: Partial<Record<CapabilityKey, string>> = {},
): CapabilityDeclaration {
  const levels = {} as Record<CapabilityKey, CapabilityLevel>;
  for (const key of CAPABILITY_KEYS) levels[key] = overrides[key] ?? 'yes';
  return { levels: Object.freeze(levels), notes: Object.freeze({ ...notes }) };
}

/** True when `key` is a capability key. */
export function isCapabilityKey(key: string): key is CapabilityKey {
  return (CAPABILITY_KEYS as readonly string[]).includes(key);
}

/** The keys of `required` that the declaration does not offer (`no`). `partial` counts as offered. */
export function missingCapabilities(declaration: CapabilityDeclaration, required: readonly CapabilityKey[]): CapabilityKey[] {
  return required.filter((key) => declaration.levels[key] === 'no');
}

/** Throws `UnsupportedFeatureError` when `key` is `no`. Call before any I/O. */
export function assertCapability(provider: string, declaration: CapabilityDeclaration, key: CapabilityKey): void {
  if (declaration.levels[key] === 'no') throw new UnsupportedFeatureError(provider, key, declaration.notes[key]);
}
