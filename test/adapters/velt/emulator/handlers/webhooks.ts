/** /v2/workspace/webhookconfig/*, /v2/workspace/advancedwebhookconfig/*, /v2/workspace/advancedwebhook/endpoints/* (velt.md §12.3). */
import { z } from 'zod';
import { failedPrecondition, invalidArgument, notFound } from '../errors.js';
import { optBool, optStr, parse, str, success, type Ctx, type Handler } from '../context.js';
import type { VeltAdvancedEndpoint } from '../state.js';
import { decodePageToken, encodePageToken, endpointId, webhookSecret } from '../util.js';

/** Triggers seeded on first enable (DOC §12.3: comment+huddle on, crdt/recorder off, suggestion_* off). */
const DEFAULT_TRIGGERS: Record<string, boolean> = {
  'comment_annotation.add': true,
  'comment.add': true,
  'comment.update': true,
  'comment.delete': true,
  'comment_annotation.status_change': true,
  'comment_annotation.assign': true,
  'comment_annotation.priority_change': true,
  'comment_annotation.suggestion_accept': false,
  'comment_annotation.suggestion_reject': false,
  'comment.reaction_add': true,
  'comment.reaction_delete': true,
  'huddle.create': true,
  'huddle.join': true,
  'crdt.update_data': false,
  'recorder.done': false,
};

const webhookConfigGet: Handler = (data, ctx) => {
  parse(z.strictObject({}), data, ctx);
  const { useWebhookService, webhookServiceConfig } = ctx.state.webhookConfig;
  return success('Webhook configuration retrieved successfully.', {
    useWebhookService,
    webhookServiceConfig: structuredClone(webhookServiceConfig),
  });
};

const webhookConfigUpdate: Handler = (data, ctx) => {
  const req = parse(
    z.strictObject({
      useWebhookService: optBool,
      webhookServiceConfig: z
        .strictObject({
          authToken: optStr,
          rawNotificationUrl: optStr,
          processedNotificationUrl: optStr,
          encodeData: optBool,
          encryptData: optBool,
          publicKey: optStr,
          enableDataProtection: optBool,
          triggers: z.record(z.string(), z.boolean()).optional(),
        })
        .optional(),
    }),
    data,
    ctx,
  );
  if (req.useWebhookService === undefined && req.webhookServiceConfig === undefined) {
    throw invalidArgument('Invalid webhook service configuration.');
  }
  for (const url of [req.webhookServiceConfig?.rawNotificationUrl, req.webhookServiceConfig?.processedNotificationUrl]) {
    if (url && !/^https?:\/\//.test(url)) throw invalidArgument('Invalid webhook service configuration.');
  }
  const s = ctx.state.webhookConfig;
  const cfg = s.webhookServiceConfig;
  if (req.useWebhookService === true && !s.useWebhookService && cfg.triggers === undefined) {
    cfg.triggers = { ...DEFAULT_TRIGGERS };
    cfg.enableDataProtection ??= false;
  }
  if (req.useWebhookService !== undefined) s.useWebhookService = req.useWebhookService;
  if (req.webhookServiceConfig) {
    const { triggers, ...rest } = req.webhookServiceConfig;
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) cfg[k] = v;
    if (triggers) cfg.triggers = { ...((cfg.triggers as Record<string, boolean> | undefined) ?? {}), ...triggers };
  }
  return success('Webhook configuration updated successfully.', {
    useWebhookService: s.useWebhookService,
    webhookServiceConfig: structuredClone(cfg),
  });
};

function requireAvailable(ctx: Ctx): void {
  if (!ctx.opts.advancedWebhooksAvailable) throw failedPrecondition('Advanced webhooks are not available for this workspace.');
}

function requireEnabled(ctx: Ctx): void {
  requireAvailable(ctx);
  if (ctx.opts.requireAdvancedWebhooksEnabled && !ctx.state.advancedWebhookConfig.isEnabled) {
    throw failedPrecondition('Advanced webhooks are not enabled for this workspace.');
  }
}

function advancedConfigWire(ctx: Ctx): Record<string, unknown> {
  const { isEnabled, encryptData, encodeData, publicKey, enableDataProtection } = ctx.state.advancedWebhookConfig;
  return { isEnabled, encryptData, encodeData, publicKey, enableDataProtection };
}

const advancedConfigGet: Handler = (data, ctx) => {
  parse(z.strictObject({}), data, ctx);
  requireAvailable(ctx);
  return success('Advanced webhook configuration retrieved successfully.', advancedConfigWire(ctx));
};

const advancedConfigUpdate: Handler = (data, ctx) => {
  const req = parse(
    z.strictObject({ isEnabled: optBool, encryptData: optBool, encodeData: optBool, publicKey: optStr, enableDataProtection: optBool }),
    data,
    ctx,
  );
  requireAvailable(ctx);
  if (Object.values(req).every((v) => v === undefined)) throw invalidArgument('At least one configuration field must be provided.');
  const s = ctx.state.advancedWebhookConfig;
  if (!s.configured && req.isEnabled !== true) {
    throw failedPrecondition('The first advanced webhook configuration request must include isEnabled: true.');
  }
  s.configured = true;
  for (const [k, v] of Object.entries(req)) if (v !== undefined) (s as Record<string, unknown>)[k] = v;
  return success('Advanced webhook configuration updated successfully.', advancedConfigWire(ctx));
};

const httpUrl = z.string().refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'url must be a valid http(s) URL.');
const endpointFields = {
  url: httpUrl.optional(),
  description: optStr,
  filterTypes: z.array(str).min(1).optional(),
  channels: z.array(str).min(1).optional(),
  disabled: optBool,
  rateLimit: z.number().int().positive().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
};

function endpointWire(ep: VeltAdvancedEndpoint): Record<string, unknown> {
  const { secret: _s, ...rest } = ep;
  return structuredClone(rest);
}

/** Endpoint parse: url errors surface with the documented message. */
function parseEndpoint<S extends z.ZodObject>(schema: S, data: Record<string, unknown>, ctx: Ctx): z.infer<S> {
  if ('url' in data && (typeof data.url !== 'string' || !URL.canParse(data.url) || !/^https?:$/.test(new URL(data.url).protocol))) {
    throw invalidArgument('url must be a valid http(s) URL.');
  }
  return parse(schema, data, ctx);
}

const endpointCreate: Handler = (data, ctx) => {
  const req = parseEndpoint(z.strictObject({ ...endpointFields, url: httpUrl, uid: optStr }), data, ctx);
  requireEnabled(ctx);
  const now = new Date(ctx.now()).toISOString();
  const ep: VeltAdvancedEndpoint = {
    id: endpointId(ctx.rng),
    url: req.url,
    description: req.description ?? null,
    filterTypes: req.filterTypes ?? null,
    channels: req.channels ?? null,
    disabled: req.disabled ?? false,
    rateLimit: req.rateLimit ?? null,
    uid: req.uid ?? null,
    metadata: req.metadata ?? null,
    createdAt: now,
    updatedAt: now,
    secret: webhookSecret(ctx.rng),
  };
  ctx.state.advancedEndpoints.set(ep.id, ep);
  return success('Advanced webhook endpoint created successfully.', endpointWire(ep));
};

const endpointGet: Handler = (data, ctx) => {
  const req = parse(z.strictObject({ limit: z.number().int().min(1).max(250).optional(), iterator: optStr }), data, ctx);
  requireEnabled(ctx);
  const all = [...ctx.state.advancedEndpoints.values()];
  let start = 0;
  if (req.iterator) {
    const [idx] = decodePageToken('advancedwebhook', req.iterator);
    start = typeof idx === 'number' ? idx : 0;
  }
  const limit = req.limit ?? 50;
  const page = all.slice(start, start + limit);
  const done = start + limit >= all.length;
  return success('Advanced webhook endpoints retrieved successfully.', {
    endpoints: page.map(endpointWire),
    iterator: done ? null : encodePageToken('advancedwebhook', [start + limit]),
    prevIterator: start > 0 ? encodePageToken('advancedwebhook', [Math.max(0, start - limit)]) : null,
    done,
  });
};

function requireEndpoint(ctx: Ctx, id: string): VeltAdvancedEndpoint {
  const ep = ctx.state.advancedEndpoints.get(id);
  if (!ep) throw notFound('Advanced webhook provider request failed.');
  return ep;
}

const endpointUpdate: Handler = (data, ctx) => {
  const req = parseEndpoint(z.strictObject({ endpointId: str, ...endpointFields }), data, ctx);
  requireEnabled(ctx);
  const { endpointId: id, ...fields } = req;
  if (Object.values(fields).every((v) => v === undefined)) {
    throw invalidArgument('At least one endpoint field besides endpointId must be provided.');
  }
  const ep = requireEndpoint(ctx, id);
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) (ep as unknown as Record<string, unknown>)[k] = v;
  ep.updatedAt = new Date(ctx.now()).toISOString();
  return success('Advanced webhook endpoint updated successfully.', endpointWire(ep));
};

const endpointDelete: Handler = (data, ctx) => {
  const req = parse(z.strictObject({ endpointId: str }), data, ctx);
  requireEnabled(ctx);
  requireEndpoint(ctx, req.endpointId);
  ctx.state.advancedEndpoints.delete(req.endpointId);
  return success('Advanced webhook endpoint deleted successfully.', { endpointId: req.endpointId, deleted: true });
};

const endpointSecretGet: Handler = (data, ctx) => {
  const req = parse(z.strictObject({ endpointId: str }), data, ctx);
  requireEnabled(ctx);
  const ep = requireEndpoint(ctx, req.endpointId);
  return success('Advanced webhook endpoint secret retrieved successfully.', { endpointId: ep.id, secret: ep.secret });
};

export const webhookHandlers: Record<string, Handler> = {
  '/workspace/webhookconfig/get': webhookConfigGet,
  '/workspace/webhookconfig/update': webhookConfigUpdate,
  '/workspace/advancedwebhookconfig/get': advancedConfigGet,
  '/workspace/advancedwebhookconfig/update': advancedConfigUpdate,
  '/workspace/advancedwebhook/endpoints/create': endpointCreate,
  '/workspace/advancedwebhook/endpoints/get': endpointGet,
  '/workspace/advancedwebhook/endpoints/update': endpointUpdate,
  '/workspace/advancedwebhook/endpoints/delete': endpointDelete,
  '/workspace/advancedwebhook/endpoints/secret/get': endpointSecretGet,
};
