/**
 * The gateway's own retries of an inform (docs/gateway.md, Configuration reference: `retries`,
 * `timeoutMs`, `backoff`). net-snmp sessions run with `retries: 0`; the gateway re-sends an inform that
 * no acknowledgement answered within the attempt's timeout, so each re-send is its own to count.
 *
 * Attempt k waits `timeoutMs * backoff^k`. An attempt's inform stays pending in the session for the whole
 * schedule ({@link informBudgetMs}), so a late acknowledgement of an earlier attempt still settles the
 * send, as it did when net-snmp re-sent the same request itself.
 */

/** How long each attempt waits and how many re-sends follow the first. */
export interface RetrySchedule {
  readonly retries: number;
  readonly timeoutMs: number;
  readonly backoff: number;
}

/** Sends one inform; `done` is called with its acknowledgement (null) or its error, once. */
export type InformTransmit = (done: (error: Error | null) => void) => void;

/** No attempt of an inform was acknowledged in time; the text is net-snmp's, as operators saw it before. */
export class InformTimeoutError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('Request timed out', options);
    this.name = 'InformTimeoutError';
  }
}

/** The longest delay a Node timer takes; a longer one would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/** The timeout of attempt `k` (0 for the first). */
function attemptTimeoutMs(schedule: RetrySchedule, k: number): number {
  return Math.min(MAX_TIMER_MS, Math.ceil(schedule.timeoutMs * Math.max(1, schedule.backoff) ** k));
}

/** The whole schedule: the time from the first send until the last attempt has timed out. */
export function informBudgetMs(schedule: RetrySchedule): number {
  let total = 0;
  for (let k = 0; k <= schedule.retries; k++) total += attemptTimeoutMs(schedule, k);
  return Math.min(MAX_TIMER_MS, total);
}

/** True for net-snmp's own timeout of one attempt: not an answer, the schedule decides. */
function isTimeout(error: Error): boolean {
  return error.name === 'RequestTimedOutError';
}

/**
 * Sends an inform with `transmit` and re-sends it (calling `onRetry` first) each time an attempt's
 * timeout passes unanswered, up to `schedule.retries` times. Resolves to null at the first
 * acknowledgement of any attempt, to the first error that is an answer (a refusal, a socket error), or to
 * a timeout error once the last attempt timed out. Never rejects.
 */
export function sendInform(
  transmit: InformTransmit,
  schedule: RetrySchedule,
  onRetry: () => void,
): Promise<Error | null> {
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (error: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(error);
    };
    const attempt = (k: number) => {
      timer = setTimeout(
        () => {
          if (k >= schedule.retries) return settle(new InformTimeoutError());
          onRetry();
          attempt(k + 1);
        },
        attemptTimeoutMs(schedule, k),
      );
      try {
        transmit((error) => {
          if (error === null || !isTimeout(error)) settle(error);
        });
      } catch (error) {
        settle(error instanceof Error ? error : new Error('send failed'));
      }
    };
    attempt(0);
  });
}
