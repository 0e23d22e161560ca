import { nodeCrypto } from '../core/node-crypto.js';
import type { CapabilityKey, CapabilityMap } from '../core/capabilities.js';
import type { Collab } from '../core/container.js';
import { commentChecks, reactionChecks } from './checks/comments.js';
import { documentChecks } from './checks/documents.js';
import { capabilityChecks, errorChecks } from './checks/errors.js';
import { authChecks, eventChecks, webhookChecks } from './checks/misc.js';
import { notificationChecks } from './checks/notifications.js';
import { presenceChecks } from './checks/presence.js';
import { roomChecks } from './checks/rooms.js';
import { storageChecks } from './checks/storage.js';
import { threadChecks } from './checks/threads.js';
import { unsupportedChecks } from './checks/unsupported.js';
import { userChecks } from './checks/users.js';
import { ConformanceSkip } from './helpers.js';
import {
  CONFORMANCE_GROUPS,
  type ConformanceCheck,
  type ConformanceContext,
  type ConformanceOptions,
  type ConformanceProbe,
  type ConformanceResult,
  type GroupName,
} from './types.js';

/**
 * Every check of the suite, in run order. Each is a plain async function of a `ConformanceContext`, so the
 * same table backs `describeConformance` (vitest) and `runConformance` (programmatic).
 */
export const conformanceChecks: readonly ConformanceCheck[] = [
  ...capabilityChecks,
  ...roomChecks,
  ...userChecks,
  ...threadChecks,
  ...commentChecks,
  ...reactionChecks,
  ...presenceChecks,
  ...notificationChecks,
  ...authChecks,
  ...eventChecks,
  ...webhookChecks,
  ...documentChecks,
  ...storageChecks,
  ...errorChecks,
  ...unsupportedChecks,
].sort((a, b) => CONFORMANCE_GROUPS.indexOf(a.group) - CONFORMANCE_GROUPS.indexOf(b.group));

/** A check with the decision whether it runs; `skipReason` is set when it does not. */
export interface PlannedCheck {
  /** The check. */
  check: ConformanceCheck;
  /** Why the check is skipped (printed in the test title), or `undefined` when it runs. */
  skipReason?: string;
}

/** Default timeout of one check in ms. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Extra time of checks marked `slow`, in ms. */
export const SLOW_EXTRA_MS = 20_000;

/**
 * Decides which checks run against an adapter with these capabilities: `only` limits the groups; a check
 * that asserts `UnsupportedFeatureError` is included only for `no` capabilities; a check needing a `no`
 * capability, a missing probe member or named in `skip` is listed as skipped with the reason.
 * Throws when `skip` or `only` name an unknown group or check id, so a typo cannot hide a check.
 */
export function planConformance(capabilities: CapabilityMap, options: Pick<ConformanceOptions, 'only' | 'skip' | 'probe'>, checks: readonly ConformanceCheck[] = conformanceChecks): PlannedCheck[] {
  const known = new Set<string>([...CONFORMANCE_GROUPS, ...checks.map((c) => c.id)]);
  for (const key of Object.keys(options.skip ?? {})) {
    if (!known.has(key)) throw new Error(`describeConformance: skip key "${key}" is neither a group (${CONFORMANCE_GROUPS.join(', ')}) nor a check id`);
  }
  for (const group of options.only ?? []) {
    if (!(CONFORMANCE_GROUPS as readonly string[]).includes(group)) throw new Error(`describeConformance: only names unknown group "${group}"`);
  }
  const probe: ConformanceProbe = options.probe ?? {};
  const planned: PlannedCheck[] = [];
  for (const check of checks) {
    if (options.only && !options.only.includes(check.group)) continue;
    if (check.unsupported && capabilities[check.unsupported] !== 'no') continue;
    const skip = options.skip?.[check.id] ?? options.skip?.[check.group];
    const missing = check.requires.filter((key: CapabilityKey) => capabilities[key] === 'no');
    const missingProbe = (check.requiresProbe ?? []).filter((name) => !probe[name]);
    let skipReason: string | undefined;
    if (skip !== undefined) skipReason = `skipped by the adapter: ${skip}`;
    else if (missing.length > 0) skipReason = `needs ${missing.join(', ')} (declared no; covered by the unsupported check)`;
    else if (missingProbe.length > 0) skipReason = `needs probe.${missingProbe.join(', probe.')}`;
    planned.push(skipReason === undefined ? { check } : { check, skipReason });
  }
  return planned;
}

/** Runs checks against one collab, giving each a context with unique ids and best-effort cleanup. */
export class ConformanceSession {
  /** The random tag of this run (in every id the suite creates). */
  readonly runId = nodeCrypto().randomBytes(5).toString('hex');
  private counter = 0;

  constructor(
    /** The collab under test. */
    readonly collab: Collab,
    private readonly options: Pick<ConformanceOptions, 'probe' | 'settleMs' | 'secrets' | 'timeoutMs'>,
  ) {}

  /** The timeout of a check in ms. */
  timeoutOf(check: ConformanceCheck): number {
    return (this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS) + (check.slow ? SLOW_EXTRA_MS : 0);
  }

  /** Runs one check (with its cleanups) and reports the outcome; never throws. */
  async run(check: ConformanceCheck, timeoutMs = this.timeoutOf(check)): Promise<ConformanceResult> {
    const started = Date.now();
    const cleanups: Array<() => unknown> = [];
    const { collab } = this;
    const ctx: ConformanceContext = {
      collab,
      probe: this.options.probe ?? {},
      runId: this.runId,
      settleMs: this.options.settleMs ?? 5000,
      secrets: this.options.secrets ?? [],
      id: (kind) => `uc-${this.runId}-${kind}-${++this.counter}`,
      defer: (cleanup) => void cleanups.push(cleanup),
      level: (key) => collab.capabilities[key],
      available: (key) => collab.capabilities[key] !== 'no',
      skip: (reason) => {
        throw new ConformanceSkip(reason);
      },
    };
    const base = { id: check.id, group: check.group, name: check.name };
    let result: ConformanceResult;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        check.run(ctx),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`check ${check.id} timed out after ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      result = { ...base, status: 'passed', durationMs: Date.now() - started };
    } catch (err) {
      result =
        err instanceof ConformanceSkip
          ? { ...base, status: 'skipped', reason: err.reason, durationMs: Date.now() - started }
          : { ...base, status: 'failed', error: err, durationMs: Date.now() - started };
    } finally {
      clearTimeout(timer);
    }
    for (const cleanup of cleanups.reverse()) {
      await Promise.race([Promise.resolve().then(cleanup).catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    }
    return result;
  }
}

/**
 * Runs the conformance suite programmatically (no vitest needed): creates one collab, runs every planned
 * check in order, closes the collab and returns one result per check, skipped ones included with their
 * reason. Use it in scripts (`unicollab doctor`-style smoke tests) or to test the suite itself.
 */
export async function runConformance(options: ConformanceOptions & { checks?: readonly ConformanceCheck[] }): Promise<ConformanceResult[]> {
  const collab = await options.create();
  try {
    const session = new ConformanceSession(collab, options);
    const results: ConformanceResult[] = [];
    for (const { check, skipReason } of planConformance(collab.capabilities, options, options.checks)) {
      if (skipReason !== undefined) {
        results.push({ id: check.id, group: check.group, name: check.name, status: 'skipped', reason: skipReason, durationMs: 0 });
        continue;
      }
      results.push(await session.run(check));
    }
    return results;
  } finally {
    await collab.close();
  }
}

/** Groups in run order, each with its planned checks (empty groups left out). */
export function groupPlan(planned: readonly PlannedCheck[]): Array<[GroupName, PlannedCheck[]]> {
  return CONFORMANCE_GROUPS.map((g) => [g, planned.filter((p) => p.check.group === g)] as [GroupName, PlannedCheck[]]).filter(([, p]) => p.length > 0);
}
