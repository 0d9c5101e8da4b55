/**
 * Handles accepted notifications exactly once per trap host: duplicates answer the stored result and
 * send nothing; new ones are journaled before any trap; a host that failed is retried when the same id
 * comes again, and a host that succeeded is never sent to twice. Pending deliveries resume after restart.
 */
import { formatSsLogReference } from '../../core/ssLogReference.ts';
import type { NotificationResult } from '../../protocol/notification.ts';
import { type AnyNotification, eventKind, type NotificationV2 } from '../../protocol/notificationV2.ts';
import { UnavailableError } from '../gatewayErrors.ts';
import type { GatewayMetrics, NotificationOutcome } from '../metrics/gatewayMetrics.ts';
import { eventVarbinds } from '../snmp/eventVarbinds.ts';
import type { TrapMessage } from '../snmp/hostChannel.ts';
import type { SnmpTrapSender } from '../snmp/snmpTrapSender.ts';
import type { SyslogWriter } from '../syslog/syslogWriter.ts';
import type { DeliveryJournal, HostOutcome, JournalEntry } from './deliveryJournal.ts';
import { type DeliveryPlan, type EventOids, planDelivery } from './deliveryPlan.ts';

/** What the delivery service works with. */
export interface DeliveryServiceOptions {
  readonly journal: DeliveryJournal;
  readonly sender: SnmpTrapSender;
  readonly syslog: SyslogWriter;
  readonly trapOnProblems: boolean;
  /** `snmp.events` (docs/gateway.md, Newer notifications): the kinds of newer notifications that trap. */
  readonly events?: EventOids;
  readonly pid: number;
  readonly clock?: () => number;
  /** Counts each notification's result (docs/gateway.md, Metrics). */
  readonly metrics?: GatewayMetrics;
}

/** A result as the metrics count it: a host not reached makes it failed, whether or not it was a duplicate. */
function outcomeOf(result: NotificationResult): NotificationOutcome {
  if (result.traps.some((t) => !t.ok)) return 'failed';
  return result.duplicate ? 'duplicate' : 'delivered';
}

/** The gateway's core: journal first, then syslog lines and traps, then the stored result. */
export class DeliveryService {
  private readonly inFlight = new Map<string, Promise<NotificationResult>>();
  private accepting = true;

  constructor(private readonly o: DeliveryServiceOptions) {}

  /** Handles one validated batch; results in request order. */
  async handleBatch(batch: readonly AnyNotification[]): Promise<NotificationResult[]> {
    if (!this.accepting) throw new UnavailableError('gateway is shutting down');
    const now = this.o.clock?.() ?? Date.now();
    const fresh: AnyNotification[] = [];
    const seenInBatch = new Set<string>();
    for (const n of batch) {
      if (seenInBatch.has(n.id)) continue;
      seenInBatch.add(n.id);
      if (!this.inFlight.has(n.id) && this.o.journal.get(n.id) === undefined) fresh.push(n);
    }
    try {
      this.o.journal.accept(fresh, now);
    } catch (error) {
      throw new UnavailableError('cannot record notifications durably', { cause: error });
    }
    const freshIds = new Set(fresh.map((n) => n.id));
    const results = await Promise.all(
      batch.map(async (n): Promise<NotificationResult> => {
        const running = this.inFlight.get(n.id);
        if (running && !freshIds.has(n.id)) return { ...(await running), duplicate: true };
        if (freshIds.has(n.id)) {
          freshIds.delete(n.id);
          return this.track(n.id, this.deliver(n, this.o.journal.get(n.id)!, false));
        }
        if (running) return { ...(await running), duplicate: true };
        const entry = this.o.journal.get(n.id)!;
        if (this.missingHosts(n, entry).length === 0 && entry.done) return this.stored(entry, true);
        // Seen before but some host never acknowledged: send to those hosts only.
        return { ...(await this.track(n.id, this.deliver(n, entry, true))), duplicate: true };
      }),
    );
    // Host outcomes are appended without fsync as they arrive; one fsync per batch before answering makes
    // an answered delivery survive power loss (else, after a crash, resumePending would trap it again).
    try {
      this.o.journal.sync();
    } catch {
      // The traps were sent and the answer stands; the records reach the disk with the next write.
    }
    if (this.o.metrics) {
      for (const result of results) this.o.metrics.notification(outcomeOf(result));
      for (const n of batch) this.o.metrics.notificationKind(eventKind(n));
    }
    return results;
  }

  /** Resumes deliveries that were accepted but not finished before a crash or restart. */
  resumePending(): Promise<NotificationResult[]> {
    return Promise.all(
      this.o.journal.pending().map((e) => {
        const running = this.inFlight.get(e.id);
        return running ?? this.track(e.id, this.deliver(e.notification!, e, true));
      }),
    );
  }

  /** Stops taking new batches and waits for deliveries in progress. */
  async drain(): Promise<void> {
    this.accepting = false;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
  }

  private track(id: string, p: Promise<NotificationResult>): Promise<NotificationResult> {
    this.inFlight.set(id, p);
    const clear = () => {
      if (this.inFlight.get(id) === p) this.inFlight.delete(id);
    };
    p.then(clear, clear);
    return p;
  }

  private plan(n: AnyNotification): DeliveryPlan {
    return planDelivery(n, {
      trapOnProblems: this.o.trapOnProblems,
      ...(this.o.events ? { events: this.o.events } : {}),
    });
  }

  private needsTrap(n: AnyNotification): boolean {
    return this.plan(n).trap !== undefined;
  }

  private missingHosts(n: AnyNotification, entry: JournalEntry): string[] {
    if (!this.needsTrap(n)) return [];
    return this.o.sender.hostLabels.filter((h) => !entry.hosts.get(h)?.ok);
  }

  private stored(entry: JournalEntry, duplicate: boolean): NotificationResult {
    // Configuration order, whatever order the hosts answered in; hosts since removed come last.
    const order = this.o.sender.hostLabels;
    const rank = (h: string) => (order.includes(h) ? order.indexOf(h) : order.length);
    const traps = [...entry.hosts]
      .sort(([a], [b]) => rank(a) - rank(b))
      .map(([host, o]) => ({ host, ok: o.ok, ...(o.error ? { error: o.error } : {}) }));
    return { id: entry.id, duplicate, traps, syslog: entry.syslog ?? 'ok' };
  }

  /** What is sent to each host: the Luna-profile notification, or a newer kind's own trap. */
  private trapMessage(n: AnyNotification, plan: DeliveryPlan, assert: boolean): TrapMessage {
    const v2 = n as NotificationV2;
    const reference = formatSsLogReference({
      // The address is the appliance's, so the reference names the appliance whenever there is one.
      appliance: v2.appliance ?? plan.host,
      ...(v2.address ? { address: v2.address } : {}),
      // The reference names the evaluation instant, so a resumed or retried send carries the same text.
      time: new Date(n.observedAt),
      pid: this.o.pid,
      assert,
    });
    const agentAddr = v2.address ? { agentAddr: v2.address } : {};
    const event = plan.trap?.event;
    if (event === undefined) return { reference, ...agentAddr };
    const certificate = String(plan.lines[0]?.params.certificate ?? (v2.appliance ? 'NTLS' : 'Client'));
    const varbinds = eventVarbinds(event.oid, v2, { certificate, assert, reference });
    return { reference, ...agentAddr, event: { oid: event.oid, varbinds } };
  }

  private async deliver(n: AnyNotification, entry: JournalEntry, retry: boolean): Promise<NotificationResult> {
    const { journal, sender, syslog } = this.o;
    const plan = this.plan(n);
    let syslogOk = true;
    // The event line is written once; a retry of the same id only adds the trap outcome lines.
    if (!retry || entry.hosts.size === 0) {
      for (const line of plan.lines) {
        syslogOk = syslog.appliance(plan.host, line.key, line.params, plan.severity) && syslogOk;
      }
    }
    if (plan.trap) {
      const trap = plan.trap;
      const message = this.trapMessage(n, plan, trap.assert);
      await Promise.all(
        sender.hostLabels
          .filter((h) => !entry.hosts.get(h)?.ok)
          .map(async (host) => {
            const outcome: HostOutcome = await sender.send(host, message);
            journal.recordHost(n.id, host, outcome);
            const key = outcome.ok ? trap.okKey : trap.failKey;
            syslogOk = syslog.appliance(plan.host, key, { ...trap.params, host }) && syslogOk;
          }),
      );
    }
    journal.complete(n.id, syslogOk ? 'ok' : 'failed');
    return this.stored(journal.get(n.id)!, false);
  }
}
