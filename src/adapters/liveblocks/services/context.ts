import { inject, injectable } from 'inversify';
import type { z } from 'zod';
import { assertCapability, type CapabilityDeclaration, type CapabilityKey } from '../../../core/capabilities.js';
import type { CallOptions } from '../../../core/model/common.js';
import { TOKENS } from '../../../core/tokens.js';
import { validate, validateId } from '../../../core/validation.js';
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
export class LiveblocksContext {
  /** The provider id. */
  readonly provider = 'liveblocks';
  /** The default organization (tenant), from config. */
  readonly defaultOrganizationId: string | undefined;
  /** User id sent where Liveblocks requires one and the core API has none. */
  readonly systemUserId: string;

  constructor(
    @inject(TOKENS.VendorClient) readonly client: LiveblocksClient,
    @inject(TOKENS.Config) readonly config: ParsedLiveblocksConfig,
    @inject(TOKENS.Capabilities) readonly capabilities: CapabilityDeclaration,
  ) {
    this.defaultOrganizationId = config.organizationId;
    this.systemUserId = config.systemUserId ?? DEFAULT_SYSTEM_USER_ID;
  }

  /** The organization of a call: `tenantId`, else the configured one, else none (Liveblocks' default). */
  organizationId(options?: CallOptions): string | undefined {
    return options?.tenantId ?? this.defaultOrganizationId;
  }

  /**
   * Throws `UnsupportedFeatureError` when the capability is `no`. The container's guard already does
   * this before the service runs; services call it too so that a service used outside the container
   * (or a guard bypassed by a subclass) still never reaches the network.
   */
  assert(key: CapabilityKey): void {
    assertCapability(this.provider, this.capabilities, key);
  }

  /** Validates input with a schema, naming the bad field. */
  validate<S extends z.ZodType>(schema: S, input: unknown, root: string, operation: string): z.output<S> {
    return validate(schema, input, root, operation);
  }

  /** Validates an id argument. */
  id(value: unknown, field: string, operation: string): string {
    return validateId(value, field, operation);
  }
}
