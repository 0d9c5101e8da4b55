/**
 * The one place a running gateway compacts its journal from (docs/gateway.md, Journal): every hour, and
 * soon after the journal has grown enough to be worth it. At most one compaction runs at a time; asking
 * while one runs joins it. Each runs in slices that let intake and acknowledgements go on.
 */
import type { SyslogWriter } from '../syslog/syslogWriter.ts';
import type { DeliveryJournal } from './deliveryJournal.ts';

/** The journal as the scheduler uses it. */
export type CompactableJournal = Pick<DeliveryJournal, 'compactInSteps' | 'compactionDue'>;

/** What the scheduler needs; the intervals are for tests. */
export interface CompactionSchedulerOptions {
  readonly journal: CompactableJournal;
  readonly writer: Pick<SyslogWriter, 'lifecycle'>;
  readonly clock?: () => number;
  /** Compaction regardless of growth, to drop ids past the retention period (default one hour). */
  readonly everyMs?: number;
  /** How often the journal's growth is looked at (default one second). */
  readonly checkEveryMs?: number;
}

/**
 * One compaction that reports its failure. A failure (a full disk, a removed directory) must not end the
 * process: the journal it leaves is still complete, only larger, so the gateway keeps serving and says so
 * once per attempt with the error's code, never its message (which could carry a path).
 */
export async function compactOrReport(
  journal: Pick<DeliveryJournal, 'compactInSteps'>,
  writer: Pick<SyslogWriter, 'lifecycle'>,
  nowMs: number,
  onFailure?: () => void,
): Promise<boolean> {
  try {
    return await journal.compactInSteps(nowMs);
  } catch (error) {
    const code = (error as { code?: unknown })?.code;
    const reason = typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? code : 'unexpected error';
    writer.lifecycle('journalCompactionFailed', { reason });
    onFailure?.();
    return false;
  }
}

/** The wait before a compaction on growth is tried again after a failure: it doubles, up to an hour. */
export const RETRY_FIRST_MS = 60_000;
export const RETRY_MOST_MS = 3_600_000;

/** Runs the journal's compactions, one at a time. */
export class CompactionScheduler {
  private running: Promise<boolean> | undefined;
  private timers: NodeJS.Timeout[] = [];
  /**
   * After a failure the journal stays due, so without a pause a full disk would be met with a rewrite of
   * the whole journal (and a failure line) every second; the hourly run still tries.
   */
  private failures = 0;
  private retryAt = 0;

  constructor(private readonly o: CompactionSchedulerOptions) {}

  /** Starts the timers (they do not keep the process alive). */
  start(): void {
    const every = setInterval(() => void this.run(), this.o.everyMs ?? 3_600_000);
    const check = setInterval(() => void this.runIfDue(), this.o.checkEveryMs ?? 1000);
    every.unref();
    check.unref();
    this.timers = [every, check];
  }

  /** Compacts unless a compaction is running, in which case it is the one waited for. */
  run(): Promise<boolean> {
    const now = this.now();
    this.running ??= compactOrReport(this.o.journal, this.o.writer, now, () => this.failed(now))
      .then((done) => {
        if (done) {
          this.failures = 0;
          this.retryAt = 0;
        }
        return done;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /**
   * Compacts when the journal has grown enough, none is running and no failure asks to wait; else
   * resolves false at once.
   */
  runIfDue(): Promise<boolean> {
    if (this.running || this.now() < this.retryAt || !this.o.journal.compactionDue) return Promise.resolve(false);
    return this.run();
  }

  private now(): number {
    return (this.o.clock ?? Date.now)();
  }

  private failed(startedAt: number): void {
    this.failures++;
    this.retryAt = startedAt + Math.min(RETRY_MOST_MS, RETRY_FIRST_MS * 2 ** (this.failures - 1));
  }

  /** Stops the timers; resolves when no compaction runs (closing the journal ends one early). */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.running;
  }
}
