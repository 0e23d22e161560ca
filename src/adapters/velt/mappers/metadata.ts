/**
 * Core metadata <-> the free-form fields of Velt documents, users and annotation contexts (reserved keys kept out).
 * @module
 */
import { ValidationError } from '../../../core/errors.js';
import { type Metadata, MetadataValueSchema } from '../../../core/model/common.js';

const PROVIDER = 'velt';

/**
 * Document keys Velt uses itself (§5, SDK `DocumentMetadata`): any other key of a document is room
 * metadata ("add documents with metadata", §5.1). A room metadata key among these is a `ValidationError`.
 */
export const DOCUMENT_RESERVED_KEYS: ReadonlySet<string> = new Set([
  'id', 'documentId', 'documentName', 'accessType', 'disabled', 'folderId', 'veltFolderId', 'organizationId', 'apiKey',
  'clientDocumentId', 'clientOrganizationId', 'pageInfo', 'locations', 'creator', 'createdAt', 'lastUpdated', 'metadata',
]);

/** User keys Velt uses itself (§6, §7.1 expanded user): any other key of a user is user metadata. */
export const USER_RESERVED_KEYS: ReadonlySet<string> = new Set([
  'id', 'userId', 'name', 'email', 'photoUrl', 'initial', 'accessRole', 'organizationId', 'clientOrganizationId', 'color',
  'textColor', 'type', 'isAdmin', 'isGuest', 'plan', 'groupId', 'clientUserName', 'name_lowercase', 'email_lowercase',
  'contacts', 'createdAt', 'lastUpdated',
]);

/** Context keys Velt manages on annotations (§7.1): `access` and the derived `accessFields`. */
export const CONTEXT_RESERVED_KEYS: ReadonlySet<string> = new Set(['access', 'accessFields']);

/** Keeps the entries of `source` that are valid metadata values and not reserved; `null` (a deleted key) is dropped. */
export function pickMetadata(source: Record<string, unknown> | null | undefined, reserved: ReadonlySet<string>): Metadata {
  const out: Metadata = {};
  if (!source) return out;
  for (const [key, value] of Object.entries(source)) {
    if (reserved.has(key) || value === null || value === undefined) continue;
    const parsed = MetadataValueSchema.safeParse(value);
    if (parsed.success) out[key] = Array.isArray(parsed.data) ? [...parsed.data] : parsed.data;
  }
  return out;
}

/** Throws a `ValidationError` naming `<field>.<key>` when metadata uses a key Velt reserves. */
export function assertNoReservedKeys(metadata: Record<string, unknown> | undefined, reserved: ReadonlySet<string>, field: string, operation: string): void {
  if (!metadata) return;
  for (const key of Object.keys(metadata)) {
    if (reserved.has(key)) {
      throw new ValidationError(`${field}.${key}`, `"${key}" is a field Velt uses itself and cannot be metadata`, { provider: PROVIDER, operation });
    }
  }
}

/**
 * The fields to send so that stored top-level metadata becomes `next`: every key of `next`, plus `null`
 * for each key of `previous` that is gone (Velt merges fields, so only an explicit `null` removes one).
 */
export function metadataDiff(previous: Metadata, next: Metadata): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(previous)) if (!(key in next)) out[key] = null;
  for (const [key, value] of Object.entries(next)) out[key] = Array.isArray(value) ? [...value] : value;
  return out;
}

