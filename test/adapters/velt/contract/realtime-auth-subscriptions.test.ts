/**
 * Contract: presence and live state (vendors/velt.md §10), auth tokens (§11.1) and advanced webhook
 * endpoints (§12.3), from the reference's literal examples.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, UnsupportedFeatureError, ValidationError } from '../../../../src/core/errors.js';
import { dataOf, expectVelt, ok, ORG, rejection, seen, useNock, veltCollab } from './harness.js';

useNock();

describe('presence -> POST /v2/presence/add and /v2/presence/delete (§10)', () => {
  it('set sends the user with name/email from info and status online', async () => {
    expectVelt('/presence/add', ok('Presence added successfully.', { success: true }));
    const collab = await veltCollab();
    await collab.presence.set({ roomId: 'doc-456', userId: 'user-1', info: { name: 'User Name', email: 'user@example.com' }, data: { cursor: 1 } });
    expect(dataOf(0)).toEqual({ organizationId: ORG, documentId: 'doc-456', users: [{ userId: 'user-1', name: 'User Name', email: 'user@example.com', status: 'online' }] });
    await collab.close();
  });

  it('clear sends userIds', async () => {
    expectVelt('/presence/delete', ok('Presence deleted successfully.', { success: true }));
    const collab = await veltCollab();
    await collab.presence.clear('doc-456', 'user-1');
    expect(dataOf(0)).toEqual({ organizationId: ORG, documentId: 'doc-456', userIds: ['user-1'] });
    await collab.close();
  });

  it('list is unsupported (no documented presence read endpoint) and makes no request', async () => {
    const collab = await veltCollab();
    expect(await rejection(collab.presence.list('doc-456'))).toBeInstanceOf(UnsupportedFeatureError);
    expect(collab.capabilities['presence.list']).toBe('no');
    expect(seen).toHaveLength(0);
    await collab.close();
  });
});

describe('events.broadcast -> POST /v2/livestate/broadcast (§10.1)', () => {
  it('sends the wrapped body with liveStateDataId and the payload as data', async () => {
    expectVelt('/livestate/broadcast', ok('Event broadcasted successfully.', { success: true }));
    const collab = await veltCollab();
    await collab.events.broadcast('YOUR_DOCUMENT_ID', { status: 'active', message: 'Hello World' });
    expect(dataOf(0)).toEqual({
      organizationId: ORG,
      documentId: 'YOUR_DOCUMENT_ID',
      liveStateDataId: 'unicollab-broadcast',
      data: { status: 'active', message: 'Hello World' },
      merge: false,
    });
    await collab.close();
  });

  it('rejects a payload that is not a JSON object before any request', async () => {
    const collab = await veltCollab();
    expect(await rejection(collab.events.broadcast('d', [1, 2]))).toMatchObject({ code: 'validation_error', field: 'payload' });
    expect(await rejection(collab.events.broadcast('d', 'text'))).toBeInstanceOf(ValidationError);
    expect(seen).toHaveLength(0);
    await collab.close();
  });
});

describe('auth.issueToken -> POST /v2/auth/generate_token (§11.1)', () => {
  it('sends userProperties and permission resources for the rooms asked', async () => {
    expectVelt('/auth/generate_token', ok('Token generated successfully.', { token: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...' }));
    const collab = await veltCollab();
    const before = Date.now();
    const issued = await collab.auth.issueToken({
      userId: 'user123',
      userInfo: { name: 'John Doe', email: 'john@example.com', isAdmin: false },
      rooms: { doc_456: 'write', '*': 'read', 'team-*': 'read' },
    });
    expect(dataOf(0)).toEqual({
      userId: 'user123',
      userProperties: { name: 'John Doe', email: 'john@example.com', isAdmin: false },
      permissions: {
        resources: [
          { type: 'document', id: 'doc_456', organizationId: ORG, accessRole: 'editor' },
          { type: 'organization', id: ORG, accessRole: 'viewer' },
        ],
      },
    });
    expect(issued.token).toBe('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...');
    // The documented 48 hours when the token carries no readable `exp`.
    expect(issued.expiresAt!.getTime()).toBeGreaterThanOrEqual(before + 48 * 3600 * 1000 - 1000);
    await collab.close();
  });

  it('reads the expiry from the token, and fills Velt-required name/email when not given', async () => {
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const token = ['e30', Buffer.from(JSON.stringify({ exp })).toString('base64url'), 'sig'].join('.');
    expectVelt('/auth/generate_token', ok('Token generated successfully.', { token }));
    const collab = await veltCollab();
    const issued = await collab.auth.issueToken({ userId: 'u 1', mode: 'id', rooms: { d: 'write' } });
    expect(dataOf(0)).toEqual({ userId: 'u 1', userProperties: { name: 'u 1', email: 'u%201@users.invalid' }, permissions: { resources: [] } });
    expect(issued.expiresAt).toEqual(new Date(exp * 1000));
    await collab.close();
  });
});

const ENDPOINT = {
  id: 'ep_2vK9mPzGqLxYwBnRtCdHsJfAeUo',
  url: 'https://example.com/velt-hook',
  description: 'Threads',
  filterTypes: ['comment_annotation.add', 'comment.add'],
  channels: null,
  disabled: false,
  rateLimit: null,
  uid: null,
  metadata: { unicollabEvents: 'thread.created comment.created' },
  createdAt: '2026-06-01T10:15:30.000Z',
  updatedAt: '2026-06-01T10:15:30.000Z',
};
const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('webhooks.subscriptions -> /v2/workspace/advancedwebhook/endpoints/* (§12.3)', () => {
  it('create sends url, filterTypes and metadata, then fetches the server-generated secret', async () => {
    expectVelt('/workspace/advancedwebhook/endpoints/create', ok('Advanced webhook endpoint created successfully.', ENDPOINT));
    expectVelt('/workspace/advancedwebhook/endpoints/secret/get', ok('ok', { endpointId: ENDPOINT.id, secret: WEBHOOK_SECRET }));
    const collab = await veltCollab({ webhookSecret: 'whsec_plJ3nmyCDGBKInavdOK15jsl' });
    const sub = await collab.webhooks.subscriptions.create({ url: ENDPOINT.url, events: ['thread.created', 'comment.created'], description: 'Threads' });
    expect(dataOf(0)).toEqual({
      url: ENDPOINT.url,
      description: 'Threads',
      filterTypes: ['comment_annotation.add', 'comment.add'],
      metadata: { unicollabEvents: 'thread.created comment.created' },
    });
    expect(dataOf(1)).toEqual({ endpointId: ENDPOINT.id });
    expect(sub).toMatchObject({ id: ENDPOINT.id, url: ENDPOINT.url, events: ['thread.created', 'comment.created'], secret: WEBHOOK_SECRET });
    expect(sub.createdAt).toEqual(new Date('2026-06-01T10:15:30.000Z'));
    await collab.close();
  });

  it('create rejects core events Velt has no webhook for, before any request', async () => {
    const collab = await veltCollab({ webhookSecret: 'whsec_plJ3nmyCDGBKInavdOK15jsl' });
    expect(await rejection(collab.webhooks.subscriptions.create({ url: 'https://example.com/h', events: ['room.created'] }))).toMatchObject({ field: 'events' });
    expect(seen).toHaveLength(0);
    await collab.close();
  });

  it('list and get follow the iterator; events come from metadata, else from filterTypes', async () => {
    const other = { ...ENDPOINT, id: 'ep_other', metadata: null, filterTypes: ['comment_annotation.status_change'] };
    expectVelt('/workspace/advancedwebhook/endpoints/get', ok('ok', { endpoints: [ENDPOINT], iterator: 'it_2', prevIterator: null, done: false }));
    expectVelt('/workspace/advancedwebhook/endpoints/get', ok('ok', { endpoints: [other], iterator: null, prevIterator: 'it_1', done: true }));
    const collab = await veltCollab({ webhookSecret: 'whsec_plJ3nmyCDGBKInavdOK15jsl' });
    const list = await collab.webhooks.subscriptions.list();
    expect(dataOf(0)).toEqual({ limit: 250 });
    expect(dataOf(1)).toEqual({ limit: 250, iterator: 'it_2' });
    expect(list.map((s) => [s.id, s.events])).toEqual([
      [ENDPOINT.id, ['thread.created', 'comment.created']],
      ['ep_other', ['thread.resolved', 'thread.unresolved']],
    ]);
    expect(list.every((s) => s.secret === undefined)).toBe(true);
    expectVelt('/workspace/advancedwebhook/endpoints/get', ok('ok', { endpoints: [ENDPOINT], iterator: null, prevIterator: null, done: true }));
    expect(await rejection(collab.webhooks.subscriptions.get('ep_missing'))).toBeInstanceOf(NotFoundError);
    await collab.close();
  });

  it('delete sends endpointId; the documented unknown-id NOT_FOUND is NotFoundError', async () => {
    expectVelt('/workspace/advancedwebhook/endpoints/delete', ok('ok', { endpointId: ENDPOINT.id, deleted: true }));
    expectVelt('/workspace/advancedwebhook/endpoints/delete', { error: { status: 'NOT_FOUND', message: 'Advanced webhook provider request failed.' } }, 404);
    const collab = await veltCollab({ webhookSecret: 'whsec_plJ3nmyCDGBKInavdOK15jsl' });
    await collab.webhooks.subscriptions.delete(ENDPOINT.id);
    expect(dataOf(0)).toEqual({ endpointId: ENDPOINT.id });
    expect(await rejection(collab.webhooks.subscriptions.delete('ep_unknown'))).toBeInstanceOf(NotFoundError);
    await collab.close();
  });

  it('maps FAILED_PRECONDITION (advanced webhooks disabled) to ConflictError', async () => {
    expectVelt('/workspace/advancedwebhook/endpoints/get', { error: { status: 'FAILED_PRECONDITION', message: 'Advanced webhooks are not available for this workspace.' } }, 400);
    const collab = await veltCollab({ webhookSecret: 'whsec_plJ3nmyCDGBKInavdOK15jsl' });
    const err = await rejection(collab.webhooks.subscriptions.list());
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toContain('Advanced webhooks are not available');
    await collab.close();
  });

  it('is unsupported without advanced webhooks configured', async () => {
    const collab = await veltCollab();
    expect(collab.capabilities['webhooks.subscriptions']).toBe('no');
    expect(await rejection(collab.webhooks.subscriptions.list())).toBeInstanceOf(UnsupportedFeatureError);
    expect(seen).toHaveLength(0);
    await collab.close();
  });
});
