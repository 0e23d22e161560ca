/**
 * Velt self-hosted data: a backend for the URL-mode "data providers" of Velt's front-end SDK, so
 * comment text/HTML, reaction icons, attachment files, user profiles and custom notifications stay
 * in your own database (see docs/vendors/velt-self-hosting.md). Re-exported by `unicollab/velt` (not
 * an index.ts: the ./* export pattern must not publish nested modules).
 */
export {
  createVeltDataProviderHandler,
  VELT_DATA_PROVIDER_ROUTES,
  type VeltDataProviderHandler,
  type VeltDataProviderHandlerOptions,
  type VeltDataProviderRoute,
  type VeltAuthorizeContext,
} from './handler.js';
export { toNodeHandler, type NodeRequestListener } from './node.js';
export {
  createMemoryVeltContentStore,
  type VeltContentStore,
  type VeltAnnotationCollection,
  type VeltAnnotationQuery,
  type VeltAttachmentCollection,
  type VeltAttachmentRecord,
  type VeltKeyedCollection,
  type VeltCommentCollection,
  type VeltCommentPut,
} from './store.js';
export {
  createPostgresVeltContentStore,
  VELT_POSTGRES_MIGRATIONS,
  type PostgresVeltContentStore,
  type PostgresVeltContentStoreOptions,
  type PgPoolLike,
  type PgQueryable,
} from './postgres-store.js';
export { createFileSystemVeltBlobStore, isSafeBlobKey, type VeltBlobStore, type FileSystemVeltBlobStoreOptions } from './blobs.js';
export type * from './types.js';
