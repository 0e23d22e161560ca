/* eslint-disable @typescript-eslint/no-explicit-any -- Yjs types its root types as AbstractType<any> */
/**
 * The JSON view of a Yjs document, the same for every adapter: read a root shared type as JSON, list
 * the root types with their kinds, and turn "set this key to this JSON" into a Yjs update against the
 * document's current state (so a write merges with concurrent edits the way Yjs merges). Adapters load
 * it lazily (`await import(...)`), so apps that never touch documents never load `yjs`.
 * @module
 */
import * as Y from 'yjs';
import { ConflictError, ValidationError } from '../errors.js';
import type { DocumentEntry, SharedType } from '../model/document.js';
import { parseXmlFragment, type XmlNode, XmlSyntaxError } from './xml.js';

export { Y };

/** A fresh `Y.Doc` holding `update` (none: empty). A malformed update is a `ValidationError` on `field`. */
export function docFromUpdate(update: Uint8Array | undefined, field = 'update'): Y.Doc {
  const doc = new Y.Doc();
  if (update !== undefined && update.byteLength > 0) applyUpdateChecked(doc, update, field);
  return doc;
}

/**
 * Merges `update` into `doc`, refusing bytes that are not a Yjs update (v1 encoding): they are
 * decoded first, so a bad update changes nothing.
 */
export function applyUpdateChecked(doc: Y.Doc, update: Uint8Array, field = 'update'): void {
  try {
    Y.decodeUpdate(update);
  } catch {
    throw new ValidationError(field, 'is not a binary Yjs update (v1 encoding)');
  }
  Y.applyUpdate(doc, update);
}

/** The whole document as one update. */
export function encodeDoc(doc: Y.Doc): Uint8Array {
  return Y.encodeStateAsUpdate(doc);
}

/** The first live item of a root type's sequence, if any. */
function firstLiveItem(type: Y.AbstractType<any>): Y.Item | null {
  let item = type._start;
  while (item !== null && item.deleted) item = item.right;
  return item;
}

/**
 * The kind of a root shared type, told from its content (a loaded document does not record which
 * constructor created a root type): `undefined` when it is empty. Items of formatted text or plain
 * strings are `text`, XML nodes are `xml`, other sequence items `array`, keyed entries `map`.
 */
export function sharedTypeOf(type: Y.AbstractType<any>): SharedType | undefined {
  if (type instanceof Y.Text) return 'text';
  if (type instanceof Y.XmlFragment) return 'xml';
  if (type instanceof Y.Array) return 'array';
  if (type instanceof Y.Map) return 'map';
  const item = firstLiveItem(type);
  if (item !== null) {
    const content = item.content;
    if (content instanceof Y.ContentString || content instanceof Y.ContentFormat || content instanceof Y.ContentEmbed) return 'text';
    if (content instanceof Y.ContentType) return content.type instanceof Y.XmlElement || content.type instanceof Y.XmlText ? 'xml' : 'array';
    return 'array';
  }
  for (const entry of type._map.values()) if (!entry.deleted) return 'map';
  return undefined;
}

/** The root types present, with their kinds where the content tells. */
export function listSharedTypes(doc: Y.Doc): DocumentEntry[] {
  const out: DocumentEntry[] = [];
  for (const [key, type] of doc.share) {
    const kind = sharedTypeOf(type);
    out.push(kind === undefined ? { key } : { key, type: kind });
  }
  return out;
}

/** The empty JSON value of each kind (what an absent key reads as). */
export function emptyValue(type: SharedType): unknown {
  return type === 'map' ? {} : type === 'array' ? [] : '';
}

/** Refuses to read or write `key` as `type` when it holds another kind. */
function checkKind(doc: Y.Doc, key: string, type: SharedType): void {
  const existing = doc.share.get(key);
  const kind = existing === undefined ? undefined : sharedTypeOf(existing);
  if (kind !== undefined && kind !== type) {
    throw new ConflictError(`The document's "${key}" holds a ${kind}, not a ${type}; a root shared type keeps its kind`);
  }
}

function typed(doc: Y.Doc, key: string, type: SharedType): Y.Text | Y.Map<unknown> | Y.Array<unknown> | Y.XmlFragment {
  switch (type) {
    case 'text':
      return doc.getText(key);
    case 'map':
      return doc.getMap(key);
    case 'array':
      return doc.getArray(key);
    case 'xml':
      return doc.getXmlFragment(key);
  }
}

/**
 * The JSON form of root type `key` read as `type`: `text` a string, `map` an object, `array` an array,
 * `xml` the fragment's XML string. An absent key reads as the empty value of its type.
 */
export function readSharedType(doc: Y.Doc, key: string, type: SharedType): unknown {
  if (!doc.share.has(key)) return emptyValue(type);
  checkKind(doc, key, type);
  const shared = typed(doc, key, type);
  if (shared instanceof Y.Map) return mapToJson(shared);
  return shared instanceof Y.XmlFragment || shared instanceof Y.Text ? shared.toString() : shared.toJSON();
}

/** `Y.Map#toJSON` assigns keys, so a `__proto__` entry would become the result's prototype: define them instead. */
function mapToJson(map: Y.Map<unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of map.entries()) {
    Object.defineProperty(out, key, { value: value instanceof Y.AbstractType ? value.toJSON() : value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * Checks that `value` is well-formed for `type` (an XML string parses), naming `field`. Core's input
 * schema already checks it before an adapter method runs; this is for values from elsewhere.
 */
export function checkValue(type: SharedType, value: unknown, field = 'value'): void {
  if (type === 'xml') parseXml(value as string, field);
}

/** Replaces the content of root type `key` with `value` in one transaction, changing only what differs. */
export function writeSharedType(doc: Y.Doc, key: string, type: SharedType, value: unknown): void {
  checkKind(doc, key, type);
  const nodes = type === 'xml' ? parseXml(value as string) : undefined;
  doc.transact(() => {
    const shared = typed(doc, key, type);
    if (shared instanceof Y.Text) replaceText(shared, value as string);
    else if (shared instanceof Y.Map) replaceMap(shared, value as Record<string, unknown>);
    else if (shared instanceof Y.Array) replaceArray(shared, value as unknown[]);
    else replaceXml(shared, nodes as XmlNode[], value as string);
  });
}

/**
 * The Yjs update that turns the document `current` (an update holding its state; none: empty) into
 * one where `key` is `value`; `undefined` when it already is.
 */
export function replacementUpdate(current: Uint8Array | undefined, key: string, type: SharedType, value: unknown): Uint8Array | undefined {
  const doc = docFromUpdate(current, 'current');
  const before = Y.encodeStateVector(doc);
  writeSharedType(doc, key, type, value);
  const after = Y.encodeStateVector(doc);
  if (sameBytes(before, after)) return undefined;
  return Y.encodeStateAsUpdate(doc, before);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

function parseXml(xml: string, field = 'value'): XmlNode[] {
  try {
    return parseXmlFragment(xml);
  } catch (err) {
    if (err instanceof XmlSyntaxError) throw new ValidationError(field, `is not the XML form of a fragment: ${err.message}`);
    throw err;
  }
}

/** Deletes and inserts only between the common prefix and suffix, so concurrent edits elsewhere survive. */
function replaceText(text: Y.Text, next: string): void {
  const current = text.toString();
  if (current === next) return;
  let start = 0;
  const max = Math.min(current.length, next.length);
  while (start < max && current.charCodeAt(start) === next.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && current.charCodeAt(current.length - 1 - end) === next.charCodeAt(next.length - 1 - end)) end++;
  const removed = current.length - start - end;
  if (removed > 0) text.delete(start, removed);
  const inserted = next.slice(start, next.length - end);
  if (inserted.length > 0) text.insert(start, inserted);
}

function replaceMap(map: Y.Map<unknown>, next: Record<string, unknown>): void {
  for (const key of [...map.keys()]) if (!Object.hasOwn(next, key)) map.delete(key);
  for (const [key, value] of Object.entries(next)) {
    const current = map.get(key);
    const currentJson = current instanceof Y.AbstractType ? current.toJSON() : current;
    if (map.has(key) && JSON.stringify(currentJson) === JSON.stringify(value)) continue;
    map.set(key, value);
  }
}

function replaceArray(array: Y.Array<unknown>, next: unknown[]): void {
  if (JSON.stringify(array.toJSON()) === JSON.stringify(next)) return;
  if (array.length > 0) array.delete(0, array.length);
  if (next.length > 0) array.insert(0, next);
}

function replaceXml(fragment: Y.XmlFragment, nodes: XmlNode[], xml: string): void {
  if (fragment.toString() === xml) return;
  if (fragment.length > 0) fragment.delete(0, fragment.length);
  if (nodes.length > 0) fragment.insert(0, nodes.map(toYXml));
}

function toYXml(node: XmlNode): Y.XmlElement | Y.XmlText {
  if (node.kind === 'text') return new Y.XmlText(node.text);
  const element = new Y.XmlElement(node.name);
  for (const [name, value] of Object.entries(node.attributes)) element.setAttribute(name, value);
  if (node.children.length > 0) element.insert(0, node.children.map(toYXml));
  return element;
}
