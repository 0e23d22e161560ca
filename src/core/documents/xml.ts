/**
 * A strict reader of the XML form of a `Y.XmlFragment` (what `fragment.toString()` writes): elements
 * with quoted attributes, self-closing elements, text with entities. No DTDs, comments, CDATA or
 * processing instructions: a collaborative document never holds them, and refusing is better than
 * guessing. Errors name the offset so `documents.set` can say where the value is wrong.
 * @module
 */
import { decodeEntities } from '../body/entities.js';

/** An element of the XML form. */
export interface XmlElementNode {
  readonly kind: 'element';
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlNode[];
}
/** A text run of the XML form (entities decoded). */
export interface XmlTextNode {
  readonly kind: 'text';
  readonly text: string;
}
/** A node of the XML form. */
export type XmlNode = XmlElementNode | XmlTextNode;

/** Why an XML string could not be read, with the offset of the problem. */
export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
    this.name = 'XmlSyntaxError';
  }
}

const NAME = /[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?/y;
const SPACE = /\s*/y;
const MAX_DEPTH = 64;

/** Reads the XML form of a fragment: a sequence of elements and text runs (possibly empty). */
export function parseXmlFragment(xml: string): XmlNode[] {
  let i = 0;

  function fail(message: string): never {
    throw new XmlSyntaxError(message, i);
  }
  function name(): string {
    NAME.lastIndex = i;
    const m = NAME.exec(xml);
    if (!m) fail('expected a name');
    i += m[0].length;
    return m[0];
  }
  function space(): void {
    SPACE.lastIndex = i;
    i += (SPACE.exec(xml) as RegExpExecArray)[0].length;
  }
  function attributes(): Record<string, string> {
    const out: Record<string, string> = {};
    for (;;) {
      const before = i;
      space();
      const c = xml[i];
      if (c === '>' || c === '/' || c === undefined) return out;
      if (i === before) fail('expected a space before an attribute');
      const key = name();
      space();
      if (xml[i] !== '=') fail(`expected = after attribute ${key}`);
      i++;
      space();
      const quote = xml[i];
      if (quote !== '"' && quote !== "'") fail(`expected a quoted value for attribute ${key}`);
      const end = xml.indexOf(quote, i + 1);
      if (end < 0) fail(`unterminated value of attribute ${key}`);
      const raw = xml.slice(i + 1, end);
      if (raw.includes('<')) fail(`"<" in the value of attribute ${key}`);
      if (Object.hasOwn(out, key)) fail(`duplicate attribute ${key}`);
      out[key] = decodeEntities(raw);
      i = end + 1;
    }
  }
  function nodes(closing: string | undefined, depth: number): XmlNode[] {
    if (depth > MAX_DEPTH) fail(`elements nested deeper than ${MAX_DEPTH}`);
    const out: XmlNode[] = [];
    for (;;) {
      if (i >= xml.length) {
        if (closing !== undefined) fail(`missing </${closing}>`);
        return out;
      }
      const lt = xml.indexOf('<', i);
      const textEnd = lt < 0 ? xml.length : lt;
      if (textEnd > i) {
        const raw = xml.slice(i, textEnd);
        if (raw.includes('>')) fail('">" outside a tag');
        out.push({ kind: 'text', text: decodeEntities(raw) });
        i = textEnd;
        continue;
      }
      if (xml.startsWith('</', i)) {
        i += 2;
        const end = name();
        if (end !== closing) fail(closing === undefined ? `unexpected </${end}>` : `expected </${closing}>, found </${end}>`);
        space();
        if (xml[i] !== '>') fail(`expected > to end </${end}>`);
        i++;
        return out;
      }
      if (xml[i + 1] === '!' || xml[i + 1] === '?') fail('comments, CDATA, DTDs and processing instructions are not supported');
      i++;
      const tag = name();
      const attrs = attributes();
      if (xml.startsWith('/>', i)) {
        i += 2;
        out.push({ kind: 'element', name: tag, attributes: attrs, children: [] });
        continue;
      }
      if (xml[i] !== '>') fail(`expected > to end <${tag}>`);
      i++;
      out.push({ kind: 'element', name: tag, attributes: attrs, children: nodes(tag, depth + 1) });
    }
  }
  return nodes(undefined, 0);
}
