/**
 * `unicollab/testing`: the conformance suite. Run the same behavioural checks against any adapter, with an
 * optional probe that reads vendor state directly so an adapter cannot pass by agreeing with itself.
 *
 * - `describeConformance(options)` registers the checks as **vitest** tests (vitest is required).
 * - `runConformance(options)` runs them programmatically and returns one result per check.
 * - `conformanceChecks` is the table of checks both use.
 *
 * @packageDocumentation
 */
export { describeConformance } from './describe.js';
export { conformanceChecks, planConformance, runConformance, DEFAULT_TIMEOUT_MS, SLOW_EXTRA_MS, type PlannedCheck } from './run.js';
export { normalizeBody, RUN_METADATA_KEY } from './helpers.js';
export {
  CONFORMANCE_GROUPS,
  type BroadcastWatcher,
  type ConformanceCheck,
  type ConformanceContext,
  type ConformanceOptions,
  type ConformanceProbe,
  type ConformanceResult,
  type GroupName,
  type ProbedSubscription,
  type ProbedTokenGrant,
  type ProbedUser,
} from './types.js';
