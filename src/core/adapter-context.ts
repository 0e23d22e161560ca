/**
 * The base of every adapter's service context: what all services of one adapter share, resolved
 * once at start-up (nothing is looked up per call).
 * @module
 */
import type { z } from 'zod';
import { assertCapability, type CapabilityDeclaration, type CapabilityKey } from './capabilities.js';
import type { CallOptions } from './model/common.js';
import { validate, validateId } from './validation.js';

/**
 * Provider id, parsed config, capabilities, tenant resolution and the validation helpers of one
 * adapter. An adapter's context extends it with its vendor client and quirks, and injects the
 * constructor arguments itself (explicit `@inject` on its own constructor).
 *
 * @typeParam C - The adapter's parsed config.
 * @typeParam T - The tenant type: `string` when the config always has a default, `string | undefined` when the vendor has its own.
 */
export abstract class AdapterContext<C, T extends string | undefined = string | undefined> {
  /**
   * @param provider - The provider id, put on errors.
   * @param config - The parsed config.
   * @param capabilities - The adapter's capability declaration.
   * @param defaultTenantId - The tenant of calls without `tenantId`.
   */
  protected constructor(
    readonly provider: string,
    readonly config: C,
    readonly capabilities: CapabilityDeclaration,
    readonly defaultTenantId: T,
  ) {}

  /** The tenant of a call: its `tenantId`, else the configured default. */
  tenantOf(options?: CallOptions): string | T {
    return options?.tenantId ?? this.defaultTenantId;
  }

  /**
   * Throws `UnsupportedFeatureError` when the capability is `no`. The container's guard does this for
   * every core service method before the adapter runs; an adapter calls it only in methods of its own
   * that core does not know (vendor extras), which the guard cannot see.
   */
  assert(key: CapabilityKey): void {
    assertCapability(this.provider, this.capabilities, key);
  }

  /** Validates input with a vendor-specific schema (core already validated it against its own), naming the bad field. */
  validate<S extends z.ZodType>(schema: S, input: unknown, root: string, operation: string): z.output<S> {
    return validate(schema, input, root, operation);
  }

  /** Validates an id argument of a vendor extra method (core validates those of core methods). */
  id(value: unknown, field: string, operation: string): string {
    return validateId(value, field, operation);
  }
}
