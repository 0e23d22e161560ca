/**
 * JSON Patch (RFC 6902) over an LSON storage document, as the embedded provider applies `storage.patch`:
 * paths address the document's JSON form (through `LiveObject`/`LiveMap` keys and `LiveList` indexes),
 * added values are stored as plain JSON, and the patch applies all or nothing.
 * @module
 */
import { isDeepStrictEqual } from 'node:util';
import { ConflictError, ValidationError } from '../../core/errors.js';
import { isLsonNode, lsonToJson } from '../../core/documents/lson.js';
import type { JsonPatchOperation } from '../../core/model/document.js';

const OPERATION = 'storage.patch';

/** A container a pointer can step into: its children, list-like or keyed. */
type Container = { list: unknown[] } | { keyed: Record<string, unknown> };

function containerOf(value: unknown): Container | undefined {
  if (isLsonNode(value)) return value.lsonType === 'LiveList' ? { list: value.data as unknown[] } : { keyed: value.data as Record<string, unknown> };
  if (Array.isArray(value)) return { list: value };
  if (value !== null && typeof value === 'object') return { keyed: value as Record<string, unknown> };
  return undefined;
}

/** RFC 6901 reference tokens of a pointer (`""` is the root: no tokens). */
function tokens(pointer: string, field: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new ValidationError(field, 'must be a JSON Pointer starting with "/"', { provider: 'memory', operation: OPERATION });
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function index(token: string, length: number, forAdd: boolean, field: string): number {
  if (forAdd && token === '-') return length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new ValidationError(field, `has ${JSON.stringify(token)} where a list index is needed`, { provider: 'memory', operation: OPERATION });
  const i = Number(token);
  if (i > length || (!forAdd && i === length)) throw new ValidationError(field, `has index ${i}, out of range`, { provider: 'memory', operation: OPERATION });
  return i;
}

/** The container holding the pointer's last token, and that token. */
function parentOf(root: unknown, pointer: string, field: string): { container: Container; last: string } {
  const path = tokens(pointer, field);
  if (path.length === 0) throw new ValidationError(field, 'must not be the root (replace the document with storage.delete and storage.initialize)', { provider: 'memory', operation: OPERATION });
  let node = root;
  for (const token of path.slice(0, -1)) {
    const c = containerOf(node);
    if (!c) throw new ValidationError(field, 'does not exist in the storage document', { provider: 'memory', operation: OPERATION });
    node = 'list' in c ? c.list[index(token, c.list.length, false, field)] : Object.hasOwn(c.keyed, token) ? c.keyed[token] : missing(field);
  }
  const container = containerOf(node);
  if (!container) throw new ValidationError(field, 'does not exist in the storage document', { provider: 'memory', operation: OPERATION });
  return { container, last: path[path.length - 1] as string };
}

function missing(field: string): never {
  throw new ValidationError(field, 'does not exist in the storage document', { provider: 'memory', operation: OPERATION });
}

function get(root: unknown, pointer: string, field: string): unknown {
  if (pointer === '') return root;
  const { container, last } = parentOf(root, pointer, field);
  if ('list' in container) return container.list[index(last, container.list.length, false, field)];
  return Object.hasOwn(container.keyed, last) ? container.keyed[last] : missing(field);
}

function remove(root: unknown, pointer: string, field: string): unknown {
  const { container, last } = parentOf(root, pointer, field);
  if ('list' in container) return container.list.splice(index(last, container.list.length, false, field), 1)[0];
  if (!Object.hasOwn(container.keyed, last)) missing(field);
  const value = container.keyed[last];
  delete container.keyed[last];
  return value;
}

function add(root: unknown, pointer: string, value: unknown, field: string, replace: boolean): void {
  const { container, last } = parentOf(root, pointer, field);
  if ('list' in container) {
    const i = index(last, container.list.length, !replace, field);
    if (replace) container.list[i] = value;
    else container.list.splice(i, 0, value);
    return;
  }
  if (replace && !Object.hasOwn(container.keyed, last)) missing(field);
  Object.defineProperty(container.keyed, last, { value, enumerable: true, writable: true, configurable: true });
}

/** Returns a patched copy of `root` (an LSON `LiveObject` node); `root` itself is never changed. */
export function patchLson(root: unknown, operations: readonly JsonPatchOperation[]): unknown {
  const out = structuredClone(root);
  operations.forEach((op, i) => {
    const field = `operations.${i}.path`;
    switch (op.op) {
      case 'add':
        add(out, op.path, structuredClone(op.value), field, false);
        return;
      case 'replace':
        add(out, op.path, structuredClone(op.value), field, true);
        return;
      case 'remove':
        remove(out, op.path, field);
        return;
      case 'move': {
        if (op.path.startsWith(`${op.from}/`)) throw new ValidationError(field, 'must not be inside `from` (a value cannot move into itself)', { provider: 'memory', operation: OPERATION });
        const value = remove(out, op.from, `operations.${i}.from`);
        add(out, op.path, value, field, false);
        return;
      }
      case 'copy':
        add(out, op.path, structuredClone(get(out, op.from, `operations.${i}.from`)), field, false);
        return;
      case 'test': {
        const actual = lsonToJson(get(out, op.path, field));
        if (!isDeepStrictEqual(actual, op.value)) {
          throw new ConflictError(`storage.patch operation ${i} (test ${op.path}) failed: the value differs, so nothing was applied`, { provider: 'memory', operation: OPERATION });
        }
        return;
      }
    }
  });
  return out;
}
