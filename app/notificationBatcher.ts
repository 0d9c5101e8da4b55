/**
 * Groups notifications from many appliances into gateway requests (at most {@link MAX_NOTIFICATIONS_PER_REQUEST}
 * per request) with a bounded number of requests in flight. Appliances hand their notifications over and move
 * on; each one's completion runs when its batch's results are in, so the check never waits on the
 * gateway one appliance at a time and never holds more than a few batches of pending work.
 */
import { MAX_NOTIFICATIONS_PER_REQUEST, type Notification } from '../protocol/notification.ts';
import type { DeliveryResult, NotificationForwarder } from './ports.ts';

/** Called with the results of one appliance's notifications, in the order they were added. */
export type BatchCompletion = (results: readonly DeliveryResult[]) => Promise<void>;

/** Called once per request whose notifications all failed for the same gateway-level reason. */
export type BatchFailure = (reason: string, count: number) => void;

interface Pending {
  readonly notifications: readonly Notification[];
  readonly complete: BatchCompletion;
}

/** Batches notifications across appliances for a {@link NotificationForwarder}. */
export class NotificationBatcher {
  private pending: Pending[] = [];
  private pendingCount = 0;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly forwarder: NotificationForwarder,
    private readonly options: { maxBatch?: number; maxInFlight?: number; onGatewayFailure?: BatchFailure } = {},
  ) {}

  private get maxBatch(): number {
    return Math.min(this.options.maxBatch ?? MAX_NOTIFICATIONS_PER_REQUEST, MAX_NOTIFICATIONS_PER_REQUEST);
  }

  /**
   * Queues one appliance's notifications; resolves once they are queued (waiting while the limit of
   * requests in flight is reached, which is the back-pressure on the producers).
   */
  async add(notifications: readonly Notification[], complete: BatchCompletion): Promise<void> {
    if (notifications.length === 0) {
      await complete([]);
      return;
    }
    if (this.pendingCount + notifications.length > this.maxBatch) await this.flush();
    this.pending.push({ notifications, complete });
    this.pendingCount += notifications.length;
    if (this.pendingCount >= this.maxBatch) await this.flush();
  }

  /** Sends what is queued and waits for every request and completion to finish. */
  async drain(): Promise<void> {
    await this.flush();
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.pendingCount = 0;
    const maxInFlight = this.options.maxInFlight ?? 4;
    while (this.inFlight.size >= maxInFlight) await Promise.race(this.inFlight);
    const request = this.send(batch).finally(() => this.inFlight.delete(request));
    this.inFlight.add(request);
  }

  private async send(batch: readonly Pending[]): Promise<void> {
    const notifications = batch.flatMap((p) => p.notifications);
    let results: readonly DeliveryResult[];
    try {
      results = await this.forwarder.forward(notifications);
    } catch {
      // The port says forwarders never throw; one that does must still not lose the run's bookkeeping.
      results = notifications.map((n) => ({ id: n.id, delivered: false, traps: [], error: 'forwarder failed' }));
    }
    const byId = new Map(results.map((r) => [r.id, r]));
    const gatewayErrors = new Map<string, number>();
    const outcomes = notifications.map((n): DeliveryResult => {
      const result = byId.get(n.id) ?? { id: n.id, delivered: false, traps: [], error: 'no result from the gateway' };
      if (!result.delivered && result.traps.length === 0) {
        const reason = result.error ?? 'not delivered';
        gatewayErrors.set(reason, (gatewayErrors.get(reason) ?? 0) + 1);
      }
      return result;
    });
    for (const [reason, count] of gatewayErrors) this.options.onGatewayFailure?.(reason, count);
    let offset = 0;
    await Promise.all(
      batch.map((p) => {
        const slice = outcomes.slice(offset, offset + p.notifications.length);
        offset += p.notifications.length;
        return p.complete(slice);
      }),
    );
  }
}
