/**
 * Liveblocks comment bodies <-> core `CommentBody` (inline text nodes lack `type: "text"` on the wire).
 * @module
 */
import type { CommentBody, CommentInline, CommentParagraph, CommentText } from '../../../core/model/body.js';
import type { LbCommentBody, LbInline, LbOutgoingBody } from '../schemas.js';

function wireText(node: CommentText): LbInline {
  // Only `true` flags travel: Liveblocks' own editor never writes `false` ones.
  const out: { text: string; bold?: boolean; italic?: boolean; strikethrough?: boolean; code?: boolean } = { text: node.text };
  if (node.bold === true) out.bold = true;
  if (node.italic === true) out.italic = true;
  if (node.strikethrough === true) out.strikethrough = true;
  if (node.code === true) out.code = true;
  return out;
}

/**
 * A core `CommentBody` as Liveblocks stores it: text runs lose `type`, mentions become
 * `{ type: 'mention', kind: 'user', id }`. An empty paragraph gets one empty text run and an empty
 * body one empty paragraph, the shapes Liveblocks' editor produces, since the API requires paragraphs.
 */
export function toWireBody(body: CommentBody): LbOutgoingBody {
  const content: LbOutgoingBody['content'] = [];
  for (const paragraph of body.content) {
    const children: LbInline[] = [];
    for (const node of paragraph.children) {
      if (node.type === 'text') children.push(wireText(node));
      else if (node.type === 'mention') children.push({ type: 'mention', kind: 'user', id: node.userId });
      else if (node.type === 'link') children.push(node.text !== undefined ? { type: 'link', url: node.url, text: node.text } : { type: 'link', url: node.url });
    }
    if (children.length === 0) children.push({ text: '' });
    content.push({ type: 'paragraph', children });
  }
  if (content.length === 0) content.push({ type: 'paragraph', children: [{ text: '' }] });
  return { version: 1, content };
}

function coreInline(node: unknown): CommentInline | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const n = node as Record<string, unknown>;
  const type = n.type;
  if (type === 'mention') {
    if (typeof n.id !== 'string' || n.id === '') return undefined;
    // Group mentions have no core equivalent: keep what a reader sees; `raw` keeps the node.
    if (n.kind === 'group') return { type: 'text', text: `@${n.id}` };
    return { type: 'mention', userId: n.id };
  }
  if (type === 'link') {
    if (typeof n.url !== 'string' || n.url === '') return undefined;
    return typeof n.text === 'string' && n.text !== '' ? { type: 'link', url: n.url, text: n.text } : { type: 'link', url: n.url };
  }
  if ((type === undefined || type === 'text') && typeof n.text === 'string') {
    const out: CommentText = { type: 'text', text: n.text };
    if (n.bold === true) out.bold = true;
    if (n.italic === true) out.italic = true;
    if (n.strikethrough === true) out.strikethrough = true;
    if (n.code === true) out.code = true;
    return out;
  }
  // Unknown inline types (added by Liveblocks later) are skipped rather than failing the whole read.
  return undefined;
}

/** A Liveblocks comment body as a core `CommentBody` (lenient: mentions without `kind`, unknown nodes skipped). */
export function fromWireBody(body: LbCommentBody): CommentBody {
  const content: CommentParagraph[] = [];
  for (const block of body.content) {
    const children: CommentInline[] = [];
    for (const node of block.children) {
      const inline = coreInline(node);
      if (inline !== undefined && !(inline.type === 'text' && inline.text === '')) children.push(inline);
    }
    content.push({ type: 'paragraph', children });
  }
  return { version: 1, content };
}
