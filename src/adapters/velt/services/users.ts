import { inject, injectable } from 'inversify';
import { NotFoundError } from '../../../core/errors.js';
import type { CallOptions, Page, PageRequest } from '../../../core/model/common.js';
import type { UpsertUserInput, User } from '../../../core/model/user.js';
import type { UserService } from '../../../core/services/users.js';
import { assertBatchSucceeded } from '../errors.js';
import { assertNoReservedKeys, metadataDiff, pickMetadata, USER_RESERVED_KEYS } from '../mappers/metadata.js';
import { toUser } from '../mappers/users.js';
import type { VeltUser, VeltUserRef } from '../schemas.js';
import { splitUser } from '../self-hosting/content.js';
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
    if (this.ctx.selfHosted) return this.upsertSelfHosted(input, user, existing, options);
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

  /**
   * Self-hosted `users.upsert`: the profile (name, email, photoUrl) goes to the store first, then Velt gets
   * the user with its metadata fields and no profile (Velt keeps `{ userId }`, §1.9). A retry writes the
   * same values again.
   */
  private async upsertSelfHosted(input: UpsertUserInput, user: VeltUserRef & Record<string, unknown>, existing: VeltUser | undefined, options?: CallOptions): Promise<User> {
    const op = 'users.upsert';
    const sh = this.ctx.selfHosted!;
    const org = this.ctx.tenantOf(options);
    const stored = (await sh.store.users.get(org, [input.id]))[input.id];
    const { velt, profile } = splitUser(user, stored);
    if (existing) {
      if (input.metadata !== undefined) Object.assign(velt, metadataDiff(pickMetadata(existing, USER_RESERVED_KEYS), input.metadata));
    } else {
      Object.assign(velt, input.metadata ?? {});
    }
    await sh.write({
      operation: op,
      written: [`store:users/${input.id}`],
      failedId: `velt:users/${input.id}`,
      store: () => sh.store.users.upsert(org, [profile]),
      rollback: async () => {
        if (stored) await sh.store.users.upsert(org, [stored]);
        else await sh.store.users.delete(org, input.id);
      },
      rest: async () => {
        const result = existing
          ? Object.keys(velt).length > 1
            ? await this.ctx.client.updateUsers({ organizationId: org, users: [velt] }, op, this.ctx.call(options))
            : {}
          : await this.ctx.client.addUsers({ organizationId: org, users: [velt], ...(this.ctx.config.createMissing ? { createOrganization: true } : {}) }, op, this.ctx.call(options));
        assertBatchSucceeded(result, op);
      },
    });
    const after = await this.find(input.id, op, options);
    if (!after) throw new NotFoundError(`velt ${op}: user ${JSON.stringify(input.id)} is not readable after the write`, { provider: 'velt', operation: op });
    return toUser(after);
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
      fetchPage: async (pageToken, pageSize) => {
        const page = await this.ctx.client.getUsers({ organizationId: org, pageSize, ...(pageToken ? { pageToken } : {}) }, op, this.ctx.call(options));
        // Self-hosted: profiles come from the store, one read per page.
        return this.ctx.selfHosted ? { ...page, items: await this.ctx.selfHosted.mergeUsers(org, page.items) } : page;
      },
      map: toUser,
    });
  }

  async delete(id: string, options?: CallOptions): Promise<void> {
    const op = 'users.delete';
    const org = this.ctx.tenantOf(options);
    const rest = async (): Promise<void> => {
      const result = await this.ctx.client.deleteUsers({ organizationId: org, userIds: [id] }, op, this.ctx.call(options));
      // An unknown user is a per-item "User does not exist." (§6.4): NotFoundError.
      assertBatchSucceeded(result, op);
    };
    const sh = this.ctx.selfHosted;
    if (!sh) return rest();
    const stored = (await sh.store.users.get(org, [id]))[id];
    await sh.write({
      operation: op,
      written: [`store:users/${id} (deleted)`],
      failedId: `velt:users/${id}`,
      store: async () => {
        await sh.store.users.delete(org, id);
      },
      rollback: async () => {
        if (stored) await sh.store.users.upsert(org, [stored]);
      },
      rest,
    });
  }

  private async find(id: string, op: string, options?: CallOptions): Promise<VeltUser | undefined> {
    const org = this.ctx.tenantOf(options);
    const users = await this.ctx.client.getUsersByIds(org, [id], op, this.ctx.call(options));
    const user = users.find((u) => u.userId === id);
    if (!user || !this.ctx.selfHosted) return user;
    return (await this.ctx.selfHosted.mergeUsers(org, [user]))[0];
  }
}
