/**
 * Velt documents <-> core rooms (§5).
 * @module
 */
import { ValidationError } from '../../../core/errors.js';
import type { AccessLevel, Room, RoomAccess } from '../../../core/model/room.js';
import { redact } from '../../../core/redact.js';
import type { VeltDocument } from '../schemas.js';
import { DOCUMENT_RESERVED_KEYS, pickMetadata } from './metadata.js';

const PROVIDER = 'velt';

/**
 * Core room access -> Velt `accessType` (§5, key-concepts "Access Control"): `write` -> `public`
 * (any authenticated user of the app), `none` -> `restricted` (only explicitly permitted users).
 * Velt has no read-only default and stores no per-user/group access on the document, so those are
 * a `ValidationError` rather than a silent downgrade.
 */
export function accessTypeOf(access: RoomAccess, field: string, operation: string): 'public' | 'restricted' {
  const fail = (path: string, message: string): never => {
    throw new ValidationError(path, message, { provider: PROVIDER, operation });
  };
  if (access.users && Object.keys(access.users).length > 0) fail(`${field}.users`, 'Velt stores no per-user access on documents: grant it with auth.issueToken');
  if (access.groups && Object.keys(access.groups).length > 0) fail(`${field}.groups`, 'Velt stores no per-group access on documents');
  const level: AccessLevel = access.default ?? 'write';
  if (level === 'read') fail(`${field}.default`, 'Velt has no read-only default access (use "write" for public or "none" for restricted)');
  return level === 'none' ? 'restricted' : 'public';
}

/** Velt `accessType` -> core room access. `organizationPrivate` has no core equivalent and is reported as `none` for outsiders. */
export function roomAccessOf(accessType: string | null | undefined): RoomAccess | undefined {
  if (accessType === 'public') return { default: 'write' };
  if (accessType === 'restricted' || accessType === 'organizationPrivate') return { default: 'none' };
  return undefined;
}

/** A Velt document -> core Room. Metadata is every non-reserved key of the document. */
export function toRoom(doc: VeltDocument): Room {
  const room: Room = { id: doc.id, metadata: pickMetadata(doc, DOCUMENT_RESERVED_KEYS), raw: redact(doc) };
  if (typeof doc.documentName === 'string' && doc.documentName !== '') room.name = doc.documentName;
  const access = roomAccessOf(doc.accessType);
  if (access) room.access = access;
  return room;
}
