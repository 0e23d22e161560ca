/**
 * Contract: the status mapping of sdk-python's `make_api_call` (vendors/kabelwerk.md §1.4), as the
 * shared error classes: 400 with `{"errors": {field: [message]}}` -> ValidationError naming the first
 * sorted field; any other 400 -> ProviderResponseError; 401/403 -> AuthenticationError; 404 ->
 * NotFoundError; anything else -> ProviderUnavailableError; no answer in time -> TimeoutError.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AuthenticationError, CollabError, NotFoundError, ProviderResponseError, ProviderUnavailableError, TimeoutError, ValidationError } from '../../../../src/core/errors.js';
import { API_TOKEN } from '../support.js';
import { expectKabelwerk, FIXTURES, kabelwerkRestCollab, rejection, seen, useNock } from './harness.js';

useNock();

/** One failing `PATCH /users/kusanagi` (users.upsert's rename; a 404 would go on to create). */
async function renameFails(status: number, body?: unknown): Promise<any> {
  expectKabelwerk('PATCH', '/users/kusanagi', { status, ...(body !== undefined ? { body } : {}) });
  const collab = await kabelwerkRestCollab();
  try {
    return await rejection(collab.users.upsert({ id: 'kusanagi', name: 'Motoko' }));
  } finally {
    await collab.close();
  }
}

/** One failing `DELETE /users/kusanagi`. */
async function deleteFails(status: number, body?: unknown): Promise<any> {
  expectKabelwerk('DELETE', '/users/kusanagi', { status, ...(body !== undefined ? { body } : {}) });
  const collab = await kabelwerkRestCollab();
  try {
    return await rejection(collab.users.delete('kusanagi'));
  } finally {
    await collab.close();
  }
}

describe('400', () => {
  it('{"errors": {"field": ["message"]}} -> ValidationError naming the field (the test_make_api_call_400 fixture)', async () => {
    const err = await deleteFails(400, { errors: { field: ['message'] } });
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ field: 'field', status: 400, provider: 'kabelwerk', operation: 'users.delete', retryable: false, message: expect.stringContaining('field message') });
  });

  it('several fields: the alphabetically first one and its first message, as sdk-python picks them', async () => {
    const err = await deleteFails(400, { errors: { name: ["can't be blank"], key: ['has already been taken', 'is invalid'], zeta: ['z'] } });
    expect(err).toMatchObject({ field: 'key', message: expect.stringContaining('key has already been taken') });
    expect(err.message).not.toContain('is invalid');
  });

  for (const [what, body] of [
    ['{} (no errors key: sdk-python\'s KeyError path)', {}],
    ['{"errors": {}} (no field)', { errors: {} }],
    ['{"errors": {"field": []}} (no message: IndexError path)', { errors: { field: [] } }],
    ['{"errors": {"detail": "Bad Request"}} (Phoenix\'s default error view)', { errors: { detail: 'Bad Request' } }],
    ['an HTML page', '<html><body>Bad Request</body></html>'],
    ['no body', undefined],
  ] as const) {
    it(`malformed: ${what} -> ProviderResponseError (not retried)`, async () => {
      const err = await deleteFails(400, body);
      expect(err).toBeInstanceOf(ProviderResponseError);
      expect(err).toMatchObject({ status: 400, path: 'errors', retryable: false, provider: 'kabelwerk' });
    });
  }
});

describe('401, 403, 404 and the rest', () => {
  it('401 -> AuthenticationError (the mock answers it with an empty body)', async () => {
    expect(await deleteFails(401)).toMatchObject({ code: 'authentication_error', status: 401, retryable: false });
  });

  it('403 -> AuthenticationError (sdk-python does not tell 401 and 403 apart)', async () => {
    const err = await deleteFails(403, { errors: { detail: 'Forbidden' } });
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.status).toBe(403);
  });

  it('404 -> NotFoundError', async () => {
    const err = await deleteFails(404, { errors: { detail: 'Not Found' } });
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ status: 404, retryable: false, message: expect.stringContaining('Not Found') });
  });

  for (const [status, retryable] of [
    [500, true],
    [502, true],
    [503, true],
    [501, false],
    [409, false],
    [422, false],
    [429, true],
  ] as const) {
    it(`${status} -> ProviderUnavailableError (sdk-python's ServerError), retryable ${retryable}`, async () => {
      const err = await deleteFails(status, { errors: { detail: 'x' } });
      expect(err).toBeInstanceOf(ProviderUnavailableError);
      expect(err).toMatchObject({ status, retryable });
    });
  }

  it('422 is not validation: sdk-python expects 400 for invalid input', async () => {
    expect(await renameFails(422, { errors: { name: ['is invalid'] } })).toBeInstanceOf(ProviderUnavailableError);
  });

  it('an idempotent call (PATCH) is retried on 500, a POST is not', async () => {
    expectKabelwerk('PATCH', '/hubs/_/rooms/kusanagi', { status: 500, body: { errors: { detail: 'Internal Server Error' } } });
    expectKabelwerk('PATCH', '/hubs/_/rooms/kusanagi', { status: 200, body: FIXTURES.room });
    expectKabelwerk('POST', '/hubs/_/rooms/kusanagi/messages', { status: 500 });
    const collab = await kabelwerkRestCollab({ retries: 2, deadlineMs: 10_000 });
    await expect(collab.rooms.update('kusanagi', { archived: false })).resolves.toMatchObject({ id: 'kusanagi' });
    const err = await rejection(collab.comments.create({ roomId: 'kusanagi', threadId: 'kusanagi', authorId: 'batou', body: { version: 1, content: [{ type: 'paragraph', children: [{ type: 'text', text: 'x' }] }] } }));
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect(seen.map((s) => s.method)).toEqual(['PATCH', 'PATCH', 'POST']);
    await collab.close();
  });
});

describe('no answer in time', () => {
  it('an attempt past timeoutMs is a TimeoutError (sdk-python: ConnectionError after 2 s)', async () => {
    expectKabelwerk('DELETE', '/users/kusanagi', { status: 204, delayMs: 1000 });
    const collab = await kabelwerkRestCollab({ timeoutMs: 100 });
    const err = await rejection(collab.users.delete('kusanagi'));
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ provider: 'kabelwerk', operation: 'users.delete', retryable: true });
    await collab.close();
  });
});

describe('secrets', () => {
  it('the API token never appears in an error, even when Kabelwerk echoes it', async () => {
    const err = await deleteFails(400, { errors: { key: [`token ${API_TOKEN} is not allowed here`] } });
    expect(CollabError.is(err)).toBe(true);
    for (const text of [err.message, JSON.stringify(err), inspect(err, { depth: 10 }), String(err.stack)]) expect(text).not.toContain(API_TOKEN);
  });
});
