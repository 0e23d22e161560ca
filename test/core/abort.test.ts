// Waiting on shared work with one caller's signal: the caller stops waiting, the work is untouched.
import { describe, expect, it } from 'vitest';
import { raceAbort } from '../../src/core/abort.js';
import { AbortedError } from '../../src/core/errors.js';

const init = { provider: 'acme', operation: 'things.get' };

describe('raceAbort', () => {
  it('returns the promise itself without a signal, and its value or error with one', async () => {
    const work = Promise.resolve(1);
    expect(raceAbort(work, undefined, init)).toBe(work);
    await expect(raceAbort(Promise.resolve(2), new AbortController().signal, init)).resolves.toBe(2);
    await expect(raceAbort(Promise.reject(new Error('boom')), new AbortController().signal, init)).rejects.toThrow('boom');
  });

  it('rejects with AbortedError (provider, operation, cause = the reason) when the signal aborts first, or has already', async () => {
    const controller = new AbortController();
    const pending = raceAbort(new Promise<never>(() => {}), controller.signal, init);
    controller.abort(new Error('user left'));
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortedError);
    expect(err).toMatchObject({ provider: 'acme', operation: 'things.get' });
    expect((err as AbortedError).cause).toEqual(new Error('user left'));
    await expect(raceAbort(Promise.resolve(1), controller.signal, init)).rejects.toBeInstanceOf(AbortedError);
  });

  it('removes its listener once the work settles, so a long-lived signal does not collect them', async () => {
    const controller = new AbortController();
    let added = 0;
    let removed = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...a: Parameters<typeof add>) => (added++, add(...a))) as typeof add;
    signal.removeEventListener = ((...a: Parameters<typeof remove>) => (removed++, remove(...a))) as typeof remove;
    for (let i = 0; i < 5; i++) await raceAbort(Promise.resolve(i), signal, init);
    await raceAbort(Promise.reject(new Error('x')), signal, init).catch(() => undefined);
    expect([added, removed]).toEqual([6, 6]);
  });
});
