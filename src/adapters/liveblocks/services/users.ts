import { inject, injectable } from 'inversify';
import { UnsupportedFeatureError } from '../../../core/errors.js';
import type { CallOptions, Page, PageRequest } from '../../../core/model/common.js';
import type { UpsertUserInput, User } from '../../../core/model/user.js';
import type { UserService } from '../../../core/services/users.js';
import { LIVEBLOCKS_TOKENS, type LiveblocksContext } from './context.js';

/**
 * Liveblocks keeps no users: user ids and info come from your app (in tokens from `auth.issueToken`
 * and in presence). Every method throws `UnsupportedFeatureError`, before any request.
 */
@injectable()
export class LiveblocksUserService implements UserService {
  constructor(@inject(LIVEBLOCKS_TOKENS.Context) private readonly ctx: LiveblocksContext) {}

  async upsert(_input: UpsertUserInput, _options?: CallOptions): Promise<User> {
    return this.unsupported('users.upsert');
  }

  async get(_id: string, _options?: CallOptions): Promise<User> {
    return this.unsupported('users.get');
  }

  async list(_query?: PageRequest, _options?: CallOptions): Promise<Page<User>> {
    return this.unsupported('users.list');
  }

  async delete(_id: string, _options?: CallOptions): Promise<void> {
    return this.unsupported('users.delete');
  }

  private unsupported(key: 'users.upsert' | 'users.get' | 'users.list' | 'users.delete'): never {
    // The guard refuses these first (declared `no`); without it there is still no endpoint to call.
    throw new UnsupportedFeatureError(this.ctx.provider, key, 'Liveblocks has no user store');
  }
}
