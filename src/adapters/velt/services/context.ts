import { inject, injectable } from 'inversify';
import type { z } from 'zod';
import { AdapterContext } from '../../../core/adapter-context.js';
import type { CapabilityDeclaration } from '../../../core/capabilities.js';
import type { VeltConfigSchema } from '../config.js';
import type { CallOptions, Page } from '../../../core/model/common.js';
import { TOKENS } from '../../../core/tokens.js';
import type { VeltCallOptions, VeltClient } from '../client.js';
import { scanPages, type ScanLimits, type ScanSpec as CoreScanSpec } from '../../../core/scan.js';
import { VELT_SCAN_LIMITS } from '../mappers/cursors.js';
import { VeltSelfHosted, type VeltSelfHostingRuntime } from './self-hosted.js';

/** Velt-adapter-internal service identifiers. */
export const VELT_TOKENS = {
  Context: Symbol.for('unicollab.velt.Context'),
  Subscriptions: Symbol.for('unicollab.velt.Subscriptions'),
  Bulk: Symbol.for('unicollab.velt.Bulk'),
  SelfHosting: Symbol.for('unicollab.velt.SelfHosting'),
} as const;

/** The validated Velt config. */
export type ParsedVeltConfig = z.output<typeof VeltConfigSchema>;

/** The document `notifications.trigger` uses when no room is given (see `notificationDocumentId`). */
export const DEFAULT_NOTIFICATION_DOCUMENT_ID = 'unicollab-notifications';

/** Default page size of list calls (Velt's own default is 1000, heavy for annotations with their comments). */
export const DEFAULT_PAGE_SIZE = VELT_SCAN_LIMITS.defaultLimit;

/** How one Velt listing is read (core's scan, with Velt's page limits filled in). */
export type ScanSpec<W, R> = Omit<CoreScanSpec<W, R>, keyof ScanLimits>;

/** Shared state of the Velt services: config, client, tenant resolution, validation, listing. */
@injectable()
export class VeltContext extends AdapterContext<ParsedVeltConfig, string> {
  /** The document holding notifications triggered without a room. */
  readonly notificationDocumentId: string;
  /** The self-hosted mode (content in the customer's store), or `undefined` when Velt holds the content. */
  readonly selfHosted: VeltSelfHosted | undefined;

  constructor(
    @inject(TOKENS.VendorClient) readonly client: VeltClient,
    @inject(TOKENS.Config) config: ParsedVeltConfig,
    @inject(TOKENS.Capabilities) capabilities: CapabilityDeclaration,
    @inject(VELT_TOKENS.SelfHosting) selfHosting: VeltSelfHostingRuntime,
  ) {
    super('velt', config, capabilities, config.organizationId);
    this.notificationDocumentId = config.notificationDocumentId ?? DEFAULT_NOTIFICATION_DOCUMENT_ID;
    this.selfHosted = selfHosting.store ? new VeltSelfHosted(selfHosting.store) : undefined;
  }

  /** `createOrganization`/`createDocument` flags of writes, set when `createMissing` is configured. */
  createFlags(): { createOrganization?: true; createDocument?: true } {
    return this.config.createMissing ? { createOrganization: true, createDocument: true } : {};
  }

  /** The client options of a call. */
  call(options?: CallOptions): VeltCallOptions {
    return options?.signal ? { signal: options.signal } : {};
  }

  /** Reads one page of a Velt listing (see `scanPages`): Velt cannot filter on metadata, resolution or read state. */
  scan<W, R>(spec: ScanSpec<W, R>): Promise<Page<R>> {
    return scanPages({ ...spec, ...VELT_SCAN_LIMITS });
  }
}
