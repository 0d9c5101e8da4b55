/**
 * A cap on the sends to one trap host that are in flight at once (the gateway's `maxInFlightTraps`): a
 * send past the cap waits, first come first served, until an earlier one ends.
 */
export class InFlightLimiter {
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly max: number) {}

  /** Resolves once the caller may send; every call must be paired with one {@link release}. */
  async acquire(): Promise<void> {
    if (this.inFlight >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight++;
  }

  /** Ends one send and lets the longest waiting one go. */
  release(): void {
    this.inFlight--;
    this.waiting.shift()?.();
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
