/**
 * The notifications of the newer kinds each gateway without `/v2` could not take in one run, for one
 * `gatewayTooOld` line per gateway and run however many requests it refused, the appliances' and the
 * Luna clients' together (docs/gateway.md, Newer notifications).
 */
import { logEntry } from '../core/logEntry.ts';
import type { LogSink } from './ports.ts';

/** One run's tally of refusals by gateways too old for `/v2`. */
export class GatewayTooOldTally {
  private readonly counts = new Map<string, number>();

  /** Counts `count` notifications `gateway` could not take. */
  add(gateway: string, count: number): void {
    this.counts.set(gateway, (this.counts.get(gateway) ?? 0) + count);
  }

  /** Logs one `gatewayTooOld` line per gateway counted, then starts over. */
  flush(log: LogSink): void {
    for (const [gateway, count] of this.counts) {
      log.write(logEntry('gatewayTooOld', { gateway, count }), { event: 'gateway' });
    }
    this.counts.clear();
  }
}
