import { ConfigError } from '../core/errors.js';
import { ConformanceSession, groupPlan, planConformance } from './run.js';
import type { ConformanceOptions } from './types.js';

type Vitest = Pick<typeof import('vitest'), 'afterAll' | 'describe' | 'it'>;

/**
 * The vitest that is running this file. vitest is an optional peer dependency, so this module imports
 * nothing from it: `unicollab/testing` (and `runConformance`) load without it, with no top-level await
 * (so `require('unicollab/testing')` works), and `describeConformance` says what is missing instead of
 * failing with a module error. `require('vitest')` is refused by vitest itself, and a dynamic `import()`
 * resolves too late for tests to be registered while vitest collects the file; the runner's own exports
 * are on `globalThis.__vitest_index__` (what vitest's `import.meta.vitest` reads, vitest 0.x to 4) before
 * any test file is loaded, and they are the instance collecting this file.
 */
function runningVitest(): Vitest | undefined {
  const index = (globalThis as { __vitest_index__?: Partial<Vitest> }).__vitest_index__;
  return typeof index?.describe === 'function' && typeof index.it === 'function' && typeof index.afterAll === 'function' ? (index as Vitest) : undefined;
}

/**
 * Registers the conformance suite as vitest tests: one `describe` per run, one nested `describe` per group
 * and one `it` per check. **vitest is required**: it must be called from a test file vitest runs (it registers with that vitest);
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
  const vitest = runningVitest();
  if (!vitest) {
    throw new ConfigError('describeConformance registers vitest tests and must be called from a test file that vitest runs (npm install -D vitest); outside vitest use runConformance');
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
