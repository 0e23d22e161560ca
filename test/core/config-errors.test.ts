/**
 * Config errors list every problem at once (each with its env variable), refuse unknown keys with the
 * closest known key, refuse unknown capability keys in `require`, and word each problem as one clean
 * sentence (issue 13, item 8).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createCollab, loadConfigFromEnv, parseConfig } from '../../src/index.js';
import { parseConfig as coreParseConfig } from '../../src/core/config.js';
import { bindCollabWith, requiredCapabilities } from '../../src/core/container.js';
import { CollabError, ConfigError, ValidationError } from '../../src/core/errors.js';
import { issueText } from '../../src/core/issue-text.js';
import { closestKey } from '../../src/core/suggest.js';
import { validate } from '../../src/core/validation.js';
import { Container } from 'inversify';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(CollabError.is(err)).toBe(true);
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

async function rejectsConfig(promise: Promise<unknown>): Promise<ConfigError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

/** No zod category prefix, no doubled "Invalid", no echo of zod's "received ..." text. */
function expectClean(message: string): void {
  expect(message).not.toMatch(/Invalid.*Invalid/);
  expect(message).not.toMatch(/received/i);
  expect(message).not.toMatch(/Invalid input|Too small|Too big|Invalid string|Invalid option/);
}

describe('every problem at once', () => {
  it('a Velt environment missing three values lists three problems, each with its variable', () => {
    const err = configError(() => loadConfigFromEnv({ COLLAB_PROVIDER: 'velt' }));
    expect(err.issues).toEqual([
      { field: 'apiKey', envVar: 'VELT_API_KEY', message: 'is required' },
      { field: 'authToken', envVar: 'VELT_AUTH_TOKEN', message: 'is required' },
      { field: 'organizationId', envVar: 'VELT_ORGANIZATION_ID', message: 'is required' },
    ]);
    // The first problem stays in `field`/`envVar` for callers that read one.
    expect([err.field, err.envVar, err.provider]).toEqual(['apiKey', 'VELT_API_KEY', 'velt']);
    expect(err.message).toBe(
      'Invalid velt config: 3 problems: apiKey: is required (env VELT_API_KEY); authToken: is required (env VELT_AUTH_TOKEN); organizationId: is required (env VELT_ORGANIZATION_ID)',
    );
    expectClean(err.message);
  });

  it('one problem reads as one sentence, with its variable', () => {
    const err = configError(() => parseConfig({ provider: 'velt', apiKey: 'a', authToken: 'b' }));
    expect(err.message).toBe('Invalid velt config: organizationId: is required (env VELT_ORGANIZATION_ID)');
    expect(err.issues).toEqual([{ field: 'organizationId', envVar: 'VELT_ORGANIZATION_ID', message: 'is required' }]);
  });

  it('wrong types, bounds and enums are clean sentences, and a field without a variable has none', () => {
    const err = configError(() => parseConfig({ provider: 'velt', apiKey: 7, authToken: '', organizationId: 'o', timeoutMs: -1, transport: 'xhr', baseUrl: 'not a url' }));
    expect(err.issues).toEqual([
      { field: 'apiKey', envVar: 'VELT_API_KEY', message: 'expected a string, got a number' },
      { field: 'authToken', envVar: 'VELT_AUTH_TOKEN', message: 'must not be empty' },
      { field: 'baseUrl', envVar: 'VELT_BASE_URL', message: 'must be a valid URL' },
      { field: 'timeoutMs', message: 'must be greater than 0' },
      { field: 'transport', message: 'must be one of "node", "fetch", "ky"' },
    ]);
    expect(err.message).toContain('5 problems: ');
    expectClean(err.message);
  });

  it('never echoes a secret, whichever problem it has', () => {
    const secret = 'pk_live_not_a_secret_key_but_private_0123456789';
    const err = configError(() => parseConfig({ provider: 'liveblocks', secretKey: secret, managementToken: 42, webhookSecrets: ['whsec_'] }));
    expect(err.issues.map((i) => i.field)).toEqual(['secretKey', 'managementToken', 'webhookSecrets.0']);
    expect(JSON.stringify(err)).not.toContain('not_a_secret');
    expect(err.message).not.toContain(secret);
    expect(err.message).not.toContain('42');
  });
});

describe('unknown config keys', () => {
  it('`secretkey` for `secretKey` is refused, suggesting secretKey', () => {
    const err = configError(() => parseConfig({ provider: 'liveblocks', secretkey: 'sk_localdev' }));
    expect(err.issues[0]).toEqual({ field: 'secretkey', message: 'is not a known liveblocks config key (did you mean secretKey?)' });
    // The real key is then missing too: both are listed, the typo first since it explains the other.
    expect(err.issues[1]).toEqual({ field: 'secretKey', envVar: 'LIVEBLOCKS_SECRET_KEY', message: 'is required' });
    expect(err.field).toBe('secretkey');
    expect(err.message).toContain('did you mean secretKey?');
    // The value of the misspelt key is never shown (it is usually the secret).
    expect(err.message).not.toContain('sk_localdev');
  });

  it('is refused even when everything else is valid, and suggests keys two edits away', () => {
    const err = configError(() => parseConfig({ provider: 'velt', apiKey: 'a', authToken: 'b', organizationId: 'o', timeoutMS: 5, retires: 1 }));
    expect(err.issues).toEqual([
      { field: 'timeoutMS', message: 'is not a known velt config key (did you mean timeoutMs?)' },
      { field: 'retires', message: 'is not a known velt config key (did you mean retries?)' },
    ]);
  });

  it('a key far from every known key is refused without a suggestion', () => {
    const err = configError(() => parseConfig({ provider: 'memory', colour: 'blue' }));
    expect(err.issues).toEqual([{ field: 'colour', message: 'is not a known memory config key' }]);
    expect(err.message).toBe('Invalid memory config: colour: is not a known memory config key');
    expect(err.message).not.toContain('did you mean');
  });

  it('is refused by createCollab too, before the adapter starts', async () => {
    const err = await rejectsConfig(createCollab({ provider: 'memory', persistpath: '/tmp/x' } as never));
    expect(err.message).toContain('did you mean persistPath?');
  });

  it('applies to any adapter spec (core compares against the schema), but not to a schema that accepts extra keys', () => {
    const shape = { provider: z.literal('acme'), apiKey: z.string() };
    const strip = { id: 'acme', configSchema: z.object(shape), env: { apiKey: { var: 'ACME_API_KEY', secret: true } } } as const;
    expect(configError(() => coreParseConfig(strip, { provider: 'acme', apiKey: 'k', apikey: 'k' })).issues).toEqual([
      { field: 'apikey', message: 'is not a known acme config key (did you mean apiKey?)' },
    ]);
    // A strict schema's own unrecognized_keys issue is not reported twice.
    const strict = { ...strip, configSchema: z.strictObject(shape) };
    expect(configError(() => coreParseConfig(strict, { provider: 'acme', apiKey: 'k', apikey: 'k' })).issues).toHaveLength(1);
    const loose = { ...strip, configSchema: z.looseObject(shape) };
    expect(coreParseConfig(loose, { provider: 'acme', apiKey: 'k', extra: 1 }).apiKey).toBe('k');
  });

  it('a config whose getter throws is a ConfigError, not a raw TypeError', () => {
    const hostile = { provider: 'memory', get persistPath(): string { throw new TypeError('boom'); } };
    expect(configError(() => parseConfig(hostile)).message).toContain('could not be read');
  });

  it('a key that is not an identifier is shown short and quoted', () => {
    const err = configError(() => parseConfig({ provider: 'memory', ['a key with spaces '.repeat(10)]: 1 }));
    expect(err.message).toMatch(/^Invalid memory config: "a key with spaces .{0,30}": is not a known memory config key$/);
  });
});

describe('closestKey', () => {
  const known = ['secretKey', 'baseUrl', 'timeoutMs', 'retries', 'hub', 'url'];
  it('suggests the same key in another case, or one at most two edits away', () => {
    expect(closestKey('SECRETKEY', known)).toBe('secretKey');
    expect(closestKey('secretKy', known)).toBe('secretKey');
    expect(closestKey('baseURL', known)).toBe('baseUrl');
    expect(closestKey('baseUri', known)).toBe('baseUrl');
  });
  it('suggests nothing when no key is close', () => {
    expect(closestKey('colour', known)).toBeUndefined();
    expect(closestKey('secret', known)).toBeUndefined();
    expect(closestKey('x', known)).toBeUndefined();
    expect(closestKey('y'.repeat(10_000), known)).toBeUndefined();
  });
});

describe('unknown capability keys in require', () => {
  it('`require: ["no.such.capability"]` is a ConfigError naming it', async () => {
    const err = await rejectsConfig(createCollab({ provider: 'memory' }, { require: ['no.such.capability'] as never }));
    expect(err.message).toBe('Invalid createCollab options: require.0: "no.such.capability" is not a capability key');
    expect(err.issues).toEqual([{ field: 'require.0', message: '"no.such.capability" is not a capability key' }]);
    expect(err.field).toBe('require.0');
  });

  it('is checked before the config: a bad config with a bad key reports the key', async () => {
    const err = await rejectsConfig(createCollab({ provider: 'velt' } as never, { require: ['room.get'] as never }));
    expect(err.message).toContain('"room.get" is not a capability key (did you mean rooms.get?)');
    // And before the adapter definition is even looked at, in core.
    const bad = await rejectsConfig(bindCollabWith(new Container(), {} as never, {}, { require: ['nope'] as never }));
    expect(bad.field).toBe('require.0');
  });

  it('lists every bad entry, and refuses a require that is not an array', () => {
    const err = configError(() => requiredCapabilities({ require: ['rooms.get', 'rooms.gte', 3, 'nope'] }));
    expect(err.issues).toEqual([
      { field: 'require.1', message: '"rooms.gte" is not a capability key (did you mean rooms.get?)' },
      { field: 'require.2', message: 'expected a capability key (a string), got number' },
      { field: 'require.3', message: '"nope" is not a capability key' },
    ]);
    expect(configError(() => requiredCapabilities({ require: 'rooms.get' })).field).toBe('require');
    expect(configError(() => requiredCapabilities(null)).field).toBe('options');
    expect(requiredCapabilities({ require: ['rooms.get'] })).toEqual(['rooms.get']);
    expect(requiredCapabilities(undefined)).toEqual([]);
  });

  it('known keys still fail only when the provider lacks them', async () => {
    const collab = await createCollab({ provider: 'memory' }, { require: ['rooms.get'] });
    await collab.close();
  });
});

describe('validation messages (the same sentences)', () => {
  it('have no doubled "Invalid" and no raw zod text', () => {
    const schema = z.object({ id: z.string(), limit: z.number().int().max(100).optional(), tags: z.array(z.string()).min(1).optional() });
    let err: ValidationError | undefined;
    try {
      validate(schema, { limit: 500, tags: [] }, 'query');
    } catch (e) {
      err = e as ValidationError;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect(err!.message).toBe('Invalid query.id: is required');
    expect(err!.issues).toEqual([
      { field: 'query.id', message: 'is required' },
      { field: 'query.limit', message: 'must be at most 100' },
      { field: 'query.tags', message: 'must not be empty' },
    ]);
    expectClean(err!.message);
    for (const issue of err!.issues) expectClean(issue.message);
  });

  it('a schema\'s own message still wins', () => {
    const schema = z.object({ key: z.string().refine((v) => v.startsWith('sk_'), 'must start with sk_') });
    expect(() => validate(schema, { key: 'pk_x' }, '')).toThrow('Invalid key: must start with sk_');
  });

  it('issueText words the other issue kinds', () => {
    const text = (schema: z.ZodType, input: unknown) => schema.safeParse(input, { error: issueText }).error?.issues[0]?.message;
    expect(text(z.string(), null)).toBe('expected a string, got null');
    expect(text(z.object({}), [])).toBe('expected an object, got an array');
    expect(text(z.number().int(), 1.5)).toBe('expected an integer, got a number');
    expect(text(z.string().max(3), 'abcd')).toBe('must have at most 3 characters');
    expect(text(z.string().length(1), 'ab')).toBe('must have exactly 1 character');
    expect(text(z.array(z.number()).max(1), [1, 2])).toBe('must have at most 1 item');
    expect(text(z.number().multipleOf(5), 3)).toBe('must be a multiple of 5');
    expect(text(z.literal('velt'), 'x')).toBe('must be "velt"');
    expect(text(z.string().startsWith('whsec_'), 'x')).toBe('must start with "whsec_"');
    expect(text(z.string().email(), 'x')).toBe('must be a valid email address');
    expect(text(z.strictObject({}), { a: 1 })).toBe('has unknown key "a"');
    expect(text(z.union([z.string(), z.number()]), true)).toBe('matches none of the accepted forms');
    expect(text(z.string().refine(() => false), 'x')).toBe('is invalid');
  });
});
