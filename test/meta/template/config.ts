import { z } from 'zod';
import type { AdapterConfigSpec } from 'unicollab';
import { webhookReplayShape } from 'unicollab';

/** Config of the template adapter: the provider literal, its own fields, core's shared fields. */
export const TemplateConfigSchema = z.object({
  provider: z.literal('template'),
  /** Default tenant id. */
  tenantId: z.string().min(1).optional(),
  /** A credential, to show how a secret field is declared. */
  apiKey: z.string().min(1).optional(),
  ...webhookReplayShape,
});

/** The validated template config. */
export type ParsedTemplateConfig = z.output<typeof TemplateConfigSchema>;

/** The config spec: schema, environment variables, secrets. */
export const templateConfig = {
  id: 'template',
  configSchema: TemplateConfigSchema,
  env: { tenantId: { var: 'TEMPLATE_TENANT_ID' }, apiKey: { var: 'TEMPLATE_API_KEY', secret: true } },
  detect: 'TEMPLATE_API_KEY',
} as const satisfies AdapterConfigSpec<typeof TemplateConfigSchema>;
