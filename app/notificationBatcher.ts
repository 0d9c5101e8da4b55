/**
 * Groups notifications from many appliances into gateway requests (at most {@link MAX_NOTIFICATIONS_PER_REQUEST}
 * per request) with a bounded number of requests in flight. Appliances hand their notifications over and move
 * on; each one's completion runs when its batch's results are in, so the check never waits on the
 * gateway one appliance at a time and never holds more than a few batches of pending work.
 */
import { MAX_NOTIFICATIONS_PER_REQUEST } from '../protocol/notification.ts';
import type { AnyNotification } from '../protocol/notificationV2.ts';
import type { DeliveryResult, GatewayFailover, NotificationForwarder } from './ports.ts';

/** Called with the results of one appliance's notifications, by notification id (one for each). */
export type BatchCompletion = (results: ReadonlyMap<string, DeliveryResult>) => Promise<void>;

/**
 * Called once per request and gateway-level reason its notifications failed for, with the gateway the
 * results name (the last one tried) when they name one.
 */
export type BatchFailure = (reason: string, count: number, gateway?: string, errorCode?: string) => void;

/** Options of {@link NotificationBatcher}. */
export interface BatcherOptions {
  readonly maxBatch?: number;
  readonly maxInFlight?: number;
  readonly onGatewayFailure?: BatchFailure;
  /** Hears of each request that goes on to a standby gateway (docs/gateway.md, Standby gateways), when it does. */
  readonly onFailover?: (failover: GatewayFailover) => void;
  /** Called once per request and gateway with how many of its notifications that gateway delivered. */
  readonly onDelivered?: (gateway: string, count: number) => void;
  /**
   * Called once per request and gateway with how many of its notifications of the newer kinds that gateway
   * could not take because it has no `/v2` (docs/gateway.md, Newer notifications); those are not
   * reported to `onGatewayFailure`.
   */
  readonly onGatewayTooOld?: (gateway: string, count: number) => void;
}

interface Pending {
  readonly notifications: readonly AnyNotification[];
  readonly complete: BatchCompletion;
}

/** Batches notifications across appliances for a {@link NotificationForwarder}. */
export class NotificationBatcher {
  private pending: Pending[] = [];
  private pendingCount = 0;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly forwarder: NotificationForwarder,
    private readonly options: BatcherOptions = {},
  ) {}

  private get maxBatch(): number {
    return Math.min(this.options.maxBatch ?? MAX_NOTIFICATIONS_PER_REQUEST, MAX_NOTIFICATIONS_PER_REQUEST);
  }

  /**
   * Queues one appliance's notifications; resolves once they are queued (waiting while the limit of
   * requests in flight is reached, which is the back-pressure on the producers).
   */
  async add(notifications: readonly AnyNotification[], complete: BatchCompletion): Promise<void> {
    if (notifications.length === 0) {
      await complete(new Map());
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
      results = await this.forwarder.forward(notifications, this.options.onFailover);
    } catch {
      // The port says forwarders never throw; one that does must still not lose the run's bookkeeping.
      results = notifications.map((n) => ({ id: n.id, delivered: false, traps: [], error: 'forwarder failed' }));
    }
    const byId = new Map(results.map((r) => [r.id, r]));
    const resultOf = (n: AnyNotification): DeliveryResult =>
      byId.get(n.id) ?? { id: n.id, delivered: false, traps: [], error: 'no result from the gateway' };
    this.report(notifications.map(resultOf));
    await Promise.all(batch.map((p) => p.complete(new Map(p.notifications.map((n) => [n.id, resultOf(n)])))));
  }

  /** Tells the listeners about one request: its gateway-level failures, and what each gateway delivered. */
  private report(outcomes: readonly DeliveryResult[]): void {
    const failures = new Map<string, { reason: string; gateway?: string; errorCode?: string; count: number }>();
    const delivered = new Map<string, number>();
    const tooOld = new Map<string, number>();
    for (const result of outcomes) {
      // Each gateway without `/v2` that was passed over, also when a standby took it (docs/gateway.md, Newer notifications).
      const withoutV2 = result.gatewaysWithoutV2 ?? (result.gatewayTooOld && result.gateway ? [result.gateway] : []);
      for (const gateway of withoutV2) tooOld.set(gateway, (tooOld.get(gateway) ?? 0) + 1);
      if (result.gatewayTooOld && withoutV2.length > 0) continue;
      // Counted as the run counts a delivery: accepted, and every trap host reached.
      // Delivered as the run counts it: accepted, and acknowledged by at least one trap host when it traps.
      if ((result.delivered || result.traps.some((t) => t.ok)) && result.gateway !== undefined) {
        delivered.set(result.gateway, (delivered.get(result.gateway) ?? 0) + 1);
      }
      if (result.delivered || result.traps.length > 0) continue;
      const reason = result.error ?? 'not delivered';
      const key = `${result.gateway ?? ''} ${reason}`;
      const entry = failures.get(key) ?? {
        reason,
        ...(result.gateway ? { gateway: result.gateway } : {}),
        ...(result.errorCode ? { errorCode: result.errorCode } : {}),
        count: 0,
      };
      entry.count++;
      failures.set(key, entry);
    }
    for (const f of failures.values()) this.options.onGatewayFailure?.(f.reason, f.count, f.gateway, f.errorCode);
    for (const [gateway, count] of delivered) this.options.onDelivered?.(gateway, count);
    for (const [gateway, count] of tooOld) this.options.onGatewayTooOld?.(gateway, count);
  }
}
