import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodyEquals, fromHtml, fromText, isEmptyBody, normalizeBody, toHtml, toText } from '../../../src/core/body/index.js';
import { CommentBodySchema, type CommentBody } from '../../../src/core/model/body.js';
import { bodyArb, htmlSoup, nastyPiece, nastyText, whitespace } from './arbitraries.js';

const RUNS = { numRuns: 400 };

/** Every tag `toHtml` may emit; after removing them no markup character may remain. */
const OUR_TAGS = /<\/?(?:p|strong|em|s|code)>|<a href="[^"<>]*">|<\/a>|<span data-mention-user-id="[^"<>]*">|<\/span>/g;

describe('body properties', () => {
  it('(1) toText(fromText(t)) === t with CRLF normalised, for any text', () => {
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.array(fc.oneof(nastyText, nastyPiece, whitespace), { maxLength: 12 }).map((a) => a.join('')));
    fc.assert(
      fc.property(text, (t) => {
        expect(toText(fromText(t))).toBe(t.replace(/\r\n/g, '\n'));
      }),
      RUNS,
    );
  });

  it('(1b) fromText output is schema-valid, has one paragraph per line, and is already normal', () => {
    fc.assert(
      fc.property(nastyText, (t) => {
        const body = fromText(t);
        CommentBodySchema.parse(body);
        expect(body.content).toHaveLength(t.replace(/\r\n/g, '\n').split('\n').length);
        expect(normalizeBody(body)).toStrictEqual(body);
      }),
      RUNS,
    );
  });

  it('(2) fromHtml(toHtml(b)) deep-equals normalizeBody(b) for any body with safe link URLs', () => {
    fc.assert(
      fc.property(bodyArb, (b) => {
        expect(fromHtml(toHtml(b))).toStrictEqual(normalizeBody(b));
      }),
      { numRuns: 1000 },
    );
  });

  it('(2b) the same round trip holds with resolved mention names (the label is not read back)', () => {
    fc.assert(
      fc.property(bodyArb, nastyText, (b, name) => {
        expect(fromHtml(toHtml(b, { resolveUser: () => name }))).toStrictEqual(normalizeBody(b));
      }),
      RUNS,
    );
  });

  it('(3) fromHtml never throws and returns a schema-valid, already-normal body, for arbitrary strings', () => {
    const input = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom('<', '>', '/', '&', '#', ';', '"', "'", '=', 'a', 'p', 'b', 'r', ' ', '\n', '{', '}', '!', '-', 'x', '1') }), htmlSoup);
    fc.assert(
      fc.property(input, (html) => {
        const body = fromHtml(html);
        expect(CommentBodySchema.parse(body)).toStrictEqual(body);
        expect(body.content.length).toBeGreaterThan(0);
        expect(normalizeBody(body)).toStrictEqual(body);
      }),
      { numRuns: 2000 },
    );
  });

  it('(3b) fromHtml is a fixed point through toHtml: fromHtml(toHtml(fromHtml(x))) equals fromHtml(x)', () => {
    fc.assert(
      fc.property(htmlSoup, (html) => {
        const body = fromHtml(html);
        expect(fromHtml(toHtml(body))).toStrictEqual(body);
      }),
      { numRuns: 1000 },
    );
  });

  it('(4) toHtml emits no markup except its own tags, and no raw quote or brace in text', () => {
    const unsafe = fc.constantFrom('javascript:alert(1)', 'JaVaScRiPt:x', ' https://lead.ing', 'data:text/html,<script>', '/relative', 'https://a b', 'vbscript:x', 'https://x\n');
    const bodyWithUnsafe = fc.tuple(bodyArb, unsafe, nastyText).map(([b, url, text]): CommentBody => ({
      version: 1,
      content: [...b.content, { type: 'paragraph', children: [{ type: 'link', url, text }, { type: 'link', url }] }],
    }));
    fc.assert(
      fc.property(fc.oneof(bodyArb, bodyWithUnsafe), fc.boolean(), (b, resolve) => {
        const html = toHtml(b, resolve ? { resolveUser: (id) => `<b>${id}</b>"'&` } : {});
        const rest = html.replace(OUR_TAGS, '');
        expect(rest).not.toMatch(/[<>"'{]/);
        // every attribute value is a double-quoted string with no raw quote inside
        for (const m of html.matchAll(/<(?:a|span) [^>]*>/g)) expect(m[0]).toMatch(/^<(?:a href|span data-mention-user-id)="[^"]*">$/);
        // no anchor ever points anywhere but http(s)/mailto
        for (const m of html.matchAll(/<a href="([^"]*)">/g)) expect(m[1]).toMatch(/^(?:https?:\/\/|mailto:)/i);
      }),
      RUNS,
    );
  });

  it('normalisation preserves toText, is idempotent, and bodyEquals agrees with it', () => {
    fc.assert(
      fc.property(bodyArb, (b) => {
        const n = normalizeBody(b);
        expect(toText(n)).toBe(toText(b));
        expect(normalizeBody(n)).toStrictEqual(n);
        expect(bodyEquals(b, n)).toBe(true);
        expect(isEmptyBody(n)).toBe(isEmptyBody(b));
        CommentBodySchema.parse(n);
      }),
      RUNS,
    );
  });

  it('bodyEquals tells different bodies apart', () => {
    fc.assert(
      fc.property(bodyArb, bodyArb, (a, b) => {
        const same = JSON.stringify(normalizeBody(a)) === JSON.stringify(normalizeBody(b));
        expect(bodyEquals(a, b)).toBe(same);
      }),
      RUNS,
    );
  });

  it('toText(fromHtml(toHtml(b))) === toText(b)', () => {
    fc.assert(
      fc.property(bodyArb, (b) => {
        expect(toText(fromHtml(toHtml(b)))).toBe(toText(b));
      }),
      RUNS,
    );
  });
});
