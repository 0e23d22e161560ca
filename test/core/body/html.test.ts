import { stringifyCommentBody } from '@liveblocks/node';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHtml, fromText, isSafeLinkUrl, normalizeBody, toHtml } from '../../../src/core/body/index.js';
import type { CommentBody, CommentInline, CommentText } from '../../../src/core/model/body.js';

const p = (...children: CommentInline[]) => ({ type: 'paragraph' as const, children });
const t = (text: string, fmt: Omit<CommentText, 'type' | 'text'> = {}): CommentText => ({ type: 'text', text, ...fmt });
const m = (userId: string) => ({ type: 'mention' as const, userId });
const l = (url: string, text?: string) => (text === undefined ? { type: 'link' as const, url } : { type: 'link' as const, url, text });
const body = (...content: ReturnType<typeof p>[]): CommentBody => ({ version: 1, content });

/** The Liveblocks OAS example body (liveblocks.md 3.5), with our `type: 'text'` on text runs. */
const OAS_EXAMPLE: CommentBody = body(p(t('Hello '), t('world', { bold: true })));

describe('toHtml', () => {
  it('renders the Liveblocks OAS example', () => {
    expect(toHtml(OAS_EXAMPLE)).toBe('<p>Hello <strong>world</strong></p>');
  });

  it('nests formatting in a fixed order and keeps shared tags open', () => {
    const all = { bold: true, italic: true, strikethrough: true, code: true };
    expect(toHtml(body(p(t('x', all))))).toBe('<p><strong><em><s><code>x</code></s></em></strong></p>');
    expect(toHtml(body(p(t('a', { bold: true }), t('b', { bold: true, italic: true }), t('c', { italic: true }))))).toBe(
      '<p><strong>a<em>b</em></strong><em>c</em></p>',
    );
    expect(toHtml(body(p(t('a', { italic: true, bold: false }), t('b', { italic: true }))))).toBe('<p><em>ab</em></p>');
  });

  it('renders paragraphs, empty paragraphs and newlines inside runs', () => {
    expect(toHtml(body())).toBe('<p></p>');
    expect(toHtml(body(p(t('a')), p(), p(t('b'))))).toBe('<p>a</p><p></p><p>b</p>');
    expect(toHtml(body(p(t('a\nb', { bold: true }))))).toBe('<p><strong>a</strong></p><p><strong>b</strong></p>');
  });

  it('escapes everything', () => {
    expect(toHtml(body(p(t('<script>alert("x")</script> & \'y\''))))).toBe(
      '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;</p>',
    );
    expect(toHtml(body(p(m('a"><script>x</script>'))))).toBe(
      '<p><span data-mention-user-id="a&quot;&gt;&lt;script&gt;x&lt;/script&gt;">@a&quot;&gt;&lt;script&gt;x&lt;/script&gt;</span></p>',
    );
    expect(toHtml(body(p(l('https://x.y/?a=1&b="2"', '<i>'))))).toBe('<p><a href="https://x.y/?a=1&amp;b=&quot;2&quot;">&lt;i&gt;</a></p>');
    expect(toHtml(body(p(m('u1'))), { resolveUser: () => '<img src=x onerror=alert(1)>' })).toBe(
      '<p><span data-mention-user-id="u1">@&lt;img src=x onerror=alert(1)&gt;</span></p>',
    );
  });

  it('never makes anchors of unsafe URLs', () => {
    expect(toHtml(body(p(l('javascript:alert(1)', 'click me'))))).toBe('<p>click me</p>');
    expect(toHtml(body(p(l('javascript:alert(1)'))))).toBe('<p>javascript:alert(1)</p>');
    expect(toHtml(body(p(l(' https://x.y'), t('!'))))).toBe('<p>&#32;https://x.y!</p>');
    expect(toHtml(body(p(l('data:text/html,<script>alert(1)</script>'))))).toBe('<p>data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(toHtml(body(p(l('mailto:a@b.c', 'mail'), l('HTTP://X.Y'))))).toBe('<p><a href="mailto:a@b.c">mail</a><a href="HTTP://X.Y">HTTP://X.Y</a></p>');
  });

  it('encodes whitespace that HTML would collapse, and braces', () => {
    expect(toHtml(body(p(t(' a  b\tc ')))), 'edges and runs').toBe('<p>&#32;a&#32;&#32;b&#9;c&#32;</p>');
    expect(toHtml(body(p(t('hi '), m('bob'), t(' there'))))).toBe('<p>hi <span data-mention-user-id="bob">@bob</span> there</p>');
    expect(toHtml(body(p(t('a '), t('b', { bold: true }))))).toBe('<p>a <strong>b</strong></p>');
    expect(toHtml(body(p(t('{{x}}'))))).toBe('<p>&#123;&#123;x}}</p>');
  });
});

describe('fromHtml', () => {
  it('reads {{x}} as text unless an adapter passes its placeholder syntax', () => {
    expect(fromHtml('<p>Hi {{bob}}</p>')).toEqual(body(p(t('Hi {{bob}}'))));
    expect(fromHtml('<p>Hi {{bob}}</p>', { placeholders: false })).toEqual(body(p(t('Hi {{bob}}'))));
  });

  it('reads the Liveblocks OAS example back', () => {
    expect(fromHtml(toHtml(OAS_EXAMPLE))).toEqual(OAS_EXAMPLE);
  });

  it('reads Kabelwerk message html (kabelwerk.md fixtures and markdown list)', () => {
    expect(fromHtml('<p>And where does the newborn go from here?</p>')).toEqual(body(p(t('And where does the newborn go from here?'))));
    expect(fromHtml('<p>line one<br>line <em>two</em> and <strong>three</strong><br>see <a href="https://kabelwerk.io" target="_blank">link</a> or <a href="https://kabelwerk.io" target="_blank">https://kabelwerk.io</a></p>')).toEqual(
      body(p(t('line one')), p(t('line '), t('two', { italic: true }), t(' and '), t('three', { bold: true })), p(t('see '), l('https://kabelwerk.io', 'link'), t(' or '), l('https://kabelwerk.io'))),
    );
    // Kabelwerk escapes user input: the text of `a < b & "c"` comes back exactly
    expect(fromHtml('<p>a &lt; b &amp; &quot;c&quot;</p>')).toEqual(body(p(t('a < b & "c"'))));
  });

  it('reads the HTML that @liveblocks/node stringifyCommentBody produces', async () => {
    const lb = {
      version: 1 as const,
      content: [
        { type: 'paragraph' as const, children: [{ text: 'Hello ' }, { text: 'world', bold: true, italic: true }, { text: ' & <you>' }] },
        { type: 'paragraph' as const, children: [{ type: 'mention' as const, kind: 'user' as const, id: 'u1' }, { text: ' see ' }, { type: 'link' as const, url: 'https://x.y/docs', text: 'docs' }] },
      ],
    };
    const html = await stringifyCommentBody(lb, { format: 'html' });
    // Liveblocks' mention span carries no id, so it reads back as text.
    expect(fromHtml(html)).toEqual(
      body(p(t('Hello '), t('world', { bold: true, italic: true }), t(' & <you>')), p(t('@u1 see '), l('https://x.y/docs', 'docs'))),
    );
  });

  it('accepts tag aliases, any case, attributes in any quoting', () => {
    expect(fromHtml('<B>b</B><i>i</i><DEL>d</DEL><strike>s</strike><s>s</s><code>c</code>')).toEqual(
      body(p(t('b', { bold: true }), t('i', { italic: true }), t('dss', { strikethrough: true }), t('c', { code: true }))),
    );
    expect(fromHtml("<a HREF='https://a.b'>x</a><a href=https://c.d>y</a><a title=\"x>y\" href=\" https://e.f \">z</a>")).toEqual(
      body(p(l('https://a.b', 'x'), l('https://c.d', 'y'), l('https://e.f', 'z'))),
    );
  });

  it('reads mention spans (ours and the Tiptap shape), ignoring their content', () => {
    expect(fromHtml('hi <span data-mention-user-id="u&amp;1">@Ada <b>L</b><span>x</span></span>!')).toEqual(body(p(t('hi '), m('u&1'), t('!'))));
    expect(fromHtml('<span data-type="mention" data-id="u2" data-label="Bo">@Bo</span>')).toEqual(body(p(m('u2'))));
    expect(fromHtml('<span data-mention-user-id="">@x</span><span data-mention>@y</span>')).toEqual(body(p(t('@x@y'))));
    // an unclosed mention span ends at the paragraph
    expect(fromHtml('<p><span data-mention-user-id="u">@u</p><p>next</p>')).toEqual(body(p(m('u')), p(t('next'))));
  });

  it('drops unsafe anchors but keeps their text', () => {
    expect(fromHtml('<a href="javascript:alert(1)">click</a>')).toEqual(body(p(t('click'))));
    expect(fromHtml('<a href="JAVASCRIPT:alert(1)"><b>x</b></a>')).toEqual(body(p(t('x', { bold: true }))));
    expect(fromHtml('<a href="/relative">r</a><a>n</a><a href="data:x">d</a>')).toEqual(body(p(t('rnd'))));
    expect(fromHtml('<a href="java&#115;cript:alert(1)">e</a>')).toEqual(body(p(t('e'))));
  });

  it('treats link content as plain link text', () => {
    expect(fromHtml('<a href="https://x.y"><b>bold</b> <i>link</i></a>')).toEqual(body(p(l('https://x.y', 'bold link'))));
    expect(fromHtml('<a href="https://x.y"></a>')).toEqual(body(p(l('https://x.y'))));
    expect(fromHtml('<a href="https://x.y">a<a href="https://z.w">b</a>')).toEqual(body(p(l('https://x.y', 'a'), l('https://z.w', 'b'))));
    expect(fromHtml('<a href="https://x.y">a<br>b</a>')).toEqual(body(p(l('https://x.y', 'a')), p(t('b'))));
  });

  it('splits paragraphs on blocks and <br> like a browser shows them', () => {
    expect(fromHtml('a<br>b')).toEqual(body(p(t('a')), p(t('b'))));
    expect(fromHtml('a<br><br>b')).toEqual(body(p(t('a')), p(), p(t('b'))));
    expect(fromHtml('<p>a<br></p>')).toEqual(body(p(t('a'))));
    expect(fromHtml('<p><br></p>')).toEqual(body(p()));
    expect(fromHtml('<p></p><div></div>')).toEqual(body(p(), p()));
    expect(fromHtml('<div><p>a</p><p>b</p></div>')).toEqual(body(p(t('a')), p(t('b'))));
    expect(fromHtml('<div>a</div><div><br></div><div>b</div>')).toEqual(body(p(t('a')), p(), p(t('b'))));
    expect(fromHtml('<ul><li>one</li><li>two</li></ul><h1>T</h1>x<hr>y')).toEqual(body(p(t('one')), p(t('two')), p(t('T')), p(t('x')), p(t('y'))));
    expect(fromHtml('<p>a<p>b')).toEqual(body(p(t('a')), p(t('b'))));
    expect(fromHtml('a</br>b')).toEqual(body(p(t('a')), p(t('b'))));
  });

  it('collapses literal whitespace, keeps referenced whitespace', () => {
    expect(fromHtml('<p>\n  Hello   <b>big </b> <i>world</i> \n</p>\n\n<p>\t</p>')).toEqual(
      body(p(t('Hello '), t('big ', { bold: true }), t('world', { italic: true })), p()),
    );
    expect(fromHtml('<p>&#32;a&#32;&#32;b&#9;c&#32;</p>')).toEqual(body(p(t(' a  b\tc '))));
    expect(fromHtml('a&#10;b&#13;c')).toEqual(body(p(t('a')), p(t('b\rc'))));
    expect(fromHtml('a&nbsp;&nbsp;b')).toEqual(body(p(t('a\u00a0\u00a0b'))));
    expect(fromHtml('x <a href="https://a.b">  pad  </a>  y')).toEqual(body(p(t('x '), l('https://a.b', 'pad'), t(' y'))));
    expect(fromHtml('x<a href="https://a.b"> pad </a>y')).toEqual(body(p(t('x '), l('https://a.b', 'pad'), t(' y'))));
    expect(fromHtml('a\r\n b\rc')).toEqual(body(p(t('a b c'))));
  });

  it('keeps whitespace inside <pre>, where newlines end lines', () => {
    expect(fromHtml('<pre>\n  x  y\n\tz</pre>after')).toEqual(body(p(t('  x  y')), p(t('\tz')), p(t('after'))));
  });

  it('decodes entities', () => {
    expect(fromHtml('&amp;&lt;&gt;&quot;&apos;&#39;&#65;&#x42;&#X43;&#68&hellip;&copy;&euro;&mdash;')).toEqual(body(p(t('&<>"\'\'ABCD…©€—'))));
    expect(fromHtml('&#x1F600;&#128512;')).toEqual(body(p(t('😀😀'))));
    expect(fromHtml('&#0;&#xD800;&#1114112;&#99999999999999;')).toEqual(body(p(t('\ufffd\ufffd\ufffd\ufffd'))));
    expect(fromHtml('&bogus; &amp &AMP; & &# &#x; &;')).toEqual(body(p(t('&bogus; &amp &AMP; & &# &#x; &;'))));
  });

  it('drops script/style/comments/doctype content, keeps text of unknown tags', () => {
    expect(fromHtml('<!DOCTYPE html><html><head><title>T</title><style>p{color:red}</style></head><body><p>ok<script>alert("<p>x</p>")</script><!-- c --> <u>u</u><blink>b</blink></p></body></html>')).toEqual(
      body(p(t('ok ub'))),
    );
    expect(fromHtml('a<script>never</ScRiPt >b<style>x</style  >c<SCRIPT>rest')).toEqual(body(p(t('abc'))));
    expect(fromHtml('a<!-->b<!--->c<!-- x -- y -->d<?php x ?>e<![CDATA[f]]>g')).toEqual(body(p(t('abcdeg'))));
    expect(fromHtml('<svg><text>hidden</text></svg><template><p>t</p></template>shown')).toEqual(body(p(t('shown'))));
  });

  it('treats broken markup like a browser does, never throwing', () => {
    expect(fromHtml('a < b > c')).toEqual(body(p(t('a < b > c'))));
    expect(fromHtml('1<2 and 3>2')).toEqual(body(p(t('1<2 and 3>2'))));
    expect(fromHtml('a<b')).toEqual(body(p(t('a'))));
    expect(fromHtml('a<a href="https://x.y')).toEqual(body(p(t('a'))));
    expect(fromHtml('a</')).toEqual(body(p(t('a</'))));
    expect(fromHtml('a</>b</ x>c')).toEqual(body(p(t('abc'))));
    expect(fromHtml('<b>a<i>b</b>c</i>d</b>e')).toEqual(body(p(t('a', { bold: true }), t('b', { bold: true, italic: true }), t('c', { italic: true }), t('de'))));
    expect(fromHtml('')).toEqual(body(p()));
    expect(fromHtml('   \n ')).toEqual(body(p()));
    expect(fromHtml(undefined as unknown as string)).toEqual(body(p()));
  });
});

describe('isSafeLinkUrl', () => {
  it.each([
    ['https://x.y', true], ['http://x', true], ['HTTPS://X', true], ['mailto:a@b.c', true],
    ['https://', false], ['mailto:', false], ['javascript:alert(1)', false], [' https://x.y', false], ['https://x.y ', false],
    ['https://a b', false], ['https://a\nb', false], ['//x.y', false], ['/rel', false], ['data:text/html,x', false], ['ftp://x', false],
  ])('%j -> %s', (url, ok) => {
    expect(isSafeLinkUrl(url)).toBe(ok);
  });
});

describe('round trips with vendors in the loop', () => {
  it('Liveblocks HTML of simple bodies reads back to the same body (mentions become @id text)', async () => {
    const word = fc.stringMatching(/^[A-Za-z0-9&<>"'é!?.,]{1,6}$/);
    const runText = fc.array(word, { minLength: 1, maxLength: 3 }).map((ws) => ws.join(' '));
    const flag = fc.option(fc.constant(true), { nil: undefined });
    const inline = fc.oneof(
      fc.record({ text: runText, bold: flag, italic: flag, strikethrough: flag, code: flag }).map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as { text: string }),
      fc.stringMatching(/^[a-z][a-z0-9_]{0,5}$/).map((id) => ({ type: 'mention' as const, kind: 'user' as const, id })),
      fc.tuple(fc.stringMatching(/^[a-z]{1,5}$/), fc.option(runText, { nil: undefined })).map(([path, text]) => (text === undefined ? { type: 'link' as const, url: `https://ex.io/${path}` } : { type: 'link' as const, url: `https://ex.io/${path}`, text })),
    );
    const lbBody = fc.array(fc.array(inline, { minLength: 1, maxLength: 5 }).map((children) => ({ type: 'paragraph' as const, children })), { minLength: 1, maxLength: 3 }).map((content) => ({ version: 1 as const, content }));
    await fc.assert(
      fc.asyncProperty(lbBody, async (lb) => {
        const html = await stringifyCommentBody(lb, { format: 'html' });
        const expected: CommentBody = {
          version: 1,
          content: lb.content.map((para) => ({
            type: 'paragraph',
            children: para.children.map((c): CommentInline => {
              if ('type' in c && c.type === 'mention') return { type: 'text', text: '@' + c.id };
              if ('type' in c && c.type === 'link') return c.text === undefined ? { type: 'link', url: c.url } : { type: 'link', url: c.url, text: c.text };
              return { type: 'text', ...(c as { text: string }) };
            }),
          })),
        };
        expect(fromHtml(html)).toStrictEqual(normalizeBody(expected));
      }),
      { numRuns: 200 },
    );
  });
});
