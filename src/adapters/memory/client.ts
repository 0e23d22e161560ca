import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError } from '../../core/errors.js';
import type { CollabEventType } from '../../core/model/event.js';
import {
  type PersistedState,
  PersistedStateSchema,
  type StoredNotification,
  type StoredRoom,
  type StoredSubscription,
  type StoredUser,
} from './schemas.js';

/** The state of one tenant (Liveblocks/Velt organization). */
export interface TenantState {
  rooms: Map<string, StoredRoom>;
  users: Map<string, StoredUser>;
  /** userId -> notificationId -> notification. */
  notifications: Map<string, Map<string, StoredNotification>>;
}

/** Well-known key under which the memory room service exposes its store (for `memoryStoreOf`). */
export const MEMORY_STORE = Symbol.for('unicollab.memory.store');

/** A server-set presence entry. */
export interface StoredPresence {
  userId: string;
  data?: Record<string, unknown>;
  info?: Record<string, unknown>;
  expiresAt: number;
}

/** A change in the store, fanned out to webhook subscriptions. */
export interface MemoryChange {
  type: Exclude<CollabEventType, 'unknown'>;
  tenantId: string;
  roomId?: string;
  threadId?: string;
  commentId?: string;
  userId?: string;
  data?: Record<string, unknown>;
}

/** Listener of room broadcasts. */
export type BroadcastListener = (payload: unknown, roomId: string) => void;

/** Options of the store. */
export interface MemoryStoreOptions {
  /** Keep state in this JSON file. */
  persistPath?: string;
  /** Clock (ms), for presence expiry. */
  now?: () => number;
}

/**
 * The embedded provider's "vendor": all state, id generation, change fan-out, and the optional
 * JSON persistence (the adapter's only I/O). Services hold the rules; this holds the data.
 */
export class MemoryStore {
  readonly tenants = new Map<string, TenantState>();
  readonly subscriptions = new Map<string, StoredSubscription>();
  /** `${tenant}\u0000${roomId}` -> userId -> entry. */
  readonly presence = new Map<string, Map<string, StoredPresence>>();
  readonly now: () => number;
  private seq = 0;
  private readonly changeListeners = new Set<(change: MemoryChange) => void>();
  private readonly broadcastListeners = new Map<string, Set<BroadcastListener>>();
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(private readonly options: MemoryStoreOptions = {}) {
    // Read Date.now at call time (not captured) so fake timers in tests move presence expiry.
    this.now = options.now ?? (() => Date.now());
  }

  /** Monotonic sequence number: the sort key of every listing, so pages are stable. */
  nextSeq(): number {
    return ++this.seq;
  }

  /** A new random id with a readable prefix (`th_`, `cm_`, `in_`...). */
  newId(prefix: string): string {
    return `${prefix}_${randomBytes(12).toString('base64url')}`;
  }

  /** The state of a tenant, created on first use. */
  tenant(tenantId: string): TenantState {
    let t = this.tenants.get(tenantId);
    if (!t) {
      t = { rooms: new Map(), users: new Map(), notifications: new Map() };
      this.tenants.set(tenantId, t);
    }
    return t;
  }

  /** Subscribes to changes (webhook fan-out). */
  onChange(listener: (change: MemoryChange) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Records a mutation: schedules persistence and notifies change listeners. */
  changed(change: MemoryChange | undefined): void {
    this.markDirty();
    if (!change) return;
    for (const listener of this.changeListeners) listener(change);
  }

  /** Subscribes to broadcasts in one room. */
  onBroadcast(tenantId: string, roomId: string, listener: BroadcastListener): () => void {
    const key = `${tenantId}\u0000${roomId}`;
    let set = this.broadcastListeners.get(key);
    if (!set) this.broadcastListeners.set(key, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Delivers a broadcast to the room's listeners; returns how many received it. */
  broadcast(tenantId: string, roomId: string, payload: unknown): number {
    const set = this.broadcastListeners.get(`${tenantId}\u0000${roomId}`);
    if (!set) return 0;
    for (const listener of set) listener(structuredClone(payload), roomId);
    return set.size;
  }

  /** Loads the persisted file if there is one. A corrupt file is a `ConfigError`, never silently discarded. */
  async load(): Promise<void> {
    const path = this.options.persistPath;
    if (!path) return;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new ConfigError(`Cannot read memory persistPath ${path}: ${(err as Error).message}`, { field: 'persistPath', provider: 'memory', cause: err });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(`Memory persistPath ${path} is not valid JSON`, { field: 'persistPath', provider: 'memory', cause: err });
    }
    const parsed = PersistedStateSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ConfigError(`Memory persistPath ${path} is not a unicollab memory state file (at ${issue.path.join('.') || 'root'}: ${issue.message})`, {
        field: 'persistPath',
        provider: 'memory',
      });
    }
    this.restore(parsed.data);
  }

  private restore(state: PersistedState): void {
    this.seq = state.seq;
    for (const [tenantId, t] of Object.entries(state.tenants)) {
      const tenant = this.tenant(tenantId);
      for (const room of t.rooms) tenant.rooms.set(room.id, { ...room, threads: new Map(room.threads.map((th) => [th.id, th])) });
      for (const user of t.users) tenant.users.set(user.id, user);
      for (const n of t.notifications) {
        let inbox = tenant.notifications.get(n.userId);
        if (!inbox) tenant.notifications.set(n.userId, (inbox = new Map()));
        inbox.set(n.id, n);
      }
    }
    for (const sub of state.subscriptions) this.subscriptions.set(sub.id, sub);
  }

  /** The whole state as the persisted JSON shape. */
  snapshot(): PersistedState {
    const tenants: PersistedState['tenants'] = {};
    for (const [tenantId, t] of this.tenants) {
      tenants[tenantId] = {
        rooms: [...t.rooms.values()].map((r) => ({ ...r, threads: [...r.threads.values()] })),
        users: [...t.users.values()],
        notifications: [...t.notifications.values()].flatMap((inbox) => [...inbox.values()]),
      };
    }
    return { format: 'unicollab-memory', version: 1, seq: this.seq, tenants, subscriptions: [...this.subscriptions.values()] };
  }

  private markDirty(): void {
    if (!this.options.persistPath) return;
    this.dirty = true;
    // Coalesce bursts of writes into one file write; close() flushes whatever is pending.
    this.saveTimer ??= setTimeout(() => {
      this.saveTimer = undefined;
      void this.flush();
    }, 25);
    this.saveTimer.unref?.();
  }

  /** Writes pending changes to `persistPath` (atomically: temp file then rename). */
  flush(): Promise<void> {
    const path = this.options.persistPath;
    if (!path) return Promise.resolve();
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
    }
    this.saving = this.saving.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      const tmp = `${path}.${process.pid}.tmp`;
      await mkdir(dirname(path), { recursive: true });
      await writeFile(tmp, JSON.stringify(this.snapshot()));
      await rename(tmp, path);
    });
    return this.saving;
  }
}
