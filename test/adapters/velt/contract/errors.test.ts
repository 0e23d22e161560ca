/**
 * Contract: Velt's error envelope `{"error":{"message","status","details"}}` (vendors/velt.md §1.3) maps to
 * the shared classes the same way every adapter maps the same situation, whether it arrives with its
 * HTTP status or inside an HTTP 200; retries follow the HTTP policy; no secret ever leaks.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  CollabError,
  ConflictError,
  NotFoundError,
  PermissionError,
  ProviderResponseError,
  ProviderUnavailableError,
  RateLimitError,
  ValidationError,
} from '../../../../src/core/errors.js';
import type { HttpLogEntry } from '../../../../src/core/logger.js';
import { API_KEY, AUTH_TOKEN, expectVelt, ok, rejection, seen, useNock, veltCollab } from './harness.js';

useNock();

const CASES: Array<[status: string, http: number, message: string, cls: new (...args: never[]) => CollabError, retryable: boolean]> = [
  ['INVALID_ARGUMENT', 400, 'ERROR_MESSAGE', ValidationError, false],
  ['INVALID_ARGUMENT', 400, 'Auth token not found.', AuthenticationError, false],
  ['UNAUTHENTICATED', 401, 'Unauthenticated.', AuthenticationError, false],
  ['PERMISSION_DENIED', 403, 'Invalid API key.', AuthenticationError, false],
  ['PERMISSION_DENIED', 403, 'User does not have access to the document.', PermissionError, false],
  ['NOT_FOUND', 404, 'Annotation not found.', NotFoundError, false],
  ['ALREADY_EXISTS', 409, 'Already exists.', ConflictError, false],
  ['ABORTED', 409, 'Aborted.', ConflictError, true],
  ['FAILED_PRECONDITION', 400, 'Advanced webhooks are not available for this workspace.', ConflictError, false],
  ['RESOURCE_EXHAUSTED', 429, 'Rate limit exceeded.', RateLimitError, true],
  ['INTERNAL', 500, 'Internal error.', ProviderUnavailableError, true],
  ['UNAVAILABLE', 503, 'Unavailable.', ProviderUnavailableError, true],
  ['DEADLINE_EXCEEDED', 504, 'Deadline exceeded.', ProviderUnavailableError, true],
];

describe('the error envelope maps by its status string (§1.3, §13)', () => {
  for (const [status, http, message, cls, retryable] of CASES) {
    it(`${status} (HTTP ${http}) "${message}" -> ${cls.name}`, async () => {
      expectVelt('/users/get', { error: { message, status } }, http);
      const collab = await veltCollab();
      const err = await rejection(collab.users.get('u'));
      expect(err).toBeInstanceOf(cls);
      expect(err).toMatchObject({ provider: 'velt', operation: 'users.get', status: http, vendorCode: status, retryable });
      expect(CollabError.is(err)).toBe(true);
      await collab.close();
    });

    it(`${status} inside an HTTP 200 -> ${cls.name} too`, async () => {
      expectVelt('/users/get', { error: { message, status } }, 200);
      const collab = await veltCollab();
      const err = await rejection(collab.users.get('u'));
      expect(err).toBeInstanceOf(cls);
      expect(err.vendorCode).toBe(status);
      await collab.close();
    });
  }

  it('RESOURCE_EXHAUSTED carries Retry-After as retryAfterMs', async () => {
    expectVelt('/users/get', { error: { message: 'Rate limit exceeded.', status: 'RESOURCE_EXHAUSTED' } }, 429, { headers: { 'retry-after': '7' } });
    const collab = await veltCollab();
    const err = await rejection(collab.users.get('u'));
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.retryAfterMs).toBe(7000);
    await collab.close();
  });

  it('reads `error.code` when `status` is absent (folder delete docs-bug: {"code":"not-found"})', async () => {
    expectVelt('/users/get', { error: { code: 'not-found', message: 'Folder not found.' } }, 404);
    const collab = await veltCollab();
    expect(await rejection(collab.users.get('u'))).toBeInstanceOf(NotFoundError);
    await collab.close();
  });

  it('prefers `status` over a numeric `code` (GDPR pages show both)', async () => {
    expectVelt('/users/get', { error: { code: 500, status: 'INVALID_ARGUMENT', message: 'bad' } }, 400);
    const collab = await veltCollab();
    expect(await rejection(collab.users.get('u'))).toBeInstanceOf(ValidationError);
    await collab.close();
  });

  it('falls back to the HTTP status for a body that is not a Velt envelope (proxy HTML page)', async () => {
    expectVelt('/users/get', '<html><title>502 Bad Gateway</title></html>', 502);
    const collab = await veltCollab();
    expect(await rejection(collab.users.get('u'))).toBeInstanceOf(ProviderUnavailableError);
    await collab.close();
  });

  it('a result that does not match the documented shape is a ProviderResponseError naming the field', async () => {
    expectVelt('/users/get', ok('User(s) retrieved successfully.', [{ name: 'no id' }]));
    const collab = await veltCollab();
    const err = await rejection(collab.users.get('u'));
    expect(err).toBeInstanceOf(ProviderResponseError);
    expect(err.path).toBe('result.data.0.userId');
    await collab.close();
  });
});

describe('retries follow the HTTP policy', () => {
  it('retries an idempotent read after RESOURCE_EXHAUSTED, honouring Retry-After', async () => {
    expectVelt('/users/get', { error: { message: 'Rate limit exceeded.', status: 'RESOURCE_EXHAUSTED' } }, 429, { headers: { 'retry-after': '0' } });
    expectVelt('/users/get', ok('User(s) retrieved successfully.', [{ userId: 'u', name: 'U' }]));
    const collab = await veltCollab({ retries: 2 });
    expect((await collab.users.get('u')).name).toBe('U');
    expect(seen).toHaveLength(2);
    await collab.close();
  });

  it('retries rooms.create, whose documentId is ours (a 500 may hide an applied create)', async () => {
    expectVelt('/organizations/documents/add', { error: { message: 'Internal error.', status: 'INTERNAL' } }, 500, { times: 3 });
    const collab = await veltCollab({ retries: 2 });
    expect(await rejection(collab.rooms.create({ id: 'd' }))).toBeInstanceOf(ProviderUnavailableError);
    expect(seen).toHaveLength(3);
    expect(seen.every((s) => JSON.stringify(s.body) === JSON.stringify(seen[0]?.body))).toBe(true);
    await collab.close();
  });
});

describe('secrets never leak (DESIGN §4)', () => {
  it('no error, cause, stack, raw field or log line contains the API key or auth token', async () => {
    const logs: HttpLogEntry[] = [];
    const collab = await veltCollab({ logger: { http: (e) => logs.push(e) } });
    // A vendor that echoes the credentials back in its error message and in its data.
    expectVelt('/users/get', { error: { message: `Invalid API key ${API_KEY} for token ${AUTH_TOKEN}.`, status: 'PERMISSION_DENIED', details: { apiKey: API_KEY, token: AUTH_TOKEN } } }, 403);
    expectVelt('/users/get', { error: { message: `Auth token ${AUTH_TOKEN} is not registered.`, status: 'PERMISSION_DENIED' } }, 200);
    // Velt puts the workspace API key into payloads (`metadata.apiKey` of annotations and notifications, §7.1, §9):
    // it must not reach `raw`. (Metadata the app itself stored is returned as stored.)
    expectVelt('/organizations/documents/get', ok('ok', [{ id: 'd', apiKey: API_KEY, disabled: false, accessType: 'public' }]));
    expectVelt('/commentannotations/get', ok('ok', [{ annotationId: 'a', metadata: { apiKey: API_KEY, documentId: 'd' }, comments: [{ commentId: 1, commentText: `x ${AUTH_TOKEN}`, from: { userId: 'u' } }] }]));
    expectVelt('/notifications/get', ok('ok', [{ id: 'n', timestamp: 1, metadata: { apiKey: API_KEY, documentId: 'd' } }]));
    const found: unknown[] = [];
    for (const call of [() => collab.users.get('u'), () => collab.users.get('u')]) {
      const err = await rejection(call());
      found.push(err, err.message, err.stack, err.cause, JSON.stringify(err), err.toJSON(), inspect(err, { depth: 10 }));
    }
    const thread = await collab.threads.get('d', 'a');
    found.push(await collab.rooms.get('d'), thread.raw, thread.comments[0]!.raw, (await collab.notifications.list('u')).items[0]!.raw);
    found.push(logs);
    const text = found.map((v) => (typeof v === 'string' ? v : `${inspect(v, { depth: 12 })}${JSON.stringify(v) ?? ''}`)).join('\n');
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(AUTH_TOKEN);
    expect(logs.length).toBeGreaterThan(0);
    // The headers did go out: redaction is on our side, not a missing credential.
    expect(seen[0]!.headers['x-velt-api-key']).toBe(API_KEY);
    await collab.close();
  });
});
