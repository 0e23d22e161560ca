/**
 * Interceptors for the Yjs and storage contract tests: any method (PUT, PATCH too), replies that may
 * be binary, and the request body kept as the bytes that went out (nock hands a binary body over as
 * hex, a UTF-8 one as text).
 */
import nock from 'nock';
import { expect } from 'vitest';
import { BASE, SECRET } from './helpers.js';

/** One request as it reached the server, with its body as bytes. */
export interface SeenBinary {
  method: string;
  /** Path and query exactly as sent. */
  uri: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body as nock passed it (UTF-8 text or hex). */
  bodyText: string;
  /** The body's bytes, when it was sent as bytes (hex from nock) or as text. */
  bytes(): Uint8Array;
}

/**
 * Intercepts one `method path` (the path before `?` must match exactly) and answers `status` with
 * `reply`: a `Uint8Array` goes out as `application/octet-stream`, a string or object as JSON, nothing
 * as an empty body.
 */
export function intercept(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, status: number, reply?: unknown): SeenBinary[] {
  const seen: SeenBinary[] = [];
  const matcher = (uri: string) => uri.split('?')[0] === path;
  const scope = nock(BASE);
  const interceptor =
    method === 'GET' ? scope.get(matcher) : method === 'POST' ? scope.post(matcher) : method === 'PUT' ? scope.put(matcher) : method === 'PATCH' ? scope.patch(matcher) : scope.delete(matcher);
  interceptor.reply(function (uri, body) {
    const bodyText = typeof body === 'string' ? body : JSON.stringify(body);
    seen.push({
      method: this.req.method ?? '',
      uri,
      headers: this.req.headers,
      bodyText,
      bytes: () => bodyBytes(bodyText),
    });
    if (reply === undefined) return [status, ''];
    if (reply instanceof Uint8Array) return [status, Buffer.from(reply), { 'content-type': 'application/octet-stream' }];
    return [status, JSON.stringify(reply), { 'content-type': 'application/json' }];
  });
  return seen;
}

/** nock gives a body that is not valid UTF-8 as hex; anything else as the text itself. */
function bodyBytes(text: string): Uint8Array {
  if (text.length % 2 === 0 && /^[0-9a-f]*$/.test(text)) {
    const hex = Buffer.from(text, 'hex');
    // A hex string is what nock made only when the bytes are not UTF-8 text.
    if (hex.toString('utf8') !== text && !isUtf8(hex)) return new Uint8Array(hex);
  }
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

function isUtf8(buffer: Buffer): boolean {
  return Buffer.from(buffer.toString('utf8'), 'utf8').equals(buffer);
}

/** Asserts the one request seen: method, exact path and query, the secret-key bearer. */
export function assertOne(seen: SeenBinary[], expected: { method: string; uri: string }): SeenBinary {
  expect(seen).toHaveLength(1);
  const req = seen[0]!;
  expect(req.method).toBe(expected.method);
  expect(req.uri).toBe(expected.uri);
  expect(req.headers.authorization).toBe(`Bearer ${SECRET}`);
  return req;
}

/** Asserts a request without a body (no content type either). */
export function assertNoBody(req: SeenBinary): void {
  expect(req.bodyText).toBe('');
  expect(req.headers['content-type']).toBeUndefined();
}
