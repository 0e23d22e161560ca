import { inject, injectable } from 'inversify';
import type { z } from 'zod';
import { AdapterContext } from '../../../core/adapter-context.js';
import type { CapabilityDeclaration } from '../../../core/capabilities.js';
import type { VeltConfigSchema } from '../config.js';
import type { CallOptions, Page } from '../../../core/model/common.js';
import { TOKENS } from '../../../core/tokens.js';
import type { VeltCallOptions, VeltClient, VeltPage } from '../client.js';
import { decodeCursor, encodeCursor, type VeltCursor } from '../mappers/cursors.js';

/** Velt-adapter-internal service identifiers. */
export const VELT_TOKENS = {
  Context: Symbol.for('unicollab.velt.Context'),
  Subscriptions: Symbol.for('unicollab.velt.Subscriptions'),
  Bulk: Symbol.for('unicollab.velt.Bulk'),
} as const;

/** The validated Velt config. */
export type ParsedVeltConfig = z.output<typeof VeltConfigSchema>;

/** The document `notifications.trigger` uses when no room is given (see `notificationDocumentId`). */
export const DEFAULT_NOTIFICATION_DOCUMENT_ID = 'unicollab-notifications';

/** Default page size of list calls (Velt's own default is 1000, heavy for annotations with their comments). */
export const DEFAULT_PAGE_SIZE = 100;

/** How one listing is read: the vendor page reader, an optional client-side filter and the mapper. */
export interface ScanSpec<W, R> {
  /** The operation, for errors. */
  operation: string;
  /** Page size asked by the caller. */
  limit?: number | undefined;
  /** A cursor from a previous page. */
  cursor?: string | undefined;
  /** Reads one vendor page. */
  fetchPage(pageToken: string | undefined, pageSize: number): Promise<VeltPage<W>>;
  /** Keeps only matching items (filters Velt cannot apply itself, and `null` placeholders). */
  match?: ((item: W) => boolean) | undefined;
  /**
   * Whether `match` drops real items (so vendor pages are scanned with a larger page size). Defaults to
   * `true` when `match` is given; pass `false` when it only skips entries that are never items.
   */
  filtered?: boolean | undefined;
  /** Maps a kept item. */
  map(item: W): R;
}

/** Shared state of the Velt services: config, client, tenant resolution, validation, listing. */
@injectable()
export class VeltContext extends AdapterContext<ParsedVeltConfig, string> {
  /** The document holding notifications triggered without a room. */
  readonly notificationDocumentId: string;

  constructor(
    @inject(TOKENS.VendorClient) readonly client: VeltClient,
    @inject(TOKENS.Config) config: ParsedVeltConfig,
    @inject(TOKENS.Capabilities) capabilities: CapabilityDeclaration,
  ) {
    super('velt', config, capabilities, config.organizationId);
    this.notificationDocumentId = config.notificationDocumentId ?? DEFAULT_NOTIFICATION_DOCUMENT_ID;
  }

  /** `createOrganization`/`createDocument` flags of writes, set when `createMissing` is configured. */
  createFlags(): { createOrganization?: true; createDocument?: true } {
    return this.config.createMissing ? { createOrganization: true, createDocument: true } : {};
  }

  /** The client options of a call. */
  call(options?: CallOptions): VeltCallOptions {
    return options?.signal ? { signal: options.signal } : {};
  }

  /**
   * Reads one page of a Velt listing. Without a filter, one vendor page of `limit` items is one page.
   * (A limit below the vendor's page fill, or a resumed cursor, may still stop inside a vendor page.)
   * With a filter (Velt cannot filter on metadata, resolution or read state), vendor pages are scanned
   * until `limit` matches are found; the cursor records where to resume inside the vendor page.
   */
  async scan<W, R>(spec: ScanSpec<W, R>): Promise<Page<R>> {
    const limit = spec.limit ?? DEFAULT_PAGE_SIZE;
    const filtered = spec.filtered ?? spec.match !== undefined;
    let at: VeltCursor = spec.cursor
      ? decodeCursor(spec.cursor, spec.operation)
      : { t: null, o: 0, s: filtered ? Math.min(1000, Math.max(limit, DEFAULT_PAGE_SIZE)) : limit };
    const items: R[] = [];
    for (;;) {
      const page = await spec.fetchPage(at.t ?? undefined, at.s);
      for (let i = at.o; i < page.items.length; i++) {
        const item = page.items[i] as W;
        if (spec.match && !spec.match(item)) continue;
        items.push(spec.map(item));
        if (items.length === limit) {
          const next: VeltCursor | null =
            i + 1 < page.items.length ? { t: at.t, o: i + 1, s: at.s } : page.nextPageToken ? { t: page.nextPageToken, o: 0, s: at.s } : null;
          return { items, nextCursor: next ? encodeCursor(next) : null };
        }
      }
      if (!page.nextPageToken) return { items, nextCursor: null };
      // Unfiltered, one vendor page is one page (even a short one): no request is made ahead of need.
      if (!filtered) return { items, nextCursor: encodeCursor({ t: page.nextPageToken, o: 0, s: at.s }) };
      at = { t: page.nextPageToken, o: 0, s: at.s };
    }
  }
}
