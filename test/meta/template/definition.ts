import { defineAdapter } from 'unicollab';
import { templateCapabilities } from './capabilities.js';
import { type ParsedTemplateConfig, templateConfig } from './config.js';
import { TEMPLATE_TOKENS, TemplateRoomService, TemplateStore } from './rooms.js';
import * as no from './unsupported.js';

/** The template adapter: copy this folder, rename, fill in, add one registry line and one export. */
export const templateAdapter = defineAdapter<ParsedTemplateConfig>({
  specificationVersion: 1,
  ...templateConfig,
  capabilities: templateCapabilities,
  setup: () => [[TEMPLATE_TOKENS.Store, new TemplateStore()]],
  services: {
    rooms: TemplateRoomService,
    users: no.TemplateUserService,
    threads: no.TemplateThreadService,
    comments: no.TemplateCommentService,
    reactions: no.TemplateReactionService,
    presence: no.TemplatePresenceService,
    notifications: no.TemplateNotificationService,
    auth: no.TemplateAuthService,
    webhooks: no.TemplateWebhookService,
    events: no.TemplateEventService,
  },
  lifecycle: [TEMPLATE_TOKENS.Store],
  conformance: { skip: {} },
});
