/**
 * Core token room grants -> Velt permission resources (§11).
 * @module
 */
import type { VeltResource } from '../schemas.js';

/**
 * Core room permissions -> Velt permission resources: an exact room id -> a `document` resource, `*` ->
 * the whole `organization`; `read` -> `viewer`, `write` -> `editor`. Velt resources name exact ids, so
 * other prefix patterns (`team-*`) cannot be granted and are returned in `skipped`.
 */
export function tokenResources(rooms: Record<string, 'read' | 'write'> | undefined, organizationId: string): { resources: VeltResource[]; skipped: string[] } {
  const resources: VeltResource[] = [];
  const skipped: string[] = [];
  for (const [pattern, level] of Object.entries(rooms ?? {})) {
    const accessRole = level === 'write' ? 'editor' : 'viewer';
    if (pattern === '*') resources.push({ type: 'organization', id: organizationId, accessRole });
    else if (pattern.endsWith('*')) skipped.push(pattern);
    else resources.push({ type: 'document', id: pattern, organizationId, accessRole });
  }
  return { resources, skipped };
}
