/**
 * Forwarding a Luna client's notifications (docs/clients.md, What certmonitor tells you): each client's in
 * a request of its own, after the appliances. They are of the newer kinds, so the forwarder sends them on
 * `/v2` (docs/design.md, Wire protocol); a gateway without it fails them only, told once per run and
 * gateway with `gatewayTooOld`, the appliances' and the clients' refusals in one line
 * (app/gatewayTooOldTally.ts). Every due notification is counted for the run's summary as for an
 * appliance's: sent, failed, not forwarded (no gateway) or would be sent (a what-if run).
 */
import { logEntry } from '../core/logEntry.ts';
import type { NotificationV2 } from '../protocol/notificationV2.ts';
import type { GatewayTooOldTally } from './gatewayTooOldTally.ts';
import type { LogSink, NotificationForwarder } from './ports.ts';

/** What the clients' notifications of one run came to. */
export interface ClientDeliveryCounts {
  sent: number;
  failed: number;
  notForwarded: number;
  wouldSend: number;
  /** Delivered, by the gateway that delivered them. */
  readonly deliveredBy: Record<string, number>;
}

/** One run's forwarding of client notifications. */
export class ClientForwarding {
  readonly counts: ClientDeliveryCounts = { sent: 0, failed: 0, notForwarded: 0, wouldSend: 0, deliveredBy: {} };

  /** `tooOld` is the run's tally, which the run logs once for the appliances and the clients together. */
  constructor(
    private readonly forwarder: NotificationForwarder | undefined,
    private readonly log: LogSink,
    private readonly dryRun: boolean,
    private readonly tooOld: GatewayTooOldTally,
  ) {}

  /** Sends one client's notifications; resolves to the ids delivered (none without a gateway). */
  async send(notifications: readonly NotificationV2[], client: string): Promise<Set<string>> {
    const delivered = new Set<string>();
    if (this.dryRun) {
      for (const n of notifications)
        this.log.write(logEntry('notificationDue', { event: n.event, id: n.id }), { client });
      this.counts.wouldSend += notifications.length;
      return delivered;
    }
    if (notifications.length === 0) return delivered;
    if (!this.forwarder) {
      this.counts.notForwarded += notifications.length;
      return delivered;
    }
    const failed = new Map<string, string>();
    for (const result of await this.forwarder.forward(notifications)) {
      const gateway = result.gateway ?? this.forwarder.description;
      // Each gateway without `/v2` that was passed over, also when a standby took it (docs/gateway.md, Newer notifications).
      for (const old of result.gatewaysWithoutV2 ?? (result.gatewayTooOld ? [gateway] : [])) this.tooOld.add(old, 1);
      if (result.delivered) {
        delivered.add(result.id);
        this.counts.deliveredBy[gateway] = (this.counts.deliveredBy[gateway] ?? 0) + 1;
      } else if (!result.gatewayTooOld) failed.set(gateway, result.error ?? 'not delivered');
    }
    for (const [gateway, reason] of failed) this.log.write(logEntry('gatewayFailed', { gateway, reason }), { client });
    const sent = notifications.filter((n) => delivered.has(n.id)).length;
    this.counts.sent += sent;
    this.counts.failed += notifications.length - sent;
    return delivered;
  }
}
