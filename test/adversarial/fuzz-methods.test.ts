/**
 * Fuzzing of every public method of every service on every adapter (memory; Liveblocks and Velt over a
 * recording fetch that answers like a small canned vendor): fast-check generates hostile arguments
 * (wrong types, lone surrogates, `..` and `%2e%2E`, huge strings, BigInt, cycles, deep nesting, getters
 * and Proxies that throw, bad and pre-aborted signals) and the canned vendor answers 404, 200, 204, 5xx,
 * an HTML page, or aborts the caller's signal mid-request.
 *
 * Properties, for every call:
 * - it settles (no hang) and never throws synchronously;
 * - a failure is a `CollabError` (`CollabError.is`), never a raw TypeError/RangeError/DOMException;
 * - input that the documented rules certainly refuse (decided by the generators, not by src) is
 *   rejected with ValidationError (or UnsupportedFeatureError / AbortedError) and no request is sent;
 * - a locally raised ValidationError (no HTTP status), or an AbortedError for a signal that had aborted
 *   before the call, comes with no request sent.
 */
import fc from 'fast-check';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollabError } from '../../src/core/errors.js';
import { BAD_OPTIONS, buildOptions, createTarget, describeError, invoke, materialize, METHODS, optionsArg, REPLIES, type Reply, type Target, TARGET_NAMES } from './fuzz-harness.js';

const RUNS = 50;
const LOCAL_REFUSALS = ['validation_error', 'unsupported_feature', 'aborted'];

// Safety net: nothing in this file may reach a real network.
beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());

describe.each(TARGET_NAMES)('fuzz: %s', (name) => {
  let target: Target;
  beforeAll(async () => {
    target = await createTarget(name);
  });
  afterAll(() => target?.collab.close());

  for (const mc of METHODS) {
    it(`${mc.group}.${mc.method}: only CollabErrors or success, and no request for invalid input`, async () => {
      const { collab, vendor } = target;
      await fc.assert(
        fc.asyncProperty(fc.tuple(...mc.args), optionsArg, fc.constantFrom<Reply>(...REPLIES), async (args, optionsKind, reply) => {
          const controller = new AbortController();
          const callArgs: unknown[] = args.map((a) => materialize(a.value));
          if (mc.options) callArgs.push(buildOptions(optionsKind, controller));
          vendor?.reset(reply);
          if (vendor && reply === 'abort') vendor.onAbort = () => controller.abort(new Error('aborted mid-request'));

          const outcome = await invoke(collab, mc.group, mc.method, callArgs);
          const sent = vendor?.requests.length ?? 0;
          const invalid = args.some((a) => a.bad) || (mc.options && BAD_OPTIONS.has(optionsKind));
          const preAborted = mc.options && optionsKind === 'preAborted';

          if (!outcome.ok) {
            expect(outcome.sync, `threw synchronously: ${describeError(outcome.error)}`).toBe(false);
            expect(CollabError.is(outcome.error), `a raw error escaped: ${describeError(outcome.error)}`).toBe(true);
          }
          if (invalid || preAborted) {
            expect(outcome.ok, 'certainly invalid input (or an aborted signal) was accepted').toBe(false);
            const code = (outcome as { error: CollabError }).error.code;
            expect(LOCAL_REFUSALS, `refused with ${code}: ${describeError((outcome as { error: unknown }).error)}`).toContain(code);
            expect(sent, `${sent} request(s) sent for invalid input`).toBe(0);
          }
          if (!outcome.ok && CollabError.is(outcome.error)) {
            const err = outcome.error;
            if (err.code === 'validation_error' && err.status === undefined) expect(sent, `ValidationError (${describeError(err)}) after ${sent} request(s)`).toBe(0);
            if (err.code === 'aborted' && preAborted) expect(sent).toBe(0);
          }
          if (mc.group === 'webhooks' && mc.method === 'verify') expect(sent).toBe(0);
        }),
        { numRuns: RUNS },
      );
    });
  }
});

describe('fuzz coverage', () => {
  it('fuzzes every method core guards (METHOD_ARGUMENTS), so a new method cannot escape the fuzzer', async () => {
    const { METHOD_ARGUMENTS } = await import('../../src/core/model/arguments.js');
    const guarded = Object.entries(METHOD_ARGUMENTS).flatMap(([group, methods]) => Object.keys(methods).map((m) => `${group}.${m}`));
    const fuzzed = new Set(METHODS.map((mc) => `${mc.group}.${mc.method}`));
    expect(guarded.filter((m) => !fuzzed.has(m))).toEqual([]);
  });
});
