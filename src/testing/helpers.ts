import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { CollabError, type CollabErrorCode } from '../core/errors.js';
import type { CommentBody, CommentInline, CommentParagraph } from '../core/model/body.js';
import type { Metadata, Page } from '../core/model/common.js';
import type { Room } from '../core/model/room.js';
import type { Thread } from '../core/model/thread.js';
import type { ConformanceContext } from './types.js';

/** The room metadata key every room of a run carries (its value is the run id), so listings can filter to the run. */
export const RUN_METADATA_KEY = 'ucConformance';

/** Thrown by `ctx.skip(reason)`: the runner reports the check as skipped. */
export class ConformanceSkip extends Error {
  /** @param reason Why the check is skipped (printed). */
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'ConformanceSkip';
  }
}

/** Short description of a value for failure messages. */
export function describeValue(value: unknown): string {
  return inspect(value, { depth: 4, breakLength: 120, maxArrayLength: 20, maxStringLength: 200 });
}

/** What `expectError` checks beyond the code. */
export interface ExpectErrorOptions {
  /** The `field` of a `ValidationError` must satisfy this. */
  field?: (field: string) => boolean;
  /** Describes the expected field, for the failure message. */
  fieldLabel?: string;
  /** The `feature` of an `UnsupportedFeatureError`. */
  feature?: string;
}

/**
 * Awaits `action` and asserts it rejects with a `CollabError` of `code` (checked through `CollabError.is`,
 * so it works across installs). Returns the error.
 */
export async function expectError(action: () => Promise<unknown> | unknown, code: CollabErrorCode, what: string, options: ExpectErrorOptions = {}): Promise<CollabError> {
  let result: unknown;
  try {
    result = await action();
  } catch (err) {
    if (!CollabError.is(err)) {
      assert.fail(`${what}: expected a CollabError with code '${code}', got a non-CollabError: ${describeValue(err)}`);
    }
    assert.equal(err.code, code, `${what}: expected code '${code}', got '${err.code}' (${err.name}: ${err.message})`);
    if (options.field) {
      const field = (err as { field?: unknown }).field;
      assert.ok(
        typeof field === 'string' && options.field(field),
        `${what}: ValidationError.field should name ${options.fieldLabel ?? 'the bad field'}, got ${describeValue(field)}`,
      );
    }
    if (options.feature !== undefined) {
      assert.equal((err as { feature?: unknown }).feature, options.feature, `${what}: UnsupportedFeatureError.feature`);
    }
    return err;
  }
  return assert.fail(`${what}: expected a rejection with code '${code}', but it resolved with ${describeValue(result)}`);
}

/** Consumes an async iterable (at most `max` items) into an array. */
export async function collect<T>(iterable: AsyncIterable<T>, max = 10_000): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) {
    out.push(item);
    if (out.length > max) assert.fail(`iteration did not end after ${max} items (does it repeat?)`);
  }
  return out;
}

/**
 * Fetches every page of a listing, asserting each page holds at most `limit` items, cursors are strings or
 * `null`, and no cursor comes back twice (which would loop forever). Returns all items in order.
 */
export async function collectPages<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>, limit: number, maxPages = 1000): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let pages = 1; pages <= maxPages; pages++) {
    const page = await fetchPage(cursor);
    assert.ok(page && Array.isArray(page.items), `page ${pages} has no items array: ${describeValue(page)}`);
    assert.ok(page.items.length <= limit, `page ${pages} has ${page.items.length} items, more than limit ${limit}`);
    assert.ok(page.nextCursor === null || typeof page.nextCursor === 'string', `page ${pages}: nextCursor must be a string or null, got ${describeValue(page.nextCursor)}`);
    items.push(...page.items);
    if (page.nextCursor === null) return { items, pages };
    assert.ok(page.nextCursor.length > 0, `page ${pages}: nextCursor is an empty string (use null for the last page)`);
    assert.ok(!seen.has(page.nextCursor), `page ${pages}: nextCursor ${page.nextCursor} came back twice (pagination loops)`);
    seen.add(page.nextCursor);
    cursor = page.nextCursor;
  }
  return assert.fail(`listing did not end after ${maxPages} pages`);
}

/** Asserts every id of `expected` occurs exactly once in `ids`, and (when `exact`) nothing else does. */
export function assertExactlyOnce(ids: readonly string[], expected: readonly string[], what: string, exact = false): void {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  const missing = expected.filter((id) => !counts.has(id));
  const repeated = [...counts].filter(([id, n]) => n > 1 && (exact || expected.includes(id))).map(([id, n]) => `${id} x${n}`);
  assert.deepEqual(missing, [], `${what}: items missing from the listing`);
  assert.deepEqual(repeated, [], `${what}: items listed more than once`);
  if (exact) {
    const extra = [...counts.keys()].filter((id) => !expected.includes(id));
    assert.deepEqual(extra, [], `${what}: unexpected items in the listing`);
  }
}

/** Polls `fn` until it returns without throwing, for at most `timeoutMs`; rethrows the last failure. */
export async function eventually<T>(fn: () => Promise<T>, timeoutMs: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ConformanceSkip || Date.now() + intervalMs > deadline) throw err;
    }
    await sleep(intervalMs);
    intervalMs = Math.min(intervalMs * 1.5, 1000);
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A one-paragraph body of plain text. */
export function textBody(text: string): CommentBody {
  return { version: 1, content: [{ type: 'paragraph', children: [{ type: 'text', text }] }] };
}

/** The plain words of a body (text runs, link texts/urls, `@userId` for mentions), for messages and probe checks. */
export function bodyWords(body: CommentBody): string {
  return body.content
    .map((p) => p.children.map((c) => (c.type === 'text' ? c.text : c.type === 'mention' ? `@${c.userId}` : (c.text ?? c.url))).join(''))
    .join('\n');
}

const FLAGS = ['bold', 'italic', 'strikethrough', 'code'] as const;

function flagsOf(node: CommentInline): string {
  if (node.type !== 'text') return '';
  return FLAGS.filter((f) => node[f] === true).join(',');
}

/**
 * Normalises a body for comparison: drops `false` formatting flags and empty text runs, merges adjacent
 * text runs with the same formatting, drops a link `text` equal to its url, trims each paragraph's
 * leading and trailing whitespace, and drops empty paragraphs. Two bodies that render the same compare equal.
 */
export function normalizeBody(body: CommentBody): CommentBody {
  const content: CommentParagraph[] = [];
  for (const paragraph of body.content) {
    const children: CommentInline[] = [];
    for (const node of paragraph.children) {
      let next: CommentInline;
      if (node.type === 'text') {
        next = { type: 'text', text: node.text };
        for (const f of FLAGS) if (node[f] === true) next[f] = true;
      } else if (node.type === 'link') {
        next = node.text !== undefined && node.text !== node.url ? { type: 'link', url: node.url, text: node.text } : { type: 'link', url: node.url };
      } else {
        next = { type: 'mention', userId: node.userId };
      }
      const prev = children[children.length - 1];
      if (next.type === 'text' && prev?.type === 'text' && flagsOf(prev) === flagsOf(next)) {
        prev.text += next.text;
      } else {
        children.push(next);
      }
    }
    const first = children[0];
    if (first?.type === 'text') first.text = first.text.trimStart();
    const last = children[children.length - 1];
    if (last?.type === 'text') last.text = last.text.trimEnd();
    const kept = children.filter((c) => c.type !== 'text' || c.text !== '');
    if (kept.length > 0) content.push({ type: 'paragraph', children: kept });
  }
  return { version: 1, content };
}

/** Asserts two bodies are equal after `normalizeBody`. */
export function assertBodyEqual(actual: CommentBody, expected: CommentBody, what: string): void {
  assert.ok(actual && Array.isArray(actual.content), `${what}: body is not a CommentBody: ${describeValue(actual)}`);
  assert.deepEqual(normalizeBody(actual), normalizeBody(expected), `${what}: body differs after normalisation`);
}

/** Asserts `value` is a valid `Date`. */
export function assertDate(value: unknown, what: string): asserts value is Date {
  assert.ok(value instanceof Date && !Number.isNaN(value.getTime()), `${what} should be a valid Date, got ${describeValue(value)}`);
}

/** Asserts metadata equals `expected` (same keys, same values). */
export function assertMetadata(actual: Metadata | Record<string, unknown> | undefined, expected: Record<string, unknown>, what: string): void {
  assert.deepEqual({ ...(actual ?? {}) }, expected, `${what}: metadata`);
}

/** A user id for the check: upserted first when the provider has a user store, deleted afterwards. */
export async function newUser(ctx: ConformanceContext, kind = 'user'): Promise<string> {
  const id = ctx.id(kind);
  if (ctx.available('users.upsert')) {
    await ctx.collab.users.upsert({ id, name: `Conformance ${kind}` });
    if (ctx.available('users.delete')) ctx.defer(() => ctx.collab.users.delete(id));
  }
  if (ctx.available('notifications.list') && ctx.available('notifications.delete')) {
    ctx.defer(async () => {
      const page = await ctx.collab.notifications.list(id, { limit: 100 });
      for (const n of page.items) await ctx.collab.notifications.delete(id, n.id).catch(() => undefined);
    });
  }
  return id;
}

/**
 * A room for the check, tagged with the run's metadata key and deleted afterwards. When the provider
 * cannot create rooms (`rooms.create` is `no`), returns a fresh id: such providers create rooms on first use.
 */
export async function newRoom(ctx: ConformanceContext, input: { name?: string; metadata?: Record<string, string> } = {}): Promise<Room> {
  const id = ctx.id('room');
  if (!ctx.available('rooms.create')) return { id, metadata: {}, raw: undefined };
  const room = await ctx.collab.rooms.create({ id, ...input, metadata: { [RUN_METADATA_KEY]: ctx.runId, ...input.metadata } });
  if (ctx.available('rooms.delete')) ctx.defer(() => ctx.collab.rooms.delete(id));
  return room;
}

/** Creates a thread (deleted afterwards when the provider can) with a plain-text first comment by `authorId`. */
export async function newThread(
  ctx: ConformanceContext,
  roomId: string,
  authorId: string,
  options: { body?: CommentBody; metadata?: Record<string, string | number | boolean> } = {},
): Promise<Thread> {
  const thread = await ctx.collab.threads.create({
    roomId,
    comment: { authorId, body: options.body ?? textBody(`first comment ${ctx.runId}`) },
    ...(options.metadata ? { metadata: options.metadata } : {}),
  });
  if (ctx.available('threads.delete')) ctx.defer(() => ctx.collab.threads.delete(roomId, thread.id));
  return thread;
}

/** Asserts the probe answers the room exists (or not); no-op without that probe member. */
export async function probeRoomExists(ctx: ConformanceContext, roomId: string, expected: boolean, what: string): Promise<void> {
  if (!ctx.probe.roomExists) return;
  assert.equal(await ctx.probe.roomExists(roomId), expected, `probe.roomExists(${roomId}) ${what}`);
}
