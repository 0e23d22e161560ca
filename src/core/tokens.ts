/**
 * Inversify service identifiers. Apps that use their own container inject services with
 * `@inject(TOKENS.ThreadService)` after `bindCollab(container, config)`.
 */
export const TOKENS = {
  /** The validated `CollabConfig` of the active provider. */
  Config: Symbol.for('unicollab.Config'),
  /** The adapter's `CapabilityDeclaration`. */
  Capabilities: Symbol.for('unicollab.Capabilities'),
  /** The provider id string. */
  ProviderId: Symbol.for('unicollab.ProviderId'),
  /** The optional `CollabLogger`. */
  Logger: Symbol.for('unicollab.Logger'),
  /** The adapter's lifecycle hook (`Closeable`), called by `collab.close()`. */
  Lifecycle: Symbol.for('unicollab.Lifecycle'),
  /** The adapter's vendor client (adapter-specific type). */
  VendorClient: Symbol.for('unicollab.VendorClient'),
  RoomService: Symbol.for('unicollab.RoomService'),
  UserService: Symbol.for('unicollab.UserService'),
  ThreadService: Symbol.for('unicollab.ThreadService'),
  CommentService: Symbol.for('unicollab.CommentService'),
  ReactionService: Symbol.for('unicollab.ReactionService'),
  PresenceService: Symbol.for('unicollab.PresenceService'),
  NotificationService: Symbol.for('unicollab.NotificationService'),
  AuthService: Symbol.for('unicollab.AuthService'),
  WebhookService: Symbol.for('unicollab.WebhookService'),
  EventService: Symbol.for('unicollab.EventService'),
  DocumentService: Symbol.for('unicollab.DocumentService'),
  StorageService: Symbol.for('unicollab.StorageService'),
} as const;

/** Something that holds resources (sockets, timers, files) released by `close()`. */
export interface Closeable {
  /** Releases resources; safe to call twice. */
  close(): Promise<void>;
}
