/**
 * Path escapes: for every method that takes an id, every id slot and every HTTP adapter, a generated
 * id (dots, `%2e` in any case and depth, separators, control characters, lone surrogates, arbitrary
 * Unicode) either is refused with a ValidationError naming the slot before any request, or every
 * request path, as the server sees it after WHATWG normalisation (`new URL(url).pathname`), has the
 * same segments as the same call with a benign id, except the id's own segment, which decodes exactly
 * to the id. On memory, every spelling of `.`/`..` is refused the same way.
 */
import fc from 'fast-check';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollabError } from '../../src/core/errors.js';
import { createTarget, describeError, HOSTILE_ID, invoke, isValidIdByTheRules, type MethodCase, METHODS, type Target } from './fuzz-harness.js';

const RUNS = 40;
const DOT_SPELLINGS = ['.', '..', '%2e', '%2E', '%2e%2E', '.%2e', '%2E.', '%252e', '%252E%252e', '%25252e%2e', '%2%65'];
const WITH_IDS = METHODS.filter((m) => m.idSlots.length > 0);

/** A benign id per slot, unique so its segment can be found (decimal for Velt comment ids). */
function benignIds(mc: MethodCase): (slot: string) => string {
  return (slot) => {
    const i = mc.idSlots.indexOf(slot);
    return mc.numericSlots?.includes(slot) ? `9000${i}` : `benign${i}x`;
  };
}

function pathsOf(target: Target): string[] {
  return target.vendor!.requests.map((r) => new URL(r.url).pathname);
}

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());

describe.each(['liveblocks', 'velt'] as const)('path escapes: %s', (name) => {
  let target: Target;
  /** Slots whose benign id was seen as a path segment: proves the property compares something. */
  const inPath = new Set<string>();
  beforeAll(async () => {
    target = await createTarget(name);
  });
  afterAll(() => target?.collab.close());

  for (const mc of WITH_IDS) {
    for (const slot of mc.idSlots) {
      it(`${mc.group}.${mc.method} ${slot}: refused before any request, or confined to its own segment`, async () => {
        const benign = benignIds(mc);
        target.vendor!.reset('notFound');
        await invoke(target.collab, mc.group, mc.method, mc.template(benign));
        const base = pathsOf(target).map((p) => p.split('/'));
        if (base.some((segments) => segments.includes(benign(slot)))) inPath.add(`${mc.group}.${mc.method}.${slot}`);

        await fc.assert(
          fc.asyncProperty(HOSTILE_ID, async (id) => {
            target.vendor!.reset('notFound');
            const outcome = await invoke(target.collab, mc.group, mc.method, mc.template((s) => (s === slot ? id : benign(s))));
            if (!outcome.ok) expect(CollabError.is(outcome.error), `a raw error escaped: ${describeError(outcome.error)}`).toBe(true);
            const sent = pathsOf(target).map((p) => p.split('/'));
            if (!isValidIdByTheRules(id)) {
              expect(sent, `a request was sent for the invalid id ${JSON.stringify(id)}`).toEqual([]);
              expect(outcome.ok).toBe(false);
              const err = (outcome as { error: CollabError & { field?: string } }).error;
              // UnsupportedFeatureError comes first for a capability the adapter lacks.
              if (err.code !== 'unsupported_feature') expect(err).toMatchObject({ code: 'validation_error', field: slot });
              return;
            }
            for (let i = 0; i < Math.min(sent.length, base.length); i++) {
              const want = base[i]!;
              const got = sent[i]!;
              expect(got.length, `request ${i}: ${got.join('/')} has another number of segments than ${want.join('/')}`).toBe(want.length);
              for (let j = 0; j < want.length; j++) {
                if (want[j] === benign(slot)) expect(decodeURIComponent(got[j]!), `segment ${j} of ${got.join('/')}`).toBe(id);
                else expect(got[j], `segment ${j} of ${got.join('/')} changed`).toBe(want[j]);
              }
            }
          }),
          { numRuns: RUNS, examples: DOT_SPELLINGS.map((d) => [d] as [string]) },
        );
      });
    }
  }

  it('the property looked at real path segments (ids that travel in the path were seen there)', () => {
    // Velt sends every id in a JSON body to fixed paths; Liveblocks puts room, thread, comment, user,
    // notification and webhook ids in the path.
    if (name === 'liveblocks') expect(inPath.size).toBeGreaterThanOrEqual(20);
    else expect(inPath.size).toBe(0);
  });
});

describe('path escapes: memory', () => {
  let target: Target;
  beforeAll(async () => {
    target = await createTarget('memory');
  });
  afterAll(() => target?.collab.close());

  for (const mc of WITH_IDS) {
    it(`${mc.group}.${mc.method}: every spelling of . and .. is refused with ValidationError naming the slot`, async () => {
      const benign = benignIds(mc);
      for (const slot of mc.idSlots) {
        for (const dots of DOT_SPELLINGS) {
          const outcome = await invoke(target.collab, mc.group, mc.method, mc.template((s) => (s === slot ? dots : benign(s))));
          expect(outcome.ok, `${slot} = ${dots} was accepted`).toBe(false);
          expect((outcome as { error: unknown }).error, `${slot} = ${dots}`).toMatchObject({ code: 'validation_error', field: slot, provider: 'memory' });
        }
      }
    });
  }
});
