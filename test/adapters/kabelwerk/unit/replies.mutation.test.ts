/**
 * src/adapters/kabelwerk/mappers/replies.ts, edge by edge (written against the survivors of `npm run
 * mutation -- kabelwerk`, see docs/mutation.md): a channel reply of an unknown shape is a
 * ProviderResponseError naming the first bad field (or `(root)`), and an unreadable timestamp names its field.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ProviderResponseError } from '../../../../src/core/errors.js';
import { kabelwerkDate, parseChannelReply } from '../../../../src/adapters/kabelwerk/mappers/replies.js';
import { KabelwerkCreatedRoomSchema, KabelwerkMessagesSchema } from '../../../../src/adapters/kabelwerk/schemas.js';

function thrown(f: () => unknown): ProviderResponseError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ProviderResponseError);
    return e as ProviderResponseError;
  }
  throw new Error('expected a ProviderResponseError');
}

describe('parseChannelReply', () => {
  it('returns the parsed reply (loose schemas keep unknown fields)', () => {
    expect(parseChannelReply(KabelwerkCreatedRoomSchema, { id: 5, extra: 'x' }, 'rooms.create', 'room create')).toStrictEqual({ id: 5, extra: 'x' });
  });

  it('a reply that is not an object fails at (root), with zod\'s message', () => {
    const e = thrown(() => parseChannelReply(KabelwerkCreatedRoomSchema, 'x', 'rooms.get', 'room join'));
    expect(e.message).toBe('kabelwerk answered room join of rooms.get with an unexpected shape: field "(root)": Invalid input: expected object, received string');
    expect(e.path).toBe('(root)');
    expect(e.provider).toBe('kabelwerk');
    expect(e.operation).toBe('rooms.get');
    expect(e.code).toBe('provider_response_error');
  });

  it('names the first bad field by its dotted path', () => {
    const top = thrown(() => parseChannelReply(KabelwerkCreatedRoomSchema, { id: 'x' }, 'rooms.create', 'room create'));
    expect(top.message).toBe('kabelwerk answered room create of rooms.create with an unexpected shape: field "id": Invalid input: expected number, received string');
    expect(top.path).toBe('id');
    const nested = thrown(() => parseChannelReply(KabelwerkMessagesSchema, { messages: [{ id: 1 }] }, 'threads.get', 'room join'));
    expect(nested.message).toBe('kabelwerk answered room join of threads.get with an unexpected shape: field "messages.0.room_id": Invalid input: expected number, received undefined');
    expect(nested.path).toBe('messages.0.room_id');
  });

  it('a failure without issues still says (root) and "invalid"', () => {
    const bare = { safeParse: () => ({ success: false, error: { issues: [] } }) } as unknown as z.ZodType;
    const e = thrown(() => parseChannelReply(bare, {}, 'op', 'reply'));
    expect(e.message).toBe('kabelwerk answered reply of op with an unexpected shape: field "(root)": invalid');
    expect(e.path).toBe('(root)');
  });
});

describe('kabelwerkDate', () => {
  it('reads a Kabelwerk timestamp', () => {
    expect(kabelwerkDate('2023-07-22T09:46:57Z', 'inserted_at', 'comments.get').getTime()).toBe(Date.UTC(2023, 6, 22, 9, 46, 57));
  });

  it('an unreadable one is a ProviderResponseError naming the field', () => {
    const e = thrown(() => kabelwerkDate('yesterday', 'updated_at', 'threads.get'));
    expect(e.message).toBe('kabelwerk answered threads.get with an unreadable timestamp in "updated_at"');
    expect(e.path).toBe('updated_at');
    expect(e.provider).toBe('kabelwerk');
    expect(e.operation).toBe('threads.get');
  });
});
