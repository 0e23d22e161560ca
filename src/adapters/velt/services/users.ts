import { inject, injectable } from 'inversify';
import { NotFoundError } from '../../../core/errors.js';
import type { CallOptions, Page, PageRequest } from '../../../core/model/common.js';
import type { UpsertUserInput, User } from '../../../core/model/user.js';
import type { UserService } from '../../../core/services/users.js';
import { assertBatchSucceeded } from '../errors.js';
import { assertNoReservedKeys, metadataDiff, pickMetadata, USER_RESERVED_KEYS } from '../mappers/metadata.js';
import { toUser } from '../mappers/users.js';
import type { VeltUser, VeltUserRef } from '../schemas.js';
import { VELT_TOKENS, type VeltContext } from './context.js';

/**
 * Users of the organization (§6, organization level). `avatarUrl` is `photoUrl`; user metadata is stored
 * as extra user fields. `upsert` reads the user, then adds or updates it (Velt has no upsert endpoint).
 */
@injectable()
export class VeltUserService implements UserService {
  constructor(@inject(VELT_TOKENS.Context) private readonly ctx: VeltContext) {}

  async upsert(input: UpsertUserInput, options?: CallOptions): Promise<User> {
    const op = 'users.upsert';
    assertNoReservedKeys(input.metadata, USER_RESERVED_KEYS, 'metadata', op);
    const org = this.ctx.tenantOf(options);
    const existing = await this.find(input.id, op, options);
    const user: VeltUserRef & Record<string, unknown> = { userId: input.id };
    if (input.name !== undefined) user.name = input.name;
    if (input.email !== undefined) user.email = input.email;
    if (input.avatarUrl !== undefined) user.photoUrl = input.avatarUrl;
    if (existing) {
      // `metadata` replaces the user's metadata: keys no longer present are cleared with `null`.
      if (input.metadata !== undefined) Object.assign(user, metadataDiff(pickMetadata(existing, USER_RESERVED_KEYS), input.metadata));
      assertBatchSucceeded(await this.ctx.client.updateUsers({ organizationId: org, users: [user] }, op, this.ctx.call(options)), op);
    } else {
      Object.assign(user, input.metadata ?? {});
      const result = await this.ctx.client.addUsers(
        { organizationId: org, users: [user], ...(this.ctx.config.createMissing ? { createOrganization: true } : {}) },
        op,
        this.ctx.call(options),
      );
      assertBatchSucceeded(result, op);
    }
    const stored = await this.find(input.id, op, options);
    if (!stored) throw new NotFoundError(`velt ${op}: user ${JSON.stringify(input.id)} is not readable after the write`, { provider: 'velt', operation: op });
    return toUser(stored);
  }

  async get(id: string, options?: CallOptions): Promise<User> {
    const op = 'users.get';
    const user = await this.find(id, op, options);
    if (!user) throw new NotFoundError(`velt ${op}: user ${JSON.stringify(id)} not found`, { provider: 'velt', operation: op, vendorCode: 'NOT_FOUND' });
    return toUser(user);
  }

  async list(query: PageRequest = {}, options?: CallOptions): Promise<Page<User>> {
    const op = 'users.list';
    const org = this.ctx.tenantOf(options);
    return this.ctx.scan({
      operation: op,
      limit: query.limit,
      cursor: query.cursor,
      fetchPage: (pageToken, pageSize) => this.ctx.client.getUsers({ organizationId: org, pageSize, ...(pageToken ? { pageToken } : {}) }, op, this.ctx.call(options)),
      map: toUser,
    });
  }

  async delete(id: string, options?: CallOptions): Promise<void> {
    const op = 'users.delete';
    const result = await this.ctx.client.deleteUsers({ organizationId: this.ctx.tenantOf(options), userIds: [id] }, op, this.ctx.call(options));
    // An unknown user is a per-item "User does not exist." (§6.4): NotFoundError.
    assertBatchSucceeded(result, op);
  }

  private async find(id: string, op: string, options?: CallOptions): Promise<VeltUser | undefined> {
    const users = await this.ctx.client.getUsersByIds(this.ctx.tenantOf(options), [id], op, this.ctx.call(options));
    return users.find((u) => u.userId === id);
  }
}
