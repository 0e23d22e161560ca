/**
 * Reads claims of tokens a vendor issued, without verifying them: the vendor checks its own tokens,
 * and callers only want to report when one expires.
 * @module
 */
import type { decodeJwt, JWTPayload } from 'jose';

/** `jose` is loaded on first use: importing it costs about as much as the rest of an adapter's cold start. */
let decoder: Promise<typeof decodeJwt> | undefined;

/**
 * The `exp` claim of a JWT as a `Date`, without verifying the token.
 * @returns The expiry, or `undefined` when the token is not a JWT or has no positive numeric `exp`.
 */
export async function jwtExpiry(token: string): Promise<Date | undefined> {
  const exp = (await jwtClaims(token))?.exp;
  return typeof exp === 'number' && Number.isFinite(exp) && exp > 0 ? new Date(exp * 1000) : undefined;
}

/** The payload of a JWT, without verifying it, or `undefined` when the token is not a JWT. */
export async function jwtClaims(token: string): Promise<JWTPayload | undefined> {
  decoder ??= import('jose').then((jose) => jose.decodeJwt);
  const decode = await decoder;
  try {
    return decode(token);
  } catch {
    return undefined;
  }
}
