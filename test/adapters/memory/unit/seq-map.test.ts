import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Inbox, SeqMap } from '../../../../src/adapters/memory/seq-map.js';

interface Item {
  seq: number;
  id: string;
}

/** The model: what a plain Map filtered and sorted on every read (the old paging) gives. */
function modelWalk(model: Map<string, Item>, after: number | undefined, descending: boolean): string[] {
  return [...model.values()]
    .filter((i) => after === undefined || (descending ? i.seq < after : i.seq > after))
    .sort((a, b) => (descending ? b.seq - a.seq || (a.id < b.id ? 1 : -1) : a.seq - b.seq || (a.id < b.id ? -1 : 1)))
    .map((i) => i.id);
}

const op = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key: fc.integer({ min: 0, max: 30 }), seq: fc.integer({ min: 0, max: 60 }) }),
  fc.record({ kind: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 30 }) }),
  fc.record({ kind: fc.constant('walk' as const), after: fc.option(fc.integer({ min: -1, max: 61 }), { nil: undefined }), descending: fc.boolean() }),
  fc.record({ kind: fc.constant('clear' as const) }),
);

describe('SeqMap (the ordered index behind memory listings)', () => {
  it('walks exactly what a filter-and-sort of a plain Map gives, under any mix of set, re-set, delete and clear', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const map = new SeqMap<Item>();
        const model = new Map<string, Item>();
        for (const o of ops) {
          if (o.kind === 'set') {
            const item = { seq: o.seq, id: `k${o.key}` };
            map.set(item.id, item);
            model.set(item.id, item);
          } else if (o.kind === 'delete') {
            expect(map.delete(`k${o.key}`)).toBe(model.delete(`k${o.key}`));
          } else if (o.kind === 'clear') {
            map.clear();
            model.clear();
          } else {
            expect([...map.walk(o.after, o.descending)].map((i) => i.id)).toEqual(modelWalk(model, o.after, o.descending));
          }
          expect(map.size).toBe(model.size);
        }
        expect([...map.walk(undefined)].map((i) => i.id)).toEqual(modelWalk(model, undefined, false));
      }),
      { numRuns: 300 },
    );
  });

  it('stays exact across the sweep of many dead entries (more than the compaction threshold)', () => {
    const map = new SeqMap<Item>();
    for (let i = 0; i < 5000; i++) map.set(`k${i}`, { seq: i, id: `k${i}` });
    for (let i = 0; i < 5000; i += 2) map.delete(`k${i}`);
    for (let i = 1; i < 3000; i += 2) map.set(`k${i}`, { seq: 10_000 + i, id: `k${i}` }); // moved to the end
    const ids = [...map.walk(undefined)].map((i) => i.id);
    const expected = [...Array.from({ length: 1000 }, (_, j) => `k${3001 + 2 * j}`), ...Array.from({ length: 1500 }, (_, j) => `k${1 + 2 * j}`)];
    expect(ids).toEqual(expected);
    expect([...map.walk(10_000 + 2999, true)].length).toBe(2499);
  });

  it('refuses initial entries rather than building an unordered index', () => {
    class Sub extends SeqMap<Item> {}
    expect(() => new Sub([['a', { seq: 1, id: 'a' }]])).toThrow(TypeError);
  });
});

describe('Inbox (thread index of a memory inbox)', () => {
  interface N {
    seq: number;
    id: string;
    kind: string;
    roomId?: string;
    threadId?: string;
  }

  it('finds the thread notification of a room+thread as a scan would, through re-sets and deletes', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            del: fc.boolean(),
            id: fc.integer({ min: 0, max: 10 }),
            kind: fc.constantFrom('thread', 'textMention', 'custom'),
            room: fc.constantFrom('r1', 'r2'),
            thread: fc.constantFrom('t1', 't2', 't3'),
          }),
          { maxLength: 100 },
        ),
        (ops) => {
          const inbox = new Inbox<N>();
          const model = new Map<string, N>();
          let seq = 0;
          for (const o of ops) {
            const id = `n${o.id}`;
            if (o.del) {
              inbox.delete(id);
              model.delete(id);
              continue;
            }
            const n: N = { seq: ++seq, id, kind: o.kind, roomId: o.room, threadId: o.thread };
            inbox.set(id, n);
            model.set(id, n);
          }
          for (const room of ['r1', 'r2']) {
            for (const thread of ['t1', 't2', 't3']) {
              const scan = [...model.values()].find((n) => n.kind === 'thread' && n.roomId === room && n.threadId === thread);
              const found = inbox.threadNotification(room, thread);
              expect(found === undefined).toBe(scan === undefined);
              if (found) expect(found).toMatchObject({ kind: 'thread', roomId: room, threadId: thread });
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
