import { UnsupportedFeatureError } from 'unicollab';

// Never reached: every method below is declared `no`, and the guard throws before calling it. The
// methods exist only so the guard has something to wrap.
const no = (): Promise<never> => Promise.reject(new UnsupportedFeatureError('template', 'rooms.get', 'unreachable'));

/** `collab.users` (declared `no`). */
export class TemplateUserService { upsert = no; get = no; list = no; delete = no; }
/** `collab.threads` (declared `no`). */
export class TemplateThreadService { create = no; get = no; list = no; iterate = no; delete = no; resolve = no; unresolve = no; updateMetadata = no; }
/** `collab.comments` (declared `no`). */
export class TemplateCommentService { create = no; get = no; edit = no; delete = no; }
/** `collab.reactions` (declared `no`). */
export class TemplateReactionService { add = no; remove = no; }
/** `collab.presence` (declared `no`). */
export class TemplatePresenceService { list = no; set = no; clear = no; }
/** `collab.notifications` (declared `no`). */
export class TemplateNotificationService { list = no; markRead = no; delete = no; trigger = no; }
/** `collab.auth` (declared `no`). */
export class TemplateAuthService { issueToken = no; }
/** `collab.webhooks` (declared `no`). */
export class TemplateWebhookService { verify = no; subscriptions = { create: no, get: no, list: no, delete: no }; }
/** `collab.events` (declared `no`). */
export class TemplateEventService { broadcast = no; }
