/**
 * src/adapters/liveblocks/errors.ts, edge by edge (written against the survivors of `npm run mutation --
 * liveblocks`, see docs/mutation.md): which statuses get the Liveblocks message, the message with and
 * without code, explanation and suggestion, the field named by a 422, the 403s that mean bad
 * credentials, and the dev server's 501.
 */
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  CollabError,
  ConflictError,
  NotFoundError,
  PermissionError,
  ProviderUnavailableError,
  RateLimitError,
  ValidationError,
} from '../../../../src/core/errors.js';
import type { HttpErrorContext } from '../../../../src/core/http/index.js';
import { toCollabError } from '../../../../src/adapters/liveblocks/errors.js';

function ctx(status: number, body: unknown, operation = 'rooms.get'): HttpErrorContext {
  return { status, body, headers: new Headers(), operation, provider: 'liveblocks' };
}

function mapped(status: number, body: unknown, operation?: string): CollabError {
  const err = toCollabError(ctx(status, body, operation));
  expect(err).toBeInstanceOf(CollabError);
  return err!;
}

describe('which answers are mapped here', () => {
  it('the Liveblocks 4xx and every 5xx; other 4xx are left to the default mapping', () => {
    for (const status of [405, 408, 410, 413, 418, 499]) expect(toCollabError(ctx(status, { error: 'X', message: 'm' })), String(status)).toBeUndefined();
    expect(mapped(400, {})).toBeInstanceOf(ValidationError);
    expect(mapped(401, {})).toBeInstanceOf(AuthenticationError);
    expect(mapped(403, {})).toBeInstanceOf(PermissionError);
    expect(mapped(404, {})).toBeInstanceOf(NotFoundError);
    expect(mapped(409, {})).toBeInstanceOf(ConflictError);
    expect(mapped(422, {})).toBeInstanceOf(ValidationError);
    expect(mapped(429, {})).toBeInstanceOf(RateLimitError);
    expect(mapped(500, {})).toBeInstanceOf(ProviderUnavailableError);
    expect(mapped(503, {})).toBeInstanceOf(ProviderUnavailableError);
  });
});

describe('the message of a failure', () => {
  it('has the code, the message and the suggestion', () => {
    const err = mapped(404, { error: 'ROOM_NOT_FOUND', message: 'Room not found.', suggestion: 'Use a valid room ID' });
    expect(err.message).toBe('liveblocks rooms.get failed with HTTP 404 ROOM_NOT_FOUND: Room not found. Suggestion: Use a valid room ID');
    expect(err.provider).toBe('liveblocks');
    expect(err.operation).toBe('rooms.get');
    expect(err.status).toBe(404);
    expect(err.vendorCode).toBe('ROOM_NOT_FOUND');
  });

  it('leaves out what the body does not have', () => {
    expect(mapped(404, {}).message).toBe('liveblocks rooms.get failed with HTTP 404');
    expect(mapped(404, { error: 'ROOM_NOT_FOUND' }).message).toBe('liveblocks rooms.get failed with HTTP 404 ROOM_NOT_FOUND');
    expect(mapped(404, { message: 'gone' }).message).toBe('liveblocks rooms.get failed with HTTP 404: gone');
    expect(mapped(404, { suggestion: 'retry' }).message).toBe('liveblocks rooms.get failed with HTTP 404 Suggestion: retry');
    expect(mapped(404, { error: ' ', message: ' ', suggestion: ' ' }).message).toBe('liveblocks rooms.get failed with HTTP 404');
    expect(mapped(404, {}).vendorCode).toBeUndefined();
  });

  it('the explanation is the message, else the reason, else a text body cleaned of its markup', () => {
    expect(mapped(409, { message: 'm', reason: 'r' }).message).toBe('liveblocks rooms.get failed with HTTP 409: m');
    expect(mapped(409, { reason: 'r' }).message).toBe('liveblocks rooms.get failed with HTTP 409: r');
    expect(mapped(502, '<html><body><h1>502 Bad Gateway</h1></body></html>').message).toBe('liveblocks rooms.get failed with HTTP 502: 502 Bad Gateway');
    expect(mapped(502, '').message).toBe('liveblocks rooms.get failed with HTTP 502');
    expect(mapped(502, ['x']).message).toBe('liveblocks rooms.get failed with HTTP 502');
    expect(mapped(502, null).message).toBe('liveblocks rooms.get failed with HTTP 502');
  });
});

describe('a rejected request (400, 422)', () => {
  it('says what was rejected, with the code and the explanation when there are', () => {
    const err = mapped(422, { error: 'UNPROCESSABLE_ENTITY', message: "Missing key: 'defaultAccesses'.", suggestion: 'ignored here' }, 'rooms.create') as ValidationError;
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toBe("Invalid defaultAccesses: liveblocks rejected rooms.create (HTTP 422 UNPROCESSABLE_ENTITY): Missing key: 'defaultAccesses'.");
    expect(err.field).toBe('defaultAccesses');
    expect(mapped(400, {}, 'rooms.create').message).toBe('Invalid request: liveblocks rejected rooms.create (HTTP 400)');
    expect(mapped(400, { error: 'Bad Request' }, 'rooms.create').message).toBe('Invalid request: liveblocks rejected rooms.create (HTTP 400 Bad Request)');
    expect(mapped(400, { message: 'no' }, 'rooms.create').message).toBe('Invalid request: liveblocks rejected rooms.create (HTTP 400): no');
  });

  it('names the key the message names, else request', () => {
    expect((mapped(422, { message: "Value at key 'permissions': not a list" }) as ValidationError).field).toBe('permissions');
    expect((mapped(422, { message: "Missing key 'id'" }) as ValidationError).field).toBe('id');
    expect((mapped(422, { message: 'Missing key: id' }) as ValidationError).field).toBe('request');
    expect((mapped(422, {}) as ValidationError).field).toBe('request');
  });
});

describe('a 403 that means bad credentials', () => {
  it('is an AuthenticationError for each credential code', () => {
    for (const code of ['INVALID_SECRET_KEY', 'INVALID_PUBLIC_KEY', 'INVALID_ACCESS_TOKEN', 'WRONG_KEY_USED', 'MISSING_SECRET_KEY']) {
      const err = mapped(403, { error: code });
      expect(err, code).toBeInstanceOf(AuthenticationError);
      expect(err.message).toBe(`liveblocks rooms.get failed with HTTP 403 ${code}`);
      expect(err.vendorCode).toBe(code);
      expect(err.status).toBe(403);
    }
  });

  it('or for the dev server\'s text under a generic code', () => {
    for (const message of ['Invalid secret key', 'invalid PUBLIC key.', 'Invalid access token', 'The provided token is an invalid or expired access token']) {
      expect(mapped(403, { error: 'Forbidden', message }), message).toBeInstanceOf(AuthenticationError);
    }
  });

  it('other 403s are a PermissionError; the same code on another status keeps its class', () => {
    expect(mapped(403, { error: 'UNAUTHORIZED_ROOM_ACCESS', message: 'Not allowed' })).toBeInstanceOf(PermissionError);
    expect(mapped(403, { error: 'Forbidden', message: 'Invalid room key' })).toBeInstanceOf(PermissionError);
    expect(mapped(403, { error: 'Forbidden', message: 'Invalid secretkey' })).toBeInstanceOf(PermissionError);
    expect(mapped(403, { error: 'Forbidden', message: 'access token invalid' })).toBeInstanceOf(PermissionError);
    expect(mapped(404, { error: 'INVALID_SECRET_KEY' })).toBeInstanceOf(NotFoundError);
    expect(mapped(404, { error: 'F', message: 'Invalid secret key' })).toBeInstanceOf(NotFoundError);
  });
});

describe("the dev server's 501", () => {
  const tail = ' (the Liveblocks dev server does not implement comments, notifications, presence-set, broadcast, Yjs versions, storage JSON Patch or the Management API)';

  it('says the server does not implement it, and is not retryable', () => {
    const err = mapped(501, { error: 'Not implemented', message: "This endpoint isn't implemented." }, 'threads.list');
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect(err.message).toBe(`liveblocks threads.list is not implemented by this Liveblocks server (HTTP 501 Not implemented): This endpoint isn't implemented.${tail}`);
    expect(err.retryable).toBe(false);
    expect(err.provider).toBe('liveblocks');
    expect(err.operation).toBe('threads.list');
    expect(err.status).toBe(501);
    expect(err.vendorCode).toBe('Not implemented');
  });

  it('without code or explanation', () => {
    expect(mapped(501, {}, 'threads.list').message).toBe(`liveblocks threads.list is not implemented by this Liveblocks server (HTTP 501)${tail}`);
  });

  it('other 5xx keep the failure message and are retryable', () => {
    const err = mapped(500, { error: 'INTERNAL_ERROR', message: 'boom' });
    expect(err.message).toBe('liveblocks rooms.get failed with HTTP 500 INTERNAL_ERROR: boom');
    expect(err.retryable).toBe(true);
  });
});
