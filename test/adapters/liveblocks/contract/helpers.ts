/**
 * Shared set-up of the Liveblocks contract tests: a collab pointed at a nock-intercepted origin, and an
 * interceptor that records exactly what went out (method, path and query, headers, JSON body).
 */
import nock from 'nock';
import { expect } from 'vitest';
import { installNock } from '../../../support/nock.js';
import { type Collab, createCollab, registerAdapter } from '../../../../src/collab.js';
import type { LiveblocksConfig } from '../../../../src/index.js';

registerAdapter('liveblocks', async () => (await import('../../../../src/adapters/liveblocks/index.js')).liveblocksAdapter);

/** The intercepted origin (the real default is https://api.liveblocks.io; a test origin proves `baseUrl` is used). */
export const BASE = 'https://api.liveblocks.test';
/** A secret key shaped like a production one, so leaks are caught by value, not by the `sk_` pattern alone. */
export const SECRET = 'sk_prod_S3cr3tV4lu3ForContractTests_0123456789';
export const MANAGEMENT_TOKEN = 'lbmt_ManagementTokenForContractTests_987654';
export const PROJECT_ID = '683d49ed6b4d1cec5a597b13';

/** Creates a Liveblocks collab against `BASE` (no retries unless asked, so one answer is one attempt). */
export function liveblocksCollab(extra: Partial<Omit<LiveblocksConfig, 'provider'>> = {}): Promise<Collab> {
  return createCollab({ provider: 'liveblocks', secretKey: SECRET, baseUrl: BASE, retries: 0, ...extra });
}

/** One request as it reached the server. */
export interface SeenRequest {
  method: string;
  /** Path and query exactly as sent. */
  uri: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or the raw string, or `''` when none. */
  body: unknown;
}

/** Intercepts one request to `method path` (any query) and answers `status` with `reply`; records what came. */
export function expectCall(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  status: number,
  reply?: unknown,
  headers: Record<string, string> = {},
): SeenRequest[] {
  const seen: SeenRequest[] = [];
  const scope = nock(BASE);
  const matcher = (uri: string) => uri.split('?')[0] === path;
  const interceptor = method === 'GET' ? scope.get(matcher) : method === 'POST' ? scope.post(matcher) : scope.delete(matcher);
  interceptor.reply(function (uri, body) {
    seen.push({ method: this.req.method ?? '', uri, headers: this.req.headers, body });
    const replyHeaders = reply === undefined ? headers : { 'content-type': 'application/json', ...headers };
    return [status, reply === undefined ? '' : typeof reply === 'string' ? reply : JSON.stringify(reply), replyHeaders];
  });
  return seen;
}

/** Asserts the one recorded request: method, exact path+query, the secret-key bearer, and the JSON body. */
export function assertSent(
  seen: SeenRequest[],
  expected: { method: string; uri: string; body?: unknown; auth?: string },
): void {
  expect(seen).toHaveLength(1);
  const [req] = seen;
  expect(req!.method).toBe(expected.method);
  expect(req!.uri).toBe(expected.uri);
  expect(req!.headers.authorization).toBe(expected.auth ?? `Bearer ${SECRET}`);
  if (expected.body === undefined) {
    expect(req!.body).toBe('');
    expect(req!.headers['content-type']).toBeUndefined();
  } else {
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.body).toEqual(expected.body);
  }
}

/** Resolves with what `promise` rejected with; fails if it resolved. */
export async function rejection(promise: Promise<unknown>): Promise<any> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (err: unknown) => err,
  );
}

/** Installs nock for the calling test file: no real network, no leftover interceptors. */
export function useNock(): void {
  installNock({ message: 'every interceptor was used' });
}
