/**
 * Waiting on shared work with the caller's own signal: the work goes on (others may await it), the
 * caller stops waiting with `AbortedError` as soon as its signal aborts.
 * @module
 */
import { AbortedError, type CollabErrorInit } from './errors.js';

/**
 * `promise`, or `AbortedError` (with `init`) once `signal` aborts, whichever comes first. The listener
 * is removed when the promise settles, so a long-lived signal does not collect listeners.
 *
 * @param promise - The work being waited for; it is not cancelled.
 * @param signal - The caller's signal, if any (without one, `promise` is returned as it is).
 * @param init - Provider and operation, put on the `AbortedError`.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined, init: CollabErrorInit): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(AbortedError.from(signal, init));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(AbortedError.from(signal, init));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
