/**
 * The five server-side REST endpoints under `/api` (vendors/kabelwerk.md §1.2-§1.5, §6.1), as sdk-python
 * 0.1.2 calls them. Validation errors are Ecto-changeset style `400 {"errors": {"<field>": ["<msg>"]}}`.
 */
import type { KabelwerkBroadcasts } from './channels.js';
import { EmuStateError, type EmuRoom, type EmuUser, type KabelwerkEmulatorState } from './state.js';
import type { Wire } from './wire.js';

/** What a handler answers; `body: undefined` sends no body. */
export interface HttpReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RestRequest {
  method: string;
  /** Percent-decoded path segments after `/api`, e.g. `['users', 'kusanagi']`. */
  segments: string[];
  headers: Record<string, string>;
  rawBody: string;
}

type FieldErrors = Record<string, string[]>;

/** Phoenix's default JSON error views render `{"errors": {"detail": "<status text>"}}` (GUESS for this backend). */
export const detail = (status: number, text: string, headers?: Record<string, string>): HttpReply => ({
  status,
  body: { errors: { detail: text } },
  ...(headers ? { headers } : {}),
});

const invalid = (errors: FieldErrors): HttpReply => ({ status: 400, body: { errors } });
const notFound = (): HttpReply => detail(404, 'Not Found');

const BLANK = "can't be blank";
const INVALID = 'is invalid';
const MISSING = 'does not exist';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Route {
  pattern: string[];
  methods: Record<string, (params: Record<string, string>, body: Record<string, unknown>) => HttpReply>;
}

export class KabelwerkRest {
  private readonly routes: Route[];

  constructor(
    private readonly state: KabelwerkEmulatorState,
    private readonly wire: Wire,
    private readonly broadcasts: KabelwerkBroadcasts,
    private readonly apiToken: string,
  ) {
    this.routes = [
      { pattern: ['users'], methods: { POST: (_p, b) => this.createUser(b) } },
      {
        pattern: ['users', ':key'],
        methods: { PATCH: (p, b) => this.updateUser(p.key!, b), DELETE: (p) => this.deleteUser(p.key!) },
      },
      { pattern: ['hubs', ':hub', 'rooms', ':room'], methods: { PATCH: (p, b) => this.updateRoom(p.hub!, p.room!, b) } },
      {
        pattern: ['hubs', ':hub', 'rooms', ':room', 'messages'],
        methods: { POST: (p, b) => this.postMessage(p.hub!, p.room!, b) },
      },
    ];
  }

  /** Route matching (404/405) first, then `Kabelwerk-Token` (401), then the body. */
  handle(req: RestRequest): HttpReply {
    const match = this.match(req.segments);
    if (!match) return notFound();
    const handler = match.route.methods[req.method];
    if (!handler) return detail(405, 'Method Not Allowed', { allow: Object.keys(match.route.methods).join(', ') });
    // §1.2 / §6.1: the exact API token in `Kabelwerk-Token`; anything else is 401. Empty body as in the Dart mock's plug.
    if (req.headers['kabelwerk-token'] !== this.apiToken) return { status: 401 };
    let body: Record<string, unknown> = {};
    if (req.method !== 'DELETE' && req.rawBody.trim() !== '') {
      // Plug.Parsers only parses JSON bodies sent as JSON; any other body leaves the params empty.
      if (/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(req.rawBody);
        } catch {
          return invalid({ body: ['is not valid JSON'] });
        }
        if (!isObject(parsed)) return invalid({ body: ['must be a JSON object'] });
        body = parsed;
      }
    }
    try {
      return handler(match.params, body);
    } catch (err) {
      if (err instanceof EmuStateError) {
        if (err.kind === 'not_found' && err.field !== 'hub_user' && err.field !== 'user') return notFound();
        return invalid({ [err.field ?? 'base']: [err.message] });
      }
      throw err;
    }
  }

  private match(segments: string[]): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.pattern.length !== segments.length) continue;
      const params: Record<string, string> = {};
      const hit = route.pattern.every((part, i) => {
        if (part.startsWith(':')) {
          params[part.slice(1)] = segments[i]!;
          return segments[i] !== '';
        }
        return part === segments[i];
      });
      if (hit) return { route, params };
    }
    return undefined;
  }

  // ------------------------------------------------------------------ users (§1.5.1-§1.5.3)

  private createUser(b: Record<string, unknown>): HttpReply {
    const errors: FieldErrors = {};
    requiredString(b, 'key', errors);
    requiredString(b, 'name', errors);
    let hubId: number | null = null;
    if (b.hub !== undefined && b.hub !== null) {
      if (typeof b.hub !== 'string') errors.hub = [INVALID];
      else {
        const hub = [...this.state.hubs.values()].find((h) => h.slug === b.hub);
        if (hub) hubId = hub.id;
        else errors.hub = [MISSING];
      }
    }
    if (Object.keys(errors).length > 0) return invalid(errors);
    // Uniqueness is checked last, as a database constraint would be.
    if (this.state.user(b.key as string)) return invalid({ key: ['has already been taken'] });
    const user = this.state.createUser({ key: b.key as string, name: b.name as string, hubId });
    return { status: 201, body: userBody(user) };
  }

  private updateUser(key: string, b: Record<string, unknown>): HttpReply {
    const user = this.state.user(key);
    if (!user) return notFound();
    const errors: FieldErrors = {};
    requiredString(b, 'name', errors);
    if (Object.keys(errors).length > 0) return invalid(errors);
    const updated = this.state.renameUser(user.id, b.name as string);
    this.broadcasts.userUpdated(updated);
    return { status: 200, body: userBody(updated) };
  }

  private deleteUser(key: string): HttpReply {
    const user = this.state.user(key);
    if (!user) return notFound();
    const result = this.state.deleteUser(user.id);
    this.broadcasts.userDeleted(user.id, result);
    return { status: 204 };
  }

  // ------------------------------------------------------------------ rooms (§1.5.4, §1.5.5)

  /** `room` in REST paths is the end user's key (§1.5.4). */
  private findRoom(hubSlug: string, endUserKey: string): EmuRoom | undefined {
    const hub = this.state.hub(hubSlug);
    const endUser = this.state.user(endUserKey);
    if (!hub || !endUser || endUser.hubId !== null) return undefined;
    return this.state.roomOf(endUser.id, hub.id);
  }

  private updateRoom(hubSlug: string, endUserKey: string, b: Record<string, unknown>): HttpReply {
    const room = this.findRoom(hubSlug, endUserKey);
    if (!room) return notFound();
    const errors: FieldErrors = {};
    const patch: Parameters<KabelwerkEmulatorState['updateRoom']>[1] = {};
    if ('archived' in b) {
      if (typeof b.archived === 'boolean') patch.archived = b.archived;
      else errors.archived = [INVALID];
    }
    if ('attributes' in b) {
      if (isObject(b.attributes)) patch.attributes = b.attributes;
      else errors.attributes = [INVALID];
    }
    if ('hub_user' in b) {
      if (b.hub_user === null) patch.hubUserId = null;
      else if (typeof b.hub_user !== 'string') errors.hub_user = [INVALID];
      else {
        const hubUser = this.state.user(b.hub_user);
        if (hubUser && hubUser.hubId === room.hubId) patch.hubUserId = hubUser.id;
        else errors.hub_user = [MISSING];
      }
    }
    if (Object.keys(errors).length > 0) return invalid(errors);
    this.state.updateRoom(room.id, patch);
    if (Object.keys(patch).length > 0) this.broadcasts.roomChanged(room);
    return { status: 200, body: this.wire.restRoom(room) };
  }

  private postMessage(hubSlug: string, endUserKey: string, b: Record<string, unknown>): HttpReply {
    const room = this.findRoom(hubSlug, endUserKey);
    if (!room) return notFound();
    const errors: FieldErrors = {};
    requiredString(b, 'text', errors);
    requiredString(b, 'user', errors);
    let poster: EmuUser | undefined;
    if (!errors.user) {
      poster = this.state.user(b.user as string);
      if (!poster) errors.user = [MISSING];
      else if (!this.state.canAccess(poster.id, room)) errors.user = ['is not a participant of this room'];
    }
    if (Object.keys(errors).length > 0) return invalid(errors);
    const { message, marker } = this.state.postMessage(room.id, poster!.id, { text: b.text as string });
    this.broadcasts.messagePosted(message, marker);
    return { status: 201, body: this.wire.message(message) };
  }
}

/** Ecto's `validate_required` treats whitespace-only strings as blank; a non-string fails the cast. */
function requiredString(b: Record<string, unknown>, field: string, errors: FieldErrors): void {
  const v = b[field];
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) errors[field] = [BLANK];
  else if (typeof v !== 'string') errors[field] = [INVALID];
}

function userBody(u: EmuUser) {
  return { id: u.id, key: u.key, name: u.name };
}
