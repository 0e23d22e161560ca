/**
 * The round trip through every vendor: memory -> Liveblocks emulator -> Velt emulator -> Kabelwerk
 * emulator -> memory. At each leg the losses the import reports are exactly those `computeLosses`
 * predicts from the target's capability map, and what arrives back in memory is the original with those
 * losses applied (asserted record by record).
 */
import { afterAll, describe, expect, test } from 'vitest';
import { createCollab, registerAdapter, type Collab } from '../../src/index.js';
import { toText } from '../../src/core/body/index.js';
import { computeLosses, exportData, type ExportLine, LossRefusedError, type LossReport, migrate } from '../../src/portability/index.js';
import { startLiveblocksEmulator } from '../adapters/liveblocks/emulator/server.js';
import { startVeltEmulator } from '../adapters/velt/emulator/server.js';
import { kabelwerkCollab, startEmulator as startKabelwerk } from '../adapters/kabelwerk/support.js';
import { fromText } from '../../src/core/body/index.js';
import { memoryCollab } from './fixtures.js';

registerAdapter('liveblocks', async () => (await import('../../src/adapters/liveblocks/index.js')).liveblocksAdapter);
registerAdapter('velt', async () => (await import('../../src/adapters/velt/index.js')).veltAdapter);

const closers: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

async function collect(lines: AsyncIterable<ExportLine>): Promise<ExportLine[]> {
  const out: ExportLine[] = [];
  for await (const l of lines) out.push(l);
  return out;
}

/**
 * The collab with some capabilities turned off: the Liveblocks emulator answers 501 for the Yjs and
 * storage routes (a real Liveblocks project has them), so the chain runs as against a server without them.
 */
function withoutCapabilities(collab: Collab, keys: Array<keyof Collab['capabilities']>): Collab {
  const capabilities = { ...collab.capabilities };
  for (const key of keys) capabilities[key] = 'no';
  return Object.assign(Object.create(Object.getPrototypeOf(collab) as object) as Collab, collab, { capabilities });
}

/**
 * Data every vendor can take part in: Kabelwerk's rooms are one end user's conversation with the hub
 * (the room id is the user's key, one thread per room, comments by that user or hub staff), so each
 * room is named after its user and holds one thread of that user's comments; others react to them.
 */
async function seedChain(collab: Collab): Promise<void> {
  for (const id of ['alice', 'bob', 'carol']) await collab.users.upsert({ id, name: id.toUpperCase(), metadata: {} });
  for (const [i, owner] of ['alice', 'bob'].entries()) {
    await collab.rooms.create({ id: owner, name: `Room of ${owner}`, metadata: { project: `p${i}` } });
    const thread = await collab.threads.create({ roomId: owner, id: `th-${owner}`, comment: { authorId: owner, body: fromText(`${owner} opens`) }, metadata: { page: i } });
    const ids = [thread.comments[0]!.id];
    for (let c = 1; c < 3; c++) ids.push((await collab.comments.create({ roomId: owner, threadId: thread.id, authorId: owner, body: fromText(`${owner} reply ${c}`) })).id);
    for (const commentId of [ids[0]!, ids[2]!]) {
      await collab.reactions.add({ roomId: owner, threadId: thread.id, commentId, userId: 'carol', emoji: '👍' });
      await collab.reactions.add({ roomId: owner, threadId: thread.id, commentId, userId: i ? 'alice' : 'bob', emoji: '🎉' });
    }
    if (i === 0) await collab.threads.resolve(owner, thread.id, { userId: 'carol' });
  }
  await collab.notifications.trigger({ userId: 'bob', kind: 'fileUploaded', subjectId: 'file-1', roomId: 'bob', data: { size: 12 } });
}

type Projected = Record<string, unknown>;

/**
 * An export as comparable records: what no target keeps is left out (the ids a target assigns to
 * threads and comments, dates: the non-blocking "timestamps" loss; derived notifications), and empty
 * defaults are normalised (`archived: false`, empty per-user and per-group access maps).
 */
function project(lines: ExportLine[]): Projected[] {
  const out: Projected[] = [];
  for (const l of lines) {
    if (l.kind === 'user') out.push({ kind: 'user', id: l.id, ...(l.name !== undefined ? { name: l.name } : {}), metadata: l.metadata });
    if (l.kind === 'room') {
      const access = l.access ? { default: l.access.default, ...(Object.keys(l.access.users ?? {}).length ? { users: l.access.users } : {}), ...(Object.keys(l.access.groups ?? {}).length ? { groups: l.access.groups } : {}) } : undefined;
      out.push({ kind: 'room', id: l.id, name: l.name, metadata: l.metadata, ...(access ? { access } : {}), ...(l.archived ? { archived: true } : {}) });
    }
    if (l.kind === 'thread') {
      out.push({
        kind: 'thread',
        roomId: l.roomId,
        resolved: l.resolved,
        metadata: l.metadata,
        comments: l.comments.map((c) => ({ authorId: c.authorId, text: toText(c.body), reactions: c.reactions.map((r) => ({ emoji: r.emoji, userIds: [...r.userIds].sort() })).sort((a, b) => a.emoji.localeCompare(b.emoji)) })),
      });
    }
    if (l.kind === 'notification' && l.notificationKind === 'custom') out.push({ kind: 'notification', userId: l.userId, customKind: l.customKind, roomId: l.roomId, subjectId: l.subjectId, data: l.data, read: l.readAt !== null });
    if (l.kind === 'document') out.push({ kind: 'document', roomId: l.roomId, sharedTypes: l.sharedTypes, storage: l.storage });
  }
  const order = (r: Projected) => `${String(r.kind)}\u0000${String(r.id ?? r.roomId ?? r.userId)}`;
  return out.sort((a, b) => order(a).localeCompare(order(b)));
}

/**
 * What one leg carries, as the capability maps predict it: the source's export (a source without
 * users.list exports no users and so no notifications: they are listed per user), then the import's
 * predicted losses, feature by feature. Authors of a source without a user store are created in a
 * target that has one, as bare users (id only).
 */
function carry(records: Projected[], source: Collab, target: Collab, predicted: LossReport): Projected[] {
  const lost = new Set(predicted.items.filter((i) => i.blocking).map((i) => i.feature));
  let out = structuredClone(records);
  // A source without users.list exports no user records; its notifications are exported for the users named (USERS).
  if (source.capabilities['users.list'] === 'no') out = out.filter((r) => r.kind !== 'user');
  if (source.capabilities['reactions.add'] === 'no') for (const r of out) if (r.kind === 'thread') for (const c of r.comments as Array<{ reactions: unknown[] }>) c.reactions = [];
  if (lost.has('users')) out = out.filter((r) => r.kind !== 'user');
  if (lost.has('reactions')) for (const r of out) if (r.kind === 'thread') for (const c of r.comments as Array<{ reactions: unknown[] }>) c.reactions = [];
  if (lost.has('threads.metadata')) for (const r of out) if (r.kind === 'thread') r.metadata = {};
  if (lost.has('threads.resolved')) for (const r of out) if (r.kind === 'thread') r.resolved = false;
  if (lost.has('rooms.access')) for (const r of out) if (r.kind === 'room') delete r.access;
  // Liveblocks and Velt rooms always have a default access level: a room imported without one gets
  // none (Liveblocks' defaultAccesses [], access then coming from tokens). Memory keeps it unset.
  if (target.provider === 'liveblocks' || target.provider === 'velt') for (const r of out) if (r.kind === 'room') r.access ??= { default: 'none' };
  if (lost.has('notifications')) out = out.filter((r) => r.kind !== 'notification');
  const handled = new Set(['users', 'reactions', 'threads.metadata', 'threads.resolved', 'rooms.access', 'notifications']);
  for (const feature of lost) expect(handled.has(feature), `a loss the test does not model: ${feature}`).toBe(true);
  return out;
}

function withBareAuthors(records: Projected[], source: Collab, target: Collab): Projected[] {
  if (source.capabilities['users.list'] !== 'no' || target.capabilities['users.upsert'] === 'no') return records;
  const authors = new Set(records.filter((r) => r.kind === 'thread').flatMap((r) => (r.comments as Array<{ authorId: string }>).map((c) => c.authorId)));
  return project([]).concat(records, [...authors].map((id) => ({ kind: 'user', id, metadata: {} }))).sort((a, b) => `${String(a.kind)}\u0000${String(a.id ?? a.roomId ?? a.userId)}`.localeCompare(`${String(b.kind)}\u0000${String(b.id ?? b.roomId ?? b.userId)}`));
}

describe('memory -> liveblocks -> velt -> kabelwerk -> memory', () => {
  test('every leg loses exactly what the capability maps predict; the data back in memory is the original minus those losses', { timeout: 120_000 }, async () => {
    const original = await memoryCollab();
    await seedChain(original);
    const lb = await startLiveblocksEmulator();
    closers.push(() => lb.close());
    // The emulator answers 501 for the Yjs and storage routes: the chain carries no documents (see withoutCapabilities).
    const liveblocks = withoutCapabilities(await createCollab({ provider: 'liveblocks', secretKey: lb.secretKey, baseUrl: lb.url, retries: 0 }), ['documents.get', 'documents.set', 'documents.list', 'documents.updates', 'documents.versions', 'storage.get', 'storage.initialize', 'storage.delete', 'storage.patch']);
    const ve = await startVeltEmulator({ apiKey: 'velt_chain_api_key_1234', authToken: 'velt_chain_auth_token_5678' });
    closers.push(() => ve.close());
    const velt = await createCollab({ provider: 'velt', apiKey: 'velt_chain_api_key_1234', authToken: 'velt_chain_auth_token_5678', organizationId: 'org-chain', baseUrl: ve.url, createMissing: true, retries: 0 });
    const kw = await startKabelwerk([{ slug: 'main', name: 'Main' }]);
    closers.push(() => kw.close());
    const kabelwerk = await kabelwerkCollab(kw);
    const back = await memoryCollab();
    const chain: Collab[] = [original, liveblocks, velt, kabelwerk, back];

    const start = project(await collect(exportData(original)));
    let expected = start;
    const blocking: string[][] = [];
    for (let i = 0; i + 1 < chain.length; i++) {
      const [from, to] = [chain[i]!, chain[i + 1]!];
      const leg = `${from.provider} -> ${to.provider}`;
      const predicted = await computeLosses(exportData(from, { users: USERS }), to.provider, to.capabilities);
      if (predicted.lossy) await expect(migrate(from, to, { users: USERS }), `${leg} without allowLoss`).rejects.toBeInstanceOf(LossRefusedError);
      const report = await migrate(from, to, { allowLoss: true, verify: true, users: USERS });
      expect(report.losses, leg).toEqual(predicted);
      expect(report.verification?.differences, leg).toEqual([]);
      expect(report.verification?.ok, leg).toBe(true);
      blocking.push(predicted.items.filter((x) => x.blocking).map((x) => `${x.feature} ${x.count}`));
      expected = withBareAuthors(carry(expected, from, to, predicted), from, to);
      expect(project(await collect(exportData(to, { users: USERS }))), `what ${to.provider} holds after ${leg}`).toEqual(withExportView(expected, to));
    }
    // The predictions, leg by leg (what README "Switching vendors" lists).
    expect(blocking).toEqual([
      ['users 3'], // Liveblocks has no user store
      ['reactions 8'], // Velt cannot add reactions
      ['rooms.access 2', 'threads.metadata 2', 'threads.resolved 1', 'notifications 1'], // Kabelwerk decides access itself, has no thread metadata, resolved state or app-defined notifications
      [],
    ]);
    // Back in memory: the original minus those losses. (The custom notification crossed Liveblocks and
    // Velt, named by USERS since Liveblocks cannot list users, and stopped at Kabelwerk.)
    const final = project(await collect(exportData(back)));
    expect(final).toEqual(expected);
    expect(final).toEqual([
      { kind: 'room', id: 'alice', name: 'Room of alice', metadata: { project: 'p0' } },
      { kind: 'room', id: 'bob', name: 'Room of bob', metadata: { project: 'p1' } },
      { kind: 'thread', roomId: 'alice', resolved: false, metadata: {}, comments: ['alice opens', 'alice reply 1', 'alice reply 2'].map((text) => ({ authorId: 'alice', text, reactions: [] })) },
      { kind: 'thread', roomId: 'bob', resolved: false, metadata: {}, comments: ['bob opens', 'bob reply 1', 'bob reply 2'].map((text) => ({ authorId: 'bob', text, reactions: [] })) },
      { kind: 'user', id: 'alice', metadata: {} },
      { kind: 'user', id: 'bob', metadata: {} },
    ]);
    expect(start.filter((r) => r.kind === 'notification')).toHaveLength(1);
  });
});

/** What a provider's own export shows of the expected records: nothing of what it cannot hold or list. */
function withExportView(records: Projected[], collab: Collab): Projected[] {
  return collab.capabilities['users.list'] === 'no' ? records.filter((r) => r.kind !== 'user') : records;
}

/** The users named to the export of a source that cannot list them (Liveblocks), for their notifications. */
const USERS = ['alice', 'bob', 'carol'];
