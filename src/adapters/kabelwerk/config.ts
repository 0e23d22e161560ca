import { z } from 'zod';
import type { AdapterConfigSpec } from '../../core/adapter.js';
import { httpConfigShape, webhookReplayShape } from '../../core/config.js';

/** Config of the Kabelwerk adapter (the adapter itself is not part of this version yet). */
export const KabelwerkConfigSchema = z.object({
  provider: z.literal('kabelwerk'),
  /** Kabelwerk backend URL. */
  url: z.string().url(),
  /** Backend API token. */
  apiToken: z.string().min(1),
  /** Default hub slug (tenant). */
  hub: z.string().min(1).optional(),
  /** Private key (PEM) for client-token signing. */
  privateKey: z.string().min(1).optional(),
  ...webhookReplayShape,
  ...httpConfigShape,
});

/** Config of the Kabelwerk adapter. */
export type KabelwerkConfig = z.input<typeof KabelwerkConfigSchema>;

/** The config spec of the Kabelwerk adapter. */
export const kabelwerkConfig = {
  id: 'kabelwerk',
  configSchema: KabelwerkConfigSchema,
  env: {
    url: { var: 'KABELWERK_URL' },
    apiToken: { var: 'KABELWERK_API_TOKEN', secret: true },
    hub: { var: 'KABELWERK_HUB' },
    privateKey: { var: 'KABELWERK_PRIVATE_KEY', secret: true },
  },
  detect: 'KABELWERK_API_TOKEN',
} as const satisfies AdapterConfigSpec<typeof KabelwerkConfigSchema>;
