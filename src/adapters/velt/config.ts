import { z } from 'zod';
import type { AdapterConfigSpec } from '../../core/adapter.js';
import { httpConfigShape, webhookReplayShape, webhookSecretSchema } from '../../core/config.js';
import type { VeltBlobStore } from './self-hosting/blobs.js';
import type { VeltContentStore } from './self-hosting/store.js';

const COLLECTIONS = ['comments', 'reactions', 'attachments', 'users', 'notifications'] as const;

/** Whether `value` looks like a `VeltContentStore` (each collection an object with `get`/`upsert`/`delete`). */
function isContentStore(value: unknown): value is VeltContentStore {
  if (value === null || typeof value !== 'object') return false;
  return COLLECTIONS.every((name) => {
    const c = (value as Record<string, unknown>)[name] as Record<string, unknown> | null | undefined;
    return c !== null && typeof c === 'object' && typeof c.get === 'function' && typeof c.upsert === 'function' && typeof c.delete === 'function';
  });
}

/** Whether `value` looks like a `VeltBlobStore`. */
function isBlobStore(value: unknown): value is VeltBlobStore {
  const v = value as Record<string, unknown> | null;
  return v !== null && typeof v === 'object' && typeof v.put === 'function' && typeof v.get === 'function' && typeof v.delete === 'function';
}

/** A PostgreSQL connection string (`postgres://` or `postgresql://`). */
const postgresUrl = z
  .string()
  .min(1)
  .refine((value) => /^postgres(?:ql)?:\/\/./i.test(value), 'must be a postgres:// or postgresql:// URL');

/**
 * Credentials inside a PostgreSQL URL (`postgres://user:password@`), redacted wherever they appear, in
 * case a driver echoes the URL in a form that differs from the configured string.
 */
export const POSTGRES_URL_CREDENTIALS = /\bpostgres(?:ql)?:\/\/[^\s/@:]*:[^\s/@]*@/gi;

/**
 * Self-hosted data (docs/vendors/velt-self-hosting.md): the organization's comment text/HTML, reaction
 * icons and user profiles live in `store`, not at Velt. Reads merge them into what Velt's REST returns;
 * writes go to the store first, then to Velt without the content.
 */
export const VeltSelfHostingSchema = z.strictObject({
  /** Where the content is (default: an in-memory store, lost on exit; use `createPostgresVeltContentStore`). */
  store: z.custom<VeltContentStore>(isContentStore, 'must be a VeltContentStore (comments, reactions, attachments, users, notifications)').optional(),
  /** The attachment blob store shared with the data-provider handler (kept for it; the adapter writes no attachments). */
  blobs: z.custom<VeltBlobStore>(isBlobStore, 'must be a VeltBlobStore (put, get, delete)').optional(),
});

/** Config of the Velt adapter. */
export const VeltConfigSchema = z.object({
  provider: z.literal('velt'),
  apiKey: z.string().min(1),
  authToken: z.string().min(1),
  organizationId: z.string().min(1),
  /** API base URL (default https://api.velt.dev). */
  baseUrl: z.string().url().optional(),
  /** Create the organization/document on first write when missing. */
  createMissing: z.boolean().optional(),
  /** Token expected in `Authorization: Basic` of basic webhooks. */
  webhookAuthToken: z.string().min(1).optional(),
  /** Standard Webhooks secret of advanced webhooks (`whsec_...`). */
  webhookSecret: webhookSecretSchema.optional(),
  /**
   * Document that holds notifications triggered without a `roomId` (Velt notifications always belong to a
   * document; default `unicollab-notifications`). It is created on first use and left out of `rooms.list`.
   */
  notificationDocumentId: z.string().min(1).optional(),
  /** Self-hosted data mode: content in your own store (see `VeltSelfHostingSchema`). */
  selfHosting: VeltSelfHostingSchema.optional(),
  /**
   * Self-hosted data mode with a PostgreSQL content store opened from this URL (migrated on start,
   * closed by `collab.close()`); env `VELT_SELF_HOSTING_DATABASE_URL`. A secret: its password is redacted
   * everywhere. Cannot be combined with `selfHosting.store`.
   */
  selfHostingDatabaseUrl: postgresUrl.optional(),
  ...webhookReplayShape,
  ...httpConfigShape,
}).refine((config) => !(config.selfHostingDatabaseUrl !== undefined && config.selfHosting?.store !== undefined), {
  message: 'give selfHosting.store or selfHostingDatabaseUrl, not both',
  path: ['selfHostingDatabaseUrl'],
});

/** Config of the Velt adapter. */
export type VeltConfig = z.input<typeof VeltConfigSchema>;

/** The config spec of the Velt adapter. */
export const veltConfig = {
  id: 'velt',
  configSchema: VeltConfigSchema,
  env: {
    apiKey: { var: 'VELT_API_KEY', secret: true },
    authToken: { var: 'VELT_AUTH_TOKEN', secret: true },
    baseUrl: { var: 'VELT_BASE_URL' },
    organizationId: { var: 'VELT_ORGANIZATION_ID' },
    webhookAuthToken: { var: 'VELT_WEBHOOK_AUTH_TOKEN', secret: true },
    webhookSecret: { var: 'VELT_WEBHOOK_SECRET', secret: true },
    notificationDocumentId: { var: 'VELT_NOTIFICATION_DOCUMENT_ID' },
    createMissing: { var: 'VELT_CREATE_MISSING', type: 'boolean' },
    selfHostingDatabaseUrl: { var: 'VELT_SELF_HOSTING_DATABASE_URL', secret: true },
  },
  detect: 'VELT_API_KEY',
  // Velt authenticates REST calls with these two headers (docs/vendors/velt.md).
  secretHeaders: ['x-velt-api-key', 'x-velt-auth-token'],
  secretPatterns: [POSTGRES_URL_CREDENTIALS],
} as const satisfies AdapterConfigSpec<typeof VeltConfigSchema>;
