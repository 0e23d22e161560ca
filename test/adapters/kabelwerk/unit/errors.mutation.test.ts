/**
 * src/adapters/kabelwerk/errors.ts, edge by edge (written against the survivors of `npm run mutation --
 * kabelwerk`, see docs/mutation.md): channel rejections and their messages, the rejection lookup,
 * the realtime error init, re-addressing a ValidationError to the caller's fields, and the REST mapping.
 */
import { describe, expect, it } from 'vitest';
import { AuthenticationError, NotFoundError, ProviderResponseError, ProviderUnavailableError, ValidationError } from '../../../../src/core/errors.js';
import {
  CHANNEL_REJECTED,
  changesetError,
  channelRejected,
  inCallerTerms,
  mapKabelwerkError,
  realtimeInit,
  rejectionOf,
} from '../../../../src/adapters/kabelwerk/errors.js';
import type { HttpErrorContext } from '../../../../src/core/http/index.js';

describe('channelRejected / rejectionOf', () => {
  it('says what was rejected, with the reason (or message) cut to 200 characters', () => {
    const join = channelRejected('threads.list', 'room:42', 'phx_join', { reason: 'unauthorized' });
    expect(join).toBeInstanceOf(ValidationError);
    expect(join.field).toBe('request');
    expect(join.message).toBe('Invalid request: kabelwerk rejected joining room:42: unauthorized');
    expect(join.provider).toBe('kabelwerk');
    expect(join.operation).toBe('threads.list');
    expect(join.vendorCode).toBe(CHANNEL_REJECTED);
    expect(CHANNEL_REJECTED).toBe('channel_rejected');
    expect(rejectionOf(join)).toStrictEqual({ topic: 'room:42', event: 'phx_join', reason: 'unauthorized' });
    const push = channelRejected('comments.create', 'room:1', 'post_message', { message: 'm'.repeat(300) });
    expect(push.message).toBe(`Invalid request: kabelwerk rejected post_message on room:1: ${'m'.repeat(200)}`);
    expect(rejectionOf(push)?.reason).toBe('m'.repeat(300));
    const bare = channelRejected('op', 'private', 'post_message', 'nope');
    expect(bare.message).toBe('Invalid request: kabelwerk rejected post_message on private');
    expect(rejectionOf(bare)?.reason).toBeUndefined();
    expect(channelRejected('op', 'private', 'x', { reason: 'r', message: 'm' }).message).toMatch(/: r$/);
  });
  it('cuts a long topic to 61 characters and an ellipsis, keeps one of 64', () => {
    const long = 't'.repeat(65);
    expect(channelRejected('op', long, 'phx_join', {}).message).toBe(`Invalid request: kabelwerk rejected joining ${'t'.repeat(61)}...`);
    const edge = 'u'.repeat(64);
    expect(channelRejected('op', edge, 'phx_join', {}).message).toBe(`Invalid request: kabelwerk rejected joining ${edge}`);
  });
  it('finds nothing behind other values', () => {
    expect(rejectionOf(new ValidationError('request', 'x'))).toBeUndefined();
    expect(rejectionOf(null)).toBeUndefined();
    expect(rejectionOf('x')).toBeUndefined();
    expect(rejectionOf(undefined)).toBeUndefined();
  });
});

describe('realtimeInit', () => {
  it('names the provider and operation, and keeps the extra fields', () => {
    expect(realtimeInit('rooms.get')).toStrictEqual({ provider: 'kabelwerk', operation: 'rooms.get' });
    expect(realtimeInit('rooms.get', { status: 500 })).toStrictEqual({ provider: 'kabelwerk', operation: 'rooms.get', status: 500 });
  });
});

describe('inCallerTerms', () => {
  it("renames the field to the caller's and keeps provider, operation and status", () => {
    const original = new ValidationError('user', 'user does not exist', { provider: 'kabelwerk', operation: 'comments.create', status: 400 });
    const renamed = inCallerTerms(original, { user: 'authorId' }) as ValidationError;
    expect(renamed).toBeInstanceOf(ValidationError);
    expect(renamed).not.toBe(original);
    expect(renamed.field).toBe('authorId');
    expect(renamed.message).toBe('Invalid authorId: user does not exist');
    expect(renamed.provider).toBe('kabelwerk');
    expect(renamed.operation).toBe('comments.create');
    expect(renamed.status).toBe(400);
    expect(renamed.retryable).toBe(false);
    expect(renamed.cause).toBe(original);
  });
  it('leaves absent context out, and passes other errors through', () => {
    const bare = inCallerTerms(new ValidationError('text', 'blank'), { text: 'body' }) as ValidationError;
    expect(bare.field).toBe('body');
    expect(bare.provider).toBeUndefined();
    expect(bare.operation).toBeUndefined();
    expect(bare.status).toBeUndefined();
    const other = new ValidationError('other', 'x');
    expect(inCallerTerms(other, { text: 'body' })).toBe(other);
    const rejected = channelRejected('op', 'room:1', 'post_message', { reason: 'r' });
    expect(inCallerTerms(rejected, { request: 'body' })).toBe(rejected);
    const notFound = new NotFoundError('gone');
    expect(inCallerTerms(notFound, { text: 'body' })).toBe(notFound);
    expect(inCallerTerms('plain', { text: 'body' })).toBe('plain');
  });
});

function ctx(status: number, body: unknown): HttpErrorContext {
  return { status, body, headers: new Headers(), operation: 'rooms.get', provider: 'kabelwerk' };
}

describe('mapKabelwerkError', () => {
  it('a changeset 400 names the first sorted field; another 400 is a ProviderResponseError', () => {
    const v = mapKabelwerkError(ctx(400, { errors: { zeta: ['z bad'], alpha: ['a bad', 'more'] } })) as ValidationError;
    expect(v).toBeInstanceOf(ValidationError);
    expect(v.field).toBe('alpha');
    expect(v.message).toContain('alpha a bad');
    const other = mapKabelwerkError(ctx(400, { nope: 1 }));
    expect(other).toBeInstanceOf(ProviderResponseError);
    expect(other.message).toBe('kabelwerk answered rooms.get with HTTP 400 without a {"errors": {"<field>": ["<message>"]}} body');
    expect((other as ProviderResponseError).path).toBe('errors');
    expect(other.retryable).toBe(false);
  });
  it('maps 401/403, 404 and the rest, retrying 408, 429 and 5xx but 501/505', () => {
    expect(mapKabelwerkError(ctx(401, {}))).toBeInstanceOf(AuthenticationError);
    expect(mapKabelwerkError(ctx(403, {}))).toBeInstanceOf(AuthenticationError);
    expect(mapKabelwerkError(ctx(404, {}))).toBeInstanceOf(NotFoundError);
    for (const [status, retryable] of [[408, true], [429, true], [500, true], [503, true], [599, true], [501, false], [505, false], [409, false], [422, false], [499, false]] as const) {
      const e = mapKabelwerkError(ctx(status, {}));
      expect(e, String(status)).toBeInstanceOf(ProviderUnavailableError);
      expect(e.retryable, String(status)).toBe(retryable);
    }
  });
  it('explains with the changeset, a detail, or the first 200 characters of a text body', () => {
    expect(mapKabelwerkError(ctx(500, { errors: { detail: 'Internal error' } })).message).toContain(': Internal error');
    expect(mapKabelwerkError(ctx(500, 'x'.repeat(300))).message).toMatch(new RegExp(`: ${'x'.repeat(200)}$`));
    expect(mapKabelwerkError(ctx(500, '   ')).message).not.toContain(':');
    expect(mapKabelwerkError(ctx(500, { code: 'C' })).vendorCode).toBeUndefined();
  });
  it('changesetError reads only the documented shape', () => {
    expect(changesetError({ errors: { b: ['x'], a: ['y'] } })).toStrictEqual({ field: 'a', message: 'y' });
    expect(changesetError({ errors: {} })).toBeUndefined();
    expect(changesetError({ errors: { a: 'not a list' } })).toBeUndefined();
    expect(changesetError({ errors: { a: [] } })).toBeUndefined();
    expect(changesetError({ errors: { a: [''] } })).toBeUndefined();
    expect(changesetError('x')).toBeUndefined();
  });
});
