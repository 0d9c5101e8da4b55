/**
 * A cap on the sends to one trap host that are in flight at once (the gateway's `maxInFlightTraps`): a
 * send past the cap waits, first come first served, until an earlier one ends.
 */
export class InFlightLimiter {
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly max: number) {}

  /**
   * Resolves once the caller may send; every call must be paired with one {@link release}. A caller that
   * waits is handed its place by `release`, so no one arriving meanwhile can take it.
   */
  async acquire(): Promise<void> {
    if (this.inFlight < this.max && this.waiting.length === 0) {
      this.inFlight++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Ends one send and hands its place to the longest waiting one, if any. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight--;
  }

  /** Sends in flight now. */
  get active(): number {
    return this.inFlight;
  }

  /** Sends waiting for a place. */
  get queued(): number {
    return this.waiting.length;
  }
}
