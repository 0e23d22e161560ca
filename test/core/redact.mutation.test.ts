/**
 * src/core/redact.ts, pinned down edge by edge (written against the survivors of `npm run mutation --
 * core-redact`, see docs/mutation.md): every secret field name and its spellings, the exact extent of
 * every secret shape (minimum lengths, word boundaries, every allowed character, case), the depth
 * bounds of `redact` and `containsSecret`, and what `hideSecrets` shows.
 */
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  containsSecret,
  hideSecrets,
  innermostSecrets,
  isSecretKey,
  redact,
  redactText,
  registeredSecrets,
  registerSecret,
  registerSecretShapes,
} from '../../src/core/redact.js';

const R = '[REDACTED]';

describe('isSecretKey', () => {
  const secretNames = [
    'authorization',
    'proxy-authorization',
    'cookie',
    'set-cookie',
    'x-api-key',
    'api-key',
    'api_key',
    'apikey',
    'secret',
    'secretkey',
    'secret-key',
    'secret_key',
    'clientsecret',
    'client-secret',
    'client_secret',
    'webhooksecret',
    'webhook-secret',
    'webhook_secret',
    'authtoken',
    'auth-token',
    'auth_token',
    'accesstoken',
    'access-token',
    'access_token',
    'refreshtoken',
    'refresh-token',
    'refresh_token',
    'idtoken',
    'id-token',
    'id_token',
    'token',
    'password',
    'privatekey',
    'private-key',
    'private_key',
    'managementtoken',
    'management-token',
    'management_token',
  ];
  it.each(secretNames)('%s is a secret name, in any case', (name) => {
    expect(isSecretKey(name)).toBe(true);
    expect(isSecretKey(name.toUpperCase())).toBe(true);
  });

  const innocentNames = [
    'tokens',
    'xtoken',
    'mytoken',
    'token-count',
    'api key',
    'api--key',
    'api.key',
    'apiXkey',
    'secret__key',
    'secretkeys',
    'authorizations',
    'x-authorization',
    'cookies',
    'passwords',
    'id',
    'name',
    '',
  ];
  it.each(innocentNames)('%s is not a secret name (the whole name must match)', (name) => {
    expect(isSecretKey(name)).toBe(false);
  });

  it('knows the names adapters register, case-insensitively', () => {
    expect(isSecretKey('x-mutation-vendor-key')).toBe(false);
    registerSecretShapes({ headers: ['X-Mutation-Vendor-Key'] });
    expect(isSecretKey('x-mutation-vendor-key')).toBe(true);
    expect(isSecretKey('X-MUTATION-VENDOR-KEY')).toBe(true);
    expect(isSecretKey('x-mutation-vendor-keys')).toBe(false);
    registerSecretShapes({});
    expect(isSecretKey('x-mutation-vendor-key')).toBe(true);
    // A call without headers registers no name at all.
    expect(isSecretKey('Stryker was here')).toBe(false);
  });
});

describe('redactText: the built-in secret shapes, exactly', () => {
  it('a Standard Webhooks secret: whsec_ and at least 8 of [A-Za-z0-9+/=], at a word start', () => {
    expect(redactText('whsec_abcdEFGH1234+/=xyz')).toBe(R);
    expect(redactText('whsec_+/=+/=+/')).toBe(R);
    expect(redactText('key whsec_12345678 end')).toBe(`key ${R} end`);
    expect(redactText('(whsec_ABCDEFGH)')).toBe(`(${R})`);
    expect(redactText('whsec_abcdefg')).toBe('whsec_abcdefg');
    expect(redactText('xwhsec_abcdefgh')).toBe('xwhsec_abcdefgh');
    expect(redactText('whsec_abcdefgh!rest')).toBe(`${R}!rest`);
    expect(redactText('whsec_aaaaaaaa and whsec_bbbbbbbb')).toBe(`${R} and ${R}`);
  });

  it('a Bearer credential: any case, any run of whitespace, the token characters', () => {
    expect(redactText('Bearer abc.DEF_~+/=-09xyz')).toBe(R);
    expect(redactText('bearer x')).toBe(R);
    expect(redactText('BEARER   x')).toBe(R);
    expect(redactText('Bearer\tabc')).toBe(R);
    expect(redactText('Authorization: Bearer tok1, Bearer tok2')).toBe(`Authorization: ${R}, ${R}`);
    expect(redactText('Bearer abc def')).toBe(`${R} def`);
    expect(redactText('xBearer abc')).toBe('xBearer abc');
    expect(redactText('Bearerabc')).toBe('Bearerabc');
    expect(redactText('Bearer ')).toBe('Bearer ');
  });

  it('a Basic credential: at least 6 of [A-Za-z0-9+/=], any case', () => {
    expect(redactText('Basic abcDE1+/=xyz')).toBe(R);
    expect(redactText('basic abcdef')).toBe(R);
    expect(redactText('BASIC  abcdef')).toBe(R);
    expect(redactText('Basic\tAbc123')).toBe(R);
    expect(redactText('Basic abcde')).toBe('Basic abcde');
    expect(redactText('xBasic abcdef')).toBe('xBasic abcdef');
    expect(redactText('Basic abcdef.rest')).toBe(`${R}.rest`);
    expect(redactText('Basic aaaaaa; Basic bbbbbb')).toBe(`${R}; ${R}`);
  });

  it('a JWT: eyJ, two segments of at least 5 and an optional signature', () => {
    expect(redactText('eyJhbGciOi_-AZz9.eyJzdWIiOi_-AZz9.sig_-AZaz09')).toBe(R);
    expect(redactText('eyJabcde.fghij.')).toBe(R);
    expect(redactText('eyJabcde.fghij')).toBe('eyJabcde.fghij');
    expect(redactText('eyJabcd.fghij.sig')).toBe('eyJabcd.fghij.sig');
    expect(redactText('eyJabcde.fghi.sig')).toBe('eyJabcde.fghi.sig');
    expect(redactText('xeyJabcde.fghij.sig')).toBe('xeyJabcde.fghij.sig');
    expect(redactText('t=eyJabcde.fghij.sig!')).toBe(`t=${R}!`);
    expect(redactText('eyJaaaaa.bbbbb.c eyJddddd.eeeee.f')).toBe(`${R} ${R}`);
  });

  it('a PEM private key block, each block on its own', () => {
    const block = (type: string, body: string) => `-----BEGIN ${type}PRIVATE KEY-----\n${body}\n-----END ${type}PRIVATE KEY-----`;
    expect(redactText(`key: ${block('RSA ', 'MIIE\nabc')} after`)).toBe(`key: ${R} after`);
    expect(redactText(block('', 'MIIE'))).toBe(R);
    expect(redactText(block('EC ', ' x\t\r\ny '))).toBe(R);
    expect(redactText(`${block('', 'one')} middle ${block('', 'two')}`)).toBe(`${R} middle ${R}`);
    expect(redactText('-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----')).toBe('-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----');
    expect(redactText('-----BEGIN rsa PRIVATE KEY-----x-----END rsa PRIVATE KEY-----')).toBe('-----BEGIN rsa PRIVATE KEY-----x-----END rsa PRIVATE KEY-----');
  });

  it('leaves text without secrets unchanged', () => {
    expect(redactText('nothing to see: Bear, Basics, eyJ, whsec_')).toBe('nothing to see: Bear, Basics, eyJ, whsec_');
  });
});

describe('registered secrets and shapes', () => {
  it('redacts every occurrence of a registered literal of 6 characters or more', () => {
    registerSecret('lit6ch');
    expect(registeredSecrets()).toContain('lit6ch');
    expect(redactText('a lit6ch b lit6ch c')).toBe(`a ${R} b ${R} c`);
    expect(redactText('no secret here')).toBe('no secret here');
  });

  it('ignores literals shorter than 6 characters and empty ones', () => {
    registerSecret('lit5c');
    registerSecret('');
    registerSecret(undefined);
    expect(registeredSecrets()).not.toContain('lit5c');
    expect(registeredSecrets()).not.toContain('');
    expect(redactText('lit5c')).toBe('lit5c');
  });

  it('hands out a copy of the registered literals', () => {
    registerSecret('copy-me-secret');
    const list = registeredSecrets();
    list.length = 0;
    expect(registeredSecrets()).toContain('copy-me-secret');
  });

  it('makes a registered pattern global, so every match is redacted', () => {
    registerSecretShapes({ patterns: [/mutvendor_[a-z]{4}/] });
    expect(redactText('mutvendor_abcd and mutvendor_efgh')).toBe(`${R} and ${R}`);
  });

  it('adds a global pattern whose flags equal a built-in one', () => {
    registerSecretShapes({ patterns: [/globvendor_[0-9]{3}/g] });
    expect(redactText('globvendor_123 globvendor_456')).toBe(`${R} ${R}`);
    registerSecretShapes({ patterns: [/civendor_[a-z]{3}/gi] });
    expect(redactText('CIVENDOR_ABC')).toBe(R);
  });

  it('adds a pattern with the source of a built-in one but other flags', () => {
    expect(redactText('WHSEC_abcdefgh')).toBe('WHSEC_abcdefgh');
    registerSecretShapes({ patterns: [/\bwhsec_[A-Za-z0-9+/=]{8,}/gi] });
    expect(redactText('WHSEC_abcdefgh')).toBe(R);
  });

  it('registering the same pattern twice is harmless', () => {
    registerSecretShapes({ patterns: [/twicevendor_[a-z]{3}/] });
    registerSecretShapes({ patterns: [/twicevendor_[a-z]{3}/, /twicevendor_[a-z]{3}/g] });
    expect(redactText('twicevendor_abc!')).toBe(`${R}!`);
  });
});

function nest(levels: number, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
}
function dig(value: unknown, levels: number): unknown {
  let v = value;
  for (let i = 0; i < levels; i++) v = (v as { a: unknown }).a;
  return v;
}

describe('redact', () => {
  it('passes through primitives, null, undefined and dates (the same Date)', () => {
    expect(redact(42)).toBe(42);
    expect(redact(true)).toBe(true);
    expect(redact(null)).toBe(null);
    expect(redact(undefined)).toBe(undefined);
    const date = new Date('2025-01-01T00:00:00Z');
    expect(redact(date)).toBe(date);
    expect(redact({ at: date }).at).toBe(date);
    expect(redact('Bearer abc')).toBe(R);
  });

  it('returns a copy, arrays as arrays', () => {
    const input = { list: [1, 'Bearer x', { token: 't' }], n: 1 };
    const out = redact(input);
    expect(out).not.toBe(input);
    expect(out.list).not.toBe(input.list);
    expect(Array.isArray(out.list)).toBe(true);
    expect(out).toStrictEqual({ list: [1, R, { token: R }], n: 1 });
    expect(input.list[2]).toEqual({ token: 't' });
  });

  it('replaces secret-named fields whatever their value, except null and undefined', () => {
    expect(redact({ token: 'x', password: 5, apiKey: { deep: 1 }, secret: ['a'] })).toStrictEqual({ token: R, password: R, apiKey: R, secret: R });
    expect(redact({ token: null, password: undefined })).toStrictEqual({ token: null, password: undefined });
    expect(redact({ name: 'plain', nested: { value: 'ok' } })).toStrictEqual({ name: 'plain', nested: { value: 'ok' } });
  });

  it('redacts secrets in keys', () => {
    expect(redact({ 'whsec_abcdefgh': 1, plain: 2 })).toStrictEqual({ [R]: 1, plain: 2 });
  });

  it('keeps 12 levels below the root and truncates the 13th', () => {
    const kept = redact(nest(13, 'leaf'));
    expect(dig(kept, 13)).toBe('leaf');
    const cut = redact(nest(14, 'leaf'));
    expect(dig(cut, 13)).toBe('[Truncated]');
    expect(typeof dig(cut, 12)).toBe('object');
  });

  it('cuts only real cycles: an object used twice side by side is copied twice', () => {
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    expect(redact(loop)).toStrictEqual({ name: 'loop', self: '[Truncated]' });
    const list: unknown[] = ['x'];
    list.push(list);
    expect(redact(list)).toStrictEqual(['x', '[Truncated]']);
    const shared = { v: 1 };
    expect(redact({ a: shared, b: shared, c: [shared, shared] })).toStrictEqual({ a: { v: 1 }, b: { v: 1 }, c: [{ v: 1 }, { v: 1 }] });
  });
});

describe('containsSecret', () => {
  const S = ['needle-secret'];
  it('finds a secret in strings, array items, values and keys', () => {
    expect(containsSecret('a needle-secret b', S)).toBe(true);
    expect(containsSecret(['x', ['y', 'needle-secret']], S)).toBe(true);
    expect(containsSecret({ a: { b: 'needle-secret' } }, S)).toBe(true);
    expect(containsSecret({ 'k-needle-secret': 1 }, S)).toBe(true);
    expect(containsSecret('x', ['nope', 'x'])).toBe(true);
  });

  it('says false when there is none', () => {
    expect(containsSecret('plain', S)).toBe(false);
    expect(containsSecret('plain', [])).toBe(false);
    expect(containsSecret(['a', 'b'], S)).toBe(false);
    expect(containsSecret({ a: 'b', c: ['d'] }, S)).toBe(false);
    expect(containsSecret([], S)).toBe(false);
    expect(containsSecret({}, S)).toBe(false);
    expect(containsSecret(null, S)).toBe(false);
    expect(containsSecret(undefined, S)).toBe(false);
    expect(containsSecret(12, ['12'])).toBe(false);
    // Functions are not walked, even when a property holds the secret.
    expect(containsSecret(Object.assign(() => 1, { leak: 'needle-secret' }), S)).toBe(false);
  });

  it('looks 32 levels deep and no deeper', () => {
    const arrays = (levels: number): unknown => {
      let v: unknown = 'needle-secret';
      for (let i = 0; i < levels; i++) v = [v];
      return v;
    };
    expect(containsSecret(arrays(33), S)).toBe(true);
    expect(containsSecret(arrays(34), S)).toBe(false);
    expect(containsSecret(nest(33, 'needle-secret'), S)).toBe(true);
    expect(containsSecret(nest(34, 'needle-secret'), S)).toBe(false);
    expect(containsSecret(nest(32, { 'needle-secret': 1 }), S)).toBe(true);
    expect(containsSecret(nest(33, { 'needle-secret': 1 }), S)).toBe(false);
  });
});

describe('innermostSecrets', () => {
  it('drops a secret that holds another, keeps one of equal ones, and keeps unrelated ones', () => {
    expect(innermostSecrets(['Bearer sk_x1', 'sk_x1'])).toEqual(['sk_x1']);
    expect(innermostSecrets(['sk_x1', 'Bearer sk_x1', 'other'])).toEqual(['sk_x1', 'other']);
    expect(innermostSecrets(['a1', 'a1', 'xa1x'])).toEqual(['a1']);
    expect(innermostSecrets(['abc', 'bcd'])).toEqual(['abc', 'bcd']);
    expect(innermostSecrets([])).toEqual([]);
  });

  it('a text holds one of the kept secrets exactly when it holds one of them all', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', ' ');
    const piece = fc.string({ unit: alphabet, minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 5 }), fc.string({ unit: alphabet, maxLength: 24 }), (secrets, text) => {
        const kept = innermostSecrets(secrets);
        expect(kept.every((k) => secrets.includes(k))).toBe(true);
        expect(kept.some((k) => text.includes(k))).toBe(secrets.some((k) => text.includes(k)));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('hideSecrets', () => {
  it('registers string and string-list secrets, hides them from JSON and inspect, keeps real values', () => {
    const fn = () => 1;
    const config = hideSecrets(
      { apiKey: 'hide-api-key-0001', keys: ['hide-list-key-0002', 7], token: 'named-token-0003', name: 'Bearer inline', plain: 'ok', missing: undefined, nested: { password: 'p', n: 1 }, fn },
      new Set(['apiKey', 'keys', 'missing', 'absent']),
    );
    expect(registeredSecrets()).toEqual(expect.arrayContaining(['hide-api-key-0001', 'hide-list-key-0002']));
    expect(config.apiKey).toBe('hide-api-key-0001');
    const json = JSON.parse(JSON.stringify(config));
    expect(json).toStrictEqual({ apiKey: R, keys: R, token: R, name: R, plain: 'ok', nested: { password: R, n: 1 }, fn: '[Function]' });
    const view = (config as unknown as { toJSON(): Record<string, unknown> }).toJSON();
    expect('missing' in view).toBe(true);
    expect(view.missing).toBeUndefined();
    const text = inspect(config);
    expect(text).not.toContain('hide-api-key-0001');
    expect(text).not.toContain('hide-list-key-0002');
    expect(text).toContain("plain: 'ok'");
    expect(text).toContain('[Function]');
  });

  it('keeps its hooks out of keys and spreads, and works when called without inspect', () => {
    const config = hideSecrets({ apiKey: 'hooks-api-key-0004', plain: 1 }, new Set(['apiKey']));
    expect(Object.keys(config)).toEqual(['apiKey', 'plain']);
    expect({ ...config }).toStrictEqual({ apiKey: 'hooks-api-key-0004', plain: 1 });
    const hook = (config as unknown as Record<symbol, (d: number, o: object, i?: unknown) => unknown>)[Symbol.for('nodejs.util.inspect.custom')]!;
    expect(hook(0, {}, undefined)).toStrictEqual({ apiKey: R, plain: 1 });
    expect(hook(0, {}, (v: unknown) => `seen ${JSON.stringify(v)}`)).toBe(`seen {"apiKey":"${R}","plain":1}`);
    // The hooks can be replaced (configurable), e.g. by a second hideSecrets.
    expect(hideSecrets(config, new Set(['plain'])).toString).toBeTypeOf('function');
    expect(JSON.parse(JSON.stringify(config))).toStrictEqual({ apiKey: R, plain: R });
  });

  it('does not register non-string secrets', () => {
    hideSecrets({ pin: 1234567, list: [7654321] }, new Set(['pin', 'list']));
    expect(registeredSecrets()).not.toContain(1234567 as unknown as string);
    expect(redactText('1234567 7654321')).toBe('1234567 7654321');
  });
});
