// The same app code on different providers, chosen by configuration only: the embedded provider in
// two configurations (in-process, then persisted to a file and reopened), plus the vendor of the
// environment when one is configured (`COLLAB_PROVIDER=liveblocks LIVEBLOCKS_SECRET_KEY=sk_...`).
//
//   node --experimental-strip-types examples/vendor-swap.ts     (Node >= 22.6; or compile it with tsc)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Collab, type CollabConfig, createCollab, fromText, loadConfigFromEnv, toText } from 'unicollab';

/** The app: knows nothing about the provider beyond what `collab.capabilities` says. */
async function reviewFlow(collab: Collab, roomId: string): Promise<string[]> {
  const log: string[] = [];
  await collab.rooms.create({ id: roomId, name: 'Design review', idempotent: true });
  const thread = await collab.threads.create({ roomId, comment: { authorId: 'alice', body: fromText('Can @bob check the spacing?') } });
  await collab.comments.create({ roomId, threadId: thread.id, authorId: 'bob', body: fromText('Looks good') });
  if (collab.capabilities['threads.resolve'] !== 'no') await collab.threads.resolve(roomId, thread.id, { userId: 'alice' });
  const read = await collab.threads.get(roomId, thread.id);
  log.push(`${read.comments.length} comments, resolved: ${read.resolved}`);
  for (const comment of read.comments) log.push(`  ${comment.authorId}: ${toText(comment.body)}`);
  if (collab.capabilities['reactions.add'] === 'no') log.push('  (no reactions on this provider)');
  else await collab.reactions.add({ roomId, threadId: thread.id, commentId: read.comments[0]!.id, userId: 'bob', emoji: '👍' });
  return log;
}

const dir = mkdtempSync(join(tmpdir(), 'unicollab-vendor-swap-'));
const configs: Array<[label: string, config: CollabConfig]> = [
  ['memory (in-process)', { provider: 'memory' }],
  ['memory (persisted)', { provider: 'memory', persistPath: join(dir, 'collab.json') }],
];
const fromEnv = loadConfigFromEnv();
if (fromEnv.provider !== 'memory') configs.push([`${fromEnv.provider} (from the environment)`, fromEnv]);

try {
  for (const [label, config] of configs) {
    const collab = await createCollab(config, { require: ['rooms.create', 'threads.create', 'comments.create'] });
    try {
      const roomId = `vendor-swap-${Date.now().toString(36)}`;
      console.log(`${label}:`);
      for (const line of await reviewFlow(collab, roomId)) console.log(`  ${line}`);
      // Clean up real vendor data; the embedded provider's rooms go with the process (or stay in the file).
      if (collab.provider !== 'memory' && collab.capabilities['rooms.delete'] !== 'no') await collab.rooms.delete(roomId);
    } finally {
      await collab.close();
    }
  }
  // The persisted store opens again with what its run left.
  const reopened = await createCollab({ provider: 'memory', persistPath: join(dir, 'collab.json') });
  const rooms = (await reopened.rooms.list()).items;
  console.log(`memory (persisted, reopened): ${rooms.map((r) => `${r.id} "${r.name}"`).join(', ')}`);
  if (rooms.length !== 1) throw new Error(`expected the persisted room, got ${rooms.length} rooms`);
  await reopened.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
