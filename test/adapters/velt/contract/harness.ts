/**
 * Contract-test harness for the Velt adapter: a nock interceptor per expected Velt call that checks the
 * method (POST), the path, the `x-velt-api-key` / `x-velt-auth-token` / JSON content-type headers and
 * records the body that went out, answering with a literal example of vendors/velt.md.
 */
import nock from 'nock';
import { expect } from 'vitest';
import { installNock, type SeenRequest } from '../../../support/nock.js';
import { type Collab, createCollab, registerAdapter } from '../../../../src/collab.js';
import type { VeltConfig } from '../../../../src/index.js';

/** Velt's API origin (the adapter's default base URL). */
export const BASE = 'https://api.velt.dev';
/** Credentials with no recognisable secret shape: only the adapter's own registration can hide them. */
export const API_KEY = 'AN5s6iaYIuLLXul0X4zf';
export const AUTH_TOKEN = 'velt-contract-auth-token-9d2e71';
/** The organization of the reference's examples. */
export const ORG = 'yourOrganizationId';

registerAdapter('velt', async () => (await import('../../../../src/adapters/velt/index.js')).veltAdapter);

/** One call the adapter made. */
export type Seen = SeenRequest;

/** Every call intercepted in the current test, in order. */
export const seen: Seen[] = [];

/** Installs the nock lifecycle for a test file. */
export function useNock(): void {
  installNock({ message: 'every expected Velt call was made', seen });
}

/**
 * Expects one `POST /v2<path>` with the Velt headers and answers `reply` (HTTP `status`, default 200).
 * Repeat `times` for retried calls.
 */
export function expectVelt(path: string, reply: unknown, status = 200, options: { times?: number; headers?: Record<string, string> } = {}): void {
  nock(BASE)
    .post(`/v2${path}`)
    .times(options.times ?? 1)
    .matchHeader('x-velt-api-key', API_KEY)
    .matchHeader('x-velt-auth-token', AUTH_TOKEN)
    .matchHeader('content-type', /^application\/json/)
    .reply(function (uri, body) {
      seen.push({ path: uri, method: this.req.method ?? 'POST', headers: { ...this.req.headers }, body });
      return [status, typeof reply === 'string' ? reply : JSON.stringify(reply), { 'content-type': 'application/json', ...(options.headers ?? {}) }];
    });
}

/** The `data` of the n-th call (every call must carry the `{"data": ...}` envelope). */
export function dataOf(index: number): Record<string, unknown> {
  const call = seen[index];
  expect(call, `call #${index} was made`).toBeDefined();
  expect(call!.method).toBe('POST');
  const body = call!.body as { data?: unknown };
  expect(Object.keys(body)).toEqual(['data']);
  return body.data as Record<string, unknown>;
}

/** A collab on the Velt adapter with the contract credentials (no retries unless asked). */
export function veltCollab(config: Partial<Omit<VeltConfig, 'provider'>> = {}): Promise<Collab> {
  return createCollab({ provider: 'velt', apiKey: API_KEY, authToken: AUTH_TOKEN, organizationId: ORG, retries: 0, ...config });
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

/** A success envelope (§1.2). */
export function ok(message: string, data?: unknown, extra: Record<string, unknown> = {}): unknown {
  return { result: { status: 'success', message, ...(data !== undefined ? { data } : {}), ...extra } };
}
