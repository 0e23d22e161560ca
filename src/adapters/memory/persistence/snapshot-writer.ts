import type { PersistedState } from './schemas.js';
import type { MemoryTables } from '../state.js';
import type { FileSink } from './file-system.js';
import { roomFields } from './records.js';

/** How the serializer shares the event loop. */
export interface SnapshotPacing {
  /** Characters gathered before one file write (default 64 Ki). */
  chunkChars?: number;
  /** Longest run of synchronous serialising before yielding, in ms (default 2). */
  sliceMs?: number;
}

/**
 * Writes the tables to `sink` as a version 2 snapshot document, in chunks, yielding to the event
 * loop between them so a large state does not stall other work. Writes may go on meanwhile: the
 * snapshot is "fuzzy" (each entity as of the moment it was serialized), which is sound because the
 * journal generation `journal` started before serializing and its whole-entity records are replayed
 * on top. `seq` is written last, so it covers every entity in the file.
 *
 * @returns The number of characters written.
 */
export async function writeSnapshot(tables: MemoryTables, journal: number, sink: FileSink, pacing: SnapshotPacing = {}): Promise<number> {
  const chunkChars = pacing.chunkChars ?? 64 * 1024;
  const sliceMs = pacing.sliceMs ?? 2;
  let parts: string[] = [];
  let size = 0;
  let total = 0;
  let sliceStart = performance.now();
  const push = async (text: string): Promise<void> => {
    parts.push(text);
    size += text.length;
    if (size < chunkChars && performance.now() - sliceStart < sliceMs) return;
    const chunk = parts.join('');
    parts = [];
    size = 0;
    total += chunk.length;
    await sink.write(chunk);
    await new Promise<void>((resolve) => setImmediate(resolve));
    sliceStart = performance.now();
  };
  const header: Pick<PersistedState, 'format' | 'version' | 'journal'> = { format: 'unicollab-memory', version: 2, journal };
  await push(`${JSON.stringify(header).slice(0, -1)},"tenants":{`);
  let firstTenant = true;
  for (const [tenantId, tenant] of tables.tenants) {
    await push(`${firstTenant ? '' : ','}${JSON.stringify(tenantId)}:{"rooms":[`);
    firstTenant = false;
    let first = true;
    for (const room of tenant.rooms.values()) {
      const fields = JSON.stringify(roomFields(room));
      await push(`${first ? '' : ','}${fields.slice(0, -1)},"threads":[`);
      first = false;
      let firstThread = true;
      for (const thread of room.threads.values()) {
        await push(`${firstThread ? '' : ','}${JSON.stringify(thread)}`);
        firstThread = false;
      }
      await push(room.content === undefined ? ']}' : `],"content":${JSON.stringify(room.content)}}`);
    }
    await push('],"users":[');
    first = true;
    for (const user of tenant.users.values()) {
      await push(`${first ? '' : ','}${JSON.stringify(user)}`);
      first = false;
    }
    await push('],"notifications":[');
    first = true;
    for (const inbox of tenant.notifications.values()) {
      for (const n of inbox.values()) {
        await push(`${first ? '' : ','}${JSON.stringify(n)}`);
        first = false;
      }
    }
    await push(']}');
  }
  await push('},"subscriptions":[');
  let first = true;
  for (const sub of tables.subscriptions.values()) {
    await push(`${first ? '' : ','}${JSON.stringify(sub)}`);
    first = false;
  }
  await push('],"deliveries":[');
  first = true;
  for (const delivery of tables.deliveries.values()) {
    await push(`${first ? '' : ','}${JSON.stringify(delivery)}`);
    first = false;
  }
  const tail = `],"seq":${tables.seq}}`;
  const chunk = parts.join('') + tail;
  total += chunk.length;
  await sink.write(chunk);
  return total;
}
