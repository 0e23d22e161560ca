/**
 * User tokens (vendors/kabelwerk.md §2.1): RS256 JWTs with `sub` = the user's key and `exp`, signed
 * with the configured private key and verifiable with its public half; `auth.issueToken` hands them out.
 */
import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { createCollab } from '../../../../src/collab.js';
import { KabelwerkTokenMinter } from '../../../../src/adapters/kabelwerk/user-tokens.js';
import { API_TOKEN, PRIVATE_KEY, PUBLIC_KEY } from '../support.js';

describe('KabelwerkTokenMinter', () => {
  it('signs RS256 with sub and exp = now + ttl, verifiable with the public key', async () => {
    const now = Date.UTC(2030, 0, 1, 12, 0, 0);
    const minter = new KabelwerkTokenMinter(PRIVATE_KEY, 900, () => now);
    const { token, expiresAt } = await minter.mint('kusanagi');
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', typ: 'JWT' });
    const { payload } = await jwtVerify(token, await importSPKI(PUBLIC_KEY, 'RS256'), { algorithms: ['RS256'], currentDate: new Date(now) });
    expect(payload).toEqual({ sub: 'kusanagi', iat: now / 1000, exp: now / 1000 + 900 });
    expect(expiresAt.getTime()).toBe(now + 900_000);
  });

  it('a token does not verify with another key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const { token } = await new KabelwerkTokenMinter(PRIVATE_KEY).mint('kusanagi');
    await expect(jwtVerify(token, await importSPKI(other, 'RS256'))).rejects.toThrow();
  });

  it('defaults to 3600 s and asks for a refresh a tenth of the lifetime (at most a minute) before expiry', async () => {
    let now = 1_000_000_000_000;
    const minter = new KabelwerkTokenMinter(PRIVATE_KEY, undefined, () => now);
    const token = await minter.mint('u');
    expect(token.expiresAt.getTime() - now).toBe(3_600_000);
    expect(minter.refreshInMs(token)).toBe(3_540_000);
    now += 3_600_000;
    expect(minter.refreshInMs(token)).toBe(0);
    const short = new KabelwerkTokenMinter(PRIVATE_KEY, 60, () => now);
    expect(short.refreshInMs(await short.mint('u'))).toBe(54_000);
  });

  it('keeps the key out of reach: inspect shows no key material', () => {
    const minter = new KabelwerkTokenMinter(PRIVATE_KEY);
    const shown = inspect(minter, { depth: 5, showHidden: true });
    expect(shown).not.toContain('PRIVATE KEY');
    expect(shown).not.toContain(PRIVATE_KEY.split('\n')[1]!);
  });
});

describe('auth.issueToken', () => {
  it('returns the RS256 token with its expiry (tokenTtlSeconds), without any request', async () => {
    const fetch = () => Promise.reject(new Error('no request expected'));
    const collab = await createCollab({ provider: 'kabelwerk', url: 'hub.kabelwerk.io', apiToken: API_TOKEN, privateKey: PRIVATE_KEY, tokenTtlSeconds: 120, fetch });
    const before = Date.now();
    const issued = await collab.auth.issueToken({ userId: 'motoko', rooms: { 'motoko': 'write' }, userInfo: { name: 'Motoko' } });
    const { payload } = await jwtVerify(issued.token, await importSPKI(PUBLIC_KEY, 'RS256'));
    expect(payload.sub).toBe('motoko');
    // Kabelwerk decides access itself: nothing but sub, iat and exp is in the token.
    expect(Object.keys(payload).sort()).toEqual(['exp', 'iat', 'sub']);
    expect(issued.expiresAt!.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 120_000);
    expect(issued.expiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + 120_000);
    await collab.close();
  });

  it('is unsupported without privateKey', async () => {
    const collab = await createCollab({ provider: 'kabelwerk', url: 'hub.kabelwerk.io', apiToken: API_TOKEN });
    await expect(collab.auth.issueToken({ userId: 'motoko' })).rejects.toMatchObject({ code: 'unsupported_feature', feature: 'auth.issueToken', message: expect.stringContaining('privateKey') });
    await collab.close();
  });
});
