import { CAPABILITY_KEYS, type CapabilityDeclaration, type CapabilityKey, type CapabilityLevel, defineCapabilities } from 'unicollab';

/** Rooms only: every other capability is declared `no`, so the guard refuses it before the adapter runs. */
export function templateCapabilities(): CapabilityDeclaration {
  const levels: Partial<Record<CapabilityKey, CapabilityLevel>> = {};
  for (const key of CAPABILITY_KEYS) if (!key.startsWith('rooms.') || key === 'rooms.metadataFilter' || key === 'rooms.access' || key === 'rooms.archive') levels[key] = 'no';
  return defineCapabilities(levels);
}
