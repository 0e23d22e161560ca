/**
 * Shared by the fuzz and path-escape properties: collabs on every adapter whose HTTP goes to a
 * recording `fetch` (a tiny canned vendor, no network), the catalogue of every public method with the
 * ids it takes, and generators of hostile arguments tagged with whether they are certainly invalid by
 * the documented rules (decided here, independently of the code under test).
 */
import fc from 'fast-check';
import * as Y from 'yjs';
import { type Collab, createCollab, registerAdapter } from '../../src/collab.js';

registerAdapter('liveblocks', async () => (await import('../../src/adapters/liveblocks/index.js')).liveblocksAdapter);
registerAdapter('velt', async () => (await import('../../src/adapters/velt/index.js')).veltAdapter);

// ---------------------------------------------------------------------------------------------------
// The recording fetch
// ---------------------------------------------------------------------------------------------------

/** One request an adapter sent. */
export interface SentRequest {
  method: string;
  url: string;
}

/** How the canned vendor answers. `abort` aborts the caller's signal mid-request, as a user would. */
export type Reply = 'notFound' | 'okEmptyObject' | 'noContent' | 'serverError' | 'htmlPage' | 'abort';

/** Every reply, for generators. */
export const REPLIES: readonly Reply[] = ['notFound', 'okEmptyObject', 'noContent', 'serverError', 'htmlPage', 'abort'];

/** The recording fetch of one collab: what went out, and what the next answers are. */
export class Vendor {
  readonly requests: SentRequest[] = [];
  reply: Reply = 'notFound';
  /** Called for the `abort` reply: aborts the controller of the call in progress. */
  onAbort: (() => void) | undefined;

  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    this.requests.push({ method: init?.method ?? (input instanceof Request ? input.method : 'GET'), url });
    const signal = init?.signal ?? undefined;
    if (this.reply === 'abort') {
      this.onAbort?.();
      // What fetch does when its signal aborts: reject with the signal's reason.
      if (signal?.aborted) throw signal.reason;
      return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
    }
    if (signal?.aborted) throw signal.reason;
    switch (this.reply) {
      case 'notFound':
        return json(404, { error: 'NOT_FOUND', message: 'Not found', status: 'NOT_FOUND' });
      case 'okEmptyObject':
        return json(200, {});
      case 'noContent':
        return new Response(null, { status: 204 });
      case 'serverError':
        return json(500, { error: { status: 'INTERNAL', message: 'boom' } });
      case 'htmlPage':
        return new Response('<html><body>Bad gateway</body></html>', { status: 502, headers: { 'content-type': 'text/html' } });
    }
  };

  /** Forgets what was sent and sets the answer of the next requests. */
  reset(reply: Reply = 'notFound'): void {
    this.requests.length = 0;
    this.reply = reply;
    this.onAbort = undefined;
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** A collab under test and its vendor (`undefined` for memory, which sends no requests). */
export interface Target {
  name: 'memory' | 'liveblocks' | 'velt';
  collab: Collab;
  vendor: Vendor | undefined;
}

/** A test-only webhook secret in the Standard Webhooks format. */
const WEBHOOK_SECRET = 'whsec_' + Buffer.from('fuzz-webhook-secret-0123456789ab').toString('base64');

/** The adapters under test. */
export const TARGET_NAMES = ['memory', 'liveblocks', 'velt'] as const;

/** Creates a target with every optional capability its config can switch on. */
export async function createTarget(name: Target['name']): Promise<Target> {
  if (name === 'memory') {
    // No retries of webhook deliveries: subscriptions the fuzzer creates point nowhere.
    return { name, collab: await createCollab({ provider: 'memory', webhookRetries: 0 }), vendor: undefined };
  }
  const vendor = new Vendor();
  if (name === 'liveblocks') {
    const collab = await createCollab({
      provider: 'liveblocks',
      secretKey: 'sk_fuzz_0123456789abcdefghijklmnop',
      baseUrl: 'https://api.liveblocks.fuzz',
      managementToken: 'lbmt_fuzz_0123456789',
      projectId: 'proj_fuzz',
      webhookSecret: WEBHOOK_SECRET,
      retries: 0,
      fetch: vendor.fetch,
    });
    return { name, collab, vendor };
  }
  const collab = await createCollab({
    provider: 'velt',
    apiKey: 'velt_fuzz_api_key',
    authToken: 'velt_fuzz_auth_token',
    organizationId: 'fuzz-org',
    baseUrl: 'https://api.velt.fuzz',
    webhookSecret: WEBHOOK_SECRET,
    retries: 0,
    fetch: vendor.fetch,
  });
  return { name, collab, vendor };
}

// ---------------------------------------------------------------------------------------------------
// Calling a method, whatever it returns
// ---------------------------------------------------------------------------------------------------

/** The service object of a method group (`webhooks.subscriptions` is nested). */
export function serviceOf(collab: Collab, group: string): Record<string, (...args: unknown[]) => unknown> {
  // `webhooks.subscriptions`, `documents.versions`: a service reached through another's property.
  return group.split('.').reduce<unknown>((service, property) => (service as Record<string, unknown>)[property], collab) as never;
}

/** What a call did. */
export type Outcome = { ok: true } | { ok: false; error: unknown; sync: boolean };

/**
 * Calls a method and settles it: a promise is awaited, an async iterable is read (at most 3 items).
 * A call that does not settle within `hangMs` fails the property (it would hang an app).
 */
export async function invoke(collab: Collab, group: string, method: string, args: unknown[], hangMs = 5000): Promise<Outcome> {
  let result: unknown;
  try {
    result = serviceOf(collab, group)[method]!(...args);
  } catch (error) {
    return { ok: false, error, sync: true };
  }
  const settle = async (): Promise<void> => {
    if (result && typeof (result as Promise<unknown>).then === 'function') await result;
    else if (result && typeof result === 'object' && Symbol.asyncIterator in result) {
      let n = 0;
      for await (const _ of result as AsyncIterable<unknown>) if (++n >= 3) break;
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${group}.${method} did not settle within ${hangMs} ms`)), hangMs);
  });
  try {
    await Promise.race([settle(), hang]);
    return { ok: true };
  } catch (error) {
    if (error instanceof Error && error.message.endsWith(`did not settle within ${hangMs} ms`)) throw error;
    return { ok: false, error, sync: false };
  } finally {
    clearTimeout(timer);
  }
}

/** A readable one-line description of a thrown value, for assertion messages. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message.slice(0, 200)}${error.stack ? `\n${error.stack.split('\n').slice(1, 4).join('\n')}` : ''}`;
  return `${typeof error}: ${String(error).slice(0, 200)}`;
}

// ---------------------------------------------------------------------------------------------------
// Hostile values
// ---------------------------------------------------------------------------------------------------

/** A generated argument, and whether the documented rules certainly refuse it in its position. */
export interface Tagged {
  value: unknown;
  bad: boolean;
}

/**
 * A recipe for a hostile value, built fresh in each run. fast-check itself reads generated values
 * (to clone and print them), so Proxies and throwing getters must not exist until the call is made.
 */
export class Make {
  constructor(
    readonly label: string,
    readonly build: () => unknown,
  ) {}
  toString(): string {
    return `<${this.label}>`;
  }
  [fc.toStringMethod](): string {
    return this.toString();
  }
}

const make = (label: string, build: () => unknown): fc.Arbitrary<unknown> => fc.constant(new Make(label, build));

/** Builds the real arguments of a run: recipes become their values; own keys such as `__proto__` are kept as data. */
export function materialize(value: unknown): unknown {
  if (value instanceof Make) return value.build();
  if (Array.isArray(value)) return value.map(materialize);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      Object.defineProperty(out, key, { value: materialize((value as Record<string, unknown>)[key]), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

const ok = <V>(arb: fc.Arbitrary<V>): fc.Arbitrary<Tagged> => arb.map((value) => ({ value, bad: false }));
const bad = <V>(arb: fc.Arbitrary<V>): fc.Arbitrary<Tagged> => arb.map((value) => ({ value, bad: true }));

function cycle(): Record<string, unknown> {
  const a: Record<string, unknown> = { name: 'a' };
  a.self = { back: a };
  return a;
}

function deep(levels: number): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < levels; i++) v = { d: v };
  return v;
}

/** A Proxy every one of whose traps throws. */
function throwingProxy(): object {
  const boom = () => {
    throw new RangeError('hostile trap');
  };
  return new Proxy({}, { get: boom, has: boom, ownKeys: boom, getOwnPropertyDescriptor: boom, getPrototypeOf: boom });
}

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

function throwingGetter(key: string, base: Record<string, unknown> = {}): Record<string, unknown> {
  return Object.defineProperty({ ...base }, key, {
    enumerable: true,
    get() {
      throw new TypeError('hostile getter');
    },
  });
}

/** Values that are not even the right kind of thing for any object or string argument. */
const NOT_AN_OBJECT = fc.oneof(
  fc.constantFrom<unknown>(null, 'a string', 42, Number.NaN, true, [], [1, 2], () => 1, Symbol('s')),
  fc.bigInt(),
  make('throwing Proxy', throwingProxy),
  make('revoked Proxy', revokedProxy),
);

/** Things that are certainly not an id. */
const BAD_ID_STRINGS = [
  '',
  '.',
  '..',
  '%2e',
  '%2E',
  '%2e%2E',
  '.%2E',
  '%2e.',
  '%252e%252E',
  '%25252e',
  '%2%65',
  'a\uD800b',
  '\uDFFF',
  '\uD83D',
  'x'.repeat(257),
  'x'.repeat(300_000),
];

/** Tricky ids that are valid: they must reach the vendor in one piece. */
export const TRICKY_VALID_IDS = ['...', 'a..b', '..a', '.a', '%2e%2e%2e', 'a/b', 'a/../b', '../x', '%2f', '%', '%zz', '😀', ' x ', '?q=1#h', 'a\\b', '\\..', 'x'.repeat(256)];

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** WHATWG percent-decoding of ASCII escapes (a `%` not followed by two hex digits stays). */
function percentDecode(text: string): string {
  return text.replace(/%[0-9a-f]{2}/gi, (m) => String.fromCharCode(Number.parseInt(m.slice(1), 16)));
}

/** The documented id rules, written independently of src: what a valid id is. */
export function isValidIdByTheRules(id: string): boolean {
  if (id.length === 0 || id.length > 256 || LONE_SURROGATE.test(id)) return false;
  for (let current = id, i = 0; i < 200; i++) {
    if (current === '.' || current === '..') return false;
    const next = percentDecode(current);
    if (next === current) return true;
    current = next;
  }
  return true;
}

const ID_UNITS = fc.constantFrom('.', '%', '2', 'e', 'E', '5', 'f', 'F', '/', '\\', '?', '#', ';', ' ', '\t', '\n', '\u0000', '\uD800', '\uDC00', '😀', 'a', 'Z', '-', '_');

/** Ids as an attacker would write them: dots, escapes, separators, control characters, lone surrogates. */
export const HOSTILE_ID: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...BAD_ID_STRINGS.filter((s) => s.length < 1000), ...TRICKY_VALID_IDS),
  fc.string({ unit: ID_UNITS, minLength: 1, maxLength: 8 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }),
);

const PLAIN_ID = fc.stringMatching(/^[a-z][a-z0-9_-]{0,11}$/);

/** An id argument: valid (plain or tricky), invalid string, or not a string at all. */
export const idArg: fc.Arbitrary<Tagged> = fc.oneof(
  { weight: 3, arbitrary: ok(PLAIN_ID) },
  { weight: 1, arbitrary: ok(fc.constantFrom(...TRICKY_VALID_IDS)) },
  { weight: 2, arbitrary: HOSTILE_ID.map((value) => ({ value, bad: !isValidIdByTheRules(value) })) },
  { weight: 2, arbitrary: bad(fc.constantFrom(...BAD_ID_STRINGS)) },
  { weight: 1, arbitrary: bad(fc.oneof(NOT_AN_OBJECT.filter((v) => typeof v !== 'string'), fc.constantFrom<unknown>(undefined, {}, { id: 'x' }))) },
);

/** A Velt comment id is a number on the wire: valid ones are decimal strings. */
export const numericIdArg: fc.Arbitrary<Tagged> = fc.oneof({ weight: 2, arbitrary: ok(fc.integer({ min: 1, max: 1e9 }).map(String)) }, { weight: 3, arbitrary: idArg });

function isWellFormedJson(value: unknown): boolean {
  const text = JSON.stringify(value);
  return !text.includes('"__proto__":') && !LONE_SURROGATE.test(text);
}

const SAFE_KEY = fc.string({ minLength: 1, maxLength: 10 }).filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k) && !LONE_SURROGATE.test(k));
const JSON_DATA = fc.jsonValue({ maxDepth: 3 }).filter(isWellFormedJson);
const JSON_OBJECT = fc.dictionary(SAFE_KEY, JSON_DATA, { maxKeys: 5 });

/** JSON values that break one rule each (BigInt, functions, cycles, getters, classes, depth, size...). */
function poisonedJson(maxBytes: number): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constant({ n: 1n }),
    fc.bigInt().map((n) => ({ nested: { list: [1, n] } })),
    fc.constant({ f: () => 1 }),
    fc.constant({ s: Symbol('s') }),
    make('cycle', cycle),
    make('throwing getter', () => throwingGetter('g', { a: 1 })),
    make('{ d: Date }', () => ({ d: new Date(0) })),
    make('{ m: Map }', () => ({ m: new Map([[1, 2]]) })),
    fc.constant({ x: Number.NaN }),
    fc.constant({ x: [1, undefined] }),
    make('40 levels deep', () => deep(40)),
    make('own __proto__ key', () => JSON.parse('{"__proto__": {"polluted": true}}') as unknown),
    fc.constant({ s: 'lone \uD800 surrogate' }),
    make(`${maxBytes + 1} characters`, () => ({ big: 'x'.repeat(maxBytes + 1) })),
    make('{ p: throwing Proxy }', () => ({ p: throwingProxy() })),
    make('{ r: revoked Proxy }', () => ({ r: revokedProxy() })),
  );
}

/** An optional JSON-object argument (presence data, userInfo). */
export const jsonObjectArg: fc.Arbitrary<Tagged> = fc.oneof(
  { weight: 3, arbitrary: ok(JSON_OBJECT) },
  { weight: 3, arbitrary: bad(poisonedJson(256 * 1024)) },
  { weight: 1, arbitrary: bad(fc.constantFrom<unknown>('text', 1, [1], null)) },
);

/** A broadcast payload: any JSON value (1 MB limit). */
export const payloadArg: fc.Arbitrary<Tagged> = fc.oneof(
  { weight: 3, arbitrary: ok(JSON_DATA) },
  { weight: 3, arbitrary: bad(poisonedJson(1_000_000)) },
  { weight: 1, arbitrary: bad(fc.constantFrom<unknown>(undefined, () => 1, Symbol('s'), 1n)) },
);

const METADATA_VALUE = fc.oneof(fc.string({ maxLength: 12 }).filter((s) => !LONE_SURROGATE.test(s)), fc.integer(), fc.boolean(), fc.array(fc.string({ maxLength: 5 }).filter((s) => !LONE_SURROGATE.test(s)), { maxLength: 3 }));

const BAD_METADATA = fc.oneof(
  make('own __proto__ key', () => JSON.parse('{"__proto__": "x"}') as unknown),
  fc.constantFrom<unknown>({ constructor: 'x' }, { prototype: 'y' }, { k: {} }, { k: [1] }, { k: Number.POSITIVE_INFINITY }, 'text', [['k', 'v']]),
  fc.constant({ k: 1n }),
  make('throwing getter', () => throwingGetter('k')),
  NOT_AN_OBJECT.filter((v) => v !== null),
);

/** Metadata of an entity: valid records or records breaking one rule. */
export const metadataArg: fc.Arbitrary<Tagged> = fc.oneof({ weight: 3, arbitrary: ok(fc.dictionary(SAFE_KEY, METADATA_VALUE, { maxKeys: 4 })) }, { weight: 2, arbitrary: bad(BAD_METADATA) }, { weight: 1, arbitrary: bad(fc.constant({ k: null })) });

/** A metadata patch: like metadata, but `null` deletes a key. */
export const metadataPatchArg: fc.Arbitrary<Tagged> = fc.oneof({ weight: 3, arbitrary: ok(fc.dictionary(SAFE_KEY, fc.option(METADATA_VALUE, { nil: null }), { maxKeys: 4 })) }, { weight: 2, arbitrary: bad(BAD_METADATA) });

/** A metadata filter: string values only. */
export const metadataFilterArg: fc.Arbitrary<Tagged> = fc.oneof({ weight: 3, arbitrary: ok(fc.dictionary(SAFE_KEY, fc.string({ maxLength: 8 }), { maxKeys: 3 })) }, { weight: 2, arbitrary: bad(fc.oneof(BAD_METADATA, fc.constant({ k: 1 }))) });

const TEXT = fc.string({ maxLength: 40 });

const VALID_BODY = fc
  .array(
    fc.array(
      fc.oneof(
        TEXT.map((text) => ({ type: 'text', text })),
        PLAIN_ID.map((userId) => ({ type: 'mention', userId })),
        fc.constant({ type: 'link', url: 'https://example.com/x', text: 'x' }),
      ),
      { minLength: 1, maxLength: 3 },
    ),
    { minLength: 1, maxLength: 2 },
  )
  .map((paragraphs) => ({ version: 1, content: paragraphs.map((children) => ({ type: 'paragraph', children })) }));

/** A comment body: valid rich text, or broken shapes. */
export const bodyArg: fc.Arbitrary<Tagged> = fc.oneof(
  { weight: 3, arbitrary: ok(VALID_BODY) },
  {
    weight: 2,
    arbitrary: bad(
      fc.oneof(
        fc.constantFrom<unknown>('plain text', { version: 2, content: [] }, { version: 1 }, { version: 1, content: [{ type: 'paragraph', children: [{ type: 'text', text: 1 }] }] }, { version: 1, content: [{ type: 'table' }] }),
        NOT_AN_OBJECT,
      ),
    ),
  },
);

/** A required string field (names, emoji, kinds): valid non-empty text, or not a string. */
export function stringArg(valid: fc.Arbitrary<string> = fc.string({ minLength: 1, maxLength: 20 })): fc.Arbitrary<Tagged> {
  return fc.oneof({ weight: 3, arbitrary: ok(valid) }, { weight: 1, arbitrary: bad(fc.oneof(NOT_AN_OBJECT.filter((v) => typeof v !== 'string'), fc.constantFrom<unknown>({}, undefined))) });
}

/** One field of an `objectArg`: its generator, and whether it may be left out. */
interface FieldSpec {
  arb: fc.Arbitrary<Tagged>;
  optional?: boolean;
}

/** An input object built from tagged fields (bad when any field is), or sometimes not an object at all. */
export function objectArg(fields: Record<string, FieldSpec | fc.Arbitrary<Tagged>>, options: { optionalWhole?: boolean } = {}): fc.Arbitrary<Tagged> {
  const specs = Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, f instanceof fc.Arbitrary ? { arb: f } : f])) as Record<string, FieldSpec>;
  const required = Object.entries(specs)
    .filter(([, f]) => !f.optional)
    .map(([k]) => k);
  const built = fc.record(Object.fromEntries(Object.entries(specs).map(([k, f]) => [k, f.arb])), { requiredKeys: required }).map((rec) => {
    const value: Record<string, unknown> = {};
    let isBad = false;
    for (const [k, t] of Object.entries(rec as Record<string, Tagged>)) {
      // An optional field generated as `undefined` is simply absent: not a fault.
      if (t.value === undefined && specs[k]!.optional) continue;
      value[k] = t.value;
      isBad ||= t.bad;
    }
    return { value, bad: isBad };
  });
  const alternatives: Array<{ weight: number; arbitrary: fc.Arbitrary<Tagged> }> = [
    { weight: 6, arbitrary: built },
    { weight: 1, arbitrary: bad(NOT_AN_OBJECT) },
  ];
  if (options.optionalWhole) alternatives.push({ weight: 1, arbitrary: ok(fc.constant(undefined)) });
  return fc.oneof(...alternatives);
}

const LIMIT = fc.oneof({ weight: 3, arbitrary: ok(fc.integer({ min: 1, max: 1000 })) }, { weight: 1, arbitrary: bad(fc.constantFrom<unknown>(0, -1, 1001, 1.5, '10', Number.NaN, 1n)) });
const CURSOR = fc.oneof({ weight: 3, arbitrary: ok(fc.string({ minLength: 1, maxLength: 12 })) }, { weight: 1, arbitrary: bad(fc.constantFrom<unknown>('', 5, {})) });
const BOOL = fc.oneof({ weight: 3, arbitrary: ok(fc.boolean()) }, { weight: 1, arbitrary: bad(fc.constantFrom<unknown>('yes', 1, null)) });

/** The `options` argument, as a descriptor (signals are made fresh for each run). */
export type OptionsKind =
  | 'absent'
  | 'empty'
  | 'liveSignal'
  | 'tenant'
  | 'trickyTenant'
  | 'preAborted'
  | 'signalString'
  | 'signalObject'
  | 'tenantEmpty'
  | 'tenantDots'
  | 'tenantNumber'
  | 'notAnObject'
  | 'null'
  | 'hostileProxy';

/** Options kinds that are certainly invalid. */
export const BAD_OPTIONS: ReadonlySet<OptionsKind> = new Set(['signalString', 'signalObject', 'tenantEmpty', 'tenantDots', 'tenantNumber', 'notAnObject', 'null', 'hostileProxy']);

/** Generator of options descriptors. */
export const optionsArg: fc.Arbitrary<OptionsKind> = fc.constantFrom<OptionsKind>(
  'absent',
  'empty',
  'liveSignal',
  'tenant',
  'trickyTenant',
  'preAborted',
  'signalString',
  'signalObject',
  'tenantEmpty',
  'tenantDots',
  'tenantNumber',
  'notAnObject',
  'null',
  'hostileProxy',
);

/** Builds the options of one run; `controller` is the signal's, for the mid-request abort. */
export function buildOptions(kind: OptionsKind, controller: AbortController): unknown {
  switch (kind) {
    case 'absent':
      return undefined;
    case 'empty':
      return {};
    case 'liveSignal':
      return { signal: controller.signal };
    case 'tenant':
      return { tenantId: 'tenant-1', signal: controller.signal };
    case 'trickyTenant':
      return { tenantId: '...' };
    case 'preAborted':
      controller.abort(new Error('aborted before the call'));
      return { signal: controller.signal };
    case 'signalString':
      return { signal: 'nope' };
    case 'signalObject':
      return { signal: { aborted: false, addEventListener() {} } };
    case 'tenantEmpty':
      return { tenantId: '' };
    case 'tenantDots':
      return { tenantId: '..' };
    case 'tenantNumber':
      return { tenantId: 7 };
    case 'notAnObject':
      return 'options';
    case 'null':
      return null;
    case 'hostileProxy':
      return throwingProxy();
  }
}

// ---------------------------------------------------------------------------------------------------
// The method catalogue
// ---------------------------------------------------------------------------------------------------

/** A function giving the id of a named slot (`roomId`, `comment.authorId`...). */
export type IdOf = (slot: string) => string;

/** One public method: its fuzz arguments, and a benign call template with named id slots. */
export interface MethodCase {
  group: string;
  method: string;
  /** Tagged generators of the positional arguments (options excluded). */
  args: Array<fc.Arbitrary<Tagged>>;
  /** Whether the method takes a trailing `options` argument. */
  options: boolean;
  /** The id slots of `template`, as `ValidationError.field` names them. */
  idSlots: string[];
  /** Slots whose ids must be decimal on Velt (comment ids). */
  numericSlots?: string[];
  /** A valid call whose ids come from `id`. */
  template: (id: IdOf) => unknown[];
}

const body = { version: 1, content: [{ type: 'paragraph', children: [{ type: 'text', text: 'hello' }] }] };
const subscription = { url: 'http://127.0.0.1:9/hook', events: ['comment.created'] };

// The filter's userId is a plain non-empty string (it never reaches a path), not an id.
const roomFilter = { metadata: { optional: true, arb: metadataFilterArg }, userId: { optional: true, arb: stringArg(PLAIN_ID) }, groupIds: { optional: true, arb: fc.oneof(ok(fc.array(PLAIN_ID, { maxLength: 3 })), bad(fc.constantFrom<unknown>('g', [''], [1]))) } };

/** A real Yjs update (a text typed in a Y.Doc). */
const REAL_UPDATE = (() => {
  const doc = new Y.Doc();
  doc.getText('body').insert(0, 'typed');
  return Y.encodeStateAsUpdate(doc);
})();
const documentKeyArg = fc.oneof(
  { weight: 3, arbitrary: ok(fc.string({ minLength: 1, maxLength: 40 })) },
  { weight: 1, arbitrary: bad(fc.constantFrom<unknown>('', 'k'.repeat(257), 1, null, undefined, ['k'])) },
);
const sharedTypeArg = fc.oneof({ weight: 3, arbitrary: ok(fc.constantFrom('text', 'map', 'array', 'xml')) }, { weight: 1, arbitrary: bad(fc.constantFrom<unknown>('yjs', 'Text', '', 1, null)) });
/** A value matching its type, or one that certainly does not (or is not JSON). */
const documentInputArg: fc.Arbitrary<Tagged> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(documentKeyArg, fc.oneof(ok(fc.tuple(fc.constant('text'), fc.string())), ok(fc.tuple(fc.constant('map'), fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 }))), ok(fc.tuple(fc.constant('array'), fc.array(fc.jsonValue(), { maxLength: 4 }))), ok(fc.tuple(fc.constant('xml'), fc.constantFrom('', '<p>x</p>', 'plain'))))).map(([key, tv]) => {
    const [type, value] = tv.value as [string, unknown];
    return { value: { key: key.value, type, value }, bad: key.bad };
  }) },
  { weight: 2, arbitrary: bad(fc.constantFrom<unknown>({ key: 'k', type: 'text', value: 1 }, { key: 'k', type: 'map', value: [] }, { key: 'k', type: 'array', value: {} }, { key: 'k', type: 'xml', value: '<open>' }, { key: 'k', type: 'text' }, { key: 'k', type: 'map', value: { n: 10n } }, null, 'k')) },
);
const updateArg = fc.oneof(
  { weight: 3, arbitrary: ok(fc.constantFrom(new Uint8Array([0, 0]), REAL_UPDATE)) },
  { weight: 2, arbitrary: bad(fc.constantFrom<unknown>(new Uint8Array(0), 'AAA=', [0, 0], null, new ArrayBuffer(2), new Uint8Array(16 * 1024 * 1024 + 1))) },
);
const lsonRootArg = fc.oneof(
  { weight: 3, arbitrary: ok(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }).map((data) => ({ lsonType: 'LiveObject', data }))) },
  { weight: 2, arbitrary: bad(fc.constantFrom<unknown>({ a: 1 }, { lsonType: 'LiveList', data: [] }, { lsonType: 'LiveObject', data: [] }, { lsonType: 'LiveObject', data: { x: { lsonType: 'LiveThing', data: {} } } }, null, [])) },
);
const patchArg = fc.oneof(
  { weight: 3, arbitrary: ok(fc.constantFrom([{ op: 'add', path: '/a', value: 1 }], [{ op: 'remove', path: '/a' }], [{ op: 'move', from: '/a', path: '/b' }])) },
  { weight: 2, arbitrary: bad(fc.constantFrom<unknown>([], [{ op: 'explode', path: '/a' }], [{ op: 'add', path: '/a' }], [{ op: 'move', path: '/b' }], { op: 'add' }, null)) },
);
const storageQueryArg = fc.oneof({ weight: 3, arbitrary: ok(fc.constantFrom(undefined, {}, { format: 'json' }, { format: 'lson' })) }, { weight: 1, arbitrary: bad(fc.constantFrom<unknown>({ format: 'plain-lson' }, { format: 1 }, 'json')) });

/** Every public service method. */
export const METHODS: MethodCase[] = [
  {
    group: 'rooms',
    method: 'create',
    args: [objectArg({ id: idArg, name: { optional: true, arb: stringArg() }, metadata: { optional: true, arb: metadataArg }, idempotent: { optional: true, arb: BOOL } })],
    options: true,
    idSlots: ['id'],
    template: (id) => [{ id: id('id'), name: 'Room' }],
  },
  { group: 'rooms', method: 'get', args: [idArg], options: true, idSlots: ['id'], template: (id) => [id('id')] },
  {
    group: 'rooms',
    method: 'list',
    args: [objectArg({ ...roomFilter, limit: { optional: true, arb: LIMIT }, cursor: { optional: true, arb: CURSOR } }, { optionalWhole: true })],
    options: true,
    idSlots: [],
    template: () => [{}],
  },
  {
    group: 'rooms',
    method: 'iterate',
    args: [objectArg({ ...roomFilter, pageSize: { optional: true, arb: LIMIT } }, { optionalWhole: true })],
    options: true,
    idSlots: [],
    template: () => [{}],
  },
  {
    group: 'rooms',
    method: 'update',
    args: [idArg, objectArg({ name: { optional: true, arb: stringArg() }, metadata: { optional: true, arb: metadataPatchArg } })],
    options: true,
    idSlots: ['id'],
    template: (id) => [id('id'), { name: 'Renamed' }],
  },
  { group: 'rooms', method: 'delete', args: [idArg], options: true, idSlots: ['id'], template: (id) => [id('id')] },
  {
    group: 'users',
    method: 'upsert',
    args: [objectArg({ id: idArg, name: { optional: true, arb: stringArg() }, email: { optional: true, arb: fc.oneof(ok(fc.constant('a@example.com')), bad(fc.constantFrom<unknown>('not-an-email', 1))) }, metadata: { optional: true, arb: metadataArg } })],
    options: true,
    idSlots: ['id'],
    template: (id) => [{ id: id('id'), name: 'Ann' }],
  },
  { group: 'users', method: 'get', args: [idArg], options: true, idSlots: ['id'], template: (id) => [id('id')] },
  { group: 'users', method: 'list', args: [objectArg({ limit: { optional: true, arb: LIMIT }, cursor: { optional: true, arb: CURSOR } }, { optionalWhole: true })], options: true, idSlots: [], template: () => [{}] },
  { group: 'users', method: 'delete', args: [idArg], options: true, idSlots: ['id'], template: (id) => [id('id')] },
  {
    group: 'threads',
    method: 'create',
    args: [objectArg({ roomId: idArg, id: { optional: true, arb: idArg }, comment: objectArg({ authorId: idArg, body: bodyArg, metadata: { optional: true, arb: metadataArg } }), metadata: { optional: true, arb: metadataArg } })],
    options: true,
    idSlots: ['roomId', 'comment.authorId'],
    template: (id) => [{ roomId: id('roomId'), comment: { authorId: id('comment.authorId'), body } }],
  },
  { group: 'threads', method: 'get', args: [idArg, idArg], options: true, idSlots: ['roomId', 'threadId'], template: (id) => [id('roomId'), id('threadId')] },
  {
    group: 'threads',
    method: 'list',
    args: [idArg, objectArg({ resolved: { optional: true, arb: BOOL }, metadata: { optional: true, arb: metadataFilterArg }, limit: { optional: true, arb: LIMIT }, cursor: { optional: true, arb: CURSOR } }, { optionalWhole: true })],
    options: true,
    idSlots: ['roomId'],
    template: (id) => [id('roomId'), {}],
  },
  {
    group: 'threads',
    method: 'iterate',
    args: [idArg, objectArg({ resolved: { optional: true, arb: BOOL }, metadata: { optional: true, arb: metadataFilterArg }, limit: { optional: true, arb: LIMIT } }, { optionalWhole: true })],
    options: true,
    idSlots: ['roomId'],
    template: (id) => [id('roomId')],
  },
  { group: 'threads', method: 'delete', args: [idArg, idArg], options: true, idSlots: ['roomId', 'threadId'], template: (id) => [id('roomId'), id('threadId')] },
  {
    group: 'threads',
    method: 'resolve',
    args: [idArg, idArg, objectArg({ userId: idArg })],
    options: true,
    idSlots: ['roomId', 'threadId', 'userId'],
    template: (id) => [id('roomId'), id('threadId'), { userId: id('userId') }],
  },
  {
    group: 'threads',
    method: 'unresolve',
    args: [idArg, idArg, objectArg({ userId: idArg })],
    options: true,
    idSlots: ['roomId', 'threadId', 'userId'],
    template: (id) => [id('roomId'), id('threadId'), { userId: id('userId') }],
  },
  {
    group: 'threads',
    method: 'updateMetadata',
    args: [idArg, idArg, metadataPatchArg],
    options: true,
    idSlots: ['roomId', 'threadId'],
    template: (id) => [id('roomId'), id('threadId'), { status: 'open' }],
  },
  {
    group: 'comments',
    method: 'create',
    args: [objectArg({ roomId: idArg, threadId: idArg, authorId: idArg, body: bodyArg, metadata: { optional: true, arb: metadataArg } })],
    options: true,
    idSlots: ['roomId', 'threadId', 'authorId'],
    template: (id) => [{ roomId: id('roomId'), threadId: id('threadId'), authorId: id('authorId'), body }],
  },
  {
    group: 'comments',
    method: 'get',
    args: [idArg, idArg, numericIdArg],
    options: true,
    idSlots: ['roomId', 'threadId', 'commentId'],
    numericSlots: ['commentId'],
    template: (id) => [id('roomId'), id('threadId'), id('commentId')],
  },
  {
    group: 'comments',
    method: 'edit',
    args: [idArg, idArg, numericIdArg, objectArg({ body: bodyArg })],
    options: true,
    idSlots: ['roomId', 'threadId', 'commentId'],
    numericSlots: ['commentId'],
    template: (id) => [id('roomId'), id('threadId'), id('commentId'), { body }],
  },
  {
    group: 'comments',
    method: 'delete',
    args: [idArg, idArg, numericIdArg],
    options: true,
    idSlots: ['roomId', 'threadId', 'commentId'],
    numericSlots: ['commentId'],
    template: (id) => [id('roomId'), id('threadId'), id('commentId')],
  },
  ...(['add', 'remove'] as const).map(
    (method): MethodCase => ({
      group: 'reactions',
      method,
      args: [objectArg({ roomId: idArg, threadId: idArg, commentId: numericIdArg, userId: idArg, emoji: stringArg(fc.constantFrom('👍', ':+1:', 'x')) })],
      options: true,
      idSlots: ['roomId', 'threadId', 'commentId', 'userId'],
      numericSlots: ['commentId'],
      template: (id) => [{ roomId: id('roomId'), threadId: id('threadId'), commentId: id('commentId'), userId: id('userId'), emoji: '👍' }],
    }),
  ),
  { group: 'presence', method: 'list', args: [idArg], options: true, idSlots: ['roomId'], template: (id) => [id('roomId')] },
  {
    group: 'presence',
    method: 'set',
    args: [
      objectArg({
        roomId: idArg,
        userId: idArg,
        data: { optional: true, arb: jsonObjectArg },
        info: { optional: true, arb: jsonObjectArg },
        ttlSeconds: { optional: true, arb: fc.oneof(ok(fc.integer({ min: 2, max: 3600 })), bad(fc.constantFrom<unknown>(0, 1, 3601, 2.5, '60'))) },
      }),
    ],
    options: true,
    idSlots: ['roomId', 'userId'],
    template: (id) => [{ roomId: id('roomId'), userId: id('userId'), data: { x: 1 } }],
  },
  { group: 'presence', method: 'clear', args: [idArg, idArg], options: true, idSlots: ['roomId', 'userId'], template: (id) => [id('roomId'), id('userId')] },
  {
    group: 'notifications',
    method: 'list',
    args: [idArg, objectArg({ unread: { optional: true, arb: BOOL }, limit: { optional: true, arb: LIMIT }, cursor: { optional: true, arb: CURSOR } }, { optionalWhole: true })],
    options: true,
    idSlots: ['userId'],
    template: (id) => [id('userId'), {}],
  },
  { group: 'notifications', method: 'markRead', args: [idArg, idArg], options: true, idSlots: ['userId', 'notificationId'], template: (id) => [id('userId'), id('notificationId')] },
  { group: 'notifications', method: 'delete', args: [idArg, idArg], options: true, idSlots: ['userId', 'notificationId'], template: (id) => [id('userId'), id('notificationId')] },
  {
    group: 'notifications',
    method: 'trigger',
    args: [
      objectArg({
        userId: idArg,
        kind: fc.oneof(ok(fc.constantFrom('fileUploaded', 'x-1')), bad(fc.constantFrom<unknown>('', '1abc', '$x', 5))),
        subjectId: idArg,
        roomId: { optional: true, arb: idArg },
        data: { optional: true, arb: fc.oneof(ok(fc.dictionary(SAFE_KEY, fc.oneof(fc.string({ maxLength: 8 }).filter((s) => !LONE_SURROGATE.test(s)), fc.integer(), fc.boolean()), { maxKeys: 3 })), bad(fc.oneof(poisonedJson(256 * 1024), fc.constant({ nested: {} })))) },
      }),
    ],
    options: true,
    idSlots: ['userId', 'subjectId', 'roomId'],
    template: (id) => [{ userId: id('userId'), kind: 'fileUploaded', subjectId: id('subjectId'), roomId: id('roomId') }],
  },
  {
    group: 'auth',
    method: 'issueToken',
    args: [
      objectArg({
        userId: idArg,
        userInfo: { optional: true, arb: jsonObjectArg },
        groupIds: { optional: true, arb: fc.oneof(ok(fc.array(PLAIN_ID, { maxLength: 2 })), bad(fc.constantFrom<unknown>([''], 'g'))) },
        rooms: { optional: true, arb: fc.oneof(ok(fc.constant({ 'room-1': 'write', 'room-*': 'read' })), bad(fc.oneof(fc.constant({ r: 'admin' }), make('own __proto__ key', () => JSON.parse('{"__proto__": "read"}') as unknown)))) },
      }),
    ],
    options: true,
    idSlots: ['userId'],
    template: (id) => [{ userId: id('userId') }],
  },
  {
    group: 'webhooks',
    method: 'verify',
    // Whatever arrives from the network: never a request, only WebhookVerificationError (or another CollabError).
    args: [
      fc.oneof(
        ok(fc.record({ headers: fc.dictionary(fc.string({ maxLength: 16 }), fc.oneof(fc.string(), fc.array(fc.string()), fc.integer())), rawBody: fc.oneof(fc.string(), fc.uint8Array({ maxLength: 32 })) })),
        ok(fc.constantFrom<unknown>(undefined, null, {}, { headers: null, rawBody: '' }, { headers: new Headers(), rawBody: 5 }, { headers: [['webhook-id', 1]], rawBody: '{}' })),
        ok(NOT_AN_OBJECT),
        ok(make('{ headers: throwing Proxy }', () => ({ headers: throwingProxy(), rawBody: '{}' }))),
      ),
    ],
    options: false,
    idSlots: [],
    template: () => [{ headers: {}, rawBody: '{}' }],
  },
  {
    group: 'webhooks.subscriptions',
    method: 'create',
    args: [
      objectArg({
        url: fc.oneof(ok(fc.constant('http://127.0.0.1:9/hook')), bad(fc.constantFrom<unknown>('ftp://x/y', 'not a url', '', 1))),
        events: fc.oneof(ok(fc.constant(['comment.created'])), bad(fc.constantFrom<unknown>([], ['unknown'], ['nope'], 'comment.created'))),
      }),
    ],
    options: true,
    idSlots: [],
    template: () => [subscription],
  },
  { group: 'webhooks.subscriptions', method: 'get', args: [idArg], options: true, idSlots: ['id'], template: (id) => [id('id')] },
  { group: 'webhooks.subscriptions', method: 'list', args: [], options: true, idSlots: [], template: () => [] },
  { group: 'webhooks.subscriptions', method: 'delete', args: [idArg], options: true, idSlots: ['id'], template: (id) => [id('id')] },
  { group: 'events', method: 'broadcast', args: [idArg, payloadArg], options: true, idSlots: ['roomId'], template: (id) => [id('roomId'), { kind: 'ping' }] },
  { group: 'documents', method: 'get', args: [idArg, objectArg({ key: documentKeyArg, type: sharedTypeArg })], options: true, idSlots: ['roomId'], template: (id) => [id('roomId'), { key: 'body', type: 'text' }] },
  { group: 'documents', method: 'set', args: [idArg, documentInputArg], options: true, idSlots: ['roomId'], template: (id) => [id('roomId'), { key: 'body', type: 'text', value: 'x' }] },
  { group: 'documents', method: 'list', args: [idArg], options: true, idSlots: ['roomId'], template: (id) => [id('roomId')] },
  { group: 'documents', method: 'getUpdate', args: [idArg], options: true, idSlots: ['roomId'], template: (id) => [id('roomId')] },
  { group: 'documents', method: 'applyUpdate', args: [idArg, updateArg], options: true, idSlots: ['roomId'], template: (id) => [id('roomId'), new Uint8Array([0, 0])] },
  { group: 'documents.versions', method: 'list', args: [idArg], options: true, idSlots: ['roomId'], template: (id) => [id('roomId')] },
  { group: 'documents.versions', method: 'create', args: [idArg], options: true, idSlots: ['roomId'], template: (id) => [id('roomId')] },
  { group: 'storage', method: 'get', args: [idArg, storageQueryArg], options: true, idSlots: ['roomId'], template: (id) => [id('roomId'), { format: 'json' }] },
  { group: 'storage', method: 'initialize', args: [idArg, lsonRootArg], options: true, idSlots: ['roomId'], template: (id) => [id('roomId'), { lsonType: 'LiveObject', data: {} }] },
  { group: 'storage', method: 'delete', args: [idArg], options: true, idSlots: ['roomId'], template: (id) => [id('roomId')] },
  { group: 'storage', method: 'patch', args: [idArg, patchArg], options: true, idSlots: ['roomId'], template: (id) => [id('roomId'), [{ op: 'add', path: '/a', value: 1 }]] },
];
