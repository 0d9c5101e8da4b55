/**
 * Spaces the sends to one trap host at most `maxPerSecond` apart (0: no pacing). A burst of UDP traps in
 * one event-loop turn would overflow the receiver's socket buffer and be lost there silently.
 */

/** Where the pacer reads the time (ms, monotonic) and how it waits; injectable for tests. */
export interface PacerClock {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

const realClock: PacerClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Hands out send slots `1000 / maxPerSecond` ms apart, in call order. */
export class SendPacer {
  private nextSlotMs = 0;

  constructor(
    private readonly maxPerSecond: number,
    private readonly clock: PacerClock = realClock,
  ) {}

  /** Resolves at the caller's slot. */
  async wait(): Promise<void> {
    if (this.maxPerSecond <= 0) return;
    const now = this.clock.now();
    const slot = Math.max(now, this.nextSlotMs);
    this.nextSlotMs = slot + 1000 / this.maxPerSecond;
    // Timers are coarse: only sleep once a whole millisecond ahead, so bursts are smoothed, not serialised.
    if (slot - now >= 1) await this.clock.sleep(slot - now);
  }
}
