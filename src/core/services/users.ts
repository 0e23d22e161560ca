import type { CallOptions, Page, PageRequest } from '../model/common.js';
import type { UpsertUserInput, User } from '../model/user.js';

/** Users stored by the provider (where it has a user store). */
export interface UserService {
  /** Creates the user, or updates the fields given when it exists. */
  upsert(input: UpsertUserInput, options?: CallOptions): Promise<User>;
  /** Gets a user. `NotFoundError` when unknown. */
  get(id: string, options?: CallOptions): Promise<User>;
  /** Lists one page of users. */
  list(query?: PageRequest, options?: CallOptions): Promise<Page<User>>;
  /** Deletes a user. `NotFoundError` when unknown. */
  delete(id: string, options?: CallOptions): Promise<void>;
}
