/**
 * A deadline as an AbortSignal whose timer keeps the process alive until it fires or is cleared.
 * `AbortSignal.timeout` does not: its timer is unreferenced, so a step waiting on nothing else (a peer
 * that went silent, a stuck adapter) would let the process exit with the work unfinished and unreported.
 */

/** A signal that aborts after `ms` milliseconds; call `clear` once the work is done. */
export interface Deadline {
  readonly signal: AbortSignal;
  clear(): void;
}

/** Starts a deadline `ms` milliseconds from now. */
export function startDeadline(ms: number): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error('deadline')), ms);
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
