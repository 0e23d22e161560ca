/** Unit: the exact messages, codes and fields of the Velt error mapping (pins what mutation testing found loose). */
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
import { assertBatchSucceeded, batchError, mapVeltError, PartialBatchError, splitBatch } from '../../../../src/adapters/velt/errors.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('PartialBatchError', () => {
  it('names the provider, operation, failed and written items', () => {
    const err = new PartialBatchError('rooms.import', [{ id: 'a', code: 'internal', message: 'boom' }], ['b', 'c']);
    expect(err.message).toBe('velt rooms.import: 1 of 3 item(s) failed (a [internal]: boom); 2 written (b, c)');
    expect(err).toMatchObject({ code: 'partial_failure', provider: 'velt', operation: 'rooms.import', failed: [{ id: 'a', code: 'internal', message: 'boom' }], written: ['b', 'c'] });
    const withInit = new PartialBatchError('op', [{ id: 'a' }], [], { status: 207, provider: 'other' });
    expect(withInit).toMatchObject({ status: 207, provider: 'other', operation: 'op' });
  });

  it('is() is true only for partial failures', () => {
    expect(PartialBatchError.is(new NotFoundError('x'))).toBe(false);
    expect(PartialBatchError.is({ code: 'partial_failure' })).toBe(false);
  });
});

describe('splitBatch', () => {
  it('keeps only string messages and codes of failed items', () => {
    expect(splitBatch({ a: { success: false, message: 5, code: 7 } })).toEqual({ failed: [{ id: 'a' }], written: [] });
    expect(splitBatch({ a: { success: false } })!.failed[0]).toEqual({ id: 'a' });
  });

  it('names a written item by its annotationId when it has one', () => {
    expect(splitBatch({ k: { success: true, annotationId: 'ann-1' }, j: { success: true, annotationId: 5 }, x: { success: false } })).toEqual({
      failed: [{ id: 'x' }],
      written: ['ann-1', 'j'],
    });
  });

  it('keys array items by their id, else by position, and skips null placeholders', () => {
    expect(splitBatch([null, { success: false, message: 'no' }, { id: 'd3' }, { id: 4, success: false }])).toEqual({
      failed: [
        { id: '1', message: 'no' },
        { id: '4' },
      ],
      written: ['d3'],
    });
  });

  it('is undefined for a map item without success, or an item that is not an object', () => {
    expect(splitBatch({ a: { success: false }, b: { id: 'b' } })).toBeUndefined();
    expect(splitBatch({ a: { success: false }, b: 'text' })).toBeUndefined();
    expect(splitBatch([{ success: false }, 3])).toBeUndefined();
    expect(splitBatch({ a: null, b: { success: false } })).toEqual({ failed: [{ id: 'b' }], written: [] });
    expect(splitBatch([])).toBeUndefined();
    expect(splitBatch({})).toBeUndefined();
  });
});

describe('batchError', () => {
  it('all not found: a NotFoundError listing the ids and messages, vendorCode NOT_FOUND unless given', () => {
    const err = batchError('rooms.get', [{ id: 'a', code: 'not-found' }, { id: 'b', message: 'Document does not exist' }, { id: 'c', code: 'DOES_NOT_EXIST' }], []);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.message).toBe('velt rooms.get: not found: a, b (Document does not exist), c');
    expect(err).toMatchObject({ provider: 'velt', operation: 'rooms.get', vendorCode: 'NOT_FOUND' });
    expect(batchError('op', [{ id: 'a', code: 'notFound' }], [], { vendorCode: 'ITEM_FAILED' })).toMatchObject({ vendorCode: 'ITEM_FAILED' });
  });

  it('recognises not-found texts', () => {
    for (const message of ['Room not found', "User doesn't exist", 'no such annotation', 'It Does Not Exist']) {
      expect(batchError('op', [{ id: 'a', message }], [])).toBeInstanceOf(NotFoundError);
    }
  });

  it('all already exists: a ConflictError, vendorCode ALREADY_EXISTS unless given', () => {
    const err = batchError('rooms.create', [{ id: 'a', code: 'already-exists' }, { id: 'b', message: 'Document Already Exist' }], []);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toBe('velt rooms.create: already exists: a, b (Document Already Exist)');
    expect(err).toMatchObject({ provider: 'velt', operation: 'rooms.create', vendorCode: 'ALREADY_EXISTS' });
    expect(batchError('op', [{ id: 'a', code: 'alreadyExists' }], [], { vendorCode: 'X' })).toMatchObject({ vendorCode: 'X' });
  });

  it('a code wins over the message, and other codes or texts are a partial failure', () => {
    expect(PartialBatchError.is(batchError('op', [{ id: 'a', code: 'internal', message: 'not found' }], []))).toBe(true);
    expect(PartialBatchError.is(batchError('op', [{ id: 'a', message: 'quota reached' }], []))).toBe(true);
    expect(PartialBatchError.is(batchError('op', [{ id: 'a' }], []))).toBe(true);
    expect(PartialBatchError.is(batchError('op', [{ id: 'a', code: 'not-found' }, { id: 'b', code: 'already-exists' }], []))).toBe(true);
    expect(PartialBatchError.is(batchError('op', [{ id: 'a', code: '  ' , message: 'not found' }], []))).toBe(false);
    expect(PartialBatchError.is(batchError('op', [{ id: 'a', code: 'already-exists' }], ['b']))).toBe(true);
    expect(PartialBatchError.is(batchError('op', [], []))).toBe(true);
  });

  it('passes the init on to a partial failure', () => {
    const err = batchError('op', [{ id: 'a' }], ['b'], { status: 500, requestId: 'req-1' });
    expect(err).toMatchObject({ provider: 'velt', operation: 'op', status: 500, requestId: 'req-1' });
  });
});

describe('mapVeltError: each status', () => {
  const map = (status: string | undefined, message?: string, extra: Record<string, unknown> = {}) =>
    mapVeltError({ body: { error: { ...(status === undefined ? {} : { status }), ...(message === undefined ? {} : { message }) } }, operation: 'rooms.get', ...extra });

  it('INVALID_ARGUMENT and OUT_OF_RANGE: a ValidationError on `request` saying what Velt said', () => {
    const err = map('INVALID_ARGUMENT', '  Bad field  ', { status: 400 });
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ field: 'request', vendorCode: 'INVALID_ARGUMENT', status: 400, provider: 'velt', operation: 'rooms.get' });
    expect(err!.message).toContain('velt rejected rooms.get (HTTP 400): Bad field');
    const bare = map('out-of-range');
    expect(bare).toBeInstanceOf(ValidationError);
    expect(bare!.message).toContain('velt rejected rooms.get: OUT_OF_RANGE');
  });

  it('credentials problems are AuthenticationErrors, whatever the status says', () => {
    for (const said of ['Invalid API key.', 'apikey missing', 'api-key', 'Auth token is not registered', 'authtoken', 'auth-token']) {
      expect(map('INVALID_ARGUMENT', said)).toBeInstanceOf(AuthenticationError);
      expect(map('PERMISSION_DENIED', said)).toBeInstanceOf(AuthenticationError);
    }
    const err = map('PERMISSION_DENIED', 'Invalid API key.', { status: 403 });
    expect(err!.message).toBe('velt rooms.get failed (HTTP 403): PERMISSION_DENIED: Invalid API key.');
    expect(map('UNAUTHENTICATED', 'who are you')!.message).toBe('velt rooms.get failed: UNAUTHENTICATED: who are you');
    expect(map('UNAUTHENTICATED')).toBeInstanceOf(AuthenticationError);
  });

  it('PERMISSION_DENIED otherwise: a PermissionError', () => {
    const err = map('permissionDenied', 'not allowed');
    expect(err).toBeInstanceOf(PermissionError);
    expect(err).toMatchObject({ vendorCode: 'PERMISSION_DENIED', message: 'velt rooms.get failed: PERMISSION_DENIED: not allowed' });
  });

  it('NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED', () => {
    expect(map('not-found', 'gone')).toBeInstanceOf(NotFoundError);
    expect(map('not-found', 'gone')!.message).toBe('velt rooms.get failed: NOT_FOUND: gone');
    const exists = map('ALREADY_EXISTS');
    expect(exists).toBeInstanceOf(ConflictError);
    expect(exists!.retryable).toBe(false);
    expect(exists!.message).toBe('velt rooms.get failed: ALREADY_EXISTS');
    expect(map('failed precondition')).toBeInstanceOf(ConflictError);
    expect(map('failed precondition')!.vendorCode).toBe('FAILED_PRECONDITION');
    const aborted = map('ABORTED');
    expect(aborted).toBeInstanceOf(ConflictError);
    expect(aborted!.retryable).toBe(true);
  });

  it('RESOURCE_EXHAUSTED: a RateLimitError with Retry-After', () => {
    const err = map('RESOURCE_EXHAUSTED', 'slow down', { status: 429, retryAfterMs: 1500, requestId: 'r-9' });
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ retryAfterMs: 1500, requestId: 'r-9', status: 429, message: 'velt rooms.get failed (HTTP 429): RESOURCE_EXHAUSTED: slow down' });
  });

  it('UNIMPLEMENTED is not retryable; INTERNAL, UNKNOWN, DATA_LOSS, UNAVAILABLE, DEADLINE_EXCEEDED are', () => {
    const un = map('UNIMPLEMENTED');
    expect(un).toBeInstanceOf(ProviderUnavailableError);
    expect(un!.retryable).toBe(false);
    for (const status of ['INTERNAL', 'unknown', 'dataLoss', 'UNAVAILABLE', 'deadline-exceeded']) {
      const err = map(status);
      expect(err).toBeInstanceOf(ProviderUnavailableError);
      expect(err!.retryable).toBe(true);
    }
  });

  it('UNIMPLEMENTED is a provider failure even with an HTTP error status (not left to the HTTP mapping)', () => {
    const err = map('UNIMPLEMENTED', 'not here', { status: 501 });
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect(err).toMatchObject({ retryable: false, status: 501, vendorCode: 'UNIMPLEMENTED', message: 'velt rooms.get failed (HTTP 501): UNIMPLEMENTED: not here' });
  });

  it('a blank message says nothing: the rejection names the status instead', () => {
    const err = map('INVALID_ARGUMENT', ' \t ', { status: 400 });
    expect(err).toBeInstanceOf(ValidationError);
    expect(err!.message).toBe('Invalid request: velt rejected rooms.get (HTTP 400): INVALID_ARGUMENT');
    expect(map('NOT_FOUND', '   ')!.message).toBe('velt rooms.get failed: NOT_FOUND');
  });

  it('CANCELLED: a plain retryable CollabError', () => {
    const err = map('CANCELLED', 'stop');
    expect(err).toBeInstanceOf(CollabError);
    expect(err).not.toBeInstanceOf(ProviderUnavailableError);
    expect(err).toMatchObject({ retryable: true, vendorCode: 'CANCELLED', message: 'velt rooms.get failed: CANCELLED: stop' });
  });

  it('an unknown status: decided by an HTTP status of 300 or more, else a non-retryable provider failure', () => {
    expect(map('WEIRD', 'x', { status: 300 })).toBeUndefined();
    const ok = map('WEIRD', 'x', { status: 299 });
    expect(ok).toBeInstanceOf(ProviderUnavailableError);
    expect(ok).toMatchObject({ retryable: false, message: 'velt rooms.get failed (HTTP 299): WEIRD: x' });
    const none = map(undefined, undefined);
    expect(none).toBeInstanceOf(ProviderUnavailableError);
    expect(none!.message).toBe('velt rooms.get failed: error');
  });
});

describe('mapVeltError: reading the envelope', () => {
  it('reads error.code when there is no status, and trims and cuts a long message', () => {
    const err = mapVeltError({ body: { error: { code: 'not-found', message: `  ${'m'.repeat(300)}  ` } }, operation: 'op' });
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err!.message).toBe(`velt op failed: NOT_FOUND: ${'m'.repeat(200)}`);
    expect(mapVeltError({ body: { error: { code: 7, message: '   ' } }, operation: 'op' })!.message).toBe('velt op failed: error');
    expect(mapVeltError({ body: { error: { status: '  ', code: 'unavailable' } }, operation: 'op' })).toBeInstanceOf(ProviderUnavailableError);
    expect(mapVeltError({ body: { error: { status: 42, message: 7 } }, operation: 'op' })!.message).toBe('velt op failed: error');
  });

  it('normalises camelCase, kebab-case and spaced codes', () => {
    expect(mapVeltError({ body: { error: { status: '  resourceExhausted ' } }, operation: 'op' })).toBeInstanceOf(RateLimitError);
    expect(mapVeltError({ body: { error: { status: 'invalid - argument' } }, operation: 'op' })).toBeInstanceOf(ValidationError);
  });

  it('is undefined without an error object', () => {
    expect(mapVeltError({ body: { error: 'text' }, operation: 'op' })).toBeUndefined();
    expect(mapVeltError({ body: { error: ['x'] }, operation: 'op' })).toBeUndefined();
    expect(mapVeltError({ body: null, operation: 'op' })).toBeUndefined();
  });

  it('classifies a per-item breakdown in details by its items, with the envelope status', () => {
    const err = mapVeltError({ status: 500, body: { error: { status: 'INTERNAL', details: { d1: { success: false, message: 'Document does not exist' } } } }, operation: 'rooms.delete' });
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ status: 500, vendorCode: 'INTERNAL', message: 'velt rooms.delete: not found: d1 (Document does not exist)' });
    const notBreakdown = mapVeltError({ body: { error: { status: 'NOT_FOUND', details: { d1: { success: true } } } }, operation: 'op' });
    expect(notBreakdown!.message).toBe('velt op failed: NOT_FOUND');
  });

  it('keeps the status, request id and the redacted body as the cause', () => {
    const err = mapVeltError({ status: 404, body: { error: { status: 'NOT_FOUND' } }, operation: 'op', requestId: 'req-2' });
    expect(err).toMatchObject({ status: 404, requestId: 'req-2', provider: 'velt', operation: 'op', vendorCode: 'NOT_FOUND' });
    expect((err as { cause?: unknown }).cause).toEqual({ status: 404, body: { error: { status: 'NOT_FOUND' } } });
  });
});

describe('assertBatchSucceeded', () => {
  it('returns the applied ids, or none for a non-map answer', () => {
    expect(assertBatchSucceeded({ a: { success: true }, b: { success: true } }, 'op')).toEqual(['a', 'b']);
    expect(assertBatchSucceeded(null, 'op')).toEqual([]);
    expect(assertBatchSucceeded(['a'], 'op')).toEqual([]);
  });

  it('throws the batch error with vendorCode ITEM_FAILED', () => {
    const err = thrown(() => assertBatchSucceeded({ a: { success: false, code: 'not-found' } }, 'threads.delete'));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ vendorCode: 'ITEM_FAILED', operation: 'threads.delete', provider: 'velt' });
    const partial = thrown(() => assertBatchSucceeded({ a: { success: false }, b: { success: true } }, 'op'));
    expect(PartialBatchError.is(partial)).toBe(true);
    expect(partial).toMatchObject({ vendorCode: 'ITEM_FAILED', written: ['b'] });
  });
});
