/**
 * Test harness for the Liveblocks dev server (npm `liveblocks`, run under Bun from npm's `bun` package).
 * The implementation is plain JavaScript (dev-server.mjs) so the benchmark in bench/ can use the same code
 * under Node 20 without a TypeScript loader.
 *
 * ```ts
 * const server = await startLiveblocksDevServer(); // { url, secretKey: 'sk_localdev', publicKey, stop }
 * try { ... } finally { await server.stop(); }
 * ```
 */
export { findBun, startLiveblocksDevServer } from './dev-server.mjs';
export type { LiveblocksDevServer, StartLiveblocksDevServerOptions } from './dev-server.mjs';
