import { inject, injectable } from 'inversify';
import { NotFoundError } from '../../../core/errors.js';
import type { CallOptions, Page, PageRequest } from '../../../core/model/common.js';
import type { UpsertUserInput, User } from '../../../core/model/user.js';
import type { UserService } from '../../../core/services/users.js';
import { listKey } from '../../../core/paging.js';
import { paginate } from '../mappers/paging.js';
import { toUser } from '../mappers/users.js';
import { copyMetadata } from '../../../core/metadata.js';
import { MEMORY_TOKENS, type MemoryContext } from './context.js';

/** Users of the embedded provider. */
@injectable()
export class MemoryUserService implements UserService {
  constructor(@inject(MEMORY_TOKENS.Context) private readonly ctx: MemoryContext) {}

  async upsert(input: UpsertUserInput, options?: CallOptions): Promise<User> {
    const op = 'users.upsert';
    const users = this.ctx.tenant(options).users;
    const existing = users.get(input.id);
    const user = existing ?? { id: input.id, seq: this.ctx.store.nextSeq(), metadata: {} };
    if (input.name !== undefined) user.name = input.name;
    if (input.email !== undefined) user.email = input.email;
    if (input.avatarUrl !== undefined) user.avatarUrl = input.avatarUrl;
    if (input.metadata !== undefined) user.metadata = copyMetadata(input.metadata);
    users.set(user.id, user);
    this.ctx.touchedUser(user.id, options);
    await this.ctx.commit(op);
    return toUser(user);
  }

  async get(id: string, options?: CallOptions): Promise<User> {
    const op = 'users.get';
    const user = this.ctx.tenant(options).users.get(id);
    if (!user) throw new NotFoundError(`User ${JSON.stringify(id)} not found`, { provider: 'memory', operation: op, vendorCode: 'USER_NOT_FOUND' });
    return toUser(user);
  }

  async list(query: PageRequest = {}, options?: CallOptions): Promise<Page<User>> {
    const op = 'users.list';
    return paginate(this.ctx.tenant(options).users.values(), query, toUser, { operation: op, list: listKey('users', this.ctx.tenantOf(options)) });
  }

  async delete(id: string, options?: CallOptions): Promise<void> {
    const op = 'users.delete';
    const users = this.ctx.tenant(options).users;
    if (!users.delete(id)) {
      throw new NotFoundError(`User ${JSON.stringify(id)} not found`, { provider: 'memory', operation: op, vendorCode: 'USER_NOT_FOUND' });
    }
    this.ctx.touchedUser(id, options);
    await this.ctx.commit(op);
  }
}
