import { describe, expect, it } from 'vitest';
import { bodyEquals, fromHtml, fromText, isEmptyBody, linksOf, mentionsOf, normalizeBody, toHtml, toText } from '../../../src/core/body/index.js';
import { type CommentBody, type CommentInline, CommentBodySchema } from '../../../src/core/model/body.js';

const p = (...children: CommentInline[]) => ({ type: 'paragraph' as const, children });
const body = (...content: ReturnType<typeof p>[]): CommentBody => ({ version: 1, content });

describe('normalizeBody', () => {
  it('merges equal runs, drops empty runs and false flags, keeps whitespace and empty paragraphs', () => {
    const input = body(
      p({ type: 'text', text: 'a', bold: true, italic: false }, { type: 'text', text: '' }, { type: 'text', text: ' b ', bold: true }, { type: 'text', text: '  ' }),
      p(),
    );
    expect(normalizeBody(input)).toStrictEqual(body(p({ type: 'text', text: 'a b ', bold: true }, { type: 'text', text: '  ' }), p()));
  });

  it('splits paragraphs at newlines inside runs, keeping formatting', () => {
    expect(normalizeBody(body(p({ type: 'text', text: 'a\n\nb', code: true }, { type: 'mention', userId: 'u' })))).toStrictEqual(
      body(p({ type: 'text', text: 'a', code: true }), p(), p({ type: 'text', text: 'b', code: true }, { type: 'mention', userId: 'u' })),
    );
    expect(normalizeBody(body(p({ type: 'text', text: '\n' })))).toStrictEqual(body(p(), p()));
  });

  it('drops link text that is empty or equal to the URL, and extra properties', () => {
    const input = body(
      p(
        { type: 'link', url: 'https://a', text: '' },
        { type: 'link', url: 'https://b', text: 'https://b' },
        { type: 'link', url: 'https://c', text: 'C' },
        { type: 'mention', userId: 'u', kind: 'user' } as unknown as CommentInline,
      ),
    );
    expect(normalizeBody(input)).toStrictEqual(
      body(p({ type: 'link', url: 'https://a' }, { type: 'link', url: 'https://b' }, { type: 'link', url: 'https://c', text: 'C' }, { type: 'mention', userId: 'u' })),
    );
  });

  it('gives one empty paragraph for an empty body and does not mutate its input', () => {
    expect(normalizeBody(body())).toStrictEqual(body(p()));
    const input = body(p({ type: 'text', text: 'a' }, { type: 'text', text: 'b' }));
    const copy = structuredClone(input);
    normalizeBody(input);
    expect(input).toStrictEqual(copy);
  });
});

describe('bodyEquals', () => {
  it('compares normalised forms', () => {
    expect(bodyEquals(body(p({ type: 'text', text: 'ab' })), body(p({ type: 'text', text: 'a', bold: false }, { type: 'text', text: 'b' })))).toBe(true);
    expect(bodyEquals(body(), body(p()))).toBe(true);
    expect(bodyEquals(body(p({ type: 'text', text: 'a\nb' })), fromText('a\nb'))).toBe(true);
    expect(bodyEquals(body(p({ type: 'text', text: 'a' })), body(p({ type: 'text', text: 'a', bold: true })))).toBe(false);
    expect(bodyEquals(body(p({ type: 'text', text: 'a' })), body(p({ type: 'text', text: 'a ' })))).toBe(false);
    expect(bodyEquals(body(p()), body(p(), p()))).toBe(false);
    expect(bodyEquals(body(p({ type: 'mention', userId: 'a' })), body(p({ type: 'mention', userId: 'b' })))).toBe(false);
    expect(bodyEquals(body(p({ type: 'link', url: 'https://x', text: 'x' })), body(p({ type: 'link', url: 'https://x' })))).toBe(false);
    expect(bodyEquals(body(p({ type: 'link', url: 'https://x' })), body(p({ type: 'text', text: 'https://x' })))).toBe(false);
  });
});

describe('isEmptyBody', () => {
  it('is true only when nothing visible remains', () => {
    expect(isEmptyBody(body())).toBe(true);
    expect(isEmptyBody(fromText(''))).toBe(true);
    expect(isEmptyBody(fromText(' \n\t\u00a0\n'))).toBe(true);
    expect(isEmptyBody(fromHtml('<p><br></p><p>&nbsp;</p>'))).toBe(true);
    expect(isEmptyBody(fromText('.'))).toBe(false);
    expect(isEmptyBody(body(p({ type: 'mention', userId: 'u' })))).toBe(false);
    expect(isEmptyBody(body(p({ type: 'link', url: 'https://x', text: ' ' })))).toBe(false);
  });
});

describe('mentionsOf / linksOf', () => {
  const b = fromText('@bob and @alice, see https://x.y and https://x.y\n@bob again, mail a@b.c');

  it('mentionsOf gives unique ids in order of first appearance', () => {
    expect(mentionsOf(b)).toEqual(['bob', 'alice']);
    expect(mentionsOf(fromText('no one'))).toEqual([]);
  });

  it('linksOf gives every link node in order, as copies', () => {
    const withText = body(p({ type: 'link', url: 'https://a', text: 'A' }));
    expect(linksOf(b)).toEqual([{ type: 'link', url: 'https://x.y' }, { type: 'link', url: 'https://x.y' }]);
    const links = linksOf(withText);
    expect(links).toEqual([{ type: 'link', url: 'https://a', text: 'A' }]);
    links[0]!.url = 'changed';
    expect(withText.content[0]!.children[0]).toEqual({ type: 'link', url: 'https://a', text: 'A' });
  });

  it('survive the trip through HTML', () => {
    expect(mentionsOf(fromHtml(toHtml(b)))).toEqual(['bob', 'alice']);
    expect(toText(fromHtml(toHtml(b)))).toBe(toText(b));
  });
});

describe('linear time on hostile input', () => {
  const N = 200_000;
  const cases: Array<[string, string]> = [
    ['open tags', '<a'.repeat(N)],
    ['unclosed quotes', '<a href="'.repeat(N / 4)],
    ['comments', '<!--'.repeat(N / 2)],
    ['end tags', '</'.repeat(N)],
    ['script openers', '<script>'.repeat(N / 4)],
    ['script end lookalikes', '<script>' + '</scrip'.repeat(N / 4)],
    ['entities', '&#'.repeat(N) + '&#x'.repeat(N / 2) + '&amp'.repeat(N / 2)],
    ['long numeric entity', '&#' + '9'.repeat(N)],
    ['braces', '{{'.repeat(N) + '{{a'.repeat(N / 2)],
    ['mention spans', '<span data-mention-user-id="u">'.repeat(N / 10)],
    ['whitespace', ' \n\t'.repeat(N)],
    ['anchors', '<a href="https://x.y">'.repeat(N / 10)],
  ];

  it.each(cases)('fromHtml: %s', (_name, input) => {
    // No stopwatch (no timing assertions in npm test): a super-linear parser would blow the test timeout.
    expect(CommentBodySchema.safeParse(fromHtml(input)).success).toBe(true);
  });

  it.each([
    ['@', '@'.repeat(N)],
    ['@a.', '@a.'.repeat(N / 2)],
    ['x@', 'x@'.repeat(N)],
    ['urls', 'http://'.repeat(N / 4)],
    ['url punctuation', 'https://' + ').'.repeat(N)],
    ['xhttp', 'xhttp://'.repeat(N / 4)],
    ['urls and mentions', 'https://a.b @c '.repeat(N / 8)],
  ])('fromText: %s', (_name, input) => {
    const body = fromText(input);
    expect(toText(body).length).toBeGreaterThan(0);
  });

  it('toHtml/toText on a large body', () => {
    const big = fromText('Hello @bob see https://x.y/ <b> & "q" '.repeat(5000) + '\n'.repeat(1000));
    const html = toHtml(big);
    expect(toText(fromHtml(html))).toBe(toText(big));
  });
});
