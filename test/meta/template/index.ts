/** The template adapter's entry point (what `unicollab/<id>` would export). */
import { type Collab, type CreateCollabOptions, createCollabWith } from 'unicollab';
import { templateAdapter } from './definition.js';

export { templateAdapter } from './definition.js';
export { templateConfig, TemplateConfigSchema } from './config.js';

/** Creates a collab on the template adapter, with no registry involved. */
export function template(config: { tenantId?: string; apiKey?: string } = {}, options?: CreateCollabOptions): Promise<Collab> {
  return createCollabWith(templateAdapter as never, { ...config, provider: 'template' }, options);
}
