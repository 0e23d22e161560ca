/**
 * The nock lifecycle every contract-test file installs: no real network, every expected interceptor
 * used (checked after each test), nothing left over between tests or files.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

/** One call an adapter made, as a contract harness records it. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: Record<string, unknown>;
  body: unknown;
}

/**
 * Installs nock for the calling test file.
 *
 * @param options.message - The assertion message when an expected interceptor was not used.
 * @param options.seen - A harness's record of calls, emptied after each test.
 */
export function installNock(options: { message: string; seen?: SeenRequest[] }): void {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    if (options.seen) options.seen.length = 0;
    expect(pending, options.message).toEqual([]);
  });
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });
}
