/**
 * Shared test fixtures of the Kabelwerk adapter tests: an RSA key pair (generated once per file), the
 * API token, and a collab on a running emulator.
 */
import { generateKeyPairSync } from 'node:crypto';
import { type Collab, createCollab, registerAdapter } from '../../../src/collab.js';
import type { KabelwerkConfig } from '../../../src/adapters/kabelwerk/config.js';
import { startKabelwerkEmulator, type KabelwerkEmulator } from './emulator/server.js';

registerAdapter('kabelwerk', async () => (await import('../../../src/adapters/kabelwerk/index.js')).kabelwerkAdapter);

/** An API token with no recognisable secret shape: only the adapter's own registration can hide it. */
export const API_TOKEN = 'kw-test-api-token-5b1e2f7c';

const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
/** The PKCS#8 PEM private key the adapter signs user tokens with. */
export const PRIVATE_KEY = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
/** The SPKI PEM public key the emulator verifies them with. */
export const PUBLIC_KEY = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** Starts an emulator with the test credentials and the hubs given (default `main`). */
export function startEmulator(hubs?: Array<{ slug: string; name?: string }>): Promise<KabelwerkEmulator> {
  return startKabelwerkEmulator({ apiToken: API_TOKEN, publicKey: PUBLIC_KEY, ...(hubs ? { hubs } : {}) });
}

/** A collab on `emulator` (no retries unless asked), with the private key and hub `main` unless overridden. */
export function kabelwerkCollab(emulator: { url: string }, config: Partial<Omit<KabelwerkConfig, 'provider'>> = {}): Promise<Collab> {
  return createCollab({ provider: 'kabelwerk', url: emulator.url, apiToken: API_TOKEN, privateKey: PRIVATE_KEY, hub: 'main', retries: 0, ...config });
}
