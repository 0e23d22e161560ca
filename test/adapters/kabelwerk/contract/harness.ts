/**
 * Contract-test harness for the Kabelwerk REST API: a nock interceptor per expected call that checks
 * the method, the path and the four headers of sdk-python (§1.2: `Accept`, `Content-Type` even without
 * a body, `Kabelwerk-Token`, and our `User-Agent`), records the body, and answers with a literal of
 * vendors/kabelwerk.md (sdk-python's test fixtures).
 */
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { installNock, type SeenRequest } from '../../../support/nock.js';
import { type Collab, createCollab } from '../../../../src/collab.js';
import type { KabelwerkConfig } from '../../../../src/adapters/kabelwerk/config.js';
import { API_TOKEN } from '../support.js';

/** The agent names this package's own version (sdk-python sends `sdk-python/<version>`). */
const USER_AGENT = `unicollab/${(JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string }).version}`;

/** The test default of sdk-python (`tests/conftest.py`): `https://hubdemo.kabelwerk.io/api`. */
export const ORIGIN = 'https://hubdemo.kabelwerk.io';

/** One call the adapter made. */
export type Seen = SeenRequest;

/** Every call intercepted in the current test, in order. */
export const seen: Seen[] = [];

/** Installs the nock lifecycle for a test file. */
export function useNock(): void {
  installNock({ message: 'every expected Kabelwerk call was made', seen });
}

/** What an interceptor answers. */
export interface Reply {
  status: number;
  /** JSON body (a string is sent as is); omitted = no body. */
  body?: unknown;
  /** Answer after this many ms. */
  delayMs?: number;
  /** Repeat for retried calls. */
  times?: number;
}

/**
 * Expects one `method` call of `path` (below `/api`, as the caller spells it: percent-encoded) with
 * the sdk-python headers, and answers `reply`.
 */
export function expectKabelwerk(method: 'POST' | 'PATCH' | 'DELETE', path: string, reply: Reply): void {
  const scope = nock(ORIGIN)
    .intercept(`/api${path}`, method)
    .times(reply.times ?? 1)
    .matchHeader('accept', 'application/json')
    .matchHeader('content-type', 'application/json')
    .matchHeader('kabelwerk-token', API_TOKEN)
    .matchHeader('user-agent', USER_AGENT);
  const answer = scope.delay(reply.delayMs ?? 0);
  answer.reply(function (uri, body) {
    seen.push({ method: this.req.method ?? method, path: uri, headers: { ...this.req.headers }, body: body === '' ? undefined : body });
    const headers = reply.body === undefined ? {} : { 'content-type': 'application/json' };
    return [reply.status, reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body), headers];
  });
}

/** A REST-only collab on the Kabelwerk adapter (no retries unless asked). */
export function kabelwerkRestCollab(config: Partial<Omit<KabelwerkConfig, 'provider'>> = {}): Promise<Collab> {
  return createCollab({ provider: 'kabelwerk', url: 'hubdemo.kabelwerk.io', apiToken: API_TOKEN, retries: 0, ...config });
}

/** Resolves with what `promise` rejected with; fails if it resolved. */
export async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

/** sdk-python fixtures (vendors/kabelwerk.md §1.5). */
export const FIXTURES = {
  user: { id: 2, key: 'kusanagi', name: 'Motoko' },
  room: {
    archived: false,
    attributes: { seven: 7 },
    hub_user: { id: 49448, key: 'batou', name: 'Batou' },
    id: 22833,
    user: { id: 49447, key: 'kusanagi', name: 'Motoko' },
  },
  archivedRoom: { archived: true, attributes: {}, hub_user: null, id: 22833, user: { id: 49447, key: 'kusanagi', name: 'Motoko' } },
  message: {
    html: '<p>And where does the newborn go from here?</p>',
    id: 16947,
    inserted_at: '2023-07-22T09:46:57Z',
    room_id: 22818,
    text: 'And where does the newborn go from here?',
    type: 'text',
    updated_at: '2023-07-22T09:46:57Z',
    upload: null,
    user: { id: 49421, key: 'batou', name: 'Batou' },
  },
} as const;
