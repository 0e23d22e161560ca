import { describe, expect, it } from 'vitest';
import { CAPABILITY_KEYS, type CapabilityKey, type CapabilityMap, defineCapabilities } from '../../src/core/capabilities.js';
import { createCollab, type Collab } from '../../src/collab.js';
import { NotFoundError } from '../../src/core/errors.js';
import { guardService } from '../../src/core/guard.js';
import { SERVICE_TOKENS } from '../../src/core/container.js';
import type { ServiceName } from '../../src/core/adapter.js';
import type { Page } from '../../src/core/model/common.js';
import type { Room } from '../../src/core/model/room.js';
import type { Thread } from '../../src/core/model/thread.js';
import type { RoomService } from '../../src/core/services/rooms.js';
import type { ThreadService } from '../../src/core/services/threads.js';
import { CONFORMANCE_GROUPS, type ConformanceOptions, type ConformanceResult, conformanceChecks, type GroupName, planConformance, runConformance } from '../../src/testing/index.js';
import { memoryProbe } from '../adapters/memory/conformance/memory-probe.js';

// Proves the suite catches broken adapters: each wrapper below breaks one promise of the interfaces
// around a correct memory collab, and the suite must report at least one failed check for it.

function delegateRooms(rooms: RoomService, overrides: Partial<RoomService>): RoomService {
  return {
    create: (...a) => rooms.create(...a),
    get: (...a) => rooms.get(...a),
    list: (...a) => rooms.list(...a),
    iterate: (...a) => rooms.iterate(...a),
    update: (...a) => rooms.update(...a),
    delete: (...a) => rooms.delete(...a),
    ...overrides,
  };
}

function delegateThreads(threads: ThreadService, overrides: Partial<ThreadService>): ThreadService {
  return {
    create: (...a) => threads.create(...a),
    get: (...a) => threads.get(...a),
    list: (...a) => threads.list(...a),
    iterate: (...a) => threads.iterate(...a),
    delete: (...a) => threads.delete(...a),
    resolve: (...a) => threads.resolve(...a),
    unresolve: (...a) => threads.unresolve(...a),
    updateMetadata: (...a) => threads.updateMetadata(...a),
    ...overrides,
  };
}

function withServices(collab: Collab, patch: Partial<Collab>): Collab {
  return { ...collab, ...patch, close: () => collab.close() };
}

const broken: Record<string, { groups: GroupName[]; wrap: (c: Collab) => Collab; expectFailed: string[]; probe?: boolean }> = {
  'drops room metadata on create': {
    groups: ['rooms'],
    expectFailed: ['rooms.roundtrip'],
    wrap: (c) => withServices(c, { rooms: delegateRooms(c.rooms, { create: ({ metadata: _dropped, ...input }, o) => c.rooms.create(input, o) }) }),
  },
  'swallows NotFound on rooms.get (returns a fake room)': {
    groups: ['rooms', 'errors'],
    expectFailed: ['rooms.get-missing', 'rooms.delete', 'errors.not-found-shape'],
    wrap: (c) =>
      withServices(c, {
        rooms: delegateRooms(c.rooms, {
          get: async (id, o) => {
            try {
              return await c.rooms.get(id, o);
            } catch (err) {
              if (err instanceof NotFoundError) return { id, metadata: {}, raw: {} };
              throw err;
            }
          },
        }),
      }),
  },
  'repeats an item across pages': {
    groups: ['rooms'],
    expectFailed: ['rooms.list-pagination'],
    wrap: (c) => {
      const lastOfPage = new Map<string, Room>();
      return withServices(c, {
        rooms: delegateRooms(c.rooms, {
          list: async (query = {}, o) => {
            const page: Page<Room> = await c.rooms.list(query, o);
            const repeated = query.cursor ? lastOfPage.get(query.cursor) : undefined;
            if (page.nextCursor && page.items.length > 0) lastOfPage.set(page.nextCursor, page.items[page.items.length - 1]!);
            return repeated ? { ...page, items: [repeated, ...page.items].slice(0, Math.max(1, query.limit ?? Infinity)) } : page;
          },
        }),
      });
    },
  },
  'declares threads.resolve "no" but still resolves (a silent no-op guard)': {
    groups: ['threads'],
    expectFailed: ['threads.unsupported-threads.resolve'],
    wrap: (c) => withServices(c, { capabilities: { ...c.capabilities, 'threads.resolve': 'no' } as CapabilityMap }),
  },
  'fakes resolve in its own cache without telling the vendor (only the probe sees it)': {
    groups: ['threads'],
    probe: true,
    expectFailed: ['threads.resolve'],
    wrap: (c) => {
      const fake = new Map<string, boolean>();
      const key = (roomId: string, threadId: string) => `${roomId}/${threadId}`;
      const patch = (t: Thread) => (fake.has(key(t.roomId, t.id)) ? { ...t, resolved: fake.get(key(t.roomId, t.id))! } : t);
      return withServices(c, {
        threads: delegateThreads(c.threads, {
          get: async (...a) => patch(await c.threads.get(...a)),
          resolve: async (roomId, threadId) => {
            fake.set(key(roomId, threadId), true);
            return patch(await c.threads.get(roomId, threadId));
          },
          unresolve: async (roomId, threadId) => {
            fake.set(key(roomId, threadId), false);
            return patch(await c.threads.get(roomId, threadId));
          },
        }),
      });
    },
  },
};

function summary(results: ConformanceResult[]): string {
  return results
    .filter((r) => r.status !== 'passed')
    .map((r) => `${r.status} ${r.id}${r.reason ? ` (${r.reason})` : ''}${r.error ? `: ${(r.error as Error).message?.split('\n')[0]}` : ''}`)
    .join('\n');
}

async function run(groups: GroupName[], wrap: (c: Collab) => Collab, withProbe: boolean): Promise<ConformanceResult[]> {
  let current: Collab | undefined;
  const options: ConformanceOptions = {
    name: 'self-test',
    create: async () => (current = wrap(await createCollab())),
    only: groups,
    settleMs: 200,
    timeoutMs: 10_000,
  };
  if (withProbe) options.probe = memoryProbe(() => current!);
  return runConformance(options);
}

describe('conformance suite self-test', () => {
  it('passes on the correct memory adapter (control)', async () => {
    const results = await run(['rooms', 'threads', 'errors'], (c) => c, true);
    expect(results.filter((r) => r.status === 'passed').length).toBeGreaterThan(10);
    expect(results.filter((r) => r.status === 'failed'), summary(results)).toEqual([]);
  });

  for (const [name, b] of Object.entries(broken)) {
    it(`fails on an adapter that ${name}`, async () => {
      const results = await run(b.groups, b.wrap, b.probe ?? false);
      const failed = results.filter((r) => r.status === 'failed').map((r) => r.id);
      expect(failed.length, summary(results)).toBeGreaterThan(0);
      for (const id of b.expectFailed) expect(failed, summary(results)).toContain(id);
    });
  }

  it('passes the unsupported checks of a correctly guarded adapter that declares every capability "no"', async () => {
    const declaration = defineCapabilities(Object.fromEntries(CAPABILITY_KEYS.map((k) => [k, 'no'])) as Record<CapabilityKey, 'no'>);
    const guarded = (c: Collab): Collab => {
      const services = Object.keys(SERVICE_TOKENS) as ServiceName[];
      const patch: Record<string, unknown> = { capabilities: declaration.levels, capabilityNotes: declaration.notes };
      for (const name of services) patch[name] = guardService(name, c[name] as object, c.provider, declaration);
      return withServices(c, patch as Partial<Collab>);
    };
    const results = await run([...CONFORMANCE_GROUPS], guarded, true);
    const unsupported = results.filter((r) => r.id.includes('.unsupported-'));
    expect(unsupported.map((r) => r.id).sort()).toEqual(CAPABILITY_KEYS.map((k) => `${k.split('.')[0]}.unsupported-${k}`).sort());
    expect(results.filter((r) => r.status === 'failed'), summary(results)).toEqual([]);
    expect(unsupported.every((r) => r.status === 'passed'), summary(results)).toBe(true);
    // Everything else is skipped with a reason naming the missing capability.
    for (const r of results.filter((x) => !x.id.includes('.unsupported-') && x.id !== 'capabilities.declaration' && x.id !== 'errors.no-secrets')) {
      expect(r.status, r.id).toBe('skipped');
      expect(r.reason, r.id).toMatch(/declared no/);
    }
  });

  it('the probe is what catches the faked resolve: without it the same adapter passes threads.resolve', async () => {
    const b = broken['fakes resolve in its own cache without telling the vendor (only the probe sees it)']!;
    const results = await run(b.groups, b.wrap, false);
    expect(results.find((r) => r.id === 'threads.resolve')?.status).toBe('passed');
  });
});

describe('conformance planning', () => {
  const all = Object.fromEntries(CAPABILITY_KEYS.map((k) => [k, 'yes'])) as CapabilityMap;

  it('lists skipped checks with the reason instead of hiding them', () => {
    const planned = planConformance({ ...all, 'presence.set': 'no' }, { skip: { 'notifications.mention': 'vendor sends mentions by e-mail only' } });
    const mention = planned.find((p) => p.check.id === 'notifications.mention');
    expect(mention?.skipReason).toContain('vendor sends mentions by e-mail only');
    const expiry = planned.find((p) => p.check.id === 'presence.expiry');
    expect(expiry?.skipReason).toContain('presence.set');
    expect(planned.find((p) => p.check.id === 'presence.unsupported-presence.set')?.skipReason).toBeUndefined();
    expect(planned.some((p) => p.check.id === 'threads.unsupported-threads.resolve')).toBe(false);
    expect(planned.find((p) => p.check.id === 'webhooks.delivery')?.skipReason).toContain('probe.webhooksReachLocalhost');
  });

  it('rejects unknown skip keys and groups so a typo cannot hide a check', () => {
    expect(() => planConformance(all, { skip: { 'presense.expiry': 'typo' } })).toThrow(/presense\.expiry/);
    expect(() => planConformance(all, { only: ['room' as GroupName] })).toThrow(/room/);
  });

  it('every check id is unique and starts with its group', () => {
    const ids = conformanceChecks.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of conformanceChecks) expect(c.id.startsWith(`${c.group}.`)).toBe(true);
  });
});
