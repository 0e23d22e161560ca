/**
 * The Kabelwerk config: the URL rule and test table of sdk-python (vendors/kabelwerk.md §1.1), the
 * environment variables, and the private key check (never echoing the key).
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCollab, loadConfigFromEnv, parseConfig } from '../../../../src/collab.js';
import { ConfigError } from '../../../../src/core/errors.js';
import { parseKabelwerkUrl } from '../../../../src/adapters/kabelwerk/config.js';
import { API_TOKEN, PRIVATE_KEY } from '../support.js';

describe('parseKabelwerkUrl: sdk-python tests/test_config.py', () => {
  // The table of §1.1, exactly: KABELWERK_URL -> API base.
  const TABLE: Array<[string, string]> = [
    ['kabelwerk.io', 'https://kabelwerk.io/api'],
    ['hub.kabelwerk.io', 'https://hub.kabelwerk.io/api'],
    ['http://kabelwerk.io/api', 'http://kabelwerk.io/api'],
    ['https://kabelwerk.io/', 'https://kabelwerk.io/api'],
    ['WS://KABELWERK.IO', 'http://kabelwerk.io/api'],
    ['wss://kabelwerk.io/socket/hub', 'https://kabelwerk.io/api'],
  ];
  for (const [url, api] of TABLE) {
    it(`${url} -> ${api}`, () => {
      expect(parseKabelwerkUrl(url)?.apiUrl).toBe(api);
    });
  }

  it('is case-insensitive, keeps a port, and ignores the path (so the socket is always /socket/user)', () => {
    expect(parseKabelwerkUrl('HTTP://Localhost:4000/Socket/Hub')).toEqual({ apiUrl: 'http://localhost:4000/api', socketUrl: 'ws://localhost:4000/socket/user', host: 'localhost:4000' });
    expect(parseKabelwerkUrl('hubdemo.kabelwerk.io')?.socketUrl).toBe('wss://hubdemo.kabelwerk.io/socket/user');
    expect(parseKabelwerkUrl('wss://kabelwerk.io/socket/hub')?.socketUrl).toBe('wss://kabelwerk.io/socket/user');
  });

  it('refuses what sdk-python refuses ("" and "not a url" raise ValueError)', () => {
    for (const bad of ['', 'not a url', 'ftp://kabelwerk.io', 'https://kabelwerk.io/api?x=1', 'https://user@kabelwerk.io', 'kabelwerk.io/api/v1']) {
      expect(parseKabelwerkUrl(bad), bad).toBeUndefined();
    }
  });
});

describe('the config schema', () => {
  const base = { provider: 'kabelwerk', url: 'hub.kabelwerk.io', apiToken: API_TOKEN };

  it('accepts a URL without a scheme (z.string().url() would not)', () => {
    expect(parseConfig(base)).toMatchObject({ url: 'hub.kabelwerk.io' });
  });

  it('a bad url is a ConfigError naming url and KABELWERK_URL', () => {
    let err: unknown;
    try {
      parseConfig({ ...base, url: 'not a url' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ field: 'url', envVar: 'KABELWERK_URL', message: expect.stringContaining('not a valid Kabelwerk URL') });
  });

  it('a private key that is not an RSA PEM is a ConfigError naming privateKey when the collab starts, never echoing it', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    for (const bad of ['-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----', ec, 'swordfish-not-a-key']) {
      // Parsing (and loading from the environment) does not read the key.
      expect(() => parseConfig({ ...base, privateKey: bad })).not.toThrow();
      const err = await createCollab({ provider: 'kabelwerk', url: 'hub.kabelwerk.io', apiToken: API_TOKEN, privateKey: bad }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect(err).toMatchObject({ code: 'config_error', field: 'privateKey', envVar: 'KABELWERK_PRIVATE_KEY' });
      expect(String((err as Error).message)).not.toContain(bad.slice(0, 30));
    }
  });

  it('accepts PKCS#8 and PKCS#1 RSA keys, and a PEM whose newlines are written as \\n (as env files do)', async () => {
    const pkcs1 = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    for (const privateKey of [PRIVATE_KEY, pkcs1, PRIVATE_KEY.replace(/\n/g, '\\n')]) {
      const collab = await createCollab({ provider: 'kabelwerk', url: 'hub.kabelwerk.io', apiToken: API_TOKEN, privateKey });
      expect((await collab.auth.issueToken({ userId: 'u' })).token.split('.')).toHaveLength(3);
      await collab.close();
    }
  });

  it('tokenTtlSeconds is an integer of at least 60 s', () => {
    expect(() => parseConfig({ ...base, tokenTtlSeconds: 30 })).toThrow(ConfigError);
    expect(() => parseConfig({ ...base, tokenTtlSeconds: 1.5 })).toThrow(ConfigError);
    expect(parseConfig({ ...base, tokenTtlSeconds: 600 })).toMatchObject({ tokenTtlSeconds: 600 });
  });
});

describe('the environment', () => {
  it('reads KABELWERK_URL, KABELWERK_API_TOKEN, KABELWERK_HUB, KABELWERK_PRIVATE_KEY and KABELWERK_HUB_USER; KABELWERK_API_TOKEN selects the provider', () => {
    const config = loadConfigFromEnv({
      KABELWERK_URL: 'https://hub.kabelwerk.io',
      KABELWERK_API_TOKEN: API_TOKEN,
      KABELWERK_HUB: 'section9',
      KABELWERK_PRIVATE_KEY: PRIVATE_KEY,
      KABELWERK_HUB_USER: 'batou',
    });
    expect(config).toMatchObject({ provider: 'kabelwerk', url: 'https://hub.kabelwerk.io', apiToken: API_TOKEN, hub: 'section9', privateKey: PRIVATE_KEY, hubUserId: 'batou' });
    // Once parsed, the secrets are hidden from JSON.
    const parsed = JSON.stringify(parseConfig(config));
    expect(parsed).not.toContain(API_TOKEN);
    expect(parsed).not.toContain('PRIVATE KEY');
  });

  it('a missing KABELWERK_URL is a ConfigError naming it', () => {
    expect(() => loadConfigFromEnv({ KABELWERK_API_TOKEN: API_TOKEN })).toThrow(expect.objectContaining({ field: 'url', envVar: 'KABELWERK_URL' }));
  });
});
