/**
 * Stand-ins for the optional services an adapter leaves out, and the capability levels that go with
 * them: every capability of an absent service is `no`, so the guard refuses its methods before any
 * adapter code, and `collab.documents` exists (typed) on every provider.
 * @module
 */
import { inject, injectable } from 'inversify';
import type { AdapterDefinition, OptionalServiceName } from './adapter.js';
import { CAPABILITY_KEYS, type CapabilityDeclaration, type CapabilityKey, type CapabilityLevel } from './capabilities.js';
import { UnsupportedFeatureError } from './errors.js';
import type { DocumentService, DocumentVersionService } from './services/documents.js';
import type { StorageService } from './services/storage.js';
import { TOKENS } from './tokens.js';

/** The optional services, with the prefix of their capability keys. */
export const OPTIONAL_SERVICES: Readonly<Record<OptionalServiceName, string>> = { documents: 'documents.', storage: 'storage.' };

function absent(provider: string, key: CapabilityKey): Promise<never> {
  return Promise.reject(new UnsupportedFeatureError(provider, key, `the ${provider} adapter has no ${key.split('.')[0]} service`));
}

/** `collab.documents` of an adapter without one: every method rejects with `UnsupportedFeatureError`. */
@injectable()
export class AbsentDocumentService implements DocumentService {
  readonly versions: DocumentVersionService;
  constructor(@inject(TOKENS.ProviderId) private readonly provider: string) {
    this.versions = { list: () => absent(provider, 'documents.versions'), create: () => absent(provider, 'documents.versions') };
  }
  get(): Promise<never> {
    return absent(this.provider, 'documents.get');
  }
  set(): Promise<never> {
    return absent(this.provider, 'documents.set');
  }
  list(): Promise<never> {
    return absent(this.provider, 'documents.list');
  }
  getUpdate(): Promise<never> {
    return absent(this.provider, 'documents.updates');
  }
  applyUpdate(): Promise<never> {
    return absent(this.provider, 'documents.updates');
  }
}

/** `collab.storage` of an adapter without one: every method rejects with `UnsupportedFeatureError`. */
@injectable()
export class AbsentStorageService implements StorageService {
  constructor(@inject(TOKENS.ProviderId) private readonly provider: string) {}
  get(): Promise<never> {
    return absent(this.provider, 'storage.get');
  }
  initialize(): Promise<never> {
    return absent(this.provider, 'storage.initialize');
  }
  delete(): Promise<never> {
    return absent(this.provider, 'storage.delete');
  }
  patch(): Promise<never> {
    return absent(this.provider, 'storage.patch');
  }
}

/** The stand-in class of each optional service. */
export const ABSENT_SERVICES = { documents: AbsentDocumentService, storage: AbsentStorageService } as const;

/**
 * The capabilities an adapter offers with a config: its own declaration, with every capability of an
 * optional service it does not bind set to `no` (with a note saying so), whatever it declared.
 */
export function effectiveCapabilities(definition: Pick<AdapterDefinition<never>, 'id' | 'services'>, declaration: CapabilityDeclaration): CapabilityDeclaration {
  const prefixes = (Object.keys(OPTIONAL_SERVICES) as OptionalServiceName[]).filter((name) => typeof definition.services[name] !== 'function').map((name) => OPTIONAL_SERVICES[name]);
  if (prefixes.length === 0) return declaration;
  const levels = { ...declaration.levels } as Record<CapabilityKey, CapabilityLevel>;
  const notes = { ...declaration.notes } as Partial<Record<CapabilityKey, string>>;
  for (const key of CAPABILITY_KEYS) {
    if (!prefixes.some((p) => key.startsWith(p))) continue;
    if (levels[key] !== 'no' || notes[key] === undefined) notes[key] = `the ${definition.id} adapter has no ${key.split('.')[0]} service`;
    levels[key] = 'no';
  }
  return { levels: Object.freeze(levels), notes: Object.freeze(notes) };
}
