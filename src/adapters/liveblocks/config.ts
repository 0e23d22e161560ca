import { z } from 'zod';
import type { AdapterConfigSpec } from '../../core/adapter.js';
import { httpConfigShape, webhookReplayShape, webhookSecretSchema } from '../../core/config.js';

/** Config of the Liveblocks adapter. */
export const LiveblocksConfigSchema = z.object({
  provider: z.literal('liveblocks'),
  /** Secret key (`sk_...`). */
  secretKey: z
    .string()
    .min(1)
    .refine((v) => v.startsWith('sk_'), 'must start with sk_')
    // The charset @liveblocks/node enforces: anything else would corrupt the Authorization header.
    .refine((v) => !v.startsWith('sk_') || /^[\w-]+$/.test(v), 'must contain only letters, digits, _ and -'),
  /** API base URL (default https://api.liveblocks.io). */
  baseUrl: z.string().url().optional(),
  /** Default organization (tenant). */
  organizationId: z.string().min(1).optional(),
  /** Management API token, enables `webhooks.subscriptions` with `projectId`. */
  managementToken: z.string().min(1).optional(),
  /** Project id for the management API. */
  projectId: z.string().min(1).optional(),
  /** Webhook signing secret (`whsec_...`). */
  webhookSecret: webhookSecretSchema.optional(),
  /** Several webhook secrets (rotation): a signature by any of them is accepted. */
  webhookSecrets: z.array(webhookSecretSchema).min(1).optional(),
  /** Default kind of `auth.issueToken`: `access` (permissions in the token, default) or `id` (identify-user). */
  tokenMode: z.enum(['access', 'id']).optional(),
  /**
   * User id recorded for server-side writes that the core API does not attribute to a user but
   * Liveblocks requires one for (thread metadata edits). Default `unicollab`.
   */
  systemUserId: z.string().min(1).max(128).optional(),
  ...webhookReplayShape,
  ...httpConfigShape,
});

/** Config of the Liveblocks adapter. */
export type LiveblocksConfig = z.input<typeof LiveblocksConfigSchema>;

/** The config spec of the Liveblocks adapter. */
export const liveblocksConfig = {
  id: 'liveblocks',
  configSchema: LiveblocksConfigSchema,
  env: {
    secretKey: { var: 'LIVEBLOCKS_SECRET_KEY', secret: true },
    baseUrl: { var: 'LIVEBLOCKS_BASE_URL' },
    organizationId: { var: 'LIVEBLOCKS_ORGANIZATION_ID' },
    managementToken: { var: 'LIVEBLOCKS_MANAGEMENT_TOKEN', secret: true },
    projectId: { var: 'LIVEBLOCKS_PROJECT_ID' },
    webhookSecret: { var: 'LIVEBLOCKS_WEBHOOK_SECRET', secret: true },
    tokenMode: { var: 'LIVEBLOCKS_TOKEN_MODE' },
  },
  // `npx liveblocks dev` exports it, so a dev-server session needs no other setup.
  detect: 'LIVEBLOCKS_SECRET_KEY',
  secretFields: ['webhookSecrets'],
  // Secret and public keys, as they may appear in vendor messages or logs.
  secretPatterns: [/\b(sk|pk)_(?:dev|prod|localdev|test|live)?_?[A-Za-z0-9_-]{6,}/g],
} as const satisfies AdapterConfigSpec<typeof LiveblocksConfigSchema>;
