import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ConflictError, ValidationError } from '../../../src/core/errors.js';
import {
  applyUpdateChecked,
  docFromUpdate,
  listSharedTypes,
  readSharedType,
  replacementUpdate,
  sharedTypeOf,
  writeSharedType,
} from '../../../src/core/documents/yjs-json.js';
import { parseXmlFragment, XmlSyntaxError } from '../../../src/core/documents/xml.js';

/** A document as another replica sees it: loaded from an update, so its root types are untyped. */
function loaded(doc: Y.Doc): Y.Doc {
  return docFromUpdate(Y.encodeStateAsUpdate(doc));
}

describe('yjs-json: reading a loaded document', () => {
  it('tells every kind of root type from its content, as a replica that never saw the constructors', () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'text');
    doc.getText('formatted').insert(0, 'bold', { bold: true });
    doc.getMap('m').set('a', 1);
    doc.getArray('a').push([1, { b: 2 }]);
    doc.getArray('nested').push([new Y.Map()]);
    doc.getXmlFragment('x').insert(0, [new Y.XmlElement('p')]);
    const replica = loaded(doc);
    expect(Object.fromEntries([...replica.share].map(([k, t]) => [k, sharedTypeOf(t)]))).toEqual({
      t: 'text',
      formatted: 'text',
      m: 'map',
      a: 'array',
      nested: 'array',
      x: 'xml',
    });
    expect(listSharedTypes(replica)).toHaveLength(6);
  });

  it('reads each type as its JSON form, and an absent key as the empty value of the type asked for', () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'hello');
    doc.getMap('m').set('k', { deep: [1] });
    doc.getArray('a').push(['x']);
    const el = new Y.XmlElement('p');
    el.setAttribute('class', 'c');
    el.insert(0, [new Y.XmlText('hi')]);
    doc.getXmlFragment('x').insert(0, [el]);
    const replica = loaded(doc);
    expect(readSharedType(replica, 't', 'text')).toBe('hello');
    expect(readSharedType(replica, 'm', 'map')).toEqual({ k: { deep: [1] } });
    expect(readSharedType(replica, 'a', 'array')).toEqual(['x']);
    expect(readSharedType(replica, 'x', 'xml')).toBe('<p class="c">hi</p>');
    expect([readSharedType(replica, 'none', 'text'), readSharedType(replica, 'none', 'map'), readSharedType(replica, 'none', 'array'), readSharedType(replica, 'none', 'xml')]).toEqual(['', {}, [], '']);
  });

  it('refuses to read or write a key as another kind than it holds (ConflictError), leaving it unchanged', () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'keep');
    const replica = loaded(doc);
    expect(() => readSharedType(replica, 't', 'map')).toThrow(ConflictError);
    expect(() => writeSharedType(replica, 't', 'array', [1])).toThrow(ConflictError);
    expect(readSharedType(replica, 't', 'text')).toBe('keep');
  });
});

describe('yjs-json: writing', () => {
  it('builds an update that, applied to the original, gives the new value; nothing when it is already the value', () => {
    const doc = new Y.Doc();
    doc.getMap('m').set('a', 1);
    const update = replacementUpdate(Y.encodeStateAsUpdate(doc), 'm', 'map', { a: 1, b: [2] });
    expect(update).toBeInstanceOf(Uint8Array);
    Y.applyUpdate(doc, update!);
    expect(doc.getMap('m').toJSON()).toEqual({ a: 1, b: [2] });
    expect(replacementUpdate(Y.encodeStateAsUpdate(doc), 'm', 'map', { b: [2], a: 1 })).toBeUndefined();
    expect(replacementUpdate(undefined, 't', 'text', 'new')).toBeInstanceOf(Uint8Array);
  });

  it('changes only the differing middle of a text, so a concurrent edit elsewhere survives the replacement', () => {
    const base = new Y.Doc();
    base.getText('t').insert(0, 'The quick fox');
    const state = Y.encodeStateAsUpdate(base);
    const concurrent = docFromUpdate(state);
    const sv = Y.encodeStateVector(concurrent);
    concurrent.getText('t').insert(13, ' jumps');
    const replacement = replacementUpdate(state, 't', 'text', 'The slow fox');
    Y.applyUpdate(base, replacement!);
    Y.applyUpdate(base, Y.encodeStateAsUpdate(concurrent, sv));
    expect(base.getText('t').toString()).toBe('The slow fox jumps');
  });

  it('round-trips any JSON map and array and any text (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.array(fc.jsonValue()), fc.string(), (map, array, text) => {
        // Yjs' decoder drops `__proto__` keys: core's input schema refuses them (tested below).
        fc.pre(!JSON.stringify([map, array]).includes('"__proto__"'));
        const doc = new Y.Doc();
        writeSharedType(doc, 'm', 'map', map);
        writeSharedType(doc, 'a', 'array', array);
        writeSharedType(doc, 't', 'text', text);
        const replica = loaded(doc);
        // JSON.stringify normalises -0 (JSON has no negative zero) the way Yjs' own encoding does.
        expect(JSON.stringify(readSharedType(replica, 'm', 'map'))).toBe(JSON.stringify(JSON.parse(JSON.stringify(map))));
        expect(JSON.stringify(readSharedType(replica, 'a', 'array'))).toBe(JSON.stringify(array));
        expect(readSharedType(replica, 't', 'text')).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps a "__proto__" key of a map as data (Y.Map#toJSON would make it the prototype)', () => {
    const doc = new Y.Doc();
    writeSharedType(doc, 'm', 'map', JSON.parse('{"__proto__":{"polluted":true},"x":1}'));
    const read = readSharedType(loaded(doc), 'm', 'map') as Record<string, unknown>;
    expect(Object.keys(read)).toEqual(['__proto__', 'x']);
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
    expect(replacementUpdate(Y.encodeStateAsUpdate(doc), 'm', 'map', JSON.parse('{"__proto__":{"polluted":true},"x":1}'))).toBeUndefined();
  });

  it("round-trips the XML form: what Yjs writes for a fragment, written back, reads the same (property)", () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
    const text = fc.stringMatching(/^[a-zA-Z0-9 .,]{1,12}$/);
    const node: fc.Arbitrary<Y.XmlElement | Y.XmlText> = fc.letrec<{ node: Y.XmlElement | Y.XmlText }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        text.map((t) => new Y.XmlText(t)),
        fc.tuple(name, fc.dictionary(name, text, { maxKeys: 2 }), fc.array(tie('node'), { maxLength: 3 })).map(([n, attrs, children]) => {
          const el = new Y.XmlElement(n);
          for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
          // Adjacent text nodes would print as one run and read back as one: keep the generated ones apart.
          const apart = children.filter((c, i) => !(c instanceof Y.XmlText && children[i - 1] instanceof Y.XmlText));
          if (apart.length > 0) el.insert(0, apart);
          return el;
        }),
      ),
    })).node;
    fc.assert(
      fc.property(fc.array(node, { maxLength: 3 }), (nodes) => {
        const doc = new Y.Doc();
        const apart = nodes.filter((c, i) => !(c instanceof Y.XmlText && nodes[i - 1] instanceof Y.XmlText));
        doc.getXmlFragment('x').insert(0, apart);
        const xml = doc.getXmlFragment('x').toString();
        const copy = new Y.Doc();
        writeSharedType(copy, 'x', 'xml', xml);
        expect(readSharedType(loaded(copy), 'x', 'xml')).toBe(xml);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses bytes that are not a Yjs update before touching the document', () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'safe');
    expect(() => applyUpdateChecked(doc, new Uint8Array([1, 2, 3, 4, 5]))).toThrow(ValidationError);
    expect(doc.getText('t').toString()).toBe('safe');
    expect(() => docFromUpdate(new Uint8Array([255, 255, 255]), 'current')).toThrow(expect.objectContaining({ field: 'current' }));
  });
});

describe('xml: the strict reader of the XML form', () => {
  it('reads elements, attributes, self-closing elements and entities', () => {
    expect(parseXmlFragment('<p a="1" b=\'&lt;2&gt;\'>x &amp; y<br/></p>tail')).toEqual([
      { kind: 'element', name: 'p', attributes: { a: '1', b: '<2>' }, children: [{ kind: 'text', text: 'x & y' }, { kind: 'element', name: 'br', attributes: {}, children: [] }] },
      { kind: 'text', text: 'tail' },
    ]);
    expect(parseXmlFragment('')).toEqual([]);
  });

  it.each([
    ['<p>', 'missing </p>'],
    ['<p></q>', 'expected </p>'],
    ['</p>', 'unexpected </p>'],
    ['<p a=1></p>', 'quoted value'],
    ['<p a="1" a="2"></p>', 'duplicate attribute'],
    ['<!-- c -->', 'not supported'],
    ['a > b', '">" outside a tag'],
    ['<p a="1"b="2"></p>', 'space before an attribute'],
    ['<a>', 'missing </a>'],
  ])('refuses %j (%s) with the offset', (xml, message) => {
    expect(() => parseXmlFragment(xml)).toThrow(XmlSyntaxError);
    expect(() => parseXmlFragment(xml)).toThrow(message);
  });

  it('refuses nesting deeper than 64 levels instead of recursing without bound', () => {
    expect(() => parseXmlFragment('<a>'.repeat(70) + '</a>'.repeat(70))).toThrow('deeper than 64');
    expect(parseXmlFragment('<a>'.repeat(60) + '</a>'.repeat(60))).toHaveLength(1);
  });

  it('never throws anything but XmlSyntaxError on any input (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('<', '>', '/', 'a', ' ', '=', '"', "'", '&', ';', '!', 'b') }), (xml) => {
        try {
          parseXmlFragment(xml);
        } catch (err) {
          expect(err).toBeInstanceOf(XmlSyntaxError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('documents.set input', () => {
  it('refuses a "__proto__" key anywhere in the value, naming its path, since Yjs would silently drop it', async () => {
    const { SetDocumentInputSchema } = await import('../../../src/core/model/document.js');
    const result = SetDocumentInputSchema.safeParse({ key: 'k', type: 'array', value: JSON.parse('[{"a":{"__proto__":{}}}]') });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['value', 0, 'a', '__proto__']);
    expect(SetDocumentInputSchema.safeParse({ key: 'k', type: 'array', value: [{ a: { proto: {} } }] }).success).toBe(true);
  });
});

describe('yjs-json: writing the value already held', () => {
  it.each([
    ['text', 'same'],
    ['map', { a: [1, { b: 2 }] }],
    ['array', [1, 'two']],
    ['xml', '<p align="left">same <b>x</b></p>'],
  ] as const)('builds no update for a %s that already holds the value', (type, value) => {
    const first = replacementUpdate(undefined, 'k', type, value);
    expect(first).toBeInstanceOf(Uint8Array);
    expect(replacementUpdate(first, 'k', type, value)).toBeUndefined();
  });
});
