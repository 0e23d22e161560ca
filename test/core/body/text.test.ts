import { stringifyCommentBody } from '@liveblocks/node';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromText, toText } from '../../../src/core/body/index.js';
import type { CommentBody, CommentInline } from '../../../src/core/model/body.js';
import { bodyArb } from './arbitraries.js';

const p = (...children: CommentInline[]) => ({ type: 'paragraph' as const, children });
const t = (text: string) => ({ type: 'text' as const, text });
const m = (userId: string) => ({ type: 'mention' as const, userId });
const l = (url: string, text?: string) => (text === undefined ? { type: 'link' as const, url } : { type: 'link' as const, url, text });
const body = (...content: ReturnType<typeof p>[]): CommentBody => ({ version: 1, content });

describe('fromText', () => {
  it('gives one paragraph per line, CRLF normalised, nothing trimmed', () => {
    expect(fromText('')).toEqual(body(p()));
    expect(fromText('a\r\n\r\n  b  \rc')).toEqual(body(p(t('a')), p(), p(t('  b  \rc'))));
    expect(fromText('\n')).toEqual(body(p(), p()));
  });

  it('builds the Liveblocks recipe for plain text (no markup is interpreted)', () => {
    expect(fromText('Hello *world* <b>x</b> `c`')).toEqual(body(p(t('Hello *world* <b>x</b> `c`'))));
  });

  describe('mentions', () => {
    it.each([
      ['hi @bob', [t('hi '), m('bob')]],
      ['@bob at start', [m('bob'), t(' at start')]],
      ['mail a@b.com please', [t('mail a@b.com please')]],
      ['thanks @bob.', [t('thanks '), m('bob'), t('.')]],
      ['thanks @bob...', [t('thanks '), m('bob'), t('...')]],
      ['@bob.smith and @jane_doe-2!', [m('bob.smith'), t(' and '), m('jane_doe-2'), t('!')]],
      ['(@bob), @bob; @bob? "@bob"', [t('('), m('bob'), t('), '), m('bob'), t('; '), m('bob'), t('? "'), m('bob'), t('"')]],
      ['@alice@example.com', [m('alice@example.com')]],
      ['@bob-', [m('bob'), t('-')]],
      ['@bob@', [m('bob'), t('@')]],
      ['@@bob', [t('@'), m('bob')]],
      ['x.@bob _@bob -@bob', [t('x.@bob _@bob -@bob')]],
      ['@ bob @.bob @-x', [t('@ bob @.bob @-x')]],
      ['é@bob', [t('é'), m('bob')]],
      ['@_', [m('_')]],
    ])('%j', (input, children) => {
      expect(fromText(input)).toEqual(body(p(...children)));
    });

    it('can be switched off', () => {
      expect(fromText('hi @bob', { mentions: false })).toEqual(body(p(t('hi @bob'))));
    });
  });

  describe('links', () => {
    it.each([
      ['see https://liveblocks.io/docs.', [t('see '), l('https://liveblocks.io/docs'), t('.')]],
      ['http://a.b/c?d=1&e=2#f, then', [l('http://a.b/c?d=1&e=2#f'), t(', then')]],
      ['(https://x.y/z)', [t('('), l('https://x.y/z'), t(')')]],
      ['https://en.wikipedia.org/wiki/Foo_(bar))', [l('https://en.wikipedia.org/wiki/Foo_(bar)'), t(')')]],
      ['https://x.y/a!?;:\',.', [l('https://x.y/a'), t('!?;:\',.')]],
      ['<https://x.y>', [t('<'), l('https://x.y'), t('>')]],
      ['"https://x.y"', [t('"'), l('https://x.y'), t('"')]],
      ['HTTPS://X.Y/Z', [l('HTTPS://X.Y/Z')]],
      ['xhttps://x.y 1http://x.y', [t('xhttps://x.y 1http://x.y')]],
      ['http:// https://. ftp://x.y', [t('http:// https://. ftp://x.y')]],
      ['https://x.y/@bob', [l('https://x.y/@bob')]],
      ['https://a.b\u00a0next', [l('https://a.b'), t('\u00a0next')]],
      ['a https://x.y b https://z.w', [t('a '), l('https://x.y'), t(' b '), l('https://z.w')]],
    ])('%j', (input, children) => {
      expect(fromText(input)).toEqual(body(p(...children)));
    });

    it('can be switched off', () => {
      expect(fromText('see https://x.y', { links: false })).toEqual(body(p(t('see https://x.y'))));
    });
  });
});

describe('toText', () => {
  const sample = body(
    p(t('Hello '), { type: 'text', text: 'world', bold: true, italic: true }, t(' '), m('u1'), t(' see '), l('https://x.y', 'docs'), t(' or '), l('https://z.w')),
    p(),
    p({ type: 'text', text: 'code', code: true }, l('https://e.x', '')),
  );

  it('joins paragraphs with \\n, drops formatting, renders mentions and links like Liveblocks', () => {
    expect(toText(sample)).toBe('Hello world @u1 see docs or https://z.w\n\ncodehttps://e.x');
  });

  it('resolves mention names, falling back to the id for unknown or empty names', () => {
    const names: Record<string, string> = { u1: 'Ada', u2: '' };
    const b = body(p(m('u1'), t(' '), m('u2'), t(' '), m('u3')));
    expect(toText(b, { resolveUser: (id) => names[id] })).toBe('@Ada @u2 @u3');
  });

  it('matches @liveblocks/node stringifyCommentBody (plain) for bodies without empty link text', async () => {
    const noEmptyLinkText = bodyArb.map((b): CommentBody => ({
      version: 1,
      content: b.content.map((para) => ({
        type: 'paragraph',
        children: para.children.map((c) => (c.type === 'link' && c.text === '' ? { type: 'link', url: c.url } : c)),
      })),
    }));
    await fc.assert(
      fc.asyncProperty(noEmptyLinkText, async (b) => {
        const liveblocksBody = {
          version: 1 as const,
          content: b.content.map((para) => ({
            type: 'paragraph' as const,
            children: para.children.map((c) => {
              if (c.type === 'mention') return { type: 'mention' as const, kind: 'user' as const, id: c.userId };
              if (c.type === 'link') return c;
              const { type: _type, ...rest } = c;
              return rest;
            }),
          })),
        };
        expect(toText(b)).toBe(await stringifyCommentBody(liveblocksBody, { format: 'plain' }));
      }),
      { numRuns: 200 },
    );
  });
});
