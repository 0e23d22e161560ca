/**
 * The signing secrets an adapter's `webhooks.verify` accepts, with the verifier built from them.
 * @module
 */
import { registerSecret } from '../redact.js';
import { createStandardWebhookVerifier, createStandardWebhookVerifierWith, type VerifiedMessageBuilder } from './standard.js';
import type { StandardWebhookVerifier, WebhookRequest } from './types.js';

/**
 * A growing set of trusted Standard Webhooks secrets: the configured ones plus any an adapter learns
 * at run time (the secret of a subscription it created). Keys are decoded once per change, never per
 * request; every secret is registered for redaction as it is added.
 */
export class TrustedWebhookSecrets {
  // #private, so neither JSON.stringify nor util.inspect of a collab reaches the secrets.
  readonly #secrets: string[] = [];
  readonly #provider: string;
  #verifier: StandardWebhookVerifier | undefined;
  /** The last `verifierWith` verifier and its builder. */
  #built: { build: VerifiedMessageBuilder<unknown>; verify: (request: WebhookRequest) => unknown } | undefined;

  /**
   * @param provider - Provider id put on the verification errors.
   * @param initial - Secrets trusted from the start (`undefined` entries are skipped).
   */
  constructor(provider: string, initial: Iterable<string | undefined> = []) {
    this.#provider = provider;
    for (const secret of initial) this.add(secret);
  }

  /** Trusts one more secret (no-op when it is `undefined` or already trusted). */
  add(secret: string | undefined): void {
    if (secret === undefined || this.#secrets.includes(secret)) return;
    registerSecret(secret);
    this.#secrets.push(secret);
    this.#verifier = undefined;
    this.#built = undefined;
  }

  /** How many secrets are trusted. */
  get size(): number {
    return this.#secrets.length;
  }

  /**
   * The verifier of the trusted secrets (any may match), or `undefined` while there is none.
   * @throws ConfigError when a secret is not `whsec_<base64>` (once, when the verifier is built).
   */
  get verifier(): StandardWebhookVerifier | undefined {
    if (this.#secrets.length === 0) return undefined;
    this.#verifier ??= createStandardWebhookVerifier({ secrets: [...this.#secrets], provider: this.#provider });
    return this.#verifier;
  }

  /**
   * `verifier`, with the result built by `build` from the verified parts (see
   * `createStandardWebhookVerifierWith`); rebuilt only when a secret is added or the builder changes.
   * @throws ConfigError when a secret is not `whsec_<base64>` (once, when the verifier is built).
   */
  verifierWith<T>(build: VerifiedMessageBuilder<T>): ((request: WebhookRequest) => T) | undefined {
    if (this.#secrets.length === 0) return undefined;
    const built = this.#built;
    if (built !== undefined && built.build === build) return built.verify as (request: WebhookRequest) => T;
    const verify = createStandardWebhookVerifierWith({ secrets: [...this.#secrets], provider: this.#provider }, build);
    this.#built = { build, verify };
    return verify;
  }
}
