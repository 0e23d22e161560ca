import { ConfigError } from '../core/errors.js';
import { ConformanceSession, groupPlan, planConformance } from './run.js';
import type { ConformanceOptions } from './types.js';

// vitest is an optional peer dependency: loaded here so that `unicollab/testing` (and `runConformance`)
// still import without it, and `describeConformance` says what is missing instead of a module error.
const vitest: typeof import('vitest') | undefined = await import('vitest').catch(() => undefined);

/**
 * Registers the conformance suite as vitest tests: one `describe` per run, one nested `describe` per group
 * and one `it` per check. **vitest is required** (the suite imports `describe`/`it`/`afterAll` from `vitest`);
 * without it use `runConformance`.
 *
 * One collab is created per call, while vitest collects the file (its capabilities decide which tests
 * exist), and closed in `afterAll`. Checks whose capability is `no`, whose probe member is missing or that
 * `skip` names are registered with `it.skip` and the reason in the title, so nothing is hidden; a `no`
 * capability gets its own test asserting `UnsupportedFeatureError`. Every id the suite creates is unique
 * to the run (`uc-<run>-...`) and cleaned up best effort, so it is safe against a shared backend.
 *
 * ```ts
 * import { describeConformance } from 'unicollab/testing';
 * import { createCollab } from 'unicollab';
 *
 * describeConformance({ name: 'liveblocks', create: () => createCollab({ provider: 'liveblocks', secretKey }), secrets: [secretKey] });
 * ```
 */
export function describeConformance(options: ConformanceOptions): void {
  if (!vitest) {
    throw new ConfigError('describeConformance runs under vitest, which is not installed: npm install -D vitest (or use runConformance)');
  }
  const { afterAll, describe, it } = vitest;
  describe(`unicollab conformance: ${options.name}`, async () => {
    const collab = await options.create();
    afterAll(() => collab.close());
    const session = new ConformanceSession(collab, options);
    for (const [group, planned] of groupPlan(planConformance(collab.capabilities, options))) {
      describe(group, () => {
        for (const { check, skipReason } of planned) {
          const title = `${check.name} [${check.id}]`;
          if (skipReason !== undefined) {
            it.skip(`${title} (skipped: ${skipReason})`, () => undefined);
            continue;
          }
          const timeout = session.timeoutOf(check);
          it(
            title,
            async (t) => {
              // The session enforces the timeout itself; vitest's is a little longer so cleanups can finish.
              const result = await session.run(check, timeout);
              if (result.status === 'skipped') t.skip(result.reason);
              if (result.status === 'failed') throw result.error;
            },
            timeout + 15_000,
          );
        }
      });
    }
  });
}
