/**
 * Sends the Luna-profile notification (docs/design.md, SNMP notification) to the configured trap hosts
 * with net-snmp, one channel per host (./hostChannel.ts): its session, reused and closed on shutdown; its
 * pacing and cap on sends in flight; the gateway's own inform re-sends; v3 engine re-discovery after a
 * receiver restart (docs/gateway.md, Failure handling).
 */
import type { TrapHostConfig } from '../config/trapHostConfig.ts';
import { HostChannel, type SendOutcome, type TrapMessage, type TrapSenderHooks } from './hostChannel.ts';

/** Sends to every usable trap host; hosts with a configuration `problem` are never contacted. */
export class SnmpTrapSender {
  private readonly channels = new Map<string, HostChannel>();

  constructor(
    hosts: readonly TrapHostConfig[],
    notificationOid: string,
    maxInFlightPerHost = 256,
    hooks: TrapSenderHooks = {},
  ) {
    for (const h of hosts) {
      if (h.problem === undefined) {
        this.channels.set(h.label, new HostChannel(h, notificationOid, maxInFlightPerHost, hooks));
      }
    }
  }

  /** Labels of the hosts that receive notifications, in configuration order. */
  get hostLabels(): string[] {
    return [...this.channels.keys()];
  }

  /** Sends one notification to one host; never throws. */
  send(label: string, message: TrapMessage): Promise<SendOutcome> {
    const channel = this.channels.get(label);
    if (channel === undefined) return Promise.resolve({ ok: false, error: 'trap host not configured' });
    return channel.send(message);
  }

  /** Closes every session (pending informs fail). */
  close(): void {
    for (const c of this.channels.values()) c.close();
  }
}
