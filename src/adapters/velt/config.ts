import { z } from 'zod';
import type { AdapterConfigSpec } from '../../core/adapter.js';
import { httpConfigShape, webhookReplayShape, webhookSecretSchema } from '../../core/config.js';

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
  ...webhookReplayShape,
  ...httpConfigShape,
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
  },
  detect: 'VELT_API_KEY',
  // Velt authenticates REST calls with these two headers (docs/vendors/velt.md).
  secretHeaders: ['x-velt-api-key', 'x-velt-auth-token'],
} as const satisfies AdapterConfigSpec<typeof VeltConfigSchema>;
