import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ENV_VARS, loadConfigFromEnv, parseConfig } from '../../src/index.js';
import { loadConfigFromEnvWith, parseConfig as coreParseConfig, providerFromEnvWith, secretFieldsOf } from '../../src/core/config.js';
import { CollabError, ConfigError } from '../../src/core/errors.js';

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

describe('parseConfig', () => {
  it('accepts a minimal config per provider', () => {
    expect(parseConfig({ provider: 'memory' }).provider).toBe('memory');
    expect(parseConfig({ provider: 'liveblocks', secretKey: 'sk_localdev' }).provider).toBe('liveblocks');
    expect(parseConfig({ provider: 'velt', apiKey: 'a', authToken: 'b', organizationId: 'o' }).provider).toBe('velt');
    expect(parseConfig({ provider: 'kabelwerk', url: 'https://kw.example.com', apiToken: 't' }).provider).toBe('kabelwerk');
  });

  it('rejects an unknown provider naming the field and the env variable', () => {
    const err = configError(() => parseConfig({ provider: 'nope' }));
    expect(err.field).toBe('provider');
    expect(err.envVar).toBe('COLLAB_PROVIDER');
    expect(err.message).toContain('"nope"');
    expect(err.message).toContain('memory, liveblocks, velt, kabelwerk');
  });

  it('names a missing field and its env variable', () => {
    const err = configError(() => parseConfig({ provider: 'velt', apiKey: 'a', organizationId: 'o' }));
    expect(err.field).toBe('authToken');
    expect(err.envVar).toBe('VELT_AUTH_TOKEN');
  });

  it('never echoes a secret value it rejects', () => {
    const secret = 'pk_live_not_a_secret_key_but_private_0123456789';
    const err = configError(() => parseConfig({ provider: 'liveblocks', secretKey: secret }));
    expect(err.field).toBe('secretKey');
    expect(err.envVar).toBe('LIVEBLOCKS_SECRET_KEY');
    expect(err.message).toContain('must start with sk_');
    expect(err.message).not.toContain(secret);
    expect(JSON.stringify(err)).not.toContain('not_a_secret');
  });

  it('rejects non-object input', () => {
    expect(configError(() => parseConfig(null)).field).toBe('provider');
  });
});

describe('loadConfigFromEnv', () => {
  it('defaults to the memory provider', () => {
    expect(loadConfigFromEnv({})).toEqual({ provider: 'memory' });
  });

  it('reads the variables of the chosen provider', () => {
    expect(
      loadConfigFromEnv({ COLLAB_PROVIDER: 'liveblocks', LIVEBLOCKS_SECRET_KEY: 'sk_localdev', LIVEBLOCKS_BASE_URL: 'http://localhost:1153', VELT_API_KEY: 'ignored' }),
    ).toEqual({ provider: 'liveblocks', secretKey: 'sk_localdev', baseUrl: 'http://localhost:1153' });
    expect(
      loadConfigFromEnv({ COLLAB_PROVIDER: 'kabelwerk', KABELWERK_URL: 'https://kw.example.com', KABELWERK_API_TOKEN: 't', KABELWERK_HUB: 'h', KABELWERK_PRIVATE_KEY: 'pem' }),
    ).toEqual({ provider: 'kabelwerk', url: 'https://kw.example.com', apiToken: 't', hub: 'h', privateKey: 'pem' });
  });

  it('names the missing variable', () => {
    const err = configError(() => loadConfigFromEnv({ COLLAB_PROVIDER: 'velt', VELT_API_KEY: 'a', VELT_AUTH_TOKEN: 'b' }));
    expect(err.envVar).toBe('VELT_ORGANIZATION_ID');
    expect(err.message).toContain('VELT_ORGANIZATION_ID');
  });

  it('picks the one vendor whose credentials are set when COLLAB_PROVIDER is not (as `liveblocks dev -c` exports)', () => {
    expect(loadConfigFromEnv({ LIVEBLOCKS_SECRET_KEY: 'sk_localdev', LIVEBLOCKS_BASE_URL: 'http://localhost:1153' })).toEqual({
      provider: 'liveblocks',
      secretKey: 'sk_localdev',
      baseUrl: 'http://localhost:1153',
    });
    expect(loadConfigFromEnv({ COLLAB_PROVIDER: 'memory', LIVEBLOCKS_SECRET_KEY: 'sk_localdev' })).toEqual({ provider: 'memory' });
    const err = configError(() => loadConfigFromEnv({ LIVEBLOCKS_SECRET_KEY: 'sk_localdev', VELT_API_KEY: 'k' }));
    expect(err.message).toContain('set COLLAB_PROVIDER');
    expect(err.message).not.toContain('sk_localdev');
  });

  it('rejects an unknown COLLAB_PROVIDER', () => {
    expect(configError(() => loadConfigFromEnv({ COLLAB_PROVIDER: 'slack' })).envVar).toBe('COLLAB_PROVIDER');
  });
});

describe('webhook secrets that decode to no key', () => {
  const EMPTY = ['whsec_', 'whsec_=', 'whsec_A', 'whsec_%%%%'];

  it('are a ConfigError naming webhookSecret and its env variable, on Liveblocks and Velt', () => {
    for (const webhookSecret of EMPTY) {
      const lb = configError(() => parseConfig({ provider: 'liveblocks', secretKey: 'sk_localdev', webhookSecret }));
      expect([webhookSecret, lb.field, lb.envVar]).toEqual([webhookSecret, 'webhookSecret', 'LIVEBLOCKS_WEBHOOK_SECRET']);
      expect(lb.message).toContain('webhookSecret: must be whsec_ followed by a non-empty base64 key');
      const velt = configError(() => parseConfig({ provider: 'velt', apiKey: 'a', authToken: 'b', organizationId: 'o', webhookSecret }));
      expect([webhookSecret, velt.field, velt.envVar]).toEqual([webhookSecret, 'webhookSecret', 'VELT_WEBHOOK_SECRET']);
    }
  });

  it('are refused in a webhookSecrets list too, naming the entry', () => {
    const err = configError(() => parseConfig({ provider: 'liveblocks', secretKey: 'sk_localdev', webhookSecrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_'] }));
    expect(err.field).toBe('webhookSecrets.1');
  });

  it('are refused from the environment, naming the variable', () => {
    const lb = configError(() => loadConfigFromEnv({ COLLAB_PROVIDER: 'liveblocks', LIVEBLOCKS_SECRET_KEY: 'sk_localdev', LIVEBLOCKS_WEBHOOK_SECRET: 'whsec_' }));
    expect([lb.field, lb.envVar]).toEqual(['webhookSecret', 'LIVEBLOCKS_WEBHOOK_SECRET']);
    expect(lb.message).toContain('(env LIVEBLOCKS_WEBHOOK_SECRET)');
    const velt = configError(() =>
      loadConfigFromEnv({ COLLAB_PROVIDER: 'velt', VELT_API_KEY: 'a', VELT_AUTH_TOKEN: 'b', VELT_ORGANIZATION_ID: 'o', VELT_WEBHOOK_SECRET: 'whsec_' }),
    );
    expect([velt.field, velt.envVar]).toEqual(['webhookSecret', 'VELT_WEBHOOK_SECRET']);
  });

  it('still accept real secrets, including ones whose base64 is not padded', () => {
    expect(parseConfig({ provider: 'liveblocks', secretKey: 'sk_localdev', webhookSecret: 'whsec_sFOoBaR78ZZNyOl0TxbObFZWeo3rLg+dA' }).provider).toBe('liveblocks');
    expect(parseConfig({ provider: 'velt', apiKey: 'a', authToken: 'b', organizationId: 'o', webhookSecret: 'whsec_plJ3nmyCDGBKInavdOK15jsl' }).provider).toBe('velt');
  });
});

describe('replay protection config', () => {
  const store = { claim: async () => true };

  it('accepts webhookReplayStore and webhookReplayWindowSeconds on every provider', () => {
    const bases = [
      { provider: 'memory' },
      { provider: 'liveblocks', secretKey: 'sk_localdev' },
      { provider: 'velt', apiKey: 'a', authToken: 'b', organizationId: 'o' },
      { provider: 'kabelwerk', url: 'https://kw.example.com', apiToken: 't' },
    ];
    for (const base of bases) {
      const parsed = parseConfig({ ...base, webhookReplayStore: store, webhookReplayWindowSeconds: 3600 }) as { webhookReplayStore?: unknown; webhookReplayWindowSeconds?: number };
      // The store is used as given (same object), not a copy that would lose its methods or state.
      expect([base.provider, parsed.webhookReplayStore, parsed.webhookReplayWindowSeconds]).toEqual([base.provider, store, 3600]);
      expect(parsed.webhookReplayStore).toBe(store);
    }
  });

  it('refuses a store without claim() and a window that is not a positive integer', () => {
    expect(configError(() => parseConfig({ provider: 'memory', webhookReplayStore: {} })).field).toBe('webhookReplayStore');
    expect(configError(() => parseConfig({ provider: 'memory', webhookReplayWindowSeconds: 0 })).field).toBe('webhookReplayWindowSeconds');
    expect(configError(() => parseConfig({ provider: 'memory', webhookReplayWindowSeconds: 1.5 })).field).toBe('webhookReplayWindowSeconds');
  });
});

describe('generic config parsing (core, one spec at a time)', () => {
  const spec = {
    id: 'acme',
    configSchema: z.object({
      provider: z.literal('acme'),
      apiKey: z.string().min(8),
      pageSize: z.number().int().positive().optional(),
      live: z.boolean().optional(),
      tags: z.array(z.string()).optional(),
      extraSecret: z.string().optional(),
    }),
    env: {
      apiKey: { var: 'ACME_API_KEY', secret: true },
      pageSize: { var: 'ACME_PAGE_SIZE', type: 'number' },
      live: { var: 'ACME_LIVE', type: 'boolean' },
      tags: { var: 'ACME_TAGS', type: 'json' },
    },
    detect: 'ACME_API_KEY',
    secretFields: ['extraSecret'],
  } as const;

  it('names the field and its variable, and never echoes a secret value', () => {
    const err = configError(() => coreParseConfig(spec, { provider: 'acme', apiKey: 'short' }));
    expect([err.field, err.envVar, err.provider]).toEqual(['apiKey', 'ACME_API_KEY', 'acme']);
    expect(err.message).not.toContain('short');
  });

  it('accepts a registry entry ({ config }) as well as a spec, and hides every secret field', () => {
    const parsed = coreParseConfig({ config: spec }, { provider: 'acme', apiKey: 'acme-key-0123', extraSecret: 'acme-extra-0123' });
    expect(parsed.apiKey).toBe('acme-key-0123');
    expect(JSON.stringify(parsed)).not.toContain('acme-key-0123');
    expect(JSON.stringify(parsed)).not.toContain('acme-extra-0123');
    expect([...secretFieldsOf(spec)].sort()).toEqual(['apiKey', 'extraSecret']);
  });

  it('coerces environment text per field: number, boolean (true only for "true"), json', () => {
    const env = { COLLAB_PROVIDER: 'acme', ACME_API_KEY: 'acme-key-0123', ACME_PAGE_SIZE: '25', ACME_LIVE: 'yes', ACME_TAGS: '["a","b"]' };
    expect(loadConfigFromEnvWith([spec], env, 'acme')).toEqual({ provider: 'acme', apiKey: 'acme-key-0123', pageSize: 25, live: false, tags: ['a', 'b'] });
    expect(loadConfigFromEnvWith([spec], { ...env, ACME_LIVE: 'true' }, 'acme').live).toBe(true);
    expect(configError(() => loadConfigFromEnvWith([spec], { ...env, ACME_PAGE_SIZE: 'many' }, 'acme')).envVar).toBe('ACME_PAGE_SIZE');
    expect(configError(() => loadConfigFromEnvWith([spec], { ...env, ACME_TAGS: '[oops' }, 'acme')).envVar).toBe('ACME_TAGS');
  });

  it('detects the provider from its detection variable, else falls back', () => {
    expect(providerFromEnvWith([spec], { ACME_API_KEY: 'x' }, 'memory')).toBe('acme');
    expect(providerFromEnvWith([spec], {}, 'memory')).toBe('memory');
    expect(providerFromEnvWith([spec], { COLLAB_PROVIDER: 'other', ACME_API_KEY: 'x' }, 'memory')).toBe('other');
  });

  it('lists every known variable in ENV_VARS, from the adapters\' env specs', () => {
    expect(ENV_VARS.velt.createMissing).toBe('VELT_CREATE_MISSING');
    expect(ENV_VARS.liveblocks.secretKey).toBe('LIVEBLOCKS_SECRET_KEY');
    expect(Object.keys(ENV_VARS)).toEqual(['memory', 'liveblocks', 'velt', 'kabelwerk']);
  });
});
