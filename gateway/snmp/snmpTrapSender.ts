/**
 * Sends the Luna-profile notification (docs/design.md, SNMP notification) to configured trap hosts with
 * net-snmp: one session per host, reused and closed on shutdown; per-host pacing (a burst of UDP traps
 * would overflow the receiver's socket buffer) and a cap on requests in flight. Informs are retried with
 * backoff by net-snmp.
 */
import { isIPv4 } from 'node:net';
import snmp, { type Session, type SessionOptions } from 'net-snmp';
import { sanitizeLogValue } from '../../core/catalogue.ts';
import type { TrapHostConfig } from '../config/trapHostConfig.ts';

/** `ssLogReference` (SAFENET-APPLIANCE-MIB), sent without an instance suffix as the appliance does. */
export const SS_LOG_REFERENCE_OID = '1.3.6.1.4.1.23629.1.5.2.2.1';

/** Outcome of one send to one host. */
export interface SendOutcome {
  readonly ok: boolean;
  readonly error?: string;
}

/** One notification's content as the sender needs it. */
export interface TrapMessage {
  /** The ssLogReference text. */
  readonly reference: string;
  /** The appliance's IPv4 address for the SNMPv1 agent-addr field, when it has one. */
  readonly agentAddr?: string;
}

/** Told about every send and every inform retry (the gateway's metrics). */
export interface TrapObserver {
  trap(host: string, ok: boolean): void;
  informRetry(host: string): void;
}

/** The part of a net-snmp session that resends a request after a timeout (not in its typings). */
interface SessionInternals {
  send(req: { getId(): number }, noWait?: boolean): unknown;
  reqs: Record<number, unknown>;
}

/**
 * Calls `onRetry` each time `session` resends an inform. net-snmp retries a timed-out request inside the
 * session (`send` again on a request still registered as waiting) and offers no hook for it, so its
 * `send` is wrapped; should a later release change those internals, nothing is counted and nothing breaks.
 */
function countResends(session: Session, onRetry: () => void): void {
  const internals = session as unknown as SessionInternals;
  const send = internals.send;
  if (typeof send !== 'function' || typeof internals.reqs !== 'object' || internals.reqs === null) return;
  internals.send = function (this: SessionInternals, req, noWait) {
    if (!noWait && typeof req?.getId === 'function' && this.reqs[req.getId()] === req) onRetry();
    return send.call(this, req, noWait);
  };
}

/** One trap host: its session, its pacing and its cap on sends in flight. */
class HostChannel {
  private session: Session | undefined;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private nextSlotMs = 0;

  constructor(
    readonly host: TrapHostConfig,
    private readonly notificationOid: string,
    private readonly maxInFlight: number,
    private readonly observer?: TrapObserver,
  ) {}

  private getSession(): Session {
    if (this.session) return this.session;
    const h = this.host;
    const transport = h.host.includes(':') ? 'udp6' : 'udp4';
    const base: SessionOptions = {
      trapPort: h.port,
      // net-snmp sends v3 requests after engine discovery to `port`, not `trapPort`: keep them equal.
      port: h.port,
      retries: h.retries,
      timeout: h.timeoutMs,
      backoff: h.backoff,
      transport,
    };
    let session: Session;
    if (h.version === '3') {
      const u = h.user!;
      session = snmp.createV3Session(
        h.host,
        {
          name: u.name,
          level: snmp.SecurityLevel[u.level],
          ...(u.authProtocol ? { authProtocol: snmp.AuthProtocols[u.authProtocol], authKey: u.authKey } : {}),
          ...(u.privProtocol ? { privProtocol: snmp.PrivProtocols[u.privProtocol], privKey: u.privKey } : {}),
        },
        { ...base, version: snmp.Version3, ...(h.engineId ? { engineID: h.engineId } : {}) },
      );
    } else {
      session = snmp.createSession(h.host, h.community!, {
        ...base,
        version: h.version === '1' ? snmp.Version1 : snmp.Version2c,
      });
    }
    const observer = this.observer;
    if (observer && h.type === 'inform') countResends(session, () => observer.informRetry(h.label));
    // A socket error must not crash the process; drop the session so the next send opens a fresh one.
    session.on('error', () => this.reset());
    session.on('close', () => {
      if (this.session === session) this.session = undefined;
    });
    this.session = session;
    return session;
  }

  private reset(): void {
    const s = this.session;
    this.session = undefined;
    try {
      s?.close();
    } catch {
      // already closed
    }
  }

  private async acquire(): Promise<void> {
    if (this.inFlight >= this.maxInFlight) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.inFlight++;
    const rate = this.host.maxPerSecond;
    if (rate > 0) {
      const now = performance.now();
      const slot = Math.max(now, this.nextSlotMs);
      this.nextSlotMs = slot + 1000 / rate;
      // Timers are coarse: only sleep once we are a whole millisecond ahead, so bursts are smoothed.
      if (slot - now >= 1) await new Promise((r) => setTimeout(r, slot - now));
    }
  }

  private release(): void {
    this.inFlight--;
    this.waiting.shift()?.();
  }

  async send(message: TrapMessage): Promise<SendOutcome> {
    const outcome = await this.sendOnce(message);
    this.observer?.trap(this.host.label, outcome.ok);
    return outcome;
  }

  private async sendOnce(message: TrapMessage): Promise<SendOutcome> {
    await this.acquire();
    try {
      return await new Promise<SendOutcome>((resolve) => {
        const varbinds = [{ oid: SS_LOG_REFERENCE_OID, type: snmp.ObjectType.OctetString, value: message.reference }];
        const done = (error: Error | null) =>
          resolve(error ? { ok: false, error: sanitizeLogValue(error.message, 120) } : { ok: true });
        try {
          const session = this.getSession();
          if (this.host.type === 'inform') {
            session.inform(this.notificationOid, varbinds, {}, (e) => done(e));
          } else {
            const agentAddr = message.agentAddr && isIPv4(message.agentAddr) ? message.agentAddr : '0.0.0.0';
            session.trap(this.notificationOid, varbinds, { agentAddr }, (e) => done(e));
          }
        } catch (error) {
          done(error instanceof Error ? error : new Error('send failed'));
        }
      });
    } finally {
      this.release();
    }
  }

  close(): void {
    this.reset();
  }
}

/** Sends to every usable trap host; hosts with a configuration `problem` are never contacted. */
export class SnmpTrapSender {
  private readonly channels = new Map<string, HostChannel>();

  constructor(
    hosts: readonly TrapHostConfig[],
    notificationOid: string,
    maxInFlightPerHost = 256,
    observer?: TrapObserver,
  ) {
    for (const h of hosts) {
      if (h.problem === undefined) {
        this.channels.set(h.label, new HostChannel(h, notificationOid, maxInFlightPerHost, observer));
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
