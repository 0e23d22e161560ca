/**
 * Kabelwerk user tokens (docs/vendors/kabelwerk.md §2.1): JWTs "signed by an RSA key the public counterpart
 * of which is known to the Kabelwerk backend", with `sub` = the user's key and a valid `exp`. The
 * algorithm is UNCONFIRMED; RS256 is what an RSA key and every JWT library default to.
 * @module
 */
import { nodeCrypto } from '../../core/node-crypto.js';
import type { KeyObject } from 'node:crypto';
import type { SignJWT } from 'jose';
import { normalisePem } from './config.js';

/** Default lifetime of a minted token, in seconds. */
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;

/** A minted token. */
export interface MintedToken {
  /** The JWT (a secret: never logged). */
  readonly token: string;
  /** Its `exp`. */
  readonly expiresAt: Date;
}

/** `jose` is loaded on first use: REST-only collabs and cold starts do not pay for it. */
let jose: Promise<{ SignJWT: typeof SignJWT }> | undefined;

/**
 * Signs RS256 user tokens with the configured private key. The key is held as a `KeyObject` in a
 * private field: neither the PEM nor the key material is reachable from the object (or shown by
 * `util.inspect`).
 */
export class KabelwerkTokenMinter {
  readonly #key: KeyObject;

  /**
   * @param privateKeyPem - The RSA private key, PKCS#8 or PKCS#1 PEM (`\n` written as two characters is accepted).
   * @param ttlSeconds - Lifetime of each token.
   * @param now - Clock (for tests).
   */
  constructor(
    privateKeyPem: string,
    readonly ttlSeconds: number = DEFAULT_TOKEN_TTL_SECONDS,
    private readonly now: () => number = Date.now,
  ) {
    this.#key = nodeCrypto().createPrivateKey(normalisePem(privateKeyPem));
  }

  /** A token for the user `sub` (its Kabelwerk key), valid for `ttlSeconds` from now. */
  async mint(sub: string): Promise<MintedToken> {
    jose ??= import('jose');
    const { SignJWT } = await jose;
    const issuedAt = Math.floor(this.now() / 1000);
    const exp = issuedAt + this.ttlSeconds;
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).setSubject(sub).setIssuedAt(issuedAt).setExpirationTime(exp).sign(this.#key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** Milliseconds until `token` should be replaced: a tenth of its lifetime (at most a minute) before it expires. */
  refreshInMs(token: MintedToken): number {
    const margin = Math.min(60_000, (this.ttlSeconds * 1000) / 10);
    return Math.max(0, token.expiresAt.getTime() - margin - this.now());
  }
}
