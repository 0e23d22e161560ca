import { inject, injectable } from 'inversify';
import { AdapterContext } from '../../../core/adapter-context.js';
import type { CapabilityDeclaration } from '../../../core/capabilities.js';
import { CollabError, UnsupportedFeatureError } from '../../../core/errors.js';
import type { CallOptions } from '../../../core/model/common.js';
import { TOKENS } from '../../../core/tokens.js';
import type { KabelwerkCallOptions, KabelwerkClient } from '../client.js';
import { DEFAULT_HUB, type ParsedKabelwerkConfig } from '../config.js';
import type { KabelwerkRealtime, RealtimeCall } from '../realtime.js';

/** Kabelwerk-adapter-internal service identifiers. */
export const KABELWERK_TOKENS = {
  Context: Symbol.for('unicollab.kabelwerk.Context'),
  /** The `KabelwerkRealtime` pool, or a stand-in that refuses every call when no private key is configured. */
  Realtime: Symbol.for('unicollab.kabelwerk.Realtime'),
  HubSide: Symbol.for('unicollab.kabelwerk.HubSide'),
} as const;

/** The realtime pool when `privateKey` is not configured: closes fine, refuses everything else. */
export class NoRealtime {
  /** Nothing to release. */
  async close(): Promise<void> {}
}

/**
 * What every Kabelwerk service shares, resolved once at start-up: the REST client, the realtime pool,
 * the config and the capability declaration. The tenant is the hub slug (default `_`).
 */
@injectable()
export class KabelwerkContext extends AdapterContext<ParsedKabelwerkConfig, string> {
  constructor(
    @inject(TOKENS.VendorClient) readonly client: KabelwerkClient,
    @inject(KABELWERK_TOKENS.Realtime) private readonly sockets: KabelwerkRealtime | NoRealtime,
    @inject(TOKENS.Config) config: ParsedKabelwerkConfig,
    @inject(TOKENS.Capabilities) capabilities: CapabilityDeclaration,
  ) {
    super('kabelwerk', config, capabilities, config.hub ?? DEFAULT_HUB);
  }

  /** The realtime pool; `UnsupportedFeatureError` when no private key is configured (the guard says so first). */
  realtime(operation: string): KabelwerkRealtime {
    if (this.sockets instanceof NoRealtime) {
      throw new UnsupportedFeatureError(this.provider, operation, 'needs privateKey (the realtime API acts as users with tokens signed by it)');
    }
    return this.sockets;
  }

  /** REST call options. */
  call(options?: CallOptions): KabelwerkCallOptions {
    return options?.signal ? { signal: options.signal } : {};
  }

  /** Realtime call options. */
  rt(operation: string, options?: CallOptions): RealtimeCall {
    return options?.signal ? { operation, signal: options.signal } : { operation };
  }

  /** A `CollabError` of this provider (for states that no vendor answer describes). */
  fail(message: string, operation: string): CollabError {
    return new CollabError(`kabelwerk ${operation}: ${message}`, { provider: this.provider, operation });
  }
}
