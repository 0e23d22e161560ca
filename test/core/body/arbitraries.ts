import fc from 'fast-check';
import type { CommentBody, CommentInline, CommentLink, CommentMention, CommentParagraph, CommentText } from '../../../src/core/model/body.js';

/** Pieces that stress escaping, whitespace handling, entities and placeholders. */
export const nastyPiece = fc.constantFrom(
  '<', '>', '&', '"', "'", '{', '}', '{{', '}}', '{{bob}}', '&amp;', '&#32;', '&lt;', '&nbsp;', '&#x1F600;',
  '<p>', '</p>', '<br>', '<script>alert(1)</script>', '<a href="javascript:alert(1)">x</a>', '@', '@bob',
  'http://x.y', 'javascript:alert(1)', '\u0000', '\ud800', '\udc00', '\u00a0', '\u2003', '\u200b', '\ufeff',
  '\u{1F600}', 'é', '<!--', '-->', ']]>', '<![CDATA[', '\\', '`',
);

/** Whitespace of all kinds, including newlines (which split paragraphs on normalisation). */
export const whitespace = fc.constantFrom(' ', '  ', '   ', '\t', '\n', '\r', '\r\n', '\f', '\u000b', ' \n ', '\n\n');

/** Arbitrary unicode text with plenty of markup-significant characters and whitespace. */
export const nastyText: fc.Arbitrary<string> = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) }, { weight: 2, arbitrary: nastyPiece }, { weight: 2, arbitrary: whitespace }, { weight: 2, arbitrary: fc.string({ maxLength: 6 }) }), { maxLength: 6 })
  .map((parts) => parts.join(''));

const flag = fc.constantFrom<boolean | undefined>(undefined, undefined, true, true, false);

export const textArb: fc.Arbitrary<CommentText> = fc
  .tuple(nastyText, flag, flag, flag, flag)
  .map(([text, bold, italic, strikethrough, code]) => {
    const node: CommentText = { type: 'text', text };
    if (bold !== undefined) node.bold = bold;
    if (italic !== undefined) node.italic = italic;
    if (strikethrough !== undefined) node.strikethrough = strikethrough;
    if (code !== undefined) node.code = code;
    return node;
  });

/** Ids in the shape `[A-Za-z0-9_][A-Za-z0-9_.-]*`, plus some arbitrary non-empty ones. */
export const userIdArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,12}$/) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }) },
  { weight: 1, arbitrary: nastyText.filter((s) => s.length > 0) },
);

export const mentionArb: fc.Arbitrary<CommentMention> = userIdArb.map((userId) => ({ type: 'mention', userId }));

/** `http(s)://` URLs: well-formed ones, and ones with characters that need escaping in attributes. */
export const safeUrlArb: fc.Arbitrary<string> = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc
    .tuple(fc.constantFrom('http://', 'https://', 'HTTPS://'), fc.string({ unit: fc.constantFrom('a', 'b', '.', '/', '"', "'", '<', '>', '&', '{', '}', '=', '?', '#', '%', 'é', '\u{1F600}', '(', ')'), minLength: 1, maxLength: 20 }))
    .map(([scheme, rest]) => scheme + rest),
);

export const linkArb: fc.Arbitrary<CommentLink> = safeUrlArb.chain((url) =>
  fc.oneof(fc.constant<CommentLink>({ type: 'link', url }), fc.constant<CommentLink>({ type: 'link', url, text: url }), fc.constant<CommentLink>({ type: 'link', url, text: '' }), nastyText.map<CommentLink>((text) => ({ type: 'link', url, text }))),
);

export const inlineArb: fc.Arbitrary<CommentInline> = fc.oneof({ weight: 5, arbitrary: textArb }, { weight: 1, arbitrary: mentionArb }, { weight: 1, arbitrary: linkArb });

export const paragraphArb: fc.Arbitrary<CommentParagraph> = fc.array(inlineArb, { maxLength: 8 }).map((children) => ({ type: 'paragraph', children }));

/** Any schema-valid body whose links have safe URLs (empty bodies and empty paragraphs included). */
export const bodyArb: fc.Arbitrary<CommentBody> = fc.array(paragraphArb, { maxLength: 5 }).map((content) => ({ version: 1, content }));

/** HTML-ish soup for fuzzing `fromHtml`: tags (ours and others), attributes, entities, broken markup. */
export const htmlSoup: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: nastyText },
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          '<p>', '</p>', '<div>', '</div>', '<br>', '<br/>', '</br>', '<hr>', '<strong>', '</strong>', '<b>', '</b>', '<em>', '</em>',
          '<i>', '</i>', '<s>', '</s>', '<del>', '</del>', '<strike>', '</strike>', '<code>', '</code>', '<pre>', '</pre>',
          '<a href="https://x.y/a?b=1&amp;c=2">', '<a href=\'http://q\'>', '<a href=mailto:a@b.c>', '<a href="javascript:alert(1)">',
          '<a href=" https://sp.ace ">', '<a>', '</a>', '<a href="https://e.x"/>', '<span data-mention-user-id="u1">', '<span data-mention-user-id="">',
          '<span data-type="mention" data-id="tip">', '<span data-mention>', '<span>', '</span>', '<span data-mention-user-id="x"/>',
          '<script>', '</script>', '<style>', '</style>', '<template>', '</template>', '<title>', '<!--', '-->', '<!-->', '<!DOCTYPE html>',
          '<?xml ?>', '</>', '</ p>', '<', '>', '&', '&#', '&#x', '&#0;', '&#xD800;', '&#1114112;', '&#99999999999999999999;', '&#10;', '&#13;',
          '&#32;', '&#9;', '&amp', '&nbsp;', '&bogus;', '{{', '}}', '{{u2}}', '<li>', '</li>', '<ul>', '<h1>', '<td>', '<img src=x alt="y">',
          '<p class="a" id=b data-x=\'c\'>', '<a href="https://a.b" target="_blank" rel="noopener">', '<STRONG>', '</STRONG>', '<P>',
          '<span data-mention-user-id="a&quot;b">', '<div title=">">', '<a title="', '"', "'", '=', '/', '<svg>', '</svg>',
        ),
      },
      { weight: 1, arbitrary: whitespace },
    ),
    { maxLength: 25 },
  )
  .map((parts) => parts.join(''));
