import { inject, injectable } from 'inversify';
import { NotFoundError, UnsupportedFeatureError, ValidationError } from '../../../core/errors.js';
import type { CallOptions, Page, PageRequest } from '../../../core/model/common.js';
import type { UpsertUserInput, User } from '../../../core/model/user.js';
import type { UserService } from '../../../core/services/users.js';
import { DEFAULT_HUB } from '../config.js';
import { HUB_USER_FLAG, userFromKabelwerk } from '../mappers/users.js';
import { KABELWERK_TOKENS, type KabelwerkContext } from './context.js';

/**
 * Users over REST (§1.5.1-§1.5.3). Kabelwerk stores a key and a name. `upsert` renames first and
 * creates on 404, since what Kabelwerk answers for a duplicate key is UNCONFIRMED (§1.5.1). Kabelwerk
 * cannot read or list users.
 */
@injectable()
export class KabelwerkUserService implements UserService {
  constructor(@inject(KABELWERK_TOKENS.Context) private readonly ctx: KabelwerkContext) {}

  async upsert(input: UpsertUserInput, options?: CallOptions): Promise<User> {
    const op = 'users.upsert';
    const flag = input.metadata?.[HUB_USER_FLAG];
    if (flag !== undefined && typeof flag !== 'boolean') {
      throw new ValidationError(`metadata.${HUB_USER_FLAG}`, 'must be true (a hub user) or false (an end user)', { provider: this.ctx.provider, operation: op });
    }
    const tenant = this.ctx.tenantOf(options);
    if (flag === true && tenant === DEFAULT_HUB) {
      throw new ValidationError(`metadata.${HUB_USER_FLAG}`, 'a hub user is created in a hub named by its slug: set hub, or pass tenantId', { provider: this.ctx.provider, operation: op });
    }
    const call = this.ctx.call(options);
    if (input.name !== undefined) {
      const renamed = await this.rename(input.id, input.name, op, options);
      if (renamed) return renamed;
    }
    try {
      return userFromKabelwerk(await this.ctx.client.createUser({ key: input.id, name: input.name ?? input.id, hub: flag === true ? tenant : null }, op, call));
    } catch (err) {
      if (!(err instanceof ValidationError && err.field === 'key')) throw err;
      // The key was taken meanwhile (or, without a name, the user exists and there is nothing to change).
      if (input.name === undefined) return { id: input.id, metadata: {}, raw: undefined };
      const renamed = await this.rename(input.id, input.name, op, options);
      if (renamed) return renamed;
      throw err;
    }
  }

  private async rename(key: string, name: string, op: string, options?: CallOptions): Promise<User | undefined> {
    try {
      return userFromKabelwerk(await this.ctx.client.updateUser(key, { name }, op, this.ctx.call(options)));
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  async get(_id: string, _options?: CallOptions): Promise<User> {
    throw new UnsupportedFeatureError(this.ctx.provider, 'users.get', this.ctx.capabilities.notes['users.get']);
  }

  async list(_query?: PageRequest, _options?: CallOptions): Promise<Page<User>> {
    throw new UnsupportedFeatureError(this.ctx.provider, 'users.list', this.ctx.capabilities.notes['users.list']);
  }

  async delete(id: string, options?: CallOptions): Promise<void> {
    // 404 when there is no such user (sdk-python's DoesNotExist, §1.5.3).
    await this.ctx.client.deleteUser(id, 'users.delete', this.ctx.call(options));
  }
}
