/**
 * HTTP plumbing of the Liveblocks emulator: error bodies, a tiny router, JSON body validation.
 * Error shapes follow the reference (`{ error, message, suggestion? }`, vendors/liveblocks.md §2).
 */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';

export interface ErrorBody {
  error: string;
  message?: string;
  suggestion?: string;
  docs?: string;
}

/** Thrown by handlers; the server turns it into a response. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${body.error}: ${body.message ?? ''}`);
  }
}

const DOCS = 'https://liveblocks.io/docs/api-reference/rest-api-endpoints';

export const errors = {
  // §2.2: 401 MISSING_SECRET_KEY "Missing secret key in authentication header".
  missingSecretKey: () =>
    new HttpError(401, {
      error: 'MISSING_SECRET_KEY',
      message: 'Missing secret key in authentication header',
      suggestion: 'Add your secret key in the Authorization header: "Authorization: Bearer sk_..."',
      docs: DOCS,
    }),
  // §2.2: 401 WRONG_KEY_USED "Public key instead of the secret key."
  wrongKeyUsed: () =>
    new HttpError(401, {
      error: 'WRONG_KEY_USED',
      message: 'Public key instead of the secret key.',
      suggestion: 'Use your secret key (sk_...) to call the REST API',
      docs: DOCS,
    }),
  // §2.2: 403 INVALID_SECRET_KEY (message text: guess).
  invalidSecretKey: () =>
    new HttpError(403, {
      error: 'INVALID_SECRET_KEY',
      message: 'Invalid secret key',
      suggestion: 'Check the secret key you use in the Authorization header',
      docs: DOCS,
    }),
  // §2.2 code; message text as the dev server words it (§5.3).
  roomNotFound: (roomId: string) =>
    new HttpError(404, {
      error: 'ROOM_NOT_FOUND',
      message: `Room with id "${roomId}" not found.`,
      suggestion: 'Please use a valid room ID, room IDs are available in the dashboard or with the list rooms endpoint',
      docs: DOCS,
    }),
  roomAlreadyExists: (roomId: string) =>
    new HttpError(409, { error: 'ROOM_ALREADY_EXISTS', message: `Room with id "${roomId}" already exists.`, docs: DOCS }),
  // §2.2: RESOURCE_NOT_FOUND with "Thread not found" / "Comment not found" / "Comment reaction not found".
  notFound: (message: string) => new HttpError(404, { error: 'RESOURCE_NOT_FOUND', message, docs: DOCS }),
  // §2.2: RESOURCE_ALREADY_EXISTS "Thread already exists" / "Comment already exists" / "Reaction already exists".
  alreadyExists: (message: string) => new HttpError(409, { error: 'RESOURCE_ALREADY_EXISTS', message, docs: DOCS }),
  // §2.2: 422 UNPROCESSABLE_ENTITY, e.g. "Missing key: 'defaultAccesses'."
  unprocessable: (message: string) => new HttpError(422, { error: 'UNPROCESSABLE_ENTITY', message, docs: DOCS }),
  // §5.3: the dev server answers 422 INVALID_QUERY for a query it cannot parse.
  invalidQuery: (message: string) => new HttpError(422, { error: 'INVALID_QUERY', message, docs: DOCS }),
  // §2.2 / §5.4: 400 for a body that is not JSON (code/message: guess).
  badJson: () =>
    new HttpError(400, { error: 'BAD_REQUEST', message: 'The request body is not valid JSON.', docs: DOCS }),
  routeNotFound: () => new HttpError(404, { error: 'Not Found' }),
  methodNotAllowed: (allow: string[]) =>
    new HttpError(405, { error: 'Method Not Allowed' }, { Allow: allow.join(', ') }),
  // §5.4: the dev server's 501 body, for documented routes the emulator does not implement.
  notImplemented: () =>
    new HttpError(
      501,
      { error: 'Not implemented', message: "This endpoint isn't implemented in the Liveblocks emulator." },
      { 'X-LB-Warn': "This endpoint isn't implemented in the Liveblocks emulator." },
    ),
};

export interface Reply {
  status: number;
  /** JSON-serialised unless `undefined` (empty body). */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RequestContext {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: Record<string, string>;
  /** Raw body text ('' when none). */
  rawBody: string;
  /** Parsed JSON body (only for routes declared with `body: 'json'`). */
  body: unknown;
  now: Date;
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

export type AuthKind = 'secret' | 'management';

export interface RouteDef {
  method: string;
  /** e.g. `/v2/rooms/:roomId/threads`. */
  pattern: string;
  auth: AuthKind;
  /** `json`: the body must be valid JSON (400 otherwise); `none`: the body is ignored. */
  body: 'json' | 'none';
  handler: Handler;
}

interface CompiledRoute extends RouteDef {
  segments: string[];
}

export type RouteMatch =
  | { kind: 'found'; route: RouteDef; params: Record<string, string> }
  | { kind: 'wrong-method'; allow: string[] }
  | { kind: 'none' };

export class Router {
  private readonly routes: CompiledRoute[] = [];

  add(def: RouteDef): void {
    this.routes.push({ ...def, segments: def.pattern.split('/').filter(Boolean) });
  }

  /** The registered routes, in registration order (tests use it to check every JSON route is covered). */
  list(): ReadonlyArray<Pick<RouteDef, 'method' | 'pattern' | 'auth' | 'body'>> {
    return this.routes.map(({ method, pattern, auth, body }) => ({ method, pattern, auth, body }));
  }

  match(method: string, path: string): RouteMatch {
    // Split before decoding so an encoded "/" (%2F) stays inside its segment.
    const raw = path.split('/').filter(Boolean);
    let parts: string[];
    try {
      parts = raw.map((s) => decodeURIComponent(s));
    } catch {
      return { kind: 'none' };
    }
    const allow: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.method === method) return { kind: 'found', route, params };
      allow.push(route.method);
    }
    return allow.length > 0 ? { kind: 'wrong-method', allow: [...new Set(allow)] } : { kind: 'none' };
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const v = parts[i]!;
    if (p.startsWith(':')) params[p.slice(1)] = v;
    else if (p !== v) return undefined;
  }
  return params;
}

/**
 * Validates a parsed JSON body with zod. The first problem becomes a 422 whose message names the key,
 * in the reference's wording: "Missing key: 'comment.userId'." or "Value at key 'ttl': ...".
 */
export function validate<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    // Strict schemas: an unknown or misspelt key is refused, never silently dropped. The wording is the
    // `decoders` library's (which Liveblocks' own validation uses, [DEV]); 422 like every other bad body
    // (§2.2). Whether production refuses extra keys is not documented: GUESS (strict on purpose).
    const keys = issue.keys.map((k) => `'${k}'`).join(', ');
    const what = `Unexpected extra keys: ${keys}`;
    throw errors.unprocessable(path === '' ? `${what}.` : `Value at key '${path}': ${what}.`);
  }
  if (path === '') {
    throw errors.unprocessable(`Invalid request body: ${issue.message}.`);
  }
  const missing = issue.code === 'invalid_type' && valueAt(body, issue.path) === undefined;
  if (missing) throw errors.unprocessable(`Missing key: '${path}'.`);
  throw errors.unprocessable(`Value at key '${path}': ${issue.message}.`);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/** `prefix_` + 21 url-safe random characters, like Liveblocks' nanoid ids (`th_...`, `cm_...`, `in_...`). */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('base64url').slice(0, 21)}`;
}

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T>(cursor: string, check: (v: unknown) => v is T): T {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (check(parsed)) return parsed;
  } catch {
    // fall through
  }
  throw errors.unprocessable(`Value at key 'startingAfter': invalid cursor.`);
}

/** Parses `limit` (integer within [min, max]); 422 otherwise. */
export function parseLimit(query: URLSearchParams, name: string, min: number, max: number, dflt: number): number {
  const raw = query.get(name);
  if (raw === null) return dflt;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isInteger(n) || n < min || n > max) {
    throw errors.unprocessable(`Value at key '${name}': must be an integer between ${min} and ${max}.`);
  }
  return n;
}

/** Parses an ISO-8601 date string from a request body (already checked to be a string). */
export function parseDate(value: string | undefined, key: string, fallback: Date): Date {
  if (value === undefined) return fallback;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw errors.unprocessable(`Value at key '${key}': must be an ISO 8601 date.`);
  return d;
}
