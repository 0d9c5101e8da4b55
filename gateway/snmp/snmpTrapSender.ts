/**
 * Sends the Luna-profile notification (docs/design.md, SNMP notification) to configured trap hosts with
 * net-snmp: one session per host, reused and closed on shutdown; per-host pacing (a burst of UDP traps
 * would overflow the receiver's socket buffer) and a cap on requests in flight. Informs are retried with
 * backoff by net-snmp. A v3 inform refused because the session's notion of the receiver's engine is stale
 * (the receiver came back as another engine, or with a lower engineBoots or engineTime) is sent once more
 * on a fresh session, which discovers the engine again (docs/gateway.md, Failure handling).
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

/** What net-snmp's USM reports when the receiver's engine is not the one a session knows. */
const STALE_ENGINE_REPORTS = new Set(['Not In Time Window', 'Unknown Engine ID']);

/**
 * True when a v3 request failed because the session's notion of the authoritative engine is stale:
 * net-snmp refuses a report that does not advance its notion as "outside the time window" (it never
 * forgets the engineBoots and engineTime it learned, even when the engine ID changes), or passes on a
 * usmStatsNotInTimeWindows / usmStatsUnknownEngineIDs report it could not act on.
 */
export function isStaleEngineError(error: Error): boolean {
  if (error.name !== 'ResponseInvalidError') return false;
  const code = (error as Error & { code?: number }).code;
  if (code === snmp.ResponseInvalidCode.ENotInTimeWindow) return true;
  return code === snmp.ResponseInvalidCode.EAuthFailure && STALE_ENGINE_REPORTS.has(error.message);
}

/** A session and how many sends use it; a retired session closes once its last send settles. */
interface SessionSlot {
  readonly session: Session;
  active: number;
  retired: boolean;
}

/** One send's outcome, whether it failed on a stale engine notion, and whether it retired the session. */
interface Attempt {
  readonly outcome: SendOutcome;
  readonly staleEngine: boolean;
  readonly retired: boolean;
}

/** One trap host: its session, its pacing and its cap on sends in flight. */
class HostChannel {
  private slot: SessionSlot | undefined;
  /** Retired sessions that still have sends in flight. */
  private readonly draining = new Set<SessionSlot>();
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private nextSlotMs = 0;

  constructor(
    readonly host: TrapHostConfig,
    private readonly notificationOid: string,
    private readonly maxInFlight: number,
    private readonly notice: ((line: string) => void) | undefined,
  ) {}

  private getSlot(): SessionSlot {
    if (this.slot) return this.slot;
    const session = this.createSession();
    const slot: SessionSlot = { session, active: 0, retired: false };
    // A socket error must not crash the process; drop the session so the next send opens a fresh one.
    session.on('error', () => this.closeSlot(slot));
    session.on('close', () => {
      if (this.slot === slot) this.slot = undefined;
      this.draining.delete(slot);
    });
    this.slot = slot;
    return slot;
  }

  private createSession(): Session {
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
    if (h.version === '3') {
      const u = h.user!;
      return snmp.createV3Session(
        h.host,
        {
          name: u.name,
          level: snmp.SecurityLevel[u.level],
          ...(u.authProtocol ? { authProtocol: snmp.AuthProtocols[u.authProtocol], authKey: u.authKey } : {}),
          ...(u.privProtocol ? { privProtocol: snmp.PrivProtocols[u.privProtocol], privKey: u.privKey } : {}),
        },
        { ...base, version: snmp.Version3, ...(h.engineId ? { engineID: h.engineId } : {}) },
      );
    }
    return snmp.createSession(h.host, h.community!, {
      ...base,
      version: h.version === '1' ? snmp.Version1 : snmp.Version2c,
    });
  }

  /** Closes a session now (its pending informs fail). */
  private closeSlot(slot: SessionSlot): void {
    if (this.slot === slot) this.slot = undefined;
    this.draining.delete(slot);
    try {
      slot.session.close();
    } catch {
      // already closed
    }
  }

  /**
   * Stops handing out a session; it closes when the sends still using it have settled. False when it
   * was already retired (by another send that failed the same way).
   */
  private retire(slot: SessionSlot): boolean {
    if (this.slot === slot) this.slot = undefined;
    if (slot.retired) return false;
    slot.retired = true;
    if (slot.active === 0) this.closeSlot(slot);
    else this.draining.add(slot);
    return true;
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
    await this.acquire();
    try {
      const first = await this.attempt(message);
      if (!first.staleEngine) return first.outcome;
      // The receiver is not the engine this session knows: discover it again on a fresh session, once.
      // It discarded the refused inform (RFC 3414 section 3.2), so sending it again cannot duplicate it.
      // Sends in flight on the same session fail alike; only the one that retired it says so.
      if (first.retired) {
        this.notice?.(`trap host ${this.host.label}: SNMPv3 engine re-discovered (${first.outcome.error})`);
      }
      const second = await this.attempt(message);
      if (second.outcome.ok) return second.outcome;
      return { ok: false, error: `${second.outcome.error} (after re-discovery)` };
    } finally {
      this.release();
    }
  }

  /** One send on the current session; a stale engine notion retires that session. */
  private attempt(message: TrapMessage): Promise<Attempt> {
    return new Promise<Attempt>((resolve) => {
      const varbinds = [{ oid: SS_LOG_REFERENCE_OID, type: snmp.ObjectType.OctetString, value: message.reference }];
      let slot: SessionSlot | undefined;
      let settled = false;
      const done = (error: Error | null) => {
        if (settled) return;
        settled = true;
        const staleEngine =
          error !== null && this.host.version === '3' && this.host.type === 'inform' && isStaleEngineError(error);
        let retired = false;
        if (slot) {
          slot.active--;
          if (staleEngine) retired = this.retire(slot);
          else if (slot.retired && slot.active === 0) this.closeSlot(slot);
        }
        resolve({
          outcome: error ? { ok: false, error: sanitizeLogValue(error.message, 100) } : { ok: true },
          staleEngine,
          retired,
        });
      };
      try {
        slot = this.getSlot();
        slot.active++;
        if (this.host.type === 'inform') {
          slot.session.inform(this.notificationOid, varbinds, {}, (e) => done(e));
        } else {
          const agentAddr = message.agentAddr && isIPv4(message.agentAddr) ? message.agentAddr : '0.0.0.0';
          slot.session.trap(this.notificationOid, varbinds, { agentAddr }, (e) => done(e));
        }
      } catch (error) {
        done(error instanceof Error ? error : new Error('send failed'));
      }
    });
  }

  close(): void {
    for (const slot of [...this.draining]) this.closeSlot(slot);
    if (this.slot) this.closeSlot(this.slot);
  }
}

/** Sends to every usable trap host; hosts with a configuration `problem` are never contacted. */
export class SnmpTrapSender {
  private readonly channels = new Map<string, HostChannel>();

  /** `notice` receives a line when a host's session had to be replaced (never secrets). */
  constructor(
    hosts: readonly TrapHostConfig[],
    notificationOid: string,
    maxInFlightPerHost = 256,
    notice?: (line: string) => void,
  ) {
    for (const h of hosts) {
      if (h.problem === undefined) {
        this.channels.set(h.label, new HostChannel(h, notificationOid, maxInFlightPerHost, notice));
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
