/**
 * The Velt adapter's self-hosted config (`selfHosting`, `selfHostingDatabaseUrl` /
 * VELT_SELF_HOSTING_DATABASE_URL), its redaction, and the pure split/merge functions of
 * src/adapters/velt/self-hosting/content.ts.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createCollab, loadConfigFromEnv, parseConfig, registerAdapter } from '../../../../src/collab.js';
import { ConfigError } from '../../../../src/core/errors.js';
import { redactText } from '../../../../src/core/redact.js';
import { createMemoryVeltContentStore } from '../../../../src/adapters/velt/self-hosting/store.js';
import {
  fingerprintOf,
  mergeComment,
  mergeUser,
  newAnnotationId,
  newCommentId,
  orphanCreates,
  pendingCreateFor,
  splitComment,
  splitUser,
  withComment,
  withoutComment,
} from '../../../../src/adapters/velt/self-hosting/content.js';
import type { VeltComment } from '../../../../src/adapters/velt/schemas.js';
import { VELT_SELF_HOSTED_NOTES, veltCapabilities } from '../../../../src/adapters/velt/capabilities.js';

registerAdapter('velt', async () => (await import('../../../../src/adapters/velt/index.js')).veltAdapter);

const BASE = { provider: 'velt', apiKey: 'velt-unit-key-123456', authToken: 'velt-unit-token-654321', organizationId: 'org' } as const;
const PASSWORD = 'db-pass-w0rd-9876';
const URL_WITH_PASSWORD = `postgres://app:${PASSWORD}@127.0.0.1:1/unicollab`;

describe('velt self-hosted config', () => {
  it('VELT_SELF_HOSTING_DATABASE_URL is read as selfHostingDatabaseUrl', () => {
    const config = loadConfigFromEnv({ COLLAB_PROVIDER: 'velt', VELT_API_KEY: BASE.apiKey, VELT_AUTH_TOKEN: BASE.authToken, VELT_ORGANIZATION_ID: 'org', VELT_SELF_HOSTING_DATABASE_URL: URL_WITH_PASSWORD });
    expect(config).toMatchObject({ provider: 'velt', selfHostingDatabaseUrl: URL_WITH_PASSWORD });
  });

  it('the URL is a secret: a printed config and any text with it show no password', () => {
    const parsed = parseConfig({ ...BASE, selfHostingDatabaseUrl: URL_WITH_PASSWORD });
    expect(inspect(parsed)).not.toContain(PASSWORD);
    expect(JSON.stringify(parsed)).not.toContain(PASSWORD);
    expect(redactText(`could not connect with ${URL_WITH_PASSWORD}`)).not.toContain(PASSWORD);
    // Another URL of the same shape (not configured) is covered by the vendor's secret pattern.
    expect(redactText('postgresql://other:an0ther-secret@db.internal:5432/x')).not.toContain('an0ther-secret');
  });

  it('a database that cannot be reached fails createCollab without showing the password', async () => {
    const error = await createCollab({ ...BASE, selfHostingDatabaseUrl: URL_WITH_PASSWORD }).then(
      (c) => c.close().then(() => undefined),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(`${(error as Error).message} ${inspect(error)}`).not.toContain(PASSWORD);
  });

  it('refuses a non-Postgres URL, a store that is not one, unknown selfHosting keys, and a store together with a URL', () => {
    expect(() => parseConfig({ ...BASE, selfHostingDatabaseUrl: 'mysql://x' })).toThrow(ConfigError);
    expect(() => parseConfig({ ...BASE, selfHosting: { store: {} } })).toThrow(/VeltContentStore/);
    expect(() => parseConfig({ ...BASE, selfHosting: { stores: createMemoryVeltContentStore() } })).toThrow(ConfigError);
    expect(() => parseConfig({ ...BASE, selfHosting: { store: createMemoryVeltContentStore() }, selfHostingDatabaseUrl: URL_WITH_PASSWORD })).toThrow(/not both/);
    expect(parseConfig({ ...BASE, selfHosting: {} })).toMatchObject({ selfHosting: {} });
  });
});

describe('velt self-hosted capabilities', () => {
  it('same levels, with notes saying what differs', async () => {
    const plain = veltCapabilities({});
    const selfHosted = veltCapabilities({ selfHosting: {} });
    expect(selfHosted.levels).toEqual(plain.levels);
    expect(veltCapabilities({ selfHostingDatabaseUrl: URL_WITH_PASSWORD }).notes).toEqual(selfHosted.notes);
    for (const [key, note] of Object.entries(VELT_SELF_HOSTED_NOTES)) expect(selfHosted.notes[key as keyof typeof selfHosted.notes]).toBe(note);
    expect(selfHosted.notes['webhooks.verify']).toMatch(/no comment text/);
    const collab = await createCollab({ ...BASE, baseUrl: 'http://127.0.0.1:1', selfHosting: {} });
    expect(collab.capabilityNotes['reactions.add']).toBe(VELT_SELF_HOSTED_NOTES['reactions.add']);
    await collab.close();
  });
});

describe('velt self-hosted content (pure)', () => {
  const input = { commentText: 'Hi {{bob}}', commentHtml: '<p>Hi {{bob}}</p>', from: { userId: 'alice', name: 'Alice' } as { userId: string }, taggedUserContacts: [{ userId: 'bob', contact: { userId: 'bob' }, text: '@bob' }], context: { k: 'v' } };

  it('splitComment: Velt gets the structure and the flags, the store gets the text', () => {
    const { velt, content } = splitComment(input, 123456);
    expect(velt).toEqual({ commentId: 123456, from: { userId: 'alice' }, context: { k: 'v' }, isCommentResolverUsed: true, isCommentTextAvailable: true, taggedUserContacts: [{ userId: 'bob', contact: { userId: 'bob' }, text: '@bob' }] });
    expect(content).toEqual({ commentId: 123456, from: { userId: 'alice' }, commentText: 'Hi {{bob}}', commentHtml: '<p>Hi {{bob}}</p>', taggedUserContacts: [{ userId: 'bob', contact: { userId: 'bob' }, text: '@bob' }], to: [{ userId: 'bob' }] });
    expect(splitComment({ commentText: '', commentHtml: '', from: { userId: 'a' } }, 1).velt.isCommentTextAvailable).toBe(false);
  });

  it('mergeComment puts text, HTML, tags and reaction icons back by ids; other comments are untouched', () => {
    const velt = { commentId: 123456, from: { userId: 'alice' }, isCommentResolverUsed: true, reactionAnnotations: [{ annotationId: 'r1', fromUsers: [{ from: { userId: 'bob' } }] }] } as VeltComment;
    const record = { annotationId: 'a', comments: { '123456': splitComment(input, 123456).content } };
    const merged = mergeComment(velt, record, { r1: '🎉' });
    expect(merged).toMatchObject({ commentText: 'Hi {{bob}}', commentHtml: '<p>Hi {{bob}}</p>', reactionAnnotations: [{ annotationId: 'r1', icon: '🎉' }] });
    expect(mergeComment({ ...velt, commentId: 7 }, record, {})).not.toHaveProperty('commentText');
  });

  it('pending notes: a retry finds its comment id by fingerprint; orphans are the pending creates Velt lacks', () => {
    const { content } = splitComment(input, 5);
    const scope = { annotationId: 'a', organizationId: 'o', documentId: 'd' };
    const fingerprint = fingerprintOf(content);
    const record = withComment(undefined, scope, content, { op: 'create', fingerprint, at: 1 });
    expect(pendingCreateFor(record, fingerprint)).toBe(5);
    expect(pendingCreateFor(record, fingerprintOf({ ...content, commentText: 'other' }))).toBeUndefined();
    expect(orphanCreates(record, new Set([5]))).toEqual([]);
    expect(orphanCreates(record, new Set())).toEqual([5]);
    expect(withoutComment(record, 5)).toMatchObject({ comments: {}, unicollabPending: {} });
  });

  it('users: the profile goes to the store, the rest to Velt; merge puts it back', () => {
    const { velt, profile } = splitUser({ userId: 'u', name: 'N', email: 'e@x', photoUrl: 'p', team: 'blue' }, { userId: 'u', name: 'old', color: 'red' });
    expect(velt).toEqual({ userId: 'u', team: 'blue' });
    expect(profile).toEqual({ userId: 'u', name: 'N', email: 'e@x', photoUrl: 'p', color: 'red' });
    expect(mergeUser({ userId: 'u', team: 'blue' }, profile)).toEqual({ userId: 'u', team: 'blue', name: 'N', email: 'e@x', photoUrl: 'p' });
  });

  it('generated ids: comment ids avoid taken ones and stay in range; annotation ids have no colon', () => {
    const values = [0, 0.5];
    expect(newCommentId(new Set([100000]), () => values.shift() ?? 0.25)).toBeGreaterThan(100000);
    for (let i = 0; i < 50; i++) {
      const id = newCommentId(new Set());
      expect(id).toBeGreaterThanOrEqual(100000);
      expect(id).toBeLessThan(2 ** 31);
      expect(newAnnotationId()).toMatch(/^-U[^:]{18}$/);
    }
  });
});
