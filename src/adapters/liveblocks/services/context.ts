import { inject, injectable } from 'inversify';
import { AdapterContext } from '../../../core/adapter-context.js';
import type { CapabilityDeclaration } from '../../../core/capabilities.js';
import { TOKENS } from '../../../core/tokens.js';
import { LiveblocksClient, type ParsedLiveblocksConfig } from '../client.js';

/** Liveblocks-adapter-internal service identifiers. */
export const LIVEBLOCKS_TOKENS = {
  Context: Symbol.for('unicollab.liveblocks.Context'),
  Subscriptions: Symbol.for('unicollab.liveblocks.Subscriptions'),
  WebhookKeys: Symbol.for('unicollab.liveblocks.WebhookKeys'),
} as const;

/** Default `systemUserId`: who Liveblocks records for thread metadata edits. */
export const DEFAULT_SYSTEM_USER_ID = 'unicollab';

/**
 * What every Liveblocks service shares, resolved once at start-up: the client, the config-derived
 * defaults and the capability declaration. Services hold a reference; nothing is looked up per call.
 */
@injectable()
export class LiveblocksContext extends AdapterContext<ParsedLiveblocksConfig> {
  /** User id sent where Liveblocks requires one and the core API has none. */
  readonly systemUserId: string;

  constructor(
    @inject(TOKENS.VendorClient) readonly client: LiveblocksClient,
    @inject(TOKENS.Config) config: ParsedLiveblocksConfig,
    @inject(TOKENS.Capabilities) capabilities: CapabilityDeclaration,
  ) {
    // The organization is optional: without one, Liveblocks uses the project's default.
    super('liveblocks', config, capabilities, config.organizationId);
    this.systemUserId = config.systemUserId ?? DEFAULT_SYSTEM_USER_ID;
  }
}
