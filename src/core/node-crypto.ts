/**
 * `node:crypto`, loaded on first use rather than when an entry point is imported.
 * @module
 */
import type * as NodeCrypto from 'node:crypto';

let loaded: typeof NodeCrypto | undefined;

/**
 * The `node:crypto` module, loaded synchronously on first call (`process.getBuiltinModule`, Node >=
 * 20.16). A static import would load it with every entry point: 5 to 13 ms of a cold start, paid by
 * apps that never sign a webhook or mint an id (issue 12).
 *
 * @returns The module, the same object on every call.
 */
export function nodeCrypto(): typeof NodeCrypto {
  return (loaded ??= process.getBuiltinModule('node:crypto'));
}
