/**
 * Velt's body formats (`{{userId}}` placeholders and tagged-contact display texts), which live in the
 * Velt adapter and plug into core's body converters as a mention token and a mention scanner.
 */
import { describe, expect, it } from 'vitest';
import { mentionTextScanner } from '../../../../src/adapters/velt/mappers/mention-texts.js';
import { VELT_PLACEHOLDER } from '../../../../src/adapters/velt/mappers/placeholder.js';
import { fromHtml, fromText, toHtml, toText } from '../../../../src/core/body/index.js';
import { type CommentBody, type CommentInline, type CommentText, CommentBodySchema } from '../../../../src/core/model/body.js';

const p = (...children: CommentInline[]) => ({ type: 'paragraph' as const, children });
const t = (text: string, fmt: Omit<CommentText, 'type' | 'text'> = {}): CommentText => ({ type: 'text', text, ...fmt });
const m = (userId: string) => ({ type: 'mention' as const, userId });
const body = (...content: ReturnType<typeof p>[]): CommentBody => ({ version: 1, content });

describe('toHtml with Velt placeholders', () => {
  it('writes Velt placeholders when asked', () => {
    expect(toHtml(fromText('Hey @user_sarah_chen, look'), { placeholders: VELT_PLACEHOLDER })).toBe('<p>Hey {{user_sarah_chen}}, look</p>');
    expect(toHtml(body(p(m('a b'))), { placeholders: VELT_PLACEHOLDER })).toBe('<p><span data-mention-user-id="a b">@a b</span></p>');
  });
});

describe('fromHtml with Velt placeholders and tagged texts', () => {
  it('reads Velt commentHtml with {{userId}} placeholders (velt.md add-comment example)', () => {
    expect(fromHtml('<p>Hey {{user_sarah_chen}}, can you review this color scheme?</p>', { placeholders: VELT_PLACEHOLDER })).toEqual(
      body(p(t('Hey '), m('user_sarah_chen'), t(', can you review this color scheme?'))),
    );
    expect(fromHtml('<p>Hey {{user_sarah_chen}}</p>', { placeholders: false })).toEqual(body(p(t('Hey {{user_sarah_chen}}'))));
    expect(fromHtml('<div>Hello Updated</div>')).toEqual(body(p(t('Hello Updated'))));
    expect(fromHtml('<p>This is a sample comment text.</p>')).toEqual(body(p(t('This is a sample comment text.'))));
  });

  it('reads Velt webhook commentHtml with taggedUserContacts texts', () => {
    const tagged = [{ userId: 'e54d', text: '@Jim Halpert' }];
    expect(fromHtml('@Jim Halpert can you take a look?', { mentionScanner: mentionTextScanner(tagged) })).toEqual(body(p(m('e54d'), t(' can you take a look?'))));
    expect(fromHtml('<p><code>@Jim Halpert</code> @Jim Halpert</p>', { mentionScanner: mentionTextScanner(tagged) })).toEqual(
      body(p(t('@Jim Halpert', { code: true }), t(' '), m('e54d'))),
    );
  });
});

describe('fromText / toText with Velt placeholders and tagged texts', () => {
  it('reads Velt {{userId}} placeholders when asked (off by default)', () => {
    const text = 'Hey {{user_sarah_chen}}, can you review this color scheme?';
    expect(fromText(text)).toEqual(body(p(t(text))));
    expect(fromText(text, { placeholders: VELT_PLACEHOLDER })).toEqual(
      body(p(t('Hey '), m('user_sarah_chen'), t(', can you review this color scheme?'))),
    );
    expect(fromText('{{}} {{a b}} {{x}', { placeholders: VELT_PLACEHOLDER })).toEqual(body(p(t('{{}} {{a b}} {{x}'))));
  });

  it('reads Velt taggedUserContacts texts as mentions (webhook example)', () => {
    // velt.md webhook sample: commentText "@Jim Halpert can you take a look?" + taggedUserContacts
    const tagged = [{ userId: 'e54d', text: '@Jim Halpert' }];
    expect(fromText('@Jim Halpert can you take a look?', { mentionScanner: mentionTextScanner(tagged) })).toEqual(
      body(p(m('e54d'), t(' can you take a look?'))),
    );
    // longest match wins, and @-mentions still work elsewhere
    const two = [{ userId: 'j', text: '@Jim' }, { userId: 'jh', text: '@Jim Halpert' }];
    expect(fromText('@Jim Halpert, @Jim and @pam', { mentionScanner: mentionTextScanner(two) })).toEqual(
      body(p(m('jh'), t(', '), m('j'), t(' and '), m('pam'))),
    );
    expect(fromText('@Jim', { mentionScanner: mentionTextScanner([{ userId: '', text: '@Jim' }, { userId: 'x', text: '' }]) })).toEqual(body(p(m('Jim'))));
  });

  it('writes Velt placeholders when asked', () => {
    expect(toText(body(p(t('Hey '), m('user_sarah_chen'), t('!'), m('has space'))), { placeholders: VELT_PLACEHOLDER })).toBe(
      'Hey {{user_sarah_chen}}!@has space',
    );
  });

  it('round-trips with fromText for placeholders and mention texts', () => {
    const text = 'Hey {{a}} and {{b.c}}';
    expect(toText(fromText(text, { placeholders: VELT_PLACEHOLDER }), { placeholders: VELT_PLACEHOLDER })).toBe(text);
  });
});

describe('linear time on hostile input, with the Velt token and scanner', () => {
  const N = 200_000;
  const velt = { placeholders: VELT_PLACEHOLDER, mentionScanner: mentionTextScanner([{ userId: 'u', text: '@Jim Halpert' }]) };

  it.each([
    ['@', '@'.repeat(N)],
    ['@a.', '@a.'.repeat(N / 2)],
    ['x@', 'x@'.repeat(N)],
    ['urls', 'http://'.repeat(N / 4)],
    ['url punctuation', 'https://' + ').'.repeat(N)],
    ['xhttp', 'xhttp://'.repeat(N / 4)],
    ['urls and mentions', 'https://a.b @c '.repeat(N / 8)],
    ['placeholders', '{{'.repeat(N)],
  ])('fromText: %s', (_name, input) => {
    const result = fromText(input, velt);
    expect(toText(result).length).toBeGreaterThan(0);
  });

  it('fromHtml: braces', () => {
    // No stopwatch (no timing assertions in npm test): a super-linear matcher would blow the test timeout.
    expect(CommentBodySchema.safeParse(fromHtml('{{'.repeat(N) + '{{a'.repeat(N / 2), velt)).success).toBe(true);
  });
});
