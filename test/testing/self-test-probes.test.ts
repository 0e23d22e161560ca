import { describe, expect, it } from 'vitest';
import type { CapabilityMap } from '../../src/core/capabilities.js';
import { createCollab, type Collab } from '../../src/collab.js';
import { ValidationError } from '../../src/core/errors.js';
import type { Comment } from '../../src/core/model/comment.js';
import type { Notification } from '../../src/core/model/notification.js';
import type { Room } from '../../src/core/model/room.js';
import type { WebhookSubscription } from '../../src/core/model/event.js';
import { memoryStoreOf } from '../../src/adapters/memory/index.js';
import { type ConformanceOptions, type ConformanceResult, type GroupName, runConformance } from '../../src/testing/index.js';
import { textBody } from '../../src/testing/helpers.js';
import { memoryProbe } from '../adapters/memory/conformance/memory-probe.js';

// Issue 15: checks an adapter could pass by agreeing with itself. Each wrapper below breaks one thing
// around a correct memory collab, in a way the adapter's own answers hide; the strengthened suite must
// fail the named check. Where the probe is what catches it, the same adapter passes without the probe.

const SECRET = 'self-test-token-secret-0123456789abcdef';

/** A copy of `service` whose methods are bound to it, with some replaced. */
function delegate<T extends object>(service: T, overrides: Partial<T>): T {
  return new Proxy(service, {
    get(target, key, receiver) {
      if (key in overrides) return (overrides as Record<PropertyKey, unknown>)[key];
      const value = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function withServices(collab: Collab, patch: Partial<Collab>): Collab {
  return { ...collab, ...patch, close: () => collab.close() };
}

interface Broken {
  groups: GroupName[];
  wrap: (c: Collab) => Collab;
  /** Checks that must fail with the probe. */
  expectFailed: string[];
  /** Checks that pass on the same adapter without the probe (the probe is what catches it). */
  passWithoutProbe?: string[];
}

const broken: Record<string, Broken> = {
  'stores a different reply body than it returns (comments.create-reply reads the vendor)': {
    groups: ['comments'],
    expectFailed: ['comments.create-reply'],
    passWithoutProbe: ['comments.create-reply'],
    wrap: (c) => {
      const shown = new Map<string, Comment['body']>();
      const patch = (x: Comment) => (shown.has(x.id) ? { ...x, body: shown.get(x.id)! } : x);
      return withServices(c, {
        comments: delegate(c.comments, {
          create: async (input, o) => {
            const created = await c.comments.create({ ...input, body: textBody('something else entirely') }, o);
            shown.set(created.id, input.body);
            return patch(created);
          },
          get: async (...a) => patch(await c.comments.get(...a)),
        }),
      });
    },
  },
  'edits a comment through another thread, then reports NotFound (comments.other-thread reads the vendor)': {
    groups: ['comments'],
    expectFailed: ['comments.other-thread'],
    passWithoutProbe: ['comments.other-thread'],
    wrap: (c) => {
      const original = new Map<string, Comment['body']>();
      return withServices(c, {
        comments: delegate(c.comments, {
          edit: async (roomId, threadId, commentId, patch, o) => {
            try {
              return await c.comments.edit(roomId, threadId, commentId, patch, o);
            } catch (err) {
              const room = memoryStoreOf(c)!.tenant('default').rooms.get(roomId);
              const owner = [...(room?.threads.values() ?? [])].find((t) => t.comments.some((x) => x.id === commentId));
              if (owner && owner.id !== threadId) {
                original.set(commentId, (await c.comments.get(roomId, owner.id, commentId)).body);
                await c.comments.edit(roomId, owner.id, commentId, patch, o);
              }
              throw err;
            }
          },
          get: async (...a) => {
            const got = await c.comments.get(...a);
            return original.has(got.id) ? { ...got, body: original.get(got.id)!, editedAt: undefined } : got;
          },
        }),
      });
    },
  },
  'fakes triggered notifications in its own cache (notifications.trigger-custom reads the vendor)': {
    groups: ['notifications'],
    expectFailed: ['notifications.trigger-custom'],
    passWithoutProbe: ['notifications.trigger-custom'],
    wrap: (c) => {
      const fakes = new Map<string, Notification[]>();
      let n = 0;
      return withServices(c, {
        notifications: delegate(c.notifications, {
          trigger: async (input) => {
            const list = fakes.get(input.userId) ?? [];
            list.unshift({
              id: `fake-${++n}`,
              userId: input.userId,
              kind: 'custom',
              customKind: input.kind,
              subjectId: input.subjectId,
              ...(input.roomId ? { roomId: input.roomId } : {}),
              ...(input.data ? { data: input.data } : {}),
              notifiedAt: new Date(),
              readAt: null,
              raw: {},
            } as Notification);
            fakes.set(input.userId, list);
          },
          list: async (userId, query, o) => {
            const page = await c.notifications.list(userId, query, o);
            return query?.cursor ? page : { ...page, items: [...(fakes.get(userId) ?? []), ...page.items] };
          },
        }),
      });
    },
  },
  'keeps a new room name in its own cache (rooms.update-name reads the vendor)': {
    groups: ['rooms'],
    expectFailed: ['rooms.update-name'],
    passWithoutProbe: ['rooms.update-name'],
    wrap: (c) => {
      const names = new Map<string, string>();
      const patch = (r: Room) => (names.has(r.id) ? { ...r, name: names.get(r.id)! } : r);
      return withServices(c, {
        rooms: delegate(c.rooms, {
          update: async (id, { name, ...rest }, o) => {
            if (name !== undefined) names.set(id, name);
            return patch(Object.keys(rest).length > 0 ? await c.rooms.update(id, rest, o) : await c.rooms.get(id, o));
          },
          get: async (...a) => patch(await c.rooms.get(...a)),
        }),
      });
    },
  },
  'keeps an updated user name in its own cache (users.upsert-update reads the vendor)': {
    groups: ['users'],
    expectFailed: ['users.upsert-update'],
    passWithoutProbe: ['users.upsert-update'],
    wrap: (c) => {
      const names = new Map<string, string>();
      const patchName = <U extends { id: string; name?: string | undefined }>(u: U): U => (names.has(u.id) ? { ...u, name: names.get(u.id)! } : u);
      return withServices(c, {
        users: delegate(c.users, {
          upsert: async (input, o) => {
            const exists = await c.users.get(input.id).then(
              () => true,
              () => false,
            );
            if (!exists || input.name === undefined) return c.users.upsert(input, o);
            names.set(input.id, input.name);
            const { name: _kept, ...rest } = input;
            return patchName(await c.users.upsert(rest, o));
          },
          get: async (...a) => patchName(await c.users.get(...a)),
        }),
      });
    },
  },
  'subscribes another URL than it reports (webhooks.subscriptions-roundtrip reads the vendor)': {
    groups: ['webhooks'],
    expectFailed: ['webhooks.subscriptions-roundtrip'],
    passWithoutProbe: ['webhooks.subscriptions-roundtrip'],
    wrap: (c) => {
      const urls = new Map<string, string>();
      const patch = <S extends WebhookSubscription>(s: S): S => (urls.has(s.id) ? { ...s, url: urls.get(s.id)! } : s);
      const subscriptions = delegate(c.webhooks.subscriptions, {
        create: async (input, o) => {
          const created = await c.webhooks.subscriptions.create({ ...input, url: `${input.url}-elsewhere` }, o);
          urls.set(created.id, input.url);
          return patch(created);
        },
        get: async (...a) => patch(await c.webhooks.subscriptions.get(...a)),
        list: async (...a) => (await c.webhooks.subscriptions.list(...a)).map(patch),
      });
      return withServices(c, { webhooks: delegate(c.webhooks, { subscriptions }) });
    },
  },
  'grants write where read was asked (auth.issue-token decodes the token)': {
    groups: ['auth'],
    expectFailed: ['auth.issue-token'],
    passWithoutProbe: ['auth.issue-token'],
    wrap: (c) =>
      withServices(c, {
        auth: delegate(c.auth, {
          issueToken: (input, o) =>
            c.auth.issueToken({ ...input, ...(input.rooms ? { rooms: Object.fromEntries(Object.keys(input.rooms).map((k) => [k, 'write' as const])) } : {}) }, o),
        }),
      }),
  },
  'drops threadId from verified webhook events (webhooks.delivery requires the implied ids)': {
    groups: ['webhooks'],
    expectFailed: ['webhooks.delivery', 'webhooks.delivery-comment'],
    wrap: (c) =>
      withServices(c, {
        webhooks: delegate(c.webhooks, {
          verify: async (...a) => {
            const { threadId: _dropped, ...event } = await c.webhooks.verify(...a);
            return event;
          },
        }),
      }),
  },
  'leaves a secret in the raw of listed notifications (errors.no-secrets scans every service)': {
    groups: ['errors'],
    expectFailed: ['errors.no-secrets'],
    wrap: (c) =>
      withServices(c, {
        notifications: delegate(c.notifications, {
          list: async (...a) => {
            const page = await c.notifications.list(...a);
            return { ...page, items: page.items.map((n) => ({ ...n, raw: { ...(n.raw as object), headers: { authorization: `Bearer ${SECRET}` } } })) };
          },
        }),
      }),
  },
  'records no resolver when resolving (threads.resolve checks who resolved)': {
    groups: ['threads'],
    expectFailed: ['threads.resolve'],
    passWithoutProbe: ['threads.resolve'],
    wrap: (c) => withServices(c, { threads: delegate(c.threads, { resolve: (roomId, threadId, o) => c.threads.resolve(roomId, threadId, { ...o, userId: 'uc-nobody' }) }) }),
  },
  'declares presence.list "no" and sets nothing (presence.set-probe runs without list)': {
    groups: ['presence'],
    expectFailed: ['presence.set-probe'],
    wrap: (c) =>
      withServices(c, {
        capabilities: { ...c.capabilities, 'presence.list': 'no' } as CapabilityMap,
        presence: delegate(c.presence, { set: async () => undefined }),
      }),
  },
  'declares presence.list "no" and clears nothing (presence.clear-probe runs without list)': {
    groups: ['presence'],
    expectFailed: ['presence.clear-probe'],
    wrap: (c) =>
      withServices(c, {
        capabilities: { ...c.capabilities, 'presence.list': 'no' } as CapabilityMap,
        presence: delegate(c.presence, { clear: async () => undefined }),
      }),
  },
  'declares rooms.access partial, refuses default read and stores write as read (each level runs separately)': {
    groups: ['rooms'],
    expectFailed: ['rooms.access-default-write'],
    wrap: (c) =>
      withServices(c, {
        capabilities: { ...c.capabilities, 'rooms.access': 'partial' } as CapabilityMap,
        capabilityNotes: { ...c.capabilityNotes, 'rooms.access': 'no read-only default' },
        rooms: delegate(c.rooms, {
          create: (input, o) => {
            if (input.access?.default === 'read') throw new ValidationError('access.default', 'no read-only default', { provider: c.provider, operation: 'rooms.create' });
            return c.rooms.create(input.access?.default === 'write' ? { ...input, access: { ...input.access, default: 'read' } } : input, o);
          },
        }),
      }),
  },
  'touches the store before validating (memory requestCount counts store operations)': {
    groups: ['errors'],
    expectFailed: ['errors.validation-rooms-create-empty-id'],
    passWithoutProbe: ['errors.validation-rooms-create-empty-id'],
    wrap: (c) =>
      withServices(c, {
        rooms: delegate(c.rooms, {
          create: async (input, o) => {
            await c.rooms.list({ limit: 1 }).catch(() => undefined);
            return c.rooms.create(input, o);
          },
        }),
      }),
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
    name: 'self-test (probes)',
    create: async () => (current = wrap(await createCollab({ provider: 'memory', tokenSecret: SECRET }))),
    only: groups,
    settleMs: 300,
    timeoutMs: 10_000,
    secrets: [SECRET],
  };
  if (withProbe) options.probe = memoryProbe(() => current!);
  return runConformance(options);
}

describe('conformance self-test: checks that cannot be passed by agreeing with yourself', () => {
  it('passes on the correct memory adapter with the probe (control)', async () => {
    const groups = [...new Set(Object.values(broken).flatMap((b) => b.groups))];
    const results = await run(groups, (c) => c, true);
    expect(results.filter((r) => r.status === 'failed'), summary(results)).toEqual([]);
    const ran = new Set(results.filter((r) => r.status === 'passed').map((r) => r.id));
    for (const b of Object.values(broken)) for (const id of b.expectFailed) expect(ran.has(id), `${id} runs (and passes) on the correct adapter`).toBe(true);
  });

  for (const [name, b] of Object.entries(broken)) {
    it(`fails on an adapter that ${name}`, async () => {
      const results = await run(b.groups, b.wrap, true);
      const failed = results.filter((r) => r.status === 'failed').map((r) => r.id);
      for (const id of b.expectFailed) expect(failed, summary(results)).toContain(id);
      if (b.passWithoutProbe) {
        const without = await run(b.groups, b.wrap, false);
        for (const id of b.passWithoutProbe) expect(without.find((r) => r.id === id)?.status, `${id} without the probe\n${summary(without)}`).toBe('passed');
      }
    });
  }

  it('memory requestCount counts store operations (not a constant 0)', async () => {
    let current: Collab | undefined;
    const probe = memoryProbe(() => current!);
    current = await createCollab();
    try {
      const before = await probe.requestCount!();
      await current.rooms.list({ limit: 1 });
      expect(await probe.requestCount!()).toBeGreaterThan(before);
      const afterList = await probe.requestCount!();
      await probe.roomExists!('nothing');
      await probe.notificationIds!('nobody');
      expect(await probe.requestCount!(), "the probe's own reads are not counted").toBe(afterList);
    } finally {
      await current.close();
    }
  });
});

