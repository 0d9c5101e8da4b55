/** Racing one step of a bounded procedure against its deadline (the collector's per-appliance deadline). */
import { DeadlineError } from './errors.ts';

/**
 * `promise`, or a {@link DeadlineError} as soon as `signal` aborts, whichever comes first. A port that
 * settles in its own abort handler (the capture hands over a certificate it already has) still wins:
 * the rejection waits one timer turn, which its settlement precedes.
 */
export function beforeDeadline<T>(promise: Promise<T>, signal: AbortSignal, step: string): Promise<T> {
  const late = () => new DeadlineError(`out of time while ${step} (timeout)`);
  if (signal.aborted) return Promise.reject(late());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => setTimeout(() => reject(late()), 0);
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
