import { inject, injectable } from 'inversify';
import { ConflictError, NotFoundError, TOKENS, type Room } from 'unicollab';
import type { ParsedTemplateConfig } from './config.js';

/** Adapter-internal tokens. */
export const TEMPLATE_TOKENS = { Store: Symbol.for('unicollab.template.Store') } as const;

/** The "vendor": a map of rooms, kept per collab. */
export class TemplateStore {
  readonly rooms = new Map<string, Room>();
  /** Nothing to release; listed in the definition's lifecycle to show how a closeable is declared. */
  async close(): Promise<void> {
    this.rooms.clear();
  }
}

const copy = (room: Room): Room => ({ ...room, metadata: { ...room.metadata } });

/** `collab.rooms` of the template: ids in creation order, cursors are offsets. */
@injectable()
export class TemplateRoomService {
  private readonly provider: string;

  constructor(
    @inject(TEMPLATE_TOKENS.Store) private readonly store: TemplateStore,
    @inject(TOKENS.Config) config: ParsedTemplateConfig,
  ) {
    this.provider = config.provider;
  }

  async create(input: { id: string; name?: string; metadata?: Record<string, unknown>; idempotent?: boolean }): Promise<Room> {
    const existing = this.store.rooms.get(input.id);
    if (existing) {
      if (input.idempotent) return copy(existing);
      throw new ConflictError(`Room "${input.id}" exists`, { provider: this.provider, operation: 'rooms.create' });
    }
    const room = { id: input.id, ...(input.name !== undefined ? { name: input.name } : {}), metadata: { ...input.metadata }, createdAt: new Date(), raw: {} } as Room;
    this.store.rooms.set(room.id, room);
    return copy(room);
  }

  async get(id: string): Promise<Room> {
    return copy(this.find(id, 'rooms.get'));
  }

  async list(query: { limit?: number; cursor?: string } = {}): Promise<{ items: Room[]; nextCursor: string | null }> {
    const all = [...this.store.rooms.values()];
    const from = query.cursor ? Number(query.cursor) : 0;
    const to = from + (query.limit ?? 50);
    return { items: all.slice(from, to).map(copy), nextCursor: to < all.length ? String(to) : null };
  }

  async *iterate(filter: { pageSize?: number } = {}): AsyncIterable<Room> {
    let cursor: string | undefined;
    do {
      const page = await this.list({ limit: filter.pageSize ?? 50, ...(cursor ? { cursor } : {}) });
      yield* page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  async update(id: string, patch: { name?: string; metadata?: Record<string, unknown> }): Promise<Room> {
    const room = this.find(id, 'rooms.update');
    if (patch.name !== undefined) room.name = patch.name;
    for (const [key, value] of Object.entries(patch.metadata ?? {})) {
      if (value === null) delete room.metadata[key];
      else room.metadata[key] = value as never;
    }
    return copy(room);
  }

  async delete(id: string): Promise<void> {
    this.store.rooms.delete(id);
  }

  private find(id: string, operation: string): Room {
    const room = this.store.rooms.get(id);
    if (!room) throw new NotFoundError(`Room "${id}" not found`, { provider: this.provider, operation });
    return room;
  }
}
