/**
 * Remembers signatures seen inside the timestamp window so an exact replay is refused (docs/design.md,
 * Wire protocol). Bounded: entries expire with the window and the oldest go first when the cache is full.
 * Evicting early only weakens this first line; the idempotency journal still stops a replayed id from
 * trapping twice.
 */
export class ReplayCache {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  /** Records `signature`; returns false when it was already seen and has not expired. */
  checkAndRemember(signature: string, nowMs: number): boolean {
    const until = this.seen.get(signature);
    if (until !== undefined && until > nowMs) return false;
    if (until !== undefined) this.seen.delete(signature);
    if (this.seen.size >= this.maxEntries) this.evict(nowMs);
    this.seen.set(signature, nowMs + this.ttlMs);
    return true;
  }

  /** True when `signature` was seen and has not expired (does not record it). */
  has(signature: string, nowMs: number): boolean {
    const until = this.seen.get(signature);
    return until !== undefined && until > nowMs;
  }

  /** Number of remembered signatures. */
  get size(): number {
    return this.seen.size;
  }

  private evict(nowMs: number): void {
    // Map iteration is insertion order, which is expiry order (constant TTL): stop at the first live one.
    for (const [key, until] of this.seen) {
      if (until > nowMs && this.seen.size < this.maxEntries) break;
      this.seen.delete(key);
      if (until > nowMs) break;
    }
  }
}
