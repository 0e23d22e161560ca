/**
 * LSON, the vendor-neutral form of a JSON storage document: conflict-free containers are nodes
 * `{ lsonType: 'LiveObject' | 'LiveMap' | 'LiveList', data }`, everything else is JSON. Adapters map
 * their vendor's node shape to this one; core turns it into plain JSON.
 * @module
 */

/** The kinds of LSON container nodes. */
export type LsonType = 'LiveObject' | 'LiveMap' | 'LiveList';

/** An LSON container node. */
export interface LsonNode {
  lsonType: LsonType;
  data: unknown;
}

/** Whether `value` is an LSON container node. */
export function isLsonNode(value: unknown): value is LsonNode {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const kind = (value as { lsonType?: unknown }).lsonType;
  return kind === 'LiveObject' || kind === 'LiveMap' || kind === 'LiveList';
}

/** The plain JSON form of an LSON value: `LiveObject`/`LiveMap` become objects, `LiveList` arrays. */
export function lsonToJson(value: unknown): unknown {
  if (isLsonNode(value)) {
    if (value.lsonType === 'LiveList') return (value.data as unknown[]).map(lsonToJson);
    return mapValues(value.data as Record<string, unknown>, lsonToJson);
  }
  if (Array.isArray(value)) return value.map(lsonToJson);
  if (value !== null && typeof value === 'object') return mapValues(value as Record<string, unknown>, lsonToJson);
  return value;
}

/**
 * Renames the kind key of every container node, e.g. from a vendor's own key (`<vendor>Type`) to `lsonType`
 * and back, leaving plain JSON untouched.
 */
export function renameLsonKind(value: unknown, from: string, to: string): unknown {
  if (Array.isArray(value)) return value.map((v) => renameLsonKind(v, from, to));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const kind = record[from];
  if (kind === 'LiveObject' || kind === 'LiveMap' || kind === 'LiveList') {
    const data = kind === 'LiveList' ? (record.data as unknown[]).map((v) => renameLsonKind(v, from, to)) : mapValues(record.data as Record<string, unknown>, (v) => renameLsonKind(v, from, to));
    return { [to]: kind, data };
  }
  return mapValues(record, (v) => renameLsonKind(v, from, to));
}

function mapValues(record: Record<string, unknown>, fn: (value: unknown) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    // `__proto__` is data here (JSON.parse makes it an own key): define it, never assign it.
    if (key === '__proto__') Object.defineProperty(out, key, { value: fn(record[key]), enumerable: true, writable: true, configurable: true });
    else out[key] = fn(record[key]);
  }
  return out;
}
